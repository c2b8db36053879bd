"""``sphinx-entrydoc model-diff``: where the model and a kernel tree differ.

This is how the model (the stub headers) is brought up to date for each
kernel release: run it against the new tree, and it prints, for the
tree's kernel version,

- every modelled function whose prototype or marking differs from the
  tree's (read as srctree mode reads them, :mod:`sphinx_entrydoc.treeapi`);
- every modelled function whose tree prototype could not be used, and why;
- every modelled name (function, macro, hook) the tree neither defines nor
  declares;
- every name the model lists as removed that the tree still has;
- every function and function-like macro of the tree's entry headers
  (:data:`ENTRY_HEADERS`) that the model does not know, with its prototype.

Exit status, as diff(1): 0 when the model and the tree agree, 1 when they
differ, 2 for bad input.
"""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Dict, List, Optional

from .stubs import Api
from .treeapi import Disagreement, TreeTruth, generic_first, parse_declaration, tree_truth

# The headers of the generic entry API in a kernel tree: the functions they
# declare are what the model is about.  entry-kvm.h became entry-virt.h in
# v6.18; irq-entry-common.h split from entry-common.h in v6.16.
ENTRY_HEADERS = (
    "include/linux/entry-common.h",
    "include/linux/irq-entry-common.h",
    "include/linux/entry-virt.h",
    "include/linux/entry-kvm.h",
    "include/linux/hardirq.h",
)

_FUNCTION_LIKE = re.compile(r"[ \t]*#[ \t]*define[ \t]+(\w+)\(")


@dataclasses.dataclass(frozen=True)
class Missing:
    name: str
    kind: str                   # function, macro or hook
    where: str                  # the stub header that models it


@dataclasses.dataclass(frozen=True)
class StillThere:
    name: str
    removed: str                # the model's "removed in ..." text
    where: str                  # where the tree has it


@dataclasses.dataclass(frozen=True)
class New:
    name: str
    where: str                  # tree file:line
    declaration: str            # its prototype, or "#define NAME(...)" for a macro


@dataclasses.dataclass
class ModelDiff:
    kernel: str
    srctree: str
    changed: List[Disagreement]
    unread: Dict[str, str]
    missing: List[Missing]
    still_there: List[StillThere]
    new: List[New]

    @property
    def differs(self) -> bool:
        return bool(self.changed or self.unread or self.missing or self.still_there or self.new)

    def as_dict(self) -> dict:
        return {"kernel": self.kernel, "srctree": self.srctree,
                "changed": [dataclasses.asdict(d) for d in self.changed],
                "unread": dict(self.unread),
                "missing": [dataclasses.asdict(m) for m in self.missing],
                "still_there": [dataclasses.asdict(s) for s in self.still_there],
                "new": [dataclasses.asdict(n) for n in self.new]}


def model_diff(api: Api, tree, truth: Optional[TreeTruth] = None) -> ModelDiff:
    """The differences of the model ``api`` and the tree ``tree`` (a
    :class:`srctree.TreeIndex`)."""
    truth = truth or tree_truth(api, tree)
    model_files = {name: f"{f.file}:{f.line}" for name, f in api.functions.items()}
    missing = [Missing(name, "function", model_files[name]) for name in truth.missing]
    missing += [Missing(name, "macro", "") for name in sorted(api.macros) if not tree.defines(name)]
    missing += [Missing(name, "hook", hook.file) for name, hook in sorted(api.hooks.items())
                if not tree.defines(name)]
    still_there = []
    occurrences = tree.occurrences(sorted(api.removed))
    for name, removed in sorted(api.removed.items()):
        if occurrences[name]:
            still_there.append(StillThere(name, removed.when, generic_first(occurrences[name])[0].where))
    return ModelDiff(api.kernel, tree.root, list(truth.disagreements), dict(truth.unread),
                     missing, still_there, new_functions(api, tree))


def new_functions(api: Api, tree) -> List[New]:
    """Functions and function-like macros of the tree's entry headers that
    the model does not know (as a function, macro, hook or removed name)."""
    from .srctree import declarations_in, scan_file
    known = set(api.known_names()) | set(api.removed)
    found: Dict[str, New] = {}
    for header in ENTRY_HEADERS:
        path = os.path.join(tree.root, header)
        if not os.path.isfile(path):
            continue
        records = [r for r in scan_file(path) if r[0] not in known and r[0] not in found]
        if not records:
            continue
        with open(path, "rb") as handle:
            text = handle.read().decode("latin-1")
        lines = text.split("\n")
        functions = {r[0] for r in records if r[1][0] in "FD"}
        prototypes = {}
        for name, line, piece, _ in declarations_in(text, functions):
            parsed = parse_declaration(piece, name)
            if parsed is not None and name not in prototypes:
                prototypes[name] = f"{parsed[0]} {name}({parsed[1] or 'void'})"
        for name, code, line in records:
            if name in found:
                continue
            if code[0] in "FD":
                declaration = prototypes.get(name, f"{name}() (prototype not readable)")
            elif code == "M" and 0 < line <= len(lines) and _FUNCTION_LIKE.match(lines[line - 1]) \
                    and _FUNCTION_LIKE.match(lines[line - 1]).group(1) == name:
                declaration = f"#define {name}(...)"
            else:
                continue
            found[name] = New(name, f"{header}:{line}", declaration)
    return sorted(found.values(), key=lambda n: (n.where.split(":")[0], n.name))


def render(diff: ModelDiff) -> str:
    """The report as text, one section per kind of difference."""
    model = f"the model ({diff.kernel})" if diff.kernel else "the model"
    out = [f"model-diff: {model} against the source tree {diff.srctree}"]

    def section(title: str, rows: List[str]) -> None:
        out.append("")
        out.append(f"{title}: {len(rows) or 'none'}")
        out.extend(f"  {row}" for row in rows)

    section("prototypes that differ", [
        f"{d.name}(): model '{d.model}' ({d.model_where}); tree '{d.tree}' ({d.tree_where})"
        for d in diff.changed if d.what == "prototype"])
    section("markings that differ", [
        f"{d.name}(): model {d.model} ({d.model_where}); tree {d.tree} ({d.tree_where})"
        for d in diff.changed if d.what == "marking"])
    section("tree prototypes not read", [f"{name}(): {why}" for name, why in sorted(diff.unread.items())])
    section("modelled names the tree lacks", [
        f"{m.name} ({m.kind}{', ' + m.where if m.where else ''})" for m in diff.missing])
    section("removed in the model, still in the tree", [
        f"{s.name} ({s.removed}; the tree has it at {s.where})" for s in diff.still_there])
    section("entry-header functions the model lacks", [
        f"{n.where}: {n.declaration}" for n in diff.new])
    return "\n".join(out) + "\n"
