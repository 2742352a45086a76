"""`adventure agent`: the JSON-lines protocol through the real console script, the exact
list of valid commands, the state hash, save tokens, and determinism."""

from __future__ import annotations

import base64
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.engine.result import Choice, Result, Status
from adventure.engine.session import Game, Session
from adventure.engine.state import GameState
from adventure.engine.world import World
from adventure.play.agent import Agent, dump, serve, state_hash, step_command, write_turn
from adventure.play.valid import did_something, outcome, valid_commands

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "tests" / "demo_story")
SCRIPT = Path(sys.executable).parent / "adventure"


class Pipe:
    """The console script on pipes: one request written, one response line read."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([str(SCRIPT), "agent", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def raw(self, line: bytes) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def ask(self, **request) -> dict:
        return self.raw(json.dumps(request).encode())

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        assert self.proc.stderr is not None and self.proc.stderr.read() == b""
        return code


def agent_run(lines: list[str], *args: str) -> bytes:
    res = subprocess.run([str(SCRIPT), "agent", *args], input="\n".join(lines).encode(),
                         capture_output=True, timeout=60)
    assert res.returncode == 0 and res.stderr == b"", res.stderr.decode()
    return res.stdout


def test_every_request_round_trips_through_the_console_script(demo_story):
    pipe = Pipe("--story", DEMO, "--seed", "3")
    info = pipe.ask(op="info", id="i")
    assert info["ok"] and info["id"] == "i" and info["protocol"] == 1
    assert info["story"]["id"] == demo_story.id and info["max_score"] == demo_story.max_score
    assert set(info["scenes"]) == set(demo_story.scenes)
    assert {e["id"] for e in info["endings"]} == {
        sid for sid, s in demo_story.scenes.items() if s.ending is not None}

    opening = pipe.ask(op="reset", seed=5)
    assert opening["scene"] == demo_story.start and opening["turn"] == 0
    assert opening["choices"] and opening["paragraphs"][0]["text"]
    valid = pipe.ask(op="valid")["commands"]
    kinds = {v["kind"] for v in valid}
    assert {"choice", "builtin"} <= kinds
    assert all(v["label"] for v in valid if v["kind"] == "choice")
    assert [v["label"] for v in valid if v["kind"] == "choice"] == [
        c["label"] for c in opening["choices"]]

    first = valid[0]
    step = pipe.ask(op="step", command=first["command"], id=2)
    assert step["id"] == 2 and step["resolved"] == first["resolves"]
    for key in ("paragraphs", "choices", "score", "score_change", "turn", "ended", "ending"):
        assert key in step
    token = pipe.ask(op="save")["token"]
    hashed = pipe.ask(op="hash")["hash"]
    after = pipe.ask(op="step", command="wait")
    assert after["turn"] == step["turn"] + 1
    loaded = pipe.ask(op="load", token=token)
    assert loaded["turn"] == step["turn"] and loaded["scene"] == step["scene"]
    assert loaded["restored"].startswith("Restored")
    assert pipe.ask(op="hash")["hash"] == hashed
    assert pipe.ask(op="step", command="wait") == after  # the same game from the save
    assert pipe.close() == 0


@pytest.mark.parametrize("line, code", [
    (b"not json", "bad_json"),
    (b"[1, 2]", "bad_request"),
    (b'{"id": 4}', "bad_request"),
    (b'{"op": "fly"}', "unknown_op"),
    (b'{"op": "step"}', "missing_field"),
    (b'{"op": "step", "command": 7}', "bad_field"),
    (b'{"op": "step", "command": "a\\nb"}', "bad_field"),
    (b'{"op": "step", "command": "' + b"x" * 1001 + b'"}', "bad_field"),
    (b'{"op": "reset", "seed": -1}', "bad_field"),
    (b'{"op": "reset", "seed": true}', "bad_field"),
    (b'{"op": "valid", "observe": 1}', "bad_field"),
    (b'{"op": "load"}', "missing_field"),
    (b'{"op": "load", "token": "***"}', "bad_token"),
    (b'{"op": "load", "token": "' + base64.b64encode(b"[]") + b'"}', "bad_token"),
    (b'{"op": "load", "token": "' + base64.b64encode(b"\xff") + b'"}', "bad_token"),
    (b"\xff\xfe", "bad_json"),
    (b"[" * 100_000, "bad_json"),
])
def test_a_bad_request_gets_an_error_code_and_the_process_reads_on(line, code):
    pipe = Pipe("--story", DEMO)
    answer = pipe.raw(line)
    assert answer["ok"] is False and answer["error"]["code"] == code
    assert answer["error"]["message"]
    assert pipe.ask(op="hash")["ok"]  # still serving
    assert pipe.close() == 0


def test_an_error_echoes_the_id_and_an_id_json_cannot_hold_is_dropped():
    pipe = Pipe("--story", DEMO)
    assert pipe.ask(op="fly", id=[1, "x"])["id"] == [1, "x"]
    answer = pipe.raw(b'{"op": "hash", "id": NaN}')
    assert answer["ok"] and "id" not in answer
    assert pipe.raw(b'{"op": "hash", "id": "\\ud800"}')["id"] == "\ud800"
    assert pipe.close() == 0


_TEXT = st.text(st.characters(codec=None, blacklist_categories=()), max_size=40)
_RESULT = st.tuples(  # what a turn shows: scene, title, turn, score, ending, resolved...
    st.lists(st.tuples(_TEXT, _TEXT), max_size=3),
    st.lists(st.tuples(st.integers(), _TEXT), max_size=3), _TEXT, _TEXT,
    st.integers(), st.integers(), st.none() | _TEXT, st.booleans(), _TEXT, st.booleans())


def _result(paragraphs, choices, scene, title, turn, score, ended, advanced, resolved,
            quit) -> Result:
    """Real records (play/agent.py is compiled and checks its arguments' types), made
    in the test rather than by hypothesis, which crashes the compiled engine's records
    when they are examples themselves (seen with mypyc 2.4 and hypothesis 6.170)."""
    return Result(paragraphs, [Choice(n, label) for n, label in choices],
                  Status(scene, title, "", turn, score, None),
                  GameState(scene, {}, turn=turn, score=score, ended=ended),
                  advanced=advanced, resolved=resolved, quit=quit)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # only read
@given(fields=_RESULT, before=st.integers(), ident=st.none() | _TEXT)
def test_a_step_line_is_what_the_general_encoder_writes(demo_game, fields, before, ident):
    """A `step` line is written from a template (the hot path); it is byte for byte
    what json writes of the response dict, a lone surrogate anywhere escaped."""
    result = _result(*fields)
    response = {"ok": True, "op": "step"}
    if ident is not None:
        response["id"] = ident
    response.update(Agent(demo_game).reply(result, before))
    line = write_turn("step", "" if ident is None else ',"id":' + json.dumps(
        ident, ensure_ascii=False), result, before)
    assert line == json.dumps(response, ensure_ascii=False, separators=(",", ":"))
    if not line.isascii():
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            line = json.dumps(response, separators=(",", ":"))
    assert dump(dict(response)) == line


_LINE = st.one_of(
    st.builds(lambda c, sep: json.dumps({"op": "step", "command": c}, separators=sep),
              _TEXT, st.sampled_from([None, (",", ":")])),
    st.builds(lambda head, body, tail: head + body + tail,
              st.sampled_from(['{"op": "step", "command": "', '{"op":"step","command":"']),
              _TEXT, st.sampled_from(['"}', '"}\n', '"} \t\r\n', '"}\x85', '"', '}', '"}}',
                                      '", "id": 1}', '"}' + "\u2028"])))


@settings(max_examples=500, deadline=None)
@given(line=_LINE)
def test_a_plain_step_line_read_without_json_is_what_json_reads(line):
    """`step_command` reads the common step line without json: whatever it returns is
    what json reads there, and a line it leaves to json is not a plain step."""
    command = step_command(line)
    try:
        request = json.loads(line)
    except ValueError:
        assert command is None
        return
    if command is not None:
        assert request == {"op": "step", "command": command}
    elif request == {"op": "step", "command": request.get("command")}:
        text = request["command"]  # left to json: something in it needs json
        assert not isinstance(text, str) or "\\" in line or '"' in text \
            or not text.isprintable() or line != line.strip()


def test_json_dumps_of_a_step_is_read_on_the_fast_path():
    for command in ("take padd", "", "go to the wardroom", "ask kira about odo", "é"):
        for sep in (None, (",", ":")):
            line = json.dumps({"op": "step", "command": command}, separators=sep,
                              ensure_ascii=False)
            assert step_command(line) == command
            assert step_command(line + "\n") == command


def test_the_escaped_strings_kept_are_bounded(demo_game):
    """write_turn keeps what it escaped, for texts that come back; never more than its
    limit, however many texts never come back."""
    from adventure.play.agent import _ESCAPED, ESCAPED_LIMIT

    state = Agent(demo_game).session.state
    for n in range(300):
        text = f"{n} " + "ab" * (5000 if n % 50 else 2_000_000)  # and some too long to keep
        write_turn("step", "", Result([("text", text)], [Choice(1, text)],
                                      Status("s", text, "", 0, 0, None), state), 0)
        assert 0 < _ESCAPED.held <= ESCAPED_LIMIT


def test_a_step_line_is_the_step_response_on_the_campaign(campaign_game):
    """Served as a line or as a dict, a step answers the same, ids and odd commands too."""
    lines, dicts = Agent(campaign_game), Agent(campaign_game)
    pick = random.Random(4)
    for n in range(150):
        valid = valid_commands(campaign_game, dicts.session.state) or [None]
        command = pick.choice(valid).command if valid[0] and n % 7 else "x\ud800 é"
        request = {"op": "step", "command": command}
        if n % 3:
            request["id"] = [None, "é", "\udc00"][n % 3]
        assert lines.handle_line(json.dumps(request)) == dump(dicts.handle(request))
        if dicts.session.state.ended or n % 50 == 49:  # a reset is written as a turn too
            request = {"op": "reset", "seed": n, "id": [None, "é", "\udc00", 7][n % 4]}
            assert lines.handle_line(json.dumps(request)) == dump(dicts.handle(request))


def test_a_save_of_another_story_is_refused_with_the_reason(campaign_game, demo_game):
    token = Agent(campaign_game).handle({"op": "save"})["token"]
    answer = json.loads(Agent(demo_game).handle_line(json.dumps({"op": "load",
                                                                 "token": token})))
    assert answer["error"]["code"] == "bad_token"
    assert "another story" in answer["error"]["message"]


def test_an_overlong_request_is_refused_and_the_next_one_served(demo_game, monkeypatch):
    import io

    from adventure.play import agent

    monkeypatch.setattr(agent, "MAX_REQUEST", 100)
    out = io.BytesIO()
    serve(demo_game, 0, io.BytesIO(b"x" * 500 + b"\n\n" + b'{"op": "hash"}\n'), out)
    first, second = [json.loads(line) for line in out.getvalue().splitlines()]
    assert first["error"]["code"] == "too_long" and second["op"] == "hash"


def test_a_crash_in_the_engine_is_an_internal_error_not_the_end(demo_game, monkeypatch):
    from adventure.play import agent as module

    agent = Agent(demo_game)
    monkeypatch.setattr(module, "valid_commands", lambda *args: 1 / 0)
    answer = json.loads(agent.handle_line('{"op": "valid"}'))
    assert answer["error"]["code"] == "internal"
    assert json.loads(agent.handle_line('{"op": "hash"}'))["ok"]


def _random_script(game: Game, seed: int, steps: int) -> list[str]:
    """Requests of a random game played from the valid commands."""
    rnd = random.Random(seed)
    session = Session(game, seed=seed)
    lines = [json.dumps({"op": "reset", "seed": seed})]
    for _ in range(steps):
        valid = valid_commands(game, session.state)
        if not valid:
            break
        command = rnd.choice(valid).command
        session.submit(command)
        lines += [json.dumps({"op": "step", "command": command}), '{"op": "valid"}',
                  '{"op": "hash"}', '{"op": "save"}']
    return lines


def test_the_same_seed_and_commands_give_the_same_bytes_in_every_run_and_build(
        campaign_game):
    lines = _random_script(campaign_game, 11, 40)
    first = agent_run(lines)
    assert first == agent_run(lines)
    # the checkout's plain Python, whatever build the console script runs (compiled by
    # `pip install .`, or the same files in an editable install)
    plain = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
         "import adventure.engine.game as g; assert g.__file__.endswith('.py'); "
         "from adventure.cli import main; sys.exit(main(['agent']))"],
        input="\n".join(lines).encode(), capture_output=True, timeout=60)
    assert plain.returncode == 0, plain.stderr.decode()
    assert plain.stdout == first


def test_the_hash_ignores_the_turn_counter_and_sees_everything_else(campaign_game):
    state = Session(campaign_game, seed=1).state.copy()
    state.timers = [[state.turn + 3, "e"]]
    later = state.copy()
    later.turn += 7
    later.timers = [[later.turn + 3, "e"]]
    assert state_hash(state) == state_hash(later)
    for change in (lambda s: s.vars.update(x=1), lambda s: s.moved.update(t="p"),
                   lambda s: setattr(s, "rng", s.rng + 1), lambda s: setattr(s, "scene", "x"),
                   lambda s: s.timers.__setitem__(0, [s.turn + 4, "e"]),
                   lambda s: s.done.update(a=1), lambda s: s.stack.append("x")):
        changed = state.copy()
        change(changed)
        assert state_hash(changed) != state_hash(state)


def test_the_hash_is_the_same_in_another_process():
    lines = ['{"op": "step", "command": "1"}', '{"op": "hash"}']
    hashes = set()
    for seed in ("0", "12345"):  # Python's own string hashing differs per process
        res = subprocess.run([str(SCRIPT), "agent"], input="\n".join(lines).encode(),
                             capture_output=True, timeout=60,
                             env={"PYTHONHASHSEED": seed, "PATH": ""})
        hashes.add(res.stdout.splitlines()[-1])
    assert len(hashes) == 1


def test_a_save_token_is_the_engines_own_save_format(demo_game):
    agent = Agent(demo_game, seed=2)
    agent.handle({"op": "step", "command": "1"})
    doc = json.loads(base64.b64decode(agent.handle({"op": "save"})["token"]))
    assert doc["story"]["id"] == demo_game.story.id and doc["format"] >= 1
    assert doc["state"]["turn"] == agent.session.state.turn and len(doc["log"]) == 1


def _outside(game: Game, state, world: World) -> list[str]:
    """Commands that should do nothing here: built-in verbs with things out of scope,
    and the labels of other scenes' choices."""
    story = game.story
    scope = world.scope()
    out = [f"{verb} {t.display}" for t in story.things.values() if t.id not in scope
           and not any(o.display == t.display for o in scope.values())
           for verb in ("examine", "take", "drop")]
    here = {o.label for o in game.offers(world)}
    for s in story.scenes.values():
        if s.id != state.scene:
            out += [str(a.label.source) for a in s.actions if a.label is not None
                    and a.label.source not in here and "${" not in a.label.source
                    and not a.key.startswith("global.")]
    return out


@pytest.mark.parametrize("story", ["demo", "campaign"])
def test_valid_is_exact(story, demo_game, campaign_game):
    """Every listed command, stepped, is understood and not refused, and (but for the
    numbered choices) changes the game as no other listed command does; commands from
    outside the list are refused, not understood, or do what a listed one does."""
    game = demo_game if story == "demo" else campaign_game
    rnd = random.Random(7)
    outside_tried = 0
    for seed in range(6):
        session = Session(game, seed=seed)
        for _ in range(40):
            state = session.state
            valid = valid_commands(game, state)
            if state.ended:
                assert valid == []
                break
            assert valid, f"nothing to do in {state.scene}"
            still = outcome(game.story, state)
            left = []  # what each listed command leaves
            for v in valid:
                result = game.step(state, v.command)
                assert result.resolved == v.resolves, (state.scene, v.command)
                assert did_something(game.story, state, result), (state.scene, v.command)
                after = outcome(game.story, result.state)
                if v.kind != "choice":  # a choice is listed as the menu shows it
                    assert after != still and after not in left, (state.scene, v.command)
                left.append(after)
            idle = [still, outcome(game.story, game.step(state, "look").state)]
            world = World(game.story, state.copy())
            listed = {v.resolves for v in valid}
            outside = _outside(game, state, world)
            for command in rnd.sample(outside, min(4, len(outside))):
                result = game.step(state, command)
                outside_tried += 1
                after = outcome(game.story, result.state)  # the same as a listed one's
                assert result.resolved in listed or after in left or after in idle or not \
                    did_something(game.story, state, result), (state.scene, command,
                                                                result.resolved)
            session.submit(rnd.choice(valid).command)
    assert outside_tried > 50


def test_valid_leaves_out_what_only_shows_and_observe_lists_it(campaign_game):
    """look, inventory, examine and a story's command that only tells are left out
    (one command stands for a turn passing where a timer runs); `observe` lists them
    after the rest. Nothing listed is a meta command that leaves or rewinds the game."""
    game = campaign_game
    rnd = random.Random(2)
    timed = 0
    for seed in range(4):
        session = Session(game, seed=seed)
        for _ in range(30):
            state = session.state
            if state.ended:
                break
            valid = valid_commands(game, state)
            both = valid_commands(game, state, observe=True)
            assert [v.to_json() for v in both[:len(valid)]] == [v.to_json() for v in valid]
            more = both[len(valid):]
            assert all(v.kind == "observe" for v in more) and "observe" not in {
                v.kind for v in valid}
            assert len({v.resolves for v in both}) == len(both)
            looks = {v.resolves for v in both if v.resolves.startswith("builtin:look")}
            assert looks or any(v.kind == "choice" for v in valid)  # look, or its like
            shown = [v for v in valid if v.resolves.split(":")[:2] in (
                ["builtin", "look"], ["builtin", "examine"], ["builtin", "inventory"],
                ["builtin", "wait"])]
            assert len(shown) <= 1 and (not shown or state.timers), (state.scene, shown)
            timed += bool(shown)
            assert not {v.resolves for v in both} & {"meta:quit", "meta:undo",
                                                     "meta:restart", "meta:save"}
            session.submit(rnd.choice(valid).command)
    pipe = Pipe("--story", DEMO)
    plain = pipe.ask(op="valid")["commands"]
    full = pipe.ask(op="valid", observe=True)["commands"]
    assert full[:len(plain)] == plain and any(v["kind"] == "observe" for v in full)
    assert pipe.close() == 0


def test_gymnasium_env_checker_passes_and_the_env_plays():
    gymnasium = pytest.importorskip("gymnasium")
    from gymnasium.utils.env_checker import check_env

    from adventure.play.gym import ENV_ID, TerokNorEnv

    env = TerokNorEnv(DEMO, max_turns=100)
    check_env(env, skip_render_check=True)
    assert gymnasium.make(ENV_ID, story=DEMO).reset(seed=1)[0] == env.reset(seed=1)[0]
    obs, info = env.reset(seed=4)
    assert env.observation_space.contains(obs) and info["ending"] is None
    assert obs == env.reset(seed=4)[0]
    rnd = random.Random(1)
    endings, total, steps = set(), 0.0, 0
    env = TerokNorEnv(DEMO, max_turns=200)  # random moves need room to reach an ending
    for game in range(12):
        obs, info = env.reset(seed=game)
        while True:
            obs, reward, terminated, truncated, info = env.step(rnd.choice(info["valid"]))
            assert env.observation_space.contains(obs)
            total += reward
            steps += 1
            assert info["score"] == total
            if terminated:
                assert info["ending"] in env.game.story.scenes
                assert env.game.story.scenes[info["ending"]].ending is not None
                endings.add(info["ending"])
            if terminated or truncated:
                assert truncated != terminated
                assert truncated or info["valid"] == []
                break
        total = 0.0
    assert endings and steps > 12
    # a character the story never prints still gives an observation in the space
    env.reset(seed=0)
    assert env.observation_space.contains(env.step("examine \u2603")[0])


def test_the_gym_observation_fits_the_space_on_the_campaign():
    pytest.importorskip("gymnasium")
    from gymnasium.utils.env_checker import check_env

    from adventure.play.gym import TerokNorEnv

    env = TerokNorEnv(max_turns=20)
    check_env(env, skip_render_check=True)
    obs, info = env.reset(seed=9)
    assert "1) " in obs and info["valid"]


def _an_at_start(story) -> tuple[str, str, str, list[str]]:
    """A start the story allows that is not its own: (scene, a variable and a value
    for --set, a thing for --give), and the --at options that ask for it."""
    scene = next(sid for sid, s in sorted(story.scenes.items())
                 if sid != story.start and s.ending is None)
    var, value = next((k, v) for k, v in sorted(story.initial.items())
                      if isinstance(v, bool) and not v)
    thing = next(t.id for t in story.things.values() if t.portable)
    return scene, var, thing, ["--at", scene, "--set", f"{var}=true", "--give", thing]


def test_a_game_begun_elsewhere_keeps_its_start_in_its_save_token(demo_story, tmp_path):
    """`agent --at`: a token restores the game, restart goes back to where it began,
    and a token the story no longer fits is replayed from there, not from the start."""
    scene, var, thing, at = _an_at_start(demo_story)
    first = Pipe("--story", DEMO, "--seed", "6", *at)
    info = first.ask(op="info")
    assert info["start"] == scene
    assert info["at"] == {"scene": scene, "vars": {var: True}, "things": [thing]}
    opening = first.ask(op="reset")
    assert opening["scene"] == scene and opening["turn"] == 0
    begun = first.ask(op="hash")["hash"]
    valid = first.ask(op="valid")["commands"]
    first.ask(op="step", command=valid[0]["command"])
    token = first.ask(op="save")["token"]
    saved = first.ask(op="hash")["hash"]
    doc = json.loads(base64.b64decode(token))
    assert doc["start"] == info["at"]

    other = Pipe("--story", DEMO)  # no --at: the token alone says where its game began
    loaded = other.ask(op="load", token=token)
    assert loaded["ok"] and loaded["turn"] == 1
    assert other.ask(op="hash")["hash"] == saved
    assert other.ask(op="info")["at"] == info["at"]
    for command in [v["command"] for v in first.ask(op="valid")["commands"]][:3]:
        assert other.ask(op="step", command=command) == first.ask(op="step", command=command)
    other.ask(op="step", command="restart")
    again = other.ask(op="step", command="restart")
    assert again["scene"] == scene and again["turn"] == 0
    assert other.ask(op="hash")["hash"] == begun  # the --set and --give are in it again
    assert other.ask(op="save")["token"] != token

    # a save the story no longer fits (its scene is gone) is rebuilt from its commands,
    # beginning where the game began
    doc["story"]["fingerprint"] = "an older story"
    doc["state"]["scene"] = "a_scene_since_removed"
    old = base64.b64encode(json.dumps(doc).encode()).decode()
    rebuilt = other.ask(op="load", token=old)
    assert rebuilt["ok"] and "as saved" in rebuilt["restored"], rebuilt["restored"]
    assert other.ask(op="hash")["hash"] == saved
    assert first.close() == 0 and other.close() == 0


def test_a_play_at_save_loads_into_the_agent_as_the_same_game(demo_story, tmp_path):
    scene, var, thing, at = _an_at_start(demo_story)
    res = subprocess.run([str(SCRIPT), "play", "--story", DEMO, "--saves", str(tmp_path),
                          "--seed", "8", *at], input=b"save here\nquit\n",
                         capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr.decode()
    token = base64.b64encode((tmp_path / "here.save.json").read_bytes()).decode()
    pipe = Pipe("--story", DEMO)
    loaded = pipe.ask(op="load", token=token)
    assert loaded["ok"] and loaded["scene"] == scene
    from_save = pipe.ask(op="hash")["hash"]
    fresh = Pipe("--story", DEMO, "--seed", "8", *at)
    assert fresh.ask(op="hash")["hash"] == from_save
    assert pipe.close() == 0 and fresh.close() == 0


@pytest.mark.parametrize("args, says", [
    (["--at", "nowhere_at_all"], "cannot start --at"),
    (["--set", "x=1"], "--set and --give go with --at"),
])
def test_agent_at_with_a_bad_start_is_bad_usage(args, says):
    res = subprocess.run([str(SCRIPT), "agent", "--story", DEMO, *args], input=b"",
                         capture_output=True, timeout=60)
    assert res.returncode == 2 and says in res.stderr.decode() and res.stdout == b""


def test_the_gym_env_can_begin_every_episode_elsewhere(demo_story):
    pytest.importorskip("gymnasium")
    from adventure.play.gym import TerokNorEnv

    scene, var, thing, _ = _an_at_start(demo_story)
    env = TerokNorEnv(DEMO, at={"scene": scene, "vars": {var: True}, "things": [thing]})
    obs, info = env.reset(seed=3)
    assert info["scene"] == scene and info["turn"] == 0
    assert env.session is not None and env.session.state.vars[var] is True
    assert env.session.state.moved.get(thing) == "player"
    with pytest.raises(ValueError, match="no scene"):
        TerokNorEnv(DEMO, at={"scene": "nowhere_at_all"})
