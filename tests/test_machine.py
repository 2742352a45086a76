"""The transitions machine built from a story."""

from __future__ import annotations

import pytest

from adventure.engine.lean import LeanMachine, check_lean
from adventure.engine.machine import StoryMachine
from adventure.engine.world import World


def test_a_state_per_scene_and_no_auto_transitions(demo_story):
    m = StoryMachine(demo_story).machine
    assert set(m.states) == set(demo_story.scenes)
    assert not any(name.startswith("to_") for name in m.events)
    assert m.models == []  # games drive it without being bound to it


def test_a_trigger_per_action_and_exit(demo_story):
    m = StoryMachine(demo_story).machine
    for scene in demo_story.scenes.values():
        for a in scene.actions:
            assert a.trigger in m.events
        for ex in scene.exits:
            assert ex.trigger in m.events


def test_actions_that_stay_are_internal_transitions(demo_story):
    m = StoryMachine(demo_story).machine
    search = m.events["action:corridor:search"].transitions["corridor"][0]
    assert search.dest is None  # transitions: no dest means internal, no enter or exit
    fly = m.events["action:bridge:fly"].transitions["bridge"][0]
    assert fly.dest == "home"


def test_return_has_a_transition_per_caller(demo_story):
    m = StoryMachine(demo_story).machine
    back = m.events["action:computer:log_off"].transitions["computer"]
    assert [t.dest for t in back] == ["bridge"]


def test_guard_blocks_the_transition(demo_story, demo_game):
    sm = StoryMachine(demo_story)
    st = demo_game.new_state(1)
    st.scene = "corridor"
    world = World(demo_story, st)
    assert sm.fire("exit:corridor:fore", world) is False
    assert st.scene == "corridor"
    st.vars["power_on"] = True
    assert sm.fire("exit:corridor:fore", world) is True
    assert st.scene == "bridge" and st.visits["bridge"] == 1
    assert world.entered == ["bridge"]


def test_unknown_trigger_is_false_not_an_error(demo_story, demo_game):
    sm = StoryMachine(demo_story)
    world = World(demo_story, demo_game.new_state(1))
    assert sm.fire("action:nowhere:nothing", world) is False
    assert sm.fire("action:bridge:fly", world) is False  # not from this scene


def test_global_actions_have_transitions_from_every_scene_that_keeps_them(demo_story):
    m = StoryMachine(demo_story).machine
    sources = set(m.events["action:global:sing"].transitions)
    assert "airlock" in sources and "bridge" not in sources and "computer" not in sources


def test_once_is_a_condition(demo_story, demo_game):
    sm = StoryMachine(demo_story)
    st = demo_game.new_state(1)
    st.scene = "corridor"
    world = World(demo_story, st)
    assert sm.fire("action:corridor:search", world)
    assert not sm.fire("action:corridor:search", world)
    assert st.done["corridor.search"] == 1


def test_a_lazy_machine_adds_a_trigger_s_transitions_when_a_game_first_fires_it_there(
        demo_story, demo_game):
    sm = StoryMachine(demo_story, lazy=True)
    assert set(sm.machine.states) == set(demo_story.scenes)
    assert sm.machine.events == {}
    st = demo_game.new_state(1)
    st.scene = "corridor"
    world = World(demo_story, st)
    assert sm.fire("action:corridor:search", world)
    # only what was fired, from where it was fired: the scene's other choices wait
    assert {name: set(ev.transitions) for name, ev in sm.machine.events.items()} == {
        "action:corridor:search": {"corridor"}}
    eager = StoryMachine(demo_story).machine
    others = [n for n, e in eager.events.items() if "corridor" in e.transitions
              and n != "action:corridor:search"]
    assert others, "the demo's corridor has more than one way out"
    st2 = demo_game.new_state(1)
    st2.scene = "corridor"
    for name in others:  # fired (taken or refused), each is added as the eager machine has it
        sm.fire(name, World(demo_story, st2.copy()))
    lazy_events = sm.machine.events
    assert set(lazy_events) == {n for n, e in eager.events.items() if "corridor" in e.transitions}
    for name, event in lazy_events.items():  # the same transitions as the eager machine
        assert [(t.source, t.dest) for t in event.transitions["corridor"]] == [
            (t.source, t.dest) for t in eager.events[name].transitions["corridor"]]


def test_the_story_machines_use_only_what_the_lean_classes_run(demo_story, campaign_game):
    for story in (demo_story, campaign_game.story):
        check_lean(StoryMachine(story).machine)


def test_check_lean_refuses_a_callback_the_lean_classes_would_skip(demo_story):
    m = StoryMachine(demo_story).machine
    m.states["corridor"].on_exit.append(lambda ev: None)
    with pytest.raises(AssertionError, match="exit callback on corridor"):
        check_lean(m)


def _traced_run(machine_cls) -> tuple[list, list]:
    """Fire a fixed series of triggers at a small machine; what ran, in order."""
    calls: list = []

    class Model:
        scene = "a"
    m = machine_cls(model=None, states=[], initial=None, auto_transitions=False,
                    send_event=True, model_attribute="scene", ignore_invalid_triggers=True)
    m.add_states([{"name": s, "on_enter": [lambda ev, s=s: calls.append(("enter", s,
                                                                          ev.state.name))]}
                  for s in "abc"])
    gate = {"open": False}
    m.add_transition("go", "a", "b", conditions=[lambda ev: gate["open"]],
                     before=[lambda ev: calls.append(("before", "a>b", ev.state.name))])
    m.add_transition("go", "a", "c", before=[lambda ev: calls.append(("before", "a>c", "-"))])
    m.add_transition("wait", "b", None, before=[lambda ev: calls.append(("wait", "b", "-"))])
    m.add_transition("go", "b", "a", conditions=[lambda ev: False, lambda ev: 1 / 0])
    model, results = Model(), []
    for trigger, opened in (("go", True), ("wait", False), ("go", False), ("nothing", False),
                            ("wait", False), ("go", False)):
        gate["open"] = opened
        event = m.events.get(trigger)
        results.append((event.trigger(model) if event else None, model.scene))
    return calls, results


def test_lean_triggers_run_what_transitions_own_run_in_the_same_order():
    from transitions import Machine

    lean = _traced_run(LeanMachine)
    assert lean == _traced_run(Machine)
    assert lean[1] == [(True, "b"), (True, "b"), (False, "b"), (None, "b"), (True, "b"),
                       (False, "b")]


def _outcome(play):
    try:
        done = play()
    except Exception as exc:  # the same failure either way counts as the same outcome
        done = type(exc).__name__
    return done


def test_fire_runs_what_the_transitions_trigger_runs(demo_story, demo_game):
    """StoryMachine.fire runs the machine's transitions itself: for every trigger from every
    scene, with guards shut and open, it does what transitions' Event.trigger does."""
    sm, fired = StoryMachine(demo_story), 0
    events = sm.machine.events
    for sid in demo_story.scenes:
        for trigger in sorted(events):
            for power in (False, True):
                worlds = []
                for how in ("fire", "transitions"):
                    st = demo_game.new_state(1)
                    st.scene = sid
                    st.vars["power_on"] = power
                    world = World(demo_story, st)
                    play = ((lambda w=world, t=trigger: sm.fire(t, w)) if how == "fire" else
                            (lambda w=world, t=trigger: bool(events[t].trigger(w))))
                    done = _outcome(play)
                    fired += done is True
                    worlds.append((done, st.to_dict(), world.out, world.entered))
                assert worlds[0] == worlds[1], (sid, trigger, power)
    assert fired and sm.fired == len(demo_story.scenes) * len(events) * 2
