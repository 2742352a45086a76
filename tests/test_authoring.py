"""Authoring tools: check's warnings, random play, --json, story tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO, STORY

from adventure.author.checks import random_play, static_warnings
from adventure.author.storytests import run_all, story_test_files
from adventure.engine.session import Game
from adventure.story.loader import load_story

SCRIPT = Path(sys.executable).parent / "adventure"


def story(tmp_path, body: str, meta: str = "state: {}", start: str = "a"):
    (tmp_path / "s.yaml").write_text(
        f"story:\n  id: t\n  title: T\n  start: {start}\n  {meta}\n{body}")
    return load_story(tmp_path, "st")


class FailingIn:
    """The game, except that its step raises in `scene`. (A wrapper, not a patch: the
    installed Game is compiled by mypyc, and its methods cannot be replaced.)"""

    def __init__(self, game: Game, scene: str, message: str) -> None:
        self._game, self._where, self._message = game, scene, message

    def __getattr__(self, name: str):
        return getattr(self._game, name)

    def step(self, state, line, resolved=None, offers=None):
        if state.scene == self._where:
            raise RuntimeError(self._message)
        return self._game.step(state, line, resolved, offers)


def warnings(tmp_path, body, meta="state: {}"):
    return [str(w) for w in static_warnings(story(tmp_path, body, meta))]


def test_unreachable_scene_and_ending(tmp_path):
    ws = warnings(tmp_path, """scenes:
  a: {title: A, text: x, exits: {n: b}}
  b: {title: B, text: x, ending: {kind: victory}}
  c: {title: C, text: x, exits: {s: a}}
  d: {title: D, text: x, ending: {kind: defeat}}
""")
    assert "st/s.yaml:9:3: warning: scene 'c' cannot be reached from the start scene 'a'" in ws
    assert any("ending 'd' cannot be reached" in w for w in ws)


def test_dead_end(tmp_path):
    ws = warnings(tmp_path, """scenes:
  a: {title: A, text: x, exits: {n: b}}
  b:
    title: B
    text: x
    actions: [{commands: [sit], text: You sit.}]
""")
    assert ws == ["st/s.yaml:8:3: warning: scene 'b' is a dead end: it is not an ending and "
                  "has no exit, moving action or fallback"]


def test_variables_read_never_set_and_set_never_read(tmp_path):
    ws = warnings(tmp_path, """scenes:
  a:
    title: A
    text: ${if lit}Light.${end}
    actions: [{commands: [count], do: [n += 1]}]
""", meta="state: {lit: false, n: 0, spare: ''}")
    assert any("variable 'lit' is read but never set by any effect (it stays false)" in w
               for w in ws)
    assert any("variable 'n' is set but never read" in w for w in ws)
    assert any("variable 'spare' is declared but never used" in w for w in ws)
    assert all(w.startswith("st/s.yaml:5:") for w in ws if "variable" in w)  # declarations


def test_thing_that_can_never_be_obtained(tmp_path):
    ws = warnings(tmp_path, """scenes:
  a: {title: A, text: x, things: {key: {name: key, portable: true}}}
things:
  coin: {name: coin, portable: true, location: nowhere}
  gem: {name: gem, portable: true, location: nowhere}
global_actions:
  - {commands: [wish], do: [give gem]}
""")
    assert any("thing 'coin' can never be obtained" in w for w in ws)
    assert not any("'gem'" in w or "'key'" in w for w in ws)


def test_guard_that_can_never_hold(tmp_path):
    ws = warnings(tmp_path, """scenes:
  a:
    title: A
    text: x
    exits:
      n: {to: a, when: "false"}
    actions:
      - {commands: [fly], when: wings > 0, text: Up.}
      - {commands: [walk], when: steps > 0, do: [steps += 1]}
""", meta="state: {wings: 0, steps: 0}")
    assert any("the guard of exit 'n' in scene 'a' can never hold: 'false'" in w for w in ws)
    assert any("action 'fly_1' in scene 'a' can never hold: 'wings > 0'" in w for w in ws)
    assert not any("walk" in w for w in ws)


def test_a_clean_story_has_no_warnings(demo_story):
    assert static_warnings(demo_story) == []


def test_the_bundled_story_has_no_warnings():
    assert static_warnings(load_story(STORY)) == []


def test_random_play_is_deterministic_by_seed(demo_game):
    a = random_play(demo_game, 40, seed=3)
    b = random_play(demo_game, 40, seed=3)
    c = random_play(demo_game, 40, seed=4)
    assert (a.scenes, a.actions, a.endings, a.turns) == (b.scenes, b.actions, b.endings, b.turns)
    assert (a.turns, a.actions) != (c.turns, c.actions)
    assert sum(a.endings.values()) + a.capped == 40
    assert set(a.endings) == {"home", "captured"}


def test_random_play_reports_stuck_states_with_the_commands(tmp_path):
    s = story(tmp_path, """scenes:
  a: {title: A, text: x, actions: [{label: Go, to: b}]}
  b: {title: B, text: x}
""")
    report = random_play(Game(s), 3, seed=1)
    assert len(report.problems) == 3
    p = report.problems[0]
    assert p.kind == "stuck" and p.commands == ["1"] and "scene 'b'" in p.detail


def test_random_play_reports_a_crash(tmp_path, demo_story):
    report = random_play(FailingIn(Game(demo_story), "engineering", "boom"), 30, seed=1)
    crashes = [p for p in report.problems if p.kind == "crash"]
    assert crashes and "RuntimeError: boom" in crashes[0].detail
    assert "aft" in crashes[0].commands or "3" in crashes[0].commands


def _gauntlet(tmp_path, rooms: int = 6):
    """A corridor of rooms, each with a step on and a step into a pit: the kind of
    story where blind random play almost never reaches the far end."""
    body = "scenes:\n"
    for i in range(rooms):
        nxt = f"r{i + 1}" if i + 1 < rooms else "out"
        body += (f"  r{i}:\n    title: R{i}\n    text: x\n    actions:\n"
                 f"      - {{label: Step on, to: {nxt}}}\n"
                 f"      - {{label: Jump, to: pit}}\n")
    body += ("  pit: {title: Pit, text: x, ending: {kind: defeat}}\n"
             "  out: {title: Out, text: x, ending: {kind: victory}}\n")
    return Game(story(tmp_path, body, start="r0"))


def test_random_play_takes_moves_back_after_a_well_known_ending(tmp_path):
    game = _gauntlet(tmp_path)
    report = random_play(game, 200, seed=5)
    assert report.endings["out"] >= 3 and report.endings["pit"] >= 150
    assert sum(report.endings.values()) + report.capped == report.games == 200
    # Most games go on from a few moves before a fall instead of from the start,
    # and each of them counts as a game of its own.
    assert report.scenes["r0"] < 100
    assert report.turns < 200 * 3
    again = random_play(game, 200, seed=5)
    assert (again.endings, again.scenes, again.turns) == (report.endings, report.scenes,
                                                          report.turns)


def test_a_problem_in_a_game_taken_back_reproduces_from_its_seed(tmp_path):
    game = _gauntlet(tmp_path)
    report = random_play(FailingIn(game, "r4", "deep"), 200, seed=2)
    crash = report.problems[0]
    assert crash.kind == "crash" and "deep" in crash.detail
    state = game.begin(crash.seed).state
    for command in crash.commands[:-1]:
        state = game.step(state, command).state
    assert state.scene == "r4"  # the seed and the commands lead back to it


def test_random_play_counts_a_global_action_as_one_choice_everywhere(tmp_path):
    scenes = "".join(f"  s{i}: {{title: S{i}, text: x, exits: {{on: s{i + 1}}}}}\n"
                     for i in range(8))
    s = story(tmp_path.joinpath(), "scenes:\n" + scenes.replace("s0:", "a:") +
              "  s8: {title: End, text: x, ending: {kind: victory}}\n"
              "global_actions:\n  - {id: ponder, commands: [ponder], text: Hm.}\n")
    report = random_play(Game(s), 50, seed=1)
    # Once tried it is old news in every scene: were it new in each of the eight
    # scenes, a game would ponder about once in each.
    assert report.actions["action:global:ponder"] < 50 * 8 / 4
    assert report.endings["s8"] == 50


def test_random_play_types_the_name_of_a_hidden_exit(tmp_path):
    s = story(tmp_path, """scenes:
  a: {title: A, text: x, exits: {n: b, vent: {to: secret, hidden: true}}}
  b: {title: B, text: x, ending: {kind: victory}}
  secret: {title: Secret, text: x, ending: {kind: victory}}
""")
    report = random_play(Game(s), 40, seed=2)
    assert report.actions["exit:a:vent"] > 0 and report.endings["secret"] > 0


def run(*args):
    return subprocess.run([str(SCRIPT), *args], capture_output=True, timeout=120)


def test_check_json_has_counts_shares_and_play(tmp_path, demo_story):
    res = run("check", "--story", str(DEMO), "--random", "50", "--json")
    assert res.returncode == 0
    report = json.loads(res.stdout)
    s = report["summary"]
    endings = {sid for sid, sc in demo_story.scenes.items() if sc.ending is not None}
    assert s["scenes"] == len(demo_story.scenes) and s["endings"] == len(endings)
    assert s["things"] == len(demo_story.things) and s["words"] > 300
    chapters = {sc.chapter for sc in demo_story.scenes.values()}
    assert 0 < s["single_exit_share"] < 1 and s["chapters"] == len(chapters)
    play = report["random_play"]
    assert play["games"] == 50 and set(play["endings"]) <= endings
    assert set(play["scenes"]) == set(demo_story.scenes)
    assert report["errors"] == [] and report["warnings"] == []


def test_check_exit_codes_and_strict(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "story: {id: t, title: T, start: a, state: {spare: 0}}\n"
        "scenes:\n  a: {title: A, text: x, ending: {kind: victory}}\n")
    ok = run("check", "--story", str(tmp_path), "--random", "5")
    assert ok.returncode == 0 and b"variable 'spare' is declared but never used" in ok.stdout
    strict = run("check", "--story", str(tmp_path), "--random", "5", "--strict")
    assert strict.returncode == 1
    assert run("check", "--story", str(tmp_path), "--random", "-1").returncode == 2


def test_every_story_test_passes():
    for root in (STORY, DEMO):
        outcomes = run_all(load_story(root), root, str(root))
        assert outcomes, f"no story tests in {root}"
        for o in outcomes:
            assert o.passed, "\n".join(str(f) for f in o.failures)


@pytest.mark.parametrize("root", [STORY, DEMO])
def test_every_ending_has_a_story_test(root):
    s = load_story(root)
    tested = set()
    for path in story_test_files(root):
        tested |= {e for e in s.scenes if s.scenes[e].ending and f"ended: {e}" in
                   path.read_text()}
    assert tested == {e for e in s.scenes if s.scenes[e].ending}


def test_a_failing_story_test_names_the_step_and_the_difference(tmp_path):
    import shutil
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root)
    (root / "tests" / "wrong.yaml").write_text(
        "steps:\n  - n\n  - do: aft\n    expect: {scene: bridge, contains: [dancing]}\n")
    res = run("test", "--story", str(root))
    out = res.stdout.decode()
    assert res.returncode == 1
    assert "FAIL wrong" in out
    assert f"{root}/tests/wrong.yaml:3:5: step 2 ('aft'): expected scene 'bridge', but " \
        "the game is in 'engineering'" in out
    assert "the text does not contain 'dancing'" in out
    passing = len(list((DEMO / "tests").glob("*.yaml")))
    assert f"{passing} passed, 1 failed" in out
    only = run("test", "--story", str(root), "victory")
    assert only.returncode == 0 and b"1 passed, 0 failed" in only.stdout
    assert run("test", "--story", str(root), "nope").returncode == 2


def test_check_shows_a_progress_bar_only_in_a_terminal():
    res = run("check", "--story", str(DEMO), "--random", "20")
    assert b"Random play: 20 games" in res.stdout and b"\x1b[" not in res.stdout


def test_graph_command_writes_mermaid_markdown_and_dot(tmp_path):
    out = tmp_path / "story.md"
    res = run("graph", "--story", str(DEMO), "-o", str(out))
    assert res.returncode == 0 and out.read_text().startswith("# The Derelict\n\n```mermaid\n")
    dot = run("graph", "--story", str(DEMO), "--format", "dot")
    assert dot.returncode == 0 and dot.stdout.startswith(b'digraph "demo-derelict"')
    assert run("graph", "--format", "svg").returncode == 2


def test_the_campaign_has_the_size_and_shape_it_promises():
    from adventure.author.checks import summary
    s = summary(load_story(STORY))
    assert s["scenes"] >= 60 and s["chapters"] >= 5 and s["words"] >= 20_000
    assert s["endings"] >= 5 and s["single_exit_share"] <= 0.25
    assert s["variables"] >= 25
