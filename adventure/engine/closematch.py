"""difflib.get_close_matches, with its cheap filters compiled: the same matches in the
same order, for the parser's 'Did you mean' (parser.unknown).

difflib measures every possibility with two quick upper bounds before its real ratio,
and the second (quick_ratio, the letters two strings share) is a loop in Python: on
the campaign, some 150 phrases and verbs a command, most of the cost of a command
nobody understood. Here both bounds are worked out as difflib works them out (so the
same possibilities pass, with the same float arithmetic), and only those that pass get
difflib's own SequenceMatcher ratio.
"""

from __future__ import annotations

import heapq
from difflib import SequenceMatcher


def _letters(s: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in s:
        counts[c] = counts.get(c, 0) + 1
    return counts


def _shared(a: str, b_counts: dict[str, int]) -> int:
    """How many letters of `a` a multiset `b_counts` can match (difflib's quick_ratio)."""
    avail: dict[str, int] = {}
    matches = 0
    for c in a:
        numb = avail[c] if c in avail else b_counts.get(c, 0)
        avail[c] = numb - 1
        if numb > 0:
            matches += 1
    return matches


def _ratio(matches: int, length: int) -> float:
    return 2.0 * matches / length if length else 1.0  # difflib._calculate_ratio


def close_matches(word: str, possibilities: list[str], n: int = 3,
                  cutoff: float = 0.6) -> list[str]:
    """What difflib.get_close_matches(word, possibilities, n, cutoff) returns."""
    if not n > 0:
        raise ValueError(f"n must be > 0: {n!r}")
    if not 0.0 <= cutoff <= 1.0:
        raise ValueError(f"cutoff must be in [0.0, 1.0]: {cutoff!r}")
    result: list[tuple[float, str]] = []
    s = SequenceMatcher()
    s.set_seq2(word)
    lb = len(word)
    counts = _letters(word)
    for x in possibilities:
        la = len(x)
        if _ratio(min(la, lb), la + lb) < cutoff:  # real_quick_ratio
            continue
        if _ratio(_shared(x, counts), la + lb) < cutoff:  # quick_ratio
            continue
        s.set_seq1(x)
        r = s.ratio()
        if r >= cutoff:
            result.append((r, x))
    return [x for _, x in heapq.nlargest(n, result)]
