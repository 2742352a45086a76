"""Words said to someone without 'about': "tell kira i am ready", "ask him why he keeps
glancing at me", "tell him exactly what he is". The person is the longest run of the
command's first words that names one person in view; the rest is what is said, which the
person answers from their topics or their `talk` (replies.py), as a mature IF parser
would rather than reading the whole line as one noun.

Asked only by the parser's ask and tell, when the command has no 'about'. With nobody
named at all ('ask for the patrols', 'ask why he keeps looking at me'), the request is
made of the one person the scene is with (`listener`).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..story.model import Thing, Words


def addressee(rest: Words, find: Callable[[Words], list[Thing]]) -> int:
    """How many of `rest`'s first words name the one person spoken to (0: none do, or
    the whole of it does, which is a plain 'tell X')."""
    for n in range(len(rest) - 1, 0, -1):
        found = [t for t in find(rest[:n]) if t.person]
        if len(found) == 1 or found and len({t.display for t in found}) == 1:
            return n
    return 0


# how a request or a question said to nobody by name begins
ASKING = frozenset({"for", "to", "why", "what", "how", "where", "when", "who", "whether",
                    "if", "that"})


def listener(people: list[Thing], scene: str, partners: list[Thing]) -> Thing | None:
    """Whom words said to nobody by name are said to: the one the conversation is with,
    else the one person this scene is with, else the one in view; None when several."""
    for group in (partners, [t for t in people if t.location == scene], people):
        if group:
            return group[0] if len(group) == 1 else None
    return None
