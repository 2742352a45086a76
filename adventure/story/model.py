"""The story model (what an author wrote, checked and compiled) and the game state.

The story is immutable and shared by every game of it. A game's state is a
small value of plain containers: cheap to copy (undo) and to serialise (saves).
"""

from __future__ import annotations

from .diagnostics import NOWHERE, Loc
from .expr import Expr
from .record import Record
from .text import Template, source_names, source_words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, ClassVar

    from .effects import Op as Effect  # called with a world.World


class OneOf(Record):
    """A text picked at random (from the game's generator) each time it is shown."""

    __slots__ = ("options",)

    def __init__(self, options: list[Template]) -> None:
        self.options = options


TextSpec = Template | OneOf

Words = tuple[str, ...]


class Ending(Record):
    __slots__ = ("kind", "title", "epilogue", "title_text")

    def __init__(self, kind: str, title: str, epilogue: TextSpec | None,
            title_text: Template | None = None) -> None:
        self.kind = kind
        self.title = title  # as it reads in the story's initial state (outside play)
        self.epilogue = epilogue
        self.title_text = title_text  # a title with ${...}: rendered when the game ends


class Exit(Record):
    __slots__ = ("key", "to", "names", "label", "when", "refuse", "text", "hidden", "trigger",
                 "loc", "do", "blocked")
    _empty_as_none: ClassVar = ("do",)

    def __init__(self, key: str, to: str, names: list[Words], label: TextSpec | None,
            when: Expr | None, refuse: TextSpec | None, text: TextSpec | None, hidden: bool,
            trigger: str = "", loc: Loc = NOWHERE, do: list[Effect] | None = None,
            blocked: bool = False) -> None:
        self.key = key
        self.to = to
        self.names = names
        self.label = label
        self.when = when
        self.refuse = refuse
        self.text = text
        self.hidden = hidden
        self.trigger = trigger
        self.loc = loc
        self.do = [] if do is None else do  # run as the player goes, before the text
        # a way that leads nowhere (written with no 'to'): it only refuses, is never
        # listed, and is no edge of the story's map (`to` is its own scene)
        self.blocked = blocked


class Action(Record):
    __slots__ = ("id", "key", "commands", "verbs", "nouns", "thing", "preposition", "second",
                 "topics", "label", "hidden", "once", "when", "refuse", "do", "text", "to", "call",
                 "ret", "disabled", "trigger", "loc", "repeatable", "said", "_command_set")
    _empty_as_none: ClassVar = ("commands", "verbs", "nouns", "topics", "do")
    _not_pickled: ClassVar = ("_command_set",)

    def __init__(self, id: str, key: str, commands: list[Words] | None = None,
            verbs: list[Words] | None = None, nouns: list[Words] | None = None,
            thing: str | None = None, preposition: Words = (), second: str | None = None,
            topics: list[Words] | None = None, label: TextSpec | None = None, hidden: bool = False,
            once: bool = False, when: Expr | None = None, refuse: TextSpec | None = None,
            do: list[Effect] | None = None, text: TextSpec | None = None, to: str | None = None,
            call: str | None = None, ret: bool = False, disabled: bool = False, trigger: str = "",
            loc: Loc = NOWHERE, repeatable: bool = False,
            said: frozenset[Words] = frozenset()) -> None:
        self.id = id
        self.key = key  # scene.id, or global.id for global actions
        self.commands = [] if commands is None else commands
        self.verbs = [] if verbs is None else verbs
        self.nouns = [] if nouns is None else nouns
        self.thing = thing
        self.preposition = preposition  # give THING to SECOND, ask THING about TOPIC
        self.second = second
        self.topics = [] if topics is None else topics
        self.label = label
        self.hidden = hidden
        self.once = once
        self.when = when
        self.refuse = refuse
        self.do = [] if do is None else do
        self.text = text
        self.to = to
        self.call = call
        self.ret = ret
        self.disabled = disabled
        self.trigger = trigger
        self.loc = loc
        # a choice that only tells (no effects, no way on) leaves the list once taken,
        # unless it is worth hearing again (a radio, a crowd: `repeatable: true`)
        self.repeatable = repeatable
        # commands written in a built-in verb's other words ('look through grille', 'go
        # after reyes'), as written: `commands` holds them in the verb's one form, and
        # typed as written they are this action's before any other's
        self.said = said
        # `commands` as a set, made at the first has_command (the parser asks it of every
        # action it tries, every turn: `in` on the list compared phrase after phrase)
        self._command_set: frozenset[Words] | None = None

    def has_command(self, ws: Words) -> bool:
        """Is `ws` one of the action's whole commands?"""
        found = self._command_set
        if found is None:
            found = self._command_set = frozenset(self.commands)
        return ws in found

    @property
    def spent_when_done(self) -> bool:
        """Listed until it is taken: `once`, or it only tells and is not repeatable."""
        return self.once or not (self.repeatable or self.do or self.to is not None
                                 or self.call is not None or self.ret)


class Fallback(Record):
    __slots__ = ("when", "text", "do", "to", "trigger", "go")

    def __init__(self, when: Expr | None, text: TextSpec | None, do: list[Effect], to: str | None,
            trigger: str = "", go: Fallback | None = None) -> None:
        self.when = when
        self.text = text
        self.do = do
        self.to = to
        self.trigger = trigger
        self.go = go  # its answer to movement (a direction, 'go ...') when that differs


class Dark(Record):
    """When a scene is dark: its condition (a lit light source in reach still lights it)."""

    __slots__ = ("when", "loc")

    def __init__(self, when: Expr | None, loc: Loc = NOWHERE) -> None:
        self.when = when  # None: always dark
        self.loc = loc


class Scene(Record):
    __slots__ = ("id", "title", "chapter", "text", "variants", "on_enter", "ending", "exits",
                 "actions", "fallback", "hints", "conversation", "loc", "title_text", "dark",
                 "extended_by", "revisit", "sounds", "smells")
    _empty_as_none: ClassVar = ("variants", "on_enter", "exits", "actions", "hints",
                                "extended_by")

    def __init__(self, id: str, title: str, chapter: str, text: TextSpec,
            variants: list[tuple[Expr, TextSpec]] | None = None,
            on_enter: list[Effect] | None = None, ending: Ending | None = None,
            exits: list[Exit] | None = None, actions: list[Action] | None = None,
            fallback: Fallback | None = None, hints: list[TextSpec] | None = None,
            conversation: bool = False, loc: Loc = NOWHERE, title_text: Template | None = None,
            dark: Dark | None = None, extended_by: list[str] | None = None,
            revisit: TextSpec | None = None, sounds: TextSpec | None = None,
            smells: TextSpec | None = None) -> None:
        self.id = id
        self.title = title  # as it reads in the story's initial state (saves list, graph)
        self.chapter = chapter
        self.text = text
        self.variants = [] if variants is None else variants
        self.on_enter = [] if on_enter is None else on_enter
        self.ending = ending
        self.exits = [] if exits is None else exits
        self.actions = [] if actions is None else actions  # own, then global ones
        self.fallback = fallback
        self.hints = [] if hints is None else hints
        self.conversation = conversation
        self.loc = loc
        self.title_text = title_text  # a title with ${...}: rendered each time it is shown
        self.dark = dark
        # the files whose `extend:` adds to it, in the order their choices come
        self.extended_by = [] if extended_by is None else extended_by
        # what a return to the scene shows instead of its text ('verbose': the text again)
        self.revisit = revisit
        # what 'listen' and 'smell' find here (the scene's own, else its file's shared one)
        self.sounds = sounds
        self.smells = smells

    def texts(self) -> list[TextSpec]:
        """Every text the scene can be described by: its text, variants and revisit."""
        found = [self.text, *(text for _, text in self.variants)]
        return found if self.revisit is None else [*found, self.revisit]

    def words_shown(self) -> frozenset[str]:
        """Every word the scene's text (and its variants) can show."""
        found: set[str] = set()
        for text in self.texts():
            found |= source_words(text)
        return frozenset(found)

    def names_shown(self) -> frozenset[str]:
        """The names (capitalised in mid-sentence) the scene's text can show."""
        found: set[str] = set()
        for text in self.texts():
            found |= source_names(text)
        return frozenset(found)


class Thing(Record):
    __slots__ = ("id", "name", "adjectives", "synonyms", "article", "description", "location",
                 "portable", "wearable", "holds", "listed", "take_refuse", "loc", "pronoun",
                 "called", "light", "plural", "name_text", "name_words", "talk", "topics",
                 "treat", "whereabouts", "closed")
    _empty_as_none: ClassVar = ("topics",)

    def __init__(self, id: str, name: Words, adjectives: frozenset[str], synonyms: list[Words],
            article: str, description: TextSpec | None, location: str, portable: bool,
            wearable: bool, holds: str | None, listed: bool, take_refuse: TextSpec | None,
            loc: Loc = NOWHERE, pronoun: str = "it", called: str = "",
            light: Expr | bool = False, plural: bool = False,
            name_text: Template | None = None, name_words: frozenset[str] = frozenset(),
            talk: TextSpec | None = None,
            topics: list[tuple[list[Words], TextSpec]] | None = None,
            treat: TextSpec | None = None, whereabouts: TextSpec | None = None,
            closed: Expr | bool | None = None) -> None:
        self.id = id
        self.name = name
        self.adjectives = adjectives
        self.synonyms = synonyms
        self.article = article
        self.description = description
        self.location = location
        self.portable = portable
        self.wearable = wearable
        self.holds = holds  # "in", "on" or None
        self.listed = listed
        self.take_refuse = take_refuse
        self.loc = loc
        self.pronoun = pronoun  # what 'him', 'her', 'them' or 'it' can mean
        self.called = called  # the name as the author wrote it ("O'Brien"), for sentences
        self.light = light  # a light source: True, or lit while its condition holds
        self.plural = plural  # grammatical number: "the beads are", "some beads"
        # A name with ${...}: rendered where it is shown in play (World.shown); `called` is
        # how it reads at the start, `name` the words outside ${...}, and `name_words` the
        # words its branches can show, which describe it as adjectives do.
        self.name_text = name_text
        self.name_words = name_words
        # a person's own answers when no action of the story does: `talk` to 'talk to X'
        # and to a topic not in `topics` (topic phrases -> the reply about them)
        self.talk = talk
        self.topics = [] if topics is None else topics
        # its answer to 'treat/heal/bandage X' when no action answers (a hurt person's,
        # a body's); rendered empty when nothing is needed (the engine's plain reply then)
        self.treat = treat
        # where a person is, out of view, for 'where is X'; rendered empty when the
        # player does not know ("You don't know where Julian is now.")
        self.whereabouts = whereabouts
        # a container that is shut: True, or shut while its condition holds (nothing goes
        # in; 'open' it is the story's to answer, and an open one is already open); None
        # when the story does not say (then neither is assumed)
        self.closed = closed

    def renamed(self, called: str) -> Thing:
        """The same thing named as its template reads now."""
        cls, values = self.__reduce__()
        t: Thing = cls(*values)
        t.called = called
        return t

    @property
    def display(self) -> str:
        return self.called or " ".join(self.name)

    def with_article(self) -> str:
        """'a padd', 'your locket', 'Odo': for lists of things."""
        if self.article == "none":
            return self.display
        if not self.article:  # a templated name: 'a sealed crate', 'an open crate'
            return ("some " if self.plural else "an " if self.display[:1].lower() in "aeiou"
                    else "a ") + self.display
        return f"{self.article} {self.display}"

    def the(self) -> str:
        """'the padd', 'your locket', 'Odo': the thing named inside a sentence."""
        if self.article == "none":
            return self.display
        if self.article in _OWNING:
            return f"{self.article} {self.display}"
        return f"the {self.display}"

    def The(self) -> str:  # noqa: N802 - the same at the start of a sentence
        return capital(self.the())

    def is_(self) -> str:
        """'it is', 'he is', 'they are': the thing as the subject of a short clause."""
        return "they are" if self.plural else _SUBJECT.get(self.pronoun, "it is")

    def agree(self, singular: str, plural: str) -> str:
        """The verb that agrees with the thing's name as subject: 'stays' or 'stay'. The
        name's number decides ('plural: true'), not the pronoun: "your companion has",
        whoever 'they' are."""
        return plural if self.plural else singular

    @property
    def person(self) -> bool:
        """Someone rather than something: a pronoun him, her or them (not a plural 'it')."""
        return self.pronoun != "it"


def capital(text: str) -> str:
    """The first letter in capitals, the rest as written ("o'Brien" stays, unlike
    str.capitalize)."""
    return text[:1].upper() + text[1:]


_OWNING = frozenset({"the", "your", "my", "his", "her", "its", "our", "their"})
_SUBJECT = {"it": "it is", "him": "he is", "her": "she is", "them": "they are"}


class Event(Record):
    __slots__ = ("id", "when", "text", "do", "to", "trigger", "loc")

    def __init__(self, id: str, when: Expr | None, text: TextSpec | None, do: list[Effect],
            to: str | None, trigger: str = "", loc: Loc = NOWHERE) -> None:
        self.id = id
        self.when = when
        self.text = text
        self.do = do
        self.to = to
        self.trigger = trigger
        self.loc = loc


class Puzzle(Record):
    __slots__ = ("id", "scene", "when", "solved", "hints")

    def __init__(self, id: str, scene: str | None, when: Expr | None, solved: Expr,
            hints: list[TextSpec]) -> None:
        self.id = id
        self.scene = scene
        self.when = when
        self.solved = solved
        self.hints = hints


class StoryInfo(Record):
    """What the loader learnt on the way that authoring checks need."""

    __slots__ = ("var_locs", "reads", "writes", "moved", "scheduled", "words", "files", "uses",
                 "warnings", "score_loc")
    _empty_as_none: ClassVar = ("files", "warnings")

    def __init__(self, var_locs: dict[str, Loc] | None = None, reads: set[str] | None = None,
            writes: set[str] | None = None, moved: set[str] | None = None,
            scheduled: dict[str, set] | None = None, words: int = 0,
            files: list[str] | None = None,
            uses: dict[str, tuple[set[str], set[str]]] | None = None,
            warnings: list | None = None, score_loc: Loc = NOWHERE) -> None:
        self.var_locs = {} if var_locs is None else var_locs
        self.reads = set() if reads is None else reads  # variables read by guards and text
        self.writes = set() if writes is None else writes  # variables changed by effects
        self.moved = set() if moved is None else moved  # things effects give, move or wear
        self.scheduled = {} if scheduled is None else scheduled  # event -> scenes (None: any)
        self.words = words  # words of prose
        self.files = [] if files is None else files
        # variable -> (chapters whose effects set it, chapters whose guards, conditions
        # and texts read it); what no chapter owns (the metadata) counts for none
        self.uses = {} if uses is None else uses
        # what the loader took as the author meant but warns about (Diagnostics)
        self.warnings = [] if warnings is None else warnings
        self.score_loc = score_loc  # where max_score is written, for the score's warnings


class Story(Record):
    __slots__ = ("id", "title", "author", "version", "start", "initial", "max_score", "intro",
                 "scenes", "things", "events", "global_actions", "puzzles", "synonyms",
                 "actions_by_key", "fingerprint", "root", "initially_hidden", "info",
                 "wording", "ranks", "elsewhere", "derived")
    _not_pickled: ClassVar = ("derived",)
    _empty_as_none: ClassVar = ("ranks", "elsewhere")

    def __init__(self, id: str, title: str, author: str, version: str, start: str,
            initial: dict[str, Any], max_score: int | None, intro: TextSpec | None,
            scenes: dict[str, Scene], things: dict[str, Thing], events: dict[str, Event],
            global_actions: list[Action], puzzles: dict[str, Puzzle],
            synonyms: list[tuple[Words, Words]], actions_by_key: dict[str, Action],
            fingerprint: str, root: str, initially_hidden: frozenset[str] = frozenset(),
            info: StoryInfo | None = None, wording: dict[str, TextSpec] | None = None,
            ranks: list[tuple[int, str]] | None = None,
            elsewhere: list[Effect] | None = None) -> None:
        self.id = id
        self.title = title
        self.author = author
        self.version = version
        self.start = start
        self.initial = initial
        self.max_score = max_score
        self.intro = intro
        self.scenes = scenes
        self.things = things
        self.events = events
        self.global_actions = global_actions
        self.puzzles = puzzles
        self.synonyms = synonyms  # (what a player types, what it means), longest first
        self.actions_by_key = actions_by_key
        self.fingerprint = fingerprint
        self.root = root
        self.initially_hidden = initially_hidden
        self.info = StoryInfo() if info is None else info
        self.wording = {} if wording is None else wording  # the author's engine wording
        self.ranks = [] if ranks is None else ranks  # (lowest score, rank), highest first
        # effects that a game begun at another scene runs first (play --at, a test's
        # start:), after its --set values: what the story's opening would have set
        self.elsewhere = [] if elsewhere is None else elsewhere
        # indexes the engine builds on first use and keeps (a story never changes once
        # loaded); not part of the story, so not compared, not cached
        self.derived: dict[str, Any] = {}

    def callers(self, conversation: str) -> list[str]:
        """The scenes with an action that calls `conversation`, by id (worked out once)."""
        found: dict[str, list[str]] | None = self.derived.get("callers")
        if found is None:
            found = {}
            for s in self.scenes.values():
                for a in s.actions:  # (a scene's actions include the globals it keeps)
                    if a.call and s.id not in found.setdefault(a.call, []):
                        found[a.call].append(s.id)
            for ids in found.values():
                ids.sort()
            self.derived["callers"] = found
        return found.get(conversation, [])
