"""Which kernel the checks are made against.

The stub headers model every kernel from the oldest generic-entry LTS line
(v5.10) to the newest mainline tree read for this release of the tool.
One version is chosen per run:

1. ``--kernel-version X.Y`` (``vX.Y``), ``kernel-version`` in
   ``[tool.sphinx-entrydoc]`` or ``entrydoc_kernel_version`` in conf.py;
2. else, with a source tree, the tree's top ``Makefile`` (``VERSION``,
   ``PATCHLEVEL``);
3. else the newest modelled mainline.

The headers see it as ``ENTRYDOC_KERNEL``, ``KV(major, minor)`` (see
stubs/include/entrydoc/annotations.h).
"""
from __future__ import annotations

import os
import re

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Tuple
    Version = Tuple[int, int]

from .errors import InputError

# The release series per major number: 5.x ended with 5.19, 6.x with 6.19.
LAST_MINOR = {5: 19, 6: 19}
OLDEST: Version = (5, 10)
# The newest mainline modelled: linux-riscv/linux at 0961bb1bae7e (Makefile
# VERSION = 7, PATCHLEVEL = 3, EXTRAVERSION = -rc1).
NEWEST: Version = (7, 3)

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?(?:-rc\d+)?")


def name(version: Version) -> str:
    return f"v{version[0]}.{version[1]}"


def supported_range() -> str:
    return f"{name(OLDEST)} to {name(NEWEST)}"


def parse(text: str) -> Version:
    """``6.18``, ``v6.18`` (a sublevel or -rc suffix is ignored); anything
    else, or a version outside the modelled range, is an InputError."""
    match = _VERSION.fullmatch(str(text).strip())
    if not match:
        raise InputError(f"invalid kernel version {text!r}: give X.Y or vX.Y, "
                         f"from {supported_range()}")
    version = (int(match.group(1)), int(match.group(2)))
    check(version, str(text).strip())
    return version


def exists(version: Version) -> bool:
    major, minor = version
    last = LAST_MINOR.get(major)
    return last is None or minor <= last


def in_range(version: Version) -> bool:
    return OLDEST <= version <= NEWEST and exists(version)


def check(version: Version, text: Optional[str] = None) -> None:
    if not in_range(version):
        shown = text or name(version)
        raise InputError(f"kernel version {shown} is outside the modelled range {supported_range()}")


def nearest(version: Version) -> Version:
    """The modelled version closest to ``version`` (the Sphinx extension
    goes on with it after one warning)."""
    if version < OLDEST:
        return OLDEST
    if version > NEWEST:
        return NEWEST
    major, minor = version
    return (major, min(minor, LAST_MINOR.get(major, minor)))


def lenient(text: str) -> Tuple[Version, Optional[str]]:
    """A version for a front end that must go on (Sphinx): the version and
    None, or the nearest modelled version and the problem in one line."""
    match = _VERSION.fullmatch(str(text).strip())
    if not match:
        return NEWEST, (f"invalid kernel version {text!r}: give X.Y or vX.Y, from "
                        f"{supported_range()}; checking against {name(NEWEST)}")
    version = (int(match.group(1)), int(match.group(2)))
    if in_range(version):
        return version, None
    chosen = nearest(version)
    return chosen, (f"kernel version {text.strip()} is outside the modelled range "
                    f"{supported_range()}; checking against {name(chosen)}")


_MAKE_VAR = re.compile(r"^(VERSION|PATCHLEVEL)\s*[:?]?=\s*(\d+)\s*$", re.M)


def from_makefile(srctree: str) -> Optional[Version]:
    """VERSION and PATCHLEVEL of a kernel tree's top Makefile; None when
    the tree has no such Makefile (not a kernel tree, or not readable)."""
    path = os.path.join(srctree, "Makefile")
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return None
    found = dict(_MAKE_VAR.findall(head))
    if "VERSION" not in found or "PATCHLEVEL" not in found:
        return None
    return int(found["VERSION"]), int(found["PATCHLEVEL"])


def resolve(given: str, srctree: str = "") -> Version:
    """The version of a run (see the module docstring); InputError when the
    given or found version is not modelled."""
    if given:
        return parse(given)
    if srctree:
        found = from_makefile(srctree)
        if found is not None:
            check(found, f"{found[0]}.{found[1]} (from {os.path.join(srctree, 'Makefile')})")
            return found
    return NEWEST


def define(version: Version) -> str:
    """The -D argument that hands the version to the stub headers."""
    return f"-DENTRYDOC_KERNEL=KV({version[0]},{version[1]})"
