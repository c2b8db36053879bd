"""Regular expressions compiled once per Python build, kept on disk.

A cold one-document check spent a quarter of its parsing worker's
instructions, and a tenth of its compiling worker's, compiling
regular expressions: docutils builds its inline-markup patterns at the
first parse, and the normaliser's and the rules' are compiled when their
modules load.  CPython compiles a pattern in Python (``re._parser``,
``re._compiler``) into opcodes that its C engine makes a Pattern of
(``_sre.compile``); the opcodes depend on the pattern, its flags and the
Python build, nothing else.  Each process of the CLI loads what it
needs, then, when its stage's file was missing, writes the opcodes of
every pattern compiled so far (none of them from a document: no document
has been read yet; a parsing worker first parses runner.WARM_UP_TEXT, so
docutils' first-parse patterns are among them); the next process of that stage hands the opcodes to the
engine and puts the Patterns in ``re``'s own cache, where ``re.compile``
finds them.  docutils, argparse and this package compile as before and get
the same patterns.

Safe by construction rather than by trust: a pattern is written only if the
engine, given the opcodes as written, makes a Pattern equal to the one
``re`` compiled (CPython compares flags and opcodes); the file names the
Python build it was made by and carries a checksum; anything unreadable,
from another build or another CPython (``re`` internals this module does
not know) is ignored, and the patterns are compiled as usual.
"""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, Optional

FORMAT = 1
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
    return os.path.join(default_cache_dir(), "regex", f"{stage}-{key:08x}.marshal")


def _supported() -> bool:
    import re
    return bool(BUILD) and isinstance(getattr(re, "_cache", None), dict) and hasattr(re, "_compiler")


_MISSING: set = set()   # stages whose file could not be loaded: save() writes it


def load(stage: str) -> None:
    """Put the patterns kept for ``stage`` into ``re``'s cache; if there
    are none (or none usable), :func:`save` writes them later."""
    if _supported() and not _load(stage):
        _MISSING.add(stage)


def _load(stage: str) -> bool:
    try:
        with open(_path(stage), "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    try:
        import binascii
        import marshal
        import re
        if len(data) < 4 or int.from_bytes(data[:4], "big") != binascii.crc32(data[4:]) & 0xFFFFFFFF:
            return False
        form, build, entries = marshal.loads(data[4:])
        if form != FORMAT or build != BUILD:
            return False
        made = {}
        for pattern, flags, compiled_flags, code, groups, groupindex, indexgroup in entries:
            made[str, pattern, flags] = _sre.compile(pattern, compiled_flags, code, groups, groupindex,
                                                     indexgroup)
    except (ValueError, TypeError, EOFError, RuntimeError, OverflowError):
        return False   # not what was written: compiled as usual, and written again
    for key, compiled in made.items():
        re._cache.setdefault(key, compiled)
    return True


def missing(stage: str) -> bool:
    """Whether :func:`load` found nothing for ``stage`` (so :func:`save`
    will write)."""
    return stage in _MISSING


def save(stage: str) -> None:
    """If :func:`load` found nothing for ``stage``: write the patterns in
    ``re``'s cache now.  Called before the process reads any document, so
    none is made from one."""
    if stage in _MISSING:
        _MISSING.discard(stage)
        import re
        write(stage, list(re._cache))


def write(stage: str, keys: Iterable[tuple]) -> None:
    """Write the opcodes of the cached patterns ``keys`` names, if every
    one of them is made again equal from what is written (else nothing is
    kept: this Python's ``re`` is not the one :func:`_parts` mirrors).
    Written to a temporary file and renamed: parallel runs are safe."""
    if not _supported():
        return
    import re
    entries = []
    for key in keys:
        compiled = re._cache.get(key)
        if compiled is None or key[0] is not str or key[2] & re.DEBUG:
            continue
        entry = _parts(key[1], key[2])
        try:
            if entry is None or _sre.compile(key[1], *entry[2:]) != compiled:
                return
        except (ValueError, TypeError, RuntimeError, OverflowError):
            return
        entries.append(entry)
    import binascii
    import marshal
    payload = marshal.dumps((FORMAT, BUILD, entries))
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
