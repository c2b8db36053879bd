"""The one place that loads libclang, so a missing or broken library is one
clear message (exit status 2 in the CLI, one warning in Sphinx)."""
from __future__ import annotations

import atexit
import functools
import os
import threading

from .errors import LibclangMissing

INSTALL_HINT = "install it with: pip install libclang"

# The snippets are C as the kernel writes it; standard headers are off and
# the include path is the stub directories only (see compile.py).
BASE_ARGS = ("-x", "c", "-std=gnu11", "-nostdinc", "-ffreestanding", "-fno-color-diagnostics",
             "-Wall", "-Wno-unused-variable", "-Wno-unused-but-set-variable", "-Wno-unused-value",
             "-Wno-unused-label", "-Wno-unused-function", "-Wimplicit-function-declaration",
             "-Wno-error=implicit-function-declaration", "-Wno-error=int-conversion",
             "-Wno-error=incompatible-pointer-types", "-ferror-limit=0")


@functools.lru_cache(maxsize=None)
def cindex():
    """The ``clang.cindex`` module with a working library, or LibclangMissing."""
    try:
        import clang.cindex as module
    except ImportError:
        raise LibclangMissing("libclang's Python bindings are missing (module clang.cindex); "
                              + INSTALL_HINT)
    _name_library(module)
    try:
        module.Index.create()
    except Exception as exc:  # the bindings raise LibclangError, or OSError from ctypes
        raise LibclangMissing(f"libclang could not be loaded ({str(exc).splitlines()[0]}); "
                              + INSTALL_HINT)
    return module


# The file the bindings look for in their library directory, by platform
# (as their Config.get_filename names it).
LIBRARY_NAMES = {"darwin": "libclang.dylib", "win32": "libclang.dll"}


def _name_library(module) -> None:
    """Tell the bindings the file they would look for anyway, when nobody
    chose one: to name it they import ``platform`` (2 ms, and regular
    expressions compiled) in the process that compiles."""
    config = module.Config
    if config.loaded or config.library_file or not config.library_path:
        return
    import sys
    path = os.path.join(config.library_path, LIBRARY_NAMES.get(sys.platform, "libclang.so"))
    if os.path.isfile(path):
        config.set_library_file(path)


# One index per thread and kind: snippets compile in two threads at once
# (check.py), and a libclang index is not to be shared between threads.
# Keyed by the thread's identifier, which a later thread may reuse once
# the first has ended: one index is then used by one thread at a time.
_INDEXES: dict = {}


def index(snippets: bool = False):
    """This thread's index.  ``snippets``: the one snippets are parsed with,
    which leaves the precompiled stubs' declarations out of a translation
    unit's top-level cursors: a snippet's own are all any check walks, and
    each of the stubs' hundred was a call back into Python per parse (about
    1 ms of a 2-3 ms parse)."""
    key = (threading.get_ident(), snippets)
    made = _INDEXES.get(key)
    if made is None:
        if not _INDEXES:
            # Released before interpreter shutdown: the bindings' __del__
            # fails once their module globals are gone.
            atexit.register(_INDEXES.clear)
        made = _INDEXES[key] = cindex().Index.create(excludeDecls=snippets)
    return made
