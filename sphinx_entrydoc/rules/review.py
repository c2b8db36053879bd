"""What a careful reviewer would also say (opt-in: --profile review)."""
from __future__ import annotations

import collections
import functools
import os
import re
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Set, Tuple

from .. import english
from ..findings import STYLE, Fix
from ..names import osa_distance
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
DOCUMENT_SPELLING = rule(
    "ED605", "spelling-against-the-document", STYLE,
    "A word no dictionary has, one slip of the keyboard from a word the same document uses more, "
    "is a typo that no list of common misspellings can know: the document's own vocabulary gives it away.",
    "'{word}' is no word; did you mean '{correction}', as at line {line_used}?",
    example="Nested systcalls (the document writes 'syscalls')   ->   Nested syscalls",
    profile="review",
)
REPLACEMENT_DAMAGE = rule(
    "ED606", "replacement-damage", STYLE,
    "A blind replacement of 'no' inside words (by 'yes', or by 'anal') left non-words such as 'kyesw', "
    "'yest' and 'analn-maskable' in copies of kernel documents; undoing it gives back a common word.",
    "'{word}' is '{repaired}' damaged by a blind replacement of 'no' with '{replaced}'; write '{repaired}'",
    example="analn-maskable, kyesw, yest   ->   non-maskable, know, not",
    profile="review",
)

# Passive "cannot be traced" where a rule is meant: entry code that must not
# be traced can be, by every tracer, so "cannot" says something false.  Other
# verbs ("cannot be used if ...", "cannot be called from irq context") state
# real limitations and are left alone, as is a limitation with its condition.
_CANNOT = re.compile(r"\b(can(?:not|\s+not)|can\s+(\w+ly)\s+not)(\s+be\s+(?:traced|instrumented|probed|"
                     r"kprobed)\b)(?!\s*,?\s+(?:if|unless|when|while|until|once|as long as)\b)", re.I)

# What a blind replacement of "no" inside words turned it into.
_REPLACED_NO = ("yes", "anal")
# A repaired word must be common to be believed: pyspellchecker's counts run
# from 50 (its floor) into the millions; "not", "know", "non", "noise" are
# in the thousands or more, rare names ("keno" for "keyes") are not.
_COMMON_REPAIR = 1000


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


@functools.lru_cache(maxsize=1)
def british_spellings() -> frozenset:
    """Words codespell lists as British spellings of American ones
    (behaviour, initialise): words, not typos, whatever pyspellchecker's
    American list says.  Both spellings are kernel style."""
    import codespell_lib
    path = os.path.join(os.path.dirname(codespell_lib.__file__), "data", "dictionary_en-GB_to_en-US.txt")
    try:
        with open(path, encoding="utf-8") as handle:
            return frozenset(line.partition("->")[0].strip().lower() for line in handle if "->" in line)
    except OSError:
        return frozenset()


def corrections(data: str):
    """codespell's reading of a dictionary entry: (choices, safe to apply).
    One fix and no comma: automatic.  A trailing comma: several candidates.
    Text after the last comma: the reason it is not automatic."""
    comma = data.rfind(",")
    if comma < 0:
        return [data], True
    return [c.strip() for c in data[:comma].split(",") if c.strip()], False


def check(ctx) -> None:
    vocabulary = _Vocabulary(ctx)
    damaged = _damage(ctx, vocabulary)
    _prose(ctx, vocabulary, damaged)
    _document_spelling(ctx, vocabulary)
    _layout(ctx)


# The words of C, which kernel prose uses as words ("a simple struct").
_C_WORDS = frozenset("""auto break case char const continue default do double else enum extern float for
goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while bool true false null typeof""".split())


class _Vocabulary:
    """The words of one document: each prose word (lower case) with where it
    stands, and the words its code is made of (identifiers of snippets,
    inline literals and roles, split at underscores)."""

    def __init__(self, ctx):
        self.prose: Dict[str, List[Tuple[int, int, str]]] = collections.defaultdict(list)
        self.code: Set[str] = set()
        self.code.update(_C_WORDS)
        for paragraph in ctx.document.paragraphs:
            for offset, word in words(paragraph.text):
                if paragraph.text.startswith("(", offset + len(word)):
                    self.code.add(word.lower())   # kcalloc(): a name, not a word
                    continue
                line, column = paragraph.position(offset)
                self.prose[word.lower()].append((line, column, word))
            plain = prose_only(paragraph.text)
            code = "".join(c if p == " " and c != " " else " " for c, p in zip(paragraph.text, plain))
            self._add_code(code)
        for snippet in ctx.document.snippets:
            self._add_code(snippet.text)
        for name in ctx.model_names():
            self._add_code(name)

    def _add_code(self, text: str) -> None:
        for identifier in re.findall(r"[A-Za-z_]\w*", text):
            self.code.add(identifier.lower())
            self.code.update(p.lower() for p in identifier.split("_") if p)

    def uses(self, word: str) -> int:
        return len(self.prose.get(word, ()))


def _spacing_variant(word: str, choices) -> bool:
    """'bootup' -> 'boot up, boot-up': the same letters, another spacing.
    The kernel writes bootup and reenabled on purpose; that is house style,
    not a misspelling."""
    letters = re.sub(r"[\s-]", "", word.lower())
    return all(re.sub(r"[\s-]", "", c.lower()) == letters for c in choices)


def _far_from(word: str, choices, edits: int) -> bool:
    """'affinitized' -> 'affinities, affinity': no candidate is a slip away,
    so the entry proposes another word, not the intended spelling.  An entry
    with several candidates is a guess already; it needs one within an edit."""
    return all(osa_distance(word.lower(), c.lower(), edits) > edits for c in choices)


# An e-mail address is no prose ("a.p.zijlstra@chello.nl").
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _name_or_acronym(text: str, offset: int, word: str, starts) -> bool:
    """'HSI', 'OPPs': an acronym; 'Reding', 'Shepard' inside a sentence: a
    name.  Neither is a word a dictionary of misspellings knows about."""
    if word.rstrip("s").isupper():
        return True
    if not word[0].isupper():
        return False
    before = text[:offset].rstrip("*`\"'([ ")
    at_start = offset in starts or not before or before.endswith((".", ":", "!", "?", "\n")) or before[-1].isdigit()
    return not at_start


def _prose(ctx, vocabulary: "_Vocabulary", damaged: Set[str]) -> None:
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
        starts = {o for o, _ in sentences(paragraph.text)}
        addresses = [m.span() for m in _ADDRESS.finditer(paragraph.text)]
        for offset, word in words(paragraph.text):
            if word.lower() in damaged:
                continue
            fixes = table.get(word.lower())
            if not fixes:
                continue
            choices, automatic = corrections(fixes)
            if (_spacing_variant(word, choices) or _far_from(word, choices, 2 if automatic else 1)
                    or word.lower() in vocabulary.code or len(word) <= 3
                    or _name_or_acronym(paragraph.text, offset, word, starts)
                    or any(a <= offset < b for a, b in addresses)):
                continue
            line, column = paragraph.position(offset)
            fix = None
            if automatic:
                replacement = choices[0]
                if word[0].isupper():
                    replacement = replacement[0].upper() + replacement[1:]
                fix = Fix(line, column, word, replacement, f"correct '{word}' to '{replacement}'")
            ctx.report(SPELLING, line, column, word=word, correction=" or ".join(choices),
                       suggestion=choices[0], fix=fix)


def _with_case_of(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _damage(ctx, vocabulary: "_Vocabulary") -> Set[str]:
    """ED606: a rare or unknown word that holds 'yes' or 'anal' where a
    common word, or a word of this document, holds 'no'.  The replacement
    was blind and tree-wide, so a document it touched has many such words:
    once one repair is beyond doubt (a very common word), repairs to any
    word the dictionary counts as common are believed too ('synopsis').
    Returns the damaged words (lower case)."""
    sure, likely = [], []
    for lower in vocabulary.prose:
        if lower in _REPLACED_NO or english.is_common(lower) or lower in vocabulary.code:
            continue
        for replaced in _REPLACED_NO:
            if replaced not in lower:
                continue
            repaired = lower.replace(replaced, "no")
            if english.frequency(repaired) >= _COMMON_REPAIR or vocabulary.uses(repaired) \
                    or repaired in vocabulary.code:
                sure.append((lower, repaired, replaced))
            elif english.is_common(repaired):
                likely.append((lower, repaired, replaced))
            break
    damaged = sure + (likely if sure else [])
    for lower, repaired, replaced in damaged:
        for line, column, word in vocabulary.prose[lower]:
            fixed = _with_case_of(word, repaired)
            ctx.report(REPLACEMENT_DAMAGE, line, column, word=word, repaired=fixed, replaced=replaced,
                       suggestion=fixed, fix=Fix(line, column, word, fixed, f"repair '{word}' to '{fixed}'"))
    return {lower for lower, _, _ in damaged}


def _derived(ctx, word: str, vocabulary: "_Vocabulary") -> bool:
    """Kernel jargon made of parts, not a misspelling: a name of the
    document's code or of the source tree with a short ending ('tracefs',
    'mmapped' where mmap is a name), two common words run together
    ('backend'), a common word with a verb ending ('ANDed')."""
    for n in range(max(3, len(word) - 4), len(word)):
        if word[:n] in vocabulary.code or ctx.tree_defines(word[:n]):
            return True
    for n in range(3, len(word) - 2):
        if english.is_common(word[:n]) and english.is_common(word[n:]):
            return True
    return any(word.endswith(ending) and english.is_common(word[:-len(ending)]) and len(word) - len(ending) >= 3
               for ending in ("ed", "er", "ers", "ing"))


def _document_spelling(ctx, vocabulary: "_Vocabulary") -> None:
    """ED605: a word no dictionary has, used at most twice, one slip inside
    the word (not at its first or last letter, which is where inflections
    and prefixes differ) from a word this document uses more often, or one
    that is common English."""
    table = codespell_dictionary()
    candidates = [w for w in vocabulary.prose if len(w) >= 4 and w.isalpha()]
    by_ends: Dict[Tuple[str, str], List[str]] = collections.defaultdict(list)
    for word in set(candidates) | {w for w in vocabulary.code if len(w) >= 4 and w.isalpha()}:
        by_ends[(word[0], word[-1])].append(word)
    for word in sorted(candidates):
        uses = vocabulary.uses(word)
        if (len(word) < 5 or uses > 2 or english.is_word(word) or word in table or word in vocabulary.code
                or ctx.tree_defines(word) or any(r in word for r in _REPLACED_NO)):
            continue
        if not any(written.islower() for _, _, written in vocabulary.prose[word]):
            continue   # only ever capitalised: a name or a title word ("Intro")
        if word in british_spellings() or _derived(ctx, word, vocabulary):
            continue
        better = []
        for other in by_ends[(word[0], word[-1])]:
            if other == word or abs(len(other) - len(word)) > 1 or osa_distance(word, other, 1) != 1:
                continue
            if english.is_common(other):
                better.append(other)   # 'advanage' for 'advantage'
            elif vocabulary.uses(other) >= max(3, 2 * uses) and len(word) >= len(other):
                # Two words no dictionary has: a family of names (setuid and
                # setgid, usrquota and usrjquota, vsize and vmsize) differs by
                # a letter that means something.  A slip that adds or swaps a
                # letter in a word the document uses again and again is not
                # one: 'systcalls' among the 'syscalls'.
                better.append(other)
        if not better:
            continue
        better.sort(key=lambda o: (-vocabulary.uses(o), o))
        seen = vocabulary.prose.get(better[0])
        line_used = seen[0][0] if seen else "in its code"
        for line, column, written in vocabulary.prose[word]:
            correction = _with_case_of(written, better[0])
            fix = Fix(line, column, written, correction, f"correct '{written}' to '{correction}'") \
                if len(better) == 1 else None
            ctx.report(DOCUMENT_SPELLING, line, column, word=written,
                       correction=" or ".join(_with_case_of(written, b) for b in better),
                       line_used=line_used, suggestion=correction, fix=fix)


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
