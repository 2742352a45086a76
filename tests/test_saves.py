"""Saves, restore, undo, restart, transcripts and replay."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO, play
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.engine.session import Game, Session
from adventure.play.replay import FileStore, load_save, rebuild
from adventure.play.saves import (
    FORMAT,
    SaveError,
    check_slot,
    decode,
    encode,
    list_saves,
    read_document,
    slot_path,
)
from adventure.story.loader import load_story

SCRIPT = Path(sys.executable).parent / "adventure"
WALK = ("n", "search walls", "s", "n", "aft", "take torch", "take spanner", "pull lever",
        "fore", "open grille", "take chip", "back", "fore", "talk to computer",
        "ask about code", "bye", "roll dice", "roll dice")


@pytest.fixture
def store(tmp_path, demo_game):
    return FileStore(tmp_path, demo_game, journal=False)


@pytest.fixture
def game_with_store(demo_game, store):
    return Session(demo_game, seed=4, store=store)


def test_save_and_restore_in_game(game_with_store, tmp_path):
    s = game_with_store
    play(s, "n", "aft", "take spanner")
    assert s.submit("save first").text == "Saved as 'first' (turn 3)."
    play(s, "fore", "s")
    res = s.submit("restore first")
    assert "Restored: turn 3, Engineering." in res.text
    assert "== " not in res.text and ("title", "Engineering") in res.paragraphs
    assert s.state.scene == "engineering" and s.state.turn == 3 and s.state.moved == {
        "spanner": "player"}
    assert [e.command for e in s.log] == ["n", "aft", "take spanner"]
    assert (tmp_path / "first.save.json").is_file()


def test_save_turn_and_meta_commands_do_not_advance_the_turn(game_with_store):
    s = game_with_store
    play(s, "n", "save a", "saves", "help", "hint")
    assert s.state.turn == 1


def test_default_slot_and_listing(game_with_store):
    s = game_with_store
    s.submit("n")
    assert "quicksave" in s.submit("save").text
    listing = s.submit("saves").text
    assert "quicksave" in listing and "turn 1" in listing and "Dark corridor" in listing
    assert s.submit("restore").state.scene == "corridor"


def test_the_save_file_is_readable_json_with_everything(game_with_store, tmp_path, demo_story):
    play(game_with_store, "n", "search walls", "save x")
    doc = json.loads((tmp_path / "x.save.json").read_text())
    assert doc["format"] == FORMAT and doc["oldest_readable"] <= FORMAT
    assert doc["story"] == {"id": "demo-derelict", "title": "The Derelict", "version": "1.0.0",
                            "fingerprint": demo_story.fingerprint}
    assert doc["turn"] == 2 and doc["scene"] == "corridor" and doc["seed"] == 4
    assert doc["log"] == [["n", "exit:airlock:north"], ["search walls",
                                                         "action:corridor:search"]]
    assert doc["state"]["listing"] == {"corridor.find_vent": True}
    assert "saved_at" in doc


@pytest.mark.parametrize("name", ["../evil", "a/b", "..", ".hidden", "x" * 65, "", "a\x00b",
                                  "c:\\x", "/etc/passwd", "a\nb"])
def test_bad_slot_names_are_refused(name):
    with pytest.raises(SaveError):
        check_slot(name)


@pytest.mark.parametrize("name", ["Kira's game", "Ор", "日本語", "a.b", "slot-1_2"])
def test_unicode_and_plain_names_are_fine(name, tmp_path):
    assert slot_path(tmp_path, name).parent == tmp_path


def test_a_symlink_slot_is_refused(tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    (tmp_path / "link.save.json").symlink_to(target)
    with pytest.raises(SaveError, match="link"):
        slot_path(tmp_path, "link")


def test_bad_names_in_game_keep_the_game_going(game_with_store):
    s = game_with_store
    s.submit("n")
    res = s.submit("save ../../etc/x")
    assert res.paragraphs[0][0] == "error" and "cannot" in res.text
    assert s.state.scene == "corridor"


def write_doc(tmp_path, name, doc):
    path = tmp_path / f"{name}.save.json"
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def a_save(demo_game, commands=("n", "aft")):
    s = Session(demo_game, seed=2)
    play(s, *commands)
    return json.loads(encode(demo_game.story, s.state, s.log))


CORRUPTIONS = {
    "not json": ("{nope", "not a save file"),
    "empty": ("", "truncated"),
    "a list": ("[1, 2]", "not a save file"),
    "no format": ({"story": {"id": "demo-derelict"}}, "no format version"),
    "newer format": (lambda d: d | {"format": 99, "oldest_readable": 99},
                     "newer version of the game"),
    "another story": (lambda d: d | {"story": {"id": "elsewhere"}}, "another story"),
    "no state": (lambda d: {k: v for k, v in d.items() if k != "state"}, "state is missing"),
    "bad log": (lambda d: d | {"log": [["n"]]}, "list of commands"),
    "turn is text": (lambda d: d | {"state": d["state"] | {"turn": "five"}}, "wrong type"),
    "rng out of range": (lambda d: d | {"state": d["state"] | {"rng": -1}}, "out of range"),
    "unknown scene, same story": (lambda d: d | {"state": d["state"] | {"scene": "mars"}},
                                  "scene 'mars'"),
    "bad thing value": (lambda d: d | {"state": d["state"] | {"moved": {"torch": 3}}},
                        "bad value"),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupt_saves_are_refused_with_a_reason_and_the_game_goes_on(case, demo_game,
                                                                         tmp_path):
    change, reason = CORRUPTIONS[case]
    doc = change(a_save(demo_game)) if callable(change) else change
    write_doc(tmp_path, "bad", doc)
    s = Session(demo_game, seed=1, store=FileStore(tmp_path, demo_game, journal=False))
    s.submit("n")
    before = s.state
    res = s.submit("restore bad")
    assert reason in res.text, res.text
    assert "The game goes on as it was." in res.text
    assert s.state is before


def test_truncated_saves_are_all_refused(demo_game, tmp_path):
    raw = encode(demo_game.story, Session(demo_game, seed=1).state, [])
    path = tmp_path / "t.save.json"
    for cut in range(0, len(raw) - 2, 7):
        path.write_bytes(raw[:cut])
        with pytest.raises(SaveError):
            load_save(demo_game, path)


def test_a_save_from_the_same_story_round_trips(demo_game, tmp_path):
    s = Session(demo_game, seed=9)
    play(s, *WALK)
    path = tmp_path / "x.save.json"
    path.write_bytes(encode(demo_game.story, s.state, s.log))
    state, log, msg = load_save(demo_game, path)
    assert state == s.state and log == s.log and msg.startswith("Restored: turn 18")


COMMANDS = st.lists(st.sampled_from(
    ["n", "s", "aft", "fore", "back", "search walls", "open grille", "take torch",
     "take spanner", "pull lever", "use spanner on panel", "take chip", "drop chip",
     "talk to computer", "ask about code", "bye", "roll dice", "sound alarm", "z", "hint",
     "x suit", "wear suit", "i", "1", "2", "3", "xyzzy", "restart"]), max_size=25)


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(COMMANDS, st.integers(0, 2**32))
def test_save_restore_round_trip_from_reachable_states(demo_game, tmp_path, commands, seed):
    s = Session(demo_game, seed=seed)
    play(s, *commands) if commands else None
    path = tmp_path / "h.save.json"
    path.write_bytes(encode(demo_game.story, s.state, s.log))
    state, log, _ = load_save(demo_game, path)
    assert state == s.state and log == s.log
    # and the log alone rebuilds the same game (what replay and edited stories rely on)
    assert rebuild(demo_game, seed, log).state == s.state
    # the restored game plays on exactly like the original
    for c in ("n", "roll dice", "1"):
        a, b = demo_game.step(s.state, c), demo_game.step(state, c)
        assert a.paragraphs == b.paragraphs and a.state == b.state


def edited_demo(tmp_path, change) -> Game:
    root = tmp_path / "edited"
    shutil.copytree(DEMO, root)
    path = root / "ship.yaml"
    path.write_text(change(path.read_text()))
    return Game(load_story(root))


def test_a_save_on_an_edited_story_is_replayed_on_it_and_says_so(demo_game, tmp_path):
    s = Session(demo_game, seed=1)
    play(s, "n", "aft")
    path = tmp_path / "x.save.json"
    path.write_bytes(encode(demo_game.story, s.state, s.log))
    edited = edited_demo(tmp_path, lambda t: t.replace("Dead consoles", "Silent consoles"))
    state, _, msg = load_save(edited, path)
    assert state == s.state and "The story has changed" in msg and "replayed on it" in msg


def test_an_edit_the_replay_cannot_follow_keeps_the_state_that_still_fits(demo_game,
                                                                         tmp_path,
                                                                         monkeypatch):
    """The commands no longer replay (the first one's exit is renamed), but the saved
    state names nothing the story lost: it is kept as saved."""
    s = Session(demo_game, seed=1)
    play(s, "n", "aft")
    path = tmp_path / "x.save.json"
    path.write_bytes(encode(demo_game.story, s.state, s.log))
    edited = edited_demo(tmp_path, lambda t: t.replace("Dead consoles", "Silent consoles"))
    import adventure.play.replay as replay_module

    real = replay_module.rebuild

    def diverging(game, seed, log, start=None):
        rebuilt = real(game, seed, log[:1], start)
        rebuilt.diverged_at = 2
        rebuilt.why = "now means something else"
        return rebuilt

    monkeypatch.setattr(replay_module, "rebuild", diverging)
    state, _, msg = load_save(edited, path)
    assert state == s.state and "still fits" in msg


def test_an_edited_story_rebuilds_the_save_and_names_the_turn(demo_game, tmp_path):
    s = Session(demo_game, seed=1)
    play(s, "n", "aft", "take torch", "fore", "open grille", "take chip", "back")
    path = tmp_path / "x.save.json"
    path.write_bytes(encode(demo_game.story, s.state, s.log))
    # the author renames the crawlway: the saved state refers to a scene that is gone
    edited = edited_demo(tmp_path, lambda t: t.replace("crawlway", "ductway"))
    state, log, msg = load_save(edited, path)
    # 'back' was the crawlway's exit: it is the same exit of the renamed scene, so every
    # turn is kept (a rename is not a change of meaning)
    assert "replayed on it" in msg and "turn 7" in msg
    assert state.scene == "corridor" and state.turn == 7 and len(log) == 7
    assert log[-1].resolved == "exit:ductway:back" and s.log[-1].resolved == "exit:crawlway:back"
    assert state.moved["chip"] == "player" and "crawlway" not in state.visits


def test_an_edit_that_removes_an_action_stops_the_rebuild_before_it(demo_game, tmp_path):
    s = Session(demo_game, seed=1)
    play(s, "n", "search walls", "open grille", "back", "aft")
    path = tmp_path / "x.save.json"
    path.write_bytes(encode(demo_game.story, s.state, s.log))
    edited = edited_demo(tmp_path, lambda t: t.replace("find_vent", "pry_grille").replace(
        "commands: [open grille, open vent]", "commands: [pry grille]"))
    state, log, msg = load_save(edited, path)
    assert "replayed to turn 2 of 5" in msg and "'open grille'" in msg
    assert state.scene == "corridor" and state.turn == 2 and len(log) == 2


def test_undo_steps_back_one_turn_at_a_time(game_with_store):
    s = game_with_store
    play(s, "n", "aft", "take spanner")
    res = s.submit("undo")
    assert "Undone: 'take spanner'." in res.text and s.state.turn == 2
    assert "spanner" not in s.state.moved and len(s.log) == 2
    s.submit("undo")
    assert s.state.scene == "corridor"
    s.submit("undo")
    assert s.state.scene == "airlock" and s.state.turn == 0
    assert "nothing to undo" in s.submit("undo").text


def test_undo_is_a_thousand_turns_deep(demo_game):
    s = Session(demo_game, seed=1)
    for _ in range(1001):
        s.submit("z")
    for _ in range(1000):
        assert "Undone" in s.submit("undo").text
    assert s.state.turn == 1
    assert "nothing to undo" in s.submit("undo").text


def test_undo_reverses_restore_and_restart(game_with_store):
    s = game_with_store
    play(s, "n", "save a", "aft")
    s.submit("restore a")
    assert s.state.scene == "corridor"
    s.submit("undo")
    assert s.state.scene == "engineering"
    play(s, "restart", "restart")
    assert s.state.scene == "airlock" and s.log == []
    s.submit("undo")
    assert s.state.scene == "engineering" and len(s.log) == 2


def test_transcript_on_and_off(game_with_store, tmp_path):
    s = game_with_store
    assert "Writing a transcript to" in s.submit("transcript on").text
    play(s, "n", "x nothing")
    assert "Transcript closed" in s.submit("transcript off").text
    s.submit("aft")
    (path,) = tmp_path.glob("transcript-*.txt")
    text = path.read_text()
    assert "> n\n" in text and "== Dark corridor ==" in text and "== Engineering" not in text
    assert "Say 'transcript on'" in s.submit("transcript maybe").text


def test_listing_marks_unreadable_saves(tmp_path, demo_game):
    (tmp_path / "broken.save.json").write_text("{")
    s = Session(demo_game, seed=1)
    (tmp_path / "good.save.json").write_bytes(encode(demo_game.story, s.state, s.log))
    infos = {i.name: i for i in list_saves(tmp_path)}
    assert infos["good"].turn == 0 and infos["good"].scene_title == "Airlock"
    assert "unreadable" not in infos["good"].problem and "truncated" in infos["broken"].problem


def test_decode_refuses_another_story(demo_game, tmp_path):
    doc = a_save(demo_game)
    doc["story"]["id"] = "terok-nor"
    with pytest.raises(SaveError, match="another story"):
        decode(doc, demo_game.story)


def test_read_document_refuses_a_directory(tmp_path):
    (tmp_path / "d.save.json").mkdir()
    with pytest.raises(SaveError, match="directory"):
        read_document(tmp_path / "d.save.json")


# -- through the real command -----------------------------------------------------------

def run(*args, stdin=""):
    return subprocess.run([str(SCRIPT), *args], input=stdin.encode(), capture_output=True,
                          timeout=60)


def test_piped_save_restore_undo_through_the_console_script(tmp_path):
    res = run("--story", str(DEMO), "--saves", str(tmp_path), "--seed", "1",
              stdin="n\nsave one\naft\nundo\nrestore one\nsaves\n")
    out = res.stdout.decode()
    assert res.returncode == 0
    assert "Saved as 'one' (turn 1)." in out and "Undone: 'aft'." in out
    assert "Restored: turn 1, Dark corridor." in out and "one " in out


def test_load_on_the_command_line(tmp_path):
    run("--story", str(DEMO), "--saves", str(tmp_path), "--seed", "1",
        stdin="n\naft\nsave two\n")
    res = run("--story", str(DEMO), "--saves", str(tmp_path), "--load", "two", stdin="look\n")
    assert res.returncode == 0 and "Restored: turn 2, Engineering." in res.stdout.decode()
    (tmp_path / "bad.save.json").write_text("{")
    res = run("--story", str(DEMO), "--saves", str(tmp_path), "--load", "bad")
    assert res.returncode == 2 and "cannot load 'bad'" in res.stderr.decode()
    assert "Traceback" not in res.stderr.decode()


def test_saves_subcommand_lists_slots(tmp_path):
    run("--story", str(DEMO), "--saves", str(tmp_path), stdin="n\nsave alpha\n")
    res = run("saves", "--saves", str(tmp_path))
    out = res.stdout.decode()
    assert res.returncode == 0 and "alpha" in out and "turn 1" in out and "Dark corridor" in out


def test_replay_prints_the_game_and_check_passes(tmp_path):
    run("--story", str(DEMO), "--saves", str(tmp_path), "--seed", "5",
        stdin="\n".join(WALK) + "\nsave walk\n")
    res = run("replay", "walk", "--story", str(DEMO), "--saves", str(tmp_path), "--check")
    out = res.stdout.decode()
    assert res.returncode == 0, out
    assert "> take torch" in out and "You roll a" in out
    assert "replay: every turn matches the saved game, to its turn " in out
    again = run("replay", str(tmp_path / "walk.save.json"), "--story", str(DEMO))
    assert again.stdout == run("replay", "walk", "--story", str(DEMO), "--saves",
                               str(tmp_path)).stdout  # deterministic
    part = run("replay", "walk", "--story", str(DEMO), "--saves", str(tmp_path), "--to", "2")
    assert "> search walls" in part.stdout.decode() and "> s\n" not in part.stdout.decode()


def test_replay_check_names_the_first_turn_that_diverged(tmp_path):
    run("--story", str(DEMO), "--saves", str(tmp_path), "--seed", "5",
        stdin="\n".join(WALK) + "\nsave walk\n")
    root = tmp_path / "edited"
    shutil.copytree(DEMO, root)
    ship = root / "ship.yaml"
    # the search loses its nouns and its label: 'search walls' no longer means it
    ship.write_text(ship.read_text().replace("        nouns: [walls, wall, panels]\n", "")
                    .replace("        label: Search the walls\n", ""))
    res = run("replay", "walk", "--story", str(root), "--saves", str(tmp_path), "--check")
    assert res.returncode == 1
    assert "replay: turn 1 diverged (command 2): 'search walls'" in res.stdout.decode()


def test_replay_of_a_missing_save_exits_2(tmp_path):
    res = run("replay", "nope", "--story", str(DEMO), "--saves", str(tmp_path))
    assert res.returncode == 2 and "no such save" in res.stderr.decode()


def test_in_game_restore_takes_slot_names_only(game_with_store, tmp_path):
    s = game_with_store
    s.submit("save here")
    res = s.submit(f"restore {tmp_path}/here.save.json")
    assert res.paragraphs[0][0] == "error" and "The game goes on" in res.text


@settings(max_examples=200, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6))
def test_mutated_saves_load_or_are_refused(demo_game, tmp_path, edits):
    s = Session(demo_game, seed=3)
    play(s, "n", "search walls", "aft", "take torch")
    raw = bytearray(encode(demo_game.story, s.state, s.log))
    for where, byte in edits:
        raw[where % len(raw)] = byte
    path = tmp_path / "m.save.json"
    path.write_bytes(bytes(raw))
    try:
        state, _, _ = load_save(demo_game, path)
    except SaveError as exc:
        assert str(exc)
        return
    assert state.scene in demo_game.story.scenes  # whatever loads is a state of this story
    demo_game.step(state, "look")


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(COMMANDS, st.integers(0, 2**32))
def test_undo_walks_back_through_exactly_the_states_played(demo_game, commands, seed):
    """An undo level keeps only what a turn changed; undoing rebuilds every state exactly."""
    s = Session(demo_game, seed=seed)
    seen = [s.state.copy()]
    for c in commands:
        s.submit(c)
        if s.state != seen[-1]:
            seen.append(s.state.copy())
    if s.pending_restart:  # 'undo' would take back the question, not a move
        s.submit("no")
    for expected in reversed(seen[:-1]):
        s.submit("undo")
        assert s.state == expected
        assert s.state.to_dict() == expected.to_dict()


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 3) | st.booleans()),
       st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 3) | st.booleans()),
       st.sampled_from(["x", "y"]), st.integers(0, 5))
def test_an_undo_delta_turns_any_newer_state_back(a, b, scene, turn):
    from adventure.engine.state import GameState

    older = GameState("x", dict(a), turn=1, visits=dict(b), timers=[[3, "e"]], refs={"it": "k"})
    newer = GameState(scene, dict(b), turn=turn, visits=dict(a), stack=["s"], pending={"q": 1})
    for delta in (older.undo_delta(newer), older.whole()):  # whole(): restart, restore
        back = newer.undone(delta)
        assert back == older and back.to_dict() == older.to_dict()
        assert back.start is older.start
        assert back.vars is not older.vars  # nothing shared with the undo level
        assert back.timers[0] is not older.timers[0]


_TYPED = ["look", "inventory", "take all", "drop all", "wait", "hint", "x me", "i",
          "take it", "give it to him", "wear all", "remove all", "go north", "back"]


@settings(max_examples=12, derandomize=True, deadline=None)
@given(st.integers(0, 2**32))
def test_a_turns_undo_record_is_exactly_what_it_changed(campaign_game, seed):
    """Game.step records each write as it happens (World.write); that record must take
    the new state back to the old one exactly, as a diff of the two whole states does."""
    import random

    game = campaign_game
    rng = random.Random(seed)
    state = game.begin(seed).state
    for _ in range(120):
        result = game.step(state, game_command(rng, game, state))
        if result.state is state or result.quit:
            continue
        assert result.undo is not None
        back = result.state.undone(result.undo)
        assert back == state and back.to_dict() == state.to_dict()
        assert bool(result.undo) == (result.state != state)
        state = result.state if not result.state.ended else game.begin(seed).state


def game_command(rng, game: Game, state) -> str:
    offers = game.step(state, "choices").choices
    if offers and rng.random() < 0.8:
        return str(rng.randint(1, len(offers)))
    return rng.choice(_TYPED)



def test_utc_now_is_made_once_a_second_and_follows_the_clock(monkeypatch):
    """utc_now keeps what it wrote for a second (every restart writes a journal header)
    and writes the new second when the clock moves on."""
    import time as time_module

    from adventure.play import saves

    clock = [1_800_000_000.2]
    monkeypatch.setattr(time_module, "time", lambda: clock[0])
    first = saves.utc_now()
    assert first == "2027-01-15T08:00:00+00:00"
    clock[0] = 1_800_000_000.9
    assert saves.utc_now() is first
    clock[0] = 1_800_000_061.0
    assert saves.utc_now() == "2027-01-15T08:01:01+00:00"
