"""Settings of the command line front end: ``[tool.sphinx-entrydoc]`` in
``pyproject.toml`` (or ``--config FILE``), then the command line, which wins.

The configuration file is the closest ``pyproject.toml`` with a
``[tool.sphinx-entrydoc]`` table, looked for in the current directory and
its parents.  ``--config FILE`` names one instead: a ``pyproject.toml`` (its
``[tool.sphinx-entrydoc]`` table is read) or any other TOML file, whose top
level holds the same keys.  Paths in a configuration file are relative to
the file's directory.

A bad value ends the run with one line naming the file, the key and the
values it allows (exit status 2).
"""
from __future__ import annotations

import dataclasses
import os
import sys
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Optional, Tuple

from .config import (DEFAULT_FILLER_WORDS, LITERAL_LANGUAGES, PROFILES, STATE_KEYS, Config, SECONDS_ALLOWED,
                     documents_value, seconds, size)
from .errors import InputError

TABLE = "sphinx-entrydoc"
FORMATS = ("text", "json", "sarif", "github")
PATCH_FORMATS = FORMATS + ("email",)
DEFAULT_CACHE_DIR = ".entrydoc-cache"


@dataclasses.dataclass
class Settings:
    stubs: Tuple[str, ...] = ()
    srctree: str = ""
    profile: str = "default"
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    format: str = "text"
    jobs: int = 1
    timeout: float = 60.0
    memory_limit: int = 2 * 1024 ** 3
    cache: bool = True
    cache_dir: str = DEFAULT_CACHE_DIR
    strict: bool = False
    literal_language: str = "auto"
    known_symbols: Tuple[str, ...] = ()
    filler_words: Tuple[str, ...] = DEFAULT_FILLER_WORDS
    vocabulary: Tuple[Tuple[str, str], ...] = ()
    documents: Tuple[str, ...] = ("auto",)
    kernel_version: str = ""
    source: str = ""  # the configuration file read, "" for none

    def limits(self) -> Dict[str, Any]:
        """The supervision limits, as runner.check_sources takes them."""
        return {"timeout": self.timeout, "memory_limit": self.memory_limit}

    def config(self) -> Config:
        return Config(stub_dirs=self.stubs, profile=self.profile, select=self.select,
                      ignore=self.ignore, literal_language=self.literal_language,
                      vocabulary=self.vocabulary, known_symbols=self.known_symbols,
                      filler_words=self.filler_words, srctree=self.srctree,
                      documents=self.documents,
                      kernel_version=self.kernel_version)


# -- value checkers: (value, base directory) -> value, or ValueError(allowed) --

def _choice(allowed):
    def check(value, base):
        if value not in allowed:
            raise ValueError(", ".join(allowed))
        return value
    return check


def _bool(value, base):
    if not isinstance(value, bool):
        raise ValueError("true, false")
    return value


def _codes(value, base):
    """A list of codes or prefixes, or one comma-separated string."""
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split()]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("a list of rule codes or prefixes, e.g. [\"ED1\", \"ED601\"]")
    return tuple(v.strip().upper() for v in value)


def _strings(value, base):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("a list of strings")
    return tuple(value)


def _path(value, base):
    if not isinstance(value, str) or not value:
        raise ValueError("a path (a string)")
    return os.path.normpath(os.path.join(base, os.path.expanduser(value)))


def _paths(value, base):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError("a list of paths")
    return tuple(_path(v, base) for v in value)


def _globs(value, base):
    """Patterns with a '/' are paths (relative to the configuration file's
    directory); patterns without one match a file or directory name."""
    patterns = _strings([value] if isinstance(value, str) else value, base)
    return tuple(os.path.join(os.path.abspath(base), p) if "/" in p else p for p in patterns)


def _jobs(value, base):
    if value == "auto":
        return available_cpus()
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("a positive integer, \"auto\"")
    return value


def _seconds(value, base):
    if not isinstance(value, (int, float)):
        raise ValueError(SECONDS_ALLOWED)
    return seconds(value)


def _size(value, base):
    return size(value)


def _kernel_version(value, base):
    """X.Y or vX.Y within the modelled range; the range check words its own
    line (one line, exit 2), as on the command line."""
    from . import kversion
    from .errors import InputError
    allowed = f"\"X.Y\" or \"vX.Y\" from {kversion.supported_range()} (the modelled range)"
    if not isinstance(value, str):
        raise ValueError(allowed)
    try:
        version = kversion.parse(value)
    except InputError:
        raise ValueError(allowed) from None
    return f"{version[0]}.{version[1]}"


def _vocabulary(value, base):
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in value.items()):
        raise ValueError("a table of list words to state keys, e.g. {\"irq state\" = \"rcu\"}")
    unknown = [v for v in value.values() if v not in STATE_KEYS]
    if unknown:
        raise ValueError(f"a table of list words to the state keys {', '.join(STATE_KEYS)} "
                         f"({unknown[0]!r} is none of them)")
    return tuple(sorted(value.items()))


def _documents(value, base):
    """auto | all | opt-in, globs and !globs (selection.py)."""
    return documents_value(value)


# key in the file -> (Settings field, checker)
KEYS: Dict[str, Tuple[str, Callable[[Any, str], Any]]] = {
    "stubs": ("stubs", _paths),
    "srctree": ("srctree", _path),
    "profile": ("profile", _choice(PROFILES)),
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "exclude": ("exclude", _globs),
    "format": ("format", _choice(PATCH_FORMATS)),
    "jobs": ("jobs", _jobs),
    "timeout": ("timeout", _seconds),
    "memory-limit": ("memory_limit", _size),
    "cache": ("cache", _bool),
    "cache-dir": ("cache_dir", _path),
    "strict": ("strict", _bool),
    "literal-language": ("literal_language", _choice(LITERAL_LANGUAGES)),
    "known-symbols": ("known_symbols", _strings),
    "filler-words": ("filler_words", _strings),
    "vocabulary": ("vocabulary", _vocabulary),
    "documents": ("documents", _documents),
    "kernel-version": ("kernel_version", _kernel_version),
}


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def find_config(start: str) -> Optional[str]:
    """The closest pyproject.toml with a [tool.sphinx-entrydoc] table."""
    directory = os.path.abspath(start)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and TABLE in _tool_table(candidate, _load(candidate)):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _load(path: str) -> dict:
    # Imported here: most runs have no configuration file to read.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.9 and 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the configuration file: {exc.strerror or exc}")
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte offset {exc.start} (TOML files are UTF-8)")


def _tool_table(path: str, data: dict) -> dict:
    """``[tool]`` of a pyproject.toml; it must be a table (``tool = 5`` is
    not one, and would hide ours)."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise InputError(f"{path}: 'tool' must be a table ([tool.{TABLE}]), not {type(tool).__name__}")
    return tool


def read_config(path: str) -> Dict[str, Any]:
    """The checked settings of one configuration file, by Settings field."""
    data = _load(path)
    if os.path.basename(path) == "pyproject.toml":
        table = _tool_table(path, data).get(TABLE, {})
        where = f"{path}: [tool.{TABLE}]"
    else:
        table, where = data, path
    if not isinstance(table, dict):
        raise InputError(f"{where}: must be a table")
    base = os.path.dirname(os.path.abspath(path))
    values = {}
    for key, value in table.items():
        if key not in KEYS:
            raise InputError(f"{where}: unknown key {key!r}; known keys: {', '.join(KEYS)}")
        field, check = KEYS[key]
        try:
            values[field] = check(value, base)
        except ValueError as exc:
            raise InputError(f"{where}: invalid value {value!r} for {key}: allowed values are {exc}")
    return values


def load(config_file: Optional[str], isolated: bool, overrides: Dict[str, Any]) -> Settings:
    """Settings from the configuration file, then ``overrides`` (the options
    given on the command line, already checked by argparse)."""
    values: Dict[str, Any] = {}
    source = ""
    if config_file:
        if not os.path.isfile(config_file):
            raise InputError(f"{config_file}: no such configuration file")
        source = config_file
    elif not isolated:
        source = find_config(os.getcwd()) or ""
    if source:
        values.update(read_config(source))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(source=source, **values)
