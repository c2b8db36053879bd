"""Map text as docutils hands it back (tabs expanded, block indentation
removed) to exact positions in the raw ``.rst`` file, where a tab counts as
one column."""
from __future__ import annotations

import bisect
import functools
import itertools

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple

TAB_WIDTH = 8  # docutils' and Sphinx's default tab_width


def raw_column(raw: str, visual: int) -> int:
    """1-based raw column of the character drawn at 0-based visual column ``visual``.

    Constant time after the first call for a line: a line with thousands of
    calls asks for thousands of columns."""
    if "\t" not in raw:
        return visual + 1
    starts = _visual_starts(raw)
    if visual >= starts[-1]:
        return len(raw) + 1 + (visual - starts[-1])
    return bisect.bisect_right(starts, visual)


@functools.lru_cache(maxsize=256)
def _visual_starts(raw: str) -> List[int]:
    """The visual column where each character of ``raw`` starts, then the
    column after the last one."""
    starts = [0]
    col = 0
    for char in raw:
        col += TAB_WIDTH - col % TAB_WIDTH if char == "\t" else 1
        starts.append(col)
    return starts


def locate_block(lines: Sequence[str], block: Sequence[str], hint: Optional[int]) -> Optional[Tuple[int, int]]:
    """Find where the dedented ``block`` sits in the file.

    Returns (0-based index of its first line, visual indentation removed by
    docutils), trying lines near ``hint`` (1-based) first, then the whole file.
    """
    if not block:
        return None
    nearby: Dict[int, None] = {}   # ordered, nearest first
    if hint:
        for delta in range(0, 40):
            for start in (hint - 1 + delta, hint - 1 - delta):
                if 0 <= start < len(lines):
                    nearby.setdefault(start)
    # The rest of the file only when no nearby line matches (a block is
    # nearly always at its hint): generated, not built for every block.
    rest = (i for i in range(len(lines)) if i not in nearby)
    for start in itertools.chain(nearby, rest):
        indent = _match_at(lines, block, start)
        if indent is not None:
            return start, indent
    return None


def _match_at(lines: Sequence[str], block: Sequence[str], start: int) -> Optional[int]:
    if start + len(block) > len(lines):
        return None
    indent = None
    for offset, wanted in enumerate(block):
        expanded = lines[start + offset].expandtabs(TAB_WIDTH).rstrip()
        wanted = wanted.rstrip()
        if not wanted:
            if expanded.strip():
                return None
            continue
        if not expanded.endswith(wanted):
            return None
        prefix = expanded[: len(expanded) - len(wanted)]
        if prefix.strip():
            return None
        if indent is None:
            indent = len(prefix)
        elif indent != len(prefix):
            return None
    return indent
