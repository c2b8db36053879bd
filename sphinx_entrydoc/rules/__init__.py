"""The flat registry of rules.

Every rule is declared exactly once, in the module of its family, with
:func:`rule`: a stable code, a name, a default severity, a one-line rationale
and a message template.  Checks report through :meth:`Rule.at`, which is the
only way a finding is made, so a finding's code, name and severity always
agree with the declaration (the README's rule table is generated from the
same declarations).
"""
from __future__ import annotations

import dataclasses
import importlib
import sys
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional

from ..findings import Finding, Fix, SEVERITIES

FAMILIES = ("markup", "compile", "noinstr", "pairs", "order", "prose", "srctree", "review", "patch")

REGISTRY: Dict[str, "Rule"] = {}


@dataclasses.dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    rationale: str
    template: str
    family: str
    example: str = ""
    profile: str = "default"  # "review" rules run only with --profile review

    def at(self, path: str, line: int, column: int, *, suggestion: Optional[str] = None,
           fix: Optional[Fix] = None, **fields) -> Finding:
        return Finding(path=path, line=line, column=column, code=self.code, rule=self.name,
                       severity=self.severity, message=self.template.format(**fields),
                       suggestion=suggestion, fix=fix)


def rule(code: str, name: str, severity: str, rationale: str, template: str, *,
         example: str = "", profile: str = "default") -> Rule:
    if code in REGISTRY:
        raise ValueError(f"rule {code} declared twice")
    if severity not in SEVERITIES:
        raise ValueError(f"rule {code}: bad severity {severity}")
    # The family is the module that declares the rule (rules/<family>.py).
    family = sys._getframe(1).f_globals.get("__name__", "").rsplit(".", 1)[-1]
    declared = Rule(code, name, severity, rationale, template, family, example, profile)
    REGISTRY[code] = declared
    return declared


def load_all() -> Dict[str, Rule]:
    """Import every family module so that the registry is complete."""
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
    return dict(sorted(REGISTRY.items()))


def unknown_pattern(patterns) -> Optional[str]:
    """The first of ``patterns`` that names no rule (ED1O1 for ED101), or
    None.  Without patterns -- the usual case -- no rule family is imported."""
    if not patterns:
        return None
    codes = load_all()
    return next((p for p in patterns if not any(code.startswith(p) for code in codes)), None)


def matches(code: str, patterns) -> bool:
    """True when a code is named by one of the code prefixes (``ED1``, ``ED101``)."""
    return any(code.startswith(p) for p in patterns)
