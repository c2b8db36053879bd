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

# One notion of a line, everywhere (extraction, normalisation, positions,
# output): a line ends at "\n", "\r\n" or a lone "\r" -- where Python's
# universal newlines, Sphinx's reader and clang end one -- and nowhere else.
# Form feed, vertical tab, the separators U+001C-U+001E, NEL, U+2028 and
# U+2029 are characters inside a line, as git, diff, grep, checkpatch.pl,
# editors and C compilers see them.  docutils would split lines there
# (str.splitlines), so the text it parses has each of them replaced by a
# space: one column for one column, nothing moves, nothing is hidden.
NOT_LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_AS_SPACE = str.maketrans({c: " " for c in NOT_LINE_BREAKS})


def one_line_per_line(text: str) -> str:
    """``text`` as every step sees it: "\n" line ends only, and the
    characters str.splitlines() would also split at turned into spaces."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_AS_SPACE)


def raw_lines(text: str):
    """The lines of ``text`` with their characters untouched."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@dataclasses.dataclass
class Source:
    path: str
    text: str                # the document's characters, as they are in the file
    data: bytes = b""
    encoding: str = "utf-8"

    @property
    def checked(self) -> str:
        """The text that is parsed and checked (see :func:`one_line_per_line`)."""
        cached = self.__dict__.get("_checked")
        if cached is None or cached[0] is not self.text:
            cached = (self.text, one_line_per_line(self.text))
            self.__dict__["_checked"] = cached
        return cached[1]

    @property
    def lines(self):
        return self.checked.split("\n")

    @property
    def raw_lines(self):
        """The file's lines with every character as it is (for fixes)."""
        return raw_lines(self.text)


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


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def read_bytes(path: str, limit: int = MAX_BYTES, what: str = "document") -> bytes:
    """A file's bytes, or one InputError line saying why not."""
    try:
        # O_NONBLOCK: opening a FIFO named like a document must not wait for
        # a writer; anything but a regular file is refused once open.
        with open(path, "rb", opener=_nonblocking) as handle:
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
