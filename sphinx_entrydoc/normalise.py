"""Step 3 of the pipeline: documentation pseudo-code to compilable C.

Every rewrite keeps line numbers and the columns of every original token
(text is blanked, never removed or shifted), so whatever clang says maps
straight back to the document.  What is rewritten is recorded: arrow notes
become data for the checks, ``\\*`` escapes become findings.  Nothing is
silently dropped that could hide a real mistake: a ``...`` is only elided
where it stands for omitted code (a whole line, or a whole expression).
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import Dict, List, Tuple

from .extract import Snippet

ARROW = "<--"

# "..." standing for an omitted expression: after "(", ",", "=" or "return",
# before ")", "," or ";".
_ELIDED_EXPRESSION = re.compile(r"(?:(?<=[(,=\[])|(?<=\breturn))(\s*)\.\.\.(?=\s*[),;\]])")
# "...", "[...]", "[..]", and a vertical ellipsis: one "." a line, perhaps
# with words after it (". do stuff with data here"; no "=", so never a
# designated initialiser).
_ELIDED_LINE = re.compile(r"^\s*(?:\[?\.\.\.?\]?|\.(?:\s+[A-Za-z][^=;{}]*)?|/\*\s*\.\.\.\s*\*/|//\s*\.\.\.)\s*;?\s*$")
# A listing with a line number at the start of every line ("1 bool f(void)",
# "12  {", "3: x++;"), as RCU's design documents number theirs.
_LINE_NUMBER = re.compile(r"^(\s*\d+[:.]?)(?=\s|$)")


@dataclasses.dataclass(frozen=True)
class ArrowNote:
    line: int        # 0-based snippet line
    column: int      # 0-based column of "<--"
    text: str

    @property
    def says_instrumentable(self) -> bool:
        """"<-- instrumentable code": the call on this line may be instrumented."""
        text = self.text.lower()
        return "instrumentable" in text and not self.says_noinstr

    @property
    def says_noinstr(self) -> bool:
        text = self.text.lower()
        return any(w in text for w in ("noinstr", "__always_inline", "non-instrumentable",
                                       "not instrumentable", "non instrumentable"))


@dataclasses.dataclass
class Normalised:
    snippet: Snippet
    code: str
    arrows: Dict[int, ArrowNote]
    escapes: List[Tuple[int, int, str]]     # (0-based line, 0-based column, the escape)
    elided_lines: List[int]

    @functools.cached_property
    def code_lines(self) -> List[str]:
        return self.code.split("\n")


def _code_ranges(line: str, in_comment: bool) -> Tuple[List[Tuple[int, int, str]], bool]:
    """Split one line into ("code"|"comment"|"string", start, end) pieces."""
    pieces: List[Tuple[int, int, str]] = []
    i, start, n = 0, 0, len(line)
    state = "comment" if in_comment else "code"
    while i < n:
        if state == "comment":
            end = line.find("*/", i)
            if end < 0:
                pieces.append((start, n, "comment"))
                return pieces, True
            pieces.append((start, end + 2, "comment"))
            i = start = end + 2
            state = "code"
            continue
        ch = line[i]
        if line.startswith("/*", i):
            pieces.append((start, i, "code"))
            start, state = i, "comment"
            i += 2
        elif line.startswith("//", i):
            pieces.append((start, i, "code"))
            pieces.append((i, n, "comment"))
            return [p for p in pieces if p[0] < p[1]], False
        elif ch in "\"'":
            pieces.append((start, i, "code"))
            j = i + 1
            while j < n and line[j] != ch:
                j += 2 if line[j] == "\\" else 1
            pieces.append((i, min(j + 1, n), "string"))
            i = start = min(j + 1, n)
        else:
            i += 1
    if start < n:
        pieces.append((start, n, state))
    return [p for p in pieces if p[0] < p[1]], False


def _numbered(lines: List[str]) -> bool:
    """Whether every non-blank line starts with a line number, counting up."""
    numbers = []
    for line in lines:
        if line.strip():
            match = _LINE_NUMBER.match(line)
            if not match:
                return False
            numbers.append(int(match.group(1).strip().rstrip(":.")))
    return len(numbers) >= 2 and all(b > a for a, b in zip(numbers, numbers[1:]))


def normalise(snippet: Snippet) -> Normalised:
    out: List[str] = []
    arrows: Dict[int, ArrowNote] = {}
    escapes: List[Tuple[int, int, str]] = []
    elided: List[int] = []
    in_comment = False
    source_lines = [l.text for l in snippet.lines]
    numbered = _numbered(source_lines)
    for index, line in enumerate(source_lines):
        if numbered:
            line = _LINE_NUMBER.sub(lambda m: " " * len(m.group(1)), line)
        pieces, next_comment = _code_ranges(line, in_comment)
        text = list(line)
        for start, end, kind in pieces:
            segment = line[start:end]
            arrow = segment.find(ARROW)
            if arrow >= 0 and kind in ("code", "comment") and index not in arrows:
                col = start + arrow
                note = line[col + len(ARROW):].strip().rstrip("*/").strip()
                arrows[index] = ArrowNote(index, col, note)
                if kind == "code":
                    # A bare note is prose, not C: blank it to the end of the line.
                    for k in range(col, len(text)):
                        text[k] = " "
                    break
            if kind == "code" and snippet.kind == "literal":
                for match in re.finditer(r"\\([*_`|])", segment):
                    col = start + match.start()
                    escapes.append((index, col, match.group(0)))
                    text[col] = " "
        new = "".join(text)
        if _ELIDED_LINE.match(new) and not in_comment:
            elided.append(index)
            new = ""
        else:
            new = _ELIDED_EXPRESSION.sub(lambda m: m.group(1) + "0  ", new)
        out.append(new)
        in_comment = next_comment
    return Normalised(snippet=snippet, code="\n".join(out) + "\n", arrows=arrows,
                      escapes=escapes, elided_lines=elided)
