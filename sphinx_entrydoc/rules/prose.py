"""Function names in running text must name something that exists."""
from __future__ import annotations

import re

from ..findings import ERROR, WARNING, Fix
from ..names import close_names
from ..sentences import mentions, sentences
from . import rule

UNKNOWN_NAME = rule(
    "ED501", "unknown-name", ERROR,
    "A function name one typo away from a real one is a typo; readers search for the name as written.",
    "{name}() is not a known function; did you mean {suggestions}?",
    example="The exit counterpart irqenttry_nmi_exit() ...   ->   irqentry_nmi_exit()",
)
UNRESOLVED_NAME = rule(
    "ED502", "unresolved-name", WARNING,
    "Every function the text names should exist in the stubs, the document's snippets or the configured symbols.",
    "{name}() is not declared in the stubs, defined in a snippet of this document, or listed in "
    "entrydoc_known_symbols",
)
REMOVED_NAME = rule(
    "ED503", "removed-name", ERROR,
    "A name the kernel no longer has sends readers looking for code that is gone.",
    "{name}() no longer exists in kernel {kernel}: {when}; {advice}",
    example="kvm_guest_enter_irqoff()   ->   guest_state_enter_irqoff()",
)

# "There is no combined foo() function": the text says the name does not exist.
_DENIES = re.compile(r"\b(?:there (?:is|are) no|no such|does not exist|doesn't exist|do not exist|"
                     r"is not available|isn't available|is gone|was removed|no longer exists?)\b", re.I)


def report_removed(ctx, name: str, line: int, column: int) -> None:
    removed = ctx.api.removed[name]
    replacement = removed.replacement
    if not replacement:
        # The replacement depends on the path (its note says which): no
        # single suggestion, and nothing --fix could apply.
        ctx.report(REMOVED_NAME, line, column, name=name, when=removed.when, advice="use the one for the path this code is on",
                   kernel=ctx.api.kernel)
        return
    ctx.report(REMOVED_NAME, line, column, name=name, when=removed.when, advice=removed.advice,
               kernel=ctx.api.kernel, suggestion=f"{replacement}()",
               fix=Fix(line, column, name, replacement, f"rename {name}() to {replacement}()"))


def check(ctx) -> None:
    if ctx.api is None:
        return
    known = set(ctx.known_names()) | set(ctx.placeholders)
    # Suggestions come from the modelled API only, not from a source tree (see Context.model_names),
    # and from the names the document's own code calls, but only where the
    # model covers the text (entry-style documents): elsewhere those are the
    # kernel's API the model does not know, and a name near one of them is as
    # likely real ("devm_kmalloc()" beside a call of devm_kzalloc()).
    offerable = set(ctx.model_names()) | (set(ctx.placeholders) if ctx.entry_style else set())
    api = ctx.api
    suggested: dict = {}   # a name the prose repeats is looked up once
    for paragraph in ctx.document.paragraphs:
        for offset, sentence in sentences(paragraph.text):
            denies = _DENIES.search(sentence)
            for name_offset, name in mentions(sentence):
                if name in known:
                    continue
                if denies:
                    continue
                line, column = paragraph.position(offset + name_offset)
                if name in api.removed:
                    report_removed(ctx, name, line, column)
                    continue
                if name not in suggested:
                    suggested[name] = close_names(name, offerable)
                suggestions = suggested[name]
                if suggestions:
                    fix = None
                    if len(suggestions) == 1:
                        fix = Fix(line, column, name, suggestions[0], f"rename {name}() to {suggestions[0]}()")
                    ctx.report(UNKNOWN_NAME, line, column, name=name,
                               suggestions=" or ".join(f"{s}()" for s in suggestions),
                               suggestion=f"{suggestions[0]}()", fix=fix)
                elif ctx.entry_style:
                    # Outside entry-style documents (selection.py) the prose
                    # names the whole kernel; the model knows a sliver of it.
                    ctx.report(UNRESOLVED_NAME, line, column, name=name)
