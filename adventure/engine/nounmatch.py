"""Whether typed words name a thing: its nouns and the words that describe it, and the
things in scope a noun phrase could mean. Pure functions of the story's things."""

from __future__ import annotations

from ..story.memo import remember

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Final

    from ..story.model import Thing, Words


def thing_matches(t: Thing, ws: Words, need_noun: bool = True) -> bool:
    """Every word describes the thing, and (unless need_noun is off) one of them names it."""
    if len(ws) == 1 and ws[0].startswith("@"):
        return ws[0] == f"@{t.id}"
    nouns, vocab = thing_words(t)
    if ws == t.name or ws in t.synonyms:
        return True
    return all(w in vocab for w in ws) and (not need_noun or any(w in nouns for w in ws))


# id(thing) -> (the thing, so the id stays its own; its nouns; every word that names it)
_THING_WORDS: Final[dict[int, tuple[Thing, frozenset[str], frozenset[str]]]] = {}


def thing_words(t: Thing) -> tuple[frozenset[str], frozenset[str]]:
    """A thing's nouns and vocabulary, worked out once (things never change)."""
    found = _THING_WORDS.get(id(t))
    if found is None or found[0] is not t:
        nouns = frozenset({t.name[-1], *(s[-1] for s in t.synonyms)})
        vocab = frozenset((*t.name, *t.adjectives, *t.name_words,
                           *(w for s in t.synonyms for w in s)))
        found = remember(_THING_WORDS, id(t), (t, nouns, vocab), limit=100_000)
    return found[1], found[2]


def resolve(ws: Words, scope: dict[str, Thing]) -> list[Thing]:
    """The things in scope a noun phrase could mean; exact names win.

    A phrase of adjectives alone ("x small") is tried only when no noun fits.
    """
    found = [t for t in scope.values() if thing_matches(t, ws)]
    if not found:
        found = [t for t in scope.values() if thing_matches(t, ws, need_noun=False)]
    if len(found) > 1:
        exact = [t for t in found if ws == t.name]
        if exact:
            return exact
    return found


# Words that begin where or how, not what: 'follow quark into his back room', 'talk into
# the panel'. A noun phrase nothing fits is tried again without them (see `head`).
TAIL_WORDS = frozenset({"into", "in", "inside", "to", "toward", "towards", "through", "onto",
                        "on", "at", "from", "with", "across", "behind", "under", "beside",
                        "near", "by", "over", "against", "about", "for", "out"})


def head(ws: Words) -> Words:
    """The noun phrase of `ws`: without a leading preposition, and before the first one
    after it. The whole phrase when it has none (a name with 'of' in it stays whole)."""
    while len(ws) > 1 and ws[0] in TAIL_WORDS:
        ws = ws[1:]
    for i, w in enumerate(ws[1:], 1):
        if w in TAIL_WORDS:
            return ws[:i]
    return ws
