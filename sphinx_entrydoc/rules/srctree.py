"""srctree mode: the document against the kernel tree it documents.

Runs only when ``Config.srctree`` names a tree (see sphinx_entrydoc.srctree).

Which references are checked.  A name a document mentions in prose
(``name()``, ``:c:func:``) or calls in a snippet is an *entry name* when

- the stubs declare it (function, macro or hook): the modelled entry API;
- the stubs list it as removed (``ENTRYDOC_REMOVED``); or
- it is a typo away (names.allowed_edits) from a function the tree marks
  ``noinstr``: the tree's own entry code.

Names the document's snippets define and names listed in
``known_symbols`` are the user's word and never checked; sentences that
deny a name ("there is no foo()") are skipped, as in the prose rules.

An entry name the tree neither defines nor declares is stale (ED801).
Suggestions, in order: the stubs' replacement of a removed name, the old
name of a renamed one when the tree is older than the stubs, then tree
names a typo away.  A mention that an earlier rule already called wrong
with a replacement (ED501, ED503, ED101) gets no second finding; ED502
("not declared anywhere") at the same spot is replaced by ED801 when the
tree has something to suggest, because ED801 then says more.

The tree's prototypes and markings of the modelled functions are what the
checks compile against in srctree mode (sphinx_entrydoc/treeapi.py); where
the model says otherwise, the front ends warn once per run.  That replaced
ED802 (tree-marking-mismatch), a finding per document for what is a fact
about the model, not about the document; the code is retired, not reused.
"""
from __future__ import annotations

import dataclasses
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator, List

from ..findings import WARNING
from ..sentences import mentions, sentences
from . import compile as compile_rules, prose, rule

STALE_NAME = rule(
    "ED801", "stale-name", WARNING,
    "An entry function the source tree does not have was renamed or removed; readers will not find it. "
    "(A warning: the index is a lexical scan and cannot see names made by token pasting.)",
    "{name}() is not defined in the source tree{hint}",
    example="irqentry_exit_to_user_mode_prepare() against a v6.18 tree   ->   exit_to_user_mode_prepare()",
)
# Findings that already say a name is wrong and what to use instead.
_NAMES_A_REPLACEMENT = {prose.UNKNOWN_NAME.code, prose.REMOVED_NAME.code, compile_rules.UNKNOWN_FUNCTION.code}


@dataclasses.dataclass(frozen=True)
class Reference:
    name: str
    line: int
    column: int


def check(ctx) -> None:
    tree = ctx.tree
    if tree is None or ctx.api is None:
        return
    references = list(prose_references(ctx)) + list(snippet_references(ctx))
    _report_stale(ctx, references)


def prose_references(ctx) -> Iterator[Reference]:
    for paragraph in ctx.document.paragraphs:
        for offset, sentence in sentences(paragraph.text):
            if prose._DENIES.search(sentence):
                continue
            for name_offset, name in mentions(sentence):
                yield Reference(name, *paragraph.position(offset + name_offset))


def snippet_references(ctx) -> Iterator[Reference]:
    for compiled in ctx.compiled:
        for call in compiled.calls:
            if not call.defined_in_snippet:
                yield Reference(call.name, *compiled.snippet.position(call.line, call.column))


def is_entry_name(ctx, name: str) -> bool:
    api = ctx.api
    return api.knows(name) or name in api.removed or bool(ctx.tree.close_noinstr_functions(name))


def _is_stale(ctx, name: str) -> bool:
    if ctx.tree.defines(name) or name in ctx.snippet_functions or name in ctx.config.known_symbols:
        return False
    return is_entry_name(ctx, name)


def suggestions(ctx, name: str) -> List[str]:
    """What the tree has instead of ``name``, best first."""
    api, tree = ctx.api, ctx.tree
    found = []
    removed = api.removed.get(name)
    if removed is not None and tree.defines(removed.replacement):
        found.append(removed.replacement)
    # The stubs are newer than the tree: the tree still has the old name.
    found += [old for old, later in sorted(api.removed.items())
              if later.replacement == name and tree.defines(old)]
    found += [close for close in tree.close_names(name) if close not in found]
    return found


def _report_stale(ctx, references: List[Reference]) -> None:
    already = {(f.line, f.column) for f in ctx.findings if f.code in _NAMES_A_REPLACEMENT}
    superseded = set()
    seen = set()
    for reference in references:
        spot = (reference.line, reference.column)
        if spot in already or spot in seen or not _is_stale(ctx, reference.name):
            continue
        seen.add(spot)
        offered = suggestions(ctx, reference.name)
        hint = "; did you mean " + " or ".join(f"{s}()" for s in offered) + "?" if offered else ""
        ctx.report(STALE_NAME, reference.line, reference.column, name=reference.name, hint=hint,
                   suggestion=f"{offered[0]}()" if offered else None)
        if offered:
            superseded.add(spot)
    ctx.findings[:] = [f for f in ctx.findings
                       if not (f.code == prose.UNRESOLVED_NAME.code and (f.line, f.column) in superseded)]
