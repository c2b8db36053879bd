"""What the compiler says about a snippet, against the stubs' prototypes."""
from __future__ import annotations

from ..findings import ERROR, WARNING, Fix
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
    "#include {target} is not compiled: {why}",
    example='#include "/etc/passwd"   or   #include <stdio.h>',
)

CHECK_ABORTED = rule(
    "ED107", "check-aborted", ERROR,
    "A document whose snippets hang or crash the compiler is not checked; that must be visible, and the run goes on.",
    "this document was not checked: {reason}",
)


def check(ctx) -> None:
    api = ctx.api
    known = set(ctx.model_names())
    for compiled in ctx.compiled:
        snippet = compiled.snippet
        for index, col0, target, why in compiled.refused_includes:
            ctx.report(INCLUDE_REFUSED, *snippet.position(index, col0), target=target, why=why)
        for diagnostic in compiled.diagnostics:
            line, column = snippet.position(diagnostic.line, diagnostic.column)
            if diagnostic.kind == "arguments":
                declared = ""
                if diagnostic.callee is not None:
                    declared = (f"; {diagnostic.callee.name}() is declared as "
                                f"'{diagnostic.callee.signature}' ({diagnostic.callee.file})")
                ctx.report(CALL_ARGUMENTS, line, column, message=diagnostic.message, declared=declared)
            elif diagnostic.kind == "error":
                ctx.report(COMPILE_ERROR, line, column, message=diagnostic.message)
            else:
                ctx.report(COMPILE_WARNING, line, column, message=diagnostic.message)
        for name, spots in sorted(compiled.undeclared_calls.items()):
            if name in ctx.snippet_functions or name in ctx.config.known_symbols:
                continue
            # srctree mode: a name the tree defines is real, neither removed nor a typo
            # (it stays a placeholder below: the stubs do not model it).
            in_tree = ctx.tree_defines(name)
            if name in api.removed and not in_tree:
                from .prose import report_removed
                for index, col0 in spots:
                    report_removed(ctx, name, *snippet.position(index, col0))
                continue
            suggestions = [] if in_tree else api.suggest(name, known - {name})
            if suggestions:
                if len(suggestions) == 1 and suggestions[0] in api.functions:
                    for call in compiled.calls:
                        if call.name == name:
                            call.intended = api.functions[suggestions[0]]
                for index, col0 in spots:
                    line, column = snippet.position(index, col0)
                    fix = Fix(line, column, name, suggestions[0],
                              f"rename {name}() to {suggestions[0]}()") if len(suggestions) == 1 else None
                    ctx.report(UNKNOWN_FUNCTION, line, column, name=name,
                               suggestions=" or ".join(f"{s}()" for s in suggestions),
                               suggestion=f"{suggestions[0]}()", fix=fix)
                continue
            ctx.placeholders.setdefault(name, snippet.position(*spots[0]))
            hook = api.hooks.get(name)
            if hook is not None:
                for call in compiled.calls:
                    given = len(list(call.cursor.get_arguments()))
                    if call.name == name and given != hook.nargs:
                        ctx.report(PLACEHOLDER_COLLIDES, *snippet.position(call.line, call.column),
                                   name=name, given=given, nargs=hook.nargs or "none", file=hook.file)
