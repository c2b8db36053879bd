"""Closeness of names, for "did you mean" (a typo, not a different word)."""
from __future__ import annotations

from typing import Iterable, List


def osa_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance: edits, with a swap of two
    neighbouring characters counted as one edit (the commonest typo)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: List[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def allowed_edits(name: str) -> int:
    """Short names have close neighbours that are different words
    (irq_enter/irq_exit), so they get fewer edits: one per eight letters,
    at most two."""
    return min(2, len(name) // 8)


def close_names(name: str, known: Iterable[str]) -> List[str]:
    """Known names a typo away from ``name``, closest first."""
    budget = allowed_edits(name)
    if budget == 0:
        return []
    scored = []
    for candidate in known:
        if candidate == name or allowed_edits(candidate) == 0:
            continue
        distance = osa_distance(name, candidate, budget)
        if distance <= budget:
            scored.append((distance, candidate))
    scored.sort()
    if not scored:
        return []
    best = scored[0][0]
    return [c for d, c in scored if d == best]
