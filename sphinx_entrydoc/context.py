"""What every family of rules gets to look at for one document."""
from __future__ import annotations

import dataclasses
import functools
import os
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
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
    undeclared: dict = dataclasses.field(default_factory=dict)     # name -> classify.Undeclared
    # Opts in or calls a modelled function (selection.py); outside such a
    # document, names the model does not know are not worth a warning.
    entry_style: bool = True

    @property
    def path(self) -> str:
        return self.document.source.path

    def report(self, rule, line: int, column: int, *, suggestion=None, fix: Optional[Fix] = None,
               **fields) -> None:
        self.findings.append(rule.at(self.path, line, column, suggestion=suggestion, fix=fix, **fields))

    def model_names(self):
        """The names of the modelled API and of the document: the stubs,
        configured symbols, and the functions the document's own snippets
        define.  "Did you mean" suggestions come from these only: among the
        hundreds of thousands of names of a source tree, almost any
        placeholder is one typo away from something."""
        names = set(self.config.known_symbols) | self.snippet_functions
        if self.api is not None:
            names |= set(self.api.known_names())
        return names

    def known_names(self):
        """Every name a document may mention: :meth:`model_names`, and in
        srctree mode every function and macro the source tree has."""
        names = self.model_names()
        if self.tree is not None:
            names |= self.tree.names
        return names

    @functools.cached_property
    def tree(self):
        """The index of ``Config.srctree`` (None without one), built once per
        process and shared by every document of a run."""
        if not self.config.srctree:
            return None
        from .srctree import tree_for
        return tree_for(os.path.abspath(self.config.srctree))

    def tree_defines(self, name: str) -> bool:
        return self.tree is not None and self.tree.defines(name)
