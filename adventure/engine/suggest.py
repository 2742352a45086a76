"""What 'Did you mean' offers for a bare noun: a command that only names something
("ring", "the hatch"). Looked at by the letters alone, such a word is close to some verb
("drink", "patch up"), which is never what a player who typed a noun meant."""

from __future__ import annotations

from .nounmatch import resolve
from .realverbs import REAL_VERBS

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from ..story.model import Thing, Words


def noun_offers(ws: Words, typed: str, scope: dict[str, Thing], pool: list[str],
                mentioned: Callable[[], frozenset[str]],
                known: frozenset[str]) -> list[str] | None:
    """For words that name something in view: examining it, then the scene's phrases that
    end in the same words ('open locker'). For other words the story knows, none of them
    a verb (a noun of another scene, one the text names and nothing declares): nothing to
    offer. None when the words are not a bare noun (a typo, a verb): the usual offers."""
    if not ws or ws[0] in _verbs(pool):
        return None
    if resolve(ws, scope):
        tail = list(ws)
        about = [p for p in pool if p.split()[-len(tail):] == tail and p != typed]
        return [f"examine {typed}", *about][:3]
    if all(w in known or w in mentioned() for w in ws):
        return []
    return None


def _verbs(pool: list[str]) -> set[str]:
    """The words a command can start with here: the built-in verbs' and the scene's."""
    return {p.split()[0] for p in pool if p}


_GOING: Final = frozenset({"go", "walk", "run", "head", "move", "enter", "travel"})


def offers_for(ws: Words, typed: str, scope: dict[str, Thing], pool: list[str],
               mentioned: Callable[[], frozenset[str]], known: frozenset[str]) -> list[str]:
    """What 'Did you mean' offers for a command nobody understood, from `pool`."""
    from .closematch import close_matches

    noun = noun_offers(ws, typed, scope, pool, mentioned, known)
    close = close_matches(typed, pool, n=3, cutoff=0.6) if noun is None else noun
    if not close and noun is None:  # a bare noun ('ring') is never offered a verb ('drink')
        first = close_matches(ws[0], [p.split()[0] for p in pool], n=1, cutoff=0.75)
        if first:
            close = [p for p in pool if p.split()[0] == first[0]][:3]
    if ws[0] not in _GOING:  # 'back to X', 'unscrew grille': never a bare 'go X'
        close = [c for c in close if not c.startswith("go ")]
    if ws[0] in REAL_VERBS:  # 'pray' is no typo for 'pry': only phrases of its own verb
        close = [c for c in close if c.split()[0] == ws[0]]
    return close
