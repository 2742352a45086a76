"""Authoring checks: what the loader cannot call an error but an author wants to know,
and random play that walks the story the way many players would."""

from __future__ import annotations

import json
import random
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..engine.session import Game
from ..engine.state import GameState
from ..engine.world import World
from ..story.diagnostics import Diagnostic, Loc
from ..story.effects import Op
from ..story.model import Action, Scene, Story
from .emptyvars import EmptyWatch
from .idlechoices import IdleWatch
from .labelcheck import LabelCheck
from .quotes import QuoteWatch
from .replays import ReplayWatch

T = TypeVar("T")


def warn(loc: Loc, message: str) -> Diagnostic:
    return Diagnostic(loc, message, "warning")


# -- what each scene holds, worked out once per scene -------------------------------------

class SceneFacts:
    """What the checks work out about each scene on its own, kept from one check to the
    next by an editor: the loader hands back the very Scene object of a scene whose file
    did not change (story/reuse.py), and its facts are not worked out again. Holds the
    scenes of the last check only (finish), so it never outgrows the story."""

    def __init__(self) -> None:
        # what -> id of the scene -> (the scene, what was found in it)
        self._kept: dict[str, dict[int, tuple[Scene, Any]]] = {}
        self._used: dict[str, dict[int, tuple[Scene, Any]]] = {}
        self.last: tuple[Story | None, dict[str, Moves]] = (None, {})  # moves_of's answer

    def all(self, what: str, scenes: Iterable[Scene], make: Callable[[Scene], T]) -> list[T]:
        """make(scene) for each scene, kept from the last check where it was the same."""
        kept = self._kept.get(what, {})
        used = self._used.setdefault(what, {})
        out = []
        for scene in scenes:
            hit = kept.get(id(scene)) or used.get(id(scene))
            if hit is None or hit[0] is not scene:  # (an id of a scene gone is reused)
                hit = (scene, make(scene))
            used[id(scene)] = hit
            out.append(hit[1])
        return out

    def finish(self) -> None:
        """A check is over: forget the scenes it did not look at."""
        self._kept, self._used = self._used, {}
        self.last = (None, {})


class Moves:
    """Where a scene leads, on its own (a return leads back to its callers, which only
    the whole story knows), the guards that can be judged before play, and for
    continuity its steps (None when it returns) and the events it schedules."""

    __slots__ = ("scene", "targets", "calls", "returns", "ways", "guards", "_steps",
                 "_schedules")

    def __init__(self, s: Scene) -> None:
        targets = [ex.to for ex in s.exits]
        calls = []
        for a in s.actions:
            targets += [target for target in (a.to, a.call) if target]
            if a.call:
                calls.append(a.call)
        if s.fallback and s.fallback.to:
            targets.append(s.fallback.to)
        self.targets = frozenset(targets)
        self.calls = calls
        self.returns = any(a.ret for a in s.actions)
        moves = {("exit", ex.key) for ex in s.exits if not ex.blocked}
        moves |= {("action", a.id) for a in s.actions if a.to or a.call or a.ret}
        if s.fallback and s.fallback.to:
            moves.add(("fallback", ""))
        self.ways = len(moves)  # distinct ways out (exits, moving actions, fallback)
        self.guards = [(a.loc, f"the guard of action '{a.id}' in scene '{s.id}'", a.when)
                       for a in s.actions if a.when is not None and a.when.static]
        self.guards += [(x.loc, f"the guard of exit '{x.key}' in scene '{s.id}'", x.when)
                        for x in s.exits if x.when is not None and x.when.static]
        self.scene = s
        self._steps: list[tuple[str, list[Op], str]] | None = None
        self._schedules: list[tuple[str, int]] | None = None

    # worked out when first asked for: only the continuity checks ask (the editor's
    # re-check only when the story has events)
    @property
    def steps(self) -> list[tuple[str, list[Op], str]] | None:
        """scene_steps of a scene that does not return; None when it does (where a
        return leads depends on the callers)."""
        if self._steps is None and not self.returns:
            self._steps = scene_steps(self.scene, {})
        return self._steps

    @property
    def schedules(self) -> list[tuple[str, int]]:
        if self._schedules is None:
            self._schedules = _scene_schedules(self.scene)
        return self._schedules


def ops(effects: list[Op], sure: bool = True) -> Iterator[tuple[Op, bool]]:
    """Every effect, inside `if`s too, with whether it always runs."""
    for fx in effects:
        if fx.kind == "if":
            yield fx, sure
            yield from ops(fx.args[1], False)  # type: ignore[arg-type]
            yield from ops(fx.args[2], False)  # type: ignore[arg-type]
        else:
            yield fx, sure


def scene_steps(s: Scene, callers: dict[str, set[str]]) -> list[tuple[str, list[Op], str]]:
    """Where a scene leads, each with the effects run on the way (a return leads back
    to every scene that calls this one)."""
    found = [(ex.to, ex.do, f"exit '{ex.key}'") for ex in s.exits]
    for a in s.actions:
        targets = [a.to or a.call or ""] if a.to or a.call else \
            sorted(callers.get(s.id, ())) if a.ret else []
        for target in targets:
            found.append((target, a.do, f"action '{a.id}'"))
    fb = s.fallback
    for f in (fb, fb.go if fb else None):
        if f is not None and f.to:
            found.append((f.to, f.do, "the fallback"))
    return found


def _scene_schedules(s: Scene) -> list[tuple[str, int]]:
    """(event, delay) of each schedule in a scene's own effects."""
    lists = [s.on_enter] + [a.do for a in s.actions if not a.key.startswith("global.")]
    lists += [ex.do for ex in s.exits]
    lists += [f.do for f in (s.fallback, s.fallback.go if s.fallback else None) if f]
    return [(fx.args[0], fx.args[1]) for effects in lists  # type: ignore[misc]
            for fx, _ in ops(effects) if fx.kind == "schedule"]


def moves_of(story: Story, facts: SceneFacts | None = None) -> dict[str, Moves]:
    """The Moves of every scene (asked again for the same story, the same answer)."""
    facts = facts if facts is not None else SceneFacts()
    if facts.last[0] is not story:
        found = facts.all("moves", story.scenes.values(), Moves)
        facts.last = (story, dict(zip(story.scenes, found, strict=True)))
    return facts.last[1]


# -- the story as a graph ----------------------------------------------------------------

def edges(story: Story, events: bool = True, moves: dict[str, Moves] | None = None
          ) -> dict[str, frozenset[str]]:
    """Every scene a scene can lead to, by exits, actions, fallbacks, returns and (unless
    `events` is false) events."""
    moves = moves if moves is not None else moves_of(story)
    out: dict[str, frozenset[str]] = {sid: m.targets for sid, m in moves.items()}
    callers: dict[str, set[str]] = {}
    for sid, m in moves.items():
        for call in m.calls:
            callers.setdefault(call, set()).add(sid)
    for sid, m in moves.items():
        if m.returns:
            out[sid] = out[sid] | callers.get(sid, set())
    for event in story.events.values():
        if events and event.to and event.id in story.info.scheduled:
            for sid in out:  # an event can fire anywhere
                out[sid] = out[sid] | {event.to}
    return out


def reachable(story: Story, graph: dict[str, frozenset[str]] | None = None) -> set[str]:
    graph = graph if graph is not None else edges(story)
    seen = {story.start}
    todo = [story.start]
    while todo:
        new = graph[todo.pop()] - seen
        if new:
            seen |= new
            todo += new
    return seen


def ways_out(story: Story) -> dict[str, int]:
    """How many distinct ways lead out of each scene (exits, moving actions, fallback)."""
    return {sid: m.ways for sid, m in moves_of(story).items()}


# -- static warnings --------------------------------------------------------------------

def static_warnings(story: Story, facts: SceneFacts | None = None) -> list[Diagnostic]:
    """`facts`: an editor's SceneFacts, kept from its last check."""
    out: list[Diagnostic] = list(story.info.warnings)  # what the loader read generously
    moves = moves_of(story, facts)
    graph = edges(story, moves=moves)
    reach = reachable(story, graph)
    for s in story.scenes.values():
        if s.id not in reach:
            what = "ending" if s.ending else "scene"
            out.append(warn(s.loc, f"{what} '{s.id}' cannot be reached from the start scene "
                            f"'{story.start}'"))
        elif not s.ending and moves[s.id].ways == 0 and not _event_leaves(story, s.id, graph):
            out.append(warn(s.loc, f"scene '{s.id}' is a dead end: it is not an ending and "
                            "has no exit, moving action or fallback"))
    info = story.info
    for var, loc in info.var_locs.items():
        if var in info.reads and var not in info.writes:
            out.append(warn(loc, f"variable '{var}' is read but never set by any effect "
                            f"(it stays {json.dumps(story.initial[var])})"))
        elif var in info.writes and var not in info.reads:
            out.append(warn(loc, f"variable '{var}' is set but never read by any guard "
                            "or text"))
        elif var not in info.reads and var not in info.writes:
            out.append(warn(loc, f"variable '{var}' is declared but never used"))
    for t in story.things.values():
        if not t.portable or t.id in info.moved:
            continue
        home = _home(story, t.location)
        if home == "nowhere" or (home in story.scenes and home not in reach):
            out.append(warn(t.loc, f"thing '{t.id}' can never be obtained: it starts in "
                            f"{'no scene' if home == 'nowhere' else f'unreachable {home!r}'} "
                            "and no effect gives or moves it"))
    start = _Initial(story)
    writes = story.info.writes
    for m in moves.values():
        for loc, what, when in m.guards:  # (all static: _never's first test, inline)
            if when.vars.isdisjoint(writes) and _never(when, story, start):
                out.append(warn(loc, f"{what} can never hold: '{when.source}'"))
    return out


def asks_where(tree: tuple) -> bool:
    """Does a condition ask where the player is (at(...))?"""
    trees = [tree]
    while trees:
        op, value, args, _ = trees.pop()
        if op == "at":
            return True
        trees.extend(args)
    return False


def _event_leaves(story: Story, sid: str, graph: dict[str, frozenset[str]]) -> bool:
    """A timed event that moves the player is scheduled here or on the way here."""
    before = {src for src, targets in graph.items() if sid in targets} | {sid}
    for event in story.events.values():
        sources = story.info.scheduled.get(event.id, set())
        if event.to and (None in sources or sources & before):
            return True
    return False


def _home(story: Story, location: str) -> str:
    seen = set()
    while location in story.things and location not in seen:
        seen.add(location)
        location = story.things[location].location
    return location


class _Initial:
    """An environment where variables that no effect changes keep their first values."""

    def __init__(self, story: Story):
        self.vars = dict(story.initial)
        self.turn = self.score = 0


def _never(expr, story: Story, start: _Initial) -> bool:
    if not expr.static or expr.vars & story.info.writes:
        return False  # it depends on something that changes during play
    try:
        return not expr(start)
    except Exception:  # noqa: BLE001 - a check must not crash on an odd guard
        return False


# -- random play --------------------------------------------------------------------------

@dataclass
class Problem:
    kind: str  # crash or stuck
    seed: int
    commands: list[str]
    detail: str


@dataclass
class PlayReport:
    games: int = 0
    turns: int = 0
    scenes: Counter = field(default_factory=Counter)
    actions: Counter = field(default_factory=Counter)
    endings: Counter = field(default_factory=Counter)
    capped: int = 0  # games that hit the turn cap without ending
    problems: list[Problem] = field(default_factory=list)
    labels: LabelCheck = field(default_factory=LabelCheck)  # choices typed as shown
    empty: EmptyWatch = field(default_factory=EmptyWatch)  # ${var} shown still empty
    idle: IdleWatch = field(default_factory=IdleWatch)  # choices that would do nothing
    replays: ReplayWatch = field(default_factory=ReplayWatch)  # first visits read again
    quotes: QuoteWatch = field(default_factory=QuoteWatch)  # quotations back to back
    chapter_score: dict[str, int] = field(default_factory=dict)  # most held in each chapter
    entry_score: dict[str, int] = field(default_factory=dict)  # most held on first entry


def _options(game: Game, state: GameState, seen: dict | None = None
             ) -> list[tuple[str, str]]:
    """Everything playable now: (command, what it does). A numbered choice is named
    by the action or exit it stands for, since its number changes with the list.
    `seen` keeps what is in scope where, for a caller that asks again and again."""
    world = World(game.story, state)
    offers = game.offers(world)
    out = [(str(i), o.action.trigger if o.action is not None else
            o.exit.trigger if o.exit is not None else str(i))
           for i, o in enumerate(offers, 1)]
    listed = {id(o.action) for o in offers if o.action is not None}
    # all that scope depends on (the dark hides what is not carried)
    where = (state.scene, tuple(state.moved.items()), world.dark)
    scope = seen.get(where) if seen is not None else None
    if scope is None:
        things = world.scope()
        scope = (set(things), [
            (f"take {' '.join(t.name)}",) * 2 if t.portable and not world.has(t.id) else
            (f"wear {' '.join(t.name)}",) * 2 for t in things.values()
            if (t.portable and not world.has(t.id)) or (t.wearable and not world.wearing(t.id))])
        if seen is not None:
            seen[where] = scope
    for a in game.scene(world).actions:
        if id(a) in listed or not game.usable(world, a) or a.disabled:
            continue
        if a.when is not None and not a.when(world):
            continue
        phrase = _phrase(a, game.story, scope[0])
        if phrase:
            out.append((phrase, a.trigger))
    for ex in game.scene(world).exits:  # a hidden exit: a player may still type its name
        if ex.hidden and (ex.when is None or ex.when(world)):
            out.append((f"go {ex.key}", ex.trigger))
    return out + scope[1]


def _phrase(a: Action, story: Story, scope: set[str]) -> str:
    if a.commands:
        return " ".join(a.commands[0])
    if a.verbs:
        if a.nouns:
            return " ".join(a.verbs[0] + a.nouns[0])
        if a.thing:
            if a.thing not in scope:
                return ""
            first = a.verbs[0] + story.things[a.thing].name
        else:
            first = a.verbs[0]
        if a.preposition and a.second:  # hang the cloak ON THE HOOK
            if a.second not in scope:
                return ""
            return " ".join(first + a.preposition + story.things[a.second].name)
        if a.preposition and a.topics:
            return " ".join(first + a.preposition + a.topics[0])
        return " ".join(first)
    return ""


def random_play(game: Game, games: int = 1000, seed: int = 0, max_turns: int = 500,
                progress: Callable[[int], None] | None = None) -> PlayReport:
    """Seeded random playthroughs; the same seed gives the same report.

    The walker plays like someone on their tenth time through who wants to see
    everything. It prefers what it has not tried yet, in this game above all
    and in every game so far; and when a game ends in an ending it has already
    seen more often than the rarest one, it usually takes a few moves back and
    plays on from there, as a player undoes a fatal step. It keeps doing that
    while it keeps finding scenes, actions or exits it had never seen, and now
    and then even when it does not. Such a continuation counts as a game of its
    own: `games` is the number of playthroughs that ended or hit the turn cap
    (which counts every command since the game began), and every ending reached
    is counted once. A problem names the seed its game began with and every
    command since, so `Game.begin(seed)` and those commands reproduce it.
    """
    report = PlayReport()
    memory = _Memory(endings=[s.id for s in game.story.scenes.values() if s.ending])
    resume: _Resume | None = None
    for n in range(games):
        game_seed = seed * 1_000_003 + n
        resume = _play_one(game, game_seed, max_turns, report, memory, resume)
        if progress is not None:
            progress(n + 1)
    return report


UNDO_MEAN = 4  # how many moves random play takes back on average after an ending
KEEP_TRYING = 0.8  # chance to take moves back again when that found nothing new


@dataclass
class _Memory:
    """What random play has learnt so far, across games."""

    endings: list[str]  # every ending of the story
    tried: Counter = field(default_factory=Counter)  # (scene, what it does) -> times chosen
    scope: dict = field(default_factory=dict)  # for _options: what is in scope where

    def appeal(self, key: tuple[str, str], mine: Counter) -> float:
        """How much a player who wants to see everything would like to try this now:
        less the more often they have tried it, in this game above all."""
        return 1.0 / ((1 + self.tried[key]) * (1 + mine[key]) ** 2)

    def rarest(self, reached: Counter) -> int:
        return min(reached[e] for e in self.endings)


@dataclass
class _Resume:
    """A moment of a game to play on from: the seed the game began with, the
    commands since, the state before each of them, and the state they left."""

    seed: int
    commands: list[str]
    before: list[GameState]
    state: GameState


def _key(state: GameState, what: str) -> tuple[str, str]:
    """Where an option counts as tried: a global action is the same one everywhere."""
    return ("" if what.startswith("action:global:") else state.scene, what)


def _play_one(game: Game, seed: int, max_turns: int, report: PlayReport, memory: _Memory,
              resume: _Resume | None = None) -> _Resume | None:
    """One playthrough, from the start or from `resume`; returns the moment the next
    game should resume from, or None to start afresh."""
    rng = random.Random(seed)
    report.games += 1
    begin_seed = resume.seed if resume else seed
    commands: list[str] = list(resume.commands) if resume else []
    before: list[GameState] = list(resume.before) if resume else []
    mine: Counter = Counter()  # (scene, what it does) -> times chosen in this playthrough
    new = False  # this playthrough found a scene, action or exit never seen before
    entered: set[str] = set()  # chapters this playthrough has been in
    try:
        if resume:
            state = resume.state
        else:
            state = game.begin(seed).state
            report.scenes[state.scene] += 1
        while len(commands) < max_turns and not state.ended:
            report.labels.probe(game, state)
            options = _options(game, state, memory.scope)
            if not options:
                report.problems.append(Problem(
                    "stuck", begin_seed, commands,
                    f"nothing can be done in scene '{state.scene}' and it is not an ending"))
                return None
            keys = [_key(state, what) for _, what in options]
            weights = [memory.appeal(k, mine) for k in keys]
            i = rng.choices(range(len(options)), weights)[0]
            memory.tried[keys[i]] += 1
            mine[keys[i]] += 1
            before.append(state)
            commands.append(options[i][0])
            result = game.step(state, options[i][0])
            report.turns += 1
            report.idle.taken(game, state, result)
            report.quotes.seen(result)
            if result.resolved.startswith(("action:", "exit:", "fallback:")):
                new = new or not report.actions[result.resolved]
                report.actions[result.resolved] += 1
            if result.state.scene != state.scene:
                new = new or not report.scenes[result.state.scene]
                report.scenes[result.state.scene] += 1
                report.empty.entered(game.story, result.state, begin_seed)
                report.replays.entered(game.story, begin_seed, result)
            state = result.state
            chapter = game.story.scenes[state.scene].chapter
            if state.score > report.chapter_score.get(chapter, -1):
                report.chapter_score[chapter] = state.score
            if chapter not in entered:
                entered.add(chapter)
                if state.score > report.entry_score.get(chapter, -1):
                    report.entry_score[chapter] = state.score
        if not state.ended:
            report.capped += 1
            return None
        seen, rarest = report.endings[state.ended], memory.rarest(report.endings)
        report.endings[state.ended] += 1
        keen = new or resume is None or rng.random() < KEEP_TRYING
        if keen and rng.random() > (1 + rarest) / (1 + seen):
            back = min(len(before), 1 + int(rng.expovariate(1 / UNDO_MEAN)))
            k = len(before) - back
            return _Resume(begin_seed, commands[:k], before[:k], before[k])
        return None
    except Exception as exc:  # noqa: BLE001 - a crash is what we are looking for
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        report.problems.append(Problem("crash", begin_seed, commands, detail))
        return None


def play_warnings(story: Story, report: PlayReport) -> list[Diagnostic]:
    out = []
    for s in story.scenes.values():
        if s.ending and report.endings[s.id] == 0:
            out.append(warn(s.loc, f"ending '{s.id}' was never reached in {report.games} "
                            "random games"))
    return out


# -- the whole report ---------------------------------------------------------------------------

def summary(story: Story) -> dict[str, object]:
    exits_of = ways_out(story)
    playable = [s for s in story.scenes.values() if not s.ending]
    single = sum(1 for s in playable if exits_of[s.id] == 1)
    return {
        "scenes": len(story.scenes),
        "chapters": len({s.chapter for s in story.scenes.values()}),
        "actions": sum(1 for s in story.scenes.values() for a in s.actions
                       if not a.key.startswith("global.")) + len(story.global_actions),
        "things": len(story.things),
        "endings": sum(1 for s in story.scenes.values() if s.ending),
        "variables": len(story.initial),
        "words": story.info.words,
        "single_exit_share": round(single / len(playable), 3) if playable else 0.0,
        "cross_chapter_variables": len(cross_chapter(story)),
    }


# -- variables across chapters -----------------------------------------------------------

def chapters(story: Story) -> list[str]:
    """The story's chapters, in the order their first scenes come."""
    return list(dict.fromkeys(s.chapter for s in story.scenes.values()))


def cross_chapter(story: Story) -> dict[str, tuple[str, str]]:
    """Variables set in one chapter and read (by a guard, a condition or a text) in a
    later one: variable -> (the first chapter that sets it, the last that reads it)."""
    names = chapters(story)
    order = {c: i for i, c in enumerate(names)}
    out = {}
    for var, (written, read) in variable_uses(story).items():
        first = min((order[c] for c in written if c in order), default=None)
        last = max((order[c] for c in read if c in order), default=None)
        if first is not None and last is not None and last > first:
            out[var] = (names[first], names[last])
    return out


def variable_uses(story: Story) -> dict[str, tuple[set[str], set[str]]]:
    """For each variable, the chapters whose effects set it and the chapters whose
    guards, conditions and texts read it, as the loader counted them while compiling
    (StoryInfo.uses). A file's parts belong to its `chapter:` or the chapter named after
    the file; the metadata belongs to none."""
    none: tuple[set[str], set[str]] = (set(), set())
    return {v: story.info.uses.get(v, none) for v in story.initial}
