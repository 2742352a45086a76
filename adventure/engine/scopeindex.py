"""What a scope's things are called, indexed once per scope: which things a word is a
noun of, and its people with their nouns, in the order pronouns take them.

A scope (World.scope) is a dict kept per story for each arrangement of things, and a
game comes back to the same few: so the index is built once for each and kept while
the scope is, instead of asking every thing in scope for its words on every command.
"""

from __future__ import annotations

from ..story.memo import remember
from .parser import thing_words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Final

    from ..story.model import Thing


class ScopeIndex:
    __slots__ = ("scope", "here", "nouns", "people")

    def __init__(self, scope: dict[str, Thing], here: str) -> None:
        self.scope = scope  # kept: the index is valid for this very dict (see index())
        self.here = here
        # noun -> the things in scope it names, in the scope's order
        self.nouns: dict[str, list[Thing]] = {}
        for t in scope.values():
            for w in thing_words(t)[0]:
                self.nouns.setdefault(w, []).append(t)
        # the people in scope, this scene's own first (a name here twice: theirs first),
        # each with its '@id' token and its nouns
        self.people: list[tuple[Thing, str, frozenset[str]]] = [
            (t, f"@{t.id}", thing_words(t)[0])
            for t in sorted((t for t in scope.values() if t.person),
                            key=lambda t: t.location != here)]

    def named_by(self, ws: tuple[str, ...]) -> list[Thing]:
        """The things in scope one of the words is a noun of, each once."""
        found: dict[str, Thing] = {}  # by id: a Record's == compares field by field
        for w in ws:
            for t in self.nouns.get(w, ()):
                found[t.id] = t
        return list(found.values())


# id(scope) -> its index (which keeps the scope itself, so the id stays its own)
_INDEXES: Final[dict[int, ScopeIndex]] = {}


def index(scope: dict[str, Thing], here: str) -> ScopeIndex:
    """The index of a scope in scene `here`, built on first use."""
    found = _INDEXES.get(id(scope))
    if found is None or found.scope is not scope or found.here != here:
        # a few hundred: a game comes back to a few scopes, and each index keeps its
        # scope alive (a long random check made thousands, all of them kept)
        found = remember(_INDEXES, id(scope), ScopeIndex(scope, here), limit=256)
    return found
