"""Ways of saying a movement or a word to someone that mean a plainer command: 'climb
down' is 'go down', 'back to the antechamber' is 'go to the antechamber', 'warn sisko'
is 'talk to sisko'. The parser asks only when a command starts with one of `FIRST`, so
other commands pay one set lookup. And `wrong_way`: a ladder climbed up that only goes
down (asked only of 'go up/down X' that found the exit X).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Final

    from ..story.model import Words

CLIMBING: Final = frozenset({"climb", "crawl", "clamber", "scramble", "step"})
# directions that a verb of climbing means going in ('climb down', 'crawl out')
WAYS: Final = frozenset({"up", "down", "u", "d", "in", "out", "inside", "outside"})
INTO: Final = frozenset({"into", "through"})
RETURNING: Final = frozenset({"back", "return", "go", "head", "walk", "run"})
REFUSING: Final = frozenset({"refuse", "defy", "spurn"})
FIRST: Final = CLIMBING | RETURNING | REFUSING | {"warn", "alert", "keep"}
# 'crawl on', 'keep going': onward, the way an exit named 'go on' or 'forward' takes
ONWARD: Final = frozenset({"on", "forward", "ahead", "onward", "onwards", "along"})
KEEP: Final = frozenset({"going", "on", "moving", "walking", "crawling", "climbing"})
# what a warning becomes: the person's own answer, never a story action that merely
# accepts 'talk to X' among its phrases ('speak to worf' is impersonating the Intendant)
WARNED: Final = frozenset({"talk", "tell"})


def rephrase(ws: Words) -> Words | None:
    """The plainer command `ws` means, or None when it is already plain."""
    first = ws[0]
    if first == "keep" and 1 < len(ws) <= 3 and set(ws[1:]) <= KEEP | ONWARD:
        return ("go", "on")  # 'keep going', 'keep crawling on'
    if first in CLIMBING and len(ws) == 2 and ws[1] in ONWARD:
        return ("go", ws[1])  # 'crawl on', 'climb ahead': onward, if a way is
    if first in CLIMBING and len(ws) == 2 and ws[1] in WAYS:
        return ("go", ws[1])  # 'climb down': the way down, if there is one
    if first in CLIMBING and len(ws) > 2 and ws[1] in WAYS | INTO:
        return ("go", *ws[1:])  # 'climb down the hatch', 'crawl into the duct'
    if first in RETURNING:
        rest = ws[1:]
        if first != "back" and rest[:1] == ("back",):
            rest = rest[1:]  # 'go back to X', 'head back to X'
        elif first not in ("back", "return"):
            return None
        if rest[:1] == ("to",) and len(rest) > 1:
            return ("go", "to", *rest[1:])  # 'back to antechamber', 'return to the bar'
        return None
    if first in REFUSING and 1 < len(ws) <= 4 and ws[1] != "to":
        return ("tell", *ws[1:], "no")  # 'refuse her': said to her, as 'tell her no' is
    if first in ("warn", "alert") and len(ws) > 1:
        # a warning is something said: 'warn sisko' talks to him, 'warn sisko about the
        # guards' tells him about them
        if "about" in ws[2:]:
            return ("tell", *ws[1:])
        return ("talk", "to", *ws[1:])
    return None


# the way opposite to the one typed ('u' is up), to tell a ladder that only goes down
OPPOSITE: Final = {"up": "down", "u": "down", "down": "up", "d": "up"}


def wrong_way(key: str, names: list[Words], way: str) -> str:
    """'down from here, not up' when `way` is up and the exit (its key and names) is a
    way down only: one of them says down, none says up; the other way about; else ''."""
    other = OPPOSITE.get(way)
    if other is None:
        return ""
    said = {w for n in names for w in n} | {key}
    return f"{other} from here, not {OPPOSITE[other]}" \
        if other in said and OPPOSITE[other] not in said else ""
