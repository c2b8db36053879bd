"""What every family of rules gets to look at for one document."""
from __future__ import annotations

import dataclasses
from typing import List, Optional

from .compile import Compiled
from .config import Config
from .extract import Document
from .normalise import Normalised
from .findings import Finding, Fix
from .stubs import Api


@dataclasses.dataclass
class Context:
    document: Document
    config: Config
    api: Optional[Api]                 # None when libclang is unavailable
    normalised: List[Normalised]
    compiled: List[Compiled]
    findings: List[Finding] = dataclasses.field(default_factory=list)
    placeholders: dict = dataclasses.field(default_factory=dict)   # name -> (line, column) of first use
    snippet_functions: set = dataclasses.field(default_factory=set)

    @property
    def path(self) -> str:
        return self.document.source.path

    def report(self, rule, line: int, column: int, *, suggestion=None, fix: Optional[Fix] = None,
               **fields) -> None:
        self.findings.append(rule.at(self.path, line, column, suggestion=suggestion, fix=fix, **fields))

    def known_names(self):
        """Every name a document may mention: the stubs, configured symbols,
        and the functions the document's own snippets define."""
        names = set(self.config.known_symbols) | self.snippet_functions
        if self.api is not None:
            names |= set(self.api.known_names())
        return names
