"""The modelled kernel API, read from the stub headers through libclang.

Nothing about the API is written down twice: names, signatures, markings,
pairs and state orders come from the declarations and their annotate
attributes (see stubs/include/entrydoc/annotations.h).
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from typing import Dict, Iterable, List, Optional, Tuple

from .clang import BASE_ARGS, cindex, index
from .errors import InputError
from .names import close_names

BUILTIN_STUBS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs", "include")
PRELUDE = "entrydoc/prelude.h"
STUB_MAIN = "<entrydoc-stubs>.c"

NOINSTR = "noinstr"
ALWAYS_INLINE = "always_inline"
INSTRUMENTABLE = "instrumentable"


@dataclasses.dataclass(frozen=True)
class ApiFunction:
    name: str
    result: str
    params: Tuple[Tuple[str, str], ...]
    marking: str
    opens: Optional[str]
    closes: Optional[str]
    order: Tuple[str, ...]
    file: str
    line: int

    @property
    def signature(self) -> str:
        params = ", ".join(f"{t} {n}".replace("* ", "*") if n else t for t, n in self.params) or "void"
        return f"{self.result} {self.name}({params})"

    @property
    def noinstr_safe(self) -> bool:
        return self.marking in (NOINSTR, ALWAYS_INLINE)


@dataclasses.dataclass(frozen=True)
class Hook:
    name: str
    nargs: int
    file: str


@dataclasses.dataclass(frozen=True)
class Removed:
    name: str
    replacement: str
    when: str


@dataclasses.dataclass
class Api:
    functions: Dict[str, ApiFunction]
    macros: Dict[str, Optional[int]]      # name -> number of parameters (None: object-like)
    hooks: Dict[str, Hook]
    removed: Dict[str, Removed]
    include_dirs: Tuple[str, ...]
    extra_headers: Tuple[str, ...]
    fingerprint: str
    # The header force-included first; in srctree mode a generated one that
    # includes the stubs' prelude with the tree's prototypes (treeapi.py).
    prelude: str = PRELUDE

    @property
    def compile_args(self) -> List[str]:
        args = list(BASE_ARGS)
        for directory in self.include_dirs:
            args += ["-I", directory]
        args += ["-include", self.prelude]
        for header in self.extra_headers:
            args += ["-include", header]
        return args

    def snippet_args(self) -> List[str]:
        """Arguments for compiling a snippet: the stubs precompiled once per
        process (halves the parse time of each snippet), or included as
        text when libclang cannot make the precompiled header."""
        pch = _precompiled_prelude(self)
        if pch is None:
            return self.compile_args
        args = list(BASE_ARGS)
        for directory in self.include_dirs:
            args += ["-I", directory]
        return args + ["-include-pch", pch]

    def known_names(self) -> Iterable[str]:
        yield from self.functions
        yield from self.macros
        yield from self.hooks

    def knows(self, name: str) -> bool:
        return name in self.functions or name in self.macros or name in self.hooks

    def suggest(self, name: str, extra: Iterable[str] = ()) -> List[str]:
        return close_names(name, set(self.known_names()) | set(extra))

    def pair_partner(self, pair: str, closing: bool) -> List[str]:
        return sorted(f.name for f in self.functions.values()
                      if (f.closes if closing else f.opens) == pair)


def _precompiled_prelude(api: Api) -> Optional[str]:
    """The stub headers precompiled, kept in the cache directory under a
    name that changes with the headers' contents and the libclang build, so
    every process and run shares one file and nothing is left behind.
    Written to a temporary name and renamed: parallel runs are safe."""
    if api.fingerprint in _PCH_CACHE:
        return _PCH_CACHE[api.fingerprint]
    path = None
    try:
        from .config import default_cache_dir
        ci = cindex()
        stamp = hashlib.sha256(f"{api.fingerprint}\0{_library_stamp(ci)}".encode()).hexdigest()[:24]
        directory = os.path.join(default_cache_dir(), "pch")
        path = os.path.join(directory, f"stubs-{stamp}.pch")
        if not os.path.isfile(path):
            os.makedirs(directory, exist_ok=True)
            _write_pch(api, directory, path)
    except Exception:  # no cache directory, or libclang cannot: compile the stubs as text
        path = None
    _PCH_CACHE[api.fingerprint] = path
    return path


def _library_stamp(ci) -> str:
    """The libclang build in use (a PCH only loads into the clang that made
    it): the shared library's path, size and modification time."""
    name = ci.conf.lib._name
    status = os.stat(name)
    return f"{os.path.realpath(name)}:{status.st_size}:{status.st_mtime_ns}"


def _write_pch(api: Api, directory: str, path: str) -> None:
    """Precompile an umbrella header that stays beside the PCH (clang checks
    a PCH's input files when it loads it).  Both are created under temporary
    names and linked into place without replacing a file another process
    made first, so a PCH never outlives the header it was built from."""
    import tempfile
    umbrella = path[: -len(".pch")] + ".h"
    if not os.path.isfile(umbrella):
        handle, temporary = tempfile.mkstemp(suffix=".h", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(f"#include <{api.prelude}>\n")
            for header in api.extra_headers:
                out.write(f'#include "{header}"\n')
        _link_once(temporary, umbrella)
    args = [a for a in api.compile_args if a not in ("-include", api.prelude) and a not in api.extra_headers]
    assert args[:2] == ["-x", "c"]
    tu = index().parse(umbrella, args=["-x", "c-header"] + args[2:])
    if any(d.severity >= cindex().Diagnostic.Error for d in tu.diagnostics):
        raise InputError("the stub headers do not precompile")
    handle, temporary = tempfile.mkstemp(suffix=".pch", dir=directory)
    os.close(handle)
    tu.save(temporary)
    _link_once(temporary, path)


def _link_once(temporary: str, final: str) -> None:
    try:
        os.link(temporary, final)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def forget_precompiled(api: Api) -> None:
    """The PCH would not load (a stub header was touched since): compile the
    stubs as text for the rest of this process, and remove the PCH so the
    next run builds a fresh one."""
    stale = _PCH_CACHE.get(api.fingerprint)
    _PCH_CACHE[api.fingerprint] = None
    for path in (stale, stale[: -len(".pch")] + ".h") if stale else ():
        try:
            os.unlink(path)
        except OSError:
            pass


_PCH_CACHE: Dict[str, Optional[str]] = {}


def _stub_dirs(extra_dirs: Iterable[str]) -> Tuple[str, ...]:
    dirs = []
    for directory in extra_dirs:
        if not os.path.isdir(directory):
            raise InputError(f"stub directory {directory!r} does not exist")
        dirs.append(os.path.abspath(directory))
    return tuple(dirs) + (BUILTIN_STUBS,)


def _fingerprint(dirs: Tuple[str, ...]) -> Tuple[str, Tuple[str, ...]]:
    digest = hashlib.sha256()
    headers = []
    for directory in dirs:
        for root, subdirs, files in os.walk(directory):
            subdirs.sort()
            for name in sorted(files):
                if name.endswith(".h"):
                    path = os.path.join(root, name)
                    digest.update(path.encode() + b"\0")
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
                    if directory != BUILTIN_STUBS and root == directory:
                        headers.append(path)
    return digest.hexdigest(), tuple(headers)


def load_api(extra_dirs: Iterable[str] = ()) -> Api:
    dirs = _stub_dirs(extra_dirs)
    fingerprint, headers = _fingerprint(dirs)
    return _load(dirs, headers, fingerprint)


@functools.lru_cache(maxsize=8)
def _load(dirs: Tuple[str, ...], headers: Tuple[str, ...], fingerprint: str) -> Api:
    ci = cindex()
    api = Api({}, {}, {}, {}, dirs, headers, fingerprint)
    tu = index().parse(STUB_MAIN, args=api.compile_args, unsaved_files=[(STUB_MAIN, "")],
                       options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD)
    errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        where = errors[0].location
        raise InputError(f"stub headers do not compile: {where.file}:{where.line}: {errors[0].spelling}")
    for cursor in tu.cursor.get_children():
        location = cursor.location
        if location.file is None:
            continue
        file = _relative(location.file.name, dirs)
        kind = cursor.kind
        if kind == ci.CursorKind.FUNCTION_DECL:
            _add_function(api, cursor, file)
        elif kind == ci.CursorKind.VAR_DECL:
            _add_data(api, cursor, file)
        elif kind == ci.CursorKind.MACRO_DEFINITION:
            _add_macro(api, cursor)
    return api


def _relative(path: str, dirs: Tuple[str, ...]) -> str:
    for directory in dirs:
        if path.startswith(directory + os.sep):
            return os.path.relpath(path, directory)
    return path


def annotations(cursor) -> List[str]:
    ci = cindex()
    return [c.spelling[len("entrydoc:"):] for c in cursor.get_children()
            if c.kind == ci.CursorKind.ANNOTATE_ATTR and c.spelling.startswith("entrydoc:")]


def _add_function(api: Api, cursor, file: str) -> None:
    notes = annotations(cursor)
    marking = NOINSTR if NOINSTR in notes else ALWAYS_INLINE if ALWAYS_INLINE in notes else INSTRUMENTABLE
    opens = closes = None
    order: Tuple[str, ...] = ()
    for note in notes:
        key, _, value = note.partition("=")
        if key == "opens":
            opens = value
        elif key == "closes":
            closes = value
        elif key == "order":
            order = tuple(k.strip() for k in value.split(",") if k.strip())
    params = tuple((a.type.spelling, a.spelling) for a in cursor.get_arguments())
    previous = api.functions.get(cursor.spelling)
    if previous is not None and not (notes or cursor.is_definition()):
        return  # a plain redeclaration adds nothing
    api.functions[cursor.spelling] = ApiFunction(
        name=cursor.spelling, result=cursor.result_type.spelling, params=params,
        marking=marking, opens=opens, closes=closes, order=order,
        file=file, line=cursor.location.line)


def _add_data(api: Api, cursor, file: str) -> None:
    for note in annotations(cursor):
        fields = dict(part.partition("=")[::2] for part in note.split(";"))
        if "hook" in fields:
            api.hooks[fields["hook"]] = Hook(fields["hook"], int(fields.get("nargs", 0)),
                                             fields.get("file", file))
        elif "removed" in fields:
            api.removed[fields["removed"]] = Removed(fields["removed"], fields.get("replacement", ""),
                                                     fields.get("when", ""))


def _add_macro(api: Api, cursor) -> None:
    name = cursor.spelling
    if name.startswith("_") or name.startswith("ENTRYDOC") or name in ("noinstr",):
        return
    tokens = list(cursor.get_tokens())
    nparams: Optional[int] = None
    if len(tokens) > 1 and tokens[1].spelling == "(" \
            and tokens[1].extent.start.column == tokens[0].extent.end.column:
        params = []
        for token in tokens[2:]:
            if token.spelling == ")":
                break
            if token.spelling != ",":
                params.append(token.spelling)
        nparams = len(params)
    api.macros[name] = nparams
