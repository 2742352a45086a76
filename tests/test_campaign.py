"""The Terok Nor campaign as a whole: every ending by numbered choices alone, and the
counts the campaign promises (one-way-out share, variables that reach a later chapter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import STORY, TO_SECURITY, play

from adventure.author.checks import chapters, cross_chapter, variable_uses
from adventure.engine.session import Game
from adventure.engine.world import World
from adventure.story.loader import load_story

SCRIPT = Path(sys.executable).parent / "adventure"

# Each step names the choice to take as scene:action or scene:exit; the test finds
# its number in the list on offer and types only that number.
ARRIVE = [
    "prologue:be_kira", "runabout:enter_wormhole", "wormhole_accident:study_console",
    "wormhole_accident:reroute_helm", "wrong_space:hold_course", "intercepted:surrender",
    "docking:airlock",
]
TO_INTENDANT = ARRIVE + [
    "docking_ring:submit_search", "docking_ring:promenade", "promenade:security",
    "security_office:study_odo", "security_office:show_badge", "security_office:wait",
    "security_office:wait", "summons:follow", "intendant_audience:balcony",
]
TO_OFFER = ["intendant_balcony:antechamber", "intendant_antechamber:dinner",
            "intendant_dinner:antechamber", "intendant_antechamber:offer"]
TO_ORE = TO_INTENDANT + ["intendant_balcony:plead"] + TO_OFFER + [
    "intendant_offer:refuse_her", "intendant_departure:with_garak", "ore_deck_arrival:down",
]
TO_RISING = TO_ORE + [
    "ore_floor:stand_up", "ore_floor:quarters", "ore_quarters:tell_worth", "ore_quarters:panel",
    "ore_name_wall:kneel", "ore_name_wall:back", "ore_quarters:fetch_sisko",
    "ore_gathering:begin", "rebellion_start:tell_free", "rebellion_start:tell_friend",
    "rebellion_start:ask_latinum", "rebellion_start:talk_sisko",
    "rebellion_sisko_talk:ask_plan", "rebellion_sisko_talk:ask_schedule",
    "rebellion_sisko_talk:back", "rebellion_start:quarters", "rebellion_quarters:ask_tool",
    "rebellion_quarters:crawlway", "rebellion_crawlway:junction", "rebellion_junction:override",
    "rebellion_junction:corridor", "rebellion_promenade:gallery", "rebellion_uprising:signal",
]
TO_ESCAPE = TO_RISING + [
    "rebellion_uprising:down", "rebellion_price:corridor", "rebellion_odo:truth",
    "rebellion_comm:hatch", "escape_start:sisko", "escape_sisko_hideout:escape_talk_sisko",
    "escape_sisko_talk:escape_give_plan", "escape_sisko_talk:escape_sisko_bye",
    "escape_sisko_hideout:ore_deck",
]
OUT = [
    "escape_ore_deck:escape_ask_obrien", "escape_ore_deck:up", "escape_start:ring",
    "escape_docking_ring:escape_use_key", "escape_docking_ring:airlock",
    "escape_airlock:escape_take_padd", "escape_airlock:board", "escape_cockpit:escape_order_out",
    "escape_cockpit:escape_launch", "escape_tractor:escape_scan_beam",
    "escape_tractor:escape_modulate",
]

BY_NUMBERS = {
    "lost_in_wormhole": ["prologue:be_kira", "runabout:enter_wormhole"]
    + ["wormhole_accident:brace"] * 10,
    "destroyed": ARRIVE[:5] + ["intercepted:fire", "intercepted:fire_again"],
    "shot_resisting": ARRIVE + ["docking_ring:resist", "standoff:lunge"],
    "intendants_creature": TO_INTENDANT + ["intendant_balcony:stay_silent"] + TO_OFFER
    + ["intendant_offer:accept_fully"],
    "ore_for_good": TO_ORE[:-1] + ["ore_deck_arrival:down", "ore_floor:approach_odo",
                                   "ore_enforcer:defy"],
    "rebellion_fallen": TO_RISING + ["rebellion_uprising:barricade"],
    "home_rebellion_lit": TO_ESCAPE + ["escape_ore_deck:escape_free_companion"] + OUT
    + ["escape_wormhole:escape_go_home_together"],
    "home_alone": TO_ESCAPE + OUT + ["escape_wormhole:escape_go_home_bitter"],
    "staying_to_fight": TO_ESCAPE + OUT + ["escape_wormhole:escape_stay"],
}


@pytest.fixture(scope="module")
def game(campaign_game):
    return campaign_game


def play_by_numbers(game: Game, script: list[str], seed: int = 1):
    """Play `script` typing nothing but the number of each named choice."""
    result = game.begin(seed)
    for step, want in enumerate(script, 1):
        state = result.state
        scene, _, what = want.partition(":")
        assert state.scene == scene, f"step {step} ({want}): the game is in {state.scene}"
        offers = game.offers(World(game.story, state))
        numbers = [i for i, o in enumerate(offers, 1)
                   if (o.action or o.exit).trigger.split(":", 1)[1] == want]
        assert numbers, f"step {step}: '{want}' is not among the numbered choices: " \
            f"{[o.label for o in offers]}"
        assert [c.number for c in result.choices] == list(range(1, len(offers) + 1))
        result = game.step(state, str(numbers[0]))
        assert result.resolved.split(":", 1)[1] == want
    return result


def test_every_numbered_path_names_an_ending_of_the_story():
    # not the list of endings: a branch with a new ending tests it in its own story test
    # (test_authoring checks that every ending has one), never by editing this file
    story = load_story(STORY)
    assert set(BY_NUMBERS) <= {s.id for s in story.scenes.values() if s.ending}


@pytest.mark.parametrize("ending", sorted(BY_NUMBERS))
def test_every_ending_can_be_reached_by_numbered_choices_alone(game, ending):
    result = play_by_numbers(game, BY_NUMBERS[ending])
    assert result.state.ended == ending


def test_check_json_reports_the_shape_the_campaign_promises():
    res = subprocess.run([str(SCRIPT), "check", "--random", "0", "--json"],
                         capture_output=True, timeout=120)
    assert res.returncode == 0
    s = json.loads(res.stdout)["summary"]
    assert s["single_exit_share"] <= 0.25
    assert s["cross_chapter_variables"] >= 25


def test_variable_uses_agree_with_the_loader():
    story = load_story(STORY)
    uses = variable_uses(story)
    read = {v for v, (_, r) in uses.items() if r}
    written = {v for v, (w, _) in uses.items() if w}
    # Every variable the loader saw read or set, seen again chapter by chapter.
    assert read == story.info.reads & set(story.initial)
    assert written == story.info.writes & set(story.initial)


def test_cross_chapter_variables_are_set_early_and_read_later(tmp_path):
    (tmp_path / "a.yaml").write_text("""chapter: one
story: {id: t, title: T, start: a, state: {lent: false, local: 0, late: false}}
scenes:
  a:
    title: A
    text: ${if local > 0}Again.${end}
    actions: [{label: Lend, do: [set lent, local += 1]}]
    exits: {on: b}
""")
    (tmp_path / "b.yaml").write_text("""chapter: two
scenes:
  b:
    title: B
    text: ${if lent}You lent it.${end}
    actions: [{label: Late, do: [set late], to: c}]
  c: {title: C, text: "${if late}Late.${end}", ending: {kind: victory}}
""")
    story = load_story(tmp_path, "st")
    assert chapters(story) == ["one", "two"]
    assert cross_chapter(story) == {"lent": ("one", "two")}


def test_a_file_with_no_chapter_key_is_the_chapter_named_after_it(tmp_path):
    """As the loader has it: the variable count agrees with chapters()."""
    (tmp_path / "a.yaml").write_text("""story: {id: t, title: T, start: a, state: {lent: false}}
scenes:
  a: {title: A, text: Here., actions: [{label: Lend, do: [set lent], to: b}]}
""")
    (tmp_path / "b.yaml").write_text("""scenes:
  b: {title: B, text: "${if lent}You lent it.${end}", ending: {kind: victory}}
""")
    story = load_story(tmp_path, "st")
    assert chapters(story) == ["a", "b"]
    assert cross_chapter(story) == {"lent": ("a", "b")}


_TO_THE_CHUTE = [*TO_SECURITY, "examine odo", "show combadge to odo", "wait", "wait",
                 "follow garak", "balcony", "say nothing", "antechamber", "dinner",
                 "antechamber", "offer", "refuse", "go down", "down", "chute"]


def test_asking_a_worker_about_anything_is_talking_to_him(game):
    """'ask Mott about Sisko' has no action of its own: the action that answers 'ask Mott'
    does; once it is spent, a new topic is Mott's own answer, never "You have already done
    that" for something not asked (blind playtest 2, b6)."""
    from adventure.engine.session import Session

    s = Session(game, seed=1)
    play(s, *_TO_THE_CHUTE)
    first = s.submit("ask mott about sisko")
    assert first.resolved == "action:ore_chute:talk_mott"
    assert "You take up a shovel beside him" in first.text
    said = s.submit("ask mott about the weather").text
    assert said != "You have already done that." and said.startswith("Mott"), said
    assert s.submit("ask mott").text == "You have already done that."
    assert s.submit("take mott").text == "Mott stays where he is."
    assert s.submit("give chit to mott").text == "Mott shows no interest in the duty chit."
