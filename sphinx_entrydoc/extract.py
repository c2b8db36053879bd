"""Step 2 of the pipeline: from a parsed doctree to located snippets and prose.

The same walk serves both front ends: the CLI parses with plain docutils
(:func:`parse_rst`), the Sphinx extension hands over the doctree Sphinx has
already read.  Positions are never taken on trust from the doctree: every
snippet and paragraph is located again in the raw text, so a finding points
at the exact ``.rst`` line and column (tabs counted as one column).
"""
from __future__ import annotations

import bisect
import dataclasses
import re

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple, Union

    from docutils import nodes

# docutils is imported by the functions that walk a doctree, not here: the
# process that compiles unpickles these data classes and never parses.

from .positions import locate_block, raw_column
from .read import Source

C_LANGUAGES = {"c", "c89", "c99", "c11", "gnu", "gnu-c", "kernel-c"}

_DIRECTIVE_LINE = re.compile(r"^\s*\.\.\s+([\w:-]+)::")
_OPTION_LINE = re.compile(r"^:[^:\s][^:]*:(\s|$)")
_IGNORE_COMMENT = re.compile(r"^entrydoc:\s*ignore\s+([A-Z0-9, ]+)\s*$")


@dataclasses.dataclass
class SnippetLine:
    text: str    # as docutils has it: tabs expanded, block indentation removed
    line: int    # 1-based line in the .rst file
    raw: str     # that line of the file, untouched
    indent: int  # visual columns of block indentation removed by docutils

    def column(self, col0: int) -> int:
        """1-based raw column of 0-based column ``col0`` of :attr:`text`."""
        return raw_column(self.raw, self.indent + col0)


@dataclasses.dataclass
class Snippet:
    kind: str            # "literal" (::), "directive" (code-block & co) or "entrydoc" (opt-in directive)
    directive: str       # the directive's name, "" for "::"
    language: str
    lines: List[SnippetLine]
    options: Dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.lines[0].line

    @property
    def last_line(self) -> int:
        return self.lines[-1].line

    @property
    def text(self) -> str:
        return "\n".join(l.text for l in self.lines)

    @property
    def is_c(self) -> bool:
        return self.language in C_LANGUAGES

    def position(self, index: int, col0: int) -> Tuple[int, int]:
        """(line, column) in the file of 0-based line ``index``, column ``col0`` of the snippet."""
        index = max(0, min(index, len(self.lines) - 1))
        return self.lines[index].line, self.lines[index].column(col0)


@dataclasses.dataclass
class Paragraph:
    """Running text (a paragraph, a list item's paragraph or a title) with the
    raw markup kept, so roles and inline literals can be read exactly."""

    text: str
    spans: List[Tuple[int, int, int]]  # per text line: (offset in text, file line, 1-based column)
    in_list: bool = False

    @property
    def line(self) -> int:
        return self.spans[0][1]

    @property
    def last_line(self) -> int:
        return self.spans[-1][1]

    def position(self, offset: int) -> Tuple[int, int]:
        # A binary search: a long paragraph has many lines and many names.
        index = bisect.bisect_right(self.spans, (offset, float("inf"), 0)) - 1
        if index < 0:
            return self.spans[0][1], self.spans[0][2]
        start, line, column = self.spans[index]
        return line, column + offset - start


@dataclasses.dataclass
class BulletList:
    items: List[Paragraph]

    @property
    def line(self) -> int:
        return self.items[0].line

    @property
    def last_line(self) -> int:
        return self.items[-1].last_line


if TYPE_CHECKING:
    Block = Union[Paragraph, BulletList, Snippet]


@dataclasses.dataclass
class Suppression:
    codes: Tuple[str, ...]
    first_line: int
    last_line: int

    def covers(self, code: str, line: int) -> bool:
        return self.first_line <= line <= self.last_line and any(code.startswith(c) for c in self.codes)


@dataclasses.dataclass
class Document:
    source: Source
    blocks: List[Block]
    suppressions: List[Suppression]
    overrides: Dict[str, str] = dataclasses.field(default_factory=dict)
    # The C snippets as compiled by check_document, for front ends that
    # render what was checked (trace.py) without compiling a second time.
    compiled: list = dataclasses.field(default_factory=list)
    # Whether and why the document is checked (selection.Decision).
    decision: object = None
    has_entrydoc_directive: bool = False   # a ``.. entrydoc::``, with options or not

    @property
    def snippets(self) -> List[Snippet]:
        return [b for b in self.blocks if isinstance(b, Snippet)]

    @property
    def c_snippets(self) -> List[Snippet]:
        return [s for s in self.snippets if s.is_c]

    @property
    def paragraphs(self) -> List[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def suppressed(self, code: str, line: int) -> bool:
        return any(s.covers(code, line) for s in self.suppressions)


# Plain words in a row outside comments and strings, none of them a C
# keyword: four, or three with one of English's small words among them
# ("the memory rank"), are English.  C puts names side by side only in a
# declaration, and then few and mostly keywords ("static const struct",
# "unsigned long flags", "asmlinkage noinstr notrace").
_WORD_RUN = re.compile(r"(?<![\w.>-])[A-Za-z]+(?:-[A-Za-z]+)*(?:[ \t]+[A-Za-z]+(?:-[A-Za-z]+)*){2,}(?![\w(])")
_SMALL_WORDS = frozenset("""a an the of to in on at by with from into as is are was were be been will would can
could may must should that this these those which who it its and or not no than then only each any all""".split())
# "<join item to transaction>": a step of pseudo-code, which the
# normaliser reads as such, not English in place of C.
_PLACEHOLDER = re.compile(r"<[^<>]*>")


# An assembler's directive (".prologue", ".save ar.pfs, r11"): a line that
# starts with ".name" and has no "=", so no designated initialiser of C.
_ASSEMBLER_DIRECTIVE = re.compile(r"^\s*\.[A-Za-z_]\w*(?:[ \t][^=]*)?$")


# A "{" after a number or a bare name ("CPU-thread-2  {read addrA}",
# "cpus {", "kprobe:do_sys_open {"): C puts one after ")", "=", ",", "{",
# ":", "else", "do" or a tag of struct, union or enum, so this is a
# timeline, a device tree or a script, not C.
_FOREIGN_BRACE = re.compile(r"(?:\b\d\w*|\b(?!(?:else|do|struct|union|enum)\b)[A-Za-z_]\w*)[ \t]*\{")
_TAG = re.compile(r"\b(?:struct|union|enum)\b")


# A name cited with empty parentheses on a line of its own, as prose cites
# one ("socket_reset()", "static_key_true()"): a list of names, not C,
# where it outnumbers the lines that end a statement.
CITED_NAME = re.compile(r"^\s*[A-Za-z_]\w*\s*\(\s*\)\s*$")


# A "}" after two bare names ("Local address\t}", a brace drawn to group
# the rows of a table): in C a "}" follows a statement, a block or an
# element, and no two names stand side by side there.
_FOREIGN_CLOSE = re.compile(r"(?<![\w.>])(?!(?:return|else|goto|case|sizeof|do)\b)[A-Za-z_]\w*[ \t]+"
                            r"[A-Za-z_]\w*[ \t]*\}")
# An arrow drawn at the start of a line ("------->  timer_interrupt() {", a
# call graph): no expression of C starts with "--" and goes on to ">", and
# the notes C blocks carry point the other way ("<-- here").
_DRAWN_ARROW = re.compile(r"^\s*-{3,}>", re.M)


_DIRECTIVE_START = re.compile(r"^\s*(?:\d+[ \t]+)?#")


def _foreign_brace(code: str) -> bool:
    if _DIRECTIVE_START.match(code):
        return False    # "#define INIT_THING { 0 }", perhaps numbered: a macro's body
    return any(not _TAG.search(code, 0, match.start()) for match in _FOREIGN_BRACE.finditer(code))


def _prose(code: str) -> bool:
    from .normalise import C_KEYWORDS
    for run in _WORD_RUN.finditer(_PLACEHOLDER.sub(" ; ", code)):
        plain: List[str] = []
        for word in run.group().split():
            plain = [] if word in C_KEYWORDS else plain + [word]
            if len(plain) >= 4 or (len(plain) == 3 and _SMALL_WORDS.intersection(w.lower() for w in plain)):
                return True
    return False


def looks_like_c(text: str) -> bool:
    """The documented default for ``::`` blocks with no ``.. highlight::`` in
    force ("auto"): a block is C when it does not start with a shell prompt
    (``$ `` or ``% ``) nor has a ``$ `` one further down, some line calls or
    declares a function, some line ends a statement or opens or closes a
    block, and fewer lines read as English outside comments and strings
    (:func:`_prose`: a command table, ``name = meaning;`` lines, a call
    diagram in words), are an assembler's directives, open a brace after
    a bare name or a number (:data:`_FOREIGN_BRACE`), close one after two
    (:data:`_FOREIGN_CLOSE`) or cite a name (:data:`CITED_NAME`) than end
    a statement or open or close a block; and no line starts with a drawn
    arrow (:data:`_DRAWN_ARROW`)."""
    has_call = re.search(r"\b[A-Za-z_]\w*\s*\(", text) is not None
    lines = text.split("\n")
    if next((line.lstrip() for line in lines if line.strip()), "").startswith("% ") \
            or any(line.lstrip().startswith("$ ") for line in lines):
        return False   # a shell prompt: a command and what it printed
    if _DRAWN_ARROW.search(text):
        return False   # a drawing
    c_lines = sum(1 for line in lines if line.rstrip().endswith((";", "{", "}")))
    if not (has_call and c_lines):
        return False
    from .normalise import code_ranges
    prose_lines, in_comment = 0, False
    for line in lines:
        pieces, in_comment = code_ranges(line, in_comment)
        code = " ; ".join(line[start:end] for start, end, kind in pieces if kind == "code")
        if _prose(code) or _ASSEMBLER_DIRECTIVE.match(code) or _foreign_brace(code) or CITED_NAME.match(code) \
                or _FOREIGN_CLOSE.search(code):
            prose_lines += 1
    return prose_lines < c_lines


def extract(source: Source, doctree: nodes.document, literal_language: str = "auto") -> Document:
    from docutils import nodes
    lines = source.lines
    blocks: List[Block] = []
    pending_ignores: List[Tuple[str, ...]] = []
    suppressions: List[Suppression] = []
    overrides: Dict[str, str] = {}
    directive_seen = False
    highlight = ""

    def claim(block: Block) -> None:
        for codes in pending_ignores:
            suppressions.append(Suppression(codes, block.line, block.last_line))
        pending_ignores.clear()
        if isinstance(block, Snippet) and block.options.get("ignore"):
            # ".. entrydoc-code-block:: c" with ":ignore: CODES" covers its own lines.
            codes = tuple(c for c in re.split(r"[ ,]+", block.options["ignore"]) if c)
            suppressions.append(Suppression(codes, block.line, block.last_line))
        blocks.append(block)

    for node in doctree.findall(nodes.Element):
        if _inside_system_message(node):
            continue
        tag = node.tagname
        if tag == "highlightlang":
            highlight = node.get("lang", "")
        elif tag == "entrydoc_options":
            directive_seen = True
            overrides.update(node.get("options", {}))
        elif isinstance(node, nodes.comment):
            match = _IGNORE_COMMENT.match(node.astext().strip())
            if match:
                pending_ignores.append(tuple(c for c in re.split(r"[ ,]+", match.group(1)) if c))
        elif isinstance(node, nodes.literal_block):
            snippet = _snippet(node, lines, highlight, literal_language)
            if snippet is not None:
                claim(snippet)
        elif isinstance(node, (nodes.paragraph, nodes.title)) and not isinstance(node.parent, nodes.system_message):
            paragraph = _paragraph(node, lines)
            if paragraph is not None:
                paragraph.in_list = isinstance(node.parent, nodes.list_item)
                if paragraph.in_list and blocks and isinstance(blocks[-1], BulletList) \
                        and node.parent.parent is getattr(blocks[-1], "_node", None):
                    blocks[-1].items.append(paragraph)
                    continue
                claim(paragraph)
        elif isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
            items = []
            bullet = BulletList(items)
            bullet._node = node
            # Items are filled in as their paragraphs are walked; a list whose
            # items carry no paragraph is dropped below.
            blocks.append(bullet)
    blocks = [b for b in blocks if not (isinstance(b, BulletList) and not b.items)]
    for block in blocks:
        # The doctree stays behind: a Document is plain data a process can hand to another.
        block.__dict__.pop("_node", None)
    # An item's paragraph was added to its list; keep it as prose too so names
    # in list items are checked, but after the list itself.
    expanded: List[Block] = []
    for block in blocks:
        expanded.append(block)
        if isinstance(block, BulletList):
            expanded.extend(block.items)
    return Document(source=source, blocks=expanded, suppressions=suppressions, overrides=overrides,
                    has_entrydoc_directive=directive_seen)


def _inside_system_message(node: nodes.Node) -> bool:
    from docutils import nodes
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.system_message):
            return True
        parent = parent.parent
    return False


def _snippet(node: nodes.literal_block, lines: List[str], highlight: str, default: str) -> Optional[Snippet]:
    text_lines = node.astext().split("\n")
    found = locate_block(lines, text_lines, node.line)
    if found is None:
        return None
    start, indent = found
    snippet_lines = [SnippetLine(text, start + i + 1, lines[start + i], indent)
                     for i, text in enumerate(text_lines)]
    directive = _introducer(lines, start)
    if directive is None:
        return None  # e.g. a parsed-literal or a doctest block: not a code snippet
    if node.get("entrydoc_opt_in"):
        kind = "entrydoc"
    elif directive:
        kind = "directive"
    else:
        kind = "literal"
    language = node.get("language", "") or ""
    if kind == "literal" or not language or language == "default":
        if highlight and highlight not in ("default",):
            language = highlight
        elif default == "auto":
            language = "c" if looks_like_c(node.astext()) else "none"
        else:
            language = default
    options = dict(node.get("entrydoc_options", {}) or {})
    return Snippet(kind=kind, directive=directive, language=language.lower(),
                   lines=snippet_lines, options=options)


def _introducer(lines: List[str], start: int) -> Optional[str]:
    """The directive that introduces the block starting at line ``start``,
    "" for a ``::`` literal block, None when it is neither."""
    index = start - 1
    while index >= 0:
        raw = lines[index]
        stripped = raw.strip()
        match = _DIRECTIVE_LINE.match(raw)
        if match:
            return match.group(1)
        if not stripped or _OPTION_LINE.match(stripped):
            index -= 1
            continue
        return "" if stripped.endswith("::") else None
    return None


def _paragraph(node: nodes.Element, lines: List[str]) -> Optional[Paragraph]:
    from docutils import nodes
    raw_lines = node.rawsource.split("\n") if node.rawsource else node.astext().split("\n")
    hint = node.line or (node.parent.line if node.parent is not None else None)
    if isinstance(node, nodes.title) and hint:
        hint -= 1  # docutils gives a title the line of its underline
    spans: List[Tuple[int, int, int]] = []
    offset = 0
    search_from = _find_line(lines, raw_lines[0], hint)
    if search_from is None:
        return None
    for i, text in enumerate(raw_lines):
        file_index = search_from + i
        if file_index >= len(lines):
            return None
        raw = lines[file_index]
        stripped = text.strip()
        pos = raw.find(stripped) if stripped else 0
        if pos < 0:
            return None
        # Column of the first character of ``text`` itself.
        lead = len(text) - len(text.lstrip())
        spans.append((offset, file_index + 1, pos + 1 - lead))
        offset += len(text) + 1
    return Paragraph(text="\n".join(raw_lines), spans=spans)


def _find_line(lines: List[str], first: str, hint: Optional[int]) -> Optional[int]:
    wanted = first.strip()
    order = []
    if hint:
        for delta in range(0, 12):
            order += [hint - 1 + delta, hint - 1 - delta]
    order += range(len(lines))
    for index in order:
        if 0 <= index < len(lines) and wanted and wanted in lines[index]:
            return index
    return None
