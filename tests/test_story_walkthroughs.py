"""Walkthroughs of the bundled Terok Nor story: every ending, by choices and by typing."""

from __future__ import annotations

import pytest
from conftest import STORY

from adventure.engine.session import Game, Session
from adventure.story.loader import load_story


@pytest.fixture(scope="module")
def game():
    return Game(load_story(STORY))


def run(game, commands: str, sep: str = " "):
    s = Session(game, seed=1)
    results = [s.submit(c) for c in commands.split(sep)]
    return s, results


CHOICES = {
    "continued-kira": ("1 1 1 1 1 1 2 2 2 2 1 1 1 2 2 3 1 1 2 3 1 2 1 4 4 4 2",
                       "intendant_audience", 50),
    "continued-bashir": ("2 3 2 4 1 1 3 2 2 1 2 3 3 2 3 3 3 2", "intendant_audience", 35),
    "fire": ("1 3 1 1 3 4 4", "destroyed", None),  # warned once, then destroyed
    "example": ("2 3 1 1 3 5 1 3 1 3 2", "shot_resisting", None),
    "lost": ("1 3" + " 4" * 10, "lost_in_wormhole", None),
}


@pytest.mark.parametrize("name", sorted(CHOICES))
def test_every_ending_by_numbered_choices_alone(game, name):
    script, ending, score = CHOICES[name]
    s, results = run(game, script)
    if game.story.scenes[ending].ending is None:  # a chapter's way on, not an ending
        assert s.state.scene == ending and s.state.ended is None
    else:
        assert s.state.ended == ending
        assert results[-1].ended is not None
    assert all(r.ended is None for r in results[:-1])
    if score is not None:
        assert s.state.score == score


TYPED = {
    "continued-bashir": ("bashir, take phaser, speak to kira, confide, bye, enter wormhole, "
                         "take hypospray, treat kira, take mask, wear mask, aft, "
                         "examine manifold, pull handle, scan station, approach station, "
                         "give name, surrender, hide phaser, open airlock, promenade, submit, "
                         "promenade, meet eyes, security, examine portrait, point at portrait, "
                         "wait, wait, follow garak", "intendant_audience"),
    "continued-kira": ("kira, enter wormhole, reroute power, approach station, tell truth, "
                       "surrender, airlock, submit, promenade, meet eyes, security, examine odo, "
                       "show combadge to odo, wait, wait, follow garak", "intendant_audience"),
    "fire": ("kira, enter wormhole, reroute power, approach station, fire, fire",
             "destroyed"),
    "example": ("kira, enter wormhole, reroute power, approach station, surrender, airlock, "
                "resist, grab rifle", "shot_resisting"),
    "lost": ("kira, enter wormhole" + ", wait" * 10, "lost_in_wormhole"),
}


@pytest.mark.parametrize("name", sorted(TYPED))
def test_every_ending_by_typed_commands(game, name):
    script, ending = TYPED[name]
    s, results = run(game, script, sep=", ")
    assert ending in (s.state.ended, s.state.scene)
    for r in results:
        assert "isn't a command I know" not in r.text, r.text


def test_who_you_are_changes_how_the_station_sees_you(game):
    kira, _ = run(game, "kira, enter wormhole, reroute power, approach station, surrender, "
                  "airlock", sep=", ")
    bashir, _ = run(game, "bashir, enter wormhole, reroute power, approach station, "
                    "surrender, airlock", sep=", ")
    assert kira.state.scene == bashir.state.scene == "docking_ring"
    k = game.step(kira.state, "look").text
    b = game.step(bashir.state, "look").text
    assert k != b
    assert "Intendant" in k


def test_hints_step_up_through_the_wormhole_puzzle(game):
    s, _ = run(game, "kira, enter wormhole", sep=", ")
    hints = [s.submit("hint").text for _ in range(3)]
    assert [h.split(":")[0] for h in hints] == ["Hint 1 of 3", "Hint 2 of 3", "Hint 3 of 3"]
    assert len(set(hints)) == 3 and all("\n" not in h for h in hints)


def test_the_bar_door_is_refused(game):
    s, _ = run(game, "kira, enter wormhole, reroute power, approach station, surrender, "
               "airlock, submit, promenade", sep=", ")
    res = s.submit("bar")
    assert s.state.scene == "promenade" and res.text


def test_smoke_sends_you_back_without_the_mask(game):
    s, _ = run(game, "kira, enter wormhole, aft", sep=", ")
    s.submit("look")  # a look never acts (issue 18): still in the smoke
    assert s.state.scene == "aft_compartment"
    s.submit("x smoke")
    assert s.state.scene == "wormhole_accident"
