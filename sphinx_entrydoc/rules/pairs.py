"""Enter/exit brackets, balanced and nested on every control-flow path."""
from __future__ import annotations

from .. import flow
from ..findings import ERROR
from . import rule

UNCLOSED = rule(
    "ED301", "pair-unclosed", ERROR,
    "Every state an entry function establishes must be undone on every path out of the function.",
    "{opener}() at line {open_line} is not closed by {closers}() on the path {where}",
    example="state = irqentry_enter(regs); if (x) return; irqentry_exit(regs, state);",
)
CROSSED = rule(
    "ED302", "pair-crossed", ERROR,
    "State is unwound in the reverse order it was established; crossed brackets corrupt it.",
    "{closer}() at line {at_line} closes {opener}() from line {open_line} while {inner}() from line "
    "{inner_line} is still open; brackets close in reverse order, so {inner_closer}() comes first",
    example="A_enter(); B_enter(); A_exit(); B_exit();",
)
UNOPENED = rule(
    "ED303", "pair-unopened", ERROR,
    "An exit function undoes state that must have been established before it.",
    "{closer}() at line {at_line} closes {pair}, but no {openers}() is open on this path",
    example="irqentry_exit(regs, state); ... state = irqentry_enter(regs);",
)
MISMATCHED = rule(
    "ED304", "pair-mismatch", ERROR,
    "An entry is closed by an exit that undoes the state it established (any user-mode exit closes any user-mode entry); another exit undoes different state.",
    "{closer}() at line {at_line} does not close {opener}() from line {open_line}; "
    "it is closed by {partners}()",
    example="state = irqentry_enter(regs); ... irqentry_nmi_exit(regs, state);",
)
STATE_NOT_PASSED = rule(
    "ED305", "pair-state-not-passed", ERROR,
    "An exit that takes the state returned by its entry must be given that state, or it restores the wrong one.",
    "{closer}() at line {at_line} is not given the state returned by {opener}() at line {open_line}{detail}",
    example="irqentry_nmi_enter(regs); ... irqentry_nmi_exit(regs, other);",
)


def _names(names):
    return "()/".join(names) if names else "its exit"


def check(ctx) -> None:
    api = ctx.api
    for compiled in ctx.compiled:
        for function in compiled.functions:
            if compiled.broken(function):
                continue
            events = flow.analyse(compiled, function)
            # A bracket left open under a crossed close is that one mistake,
            # already reported; do not report it again where the path ends.
            crossed = {e.still_open for e in events if isinstance(e, flow.Crossed)}
            for event in sorted(events, key=_key):
                if isinstance(event, flow.Unclosed) and event.frame in crossed:
                    continue
                report(ctx, api, event)


def _key(event):
    return (type(event).__name__, repr(event))


def report(ctx, api, event) -> None:
    if isinstance(event, flow.Unclosed):
        frame = event.frame
        closers = api.pair_partner(frame.pair, closing=True)
        if frame.pair == "instrumentation" and event.at_return:
            # objtool's own words for the same rule
            where = f"returning at line {event.line} (return with instrumentation enabled)"
        else:
            where = (f"returning at line {event.line}" if event.at_return
                     else f"falling off the end at line {event.line}")
        ctx.report(UNCLOSED, frame.line, frame.column, opener=frame.opener,
                   open_line=frame.line, closers=_names(closers), where=where)
    elif isinstance(event, flow.Crossed):
        ctx.report(CROSSED, event.line, event.column, closer=event.closer, at_line=event.line,
                   opener=event.closed.opener, open_line=event.closed.line,
                   inner=event.still_open.opener, inner_line=event.still_open.line,
                   inner_closer=_names(api.pair_partner(event.still_open.pair, closing=True)))
    elif isinstance(event, flow.Unopened):
        ctx.report(UNOPENED, event.line, event.column, closer=event.closer, at_line=event.line,
                   pair=event.pair, openers=_names(api.pair_partner(event.pair, closing=False)))
    elif isinstance(event, flow.Mismatched):
        frame = event.frame
        ctx.report(MISMATCHED, event.line, event.column, closer=event.closer, at_line=event.line,
                   opener=frame.opener, open_line=frame.line,
                   partners=_names(api.pair_partner(frame.pair, closing=True)))
    elif isinstance(event, flow.StateNotPassed):
        frame = event.frame
        if frame.var is None:
            detail = f": the state it returns is dropped; store it and pass it to {event.closer}()"
        elif event.given:
            detail = f" ('{frame.var}'); it is given '{event.given}'"
        else:
            detail = f" ('{frame.var}')"
        ctx.report(STATE_NOT_PASSED, event.line, event.column, closer=event.closer, at_line=event.line,
                   opener=frame.opener, open_line=frame.line, detail=detail)
