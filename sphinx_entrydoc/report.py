"""Step 6 of the pipeline: findings to text, JSON, SARIF or GitHub annotations."""
from __future__ import annotations

import json
from typing import List

from .findings import ERROR, Finding


def text(findings: List[Finding]) -> str:
    out = []
    for f in findings:
        line = f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}"
        if f.severity != ERROR:
            line = f"{f.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}"
        out.append(line)
    return "\n".join(out) + ("\n" if out else "")


def summary(findings: List[Finding], documents: int) -> dict:
    counts = {"error": 0, "warning": 0, "style": 0}
    for f in findings:
        counts[f.severity] += 1
    return {"documents": documents, "errors": counts["error"], "warnings": counts["warning"],
            "style": counts["style"]}


def summary_line(findings: List[Finding], documents: int) -> str:
    s = summary(findings, documents)
    affected = len({f.path for f in findings if f.severity == ERROR})
    return (f"{s['errors']} error(s) in {affected} document(s), {s['warnings']} warning(s), "
            f"{s['style']} style finding(s); {documents} document(s) checked")


def as_json(findings: List[Finding], documents: int) -> str:
    return json.dumps({"findings": [f.as_dict() for f in findings],
                       "summary": summary(findings, documents)}, indent=2) + "\n"
