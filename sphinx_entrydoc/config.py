"""Settings shared by the CLI (pyproject.toml, command line) and Sphinx (conf.py)."""
from __future__ import annotations

import dataclasses
import functools
import os

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Tuple

from .errors import InputError

PROFILES = ("default", "review")
LITERAL_LANGUAGES = ("auto", "c", "none")

# The state keys of the stubs' ENTRYDOC_ORDER annotations (entrydoc/annotations.h).
STATE_KEYS = ("lockdep", "rcu", "preempt", "tracing", "time", "tick", "softirq")

# Default vocabulary mapping the words of an ordering list to state keys.
# Keys are those of the stubs' ENTRYDOC_ORDER annotations.
DEFAULT_VOCABULARY: Dict[str, str] = {
    "lockdep": "lockdep",
    "rcu": "rcu",
    "rcu / context tracking": "rcu",
    "context tracking": "rcu",
    "preemption counter": "preempt",
    "preemption count": "preempt",
    "preempt count": "preempt",
    "tracing": "tracing",
    "time accounting": "time",
    "nohz tick state": "tick",
    "tick": "tick",
    "soft interrupts": "softirq",
}

DEFAULT_FILLER_WORDS = ("obviously", "needless to say")


@dataclasses.dataclass(frozen=True)
class Config:
    stub_dirs: Tuple[str, ...] = ()
    profile: str = "default"
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    literal_language: str = "auto"
    vocabulary: Tuple[Tuple[str, str], ...] = ()
    known_symbols: Tuple[str, ...] = ()
    filler_words: Tuple[str, ...] = DEFAULT_FILLER_WORDS
    srctree: str = ""
    # Which documents are checked (selection.py): "auto", "all", "opt-in", globs, "!globs".
    documents: Tuple[str, ...] = ("auto",)
    # The kernel version checked against, "X.Y"; "" means: from the source
    # tree's Makefile, else the newest modelled mainline (resolve_kernel_version).
    kernel_version: str = ""
    # Sphinx keeps building without libclang (one warning, non-compile checks
    # only); the CLI stops with one line instead.
    allow_missing_libclang: bool = False

    def __post_init__(self):
        _choice("profile", self.profile, PROFILES)
        _choice("literal_language", self.literal_language, LITERAL_LANGUAGES)
        for word, key in self.vocabulary:
            if key not in STATE_KEYS:
                raise InputError(f"invalid state key {key!r} for {word!r} in the order vocabulary: "
                                 "allowed values are " + ", ".join(STATE_KEYS))

    @property
    def order_vocabulary(self) -> Dict[str, str]:
        vocabulary = dict(DEFAULT_VOCABULARY)
        vocabulary.update((k.lower().strip(), v) for k, v in self.vocabulary)
        return vocabulary

    def wants(self, code: str, profile_of_rule: str) -> bool:
        """Selection as flake8 does it: the longest matching prefix of
        --select and --ignore decides; review rules need the review profile
        or an explicit selection."""
        selected = _longest(code, self.select)
        ignored = _longest(code, self.ignore)
        if profile_of_rule == "review" and self.profile != "review" and not selected:
            return False
        if self.select and not selected:
            return False
        return ignored <= selected if ignored else True

    def kernel(self):
        """The kernel version (major, minor) the checks run against."""
        from . import kversion
        return kversion.resolve(self.kernel_version, self.srctree)

    def key(self) -> str:
        """A stable text naming every setting (part of cache keys)."""
        return repr(dataclasses.astuple(self))


SRCTREE_ENV = "srctree"
CACHE_DIR_ENV = "SPHINX_ENTRYDOC_CACHE_DIR"


def default_cache_dir() -> str:
    """Where the tool keeps what it can make again (source tree indexes,
    precompiled stub headers): $SPHINX_ENTRYDOC_CACHE_DIR, else
    $XDG_CACHE_HOME/sphinx-entrydoc, else ~/.cache/sphinx-entrydoc."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "sphinx-entrydoc")


def resolve_srctree(config: Config, environ=os.environ, warn=None) -> Config:
    """``config`` with ``srctree`` taken from the ``srctree`` environment
    variable when the configuration leaves it empty (the kernel's ``make
    htmldocs`` exports it, and its kerneldoc extension reads it).  The CLI and
    the Sphinx extension both call this where they build their Config; the
    core itself never reads the environment, so a Config means the same
    everywhere.

    Fails closed: a tree named in the configuration that is not a kernel
    tree is an InputError (the run stops with one line); one the
    environment names is dropped, with one call of ``warn`` saying so, and
    every document is still checked, without it."""
    if config.srctree:
        problem = srctree_problem(config.srctree)
        if problem:
            raise InputError(problem)
        return config
    if not environ.get(SRCTREE_ENV):
        return config
    path = os.path.abspath(environ[SRCTREE_ENV])
    problem = srctree_problem(path)
    if problem:
        if warn is not None:
            warn(f"${SRCTREE_ENV}: {problem}; the documents are checked without a source tree")
        return config
    return dataclasses.replace(config, srctree=path)


def srctree_problem(path: str) -> str:
    """Why ``path`` cannot be indexed as a kernel source tree ("" when it can)."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None
    return _srctree_problem(path, stamp)


@functools.lru_cache(maxsize=8)
def _srctree_problem(path: str, _stamp) -> str:
    from .srctree import INDEXED_DIRS, indexed_directories
    if not os.path.isdir(path):
        return f"srctree {path!r} is not a directory"
    if not indexed_directories(path):
        return (f"srctree {path!r} has none of " + ", ".join(d + "/" for d in INDEXED_DIRS)
                + ": is it a kernel source tree?")
    return ""


def resolve_kernel_version(config: Config) -> Config:
    """``config`` with ``kernel_version`` decided (given, else the source
    tree's Makefile, else the newest modelled mainline), so that it is part
    of every cache key; InputError when it is outside the modelled range.
    Call after resolve_srctree."""
    version = config.kernel()
    return dataclasses.replace(config, kernel_version=f"{version[0]}.{version[1]}")


def _longest(code: str, prefixes) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=0)


def _choice(key: str, value: str, allowed) -> None:
    if value not in allowed:
        raise InputError(f"invalid value {value!r} for {key}: allowed values are "
                         + ", ".join(allowed))


# -- value checks both front ends make: each returns the value or raises a
# ValueError whose text says what is allowed (the front end names the key).
# Kept here, not beside their users, so a Sphinx build checks conf.py
# without importing the selection or the command line's settings.

def documents_value(value) -> Tuple[str, ...]:
    """The documents setting (selection.py reads it) as a tuple, or ValueError
    naming what is allowed."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i.strip() for i in items):
        raise ValueError("auto, all, opt-in, a glob or !glob, or a list of them")
    result = []
    for item in items:
        result += [p for p in item.replace(",", " ").split() if p]
    return tuple(result)


MAX_SECONDS = 86_400
SECONDS_ALLOWED = f"a number of seconds from 0 to {MAX_SECONDS:,} (0: check in-process, without a limit)"


def seconds(value) -> float:
    """A per-document time limit: finite, 0 to a day.  NaN compares false
    with everything, so it is refused explicitly; inf and 1e10 would
    overflow the wait in the supervisor."""
    import math
    if isinstance(value, bool):
        raise ValueError(SECONDS_ALLOWED)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(SECONDS_ALLOWED) from None
    if math.isnan(number) or not 0 <= number <= MAX_SECONDS:
        raise ValueError(SECONDS_ALLOWED)
    return number


SIZE_ALLOWED = "a size in bytes with an optional K, M or G suffix (powers of 1024), e.g. 512M or 4G; 0: no limit"
_UNITS = {"": 1, "K": 2 ** 10, "M": 2 ** 20, "G": 2 ** 30}


def size(value) -> int:
    """A memory limit: ``2G``, ``512M``, ``1048576``; 0 for none; at least
    64 MiB otherwise (less would not even load libclang)."""
    import re
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(SIZE_ALLOWED)
    match = re.fullmatch(r"\s*(\d{1,15})\s*([KMG]?)(?:i?B)?\s*", str(value), re.I)
    if match is None:
        raise ValueError(SIZE_ALLOWED)
    number = int(match.group(1)) * _UNITS[match.group(2).upper()]
    if number and number < 64 * 2 ** 20:
        raise ValueError(SIZE_ALLOWED + "; at least 64M")
    return number
