"""noinstr call discipline: objtool's rule, at source level, in snippets."""
from __future__ import annotations

from .. import flow
from ..findings import ERROR, WARNING
from ..stubs import NOINSTR
from . import rule

NOINSTR_CALL = rule(
    "ED201", "noinstr-call", ERROR,
    "Code in .noinstr.text may only call instrumentable code inside instrumentation_begin()/instrumentation_end().",
    "call to {name}() leaves .noinstr.text section: {why}, and {caller}() is noinstr; "
    "move it between instrumentation_begin() and instrumentation_end()",
    example="noinstr void do_irq(...) { irq_enter_rcu(); ... }",
)
ARROW_CONTRADICTS = rule(
    "ED202", "arrow-note-contradicts-stubs", WARNING,
    "An arrow note that says the opposite of the declared marking misleads the reader.",
    "the note says {name}() {claim}, but {file} declares it {marking}",
)

NOT_NOINSTR = rule(
    "ED203", "expected-noinstr", ERROR,
    "A block marked :expect-noinstr: shows entry code; a function in it without noinstr would be instrumented.",
    "{name}() is not marked noinstr, but the block says :expect-noinstr:; entry code runs before "
    "the kernel's state is set up and must be noinstr",
    example=".. entrydoc-code-block:: c\n   :expect-noinstr:\n\n   void do_nmi(struct pt_regs *regs) { ... }",
)


def is_noinstr(function) -> bool:
    from ..stubs import annotations
    return NOINSTR in annotations(function)


def why_instrumentable(call, api):
    """Why a call is instrumentable, or None when it may run in noinstr code."""
    if call.function is not None:
        if call.function.noinstr_safe:
            return None
        return f"{api.declared_in(call.function)} declares it instrumentable"
    if call.placeholder:
        # A placeholder is taken to be noinstr unless its arrow note says otherwise.
        if call.arrow is not None and call.arrow.says_instrumentable:
            return "its note says it is instrumentable"
        return None
    if call.defined_in_snippet:
        return "the snippet defines it without noinstr or __always_inline"
    return None


def check(ctx) -> None:
    from ..stubs import ALWAYS_INLINE, annotations
    defined_safe = set()
    for compiled in ctx.compiled:
        for function in compiled.functions:
            notes = annotations(function)
            if NOINSTR in notes or ALWAYS_INLINE in notes:
                defined_safe.add(function.spelling)
    for compiled in ctx.compiled:
        snippet = compiled.snippet
        if "expect-noinstr" in snippet.options:
            for function in compiled.functions:
                if function.spelling != "__entrydoc_snippet" and not is_noinstr(function):
                    where = compiled.position(function.location)
                    if where is not None:
                        ctx.report(NOT_NOINSTR, *where, name=function.spelling)
        for call in compiled.calls:
            if call.arrow is None or call.function is None:
                continue
            if call.arrow.says_noinstr and not call.function.noinstr_safe:
                ctx.report(ARROW_CONTRADICTS, *snippet.position(call.line, call.column), name=call.name,
                           claim="must be noinstr", file=ctx.api.declared_in(call.function), marking="instrumentable")
        for function in compiled.functions:
            if not is_noinstr(function) or compiled.broken(function):
                continue
            reached = flow.analyse(compiled, function)
            outside = {(e.call_line, e.call_column) for e in reached if isinstance(e, flow.Reached)}
            for call in compiled.calls:
                position = snippet.position(call.line, call.column)
                if position not in outside or call.name in defined_safe:
                    continue
                why = why_instrumentable(call, ctx.api)
                if why:
                    ctx.report(NOINSTR_CALL, *position, name=call.name, why=why,
                               caller=function.spelling)
