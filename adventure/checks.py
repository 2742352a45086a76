"""Authoring checks: what the loader cannot call an error but an author wants to know,
and random play that walks the story the way many players would."""

from __future__ import annotations

import json
import random
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Loc
from .model import Action, GameState, Story
from .session import Game
from .world import World


def warn(loc: Loc, message: str) -> Diagnostic:
    return Diagnostic(loc, message, "warning")


# -- the story as a graph ----------------------------------------------------------------

def edges(story: Story) -> dict[str, set[str]]:
    """Every scene a scene can lead to, by exits, actions, fallbacks, returns and events."""
    out: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    callers: dict[str, set[str]] = {}
    for s in story.scenes.values():
        for ex in s.exits:
            out[s.id].add(ex.to)
        for a in s.actions:
            for target in (a.to, a.call):
                if target:
                    out[s.id].add(target)
            if a.call:
                callers.setdefault(a.call, set()).add(s.id)
        if s.fallback and s.fallback.to:
            out[s.id].add(s.fallback.to)
    for s in story.scenes.values():
        if any(a.ret for a in s.actions):
            out[s.id] |= callers.get(s.id, set())
    for event in story.events.values():
        if event.to and event.id in story.info.scheduled:
            for sid in out:  # an event can fire anywhere
                out[sid].add(event.to)
    return out


def reachable(story: Story) -> set[str]:
    graph = edges(story)
    seen = {story.start}
    todo = [story.start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def ways_out(story: Story) -> dict[str, int]:
    """How many distinct ways lead out of each scene (exits, moving actions, fallback)."""
    count = {}
    for s in story.scenes.values():
        moves = {("exit", ex.key) for ex in s.exits}
        moves |= {("action", a.id) for a in s.actions if a.to or a.call or a.ret}
        if s.fallback and s.fallback.to:
            moves.add(("fallback", ""))
        count[s.id] = len(moves)
    return count


# -- static warnings --------------------------------------------------------------------

def static_warnings(story: Story) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    reach = reachable(story)
    exits_of = ways_out(story)
    for s in story.scenes.values():
        if s.id not in reach:
            what = "ending" if s.ending else "scene"
            out.append(warn(s.loc, f"{what} '{s.id}' cannot be reached from the start scene "
                            f"'{story.start}'"))
        elif not s.ending and exits_of[s.id] == 0 and not _event_leaves(story, s.id):
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
    for s in story.scenes.values():
        for a in s.actions:
            if a.when is not None and _never(a.when, story):
                out.append(warn(a.loc, f"the guard of action '{a.id}' in scene '{s.id}' can "
                                f"never hold: '{a.when.source}'"))
        for ex in s.exits:
            if ex.when is not None and _never(ex.when, story):
                out.append(warn(ex.loc, f"the guard of exit '{ex.key}' in scene '{s.id}' can "
                                f"never hold: '{ex.when.source}'"))
    return out


def _event_leaves(story: Story, sid: str) -> bool:
    """A timed event that moves the player is scheduled here or on the way here."""
    before = {src for src, targets in edges(story).items() if sid in targets} | {sid}
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


def _never(expr, story: Story) -> bool:
    if not expr.static or expr.vars & story.info.writes:
        return False  # it depends on something that changes during play
    try:
        return not expr(_Initial(story))
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


def candidates(game: Game, state: GameState) -> list[str]:
    """Everything playable now, as commands a player could type."""
    world = World(game.story, state)
    offers = game.offers(world)
    out = [str(i) for i in range(1, len(offers) + 1)]
    listed = {id(o.action) for o in offers if o.action is not None}
    scene = game.scene(world)
    for a in scene.actions:
        if id(a) in listed or not game.usable(world, a) or a.disabled:
            continue
        if a.when is not None and not a.when(world):
            continue
        phrase = _phrase(a, world)
        if phrase:
            out.append(phrase)
    for t in world.scope().values():
        if t.portable and not world.has(t.id):
            out.append(f"take {' '.join(t.name)}")
        elif t.wearable and not world.wearing(t.id):
            out.append(f"wear {' '.join(t.name)}")
    return out


def _phrase(a: Action, world: World) -> str:
    if a.commands:
        return " ".join(a.commands[0])
    if a.verbs:
        if a.nouns:
            return " ".join(a.verbs[0] + a.nouns[0])
        if a.thing:
            if a.thing not in world.scope():
                return ""
            return " ".join(a.verbs[0] + world.story.things[a.thing].name)
        return " ".join(a.verbs[0])
    return ""


def random_play(game: Game, games: int = 1000, seed: int = 0, max_turns: int = 500,
                progress: Callable[[int], None] | None = None) -> PlayReport:
    """Seeded random playthroughs; the same seed gives the same report."""
    report = PlayReport()
    tried: Counter = Counter()  # (scene, command) -> times chosen, across all games
    for n in range(games):
        game_seed = seed * 1_000_003 + n
        _play_one(game, game_seed, max_turns, report, tried)
        if progress is not None:
            progress(n + 1)
    return report


def _play_one(game: Game, seed: int, max_turns: int, report: PlayReport,
              tried: Counter) -> None:
    rng = random.Random(seed)
    commands: list[str] = []
    report.games += 1
    try:
        state = game.begin(seed).state
        report.scenes[state.scene] += 1
        for _ in range(max_turns):
            if state.ended:
                report.endings[state.ended] += 1
                return
            options = candidates(game, state)
            if not options:
                report.problems.append(Problem(
                    "stuck", seed, commands,
                    f"nothing can be done in scene '{state.scene}' and it is not an ending"))
                return
            # Like a player who prefers what they have not tried yet: choices taken less
            # often so far weigh more, so deep branches get reached too.
            weights = [1.0 / (1 + tried[(state.scene, o)]) for o in options]
            command = rng.choices(options, weights)[0]
            tried[(state.scene, command)] += 1
            commands.append(command)
            result = game.step(state, command)
            report.turns += 1
            if result.resolved.startswith(("action:", "exit:", "fallback:")):
                report.actions[result.resolved] += 1
            if result.state.scene != state.scene:
                report.scenes[result.state.scene] += 1
            state = result.state
        if state.ended:
            report.endings[state.ended] += 1
            return
        report.capped += 1
    except Exception as exc:  # noqa: BLE001 - a crash is what we are looking for
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        report.problems.append(Problem("crash", seed, commands, detail))


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
    }
