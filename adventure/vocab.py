"""Words: how typed text and authored phrases are normalised the same way."""

from __future__ import annotations

import re
from functools import lru_cache

ARTICLES = frozenset({"a", "an", "the", "some"})

# Direction words and their abbreviations, for exits named by a direction.
DIRECTIONS: dict[str, tuple[str, ...]] = {
    "north": ("n",), "south": ("s",), "east": ("e",), "west": ("w",),
    "northeast": ("ne",), "northwest": ("nw",), "southeast": ("se",), "southwest": ("sw",),
    "up": ("u",), "down": ("d",), "in": ("inside",), "out": ("outside",),
    "fore": ("f", "forward"), "aft": ("a", "back"), "port": ("p",), "starboard": ("sb",),
}

_NON_WORD = re.compile(r"[^\w'\-]+")


@lru_cache(maxsize=4096)  # a turn asks for the words of its line several times
def words(text: str) -> tuple[str, ...]:
    """Lower-case words of a phrase, punctuation and articles dropped."""
    raw = [w for w in _NON_WORD.sub(" ", text.lower()).replace("'", "").split() if w != "-"]
    kept = tuple(w for w in raw if w not in ARTICLES)
    # A lone "a" is the abbreviation of "aft", not an article.
    return kept if kept or len(raw) != 1 else tuple(raw)


def apply_synonyms(ws: tuple[str, ...], synonyms: list[tuple[tuple[str, ...], tuple[str, ...]]]
                   ) -> tuple[str, ...]:
    """Replace each alternative phrase by its canonical one (longest first)."""
    if not synonyms or not ws:
        return ws
    by_first = _by_first(synonyms)
    if by_first.keys().isdisjoint(ws):
        return ws  # most commands use no alternative word at all
    out: list[str] = []
    i = 0
    while i < len(ws):
        for alt, canon in by_first.get(ws[i], ()):
            if ws[i:i + len(alt)] == alt:
                out.extend(canon)
                i += len(alt)
                break
        else:
            out.append(ws[i])
            i += 1
    return tuple(out)


# id(list) -> (the list, kept so the id stays its own; its length; its phrases by first
# word). The loader appends to its list as it reads, so a longer list is indexed anew.
_INDEXES: dict[int, tuple[list, int, dict[str, list]]] = {}


def _by_first(synonyms: list) -> dict[str, list]:
    """A story's synonyms by their first word, each list in the story's order: a turn
    looks at the few that could match instead of all of them."""
    found = _INDEXES.get(id(synonyms))
    if found is None or found[0] is not synonyms or found[1] != len(synonyms):
        index: dict[str, list] = {}
        for alt, canon in synonyms:
            if alt:
                index.setdefault(alt[0], []).append((alt, canon))
        if len(_INDEXES) >= 64:
            _INDEXES.clear()
        found = _INDEXES[id(synonyms)] = (synonyms, len(synonyms), index)
    return found[2]
