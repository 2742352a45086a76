"""The agent protocol's figures: `python benchmarks/run.py --only agent [--quick]`.

Steps through the protocol in process and over the pipe, `valid` per call, the save and
load round trip, exactness of `valid` (every listed command does what it says; commands
from outside the list do not), and an agent choosing uniformly from `valid` reaching
every ending of the campaign. Each figure has a baseline measured in the same run.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from adventure.engine.session import Game, Session
from adventure.engine.world import World
from adventure.play.agent import Agent
from adventure.play.valid import did_something, valid_commands
from adventure.story.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
MAX_STEPS = 500  # per game, as the issue sets


def scripts(game: Game, games: int, seed: int = 1) -> list[tuple[int, list[str]]]:
    """Random games played from `valid`: (seed, commands), made before timing."""
    rnd = random.Random(seed)
    out = []
    for g in range(games):
        session = Session(game, seed=g)
        commands: list[str] = []
        while not session.state.ended and len(commands) < MAX_STEPS:
            valid = valid_commands(game, session.state)
            commands.append(rnd.choice(valid).command)
            session.submit(commands[-1])
        out.append((g, commands))
    return out


def lines_of(plays: list[tuple[int, list[str]]]) -> list[str]:
    out = []
    for seed, commands in plays:
        out.append(json.dumps({"op": "reset", "seed": seed}))
        out += [json.dumps({"op": "step", "command": c}) for c in commands]
    return out


def bench_agent(quick: bool, row: Callable[..., None], adventure: str) -> None:
    game = Game(load_story(ROOT / "story"))
    plays = scripts(game, 20 if quick else 60)
    lines = lines_of(plays)
    steps = sum(len(c) for _, c in plays)
    reps = 3 if quick else 5

    def engine_alone() -> float:
        t = time.perf_counter()
        for seed, commands in plays:
            session = Session(game, seed=seed)
            for c in commands:
                session.submit(c)
        return time.perf_counter() - t

    def protocol() -> float:
        agent = Agent(game)
        t = time.perf_counter()
        for line in lines:
            agent.handle_line(line)
        return time.perf_counter() - t

    base = statistics.median(engine_alone() for _ in range(reps))
    t = statistics.median(protocol() for _ in range(reps))
    row("agent", "`step` through the protocol, in process (JSON in and out)", steps / t,
        "steps/s", reps, "Session.submit alone (steps/s)", steps / base, ">= 20,000/s",
        steps / t >= 20000, note=f"{steps:,} steps of {len(plays)} random games")

    # the same games again and again (each starts with a reset): enough steps that
    # the pipe's time, not the start-up's noise, is measured
    times = -(-(5000 if quick else 20000) // steps)
    data = ("\n".join(lines * times) + "\n").encode()
    start = ("\n".join(lines[:1]) + "\n").encode()

    def pipe(payload: bytes) -> float:
        t = time.perf_counter()
        subprocess.run([adventure, "agent"], input=payload, stdout=subprocess.DEVNULL,
                       check=True)
        return time.perf_counter() - t

    t_start = statistics.median(pipe(start) for _ in range(reps))
    t_all = statistics.median(pipe(data) for _ in range(reps))
    rate = steps * times / max(t_all - t_start, 1e-9)
    row("agent", "`step` over the pipe (`adventure agent`, start-up taken off)", rate,
        "steps/s", reps, "the same process with one request (s)", t_start, ">= 5,000/s",
        rate >= 5000, note=f"{steps * times:,} steps; ratio: steps/s against the start-up's "
        "seconds")

    states = []
    for seed, commands in plays:
        session = Session(game, seed=seed)
        for c in commands[:-1]:
            session.submit(c)
            states.append(session.state)
    states = states[::max(1, len(states) // 2000)]
    t = time.perf_counter()
    for st in states:
        valid_commands(game, st)
    per_valid = (time.perf_counter() - t) / len(states)
    t = time.perf_counter()
    for st in states:
        game.step(st, "look")
    per_step = (time.perf_counter() - t) / len(states)
    row("agent", "`valid` per call, campaign", per_valid * 1000, "ms", len(states),
        "one `look` step (ms)", per_step * 1000, "< 2 ms", per_valid < 0.002)

    agent = Agent(game)
    rounds = []
    base_rounds = []
    for st in states[:500]:
        agent.session = Session(game, seed=st.seed, resume=(st, []))
        t = time.perf_counter()
        token = agent.handle({"op": "save"})["token"]
        agent.handle({"op": "load", "token": token})
        rounds.append(time.perf_counter() - t)
        t = time.perf_counter()
        agent.handle({"op": "hash"})
        base_rounds.append(time.perf_counter() - t)
    trip = statistics.median(rounds)
    row("agent", "save + load round trip (token of the engine's save format)", trip * 1000,
        "ms", len(rounds), "`hash` (ms)", statistics.median(base_rounds) * 1000, "< 1 ms",
        trip < 0.001)

    exactness(game, 200 if quick else 1000, row)
    endings(game, 300 if quick else 2000, row)


def _outside(game: Game, state, world: World, rnd: random.Random) -> list[str]:
    story = game.story
    scope = world.scope()
    names = {t.display for t in scope.values()}
    things = [t for t in story.things.values() if t.id not in scope and t.display not in names]
    out = [f"{verb} {t.display}" for t in rnd.sample(things, min(3, len(things)))
           for verb in ("examine", "take", "drop")]
    labels = [a.label.source for s in story.scenes.values() if s.id != state.scene
              for a in s.actions if a.label is not None and "${" not in a.label.source
              and not a.key.startswith("global.")]
    return out + rnd.sample(labels, min(3, len(labels)))


def exactness(game: Game, games: int, row: Callable[..., None]) -> None:
    """Every listed command of every 5th state of random games, stepped; and commands
    from outside the list (things out of scope, other scenes' labels)."""
    rnd = random.Random(3)
    story = game.story
    listed = ok = outside = refused = 0
    t = time.perf_counter()
    for g in range(games):
        session = Session(game, seed=10_000 + g)
        for n in range(MAX_STEPS):
            state = session.state
            if state.ended:
                break
            valid = valid_commands(game, state)
            if n % 5 == 0:
                for v in valid:
                    result = game.step(state, v.command)
                    listed += 1
                    ok += result.resolved == v.resolves and did_something(story, state,
                                                                          result)
                meanings = {v.resolves for v in valid}
                for command in _outside(game, state, World(story, state.copy()), rnd):
                    result = game.step(state, command)
                    outside += 1
                    refused += result.resolved in meanings or not did_something(
                        story, state, result)
            session.submit(rnd.choice(valid).command)
    spent = time.perf_counter() - t
    row("agent", "listed commands understood and not refused", 100 * ok / listed, "%",
        listed, "commands listed", listed, "100%", ok == listed,
        note=f"{games:,} random games; every 5th state; {spent:.0f} s")
    row("agent", "commands from outside the list refused or not understood",
        100 * refused / outside, "%", outside, "commands tried", outside, "100%",
        refused == outside, note="things out of scope, other scenes' labels; an outside "
        "command that means a listed one counts as refused")


def endings(game: Game, games: int, row: Callable[..., None]) -> None:
    """An agent choosing uniformly from `valid`: which game reached each ending first."""
    rnd = random.Random(5)
    wanted = {sid for sid, s in game.story.scenes.items() if s.ending is not None}
    first: dict[str, int] = {}
    steps = 0
    t = time.perf_counter()
    for g in range(games):
        session = Session(game, seed=20_000 + g)
        for _ in range(MAX_STEPS):
            if session.state.ended:
                first.setdefault(session.state.ended, g + 1)
                break
            session.submit(rnd.choice(valid_commands(game, session.state)).command)
            steps += 1
        if set(first) == wanted:
            break
    spent = time.perf_counter() - t
    last = max(first.values()) if set(first) == wanted else None
    missing = sorted(wanted - set(first))
    row("agent", "games until a uniform agent has reached every ending", last or games,
        "games", games, "endings reached", len(first), f"all {len(wanted)} within "
        f"{games:,}", last is not None,
        note=f"{steps:,} steps, {spent:.0f} s; " + (f"never reached: {', '.join(missing)}"
                                                    if missing else "every ending reached"))
