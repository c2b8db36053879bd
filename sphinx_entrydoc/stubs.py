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
import sys

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Iterable, List, Optional, Tuple

from . import kversion
from .clang import BASE_ARGS, LIBRARY_NAMES, cindex, index
from .errors import InputError, LibclangMissing
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
    # A general kernel primitive (local_irq_enable(), synchronize_irq())
    # declared so its calls are checked, not a mark of an entry document:
    # calling it does not make a document entry-style (selection.py).
    common: bool = False

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
    """A name the kernel removed in ``since`` by ``commit``; ``replacement``
    is "" when the choice depends on the path (``note`` says which)."""
    name: str
    replacement: str
    since: kversion.Version
    commit: str
    note: str = ""

    @property
    def when(self) -> str:
        text = f"removed in {kversion.name(self.since)}"
        if self.commit:
            text += f" (commit {self.commit})"
        return text + (f"; {self.note}" if self.note else "")

    @property
    def advice(self) -> str:
        return f"use {self.replacement}()" if self.replacement else "see the note"


@dataclasses.dataclass(frozen=True)
class HeaderLife:
    """A stub header modelling a kernel header that exists only from
    ``since`` or only up to ``until`` (not included); outside, the kernel
    has its declarations in ``elsewhere`` (ENTRYDOC_HEADER_SINCE/UNTIL).
    Kept in ``Api.lives`` under the stub header's own path."""
    elsewhere: str
    since: Optional[kversion.Version] = None
    until: Optional[kversion.Version] = None

    def exists_in(self, version: kversion.Version) -> bool:
        return (self.since is None or version >= self.since) and (self.until is None or version < self.until)

    @property
    def when(self) -> str:
        """How the header's life ends or begins, for a message."""
        if self.since is not None:
            return f"new in {kversion.name(self.since)}"
        return f"gone from {kversion.name(self.until)} on"


@dataclasses.dataclass
class Api:
    functions: Dict[str, ApiFunction]
    macros: Dict[str, Optional[int]]      # name -> number of parameters (None: object-like)
    hooks: Dict[str, Hook]
    removed: Dict[str, Removed]
    include_dirs: Tuple[str, ...]
    extra_headers: Tuple[str, ...]
    fingerprint: str          # headers and kernel version
    version: kversion.Version = kversion.NEWEST
    # Every stub header (real paths inside the stub directories): all that
    # the file-system sandbox lets clang see.
    visible: Tuple[str, ...] = ()
    # The header force-included first; in srctree mode a generated one that
    # includes the stubs' prelude with the tree's prototypes (treeapi.py).
    prelude: str = PRELUDE
    # Stub headers whose kernel header lives for some versions only, by
    # their path inside the stub directories (linux/irq-entry-common.h).
    lives: Dict[str, HeaderLife] = dataclasses.field(default_factory=dict)

    @property
    def kernel(self) -> str:
        """The version the model was loaded for, as people write it (v6.18)."""
        return kversion.name(self.version)

    def _base_args(self) -> List[str]:
        args = list(BASE_ARGS) + [kversion.define(self.version)]
        for directory in self.include_dirs:
            args += ["-I", directory]
        return args

    @property
    def compile_args(self) -> List[str]:
        args = self._base_args()
        args += ["-include", self.prelude]
        for header in self.extra_headers:
            args += ["-include", header]
        return args + self.sandbox_args()

    def snippet_args(self, precompiled: bool = True) -> List[str]:
        """Arguments for compiling a snippet: the stubs precompiled once per
        process (halves the parse time of each snippet), or included as
        text when libclang cannot make the precompiled header."""
        pch = _precompiled_prelude(self) if precompiled else None
        if pch is None:
            return self.compile_args
        return self._base_args() + ["-include-pch", pch] + self.sandbox_args()

    def sandbox_args(self) -> List[str]:
        """``-ivfsoverlay`` with a redirect-only overlay: clang sees the stub
        headers (and the precompiled stubs) and no other file at all, so
        whatever a snippet names, nothing else is opened or even looked up."""
        return ["-ivfsoverlay", _overlay(self)]

    def known_names(self) -> Iterable[str]:
        yield from self.functions
        yield from self.macros
        yield from self.hooks

    def declared_in(self, function: ApiFunction) -> str:
        """The kernel header that declares ``function`` in the version
        checked: a stub header serves every version, the kernel's names
        for it change (entry-common.h before irq-entry-common.h split off).
        In srctree mode ``file`` is the tree's own path, kept as it is."""
        life = self.lives.get(function.file)
        if life is None or life.exists_in(self.version):
            return function.file
        return life.elsewhere

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
        path = _pch_path(api)
        directory = os.path.dirname(path)
        if not os.path.isfile(path):
            os.makedirs(directory, exist_ok=True)
            _write_pch(api, directory, path)
    except Exception:  # no cache directory, or libclang cannot: compile the stubs as text
        path = None
    _PCH_CACHE[api.fingerprint] = path
    return path


@functools.lru_cache(maxsize=16)
def _pch_path_for(fingerprint: str, cache_dir: str) -> str:
    stamp = hashlib.sha256(f"{fingerprint}\0{library_stamp(cindex())}".encode()).hexdigest()[:24]
    return os.path.join(cache_dir, "pch", f"stubs-{stamp}.pch")


def _pch_path(api: Api) -> str:
    from .config import default_cache_dir
    return _pch_path_for(api.fingerprint, os.path.realpath(default_cache_dir()))


def _overlay(api: Api) -> str:
    """The overlay file for ``api``: JSON (which is YAML) listing each
    visible file, named by its contents so processes and runs share it; a
    file found with other contents is never used."""
    import json
    files = list(api.visible)
    try:
        pch = _pch_path(api)
        files += [pch, pch[: -len(".pch")] + ".h"]
    except Exception:  # no libclang stamp: no precompiled stubs either
        pass
    known = _OVERLAYS.get(tuple(files))
    if known:
        return known   # every parse asks: the same files, the same overlay
    content = json.dumps({
        "version": 0, "case-sensitive": "true", "redirecting-with": "redirect-only",
        "roots": [{"type": "file", "name": f, "external-contents": f} for f in files]},
        indent=0).encode("utf-8")
    path = _OVERLAYS[tuple(files)] = _content_file(content, "overlay", ".yaml")
    return path


_OVERLAYS: Dict[Tuple[str, ...], str] = {}   # visible files -> their overlay file


def _content_file(content: bytes, prefix: str, suffix: str) -> str:
    from .config import default_cache_dir
    name = f"{prefix}-{hashlib.sha256(content).hexdigest()[:24]}{suffix}"
    known = _CONTENT_FILES.get(name)
    if known:
        return known
    for directory in (os.path.join(default_cache_dir(), "vfs"), None):
        try:
            if directory is None:
                import tempfile
                handle, path = tempfile.mkstemp(prefix="sphinx-entrydoc-", suffix=suffix)
                with os.fdopen(handle, "wb") as out:
                    out.write(content)
                _remove_at_exit(path)
            else:
                path = os.path.join(directory, name)
                if not os.path.isfile(path):
                    import tempfile   # here: the file is almost always there already
                    os.makedirs(directory, exist_ok=True)
                    handle, temporary = tempfile.mkstemp(suffix=suffix, dir=directory)
                    with os.fdopen(handle, "wb") as out:
                        out.write(content)
                    _link_once(temporary, path)
                with open(path, "rb") as handle:
                    if handle.read() != content:
                        continue
            _CONTENT_FILES[name] = path
            return path
        except OSError:
            continue
    raise InputError("cannot write the compiler's file-system overlay (no writable cache or temporary directory)")


_CONTENT_FILES: Dict[str, str] = {}


def _remove_at_exit(path: str) -> None:
    import atexit
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            try:
                os.unlink(path)
            except OSError:
                pass
    atexit.register(remove)


def _wheel_library() -> Optional[str]:
    """The library the libclang wheel ships beside its bindings
    (clang/native/), which its clang/cindex.py loads unless
    LIBCLANG_LIBRARY_PATH names another directory: found without importing
    the bindings (about 8 ms, in every process that only names the cache
    files).  None where that layout is not what is installed."""
    if os.environ.get("LIBCLANG_LIBRARY_PATH"):
        return None
    import importlib.util
    try:
        spec = importlib.util.find_spec("clang")
    except (ImportError, ValueError):
        return None
    for directory in (spec.submodule_search_locations or []) if spec is not None else []:
        path = os.path.join(os.path.realpath(directory), "native",
                            LIBRARY_NAMES.get(sys.platform, "libclang.so"))
        if os.path.isfile(path):
            return path
    return None


def _library_file() -> str:
    if "clang.cindex" not in sys.modules:   # once imported, the bindings say
        wheel = _wheel_library()
        if wheel is not None:
            return wheel
    try:
        import clang.cindex as bindings
        if not bindings.conf.loaded:
            name = bindings.conf.get_filename()
            if os.path.isabs(name) and os.path.isfile(name):
                return name
    except Exception:  # noqa: BLE001 - cindex() below says what is wrong
        pass
    return cindex().conf.lib._name


def library_stamp(ci=None) -> str:
    """The libclang build in use (a PCH only loads into the clang that made
    it): the shared library's path, size and modification time.  Found
    without loading the library when the bindings name its file (the
    libclang wheel does), so a process that only reads the stub model
    never loads it."""
    name = _library_file()
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
    """The stub directories as real paths: a directory given as a symbolic
    link is followed, once, here; nothing inside may lead out of them."""
    dirs = []
    for directory in extra_dirs:
        if not os.path.isdir(directory):
            raise InputError(f"stub directory {directory!r} does not exist")
        dirs.append(os.path.realpath(directory))
    return tuple(dirs) + (os.path.realpath(BUILTIN_STUBS),)


def stub_headers(dirs: Tuple[str, ...], walked: Optional[List[str]] = None) -> List[Tuple[str, str]]:
    """(directory, header) for every ``.h`` under the stub directories, in a
    stable order.  Symbolic links are followed only while they stay inside
    the stub directories; one that leads out is refused (one clear error),
    so a link in a ``--stubs`` directory can never show clang another file.
    ``walked``: gets every directory read."""
    found: List[Tuple[str, str]] = []
    for directory in dirs:
        seen = set()
        for root, subdirs, files in os.walk(directory, followlinks=True):
            real_root = os.path.realpath(root)
            if real_root in seen:   # a link cycle
                subdirs[:] = []
                continue
            seen.add(real_root)
            if walked is not None:
                walked.append(root)
            for name in list(subdirs) + files:
                path = os.path.join(root, name)
                if (name in subdirs or name.endswith(".h")) and os.path.islink(path):
                    from .ppscreen import inside   # here: most stub trees hold no link
                    real = os.path.realpath(path)
                    if not any(inside(real, d) for d in dirs):
                        raise InputError(f"stub directory {directory!r}: {os.path.relpath(path, directory)} "
                                         f"is a symbolic link out of the stub directories (to {real}); "
                                         "refused, since a snippet could read it")
            subdirs.sort()
            found += [(directory, os.path.join(root, name)) for name in sorted(files) if name.endswith(".h")]
    return found


# The last fingerprint of each set of stub directories, with the status
# of every directory walked and header read for it: every document asks
# (a tree's skipped ones too), and a stat of each is a fifth of reading
# and hashing them all again.
_FINGERPRINTS: Dict[Tuple[str, ...], tuple] = {}
# A file changed this recently may change again within the same clock
# tick, its status unchanged: such a reading is not kept ("racy git").
_SETTLED = 2.0   # seconds


def _fingerprint(dirs: Tuple[str, ...]) -> Tuple[str, Tuple[str, ...], Tuple[str, ...]]:
    known = _FINGERPRINTS.get(dirs)
    if known is not None and _statuses(known[0]) == known[1]:
        return known[2]
    digest = hashlib.sha256()
    headers = []
    visible = []
    walked: List[str] = []
    builtin = os.path.realpath(BUILTIN_STUBS)
    for directory, path in stub_headers(dirs, walked):
        digest.update(path.encode() + b"\0")
        with open(path, "rb") as handle:
            digest.update(handle.read())
        visible.append(path)
        if directory != builtin and os.path.dirname(path) == directory:
            headers.append(path)
    result = digest.hexdigest(), tuple(headers), tuple(visible)
    paths = tuple(walked) + tuple(visible)
    statuses = _statuses(paths)
    import time
    if statuses is not None and all(time.time() - status[0] / 1e9 > _SETTLED for status in statuses):
        _FINGERPRINTS[dirs] = (paths, statuses, result)
    return result


def _statuses(paths: Tuple[str, ...]) -> Optional[tuple]:
    """(modification time, size, inode, device) of each path, or None if
    one is gone.  A directory's changes when an entry is added, removed or
    renamed, a header's when it is written."""
    try:
        return tuple((s.st_mtime_ns, s.st_size, s.st_ino, s.st_dev) for s in map(os.stat, paths))
    except OSError:
        return None


def load_api(extra_dirs: Iterable[str] = (), version: Optional[kversion.Version] = None) -> Api:
    """The API of kernel ``version`` (default: the newest modelled
    mainline) as the stub headers in ``extra_dirs`` and the built-in ones
    declare it."""
    if version is None:
        version = kversion.NEWEST
    kversion.check(tuple(version))
    dirs = _stub_dirs(extra_dirs)
    fingerprint, headers, visible = _fingerprint(dirs)
    return _load(dirs, headers, f"{fingerprint}:{version[0]}.{version[1]}", tuple(version), visible)


@functools.lru_cache(maxsize=16)
def _load(dirs: Tuple[str, ...], headers: Tuple[str, ...], fingerprint: str,
          version: kversion.Version, visible: Tuple[str, ...] = ()) -> Api:
    api = Api({}, {}, {}, {}, dirs, headers, fingerprint, version, visible)
    saved = _model_path(api)
    if saved is not None and _read_model(api, saved):
        return api
    _parse_stubs(api)
    if saved is not None:
        _write_model(api, saved)
    return api


# -- the model kept on disk -----------------------------------------------------
#
# Reading the model means parsing every stub header with libclang and walking
# its declarations in Python: about 30 ms, in every process that checks a
# document (the main one, each worker, each Sphinx build).  The result is
# plain data, so it is kept beside the precompiled stubs as JSON (never
# pickle: a cache file must not be able to run code), under a name that
# changes with the headers' contents, the libclang build and this module's
# own source, and read back in about a millisecond.

_MODEL_PARTS = (("functions", ApiFunction), ("hooks", Hook), ("removed", Removed), ("lives", HeaderLife))


def _model_path(api: Api) -> Optional[str]:
    try:
        from .config import default_cache_dir
        with open(os.path.abspath(__file__), "rb") as handle:
            code = hashlib.sha256(handle.read()).hexdigest()
        stamp = hashlib.sha256(f"{api.fingerprint}\0{library_stamp()}\0{code}".encode())
        return os.path.join(default_cache_dir(), "model", f"api-{stamp.hexdigest()[:24]}.json")
    except LibclangMissing:
        raise
    except Exception:  # noqa: BLE001 - no cache directory: parse every time
        return None


def _tuples(value):
    """JSON gives lists back; every sequence field of the model is a tuple."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _read_model(api: Api, path: str) -> bool:
    import json
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        for name, kind in _MODEL_PARTS:
            getattr(api, name).update({key: kind(**{f: _tuples(v) for f, v in fields.items()})
                                       for key, fields in data[name].items()})
        api.macros.update(data["macros"])
        return True
    except Exception:  # noqa: BLE001 - missing, unreadable or stale: parse the stubs again
        for name in ("functions", "hooks", "removed", "lives", "macros"):
            getattr(api, name).clear()
        return False


def _write_model(api: Api, path: str) -> None:
    import json
    import tempfile
    data = {name: {key: dataclasses.asdict(value) for key, value in getattr(api, name).items()}
            for name, _ in _MODEL_PARTS}
    data["macros"] = api.macros
    try:
        directory = os.path.dirname(path)
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(suffix=".json", dir=directory)
    except OSError:
        return   # a cache that cannot be written just is not used
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def _parse_stubs(api: Api) -> None:
    ci = cindex()
    dirs = api.include_dirs
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
        file=file, line=cursor.location.line, common="common" in notes)


def _add_data(api: Api, cursor, file: str) -> None:
    for note in annotations(cursor):
        fields = dict(part.partition("=")[::2] for part in note.split(";"))
        if "hook" in fields:
            api.hooks[fields["hook"]] = Hook(fields["hook"], int(fields.get("nargs", 0)),
                                             fields.get("file", file))
        elif "header" in fields:
            bounds = {key: _annotated_version(fields[key]) for key in ("since", "until") if key in fields}
            api.lives[file] = HeaderLife(fields.get("elsewhere", ""), **bounds)
        elif "removed" in fields:
            since = _annotated_version(fields.get("since", ""))
            if api.version >= since:   # relative to the version checked
                api.removed[fields["removed"]] = Removed(
                    fields["removed"], fields.get("replacement", ""), since,
                    fields.get("commit", ""), fields.get("note", ""))


def _annotated_version(text: str) -> kversion.Version:
    """An annotation's "X.Y" (the stubs' own facts: not checked against the
    modelled range, as a user's --kernel-version is)."""
    major, _, minor = text.partition(".")
    return int(major), int(minor)


def _add_macro(api: Api, cursor) -> None:
    name = cursor.spelling
    if name.startswith("_") or name.startswith("ENTRYDOC") or name in ("noinstr",):
        return
    # The model's own machinery (KV() of the versioning, annotations.h) is
    # no kernel name: model-diff must not look for it in a tree.
    where = cursor.location.file
    if where is not None and os.path.basename(os.path.dirname(where.name)) == "entrydoc":
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
