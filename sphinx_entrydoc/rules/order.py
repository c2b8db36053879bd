"""Documented state orders versus the orders declared in the stubs."""
from __future__ import annotations

import re
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional, Sequence, Tuple

from ..extract import BulletList, Paragraph
from ..findings import ERROR, WARNING
from ..sentences import mentions, sentences
from . import rule

ORDER_MISMATCH = rule(
    "ED401", "order-mismatch", ERROR,
    "An ordering list that does not match the code teaches the wrong rule; the kernel's code is the reference.",
    "{subject} {claim}, but the stubs declare {declared_for}: {declared} ({file})",
    example="irqentry_nmi_enter(): Lockdep, Preemption counter, ...  (the code updates the preemption counter first)",
)
ORDER_UNDECLARED = rule(
    "ED402", "order-undeclared", WARNING,
    "A claimed order can only be checked against declared data; missing stub data should be visible, not silent.",
    "{name}() has no declared state order in the stubs, so this ordering claim is not checked",
)
ORDER_UNKNOWN_ITEM = rule(
    "ED403", "order-unknown-item", WARNING,
    "An ordering list item must name a known state; extend the vocabulary (entrydoc_order_vocabulary) for new ones.",
    "'{item}' is not a known state name (known: {known})",
)

DISPLAY = {"preempt": "Preemption counter", "lockdep": "Lockdep", "rcu": "RCU / Context tracking",
           "tracing": "Tracing", "time": "Time accounting", "tick": "NOHZ tick state",
           "softirq": "Soft interrupts"}

_FOLLOWING = re.compile(r"\bin\s+(?:the\s+following|this)\s+order\b|\bordered\s+as\s+follows\b", re.I)
_REVERSE = re.compile(r"\bin\s+(?:the\s+)?reversed?\s+order\b", re.I)
_SAME = re.compile(r"\bsame\s+order(?:ing)?\b", re.I)
_VARIANT = re.compile(r"\b(?:variant|counterpart|equivalent|version)\s+of\b|\banalogous\s+to\b|\blike\b", re.I)


def _show(keys: Sequence[str]) -> str:
    return ", ".join(DISPLAY.get(k, k) for k in keys)


def check(ctx) -> None:
    blocks = ctx.document.blocks
    for index, block in enumerate(blocks):
        if not isinstance(block, Paragraph) or block.in_list:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        listed = following if isinstance(following, BulletList) else None
        for offset, sentence in sentences(block.text):
            _check_sentence(ctx, block, offset, sentence, listed)


def _check_sentence(ctx, block: Paragraph, offset: int, sentence: str, listed: Optional[BulletList]) -> None:
    names = list(mentions(sentence))
    ends_with_list = sentence.rstrip().endswith(":") and listed is not None
    for pattern, reverse in ((_FOLLOWING, False), (_REVERSE, True)):
        phrase = pattern.search(sentence)
        if not phrase:
            continue
        before = [(o, n) for o, n in names if o < phrase.start()]
        if not before:
            return
        name_offset, subject = before[-1]
        function = _declared(ctx, subject, block, offset + name_offset)
        if ends_with_list:
            if function is not None:
                _compare_list(ctx, function, listed)
        elif reverse and function is not None:
            _check_reverse(ctx, function, block, offset + name_offset)
        return
    if _SAME.search(sentence):
        for name_offset, left, right in _variant_pairs(block.text):
            a = _declared(ctx, left, block, name_offset)
            b = _declared(ctx, right, block, name_offset)
            if a is None or b is None or a.order == b.order:
                continue
            line, column = block.position(name_offset)
            ctx.report(ORDER_MISMATCH, line, column, subject=f"{left}()",
                       claim=f"is said to have the same ordering as {right}()",
                       declared_for=f"{left}(): {_show(a.order)} and {right}()",
                       declared=_show(b.order), file=ctx.api.declared_in(a))


def _declared(ctx, name: str, block: Paragraph, offset: int):
    """The stub function named by a claim, warning when it declares no order.
    Names the stubs do not know are the prose rules' business."""
    function = ctx.api.functions.get(name) if ctx.api else None
    if function is None:
        return None
    if not function.order:
        ctx.report(ORDER_UNDECLARED, *block.position(offset), name=name)
        return None
    return function


def _keys(ctx, listed: BulletList) -> List[Tuple[Paragraph, Optional[str]]]:
    vocabulary = ctx.config.order_vocabulary
    out = []
    for item in listed.items:
        text = re.sub(r"[`*]", "", item.text).strip().rstrip(".,;").strip().lower()
        text = re.sub(r"\s+", " ", text)
        key = vocabulary.get(text)
        if key is None:
            ctx.report(ORDER_UNKNOWN_ITEM, item.line, item.spans[0][2], item=item.text.strip(),
                       known=", ".join(sorted(set(DISPLAY[v] for v in vocabulary.values() if v in DISPLAY))))
        out.append((item, key))
    return out


def _compare_list(ctx, function, listed: BulletList) -> None:
    items = _keys(ctx, listed)
    if any(key is None for _, key in items):
        return
    documented = [key for _, key in items]
    expected = [k for k in function.order if k in documented]
    for position, (item, key) in enumerate(items):
        if key not in function.order:
            problem = f"{DISPLAY.get(key, key)} is not among the states it updates"
        elif position >= len(expected) or expected[position] != key:
            problem = f"the list puts {DISPLAY.get(key, key)} at position {position + 1}"
        else:
            continue
        ctx.report(ORDER_MISMATCH, item.line, item.spans[0][2], subject=f"{function.name}()",
                   claim=f"is documented to update the state in the order {_show(documented)}; {problem}",
                   declared_for="the order", declared=_show(function.order), file=ctx.api.declared_in(function))
        return


def _check_reverse(ctx, function, block: Paragraph, offset: int) -> None:
    """"X() does it in the reverse order": X's order is the reverse of its partner's."""
    api = ctx.api
    partner_pair = function.closes or function.opens
    partners = api.pair_partner(partner_pair, closing=bool(function.opens)) if partner_pair else []
    partner = next((api.functions[p] for p in partners if api.functions[p].order), None)
    if partner is None:
        ctx.report(ORDER_UNDECLARED, *block.position(offset), name=function.name)
        return
    if tuple(reversed(partner.order)) != function.order:
        ctx.report(ORDER_MISMATCH, *block.position(offset), subject=f"{function.name}()",
                   claim=f"is said to run in the reverse order of {partner.name}() "
                         f"({_show(reversed(partner.order))})",
                   declared_for="the order", declared=_show(function.order), file=ctx.api.declared_in(function))


def _variant_pairs(text: str):
    """(offset, A, B) for each "A() is ... a variant of B()" in a paragraph."""
    for offset, sentence in sentences(text):
        names = list(mentions(sentence))
        for (o1, left), (o2, right) in zip(names, names[1:]):
            if _VARIANT.search(sentence[o1:o2]):
                yield offset + o1, left, right
