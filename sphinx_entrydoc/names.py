"""Closeness of names, for "did you mean" (a typo, not a different word)."""
from __future__ import annotations

from typing import Iterable, List


def osa_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance: edits, with a swap of two
    neighbouring characters counted as one edit (the commonest typo).

    Only the band of cells within ``limit`` of the diagonal is computed, and
    the walk stops as soon as a whole row is over the limit: "did you mean"
    compares every unknown name with every known one, and almost all pairs
    are far apart.  Anything over the limit is reported as ``limit + 1``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    far = limit + 1
    width = len(b) + 1
    prev2 = [far] * width
    prev = [j if j <= limit else far for j in range(width)]
    for i in range(1, len(a) + 1):
        cur = [far] * width
        if i <= limit:
            cur[0] = i
        low, high = max(1, i - limit), min(len(b), i + limit)
        ai = a[i - 1]
        for j in range(low, high + 1):
            bj = b[j - 1]
            best = prev[j - 1] + (ai != bj)
            if prev[j] + 1 < best:
                best = prev[j] + 1
            if cur[j - 1] + 1 < best:
                best = cur[j - 1] + 1
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == bj and prev2[j - 2] + 1 < best:
                best = prev2[j - 2] + 1
            cur[j] = best if best <= limit else far
        if min(cur) > limit:
            return far
        prev2, prev = prev, cur
    return min(prev[len(b)], far)


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
