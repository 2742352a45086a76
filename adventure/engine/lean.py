"""transitions' Machine with its hot path cut to what a story machine uses.

Imported when a game fires its first trigger (it imports transitions). Kept apart from
machine.py, which mypyc compiles: these classes extend transitions' own.

A story machine has no queue, no machine-level callbacks (prepare, finalize,
before/after state change, on_exception), no `unless`, no exit, prepare or after
callbacks and no final states. For that configuration Event.trigger and
Transition.execute do the same as transitions' own, which also resolve callback
names, chain empty lists and log each step: about 8 us a trigger against 1 us.
`check_lean` refuses a machine that uses any of those, so the shortcut cannot
silently skip something. A game fires its triggers through `StoryMachine.fire`, which
runs the same steps compiled (these classes are plain Python: they extend transitions'
own); they remain for a machine driven through transitions' API.
"""

from __future__ import annotations

import logging

from transitions import Event, EventData, Machine, Transition


class LeanEvent(Event):
    def trigger(self, model, *args, **kwargs):
        m = self.machine
        state = m.states[getattr(model, m.model_attribute)]
        candidates = self.transitions.get(state.name)
        if not candidates:
            return False  # ignore_invalid_triggers: not a transition from here
        event_data = EventData(state, self, m, model, args, kwargs)
        for t in candidates:
            event_data.transition = t
            if t.execute(event_data):
                event_data.result = True
                return True
        return False


class LeanTransition(Transition):
    def execute(self, event_data):
        for cond in self.conditions:
            if not cond.func(event_data):
                return False
        for cb in self.before:
            cb(event_data)
        if not self.dest:  # an internal transition: no change of state
            return True
        m = event_data.machine
        setattr(event_data.model, m.model_attribute, self.dest)
        dest = event_data.state = m.states[self.dest]
        for cb in dest.on_enter:
            cb(event_data)
        return True


class LeanMachine(Machine):
    event_cls = LeanEvent
    transition_cls = LeanTransition


def new_machine() -> LeanMachine:
    # transitions logs every trigger at INFO; that alone makes triggers 2.5x slower.
    logging.getLogger("transitions").setLevel(logging.WARNING)
    return LeanMachine(model=None, states=[], initial=None, auto_transitions=False,
                       send_event=True, model_attribute="scene", ignore_invalid_triggers=True)


def check_lean(m: Machine) -> None:
    """The lean classes hold only for the configuration StoryMachine builds."""
    machine_level = (m.prepare_event, m.finalize_event, m.before_state_change,
                     m.after_state_change, m.on_exception, m.on_final)
    assert not m.has_queue and not any(machine_level), "a machine-level callback"
    for state in m.states.values():
        assert not state.on_exit and not state.final, f"exit callback on {state.name}"
    for event in m.events.values():
        for ts in event.transitions.values():
            for t in ts:
                assert not t.prepare and not t.after, f"{event.name}: callbacks"
                assert all(c.target for c in t.conditions), f"{event.name}: unless"
