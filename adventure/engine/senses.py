"""What the body does with a place: listen, smell, sit, lie, eat, drink, and a doctor's
treat/heal/bandage. The built-ins' answers when no action of the story answers first
(docs/story-format.md, "Built-in verbs", "Sounds and smells", People's `treat`).

Asked only by those verbs, so no other command pays for it.
"""

from __future__ import annotations

from ..story.vocab import words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..story.model import TextSpec, Thing
    from .world import World

VERBS = frozenset({"listen", "smell", "sit", "lie", "eat", "drink", "treat"})

# Nouns of things a body sits or lies on, the likeliest first: 'sit' alone sits on the
# first of them the scene has (a seat before a bed it only mentions).
SEATS = ("seat", "seats", "chair", "chairs", "bench", "benches", "stool", "stools", "couch",
         "sofa", "settee", "divan", "ottoman", "pew", "throne", "bunk", "bunks", "cot", "bed",
         "crate", "crates", "step", "steps", "ledge")
BEDS = ("bunk", "bunks", "cot", "bed", "couch", "sofa", "divan", "settee", "carpet", "floor",
        "deck")
FOOD = frozenset({"bar", "bread", "fruit", "ration", "rations", "food", "meal", "paste",
                  "soup", "stew", "apple", "cake", "biscuit", "sweets", "root"})
DRINK = frozenset({"water", "wine", "kanar", "drink", "drinks", "cup", "glass", "bottle",
                   "flask", "tea", "coffee", "raktajino", "ale", "bloodwine", "juice"})

REST = "for a moment, then get up again: there is no time to rest."


def answer(world: World, verb: str, objs: Sequence[Thing]) -> bool:
    """Say the answer to one of VERBS; False to leave it to the plain default replies."""
    if verb in ("listen", "smell") and not objs:
        scene = world.story.scenes[world.state.scene]
        text = scene.sounds if verb == "listen" else scene.smells
        return text is not None and _said(world, text)
    if verb == "listen":  # 'listen to the comm' where the scene's sounds name it
        return _heard(world, objs[0])
    if verb in ("sit", "lie"):
        return _rest(world, verb, objs)
    if verb == "treat":
        return _treat(world, objs)
    if verb in ("eat", "drink"):
        world.out.append(("text", _consume(verb, objs)))
        return True
    return False


def _heard(world: World, t: Thing) -> bool:
    """The scene's sounds, when they name the thing listened to."""
    sounds = world.story.scenes[world.state.scene].sounds
    text = world.render(sounds) if sounds is not None else ""
    named = {*t.name, *(w for s in t.synonyms for w in s)}  # 'the comm' is the comm panel
    if named.isdisjoint(words(text)):
        return False
    world.out.append(("text", text.strip()))
    return True


def _said(world: World, text: TextSpec) -> bool:
    mark = len(world.out)
    world.say(text)  # says nothing when the text renders empty (not in this state)
    return len(world.out) > mark


def _nouns(t: Thing) -> set[str]:
    return {t.name[-1], *(s[-1] for s in t.synonyms)}


def _rest(world: World, verb: str, objs: Sequence[Thing]) -> bool:
    """sit / lie down (on X): on something the scene has to sit or lie on."""
    kinds = SEATS if verb == "sit" else BEDS
    on = "in" if verb == "sit" and objs and objs[0].name[-1] in ("chair", "throne") else "on"
    if objs:
        t = objs[0]
        if t.person or not _nouns(t).intersection(kinds):
            return False  # "That isn't something to sit on."
        doing = "sit" if verb == "sit" else "lie"
        world.out.append(("text", f"You {doing} {on} {_one_of(t)} {REST}"))
        return True
    here = world.state.scene
    # by its name alone ('the bench', not a workbench also called a bench): the likeliest
    # kind first, then the scene's own before a thing that came with the player
    found = [t for t in world.scope().values() if not t.person and t.name[-1] in kinds]
    found.sort(key=lambda t: (kinds.index(t.name[-1]), t.location != here))
    if not found:
        return False
    t = world.shown(found[0])
    doing = "sit down" if verb == "sit" else "lie down"
    world.out.append(("text", f"You {doing} {on} {_one_of(t)} {REST}"))
    return True


def _one_of(t: Thing) -> str:
    return f"one of {t.the()}" if t.plural else t.the()


def _treat(world: World, objs: Sequence[Thing]) -> bool:
    """treat/heal/bandage X with no action of the story for it: the thing's own `treat`
    text when it says something now (they are hurt), else a plain answer."""
    if not objs:
        return False
    t = objs[0]
    if t.treat is not None and _said(world, t.treat):
        return True
    world.out.append(("text", f"You can do nothing for {t.the()} just now." if t.person
                      else "That isn't something you can treat."))
    return True


def _consume(verb: str, objs: Sequence[Thing]) -> str:
    if not objs:
        return ("There is nothing here to eat." if verb == "eat"
                else "There is nothing suitable to drink here.")
    t = objs[0]
    if t.person:
        return f"{t.The()} would not thank you for that."
    if verb == "eat":
        return ("You are not hungry enough for that, and there is no time." if _nouns(t) & FOOD
                else "That's plainly inedible.")
    return ("You take a sip, no more: you need a clear head." if _nouns(t) & DRINK
            else "That isn't something you can drink.")
