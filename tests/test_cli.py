"""The real `adventure` command: piped play, a pty, exit codes and messages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "tests" / "demo_story")
SCRIPT = Path(sys.executable).parent / "adventure"


def run(*args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], input=stdin.encode(), capture_output=True,
                          timeout=60, cwd=cwd)


def test_console_script_is_installed():
    assert SCRIPT.exists(), "install the project: pip install '.[test]'"


def test_piped_play_of_the_bundled_story(tmp_path):
    res = run(stdin="look\nquit\n", cwd=tmp_path)
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "> look" in out and "> quit" in out and "Goodbye." in out
    assert out.count("== ") >= 2  # the first scene, then looked at again
    # a player's game says nothing on stderr (authoring commands name their story there)
    assert res.stderr == b""


def test_piped_play_ends_at_end_of_input_with_zero():
    res = run("--story", DEMO, "--seed", "1", stdin="n\naft\n")
    assert res.returncode == 0
    out = res.stdout.decode()
    assert "== Dark corridor ==" in out and "== Engineering ==" in out


def test_piped_walkthrough_reaches_the_victory_ending():
    script = "1\n3\n1\n1\n4\n1\n1\n1\n4\n"
    res = run("play", "--story", DEMO, "--seed", "3", stdin=script)
    out = res.stdout.decode()
    assert res.returncode == 0
    assert "*** Home at last ***" in out and "You scored 15." in out


def test_python_dash_m_is_the_same_command():
    res = subprocess.run([sys.executable, "-m", "adventure", "--story", DEMO, "--seed", "1"],
                         input=b"n\n", capture_output=True, timeout=60, cwd=ROOT)
    assert res.returncode == 0 and b"== Dark corridor ==" in res.stdout


def test_invalid_utf8_and_control_characters_from_a_pipe():
    res = run("--story", DEMO, stdin="\xff\xfe look\n\x1b[31mx suit\x07\n")
    assert res.returncode == 0
    assert b"\x1b" not in res.stdout and b"\x07" not in res.stdout


def test_a_broken_story_exits_2_with_located_errors_and_no_traceback(tmp_path):
    (tmp_path / "a.yaml").write_text("story: {id: x, title: X, start: nowhere}\n"
                                     "scenes:\n  a: {title: A, txet: hi}\n")
    res = run("play", "--story", str(tmp_path))
    err = res.stderr.decode()
    assert res.returncode == 2
    assert f"{tmp_path}/a.yaml:1:" in err and "start scene 'nowhere' is not defined" in err
    assert f"{tmp_path}/a.yaml:3:17: error: unknown key 'txet'" in err
    assert "did you mean 'text'" in err
    assert f"{tmp_path}/a.yaml:3:6: error: missing 'text'" in err
    assert "Traceback" not in err and res.stdout == b""


def test_a_yaml_syntax_error_is_located(tmp_path):
    (tmp_path / "a.yaml").write_text("story:\n  id: x\n   title: bad indent\n")
    res = run("--story", str(tmp_path))
    assert res.returncode == 2
    assert f"{tmp_path}/a.yaml:3:" in res.stderr.decode()
    assert "YAML syntax" in res.stderr.decode()


def test_a_missing_story_directory_exits_2(tmp_path):
    res = run("--story", str(tmp_path / "nope"))
    assert res.returncode == 2 and "not a story directory" in res.stderr.decode()


def test_check_exits_0_when_clean_and_1_with_errors(tmp_path):
    ok = run("check", "--story", DEMO)
    assert ok.returncode == 0 and "No problems found." in ok.stdout.decode()
    (tmp_path / "a.yaml").write_text("story: {id: x, title: X, start: a}\nscenes: [oops\n")
    bad = run("check", "--story", str(tmp_path))
    assert bad.returncode == 1 and "YAML syntax" in bad.stdout.decode()


def test_check_of_the_bundled_story_is_clean():
    res = run("check")
    assert res.returncode == 0, res.stdout.decode() + res.stderr.decode()


@pytest.mark.parametrize("args", [["--help"], ["play", "--help"], ["check", "--help"]])
def test_help_explains_itself(args):
    res = run(*args)
    assert res.returncode == 0
    out = res.stdout.decode()
    assert "usage: adventure" in out and "--story" in out or "COMMAND" in out


def test_bad_usage_exits_2():
    res = run("play", "--seed", "many")
    assert res.returncode == 2 and "invalid int value" in res.stderr.decode()
    assert run("--no-such-option").returncode == 2


def test_piped_play_does_not_import_prompt_toolkit():
    code = ("import sys, io; sys.stdin = io.TextIOWrapper(io.BytesIO(b'look\\n'));"
            f"from adventure.cli import main; main(['--story', {DEMO!r}]);"
            "print('PTK' if any(m.startswith('prompt_toolkit') for m in sys.modules) else 'none',"
            " file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert res.stderr.decode().strip().endswith("none"), res.stderr.decode()


def test_version():
    res = run("--version")
    assert res.returncode == 0 and res.stdout.startswith(b"adventure ")
    # the engine the console script runs: what its interpreter imports, in the same
    # environment (-P: like a script, it does not look in the current folder)
    where = subprocess.run([sys.executable, "-P", "-c", "import adventure.engine.session as s; "
                            "print(s.__file__)"], capture_output=True, text=True,
                           check=True).stdout.strip()
    build = b"plain Python" if where.endswith(".py") else b"compiled"
    assert b"(engine: " + build in res.stdout, (where, res.stdout)


def test_plain_play_in_a_pty(tmp_path):
    env = dict(os.environ, TERM="xterm", ADVENTURE_SAVES=str(tmp_path))
    child = pexpect.spawn(str(SCRIPT), ["--plain", "--story", DEMO, "--seed", "1"], env=env,
                          encoding="utf-8", timeout=20, dimensions=(24, 80))
    try:
        child.expect("Go north")
        child.expect("> ")
        child.sendline("n")
        child.expect("Dark corridor")
        child.expect("> ")
        child.sendline("xyzzy")
        child.expect("isn't a command")
        child.expect("> ")
        child.sendline("quit")
        child.expect("Goodbye.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "\x1b[" not in child.before  # --plain: no colour, no cursor movement


def test_a_program_on_pipes_gets_each_turn_before_it_sends_the_next(tmp_path):
    """Output is held back only while more input is already waiting: a program that
    waits for each prompt over plain pipes (no terminal) is never left waiting."""
    from pexpect.popen_spawn import PopenSpawn

    child = PopenSpawn([str(SCRIPT), "--story", DEMO, "--seed", "1", "--new", "--saves",
                        str(tmp_path)], encoding="utf-8", timeout=20)
    child.expect("Go north")
    child.expect("> ")
    child.sendline("n")
    child.expect("Dark corridor")
    child.expect("> ")
    child.sendline("look")
    child.expect("Dark corridor")
    child.expect("> ")
    child.sendline("quit")
    child.expect("Goodbye.")
    child.expect(pexpect.EOF)
    assert child.wait() == 0


def test_a_batch_of_piped_lines_is_answered_in_order_and_journaled(tmp_path):
    lines = ["n", "look", "s", "look"] * 300 + ["quit"]
    res = run("--story", DEMO, "--seed", "1", "--new", "--saves", str(tmp_path), "--journal",
              stdin="\n".join(lines) + "\n")
    out = res.stdout.decode()
    assert res.returncode == 0 and "Goodbye." in out
    assert out.endswith("'adventure --continue' picks it up where you left it "
                        "('adventure saves' lists unfinished games).\n")
    echoed = [line[2:] for line in out.splitlines() if line.startswith("> ") and line[2:]]
    assert echoed == lines
    journal = next(tmp_path.glob("*.journal")).read_text().splitlines()
    assert len(journal) == 1 + len(lines) - 1  # the header, then each turn but 'quit'


def test_ctrl_c_in_the_plain_loop_exits_130(tmp_path):
    env = dict(os.environ, ADVENTURE_SAVES=str(tmp_path))
    # Ctrl-C as a terminal gives it: SIGINT at its default, whatever this test process
    # inherited (a process started with SIGINT ignored keeps ignoring it, by design)
    child = pexpect.spawn(str(SCRIPT), ["--plain", "--story", DEMO], encoding="utf-8",
                          timeout=20, env=env,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    child.expect("> ")
    # a turn first, so that the game is surely waiting in input() (the "> " above may be
    # the start of the prompt while the loop is still setting up) when Ctrl-C comes
    child.sendline("look")
    child.expect("> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


class _Pipe:
    """A text stream over bytes, as sys.stdin is over a pipe (read1 gives what arrived)."""

    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BufferedReader(io.BytesIO(data), buffer_size=8)

    def isatty(self) -> bool:
        return False


def test_the_line_reader_knows_when_a_whole_line_is_already_there():
    from adventure.play.plain import _Lines

    reader = _Lines(_Pipe(b"look\r\nx \xff padd\nlast without newline"))
    assert not reader.ready()  # nothing read yet: reading could wait
    assert reader.next() == "look"
    got = [reader.next() for _ in range(2)]
    assert got == ["x \ufffd padd", "last without newline"]
    assert reader.next() is None and reader.ready()  # at the end: nothing to wait for


def test_piped_output_is_the_same_text_through_a_utf8_buffer_or_any_other_stream(
        campaign_game):
    """Where stdout is UTF-8, play() writes bytes to its buffer, each paragraph encoded
    once; on any other stream it writes text. What a reader gets is the same."""
    import io

    from adventure.engine.session import Session
    from adventure.play.plain import play

    commands = "kira\nenter wormhole\nreroute power\napproach station\nsurrender\nairlock\nquit\n"

    def output(out) -> str:
        play(Session(campaign_game, seed=3), io.StringIO(commands), out)
        if isinstance(out, io.StringIO):
            return out.getvalue()
        out.flush()
        return out.buffer.getvalue().decode(out.encoding)

    as_text = output(io.StringIO())
    assert not as_text.isascii()  # the story's dashes and quotes
    assert output(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")) == as_text
    assert output(io.TextIOWrapper(io.BytesIO(), encoding="utf-16")) == as_text
    assert "Goodbye." in as_text and as_text.count("\n> ") == 7


def test_docs_cli_lists_every_option_of_every_subcommand():
    """docs/cli.md and --help say the same: each subcommand's row names all its options."""
    import argparse

    from adventure.cliparser import build_parser

    page = (ROOT / "docs" / "cli.md").read_text()
    import re

    cells = [re.split(r"(?<!\\)\|", line) for line in page.splitlines()
             if line.startswith("| `")]
    rows = {c[1].strip().strip("`").split()[0]: c[3] for c in cells if len(c) == 5}
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) <= set(rows)
    for name, parser in sub.choices.items():
        for action in parser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in rows[name] or f"/ `{flag}" in rows[name], (name, flag)


def test_check_of_a_missing_folder_exits_2_as_every_command_does(tmp_path):
    missing = str(tmp_path / "nowhere")
    for command in ("check", "play", "test", "graph"):
        res = run(command, "--story", missing)
        assert res.returncode == 2, (command, res.stderr.decode())
        assert b"Traceback" not in res.stderr


def test_a_long_path_in_a_message_is_never_cut_by_wrapping():
    from adventure.engine.result import Result, Status
    from adventure.engine.state import GameState
    from adventure.play.plain import blocks

    path = "/home/someone/.local/share/terok-nor/saves/transcript-terok-nor-20261201.txt"
    result = Result([("system", f"Writing a transcript to {path}."), ("system", "one\ntwo")],
                    [], Status("s", "S", "", 0, None, None), GameState("s", {}))
    out = blocks(result, 40)
    assert any(line == f"{path}." for line in out[0].split("\n")), out
    assert out[1] == "one\ntwo"  # a list keeps its lines
