"""Markup that renders differently from what the author meant."""
from __future__ import annotations

import re

from ..findings import ERROR, STYLE, Fix
from . import rule

LITERAL_ESCAPE = rule(
    "ED001", "literal-block-escape", ERROR,
    "A backslash is literal inside a '::' block, so '\\*' shows up as '\\*' on the rendered page.",
    "'{escape}' inside a '::' literal block renders as a literal backslash; write '{char}' "
    "(or use '.. code-block:: c', where nothing needs escaping)",
    example="  noinstr void do_nmi(struct pt_regs \\*regs)   ->   struct pt_regs *regs",
)

TRAILING_WHITESPACE = rule(
    "ED002", "trailing-whitespace", STYLE,
    "Trailing whitespace is invisible in review, shows up as noise in later diffs, "
    "and checkpatch.pl rejects it in patches.",
    "trailing whitespace",
    example="'handled by the NMI path.  '   ->   'handled by the NMI path.'",
)

_TRAILING = re.compile(r"[ \t]+$")


def check(ctx) -> None:
    _escapes(ctx)
    _trailing_whitespace(ctx)


def _escapes(ctx) -> None:
    from ..compile import acpi_source
    for normalised in ctx.normalised:
        snippet = normalised.snippet
        # ACPI Source Language's paths start at the root, "\_SB.PCI0": the
        # backslash is meant to be seen.
        asl = bool(normalised.escapes) and acpi_source([line.text for line in snippet.lines])
        for index, col0, escape in normalised.escapes:
            if asl and escape == "\\_":
                continue
            line, column = snippet.position(index, col0)
            ctx.report(LITERAL_ESCAPE, line, column, escape=escape, char=escape[1],
                       fix=Fix(line, column, escape, escape[1], f"replace '{escape}' with '{escape[1]}'"))


def _trailing_whitespace(ctx) -> None:
    # Whole lines of the file, not blocks: whitespace after the last
    # character is wrong wherever it is, and the fix is always the same.
    raw = ctx.document.source.raw_lines
    for index, text in enumerate(ctx.document.source.lines):
        match = _TRAILING.search(text)
        if match is None:
            continue
        line, column = index + 1, match.start() + 1
        # The fix removes the file's own characters (a trailing form feed is
        # a space to the checks, and still a form feed in the file).
        old = raw[index][match.start():match.end()]
        ctx.report(TRAILING_WHITESPACE, line, column,
                   fix=Fix(line, column, old, "", "remove trailing whitespace"))
