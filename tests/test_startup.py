"""A start does only what its first prompt needs: the command pip installs is our own
launcher, and a piped game of a cached story imports none of the heavy standard modules
(re, pathlib, json, pickle.py...) that a start used to import before it could answer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import adventure

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "benchmarks" / "peer_story"
# the folder the engine in use is imported from (the checkout, or site-packages), then the
# dependencies' (a first start reads YAML)
IMPORT_PATH = os.pathsep.join([str(Path(adventure.__file__).resolve().parent.parent),
                               sysconfig.get_paths()["purelib"],
                               sysconfig.get_paths()["platlib"]])
SCRIPT = Path(sys.executable).parent / "adventure"
HEAVY = ("re", "pathlib", "json", "pickle", "textwrap", "argparse", "contextlib", "yaml",
         "transitions", "urllib.parse", "struct", "enum", "collections", "functools",
         "operator", "collections.abc")

PIPED_START = """
import sys
before = set(sys.modules)
from adventure.cli import main
sys.argv = ["adventure", *sys.argv[1:]]
code = main()
new = set(sys.modules) - before
sys.stderr.write("IMPORTED " + " ".join(sorted(new)) + "\\n")
sys.exit(code)
"""


def _imported_by_a_piped_start(tmp_path: Path, story: Path, line: str = "quit") -> set[str]:
    # -S: no site, so nothing (an editable install's finder imports pathlib and re) is
    # loaded before the game; the engine comes from where this suite imports it
    env = {**os.environ, "PYTHONPATH": IMPORT_PATH, "ADVENTURE_CACHE": str(tmp_path / "cache")}
    res = subprocess.run([sys.executable, "-S", "-c", PIPED_START, "--story", str(story),
                          "--new", "--saves", str(tmp_path / "saves")],
                         input=line + "\n", capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Goodbye" in res.stdout or line != "quit", res.stdout
    found = [x for x in res.stderr.splitlines() if x.startswith("IMPORTED ")]
    return set(found[-1].split()[1:])


def test_a_piped_start_of_a_cached_story_imports_nothing_heavy(tmp_path):
    story = tmp_path / "story"
    shutil.copytree(PEER, story)
    first = _imported_by_a_piped_start(tmp_path, story)  # a miss: reads YAML, writes the cache
    assert "yaml" in first
    again = _imported_by_a_piped_start(tmp_path, story)
    assert not again & set(HEAVY), sorted(again & set(HEAVY))
    assert "adventure.story.loader" not in again  # the story came from the cache


def test_the_campaigns_piped_start_imports_nothing_heavy_either(tmp_path):
    _imported_by_a_piped_start(tmp_path, ROOT / "story")
    again = _imported_by_a_piped_start(tmp_path, ROOT / "story")
    assert not again & set(HEAVY), sorted(again & set(HEAVY))


def test_a_command_that_needs_an_expression_still_gets_one(tmp_path):
    """re is imported at its first use: a line of several commands, non-ASCII words."""
    story = tmp_path / "story"
    shutil.copytree(PEER, story)
    _imported_by_a_piped_start(tmp_path, story)
    env = {**os.environ, "ADVENTURE_CACHE": str(tmp_path / "cache")}
    res = subprocess.run([sys.executable, "-m", "adventure", "--story", str(story), "--new",
                          "--saves", str(tmp_path / "saves")],
                         input="look. north then look\ntäke lämp\nquit\n", capture_output=True,
                         text=True, env=env, timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("== Kitchen ==") == 2, res.stdout
    assert "täke" in res.stdout


@pytest.mark.skipif(not SCRIPT.is_file(), reason="no console script next to the interpreter")
def test_the_installed_command_is_our_launcher_and_runs_with_this_interpreter():
    """setup.py installs bin/adventure, whose `#!python` pip rewrites to the venv's
    interpreter; pip's entry-point launcher would import re before the game."""
    text = SCRIPT.read_text()
    first, _, body = text.partition("\n")
    assert first.startswith("#!") and Path(first[2:].split()[0]).exists(), first
    assert "import re" not in body and "from adventure.launch import run" in body
    res = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0 and res.stdout.strip(), res.stderr


@pytest.mark.skipif(not SCRIPT.is_file(), reason="no console script next to the interpreter")
def test_the_launcher_run_again_by_multiprocessing_starts_no_game():
    """A 'spawn' worker (the language server's random play) runs the parent's main file
    again as __mp_main__: the launcher must not start a game there."""
    code = ("import runpy, sys; runpy.run_path(sys.argv[1], run_name='__mp_main__'); "
            "print('imported only')")
    res = subprocess.run([sys.executable, "-c", code, str(SCRIPT)], input="", timeout=60,
                         capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip() == "imported only", res


# -- what the launcher runs ---------------------------------------------------------------

def test_the_game_is_imported_with_the_collector_paused_and_played_with_it_on(monkeypatch):
    """launch.run() imports the game with the collector off (a start makes no garbage),
    and leaves it on for the game."""
    import gc

    from adventure import launch

    monkeypatch.setattr(sys, "argv", ["adventure", "--version"])
    seen = []
    monkeypatch.setattr(gc, "freeze", lambda: seen.append(gc.isenabled()))
    assert launch.run() == 0
    assert seen == [False] and gc.isenabled()


def test_a_game_that_ends_the_process_at_once_has_written_everything(tmp_path):
    """After a piped game the launcher skips the interpreter's shutdown (exit_now): the
    transcript and the journal it kept are whole, and the output ends as it should."""
    env = {**os.environ, "ADVENTURE_CACHE": str(tmp_path / "cache")}
    saves = tmp_path / "saves"
    res = subprocess.run([sys.executable, "-m", "adventure", "--story", str(PEER), "--new",
                          "--journal", "--saves", str(saves)],
                         input="transcript on\nnorth\ntake knife\nsouth\nquit\n",
                         capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.rstrip().endswith("unfinished games)."), res.stdout[-500:]
    transcripts = list(saves.rglob("transcript-*.txt"))
    assert len(transcripts) == 1, list(saves.rglob("*"))
    text = transcripts[0].read_text()
    assert "> take knife" in text and "Taken." in text and "> south" in text, text[-1000:]
    journals = [p.read_text() for p in saves.rglob("*") if p.is_file() and p not in transcripts]
    assert any('["south", ' in j for j in journals), journals


def test_exit_now_runs_the_atexit_functions_and_leaves_an_unflushable_output_alone():
    """exit_now runs what atexit holds, as the usual shutdown would, before it ends the
    process; an output it cannot flush keeps the usual shutdown."""
    code = ("import atexit, sys; from adventure.launch import exit_now; "
            "atexit.register(lambda: print('atexit ran')); exit_now(3); print('went on')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert res.returncode == 3 and res.stdout.split() == ["atexit", "ran"], res
    res = subprocess.run([sys.executable, "-c", "from adventure.launch import exit_now; "
                          "print('flushed first'); exit_now(3); print('not reached')"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert res.returncode == 3 and res.stdout == "flushed first\n", res
    code = ("import os, sys; from adventure.launch import exit_now; "
            "r, w = os.pipe(); os.close(r); sys.stdout = os.fdopen(w, 'w'); print('lost'); "
            "exit_now(3); sys.stderr.write('went on')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert res.returncode != 3 and "went on" in res.stderr, res


def test_exit_now_runs_loggings_own_atexit_work_and_still_ends_at_once(tmp_path):
    """logging (imported with transitions) registers an atexit function: exit_now runs it
    (a handler's file is flushed and closed) and ends the process all the same."""
    log = tmp_path / "log.txt"
    code = ("import logging, sys; from adventure.launch import exit_now; "
            f"h = logging.FileHandler({str(log)!r}); logging.getLogger('t').addHandler(h); "
            "logging.getLogger('t').warning('kept'); exit_now(4); print('not reached')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert res.returncode == 4 and "not reached" not in res.stdout, res
    assert log.read_text() == "kept\n"
