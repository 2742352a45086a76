"""Speaking to people in the middle of a conversation (a scene with `conversation: true`)
when no choice fits what was said: whom the conversation is with, and what 'talk to X',
'ask X ...' and 'tell X ...' get there."""

from __future__ import annotations

from ..story.vocab import words
from .nounmatch import thing_words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from ..story.model import Scene, Thing, Words


def partners(scene: Scene, scope: dict[str, Thing]) -> list[Thing]:
    """Whom a conversation is with: the people it declares, else those its title names
    ("Sisko, in the Dark"), else the one person in view; none when that says nobody."""
    people = [t for t in scope.values() if t.person and not t.plural]
    own = [t for t in people if t.location == scene.id]
    if own:
        return own
    title = set(words(scene.title))
    named = [t for t in people if t.name[-1] in title]
    return named or (people if len(people) == 1 else [])


def aside(person: Thing, said: str, partners: list[Thing]) -> str | None:
    """'talk to X' in a conversation, no choice fitting: that you are talking with them
    already (and the choices follow), or with someone else; None when the words were more
    than a greeting ('ask her why she is quiet'): their own answer then."""
    if said != "talk":
        return None
    if not partners or _among(person, partners):
        return f"You are already talking with {person.the()}."
    return f"You are in the middle of talking with {partners[0].the()}; {person.the()} " \
        f"will keep until you are done."


SPOKEN_TO = frozenset({"ask", "tell", "talk", "speak", "say", "answer", "question", "warn"})


def said_to_another(ws: Words, scope: dict[str, Thing], partners: list[Thing]) -> bool:
    """'ask kira why she is quiet' while Sisko has you aside: words said to someone the
    conversation is not with, which none of its choices (said to Sisko) can mean."""
    if not partners or len(ws) < 2 or ws[0] not in SPOKEN_TO:
        return False
    first = ws[2] if ws[1] in ("to", "with") and len(ws) > 2 else ws[1]
    if first.startswith("@"):
        t = scope.get(first[1:])
        return t is not None and t.person and not _among(t, partners)
    named = [t for t in scope.values() if t.person and first in thing_words(t)[0]]
    return bool(named) and not any(_among(t, partners) for t in named)


def _among(person: Thing, partners: list[Thing]) -> bool:
    """One of them, or of the same name (Garak of the calling scene and of his talk)."""
    return any(person is t or person.display == t.display for t in partners)
