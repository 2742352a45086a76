"""Leftovers of issue 18's blind playtests in the engine and the story format: a ladder
climbed the way it does not go, and crowds of shared scenery that answer when talked to."""

from __future__ import annotations

import pytest
from conftest import game_of

from adventure.engine.session import Session
from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story

SHAFT = """\
story:
  id: shaft
  title: Shaft
  start: hold
scenes:
  hold:
    title: Hold
    text: A hold. A ladder drops through a hatch to the pit.
    exits:
      pit:
        to: pit
        names: [ladder, hatch, down]
        label: Climb down the ladder
  pit:
    title: Pit
    text: A pit. The ladder climbs back up to the hold.
    exits:
      hold:
        to: hold
        names: [ladder, up]
        label: Climb the ladder
  loft:
    title: Loft
    text: A loft with a ladder that could go either way.
    exits:
      ladder:
        to: pit
"""


def test_a_ladder_climbed_the_way_it_does_not_go_says_so(tmp_path):
    s = Session(game_of(tmp_path, SHAFT), seed=1)
    for line in ("climb up the ladder", "go up the ladder", "climb u ladder"):
        res = s.submit(line)
        assert res.text == "The ladder goes down from here, not up.", line
        assert s.state.scene == "hold" and s.state.turn == 0
    s.submit("climb down the ladder")
    assert s.state.scene == "pit"
    assert s.submit("climb down the ladder").text == "The ladder goes up from here, not down."
    assert s.state.scene == "pit"
    s.submit("climb up the ladder")
    assert s.state.scene == "hold"


def test_a_ladder_whose_way_is_not_said_is_taken_either_way(tmp_path):
    game = game_of(tmp_path, SHAFT.replace("start: hold", "start: loft"))
    for line in ("climb up the ladder", "climb down the ladder"):
        s = Session(game, seed=1)
        s.submit(line)
        assert s.state.scene == "pit", line


DECK = """\
story:
  id: deck
  title: Deck
  start: deck
scenery:
  terrans, workers:
    description: Grey figures bent over their carts.
    talk: '"Keep walking," a worker mutters, without looking up.'
    pronoun: them
    topics:
      overseer, guards: Every head goes a little lower.
  guard:
    description: A guard with a rifle.
    talk: The guard looks through you.
    pronoun: him
  cart, carts: A squat ore cart.
scenes:
  deck:
    title: Deck
    text: Terrans drag their carts past a guard.
    exits:
      east: hall
  hall:
    title: Hall
    text: An empty hall.
"""


def test_shared_scenery_written_as_a_mapping_talks(tmp_path):
    s = Session(game_of(tmp_path, DECK), seed=1)
    assert '"Keep walking,"' in s.submit("talk to the terrans").text
    assert "Every head goes a little lower." in s.submit("ask the workers about the overseer").text
    assert "Grey figures" in s.submit("x workers").text
    assert "looks through you" in s.submit("talk to the guard").text
    assert "A guard with a rifle." in s.submit("x him").text  # pronoun: him
    assert "squat ore cart" in s.submit("x cart").text  # the one-line form still works
    assert "not answer" in s.submit("talk to the cart").text
    s.submit("east")  # shared scenery only where the text names it
    assert "can't see any" in s.submit("talk to the terrans").text


def test_a_scenery_mapping_that_talks_is_someone(tmp_path):
    text = DECK.replace("    pronoun: them\n", "", 1)
    s = Session(game_of(tmp_path, text), seed=1)
    assert '"Keep walking,"' in s.submit("talk to them").text  # them, unless said


def _problems(tmp_path, text: str) -> list:
    root = tmp_path / "bad"
    root.mkdir()
    (root / "story.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(StoryError) as info:
        load_story(root)
    return info.value.diagnostics


@pytest.mark.parametrize(("old", "new", "line", "says"), [
    ("    pronoun: him\n", "    pronoun: him\n    mood: sour\n", 16, "unknown key 'mood'"),
    ("    pronoun: him\n", "    pronoun: it\n", 15, "should be him, her or them"),
    ("    pronoun: them\n", "    pronoun: they\n", 9, "should be it, him, her or them"),
    ("    talk: The guard looks through you.\n", "    talk: [a, b]\n", 14, "'talk'"),
    ("      overseer, guards: Every head goes a little lower.\n", "      - overseer\n", 11,
     "'topics'"),
])
def test_a_bad_scenery_mapping_is_a_located_error(tmp_path, old, new, line, says):
    assert old in DECK
    [problem] = _problems(tmp_path, DECK.replace(old, new, 1))
    assert problem.loc.line == line and problem.loc.col > 0, problem
    assert says in problem.message and str(problem.loc.file).endswith("story.yaml")


def test_an_editor_completes_the_keys_of_a_scenery_mapping():
    from adventure.author.lsp_complete import keys_at
    for path in (["scenery", "terrans"], ["scenes", "deck", "scenery", "terrans"]):
        assert {"description", "talk", "pronoun", "topics"} <= set(keys_at(path))
