"""Branches in their own files: `extend` adds to scenes defined elsewhere."""

from __future__ import annotations

import shutil

import pytest
from conftest import DEMO, play
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.engine.session import Game, Session
from adventure.engine.world import World
from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story

BRANCH = """\
extend:
  airlock:
    actions:
      - id: pray
        commands: [pray]
        label: Pray to the Prophets
        text: Nobody answers.${if power_on} The lights hum.${end}
      - commands: [kneel]
        do: [reveal airlock.pray]
        text: You kneel.
    variants:
      - when: visited(airlock) > 1
        text: The airlock again, familiar now.
    on_enter: [say A draught stirs.]
    exits:
      up: corridor
    things:
      poster:
        name: faded poster
        description: A poster of a beach.
    hints: [Try praying.]
"""


@pytest.fixture
def branched(tmp_path):
    root = tmp_path / "story"
    shutil.copytree(DEMO, root)
    (root / "zz-branch.yaml").write_text(BRANCH)
    return root


SECOND = """\
extend:
  airlock:
    actions:
      - {id: sing, commands: [sing], label: Sing a hymn, text: You sing.}
"""


def _labels(root) -> dict[str, list[str]]:
    game = Game(load_story(root))
    out = {}
    for sid in game.story.scenes:
        s = Session(game, seed=1)
        s.state.scene = sid
        out[sid] = [o.label for o in game.offers(World(game.story, s.state))]
    return out


def test_a_branch_never_renumbers_the_choices_a_scene_had(branched, tmp_path):
    """Every scene's choices before a branch keep their numbers after it, and a second
    branch keeps the first one's too (each file's choices come after the earlier ones)."""
    before = _labels(DEMO)
    one = _labels(branched)
    (branched / "zzz-second.yaml").write_text(SECOND)
    two = _labels(branched)
    for sid, labels in before.items():
        assert one[sid][:len(labels)] == labels and two[sid][:len(one[sid])] == one[sid]
    assert two["airlock"][len(one["airlock"]):] == ["Sing a hymn"]


def test_an_extension_adds_actions_variants_effects_exits_things_and_hints(branched):
    s = Session(Game(load_story(branched)), seed=1)
    opening = s.opening
    assert "A draught stirs." in opening.text
    assert [c.label for c in opening.choices] == [  # the scene's own choices keep 1..n
        "Go north (Dark corridor)", "Pray to the Prophets", "Go up (Dark corridor)"]
    assert s.submit("pray").text == "Nobody answers."
    assert s.submit("x faded poster").text == "A poster of a beach."
    assert s.submit("kneel").text == "You kneel."
    assert s.submit("up").status.scene == "corridor"
    res = s.submit("s")
    assert "The airlock again, familiar now." in res.text
    s.submit("hint")
    assert "Hint 2 of 2: Try praying." in s.submit("hint").text  # appended to the scene's


def test_the_original_file_is_untouched_and_still_loads_alone():
    story = load_story(DEMO)
    assert "airlock.pray" not in story.actions_by_key


def problems(root):
    with pytest.raises(StoryError) as err:
        load_story(root, "st")
    return [str(d) for d in err.value.diagnostics]


def test_two_files_adding_the_same_action_are_reported_with_both_places(branched):
    (branched / "zz-other.yaml").write_text(
        "extend:\n  airlock:\n    actions:\n      - {id: pray, commands: [pray hard]}\n")
    (msg,) = problems(branched)
    assert msg.startswith("st/zz-other.yaml:4:") and "action 'pray' of scene 'airlock' is " \
        "defined twice: here and at st/zz-branch.yaml:4:9" in msg


def test_an_extension_that_redefines_an_exit_is_a_conflict(branched):
    (branched / "zz-other.yaml").write_text(
        "extend:\n  airlock:\n    exits:\n      north: bridge\n")
    (msg,) = problems(branched)
    assert "st/zz-other.yaml:4:7: error: exit 'north' of scene 'airlock' is defined twice: " \
        "here and at st/ship.yaml:" in msg


def test_extending_a_scene_that_does_not_exist(branched):
    (branched / "zz-other.yaml").write_text("extend:\n  airlok:\n    hints: [x]\n")
    (msg,) = problems(branched)
    assert msg == ("st/zz-other.yaml:2:3: error: 'extend' names scene 'airlok', which no "
                   "file defines (did you mean 'airlock'?)")


def test_unknown_key_in_an_extension(branched):
    (branched / "zz-other.yaml").write_text("extend:\n  airlock:\n    title: New\n")
    (msg,) = problems(branched)
    assert "unknown key 'title' in the extension of scene 'airlock'" in msg


def test_a_branch_can_add_whole_scenes_and_link_them_in(branched):
    (branched / "zz-other.yaml").write_text(
        "chapter: side\nscenes:\n  closet:\n    title: Closet\n    text: Dusty.\n"
        "    exits: {out: airlock}\n"
        "extend:\n  airlock:\n    exits:\n      closet: closet\n")
    s = Session(Game(load_story(branched)), seed=1)
    res = play(s, "closet")
    assert res.status.scene == "closet" and res.status.chapter == "side"


# -- the order of extensions: `order:` first, by it; then by file path ----------------------

def _ext(actions: str = "", exits: str = "", order: str = "", hint: str = "") -> str:
    body = f"    order: {order}\n" if order else ""
    if actions:
        body += f"    actions:\n      - {{id: {actions}, commands: [{actions}], " \
                f"label: {actions.capitalize()}, text: ok}}\n"
    if exits:
        body += f"    exits:\n      {exits}: corridor\n"
    if hint:
        body += f"    hints: [{hint}]\n"
    return "extend:\n  airlock:\n" + body


def _warnings(root) -> list[str]:
    return [str(w) for w in load_story(root, "st").info.warnings]


def test_a_new_file_never_moves_an_extension_that_has_an_order(branched):
    """The branch a story ships pins its place with `order:`; a later file whose path
    sorts first still comes after it, whatever it adds."""
    pinned = branched / "zz-branch.yaml"
    pinned.write_text(BRANCH.replace("  airlock:\n", "  airlock:\n    order: 1\n", 1))
    before = _labels(branched)
    (branched / "aa-new.yaml").write_text(_ext(actions="sing", exits="up_again"))
    after = _labels(branched)
    for sid, labels in before.items():
        assert after[sid][:len(labels)] == labels
    assert after["airlock"][len(before["airlock"]):] == ["Sing", "Go to Dark corridor"]
    assert _warnings(branched) == []  # one extension without an order is no tie


def test_an_order_puts_extensions_in_that_order_with_their_exits_and_hints(branched):
    (branched / "zz-branch.yaml").unlink()
    (branched / "aa.yaml").write_text(_ext(actions="sing", order="2", hint="Sing."))
    (branched / "mm.yaml").write_text(_ext(exits="up", order="1", hint="Go up."))
    (branched / "bb.yaml").write_text(_ext(actions="dance", hint="Dance."))  # no order: last
    s = Session(Game(load_story(branched)), seed=1)
    assert [c.label for c in s.opening.choices] == [
        "Go north (Dark corridor)", "Go up (Dark corridor)", "Sing", "Dance"]
    hints = [s.submit("hint").text for _ in range(4)]
    assert [h.split(": ", 1)[1].split(".")[0] for h in hints[1:]] == ["Go up", "Sing", "Dance"]


def test_two_extensions_that_could_trade_places_are_warned_with_the_fix(branched):
    (branched / "aa-new.yaml").write_text(_ext(actions="sing"))
    (msg,) = _warnings(branched)
    assert msg == (
        "st/zz-branch.yaml:2:3: warning: this extension of scene 'airlock' and the one at "
        "st/aa-new.yaml:2:3 have no 'order:', so their choices are numbered by file path, "
        "and a file added or renamed between them renumbers one of them; to keep the "
        "numbers they have now, give the one at st/aa-new.yaml:2:3 'order: 1' and this one "
        "'order: 2' (extensions with an order come first, lower first; those without one "
        "come after them all)")
    before = _labels(branched)
    (branched / "aa-new.yaml").write_text(_ext(actions="sing", order="1"))
    (branched / "zz-branch.yaml").write_text(
        BRANCH.replace("  airlock:\n", "  airlock:\n    order: 2\n", 1))
    assert _warnings(branched) == [] and _labels(branched) == before  # the fix as told
    (branched / "zz-branch.yaml").write_text(
        BRANCH.replace("  airlock:\n", "  airlock:\n    order: 1\n", 1))
    (msg,) = _warnings(branched)
    assert msg.startswith("st/zz-branch.yaml:3:5: warning: this extension of scene "
                          "'airlock' has the same 'order: 1' as the one at "
                          "st/aa-new.yaml:2:3") and "(order: 2)" in msg


@pytest.mark.parametrize("value", ["yes", "'1'", "1.5", "[1]"])
def test_an_order_that_is_not_a_whole_number(branched, value):
    (branched / "aa-new.yaml").write_text(_ext(actions="sing", order=value))
    (msg,) = problems(branched)
    assert msg.startswith("st/aa-new.yaml:3:12: error: 'order' is a whole number"), msg


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text("abz-_", min_size=1, max_size=4), min_size=1, max_size=3,
                      unique=True))
def test_files_added_under_any_names_renumber_no_ordered_extension(branched, names):
    pinned = branched / "zz-branch.yaml"
    pinned.write_text(BRANCH.replace("  airlock:\n", "  airlock:\n    order: 1\n", 1))
    for old in branched.glob("new-*.yaml"):
        old.unlink()
    before = _labels(branched)
    for i, name in enumerate(names):
        (branched / f"new-{name}.yaml").write_text(_ext(actions=f"act{i}"))
        after = _labels(branched)
        assert after["airlock"][:len(before["airlock"])] == before["airlock"]
