"""Patch hygiene: what a maintainer asks to be fixed in a documentation patch
before reading the document itself.

These rules look at a parsed patch (:mod:`sphinx_entrydoc.patch`), not at a
document, so the core pipeline does not run them: ``check-patch`` does.
"""
from __future__ import annotations

import fnmatch
import posixpath
import re
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Iterable, List, Set

from ..findings import ERROR, WARNING, Finding
from . import rule

WHITESPACE_ONLY_HUNK = rule(
    "ED701", "whitespace-only-hunk", WARNING,
    "A documentation patch should not touch code; a hunk that only changes whitespace or blank "
    "lines outside Documentation/ is an accident that costs every reviewer and backporter time.",
    "unrelated whitespace-only change to {file} in a documentation patch; drop this hunk",
    example="-\\n (the blank line after '// SPDX-License-Identifier' in kernel/entry/common.c)",
)
TRAILING_WHITESPACE_ADDED = rule(
    "ED702", "trailing-whitespace-added", ERROR,
    "checkpatch.pl rejects added lines that end in spaces or tabs; they are invisible in review "
    "and become noise in every later diff.",
    "trailing whitespace",
    example="+The NMI path handles the state.   ->   +The NMI path handles the state.",
)
DOCUMENT_NOT_IN_TOCTREE = rule(
    "ED703", "new-document-not-in-toctree", WARNING,
    "A document that no toctree lists is built but unreachable from the index, and Sphinx "
    "warns \"document isn't included in any toctree\"; add it to an index.rst in the same patch.",
    "new document {document} is not added to any toctree in this patch; list '{entry}' in the "
    "toctree of {index}",
    example="Documentation/core-api/index.rst:  .. toctree::  ...  entry",
)

# What a finding is about, for quoting it in a reply: a whole hunk, a whole
# file, or (every other code) the line it is on.
SCOPE = {WHITESPACE_ONLY_HUNK.code: "hunk", DOCUMENT_NOT_IN_TOCTREE.code: "file"}

_TRAILING = re.compile(r"[ \t]+$")
_TOCTREE = re.compile(r"^(\s*)\.\.\s+toctree::")
_TITLED_ENTRY = re.compile(r"^.*<([^<>]+)>\s*$")
_ORPHAN = re.compile(r"^:orphan:\s*$", re.M)


def check(patch, texts: Dict[str, str], series_listed: Set[str]) -> List[Finding]:
    """Hygiene findings of one patch.

    ``texts`` maps the patch's documents to their rebuilt new text;
    ``series_listed`` holds every docname some toctree of the whole series
    lists (a series may add the index entry in a later patch).
    """
    findings = whitespace_only_hunks(patch)
    findings += trailing_whitespace(patch)
    findings += unlisted_documents(patch, texts, series_listed)
    return findings


def whitespace_only_hunks(patch) -> List[Finding]:
    if not patch.is_documentation_patch:
        return []
    findings = []
    for diff in patch.files:
        if diff.in_documentation or diff.binary:
            continue
        for hunk in diff.hunks:
            if _only_whitespace(hunk.removed, [l.text for l in hunk.added]):
                findings.append(WHITESPACE_ONLY_HUNK.at(diff.path, hunk.first_change_line(), 1,
                                                        file=diff.path))
    return findings


def _only_whitespace(removed: List[str], added: List[str]) -> bool:
    if not removed and not added:
        return False
    squash = lambda lines: "".join("".join(line.split()) for line in lines)  # noqa: E731
    return squash(removed) == squash(added)


def trailing_whitespace(patch) -> List[Finding]:
    findings = []
    for diff in patch.files:
        for number, line in sorted(diff.added_lines().items()):
            match = _TRAILING.search(line.text)
            if match:
                findings.append(TRAILING_WHITESPACE_ADDED.at(diff.path, number, match.start() + 1))
    return findings


def unlisted_documents(patch, texts: Dict[str, str], series_listed: Set[str]) -> List[Finding]:
    findings = []
    for diff in patch.files:
        if not (diff.is_new and diff.is_document):
            continue
        if _ORPHAN.search(texts.get(diff.path, "")):
            continue  # ":orphan:" says on purpose that no toctree lists it
        docname = diff.path[:-len(".rst")]
        if docname in series_listed:
            continue
        index = posixpath.join(posixpath.dirname(diff.path), "index.rst")
        findings.append(DOCUMENT_NOT_IN_TOCTREE.at(diff.path, 1, 1, document=diff.path,
                                                   entry=posixpath.basename(docname), index=index))
    return findings


def listed_docnames(patches, texts_of) -> Set[str]:
    """Docnames (paths without .rst) that the toctrees of the series' .rst
    files list, read from their rebuilt text and from their added lines
    (a rebuilt-from-hunks index may not show its ``.. toctree::`` line)."""
    listed: Set[str] = set()
    all_new = {d.path[:-len(".rst")] for p in patches for d in p.files if d.is_new and d.is_document}
    for patch in patches:
        for diff in patch.files:
            if not diff.is_document or diff.is_deleted:
                continue
            entries = set(toctree_entries(texts_of(patch, diff)))
            entries |= {l.text.strip() for l in diff.added_lines().values()}
            for entry in entries:
                listed |= _resolve(entry, diff.path, all_new)
    return listed


def toctree_entries(text: str) -> Iterable[str]:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _TOCTREE.match(line)
        if not match:
            continue
        indent = len(match.group(1).expandtabs())
        for body in lines[index + 1:]:
            stripped = body.strip()
            if stripped and len(body) - len(body.lstrip()) <= indent:
                break
            if stripped and not stripped.startswith(":"):
                yield stripped


def _resolve(entry: str, index_path: str, candidates: Set[str]) -> Set[str]:
    """The new documents a toctree entry of ``index_path`` names."""
    titled = _TITLED_ENTRY.match(entry)
    target = titled.group(1).strip() if titled else entry.strip()
    if not target or target == "self" or "://" in target or " " in target:
        return set()
    if target.endswith(".rst"):
        target = target[:-len(".rst")]
    if target.startswith("/"):
        # Absolute docnames start at the source directory: Documentation/
        # in the kernel, the top of the tree elsewhere.
        root = index_path.split("Documentation/", 1)[0] + "Documentation" \
            if "Documentation/" in index_path else ""
        name = posixpath.normpath(posixpath.join(root, target.lstrip("/")))
    else:
        name = posixpath.normpath(posixpath.join(posixpath.dirname(index_path), target))
    if any(c in name for c in "*?["):
        return {c for c in candidates if fnmatch.fnmatchcase(c, name)}
    return {name} if name in candidates else set()
