"""A person's own answers: 'talk to kira', 'ask kira about the wormhole' when no action
of the story answers, from the person's `talk` and `topics` (story-format.md, People).

Asked by the built-in talk, ask and tell: the last resort of a command to someone, so
a scene's conversation, and any action about the topic, always answers first.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from ..story.model import TextSpec, Thing, Words
    from .world import World

# the words that end the person's part of 'ask kira about X', 'tell julian of X'
ABOUT = frozenset({"about", "of", "on", "regarding", "concerning"})


def topic_words(ws: Words) -> frozenset[str]:
    """What a command to someone is about: its words after 'about' (or after the verb)."""
    for i, w in enumerate(ws):
        if w in ABOUT:
            return frozenset(ws[i + 1:])
    return frozenset(ws[1:])


def reply_of(t: Thing, verb: str, ws: Words) -> TextSpec | None:
    """The person's reply to `ws` (verb talk, ask or tell): the first topic every word of
    one of whose phrases was said, else their `talk`; None when they have neither."""
    if verb != "talk" and t.topics:
        said = topic_words(ws)
        for phrases, text in t.topics:
            if any(p and said.issuperset(p) for p in phrases):
                return text
    return t.talk


def answer(world: World, t: Thing, verb: str, ws: Words) -> bool:
    """Say the person's reply; False when they have none (the engine's default then)."""
    text = reply_of(t, verb, ws)
    if text is None:
        return False
    mark = len(world.out)
    world.say(text)  # says nothing when the text renders empty (not in this state)
    return len(world.out) > mark
