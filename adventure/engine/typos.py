"""Typo correction: an unknown word of a command becomes the one known word close to it.

Bounded: at most MAX_TYPOS unknown words of a command are searched for (each search
walks the story's vocabulary), and the distance search stops at its limit.
"""

from __future__ import annotations

from .pronouns import NEVER_TYPOS  # 'her hands' is never 'hesper hands'

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..story.model import Words

MAX_TYPOS = 3  # unknown words worth correcting in a command (each searches the vocabulary)


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Edits (insert, delete, change, swap two neighbours) from a to b; limit + 1 once it
    must exceed `limit`. A swap counts once: 'tkae' is one slip from 'take'."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, before[j - 2] + 1)
            cur.append(d)
        if min(cur) > limit:
            return limit + 1
        before, prev = prev, cur
    return prev[-1]


def correct(ws: Words, vocabulary: frozenset[str]) -> Words:
    """Each unknown word replaced by the one known word close enough, if exactly one."""
    typos = [w for w in ws if w not in vocabulary and w[:1] != "@" and not w.isdecimal()
             and w not in NEVER_TYPOS]
    out = []
    for w in ws:
        if w not in typos or len(typos) > MAX_TYPOS:
            out.append(w)
            continue
        limit = 1 if len(w) <= 5 else 2
        best: list[str] = []
        best_d = limit + 1
        for known in vocabulary:
            d = edit_distance(w, known, limit)
            if d < best_d:
                best, best_d = [known], d
            elif d == best_d and d <= limit:
                best.append(known)
        out.append(best[0] if len(best) == 1 and best_d <= limit else w)
    return tuple(out)
