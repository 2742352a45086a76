"""The installed engine: compiled by mypyc where it can be, and the same as plain Python.

`pip install .` compiles the modules in setup.py's COMPILED; the suite then runs against
them (conftest.py keeps the checkout's .py files off the import path when the engine is
installed).
These tests check that this happened, and that the compiled engine plays exactly as the
plain Python source does."""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import subprocess
import sys
from importlib.metadata import distributions
from pathlib import Path

import pytest

import adventure

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = Path(adventure.__file__).resolve().parent != ROOT / "adventure"


def _compiled_names() -> list[str]:
    tree = ast.parse((ROOT / "setup.py").read_text())
    found = next(n for n in tree.body if isinstance(n, ast.Assign)
                 and getattr(n.targets[0], "id", None) == "COMPILED")
    return ast.literal_eval(found.value)


@pytest.mark.skipif(not INSTALLED, reason="the engine is imported from the checkout (an "
                    "editable install, or none): plain Python, nothing was compiled")
@pytest.mark.skipif(bool(os.environ.get("TEROK_NOR_PURE")), reason="TEROK_NOR_PURE is set")
@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None,
                    reason="no C compiler: the install falls back to plain Python")
def test_the_installed_hot_modules_are_compiled():
    for name in _compiled_names():
        dotted = "adventure." + name.replace("/", ".")
        module = importlib.import_module(dotted)
        assert not module.__file__.endswith(".py"), f"{dotted} was not compiled"



@pytest.mark.skipif(not INSTALLED, reason="the engine is imported from the checkout: nothing "
                    "was compiled")
@pytest.mark.skipif(sys.platform == "win32", reason="a DLL exports only what it names anyway")
def test_the_compiled_library_exports_only_its_module_init():
    """setup.py builds the shared library with hidden visibility: each of its internal
    symbols would be looked up by the dynamic loader at every start."""
    import ctypes

    from adventure.engine import session

    if session.__file__.endswith(".py"):
        pytest.skip("plain Python (no compiler, or TEROK_NOR_PURE)")
    site = Path(adventure.__file__).resolve().parent.parent
    # ours, as the install recorded it: mypy's own wheel (the test extra) puts a compiled
    # *__mypyc library in site-packages too
    libraries = sorted(site / str(f) for d in distributions(path=[str(site)])
                       if d.metadata["Name"] == "terok-nor" for f in d.files or ()
                       if "__mypyc." in f.name)
    assert len(libraries) == 1, libraries
    lib = ctypes.CDLL(str(libraries[0]))
    assert hasattr(lib, "PyInit_" + libraries[0].name.split(".")[0])
    assert not hasattr(lib, "CPyInit_adventure___engine___session")


# Plays every walkthrough of a story with a mix of other commands (builtins, a typo,
# undo, numbers, a refusal) and prints what each turn shows, as JSON lines.
PLAY = r"""
import json, sys
from pathlib import Path
from adventure.story.loader import load_story
from adventure.engine.session import Game, Session
from adventure.story.yamlsrc import load_file

story = Path(sys.argv[1])
game = Game(load_story(story))
extra = ["look", "inventory", "x padd", "take all", "frobnicate", "1", "9", "undo",
         "choices", "hint", "wait", "go north", "again", "oops look"]
for seed in (1, 99):
    session = Session(game, seed=seed)
    for path in sorted((story / "tests").glob("*.yaml")):
        doc, _ = load_file(path, str(path))
        steps = [s if not isinstance(s, dict) else s.get("do") for s in doc.get("steps", [])]
        for line in [*extra, *(str(s) for s in steps if s is not None), "restart", "restart"]:
            r = session.submit(line)
            print(json.dumps([line, r.paragraphs, [c.label for c in r.choices],
                              r.show_choices, r.status.scene, r.status.turn, r.resolved]))
"""


@pytest.mark.parametrize("story", ["story", "tests/demo_story"])
def test_the_engine_in_use_plays_as_the_plain_source(story):
    def play(extra_path: list[str]) -> list[str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        if extra_path:
            env["PYTHONPATH"] = os.pathsep.join(extra_path)
        res = subprocess.run([sys.executable, "-P", "-c", PLAY, str(ROOT / story)], env=env,
                             capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert res.returncode == 0, res.stderr[-2000:]
        return res.stdout.splitlines()

    in_use = play([])  # what the tests run against: installed (compiled) or the checkout
    source = play([str(ROOT)])  # the checkout's .py files first: plain Python
    assert len(in_use) > 100  # both seeds, every walkthrough
    for a, b in zip(in_use, source, strict=True):
        assert a == b


def test_records_compare_and_show_their_fields_compiled_or_not():
    from adventure.engine.parser import Intent
    from adventure.engine.session import Choice

    assert Choice(1, "Go aft") == Choice(1, "Go aft")
    assert Choice(1, "Go aft") != Choice(2, "Go aft")
    assert Choice(1, "Go aft") != Intent("empty")
    assert "label='Go aft'" in repr(Choice(1, "Go aft"))
    with pytest.raises(TypeError):
        hash(Choice(1, "Go aft"))  # mutable: no hash, as an eq dataclass


def test_every_story_folder_is_packaged():
    """A folder added under story/ must be listed in pyproject.toml, or a plain install
    would leave its files out of the installed story."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {p.relative_to(ROOT / "story").as_posix() for p in (ROOT / "story").rglob("*")
               if p.is_dir() and any(p.glob("*.yaml"))}
    listed = {pkg.removeprefix("adventure._story.").replace(".", "/")
              for pkg in config["packages"] if pkg.startswith("adventure._story.")}
    assert folders <= listed, f"add to [tool.setuptools] packages: {sorted(folders - listed)}"
    assert "adventure.schema" in config["packages"]


def test_the_installed_package_has_its_schema_and_story():
    root = Path(adventure.__file__).resolve().parent
    assert (root / "schema" / "story.schema.json").is_file()
    if INSTALLED:
        assert {p.name for p in (root / "_story").glob("*.yaml")} == \
            {p.name for p in (ROOT / "story").glob("*.yaml")}
        assert any((root / "_story" / "branches").glob("*.yaml"))
