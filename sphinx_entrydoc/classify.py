"""Step 5 of the pipeline, between compiling and checking: what each call
to an undeclared function stands for.

A call the stubs do not declare is, in this order:

* ``snippet``: a function one of the document's snippets defines, or a name
  listed in the configured known symbols;
* ``removed``: a name the kernel once had (the stubs' ENTRYDOC_REMOVED),
  unless a configured source tree still defines it;
* ``typo``: one typo away from a name of the modelled API or the document
  (see names.close_names); with a single candidate, the path checks treat
  the call as that function, so one typo gives one finding;
* ``placeholder``: anything else (``handle_entry()``): illustrative
  architecture code, taken to be non-instrumentable unless its arrow note
  says otherwise.  A name the source tree defines is a placeholder too: it
  is real, but the stubs do not model it.
"""
from __future__ import annotations

import dataclasses
# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Tuple

SNIPPET, REMOVED, TYPO, PLACEHOLDER = "snippet", "removed", "typo", "placeholder"


@dataclasses.dataclass
class Undeclared:
    name: str
    kind: str
    suggestions: List[str]
    spots: List[Tuple[object, int, int]]   # (compiled snippet, 0-based line, column) of each call


def classify(ctx) -> Dict[str, Undeclared]:
    """Classify every undeclared call of the document, record placeholders
    on the context and the intended function of each typo on its calls."""
    api = ctx.api
    offerable = set(ctx.model_names())
    found: Dict[str, Undeclared] = {}
    for compiled in ctx.compiled:
        for name, spots in sorted(compiled.undeclared_calls.items()):
            entry = found.get(name)
            if entry is None:
                entry = found[name] = Undeclared(name, _kind(ctx, name, offerable), [], [])
                if entry.kind == TYPO:
                    entry.suggestions = api.suggest(name, offerable - {name})
            entry.spots += [(compiled, line, column) for line, column in spots]
    for entry in found.values():
        if entry.kind == PLACEHOLDER:
            compiled, line, column = entry.spots[0]
            ctx.placeholders.setdefault(entry.name, compiled.snippet.position(line, column))
        elif entry.kind == TYPO and len(entry.suggestions) == 1 and entry.suggestions[0] in api.functions:
            _intend(entry, api.functions[entry.suggestions[0]])
        elif entry.kind == REMOVED and api.removed[entry.name].replacement in api.functions:
            # A removed name stands for its replacement in the flow checks, so
            # an entry the kernel renamed still opens the pair its exit closes
            # (one ED503, not a second finding on the exit).
            _intend(entry, api.functions[api.removed[entry.name].replacement])
    return found


def _intend(entry: Undeclared, function) -> None:
    for compiled, _, _ in entry.spots:
        for call in compiled.calls:
            if call.name == entry.name:
                call.intended = function


def _kind(ctx, name: str, offerable) -> str:
    if name in ctx.snippet_functions or name in ctx.config.known_symbols:
        return SNIPPET
    in_tree = ctx.tree_defines(name)
    if name in ctx.api.removed and not in_tree:
        return REMOVED
    if not in_tree and ctx.api.suggest(name, offerable - {name}):
        return TYPO
    return PLACEHOLDER
