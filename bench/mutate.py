"""Mutations of entry-style documents, shared by the property tests and the
``make fuzz`` campaign: the edits that real drafts go through (lines lost,
doubled, swapped or re-indented, stray characters, truncation)."""
from __future__ import annotations

import random

# Characters that matter to reStructuredText and to C.
ALPHABET = "\t \n(){};,*\\`:.<->=#/\"'_abcxyz019éÿ\u200b"


def mutate(text: str, rng: random.Random, edits: int = 3) -> str:
    lines = text.split("\n")
    for _ in range(edits):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + rng.choice(ALPHABET) * rng.randrange(1, 4) + lines[i][pos:]
        elif op == 4 and lines[i]:
            pos = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:pos] + lines[i][pos + 1:]
        elif op == 5:
            lines[i] = rng.choice(["\t", "  ", "", "    "]) + lines[i].lstrip()
        elif op == 6:
            lines = lines[: i + 1]
        else:
            lines.insert(i, rng.choice(["::", "", ".. code-block:: c", "  ...", "  * Lockdep",
                                        "\t}", "\t{", "  \tinstrumentation_end();", ".. highlight:: c",
                                        ".. entrydoc: ignore ED101", "#include <stdio.h>"]))
    return "\n".join(lines)
