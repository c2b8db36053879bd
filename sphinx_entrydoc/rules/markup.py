"""Markup that renders differently from what the author meant."""
from __future__ import annotations

from ..findings import ERROR, Fix
from . import rule

LITERAL_ESCAPE = rule(
    "ED001", "literal-block-escape", ERROR,
    "A backslash is literal inside a '::' block, so '\\*' shows up as '\\*' on the rendered page.",
    "'{escape}' inside a '::' literal block renders as a literal backslash; write '{char}' "
    "(or use '.. code-block:: c', where nothing needs escaping)",
    example="  noinstr void do_nmi(struct pt_regs \\*regs)   ->   struct pt_regs *regs",
)


def check(ctx) -> None:
    for normalised in ctx.normalised:
        snippet = normalised.snippet
        for index, col0, escape in normalised.escapes:
            line, column = snippet.position(index, col0)
            ctx.report(LITERAL_ESCAPE, line, column, escape=escape, char=escape[1],
                       fix=Fix(line, column, escape, escape[1], f"replace '{escape}' with '{escape[1]}'"))
