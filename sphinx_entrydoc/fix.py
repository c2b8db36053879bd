"""``--fix`` and ``--diff``: apply the fixes findings carry.

A rule attaches a :class:`~sphinx_entrydoc.findings.Fix` only when the
change is unambiguous (one close name, a ``\\*`` in a ``::`` block, trailing
whitespace, a codespell correction with a single candidate), so every fix
of a selected finding is applied.

A fix that renames a name (a typo finding, ED101 or ED501) changes what
the sentence says when the finding is wrong: ``unregister_ftrace_function()``
is no typo of ``register_ftrace_function()``.  So a rename is applied only
where it is certain, judged here on its own, whatever the finding says
(:func:`rename_doubt`): the old name is unknown to the model and to the
source tree, no other known name is as close, and the edit is a slip of the
keyboard inside one word of the name, not another word (``get``/``set``) or
an added or dropped affix (``un``, ``re``, ``s``).  An uncertain rename stays
a finding with its suggestion and is listed as not fixed.

Guarantees:

- every fix is checked against the text before it is applied: ``old`` must
  be at (line, column), else the fix is skipped and said so;
- nothing but the fixed spans changes: the file is decoded with its own
  encoding, split keeping each line's own ending (CRLF stays CRLF), and
  encoded back; a file that would not round-trip byte for byte is refused;
- the file is replaced atomically (temporary file in the same directory,
  then ``os.replace``), with the original file mode;
- a read-only file, or a file whose bytes or mtime changed since it was
  read, is refused with a message and left as it is;
- a symbolic link is written through only when it was named on the command
  line and points inside the working tree: a link met while walking a
  directory could make a fix of a repository's documents edit any file the
  user can write.
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
import stat
import tempfile
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from .errors import InputError
from .findings import Finding, Fix
from .names import osa_distance
from .read import Source

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
BOM = "\ufeff"


class FixRefused(InputError):
    """A file that is not rewritten; the message says why."""


@dataclasses.dataclass
class Applied:
    finding: Finding
    fix: Fix


@dataclasses.dataclass
class Plan:
    """The fixes of one file, computed but not written."""

    source: Source
    new_data: bytes
    applied: List[Applied]
    skipped: List[Tuple[Finding, str]]

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def changed(self) -> bool:
        return self.new_data != self.source.data


@dataclasses.dataclass
class _Lines:
    bom: str
    texts: List[str]
    endings: List[str]

    def join(self) -> str:
        return self.bom + "".join(t + e for t, e in zip(self.texts, self.endings))


def _split(source: Source) -> _Lines:
    """The file's text as the core numbered it (line breaks are CRLF, CR or
    LF; the BOM is not part of line 1), keeping each line's own ending."""
    try:
        raw = source.data.decode(source.encoding)
    except (UnicodeDecodeError, LookupError):
        raise FixRefused(f"{source.path}: cannot decode it as {source.encoding} again; not fixed")
    bom = BOM if raw.startswith(BOM) else ""
    parts = _LINE_BREAK.split(raw[len(bom):])
    lines = _Lines(bom, parts[0::2], parts[1::2] + [""])
    if lines.join().encode(source.encoding) != source.data:
        raise FixRefused(f"{source.path}: {source.encoding} does not give back the same bytes; "
                         "not fixed, to leave every other byte as it is")
    return lines


# Findings whose fix renames a name to a close known one ("did you mean").
RENAME_CODES = ("ED101", "ED501")


class KnownNames:
    """What a rename is judged against: every name the model knows (stubs,
    configured symbols) and, in srctree mode, every name of the tree."""

    def __init__(self, model: Iterable[str], tree=None,
                 is_word: Optional[Callable[[str], bool]] = None):
        self.model = frozenset(model)
        self.tree = tree
        if is_word is None:
            from .english import is_word
        self.is_word = is_word

    def knows(self, name: str) -> bool:
        return name in self.model or (self.tree is not None and self.tree.defines(name))

    def closest(self, name: str) -> List[Tuple[int, str]]:
        """(distance, name) of the known names nearest to ``name``, within two edits."""
        pool = [c for c in self.model if abs(len(c) - len(name)) <= 2]
        if self.tree is not None:
            pool += self.tree.close_names(name)
        scored = sorted({(osa_distance(name, c, 2), c) for c in pool if c != name})
        scored = [(d, c) for d, c in scored if d <= 2]
        return [(d, c) for d, c in scored if d == scored[0][0]] if scored else []

    @functools.cached_property
    def words(self) -> frozenset:
        """The words known names are made of (``irqentry``, ``nmi``, ``exit``)."""
        names = set(self.model)
        if self.tree is not None:
            names |= self.tree.names
        return frozenset(w.lower() for n in names for w in n.split("_") if w)


def rename_doubt(old: str, new: str, known: KnownNames) -> str:
    """Why renaming ``old`` to ``new`` may change what the text means, or ""
    when the rename is certain."""
    if known.knows(old):
        return f"{old}() is a known name"
    if not known.knows(new):
        return f"{new}() is not a known name"
    closest = known.closest(old)
    if not closest:
        return f"{new}() is not a typo away from {old}()"
    others = [c for _, c in closest if c != new]
    if new not in [c for _, c in closest] or others:
        rival = others[0] if others else closest[0][1]
        return f"{rival}() is as close to {old}() as {new}()"
    old_parts, new_parts = old.split("_"), new.split("_")
    if len(old_parts) != len(new_parts):
        if old.replace("_", "") == new.replace("_", ""):
            return ""   # an underscore slipped in or out
        return f"{old}() and {new}() are made of different words"
    changed = [(o, n) for o, n in zip(old_parts, new_parts) if o != n]
    if len(changed) != 1:
        return f"{old}() and {new}() differ in more than one word"
    o, n = changed[0]
    if o.lower() in known.words or (o.isalpha() and known.is_word(o)):
        return f"'{o}' is a word of its own, not a misspelling of '{n}'"
    short, long_ = sorted((o, n), key=len)
    if short and (long_.endswith(short) or (long_.startswith(short) and len(long_) - len(short) > 1)):
        return f"'{o}' and '{n}' differ by an affix ('{long_.replace(short, '', 1)}'), not by a typo"
    return ""


def certain_fixes(findings: Sequence[Finding], known: KnownNames) -> Tuple[List[Finding], List[Tuple[Finding, str]]]:
    """The findings whose fixes may be applied, and (finding, why not) for
    each rename that is not certain."""
    kept: List[Finding] = []
    doubtful: List[Tuple[Finding, str]] = []
    for finding in findings:
        if finding.fix is not None and finding.code in RENAME_CODES:
            doubt = rename_doubt(finding.fix.old, finding.fix.new, known)
            if doubt:
                doubtful.append((finding, f"renaming {finding.fix.old}() to {finding.fix.new}() is not "
                                          f"certain: {doubt}"))
                continue
        kept.append(finding)
    return kept, doubtful


def plan(source: Source, findings: Sequence[Finding], known: Optional[KnownNames] = None) -> Plan:
    """Apply every finding's fix to the text of ``source``, right to left on
    each line so earlier columns stay valid; overlapping fixes after the
    first are skipped.  With ``known``, a rename that is not certain is
    skipped (see :func:`rename_doubt`)."""
    lines = _split(source)
    applied: List[Applied] = []
    skipped: List[Tuple[Finding, str]] = []
    findings = [f for f in findings if f.fix is not None and f.path == source.path]
    if known is not None:
        findings, skipped = certain_fixes(findings, known)
    fixes = sorted({(f.fix.line, f.fix.column, f.fix.old, f.fix.new): f for f in findings}.items(),
                   reverse=True)
    limit = {}  # line -> first column already rewritten on it
    for (line, column, old, new), finding in fixes:
        reason = _check(lines, finding.fix, limit.get(line))
        if reason:
            skipped.append((finding, reason))
            continue
        text = lines.texts[line - 1]
        lines.texts[line - 1] = text[:column - 1] + new + text[column - 1 + len(old):]
        limit[line] = column
        applied.append(Applied(finding, finding.fix))
    applied.reverse()
    return Plan(source, lines.join().encode(source.encoding), applied, skipped)


def _check(lines: _Lines, fix: Fix, rewritten_from) -> str:
    """Why ``fix`` cannot be applied, or ""."""
    if not 1 <= fix.line <= len(lines.texts) or fix.column < 1 or not fix.old:
        return "its position is outside the file"
    if rewritten_from is not None and fix.column - 1 + len(fix.old) > rewritten_from - 1:
        return "it overlaps another fix on the same line"
    text = lines.texts[fix.line - 1]
    found = text[fix.column - 1:fix.column - 1 + len(fix.old)]
    if found != fix.old:
        return f"expected {fix.old!r} at {fix.line}:{fix.column}, found {found!r}"
    return ""


def unified_diff(plan: Plan) -> str:
    if not plan.changed:
        return ""
    old = _keep_ends(plan.source.data.decode(plan.source.encoding))
    new = _keep_ends(plan.new_data.decode(plan.source.encoding))
    diff = difflib.unified_diff(old, new, f"a/{plan.path}", f"b/{plan.path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                   for line in diff)


def _keep_ends(text: str) -> List[str]:
    """Lines with their own endings, split where the core splits them (not
    at form feeds or Unicode line separators, as str.splitlines would)."""
    parts = _LINE_BREAK.split(text)
    lines = [t + e for t, e in zip(parts[0::2], parts[1::2] + [""])]
    return lines if lines[-1] else lines[:-1]


def check_link(path: str, named: bool, tree: str) -> None:
    """Raise FixRefused when ``path`` is a symbolic link that a fix must not
    write through: one met while walking a directory (``named`` False), or
    one named on the command line that points outside ``tree``."""
    if not os.path.islink(path):
        return
    real = os.path.realpath(path)
    if not named:
        raise FixRefused(f"{path}: is a symbolic link (to {real}) met while walking a directory; "
                         "not fixed (name it on the command line to fix the file it points to)")
    root = os.path.realpath(tree)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        raise FixRefused(f"{path}: is a symbolic link to {real}, outside the working tree {root}; "
                         "not fixed")


def write(plan: Plan, named: bool = True, tree: str = "") -> None:
    """Replace the file with the fixed bytes, or raise FixRefused and leave
    it untouched.  ``named``: the path was given on the command line (not
    found by walking a directory); ``tree``: where a named symbolic link may
    point (default: the current directory)."""
    if not plan.changed:
        return
    check_link(plan.path, named, tree or os.getcwd())
    target = os.path.realpath(plan.path)  # through a symlink: rewrite the file, keep the link
    before = _stat(plan.path, target)
    if _read_only(target, before):
        raise FixRefused(f"{plan.path}: file is read-only; not fixed (left unchanged)")
    if _current_bytes(plan.path, target) != plan.source.data:
        raise FixRefused(f"{plan.path}: changed since it was read; not fixed (left unchanged), "
                         "run the fix again")
    try:
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.",
                                         suffix=".entrydoc-fix")
    except OSError as exc:
        raise FixRefused(f"{plan.path}: cannot create a temporary file next to it "
                         f"({exc.strerror or exc}); not fixed (left unchanged)")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(plan.new_data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(before.st_mode))
        # The last look before the rename: another writer since our read?
        if _changed(before, _stat(plan.path, target)):
            raise FixRefused(f"{plan.path}: changed while it was being fixed; not fixed (left unchanged), "
                             "run the fix again")
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise FixRefused(f"{plan.path}: cannot write it ({exc.strerror or exc}); not fixed (left unchanged)")
        raise


def _stat(path: str, target: str) -> os.stat_result:
    try:
        return os.stat(target)
    except OSError as exc:
        raise FixRefused(f"{path}: cannot read it any more ({exc.strerror or exc}); not fixed")


def _current_bytes(path: str, target: str) -> bytes:
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise FixRefused(f"{path}: cannot read it any more ({exc.strerror or exc}); not fixed")


def _read_only(target: str, status: os.stat_result) -> bool:
    # root may write anything, so the mode bits are asked too: a file
    # nobody may write is one its owner wants left alone.
    no_write_bits = not status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return no_write_bits or not os.access(target, os.W_OK)


def _changed(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_ino, before.st_size, before.st_mtime_ns) != (after.st_ino, after.st_size, after.st_mtime_ns)
