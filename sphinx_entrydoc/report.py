"""Step 6 of the pipeline: findings to text, JSON, SARIF, GitHub annotations
or a reply-style review mail.

Each format is a formatter with flake8's life cycle: ``start()``, then
``handle(finding)`` for every finding in output order, then
``stop(summary)``.  Formatters that need the whole run (JSON, SARIF, mail)
collect in ``handle`` and write in ``stop``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Dict, List, Optional, Sequence

from ._version import __version__
from .findings import ERROR, STYLE, WARNING, Finding

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVELS = {ERROR: "error", WARNING: "warning", STYLE: "note"}
GITHUB_COMMANDS = {ERROR: "error", WARNING: "warning", STYLE: "notice"}


@dataclasses.dataclass
class Summary:
    findings: Sequence[Finding]
    documents: int
    input_errors: Sequence[str] = ()
    unit: str = "document(s)"   # what ``documents`` counts: "document(s)" or "patch(es)"
    skipped: int = 0            # documents the selection skipped (lint)
    kernel: str = ""            # the kernel version checked against, "v6.18"


# -- counting and one finding as text ---------------------------------------------

def summary_counts(findings: Sequence[Finding], documents: int) -> dict:
    counts = {ERROR: 0, WARNING: 0, STYLE: 0}
    for f in findings:
        counts[f.severity] += 1
    return {"documents": documents, "errors": counts[ERROR], "warnings": counts[WARNING],
            "style": counts[STYLE]}


def summary_line(findings: Sequence[Finding], documents: int, unit: str = "document(s)",
                 kernel: str = "", skipped: int = 0) -> str:
    s = summary_counts(findings, documents)
    affected = len({f.path for f in findings if f.severity == ERROR})
    # A patch's errors can be in any file it touches (trailing whitespace in C).
    where = "file(s)" if unit.startswith("patch") else "document(s)"
    return (f"{s['errors']} error(s) in {affected} {where}, {s['warnings']} warning(s), "
            f"{s['style']} style finding(s); {documents} {unit} checked"
            + (f" against kernel {kernel}" if kernel else "")
            + (f", {skipped} skipped (not entry-style; --stats says why, --documents all checks them)"
               if skipped else ""))


# What a document must not smuggle into one line of text output: line breaks
# of any kind (a forged "path:line:col: CODE" line), terminal escapes and
# other control characters (ESC [2K erases the line shown), and the bidi
# controls that reorder what a reader sees.  A tab stays a tab.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """``text`` with every character that could break or disguise a line of
    output written as an escape (``\\n``, ``\\x1b``, ``\\u2028``)."""
    return _UNSAFE.sub(_escape, text)


def _escape(match) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r"}.get(char)
    if named:
        return named
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def _text_lines(f: Finding) -> str:
    severity = "" if f.severity == ERROR else f"[{f.severity}] "
    out = f"{one_line(f.path)}:{f.line}:{f.column}: {f.code} {severity}{one_line(f.message)}\n"
    if f.suggestion:
        out += f"    suggestion: {one_line(f.suggestion)}\n"
    return out


# -- formatters ----------------------------------------------------------------------

class Formatter:
    def __init__(self, stream: IO[str]):
        self.stream = stream

    def start(self) -> None:
        pass

    def handle(self, finding: Finding) -> None:
        raise NotImplementedError

    def stop(self, summary: Summary) -> None:
        pass


class TextFormatter(Formatter):
    """``path:line:col: CODE message``, the suggestion on an indented line."""

    def handle(self, finding: Finding) -> None:
        self.stream.write(_text_lines(finding))


class GithubFormatter(Formatter):
    """GitHub Actions workflow commands: one annotation per finding."""

    def handle(self, finding: Finding) -> None:
        command = GITHUB_COMMANDS[finding.severity]
        properties = ",".join(f"{k}={_github_property(str(v))}" for k, v in (
            ("file", finding.path), ("line", finding.line), ("col", finding.column),
            ("title", finding.code)))
        message = finding.message + (f" (suggestion: {finding.suggestion})" if finding.suggestion else "")
        self.stream.write(f"::{command} {properties}::{_github_data(message)}\n")


def _github_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(value: str) -> str:
    return _github_data(value).replace(":", "%3A").replace(",", "%2C")


class _Collecting(Formatter):
    def __init__(self, stream: IO[str]):
        super().__init__(stream)
        self.findings: List[Finding] = []

    def handle(self, finding: Finding) -> None:
        self.findings.append(finding)


class JsonFormatter(_Collecting):
    """``{"findings": [...], "summary": {...}}``; ``extra`` adds top-level
    keys and ``annotate`` per-finding keys (check-patch's patch numbers)."""

    def __init__(self, stream: IO[str], extra: Optional[dict] = None, annotate=None):
        super().__init__(stream)
        self.extra = extra or {}
        self.annotate = annotate

    def stop(self, summary: Summary) -> None:
        items = []
        for finding in self.findings:
            item = finding.as_dict()
            if self.annotate is not None:
                item.update(self.annotate(finding))
            items.append(item)
        counts = summary_counts(summary.findings, summary.documents)
        counts["input_errors"] = len(summary.input_errors)
        if summary.kernel:
            counts["kernel_version"] = summary.kernel
        data = {"findings": items, **self.extra, "summary": counts}
        self.stream.write(json.dumps(data, indent=2) + "\n")


class SarifFormatter(_Collecting):
    """SARIF 2.1.0: one run, every declared rule with its rationale, one
    result per finding with its region, and the fix where there is one."""

    def stop(self, summary: Summary) -> None:
        from .rules import load_all
        rules = load_all()
        order = {code: index for index, code in enumerate(rules)}
        run = {
            "tool": {"driver": {"name": "sphinx-entrydoc", "version": __version__,
                                "semanticVersion": __version__,
                                "rules": [_sarif_rule(r) for r in rules.values()]}},
            "columnKind": "unicodeCodePoints",  # a tab is one column, as in the text output
            "results": [_sarif_result(f, order[f.code]) for f in self.findings],
            "invocations": [{
                "executionSuccessful": not summary.input_errors,
                "toolExecutionNotifications": [{"level": "error", "message": {"text": e}}
                                               for e in summary.input_errors],
            }],
        }
        if summary.kernel:
            run["properties"] = {"kernelVersion": summary.kernel}
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
        self.stream.write(json.dumps(log, indent=2) + "\n")


def _sarif_rule(rule) -> dict:
    help_text = rule.rationale + (f"\n\nExample: {rule.example}" if rule.example else "")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.rationale},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
        # SARIF tags are a set: the review family's rules are in the review profile.
        "properties": {"family": rule.family, "profile": rule.profile,
                       "tags": sorted({rule.family, rule.profile})},
    }


def _sarif_uri(path: str) -> str:
    path = path.replace(os.sep, "/")
    # A file name that is not UTF-8 carries its bytes as surrogate escapes;
    # the URI percent-encodes those bytes.
    import urllib.parse   # here: 7 ms that only SARIF output needs
    quoted = urllib.parse.quote(path.encode("utf-8", "surrogateescape"))
    if os.path.isabs(path):
        return "file://" + quoted
    return quoted


def _sarif_result(finding: Finding, rule_index: int) -> dict:
    uri = _sarif_uri(finding.path)
    message = finding.message + (f" (suggestion: {finding.suggestion})" if finding.suggestion else "")
    result = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": SARIF_LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": {"startLine": finding.line, "startColumn": finding.column},
        }}],
    }
    fix = finding.fix
    if fix is not None:
        result["fixes"] = [{
            "description": {"text": fix.description},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri},
                "replacements": [{
                    "deletedRegion": {"startLine": fix.line, "startColumn": fix.column,
                                      "endColumn": fix.column + len(fix.old)},
                    "insertedContent": {"text": fix.new},
                }],
            }],
        }]
    return result


class EmailFormatter(_Collecting):
    """A reply to the patch mail: the offending lines quoted with "> " as
    the patch shows them, each followed by its findings.

    ``reports`` are check-patch's per-patch results (objects with ``patch``
    and ``findings``); the quote of a finding comes from the patch itself.
    """

    def __init__(self, stream: IO[str], reports: Sequence):
        super().__init__(stream)
        self.reports = reports

    def stop(self, summary: Summary) -> None:
        kept = set(map(id, self.findings))
        blocks = []
        for report in self.reports:
            findings = [f for f in report.findings if id(f) in kept]
            blocks.append(_reply(report.patch, findings, several=len(self.reports) > 1))
        footer = f"-- \nsphinx-entrydoc {__version__}: " + summary_line(
            summary.findings, summary.documents, summary.unit, summary.kernel) + "\n"
        self.stream.write("\n".join(blocks) + "\n" + footer)


def _reply(patch, findings: Sequence[Finding], several: bool) -> str:
    lines: List[str] = []
    if patch.subject:
        lines += [f"Subject: Re: {patch.subject}", ""]
    elif several:
        lines += [f"Patch {patch.number}:", ""]
    if patch.author:
        on = f"On {patch.date}, " if patch.date else ""
        lines += [f"{on}{patch.author} wrote:"]
    if not findings:
        return "\n".join(lines + ["", "No findings on the lines this patch adds.", ""])
    # One quote per place: findings on the same line share it (two lines
    # with the same text elsewhere do not).
    groups: Dict[tuple, List[Finding]] = {}
    for finding in findings:
        groups.setdefault(_place(finding), []).append(finding)
    if lines and lines[-1] and not patch.author:
        lines.append("")
    for group in groups.values():
        quote = _quote(patch, group[0])
        # Quoted as the patch has them; only a blank line loses its
        # invisible trailing space.
        lines += [f"> {q}" if q.strip() else f"> {q}".rstrip() for q in quote]
        lines.append("")
        lines += [_text_lines(f).rstrip("\n") for f in group]
        lines.append("")
    return "\n".join(lines)


def _place(finding: Finding) -> tuple:
    from .rules.patch import SCOPE
    scope = SCOPE.get(finding.code, "line")
    return (finding.path, scope, 0 if scope == "file" else finding.line)


def _quote(patch, finding: Finding) -> List[str]:
    """The patch lines a reviewer would quote for ``finding``."""
    from .rules.patch import SCOPE
    diff = patch.file(finding.path)
    if diff is None:
        return []
    scope = SCOPE.get(finding.code, "line")
    if scope == "file":
        return [h for h in diff.header if not h.startswith("index ")]
    if scope == "hunk":
        hunk = diff.hunk_at(finding.line)
        file_lines = [h for h in diff.header if h.startswith(("--- ", "+++ "))]
        return file_lines + ([hunk.header] + [l.raw for l in hunk.lines] if hunk else [])
    line = diff.line(finding.line)
    return [line.raw] if line is not None else []
