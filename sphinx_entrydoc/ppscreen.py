"""What a snippet would make the compiler open, decided on preprocessing
tokens as the compiler sees them, before the compiler runs.

A line regex cannot do this: ``/**/#include "x"``, the digraph ``%:include``,
a directive split by a backslash-newline (``#inc\\`` + newline + ``lude``) and
a block comment spanning lines before the ``#`` are all directives to clang.
So the snippet goes through translation phases 1-3 of C11 (5.1.1.2) the way
clang does them for ``-std=gnu11`` (the only mode snippets are compiled in,
see clang.py): no trigraphs, line splices (a backslash, optional horizontal
white space, a new-line), comments as white space, pp-tokens including
digraphs, string and character literals with their prefixes, and the
``#include`` operand lexed as a header-name.

:func:`scan` finds, with exact offsets:

* every directive that names a file (``#include``, ``#include_next``,
  ``#import``, ``#embed``, ``#__include_macros``), with its operand;
* everything else that reaches the file system: ``__has_include``,
  ``__has_include_next``, ``__has_embed``, ``_Pragma`` with anything but a
  plain string (or a file-touching pragma in the string), and ``#pragma``
  ``dependency``/``include_alias``/``module``.

:func:`decide` says what to do with one include: ``STUB`` (a stub header,
compiled), ``UNKNOWN`` (a plain header name no stub directory has: an
ordinary kernel or system header) or ``REFUSED`` (it could leave the stub
directories, or cannot be known before macro expansion).  compile.py turns
the answers into ED106 findings and blanks what is not compiled.

This screen gives precise findings; it is not the only wall.  Every parse
also runs in a file-system sandbox that shows clang the stub headers and
nothing else (stubs.py, ``-ivfsoverlay``), so what a screen cannot see (a
``_Pragma`` built by token pasting, say) finds no file, and compile.py checks
the translation unit's inclusions afterwards.
"""
from __future__ import annotations

import dataclasses
import os
import re
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, List, Optional, Sequence, Tuple

# Directives that open a file, and pragmas that look at one.
FILE_DIRECTIVES = ("include", "include_next", "import", "embed", "__include_macros")
FILE_IDENTIFIERS = ("__has_include", "__has_include_next", "__has_embed")
FILE_PRAGMAS = ("dependency", "include_alias", "module")

# The three answers of decide().
STUB = "stub"
UNKNOWN = "unknown"
REFUSED = "refused"

_HORIZONTAL = " \t\f\v"
_NEWLINES = "\r\n"
# clang's Unicode white space (Lexer.cpp, isUnicodeWhitespace), the BOM it
# skips, and whatever Python calls space: when in doubt a character is white
# space, since that can only put more '#' at the start of a line.
_UNICODE_SPACE = set("\u0085\u00a0\u1680\u180e\u2028\u2029\u202f\u205f\u3000\ufeff"
                     "\x1c\x1d\x1e\x1f") | {chr(c) for c in range(0x2000, 0x200B)}
_PUNCTUATORS = ("%:%:", "...", "<<=", ">>=", "%:", "<:", ":>", "<%", "%>", "##", "->", "++", "--",
                "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=", "/=", "%=", "+=", "-=",
                "&=", "^=", "|=")
_PREFIXES = ("L", "u", "U", "u8")
_HEADER_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:[./][A-Za-z0-9_+-]+)*\Z")


@dataclasses.dataclass(frozen=True)
class Token:
    kind: str     # "ident", "number", "string", "char", "punct", "other"
    text: str     # the spelling, line splices removed
    start: int    # offset of its first character in the original text
    end: int      # offset just past its last character in the original text
    bol: bool     # the first token of a logical line


@dataclasses.dataclass(frozen=True)
class Include:
    """A directive that names a file."""
    directive: str          # "include", "include_next", "import", "embed", "__include_macros"
    start: int              # offset of the '#' (or '%:')
    end: int                # offset of the new-line that ends the directive (or the end of text)
    name: Optional[str]     # the header name; None for a computed include
    angled: bool
    operand: Tuple[int, int]  # offsets of the operand's first and last character (the quotes or angles)
    spelling: str           # the directive as one line, for messages

    @property
    def quoted(self) -> bool:
        return self.name is not None and not self.angled


@dataclasses.dataclass(frozen=True)
class Hazard:
    """Anything else that would make clang look at a file."""
    start: int
    end: int                # the extent to blank (a whole directive, or one operator with its operand)
    spelling: str
    why: str
    zero: bool = False      # in #if/#elif: the operator becomes 0, so the conditional stays whole


@dataclasses.dataclass(frozen=True)
class Decision:
    kind: str               # STUB, UNKNOWN or REFUSED
    why: str = ""           # for UNKNOWN and REFUSED
    path: str = ""          # for STUB: the header clang will open


class _Spliced:
    """Phases 1-2: the text with every line splice removed, and for each of
    its characters the offset of that character in the original text."""

    def __init__(self, text: str):
        chars: List[str] = []
        where: List[int] = []
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            if char == "\\":
                j = i + 1
                while j < n and text[j] in _HORIZONTAL:
                    j += 1
                if j < n and text[j] in _NEWLINES:
                    i = j + 2 if text.startswith("\r\n", j) else j + 1
                    continue
            chars.append(char)
            where.append(i)
            i += 1
        self.text = "".join(chars)
        self.where = where
        self.original_length = n

    def offset(self, index: int) -> int:
        """Original offset of spliced index ``index`` (the end maps to the end)."""
        return self.where[index] if index < len(self.where) else self.original_length


def _is_space(char: str) -> bool:
    return char in _HORIZONTAL or char in _UNICODE_SPACE or (char.isspace() and char not in _NEWLINES)


def _ident_char(char: str) -> bool:
    return char.isalnum() or char in "_$" or (ord(char) > 0x7F and not _is_space(char))


class _Lexer:
    """Phase 3 over the spliced text."""

    def __init__(self, text: str):
        self.spliced = _Spliced(text)
        self.s = self.spliced.text
        self.i = 0
        self.bol = True

    def _skip(self, stop_at_newline: bool) -> bool:
        """Skip white space and comments.  With ``stop_at_newline`` (inside a
        directive): stop before a new-line and say whether one is next.
        Otherwise: say whether a new-line was passed."""
        s, n = self.s, len(self.s)
        newline = False
        while self.i < n:
            char = s[self.i]
            if char in _NEWLINES:
                if stop_at_newline:
                    return True
                newline = True
                self.i += 1
            elif _is_space(char):
                self.i += 1
            elif s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                end = n if end < 0 else end + 2
                # A new-line inside a comment does not start a line for clang
                # (nor end a directive); counting it for a line start anyway
                # can only find more directives, never fewer.
                if not stop_at_newline and any(c in _NEWLINES for c in s[self.i:end]):
                    newline = True
                self.i = end
            elif s.startswith("//", self.i):
                while self.i < n and s[self.i] not in _NEWLINES:
                    self.i += 1
            else:
                break
        return newline

    def next(self, in_directive: bool = False) -> Optional[Token]:
        """The next token; in a directive, None at its end (the new-line is not consumed)."""
        if self._skip(stop_at_newline=in_directive):
            if in_directive:
                return None
            self.bol = True
        if self.i >= len(self.s):
            return None
        start = self.i
        kind = self._token()
        token = Token(kind, self.s[start:self.i], self.spliced.offset(start),
                      self.spliced.offset(self.i - 1) + 1, self.bol)
        self.bol = False
        return token

    def rest_of_directive(self) -> List[Token]:
        """The remaining tokens of a directive; stops before its new-line."""
        tokens = []
        while True:
            token = self.next(in_directive=True)
            if token is None:
                return tokens
            tokens.append(token)

    def end_of_directive(self) -> int:
        """Consume the directive's new-line; the original offset where the directive ends."""
        self.rest_of_directive()
        end = self.spliced.offset(self.i)
        if self.i < len(self.s):
            self.i += 2 if self.s.startswith("\r\n", self.i) else 1
        self.bol = True
        return end

    def _token(self) -> str:
        s, n, i = self.s, len(self.s), self.i
        char = s[i]
        if char.isdigit() or (char == "." and i + 1 < n and s[i + 1].isdigit()):
            i += 1
            while i < n:
                if s[i] in "eEpP" and i + 1 < n and s[i + 1] in "+-":
                    i += 2
                elif _ident_char(s[i]) or s[i] == ".":
                    i += 1
                elif s[i] == "\\" and i + 1 < n and s[i + 1] in "uU":
                    i += 2
                else:
                    break
            self.i = i
            return "number"
        if _ident_char(char) or (char == "\\" and i + 1 < n and s[i + 1] in "uU"):
            while i < n and (_ident_char(s[i]) or (s[i] == "\\" and i + 1 < n and s[i + 1] in "uU")):
                i += 2 if s[i] == "\\" else 1
            if s[self.i:i] in _PREFIXES and i < n and s[i] in "\"'":
                self.i = i
                return self._literal()
            self.i = i
            return "ident"
        if char in "\"'":
            return self._literal()
        for punctuator in _PUNCTUATORS:
            if s.startswith(punctuator, i):
                self.i = i + len(punctuator)
                return "punct"
        self.i = i + 1
        return "punct" if char in "#[](){}.&*+-~!/%<>^|?:;=,\\" else "other"

    def _literal(self) -> str:
        """A string or character literal from its opening quote; an
        unterminated one ends before the new-line, as in clang."""
        s, n = self.s, len(self.s)
        quote = s[self.i]
        i = self.i + 1
        while i < n and s[i] != quote and s[i] not in _NEWLINES:
            i += 2 if s[i] == "\\" and i + 1 < n and s[i + 1] not in _NEWLINES else 1
        self.i = min(i + 1, n) if i < n and s[i] == quote else i
        return "string" if quote == '"' else "char"

    def header_name(self) -> Optional[Tuple[str, int, int]]:
        """After an include directive's name: a ``<...>`` header-name on this
        line as (name, start, end index in the spliced text), or None."""
        self._skip(stop_at_newline=True)
        s, i = self.s, self.i
        if i >= len(s) or s[i] != "<":
            return None
        j = i + 1
        while j < len(s) and s[j] != ">" and s[j] not in _NEWLINES:
            j += 1
        if j >= len(s) or s[j] != ">":
            return None
        self.i = j + 1
        return s[i + 1:j], i, j


@dataclasses.dataclass
class Scan:
    includes: List[Include]
    hazards: List[Hazard]


# What every finding of scan() starts from, as plain characters: a
# directive's '#' or '%:', or one of the identifiers of _operators.  Only a
# backslash (a line splice, a universal character name) can make those
# tokens from other characters, so a text with none of these has nothing
# to find, and most snippets are spared the lexer.
_MAY_REACH_A_FILE = re.compile(r"[#\\]|%:|_Pragma|__has_")


def scan(text: str) -> Scan:
    """Every include directive and every other file hazard of ``text``."""
    if not _MAY_REACH_A_FILE.search(text):
        return Scan([], [])
    return lex_and_scan(text)


def lex_and_scan(text: str) -> Scan:
    """:func:`scan` without its quick look: every token lexed."""
    lexer = _Lexer(text)
    includes: List[Include] = []
    hazards: List[Hazard] = []
    tokens: List[Token] = []
    while True:
        token = lexer.next()
        if token is None:
            break
        if token.bol and token.text in ("#", "%:"):
            _directive(lexer, token, text, includes, hazards)
            continue
        tokens.append(token)
    _operators(tokens, hazards)
    return Scan(includes, hazards)


def _directive(lexer: _Lexer, hash_token: Token, text: str,
               includes: List[Include], hazards: List[Hazard]) -> None:
    name = lexer.next(in_directive=True)
    if name is None:
        lexer.end_of_directive()
        return
    if name.kind == "ident" and name.text in FILE_DIRECTIVES:
        spliced = lexer.spliced
        header = lexer.header_name()
        rest = lexer.rest_of_directive() if header is None else []
        end = lexer.end_of_directive()
        if header is not None:
            include = Include(name.text, hash_token.start, end, header[0], True,
                              (spliced.offset(header[1]), spliced.offset(header[2])),
                              _one_line(f"#{name.text} <{header[0]}>"))
        elif rest and rest[0].kind == "string" and rest[0].text.startswith('"'):
            literal = rest[0].text
            terminated = len(literal) > 1 and literal.endswith('"')
            include = Include(name.text, hash_token.start, end, literal[1:-1] if terminated else None,
                              False, (rest[0].start, rest[0].end - 1),
                              _one_line(f"#{name.text} {literal}"))
        else:
            operand = " ".join(t.text for t in rest)
            include = Include(name.text, hash_token.start, end, None, False,
                              (rest[0].start, rest[-1].end - 1) if rest else (name.start, name.end - 1),
                              _one_line(f"#{name.text} {operand}".rstrip()))
        includes.append(include)
        return
    body = [name] + lexer.rest_of_directive()
    end = lexer.end_of_directive()
    if name.text == "pragma":
        touched = [t.text for t in body[1:] if t.kind == "ident" and t.text in FILE_PRAGMAS]
        if touched:
            hazards.append(Hazard(hash_token.start, end, _one_line("#" + " ".join(t.text for t in body)),
                                  f"'#pragma ... {touched[0]}' makes the compiler look at other files"))
            return
    # Inside any other directive: the operators below.  In #if and #elif
    # only the operator goes (it becomes 0); a #define goes as a whole.
    if name.text in ("if", "elif"):
        _operators(body[1:], hazards, conditional=True)
    else:
        _operators(body, hazards, directive=(hash_token.start, end))


def _operators(tokens: Sequence[Token], hazards: List[Hazard],
               directive: Optional[Tuple[int, int]] = None, conditional: bool = False) -> None:
    for index, token in enumerate(tokens):
        if token.kind != "ident":
            continue
        if token.text in FILE_IDENTIFIERS:
            start, end = directive or (token.start, _operand_end(tokens, index))
            hazards.append(Hazard(start, end, _one_line(token.text + _operand(tokens, index)),
                                  f"{token.text} tells whether a file exists", zero=conditional))
        elif token.text == "_Pragma":
            operand = _operand(tokens, index)
            pragma = _pragma_string(tokens, index)
            if pragma is None:
                why = "a _Pragma operand that is not a plain string literal cannot be checked"
            else:
                words = re.findall(r"[A-Za-z_]\w*", pragma)
                touched = [w for w in words if w in FILE_PRAGMAS]
                if not touched:
                    continue
                why = f"'_Pragma(\"... {touched[0]}\")' makes the compiler look at other files"
            if directive:
                start, end = directive
            else:
                start, end = token.start, _operand_end(tokens, index)
            hazards.append(Hazard(start, end, _one_line("_Pragma" + operand), why))


def _operand(tokens: Sequence[Token], index: int) -> str:
    """The parenthesised operand after tokens[index], as text (for messages)."""
    depth, parts = 0, []
    for token in tokens[index + 1:]:
        parts.append(token.text)
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
            if depth <= 0:
                break
        if depth == 0:
            break
    return "".join(parts)


def _operand_end(tokens: Sequence[Token], index: int) -> int:
    depth, end = 0, tokens[index].end
    for token in tokens[index + 1:]:
        end = token.end
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        if depth <= 0:
            break
    return end


def _pragma_string(tokens: Sequence[Token], index: int) -> Optional[str]:
    """The destringized operand of ``_Pragma ( "..." )``, None when it is not that."""
    parts = [t for t in tokens[index + 1:index + 4]]
    if len(parts) < 3 or parts[0].text != "(" or parts[2].text != ")":
        return None
    literal = parts[1]
    if literal.kind != "string" or not re.match(r'^(?:L|u8|u|U)?"', literal.text) \
            or not literal.text.endswith('"'):
        return None
    body = literal.text[literal.text.index('"') + 1:-1]
    return body.replace('\\"', '"').replace("\\\\", "\\")


def _one_line(text: str, limit: int = 120) -> str:
    """A spelling fit for a one-line message: white space collapsed, bounded."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decide(include: Include, stub_dirs: Sequence[str]) -> Decision:
    """What to do with one include.  ``stub_dirs`` are resolved directories
    (real paths), searched in order as clang searches ``-I``."""
    if include.directive != "include":
        return Decision(REFUSED, f"#{include.directive} is not used for snippets (only #include of a stub header)")
    if include.name is None:
        return Decision(REFUSED, "a computed include (a macro, or no header name) cannot be checked "
                                 "before the compiler opens it")
    name = include.name
    if os.path.isabs(name) or name.startswith(("/", "~")):
        return Decision(REFUSED, "an absolute path leaves the stub directories")
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return Decision(REFUSED, "'..' leaves the stub directories")
    if not _HEADER_NAME.match(name) or "." in parts or "" in parts:
        return Decision(REFUSED, "a header name with unusual characters is not a stub header")
    for directory in stub_dirs:
        candidate = os.path.join(directory, name)
        if not os.path.isfile(candidate):
            continue
        real = os.path.realpath(candidate)
        if not any(inside(real, d) for d in stub_dirs):
            return Decision(REFUSED, "the header is a symbolic link that leaves the stub directories")
        return Decision(STUB, path=candidate)
    return Decision(UNKNOWN, "no stub directory has this header (system headers are not used)")


def inside(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` or below it (both real paths)."""
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def blank(text: str, spans: Iterable[Tuple[int, int]]) -> str:
    """``text`` with every character in the spans turned into a space,
    new-lines kept, so no line or column moves."""
    chars = list(text)
    for start, end in spans:
        for k in range(start, min(end, len(chars))):
            if chars[k] not in _NEWLINES:
                chars[k] = " "
    return "".join(chars)
