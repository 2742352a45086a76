"""Scenery: the nouns a scene's text names, answered cheaply. A scene's `scenery:` (and a
file's shared `scenery:`, for every scene whose text names the noun) becomes things that
stay where they are, unlisted, so that `examine`, `push`, `take` and the rest answer them
as they answer any fixed thing.

```yaml
scenery:                       # under a scene, or at the top of a file (shared by its
                               # scenes whose text names the noun)
  console: The console glows amber.
  viewport, window: Stars wheel past.     # several names for one thing
  seat:                        # no description: "You see nothing remarkable ..."
  terrans, workers:            # or a mapping: someone to talk to (a crowd, a guard)
    description: Grey figures bent over their carts.
    talk: Nobody looks up.
    pronoun: them              # him, her or them (them unless said, when it talks)
    topics: {intendant: Heads go lower.}
scenery: [console, viewport]   # or only the nouns
```
"""

from __future__ import annotations

from .load_things import pronoun, topics
from .model import Thing
from .vocab import words
from .yamlsrc import LList, LMap

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from . import expr as ex
    from .diagnostics import Loc
    from .load_context import LoadContext
    from .model import Scene, TextSpec

    # its names (as typed), its description, where it was written, its first name as
    # written, to be shown ("co-pilot's seat", where the typed words lose the apostrophe),
    # and, for someone to talk to, their pronoun, `talk` and `topics`
    Voice = tuple[str, TextSpec | None, list]
    Entry = tuple[list[tuple[str, ...]], TextSpec | None, Loc, str, Voice | None]

HELP = ("scenery is a mapping of nouns to a short description (or to nothing, or to a "
        "mapping of description, talk, pronoun and topics), or a list of nouns")
# the keys of an entry written as a mapping: a person's own (story-format.md, People)
SCENERY_KEYS = ("description", "talk", "pronoun", "topics")


def entries(cx: LoadContext, value: object, loc: Loc, names: ex.Names) -> list[Entry]:
    """A `scenery:` value, checked: (its names, its description, where it was written)."""
    out: list[Entry] = []
    if value is None:
        return out
    if isinstance(value, LList):
        for i, item in enumerate(value):
            found = [words(n) for n in str(item).split(",") if words(n)] \
                if isinstance(item, str) else []
            if not found:
                cx.err(value.item_loc(i), f"expected a noun here: {HELP}")
                continue
            out.append((found, None, value.item_loc(i), _written(str(item)), None))
        return out
    if not isinstance(value, LMap):
        cx.err(loc, f"expected {HELP}")
        return out
    for key in value:
        found = [words(n) for n in str(key).split(",") if words(n)]
        if not found:
            cx.err(value.key_loc(key), f"expected a noun here: {HELP}")
            continue
        desc, voice, entry = None, None, value[key]
        if isinstance(entry, LList):
            cx.err(value.val_loc(key), f"the description of '{key}' should be text: {HELP}")
        elif isinstance(entry, LMap) and list(entry) != ["one_of"]:
            desc, voice = _entry(cx, entry, str(key), names)
        elif entry is not None:
            desc = cx.text_value(entry, value.val_loc(key), "scenery", names)
        out.append((found, desc, value.key_loc(key), _written(str(key)), voice))
    return out


def _entry(cx: LoadContext, data: LMap, key: str, names: ex.Names
           ) -> tuple[TextSpec | None, Voice | None]:
    """An entry written as a mapping: its description, and who answers when talked to."""
    cx.keys(data, SCENERY_KEYS, f"scenery '{key}'")
    desc = cx.text(data, "description", names)
    talk, said = cx.text(data, "talk", names), topics(cx, data, names)
    if "pronoun" not in data:
        return desc, ("them", talk, said) if talk is not None or said else None
    who = pronoun(cx, data)
    if data["pronoun"] == "it" and (talk is not None or said):
        cx.err(data.val_loc("pronoun"), f"scenery '{key}' talks, so it is someone: its "
               "'pronoun' should be him, her or them")
    return desc, (who, talk, said)


def build_scenery(cx: LoadContext, scenes: dict[str, Scene], things: dict[str, Thing],
                  names: ex.Names) -> None:
    """Add the scenery of every scene to `things`. A noun that a real thing of the scene
    already answers to is left to that thing."""
    # a file's shared scenery serves the scenes of that file (of every file, when it
    # defines none, as story.yaml does)
    files_with_scenes = {file for _, file, _ in cx.scene_src.values()} \
        if cx.shared_scenery else set()
    shared: list[tuple[Entry, str | None]] = []
    for value, loc, file in cx.shared_scenery:
        owner = file if file in files_with_scenes else None
        shared += [(e, owner) for e in entries(cx, value, loc, names.in_scene(None, True))]
    held: dict[str, set[tuple[str, ...]]] = {}
    for t in things.values():
        held.setdefault(t.location, set()).update([t.name, *t.synonyms])
    # (without shared scenery only the scenes with their own have any: a large story
    # re-checked in an editor need not visit the others)
    for sid in scenes if shared else [sid for sid in scenes if sid in cx.scenery_src]:
        s = scenes[sid]
        own = cx.scenery_src.pop(sid, [])
        named = s.words_shown() if shared else frozenset()
        file = cx.scene_src[sid][1]
        here = held.get(sid, set())
        # named as written, or as someone's ("the co-pilot's seat" names the co-pilot)
        near = [e for e, owner in shared if owner in (None, file)
                and any(n[-1] in named or n[-1] + "s" in named for n in e[0])]
        for nouns, desc, loc, written, voice in own + near:
            if nouns[0] in here:
                continue
            tid = f"scenery.{sid}.{'_'.join(nouns[0])}"
            if tid in things:
                continue  # the scene's own entry wins over a shared one
            here.update(nouns)
            plural = nouns[0][-1].endswith("s") and not nouns[0][-1].endswith("ss")
            who, talk, said = voice or ("it", None, None)
            things[tid] = Thing(
                id=tid, name=nouns[0], adjectives=frozenset(), synonyms=nouns[1:],
                article="the", description=desc, location=sid, portable=False,
                wearable=False, holds=None, listed=False, take_refuse=None, loc=loc,
                called=written, plural=plural, pronoun=who, talk=talk, topics=said)


def _written(names: str) -> str:
    """The first of an entry's names as the author wrote it, spaces evened out."""
    return " ".join(names.split(",")[0].split())


def shared_senses(cx: LoadContext, scenes: dict[str, Scene], names: ex.Names) -> None:
    """A file's `sounds:` and `smells:`, for each scene of that file without its own (a
    file with no scenes, such as story.yaml, speaks for every scene): what `listen` and
    `smell` find there."""
    files_with_scenes = {file for _, file, _ in cx.scene_src.values()}
    by_file: dict[str, dict[str, TextSpec | None]] = {}
    for data, file in cx.shared_senses:
        owner = file if file in files_with_scenes else ""
        found = by_file.setdefault(owner, {})
        for key in ("sounds", "smells"):
            if key in data:
                found[key] = cx.text(data, key, names.in_scene(None, True))
    if not by_file:
        return
    for sid, s in scenes.items():
        file = cx.scene_src[sid][1] if sid in cx.scene_src else ""
        own, everywhere = by_file.get(file, {}), by_file.get("", {})
        if s.sounds is None:
            s.sounds = own.get("sounds") or everywhere.get("sounds")
        if s.smells is None:
            s.smells = own.get("smells") or everywhere.get("smells")
