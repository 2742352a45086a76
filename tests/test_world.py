"""World: the turn's writes (its undo record) and what is in reach."""

from __future__ import annotations

import pytest

from adventure.engine.state import _DICT_FIELDS, _OTHER_FIELDS, FIELDS, GONE
from adventure.engine.world import PLAYER, World


def _world(demo_game):
    return World(demo_game.story, demo_game.new_state(seed=1))


def test_a_write_keeps_the_value_from_before_the_command_only_once(demo_game):
    w = _world(demo_game)
    w.state.vars["n"] = 1
    w.write("vars", "n", 2)
    w.write("vars", "n", 3)
    w.write("vars", "fresh", True)
    assert w.state.vars["n"] == 3 and w.state.vars["fresh"] is True
    assert w.written == {"vars": {"n": 1, "fresh": GONE}}


def test_a_world_on_a_fork_writes_to_copies_and_leaves_the_state_it_came_from(demo_game):
    before = demo_game.new_state(seed=1)
    var = next(iter(before.vars))
    kept = before.copy()
    w = World(demo_game.story, before.fork(), forked=True)
    assert w.state.vars is before.vars  # shared until written
    w.write("vars", var, "changed")
    w.write("visits", "corridor", 1)
    w.move("locket", "airlock")
    assert w.vars[var] == "changed" and w.vars is w.state.vars  # what expressions read
    assert w.state.visits == {**before.visits, "corridor": 1}
    assert w.location("locket") == "airlock"
    assert before == kept  # the state the turn began from is as it was
    assert w.state.undone(before.undo_record(w.state, w.written)) == before


def test_unset_records_the_removed_value_and_ignores_an_absent_key(demo_game):
    w = _world(demo_game)
    w.state.moved["locket"] = "airlock"
    w.unset("moved", "locket")
    w.unset("moved", "never_there")
    assert "locket" not in w.state.moved
    assert w.written == {"moved": {"locket": "airlock"}}


def test_the_undo_record_of_the_writes_takes_the_state_back(demo_game):
    w = _world(demo_game)
    before = w.state.copy()
    w.write("visits", "corridor", 1)
    w.move("locket", "airlock")  # the locket starts on the player
    w.write("vars", next(iter(w.state.vars)), "changed")
    w.state.turn += 1
    delta = before.undo_record(w.state, w.written)
    assert w.state.undone(delta) == before
    assert set(before.undo_delta(w.state)[::3]) == set(delta[::3])  # the same fields


@pytest.mark.parametrize("field", _OTHER_FIELDS)
def test_every_field_that_is_not_a_dict_is_in_the_undo_record(demo_game, field):
    before = demo_game.new_state(seed=1)
    after = before.copy()
    setattr(after, field, {"timers": [[3, "e"]], "stack": ["bridge"], "pending": {"x": 1},
                           "ended": "bridge", "scene": "bridge"}.get(field, 12345))
    assert before.undo_record(after, {}) == (field, None, getattr(before, field))
    assert after.undone(before.undo_record(after, {})) == before


def test_the_fields_are_the_dicts_and_the_others():
    assert set(_DICT_FIELDS) | set(_OTHER_FIELDS) == set(FIELDS)
    assert not set(_DICT_FIELDS) & set(_OTHER_FIELDS)


def test_a_value_written_back_as_it_was_is_no_change(demo_game):
    w = _world(demo_game)
    before = w.state.copy()
    var = next(iter(w.state.vars))
    old = w.state.vars[var]
    w.write("vars", var, "something else")
    w.write("vars", var, old)
    assert before.undo_record(w.state, w.written) == ()


def test_scope_follows_a_moved_thing_and_a_change_of_scene(demo_game):
    w = _world(demo_game)
    assert "locket" in w.scope()  # carried
    first = w.scope()
    assert w.scope() is first  # kept while nothing changes
    w.move("locket", "engineering")
    assert "locket" not in w.scope()
    w.state.scene = "engineering"
    assert "locket" in w.scope()
    assert "locket" not in {t.id for t in w.contents(PLAYER)}
    assert "locket" in {t.id for t in w.contents("engineering")}


def _thing(name: str, article: str, pronoun: str = "it", portable: bool = False):
    from adventure.story.model import Thing
    from adventure.story.vocab import words

    return Thing(name.lower(), words(name), frozenset(), [], article, None, "nowhere", portable,
                 False, None, False, None, pronoun=pronoun, called=name)


def test_a_thing_is_named_in_sentences_by_its_article():
    assert _thing("padd", "a").the() == "the padd"
    assert _thing("padd", "a").The() == "The padd"
    assert _thing("locket", "your").The() == "Your locket"
    assert _thing("O'Brien", "none", "him").the() == "O'Brien"  # a name, as written
    assert _thing("O'Brien", "none", "him").with_article() == "O'Brien"
    assert _thing("O'Brien", "none", "him").is_() == "he is"
    assert _thing("Kira", "none", "her").is_() == "she is"
    assert _thing("rations", "some", "them").is_() == "they are"


def test_built_in_replies_name_a_character_as_a_character(campaign_game):
    from conftest import TO_SECURITY, play

    from adventure.engine.session import Session

    s = Session(campaign_game, seed=1)
    play(s, *TO_SECURITY)
    assert s.submit("take odo").text == "Odo stays where he is."
    asked = s.submit("ask odo about the wormhole").text  # his own voice (issue 18)
    assert asked.startswith("Odo") and "nothing to say" not in asked
    assert s.submit("wear odo").text == "You can't wear Odo."


def test_a_copy_has_every_field_and_shares_no_container(demo_game):
    st = demo_game.new_state(seed=1)
    st.timers.append([3, "e"])
    st.stack.append("bridge")
    st.pending = {"confirm": ["x"]}
    c = st.copy()
    assert c == st
    for name in FIELDS:
        value = getattr(st, name)
        if isinstance(value, (dict, list)):
            assert getattr(c, name) is not value, name
    assert c.timers[0] is not st.timers[0]


def test_hiding_a_thing_you_can_carry_is_not_hiding_in_it():
    """'hide it' with a phaser in hand read "You can't hide there." (seen in play)."""
    from adventure.engine.verbs import default_reply

    assert default_reply("hide", [_thing("phaser", "a", portable=True)]) == \
        "There is nowhere here to hide the phaser."
    assert default_reply("hide", [_thing("crate", "a")]) == "You can't hide there."
