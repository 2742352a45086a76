"""The start's own reader of common `play` command lines agrees with argparse's parser:
whatever it accepts, argparse reads the same way; whatever it is unsure of it declines."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.cliparser import build_parser
from adventure.play.quickargs import quick_play_args

FLAGS = ["--new", "--plain", "--journal", "--watch", "--story", "--saves", "--seed", "--load",
         "--continue", "--at", "--set", "--give", "--sto", "--help", "-h", "--", "play",
         "check", "--story=", "--seed=", "--saves="]
VALUES = ["dir", "-x", "", "12", "1_000", " 7", "-3", "x=y", "some dir", "quit", "ém"]


def argparse_reading(argv: list[str]) -> dict | None:
    """argparse's namespace for `play argv` as a dict, or None where it exits."""
    args = list(argv)
    if not args or args[0] not in ("play", "check", "-h", "--help"):
        args.insert(0, "play")
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return vars(build_parser().parse_args(args))
    except SystemExit:
        return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FLAGS), st.sampled_from(VALUES),
                          st.builds(lambda f, v: f + "=" + v, st.sampled_from(FLAGS),
                                    st.sampled_from(VALUES))), max_size=6))
def test_what_the_quick_reader_accepts_argparse_reads_the_same(argv):
    quick = quick_play_args(argv)
    if quick is None:
        return  # argparse reads it (and says what is wrong)
    expected = argparse_reading(argv)
    assert expected is not None, argv
    # a folder is read as str(Path(...)) would write it: a start does not import pathlib
    assert vars(quick) == {k: str(v) if isinstance(v, Path) else v for k, v in expected.items()}


def test_the_common_starts_are_read_without_argparse():
    for argv in ([], ["--new"], ["play", "--story", "s", "--saves", "d", "--new"],
                 ["--seed", "4", "--plain"], ["--load=slot"], ["--journal", "--watch"]):
        assert quick_play_args(argv) is not None, argv


def test_unsure_lines_are_left_to_argparse():
    for argv in (["--help"], ["--sto", "x"], ["--story"], ["--story", "-x"], ["--new", "--load",
                 "x"], ["--continue"], ["--at", "s"], ["--seed", "x"], ["check"]):
        assert quick_play_args(argv) is None, argv


def test_a_plain_start_imports_neither_argparse_nor_the_whole_parser(tmp_path):
    """What the quick reader is for: a piped start of the game does not import argparse."""
    code = ("import sys; sys.argv = ['adventure', '--new', '--saves', sys.argv[1]]\n"
            "from adventure.cli import main\n"
            "code = main()\n"
            "print('argparse' in sys.modules, 'adventure.cliparser' in sys.modules, code)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], input="quit\n",
                         capture_output=True, text=True, timeout=60).stdout
    assert out.splitlines()[-1] == "False False 0", out
