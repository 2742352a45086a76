"""A person's own answers: 'talk to kira', 'ask kira about the wormhole' when no action
of the story answers, from the person's `talk` and `topics` (story-format.md, People).

Asked by the built-in talk, ask and tell: the last resort of a command to someone, so
a scene's conversation, and any action about the topic, always answers first.
"""

from __future__ import annotations

import zlib

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
    """Say the person's reply; False when they have none (the engine's default then).
    The reply they gave last, asked for again (talked to, or asked about the same thing),
    is not repeated word for word."""
    spec = reply_of(t, verb, ws)
    if spec is None:
        return False
    text = world.render(spec)
    if not text.strip():
        return False  # nothing to say in this state
    # what they said last and to what, kept as a checksum (saves hold whole numbers, and
    # the same on every run, which str's hash is not): the same words to something new
    # said ('tell kira i am ready', then 'ask kira why ...') are an answer, not a repeat
    asked = "" if verb == "talk" else " ".join(sorted(topic_words(ws)))
    key, said = SAID + t.id, zlib.crc32(f"{asked}\n{text}".encode())
    if world.state.hints.get(key) == said:
        text = world.word("said_already", The=t.The(), the=t.the(),
                          has=t.agree("has", "have"))
    else:
        world.write("hints", key, said)
    world.out.append(("text", text))
    return True


SAID = "!said:"  # the key, in the state's counters (`hints`), of a person's last reply
