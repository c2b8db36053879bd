"""Which documents are checked: one selection for every front end.

``documents`` (``--documents``, pyproject ``documents``, conf.py
``entrydoc_documents``) is a keyword or a list of keywords and globs:

* ``auto`` (the default): a document that opts in (``.. entrydoc::`` or
  ``.. entrydoc-code-block::``), or whose C snippets call a function the
  stubs declare, or a slip of such a name (``irqentry_exti()``): the
  entry-style documents.  General kernel primitives the stubs declare only
  so their calls are checked (``ENTRYDOC_COMMON``: local_irq_enable(),
  synchronize_irq()) do not count;
* ``all``: every document;
* ``opt-in``: only documents that opt in;
* ``GLOB``: these documents too; ``!GLOB``: never these.  A glob matches the
  document's path as given (``Documentation/core-api/entry.rst``), with or
  without its ``.rst`` suffix, or Sphinx's docname (``core-api/entry``).

A document that opts in is checked unless ``!GLOB`` or ``:check: no``
excludes it.

The full decision needs the document's C snippets, so a docutils parse.  On
a kernel tree almost every document is skipped, so :func:`scan` first looks
at the raw text: it skips a document only when no line has an ``entrydoc``
directive and no name followed by ``(`` is a modelled function or a slip of
one.  Every C snippet's text is a part of the raw text (indentation removed,
tabs expanded: neither changes a name or its ``(``), so the scan never skips
a document the full decision would check (tests/test_selection.py proves it
with a property test).

Whether a document is entry-style also decides what is reported in it when
``all`` or a glob selects it: a document outside the model's reach is
checked for what is wrong whatever the unknown names mean (see
compile.py), and the names its prose uses that the model does not know are
not worth a warning there.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import functools
import os
import re

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .names import MAX_EDITS, close_names

KEYWORDS = ("auto", "all", "opt-in")
DEFAULT = ("auto",)

_OPT_IN = re.compile(r"^[ \t]*\.\.[ \t]+entrydoc(?:-code-block)?[ \t]*::", re.M)
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")

# Reasons a document is skipped, as --stats prints them.
EXCLUDED = "excluded by a !GLOB"
OPTED_OUT = "opted out (.. entrydoc:: :check: no)"
NOT_OPTED_IN = "does not opt in (documents = opt-in)"
SCAN = "no entrydoc directive and no modelled function named in its text (text scan, not parsed)"
NO_ENTRY_CALL = "its C snippets call no modelled function"


@dataclasses.dataclass(frozen=True)
class Selection:
    auto: bool
    include: Tuple[str, ...]
    exclude: Tuple[str, ...]

    @classmethod
    def parse(cls, value) -> "Selection":
        items = [value] if isinstance(value, str) else list(value)
        auto, include, exclude = False, [], []
        for item in (str(i).strip() for i in items):
            if item == "auto":
                auto = True
            elif item == "all":
                include.append("*")
            elif item == "opt-in" or not item:
                continue
            elif item.startswith("!"):
                exclude.append(item[1:])
            else:
                include.append(item)
        return cls(auto, tuple(include), tuple(exclude))

    @staticmethod
    def _matches(name: str, patterns: Iterable[str]) -> bool:
        names = _names_of(name)
        return any(fnmatch.fnmatchcase(n, p) for p in patterns for n in names)

    def excludes(self, name: str) -> bool:
        return self._matches(name, self.exclude)

    def includes(self, name: str) -> bool:
        return self._matches(name, self.include)


def _names_of(name: str) -> Tuple[str, ...]:
    name = name.replace(os.sep, "/")
    stem = name[:-4] if name.endswith(".rst") else name
    return (name, stem) if stem != name else (name,)


@dataclasses.dataclass(frozen=True)
class Decision:
    check: bool
    reason: str          # why it is checked, or why it is skipped
    entry_style: bool    # opts in, or a C snippet calls a modelled function


# -- the model's names ---------------------------------------------------------------

class Model:
    """The names selection looks for, and whether a name is one of them or a
    slip of one (names.close_names: the same test the typo checks use)."""

    def __init__(self, names: Iterable[str]):
        self.names = frozenset(names)
        self._memo = {}
        # The names by length: a slip changes a length by at most the
        # edits close_names allows, so only those lengths are compared.
        self._by_length: Dict[int, List[str]] = {}
        for known in sorted(self.names):
            self._by_length.setdefault(len(known), []).append(known)

    def reaches(self, name: str) -> bool:
        known = self._memo.get(name)
        if known is None:
            near = [n for size in range(len(name) - MAX_EDITS, len(name) + MAX_EDITS + 1) for n in self._by_length.get(size, ())]
            known = self._memo[name] = name in self.names or bool(close_names(name, near))
        return known

    def first_reached(self, text: str) -> Optional[str]:
        seen: Set[str] = set()
        for match in _CALL.finditer(text):
            name = match.group(1)
            if name in seen:
                continue
            seen.add(name)
            if self.reaches(name):
                return name
        return None


def model_for(api, stub_dirs: Tuple[str, ...] = ()) -> Model:
    """The functions the stubs declare (``api``, a loaded stubs.Api); without
    libclang (``api`` None) every name followed by '(' in the stub headers,
    a superset, which only makes selection keep more."""
    if api is not None:
        return _model(tuple(sorted(n for n, f in api.functions.items() if not f.common)))
    return _model(tuple(sorted(_names_in_headers(tuple(stub_dirs)))))


@functools.lru_cache(maxsize=8)
def _model(names: Tuple[str, ...]) -> Model:
    return Model(names)


_C_WORDS = {"if", "while", "for", "switch", "return", "sizeof", "defined", "__attribute__",
            "annotate", "typeof", "__typeof__"}


def _names_in_headers(stub_dirs: Tuple[str, ...]) -> Set[str]:
    from .stubs import BUILTIN_STUBS
    names: Set[str] = set()
    for directory in tuple(stub_dirs) + (BUILTIN_STUBS,):
        for root, _dirs, files in os.walk(directory):
            for name in files:
                if name.endswith(".h"):
                    with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
                        names.update(_CALL.findall(handle.read()))
    return {n for n in names if n not in _C_WORDS and not n.startswith(("ENTRYDOC", "__entrydoc"))}


# -- deciding -----------------------------------------------------------------------

def scan(text: str, model: Model) -> bool:
    """Whether the raw text may hold an entry-style document (False: the
    full decision would skip it too, so it need not be parsed)."""
    return bool(_OPT_IN.search(text)) or model.first_reached(text) is not None


def prescreen(name: str, text: str, selection: Selection, model: Model) -> Optional[str]:
    """The reason to skip a document without parsing it, or None when only
    the full decision can tell."""
    if selection.excludes(name):
        return EXCLUDED
    if selection.includes(name):
        return None
    if not scan(text, model):
        return SCAN if selection.auto else NOT_OPTED_IN
    return None


def opts_in(document) -> bool:
    return document.has_entrydoc_directive or bool(document.overrides) \
        or any(s.kind == "entrydoc" for s in document.snippets)


def entry_call(document, model: Model) -> Optional[str]:
    """The first name a C snippet calls that the model reaches."""
    for snippet in document.c_snippets:
        found = model.first_reached(snippet.text)
        if found:
            return found
    return None


def decide(name: str, document, selection: Selection, model: Model) -> Decision:
    """The full decision, on an extracted document (extract.Document)."""
    check = document.overrides.get("check", "").strip().lower()
    call = entry_call(document, model)
    opted = opts_in(document) and check not in ("no", "false", "off")
    entry_style = opted or call is not None
    if check in ("no", "false", "off"):
        return Decision(False, OPTED_OUT, entry_style)
    if selection.excludes(name):
        return Decision(False, EXCLUDED, entry_style)
    if opted:
        return Decision(True, "opts in", entry_style)
    if selection.includes(name):
        return Decision(True, "selected by a glob or all", entry_style)
    if not selection.auto:
        return Decision(False, NOT_OPTED_IN, entry_style)
    if call is not None:
        return Decision(True, f"calls {call}()", entry_style)
    return Decision(False, NO_ENTRY_CALL, entry_style)


def summary(skipped: Sequence[str], checked: int) -> str:
    """The --stats line: how many were checked, how many skipped and why."""
    if not skipped:
        return f"documents: {checked} checked, 0 skipped"
    counts = {}
    for reason in skipped:
        counts[reason] = counts.get(reason, 0) + 1
    why = "; ".join(f"{n}: {r}" for r, n in sorted(counts.items(), key=lambda i: (-i[1], i[0])))
    return f"documents: {checked} checked, {len(skipped)} skipped ({why})"
