"""Typo correction: an unknown word of a command becomes the one known word close to it.

Bounded: at most MAX_TYPOS unknown words of a command are searched for, and the distance
search stops at its limit. A search does not walk the vocabulary: a word within k edits
of another shares with it a string made by deleting at most k letters from each (a
change deletes one letter from both, a swap of two neighbours one from each), so the
known words are indexed once by every such string of theirs (k = 2: for n words of up to
L letters, at most n * (1 + L + L*(L-1)/2) entries), and an unknown word of m letters
looks up its own (at most 1 + m + m*(m-1)/2 of them; a word longer than every known word
by more than 2 is close to none, and is not searched). Only the words found that way are
measured. The index is built for the first vocabulary a story's parser asks with, and
serves every scene whose vocabulary is mostly the same words (the story's things,
synonyms and the built-in verbs), its own few words searched one by one.
"""

from __future__ import annotations

from ..story.memo import remember
from .pronouns import NEVER_TYPOS  # 'her hands' is never 'hesper hands'
from .realverbs import REAL_VERBS  # 'pray' is never 'pry'

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from ..story.model import Words

MAX_TYPOS: Final = 3  # unknown words worth correcting in a command (each searches the vocabulary)


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


def unknown_word(ws: Words, rest: Words, vocabulary: frozenset[str]) -> str:
    """The word 'oops' should replace: the first unknown word after the command's verb
    (`rest`), never the verb itself ('x mirrror': the 'x' is no typo)."""
    return next((w for w in rest or ws if w not in vocabulary and w[:1] != "@"), "")


def correct(ws: Words, vocabulary: frozenset[str]) -> Words:
    """Each unknown word replaced by the one known word close enough, if exactly one."""
    typos = [w for w in ws if w not in vocabulary and w[:1] != "@" and not w.isdecimal()
             and w not in NEVER_TYPOS and w not in REAL_VERBS]
    out = []
    for w in ws:
        if w not in typos or len(typos) > MAX_TYPOS:
            out.append(w)
            continue
        limit = 1 if len(w) <= 5 else 2
        best: list[str] = []
        best_d = limit + 1
        for known in _nearby(w, limit, vocabulary):
            d = edit_distance(w, known, limit)
            if d < best_d:
                best, best_d = [known], d
            elif d == best_d and d <= limit:
                best.append(known)
        out.append(best[0] if len(best) == 1 and best_d <= limit else w)
    return tuple(out)


MAX_EDITS: Final = 2  # the largest limit correct() searches with


def deletions(word: str, k: int) -> set[str]:
    """The word and every string made from it by deleting at most k letters."""
    found = {word}
    layer = {word}
    for _ in range(k):
        layer = {w[:i] + w[i + 1:] for w in layer for i in range(len(w))}
        found |= layer
    return found


class DeletionIndex:
    """Known words by each string their deletions (at most MAX_EDITS) make."""

    __slots__ = ("words", "by_deletion", "longest")

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        found: dict[str, list[str]] = {}
        for w in words:
            for d in deletions(w, MAX_EDITS):
                found.setdefault(d, []).append(w)
        # tuples of strings: the collector stops tracking them, and so never walks the
        # index's tens of thousands of entries again
        self.by_deletion: dict[str, tuple[str, ...]] = {d: tuple(ws) for d, ws in found.items()}
        self.longest = max((len(w) for w in words), default=0)


class VocabularyIndex:
    """A vocabulary as searched: a shared DeletionIndex, and the words it lacks."""

    __slots__ = ("vocabulary", "base", "extra")

    def __init__(self, vocabulary: frozenset[str], base: DeletionIndex) -> None:
        self.vocabulary = vocabulary  # kept: valid for this very set (see _index)
        self.base = base
        self.extra = vocabulary - base.words  # searched one by one: a scene's own few


_BASES: Final[list[DeletionIndex]] = []  # the newest last; a few stories at a time
_INDEXES: Final[dict[int, VocabularyIndex]] = {}  # id(vocabulary) -> its index
MAX_BASES: Final = 8


def _index(vocabulary: frozenset[str]) -> VocabularyIndex:
    found = _INDEXES.get(id(vocabulary))
    if found is not None and found.vocabulary is vocabulary:
        return found
    # a shared index serves a vocabulary it has most of (a story's scenes share theirs)
    room = max(64, len(vocabulary) // 4)
    base = next((b for b in reversed(_BASES) if len(vocabulary - b.words) <= room), None)
    if base is None:
        base = DeletionIndex(vocabulary)
        _BASES.append(base)
        del _BASES[:-MAX_BASES]
    found = remember(_INDEXES, id(vocabulary), VocabularyIndex(vocabulary, base), limit=1024)
    return found


def _nearby(word: str, limit: int, vocabulary: frozenset[str]) -> list[str]:
    """The known words that can be within `limit` edits of `word` (and perhaps a few
    more): the ones edit_distance must measure."""
    index = _index(vocabulary)
    base = index.base
    found: dict[str, None] = {}
    if len(word) <= base.longest + limit:  # longer: too far from every indexed word
        by_deletion = base.by_deletion
        for d in deletions(word, limit):
            for known in by_deletion.get(d, ()):
                if known in vocabulary:  # the index may hold other scenes' words
                    found[known] = None
    for known in index.extra:
        found[known] = None
    return list(found)
