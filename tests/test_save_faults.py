"""Saves and journals under faults: killed processes, failed writes, torn files, races."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adventure.engine.session import Session
from adventure.play import journal, saves
from adventure.play.journal import read_journal
from adventure.play.replay import FileStore, load_save
from adventure.play.saves import JOURNAL_SUFFIX, list_saves

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "tests" / "demo_story")
SCRIPT = Path(sys.executable).parent / "adventure"
TIMEOUT = 15.0  # seconds to wait for a marker; only reached when something is wrong


def _env(hook: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ADVENTURE_SAVE_HOOK", None)
    env.pop("NO_COLOR", None)
    if hook is not None:
        env["ADVENTURE_SAVE_HOOK"] = hook
    return env


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), "--story", DEMO, *args], input=stdin.encode(),
                          capture_output=True, timeout=60, env=_env())


class Child:
    """A game running in the background, read until a marker appears (never a fixed sleep)."""

    def __init__(self, *args: str, hook: str | None = None):
        self.proc = subprocess.Popen(
            [str(SCRIPT), "--story", DEMO, *args], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(hook))
        self.bufs = {"stdout": b"", "stderr": b""}
        self.pos = {"stdout": 0, "stderr": 0}

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def expect(self, marker: str, stream: str = "stdout") -> str:
        """Read `stream` until `marker` appears after what was already expected;
        return the text from there up to and including the marker."""
        pipe = getattr(self.proc, stream)
        needle = marker.encode()
        deadline = time.monotonic() + TIMEOUT
        while True:
            found = self.bufs[stream].find(needle, self.pos[stream])
            if found >= 0:
                start, self.pos[stream] = self.pos[stream], found + len(needle)
                return self.bufs[stream][start:self.pos[stream]].decode()
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {marker!r} on {stream}; "
                                     f"got {self.bufs[stream][self.pos[stream]:]!r}")
            ready, _, _ = select.select([pipe], [], [], left)
            if ready:
                chunk = os.read(pipe.fileno(), 65536)
                if not chunk:
                    raise AssertionError(
                        f"{stream} closed before {marker!r} (exit {self.proc.poll()}); "
                        f"stderr: {self.bufs['stderr']!r}; got "
                        f"{self.bufs[stream][self.pos[stream]:]!r}")
                self.bufs[stream] += chunk

    def turn(self, command: str) -> str:
        """Play one command and return what the game answered, up to the next prompt."""
        self.send(command + "\n")
        return self.expect("\n> ")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                with contextlib.suppress(BrokenPipeError):
                    pipe.close()


def journals(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{JOURNAL_SUFFIX}"))


# -- 1. killed while saving ------------------------------------------------------------

@pytest.mark.parametrize("step, turn, scene", [
    ("written", 1, "corridor"),
    ("flushed", 1, "corridor"),
    ("renamed", 2, "engineering"),
])
def test_a_process_killed_while_saving_leaves_a_readable_save(tmp_path, demo_game, step,
                                                              turn, scene):
    made = run("--saves", str(tmp_path), "--seed", "1", stdin="n\nsave slot\n")
    assert made.returncode == 0, made.stderr.decode()
    assert "Saved as 'slot' (turn 1)" in made.stdout.decode()
    slot = tmp_path / "slot.save.json"

    child = Child("--journal", "--saves", str(tmp_path), "--seed", "1", "--new", hook=step)
    try:
        child.send("n\naft\nsave slot\n")
        child.expect(f"save hook: {step}", stream="stderr")
        os.kill(child.proc.pid, signal.SIGKILL)
    finally:
        child.kill()
    assert child.proc.returncode == -signal.SIGKILL

    state, log, _ = load_save(demo_game, slot)
    assert (state.turn, state.scene) == (turn, scene)
    assert [e.command for e in log] == (["n"] if turn == 1 else ["n", "aft"])
    listed = list_saves(tmp_path)
    assert [(s.name, s.turn, s.problem) for s in listed] == [("slot", turn, "")]
    for leftover in tmp_path.glob("*.tmp"):  # a killed save may leave one; it must be hidden
        assert leftover.name.startswith("."), leftover.name
    # the slot is also what the command line loads
    res = run("--saves", str(tmp_path), "--load", "slot", stdin="look\n")
    assert res.returncode == 0, res.stderr.decode()
    assert f"Restored: turn {turn}" in res.stdout.decode()


# -- 2. killed between turns -----------------------------------------------------------

def test_a_process_killed_between_turns_loses_no_finished_turn(tmp_path):
    child = Child("--journal", "--saves", str(tmp_path), "--seed", "1", "--new")
    try:
        child.expect("\n> ")
        assert "== Dark corridor ==" in child.turn("n")
        assert "== Engineering ==" in child.turn("aft")
        os.kill(child.proc.pid, signal.SIGKILL)
    finally:
        child.kill()
    assert child.proc.returncode == -signal.SIGKILL

    res = run("--saves", str(tmp_path), "--continue", stdin="look\n")
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "Continuing your game at turn 2." in out
    assert "== Engineering ==" in out.split("> look")[0]  # before the look, too
    assert "no unfinished game" not in res.stderr.decode()


# -- 3. two games at once ---------------------------------------------------------------

def test_two_games_at_once_never_write_into_each_others_journal(tmp_path):
    a_cmds = ["n", "aft", "take spanner", "fore"]
    b_cmds = ["look", "x suit", "take suit", "wait"]
    a = Child("--journal", "--saves", str(tmp_path), "--seed", "1", "--new")
    b = None
    try:
        a.expect("\n> ")
        b = Child("--journal", "--saves", str(tmp_path), "--seed", "2", "--new")
        b.expect("\n> ")
        for ca, cb in zip(a_cmds, b_cmds, strict=True):
            a.turn(ca)
            b.turn(cb)
        os.kill(a.proc.pid, signal.SIGKILL)
        os.kill(b.proc.pid, signal.SIGKILL)
    finally:
        a.kill()
        if b is not None:
            b.kill()

    found = journals(tmp_path)
    assert len(found) == 2, found
    infos = [read_journal(p) for p in found]
    assert all(i is not None for i in infos)
    by_seed = {i.seed: [e.command for e in i.log] for i in infos if i is not None}
    assert by_seed == {1: a_cmds, 2: b_cmds}
    for path in found:  # every line whole: no interleaved or torn writes
        lines = path.read_text().splitlines()
        assert len(lines) == 1 + 4
        assert all(line.startswith(("{", "[")) and line.endswith(("}", "]")) for line in lines)


# -- 4. a failed write ---------------------------------------------------------------------

class _FaultyOs:
    """`os` as adventure.play.saves sees it, with one call failing as a full disk does."""

    def __init__(self, fail: str):
        self.fail = fail
        self.calls = 0

    def __getattr__(self, name):
        return getattr(os, name)

    def _full(self):
        self.calls += 1
        return OSError(errno.ENOSPC, "No space left on device")

    def write(self, fd, data):
        if self.fail != "write":
            return os.write(fd, data)
        if self.calls == 0:  # a first short write gets through, then the disk is full
            self.calls += 1
            return os.write(fd, bytes(data[:100]))
        raise self._full()

    def fsync(self, fd):
        if self.fail == "fsync":
            raise self._full()
        return os.fsync(fd)

    def replace(self, src, dst):
        if self.fail == "replace":
            raise self._full()
        return os.replace(src, dst)


@pytest.mark.parametrize("fail", ["write", "fsync", "replace"])
def test_a_failed_write_leaves_the_previous_save_intact(tmp_path, demo_game, monkeypatch, fail):
    session = Session(demo_game, seed=1, store=FileStore(tmp_path, demo_game))
    session.submit("n")
    assert "Saved as 'slot'" in session.submit("save slot").text
    slot = tmp_path / "slot.save.json"
    before = slot.read_bytes()
    session.submit("aft")

    faulty = _FaultyOs(fail)
    monkeypatch.setattr(saves, "os", faulty)
    result = session.submit("save slot")
    monkeypatch.undo()

    assert faulty.calls >= 1, "the fault was never reached"
    assert "No space left on device" in result.text and "untouched" in result.text
    assert result.paragraphs[0][0] == "error"
    assert slot.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slot.save.json"]
    # the game goes on, and saving works again once the disk has room
    assert session.state.turn == 2
    assert ("title", "Dark corridor") in session.submit("fore").paragraphs
    assert session.state.turn == 3
    assert "Saved as 'slot' (turn 3)" in session.submit("save slot").text
    state, _, _ = load_save(demo_game, slot)
    assert (state.turn, state.scene) == (3, "corridor")


def test_a_saves_directory_that_is_a_file_is_a_clean_error(tmp_path, demo_game):
    not_a_dir = tmp_path / "saves"
    not_a_dir.write_text("not a directory\n")
    session = Session(demo_game, seed=1, store=FileStore(not_a_dir, demo_game))
    session.submit("n")
    result = session.submit("save slot")
    assert result.paragraphs[0][0] == "error"
    assert "Could not save" in result.text and "untouched" in result.text
    assert not_a_dir.read_text() == "not a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["saves"]
    assert ("title", "Engineering") in session.submit("aft").paragraphs
    assert session.state.turn == 2


def test_the_command_line_plays_on_when_the_saves_directory_is_a_file(tmp_path):
    not_a_dir = tmp_path / "saves"
    not_a_dir.write_text("x")
    res = run("--saves", str(not_a_dir), "--seed", "1", stdin="save slot\nn\n")
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "Could not save" in out and "== Dark corridor ==" in out
    assert "Traceback" not in res.stderr.decode()


# -- 5. a missing saves directory ------------------------------------------------------------

def test_a_missing_saves_directory_is_created_on_first_save(tmp_path, demo_game):
    directory = tmp_path / "not" / "yet" / "there"
    session = Session(demo_game, seed=1, store=FileStore(directory, demo_game))
    session.submit("n")
    assert not directory.exists()
    assert "Saved as 'slot' (turn 1)" in session.submit("save slot").text
    assert directory.is_dir()
    state, _, _ = load_save(demo_game, directory / "slot.save.json")
    assert (state.turn, state.scene) == (1, "corridor")


def test_the_command_line_creates_a_missing_saves_directory(tmp_path):
    directory = tmp_path / "fresh" / "saves"
    res = run("--saves", str(directory), "--seed", "1", stdin="n\nsave slot\n")
    assert res.returncode == 0, res.stderr.decode()
    assert "Saved as 'slot' (turn 1)" in res.stdout.decode()
    assert [s.name for s in list_saves(directory)] == ["slot"]


# -- 6. a torn journal ------------------------------------------------------------------------

def _torn_journal(directory: Path) -> Path:
    res = run("--journal", "--saves", str(directory), "--seed", "1", "--new", stdin="n\naft\n")
    assert res.returncode == 0, res.stderr.decode()
    [journal] = journals(directory)
    with open(journal, "a", encoding="utf-8") as f:
        f.write('["take span')  # the process died in the middle of this turn's line
    return journal


def test_a_torn_journal_continues_from_the_last_complete_turn(tmp_path):
    journal = _torn_journal(tmp_path)
    info = read_journal(journal)
    assert info is not None and [e.command for e in info.log] == ["n", "aft"]

    res = run("--saves", str(tmp_path), "--continue", stdin="look\n")
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "Continuing your game at turn 2." in out
    assert "== Engineering ==" in out


def test_turns_played_after_continuing_a_torn_journal_are_kept(tmp_path):
    _torn_journal(tmp_path)
    first = run("--saves", str(tmp_path), "--continue", stdin="take spanner\n")
    assert "Taken." in first.stdout.decode()

    res = run("--saves", str(tmp_path), "--continue", stdin="inventory\n")
    out = res.stdout.decode()
    assert "Continuing your game at turn 3." in out
    assert "spanner" in out.split("> inventory")[1]


def test_two_games_saving_to_the_same_slot_at_once_leave_one_complete_save(tmp_path):
    import subprocess as sp
    script = ("n\n" + "save same\nz\n" * 15).encode()
    procs = [sp.Popen([str(SCRIPT), "--story", str(DEMO), "--saves", str(tmp_path), "--seed",
                       str(seed), "--new"], stdin=sp.PIPE, stdout=sp.DEVNULL, stderr=sp.PIPE)
             for seed in (1, 2)]
    try:
        for p in procs:
            p.stdin.write(script)
            p.stdin.close()
        for p in procs:
            assert p.wait(timeout=60) == 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    from adventure.engine.session import Game
    from adventure.play.replay import load_save
    from adventure.story.loader import load_story
    state, log, _ = load_save(Game(load_story(DEMO)), tmp_path / "same.save.json")
    assert state.seed in (1, 2) and state.scene == "corridor"
    assert not list(tmp_path.glob(".same.save.json.*.tmp"))


@given(st.text(), st.text())
def test_a_journal_turn_is_the_json_line_of_its_entry(tmp_path_factory, command, resolved):
    """Journal.append writes each turn without the generic encoder: the line must be
    exactly the one it would write, for any text (quotes, controls, astral characters)."""
    import json

    from adventure.engine.state import LogEntry

    path = tmp_path_factory.mktemp("j") / "t.journal"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        journal.Journal(path, fd).append(LogEntry(command, resolved))
    finally:
        os.close(fd)
    line = path.read_bytes().decode("utf-8")
    assert line == json.dumps([command, resolved], ensure_ascii=False) + "\n"
    assert json.loads(line) == [command, resolved]


@functools.cache
def _own_demo_story():
    """A demo story of this test's own, whose id and fingerprint it may change."""
    from adventure.story.loader import load_story

    return load_story(DEMO)


@given(st.text(), st.text(), st.integers(min_value=0, max_value=2**64 - 1))
def test_a_journal_header_is_the_json_line_of_its_header(tmp_path_factory, story_id,
                                                         fingerprint, seed):
    """A journal's header is written (at every restart) without the generic encoder: the
    line must be exactly json.dumps of Journal.header, for any story id and fingerprint."""
    import json

    story = _own_demo_story()
    story.id, story.fingerprint = story_id, fingerprint
    path = tmp_path_factory.mktemp("j") / "t.journal"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        journal.Journal(path, fd)._write_all(story, seed, [])
    finally:
        os.close(fd)
    line = path.read_bytes().decode("utf-8")
    head = json.loads(line)
    assert line == json.dumps(journal.Journal.header(story, seed) | {"started": head["started"]}
                              ) + "\n"
    assert (head["story"], head["fingerprint"], head["seed"]) == (story_id, fingerprint, seed)
