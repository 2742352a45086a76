"""The commands that do something in a game's state, each with what it resolves to.

A harness for game-playing agents (Jericho, TextWorld) guesses valid commands by trying
candidates against saved states. This engine knows what a scene offers, so the list is
built from the story and each candidate is then played on a copy of the state (`Game.step`
is pure) and kept only if `did_something` says it was understood and not refused and
`outcome` says it changed the game as no command kept before it did: the list is exact,
not a guess, and holds one command for each thing that can be done (an agent choosing
from it is not drowned in examines and synonyms). `did_something` is also the measure
the benchmarks use.
"""

from __future__ import annotations

from ..engine.parser import parse
from ..engine.reply import describe
from ..engine.world import World
from ..story.effects import Op
from ..story.expr import Expr
from ..story.record import Record
from ..story.text import Template
from ..story.vocab import words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

    from ..engine.game import Game
    from ..engine.result import Result
    from ..engine.state import GameState
    from ..story.model import Action, Story, Thing

# built-in verbs whose use changes where a thing is: refused when it does not move
_MOVING = frozenset({"take", "drop", "wear", "remove", "put"})
# built-in verbs that always show something of the world
_SHOWING = frozenset({"look", "inventory", "wait", "examine"})


class Valid:
    """One valid command: what to type, what kind of thing it is, what it resolves to
    (the `resolved` a step reports), and the choice's label for a numbered choice."""

    __slots__ = ("command", "kind", "resolves", "label")

    def __init__(self, command: str, kind: str, resolves: str, label: str = "") -> None:
        self.command = command
        self.kind = kind  # choice, exit, action, builtin
        self.resolves = resolves
        self.label = label

    def to_json(self) -> dict[str, str]:
        out = {"command": self.command, "kind": self.kind, "resolves": self.resolves}
        if self.label:
            out["label"] = self.label
        return out


def did_something(story: Story, before: GameState, result: Result) -> bool:
    """Was this step understood, and did it do what it meant rather than refuse?

    An action did something when its count of successes went up (the machine counts
    every action it runs), an exit when the player entered its scene, a built-in verb
    that moves things when something moved; look, inventory, wait and examine always
    show something. A fallback (the scene's answer to anything), a meta command, a
    default reply ('Nothing obvious happens.') and an error are not doing something."""
    if any(style == "error" for style, _ in result.paragraphs):
        return False
    kind, _, rest = result.resolved.partition(":")
    after = result.state
    if kind == "action":
        action = _actions(story).get(result.resolved)
        return action is not None and after.done.get(action.key, 0) > before.done.get(
            action.key, 0)
    if kind == "exit":
        to = _exits(story).get(result.resolved)
        return to is not None and after.visits.get(to, 0) > before.visits.get(to, 0)
    if kind == "builtin":
        verb = rest.split(":", 1)[0]
        if verb in _MOVING:
            return after.moved != before.moved
        return verb in _SHOWING
    if kind == "travel":
        return after.scene != before.scene
    return False


def _actions(story: Story) -> dict[str, Action]:
    found = story.derived.get("agent_actions")
    if found is None:
        found = story.derived["agent_actions"] = {
            a.trigger: a for a in story.actions_by_key.values()}
    return found  # type: ignore[no-any-return]


def _exits(story: Story) -> dict[str, str]:
    found = story.derived.get("agent_exits")
    if found is None:
        found = story.derived["agent_exits"] = {
            ex.trigger: ex.to for s in story.scenes.values() for ex in s.exits}
    return found  # type: ignore[no-any-return]


def outcome(story: Story, state: GameState) -> tuple:
    """What of a state decides what can happen next, to compare two states: all of it
    but the turn counter, the pronouns ('it' follows whatever was last named), counts of
    actions that nothing reads (an action is counted each time it runs; only a `once`
    and a `done(...)` read the count) and, in a story whose expressions never draw from
    it, the random generator (which then only picks among texts). Timers are counted
    from now: a turn that passes with a timer running changes them. Equal outcomes are
    the same situation, whatever was typed to reach it."""
    counted, draws = _reads(story)
    timers = [(due - state.turn, event) for due, event in state.timers]
    done = {k: n for k, n in state.done.items() if k in counted}
    return (state.scene, state.score, state.ended, state.pending, state.stack, timers,
            state.rng if draws else 0, state.vars, state.moved, done, state.listing,
            state.visits, state.hints)


def _reads(story: Story) -> tuple[frozenset[str], bool]:
    """The actions whose count matters (`once`, or read by some `done(...)`), and
    whether any expression draws from the random generator (chance, random): worked
    out once per story from the compiled expressions, wherever they are."""
    found = story.derived.get("agent_reads")
    if found is not None:
        return found  # type: ignore[no-any-return]
    counted = {a.key for a in story.actions_by_key.values() if a.once}
    draws = False
    todo: list[Any] = [story.scenes, story.events, story.things, story.puzzles,
                       story.global_actions, story.intro]
    seen: set[int] = set()
    while todo:
        item = todo.pop()
        if item is None or isinstance(item, (str, int, float)) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Expr):
            trees = [item.tree]
            while trees:
                op, value, args, _ = trees.pop()
                if op == "done":
                    counted.add(args[0][1])
                draws = draws or op in ("chance", "random")
                trees.extend(args)
        elif isinstance(item, Template):
            todo.extend(item.exprs())
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
        elif isinstance(item, (Record, Op)):  # a model record or an effect: its fields
            todo.extend(item.__reduce__()[1])
    found = story.derived["agent_reads"] = (frozenset(counted), draws)
    return found


def valid_commands(game: Game, state: GameState, observe: bool = False) -> list[Valid]:
    """Every command that does something now, one for each thing that can be done:
    the numbered choices (with their labels), the exits, the story's unlisted commands
    whose guards hold, and the built-in verbs with the things in scope. Each is played
    on a copy of `state`, and kept if it was understood and not refused (`did_something`),
    changed the game (`outcome`) and left it unlike any command kept before it: the
    Jericho harness, too, groups its valid actions by the state they lead to. Every
    numbered choice is kept: it is the menu a player sees.

    What only shows something (look, inventory, examine, a story's command that only
    tells) lets a turn pass and changes nothing else: one command stands for them, the
    first of `wait` and `look` that is built in, and only where a turn passing changes
    something (a timer runs). With `observe` they are all listed too, last, as kind
    `observe`, for an agent that reads before it acts."""
    if state.ended:
        return []
    story = game.story
    out: list[Valid] = []
    looking: list[Valid] = []  # what only shows something: listed with `observe`
    seen: set[str] = set()  # what each listed command resolves to: one command for each
    still = outcome(story, state)
    outcomes: list[tuple] = []  # what each listed command leaves: one command for each
    world = World(story, state.copy())  # working out labels may draw from the RNG
    offers = game.offers(world)
    ctx = game.context(world, offers)

    # 'examine T' is the built-in verb unless an action here answers examine (parsing
    # each thing's costs more than the rest of the list)
    examines = state.pending or ctx.fallback or any(
        w[:1] == ("examine",) for a in (*ctx.own, *ctx.globals) for w in (*a.verbs, *a.commands))

    def showing(command: str) -> bool:
        """Is this a built-in verb that only shows the world (not a story's action)?"""
        if not examines and command.startswith("examine "):
            return True
        intent = parse(command, ctx)
        return not state.pending and intent.kind == "builtin" and intent.verb in _SHOWING

    # time passing, played first so that what only lets time pass is known as such
    # ('look' and 'inventory' take no turn: only the built-in 'wait' lets time pass)
    passing = "wait" if showing("wait") else None
    passed = game.step(state, passing) if passing is not None else None
    idle = [still] if passed is None else [still, outcome(story, passed.state)]

    def keep(command: str, kind: str, expected: str | None = None, label: str = "") -> bool:
        """Play `command` and list it if it did something no listed command does. True
        when it was understood and not refused, so that its other words are not tried."""
        result = game.step(state, command)
        if expected is not None and result.resolved != expected:
            return False
        if not did_something(story, state, result):
            return False
        if result.resolved in seen:
            return True  # another command already means this
        after = outcome(story, result.state)
        if kind == "choice" or (after not in idle and after not in outcomes):
            outcomes.append(after)
            out.append(Valid(command, kind, result.resolved, label))
            seen.add(result.resolved)
        elif observe and after in idle:
            looking.append(Valid(command, "observe", result.resolved))
        return True

    for n, offer in enumerate(offers, 1):
        keep(str(n), "choice", label=offer.label)
    scene = story.scenes[state.scene]
    for ex in scene.exits:
        if ex.trigger in seen or (ex.when is not None and not ex.when(world)):
            continue
        for name in _exit_words(ex.key, ex.names):
            if keep(name, "exit", ex.trigger):
                break
    for a in scene.actions:
        if a.trigger in seen or a.disabled or (a.once and state.done.get(a.key)) \
                or (a.when is not None and not a.when(world)):
            continue
        for phrase in _action_words(a, story):
            if keep(phrase, "action", a.trigger):
                break
    if passed is not None and passing is not None and did_something(story, state, passed):
        after = idle[-1]
        if after != still and after not in outcomes:  # a turn passing changes something
            outcomes.append(after)
            out.append(Valid(passing, "builtin", passed.resolved))
            seen.add(passed.resolved)

    def show(command: str) -> None:
        """look, inventory, examine: built in, they only show the world (examine lets a
        turn pass, as `passing` does); a story's own answer to one is played."""
        if not showing(command):
            keep(command, "builtin")
        elif observe:
            looking.append(Valid(command, "observe", describe(parse(command, ctx))))

    for verb in ("wait", "look", "inventory"):
        show(verb)
    scope = world.scope()
    for t in scope.values():
        name = t.display
        # the name as shown, else the thing's own name when the shown one is not typable,
        # else another of its names when a story's phrase takes the first ('take ration
        # bar' may be the dispenser's 'get ration bar'; 'take bar' is the verb)
        names = list(dict.fromkeys((name, " ".join(t.name),
                                    *(" ".join(w) for w in t.synonyms[:3]))))

        def keep_any(verb: str, tail: str = "", names: list[str] = names) -> None:
            for n in names:
                if keep(f"{verb} {n}{tail}", "builtin"):
                    return

        show(f"examine {name}")
        if world.wearing(t.id):
            keep_any("remove")
        if world.has(t.id):  # worn things too: dropping takes them off
            keep_any("drop")
            for holder in _holders(scope, t):
                keep_any("put", f" {holder.holds} {holder.display}")
        elif t.portable:
            keep_any("take")
        if t.wearable and not world.wearing(t.id):
            keep_any("wear")
    if observe:  # what only shows: each meaning once, and none that a listed one has
        shown = {v.resolves: v for v in reversed(looking) if v.resolves not in seen}
        out += reversed(shown.values())
    return out


def _exit_words(key: str, names: list) -> list[str]:
    out = [key, f"go {key}"]
    out += [" ".join(n) for n in names[:2]]
    return out


def _action_words(a: Action, story: Story) -> list[str]:
    out = [" ".join(c) for c in a.commands[:2]]
    for verb in a.verbs[:1]:
        thing = story.things.get(a.thing) if a.thing else None
        nouns = [n for n in a.nouns[:1]] or ([thing.name] if thing is not None else [()])
        second = story.things.get(a.second) if a.second else None
        tail = (*a.preposition, *(second.name if second is not None else ())) \
            if a.preposition else ()
        topic = (*a.preposition, *a.topics[0]) if a.topics and a.preposition else ()
        out.append(" ".join((*verb, *nouns[0], *(tail or topic))))
    return [p for p in out if p and words(p)]


def _holders(scope: dict[str, Thing], t: Thing) -> list[Thing]:
    return [h for h in scope.values() if h.holds and h.id != t.id]
