"""'where is X' for someone out of view: where the story says they are (their
`whereabouts`), else that the player does not know; and 'x X', 'talk to X', 'give Y to X'
for someone out of view whose whereabouts say where: that they are not here, and where.
Asked only of a command the parser could not answer from what is in view, so it costs
other commands nothing."""

from __future__ import annotations

from ..story.places import SELF
from .nounmatch import head, thing_matches
from .parser import Intent, _builtin_verb

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

    from ..story.model import Thing, Words
    from .world import World


def absent_person(world: World, ws: Words, seen: Thing | None = None) -> Intent | None:
    """'where is julian' (its words `ws`) with Julian out of view: a free answer about him;
    None when the command is no 'where is', or names nobody the story has. With `seen`, the
    thing in view the words found: someone away is meant only when that is no person, or
    a person the words do not name exactly while someone away has them for a name."""
    verb, rest = _builtin_verb(ws)
    if verb != "where" or not rest:
        return None
    rest = head(rest)
    people = [t for t in world.story.things.values() if t.person and thing_matches(t, rest)]
    if seen is not None:
        scope = world.scope()
        people = [t for t in people if t.id not in scope and (
            not seen.person or seen.name != rest and t.name == rest)]
    if not people:
        return None
    exact = [t for t in people if t.name == rest] or people
    return Intent("builtin", verb="whereabouts", objects=exact, words=ws)


# what may be said of or done to someone out of view whose whereabouts the player knows
AWAY: Final = frozenset({"examine", "talk", "ask", "tell", "give", "show"})


def away_person(world: World, ws: Words) -> Intent | None:
    """'x julian', 'talk to julian', 'give the chit to julian' (its words `ws`) with Julian
    out of view and his `whereabouts` saying something now: that he isn't here, and where.
    None when the command is none of these or names nobody whose whereabouts say anything
    (the parser's own answer stands then)."""
    verb, rest = _builtin_verb(ws)
    if verb not in AWAY or not rest:
        return None
    if verb in ("give", "show") and "to" in rest[1:]:
        rest = rest[rest.index("to", 1) + 1:]  # 'give the chit to julian'
    scope = world.scope()
    for n in range(len(rest), 0, -1):  # the longest run of first words naming someone
        part = head(rest[:n]) if n == len(rest) else rest[:n]
        if any(t.person and thing_matches(t, part) for t in scope.values()):
            return None  # someone here has that name: not about the absent one
        people = [t for t in world.story.things.values()
                  if t.person and t.whereabouts is not None and thing_matches(t, part)]
        for t in people:
            if world.location(t.id) != SELF and t.id not in scope:
                text = world.render(t.whereabouts).strip()
                if text:
                    return Intent("builtin", verb="away", objects=[t], message=text, words=ws)
    return None


def say_away(world: World, t: Thing, known: str) -> None:
    """Someone out of view: 'Julian isn't here.' (`wording: not_here`) and where he is."""
    text = known or world.render(t.whereabouts).strip()
    here = world.word("not_here", The=t.The(), the=t.the(),
                      isnt=t.agree("isn't", "aren't"), **{"is": t.agree("is", "are")})
    world.out.append(("text", f"{here} {text}".strip()))


def say_whereabouts(world: World, people: Sequence[Thing]) -> None:
    """Of the people a name can mean (Julian, and Julian as the opening imagines him),
    the first whose whereabouts the player knows now."""
    if any(world.location(t.id) == SELF for t in people):  # 'where is kira', as Kira
        world.out.append(("text", "You are right here."))
        return
    mark = len(world.out)
    for t in people:
        if t.whereabouts is not None:
            world.say(t.whereabouts)  # nothing when it renders empty: not known now
        if len(world.out) > mark:
            return
    t = people[0]
    if len(world.out) == mark:
        world.out.append(("text", f"You don't know where {t.the()} "
                          f"{t.agree('is', 'are')} now."))


def taken_away(world: World, t: Thing) -> bool:
    """'where is the worker' for a person still listed where the story declared them, whose
    `whereabouts` says the story has since taken them off (dragged down the stair): said,
    rather than 'right here'. A person brought into view (a companion) is where they are."""
    if t.whereabouts is None or world.location(t.id) != t.location \
            or t.location != world.state.scene:
        return False
    mark = len(world.out)
    world.say(t.whereabouts)
    return len(world.out) > mark
