"""The world model an Inform author expects: light and the dark, the matching order
(a failing guard falls through), fallbacks by kind, meta commands, exits with effects,
the engine's wording, endings and their score line, and what `check` says of them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import game_of

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
    return game_of(tmp_path_factory.mktemp("cellar"), CELLAR)


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
    return game_of(tmp_path_factory.mktemp("vault"), VAULT)


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


LANTERN = """\
story:
  id: lantern
  title: Lantern
  start: shed
  max_score: 1
  state:
    lit: false
    name: Ada
things:
  lantern:
    name: ${if lit}lit${else}cold${end} lantern
    location: shed
    portable: true
    description: A tin lantern.
  ghost:
    name: ${name}
    synonyms: [ghost, spirit]
    article: none
    pronoun: her
    location: shed
    listed: true
scenes:
  shed:
    title: Shed
    text: A shed.
    actions:
      - id: light
        commands: [light lantern]
        do: [set lit, name = "Old Ada"]
        text: It catches.
      - id: leave
        commands: [leave]
        to: out
  out:
    title: Out
    text: ""
    ending:
      kind: victory
      title: ${if lit}Out, by lantern light${else}Out in the dark${end}
"""


@pytest.fixture(scope="module")
def lantern(tmp_path_factory) -> Game:
    return game_of(tmp_path_factory.mktemp("lantern"), LANTERN)


def test_a_things_name_is_a_template(lantern):
    s, out = play(lantern, "look", "take lantern", "light lantern", "i", "x lit lantern",
                  "x cold lantern", "x spirit", "drop it", "look")
    assert "a cold lantern" in out[0] and "Ada" in out[0]
    assert out[3] == "You are carrying a lit lantern."  # named as it reads now
    assert out[4] == out[5] == "A tin lantern."  # every word it can show still names it
    assert "Old Ada" in out[6]
    assert "You can see a lit lantern and Old Ada here." in out[8]


def test_a_templated_name_reads_as_at_the_start_outside_play(lantern):
    t = lantern.story.things["lantern"]
    assert t.display == "cold lantern" and t.the() == "the cold lantern"
    assert t.name == ("lantern",)  # the words a player types do not change with the state
    assert lantern.story.things["ghost"].display == "Ada"
    assert lantern.story.scenes["out"].ending.title == "Out in the dark"


def test_an_ending_title_is_a_template(lantern):
    _, out = play(lantern, "light lantern", "leave")
    assert "*** Out, by lantern light ***" in out[1]
    _, out = play(lantern, "leave")
    assert "*** Out in the dark ***" in out[0]


def test_a_name_all_in_template_needs_synonyms(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(LANTERN.replace("    synonyms: [ghost, spirit]\n", ""),
                                     encoding="utf-8")
    with pytest.raises(StoryError) as err:
        load_story(root)
    assert "story.yaml:16:11: error: the name of thing 'ghost' is all ${...}" in str(err.value)


def test_check_locates_a_template_where_text_is_not_one(tmp_path):
    from adventure.author.checks import static_warnings

    root = tmp_path / "story"
    root.mkdir()
    text = (LANTERN.replace("  title: Lantern\n", "  title: Lantern\n  author: ${name}\n")
            .replace("  max_score: 1\n", "  max_score: 1\n  ranks: {0: '${name} the Dim'}\n")
            .replace("commands: [leave]", "commands: [leave, 'go ${name}']")
            .replace("      kind: victory", "      kind: ${name}"))
    (root / "story.yaml").write_text(text, encoding="utf-8")
    story = load_story(root)
    found = [str(d) for d in static_warnings(story)]
    lines = text.splitlines()

    def at(line_has: str, value: str) -> str:  # where `value` is written on its line
        n = next(i for i, line in enumerate(lines) if line_has in line)
        return f"story.yaml:{n + 1}:{lines[n].index(value) + 1}: warning: "

    for where, what in [(at("author:", "${name}"), "the story's author is shown as written"),
                        (at("ranks:", "'${name}"), "rank 0 is shown as written"),
                        (at("commands: [leave", "'go"), "'commands' holds words a player"),
                        (at("kind: ${name}", "${name}"), "an ending's kind is shown as")]:
        assert any(where + what in w for w in found), (where, what, found)
    # titles, names and every other text are templates: nothing said of them
    assert len([w for w in found if "'${...}' is not filled in" in w]) == 4, found


def test_a_story_test_says_that_it_expects_text_as_written(tmp_path):
    root = tmp_path / "story"
    (root / "tests").mkdir(parents=True)
    (root / "story.yaml").write_text(LANTERN, encoding="utf-8")
    (root / "tests" / "t.yaml").write_text(
        "steps:\n  - do: look\n    expect: {lacks: ['${name}'], contains: [Ada]}\n")
    [outcome] = run_all(load_story(root), root, "story")
    assert not outcome.passed
    assert "'lacks' expects '${name}', which is compared as written" in str(outcome), outcome


def test_the_worked_example_passes_check_strict_and_maps_its_real_exits():
    import subprocess
    import sys

    script = Path(sys.executable).parent / "adventure"
    res = subprocess.run([str(script), "check", "--strict", "--story", str(EXAMPLE)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "warning" not in res.stdout and "never taken" not in res.stdout
    graph = subprocess.run([str(script), "graph", "--story", str(EXAMPLE)],
                           capture_output=True, text=True, timeout=60).stdout
    story = load_story(EXAMPLE)
    drawn = {line.split()[0] + " " + line.split()[-1] for line in graph.splitlines()
             if "-->|" in line and '|"read' not in line}
    real = {f"s_{s.id} s_{ex.to}" for s in story.scenes.values() for ex in s.exits
            if not ex.blocked}
    assert drawn == real and all(a != b for a, b in (d.split() for d in drawn))
    assert any(ex.blocked for s in story.scenes.values() for ex in s.exits)


def test_a_way_that_leads_nowhere_only_refuses(tmp_path):
    story = load_story(EXAMPLE)
    s = Session(Game(story), seed=1)
    assert s.last is not None and not any("north" in c.label.lower() for c in s.last.choices)
    out = s.submit("north").text
    assert "not going back out" in out and s.state.turn == 1  # the player tried
    here = story.scenes[story.start].title
    assert "not going back out" not in s.submit(f"go to {here}").text  # not a way there
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text((EXAMPLE / "story.yaml").read_text().replace(
        "      north:\n        refuse:", "      north:\n        when: false\n        refuse:"))
    with pytest.raises(StoryError) as err:
        load_story(root)
    assert "exit 'north' leads nowhere (it has no 'to'), so it only refuses: 'when'" \
        in str(err.value)


def test_points_guarded_by_done_are_scored_once():
    s = Session(Game(load_story(EXAMPLE)), seed=1)
    for line in ("w", "hang cloak on hook", "take cloak", "hang cloak on hook"):
        s.submit(line)
    assert s.state.score == 1 and s.state.done["cloakroom.hang"] == 2


def test_a_suggestion_is_made_once_and_hang_cloak_needs_no_hook():
    import re

    s = Session(Game(load_story(EXAMPLE)), seed=1)
    s.submit("w")
    said = s.submit("hangg").text
    suggested = re.findall(r"'([^']+)'", said.split("Did you mean:")[1].split("?")[0])
    assert suggested and len(suggested) == len(set(suggested)), said  # not 'hang', 'hang'
    assert "You hang the velvet cloak" in s.submit("hang cloak").text


EVERY_TEXT = """\
story:
  id: texts
  title: Texts
  start: room
  state:
    n: 7
  wording:
    not_possible: Not possible, ${n}.
events:
  bell:
    text: The bell rings ${n} times.
scenes:
  room:
    title: Room ${n}
    text: A room.
    exits:
      north:
        to: room
        when: false
        refuse: North is shut, ${n}.
      west:
        refuse: West leads nowhere, ${n}.
    things:
      statue:
        name: statue
        take_refuse: Statue ${n} is too heavy.
    actions:
      - id: ring
        commands: [ring]
        label: Ring ${n} times
        do: [schedule bell in 0]
      - id: sing
        commands: [sing]
        when: false
        refuse: You cannot sing, ${n}.
      - id: dance
        commands: [dance]
        when: false
    fallback:
      when: n > 100
      text: Never.
      go: Never go ${n}.
"""


def test_every_text_a_player_reads_is_a_template(tmp_path):
    root = tmp_path / "story"
    root.mkdir()
    (root / "story.yaml").write_text(EVERY_TEXT, encoding="utf-8")
    s = Session(Game(load_story(root)), seed=1)
    assert s.last is not None and "Room 7" in s.last.text
    assert [c.label for c in s.last.choices] == ["Ring 7 times"]
    said = {line: s.submit(line).text for line in
            ("north", "west", "take statue", "ring", "sing", "dance")}
    assert said == {"north": "North is shut, 7.", "west": "West leads nowhere, 7.",
                    "take statue": "Statue 7 is too heavy.",
                    "ring": said["ring"], "sing": "You cannot sing, 7.",
                    "dance": "Not possible, 7."}
    assert "The bell rings 7 times." in said["ring"]


def test_the_score_line_counts_turns_in_good_english(cellar):
    """'in 1 turn', 'in 2 turns' (and 'in 0 turns'): never 'in 1 turns'."""
    _, out = play(cellar, "score", "light lamp", "score", "wait", "score")
    assert "in 0 turns." in out[0]
    assert "in 1 turn." in out[2]
    assert "in 2 turns." in out[4]


DOORSTEP = """\
story:
  id: doorstep
  title: Doorstep
  start: step
  max_score: 1
scenes:
  step:
    title: Step
    text: A doorstep.
    actions:
      - id: leave
        commands: [leave]
        to: gone
  gone:
    title: Gone
    text: ""
    ending:
      kind: victory
      title: Gone
"""


def test_an_endings_score_line_counts_the_move_that_ended_the_game(tmp_path):
    """The turn that reaches an ending is counted in its score line, as the status line
    counts it: 'in 1 turn' for a game won with its first command."""
    game = game_of(tmp_path, DOORSTEP)
    for lines, said in ((["leave"], "in 1 turn."), (["wait", "leave"], "in 2 turns.")):
        s, out = play(game, *lines)
        assert said in out[-1] and s.state.turn == len(lines), out[-1]
