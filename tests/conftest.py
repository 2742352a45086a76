from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _test_the_installed_engine() -> None:
    """The suite tests the engine as installed (`pip install .` compiles it), not the
    checkout's .py files, however the runner put the checkout on the import path (the
    current folder without -P, a plugin, PYTHONPATH). The checkout's files are used when
    nothing else is installed, and by an editable install (which imports them anyway)."""
    kept = [p for p in sys.path if Path(p or ".").resolve() != ROOT]
    saved, sys.path[:] = sys.path[:], kept
    if importlib.util.find_spec("adventure") is None:
        sys.path[:] = saved


_test_the_installed_engine()

from adventure.engine.session import Game, Session  # noqa: E402
from adventure.story.loader import load_story  # noqa: E402 - the engine, as chosen above

DEMO = ROOT / "tests" / "demo_story"
STORY = ROOT / "story"

# Every game the tests start (in process or through the console script) caches checked
# stories here, never in the user's own cache folder.
_CACHE = tempfile.mkdtemp(prefix="adventure-test-cache-")
os.environ["ADVENTURE_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)


@pytest.fixture(scope="session")
def demo_story():
    return load_story(DEMO)


@pytest.fixture(scope="session")
def demo_game(demo_story):
    return Game(demo_story)


@pytest.fixture(scope="session")
def campaign_game():
    return Game(load_story(STORY))


# The campaign as Kira, from the start to the security office (chapter 2).
TO_SECURITY = ["kira", "enter wormhole", "reroute power", "approach station", "surrender",
               "airlock", "submit", "promenade", "meet eyes", "security"]


@pytest.fixture
def demo(demo_game):
    """A fresh game of the demo story with a fixed seed."""
    return Session(demo_game, seed=7)


def game_of(folder: Path, text: str, **files: str) -> Game:
    """A game of the story `text`, written to folder/story/story.yaml, with more files of
    the story by name (`branch="..."` is folder/story/branch.yaml)."""
    root = folder / "story"
    root.mkdir()
    (root / "story.yaml").write_text(text, encoding="utf-8")
    for name, body in files.items():
        (root / f"{name}.yaml").write_text(body, encoding="utf-8")
    return Game(load_story(root))


def play(session: Session, *commands: str):
    """Submit commands in order; returns the last result."""
    result = None
    for c in commands:
        result = session.submit(c)
    return result


@pytest.fixture(autouse=True)
def _temporary_saves(tmp_path_factory, monkeypatch):
    """Tests never touch a real saves directory (subprocesses inherit this too)."""
    monkeypatch.setenv("ADVENTURE_SAVES", str(tmp_path_factory.mktemp("saves")))



@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """The suite runs across the machine's cores by default (pytest-xdist `-n auto`,
    `--dist worksteal`: each worker starts on a contiguous half, so a module's fixtures are
    mostly built once per worker, and an idle worker takes tests from a busy one). `-n 0`
    or `-p no:xdist` runs it in this one process, to debug; so does `--pdb`. An explicit
    `-n` or `--dist` is kept. A hook rather than `-n auto` in addopts: with xdist switched
    off, `-n` there would be an unknown option."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return
    if config.option.numprocesses is None and not config.getoption("usepdb", False) \
            and not config.getoption("collectonly", False):
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            config.option.dist = "worksteal"
