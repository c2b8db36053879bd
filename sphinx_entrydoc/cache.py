"""Per-document result cache for the standalone lint.

An entry holds the findings of one document.  Its key is a SHA-256 of
everything the findings depend on:

- the tool's version (new rules, changed messages) and the path, mtime
  and size of each of its own modules (an edited or reinstalled checkout
  keeps its version number),
- the stub headers' contents (the modelled API),
- the configuration (``Config.key()``),
- with a source tree (``--srctree``): the path, mtime and size of every
  file the tree index reads (the same stamps the index itself is keyed by),
- the document's path (findings carry it) and its bytes.

Documents cannot pull in other files (``.. include::`` is off in the
standalone parse), so nothing else feeds into a result.  When the tree
cannot be fingerprinted, the run does not use the cache at all.

Where it lives: ``.entrydoc-cache/`` in the current directory by default
(``--cache-dir DIR`` or ``cache-dir`` in ``[tool.sphinx-entrydoc]`` to move
it; ``--no-cache`` to bypass it).  The directory marks itself with a
``CACHEDIR.TAG`` (backup tools skip it) and a ``.gitignore`` of ``*`` (git
ignores it), and can be deleted at any time.

Concurrency: entries are written to a temporary file in the same directory
and renamed into place (``os.replace`` is atomic), so parallel runs, or the
workers of one ``-j`` run, never see half an entry; two writers of the same
key write the same content.  An entry that cannot be read or parsed, or
that names another key, is a miss, never an error; a cache directory that
cannot be written just stops caching.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from typing import List, Optional

from ._version import __version__
from .config import Config
from .findings import SEVERITIES, Finding
from .read import Source

DEFAULT_DIR = ".entrydoc-cache"
FORMAT = 1  # bump when the entry layout changes

_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by sphinx-entrydoc.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")


def stubs_fingerprint(stub_dirs) -> str:
    """A hash of every stub header's path and bytes, computed without
    libclang, so that a fully cached run never loads it.  It is the same
    fingerprint :func:`sphinx_entrydoc.stubs.load_api` computes."""
    from . import stubs
    fingerprint = stubs._fingerprint(stubs._stub_dirs(stub_dirs))[0]
    return fingerprint


def srctree_fingerprint(root: str) -> Optional[str]:
    """A hash of the stamps of the files the source tree index reads; ""
    without a tree, None when there is no tree index to ask."""
    if not root:
        return ""
    try:
        from .srctree import source_files
    except ImportError:
        return None
    digest = hashlib.sha256()
    for path, stamp in sorted(source_files(root).items()):
        digest.update(f"{path}\0{stamp.mtime_ns}\0{stamp.size}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def code_fingerprint() -> str:
    """A hash of the stamps of this package's modules: findings made by
    other code are not this code's, whatever the version says."""
    package = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for directory in (package, os.path.join(package, "rules")):
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        for name in names:
            if name.endswith(".py"):
                try:
                    stat = os.stat(os.path.join(directory, name))
                except OSError:
                    continue
                digest.update(f"{directory}/{name}\0{stat.st_mtime_ns}\0{stat.st_size}\n"
                              .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def run_key(config: Config) -> Optional[str]:
    """What every entry of one run shares: version and code, stubs,
    configuration and source tree; None when the run must not be cached."""
    tree = srctree_fingerprint(config.srctree)
    if tree is None:
        return None
    return "\0".join((str(FORMAT), __version__, code_fingerprint(), stubs_fingerprint(config.stub_dirs),
                      config.key(), tree))


@dataclasses.dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    ignored: int = 0        # entries present but unreadable or corrupt
    write_failures: int = 0

    def line(self) -> str:
        text = f"cache: {self.hits} hit(s), {self.misses} miss(es)"
        if self.ignored:
            text += f", {self.ignored} corrupt entr{'y' if self.ignored == 1 else 'ies'} ignored"
        if self.write_failures:
            text += f", {self.write_failures} entr{'y' if self.write_failures == 1 else 'ies'} not written"
        return text


class Cache:
    def __init__(self, directory: str, run: str):
        self.directory = directory
        self.run = run
        self.stats = Stats()
        self._writable = True

    def key(self, source: Source) -> str:
        digest = hashlib.sha256()
        for part in (self.run.encode("utf-8"), source.path.encode("utf-8", "surrogateescape"),
                     source.data or source.text.encode("utf-8", "surrogatepass")):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, f"v{FORMAT}", key[:2], key + ".json")

    def get(self, source: Source) -> Optional[List[Finding]]:
        key = self.key(source)
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                entry = json.loads(handle.read().decode("utf-8"))
            if entry.get("key") != key:
                raise ValueError("entry of another key")
            findings = [_finding(item) for item in entry["findings"]]
        except FileNotFoundError:
            self.stats.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.stats.ignored += 1
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return findings

    def put(self, source: Source, findings: List[Finding]) -> None:
        if not self._writable:
            return
        key = self.key(source)
        data = json.dumps({"key": key, "findings": [f.as_dict() for f in findings]},
                          sort_keys=True).encode("utf-8")
        try:
            self._prepare()
            atomic_write(self._path(key), data)
        except OSError:
            # A read-only or full disk: keep linting, stop trying to cache.
            self.stats.write_failures += 1
            self._writable = False

    def _prepare(self) -> None:
        if os.path.isfile(os.path.join(self.directory, "CACHEDIR.TAG")):
            return
        os.makedirs(self.directory, exist_ok=True)
        atomic_write(os.path.join(self.directory, ".gitignore"), b"# created by sphinx-entrydoc\n*\n")
        atomic_write(os.path.join(self.directory, "CACHEDIR.TAG"), _TAG.encode("ascii"))


_FIELDS = (("path", str), ("line", int), ("column", int), ("code", str), ("rule", str),
           ("severity", str), ("message", str))
_FIX_FIELDS = (("line", int), ("column", int), ("old", str), ("new", str), ("description", str))


def _finding(item) -> Finding:
    """A finding from a cache entry, every field of the type it must have:
    an entry is JSON anyone could have written, and a line number that is a
    string would break the run far from here.  ValueError otherwise."""
    _check_fields(item, _FIELDS)
    if item["severity"] not in SEVERITIES or item["line"] < 1 or item["column"] < 1:
        raise ValueError("a finding out of range")
    if item.get("suggestion") is not None and not isinstance(item["suggestion"], str):
        raise ValueError("a suggestion that is no string")
    if item.get("fix") is not None:
        _check_fields(item["fix"], _FIX_FIELDS)
    return Finding.from_dict(item)


def _check_fields(item, fields) -> None:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    for name, kind in fields:
        value = item.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{name} is not a {kind.__name__}")


def atomic_write(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same
    directory and a rename, so readers see the old file or the new one."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
