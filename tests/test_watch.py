"""Live reload through the session API (what `play --watch` does between commands)."""

from __future__ import annotations

import os
import shutil

from conftest import DEMO

from adventure.engine.session import Game, Session
from adventure.play.watch import Watcher
from adventure.story.loader import load_story


def setup(tmp_path):
    root = tmp_path / "story"
    shutil.copytree(DEMO, root)
    session = Session(Game(load_story(root)), seed=1)
    session.before_turn = Watcher(session, root, "st")
    return root, session


def edit(path, old, new):  # every occurrence
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    st = os.stat(path)  # make sure the change is visible even within one clock tick
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_an_edit_is_picked_up_and_the_player_stays(tmp_path):
    root, s = setup(tmp_path)
    s.submit("n")
    edit(root / "ship.yaml", "The walls are panelled.", "The walls are scorched.")
    res = s.submit("look")
    assert res.paragraphs[0] == ("system", "Story reloaded; you are where you were.")
    assert "The walls are scorched." in res.text and s.state.scene == "corridor"
    assert "Story reloaded" not in s.submit("look").text  # only once


def test_a_broken_edit_is_shown_in_the_game_and_play_goes_on(tmp_path):
    root, s = setup(tmp_path)
    s.submit("n")
    edit(root / "ship.yaml", "    title: Dark corridor", "    title: [Dark corridor")
    res = s.submit("aft")
    kind, text = res.paragraphs[0]
    assert kind == "error" and "does not load" in text and "st/ship.yaml:" in text
    assert s.state.scene == "engineering"  # the command still ran, on the last good story
    edit(root / "ship.yaml", "    title: [Dark corridor", "    title: Darker corridor")
    res = s.submit("fore")
    assert "Story reloaded" in res.text and "== " not in res.text
    assert ("title", "Darker corridor") in res.paragraphs


def test_a_scene_renamed_under_the_player_rebuilds_the_game(tmp_path):
    root, s = setup(tmp_path)
    for c in ("n", "aft", "take torch"):
        s.submit(c)
    edit(root / "ship.yaml", "engineering", "engine_room")
    edit(root / "story.yaml", "scene: engineering", "scene: engine_room")
    edit(root / "hold.yaml", "engineering", "engine_room")
    res = s.submit("i")
    assert "your game was rebuilt" in res.text
    assert s.state.scene == "engine_room" and s.state.moved.get("torch") == "player"


def test_renaming_the_scene_you_played_in_keeps_every_turn_and_undo_goes_back(tmp_path):
    root, s = setup(tmp_path)
    for c in ("n", "search walls", "aft", "take torch", "fore"):
        s.submit(c)
    before = (s.state.scene, s.state.turn, [e.command for e in s.log], s.state.done.copy())
    # the corridor, where 'search walls' was played (an action of that scene), gets a new id
    for f in root.glob("*.yaml"):
        if "corridor" in f.read_text():
            edit(f, "corridor", "hallway")
    res = s.submit("wait")  # a turn ('look' takes none, so there is nothing to undo)
    assert "all your commands replayed" in res.text, res.text
    assert "'undo' takes you back to the game before the reload" in res.text
    assert s.state.scene == "hallway"
    assert [e.command for e in s.log] == [*before[2], "wait"]
    assert any(e.resolved.startswith("action:hallway:") for e in s.log)
    assert "Undone: 'wait'" in s.submit("undo").text
    assert s.state.scene == "hallway" and s.state.turn == before[1]
    res = s.submit("undo")
    assert "Undone: the reload" in res.text
    assert (s.state.scene, s.state.turn, [e.command for e in s.log]) == before[:3]
    assert s.submit("aft").status.scene == "engineering"  # the old story plays on
