"""Step 1 of the pipeline: read a document's bytes into text, or say clearly why not."""
from __future__ import annotations

import codecs
import dataclasses
import os
import re
import stat

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


# Codecs Python calls text encodings that are no character sets: they
# transform text (punycode, idna) or interpret escapes (unicode_escape), so a
# document declaring one would be read as something else than what it shows.
_NOT_CHARSETS = {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined"}


def declared_encoding(data: bytes, path: str = "") -> str:
    where = f"{path}: " if path else ""
    for line in data.split(b"\n", 2)[:2]:
        match = _CODING.search(line)
        if match:
            name = match.group(1).decode("ascii")
            try:
                info = codecs.lookup(name)
            except LookupError:
                raise InputError(f"{where}unknown encoding {name!r} declared in the first lines")
            if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
                raise InputError(f"{where}encoding {name!r} declared in the first lines is not a "
                                 "character set (it transforms the text); declare one such as "
                                 "utf-8 or latin-1")
            return info.name
    return "utf-8"


def decode(path: str, data: bytes) -> Source:
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: {len(data) / 2**20:.1f} MiB is larger than the "
                         f"{MAX_BYTES // 2**20} MiB limit for one document")
    if b"\0" in data:
        raise InputError(f"{path}: binary file (contains NUL bytes), not a reStructuredText document")
    encoding = declared_encoding(data, path)
    try:
        text = data.decode(encoding)
    except UnicodeError as exc:
        offset = f" at byte offset {exc.start}" if isinstance(exc, UnicodeDecodeError) else ""
        raise InputError(f"{path}: not valid {encoding}{offset}; "
                         "declare the encoding (\".. -*- coding: NAME -*-\") or convert the file")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(path=path, text=text, data=data, encoding=encoding)


def read_bytes(path: str, limit: int = MAX_BYTES, what: str = "document") -> bytes:
    """A file's bytes, or one InputError line saying why not."""
    try:
        # O_NONBLOCK: opening a FIFO named like a document must not wait for
        # a writer; anything but a regular file is refused once open.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                if stat.S_ISDIR(status.st_mode):
                    raise IsADirectoryError
                raise InputError(f"{path}: not a regular file (a FIFO, socket or device), not a {what}")
            size = status.st_size
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
