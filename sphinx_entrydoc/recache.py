"""What each process compiles before it reads a document, kept on disk:
regular expressions, and the methods data classes generate.

Regular expressions: a cold one-document check spent a quarter of its
parsing worker's instructions, and a tenth of its compiling worker's,
compiling them: docutils builds its inline-markup patterns at the first
parse, and the normaliser's and the rules' are compiled when their
modules load.  CPython compiles a pattern in Python (``re._parser``,
``re._compiler``) into opcodes that its C engine makes a Pattern of
(``_sre.compile``); the opcodes depend on the pattern, its flags and the
Python build, nothing else.

Data classes: ``dataclasses`` writes the source of each class's
``__init__``, ``__repr__``, ``__eq__``... and compiles it with ``exec``
when the class is made; the package's 39 classes were half of the
compiling worker's start-up (31 of 63 ms), nearly all of it CPython's
parser.  The code compiled from a source text depends on the text, the
compiler flags and the Python build, nothing else.  While a process
loads (between :func:`load` and :func:`save`), ``dataclasses`` is given
an ``exec`` that takes the code kept for the same text, or compiles it
with the flags ``dataclasses``' own ``exec`` would use.

Each process of the CLI loads what it needs, then writes, when its
stage's file was missing or a class's source was new, the opcodes of
every pattern compiled so far and the code of every generated method
(none of them from a document: no document has been read yet; a parsing
worker first parses runner.WARM_UP_TEXT, so docutils' first-parse
patterns are among them).  The next process of that stage hands the
opcodes to the engine and puts the Patterns in ``re``'s own cache, where
``re.compile`` finds them, and makes its classes from the kept code.
docutils, argparse and this package compile as before and get the same
patterns and methods.  Sphinx's process is not ours: there only the
imports of the core's modules get the kept code (:func:`import_hosted`),
and only the patterns they compiled are written, never Sphinx's own.

Safe by construction rather than by trust: a pattern is written only if the
engine, given the opcodes as written, makes a Pattern equal to the one
``re`` compiled (CPython compares flags and opcodes); code is looked up by
its whole source text, and a file that anyone but this user could have
written is not read (it holds code this process runs); the file names the
Python build it was made by and carries a checksum; anything unreadable, from another build or another
CPython (``re`` internals this module does not know) is ignored, and
everything is compiled as usual.
"""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Collection, Iterable, Optional

FORMAT = 2
# What makes opcodes valid: the interpreter build and the engine's version.
try:
    import _sre
    BUILD = f"{sys.implementation.cache_tag} {sys.version} {_sre.MAGIC} {_sre.CODESIZE}"
except (ImportError, AttributeError):   # not CPython: nothing is kept
    _sre = None
    BUILD = ""


def _path(stage: str) -> str:
    import binascii
    from .config import default_cache_dir
    key = binascii.crc32(BUILD.encode()) & 0xFFFFFFFF
    return os.path.join(default_cache_dir(), "compiled", f"{stage}-{key:08x}.marshal")


def _supported() -> bool:
    import re
    return bool(BUILD) and isinstance(getattr(re, "_cache", None), dict) and hasattr(re, "_compiler")


_MISSING: set = set()   # stages whose file could not be loaded: save() writes it
_CODES: dict = {}       # source text -> code, kept or compiled by _exec
_USED: set = set()      # the texts _exec was given since the last load()
_NEW: set = set()       # ... and of them, those that were not kept


def load(stage: str) -> None:
    """Put the patterns kept for ``stage`` into ``re``'s cache and have
    ``dataclasses`` make classes from the code kept for it, until
    :func:`save`; if there is nothing (or nothing usable), :func:`save`
    writes it."""
    if not BUILD:
        return
    _USED.clear()
    _NEW.clear()
    if not _load(stage):
        _MISSING.add(stage)
    import dataclasses
    if "exec" not in vars(dataclasses):
        dataclasses.exec = _exec


def _load(stage: str) -> bool:
    try:
        with open(_path(stage), "rb") as handle:
            if not _private(os.fstat(handle.fileno())):
                return False
            data = handle.read()
    except OSError:
        return False
    try:
        import binascii
        import marshal
        import re
        if len(data) < 4 or int.from_bytes(data[:4], "big") != binascii.crc32(data[4:]) & 0xFFFFFFFF:
            return False
        form, build, entries, codes = marshal.loads(data[4:])
        if form != FORMAT or build != BUILD or not isinstance(codes, dict):
            return False
        made = {}
        if _supported():
            for pattern, flags, compiled_flags, code, groups, groupindex, indexgroup in entries:
                made[str, pattern, flags] = _sre.compile(pattern, compiled_flags, code, groups, groupindex,
                                                         indexgroup)
    except (ValueError, TypeError, EOFError, RuntimeError, OverflowError):
        return False   # not what was written: compiled as usual, and written again
    for key, compiled in made.items():
        re._cache.setdefault(key, compiled)
    code_type = type(_load.__code__)
    _CODES.update((text, code) for text, code in codes.items() if type(text) is str and type(code) is code_type)
    return True


def _private(stat) -> bool:
    """Whether a kept file is only this user's to write: it holds code this
    process runs, so one that anyone else could have written is not used."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or (stat.st_uid == getuid() and not stat.st_mode & 0o022)


def _exec(source, *args, **kwargs):
    """``exec`` for ``dataclasses``: the kept code of ``source``, else the
    code compiled as ``dataclasses``' own call would compile it."""
    if type(source) is str:
        code = _CODES.get(source)
        if code is None:
            code = _CODES[source] = compile(source, "<string>", "exec", flags=_dataclasses_flags(),
                                            dont_inherit=True)
            _NEW.add(source)
        _USED.add(source)
        source = code
    return exec(source, *args, **kwargs)


def _dataclasses_flags() -> int:
    """The future features in force in ``dataclasses``: what its ``exec``
    of a string would compile with."""
    import __future__
    import dataclasses
    mask = 0
    for name in __future__.all_feature_names:
        mask |= getattr(__future__, name).compiler_flag
    return dataclasses.fields.__code__.co_flags & mask


def missing(stage: str) -> bool:
    """Whether :func:`load` found nothing for ``stage`` (so :func:`save`
    will write)."""
    return stage in _MISSING


def save(stage: str, host_patterns: Collection = ()) -> None:
    """``dataclasses`` compiles as usual again; and if :func:`load` found
    nothing for ``stage``, or a class's source was not kept: write the
    patterns in ``re``'s cache (but ``host_patterns``, its keys that are
    not ours) and the code of the classes made since :func:`load`.
    Called before the process reads any document, so nothing is made
    from one."""
    release()
    if stage in _MISSING or _NEW:
        _MISSING.discard(stage)
        import re
        write(stage, [key for key in re._cache if key not in host_patterns],
              {text: _CODES[text] for text in _USED})
    _USED.clear()
    _NEW.clear()


def import_hosted(stage: str, modules: Iterable[str]) -> None:
    """Import this package's ``modules`` in a process that is not ours
    (Sphinx's) with what ``stage`` kept: only while they load does
    ``dataclasses`` get the kept code, and only the patterns they compiled
    are written, never the host's own."""
    import importlib
    import re
    if all(module in sys.modules for module in modules):
        return
    host_patterns = set(getattr(re, "_cache", ()))
    load(stage)
    try:
        for module in modules:
            importlib.import_module(module)
    finally:
        save(stage, host_patterns)


def release() -> None:
    """``dataclasses`` compiles with its own ``exec`` again."""
    dataclasses = sys.modules.get("dataclasses")
    if dataclasses is not None and vars(dataclasses).get("exec") is _exec:
        del dataclasses.exec


def write(stage: str, keys: Iterable[tuple], codes: Optional[dict] = None) -> None:
    """Write the opcodes of the cached patterns ``keys`` names, if every
    one of them is made again equal from what is written (else no pattern
    is kept: this Python's ``re`` is not the one :func:`_parts` mirrors),
    and ``codes`` (source text -> code).  Written to a temporary file and
    renamed: parallel runs are safe."""
    if not BUILD:
        return
    import re
    entries = [] if _supported() else None
    for key in keys if entries is not None else ():
        compiled = re._cache.get(key)
        if compiled is None or key[0] is not str or key[2] & re.DEBUG:
            continue
        entry = _parts(key[1], key[2])
        try:
            if entry is None or _sre.compile(key[1], *entry[2:]) != compiled:
                entries = None
                break
        except (ValueError, TypeError, RuntimeError, OverflowError):
            entries = None
            break
        entries.append(entry)
    if entries is None and not codes:
        return
    import binascii
    import marshal
    payload = marshal.dumps((FORMAT, BUILD, entries or [], codes or {}))
    data = (binascii.crc32(payload) & 0xFFFFFFFF).to_bytes(4, "big") + payload
    from .cache import atomic_write   # here: a run that finds its patterns never writes
    try:
        atomic_write(_path(stage), data)
    except OSError:
        pass   # a cache that cannot be written just is not used


def _parts(pattern: str, flags: int) -> Optional[tuple]:
    """What ``re._compiler.compile`` hands ``_sre.compile`` for
    ``pattern`` (CPython 3.11 and later), as plain values."""
    try:
        from re import _compiler, _parser
        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        return (pattern, int(flags), int(flags | parsed.state.flags), code, parsed.state.groups - 1,
                groupindex, tuple(indexgroup))
    except Exception:  # noqa: BLE001 - another re than this mirrors: keep nothing
        return None
