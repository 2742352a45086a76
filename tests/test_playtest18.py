"""What a blind playtest found (issue 18, second round): free looks, 'go to' logged with
where it went, places revisited by their short text, one's own name, people's default
lines, prologue variables under --at, pronouns and which-one questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import game_of

from adventure.engine.game import Game
from adventure.engine.session import Session
from adventure.engine.world import World
from adventure.story.cache import load
from adventure.story.places import SELF

YARD = """\
story:
  id: yard
  title: Yard
  start: hall
  state:
    rung: false
things:
  clock:
    name: clock
    location: hall
scenes:
  hall:
    title: Hall
    text: A long hall with a clock that has stopped at noon.
    revisit: The hall again, the clock still at noon.
    exits:
      out: {to: yard}
    on_enter: [schedule bell in 2]
  yard:
    title: Yard
    text: A muddy yard, and beyond it a shed.
    exits:
      in: {to: hall}
      shed: {to: shed}
  shed:
    title: Shed
    text: A shed full of rakes.
    exits:
      out: {to: yard}
events:
  bell:
    do: [set rung]
    text: A bell rings somewhere.
"""



def test_look_and_inventory_take_no_turn_and_run_no_timer(tmp_path):
    s = Session(game_of(tmp_path, YARD), seed=1)
    timers = list(s.state.timers)
    for line in ("look", "inventory", "i", "l", "look", "inventory"):
        res = s.submit(line)
        assert not res.advanced and s.state.turn == 0 and res.status.turn == 0
        assert "bell" not in res.text
    assert s.state.vars["rung"] is False and s.state.timers == timers
    waited = [s.submit("wait").text for _ in range(4)]
    assert s.state.turn == 4 and any("bell" in t for t in waited)  # turns run timers


def test_go_to_a_place_is_logged_with_where_it_went_and_replays_there(tmp_path):
    game = game_of(tmp_path, YARD)
    s = Session(game, seed=1)
    res = s.submit("go to shed")
    assert s.state.scene == "shed"
    assert res.resolved == "travel:shed"
    # a replay from the log goes to the same place, whatever the words mean now
    st = game.new_state(1)
    game.begin(1)
    again = game.step(st, "zzz", resolved="travel:shed")
    assert again.state.scene == "shed"


def test_a_place_seen_before_shows_its_revisit_text_and_verbose_the_whole(tmp_path):
    s = Session(game_of(tmp_path, YARD), seed=1)
    first = s.submit("look").text
    assert "stopped at noon" in first
    back = [s.submit(c).text for c in ("out", "in")][1]
    assert "The hall again" in back and "stopped at noon" not in back
    assert "stopped at noon" in s.submit("look").text  # look: always the whole text
    s.submit("verbose")
    s.submit("out")
    back = s.submit("in").text
    assert "stopped at noon" in back and "The hall again" not in back
    s.submit("brief")
    s.submit("out")
    back = s.submit("in").text
    assert "Hall" in back and "noon" not in back


# -- the campaign ----------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def campaign() -> Game:
    return Game(load(ROOT / "story"))


def _roles(game: Game) -> list[int]:
    """The prologue's choices (one per role), by number."""
    return [c.number for c in game.begin(1).choices]


def test_your_own_name_is_you_in_either_role(campaign):
    seen = set()
    for n in _roles(campaign):
        s = Session(campaign, seed=1)
        s.submit(str(n))
        me = [t for t in campaign.story.things.values()
              if World(campaign.story, s.state).location(t.id) == SELF]
        assert len(me) == 1, "each role puts the player's own person at self"
        name = " ".join(me[0].name)
        seen.add(name)
        before = s.state.turn
        mirror = s.submit("x me").text
        for cmd in (f"x {name}", f"examine {name}", f"look at {name}"):
            assert s.submit(cmd).text == mirror
        talk = s.submit(f"talk to {name}").text
        asked = s.submit(f"ask {name} about the wormhole").text
        assert talk == asked and "reach" not in talk and "nothing to say" not in talk
        assert s.state.turn > before
    assert len(seen) == len(_roles(campaign))  # a different person in each role


PARLOUR = """\
story:
  id: parlour
  title: Parlour
  start: parlour
  state:
    hurt: false
things:
  ada:
    name: Ada
    article: none
    pronoun: her
    location: parlour
    talk: ${if hurt}Ada only groans.${else}Ada shrugs. "Ask me something I know."${end}
    topics:
      garden, the roses: Ada smiles. "The roses are mine."
      war, the army: ${if hurt}Ada shakes her head, wincing.${else}"Not here."${end}
  bob:
    name: Bob
    article: none
    pronoun: him
    location: parlour
scenes:
  parlour:
    title: Parlour
    text: Ada sits by the window; Bob by the fire.
    actions:
      - id: hurt
        commands: [trip ada]
        do: [set hurt]
        text: Ada falls.
"""


def test_a_person_answers_topics_and_anything_else_in_their_own_voice(tmp_path):
    s = Session(game_of(tmp_path, PARLOUR), seed=1)
    assert "roses are mine" in s.submit("ask ada about the garden").text
    assert "roses are mine" in s.submit("ask her about roses").text
    assert "Not here" in s.submit("tell ada about the war").text
    assert "something I know" in s.submit("ask ada about the moon").text
    assert "something I know" in s.submit("talk to ada").text
    assert "something I know" in s.submit("ask ada why the clock stopped").text
    s.submit("trip ada")  # her state changes her answers
    assert "groans" in s.submit("talk to ada").text
    assert "wincing" in s.submit("ask ada about the army").text
    # a person with no replies of their own keeps the engine's default
    assert "nothing to say" in s.submit("ask bob about the war").text


ROLES = """\
story:
  id: roles
  title: Roles
  start: choose
  state:
    who: ""
    friend: ""
  ELSEWHERE
scenes:
  choose:
    title: Choose
    text: Who are you?
    actions:
      - id: ann
        label: Be Ann
        do: [who = "ann", friend = "Bo"]
        to: road
  road:
    title: Road
    text: ${friend} walks beside you.
    exits:
      on: {to: end}
  end:
    title: End
    text: The end.
    ending: {kind: win, title: Home}
"""


def _roles_game(tmp_path: Path, elsewhere: str) -> Game:
    return game_of(tmp_path, ROLES.replace("ELSEWHERE", elsewhere))


def test_a_start_past_the_opening_runs_the_storys_elsewhere_after_set(tmp_path):
    from adventure.engine.opening import make_start

    game = _roles_game(tmp_path, 'elsewhere:\n    - if: friend == ""\n'
                                 '      then: [friend = "Cy"]')
    res = game.begin(1, make_start(game.story, "road"))
    assert "Cy walks beside you" in res.text
    res = game.begin(1, make_start(game.story, "road", ["friend=Di"]))
    assert "Di walks beside you" in res.text  # --set wins: elsewhere only fills the gap


def test_check_warns_of_a_name_empty_in_a_game_begun_at_its_scene(tmp_path):
    from adventure.author.emptyvars import EmptyWatch, shown_vars, start_warnings

    game = _roles_game(tmp_path, "")
    assert shown_vars(game.story) == {"road": frozenset({"friend"})}
    found = start_warnings(game)
    assert len(found) == 1 and "road" in found[0].message and "${friend}" in found[0].message
    assert str(found[0].loc).endswith(":18:3")  # the scene, located
    watch = EmptyWatch()
    state = game.new_state(1)
    state.scene = "road"
    watch.entered(game.story, state, 7)
    assert "seed 7" in watch.warnings(game.story)[0].message


CHOICES = """\
story:
  id: choices
  title: Choices
  start: room
  state:
    lit: false
scenes:
  room:
    title: Room
    text: A room with a radio and a switch.
    actions:
      - id: look_window
        label: Look out of the window
        commands: [look out of window]
        text: Rain.
      - id: radio
        label: Listen to the radio
        repeatable: true
        text: {one_of: [A song., The news.]}
      - id: switch
        label: Flip the switch on
        do: [set lit]
        text: Click.
    exits:
      out: {to: room}
"""


def test_a_choice_that_only_tells_leaves_the_list_once_taken(tmp_path):
    s = Session(game_of(tmp_path, CHOICES), seed=1)
    labels = [c.label for c in s.submit("look").choices]
    assert "Look out of the window" in labels
    s.submit("look out of the window")
    labels = [c.label for c in s.submit("look").choices]
    assert "Look out of the window" not in labels  # told once; nothing more to it
    assert "Listen to the radio" in labels  # repeatable: stays
    assert "Rain" in s.submit("look out of the window").text  # its words still work
    s.submit("listen to the radio")
    assert "Listen to the radio" in [c.label for c in s.submit("look").choices]


def test_check_warns_of_a_choice_listed_again_that_would_do_nothing(tmp_path):
    from adventure.author.checks import random_play

    game = game_of(tmp_path, CHOICES)
    report = random_play(game, games=20, seed=0, max_turns=30)
    found = report.idle.warnings()
    assert len(found) == 1, found
    assert "'Flip the switch on'" in found[0].message
    assert str(found[0].loc).endswith(":20:9")  # the action, located


COLLARS = """\
story:
  id: collars
  title: Collars
  start: hall
things:
  mine:
    name: collar
    adjectives: [grey, iron]
    location: worn
    wearable: true
scenes:
  hall:
    title: Hall
    text: A collar hangs on a hook; another lies on a cushion.
    things:
      hooked:
        name: collar
        adjectives: [grey, steel]
      cushioned:
        name: collar
        adjectives: [grey, steel]
"""


def test_which_one_never_lists_two_that_print_the_same(tmp_path):
    from adventure.engine.naming import apart

    game = game_of(tmp_path, COLLARS)
    things = game.story.things
    assert apart([things["mine"], things["hooked"]]) == \
        "the grey iron collar or the grey steel collar"
    s = Session(game, seed=1)
    asked = s.submit("x collar").text
    assert asked.startswith("Which do you mean")
    listed = asked.removeprefix("Which do you mean, ").rstrip("?").replace(" or ", ", ")
    # two that no adjective tells apart are numbered, and a number answers
    assert listed == "1) the grey steel collar, 2) the grey steel collar"
    assert "nothing remarkable" in s.submit("1").text
