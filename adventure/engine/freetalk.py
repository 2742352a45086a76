"""Words said to someone without 'about': "tell kira i am ready", "ask him why he keeps
glancing at me", "tell him exactly what he is". The person is the longest run of the
command's first words that names one person in view; the rest is what is said, which the
person answers from their topics or their `talk` (replies.py), as a mature IF parser
would rather than reading the whole line as one noun.

Asked only by the parser's ask and tell, when the command has no 'about'. With nobody
named at all ('ask for the patrols', 'ask to see sisko', 'ask why he keeps looking at me'),
the story's own phrase for the request answers ('ask for sisko'), else the request is made
of the one person it is plausibly for (`listeners`), else the game asks whom.
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
                    "if", "that", "after"})
# a request for someone or something: 'ask to see sisko', 'ask after garak', 'ask for
# kira back' all ask for X; the story's own 'ask for X' (or 'ask about X') answers them
REQUESTS = (("to", "see"), ("to", "speak", "to"), ("to", "speak", "with"), ("to", "talk", "to"),
            ("to", "talk", "with"), ("to", "meet"), ("to", "visit"), ("after",), ("for",))
COURTESY = frozenset({"back", "please", "again", "now", "here"})


def requested(rest: Words) -> list[Words]:
    """What a request names (`rest` the words after 'ask'), as the story's phrases would
    say it: 'to see sisko' is 'ask for sisko', 'ask about sisko', 'ask to see sisko' and
    'ask after sisko'; none when `rest` is no request."""
    for lead in REQUESTS:
        if rest[:len(lead)] == lead and len(rest) > len(lead):
            x = rest[len(lead):]
            while len(x) > 1 and x[-1] in COURTESY:  # 'for kira back'
                x = x[:-1]
            return [("ask", *lead, *x) for lead in (("for",), ("about",), ("to", "see"),
                                                     ("after",))]
    return []


def listeners(people: list[Thing], scene: str, partners: list[Thing]) -> list[Thing]:
    """Whom words said to nobody by name may be said to: the one the conversation is with,
    else this scene's own people, else everyone in view; of several, those the story gives
    most to say (topics, then talk), a person before a crowd. One is spoken to; of several
    the game asks whom; none, nobody is in view."""
    for group in (partners, [t for t in people if t.location == scene], people):
        if len(group) > 1:
            rank = [(bool(t.topics), t.talk is not None, not t.plural) for t in group]
            best = max(rank)
            # a name twice (a calling scene's Garak and his talk's) is one person
            kept = {t.display: t for t, r in zip(reversed(group), reversed(rank), strict=True)
                    if r == best}
            group = [t for t in group if kept.get(t.display) is t]
        if group:
            return group
    return []


def whom(verb: str, people: list[Thing]) -> str:
    """The question when words said to nobody by name could be for several people."""
    names = [t.the() for t in people]
    return f"{verb.capitalize()} whom: {', '.join(names[:-1])} or {names[-1]}?"
