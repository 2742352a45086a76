"""The built-in verbs: look, inventory, examine, take, drop, wear, put, give ...,
and the meta commands help, hint and quit.

Functions of the turn's `World` alone: they read the story through it and write
to its output, as the parser's `Intent` asks. `Game.execute` calls them.
"""

from __future__ import annotations

from ..story.model import capital
from ..story.text import paragraph_tuple
from . import world as w
from .containers import open_reply, refused_in
from .parser import Intent
from .replies import answer
from .senses import VERBS as SENSES
from .senses import answer as sense
from .whereabouts import say_away, say_whereabouts, taken_away

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

    from ..story.model import Thing
    from .world import World


def builtin(world: World, intent: Intent) -> None:
    verb = intent.verb
    objs = [world.shown(t) for t in intent.objects]  # as each is named now
    say = world.out.append
    heard = [t for t in objs if world.heard(t)]
    if heard and intent.preposition == "all":
        objs = [t for t in objs if t not in heard]  # 'take all' does not grope at people
    elif heard and verb not in BY_VOICE:
        t = heard[0]
        say(("text", world.word("dark_examine" if verb == "examine" else "too_dark",
                                the=t.the(), The=t.The(), pronoun=t.pronoun)))
        return
    if verb == "look":
        world.describe(world.state.scene)
    elif verb == "wait":
        say(("text", world.word("time_passes")))
    elif verb == "inventory":
        carried = [world.shown(t) for t in world.carried()]
        if not carried:
            say(("text", world.word("carrying_nothing")))
        else:
            worn = world.word("worn")
            parts = [t.with_article() + (f" ({worn})" if world.wearing(t.id) else "")
                     for t in carried]
            say(("text", "You are carrying " + _join(parts) + "."))
    elif intent.preposition == "all":
        each(world, verb, objs)
    elif verb in ("give", "show"):
        thing, person = objs
        if not world.has(thing.id) and verb == "give":
            say(("text", f"You aren't carrying {thing.the()}."))
        else:
            say(("text", f"{person.The()} {person.agree('shows', 'show')} no interest in "
                         f"{thing.the()}."))
    elif verb in ("ask", "tell", "talk") and objs and objs[0].person \
            and answer(world, objs[0], verb, intent.words):
        pass  # the person's own reply (their `talk` and `topics`)
    elif verb in ("ask", "tell"):
        # the topic is not echoed: typed words have lost their capitals ("sisko")
        if verb == "ask":
            say(("text", f"{objs[0].The()} {objs[0].agree('has', 'have')} nothing to say "
                         "about that."))
        else:
            say(("text", f"{objs[0].The()} {objs[0].agree('does', 'do')} not seem "
                         "interested."))
    elif verb == "examine":
        examine(world, objs[0])
    elif verb == "take":
        take(world, objs[0])
    elif verb == "drop":
        t = objs[0]
        if not world.has(t.id):
            say(("text", f"You aren't carrying {t.the()}."))
        else:
            world.move(t.id, world.state.scene)
            say(("text", "Dropped."))
    elif verb == "wear":
        t = objs[0]
        if not t.wearable:
            say(("text", f"You can't wear {t.the()}."))
        elif world.wearing(t.id):
            say(("text", f"You are already wearing {t.the()}."))
        elif world.has(t.id) or take(world, t, quiet=True):
            world.move(t.id, w.WORN)
            say(("text", f"You put on {t.the()}."))
    elif verb == "remove":
        t = objs[0]
        if not world.wearing(t.id) and not world.has(t.id) and not t.portable:
            # 'remove his collar': on someone else, or part of the place
            say(("text", f"You can't take {t.the()} off."))
        elif not world.wearing(t.id):
            say(("text", f"You aren't wearing {t.the()}."))
        else:
            world.move(t.id, w.PLAYER)
            say(("text", f"You take off {t.the()}."))
    elif verb == "put":
        put(world, objs[0], objs[1], intent.preposition)
    elif verb == "whereabouts":
        say_whereabouts(world, objs)
    elif verb == "away":
        say_away(world, objs[0], intent.message)
    elif verb == "where" and objs and objs[0].person and taken_away(world, objs[0]):
        pass  # the story's word on where they went
    elif verb == "talk_self":
        say(("text", world.word("talk_self")))
    elif verb == "open" and len(objs) == 1 and open_reply(world, objs[0]):
        say(("text", open_reply(world, objs[0]) or ""))
    elif verb in SENSES and sense(world, verb, objs):
        pass  # the scene's sounds and smells, a seat it has, a person's `treat`
    elif verb in ("attack", "shoot") and len(objs) == 1 and objs[0].person:
        # the story's wording: whether the player is armed is the story's to say
        t = objs[0]
        say(("text", world.word(f"{verb}_person", the=t.the(), The=t.The(),
                                **{"is": t.agree("is", "are")})))
    elif verb in ALONE_REPLIES or verb in THING_REPLIES:
        say(("text", default_reply(verb, objs)))


# What can be done to someone heard but not seen (a person with the player in the dark)
# (whereabouts: someone not here at all)
BY_VOICE: Final = frozenset({"talk", "ask", "tell", "listen", "whereabouts"})


# What a built-in verb does when the story says nothing more: the replies a player of
# Inform games expects. {the}/{The} is the thing; {second} the instrument.
ALONE_REPLIES: Final = {
    "climb": "There is nothing here to climb.",
    "crawl": "There is nowhere here to crawl.",
    "kneel": "You kneel for a moment, then get up again.",
    "sit": "You sit for a moment, then get up again: there is no time to rest.",
    "stand": "You are standing already.",
    "lie": "This is no place to lie down.",
    "listen": "You hear nothing unexpected.",
    "smell": "You smell nothing unexpected.",
    "hide": "There is nowhere here to hide.",
    "wave": "You wave. Nobody waves back.",
    "hum": "You hum a few bars under your breath. It helps, a little.",
}
THING_REPLIES: Final = {
    "talk": "{The} {does} not answer.",
    "climb": "You can't climb {the}.",
    "crawl": "You can't crawl into {the}.",
    "push": "Nothing obvious happens.",
    "pull": "Nothing obvious happens.",
    "move": "{The} will not budge.",
    "lift": "{The} will not budge.",
    "open": "That isn't something you can open.",
    "close": "That isn't something you can close.",
    "lock": "That isn't something you can lock.",
    "unlock": "That isn't something you can unlock.",
    "light": "That isn't something you can light.",
    "extinguish": "That isn't burning.",
    "turn_on": "That isn't something you can switch on.",
    "turn_off": "That isn't something you can switch off.",
    "attack": "Violence isn't the answer to this one.",
    "shoot": "Firing at {the} would solve nothing.",
    "kneel": "You kneel by {the} for a moment, then get up again.",
    "sit": "That isn't something to sit on.",
    "stand": "That isn't something to stand on.",
    "lie": "That isn't something to lie on.",
    "listen": "You hear nothing unexpected from {the}.",
    "smell": "You smell nothing unexpected.",
    "touch": "You feel nothing unexpected.",
    "hide": "You can't hide there.",
    "wave": "You wave at {the}. Nothing comes of it.",
    "follow": "{The} {is} not going anywhere you can follow.",
    "where": "{The} {is} right here.",
    "unscrew": "You can't undo {the} with your bare hands.",
    "tear": "Tearing {the} would do no good.",
    "use": "Say more exactly what you want to do with {the}: open it, push it, give it to "
           "someone...",
}
# The same verbs said of a thing you can carry: 'hide the phaser' hides it, not you in it.
CARRIED_REPLIES: Final = {
    "hide": "There is nowhere here to hide {the}.",
    "tear": "You would rather keep {the} in one piece.",
}
# The same verbs said of a person (a thing whose pronoun is him, her or them).
PERSON_REPLIES: Final = {
    "talk": "{The} {has} nothing to say to you just now.",
    "push": "{The} would not thank you for that.",
    "pull": "{The} would not thank you for that.",
    "move": "{The} would not thank you for that.",
    "lift": "{The} would not thank you for that.",
    "touch": "{The} would not thank you for that.",
    "smell": "{The} would not thank you for that.",
    "wave": "You wave at {the}, who does not wave back.",
    "follow": "You keep close to {the}.",
    "where": "{The} {is} right here.",
    "tear": "{The} would not thank you for that.",
}


def default_reply(verb: str, objs: Sequence[Thing]) -> str:
    if not objs:
        return ALONE_REPLIES.get(verb, "Nothing happens.")
    t = objs[0]
    if len(objs) > 1:
        return (f"Using {t.the()} on {objs[1].the()} achieves nothing."
                if verb in ("use", "touch", "push", "move") else
                f"You can't {verb.replace('_', ' ')} {t.the()} with {objs[1].the()}.")
    text = (PERSON_REPLIES.get(verb) if t.person else None) \
        or (CARRIED_REPLIES.get(verb) if t.portable else None) or THING_REPLIES.get(verb) \
        or "Nothing happens."
    if t.plural:
        text = text.replace("That isn't", "They aren't")
    return text.format(the=t.the(), The=t.The(), does=t.agree("does", "do"),
                       has=t.agree("has", "have"), **{"is": t.agree("is", "are")})


def each(world: World, verb: str, things: Sequence[Thing]) -> None:
    """take all / drop all (except ...): one line per thing."""
    if verb == "take":
        things = [t for t in things if t.portable and not world.has(t.id)]
    elif verb == "drop":
        things = [t for t in things if world.has(t.id) and not world.wearing(t.id)]
    if not things:
        world.out.append(("text", f"There is nothing to {verb}."))
        return
    for t in things:
        mark = len(world.out)
        builtin(world, Intent("builtin", verb=verb, objects=[t]))
        said = " ".join(text for _, text in world.out[mark:])
        world.out[mark:] = [("text", f"{capital(t.display)}: {said}")]


def examine(world: World, t) -> None:
    text = world.render(t.description)
    world.out.append(("text", text if text.strip() else
                      f"You see nothing remarkable about {t.the()}."))
    if t.holds or t.person:
        world.describe_contents(t)
    holder = world.holder(t)
    if holder is not None:
        world.out.append(("text", f"{world.shown(holder).The()} "
                                  f"{holder.agree('has', 'have')} {'them' if t.plural else 'it'}."))


def take(world: World, t, quiet: bool = False) -> bool:
    if world.has(t.id):
        world.out.append(("text", f"You already have {t.the()}."))
        return False
    holder = world.holder(t)
    if holder is not None:  # in someone's hands: asking is the story's to answer
        world.out.append(("text", f"{world.shown(holder).The()} "
                                  f"{holder.agree('is', 'are')} holding {t.the()}."))
        return False
    if not t.portable:
        if t.take_refuse is not None:
            world.say(t.take_refuse)
        else:
            world.out.append(("text", f"{t.The()} {t.agree('stays', 'stay')} where "
                                      f"{t.is_()}."))
        return False
    world.move(t.id, w.PLAYER)
    if not quiet:
        world.out.append(("text", "Taken."))
    return True


def put(world: World, t, holder, prep: str) -> None:
    say = world.out.append
    if t.id == holder.id:
        say(("text", "You can't put something inside itself."))
    elif holder.holds != prep:
        where = "in" if holder.holds == "in" else "on" if holder.holds else ""
        say(("text", f"You can't put things {prep} {holder.the()}." +
             (f" Try 'put {t.display} {where} {holder.display}'." if where else "")))
    elif refused_in(world, holder):
        say(("text", refused_in(world, holder) or ""))
    elif not world.has(t.id) and not take(world, t, quiet=True):
        return
    else:
        world.move(t.id, holder.id)
        say(("text", f"You put {t.the()} {prep} {holder.the()}."))


# -- meta commands ------------------------------------------------------------
def meta(world: World, verb: str) -> None:
    if verb == "help":
        world.out.append(("system", help_text(world)))
    elif verb == "hint":
        hint(world)
    elif verb == "quit":
        world.out.append(("system", "Goodbye."))
    elif verb == "score":
        score(world)
    elif verb == "version":
        story = world.story
        by = f" by {story.author}" if story.author else ""
        release = f" Release {story.version}." if story.version else ""
        world.out.append(("system", f"{story.title}{by}.{release} Played on Terok Nor, "
                          "an interactive fiction engine."))
    elif verb in ("verbose", "brief"):
        if verb == "brief":
            world.write("hints", w.BRIEF, 1)
            world.unset("hints", w.VERBOSE)
            text = ("Brief mode: a place you have seen before is described by its name and "
                    "what is there ('look' shows it all; 'verbose' shows it all every time).")
        else:
            world.unset("hints", w.BRIEF)
            world.write("hints", w.VERBOSE, 1)
            text = ("Verbose mode: every place is described in full, every time, even where "
                    "you have been before ('brief' for less).")
        world.out.append(("system", text))


def score(world: World) -> None:
    """The score, out of the story's maximum, and the rank the story gives it."""
    story = world.story
    if story.max_score is None:
        world.out.append(("system", world.word("no_score")))
        return
    text = world.word("score", max=str(story.max_score))
    rank = next((name for least, name in story.ranks if world.state.score >= least), None)
    if rank is not None:
        text += " " + world.word("rank", rank=rank)
    world.out.append(("system", text))


def hint(world: World) -> None:
    st = world.state
    for p in world.story.puzzles.values():
        if p.scene is not None and p.scene != st.scene:
            continue
        if p.when is not None and not p.when(world):
            continue
        if p.solved(world):
            continue
        _next_hint(world, f"puzzle:{p.id}", p.hints)
        return
    scene = world.story.scenes[st.scene]
    if scene.hints:
        _next_hint(world, f"scene:{scene.id}", scene.hints)
        return
    world.out.append(("system", "There is no puzzle to crack here. Look around, examine "
                      "what you see, or pick one of the choices."))


def _next_hint(world: World, key: str, hints: list) -> None:
    given = world.state.hints.get(key, 0)
    index = min(given, len(hints) - 1)
    world.write("hints", key, index + 1)
    more = (" Type 'hint' again for a stronger one." if index + 1 < len(hints)
            else " That is the last hint for this.")
    text = " ".join(paragraph_tuple(world.render(hints[index])))
    world.out.append(("system", f"Hint {index + 1} of {len(hints)}: {text}{more}"))


def help_text(world: World) -> str:
    # an example thing that the examples fit: something to take before something fixed,
    # never a person ("take Kira")
    scope = sorted((t for t in world.scope().values() if not t.person),
                   key=lambda t: not t.portable)
    thing = world.shown(scope[0]).display if scope else "console"
    exits = world.story.scenes[world.state.scene].exits
    place = exits[0].key if exits else "north"
    return "\n".join([
        "Type a number to pick a choice, or type a command in plain words:",
        f"  look (l), examine (x) {thing}, take {thing}, drop {thing}, inventory (i)",
        f"  go {place}, go to PLACE, go back, out, wait (z), wear / remove THING,",
        "  put THING in/on THING, take all, drop all but THING, give THING to SOMEONE,",
        "  ask SOMEONE about THING, talk to SOMEONE, ask/tell/order SOMEONE anything,",
        "  push, pull, open, climb, kneel, sit, listen, smell, treat SOMEONE, eat, drink,",
        "  hum, follow / warn SOMEONE, where is SOMEONE, tear THING, look through THING,",
        "  unlock THING with THING, use THING on THING, or a choice's own words",
        f"  it / him / her: the last thing named; again (g); oops WORD; 'x {thing}. take it'",
        "  choices, hint, score, about, brief / verbose, save, restore, undo, restart,",
        "  transcript on, help, quit (q)",
    ])


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
