"""Reading running text: sentences, function names and words, with offsets
into the paragraph's raw markup (so findings keep exact columns)."""
from __future__ import annotations

import re
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator, List, Tuple

# name() in running text, ``name()`` in inline literals, :c:func:`name` and
# :c:func:`name()` in roles, and brace forms such as irqentry_{enter,exit}().
_BRACED = r"[A-Za-z_]\w*\{[\w,\s]+\}\w*"
_MENTION = re.compile(r"(?<![\w.$>-])(" + _BRACED + r"|[A-Za-z_]\w*)\(\)")
_ROLE = re.compile(r":c:(?:func|macro):`(?:[^`<]*<)?~?([A-Za-z_]\w*)(?:\(\))?>?`")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z`*:])")
_ABBREVIATION = re.compile(r"(?:\be\.g|\bi\.e|\betc|\bvs|\bcf)\.$")
_LONGEST_ABBREVIATION = len("etc.") + 1

# Markup whose text is not prose: inline literals, roles, URLs, substitutions.
# A role starts only where no role-name character precedes it (as in
# reStructuredText): otherwise ':a:a:a...' would be tried from every colon,
# each try scanning to the end (quadratic).
_NOT_PROSE = re.compile(r"``.*?``|(?<![\w:+-]):[\w:+-]+:`[^`]*`|`[^`]*`_{0,2}|https?://\S+|\|[^|\s]+\|")


def sentences(text: str) -> List[Tuple[int, str]]:
    """(offset, sentence) pieces of a paragraph, not split after e.g./i.e./etc."""
    pieces: List[Tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        # Only the candidate's last few characters can end in an
        # abbreviation; searching all of it again at each skipped end
        # would be quadratic in a paragraph of "e.g. A e.g. A ...".
        if _ABBREVIATION.search(text, max(start, match.start() - _LONGEST_ABBREVIATION), match.start()):
            continue
        pieces.append((start, text[start:match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return pieces


def mentions(text: str) -> Iterator[Tuple[int, str]]:
    """(offset, name) of each function a text names; a brace form yields each name."""
    for match in _MENTION.finditer(text):
        token = match.group(1)
        if "{" in token:
            head, _, rest = token.partition("{")
            inner, _, tail = rest.partition("}")
            for part in inner.split(","):
                yield match.start(1), head + part.strip() + tail
        else:
            yield match.start(1), token
    for match in _ROLE.finditer(text):
        yield match.start(1), match.group(1)


def prose_only(text: str) -> str:
    """The text with non-prose markup blanked out, offsets unchanged."""
    return _NOT_PROSE.sub(lambda m: " " * len(m.group(0)), text)


def words(text: str) -> Iterator[Tuple[int, str]]:
    """Plain words; identifiers (with underscores or digits) are code, not words."""
    for match in re.finditer(r"[\w'-]+", prose_only(text)):
        token = match.group(0)
        if "_" in token or any(c.isdigit() for c in token):
            continue
        # Letters of any script: splitting at a non-ASCII letter would make
        # "caf" of "café", which codespell "corrects" to "calf".
        for part in re.finditer(r"[^\W\d_]+(?:'[^\W\d_]+)?", token):
            yield match.start() + part.start(), part.group(0)
