"""The story model (what an author wrote, checked and compiled) and the game state.

The story is immutable and shared by every game of it. A game's state is a
small value of plain containers: cheap to copy (undo) and to serialise (saves).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import NOWHERE, Loc
from .expr import Expr
from .text import Template

Effect = Callable[[Any], None]  # runs against a world.World


@dataclass
class OneOf:
    """A text picked at random (from the game's generator) each time it is shown."""

    options: list[Template]


TextSpec = Template | OneOf

Words = tuple[str, ...]


@dataclass
class Ending:
    kind: str
    title: str
    epilogue: TextSpec | None


@dataclass
class Exit:
    key: str
    to: str
    names: list[Words]
    label: TextSpec | None
    when: Expr | None
    refuse: TextSpec | None
    text: TextSpec | None
    hidden: bool
    trigger: str = ""
    loc: Loc = NOWHERE


@dataclass
class Action:
    id: str
    key: str  # scene.id, or global.id for global actions
    commands: list[Words] = field(default_factory=list)
    verbs: list[Words] = field(default_factory=list)
    nouns: list[Words] = field(default_factory=list)
    thing: str | None = None
    preposition: Words = ()  # give THING to SECOND, ask THING about TOPIC
    second: str | None = None
    topics: list[Words] = field(default_factory=list)
    label: TextSpec | None = None
    hidden: bool = False
    once: bool = False
    when: Expr | None = None
    refuse: TextSpec | None = None
    do: list[Effect] = field(default_factory=list)
    text: TextSpec | None = None
    to: str | None = None
    call: str | None = None
    ret: bool = False
    disabled: bool = False
    trigger: str = ""
    loc: Loc = NOWHERE


@dataclass
class Fallback:
    when: Expr | None
    text: TextSpec | None
    do: list[Effect]
    to: str | None
    trigger: str = ""


@dataclass
class Scene:
    id: str
    title: str
    chapter: str
    text: TextSpec
    variants: list[tuple[Expr, TextSpec]] = field(default_factory=list)
    on_enter: list[Effect] = field(default_factory=list)
    ending: Ending | None = None
    exits: list[Exit] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)  # own, then global ones
    fallback: Fallback | None = None
    hints: list[TextSpec] = field(default_factory=list)
    conversation: bool = False
    loc: Loc = NOWHERE


@dataclass
class Thing:
    id: str
    name: Words
    adjectives: frozenset[str]
    synonyms: list[Words]
    article: str
    description: TextSpec | None
    location: str
    portable: bool
    wearable: bool
    holds: str | None  # "in", "on" or None
    listed: bool
    take_refuse: TextSpec | None
    loc: Loc = NOWHERE
    pronoun: str = "it"  # what 'him', 'her', 'them' or 'it' can mean

    @property
    def display(self) -> str:
        return " ".join(self.name)

    def with_article(self) -> str:
        if self.article == "none":
            return self.display
        return f"{self.article} {self.display}"


@dataclass
class Event:
    id: str
    when: Expr | None
    text: TextSpec | None
    do: list[Effect]
    to: str | None
    trigger: str = ""


@dataclass
class Puzzle:
    id: str
    scene: str | None
    when: Expr | None
    solved: Expr
    hints: list[TextSpec]


@dataclass
class StoryInfo:
    """What the loader learnt on the way that authoring checks need."""

    var_locs: dict[str, Loc] = field(default_factory=dict)
    reads: set[str] = field(default_factory=set)  # variables read by guards and text
    writes: set[str] = field(default_factory=set)  # variables changed by effects
    moved: set[str] = field(default_factory=set)  # things effects give, move or wear
    scheduled: dict[str, set] = field(default_factory=dict)  # event -> scenes (None: any)
    words: int = 0  # words of prose
    files: list[str] = field(default_factory=list)


@dataclass
class Story:
    id: str
    title: str
    author: str
    version: str
    start: str
    initial: dict[str, Any]
    max_score: int | None
    intro: TextSpec | None
    scenes: dict[str, Scene]
    things: dict[str, Thing]
    events: dict[str, Event]
    global_actions: list[Action]
    puzzles: dict[str, Puzzle]
    synonyms: list[tuple[Words, Words]]  # (what a player types, what it means), longest first
    actions_by_key: dict[str, Action]
    fingerprint: str
    root: str
    initially_hidden: frozenset[str] = frozenset()
    info: StoryInfo = field(default_factory=StoryInfo)


@dataclass
class LogEntry:
    """One command of a game's log: as typed, and what it resolved to."""

    command: str
    resolved: str

    def to_json(self) -> list[str]:
        return [self.command, self.resolved]


@dataclass
class GameState:
    """Everything that changes in one game. Plain data only."""

    scene: str
    vars: dict[str, Any]
    turn: int = 0
    score: int = 0
    moved: dict[str, str] = field(default_factory=dict)  # thing -> location, where not initial
    visits: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)  # action key -> successes
    listing: dict[str, bool] = field(default_factory=dict)  # action key -> revealed/hidden
    timers: list[list[Any]] = field(default_factory=list)  # [due turn, event id]
    stack: list[str] = field(default_factory=list)  # conversation return scenes
    hints: dict[str, int] = field(default_factory=dict)  # hint key -> hints given
    rng: int = 0
    seed: int = 0
    ended: str | None = None
    refs: dict[str, str] = field(default_factory=dict)  # pronoun -> thing last named
    pending: dict[str, Any] | None = None  # a question the parser asked ("which do you mean")

    def copy(self) -> GameState:
        return GameState(
            self.scene, dict(self.vars), self.turn, self.score, dict(self.moved),
            dict(self.visits), dict(self.done), dict(self.listing),
            [list(t) for t in self.timers], list(self.stack), dict(self.hints),
            self.rng, self.seed, self.ended, dict(self.refs),
            dict(self.pending) if self.pending else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "scene": self.scene, "vars": dict(self.vars), "turn": self.turn,
            "score": self.score, "moved": dict(self.moved), "visits": dict(self.visits),
            "done": dict(self.done), "listing": dict(self.listing),
            "timers": [list(t) for t in self.timers], "stack": list(self.stack),
            "hints": dict(self.hints), "rng": self.rng, "seed": self.seed,
            "ended": self.ended, "refs": dict(self.refs), "pending": self.pending,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GameState:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data}).copy()
