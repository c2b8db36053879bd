"""Step 4 of the pipeline: compile a normalised snippet with libclang.

The snippet is parsed as its own translation unit against the stub headers
(standard includes off, include path = stub directories).  Two pieces of
documentation pseudo-code are handled here because they need the compiler's
view: a snippet of bare statements is wrapped in a function, and locals
that are assigned without a declaration get one, typed from the function
they are assigned from.  Both additions sit where no original token is (an
extra first line; the end of the line of the function's opening brace), so
every diagnostic in original text maps back exactly, and any diagnostic in
added text is the duplicate of one in the original and is dropped.
"""
from __future__ import annotations

import bisect
import ctypes
import dataclasses
import functools
import os
import re
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from . import ppscreen
from .clang import cindex, index
from .extract import CITED_NAME
from .normalise import C_KEYWORDS, DECLARATION_START, ArrowNote, Normalised, code_ranges, kept_pieces
from .names import osa_distance
from .stubs import Api, ApiFunction

# The tag of the opaque types treeapi.py gives the source tree's types the stubs lack.
OPAQUE_PREFIX = "__entrydoc_opaque_"

SNIPPET_FILE = "<entrydoc-snippet>.c"
WRAPPER = "void __entrydoc_snippet(void) {"

_UNDECLARED_CALL = re.compile(r"^call to undeclared (?:library )?function '(\w+)'")
_UNDECLARED_NAME = re.compile(r"^use of undeclared identifier '(\w+)'$")
_ARGUMENTS = re.compile(r"arguments? (?:to function call|provided to function-like macro)|"
                        r"to parameter of|passing .* to parameter")
_TYPE_COMPLAINT = re.compile(r"incompatible|to parameter of|conversion|assigning to|initializing")
_REPORTED_WARNINGS = {"-Wincompatible-pointer-types", "-Wint-conversion", "-Wreturn-type",
                      "-Wint-to-pointer-cast", "-Wpointer-to-int-cast",
                      "-Wincompatible-function-pointer-types", "-Wparentheses",
                      "-Wimplicit-int"}


@dataclasses.dataclass
class Call:
    name: str
    line: int               # 0-based snippet line
    column: int             # 0-based column in the snippet line
    cursor: object
    callee: Optional[ApiFunction]
    placeholder: bool
    arrow: Optional[ArrowNote]
    defined_in_snippet: bool = False
    intended: Optional[ApiFunction] = None   # for a typo: the function it was meant to call
    recovered: bool = False   # clang kept only a recovery expression (bad arguments)

    @property
    def function(self) -> Optional[ApiFunction]:
        """The stub function this call stands for, typo or not."""
        return self.callee or self.intended


@dataclasses.dataclass
class Diagnostic:
    kind: str               # "arguments", "error", "warning"
    line: int
    column: int
    message: str
    callee: Optional[ApiFunction] = None


@dataclasses.dataclass
class Compiled:
    normalised: Normalised
    tu: object
    line_offset: int
    functions: List[object]               # function definitions of the snippet
    calls: List[Call]
    undeclared_calls: Dict[str, List[Tuple[int, int]]]   # name -> positions
    diagnostics: List[Diagnostic]
    declared_locals: Dict[str, str]       # name -> the type given to it
    refused_includes: List[Tuple[int, int, str, str]] = dataclasses.field(default_factory=list)
    # Kept includes of a header the kernel checked does not have (screen()).
    outlived_includes: List[Tuple[int, int, str]] = dataclasses.field(default_factory=list)
    # Outside the model's reach (see compile_snippet): only syntax is judged.
    generic: bool = False
    assumed: List[str] = dataclasses.field(default_factory=list)   # declarations made for unknown names

    @property
    def snippet(self):
        return self.normalised.snippet

    def broken(self, function) -> bool:
        """Whether a function has a compile error other than bad arguments.
        clang then drops whole statements from the AST, so what the path
        checks would say about it is noise on top of the error itself."""
        start = self.where(function.extent.start)
        end = self.where(function.extent.end)
        first = start[0] if start else 0
        last = end[0] if end else len(self.normalised.code_lines)
        return any(d.kind == "error" and first <= d.line <= last for d in self.diagnostics)

    def where(self, location) -> Optional[Tuple[int, int]]:
        """0-based (snippet line, column) of a clang location, None outside the original text."""
        if location.file is None or location.file.name != SNIPPET_FILE:
            return None
        return _to_snippet(self.normalised.code_lines, self.line_offset, location.line, location.column)

    def position(self, location) -> Optional[Tuple[int, int]]:
        """(file line, 1-based file column) of a clang location."""
        where = self.where(location)
        return None if where is None else self.snippet.position(*where)


def _to_snippet(lines: List[str], offset: int, line: int, column: int) -> Optional[Tuple[int, int]]:
    index0 = line - 1 - offset
    if not 0 <= index0 < len(lines):
        return None
    text = lines[index0]
    col0 = len(text.encode("utf-8")[: column - 1].decode("utf-8", errors="ignore"))
    if col0 > len(text):
        return None
    return index0, col0


ASSUMED_FILE = "/<entrydoc-assumed>.h"


def _parse(code: str, api: Api, assumed: Optional[List[str]] = None):
    """Parse a snippet; ``assumed`` declarations (for names the snippet uses
    but nothing declares) come from a header of their own, included first,
    so no line of the snippet moves."""
    ci = cindex()
    _check_clean(code, api)
    tu = _parse_screened(code, api, ci, assumed)
    _check_inclusions(tu, api)
    return tu


def _parse_screened(code: str, api: Api, ci, assumed: Optional[List[str]] = None):
    unsaved = [(SNIPPET_FILE, code)]
    extra: List[str] = ["-ferror-limit=0"]
    if assumed:
        # In memory only (an unsaved file): never a path on disk.
        unsaved.append((ASSUMED_FILE, "\n".join(assumed) + "\n"))
        extra += ["-include", ASSUMED_FILE]
    try:
        return index(snippets=True).parse(SNIPPET_FILE, args=api.snippet_args() + extra, unsaved_files=unsaved,
                             options=ci.TranslationUnit.PARSE_NONE)
    except ci.TranslationUnitLoadError:
        # A precompiled header that no longer loads (its files changed under
        # it): the stubs as text, for the rest of the process.
        from .stubs import forget_precompiled
        forget_precompiled(api)
        try:
            return index(snippets=True).parse(SNIPPET_FILE, args=api.snippet_args(precompiled=False) + extra,
                                 unsaved_files=unsaved,
                                 options=ci.TranslationUnit.PARSE_NONE)
        except ci.TranslationUnitLoadError:
            # libclang caught a crash of its own (e.g. '#pragma clang __debug
            # crash') and made no translation unit: nothing of this snippet
            # could be checked, which ED107 says.
            from .errors import CheckAborted
            raise CheckAborted("the compiler crashed on a snippet of this document") from None


@functools.lru_cache(maxsize=1)
def main_file_test():
    """A fast "is this location in the snippet itself" (libclang's own
    clang_Location_isFromMainFile, which the bindings do not wrap)."""
    ci = cindex()
    function = ci.conf.lib.clang_Location_isFromMainFile
    function.argtypes = [ci.SourceLocation]
    function.restype = ctypes.c_int
    return lambda location: bool(function(location))


def _errors(tu) -> int:
    return sum(1 for d in tu.diagnostics if d.severity >= cindex().Diagnostic.Error
               and not _UNDECLARED_CALL.match(d.spelling))


def _snippet_tops(tu) -> List[object]:
    """The snippet's own top-level declarations (not the stub headers'),
    computed once per translation unit: every check starts from them."""
    tops = getattr(tu, "_entrydoc_tops", None)
    if tops is None:
        in_main_file = main_file_test()
        tops = [c for c in tu.cursor.get_children() if in_main_file(c.location)]
        tu._entrydoc_tops = tops
    return tops


def _definitions(tu) -> List[object]:
    """The snippet's function definitions.  A loop macro with its body at
    file scope (``hlist_nulls_for_each_entry_rcu(obj, node, head, member) {``
    in a fragment of statements) parses as an old-style definition: no
    return type, parameters without types (or arguments no parameter can
    be: ``xbc_node_for_each_array_value(root, "array-option", v, n) {``).
    That is a statement, not a
    definition, so it does not stop the fragment from being wrapped."""
    definitions = getattr(tu, "_entrydoc_definitions", None)
    if definitions is None:
        ci = cindex()
        definitions = [c for c in _snippet_tops(tu) if c.kind == ci.CursorKind.FUNCTION_DECL
                       and c.is_definition() and not _loop_macro_with_body(tu, c)]
        tu._entrydoc_definitions = definitions
    return list(definitions)


def _loop_macro_with_body(tu, cursor) -> bool:
    line = cursor.extent.start.line
    implicit = untyped = False
    for diag in tu.diagnostics:
        if diag.location.line != line or diag.location.file is None \
                or diag.location.file.name != SNIPPET_FILE:
            continue
        if diag.spelling.startswith("type specifier missing") \
                and diag.location.column == cursor.extent.start.column:
            implicit = True
        elif diag.spelling.startswith("parameter '") and "was not declared" in diag.spelling \
                or diag.spelling == "expected identifier":
            untyped = True      # names without types, or a string or number among them
    return implicit and untyped


def screen_includes(lines: List[str], api: Api) -> Tuple[List[str], List[Tuple[int, int, str, str]],
                                                         List[Tuple[int, int, str]]]:
    """Keep a snippet inside the stub directories, deciding on the
    preprocessing tokens clang would see (ppscreen.py), before it runs.

    An include of a stub header is kept, its quotes turned into angle
    brackets so the compiler looks in the stub directories only and never
    next to the (virtual) snippet file.  Every other include, and everything
    else that would make clang look at a file (``__has_include``, a
    ``_Pragma`` or ``#pragma`` ``dependency``), is refused: blanked before
    libclang sees it (lines and columns unchanged), so the file is never
    opened.  Returns the screened lines, (line, column, what, why) for
    each refusal, and (line, column, header) for each kept include of a
    header the kernel checked does not have yet or any more (the stub
    serves every version; see ``Api.lives``), the column that of its name.
    """
    code = "\n".join(lines)
    screened, refused, outlived = screen(code, api)
    return screened.split("\n"), refused, outlived


def screen(code: str, api: Api) -> Tuple[str, List[Tuple[int, int, str, str]], List[Tuple[int, int, str]]]:
    """:func:`screen_includes` on the text itself."""
    found = ppscreen.scan(code)
    chars = list(code)
    spans = []
    refused = []
    outlived = []
    for include in found.includes:
        decision = ppscreen.decide(include, api.include_dirs)
        if decision.kind == ppscreen.STUB:
            if include.quoted:
                first, last = include.operand
                chars[first], chars[last] = "<", ">"
            life = api.lives.get(include.name)
            if life is not None and not life.exists_in(api.version):
                outlived.append((include.operand[0] + 1, include.name))
            continue
        # REFUSED, and UNKNOWN (a header no stub directory has) alike.
        spans.append((include.start, include.end))
        refused.append((include.start, include.spelling, decision.why))
    for hazard in found.hazards:
        spans.append((hazard.start, hazard.end))
        refused.append((hazard.start, hazard.spelling, hazard.why))
    screened = list(ppscreen.blank("".join(chars), spans))
    for hazard in found.hazards:
        if hazard.zero:
            screened[hazard.start] = "0"
    screened = "".join(screened)
    starts = [0] + [i + 1 for i, c in enumerate(code) if c == "\n"]
    def locate(offset):
        line = bisect.bisect_right(starts, offset) - 1
        return line, offset - starts[line]
    located = [(*locate(offset), what, why) for offset, what, why in sorted(refused)]
    return screened, located, [(*locate(offset), header) for offset, header in outlived]


class _Escaped(Exception):
    """Something reached, or tried to reach, a file outside the stubs."""


def _check_clean(code: str, api: Api) -> None:
    """The last look before clang: the exact text it gets must screen clean
    (the pseudo-code rewrites below add text; they must never make a directive)."""
    if screen(code, api)[1]:
        raise _Escaped("a rewrite of the snippet would reach a file outside the stub headers")


def _check_inclusions(tu, api: Api) -> None:
    """After the parse: every file clang entered must be a stub header (or
    the precompiled stubs), and nothing may have been looked for in vain."""
    for inclusion in tu.get_includes():
        name = inclusion.include.name if inclusion.include is not None else ""
        if name == ASSUMED_FILE:
            continue   # the in-memory declarations of assumed names (_assume_unknowns)
        real = os.path.realpath(name)
        if not any(ppscreen.inside(real, d) for d in api.include_dirs) and not _precompiled(api, real):
            raise _Escaped(f"the compiler opened {name}, which is not a stub header")
    for diag in tu.diagnostics:
        if diag.severity >= cindex().Diagnostic.Error and _NOT_FOUND.search(diag.spelling):
            raise _Escaped("the compiler looked for a file outside the stub headers, and its sandbox refused it")


_NOT_FOUND = re.compile(r"file not found|could not find|older than dependency")


def _precompiled(api: Api, real: str) -> bool:
    try:
        from .stubs import _pch_path
        pch = os.path.realpath(_pch_path(api))
    except Exception:
        return False
    return real in (pch, pch[: -len(".pch")] + ".h")


def _fault_injection(code: str) -> None:
    """ENTRYDOC_FAULT=hang:TEXT or crash:TEXT makes compiling a snippet that
    contains TEXT hang or die, as a pathological snippet could make libclang
    do; the tests use it to show the run survives either."""
    fault = os.environ.get("ENTRYDOC_FAULT", "")
    kind, _, needle = fault.partition(":")
    if not needle or needle not in code:
        return
    if kind == "hang":
        import time
        time.sleep(3600)
    elif kind == "crash":
        import signal
        os.kill(os.getpid(), signal.SIGSEGV)


def compile_snippet(normalised: Normalised, api: Api, generic: bool = False) -> Compiled:
    """Compile one snippet.  ``generic``: the snippet is outside the model's
    reach (it calls no modelled function, or its document is not
    entry-style).  Kernel examples then use kernel types, macros and
    variables the stubs do not declare, so the snippet is judged only for
    what stays wrong when every unknown name is assumed to be whatever its
    use needs (:func:`_assume_unknowns`): its syntax."""
    _fault_injection(normalised.code)
    lines = normalised.code_lines
    screened, refused, outlived = screen_includes(lines, api)
    try:
        compiled = _compile(normalised, api, "\n".join(screened), refused, generic)
        compiled.outlived_includes = outlived
        return compiled
    except _Escaped as escaped:
        # Whatever the compiler said may quote the file: drop all of it.
        line, column = refused[0][:2] if refused else (0, 0)
        return Compiled(normalised, _parse("", api), 0, [], [], {}, [], {},
                        refused + [(line, column, "this snippet", str(escaped))])


def _compile(normalised: Normalised, api: Api, code: str, refused, generic: bool = False) -> Compiled:
    lines = normalised.code_lines
    offset = 0
    base = kernel_annotations(api)
    if generic:
        code = _cited_names(_synopsis_semicolons(code)) + _closing_braces(lines)
        code = _defining_macro_heads(code, api)
        base = base + [f"#define {m}(...)" for m in sorted(set(_attribute_macros(code, api)
                                                                 + _declaration_macros(code, api)))] \
            + [f"#define {a}" for a in _annotations_before_declarators(code, api)]
    tu = _parse(code, api, base)
    if not _definitions(tu) and (_errors(tu) or any(
            "type specifier missing" in d.spelling for d in tu.diagnostics)):
        # Bare statements: a fragment of some function, so wrap it in one.
        code = WRAPPER + "\n" + code + "}\n"
        tu, offset = _parse(code, api, base), 1
    elif generic and _definitions(tu):
        # A function, then a few statements using it ("ctx->task =
        # kthread_run(scanner, ...);"): the statements are a fragment too.
        tail = _statement_tail(tu, lines, offset)
        if tail is not None:
            code_lines = code.split("\n")
            code_lines[tail - 1] += " " + TAIL_WRAPPER
            code = "\n".join(code_lines) + "}\n"
            tu = _parse(code, api, base)
    declared: Dict[str, str] = {}
    missing = _assigned_undeclared(tu, lines, offset, generic)
    if missing:
        code, declared = _declare_locals(tu, code, lines, offset, missing, api)
        tu = _parse(code, api, base)
    assumed: List[str] = list(base)
    if generic:
        tu, assumed = _assume_unknowns(tu, code, lines, offset, api, base)
    tu, assumed = _complete_structures(tu, code, api, assumed)
    compiled = Compiled(normalised, tu, offset, _definitions(tu), [], {}, [], declared, refused,
                        generic=generic, assumed=assumed)
    _collect(compiled, api)
    return compiled


# A prototype on a line of its own, as a synopsis gives it: "long
# bpf_map_peek_elem(struct bpf_map *map, void *value)".  Two words at least
# before the name (a type and the name), none of them a statement keyword, and
# a parameter list: never "x = f(a)" or "return f(a)" missing their ';'.
_PROTOTYPE = re.compile(r"^\s*(?:[A-Za-z_]\w*[\s*]+)+([A-Za-z_]\w*)\s*\([^;{}=()]*\)\s*$")
_STATEMENT_WORDS = frozenset(("return", "if", "while", "for", "switch", "sizeof", "else", "do", "case", "goto"))


# A macro in capitals between a declarator and its ';' is an attribute:
# BPF's "} queue SEC(\".maps\");", "int x __section(\".data\");"; after a
# keyword of a statement ("return ARRAY_SIZE(groups);") it is an expression.
_ATTRIBUTE_MACRO = re.compile(r"([A-Za-z_]\w*)\s+([A-Z_][A-Z0-9_]*)\s*\([^()]*\)\s*;\s*$", re.M)


# A kernel annotation ("__" and a name) between a declaration's type and its
# declarator ("static u32 __tcmdata tcmvar;", "static void __tcmlocalfunc
# f(void)", arm/tcm.rst): after a type, not after a keyword that a type's
# own name may follow ("static __u32 x;", "struct __tag x;").
_ANNOTATION_BEFORE_DECLARATOR = re.compile(r"^\s*(?:[A-Za-z_]\w*[\s*]+)*?([A-Za-z_]\w*)[\s*]+(__[a-z]\w*)"
                                           r"[\s*]+[A-Za-z_]\w*\s*[(=;,\[]", re.M)
_BEFORE_A_TYPE = frozenset(("static", "extern", "const", "volatile", "inline", "register", "typedef", "struct",
                            "union", "enum", "return", "sizeof", "case", "goto", "else"))


def _annotations_before_declarators(code: str, api: Api) -> List[str]:
    found = {annotation for before, annotation in _ANNOTATION_BEFORE_DECLARATOR.findall(code)
             if before not in _BEFORE_A_TYPE}
    return sorted(a for a in found if a not in api.functions and a not in api.macros
                  and a not in _KERNEL_ANNOTATION_NAMES)


# ... or one given only a string before a function's type, on its line or
# the line above (BPF's 'SEC("xdp") int prog(struct xdp_md *ctx)', and
# 'SEC("lsm/file_mprotect")' over 'int BPF_PROG(mprotect_audit, ...)').
_SECTION_MACRO = re.compile(r'^\s*([A-Z_][A-Z0-9_]*)\s*\(\s*"[^"]*"\s*\)\s*(.*)$')
_FUNCTION_HEAD = re.compile(r"^\s*(?!(?:return|else|do|case|goto|sizeof)\b)(?:[A-Za-z_]\w*[\s*]+)+[A-Za-z_]\w*\s*\(")


def _attribute_macros(code: str, api: Api) -> List[str]:
    found = {macro for before, macro in _ATTRIBUTE_MACRO.findall(code) if before not in _STATEMENT_WORDS}
    lines = code.split("\n")
    for number, line in enumerate(lines):
        section = _SECTION_MACRO.match(line)
        if section is None:
            continue
        head = section.group(2) or next((l for l in lines[number + 1:] if l.strip()), "")
        if _FUNCTION_HEAD.match(head):
            found.add(section.group(1))
    return sorted(m for m in found if m not in api.functions and m not in api.macros)


# A macro in capitals that defines the function named by its first argument,
# the parameters after it ("int BPF_PROG(mprotect_audit, struct
# vm_area_struct *vma, ...)", tools/lib/bpf/bpf_tracing.h): a type, the
# macro, a lower-case name, then a parameter's type and name.
_DEFINING_MACRO = re.compile(r"^(\s*(?:[A-Za-z_]\w*[\s*]+)+)([A-Z_][A-Z0-9_]*\s*\(\s*)([a-z_]\w*)(\s*,)"
                             r"(?=\s*(?:(?:const|struct|union|enum|unsigned)\s+)*[A-Za-z_]\w*[\s*]+[A-Za-z_])", re.M)


def _defining_macro_heads(code: str, api: Api) -> str:
    """Such a head read as the function it defines, in place ("int
    BPF_PROG(audit, struct file *f)" as "int          audit( struct file
    *f)"): a macro would put the definition in the macro's text, where the
    snippet's own declarations are not looked for."""
    def as_function(match):
        macro = match.group(2).split("(")[0].strip()
        if macro in api.functions or macro in api.macros:
            return match.group(0)
        return match.group(1) + " " * len(match.group(2)) + match.group(3) + "(" + " " * (len(match.group(4)) - 1)
    return _DEFINING_MACRO.sub(as_function, code)


def _synopsis_semicolons(code: str) -> str:
    """A synopsis lists prototypes without their ';' (a snippet of nothing
    but prototypes, on one line or over several, and declarations that have
    their ';'): that is a habit, not a defect, unless another prototype of
    the snippet has its ';'.  The ';' goes right after the
    prototype's last code, before a comment that may follow, so nothing
    else on the line moves."""
    lines = code.split("\n")
    ends = []            # (line, column) after each prototype's last code
    statement, in_comment, terminated = "", False, False
    for number, line in enumerate(lines):
        pieces, in_comment = code_ranges(line, in_comment)
        code_pieces = [(start, end) for start, end, kind in pieces if kind != "comment"]
        text = " ".join(line[start:end] for start, end in code_pieces).strip()
        if not text:
            continue
        statement += " " + text
        if statement.count("(") > statement.count(")"):
            continue     # the parameters go on on the next line
        whole, statement = statement.strip(), ""
        if whole.endswith(";"):
            if _PROTOTYPE.match(whole[:-1]):
                terminated = True
            continue
        if not _PROTOTYPE.match(whole) or set(whole.replace("*", " ").split("(")[0].split()) & _STATEMENT_WORDS:
            return code
        ends.append((number, len(line[:code_pieces[-1][1]].rstrip())))
    if statement or not ends or terminated:
        return code     # a prototype with its ';' beside one without: a slip, not the habit
    for number, column in ends:
        lines[number] = lines[number][:column] + ";" + lines[number][column:]
    return "\n".join(lines)


def _cited_names(code: str) -> str:
    """Two or more lines in a row that cite a name (extract.CITED_NAME),
    none with its ';', list names (staging/static-keys.rst: the calls an
    API deprecates); one alone among statements is a slip.  Each gets its
    ';' at its end."""
    lines = code.split("\n")
    run: List[int] = []
    for number, line in enumerate(lines + [""]):
        if CITED_NAME.match(line):
            run.append(number)
            continue
        if len(run) >= 2:
            for cited in run:
                lines[cited] = lines[cited].rstrip() + ";"
        run = []
    return "\n".join(lines)


# A macro that makes declarations, invoked on a line of its own outside any
# function ("module_init(mychip_init)", "BTF_ID_FLAGS(func, f, KF_ACQUIRE)"):
# a name and its arguments, nothing before them.
_BARE_INVOCATION = re.compile(r"^\s*([A-Za-z_]\w*)\s*\(.*\)\s*$")
# One call standing as a statement, alone on its line ("WARN_ON(x);").
_CALL_STATEMENT = re.compile(r"^\s*[A-Za-z_]\w*\s*\(.*\)\s*;\s*$")
# What makes a snippet file-level code: a function defined with its type
# ("static void __exit mychip_exit(void)"), or a variable only file scope
# has ("static const struct btf_kfunc_id_set set = {", "struct
# sh_machine_vector mv __initmv = {": a section annotation).
_DEFINITION_HEAD = re.compile(r"^\s*(?!(?:return|else|do|case)\b)(?:[A-Za-z_]\w*[\s*]+)+[A-Za-z_]\w*\s*\([^;{}]*\)\s*$"
                              r"|^\s*(?:static|extern|const)\b[^;{}()]*=\s*$|^[^;{}()]*\b__[a-z]\w*\s*=\s*$")


def _declaration_macros(code: str, api: Api) -> List[str]:
    """In file-level code, such an invocation needs no ';' (the kernel's
    BTF_ID_FLAGS() and ALIAS_MV() are made to stand without one, and
    module_init() is written both ways): outside a function no call can
    stand, so the name is a macro that makes declarations the stubs do not
    know, and it is assumed to make none.  One that a "{" follows is a
    definition without its return type, and stays."""
    depth, in_comment, file_level = 0, False, False
    codes: List[Tuple[str, int]] = []   # (code of a line, depth before it)
    for line in code.split("\n"):
        pieces, in_comment = code_ranges(line, in_comment)
        text = kept_pieces(line, pieces, ("code",))
        if not text.strip():
            continue
        if depth == 0 and "{" in text:
            # The head is on this line before its "{", or on the line before.
            head = text[:text.index("{")]
            if not head.strip() and codes and codes[-1][1] == 0:
                head = codes[-1][0]
            file_level = file_level or bool(_DEFINITION_HEAD.match(head.rstrip()))
        codes.append((text, depth))
        depth = max(0, depth + text.count("{") - text.count("}"))
    if not file_level:
        return []
    names = set()
    for index, (text, before) in enumerate(codes):
        match = _BARE_INVOCATION.match(text)
        if before or not match or text.count("(") != text.count(")"):
            continue
        name = match.group(1)
        following = codes[index + 1][0].lstrip() if index + 1 < len(codes) else ""
        if name not in _STATEMENT_WORDS and name not in api.functions and name not in api.macros \
                and not following.startswith("{"):
            names.add(name)
    return sorted(names)


def _closing_braces(lines: List[str]) -> str:
    """An example cut off before its closing braces ("func() { ... p->val =
    func2();" and then prose) is a fragment, not a defect, when its last line
    is not a closing brace: the braces it leaves open, to append.  A last
    line "}" that still leaves one open is a brace missing inside: kept."""
    depth, in_comment = 0, False
    for line in lines:
        pieces, in_comment = code_ranges(line, in_comment)
        for start, end, kind in pieces:
            if kind == "code":
                segment = line[start:end]
                depth += segment.count("{") - segment.count("}")
    last = next((l.strip() for l in reversed(lines) if l.strip()), "")
    if depth <= 0 or last.startswith("}"):
        return ""
    return "}" * depth + "\n"


_UNKNOWN_TYPE = re.compile(r"^unknown type name '(\w+)'$")
# What follows an undeclared name that makes it a type: a declarator
# ("socket_state_t socket;"), or a function's name and its parameters
# ("key_serial_t add_key(const char *type, ...);", a prototype that a
# fragment's wrapper put in a function body; an identifier after an
# identifier is C only when the first is a type).
_DECLARES = re.compile(r"^\s*(?:[*\s]*[A-Za-z_]\w*\s*(?:[;,=)]|\[)|\s[A-Za-z_]\w*\s*\()")
# The kernel's annotations and attribute macros, as they expand for a
# compiler that checks nothing (include/linux/compiler_types.h,
# compiler_attributes.h, init.h, cache.h, linkage.h, interrupt.h,
# spinlock.h, cpu.h, asm-generic/kprobes.h; __cpuidle, a section in v6.1,
# is noinstr in later compiler_types.h and not modelled as such): an example's
# "struct foo __rcu *p" or "static int __init f(void)" is C.
KERNEL_ANNOTATIONS = (
    "#define __rcu", "#define __user", "#define __iomem", "#define __percpu", "#define __force",
    "#define __kernel", "#define __bitwise", "#define __must_check", "#define __init", "#define __exit",
    "#define __initdata", "#define __initconst", "#define __read_mostly", "#define __ro_after_init",
    "#define __cacheline_aligned", "#define ____cacheline_aligned", "#define __cacheline_aligned_in_smp",
    "#define ____cacheline_aligned_in_smp", "#define __always_unused", "#define __maybe_unused",
    "#define __noreturn", "#define __packed", "#define __aligned(x)", "#define __printf(a, b)",
    "#define __acquires(x)", "#define __releases(x)", "#define __must_hold(x)", "#define asmlinkage",
    "#define __visible", "#define __weak", "#define __sched", "#define __cold", "#define __hot",
    "#define __user_data", "#define __counted_by(x)", "#define __free(x)", "#define __cleanup(x)",
    "#define __guarded_by(x)", "#define __safe", "#define __private", "#define __section(x)",
    "#define __used", "#define __nocast", "#define __attribute_const__", "#define __pure",
    "#define __deprecated", "#define __randomize_layout", "#define __no_randomize_layout",
    "#define notrace", "#define __malloc", "#define __scanf(a, b)", "#define noinline",
    "#define noinline_for_stack", "#define __noclone", "#define __flatten", "#define __naked",
    "#define __cpuidle", "#define __latent_entropy", "#define __nocfi", "#define __noendbr",
    "#define __no_kcsan", "#define __no_sanitize_address", "#define __inline_maybe_unused",
    "#define __ref", "#define __refdata", "#define __refconst", "#define __meminit", "#define __meminitdata",
    "#define __kprobes", "#define nokprobe_inline inline", "#define __irq_entry", "#define __softirq_entry",
    "#define __lockfunc",
)
# Each one's name ("__aligned" of "#define __aligned(x)"), in the same order.
_KERNEL_ANNOTATION_NAMES = tuple(d.split()[1].split("(")[0] for d in KERNEL_ANNOTATIONS)
_MISSING_SEMI = "expected ';' after expression"
_DECLARATOR_ENDS = ("expected ';' after top level declarator", "expected ';' at end of declaration")
_ANNOTATION_AFTER_DECLARATOR = re.compile(r"\s*(__[a-z]\w*)\s*(?:[=;{,\[]|$)")
_PSEUDO_STEP = re.compile(r"^\s*([A-Za-z_]\w*)\s*$")
_ROUNDS = 6


TAIL_WRAPPER = "void __entrydoc_tail(void) {"


def _statement_tail(tu, lines: List[str], offset: int) -> Optional[int]:
    """The 0-based snippet line where statements start at file scope after a
    function definition, if that line is not the first: the wrapper opens at
    the end of the line before.  clang says "expected identifier or '('" at
    an assignment there; a call whose arguments are expressions it takes for
    a declarator and errors inside it (a litmus test's closing
    ``WARN_ON(r1 == 0 && r2 == 0);``, ``MODULE_INFO(test, "Y");``,
    ``set_chip(girq, &chip);`` among statements), so an error on a line
    that is one call statement counts too.  Inside the wrapper the line is
    still C: an error that stays there is reported."""
    last_definition_end = max((d.extent.end.line for d in _definitions(tu)), default=0)
    for diag in tu.diagnostics:
        if diag.severity < cindex().Diagnostic.Error or diag.location.file is None \
                or diag.location.file.name != SNIPPET_FILE or diag.location.line <= last_definition_end:
            continue
        where = _to_snippet(lines, offset, diag.location.line, diag.location.column)
        if where is None or where[0] == 0:
            continue
        if diag.spelling == "expected identifier or '('" or _CALL_STATEMENT.match(lines[where[0]]):
            return where[0]
    return None


@functools.lru_cache(maxsize=8)
def _annotations_for(macros: Tuple[str, ...]) -> Tuple[str, ...]:
    known = set(macros)
    return tuple(d for d, name in zip(KERNEL_ANNOTATIONS, _KERNEL_ANNOTATION_NAMES) if name not in known)


def kernel_annotations(api: Api) -> List[str]:
    """KERNEL_ANNOTATIONS the stubs do not define themselves."""
    return list(_annotations_for(tuple(sorted(api.macros))))


def _assumed_type(name: str) -> str:
    """An unknown type name, assumed: a typedef of an opaque struct."""
    return f"typedef struct __entrydoc_t_{name} {name};"


def _assume_unknowns(tu, code: str, lines: List[str], offset: int, api: Api, base: List[str]):
    """Declare what the snippet uses and nothing declares, as its use needs,
    and parse again, until nothing new is learnt:

    * an unknown type name becomes a typedef of an opaque struct
      (``seqcount_t``);
    * an undeclared identifier becomes a variable of an opaque struct type
      (``head``, ``jiffies``): it parses wherever a variable can stand;
    * ``name(...)`` followed by a statement or a block, where a ``;`` was
      expected, is a loop or condition macro (``for_each_process(p) {``,
      ``list_for_each_entry(pos, head, member)``): ``name(...)`` becomes
      ``for (;;)``;
    * ``name(...)`` given a type as an argument (``container_of(p, struct
      foo, list)``, ``DEFINE_PER_CPU(int, x)`` in an expression) is a macro
      that yields a value.

    clang drops the rest of a statement after an undeclared identifier, so a
    syntax error after one (a missing ';' after ``p = foo(gp)``) only shows
    once the name is declared.  Whatever clang still says about syntax is a
    defect in every reading of the unknown names."""
    assumed: List[str] = list(base)
    for _ in range(_ROUNDS):
        new = []
        calls = {}
        for diag in tu.diagnostics:
            if diag.location.file is None or diag.location.file.name != SNIPPET_FILE:
                continue
            where = _to_snippet(lines, offset, diag.location.line, diag.location.column)
            spelling = diag.spelling
            match = _UNKNOWN_TYPE.match(spelling) or _UNDECLARED_NAME.match(spelling)
            if match and _annotates_declaration(lines, where, match.group(1)):
                # "LIBBPF_API int bpf_prog_get_fd_by_id(__u32 id);": a name
                # before a declaration's type is an annotation macro.
                new.append(f"#define {match.group(1)}")
                continue
            match = _UNKNOWN_TYPE.match(spelling)
            if match:
                new.append(_assumed_type(match.group(1)))
                continue
            match = _UNDECLARED_NAME.match(spelling)
            if match:
                name = match.group(1)
                rest = lines[where[0]][where[1] + len(name):] if where else ""
                if where and _in_cast(lines[where[0]], where[1], name):
                    # A name in parentheses before an operand is a type in
                    # a cast ("return (u_int8_t)b;"), one that numbers and
                    # pointers convert to: an opaque structure would make
                    # clang stop at the cast and miss a ';' after it.
                    new.append(f"typedef long {name};")
                elif _DECLARES.match(rest):
                    # A name followed by a declarator is a type.
                    new.append(_assumed_type(name))
                else:
                    new.append(_assumed_variable(name, code))
                continue
            match = _UNDECLARED_CALL.match(spelling)
            if match:
                if where and not lines[where[0]][:where[1]].strip() \
                        and _function_pointer_returns(lines[where[0]], where[1]):
                    # "ssize_t (*show)(struct device *dev, ...);" starting a
                    # line, which clang takes for a call of ssize_t.
                    new.append(_assumed_type(match.group(1)))
                    continue
                calls.setdefault(match.group(1), []).append(where)
                continue
            if where is None:
                continue
            if spelling == _MISSING_SEMI:
                macro = _loop_macro(lines, where, calls)
                if macro:
                    new.append(f"#define {macro}(...) for (;;)")
                step = _PSEUDO_STEP.match(lines[where[0]])
                if step and step.group(1) not in C_KEYWORDS:
                    # "add_element" alone on a line: a step in words, a
                    # macro standing for a statement.
                    new.append(f"#define {step.group(1)}")
            elif spelling in _DECLARATOR_ENDS:
                annotation = _ANNOTATION_AFTER_DECLARATOR.match(lines[where[0]], where[1])
                if annotation:
                    # "struct sh_machine_vector mv_vapor __initmv = {": a
                    # kernel annotation ("__" and a name) after a declarator.
                    new.append(f"#define {annotation.group(1)}")
            elif spelling == "expected expression":
                macro = _enclosing_call(lines[where[0]], where[1])
                if macro and macro[0] in calls:
                    new.append(f"#define {macro[0]}(...) 0")
                expanded = re.match(r"([A-Za-z_]\w*)\s*\(", lines[where[0]][where[1]:])
                if expanded:
                    # The snippet's own macro calls one given a type
                    # ("#define to_foo(p) container_of(p, struct foo, hw)"),
                    # and clang reports the error where it is expanded.
                    new += [f"#define {name}(...) 0" for name in _called_by_macro(lines, expanded.group(1))
                            if name in calls]
            elif spelling == "expected ')'":
                # 'printk(KERN_INFO "wee!\\n")': a name right before a string
                # literal is a macro that is a string.
                prefix = _STRING_MACRO.search(lines[where[0]][:where[1]])
                if prefix and lines[where[0]][where[1]:].startswith('"'):
                    new.append(f'#define {prefix.group(1)} ""')
                else:
                    # 'printk(KERN_ERR PFX "full\\n")': between a string (or
                    # a string's macro) and a string, the driver's own
                    # prefix macro.
                    prefix = _STRING_MACRO_HERE.match(lines[where[0]], where[1])
                    before = lines[where[0]][:where[1]].rstrip()
                    if prefix and (before.endswith('"') or _STRING_MACRO.search(before + " ")):
                        new.append(f'#define {prefix.group(1)} ""')
            elif spelling in ("expected parameter declarator", "type name requires a specifier or qualifier"):
                # 'MODULE_LICENSE("GPL");', 'EXPORT_SYMBOL_GPL(foo);' at file
                # scope, '__uint(type, BPF_MAP_TYPE_QUEUE);' in a structure: a
                # whole line that calls a name is a declaration macro.
                statement = _DECLARATION_MACRO.match(_invocation_at(lines, where[0]))
                returned = _function_pointer_returns(lines[where[0]], where[1])
                if returned:
                    # "umode_t (*is_visible)(...);" in a structure.
                    new.append(_assumed_type(returned))
                elif statement:
                    new.append(f"#define {statement.group(1)}(...)")
        new = [d for d in dict.fromkeys(new) if d not in assumed]
        if not new:
            break
        assumed += new
        tu = _parse(code, api, assumed)
    return tu, assumed


# A member read of a structure nothing defines, or a variable of one.
_INCOMPLETE = re.compile(r"^(?:incomplete definition of type|variable has incomplete type) '(struct|union) (\w+)'$")
# A member missing from a structure assumed in an earlier round.
_NO_MEMBER = re.compile(r"^no member named '\w+' in '(struct|union) (\w+)'$")
# A member read (from its '->' or '.', or from its name) and what follows it.
_MEMBER_READ = r"\s*(?:->|\.)?\s*([A-Za-z_]\w*)\s*(->|\.|\(|\[)?"
ASSUMED_TAG = "__entrydoc_m_"


def _complete_structures(tu, code: str, api: Api, assumed: List[str]):
    """Define the structures pseudo-code uses and nothing defines, with the
    members the snippet reads, and parse again until nothing new is learnt.

    ``struct foo *p = arg; if (p->ready) ...`` with ``struct foo`` defined
    in another snippet of the document, or nowhere (kernel examples rarely
    show a structure): clang calls each member read an error and drops the
    expression around it, with the calls in it (a condition, an argument),
    so the snippet's paths would be checked without them.  A member read
    through (``p->next->x``) points to another assumed structure, one read
    into (``p->lock.owner``) is a structure of the members read, one called
    is a function pointer, one indexed a pointer, any other a ``long``;
    what the compiler says about converting a member's value is not judged
    (_collect).  A structure the snippet defines itself is never assumed."""
    code_lines = code.split("\n")
    members: Dict[Tuple[str, str], Dict[str, str]] = {}
    for _ in range(_ROUNDS):
        learnt = False
        for diag in tu.diagnostics:
            if diag.location.file is None or diag.location.file.name != SNIPPET_FILE:
                continue
            incomplete = _INCOMPLETE.match(diag.spelling)
            missing = _NO_MEMBER.match(diag.spelling)
            if incomplete:
                key = (incomplete.group(1), incomplete.group(2))
                if re.search(rf"\b{key[0]}\s+{key[1]}\s*{{", code):
                    continue
            elif missing and (missing.group(1), missing.group(2)) in members:
                key = (missing.group(1), missing.group(2))
            else:
                continue
            known = members.setdefault(key, {})
            for name, after in _members_read(code_lines, diag.location.line, diag.location.column,
                                              diag.spelling.startswith("variable")):
                if name not in known:
                    known[name], learnt = _member_declaration(key[1], name, after, code), True
        if not learnt:
            break
        tu = _parse(code, api, assumed + _structure_definitions(members))
    return tu, assumed + _structure_definitions(members)


def _structure_definitions(members: Dict[Tuple[str, str], Dict[str, str]]) -> List[str]:
    return [f"{kind} {tag} {{ {' '.join(fields.values())} }};" for (kind, tag), fields in members.items() if fields]


def _members_read(code_lines: List[str], line: int, column: int, variable: bool) -> List[Tuple[str, str]]:
    """(member, what follows it) read at a diagnostic's spot, or, for a
    variable declared there, every member read of it."""
    if not 0 < line <= len(code_lines):
        return []
    text = code_lines[line - 1].encode("utf-8")[column - 1:].decode("utf-8", errors="ignore")
    if not variable:
        read = re.match(_MEMBER_READ, text)
        return [(read.group(1), read.group(2) or "")] if read else []
    name = re.match(r"[A-Za-z_]\w*", text)
    if name is None:
        return []
    reads = re.finditer(rf"\b{re.escape(name.group(0))}\s*(?=->|\.){_MEMBER_READ}", "\n".join(code_lines))
    return [(read.group(1), read.group(2) or "") for read in reads]


def _member_declaration(tag: str, name: str, after: str, code: str) -> str:
    if after == "->":
        return f"struct {ASSUMED_TAG}{tag}_{name} *{name};"
    if after == ".":
        inner = sorted(set(re.findall(rf"(?:->|\.)\s*{re.escape(name)}\s*\.\s*([A-Za-z_]\w*)", code)))
        return f"struct {{ {' '.join(f'long {m};' for m in inner)} }} {name};"
    if after == "(":
        return f"long (*{name})();"
    if after == "[":
        return f"long *{name};"
    return f"long {name};"


def _assumed_variable(name: str, code: str) -> str:
    """An undeclared variable, of the type its uses need: a pointer to a
    structure with the members it is given ("p->next", "s.count"), an array
    ("table[k]"), else an opaque structure.  A use the type does not allow
    would be a semantic error, and clang drops the rest of a statement after
    one: a ';' missing after it would go unseen."""
    uses = re.findall(rf"\b{re.escape(name)}\s*(->|\.|\[)\s*(\w*)", code)
    members = sorted({m for op, m in uses if op != "[" and m})
    body = "{ " + " ".join(f"long {m};" for m in members) + " }" if members else ""
    tag = f"struct __entrydoc_s_{name} {body}"
    if any(op == "->" for op, _ in uses) and members:
        return f"extern {tag} *{name};"
    if any(op == "." for op, _ in uses) and members:
        return f"extern {tag} {name};"
    if any(op == "[" for op, _ in uses):
        return f"extern long {name}[];"
    return f"extern struct __entrydoc_any {name};"


def _loop_macro(lines: List[str], where: Tuple[int, int], calls) -> Optional[str]:
    """The undeclared ``name`` when the text before a missing ';' is a call
    ``name(...)`` that starts its statement, and what follows opens a block
    or a statement: a loop macro, not a forgotten ';'.  A forgotten ';' is
    followed by the next statement, which starts on a line of its own and
    is no block."""
    index0, col0 = where
    before = lines[index0][:col0].rstrip()
    match = re.search(r"(?:^|[;{}]|\belse)\s*([A-Za-z_]\w*)\s*\(.*\)$", before)
    if not match or match.group(1) not in calls:
        return None
    rest = lines[index0][col0:].strip()
    if rest.startswith("{"):
        return match.group(1)
    following = next((l.strip() for l in lines[index0 + 1:] if l.strip()), "")
    if rest == "" and following.startswith("{"):
        return match.group(1)
    # An indented body on the next line (list_for_each_entry(...)\n\tdo(p);).
    if rest == "" and following and index0 + 1 < len(lines):
        this_indent = len(lines[index0]) - len(lines[index0].lstrip())
        nxt = next(l for l in lines[index0 + 1:] if l.strip())
        if len(nxt) - len(nxt.lstrip()) > this_indent:
            return match.group(1)
    return None


# What can only follow an annotation, not a type or a variable, at the start
# of a declaration: a type keyword ("LIBBPF_API int", "EXPORTED struct").
_TYPE_KEYWORD_FOLLOWS = re.compile(r"\s+" + DECLARATION_START)


def _annotates_declaration(lines: List[str], where: Optional[Tuple[int, int]], name: str) -> bool:
    """Whether ``name`` starts its line and a type keyword follows it."""
    if where is None:
        return False
    line = lines[where[0]]
    return not line[:where[1]].strip() and line[where[1]:].startswith(name) \
        and bool(_TYPE_KEYWORD_FOLLOWS.match(line, where[1] + len(name)))


_CALL_LINES = 4     # the lines one invocation may take


def _invocation_at(lines: List[str], index: int) -> str:
    """Line ``index``, and the lines after it that its parentheses run on
    to ('__diag_ignore_all("-Wmissing-prototypes",' and then the reason),
    as one line."""
    text, in_comment = "", False
    for line in lines[index:index + _CALL_LINES]:
        pieces, in_comment = code_ranges(line, in_comment)
        text += " " + kept_pieces(line, pieces, ("code",)).strip()
        if text.count("(") <= text.count(")"):
            break
    return text


def _function_pointer_returns(line: str, col0: int) -> Optional[str]:
    """The name a function pointer declared at ``col0`` returns
    ("umode_t (*is_visible)(...)"): a type, whatever clang took it for."""
    pointer = _FUNCTION_POINTER_TYPE.match(line, col0)
    return pointer.group(1) if pointer and pointer.group(1) not in C_KEYWORDS else None


def _called_by_macro(lines: List[str], macro: str) -> List[str]:
    """The names a function-like macro the snippet defines calls."""
    definition = re.compile(r"^\s*#\s*define\s+" + re.escape(macro) + r"\(([^)]*)\)(.*)$")
    for line in lines:
        match = definition.match(line)
        if match:
            return re.findall(r"\b([A-Za-z_]\w*)\s*\(", match.group(2))
    return []


def _enclosing_call(line: str, col0: int) -> Optional[Tuple[str, int]]:
    return _argument_of(line, col0)


def _assigned_undeclared(tu, lines: List[str], offset: int, generic: bool = False) -> Dict[str, Tuple[int, int]]:
    """Pseudo-code locals: identifiers used undeclared as the target of a
    plain assignment, or passed as an argument (a parameter or local of the
    code the snippet elides).  A name a typo away from a variable the
    snippet declares is not one of them: that is a misspelt variable.
    Outside the model, a name that is subscripted or has members is left to
    _assume_unknowns, which types it by those uses."""
    found: Dict[str, Tuple[int, int]] = {}
    variables = declared_variables(tu)
    for diag in tu.diagnostics:
        match = _UNDECLARED_NAME.match(diag.spelling)
        if not match or diag.location.file is None or diag.location.file.name != SNIPPET_FILE:
            continue
        where = _to_snippet(lines, offset, diag.location.line, diag.location.column)
        if where is None:
            continue
        name = match.group(1)
        rest = lines[where[0]][where[1]:]
        if name in found or _close_variable(name, variables):
            continue
        if generic and re.search(rf"\b{re.escape(name)}\s*(?:->|\.\s*[A-Za-z_]|\[)", "\n".join(lines)):
            continue
        if re.match(re.escape(name) + r'\s*"', rest):
            continue     # 'printk(KERN_ERR "...")': a string macro, which _assume_unknowns defines
        if generic and _in_cast(lines[where[0]], where[1], name):
            continue     # "(u_int8_t)b": a type in a cast, which _assume_unknowns declares
        if re.match(re.escape(name) + r"\s*=(?!=)", rest) or _argument_of(lines[where[0]], where[1]):
            found[name] = (diag.location.line, diag.location.column)
    return found


def _close_variable(name: str, variables: List[str]) -> List[str]:
    """Variables one edit from ``name``.  Locals are short (state, regs), so
    unlike function names one edit counts from four letters on."""
    if len(name) < 4:
        return []
    return [v for v in variables if v != name and osa_distance(name, v, 1) <= 1]


def declared_variables(tu) -> List[str]:
    """Names of the variables and parameters the snippet declares."""
    ci = cindex()
    kinds = (ci.CursorKind.VAR_DECL, ci.CursorKind.PARM_DECL)
    return sorted({c.spelling for c, _ in _walk_snippet(tu) if c.kind in kinds and c.spelling})


def _argument_of(line: str, col0: int) -> Optional[Tuple[str, int]]:
    """(function, argument index) when column ``col0`` of ``line`` is an argument of a call."""
    depth, commas = 0, 0
    for position in range(col0 - 1, -1, -1):
        char = line[position]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                match = re.search(r"([A-Za-z_]\w*)\s*$", line[:position])
                return (match.group(1), commas) if match else None
            depth -= 1
        elif char == "," and depth == 0:
            commas += 1
    return None


def _declare_locals(tu, code: str, lines: List[str], offset: int,
                    missing: Dict[str, Tuple[int, int]], api: Api):
    """Give each undeclared local a declaration at the top of its function,
    typed by the function whose result it is assigned (``long`` otherwise)."""
    ci = cindex()
    code_lines = code.split("\n")
    declared: Dict[str, str] = {}
    additions: Dict[int, List[str]] = {}
    bodies = []
    for function in _definitions(tu):
        for child in function.get_children():
            if child.kind == ci.CursorKind.COMPOUND_STMT:
                bodies.append(child.extent)
    for name, (line, column) in missing.items():
        body = next((e for e in bodies if e.start.line <= line <= e.end.line), None)
        if body is None:
            continue
        text = lines[line - 1 - offset]
        col0 = _to_snippet(lines, offset, line, column)[1]
        rhs = re.match(re.escape(name) + r"\s*=\s*([A-Za-z_]\w*)\s*\(", text[col0:])
        argument = _argument_of(text, col0)
        ctype = ""
        if rhs and rhs.group(1) in api.functions and api.functions[rhs.group(1)].result != "void":
            ctype = api.functions[rhs.group(1)].result
        elif argument and argument[0] in api.functions and argument[1] < len(api.functions[argument[0]].params):
            ctype = api.functions[argument[0]].params[argument[1]][0]
        declared[name] = ctype
        ctype = ctype or "long"
        additions.setdefault(body.start.line - 1, []).append(f" {ctype} {name};")
    for index0, decls in additions.items():
        code_lines[index0] += "".join(decls)
    return "\n".join(code_lines), declared


def _collect(compiled: Compiled, api: Api) -> None:
    ci = cindex()
    tu = compiled.tu
    arrows = compiled.normalised.arrows
    defined = {f.spelling for f in compiled.functions}
    untyped = {n for n, t in compiled.declared_locals.items() if not t}
    for diag in tu.diagnostics:
        where = compiled.where(diag.location)
        if where is None:
            continue
        match = _UNDECLARED_CALL.match(diag.spelling)
        if match:
            compiled.undeclared_calls.setdefault(match.group(1), []).append(where)
            continue
    placeholders = set(compiled.undeclared_calls) - defined
    placeholder_extents = []
    untyped_refs = []
    assumes_members = any("{" in declaration for declaration in compiled.assumed)
    for cursor, parent in _walk_snippet(tu):
        if cursor.location.file is None or cursor.location.file.name != SNIPPET_FILE:
            continue
        recovered = _recovered_call(cursor, parent, ci)
        if (cursor.kind == ci.CursorKind.CALL_EXPR and cursor.spelling) or recovered:
            where = compiled.where(cursor.location)
            if where is None:
                continue
            name = recovered or cursor.spelling
            callee = api.functions.get(name) if name not in defined else None
            call = Call(name=name, line=where[0], column=where[1], cursor=cursor, callee=callee,
                        placeholder=name in placeholders, arrow=arrows.get(where[0]),
                        defined_in_snippet=name in defined, recovered=bool(recovered))
            compiled.calls.append(call)
            if call.placeholder:
                placeholder_extents.append(cursor.extent)
        elif cursor.kind == ci.CursorKind.DECL_REF_EXPR and cursor.spelling in untyped:
            untyped_refs.append(cursor.extent)
        elif cursor.kind == ci.CursorKind.MEMBER_REF_EXPR and assumes_members and _of_assumed_structure(cursor):
            untyped_refs.append(cursor.extent)   # a member _complete_structures typed by a guess
    for diag in tu.diagnostics:
        where = compiled.where(diag.location)
        if where is None or _UNDECLARED_CALL.match(diag.spelling):
            continue
        if diag.severity < ci.Diagnostic.Warning:
            continue
        syntax = diag.severity >= ci.Diagnostic.Error and diag.category_name == "Parse Issue"
        if compiled.generic:
            # Outside the model, only syntax is judged, and only the first
            # error: clang's recovery after a syntax error guesses.  A block
            # with shell or Perl in it ("$var", "# comment") is no C example.
            if not syntax or any(d.kind == "error" for d in compiled.diagnostics) \
                    or _foreign(compiled.normalised.code_lines):
                continue
        # A placeholder's type is unknown (it may be a macro): what the
        # compiler says about using its result says nothing about the
        # document.  What it says about syntax does (a ';' missing after it).
        elif not syntax and _touches(diag, placeholder_extents):
            continue
        if _TYPE_COMPLAINT.search(diag.spelling) and _touches(diag, untyped_refs):
            continue
        # A type of the source tree the stubs do not know (treeapi.py): it
        # is opaque here, so nothing said about converting to it can be judged.
        if OPAQUE_PREFIX in diag.spelling:
            continue
        callee = _callee_at(compiled, diag.location)
        message = diag.spelling
        undeclared = _UNDECLARED_NAME.match(message)
        if undeclared:
            close = _close_variable(undeclared.group(1), declared_variables(tu))
            if close:
                message += f"; did you mean '{close[0]}'?"
        if diag.severity >= ci.Diagnostic.Error:
            kind = "arguments" if _ARGUMENTS.search(diag.spelling) else "error"
        elif diag.option in _REPORTED_WARNINGS:
            kind = "arguments" if _ARGUMENTS.search(diag.spelling) and callee else "warning"
        else:
            continue
        line0, col0 = where
        if kind == "arguments" and callee is not None and "arguments" in diag.spelling:
            # Wrong argument count: the offending token is the call itself.
            line0, col0 = callee[1], callee[2]
        compiled.diagnostics.append(Diagnostic(kind, line0, col0, message,
                                               callee[0] if callee else None))
    _drop_macro_follow_ons(compiled)


def _of_assumed_structure(member_ref) -> bool:
    field = member_ref.referenced
    return field is not None and field.location.file is not None and field.location.file.name == ASSUMED_FILE


def _drop_macro_follow_ons(compiled) -> None:
    """A function-like macro given the wrong number of arguments
    (``++nmi_count(cpu)`` where the kernel has ``nmi_count()``) is not
    expanded, so clang also calls its name an undeclared identifier: one
    defect, said twice.  Only the argument finding stays."""
    macro_lines = {d.line for d in compiled.diagnostics
                   if d.kind == "arguments" and "function-like macro" in d.message}
    if macro_lines:
        compiled.diagnostics = [d for d in compiled.diagnostics
                                if not (d.line in macro_lines and _UNDECLARED_NAME.match(d.message.split(";")[0]))]


_NOT_PREPROCESSOR = re.compile(r"^\s*#(?!\s*(?:include|define|undef|if|ifdef|ifndef|elif|else|endif|error|"
                               r"warning|pragma|line)\b)")
_SHELL_VARIABLE = re.compile(r"\$[A-Za-z_{(]")
_STRING_MACRO = re.compile(r"\b([A-Z_][A-Z0-9_]*)\s+$")
_CAST_AFTER = re.compile(r"\s*\)\s*[A-Za-z_0-9(]")


def _in_cast(line: str, col0: int, name: str) -> bool:
    """Whether ``name`` at ``col0`` stands alone in parentheses before an
    operand, as a type in a cast does ("(u_int8_t)b", "(uintptr_t)(u64)p")."""
    return line[:col0].rstrip().endswith("(") and _CAST_AFTER.match(line, col0 + len(name)) is not None


_STRING_MACRO_HERE = re.compile(r"([A-Z_][A-Z0-9_]*)\s*(?=\")")
_FUNCTION_POINTER_TYPE = re.compile(r"([A-Za-z_]\w*)\s*\(\s*\*\s*[A-Za-z_]\w*\s*\)\s*\(")
_DECLARATION_MACRO = re.compile(r"^\s*([A-Za-z_]\w*)\s*\(.*\)\s*;\s*$")
# A unified diff's hunk header: the block is a patch, not C.
_HUNK_HEADER = re.compile(r"^\s*@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
# The function graph tracer's output: a CPU column, perhaps a duration, a '|'
# (" 0)   0.646 us    |    }", " 3)               |  schedule() {").
_TRACE_OUTPUT = re.compile(r"^\s*\d+\)\s[^|]*\|")
# A line of a patch shown without its hunk header: '+' or '-', then the
# tab that indents kernel code ("+\tif (PCI_FUNC(pdev->devfn) == 0)"),
# as docutils expands it (to the next multiple of eight columns).
_PATCH_LINE = re.compile(r"^[+-](?:\t| {7}(?=\S))")
# ... or to wherever the block's other lines start their code, when the
# block is indented less than the code ("+     if (...)" among lines
# indented by six, staging/static-keys.rst): a continued expression's
# "+ b" stands deeper than the line it continues.
_MARKED_LINE = re.compile(r"^[+-][ \t]+(?=\S)")


def _patch_lines(lines: List[str]) -> bool:
    expanded = [line.expandtabs(8) for line in lines]
    marks = {line[0] if _MARKED_LINE.match(line) else "" for line in expanded if line.strip()}
    if marks == {"+", "-"}:
        return True     # nothing but lines taken out and put in (filesystems/seq_file.rst)
    indents = {len(line) - len(line.lstrip()) for line in expanded if line.strip() and line[0] not in "+-"}
    for line in expanded:
        marked = _MARKED_LINE.match(line)
        if marked and marked.end() in indents:
            return True
    return False


# A grammar ("target_attributes := <target_name> ..."): C has no ':='.
_GRAMMAR = re.compile(r"\s:=\s")
# ACPI Source Language: an object opened with an ACPI name, a path or no
# argument ("Device (I2C0)", "Scope (\\_SB.PCI0)", "Name (_HID, ...)",
# "Package ()"), as firmware-guide/acpi/ draws its tables.
_ACPI_SOURCE = re.compile(r"^\s*(?:DefinitionBlock|Device|Scope|Method|Name|Package|ThermalZone|Processor|"
                          r"PowerResource|OperationRegion|Field)\s*\(\s*(?:[\\^]|[A-Z_][A-Z0-9_]{0,3}\b|\))")


def acpi_source(lines: List[str]) -> bool:
    """Whether ``lines`` are ACPI Source Language, where a leading '\\' is
    the root of the namespace ("\\_SB.PCI0"), no escape."""
    return any(_ACPI_SOURCE.match(line) for line in lines)


def _foreign(lines: List[str]) -> bool:
    """Shell, Perl or Makefile text, a patch, a grammar, ACPI source or a
    tracer's output: '$name', a hunk header or a patch line, ':=', an ACPI
    object, a function graph line, or '#' lines that are no preprocessor
    directive (in the code as normalised: comments and strings are still
    there, so only lines where they cannot hide it count)."""
    for line in lines:
        if _NOT_PREPROCESSOR.match(line) or _HUNK_HEADER.match(line) or _TRACE_OUTPUT.match(line) \
                or _PATCH_LINE.match(line) or acpi_source([line]):
            return True
        code = re.sub(r'"(?:\\.|[^"\\])*"|/\*.*?\*/|//.*$', "", line)
        if _SHELL_VARIABLE.search(code) or _GRAMMAR.search(code):
            return True
    return _patch_lines(lines)


def _walk_snippet(tu) -> List[Tuple[object, object]]:
    """Every cursor of the snippet's own declarations, with its parent
    (the stub headers' declarations are not walked), listed once per
    translation unit: each child costs a call back from libclang."""
    walked = getattr(tu, "_entrydoc_walk", None)
    if walked is None:
        walked = [pair for top in _snippet_tops(tu) for pair in _walk(top, tu.cursor)]
        tu._entrydoc_walk = walked
    return walked


def _walk(cursor, parent):
    """Depth first, children in order, with an explicit stack: an
    expression a thousand terms deep must not exhaust Python's recursion."""
    stack = [(cursor, parent)]
    while stack:
        cursor, parent = stack.pop()
        yield cursor, parent
        stack.extend((child, cursor) for child in reversed(list(cursor.get_children())))


def _recovered_call(cursor, parent, ci) -> Optional[str]:
    """The callee's name when clang kept a call with bad arguments only as a
    recovery expression (an unexposed expression: callee reference, arguments)."""
    if cursor.kind != ci.CursorKind.UNEXPOSED_EXPR or parent is None \
            or parent.kind == ci.CursorKind.CALL_EXPR:
        return None
    children = list(cursor.get_children())
    if not children or children[0].kind != ci.CursorKind.DECL_REF_EXPR:
        return None
    referenced = children[0].referenced
    if referenced is None or referenced.kind != ci.CursorKind.FUNCTION_DECL:
        return None
    tokens = [t.spelling for t in cursor.get_tokens()]
    if len(tokens) < 2 or tokens[0] != children[0].spelling or tokens[1] != "(":
        return None
    return children[0].spelling


def _touches(diag, extents) -> bool:
    spots = [(diag.location.line, diag.location.column)]
    for r in diag.ranges:
        if r.start.file is not None and r.start.file.name == SNIPPET_FILE:
            spots += [(r.start.line, r.start.column), (r.end.line, r.end.column)]
    for extent in extents:
        start = (extent.start.line, extent.start.column)
        end = (extent.end.line, extent.end.column)
        if any(start <= spot <= end for spot in spots):
            return True
    return False


def _callee_at(compiled: Compiled, location):
    """The innermost call to a stub function whose extent holds ``location``."""
    best = None
    spot = (location.line, location.column)
    for call in compiled.calls:
        if call.callee is None and not call.defined_in_snippet:
            continue
        extent = call.cursor.extent
        if (extent.start.line, extent.start.column) <= spot <= (extent.end.line, extent.end.column):
            if best is None or (extent.start.line, extent.start.column) >= best[3]:
                best = (call.callee, call.line, call.column, (extent.start.line, extent.start.column))
    return best
