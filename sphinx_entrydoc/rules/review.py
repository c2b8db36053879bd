"""What a careful reviewer would also say (opt-in: --profile review)."""
from __future__ import annotations

import functools
import os
import re
from typing import Dict

from ..findings import STYLE, Fix
from ..sentences import prose_only, sentences, words
from . import rule

FILLER_WORD = rule(
    "ED601", "filler-word", STYLE,
    "Words like 'obviously' add nothing to a rule and put off the readers for whom it is not obvious.",
    "filler word '{word}' adds nothing; drop it",
    example="starts obviously in assembly code   ->   starts in assembly code",
    profile="review",
)
CANNOT_FOR_MUST_NOT = rule(
    "ED602", "limitation-for-requirement", STYLE,
    "'can not be traced' states a limitation; a rule for the reader is 'must not be traced'.",
    "'{phrase}' states a limitation where a requirement is meant; write '{better}'",
    example="can not be traced   ->   must not be traced",
    profile="review",
)
UNBALANCED_BLANK_LINES = rule(
    "ED603", "unbalanced-instrumentation-layout", STYLE,
    "instrumentation_begin() and instrumentation_end() bracket a section; lay them out alike so the section stands out.",
    "{glued}() is glued to {neighbour} while {padded}() at line {padded_line} is set off by "
    "a blank line; pad both or neither",
    profile="review",
)
SPELLING = rule(
    "ED604", "spelling", STYLE,
    "Misspellings, found with codespell's maintained dictionary.",
    "'{word}' is misspelled; did you mean '{correction}'?",
    example="inital   ->   initial",
    profile="review",
)

# Passive "cannot be <verb>" for what entry code must not have done to it.
_CANNOT = re.compile(r"\b(can(?:not|\s+not)|can\s+(\w+ly)\s+not)(\s+be\s+(?:traced|instrumented|probed|"
                     r"kprobed|preempted|scheduled|interrupted|called|invoked|enabled|disabled|"
                     r"touched|accessed|used|nested)\b)", re.I)


@functools.lru_cache(maxsize=1)
def codespell_dictionary() -> Dict[str, str]:
    """codespell's main dictionary (typo -> fixes), read from the installed package."""
    import codespell_lib
    path = os.path.join(os.path.dirname(codespell_lib.__file__), "data", "dictionary.txt")
    table: Dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            typo, _, data = line.strip().partition("->")
            if data:
                table[typo] = data
    return table


def corrections(data: str):
    """codespell's reading of a dictionary entry: (choices, safe to apply).
    One fix and no comma: automatic.  A trailing comma: several candidates.
    Text after the last comma: the reason it is not automatic."""
    comma = data.rfind(",")
    if comma < 0:
        return [data], True
    return [c.strip() for c in data[:comma].split(",") if c.strip()], False


def check(ctx) -> None:
    _prose(ctx)
    _layout(ctx)


def _prose(ctx) -> None:
    fillers = [w.lower() for w in ctx.config.filler_words]
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in fillers) + r")\b", re.I) if fillers else None
    table = codespell_dictionary()
    for paragraph in ctx.document.paragraphs:
        text = prose_only(paragraph.text)
        if pattern is not None:
            for match in pattern.finditer(text):
                line, column = paragraph.position(match.start())
                ctx.report(FILLER_WORD, line, column, word=match.group(1))
        for offset, sentence in sentences(text):
            for match in _CANNOT.finditer(sentence):
                line, column = paragraph.position(offset + match.start())
                ctx.report(CANNOT_FOR_MUST_NOT, line, column, phrase=re.sub(r"\s+", " ", match.group(0)),
                           better="must not" + re.sub(r"\s+", " ", match.group(3)))
        for offset, word in words(paragraph.text):
            fixes = table.get(word.lower())
            if not fixes:
                continue
            choices, automatic = corrections(fixes)
            line, column = paragraph.position(offset)
            fix = None
            if automatic:
                replacement = choices[0]
                if word[0].isupper():
                    replacement = replacement[0].upper() + replacement[1:]
                fix = Fix(line, column, word, replacement, f"correct '{word}' to '{replacement}'")
            ctx.report(SPELLING, line, column, word=word, correction=" or ".join(choices),
                       suggestion=choices[0], fix=fix)


def _layout(ctx) -> None:
    for compiled in ctx.compiled:
        snippet = compiled.snippet
        lines = [l.text for l in snippet.lines]
        opened = []
        for call in sorted(compiled.calls, key=lambda c: (c.line, c.column)):
            if call.name == "instrumentation_begin":
                opened.append(call)
            elif call.name == "instrumentation_end" and opened:
                _compare(ctx, snippet, lines, opened.pop(), call)


def _blank(lines, index) -> bool:
    return 0 <= index < len(lines) and not lines[index].strip()


def _compare(ctx, snippet, lines, begin, end) -> None:
    # The outside of a section is above begin and below end; the inside is
    # below begin and above end.  Each side must be padded alike.
    outer = (_blank(lines, begin.line - 1), _blank(lines, end.line + 1))
    inner = (_blank(lines, begin.line + 1), _blank(lines, end.line - 1))
    for (begin_pad, end_pad), (b_neighbour, e_neighbour) in ((outer, (begin.line - 1, end.line + 1)),
                                                              (inner, (begin.line + 1, end.line - 1))):
        if begin_pad == end_pad:
            continue
        glued, padded = (end, begin) if begin_pad else (begin, end)
        neighbour_index = e_neighbour if begin_pad else b_neighbour
        neighbour = lines[neighbour_index].strip() if 0 <= neighbour_index < len(lines) else ""
        line, column = snippet.position(glued.line, glued.column)
        ctx.report(UNBALANCED_BLANK_LINES, line, column, glued=glued.name,
                   neighbour=f"'{neighbour}'" if neighbour else "its neighbour",
                   padded=padded.name, padded_line=snippet.lines[padded.line].line)
        return
