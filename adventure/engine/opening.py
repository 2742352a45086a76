"""Where a game begins when not at the story's start: `adventure play --at SCENE --set
var=value --give thing`, or a story test's `start:`, so that a branch is tried and tested
from its hook. A `Start` is plain data, checked against the story when it is made and
recorded in saves and journals, so that a game begun there restores and replays."""

from __future__ import annotations

from ..story.diagnostics import did_you_mean
from ..story.record import Record
from ..story.vocab import words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

    from ..story.model import Story, Thing
    from .world import World

_TRUE, _FALSE = ("true", "yes", "on"), ("false", "no", "off")


class StartError(ValueError):
    """A start the story cannot have; the message says what to write instead."""


class Start(Record):
    __slots__ = ("scene", "vars", "things")

    def __init__(self, scene: str, vars: dict[str, Any] | None = None,
                 things: list[str] | None = None) -> None:
        self.scene = scene
        self.vars = {} if vars is None else vars
        self.things = [] if things is None else things

    def to_json(self) -> dict[str, Any]:
        return {"scene": self.scene, "vars": dict(self.vars), "things": list(self.things)}

    def apply(self, world: World) -> None:
        """Set the variables, run the story's `elsewhere` effects (what its opening would
        have set, where --set did not), give the things, then enter the scene."""
        st = world.state
        st.vars.update(self.vars)
        for fx in world.story.elsewhere:
            world.perform(fx)
        world.out.clear()  # a 'say' among them is not for the player: they are not there
        for thing in self.things:
            st.moved[thing] = "player"
        st.arranged = -1  # `moved` changed, not through World.move
        st.scene = self.scene
        st.stack[:] = callers(world.story, self.scene)  # a conversation: as if called
        if not st.stack and world.story.scenes[self.scene].conversation:
            for t in partners_away(world.story, self.scene):  # called from several scenes
                st.moved[t.id] = self.scene
        world.enter(self.scene)

    def describe(self) -> str:
        parts = [f"at {self.scene}"] + [f"{k} = {v!r}" for k, v in self.vars.items()]
        if self.things:
            parts.append("carrying " + ", ".join(self.things))
        return "; ".join(parts)


def callers(story: Story, scene: str) -> list[str]:
    """The scenes a conversation begun by --at was called from, outermost first, so that
    the person it is with and what was there are in view (and its `return` goes back):
    the one scene whose action calls it (and that scene's own caller, when it is a
    conversation too); none when no scene or several do."""
    chain: list[str] = []
    while story.scenes[scene].conversation:
        found = set(story.callers(scene))
        if len(found) != 1 or (caller := found.pop()) in chain or caller == scene:
            break
        chain.insert(0, caller)
        scene = caller
    return chain


def partners_away(story: Story, scene: str) -> list[Thing]:
    """The people a conversation with no one caller is with, where they wait: declared in a
    scene that calls it and named by its title ("Sisko, in the Dark")."""
    title = set(words(story.scenes[scene].title))
    places = set(story.callers(scene))
    return [t for t in story.things.values()
            if t.person and t.location in places and t.name[-1] in title]


def make_start(story: Story, scene: str, sets: dict[str, Any] | list[str] | None = None,
               things: list[str] | None = None) -> Start:
    """A checked start. `sets` is a mapping of values, or 'var=value' texts (the command
    line), whose values are read as the variable's type."""
    if scene not in story.scenes:
        raise StartError(f"there is no scene '{scene}'{did_you_mean(scene, story.scenes)}")
    if story.scenes[scene].ending is not None:
        raise StartError(f"'{scene}' is an ending; start in a scene that leads to it")
    values: dict[str, Any] = {}
    pairs: list[tuple[str, Any]] = []
    if isinstance(sets, dict):
        pairs = list(sets.items())
    else:
        for item in sets or []:
            name, eq, value = item.partition("=")
            if not eq or not name.strip():
                raise StartError(f"'{item}' should be VAR=VALUE, as in trust=2")
            pairs.append((name.strip(), value.strip()))
    for name, value in pairs:
        values[name] = _typed(story, name, value)
    for thing in things or []:
        if thing not in story.things:
            raise StartError(f"there is no thing '{thing}'{did_you_mean(thing, story.things)}")
    return Start(scene, values, list(dict.fromkeys(things or [])))


def _typed(story: Story, name: str, value: Any) -> Any:
    if name not in story.initial:
        raise StartError(f"there is no variable '{name}'"
                         f"{did_you_mean(name, story.initial)}")
    kind = type(story.initial[name])
    if kind is bool:
        text = str(value).lower()
        if isinstance(value, bool) or text in _TRUE + _FALSE:
            return value if isinstance(value, bool) else text in _TRUE
        raise StartError(f"'{name}' is true or false, not '{value}'")
    if kind is int:
        try:
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        except (TypeError, ValueError):
            raise StartError(f"'{name}' is a whole number, not '{value}'") from None
    return str(value)


def start_from_json(doc: Any, story: Story) -> Start:
    """A start read back from a save or a journal (untrusted: checked like a new one)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("scene"), str) \
            or not isinstance(doc.get("vars", {}), dict) \
            or not isinstance(doc.get("things", []), list) \
            or not all(isinstance(t, str) for t in doc.get("things", [])):
        raise StartError("its start is not readable")
    return make_start(story, doc["scene"], doc.get("vars", {}), doc.get("things", []))
