"""What the compiler says about a snippet, against the stubs' prototypes."""
from __future__ import annotations

from ..findings import ERROR, WARNING, Fix
from ..classify import PLACEHOLDER, REMOVED, TYPO
from . import rule

UNKNOWN_FUNCTION = rule(
    "ED101", "unknown-function", ERROR,
    "A call to an undeclared function one typo away from a real entry function is a typo, not a placeholder.",
    "call to undeclared function {name}(); did you mean {suggestions}?",
    example="irqenttry_nmi_exit(regs, state);   ->   irqentry_nmi_exit(regs, state);",
)
CALL_ARGUMENTS = rule(
    "ED102", "call-arguments", ERROR,
    "An example that passes the wrong arguments teaches the wrong interface and would not compile.",
    "{message}{declared}",
    example="irqentry_nmi_exit(regs);   ->   irqentry_nmi_exit(regs, state);",
)
COMPILE_ERROR = rule(
    "ED103", "compile-error", ERROR,
    "A snippet that does not compile, even read as pseudo-code, is wrong or unclear.",
    "{message}",
)
COMPILE_WARNING = rule(
    "ED104", "compile-warning", WARNING,
    "Conversions, missing returns and the like are mistakes in an example even when C accepts them.",
    "{message}",
)
PLACEHOLDER_COLLIDES = rule(
    "ED105", "placeholder-shadows-kernel-name", WARNING,
    "A placeholder named like a real kernel hook reads as that hook, so its arguments should match it.",
    "{name}() is used as a placeholder with {given} argument(s), but the kernel's {name}() "
    "({file}) takes {nargs}; rename the placeholder or call the real hook as it is",
    example="arch_nmi_enter(regs);   (the kernel's arch_nmi_enter() takes no argument)",
)

INCLUDE_REFUSED = rule(
    "ED106", "include-refused", ERROR,
    "A snippet is compiled against the stub headers only; it must never make the tool read other files.",
    "{target} is not compiled: {why}",
    example='#include "/etc/passwd"   or   #include <stdio.h>',
)

HEADER_NOT_IN_VERSION = rule(
    "ED108", "header-not-in-version", ERROR,
    "An example that includes a header its kernel does not have yet, or any more, does not build there.",
    "<{header}> does not exist in kernel {kernel} ({when}); its declarations are in <{elsewhere}>",
    example="#include <linux/irq-entry-common.h>   (v6.1: <linux/entry-common.h>)",
)

CHECK_ABORTED = rule(
    "ED107", "check-aborted", ERROR,
    "A document whose snippets hang or crash the compiler is not checked; that must be visible, and the run goes on.",
    "this document was not checked: {reason}",
)

# Findings that stand for the whole document (or a whole snippet) rather
# than the line they sit on: a refused include drops every diagnostic of its
# snippet, an aborted check every finding of the document.  check-patch
# keeps them whatever lines the patch adds, or a patch could hide its own
# findings behind them.
WHOLE_DOCUMENT = frozenset({INCLUDE_REFUSED.code, CHECK_ABORTED.code})


MISSING_HEADER = "no stub directory has this header"


def check(ctx) -> None:
    for compiled in ctx.compiled:
        snippet = compiled.snippet
        for index, col0, target, why in compiled.refused_includes:
            if why.startswith(MISSING_HEADER) and (compiled.generic or target.startswith("<") and "/" in target):
                # A kernel header the stubs do not model (<linux/rculist.h>,
                # <asm/local.h>): skipped quietly, as kernel examples include
                # them.  It was never opened.  A bare <stdio.h> is still
                # reported in entry code: a C library header there is a slip;
                # outside the model (user-space examples) it is quiet too.
                continue
            ctx.report(INCLUDE_REFUSED, *snippet.position(index, col0), target=target, why=why)
        for index, col0, header in compiled.outlived_includes:
            if ctx.tree is not None and f"include/{header}" in ctx.tree.files:
                continue   # the tree is the truth, should the model's boundary be wrong
            life = ctx.api.lives[header]
            line, column = snippet.position(index, col0)
            ctx.report(HEADER_NOT_IN_VERSION, line, column, header=header, kernel=ctx.api.kernel,
                       when=life.when, elsewhere=life.elsewhere, suggestion=f"<{life.elsewhere}>",
                       fix=Fix(line, column, header, life.elsewhere, f"include <{life.elsewhere}>"))
        for diagnostic in compiled.diagnostics:
            line, column = snippet.position(diagnostic.line, diagnostic.column)
            if diagnostic.kind == "arguments":
                declared = ""
                if diagnostic.callee is not None:
                    declared = (f"; {diagnostic.callee.name}() is declared as "
                                f"'{diagnostic.callee.signature}' ({ctx.api.declared_in(diagnostic.callee)})")
                ctx.report(CALL_ARGUMENTS, line, column, message=diagnostic.message, declared=declared)
            elif diagnostic.kind == "error":
                ctx.report(COMPILE_ERROR, line, column, message=diagnostic.message)
            else:
                ctx.report(COMPILE_WARNING, line, column, message=diagnostic.message)
    _report_undeclared(ctx)


def _report_undeclared(ctx) -> None:
    """Typos, removed names and placeholders named like kernel hooks, as
    classified by classify.py."""
    from .prose import report_removed
    api = ctx.api
    for entry in sorted(ctx.undeclared.values(), key=lambda e: e.name):
        name = entry.name
        for compiled, line0, col0 in entry.spots:
            line, column = compiled.snippet.position(line0, col0)
            if entry.kind == REMOVED:
                report_removed(ctx, name, line, column)
            elif entry.kind == TYPO:
                first = entry.suggestions[0]
                fix = Fix(line, column, name, first, f"rename {name}() to {first}()") \
                    if len(entry.suggestions) == 1 else None
                ctx.report(UNKNOWN_FUNCTION, line, column, name=name,
                           suggestions=" or ".join(f"{s}()" for s in entry.suggestions),
                           suggestion=f"{first}()", fix=fix)
        hook = api.hooks.get(name)
        if entry.kind != PLACEHOLDER or hook is None:
            continue
        for compiled in {id(c): c for c, _, _ in entry.spots}.values():
            for call in compiled.calls:
                given = len(list(call.cursor.get_arguments()))
                if call.name == name and given != hook.nargs:
                    ctx.report(PLACEHOLDER_COLLIDES, *compiled.snippet.position(call.line, call.column),
                               name=name, given=given, nargs=hook.nargs or "none", file=hook.file)
