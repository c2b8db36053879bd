"""Closeness of names, for "did you mean" (a typo, not a different word)."""
from __future__ import annotations

# Annotations only: typing is no import a cold check should wait for.
TYPE_CHECKING = False
if TYPE_CHECKING:
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


MAX_EDITS = 2   # the most edits a slip may be


def allowed_edits(name: str) -> int:
    """Short names have close neighbours that are different words
    (irq_enter/irq_exit), so they get fewer edits: one per eight letters,
    at most two."""
    return min(MAX_EDITS, len(name) // 8)


def close_names(name: str, known: Iterable[str]) -> List[str]:
    """Known names a typo away from ``name``, closest first: within the edit
    budget, and shaped like a slip (:func:`slip`), not another word."""
    budget = allowed_edits(name)
    if budget == 0:
        return []
    scored = []
    size = len(name)
    letters = set(name)
    for candidate in known:
        # The cheapest refusal first: this runs for every unknown name
        # against every known one, and lengths further apart than the
        # budget need more edits than it allows.
        if abs(len(candidate) - size) > budget or candidate == name or allowed_edits(candidate) == 0:
            continue
        # One edit brings in at most one letter and takes away at most one
        # (a swap neither): names whose sets of letters differ by more than
        # twice the budget are further apart than it.
        if len(letters.symmetric_difference(candidate)) > 2 * budget:
            continue
        if not slip(name, candidate):   # string tests, cheaper than the distance
            continue
        distance = osa_distance(name, candidate, budget)
        if distance <= budget:
            scored.append((distance, candidate))
    scored.sort()
    if not scored:
        return []
    best = scored[0][0]
    return [c for d, c in scored if d == best]


def slip(name: str, known: str) -> bool:
    """Whether ``name`` reads as a slip of the keyboard on ``known`` rather
    than a different word.  A small edit distance is not enough evidence:
    kernel names come in families that differ by exactly the edits a typo
    makes (call_rcu/call_srcu, register_x/unregister_x, pin_user_page(s),
    __x/x, dma_x/dmam_x, get/set).  What a slip looks like instead:

    * the same ``_``-separated words, with underscores only moved
      (irqentry_nmiexit, my_search/mysearch);
    * or the same number of words, each differing word one edit away from
      its counterpart, where that edit is a swap of neighbours (exti/exit,
      irqentyr), a letter mistyped or dropped or added inside the word, or a
      letter doubled (irqenttry, rcuu).  A change to a word's first letter,
      a letter added or dropped at a word's start or end (s+rcu, un+pin,
      page+s, dma+m, trace+r) and a change in leading underscores make a
      different word, which kernel naming uses on purpose.
    """
    if name == known:
        return False
    lead = len(name) - len(name.lstrip("_"))
    if lead != len(known) - len(known.lstrip("_")):
        return False
    if name.replace("_", "") == known.replace("_", ""):
        return True
    words, others = name[lead:].split("_"), known[lead:].split("_")
    if len(words) != len(others):
        return False
    differing = [(w, o) for w, o in zip(words, others) if w != o]
    return bool(differing) and all(_word_slip(w, o) for w, o in differing)


def _word_slip(word: str, other: str) -> bool:
    if osa_distance(word, other, 1) != 1 or not word or not other:
        return False
    if len(word) == len(other):
        changed = [i for i in range(len(word)) if word[i] != other[i]]
        if len(changed) == 2:            # a swap of neighbours (one edit, so nothing else)
            return True
        return changed[0] > 0            # one letter mistyped, not the first
    longer, shorter = (word, other) if len(word) > len(other) else (other, word)
    spots = [i for i in range(len(longer)) if longer[:i] + longer[i + 1:] == shorter]
    # Inside the word, or a letter doubled (not at the start).
    return any(0 < i < len(longer) - 1 or (i > 0 and longer[i - 1] == longer[i]) for i in spots)
