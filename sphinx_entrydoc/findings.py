"""The one finding model shared by every front end."""
from __future__ import annotations

import dataclasses

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

ERROR = "error"
WARNING = "warning"
STYLE = "style"
SEVERITIES = (ERROR, WARNING, STYLE)


@dataclasses.dataclass(frozen=True)
class Fix:
    """Replace ``old`` at (line, column) of the document with ``new``.

    Fixes are single-line replacements, so they can be verified against the
    text before they are applied and never touch anything else.
    """

    line: int
    column: int
    old: str
    new: str
    description: str


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    rule: str = dataclasses.field(compare=False)
    severity: str = dataclasses.field(compare=False)
    message: str
    suggestion: Optional[str] = dataclasses.field(default=None, compare=False)
    fix: Optional[Fix] = dataclasses.field(default=None, compare=False)

    def as_dict(self) -> dict:
        data = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
        }
        if self.fix is not None:
            data["fix"] = dataclasses.asdict(self.fix)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        fix = data.get("fix")
        return cls(
            path=data["path"], line=data["line"], column=data["column"],
            code=data["code"], rule=data["rule"], severity=data["severity"],
            message=data["message"], suggestion=data.get("suggestion"),
            fix=Fix(**fix) if fix else None,
        )
