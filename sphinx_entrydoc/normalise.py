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
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from .extract import Snippet

ARROW = "<--"

# "..." (or "....") standing for an omitted expression: after "(", ",", "=",
# "{" or "return", before ")", ",", ";" or "}" ("= { ... };").
_ELIDED_EXPRESSION = re.compile(r"(?:(?<=[(,=\[{])|(?<=\breturn)|^)(\s*)(\.{3,})(?=\s*[),;\]}])")
# "..." for an omitted place to store, at the start of a line ("... = x;").
_ELIDED_TARGET = re.compile(r"^\s*(\.{3,})(?=\s*=[^=])")
# The "..." that is C's own, after the last named parameter of a variadic
# prototype ("int printk(const char *fmt, ...)": a type, then perhaps a
# name) or in a variadic macro's parameters ("#define pr_debug(fmt, ...)").
_PARAMETER_BEFORE = re.compile(
    r"(?:^|[(,])\s*(?!(?:sizeof|return)\b)(?:(?:const|volatile|struct|union|enum|unsigned|signed|char|short|int|"
    r"long|float|double|void|bool)\b[\w\s*]*|(?:[A-Za-z_]\w*[\s*]+)+[A-Za-z_]\w*(?:\[\w*\])?)\s*,\s*$")
# Omitted parameters of a prototype: "(const char *path, ..., int flags)"
# and "long sys_xyzzy(...)" (a type, a name, then the list).
_OMITTED_PARAMETERS = re.compile(r"(?<=,)\s*\.{3,}\s*,")
_OMITTED_PARAMETER_LIST = re.compile(r"\b(?!return\b|sizeof\b)[A-Za-z_]\w*[\s*]+[A-Za-z_]\w*\s*\((\s*\.{3,}\s*)\)"
                                     r"|^\s*(?!return\b|sizeof\b)[A-Za-z_]\w*\s*\((\s*\.{2,}\s*)\)\s*$")
# A call convention written as a prototype ("long keyctl(KEYCTL_UPDATE,
# key_serial_t key, ...)"): the operation's constant stands first, before
# declared parameters (here or on the next line).  Blanked, with its comma:
# the rest is a prototype.
_CONVENTION_CONSTANT = re.compile(r"^\s*(?!(?:return|sizeof|else|case|goto)\b)(?:[A-Za-z_]\w*[\s*]+)+[A-Za-z_]\w*\s*\("
                                  r"(\s*[A-Z][A-Z0-9_]{2,}\s*,)(?=\s*$|\s*(?:const\s+|struct\s+|unsigned\s+)?"
                                  r"[A-Za-z_]\w*[\s*]+[A-Za-z_])")
_MACRO_PARAMETERS = re.compile(r"^\s*#\s*define\s+\w+\((?:\s*\w+\s*,)*\s*$")
# A "{" that opens a block, not an initialiser: after ")", "else", "do" or
# at the start of the line.
_BLOCK_BEFORE = re.compile(r"(?:^|\)|\belse|\bdo)\s*\{\s*$")
# ... unless a "," follows its "}": "{ ... }," is an element of an
# initialiser list left out (gpio/legacy.rst's table of GPIOs).
_ELEMENT_AFTER = re.compile(r"\s*\}\s*,")
# A placeholder in angle brackets where a value goes ("selfpc = <return
# address> - 4;", ".mem_size = <...>,"): no C expression starts with "<".
_ANGLE_PLACEHOLDER = re.compile(r"(?:(?<=[(,=])|(?<=\breturn))(\s*)(<(?:[A-Za-z][\w -]*|\.{2,})>)")
# "..." for a value and the rest of its statement, after an assignment's
# "=" at the end of a line, or the value in words in brackets ("info->sgt =
# [your scatter gather table]", driver-api/fpga/fpga-programming.rst: no C
# expression starts with "[").
_ELIDED_VALUE_END = re.compile(r"(?<=[^=!<>]=)(\s*)(\.{3,}|\[[A-Za-z][^\[\]=;]*[ \t][^\[\]=;]*\])\s*$")
# The rest of a name in angle brackets: "err_<...>", "err_<label>".
_NAME_PLACEHOLDER = re.compile(r"(?<=\w)<\.{2,}>|(?<=_)<[A-Za-z]\w*>")
# A condition or an "else" still waiting for its statement, or a label
# ("case PULL_UP:", "default:", "out:") that C wants one after.
_WANTS_STATEMENT = re.compile(r"^(?:(?:\}\s*)?else(?:\s+if\s*\(.*\))?|(?:if|while|for)\s*\(.*\)|"
                              r"case\b[^;{}?]*:|[A-Za-z_]\w*\s*:)$")
# "...", "....", "[...]", "[..]", ". . .", a note in brackets ("[resolves
# to...]", "[finds the gate with to_gate(hw)]", "[ remember: MTU == sizeof(...) ]":
# a comparison, never an assignment), and a vertical ellipsis: one "." a line,
# perhaps with words after it (". do stuff with data here", "...error handling...";
# no "=", so never a designated initialiser), and words before an elision
# ("PFN XXX ...": a line of output; C has no "..." after a bare name).
_ELIDED_LINE = re.compile(r"^\s*(?:[\[(]?\.{2,}[\])]?|\.(?:\s+[^\W\d_][^=;{}]*)?|\.{2,}\s*[^\W\d_][^=;{}]*|"
                          r"\.(?:[ \t]+\.)+|\[(?:[^\[\]=;{}]|[=!<>]=)*(?:[A-Za-z]\.\.|[A-Za-z][ \t]+[A-Za-z])(?:[^\[\]=;{}]|[=!<>]=)*\]|"
                          r"[A-Za-z_]\w*(?:[ \t]+\w+)*[ \t]+\.{2,}|"
                          r"/\*\s*\.\.\.\s*\*/|//\s*\.\.\.)\s*;?\s*$")
# Words that lead in to what follows ("or alternative, when the controller
# supports CAN FD:"): four words or more, ending in ':'; C's only lines
# ending so are labels and cases, one or two words.
_LEAD_IN = re.compile(r"^\s*[A-Za-z][\w'-]*,?(?:[ \t]+[A-Za-z][\w'-]*,?){3,}:\s*$")
# A rule drawn across the block ("--------", "========"), or under each
# column's title of a listing side by side: no C.
_RULE_LINE = re.compile(r"^\s*(?:-{4,}|={4,})(?:[ \t]+(?:-{4,}|={4,}))*\s*$")
# A note after a complete statement or at the start of a line:
# "spin_lock(&lock);   <- interrupt comes in", "<- here" ("<" cannot start
# an expression, nor "->" follow a ";"), and the substitution notation
# "local_irq_save(flags);    -> local_lock_irqsave(&l, flags);".
_NOTE = re.compile(r"(?:^|(?<=[;{}]))\s*(<-+|->)(?=\s|$)")
# Column titles over a two-column scenario ("TASK A:<tabs>TASK B:",
# "CPU#1<tabs>CPU#2", "CPU0    CPU1"): cells a few columns apart, each a
# word with a short label, at least one with a digit, "#" or ":".
_TITLE_CELL = re.compile(r"[A-Za-z]+(?:[ #]?[A-Za-z0-9]{1,3})?:?|\d+\.")
_CELL_GAP = re.compile(r"\s{3,}")
# Prose as a condition: "if (some error)", "while (more work)".  Every word
# but the first is blanked; the first is then an unknown name like any other.
_PROSE_CONDITION = re.compile(r"\b(?:if|while)\s*\(\s*([a-z][a-z0-9_]*)((?:\s+[a-z][a-z0-9_]*)+)\s*\)")
# Prose as a loop header: "for (each page in huge_page)" (no ';', words
# only) is "for (;;)".
_PROSE_FOR = re.compile(r"\bfor\s*\(\s*([a-z][a-z0-9_]*(?:\s+[a-z][a-z0-9_]*)+)\s*\)")
# A step in words on a line of its own ("body of function", "we do y"):
# three words or more of lower-case letters (and hyphens inside a word),
# none of them a word of a declaration: no line of C is that.
_PROSE_LINE = re.compile(r"^\s*[a-z]+(?:-[a-z]+)*(?:[ \t]+[a-z]+(?:-[a-z]+)*){2,}\s*$")
# ... or words with a name in capitals among them ("set up HW for send"):
# four words of letters, three of them lower-case and no keyword of C (a
# declaration of letters only names two: "static inline bool ready").
_PROSE_WORDS = re.compile(r"^\s*[A-Za-z]+(?:-[A-Za-z]+)*(?:[ \t]+[A-Za-z]+(?:-[A-Za-z]+)*){3,}\s*$")
# A sentence of the text inside the block ("The FOO_INFO() macro can and
# should be used where possible."): a capitalised word, then words and no
# ';', '{', '}' or '=', with three lower-case words at least (_no_code).
_SENTENCE_LINE = re.compile(r"^\s*[A-Z][a-z]+,?[ \t][^;{}=]*$")
# The label of a step before its sentence ("b) Waiting for events").
_STEP_LABEL = re.compile(r"^\s*[a-z0-9]\)[ \t]+(?=[A-Z])")
# A sentence ending in its full stop ("page_owner supports fseek."): three
# words or more and a '.', which ends no line of C.
_SENTENCE_END = re.compile(r"^\s*[A-Za-z_]\w*(?:,?[ \t]+[A-Za-z_][\w'-]*){2,}\.\s*$")
# A qualifier that may be there or not, before a type ("[const] void
# *dereference_key_locked([const] struct key *key)"): where a declaration
# starts, never after a declarator as C's "a[const]" stands.
_OPTIONAL_QUALIFIER = re.compile(r"(^\s*|[(,]\s*)\[(const|volatile)\](?=\s)")
# A function named in the text ("via EXPORT_SYMBOL() and related functions").
_NAMED_FUNCTION = re.compile(r"(?<=\w)\(\)")
_CONTINUED_SENTENCE = re.compile(r"^\s*[\w'\"][^;{}=()\[\]*&|<>]*$")
_LOWER_WORD = re.compile(r"(?<![\w(])[a-z]+(?![\w(])")
# The keywords that can start a declaration and no expression.
DECLARATION_START = (r"(?:void|char|short|int|long|float|double|signed|unsigned|_Bool|bool|"
                     r"struct|union|enum|const|volatile|static|extern|inline)\b")
# A list of prototypes with a bullet ("* void netfs_subreq_terminated(...)",
# "- int dpaa2_mac_connect(...)"): no expression of C has a '*' or a '-'
# before a type keyword.
_BULLET = re.compile(r"^\s*([*-])\s+" + DECLARATION_START)
# An editor's mode line ("-*- mode: c -*-").
_MODE_LINE = re.compile(r"^\s*-\*-.*-\*-\s*$")
# A note set off by asterisks on a line of its own ("*** resched interrupt
# arrives here ***"): C has no expression that ends in '*'.
_STAR_NOTE = re.compile(r"^\s*\*{3,}\s.*\s\*{3,}\s*$")
# Steps numbered "1)", "2)" at the start of their first line, counting up
# from 1 (cachetlb.rst's "1) flush_cache_mm(mm);").
_STEP_NUMBER = re.compile(r"^(\s*(\d+)\))(?=\s+\S)")
C_KEYWORDS = frozenset("""auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof static struct switch
typedef union unsigned void volatile while bool typeof""".split())
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


def code_ranges(line: str, in_comment: bool) -> Tuple[List[Tuple[int, int, str]], bool]:
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


def kept_pieces(line: str, pieces, kinds: Tuple[str, ...]) -> str:
    """``line`` with every piece of code_ranges' but those of ``kinds``
    turned to spaces, so columns stay where they were."""
    return "".join(line[start:end] if kind in kinds else " " * (end - start) for start, end, kind in pieces)


def _numbered(lines: List[str]) -> bool:
    """Whether every non-blank line starts with a line number, counting up."""
    numbers = []
    for line in lines:
        if line.strip() and not (not numbers and _NOTE.match(line)):   # "-> foo.c" above the listing
            match = _LINE_NUMBER.match(line)
            if not match:
                return False
            numbers.append(int(match.group(1).strip().rstrip(":.")))
    return len(numbers) >= 2 and all(b > a for a, b in zip(numbers, numbers[1:]))


def _title_line(line: str, first: bool) -> bool:
    """Column titles: on the first line, or anywhere when every title is a
    label of two words ("TASK B:"), which C cannot be."""
    cells = _CELL_GAP.split(line.strip())
    if not all(_TITLE_CELL.fullmatch(c) for c in cells):
        return False
    if all(c.endswith(":") and re.search(r"[ #]", c) for c in cells):
        return True
    if all(re.fullmatch(r"\d+\.", c) for c in cells):
        return True     # "3.      4.": the numbers of listings, side by side or not
    return first and len(cells) >= 2 and any(re.search(r"[0-9#:]", c) for c in cells)


def _blanked(match, group: int = 0) -> str:
    """The text of ``match`` with its ``group`` turned to spaces."""
    start, end = (i - match.start() for i in match.span(group))
    text = match.group(0)
    return text[:start] + " " * (end - start) + text[end:]


def _blank_prose_condition(line: str) -> str:
    def blank(match):
        words = match.group(2).split()
        if any(w in C_KEYWORDS for w in [match.group(1)] + words):
            return match.group(0)
        return _blanked(match, 2)
    line = _PROSE_CONDITION.sub(blank, line)

    def forever(match):
        if any(w in C_KEYWORDS for w in match.group(1).split()):
            return match.group(0)
        words = match.group(1)
        return match.group(0).replace(words, ";;" + " " * (len(words) - 2), 1)
    return _PROSE_FOR.sub(forever, line)


# Keywords that can stand in a line of words only: a declaration split
# over lines ("static inline int" above its name).
_DECLARATION_WORDS = C_KEYWORDS - {"break", "case", "continue", "default", "do", "else", "for", "goto",
                                   "if", "return", "sizeof", "switch", "while"}


def _no_code(line: str) -> bool:
    """An elided line, a note, a mode line, a rule, a lead-in or a step in
    words (a sentence is _sentence's, which the caller asks first)."""
    if any(p.match(line) for p in (_ELIDED_LINE, _STAR_NOTE, _MODE_LINE, _RULE_LINE)):
        return True
    if _LEAD_IN.match(line):
        return sum(1 for w in line.split() if w.islower() and w not in C_KEYWORDS) >= 3
    if _PROSE_LINE.match(line):
        return not any(w in _DECLARATION_WORDS for w in line.split())
    return bool(_PROSE_WORDS.match(line)) and \
        sum(1 for w in line.split() if w.islower() and w not in C_KEYWORDS) >= 3


def _elided_before_comment(line: str, pieces) -> bool:
    """"...  /* more fields */": an elided line with a comment after it."""
    if not any(kind == "comment" for _, _, kind in pieces):
        return False
    uncommented = kept_pieces(line, pieces, ("code", "string"))
    return bool(uncommented.strip()) and bool(_ELIDED_LINE.match(uncommented))


def _sentence(line: str) -> bool:
    line = _STEP_LABEL.sub("", line, count=1)
    return bool(_SENTENCE_END.match(line)) or bool(_SENTENCE_LINE.match(line)) and len(_LOWER_WORD.findall(line)) >= 3


def _sentence_goes_on(line: str, prose_indent: Optional[int]) -> bool:
    """A line of a paragraph whose first line was a sentence: as indented,
    words, and none of C's punctuation ("parameter.  Static analysis will
    give an error if it ...", "isn't held."); never a line that starts with
    a keyword of C ("return x", its ';' forgotten)."""
    line = _NAMED_FUNCTION.sub("", line)
    words = line.split()
    return prose_indent == _indent(line) and bool(_CONTINUED_SENTENCE.match(line)) \
        and len(_LOWER_WORD.findall(line)) >= 3 and bool(words) and words[0] not in C_KEYWORDS


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _body_follows(lines: List[str], index: int, header_indent: int) -> bool:
    """Whether the next line with code after ``index`` is indented deeper
    than the condition at ``header_indent``: the statement it waits for."""
    in_comment = False
    for line in lines[index + 1:]:
        pieces, in_comment_after = code_ranges(line, in_comment)
        if any(kind != "comment" and line[start:end].strip() for start, end, kind in pieces):
            return _indent(line) > header_indent
        in_comment = in_comment_after
    return False


# A word standing for a step, as a statement ("do;", "lots;", "of;").
_WORD_STEP = re.compile(r"^\s*([a-z]+)\s*;\s*$")
_WHILE = re.compile(r"while\b")


def _keyword_steps(lines: List[str]) -> List[int]:
    """The lines where "do;" is a word among words made statements ("do;
    lots; of; magic; things;", a body left unwritten), not C's loop: a
    "do" no "while" follows, beside a word statement that is no keyword.
    A lone "do;" without its "while" is still C's slip."""
    words = [m.group(1) if m else None for m in map(_WORD_STEP.match, lines)]
    found = []
    for index, word in enumerate(words):
        if word != "do":
            continue
        after = next((l.strip() for l in lines[index + 1:] if l.strip()), "")
        if _WHILE.match(after):
            continue
        neighbours = [words[i] for i in (index - 1, index + 1) if 0 <= i < len(words)]
        if any(w and w not in C_KEYWORDS for w in neighbours):
            found.append(index)
    return found


def _numbered_steps(lines: List[str]) -> bool:
    """Whether the snippet is steps "1)", "2)"...: its first line is step 1
    and the step numbers count up by one."""
    first = next((l for l in lines if l.strip()), "")
    match = _STEP_NUMBER.match(first)
    if not match or match.group(2) != "1":
        return False
    numbers = [int(m.group(2)) for m in map(_STEP_NUMBER.match, lines) if m]
    return numbers == list(range(1, len(numbers) + 1))


def normalise(snippet: Snippet) -> Normalised:
    out: List[str] = []
    arrows: Dict[int, ArrowNote] = {}
    escapes: List[Tuple[int, int, str]] = []
    elided: List[int] = []
    in_comment = False
    last_code = ""      # the code of the last line that had some
    last_indent = 0     # and its indentation
    prose_indent = None  # the indentation of the sentence the last line was in
    source_lines = [l.text for l in snippet.lines]
    numbered = _numbered(source_lines)
    steps = _numbered_steps(source_lines)
    first = next((i for i, l in enumerate(source_lines) if l.strip()), None)
    word_steps = _keyword_steps(source_lines)
    for index, line in enumerate(source_lines):
        if index in word_steps:
            line = line.replace("do", "__", 1)     # a name of the same width, as "lots" is
        if numbered:
            line = _LINE_NUMBER.sub(lambda m: " " * len(m.group(1)), line)
        if steps:
            line = _STEP_NUMBER.sub(lambda m: " " * len(m.group(1)), line)
        if not in_comment and line.strip() and _title_line(line, index == first):
            elided.append(index)
            out.append("")
            continue
        pieces, next_comment = code_ranges(line, in_comment)
        text = list(line)
        bullet = _BULLET.match(line) if pieces and pieces[0][2] == "code" and pieces[0][0] == 0 else None
        if bullet:
            text[bullet.start(1)] = " "
        for start, end, kind in pieces:
            if kind == "comment":
                _comment_for_parameters(line, start, end, text)
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
            note = _NOTE.search(segment) if kind == "code" else None
            if note and (start == 0 or note.start() > 0 or line[:start].rstrip()[-1:] in (";", "{", "}")):
                col = start + note.start(1)
                if note.group(1) != "->" and index not in arrows:
                    arrows[index] = ArrowNote(index, col, line[note.end(1):].strip())
                for k in range(col, len(text)):
                    text[k] = " "
                break
            if kind == "code" and snippet.kind == "literal":
                for match in re.finditer(r"\\([*_`|])", segment):
                    col = start + match.start()
                    escapes.append((index, col, match.group(0)))
                    text[col] = " "
        new = "".join(text)
        sentence = not in_comment and (_sentence(new) or _sentence_goes_on(new, prose_indent))
        prose_indent = _indent(new) if sentence else None
        if (sentence or _no_code(new) or _elided_before_comment(new, pieces)) and not in_comment:
            elided.append(index)
            # Omitted code where a statement must be ("if (x)", then
            # "...") is an empty statement; anywhere else nothing.
            new = " " * _indent(new) + ";" if _WANTS_STATEMENT.match(last_code) else ""
        else:
            new = _blank_prose_condition(_elide_expressions(new))
            code = "".join(new[start:end] for start, end, kind in pieces if kind != "comment").strip()
            if not code and not next_comment and any(kind == "comment" for _, _, kind in pieces) \
                    and _WANTS_STATEMENT.match(last_code) and not _body_follows(source_lines, index, last_indent):
                # "if (IS_ERR(desc))", then "/* handle error */" and no
                # statement under it: the comment stands for the body.  Its
                # ';' goes before the comment, which a "//" runs to the end of.
                indent = _indent(new)
                new = new[:indent - 1] + ";" + new[indent:] if indent else ";" + new
                code = ";"
            if code and last_code.count("(") > last_code.count(")"):
                last_code += " " + code     # a condition over several lines: one statement so far
            elif code:
                last_code, last_indent = code, _indent(new)
        out.append(new)
        in_comment = next_comment
    return Normalised(snippet=snippet, code="\n".join(out) + "\n", arrows=arrows,
                      escapes=escapes, elided_lines=elided)


def _comment_for_parameters(line: str, start: int, end: int, text: List[str]) -> None:
    """A comment where parameters or an argument stand ("(void *data,
    /* XXX: fill header */)", "probe("wip", /* XXX: tracepoint */, fn)"):
    the comma before it goes from a prototype, the comment becomes a 0 in a
    call.  A comma before ')' with no comment is still a slip, and so is one
    before a note set off in a column of its own ("uint64_t lpid,\t\t/* LPAR
    ID */)": that comment is the parameter's, not a stand-in."""
    before, after = line[:start].rstrip(), line[end:].lstrip()
    if not before.endswith(",") or after[:1] not in (",", ")"):
        return
    if after.startswith(")") and line[len(before):start] not in ("", " "):
        return
    if after.startswith(")") and _PARAMETER_BEFORE.search(before):
        text[len(before) - 1] = " "
    else:
        text[start:end] = ["0"] + [" "] * (end - start - 1)


def _elide_expressions(line: str) -> str:
    """Each omitted expression ("...", "<return address>") becomes a 0 of
    the same width, omitted parameters of a prototype and a convention's
    leading constant blanks; C's own variadic "..." stays."""
    def omitted_parameters(match):
        return _blanked(match) if _PARAMETER_BEFORE.search(line[:match.start()]) else match.group(0)
    line = _OMITTED_PARAMETER_LIST.sub(lambda m: _blanked(m, 1 if m.group(1) is not None else 2),
                                       _OMITTED_PARAMETERS.sub(omitted_parameters, line))
    line = _CONVENTION_CONSTANT.sub(lambda m: _blanked(m, 1), line)
    line = _OPTIONAL_QUALIFIER.sub(lambda m: m.group(1) + " " + m.group(2) + " ", line)
    # An omitted place to store is a name ("___" for "..."), as pseudo-code's undeclared locals are.
    line = _ELIDED_TARGET.sub(lambda m: m.group(0).replace(m.group(1), "_" * len(m.group(1))), line)
    # "pos->frequency = ..." at the end of a line: the value and its ';'.
    line = _ELIDED_VALUE_END.sub(lambda m: m.group(1) + "0;" + " " * (len(m.group(2)) - 2), line)
    # "goto err_<...>;": the rest of a name left out.
    line = _NAME_PLACEHOLDER.sub(lambda m: "_" * len(m.group(0)), line)

    def elide(match):
        space, omitted = match.group(1), match.group(2)
        if omitted.startswith(".") and (_PARAMETER_BEFORE.search(line[:match.start()])
                                        or _MACRO_PARAMETERS.match(line[:match.start()])):
            return match.group(0)
        if omitted.startswith(".") and _BLOCK_BEFORE.search(line[:match.start()]) \
                and not _ELEMENT_AFTER.match(line, match.end()):
            return space + ";" + " " * (len(omitted) - 1)   # "if (x) { ... }": a statement
        return space + "0" + " " * (len(omitted) - 1)
    return _ANGLE_PLACEHOLDER.sub(elide, _ELIDED_EXPRESSION.sub(elide, line))


# A cell of a side-by-side listing ends where a statement, a block, a line
# number or a pseudo-code step ("add_element", "...") can end, and the next
# cell starts like one.
_CELL_END = re.compile(r"(?:[;{})\w.]|\*/)$")
_CELL_START = re.compile(r"^(?:[A-Za-z_0-9{}]|/\*|\.\.)")
_MIN_ROWS = 3


def _cut(texts: List[str]) -> int:
    """The column where a two-column listing splits, or 0: a column no line
    has text on both sides of, with at least three lines that have a whole
    statement (or a line number) on each side.  Of the columns in the gap
    between the two, the one where the right column's line numbers start
    (whatisRCU.rst numbers both), else the right edge of the gap."""
    lines = [t.rstrip() for t in texts]
    if any(t.lstrip().startswith("#") for t in lines):
        return 0
    best, best_score = 0, (0, 0, 0)
    for cut in range(2, max((len(t) for t in lines), default=0)):
        rows = numbered = 0
        for text in lines:
            if len(text) <= cut:
                continue
            if text[cut - 1] != " " and text[cut] != " ":
                break
            left, right = text[:cut].strip(), text[cut:].strip()
            if _LINE_NUMBER.sub("", left).strip() and _LINE_NUMBER.sub("", right).strip():
                if not (_CELL_END.search(left) and _CELL_START.match(right)):
                    break
                rows += 1
                numbered += bool(_LINE_NUMBER.match(text[:cut]) and _LINE_NUMBER.match(right))
        else:
            score = (rows, numbered, cut)
            if rows and score > best_score:
                best, best_score = cut, score
    return best if best_score[0] >= _MIN_ROWS else 0


def side_by_side(normalised: Normalised) -> List[Normalised]:
    """A listing printed as two columns (the old and the new version of a
    function, whatisRCU.rst's "1 int search(...)   1 int search(...)"), as
    one normalised snippet per column, each with the other blanked: columns
    and line numbers stay where they are.  [] when it is not one."""
    snippet = normalised.snippet
    cut = _cut([l.text for l in snippet.lines])
    if not cut:
        return []
    parts = []
    for keep in ((0, cut), (cut, None)):
        lines = []
        for l in snippet.lines:
            start, end = keep[0], keep[1] if keep[1] is not None else len(l.text)
            text = " " * min(start, len(l.text)) + l.text[start:end]
            lines.append(dataclasses.replace(l, text=text.rstrip()))
        parts.append(normalise(dataclasses.replace(snippet, lines=lines)))
    return parts
