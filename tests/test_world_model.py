"""The world model an Inform author expects: light and the dark, the matching order
(a failing guard falls through), fallbacks by kind, meta commands, exits with effects,
the engine's wording, endings and their score line, and what `check` says of them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from adventure.author.matching import matching_problems
from adventure.author.storytests import run_all
from adventure.engine.session import Game, Session
from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "cloak"

CELLAR = """\
story:
  id: cellar
  title: Cellar
  author: Tester
  version: "3"
  start: stairs
  max_score: 4
  ranks: {0: Mole, 2: Badger}
  state:
    stumbles: 0
    lamp_on: false
    left: false
  wording:
    worn: being worn
    dark_title: Gloom
    not_possible: Not now, not like this.
things:
  lamp:
    name: lamp
    location: player
    portable: true
    light: lamp_on
  hat:
    name: hat
    location: worn
    wearable: true
scenes:
  stairs:
    title: ${if left}Stairs Again${else}Stairs${end}
    text: Steps lead down into the cellar.
    exits:
      down:
        to: cellar
        do: [score += 1]
        text: You go down.
    actions:
      - id: light
        commands: [light lamp, switch on lamp]
        do: [set lamp_on]
        text: The lamp glows.
      - id: jump
        commands: [jump]
        when: stumbles > 5
      - id: jump_low
        commands: [jump]
        text: You hop on the spot.
      - id: take_hat
        verbs: [take]
        thing: hat
        when: false
  cellar:
    title: Cellar
    dark: true
    text: Barrels line the walls.
    things:
      barrel:
        name: barrel
        description: Oak.
    exits:
      up:
        to: stairs
        do: [set left]
    fallback:
      when: dark
      text: You fumble about.
      do: [stumbles += 1]
      go:
        text: You walk into a barrel.
        do: [stumbles += 2]
  score:
    title: Scoreboard
    text: Never visited.
"""


@pytest.fixture(scope="module")
def cellar(tmp_path_factory) -> Game:
    root = tmp_path_factory.mktemp("cellar") / "story"
    root.mkdir()
    (root / "story.yaml").write_text(CELLAR, encoding="utf-8")
    return Game(load_story(root))


def play(game: Game, *lines: str) -> tuple[Session, list[str]]:
    s = Session(game, seed=1)
    out = []
    for line in lines:
        out.append(s.submit(line).text)
    return s, out


def test_a_dark_scene_shows_darkness_and_hides_what_is_there(cellar):
    s, out = play(cellar, "down", "x barrel")
    assert "Gloom" in out[0] and "pitch dark" in out[0] and "Barrels" not in out[0]
    assert "can't see any 'barrel'" in out[1]
    assert s.state.vars["stumbles"] == 0  # a thing not in sight is not a blunder
    assert s.last is not None and s.last.status.title == "Gloom"


def test_a_lit_light_source_lights_the_dark(cellar):
    s, out = play(cellar, "light lamp", "down", "x barrel")
    assert "Barrels line the walls" in out[1]
    assert out[2] == "Oak."


def test_the_fallback_tells_movement_from_other_actions(cellar):
    s, out = play(cellar, "down", "north", "i", "xyzzy", "score", "up")
    assert "walk into a barrel" in out[1]
    assert "fumble about" in out[2]
    assert "isn't a command I know" in out[3]  # unknown words are not caught
    assert "scored 1 out of a possible 4" in out[4]  # meta: not caught, no turn
    assert s.state.vars["stumbles"] == 3
    assert s.state.scene == "stairs" and s.state.vars["left"]  # the exit's effect ran


def test_meta_commands_take_no_turn(cellar):
    s, out = play(cellar, "score", "about", "brief", "verbose")
    assert "rank of Mole" in out[0]
    assert out[1].startswith("Cellar by Tester. Release 3.")
    assert s.state.turn == 0


def test_brief_mode_names_a_place_seen_before(cellar):
    s, out = play(cellar, "light lamp", "brief", "down", "up", "down")
    assert "Barrels" in out[2] and "Barrels" not in out[4]
    s.submit("verbose")
    assert "Barrels" in s.submit("look").text


def test_a_failing_guard_falls_through_to_the_next_match(cellar):
    s, out = play(cellar, "jump", "take hat")
    assert out[0] == "You hop on the spot."
    assert "already have" in out[1] or "Taken" in out[1]  # the built-in, not a refusal
    resolved = [e.resolved for e in s.log]
    assert resolved[0].endswith(":jump_low")  # saves replay what actually happened


def test_every_match_refusing_lets_the_first_refusal_speak(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(CELLAR.replace(
        "        text: You hop on the spot.", "        when: false"), encoding="utf-8")
    _, out = play(Game(load_story(root)), "jump")
    assert out[0] == "Not now, not like this."  # the story's wording of the refusal


def test_a_title_is_a_template(cellar):
    s, out = play(cellar, "light lamp", "down", "up")
    assert out[2].startswith("Stairs Again")
    assert cellar.story.scenes["stairs"].title == "Stairs"  # as in the initial state


def test_inventory_uses_the_story_wording(cellar):
    _, out = play(cellar, "i")
    assert "a hat (being worn)" in out[0]


def test_a_story_action_named_like_a_meta_command_wins(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(CELLAR + textwrap.dedent("""\
        global_actions:
          - id: my_score
            commands: [score]
            text: Your own score.
        """), encoding="utf-8")
    _, out = play(Game(load_story(root)), "score")
    assert out[0] == "Your own score."


def test_check_warns_of_shadowed_and_notes_fall_through(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(CELLAR.replace(
        "      - id: jump\n        commands: [jump]\n        when: stumbles > 5\n",
        "      - id: jump\n        commands: [jump]\n        text: Boing.\n"), encoding="utf-8")
    warnings, notes = matching_problems(load_story(root))
    assert any("'jump_low'" in str(w) and "never reached" in str(w) for w in warnings)
    assert any("'take_hat'" in str(n) and "built-in 'take'" in str(n) for n in notes)


@pytest.mark.parametrize("bad, message", [
    ("  ranks: {0: Mole, 2: Badger}", "  ranks: {zero: Mole}"),
    ("    worn: being worn", "    wron: being worn"),
])
def test_bad_ranks_and_wording_are_located(tmp_path, bad, message):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(CELLAR.replace(bad, message), encoding="utf-8")
    with pytest.raises(StoryError) as err:
        load_story(root)
    text = str(err.value)
    assert "story.yaml:" in text
    assert ("a rank starts at a whole number" in text) or ("unknown wording 'wron' (did "
                                                           "you mean 'worn'?)" in text)


def test_wrong_shape_of_a_known_effect_names_its_form(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(CELLAR.replace(
        "do: [set left]", "do: [move lamp on to stairs]"), encoding="utf-8")
    with pytest.raises(StoryError) as err:
        load_story(root)
    assert "'move' is written 'move THING to PLACE'" in str(err.value)
    assert "did you mean 'move'" not in str(err.value)


def test_a_location_typo_suggests_a_built_in_place(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    text = CELLAR.replace("    location: worn\n", "    location: wron\n").replace(
        "  score:\n    title: Scoreboard", "  won:\n    title: Won")
    (root / "story.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(StoryError) as err:
        load_story(root)
    assert "unknown location 'wron' (did you mean 'worn'?)" in str(err.value)


def test_the_worked_example_passes_its_walkthroughs():
    story = load_story(EXAMPLE)
    outcomes = run_all(story, EXAMPLE, "cloak")
    assert len(outcomes) == 2 and all(o.passed for o in outcomes), outcomes
    assert len((EXAMPLE / "story.yaml").read_text().splitlines()) < 150


def test_choices_with_none_on_offer_says_so(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(CELLAR.replace(
        "      down:\n        to: cellar", "      down:\n        to: cellar\n        hidden: true"
    ).replace("      - id: light\n", "      - id: light\n        hidden: true\n").replace(
        "        commands: [jump]\n        text: You hop", "        commands: [jump]\n"
        "        hidden: true\n        text: You hop"), encoding="utf-8")
    s = Session(Game(load_story(root)), seed=1)
    assert s.submit("choices").text == ("There are no numbered choices here; type a command "
                                         "(or 'help').")


VAULT = """\
story:
  id: vault
  title: Vault
  start: hall
  state:
    lamp_on: false
  wording:
    dark_examine: "Only {the}'s breathing tells you where to find {pronoun}."
things:
  lamp:
    name: lamp
    location: player
    portable: true
    light: lamp_on
  nell:
    name: Nell
    article: none
    pronoun: her
    location: hall
    holds: "on"
    description: Nell, in a miner's coat.
  pick:
    name: pick
    portable: true
    location: nell
scenes:
  hall:
    title: Hall
    text: A hall. Nell waits by the vault door.
    exits:
      down:
        to: vault
        do: [move nell to vault]
    actions:
      - id: light
        commands: [light lamp]
        do: [set lamp_on]
        text: The lamp glows.
  vault:
    title: Vault
    dark: true
    text: A vault of bare rock.
    exits:
      up:
        to: hall
        do: [move nell to hall]
    things:
      crate:
        name: crate
        description: A crate.
    actions:
      - id: ask_nell
        verbs: [ask, talk to]
        thing: nell
        text: '"Still here," says Nell.'
"""


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Game:
    root = tmp_path_factory.mktemp("vault") / "story"
    root.mkdir()
    (root / "story.yaml").write_text(VAULT, encoding="utf-8")
    return Game(load_story(root))


def test_a_companion_is_heard_in_the_dark(vault):
    s, out = play(vault, "down", "talk to nell", "ask her about the way", "x nell",
                  "take nell", "take pick", "x crate", "listen to nell")
    assert "You can hear Nell close by." in out[0] and "bare rock" not in out[0]
    assert out[1] == out[2] == '"Still here," says Nell.'  # her own action, by voice
    assert out[3] == "Only Nell's breathing tells you where to find her."  # story wording
    assert "too dark" in out[4] and "Nell" in out[4]  # touching is seeing, in the dark
    assert "can't see any 'pick'" in out[5]  # what she holds is not heard
    assert "can't see any 'crate'" in out[6]
    assert "from Nell" in out[7]


def test_a_companion_seen_again_in_the_light(vault):
    s, out = play(vault, "light lamp", "down", "x nell", "x crate")
    assert out[2].startswith("Nell, in a miner's coat.") and out[3] == "A crate."
    assert "You can hear" not in out[1] and "On Nell is a pick" in out[2]


def test_a_person_elsewhere_is_not_heard_in_the_dark(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(VAULT.replace("do: [move nell to vault]", "text: Alone."),
                                     encoding="utf-8")
    _, out = play(Game(load_story(root)), "down", "talk to nell")
    assert "You can hear" not in out[0]
    assert "can't see any 'nell'" in out[1]
