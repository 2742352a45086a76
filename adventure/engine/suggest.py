"""What 'Did you mean' offers for a bare noun: a command that only names something
("ring", "the hatch"). Looked at by the letters alone, such a word is close to some verb
("drink", "patch up"), which is never what a player who typed a noun meant."""

from __future__ import annotations

from .nounmatch import resolve

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable

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
