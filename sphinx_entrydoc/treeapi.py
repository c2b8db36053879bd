"""The source tree is the truth: the modelled functions as the tree declares them.

In srctree mode, the prototype and the ``noinstr``/``__always_inline``
marking of every modelled function (``Api.functions``) are read from the
tree and used in place of the model's; pairs, state orders, hooks and
removed names still come from the model.  Where the tree and the model
disagree, :func:`tree_truth` records it (a :class:`Disagreement`), and the
front ends say so once per run: the model needs updating
(``sphinx-entrydoc model-diff``, see :mod:`sphinx_entrydoc.modeldiff`).

How a prototype is read.  The lexical index (:mod:`sphinx_entrydoc.srctree`)
says where the tree declares or defines each name; the declaration is cut
out of that file by the same scanner (comments, strings and preprocessor
lines blanked), and its storage classes, markings and attribute macros are
dropped.  What remains must be a plain C declaration made of identifiers
and ``* , ( ) [ ] ...``: anything else, and the tree's version of that
function is not used (the model's stays, and the run says the prototype
could not be read).  The prototypes are then compiled by libclang, as text
written by this module, against the stub headers: a type name the stubs do
not know becomes an opaque struct typedef (``typedef struct
__entrydoc_opaque_u128 u128;``), a ``struct``/``union`` tag is declared
first, and a declaration that still does not compile is dropped.  The tree
never makes libclang open one of its files: only this generated text is
compiled, and it holds declarations only.

Which of several declarations counts.  Occurrences in ``include/linux/``
first (the generic API's own headers), then the rest of ``include/``,
``kernel/``, ``virt/`` and ``arch/``; in file order within each.  The
marking is :func:`srctree.marking_verdict`'s (``noinstr`` anywhere is
decisive; otherwise the definitions, when they agree).

How the tree's prototype replaces the model's.  A function whose
prototype differs is renamed in the stubs (``#define NAME
__entrydoc_model_NAME`` before the stub headers, ``#undef`` after), and
declared under its real name with the tree's prototype.  That generated
header, which includes the stubs' prelude, becomes the prelude of the
derived :class:`~sphinx_entrydoc.stubs.Api` (and so of its precompiled
header).  It lives in the cache directory, named by its contents.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

from .clang import cindex, index
from .compile import OPAQUE_PREFIX
from .stubs import ALWAYS_INLINE, INSTRUMENTABLE, NOINSTR, Api, ApiFunction

# OPAQUE_PREFIX: the tag of the stand-ins for types the stubs do not know;
# a diagnostic naming one cannot be judged (compile.py drops it).
_TREE_PREFIX = "__entrydoc_tree_"
_MODEL_PREFIX = "__entrydoc_model_"
_PROBE_FILE = "<entrydoc-tree-probe>.c"

# Words that say how a function is stored, inlined, marked or checked, not
# what it is: dropped from the tree's declarations.
_DROPPED_WORDS = frozenset("""
    static inline __inline __inline__ extern __always_inline noinstr __cpuidle notrace __visible
    asmlinkage __must_check __weak __init __exit __noreturn __cold __hot __attribute_const__ __pure
    nokprobe_inline __flatten noinline __noinline __sched __irq_entry __kprobes __maybe_unused
    __always_unused __used __nocfi __user __rcu __percpu __iomem __force __no_kcsan __noclone
    __latent_entropy __ref __init_or_module __unused __deprecated __rust_helper __noinstr_section
    __no_sanitize_address __no_sanitize_thread __no_sanitize_undefined __no_stack_protector
    __no_profile __no_kasan_or_inline __no_sanitize_or_inline __always_inline_or_inline
    __sanitize_address __safe __must_hold __acquires __releases __cond_acquires __cond_releases
    __context__ __nonstring __attribute__ __attribute __section __aligned __printf __scanf
    __alloc_size __assume_aligned __counted_by __cleanup __free __diag_ignore fastcall
    __visible_for_testing __ftrace __noendbr __always_unused_arg __kcfi_typeid
""".split())
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d\w*|\.\.\.|\S")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_PUNCTUATION = frozenset(("*", ",", "(", ")", "[", "]", "..."))
_TAG = re.compile(r"\b(struct|union)\s+([A-Za-z_]\w*)")
_UNKNOWN_TYPE = re.compile(r"^unknown type name '(\w+)'")
_WORD_MARKINGS = {NOINSTR: "noinstr", ALWAYS_INLINE: "__always_inline",
                  INSTRUMENTABLE: "instrumentable (neither noinstr nor __always_inline)"}

# Where the tree's generic entry API lives, best first.
_PLACES = ("include/linux/", "include/", "kernel/", "virt/", "arch/")


@dataclasses.dataclass(frozen=True)
class Prototype:
    """One function as the tree declares it, before compiling."""
    name: str
    result: str             # the declaration's tokens before the name, markings dropped
    params: str             # the tokens inside the parentheses
    file: str               # relative to the tree
    line: int

    def text(self, name: Optional[str] = None) -> str:
        return f"{self.result} {name or self.name}({self.params or 'void'});"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclasses.dataclass(frozen=True)
class Disagreement:
    """A modelled function the tree declares or marks otherwise."""
    name: str
    what: str               # "prototype" or "marking"
    model: str              # the model's signature or marking
    model_where: str        # stub header (file:line)
    tree: str
    tree_where: str         # tree file (file:line, relative to the tree)

    def message(self, kernel: str = "") -> str:
        model = f"the model{f' ({kernel})' if kernel else ''}"
        if self.what == "prototype":
            return (f"{model} and the source tree disagree on {self.name}(): the model declares "
                    f"'{self.model}' ({self.model_where}), the tree '{self.tree}' ({self.tree_where}); "
                    f"checking against the tree's prototype (the model needs updating: "
                    f"sphinx-entrydoc model-diff)")
        return (f"{model} and the source tree disagree on {self.name}(): the model marks it "
                f"{self.model} ({self.model_where}), the tree {self.tree} ({self.tree_where}); "
                f"checking against the tree's marking (the model needs updating: "
                f"sphinx-entrydoc model-diff)")


@dataclasses.dataclass
class TreeTruth:
    """The model as the tree corrects it."""
    api: Api                                  # what the checks compile against
    tree_functions: Dict[str, ApiFunction]    # every modelled function the tree declares, as it does
    disagreements: List[Disagreement]
    unread: Dict[str, str]                    # name -> why the tree's prototype was not used
    missing: List[str]                        # modelled functions the tree neither declares nor defines

    def warnings(self) -> List[str]:
        kernel = self.api.kernel
        lines = [d.message(kernel) for d in self.disagreements]
        lines += [f"the source tree's prototype of {name}() was not used ({why}); checking against the model's"
                  for name, why in sorted(self.unread.items())]
        return lines


# --------------------------------------------------------------------------
# Reading declarations

def parse_declaration(piece: str, name: str) -> Optional[Tuple[str, str]]:
    """(result, params) of the declaration of ``name`` in ``piece`` (text
    from the scanner, up to but excluding ``;``/``{``), or None when what
    is left after dropping markings and attributes is not a plain C
    declaration.  ``result`` and ``params`` are tokens joined by spaces."""
    tokens = _TOKEN.findall(piece)
    at = next((i for i in range(len(tokens) - 1) if tokens[i] == name and tokens[i + 1] == "("), None)
    if at is None:
        return None
    close = _closing(tokens, at + 1)
    if close is None:
        return None
    result = _strip(tokens[:at], in_params=False)
    params = _strip(tokens[at + 2:close], in_params=True)
    if result is None or params is None or not result:
        return None
    if not any(_IDENTIFIER.fullmatch(t) for t in result):
        return None
    return _join(result), _join(params)


def _closing(tokens: Sequence[str], opening: int) -> Optional[int]:
    depth = 0
    for index0 in range(opening, len(tokens)):
        if tokens[index0] == "(":
            depth += 1
        elif tokens[index0] == ")":
            depth -= 1
            if depth == 0:
                return index0
    return None


def _strip(tokens: Sequence[str], in_params: bool) -> Optional[List[str]]:
    """Tokens without markings and attribute macros; None when a token is
    not something a plain declaration is made of."""
    kept: List[str] = []
    index0 = 0
    while index0 < len(tokens):
        token = tokens[index0]
        takes_arguments = index0 + 1 < len(tokens) and tokens[index0 + 1] == "("
        attribute = token in _DROPPED_WORDS or (token.startswith("__") and takes_arguments and (
            not in_params or token not in ("__typeof__", "__typeof")))
        if attribute or (not in_params and takes_arguments and _IDENTIFIER.fullmatch(token)):
            if takes_arguments:
                close = _closing(tokens, index0 + 1)
                if close is None:
                    return None
                index0 = close + 1
            else:
                index0 += 1
            continue
        if not (_IDENTIFIER.fullmatch(token) or token in _PUNCTUATION or token.isdigit()):
            return None
        kept.append(token)
        index0 += 1
    return kept


def _join(tokens: Sequence[str]) -> str:
    text = ""
    for token in tokens:
        glued = token in (",", ")", "]", "[") or (token == "(" and text.endswith(")")) \
            or text.endswith(("(", "[", "*"))
        if text and not glued:
            text += " "
        text += token
    return text


def _place(path: str) -> int:
    return next((i for i, prefix in enumerate(_PLACES) if path.startswith(prefix)), len(_PLACES))


def generic_first(occurrences):
    """The occurrences outside ``arch/`` when there are any: an
    architecture's own function of the same name (arm64 long kept a static
    enter_from_user_mode() of its own) is not the generic API."""
    generic = [o for o in occurrences if not o.file.startswith("arch/")]
    return sorted(generic or occurrences, key=lambda o: (_place(o.file), o.file, o.line))


def read_prototypes(tree, names) -> Tuple[Dict[str, Prototype], Dict[str, str]]:
    """The tree's prototype of each name it declares or defines as a
    function, and why it could not be read for the others it has."""
    from .srctree import declarations_in
    occurrences = tree.occurrences(names)
    by_file: Dict[str, List[str]] = {}
    for name, found in occurrences.items():
        for occurrence in generic_first(found):
            if occurrence.kind in ("F", "D"):
                by_file.setdefault(occurrence.file, []).append(name)
    candidates: Dict[str, List[Tuple[int, str, int, Prototype]]] = {}
    unreadable: Dict[str, str] = {}
    for path, wanted in by_file.items():
        try:
            with open(os.path.join(tree.root, path), "rb") as handle:
                text = handle.read().decode("latin-1")
        except OSError as exc:
            for name in wanted:
                unreadable.setdefault(name, f"{path}: {exc.strerror}")
            continue
        for name, line, piece, _ in declarations_in(text, wanted):
            parsed = parse_declaration(piece, name)
            if parsed is None:
                unreadable.setdefault(name, f"{path}:{line} is not a plain C declaration")
                continue
            candidates.setdefault(name, []).append(
                (_place(path), path, line, Prototype(name, parsed[0], parsed[1], path, line)))
    prototypes = {name: min(found)[3] for name, found in candidates.items()}
    return prototypes, {n: why for n, why in unreadable.items() if n not in prototypes}


# --------------------------------------------------------------------------
# Compiling them

def _header(prototypes: Dict[str, Prototype], opaque: Sequence[str], renamed: Sequence[str],
            declared_as) -> Tuple[str, Dict[int, str]]:
    """The text of a generated header and the line of each declaration.
    ``declared_as(name)`` is the name each prototype is declared under."""
    lines = ["/* Generated by sphinx-entrydoc from a kernel source tree: declarations only. */"]
    for name in renamed:
        lines.append(f"#define {name} {_MODEL_PREFIX}{name}")
    lines.append("#include <entrydoc/prelude.h>")
    for name in renamed:
        lines.append(f"#undef {name}")
    tags = sorted({m.groups() for p in prototypes.values() for m in _TAG.finditer(p.text())})
    lines += [f"{kind} {tag};" for kind, tag in tags]
    lines += [f"typedef struct {OPAQUE_PREFIX}{name} {name};" for name in opaque]
    at: Dict[int, str] = {}
    for name in sorted(prototypes):
        lines.append(prototypes[name].text(declared_as(name)))
        at[len(lines)] = name
    return "\n".join(lines) + "\n", at


def _probe_args(api: Api) -> List[str]:
    """The model's compile arguments, without its prelude (the probe
    includes it itself, after the renames)."""
    args = list(api.compile_args)
    for position in range(len(args) - 1):
        if args[position] == "-include" and args[position + 1] == api.prelude:
            del args[position:position + 2]
            break
    return args


def _compile(api: Api, text: str):
    return index().parse(_PROBE_FILE, args=_probe_args(api), unsaved_files=[(_PROBE_FILE, text)],
                         options=cindex().TranslationUnit.PARSE_NONE)


def compile_prototypes(api: Api, prototypes: Dict[str, Prototype]
                       ) -> Tuple[Dict[str, ApiFunction], List[str], Dict[str, str]]:
    """libclang's view of each prototype (declared under a private name
    next to the model, so nothing conflicts), the opaque type names it
    needed, and why the others did not compile."""
    ci = cindex()
    prototypes = dict(prototypes)
    opaque: List[str] = []
    failed: Dict[str, str] = {}
    for _ in range(8):
        text, at = _header(prototypes, opaque, (), lambda n: _TREE_PREFIX + n)
        tu = _compile(api, text)
        unknown, broken = set(), {}
        for diag in tu.diagnostics:
            location = diag.location
            if diag.severity < ci.Diagnostic.Error or location.file is None \
                    or location.file.name != _PROBE_FILE:
                continue
            match = _UNKNOWN_TYPE.match(diag.spelling)
            if match and match.group(1) not in opaque:
                unknown.add(match.group(1))
            elif location.line in at:
                broken.setdefault(at[location.line], diag.spelling)
        if not unknown and not broken:
            break
        opaque += sorted(unknown)
        if not unknown:
            for name, why in broken.items():
                failed[name] = f"{prototypes[name].where}: {why}"
                del prototypes[name]
    else:
        return {}, opaque, {n: "the tree's prototypes did not compile" for n in prototypes}
    functions = {}
    for cursor in tu.cursor.get_children():
        if cursor.kind != ci.CursorKind.FUNCTION_DECL or not cursor.spelling.startswith(_TREE_PREFIX):
            continue
        name = cursor.spelling[len(_TREE_PREFIX):]
        prototype = prototypes[name]
        functions[name] = ApiFunction(
            name=name, result=cursor.result_type.spelling,
            params=tuple((a.type.spelling, a.spelling) for a in cursor.get_arguments()),
            marking=INSTRUMENTABLE, opens=None, closes=None, order=(),
            file=prototype.file, line=prototype.line)
    return functions, sorted(opaque), failed


def same_prototype(model: ApiFunction, tree: ApiFunction) -> bool:
    """Same result and parameter types (parameter names do not count)."""
    return model.result == tree.result and [t for t, _ in model.params] == [t for t, _ in tree.params]


# --------------------------------------------------------------------------
# The model as the tree corrects it

_TRUTHS: Dict[Tuple[str, str], TreeTruth] = {}


def tree_truth(api: Api, tree) -> TreeTruth:
    """The model ``api`` corrected by the source tree ``tree`` (a
    :class:`srctree.TreeIndex`); once per process for each model and tree."""
    key = (api.fingerprint, tree.fingerprint)
    if key not in _TRUTHS:
        _TRUTHS[key] = _derive(api, tree)
    return _TRUTHS[key]


def _derive(api: Api, tree) -> TreeTruth:
    from .srctree import marking_verdict
    names = sorted(api.functions)
    prototypes, unread = read_prototypes(tree, names)
    compiled, opaque, failed = compile_prototypes(api, prototypes)
    unread.update(failed)
    occurrences = tree.occurrences(names)
    functions = dict(api.functions)
    tree_functions: Dict[str, ApiFunction] = {}
    disagreements: List[Disagreement] = []
    replaced: Dict[str, Prototype] = {}
    for name in names:
        model = api.functions[name]
        verdict = marking_verdict(generic_first(occurrences[name]))
        marking = verdict.marking if verdict is not None else model.marking
        ours = compiled.get(name)
        if ours is not None:
            tree_functions[name] = dataclasses.replace(ours, marking=marking)
            # The tree is the truth: findings quote its file even where the
            # model agrees with it.
            functions[name] = dataclasses.replace(model, file=ours.file, line=ours.line)
        if ours is not None and not same_prototype(model, ours):
            disagreements.append(Disagreement(name, "prototype", model.signature, f"{model.file}:{model.line}",
                                              ours.signature, prototypes[name].where))
            replaced[name] = prototypes[name]
            functions[name] = dataclasses.replace(functions[name], result=ours.result, params=ours.params)
        if verdict is not None and verdict.marking != model.marking:
            disagreements.append(Disagreement(name, "marking", _WORD_MARKINGS[model.marking],
                                              f"{model.file}:{model.line}",
                                              _WORD_MARKINGS[verdict.marking], verdict.where))
            where = functions[name]
            if name not in replaced:
                where = dataclasses.replace(where, file=verdict.file, line=verdict.line)
            functions[name] = dataclasses.replace(where, marking=verdict.marking)
    missing = [n for n in names if not tree.defines(n)]
    derived = api
    if replaced or functions != api.functions:
        derived = _derived_api(api, functions, replaced, opaque)
    return TreeTruth(derived, tree_functions, disagreements, unread, missing)


def _derived_api(api: Api, functions: Dict[str, ApiFunction], replaced: Dict[str, Prototype],
                 opaque: Sequence[str]) -> Api:
    if not replaced:
        return dataclasses.replace(api, functions=functions)
    text, _ = _header(replaced, [o for o in opaque if _uses(replaced, o)], sorted(replaced), lambda n: n)
    digest = hashlib.sha256(f"{api.fingerprint}\0{text}".encode()).hexdigest()
    path = _write_header(text, digest[:24])
    # The compiler's sandbox (stubs.Api.sandbox_args) shows it this one file more.
    return dataclasses.replace(api, functions=functions, prelude=path, fingerprint=digest,
                               visible=tuple(api.visible) + (os.path.realpath(path),))


def _uses(prototypes: Dict[str, Prototype], name: str) -> bool:
    word = re.compile(rf"\b{re.escape(name)}\b")
    return any(word.search(p.text()) for p in prototypes.values())


def _write_header(text: str, stamp: str) -> str:
    """The generated header in the cache directory (a temporary directory
    when the cache cannot be written), created atomically."""
    from .config import default_cache_dir
    for directory in (os.path.join(default_cache_dir(), "tree"), tempfile.gettempdir()):
        path = os.path.join(directory, f"entrydoc-tree-{stamp}.h")
        try:
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as handle:
                    if handle.read() == text:
                        return path
            os.makedirs(directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(suffix=".h", dir=directory)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
            return path
        except OSError:
            continue
    raise OSError("no directory to write the source tree's prototypes to")


def apply_tree(api: Api, srctree: str) -> Api:
    """What check.py compiles against in srctree mode."""
    from .srctree import tree_for
    return tree_truth(api, tree_for(os.path.abspath(srctree))).api


def model_api(config) -> Api:
    """The model a run checks against, before the tree corrects it."""
    from .stubs import load_api
    return load_api(config.stub_dirs, config.kernel())


def run_warnings(config) -> List[str]:
    """What a front end says once per run in srctree mode: where the model
    and ``config.srctree`` disagree."""
    if not config.srctree:
        return []
    from .srctree import tree_for
    return tree_truth(model_api(config), tree_for(os.path.abspath(config.srctree))).warnings()
