"""The prompt_toolkit REPL: headless with pipe input, and for real in a pty."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from adventure.engine.session import Session
from adventure.play.repl import Repl

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "tests" / "demo_story")
SCRIPT = Path(sys.executable).parent / "adventure"


def run_repl(game, keys: str, history: Path | None = None) -> tuple[int, str, Session]:
    buf = io.StringIO()
    with create_pipe_input() as inp:
        inp.send_text(keys)
        with create_app_session(input=inp, output=PlainTextOutput(buf)):
            session = Session(game, seed=1)
            code = Repl(session, history_file=history).run()
    return code, buf.getvalue(), session


def test_commands_reach_the_session_and_ctrl_d_leaves(demo_game):
    code, out, session = run_repl(demo_game, "n\raft\r\x04")
    assert code == 0
    assert session.state.scene == "engineering"
    assert "Dark corridor" in out and "Engineering" in out and "Goodbye." in out


def test_first_screen_says_how_to_play_in_two_lines(demo_game):
    _, out, _ = run_repl(demo_game, "\x04")
    lines = out.splitlines()
    assert lines[0].startswith("Type a number to choose")
    assert "help" in lines[1] and "hint" in lines[1]


def test_quit_command_ends_the_loop(demo_game):
    code, out, session = run_repl(demo_game, "quit\rlook\r")
    assert code == 0 and "Goodbye." in out and session.log == []  # quit is not a turn


def test_ctrl_c_cancels_the_line_not_the_game(demo_game):
    code, out, session = run_repl(demo_game, "xyz\x03n\r\x04")
    assert code == 0 and session.state.scene == "corridor"
    assert [e.command for e in session.log] == ["n"]


def test_history_is_kept_across_sessions(demo_game, tmp_path):
    hist = tmp_path / "history.txt"
    run_repl(demo_game, "n\r\x04", history=hist)
    assert "+n" in hist.read_text()
    # Up arrow recalls the line typed in the previous session.
    _, _, session = run_repl(demo_game, "\x1b[A\r\x04", history=hist)
    assert [e.command for e in session.log] == ["n"] and session.state.scene == "corridor"


def test_completion_offers_commands_nouns_exits_and_numbers(demo_game):
    session = Session(demo_game, seed=1)
    offered = dict(demo_game.suggestions(session.state))
    assert offered["1"] == "1) Go north (Dark corridor)"
    assert "examine pressure suit" in offered and "take pressure suit" in offered
    assert "north" in offered and "go to dark corridor" in offered
    session.submit("n")
    offered = dict(demo_game.suggestions(session.state))
    assert "search walls" in offered
    assert "open grille" not in offered  # hidden actions are never suggested


def test_text_from_a_story_cannot_send_escape_sequences(tmp_path):
    (tmp_path / "s.yaml").write_text(
        'story: {id: t, title: T, start: a}\n'
        'scenes:\n  a: {title: "A\\e[2J", text: "Hi \\e]0;pwned\\a there."}\n')
    from adventure.engine.session import Game
    from adventure.story.loader import load_story
    _, out, _ = run_repl(Game(load_story(tmp_path)), "\x04")
    # the whole OSC sequence goes, its parameters too (docs/security.md)
    assert "\x1b" not in out and "\x07" not in out and "Hi  there." in out
    assert "pwned" not in out


# -- a real terminal ----------------------------------------------------------------

class Terminal:
    """A pty running `adventure` that answers cursor-position requests like a real terminal."""

    def __init__(self, tmp_path, *args, cols=80, **env):
        environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        environment.update(TERM="xterm", ADVENTURE_SAVES=str(tmp_path), **env)
        self.child = pexpect.spawn(str(SCRIPT), ["--story", DEMO, "--seed", "1", *args],
                                   env=environment, encoding="utf-8", timeout=20,
                                   dimensions=(30, cols))
        self.seen = ""

    def expect(self, pattern) -> None:
        while True:
            i = self.child.expect([pattern, "\x1b\\[6n"])
            after = self.child.after if isinstance(self.child.after, str) else ""
            self.seen += self.child.before + (after if i == 0 else "")
            if i == 0:
                return
            self.child.send("\x1b[1;1R")

    def leave(self) -> None:
        """Ctrl-D until the game says goodbye: a key sent while prompt_toolkit is still
        waiting for its cursor-position answer can be dropped, so try up to three times."""
        for _ in range(3):
            self.child.sendeof()
            if self.child.expect(["Goodbye.", "\x1b\\[6n", pexpect.TIMEOUT], timeout=5) == 0:
                return
            self.child.send("\x1b[1;1R")
        raise AssertionError("the game did not leave on Ctrl-D")

    def __getattr__(self, name):
        return getattr(self.child, name)


def spawn(tmp_path, *args, cols=80, **env) -> Terminal:
    return Terminal(tmp_path, *args, cols=cols, **env)


def test_pty_prompt_toolbar_tab_history_ctrl_c_and_ctrl_d(tmp_path):
    child = spawn(tmp_path)
    try:
        child.expect("Airlock · Aboard · turn 0 · score 0/20")  # the bottom toolbar
        child.sendline("n")
        child.expect("Dark corridor · Aboard · turn 1")
        child.send("sea\t")
        # the completion, however it is painted: on a busy machine "sea" can be drawn
        # before the Tab is read, and then only "rch walls" is written after it
        child.expect("(?:\x1b\\[[0-9;?]*[A-Za-z])*".join(["s", "e", "a", "rch walls"]))
        child.send("\r")
        child.expect("loose grille")
        child.expect("turn 2")
        child.send("nonsense")
        child.sendintr()  # Ctrl-C drops the line
        child.expect("turn 2")
        child.send("\x1b[A")  # history: the last command comes back
        child.expect("search walls")
        child.send("\x15")  # Ctrl-U clears it
        child.sendeof()  # Ctrl-D leaves, after asking: the game is unsaved
        child.expect("Leave without saving?")
        child.send("n\r")
        child.expect("turn 2")  # still playing
        child.sendline("")
        child.expect("Say what you want to do")
        child.expect("turn 2")
        child.sendline("save first")
        child.expect("Saved as 'first'")
        child.expect("turn 2")  # the next prompt is up
        child.leave()  # saved: no question
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.child.exitstatus == 0
    assert "+search walls" in (tmp_path / "history.txt").read_text()


def test_pty_forty_columns_wraps_text(tmp_path):
    child = spawn(tmp_path, cols=40)
    try:
        child.expect("turn 0")
        child.sendline("help")
        child.expect("choices")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.child.exitstatus == 0
    assert_fits(child.seen, 40)


def assert_fits(text: str, cols: int) -> None:
    lines = [ln for ln in text.replace("\r", "").splitlines() if "\x1b" not in ln]
    assert len(lines) > 10
    for line in lines:
        assert len(line) <= cols, line


def test_pty_resized_terminal_rewraps_the_next_output(tmp_path):
    child = spawn(tmp_path, cols=100)
    try:
        child.expect("turn 0")
        child.child.setwinsize(30, 44)
        child.seen = ""
        child.sendline("look")  # takes no turn: wait for its text, then the toolbar
        child.expect("cramped")
        child.expect("turn 0")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert "You stand in a cramped airlock." in child.seen
    assert_fits(child.seen, 44)


@pytest.mark.parametrize("how", ["--plain", "NO_COLOR"])
def test_pty_plain_and_no_color_have_no_escape_codes(tmp_path, how):
    args = ("--plain",) if how == "--plain" else ()
    env = {"NO_COLOR": "1"} if how == "NO_COLOR" else {}
    child = spawn(tmp_path, *args, **env)
    ready = "> " if how == "--plain" else "turn 0"
    try:
        child.expect(ready)
        child.sendline("n")
        child.expect("Dark corridor")
        child.expect("> " if how == "--plain" else "turn 1")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.child.exitstatus == 0
    if how == "--plain":
        assert "\x1b" not in child.seen
    else:  # NO_COLOR takes the colour away, and nothing else: the REPL and its toolbar stay
        assert "Dark corridor · Aboard · turn 1" in child.seen
        assert not COLOUR.search(child.seen), COLOUR.search(child.seen)


# An SGR sequence that sets a foreground or background colour (8, 16, 256 or true colour).
COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;\d+)*m")


def test_pty_plain_keeps_line_editing_and_history(tmp_path):
    child = spawn(tmp_path, "--plain", "--saves", str(tmp_path))
    try:
        child.expect("> ")
        child.sendline("n")
        child.expect("Dark corridor")
        child.expect("> ")
        child.send("\x1b[A")  # Up: the last line again, to edit
        child.send("\x7f\x7fs\r")  # backspace over "n", then "s"
        child.expect("Airlock")
        child.expect("> ")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    # Up was read as a key, not echoed; only the edited line itself was redrawn
    assert "^[[A" not in child.seen
    assert "\x1b" not in child.seen.split("> n", 1)[0]
    # the history is kept for the next game
    assert (tmp_path / "history-plain.txt").read_text().split()[-3:] == ["n", "s", "quit"]


def test_pty_offers_to_continue_an_unfinished_game(tmp_path):
    import subprocess
    subprocess.run([str(SCRIPT), "--story", DEMO, "--saves", str(tmp_path), "--seed", "1",
                    "--journal"], input=b"n\naft\n", capture_output=True, timeout=60, check=True)
    child = spawn(tmp_path, "--saves", str(tmp_path))
    try:
        child.expect("unfinished game")
        child.expect("Continue it")
        child.send("y\r")
        child.expect("Continuing your game at turn 2")
        child.expect("Engineering · Aboard · turn 2")
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    # --new does not ask
    child = spawn(tmp_path, "--saves", str(tmp_path), "--new")
    try:
        child.expect("Airlock · Aboard · turn 0")
        assert "unfinished game" not in child.seen
        child.sendline("quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()


def test_piped_play_never_asks_to_continue(tmp_path):
    import subprocess
    args = [str(SCRIPT), "--story", DEMO, "--saves", str(tmp_path), "--seed", "1"]
    subprocess.run(args + ["--journal"], input=b"n\n", capture_output=True, timeout=60,
                   check=True)
    res = subprocess.run(args, input=b"look\n", capture_output=True, timeout=60)
    assert b"unfinished" not in res.stdout and b"== Airlock ==" in res.stdout
    res = subprocess.run(args + ["--continue"], input=b"look\n", capture_output=True,
                         timeout=60)
    assert b"Continuing your game at turn 1" in res.stdout


@pytest.mark.parametrize("width", [24, 40, 60, 80, 120])
def test_the_status_line_fits_and_keeps_turn_and_score_whole(width):
    from adventure.play.repl import fit_status

    text = fit_status("The Intendant's Private Audience Chamber", "Rebellion", "turn 168",
                      "score 45/50", width)
    assert len(text) <= width
    assert "168" in text and "45/50" in text
    if width >= 60:
        assert "turn 168 · score 45/50" in text
    if width >= 80:
        assert text.strip().startswith("The Intendant's Private Audience Chamber")
