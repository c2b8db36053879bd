"""Step 1 of the pipeline: read a document's bytes into text, or say clearly why not."""
from __future__ import annotations

import codecs
import dataclasses
import os
import re

from .errors import InputError

# An Emacs/Vim style coding declaration in the first two lines, as Python
# source files have: ".. -*- coding: latin-1 -*-".
# The largest kernel documents are a few hundred kilobytes; anything over
# this is not a document a person wrote, and parsing it would take minutes.
MAX_BYTES = 10 * 2**20
_CODING = re.compile(rb"coding[:=]\s*([-\w.]+)")


@dataclasses.dataclass
class Source:
    path: str
    text: str
    data: bytes = b""
    encoding: str = "utf-8"

    @property
    def lines(self):
        return self.text.split("\n")


def declared_encoding(data: bytes) -> str:
    for line in data.split(b"\n", 2)[:2]:
        match = _CODING.search(line)
        if match:
            name = match.group(1).decode("ascii")
            try:
                return codecs.lookup(name).name
            except LookupError:
                raise InputError(f"unknown encoding {name!r} declared in the first lines")
    return "utf-8"


def decode(path: str, data: bytes) -> Source:
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: {len(data) / 2**20:.1f} MiB is larger than the "
                         f"{MAX_BYTES // 2**20} MiB limit for one document")
    if b"\0" in data:
        raise InputError(f"{path}: binary file (contains NUL bytes), not a reStructuredText document")
    encoding = declared_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid {encoding} at byte offset {exc.start}; "
                         "declare the encoding (\".. -*- coding: NAME -*-\") or convert the file")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(path=path, text=text, data=data, encoding=encoding)


def read_bytes(path: str, limit: int = MAX_BYTES, what: str = "document") -> bytes:
    """A file's bytes, or one InputError line saying why not."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise InputError(f"{path}: {size / 2**20:.1f} MiB is larger than the "
                                 f"{limit // 2**20} MiB limit for one {what}")
            return handle.read(limit + 1)
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a {what}")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file")
    except PermissionError:
        raise InputError(f"{path}: permission denied")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}")


def read_source(path: str) -> Source:
    return decode(path, read_bytes(path))
