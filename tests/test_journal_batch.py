"""A piped game writes its journal a batch at a time, just before the batch's output
(journal.Journal.hold): killed at any moment, its journal holds every turn whose output
was written, and every turn once the input ends."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import DEMO

from adventure.engine.state import LogEntry
from adventure.play.journal import Journal, read_journal
from adventure.play.saves import JOURNAL_SUFFIX
from adventure.story.loader import load_story

SCRIPT = Path(sys.executable).parent / "adventure"
PROMPT = b"\n> "


def _start(saves: Path) -> subprocess.Popen:
    return subprocess.Popen([str(SCRIPT), "--story", str(DEMO), "--new", "--journal",
                             "--saves", str(saves), "--seed", "1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)


def _read_prompts(proc: subprocess.Popen, seen: bytearray, prompts: int) -> None:
    """Read the game's output until it has shown `prompts` prompts in all."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + 60
    while seen.count(PROMPT) < prompts:
        left = deadline - time.monotonic()
        assert left > 0, f"no prompt {prompts} within a minute: {bytes(seen[-300:])!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            assert chunk, f"the game ended early: {bytes(seen[-300:])!r}"
            seen += chunk


def _journal_log(saves: Path) -> list[str]:
    files = list(saves.glob(f"*{JOURNAL_SUFFIX}"))
    assert len(files) == 1, files
    info = read_journal(files[0])
    assert info is not None
    return [e.command for e in info.log]


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    proc.stdout.close()


def test_a_program_waiting_for_each_turn_finds_each_in_the_journal(tmp_path):
    proc = _start(tmp_path)
    assert proc.stdin is not None
    seen = bytearray()
    _read_prompts(proc, seen, 1)
    for i in range(1, 4):
        proc.stdin.write(b"z\n")
        proc.stdin.flush()
        _read_prompts(proc, seen, 1 + i)
        # the turn's output has arrived: the journal holds it, whatever happens next
        assert _journal_log(tmp_path) == ["z"] * i
    _kill(proc)
    assert _journal_log(tmp_path) == ["z"] * 3


def test_a_batch_killed_after_its_output_is_all_in_the_journal(tmp_path):
    proc = _start(tmp_path)
    assert proc.stdin is not None
    seen = bytearray()
    proc.stdin.write(b"z\n" * 50)  # one batch: a pipe that delivered every line at once
    proc.stdin.flush()
    _read_prompts(proc, seen, 51)
    _kill(proc)  # the input is still open: the game was waiting for more
    assert _journal_log(tmp_path) == ["z"] * 50


def test_the_end_of_input_leaves_every_turn_in_the_journal(tmp_path):
    lines = ["z", "look", "inventory", "n", "z"] * 20
    done = subprocess.run([str(SCRIPT), "--story", str(DEMO), "--new", "--journal", "--saves",
                           str(tmp_path), "--seed", "1"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0
    logged = _journal_log(tmp_path)
    assert logged and set(logged) <= set(lines)
    # the game kept as many turns as it logged in the journal: 'adventure --continue'
    # is offered the game where the input left it
    assert len(logged) >= len([x for x in lines if x in ("z", "n")])


def test_turns_held_back_are_written_by_flush_sync_and_close(tmp_path):
    story = load_story(DEMO)
    journal = Journal.start(tmp_path, story, 1)
    journal.hold = True
    journal.append(LogEntry("z", "builtin:wait"), 1)
    assert _journal_log(tmp_path) == []  # held back
    journal.flush()
    assert _journal_log(tmp_path) == ["z"]
    journal.append(LogEntry("look", "builtin:look"), 1)
    journal.sync()
    assert _journal_log(tmp_path) == ["z", "look"]
    journal.append(LogEntry("wait", "builtin:wait"), 2)
    journal.close()
    assert _journal_log(tmp_path) == ["z", "look", "wait"]


def test_a_rewrite_drops_what_it_held_back_the_log_has_it(tmp_path):
    story = load_story(DEMO)
    journal = Journal.start(tmp_path, story, 1)
    journal.hold = True
    entries = [LogEntry("z", "builtin:wait"), LogEntry("n", "exit:bridge:north")]
    for i, e in enumerate(entries, 1):
        journal.append(e, i)
    journal.rewrite(story, 1, entries[:1], 1)  # an undo of the second
    journal.close()
    assert _journal_log(tmp_path) == ["z"]


def test_a_failed_batch_stops_the_journal_before_it(tmp_path):
    story = load_story(DEMO)
    journal = Journal.start(tmp_path, story, 1)
    journal.hold = True
    journal.append(LogEntry("z", "builtin:wait"), 1)
    journal.flush()
    fd = journal.fd
    journal.fd = os.open(os.devnull, os.O_RDONLY)  # writes fail from here
    journal.append(LogEntry("look", "builtin:look"), 1)
    journal.flush()
    assert journal.failed
    os.close(journal.fd)
    journal.fd = fd
    journal.append(LogEntry("wait", "builtin:wait"), 2)  # no gap: nothing after the failure
    journal.close()
    assert _journal_log(tmp_path) == ["z"]
