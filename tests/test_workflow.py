"""The author's loop through the real console script: which story each subcommand uses
(and says so), in throwaway checkouts made from the demo story."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_first_run import DEMO, run


def checkout(where: Path) -> Path:
    """A folder that looks like a Terok Nor checkout, with the demo story as its story."""
    where.mkdir()
    (where / "pyproject.toml").write_text('[project]\nname = "terok-nor"\n')
    shutil.copytree(DEMO, where / "story")
    return where


def retitle(root: Path, title: str) -> None:
    """An edit each subcommand shows: the story's title and its first scene's."""
    for name, old in (("story.yaml", "The Derelict"), ("ship.yaml", "title: Airlock")):
        path = root / "story" / name
        path.write_text(path.read_text().replace(old, old.replace("The Derelict", title)
                                                      .replace("Airlock", f"{title} Airlock")))


@pytest.mark.parametrize("args", [["check", "--random", "2"], ["test"], ["graph"],
                                  ["play"]])
def test_every_subcommand_uses_and_names_the_checkouts_story(tmp_path, args):
    root = checkout(tmp_path / "clone")
    retitle(root, "The Edited Derelict")
    res = run(*args, stdin="look\n", cwd=root / "story" / "tests")  # deep inside it
    err = res.stderr.decode()
    assert res.returncode == 0, err
    assert err.splitlines()[0] == f"adventure: story {root}/story/ (the checkout at {root})"
    if args[0] != "test":
        assert b"Edited" in res.stdout


def test_the_story_note_stays_out_of_json(tmp_path):
    root = checkout(tmp_path / "clone")
    res = run("check", "--random", "1", "--json", cwd=root)
    assert json.loads(res.stdout)["errors"] == []
    assert res.stderr.decode() == f"adventure: story story/ (the checkout at {root})\n"


def test_an_explicit_story_is_named_as_given(tmp_path):
    res = run("graph", "--story", str(DEMO), cwd=tmp_path)
    assert res.stderr.decode() == f"adventure: story {DEMO}/ (--story)\n"


def test_a_story_beside_you_that_is_not_used_is_pointed_out(tmp_path):
    shutil.copytree(DEMO, tmp_path / "story")
    res = run("check", "--random", "0", cwd=tmp_path)
    err = res.stderr.decode()
    assert err.startswith("adventure: story ") and "\nadventure: warning: story/ holds a " \
        "story, but it is not the one used; give --story story/ to play or check it" in err
    res = run("check", "--random", "0", "--story", "story", cwd=tmp_path)
    assert "warning" not in res.stderr.decode()


# -- check: a branch's timer that can drag the player out of the branch -------------------

CHAPEL = """\
scenes:
  chapel:
    title: Chapel
    text: A cold little chapel.
    on_enter: [schedule collapse in 3]
    exits:
      back: airlock
extend:
  airlock:
    exits:
      chapel: chapel
events:
  collapse:
    {guard}
    text: The ceiling gives way.
    to: captured
"""


@pytest.mark.parametrize("guard, warned", [("", True), ("when: at(chapel)", False),
                                           ("when: not at(airlock)", False)])
def test_check_warns_of_a_timer_that_can_fire_outside_its_branch(tmp_path, guard, warned):
    from adventure.author.checks import static_warnings
    from adventure.story.loader import load_story

    root = tmp_path / "story"
    shutil.copytree(DEMO, root)
    (root / "chapel.yaml").write_text(CHAPEL.replace("{guard}", guard))
    found = [str(w) for w in static_warnings(load_story(root)) if "collapse" in str(w)]
    if not warned:
        assert found == []
        return
    assert len(found) == 1 and "chapel.yaml:13:3: warning: event 'collapse', scheduled " \
        "in scene 'chapel', moves the player to 'captured', and can still fire after they " \
        "have gone on to 'airlock'" in found[0] and "when: at(chapel)" in found[0]
    (root / "chapel.yaml").write_text(CHAPEL.replace("{guard}", "") + """\
    do: []
  calm:
    text: All is calm.
    do: [cancel collapse]
""")
    assert not [w for w in static_warnings(load_story(root)) if "collapse" in str(w)]
