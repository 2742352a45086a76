"""Leftovers of issue 18's blind playtests in the engine and the story format: a ladder
climbed the way it does not go."""

from __future__ import annotations

from conftest import game_of

from adventure.engine.session import Session

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

