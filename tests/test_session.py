"""The I/O-free session API, played through the demo story."""

from __future__ import annotations

from conftest import play

from adventure.engine.session import Game, Session
from adventure.engine.state import GameState

TO_ENGINEERING = ("n", "aft")
POWER = (*TO_ENGINEERING, "pull lever")
TO_BRIDGE = (*POWER, "fore", "fore")


def labels(result):
    return [c.label for c in result.choices]


def test_opening_shows_intro_first_scene_and_choices(demo):
    res = demo.opening
    styles = [s for s, _ in res.paragraphs]
    intro = "A short demonstration story. Type 'help' for the commands."
    assert res.paragraphs[0] == ("text", intro)
    assert ("title", "Airlock") in res.paragraphs
    assert styles.index("title") < len(styles) - 1
    assert "The outer door seals behind you." in res.text  # on_enter effect, after the text
    assert labels(res) == ["Go north (Dark corridor)"]
    assert res.show_choices and res.status.turn == 0 and res.status.scene == "airlock"


def test_look_shows_the_choices_again_though_they_have_not_changed(demo):
    assert not demo.submit("inventory").show_choices  # unchanged: not repeated
    res = demo.submit("look")
    assert ("title", "Airlock") in res.paragraphs
    assert res.show_choices and labels(res) == ["Go north (Dark corridor)"]


def test_turns_advance_only_for_world_commands(demo):
    assert demo.submit("look").status.turn == 0  # looking is free, as in Inform
    assert demo.submit("inventory").status.turn == 0
    assert demo.submit("help").status.turn == 0
    assert demo.submit("xyzzy").status.turn == 0
    assert demo.submit("").status.turn == 0
    assert demo.submit("wait").status.turn == 1


def test_variant_and_conditional_text(demo):
    res = play(demo, "n", "s")
    assert "You have been here before." in res.text
    res = play(demo, *TO_ENGINEERING, "pull lever", "fore", "s")
    assert "every warning light awake" in res.text
    assert "cramped airlock" not in res.text


def test_hidden_action_is_typed_but_listed_only_after_reveal(demo):
    res = demo.submit("n")
    assert "Open the grille and crawl in" not in labels(res)
    res = demo.submit("search walls")
    assert "loose grille" in res.text
    assert "Open the grille and crawl in" in labels(res)
    assert "Search the walls" not in labels(res)  # once
    assert res.status.score == 2


def test_hidden_action_works_when_typed_before_reveal(demo):
    res = play(demo, "n", "open grille")
    assert res.status.scene == "crawlway"


def test_once_action_cannot_repeat(demo):
    play(demo, "n", "search walls")
    res = demo.submit("search walls")
    assert res.text == "You have already done that."
    assert res.status.score == 2 and res.status.turn == 2


def test_guarded_exit_refuses_with_its_text(demo):
    res = play(demo, "n", "fore")
    assert res.text == "The hatch is dead without power."
    assert res.status.scene == "corridor"
    assert "Open the bridge hatch" not in labels(res)


def test_guarded_action_refuses(demo):
    res = play(demo, *TO_ENGINEERING, "use spanner on panel")
    assert res.text == "You would need a tool, and the power must still be off."


def test_puzzle_has_two_solutions(demo_game):
    a = Session(demo_game, seed=1)
    play(a, *TO_ENGINEERING, "pull lever")
    b = Session(demo_game, seed=1)
    res = play(b, *TO_ENGINEERING, "take spanner", "use spanner on panel")
    assert a.state.vars["power_on"] and b.state.vars["power_on"]
    assert "The power comes on." in res.text


def test_fallback_answers_in_the_dark_but_exits_work(demo):
    play(demo, "n", "open grille")
    res = demo.submit("take chip")
    assert "pitch dark" in res.text
    assert "chip" not in demo.state.moved
    res = demo.submit("back")
    assert res.status.scene == "corridor"


def test_torch_lifts_the_fallback(demo):
    play(demo, *TO_ENGINEERING, "take torch", "fore", "open grille")
    res = demo.submit("take chip")
    assert res.text == "Taken."


def test_things_take_drop_wear_put(demo):
    assert demo.submit("take suit").text == "Taken."
    assert demo.submit("wear suit").text == "You put on the pressure suit."
    inv = demo.submit("i").text
    assert "a pressure suit (worn)" in inv and "your locket" in inv and "a badge (worn)" in inv
    assert demo.submit("remove spacesuit").text == "You take off the pressure suit."
    assert demo.submit("drop grey suit").text == "Dropped."
    assert "You can see a pressure suit here." in demo.submit("look").text
    play(demo, *TO_ENGINEERING)
    assert "In the toolbox are a torch and a spanner." in demo.submit("x toolbox").text
    assert demo.submit("take panel").text == "The panel is welded to the bulkhead."
    res = demo.submit("put spanner on panel")
    assert res.text == "You put the spanner on the breaker panel."
    assert "On the breaker panel is a spanner." in demo.submit("x panel").text
    res = demo.submit("put torch on toolbox")
    assert "You can't put things on the toolbox" in res.text


def test_conversation_returns_to_its_caller(demo):
    play(demo, *TO_BRIDGE)
    res = demo.submit("talk to computer")
    assert res.status.scene == "computer"
    assert demo.state.stack == ["bridge"]
    res = demo.submit("ask about code")
    assert demo.state.vars["code_known"] and demo.state.vars["trust"] == 1
    res = demo.submit("bye")
    assert res.status.scene == "bridge"
    assert demo.state.stack == []
    assert "Fly home" in labels(res)


def test_global_actions_overridden_and_disabled(demo):
    assert "ship does not applaud" in demo.submit("sing").text
    play(demo, *TO_BRIDGE)
    assert "speakers sing back" in demo.submit("sing").text
    demo.submit("talk to computer")
    assert "isn't a command" in demo.submit("sing").text
    assert "hum of power" in demo.submit("think").text  # a global with state in its text


def test_timed_event_moves_the_player_to_an_ending(demo):
    play(demo, *TO_BRIDGE, "sound alarm")
    assert demo.submit("wait").ended is None
    res = demo.submit("wait")
    assert "Boots ring on the deck." in res.text
    assert res.ended is not None and res.ended.kind == "defeat"
    assert res.choices == []
    assert "Would you like to RESTART, RESTORE a saved game, UNDO your last move or QUIT?" \
        in res.text
    assert demo.submit("look").status.scene == "captured"


def test_event_without_target_just_speaks(demo):
    play(demo, *POWER)
    res = demo.submit("wait")
    assert "The lights flicker." in res.text


def test_victory_ending_by_numbered_choices_alone(demo):
    # airlock: 1 north; corridor: 3 aft; engineering: 1 pull lever, then 1 fore;
    # corridor: 4 hatch; bridge: 1 talk; computer: 1 ask, 1 log off; bridge: 4 fly
    res = play(demo, "1", "3", "1", "1", "4", "1", "1", "1")
    assert res.status.scene == "bridge"
    assert labels(res)[3] == "Fly home"
    res = demo.submit("4")
    assert res.ended is not None and res.ended.kind == "victory"
    assert "You remember the computer kindly. You scored 15." in res.text


def test_restart_needs_confirmation_during_play_but_not_at_the_end(demo):
    play(demo, "n")
    res = demo.submit("restart")
    assert "Type 'yes' (or 'restart' again)" in res.text and demo.state.scene == "corridor"
    res = demo.submit("restart")
    assert res.status.scene == "airlock" and res.status.turn == 0
    play(demo, *TO_BRIDGE, "sound alarm", "z", "z")
    assert demo.state.ended
    assert demo.submit("restart").status.scene == "airlock"


def test_numbered_choice_out_of_range(demo):
    res = demo.submit("9")
    assert "Choose a number from 1 to 1." in res.text
    assert res.status.turn == 0


def test_unknown_command_suggests_listed_but_never_hidden(demo):
    demo.submit("n")
    res = demo.submit("look at the wals")
    assert "Did you mean: 'look at walls'" not in res.text
    res = demo.submit("srch the panls")  # too far from any word to correct
    assert "Did you mean: 'search walls'" in res.text
    res = demo.submit("open grile")
    assert "open grille" not in res.text  # hidden until revealed
    assert "You can't see any 'grile' here." in res.text


def test_quit(demo):
    res = demo.submit("quit")
    assert res.quit


def test_same_seed_same_game_and_different_seeds_differ(demo_game):
    script = (*TO_BRIDGE, "roll dice", "roll dice", "roll dice", "roll dice")
    a = [r.text for r in map(Session(demo_game, seed=5).submit, script)]
    b = [r.text for r in map(Session(demo_game, seed=5).submit, script)]
    assert a == b
    rolls = {tuple(r.text for r in map(Session(demo_game, seed=s).submit, script))[-4:]
             for s in range(6)}
    assert len(rolls) > 1


def test_state_round_trips_through_plain_data(demo_game, demo):
    """Like ink's suite: play on from a serialised copy and get the same game."""
    play(demo, *POWER, "take torch", "fore")
    copy = GameState.from_dict(demo.state.to_dict())
    assert copy == demo.state
    rest = ("open grille", "take chip", "back", "fore", "talk to computer", "ask about code",
            "bye", "roll dice", "fly home")
    direct = [demo.game.step(demo.state, c) for c in rest[:1]]
    state_a, state_b = demo.state, copy
    for c in rest:
        ra, rb = demo_game.step(state_a, c), demo_game.step(state_b, c)
        assert ra.paragraphs == rb.paragraphs
        state_a, state_b = ra.state, rb.state
    assert direct and state_a == state_b and state_a.ended == "home"


def test_step_does_not_change_the_state_it_is_given(demo_game):
    st = demo_game.new_state(3)
    before = st.to_dict()
    demo_game.step(st, "n")
    assert st.to_dict() == before


def test_one_game_serves_many_sessions(demo_game):
    a, b = Session(demo_game, seed=1), Session(demo_game, seed=2)
    a.submit("n")
    b.submit("take suit")
    a.submit("aft")
    assert a.state.scene == "engineering" and b.state.scene == "airlock"
    assert "suit" in b.state.moved and "suit" not in a.state.moved


def test_status_has_chapter_and_score(demo):
    res = play(demo, "n")
    assert res.status.chapter == "aboard" and res.status.score == 0
    assert res.status.max_score == 20
    res = play(demo, "aft", "pull lever", "fore", "fore")
    assert res.status.chapter == "escape"


def test_a_game_without_score_reports_none(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "story: {id: t, title: T, start: a}\nscenes:\n  a: {title: A, text: Hi.}\n")
    from adventure.story.loader import load_story
    res = Game(load_story(tmp_path)).begin(1)
    assert res.status.score is None and res.choices == []


RANDOM_LABELS = """story:
  id: r
  title: R
  start: a
  state: {}
scenes:
  a:
    title: A
    text: {one_of: ["Wind.", "Rain.", "Snow.", "Fog."]}
    actions:
      - id: wave
        label: {one_of: [Wave, Wave hello, Wave twice]}
        commands: [wave]
        text: You wave.
      - id: sing
        label: Sing
        commands: [sing]
        text: ${if chance(50)}You sing well.${else}You croak.${end}
    exits: {n: b}
  b:
    title: B
    text: A quiet room.
    actions:
      - {id: hum, label: Hum, commands: [hum], text: You hum.}
    exits: {s: a}
"""


def _random_story(tmp_path):
    from adventure.story.loader import load_story

    (tmp_path / "s.yaml").write_text(RANDOM_LABELS)
    return Game(load_story(tmp_path, "st"))


def test_completion_and_notices_never_move_the_game_s_random_generator(tmp_path):
    game = _random_story(tmp_path)
    s = Session(game, seed=5)
    rng = s.state.rng
    game.suggestions(s.state)
    s.submit("saves")  # a notice
    s.submit("undo")  # nothing to undo: a notice that looks around
    assert s.state.rng == rng


def test_choices_reused_from_the_last_turn_play_exactly_as_worked_out_afresh(tmp_path):
    """A session hands each step the choices of the turn before; a bare Game.step works
    them out again. Both must agree, in scenes with random labels and without."""
    from adventure.play.replay import rebuild

    game = _random_story(tmp_path)
    commands = ["1", "wave", "n", "1", "hum", "s", "2", "sing", "n", "2", "1", "s", "3"] * 3
    s = Session(game, seed=11)
    state = game.begin(11).state
    for c in commands:
        live = s.submit(c)
        fresh = game.step(state, c)
        state = fresh.state
        assert live.text == fresh.text and live.choices == fresh.choices
        assert live.show_choices == fresh.show_choices
        assert s.state == state
    assert rebuild(game, 11, s.log).state == s.state


FIXED_CHOICES = """story: {id: f, title: F, start: hall}
scenes:
  hall:
    title: Hall
    text: A hall.
    actions:
      - {id: knock, label: Knock, commands: [knock], text: Knock knock., do: [reveal secret]}
      - {id: secret, label: Open the panel, commands: [open panel], hidden: true,
         text: It opens., do: [hide secret]}
      - {id: lurk, commands: [lurk], text: You lurk., do: [reveal hall.lurk]}
    exits: {north: yard}
  yard:
    title: Yard
    text: A yard.
    exits: {south: hall}
"""


def test_a_scene_whose_choices_never_change_still_follows_reveal_and_hide(tmp_path):
    from adventure.story.loader import load_story

    (tmp_path / "s.yaml").write_text(FIXED_CHOICES)
    session = Session(Game(load_story(tmp_path, "st")), seed=1)
    labels = lambda res: [c.label for c in res.choices]  # noqa: E731
    assert labels(session.opening) == ["Knock", "Go north (Yard)"]
    assert labels(session.submit("knock")) == ["Knock", "Open the panel", "Go north (Yard)"]
    res = session.submit("open panel")
    assert labels(res) == ["Knock", "Go north (Yard)"] and res.show_choices
    assert labels(session.submit("n")) == ["Go south (Hall)"]
    assert labels(session.submit("s")) == ["Knock", "Go north (Yard)"]
    assert labels(session.submit("lurk")) == ["Knock", "Go north (Yard)"]  # no label: unlisted
    assert labels(session.submit("undo")) == ["Knock", "Go north (Yard)"]


def test_undo_after_the_end_names_the_move_that_ended_the_game(demo_game):
    from adventure.engine.world import World

    s = Session(demo_game, seed=1)
    # play at random until an ending, then type something, then undo
    import random
    rng = random.Random(3)
    for _ in range(300):
        if s.state.ended:
            break
        offers = demo_game.offers(World(demo_game.story, s.state))
        line = str(rng.randint(1, len(offers)))
        s.submit(line)
    assert s.state.ended
    last = s.log[-1].command
    s.submit("pull handle")
    assert s.submit("undo").text.startswith(f"Undone: '{last}'.")


def test_undo_keeps_the_last_undo_depth_turns_and_no_more():
    """Undo goes back UNDO_DEPTH turns, oldest levels dropped past that (a bounded list)."""
    from pathlib import Path

    from adventure.engine.session import UNDO_DEPTH
    from adventure.story.loader import load_story

    s = Session(Game(load_story(Path(__file__).parent.parent / "benchmarks" / "peer_story")),
                seed=1)
    for i in range(UNDO_DEPTH + 5):  # each changes the game: undoable
        s.submit("take lamp" if i % 2 == 0 else "drop lamp")
    undone = 0
    while s.submit("undo").text.startswith("Undone"):
        undone += 1
    assert undone == UNDO_DEPTH
    # the oldest five were dropped: the game is as five turns left it (the lamp taken)
    assert "lamp" in s.submit("inventory").text.lower()
    s.submit("drop lamp")
    assert "lamp" not in s.submit("inventory").text.lower()
