"""Hostile input (docs/security.md): stories, saves, typed lines and terminal output.

Each hostile story and save runs through the real console script in a subprocess
capped at 512 MB of address space and 5 seconds of CPU time (its own, so that a loaded
machine cannot fail it); the hostile files are made in tmp_path at test time. Property
tests feed the session random lines and the loader random YAML and mutations of the demo
story. Tests marked xfail(strict)
describe engine bugs: they assert the right behaviour and start passing (and so
failing as XPASS) once the bug is fixed.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.engine.session import MAX_LINE, Game, Result, Session
from adventure.play.replay import FileStore, load_save
from adventure.play.saves import SaveError, check_slot, list_saves, slot_path
from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story
from adventure.story.model import Story

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "demo_story"
SCRIPT = Path(sys.executable).parent / "adventure"
MEMORY_CAP = 512 * 2**20
# The time a hostile input may cost is the child's own CPU time, which the kernel counts and
# enforces (RLIMIT_CPU: SIGXCPU, then SIGKILL): unlike wall time, it does not grow when other
# processes share the machine. Wall time only catches a child that waits instead of working
# (a FIFO read blocks without using CPU), so its limit is generous.
TIME_LIMIT = 5  # seconds of CPU; a hostile input must never get near it
WAIT_LIMIT = 120  # seconds of wall time: a child blocked on something, not a slow one
MB = 2**20


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT, TIME_LIMIT + 1))


def run(*args: str, stdin: bytes = b"", cwd: Path | None = None, argv: list[str] | None = None
        ) -> subprocess.CompletedProcess:
    """The console script (or `argv`) under the memory and CPU caps; failing the test if it
    needs more than 5 s of CPU, or waits on something for minutes."""
    command = argv if argv is not None else [str(SCRIPT), *args]
    shown = " ".join(command if argv is not None else ["adventure", *args])[:200]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        res = subprocess.run(command, input=stdin, capture_output=True, timeout=WAIT_LIMIT,
                             preexec_fn=_cap, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{shown} was still running after {WAIT_LIMIT} s: it waits for something")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if res.returncode == -signal.SIGXCPU or (res.returncode == -signal.SIGKILL
                                             and cpu >= TIME_LIMIT):
        pytest.fail(f"{shown} was stopped at its limit of {TIME_LIMIT} s of CPU time "
                    f"({cpu:.1f} s counted)")
    return res


def test_the_harness_stops_a_child_by_its_own_cpu_time():
    """What the harness checks does not depend on the machine's load: a child that works
    past 5 s of its own CPU time is stopped by the kernel and fails the test."""
    with pytest.raises(pytest.fail.Exception, match="limit of 5 s of CPU time"):
        run(argv=[sys.executable, "-c", "while True: pass"])


def text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def demo_copy(dest: Path) -> Path:
    shutil.copytree(DEMO, dest, ignore=shutil.ignore_patterns("tests"))
    return dest


def has_line(output: str, start: str, fragment: str) -> bool:
    return any(line.startswith(start) and fragment in line for line in output.splitlines())


# -- 1. hostile stories -------------------------------------------------------------------

def _write(name: str, content: str | bytes):
    def make(story: Path) -> None:
        path = story / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return make


def _laughs(leaf: str, levels: int = 9, fan: int = 9) -> str:
    lines = [f"a0: &a0 {leaf}"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * fan)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _sparse(name: str, size: int):
    def make(story: Path) -> None:
        with open(story / name, "wb") as f:
            f.truncate(size)  # a hole: no time or disk spent writing it
    return make


def _folder(story: Path) -> None:
    (story / "x.yaml").mkdir()
    (story / "x.yaml" / "inner.txt").write_text("not a story file")


def _broken_link(story: Path) -> None:
    (story / "y.yaml").symlink_to("/nonexistent")


DUPLICATE_SCENES = 10_000
HUGE_LINE = 5 * MB

# name: (make the hostile file in a copy of the demo story, where, message fragment)
# `where` is the file and, when there is one, line:col of the located message.
HOSTILE_STORIES = {
    "python-object-apply": (
        _write("x.yaml", '!!python/object/apply:os.system ["touch PWNED"]\n'),
        "x.yaml:1:1: error:",
        "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    "python-object-apply-in-a-scene": (
        _write("x.yaml", "scenes:\n  pwn:\n    title: Pwn\n"
                         '    text: !!python/object/apply:os.system ["touch PWNED"]\n'),
        "x.yaml:4:11: error:",
        "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    "python-name": (
        _write("x.yaml", "scenes:\n  pwn:\n    title: !!python/name:os.system\n    text: t\n"),
        "x.yaml:3:12: error:", "unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'"),
    "billion-laughs": (
        _write("x.yaml", _laughs('["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", '
                                 '"lol"]')),
        "x.yaml: error:", "aliases expand to more than 100,000 values"),
    "self-referencing-alias": (
        _write("x.yaml", "a: &a [1, *a]\n"),
        "x.yaml:1:4: error:", "an alias refers to itself"),
    "flow-nesting-100000": (
        _write("x.yaml", "x: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        "x.yaml:1:1: error:", "nested deeper than 64 levels"),
    "block-nesting-10000": (
        _write("x.yaml", "x:\n" + "- " * 10_000 + "deep\n"),
        "x.yaml:2:1: error:", "nested deeper than 64 levels"),
    "file-of-100-mb": (
        _sparse("x.yaml", 100 * MB),
        "x.yaml: error:", "file is 104,857,600 bytes; the limit is 33,554,432"),
    "binary-junk": (
        _write("x.yaml", os.urandom(64 * 1024)),
        "x.yaml:", "not UTF-8 text"),
    "invalid-utf8": (
        _write("x.yaml", b"scenes:\n  q:\n    title: \xff\xfe bad\n    text: t\n"),
        "x.yaml:3:1: error:", "not UTF-8 text"),
    "nul-byte": (
        _write("x.yaml", b"scenes:\n  q:\n    title: a\x00b\n    text: t\n"),
        "x.yaml:3:13: error:", "control character '\\x00'"),
    "a-folder-named-like-a-file": (
        _folder, "x.yaml: error:", "is a folder, not a story file"),
    "broken-symlink": (
        _broken_link, "y.yaml: error:", "cannot read file"),
    "duplicate-keys": (
        _write("x.yaml", "things:\n  k:\n    name: a\n    name: b\n    location: airlock\n"),
        "x.yaml:4:5: error:", "duplicate key 'name' (first defined at line 3)"),
    "10000-duplicate-scene-ids": (
        _write("x.yaml", "scenes:\n" + "  airlock:\n    title: A\n    text: t\n"
               * DUPLICATE_SCENES),
        "x.yaml:2:3: error:", "scene 'airlock' is defined twice"),
    # A 9 KB file: nine levels of nine aliases over a mapping of 1,000 keys. The alias
    # limit counts only the mappings and lists rebuilt, not the values inside them.
    "wide-alias-bomb": pytest.param(
        _write("x.yaml", _laughs("{" + ", ".join(f"k{i}: v" for i in range(1000)) + "}")),
        "x.yaml: error:", "file is too large"),
    # Larger than the memory cap: refused by its size, it must never be read.
    "file-of-1-gb": pytest.param(
        _sparse("x.yaml", 1024 * MB),
        "x.yaml: error:", "file is 1,073,741,824 bytes; the limit is 33,554,432"),
}


def _ids_of(params: dict) -> list:
    out = []
    for name, value in params.items():
        if hasattr(value, "marks"):  # already a pytest.param
            out.append(pytest.param(*value.values, marks=value.marks, id=name))
        else:
            out.append(pytest.param(*value, id=name))
    return out


@pytest.mark.parametrize(("make", "where", "fragment"), _ids_of(HOSTILE_STORIES))
def test_a_hostile_story_is_refused_with_a_located_message(tmp_path, make, where, fragment):
    story = demo_copy(tmp_path / "story")
    make(story)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    play = run("play", "--story", str(story), cwd=cwd)
    err = text(play.stderr)
    assert "Traceback" not in err + text(play.stdout), err[-3000:]
    assert play.returncode == 2, err[-3000:]
    assert has_line(err, f"{story}/{where}", fragment), err[:3000]
    assert play.stdout == b""

    check = run("check", "--story", str(story), "--random", "0", cwd=cwd)
    out = text(check.stdout)
    assert "Traceback" not in out + text(check.stderr), text(check.stderr)[-3000:]
    assert check.returncode == 1, out[-3000:]
    assert has_line(out, f"{story}/{where}", fragment), out[:3000]
    for place in (cwd, story, tmp_path, ROOT):
        assert not (place / "PWNED").exists()


def test_ten_thousand_duplicate_scene_ids_are_each_reported(tmp_path):
    story = demo_copy(tmp_path / "story")
    HOSTILE_STORIES["10000-duplicate-scene-ids"][0](story)
    res = run("play", "--story", str(story))
    err = text(res.stderr)
    assert res.returncode == 2
    assert err.count("duplicate key 'airlock' (first defined at line 2)") == DUPLICATE_SCENES - 1
    last = 2 + 3 * (DUPLICATE_SCENES - 1)
    assert f"{story}/x.yaml:{last}:3: error: duplicate key 'airlock'" in err


def test_a_5_mb_scalar_on_one_line_is_within_the_limits_and_loads(tmp_path):
    """Well under the 32 MB limit: it loads, plays and checks clean (a warning only)."""
    story = demo_copy(tmp_path / "story")
    (story / "x.yaml").write_text("scenes:\n  huge:\n    title: Huge\n    text: "
                                  + "word " * (HUGE_LINE // 5) + "\n")
    assert (story / "x.yaml").stat().st_size > HUGE_LINE
    play = run("play", "--story", str(story), stdin=b"look\n")
    assert play.returncode == 0 and play.stderr == b""
    assert b"== Airlock ==" in play.stdout
    check = run("check", "--story", str(story), "--random", "0")
    out = text(check.stdout)
    assert check.returncode == 0, out
    assert "0 errors, 1 warning." in out and "scene 'huge' cannot be reached" in out


# -- 2. hostile saves ----------------------------------------------------------------------

SAVE_COMMANDS = ("n", "x ü€ 🚀", "aft", "take spanner", "pull lever", "fore", "save x")


@pytest.fixture(scope="module")
def real_save(tmp_path_factory) -> bytes:
    """A save made by playing the demo; its log holds multi-byte UTF-8."""
    game = Game(load_story(DEMO))
    directory = tmp_path_factory.mktemp("real-save")
    session = Session(game, seed=7, store=FileStore(directory, game, journal=False))
    for command in SAVE_COMMANDS:
        result = session.submit(command)
    assert result.text == "Saved as 'x' (turn 5)."
    return (directory / "x.save.json").read_bytes()


def _session(game: Game, directory: Path) -> Session:
    session = Session(game, seed=1, store=FileStore(directory, game, journal=False))
    session.submit("n")
    return session


def _refused_in_game(session: Session, slot: str) -> Result:
    """`restore SLOT` answers an error and leaves the game exactly as it was."""
    before, snapshot, log = session.state, session.state.copy(), list(session.log)
    result = session.submit(f"restore {slot}")
    assert isinstance(result, Result) and result.paragraphs
    assert result.paragraphs[0][0] == "error", result.paragraphs
    assert "The game goes on as it was." in result.text
    assert session.state is before and session.state == snapshot and session.log == log
    return result


def test_a_save_truncated_at_every_byte_is_refused(demo_game, real_save, tmp_path):
    session = _session(demo_game, tmp_path)
    path = tmp_path / "t.save.json"
    whole = real_save.rstrip()
    refused = 0
    for cut in range(len(real_save)):
        part = real_save[:cut]
        path.write_bytes(part)
        if part.rstrip() == whole:  # only the final newline is missing: the save is whole
            assert load_save(demo_game, path)[0].turn == 5
            continue
        with pytest.raises(SaveError):
            load_save(demo_game, path)
        _refused_in_game(session, "t")
        refused += 1
    assert refused == len(real_save) - 1
    assert session.submit("look").paragraphs[0] == ("title", "Dark corridor")


def _doc(raw: bytes) -> dict:
    return json.loads(raw)


def _edit(change):
    """A hostile save: the real one, changed by `change(doc)`."""
    def make(raw: bytes) -> bytes:
        doc = _doc(raw)
        change(doc)
        return json.dumps(doc, ensure_ascii=False).encode()
    return make


def _state_value(key: str, literal: str):
    """The real save with state[key] written as a raw JSON literal (1e999, NaN, 10**5000)."""
    def make(raw: bytes) -> bytes:
        doc = _doc(raw)
        doc["state"][key] = "@@HOSTILE@@"
        return json.dumps(doc).replace('"@@HOSTILE@@"', literal).encode()
    return make


def _deep_state(raw: bytes) -> bytes:
    doc = _doc(raw)
    doc["state"]["vars"] = "@@HOSTILE@@"
    return json.dumps(doc).replace('"@@HOSTILE@@"', "[" * 100_000 + "]" * 100_000).encode()


def _merge(key: str, value):
    return _edit(lambda d: d["state"][key].update(value) if isinstance(value, dict)
                 else d["state"][key].append(value))


BIG_INT = "1" + "0" * 5000  # 10**5000: more digits than Python converts by default

# name: (bytes of the hostile save from the real one, reason the refusal gives)
HOSTILE_SAVES = {
    "arrays-100000-deep": (lambda raw: b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "state-100000-deep": (_deep_state, "nested too deeply"),
    "objects-100000-deep": (lambda raw: b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
                            "nested too deeply"),
    "turn-1e999": (_state_value("turn", "1e999"), "'turn' in the state has the wrong type"),
    "turn-NaN": (_state_value("turn", "NaN"), "'turn' in the state has the wrong type"),
    "turn-Infinity": (_state_value("turn", "-Infinity"), "wrong type"),
    "rng-10**4000": (_state_value("rng", "1" + "0" * 4000), "out of range"),
    "turn-10**5000": pytest.param(
        _state_value("turn", BIG_INT), ""),
    "unknown-scene": (_edit(lambda d: d["state"].update(scene="mars")),
                      "refers to scene 'mars', which this story does not have"),
    "unknown-thing": (_merge("moved", {"phaser": "player"}), "thing 'phaser'"),
    "unknown-place": (_merge("moved", {"torch": "mars"}), "place 'mars'"),
    "unknown-action": (_merge("done", {"bridge.self_destruct": 1}),
                       "action 'bridge.self_destruct'"),
    "unknown-event": (_merge("timers", [9, "meteor"]), "event 'meteor'"),
    "unknown-ending": (_edit(lambda d: d["state"].update(ended="bridge")), "ending 'bridge'"),
    "unknown-conversation": (_merge("stack", "mars"), "scene 'mars'"),
    "another-story": (_edit(lambda d: d["story"].update(id="terok-nor")),
                      "it belongs to another story ('terok-nor', not 'demo-derelict')"),
    "newer-format": (_edit(lambda d: d.update(format=9, oldest_readable=2)),
                     "made by a newer version of the game"),
    "no-format": (_edit(lambda d: d.pop("format")), "no format version"),
    "a-list": (lambda raw: b"[1, 2, 3]", "it is not a save file"),
    "empty": (lambda raw: b"", "truncated"),
    "binary": (lambda raw: b"\xff\xfe\x00junk" + bytes(range(256)), "not UTF-8 text"),
    "bad-log": (_edit(lambda d: d.update(log=[["n", 1]])), "list of commands"),
    "bad-pronouns": (_edit(lambda d: d["state"].update(refs=[1])), "pronoun memory"),
}

SPECIAL_SAVES = {
    "100-mb": (lambda path: _sparse_file(path, 100 * MB), "104,857,600 bytes, more than"),
    "a-directory": (lambda path: path.mkdir(), "it is a directory, not a save"),
    "a-symlink": (lambda path: path.symlink_to(path.with_name("elsewhere.json")), "link"),
}


def _sparse_file(path: Path, size: int) -> None:
    with open(path, "wb") as f:
        f.truncate(size)


def _make_save(path: Path, make, raw: bytes) -> None:
    if make in (m for m, _ in SPECIAL_SAVES.values()):
        path.with_name("elsewhere.json").write_bytes(raw)
        make(path)
    else:
        path.write_bytes(make(raw))


ALL_SAVES = {**HOSTILE_SAVES, **SPECIAL_SAVES}


@pytest.mark.parametrize(("make", "reason"), _ids_of(ALL_SAVES))
def test_a_hostile_save_is_refused_with_a_reason_and_the_game_goes_on(
        demo_game, real_save, tmp_path, make, reason):
    path = tmp_path / "h.save.json"
    _make_save(path, make, real_save)
    with pytest.raises(SaveError, match=re.escape(reason) if reason else None):
        load_save(demo_game, path)
    result = _refused_in_game(_session(demo_game, tmp_path), "h")
    assert reason in result.text


@pytest.mark.parametrize(("make", "reason"), _ids_of(ALL_SAVES))
def test_play_load_of_a_hostile_save_exits_2_with_the_reason(real_save, tmp_path, make,
                                                              reason):
    path = tmp_path / "h.save.json"
    _make_save(path, make, real_save)
    res = run("play", "--story", str(DEMO), "--load", str(path))
    err = text(res.stderr)
    assert "Traceback" not in err, err[-3000:]
    assert res.returncode == 2, err[-3000:]
    assert f"adventure: cannot load '{path}': " in err and reason in err
    assert res.stdout == b""


def test_a_save_of_a_changed_story_naming_what_does_not_exist_is_rebuilt_not_trusted(
        demo_game, real_save, tmp_path):
    doc = _doc(real_save)
    doc["story"]["fingerprint"] = "edited since"
    doc["state"].update(scene="mars", moved={"phaser": "mars"}, stack=["nowhere"])
    path = tmp_path / "h.save.json"
    path.write_text(json.dumps(doc))
    state, log, message = load_save(demo_game, path)
    assert "rebuilt from its commands" in message
    assert state.scene in demo_game.story.scenes and "phaser" not in state.moved
    assert [e.command for e in log] == [c for c in SAVE_COMMANDS if not c.startswith("save")]


def test_play_load_of_a_save_with_a_huge_log_is_bounded(real_save, tmp_path):
    doc = _doc(real_save)
    doc["story"]["fingerprint"] = "edited since"  # forces a rebuild from the log
    doc.pop("log")
    entry = '["l","builtin:look"],'
    count = (31 * MB) // len(entry)
    body = json.dumps(doc)[:-1] + ', "log": [' + entry * (count - 1) + entry[:-1] + "]}"
    path = tmp_path / "h.save.json"
    path.write_text(body)
    res = run("play", "--story", str(DEMO), "--load", str(path))
    assert "Traceback" not in text(res.stderr)
    assert res.returncode in (0, 2)


BAD_SLOTS = ["..", "../x", "/etc/passwd", "a/../../b", "a\x00b", "x" * 10_000,
             "../../../../../tmp/escaped", "..\\x", ".hidden", "nul\x00/../x"]


@pytest.mark.parametrize("name", BAD_SLOTS, ids=lambda n: repr(n[:20]))
def test_a_slot_name_cannot_leave_the_saves_directory(demo_game, tmp_path, name):
    saves = tmp_path / "saves"
    saves.mkdir()
    with pytest.raises(SaveError):
        check_slot(name)
    with pytest.raises(SaveError):
        slot_path(saves, name)
    session = _session(demo_game, saves)
    before = session.state
    for command in ("save", "restore"):
        result = session.submit(f"{command} {name}")
        assert result.paragraphs[0][0] == "error", result.paragraphs
        assert "save name" in result.text.lower() or "too long" in result.text
        assert session.state is before
    assert list(saves.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "saves"]
    assert not Path("/etc/passwd.save.json").exists()
    assert not Path("/tmp/escaped.save.json").exists()
    assert session.submit("save fine").text == "Saved as 'fine' (turn 1)."


@pytest.mark.parametrize("name", ["..", "../x", "a/../../b", "x" * 10_000])
def test_play_load_of_a_bad_slot_name_exits_2(tmp_path, name):
    here = tmp_path / "a" / "b"  # so that '..' names no file that happens to exist
    here.mkdir(parents=True)
    res = run("play", "--story", str(DEMO), "--saves", str(tmp_path), "--load", name, cwd=here)
    err = text(res.stderr)
    assert res.returncode == 2 and "Traceback" not in err
    assert "adventure: cannot load" in err and ("save name" in err or "too long" in err)


def test_a_symlink_in_the_saves_directory_is_refused_both_ways(demo_game, real_save,
                                                                tmp_path):
    saves, outside = tmp_path / "saves", tmp_path / "outside"
    saves.mkdir()
    outside.mkdir()
    victim = outside / "victim.save.json"
    victim.write_bytes(real_save)
    (saves / "evil.save.json").symlink_to(victim)
    session = _session(demo_game, saves)
    before = session.state
    result = _refused_in_game(session, "evil")
    assert "link" in result.text
    saved = session.submit("save evil")
    assert saved.paragraphs[0][0] == "error" and "link" in saved.text
    assert victim.read_bytes() == real_save and session.state is before
    listing = run("saves", "--saves", str(saves))
    assert listing.returncode == 0 and b"unreadable: it is a link" in listing.stdout


# -- 3. commands ---------------------------------------------------------------------------

HOSTILE_LINES = {
    "empty": "",
    "spaces": " \t  ",
    "one-mb": "x" * MB,
    "one-mb-of-words": "take " * (MB // 5),
    "one-mb-save-name": "save " + "y" * MB,
    "one-mb-restore-name": "restore " + "y" * MB,
    "control-characters": "".join(chr(i) for i in range(32)) + "\x7f",
    "clear-screen": "\x1b[2J",
    "osc-title": "\x1b]0;pwned\x07 look",
    "c1-csi": "\x9b2J take suit",
    "right-to-left-override": "\u202etake suit\u202c",
    "emoji": "🚀 take 🧑\u200d🚀 👩🏽\u200d🔧",
    "nul": "\x00",
    "nuls-in-a-command": "take\x00suit",
    "replacement-characters": "\ufffd\ufffd look",
    "many-separators": ". ; ! then " * 90,
    "many-commands": "z. " * 300,
    "oops-alone": "oops",
    "again-first": "again",
}


@pytest.fixture
def journaled(demo_game, tmp_path):
    """A session like `adventure play`'s: saves, and a journal of every turn."""
    store = FileStore(tmp_path, demo_game, journal=True)
    session = Session(demo_game, seed=7, store=store)
    store.start_journal(session.state, [])
    yield session
    store.close()


def _answered(result: object) -> None:
    assert isinstance(result, Result)
    # 'choices' answers with the numbered choices alone (hypothesis finds the word when
    # the whole suite is loaded: it draws on string constants of the imported modules)
    assert result.paragraphs or result.choices
    assert all(isinstance(t, str) for _, t in result.paragraphs)


@pytest.mark.parametrize("line", HOSTILE_LINES.values(), ids=HOSTILE_LINES.keys())
def test_any_line_gets_an_answer(journaled, line):
    _answered(journaled.submit(line))
    _answered(journaled.submit("look"))


def test_a_lone_surrogate_is_answered_without_a_journal(demo):
    _answered(demo.submit("look \udcff\ud800"))


def test_a_one_megabyte_line_is_refused_as_too_long(demo):
    result = demo.submit("x" * MB)
    assert result.paragraphs == [("error", "That is too long for me to follow (1,048,576 "
                                  f"characters); say it in under {MAX_LINE}.")]
    assert demo.state.turn == 0


def test_a_lone_surrogate_is_answered_with_a_journal(journaled):
    _answered(journaled.submit("look \udcff"))


@pytest.mark.parametrize("line", ["²", "①", "2²", "talk to computer\n²"])
def test_a_digit_that_is_not_a_number_is_answered(demo, line):
    for part in line.split("\n"):
        _answered(demo.submit(part))


def test_a_digit_that_is_not_a_number_through_a_pipe(tmp_path):
    res = run("play", "--story", str(DEMO), "--saves", str(tmp_path), stdin="²\n".encode())
    assert res.returncode == 0 and b"Traceback" not in res.stderr


def test_hostile_bytes_through_a_pipe(tmp_path):
    lines = [b"\xff\xfe\xc3\x28 look", b"\x1b[2J\x1b]0;pwned\x07take suit", b"\x9b\xc2\x9b2J",
             "\u202ewear suit".encode(), "🚀 x 🚀".encode(), b"\x00", b"x" * MB,
             b"\x1b[31mn\x1b[0m", b"\r", b"\x1bc", b"inventory"]
    res = run("play", "--story", str(DEMO), "--saves", str(tmp_path), "--seed", "1",
              stdin=b"\n".join(lines) + b"\n")
    assert res.returncode == 0 and res.stderr == b"", text(res.stderr)
    out = res.stdout
    assert b"\x1b" not in out and b"\x07" not in out and b"\x00" not in out
    assert b"\xc2\x9b" not in out
    assert not set(out) & (set(range(32)) - {9, 10})
    assert "That is too long for me to follow (1,048,576 characters)" in text(out)
    assert "You are carrying" in text(out)


# Digits such as '²' and '①' that str.isdigit() accepts and int() refuses: a known bug
# (test_a_digit_that_is_not_a_number_is_answered), left out so the properties stay useful.
NOT_NUMBERS = "".join(c for c in map(chr, range(0x110000)) if c.isdigit() and not c.isdecimal())
ANY_LINE = st.text(st.characters(exclude_categories=(), exclude_characters=NOT_NUMBERS),
                   max_size=200)
FRIENDLY = st.sampled_from(["n", "aft", "take all", "x it", "undo", "again", "restart",
                            "save slot", "restore slot", "saves", "oops torch", "1", "2", "99",
                            "hint", "help", "transcript on", "quit", "inventory", "yes"])


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=ANY_LINE)
def test_random_text_always_gets_an_answer(demo_game, line):
    _answered(Session(demo_game, seed=3).submit(line))


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(ANY_LINE.map(lambda s: s.encode("utf-8", "replace")
                                                     .decode("utf-8")), FRIENDLY),
                      min_size=1, max_size=8),
       seed=st.integers(0, 2**32))
def test_random_sequences_always_get_answers(demo_game, lines, seed):
    with tempfile.TemporaryDirectory() as directory:
        store = FileStore(Path(directory), demo_game, journal=True)
        session = Session(demo_game, seed=seed, store=store)
        store.start_journal(session.state, [])
        try:
            for line in lines:
                _answered(session.submit(line))
            assert session.state.scene in demo_game.story.scenes
        finally:
            store.close()


# -- 4. the loader under random input ---------------------------------------------------

DEMO_FILES = {p.name: p.read_text(encoding="utf-8") for p in sorted(DEMO.glob("*.yaml"))}
YAML_TOKENS = ["story:", "scenes:", "things:", "extend:", "events:", "state:", "id:",
               "title:", "text:", "start:", "exits:", "actions:", "to:", "when:", "do:",
               "airlock", "corridor", "torch", "x", "- ", "  ", "    ", "\n", "\n  ", ": ",
               "[", "]", "{", "}", ", ", "&a ", "*a", "<<: ", "!!str ", "!!python/object ",
               "!!binary ", "? ", "'", '"', "|", ">", "# c", "---\n", "...\n", "~", "null",
               "true", "1e999", ".nan", "0x1F", "12:30", "${", "if ", "}", "set ", "\t", "%",
               "@", "`", "\\", "\u00e9", "\ufeff", "\x85"]


def _check_load(root: Path) -> None:
    try:
        story = load_story(root)
    except StoryError as err:
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.loc.file == str(root) or d.loc.file.startswith(f"{root}/"), str(d)
            assert d.loc.line >= 0 and d.loc.col >= 0, str(d)
    else:
        assert isinstance(story, Story)
        _answered(Session(Game(story), seed=1).submit("look"))


def _write_story(root: Path, files: dict[str, str]) -> None:
    root.mkdir()
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8", errors="surrogatepass")


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.sampled_from(YAML_TOKENS), max_size=80), alone=st.booleans())
def test_random_yaml_is_loaded_or_refused_with_located_errors(tokens, alone):
    files = {} if alone else dict(DEMO_FILES)
    files["x.yaml"] = "".join(tokens)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "story"
        _write_story(root, files)
        _check_load(root)


@st.composite
def mutated_demo(draw) -> dict[str, str]:
    files = dict(DEMO_FILES)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        lines = files[name].split("\n")
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "indent"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            body = lines[i].lstrip(" ")
            indent = len(lines[i]) - len(body) + draw(st.integers(-4, 4))
            lines[i] = " " * max(0, indent) + body
        content = "\n".join(lines)
        if kind == "insert":
            at = draw(st.integers(0, len(content)))
            content = content[:at] + draw(st.text(max_size=12)) + content[at:]
        files[name] = content
    return files


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=mutated_demo())
def test_mutations_of_the_demo_story_load_or_fail_with_located_errors(files):
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "story"
        _write_story(root, files)
        _check_load(root)


# -- 5. the terminal only gets text --------------------------------------------------------

UNSAFE_BYTES = [b"\x1b", b"\x07", b"\xc2\x9b", b"\xc2\x85", b"\x00"]

EVIL_STORY = r'''
things:
  gem:
    name: "g\e[31mem\a\u009b2J"
    adjectives: ["shiny\e]0;pwned\a"]
    portable: true
    location: airlock
    description: "A gem.\e]0;pwned\a \u009b31m \e[?1049h"
extend:
  airlock:
    actions:
      - id: evil
        label: "Evil \e[2J label\a\u009bH"
        commands: [evil]
        text: "Evil text \e[2J\e]52;c;SGVsbG8=\a\u009b1m"
        to: evilroom
scenes:
  evilroom:
    title: "Evil\e[2J room\a\u009b"
    text: "In the evil room. \e[?1049h\a\u0085 \u009b5n ${if trust > 0}x${end}"
    hints: ["Hint \e[5m\a"]
    exits:
      back:
        to: airlock
        label: "Back \e[1A\e[2K\a\u009bK"
    actions:
      - id: fall
        label: "Fall \e[6n\a"
        to: evilend
  evilend:
    title: "The \e]8;;http://x\e\\ end"
    text: ""
    ending:
      kind: "defeat\e[2J"
      title: "Ended \e[2J\a\u009b"
      epilogue: "Gone. \e]0;bye\a\u009b"
'''


def _clean(data: bytes) -> None:
    for bad in UNSAFE_BYTES:
        assert bad not in data, (bad, data[max(0, data.find(bad) - 80):data.find(bad) + 80])
    assert not set(data) & (set(range(32)) - {9, 10})


def test_escape_sequences_in_a_story_never_reach_the_terminal(tmp_path):
    story = demo_copy(tmp_path / "story")
    (story / "evil.yaml").write_text(EVIL_STORY)
    saves = tmp_path / "saves"
    # (the branch's choice follows the airlock's own, so it is typed, not numbered)
    script = ["look", "x gem", "take all", "inventory", "evil", "look", "hint", "choices",
              "help", "save here", "saves", "1", "look"]
    res = run("play", "--story", str(story), "--saves", str(saves), "--seed", "1",
              stdin="\n".join(script).encode() + b"\n")
    assert res.returncode == 0 and res.stderr == b"", text(res.stderr)
    out = text(res.stdout)
    assert "Evil" in out and "label" in out and "*** Ended" in out and "Gone." in out
    _clean(res.stdout)
    listing = run("saves", "--saves", str(saves))
    assert listing.returncode == 0 and b"here" in listing.stdout and b"Evil" in listing.stdout
    _clean(listing.stdout)


def _listed(tmp_path: Path, real_save: bytes, name: str, **fields
            ) -> subprocess.CompletedProcess:
    doc = _doc(real_save)
    doc.update(fields)
    (tmp_path / f"{name}.save.json").write_text(json.dumps(doc))
    return run("saves", "--saves", str(tmp_path))


def test_a_saves_scene_title_never_reaches_the_terminal(tmp_path, real_save):
    res = _listed(tmp_path, real_save, "evil",
                  scene_title="Evil\x1b[2J\x1b]0;pwned\x07\x9b31m room\x00")
    assert res.returncode == 0 and "Evil" in text(res.stdout)
    _clean(res.stdout)


@pytest.mark.parametrize("fields", [
    {"saved_at": "\x1b[2J\x1b]0;pwned\x07\x9b"},
    {"turn": "\x1b[2J\x07\x9b"},
    {"name": "\x1b[31mred\x07\x9b"},
], ids=["saved_at", "turn-as-text", "file-name"])
def test_other_save_fields_never_reach_the_terminal(tmp_path, real_save, fields):
    fields = dict(fields)
    name = fields.pop("name", "evil")
    res = _listed(tmp_path, real_save, name, **fields)
    assert res.returncode == 0
    _clean(res.stdout)


@pytest.mark.parametrize("turn", [[1, 2], None, {"a": 1}], ids=["list", "null", "mapping"])
def test_a_save_with_an_odd_turn_is_listed(tmp_path, real_save, turn):
    res = _listed(tmp_path, real_save, "odd", turn=turn)
    assert "Traceback" not in text(res.stderr) and res.returncode == 0
    assert b"odd" in res.stdout


def test_list_saves_reads_odd_saves_without_crashing(tmp_path, real_save):
    """The listing itself copes; only its formatting (above) does not."""
    _listed(tmp_path, real_save, "odd", turn=[1, 2], scene_title={"x": "\x1b"})
    (info,) = list_saves(tmp_path)
    assert info.name == "odd" and "\x1b" not in info.scene_title


BROKEN_WITH_ESCAPES = ('"\\e[2Jevil\\a": 1\nscenes:\n  q:\n    title: Q\n    text: t\n'
                       '    exits: {north: "nowhere\\e]0;pwned\\a"}\n')


def test_escape_sequences_in_diagnostics_never_reach_the_terminal(tmp_path):
    broken = demo_copy(tmp_path / "broken")
    (broken / "x.yaml").write_text(BROKEN_WITH_ESCAPES)
    titled = demo_copy(tmp_path / "titled")
    meta = (titled / "story.yaml").read_text()
    (titled / "story.yaml").write_text(meta.replace(
        "  title: The Derelict", '  title: "The \\e]0;pwned\\a Derelict\\u009b"'))
    play = run("play", "--story", str(broken))
    assert play.returncode == 2 and b"unknown key" in play.stderr
    check = run("check", "--story", str(broken), "--random", "0")
    assert check.returncode == 1
    summary = run("check", "--story", str(titled), "--random", "0")
    assert summary.returncode == 0 and b"Derelict" in summary.stdout
    for output in (play.stderr, check.stdout, summary.stdout):
        _clean(output)


def test_saves_are_listed_as_a_person_counts(tmp_path, real_save):
    """'bash2' before 'bash10' (the blind playtest's saves listed bash10 first)."""
    for name in ("bash10", "bash2", "Bash3", "alpha", "bash1", "bash"):
        (tmp_path / f"{name}.save.json").write_bytes(real_save)
    assert [i.name for i in list_saves(tmp_path)] == \
        ["alpha", "bash", "bash1", "bash2", "Bash3", "bash10"]
