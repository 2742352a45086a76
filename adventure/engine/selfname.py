"""The player's own name: 'x julian' while playing Julian is 'x me'.

A story puts the person the player plays at the place `self` (story/places.SELF): never in
view, so no command about someone else finds them by a shared word ("companion"), but a
command that names nobody in view and names them is about the player. Asked only of a
command nobody understood, so it costs a turn nothing.
"""

from __future__ import annotations

from ..story.places import SELF
from .parser import Intent, _builtin_verb, parse, thing_matches

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from ..story.model import Thing, Words
    from .parser import Context
    from .world import World

# what naming yourself means: look at yourself, or speak to yourself
LOOKING = frozenset({"examine", "look"})
SPEAKING = frozenset({"talk", "ask", "tell", "greet", "say", "answer", "question", "call",
                      "thank"})


def own_person(world: World, ws: Words) -> Thing | None:
    """The player's own person, if `ws` (the words after the verb) begins with their name."""
    me = [t for t in world.story.things.values() if world.location(t.id) == SELF]
    for n in range(len(ws), 0, -1):
        for t in me:
            if thing_matches(t, ws[:n]):
                return t
    return None


def about_self(world: World, ws: Words, ctx: Context) -> Intent | None:
    """What a command the parser did not understand (its words `ws`) means when it names
    the player's own person; None if it does not."""
    if not ws:
        return None
    verb, rest = _builtin_verb(ws)
    if not verb and ws[0] in SPEAKING:  # 'greet julian', 'thank kira'
        verb, rest = ws[0], ws[1:]
    if verb not in LOOKING and verb not in SPEAKING:
        return None
    if verb == "look" and rest[:1] == ("at",):
        verb, rest = "examine", rest[1:]
    me = own_person(world, rest)
    if me is None:
        return None
    if verb in SPEAKING:
        return Intent("builtin", verb="talk_self", words=ws)
    mine = parse("", ctx, ws=("examine", "me"))  # the story's own answer to 'x me' first
    if mine.kind in ("action", "builtin"):
        return mine
    return Intent("builtin", verb="examine", objects=[me], words=ws)
