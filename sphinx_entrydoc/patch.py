"""Patch review: ``sphinx-entrydoc check-patch FILE|-``.

Reads ``git format-patch`` output, an mbox holding one or more patches, or a
plain ``git diff``; rebuilds the new text of every ``.rst`` file the patch
creates or changes; lints it with the core; and keeps only the findings on
lines the patch adds, with the patch's own paths and new-file line numbers.
The patch hygiene rules (ED701-ED703) live in :mod:`.rules.patch`.

How the new text of a changed document is rebuilt, best first:

1. from the text an earlier patch of the same series left (a series can add
   a document in patch 1 and change it in patch 2);
2. from the working tree, when the pre-image is there and every hunk's old
   side matches it (or when the tree already holds the post-image);
3. from the hunks alone: every line the hunks show (context and added) at
   its new-file line number, the lines no hunk shows left blank.  Only what
   is visible is checked, and line numbers stay those of the new file.
"""
from __future__ import annotations

import dataclasses
import email
import email.policy
import os
import re
from typing import Dict, Iterable, List, Optional, Tuple

from .errors import InputError
from .findings import Finding
from .read import read_source

DOCUMENTATION_DIR = "Documentation/"

# Line numbers and counts of at most twelve digits: a longer one is no
# line of any file, and int() of thousands of digits is itself slow.
_HUNK_HEADER = re.compile(r"^@@ -(\d{1,12})(?:,(\d{1,12}))? \+(\d{1,12})(?:,(\d{1,12}))? @@")
# A document rebuilt from its hunks alone has its unseen lines filled with
# blank lines, so that line numbers stay those of the new file.  The hunk
# headers say how many: they are bounded by the patch's own size (a line
# per byte of hunk text) with this floor, larger than any kernel document,
# so that a six-line patch cannot make the tool allocate gigabytes.
MIN_REBUILT_LINES = 100_000
# An mbox message separator ("From <sha1> Mon Sep 17 00:00:00 2001" in
# git format-patch output).
_MBOX_FROM = re.compile(r"^From \S+ ")
# Headers a mail starts with when there is no mbox "From " line.
_MAIL_HEADER = re.compile(r"^(From|Subject|Date|To|Cc|Message-I[dD]|Return-Path|Received|"
                          r"Delivered-To|MIME-Version|In-Reply-To|References|X-[\w-]+):", re.I)


@dataclasses.dataclass
class PatchLine:
    kind: str                 # " " context, "-" removed, "+" added
    text: str                 # without the kind character
    old: Optional[int]        # line number on the old side (None for "+")
    new: Optional[int]        # line number on the new side (None for "-")

    @property
    def raw(self) -> str:
        """The line as the patch shows it."""
        return self.kind + self.text


@dataclasses.dataclass
class Hunk:
    header: str
    old_start: int
    new_start: int
    lines: List[PatchLine]

    @property
    def old_side(self) -> List[str]:
        return [l.text for l in self.lines if l.kind != "+"]

    @property
    def new_side(self) -> List[PatchLine]:
        return [l for l in self.lines if l.kind != "-"]

    @property
    def removed(self) -> List[str]:
        return [l.text for l in self.lines if l.kind == "-"]

    @property
    def added(self) -> List[PatchLine]:
        return [l for l in self.lines if l.kind == "+"]

    def first_change_line(self) -> int:
        """New-file line where the hunk's first change is: the added line
        itself, or for a deletion the line that now follows it."""
        next_new = self.new_start if self.new_start > 0 else 1
        for line in self.lines:
            if line.kind == "+":
                return line.new
            if line.kind == "-":
                return next_new
            next_new = line.new + 1
        return next_new

    def touches_new_line(self, number: int) -> bool:
        new_numbers = [l.new for l in self.lines if l.new is not None]
        if not new_numbers:
            return number == self.first_change_line()
        return new_numbers[0] <= number <= new_numbers[-1] or number == self.first_change_line()


@dataclasses.dataclass
class FileDiff:
    old_path: Optional[str]   # None: the patch creates the file
    new_path: Optional[str]   # None: the patch deletes the file
    header: List[str]         # "diff --git", mode, index, "---" and "+++" lines as written
    hunks: List[Hunk] = dataclasses.field(default_factory=list)
    binary: bool = False

    @property
    def is_rename(self) -> bool:
        """A rename or copy: the old path names another file."""
        return self.old_path is not None and self.new_path is not None and self.old_path != self.new_path

    def named_paths(self) -> List[str]:
        """Every path the patch names for this file: old, new, and those of
        git's rename and copy lines."""
        named = [self.old_path, self.new_path]
        for line in self.header:
            for prefix in ("rename from ", "rename to ", "copy from ", "copy to "):
                if line.startswith(prefix):
                    named.append(_unquote(line[len(prefix):]))
        return [p for p in dict.fromkeys(named) if p]

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""

    @property
    def is_new(self) -> bool:
        return self.old_path is None

    @property
    def is_deleted(self) -> bool:
        return self.new_path is None

    @property
    def is_document(self) -> bool:
        return self.path.endswith(".rst")

    @property
    def in_documentation(self) -> bool:
        return self.path.startswith(DOCUMENTATION_DIR)

    def added_lines(self) -> Dict[int, PatchLine]:
        return {l.new: l for h in self.hunks for l in h.added}

    def line(self, number: int) -> Optional[PatchLine]:
        """The new-side patch line with new-file number ``number``."""
        for hunk in self.hunks:
            for line in hunk.new_side:
                if line.new == number:
                    return line
        return None

    def hunk_at(self, number: int) -> Optional[Hunk]:
        for hunk in self.hunks:
            if hunk.touches_new_line(number):
                return hunk
        return None


@dataclasses.dataclass
class Patch:
    number: int               # 1-based position in the input
    subject: str
    author: str
    date: str
    files: List[FileDiff]

    @property
    def is_documentation_patch(self) -> bool:
        return any(f.in_documentation or f.is_document for f in self.files)

    def file(self, path: str) -> Optional[FileDiff]:
        for diff in self.files:
            if diff.path == path:
                return diff
        return None


# -- reading ---------------------------------------------------------------

def read_patches(path: str, data: bytes) -> List[Patch]:
    """Every patch in a format-patch file, an mbox or a plain diff."""
    if not data.strip():
        raise InputError(f"{path}: empty input, no patch to check")
    if _looks_like_mail(data):
        patches = [_patch_from_message(path, number, message)
                   for number, message in enumerate(_split_mbox(data), 1)]
    else:
        patches = [Patch(1, "", "", "", parse_diff(path, _decode(path, data)))]
    patches = [p for p in patches if p.files]
    if not patches:
        raise InputError(f"{path}: no diff found (expected git format-patch output, an mbox or a git diff)")
    return patches


def _decode(path: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte offset {exc.start}")
    # A mail saved with CRLF line ends (transport, not content): every
    # line break is CRLF.  A CR inside a single line is content and is kept.
    if "\r\n" in text and text.count("\n") == text.count("\r\n"):
        text = text.replace("\r\n", "\n")
    return text


def _looks_like_mail(data: bytes) -> bool:
    first = data.lstrip(b"\n").split(b"\n", 1)[0].decode("utf-8", "replace")
    return bool(_MBOX_FROM.match(first) or _MAIL_HEADER.match(first))


def _split_mbox(data: bytes) -> List[bytes]:
    """Messages of an mbox; a file without "From " separators is one message."""
    messages: List[List[bytes]] = []
    previous_blank = True
    for line in data.split(b"\n"):
        if previous_blank and _MBOX_FROM.match(line.decode("utf-8", "replace")):
            messages.append([])
            previous_blank = False
            continue  # the separator is not part of the message
        if not messages:
            messages.append([])
        messages[-1].append(line)
        previous_blank = not line.strip()
    return [b"\n".join(m) for m in messages if b"".join(m).strip()]


def _patch_from_message(path: str, number: int, raw: bytes) -> Patch:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    bodies = []
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        try:
            bodies.append(part.get_content())
        except (LookupError, UnicodeError) as exc:
            raise InputError(f"{path}: message {number}: cannot decode its text ({exc})")
    text = "\n".join(bodies)
    if "\r\n" in text and text.count("\n") == text.count("\r\n"):
        text = text.replace("\r\n", "\n")
    files = parse_diff(path, text)
    return Patch(number, _header(message, "Subject"), _header(message, "From"),
                 _header(message, "Date"), files)


def _header(message, name: str) -> str:
    raw = [v for k, v in message.raw_items() if k.lower() == name.lower()]
    if name == "Date":
        # As the sender wrote it ("On <date>, <author> wrote:"), not re-formatted.
        return " ".join(raw[0].split()) if raw else ""
    try:
        value = message.get(name)
    except (IndexError, ValueError, TypeError, AttributeError, LookupError):
        # The email package's address parser fails on some malformed
        # headers ("From: <"): show the header as it was written.
        value = raw[0] if raw else None
    return " ".join(str(value).split()) if value is not None else ""


# -- parsing a diff --------------------------------------------------------

def parse_diff(path: str, text: str) -> List[FileDiff]:
    """The files of a unified diff (git's or diff -u's); other lines
    (commit message, diffstat, signature) are skipped."""
    lines = text.split("\n")
    files: List[FileDiff] = []
    current: Optional[FileDiff] = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("diff --git "):
            current = FileDiff(*_git_header_paths(line), header=[line])
            files.append(current)
        elif line.startswith("--- ") and index + 1 < len(lines) and lines[index + 1].startswith("+++ "):
            old, new = _path(line[4:], "a/"), _path(lines[index + 1][4:], "b/")
            if current is None or current.hunks or _has_file_lines(current):
                current = FileDiff(old, new, header=[])
                files.append(current)
            current.old_path, current.new_path = old, new
            current.header += [line, lines[index + 1]]
            index += 1
        elif current is not None and line.startswith("@@ "):
            hunk, index = _hunk(path, lines, index)
            current.hunks.append(hunk)
            continue
        elif current is not None and not current.hunks:
            _extended_header(current, line)
        index += 1
    return files


def _has_file_lines(diff: FileDiff) -> bool:
    return any(h.startswith(("--- ", "+++ ")) for h in diff.header)


def _extended_header(diff: FileDiff, line: str) -> None:
    """git's lines between "diff --git" and the first hunk."""
    if line.startswith("new file mode"):
        diff.old_path = None
    elif line.startswith("deleted file mode"):
        diff.new_path = None
    elif line.startswith("rename from "):
        diff.old_path = _unquote(line[len("rename from "):])
    elif line.startswith("rename to "):
        diff.new_path = _unquote(line[len("rename to "):])
    elif line.startswith(("Binary files ", "GIT binary patch")):
        diff.binary = True
    elif not line.startswith(("index ", "old mode", "new mode", "similarity index",
                              "dissimilarity index", "copy from ", "copy to ")):
        return
    diff.header.append(line)


def _git_header_paths(line: str) -> Tuple[Optional[str], Optional[str]]:
    rest = line[len("diff --git "):]
    if rest.startswith('"'):
        # Quoted names: the ---/+++ lines that follow are authoritative.
        return None, None
    # "a/X b/X": both halves have the same length when the path has not changed.
    half = len(rest) // 2
    if rest[half:half + 1] == " " and rest[:half][2:] == rest[half + 1:][2:]:
        return _path(rest[:half], "a/"), _path(rest[half + 1:], "b/")
    old, _, new = rest.partition(" b/")
    return _path(old, "a/"), _path("b/" + new, "b/") if new else None


def _path(field: str, prefix: str) -> Optional[str]:
    field = field.split("\t", 1)[0]  # diff -u appends a time stamp after a tab
    field = _unquote(field)
    if field == "/dev/null":
        return None
    if field.startswith(prefix):
        return field[len(prefix):]
    return field


def _unquote(name: str) -> str:
    """git's C-style quoting of unusual file names ("a/caf\\303\\251.rst")."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    try:
        raw = name[1:-1].encode("latin-1").decode("unicode_escape").encode("latin-1")
        return raw.decode("utf-8")
    except (UnicodeError, ValueError):
        return name[1:-1]


def _hunk(path: str, lines: List[str], index: int) -> Tuple[Hunk, int]:
    header = lines[index]
    match = _HUNK_HEADER.match(header)
    if match is None:
        raise InputError(f"{path}: line {index + 1}: malformed hunk header {header!r}")
    old_start, old_count, new_start, new_count = (
        int(match.group(1)), int(match.group(2) or 1), int(match.group(3)), int(match.group(4) or 1))
    old_line, new_line = old_start if old_count else old_start + 1, new_start if new_count else new_start + 1
    body: List[PatchLine] = []
    index += 1
    # Counting lines, not looking for the next header, is what keeps the
    # format-patch signature ("-- ") out of the last hunk.
    while old_count > 0 or new_count > 0:
        if index >= len(lines):
            raise InputError(f"{path}: hunk {header!r} ends early: the patch is truncated")
        line = lines[index]
        kind, text = (line[:1], line[1:]) if line else (" ", "")  # mailers drop a lone space
        if kind == "\\":          # "\ No newline at end of file"
            index += 1
            continue
        if kind == " " and old_count and new_count:
            body.append(PatchLine(" ", text, old_line, new_line))
            old_line, new_line, old_count, new_count = old_line + 1, new_line + 1, old_count - 1, new_count - 1
        elif kind == "-" and old_count:
            body.append(PatchLine("-", text, old_line, None))
            old_line, old_count = old_line + 1, old_count - 1
        elif kind == "+" and new_count:
            body.append(PatchLine("+", text, None, new_line))
            new_line, new_count = new_line + 1, new_count - 1
        else:
            raise InputError(f"{path}: line {index + 1}: unexpected {line[:40]!r} in hunk {header!r}")
        index += 1
    while index < len(lines) and lines[index].startswith("\\"):
        index += 1
    return Hunk(header, old_start, new_start, body), index


# -- rebuilding the new text of a document ---------------------------------

@dataclasses.dataclass
class Rebuilt:
    text: str
    origin: str   # "new file", "series", "working tree" or "hunks only"


def rebuild(diff: FileDiff, series: Dict[str, str], tree: str,
            max_lines: int = MIN_REBUILT_LINES) -> Rebuilt:
    """The new text of a created or changed file (see the module docstring).

    The working tree is read only at the file's own path (checked by
    :func:`refused_path`), never at the source of a rename or copy: a patch
    may name any file there, and what it does not show must not be read."""
    if diff.is_new:
        return Rebuilt(_join(l.text for h in diff.hunks for l in h.new_side), "new file")
    old_path = diff.old_path or diff.path
    if old_path in series:
        applied = apply_hunks(series[old_path], diff.hunks)
        if applied is not None:
            return Rebuilt(applied, "series")
    on_disk = _tree_text(tree, diff.path)
    if on_disk is not None:
        applied = apply_hunks(on_disk, diff.hunks) if not diff.is_rename else None
        if applied is not None:
            return Rebuilt(applied, "working tree")
        if _shows_post_image(on_disk, diff.hunks):
            return Rebuilt(on_disk, "working tree")
    return Rebuilt(_visible_text(diff, max_lines), "hunks only")


def _join(lines: Iterable[str]) -> str:
    return "\n".join(lines) + "\n"


def _tree_text(tree: str, path: str) -> Optional[str]:
    full = os.path.join(tree, path)
    if not os.path.isfile(full):
        return None
    try:
        return read_source(full).text
    except InputError:
        return None


def apply_hunks(text: str, hunks: List[Hunk]) -> Optional[str]:
    """``text`` with the hunks applied, or None when an old side does not match."""
    lines = text.split("\n")
    trailing = lines[-1] == ""
    if trailing:
        lines.pop()
    result: List[str] = []
    consumed = 0
    for hunk in hunks:
        start = hunk.old_start - 1 if hunk.old_side else hunk.old_start
        if start < consumed or lines[start:start + len(hunk.old_side)] != hunk.old_side:
            return None
        result += lines[consumed:start] + [l.text for l in hunk.new_side]
        consumed = start + len(hunk.old_side)
    result += lines[consumed:]
    return "\n".join(result) + ("\n" if trailing else "")


def _shows_post_image(text: str, hunks: List[Hunk]) -> bool:
    lines = text.split("\n")
    for hunk in hunks:
        for line in hunk.new_side:
            if line.new > len(lines) or lines[line.new - 1] != line.text:
                return False
    return True


def _visible_text(diff: FileDiff, max_lines: int) -> str:
    """The new file as far as the hunks show it: unseen lines are blank, so
    line numbers are those of the new file."""
    shown = {l.new: l.text for h in diff.hunks for l in h.new_side}
    last = max(shown) if shown else 0
    if last > max_lines:
        hunk = next(h for h in diff.hunks if any(l.new == last for l in h.new_side))
        raise InputError(f"{diff.path}: hunk {hunk.header.split(' @@')[0]} @@ reaches line {last:,}, but "
                         f"the file is not in the working tree and this patch can rebuild at most "
                         f"{max_lines:,} lines from its hunks; not checked")
    return _join(shown.get(n, "") for n in range(1, last + 1))


# -- reviewing ---------------------------------------------------------------

@dataclasses.dataclass
class PatchReport:
    patch: Patch
    findings: List[Finding]
    rebuilt: Dict[str, Rebuilt]


def refused_path(path: str, tree: str) -> Optional[str]:
    """Why a path named by a patch is refused, or None.  check-patch stays
    in its working tree: a patch comes from anyone, and the files it names
    are read to rebuild documents."""
    if os.path.isabs(path) or path.startswith("~"):
        return "it is an absolute path"
    if ".." in re.split(r"[/\\]", path):
        return "it contains '..'"
    if "\0" in path:
        return "it contains a NUL character"
    root = os.path.realpath(tree)
    real = os.path.realpath(os.path.join(root, path))
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        return "it resolves outside the working tree (through a symbolic link)"
    return None


def confine(patches: List[Patch], tree: str) -> List[str]:
    """Drop every file whose old or new path is refused from ``patches``;
    one error line for each."""
    errors = []
    for patch in patches:
        kept = []
        for diff in patch.files:
            reasons = [(p, refused_path(p, tree)) for p in diff.named_paths()]
            reasons = [(p, r) for p, r in reasons if r]
            if reasons:
                path, reason = reasons[0]
                errors.append(f"{path!r}: refused, {reason}; check-patch reads only files inside "
                              f"the working tree (patch {patch.number}, file not checked)")
            else:
                kept.append(diff)
        patch.files = kept
    return errors


def rebuild_limit(patches: List[Patch]) -> int:
    """How many lines a document rebuilt from hunks alone may have: the
    patch's own size in bytes, at least MIN_REBUILT_LINES."""
    size = sum(len(l.text) + 2 for p in patches for d in p.files for h in d.hunks for l in h.lines)
    return max(MIN_REBUILT_LINES, size)


def documents_to_check(patches: List[Patch], tree: str, errors: Optional[List[str]] = None
                       ) -> List[Tuple[Patch, FileDiff, Rebuilt]]:
    """Every .rst file each patch creates or changes, with its new text; a
    series' later patches see the text its earlier ones left.  A document
    that cannot be rebuilt is one line in ``errors``."""
    series: Dict[str, str] = {}
    limit = rebuild_limit(patches)
    out = []
    for patch in patches:
        for diff in patch.files:
            if diff.is_deleted or diff.binary or not diff.hunks:
                continue
            if not diff.is_document:
                continue
            try:
                rebuilt = rebuild(diff, series, tree, limit)
            except InputError as exc:
                if errors is None:
                    raise
                errors.append(str(exc))
                continue
            out.append((patch, diff, rebuilt))
            if rebuilt.origin != "hunks only":
                series[diff.path] = rebuilt.text
    return out


def on_added_lines(findings: Iterable[Finding], diff: FileDiff) -> List[Finding]:
    """Only what the patch itself brings: findings on lines it adds, and
    those that stand for the whole document (ED106, ED107)."""
    from .rules.compile import WHOLE_DOCUMENT
    added = diff.added_lines()
    return [f for f in findings if f.line in added or f.code in WHOLE_DOCUMENT]


def review(patches: List[Patch], config, tree: str, cache=None, jobs: int = 1, limits=None
           ) -> Tuple[List[PatchReport], List[str]]:
    """Findings of every patch: the core's on the lines each adds to its
    documents, and the hygiene rules'.  Returns (reports, input errors)."""
    from .read import Source
    from .rules import REGISTRY, load_all
    from .rules import patch as hygiene
    from .runner import check_sources
    load_all()
    errors = confine(patches, tree)
    documents = documents_to_check(patches, tree, errors)
    sources = [Source(diff.path, rebuilt.text, rebuilt.text.encode("utf-8"))
               for _, diff, rebuilt in documents]
    outcome = check_sources(sources, config, cache, jobs, **(limits or {}))
    texts = {(id(patch), diff.path): rebuilt.text for patch, diff, rebuilt in documents}
    listed = hygiene.listed_docnames(patches, lambda p, d: texts.get((id(p), d.path), ""))
    reports = []
    for patch in patches:
        findings: List[Finding] = []
        rebuilt_here = {}
        for (owner, diff, rebuilt), result in zip(documents, outcome.results):
            if owner is patch:
                rebuilt_here[diff.path] = rebuilt
                # ED702 reports trailing whitespace on every added line of
                # every file; the document rule would say it twice.
                findings += [f for f in on_added_lines(result or [], diff)
                             if f.code != "ED002"]
        own_texts = {path: r.text for path, r in rebuilt_here.items()}
        findings += [f for f in hygiene.check(patch, own_texts, listed)
                     if config.wants(f.code, REGISTRY[f.code].profile)]
        reports.append(PatchReport(patch, sorted(findings), rebuilt_here))
    return reports, errors + outcome.errors
