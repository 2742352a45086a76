"""The story as a `transitions` state machine: a state per scene, a trigger per action.

The machine is built once per story and shared by every game. It has no
registered model: each command drives it with that command's `World` (the
game state plus the output being collected), passed straight to the event.
Binding a model would add an `is_<scene>` method per scene to every game.

A game's machine (lazy=True) imports `transitions` when the first command fires a
trigger: the opening scene is shown without it, so the first prompt does not wait
for that import.

The transitions machine holds every state, transition, guard and callback; firing
reads them from it. `fire` runs a trigger itself, here (compiled), in the order
transitions' own Event.trigger and Transition.execute do for the configuration
`lean.check_lean` allows: guards, `before`, the change of state, the new state's
`on_enter`. Running it through transitions' Python classes, an EventData each, cost
about a tenth of a campaign command.
"""

from __future__ import annotations

from ..story.limits import ValueLimit
from ..story.model import Action, Exit, Story

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable

    from transitions import EventData, Machine

    from ..story.expr import Expr
    from .world import World

    Callback = Callable[[EventData], None]
    Condition = Callable[[EventData], bool]


def _new_machine() -> Machine:
    from .lean import new_machine  # imports transitions

    return new_machine()


class Fired:
    """What a callback is given for one trigger, in place of transitions' EventData:
    our callbacks read only its `model` (the command's World)."""

    def __init__(self, model: World) -> None:
        self.model = model


class Step:
    """One transition of an event from one scene, as `fire` runs it: read from the
    transitions machine the first time the event fires there."""

    def __init__(self, conditions: list, before: list, dest: str | None, enter: list) -> None:
        self.conditions = conditions
        self.before = before
        self.dest = dest
        self.enter = enter


class StoryMachine:
    """The machine of one story. With lazy=True (what a game uses) a trigger's transitions
    from a scene are added the first time any game fires it there: a player's first
    prompt does not wait for the scenes of chapters they have not reached, nor a scene
    for the choices nobody takes."""

    def __init__(self, story: Story, lazy: bool = False):
        self.story = story
        self._machine: Machine | None = None
        self._built: set[str] = set()  # scenes whose every transition is added
        self._built_triggers: dict[str, set[str]] = {}  # scene -> the triggers added from it
        self._events = {e.trigger: e for e in story.events.values()}
        self._built_events: set[tuple[str, str]] = set()
        # scene -> trigger -> the Steps to try, read from the machine at first firing
        self._steps: dict[str, dict[str, list[Step]]] = {}
        self.fired = 0  # triggers fired (the benchmark's reference row reports how many)
        if not lazy:
            for sid in story.scenes:
                self.build(sid)

    @property
    def machine(self) -> Machine:
        """The transitions machine: a state per scene, made on first use."""
        if self._machine is None:
            m = _new_machine()
            m.add_states([{"name": sid, "on_enter": [_enter(sid)]} for sid in self.story.scenes])
            self._machine = m
        return self._machine

    def build(self, sid: str) -> None:
        """Add the transitions that leave scene `sid` (once)."""
        if sid in self._built or sid not in self.story.scenes:
            return
        self._built.add(sid)
        for trigger in self._triggers(sid):
            self._build_trigger(sid, trigger)

    def _triggers(self, sid: str) -> dict[str, None]:
        """The triggers of a scene's actions, exits and fallback, in that order, each once."""
        scene = self.story.scenes[sid]
        found: dict[str, None] = {}
        for action in scene.actions:
            found[action.trigger] = None
        for ex in scene.exits:
            found[ex.trigger] = None
        fb = scene.fallback
        for f in (fb, fb.go) if fb is not None else ():
            if f is not None:
                found[f.trigger] = None
        return found

    def _build_trigger(self, sid: str, trigger: str) -> None:
        """Add the transitions of one trigger from scene `sid` (once), in the order the
        scene lists them. A game's machine adds them as the trigger first fires there: a
        scene's other choices cost nothing until someone takes them."""
        done = self._built_triggers.get(sid)
        if done is None:
            done = self._built_triggers[sid] = set()
        if trigger in done:
            return
        done.add(trigger)
        scene = self.story.scenes.get(sid)
        if scene is None:
            return
        for action in scene.actions:
            if action.trigger == trigger:
                self._add_action(sid, action)
        for ex in scene.exits:
            if ex.trigger == trigger:
                self._add_exit(sid, ex)
        fb = scene.fallback
        for f in (fb, fb.go) if fb is not None else ():
            if f is not None and f.trigger == trigger:
                self.machine.add_transition(
                    f.trigger, sid, f.to, conditions=_guard(f.when),
                    before=[_run(f.do, f.text, where=str(scene.loc))])

    def _build_event(self, sid: str, trigger: str) -> None:
        """An event may fire in any scene, so its transition from a scene is added when it
        first fires there: events x scenes transitions up front would be a story's square."""
        event = self._events.get(trigger)
        if event is None or (sid, trigger) in self._built_events:
            return
        self._built_events.add((sid, trigger))
        run = _run(event.do, event.text, where=f"event '{event.id}'")
        self.machine.add_transition(event.trigger, sid, event.to, conditions=_guard(event.when),
                                    before=[run])

    def _add_action(self, sid: str, a: Action) -> None:
        conditions = _guard(a.when) + ([_not_done(a.key)] if a.once else [])
        run = _run(a.do, a.text, a.key, str(a.loc))
        if a.ret:
            conversation = sid
            for caller in self.story.callers(conversation):
                self.machine.add_transition(
                    a.trigger, sid, caller, conditions=conditions + [_returns_to(caller)],
                    before=[_pop, run])
            return
        if a.call:
            self.machine.add_transition(a.trigger, sid, a.call, conditions=conditions,
                                        before=[_push(sid), run])
            return
        self.machine.add_transition(a.trigger, sid, a.to, conditions=conditions, before=[run])

    def _add_exit(self, sid: str, ex: Exit) -> None:
        self.machine.add_transition(ex.trigger, sid, ex.to, conditions=_guard(ex.when),
                                    before=[_run(ex.do, ex.text, where=str(ex.loc))])

    def fire(self, trigger: str, world: World) -> bool:
        """Fire a trigger for this command's world; False if no transition's guards held."""
        sid = world.state.scene
        self.fired += 1
        by_trigger = self._steps.get(sid)
        if by_trigger is None:
            by_trigger = self._steps[sid] = {}
        steps = by_trigger.get(trigger)
        if steps is None:  # the first time it fires here: its transitions, then its steps
            self._build_trigger(sid, trigger)
            if trigger in self._events:
                self._build_event(sid, trigger)
            steps = by_trigger[trigger] = self._read_steps(sid, trigger)
        if not steps:
            return False  # ignore_invalid_triggers: not a transition from here
        ev = Fired(world)
        for step in steps:
            # mypyc turns all() of a generator into a plain loop
            if not all(cond(ev) for cond in step.conditions):
                continue
            for cb in step.before:
                cb(ev)
            if step.dest is None:  # an internal transition: no change of state
                return True
            world.scene = step.dest
            for cb in step.enter:
                cb(ev)
            return True
        return False

    def _read_steps(self, sid: str, trigger: str) -> list[Step]:
        m = self.machine
        event = m.events.get(trigger)
        found = event.transitions.get(sid) if event is not None else None
        return [Step([c.func for c in t.conditions], list(t.before), t.dest or None,
                     list(m.states[t.dest].on_enter) if t.dest else [])
                for t in found or ()]


def _guard(expr: Expr | None) -> list:  # of Condition (transitions wants its own union)
    if expr is None:
        return []
    test = expr
    # test.value(...) and not test.fn: the closure is built when the guard is first
    # tested, so building a machine never compiles the guards of scenes nobody visits
    return [lambda ev: bool(test.value(ev.model))]


# transitions types a model as object; ours is always the command's World
def _not_done(key: str) -> Condition:
    return lambda ev: ev.model.state.done.get(key, 0) == 0  # type: ignore[attr-defined]


def _returns_to(caller: str) -> Condition:
    def returns(ev: EventData) -> bool:
        stack = ev.model.state.stack  # type: ignore[attr-defined]
        return bool(stack) and stack[-1] == caller
    return returns


def _push(sid: str) -> Callback:
    return lambda ev: ev.model.state.stack.append(sid)  # type: ignore[attr-defined]


def _pop(ev: EventData) -> None:
    ev.model.state.stack.pop()  # type: ignore[attr-defined]


def _run(effects: list, text, key: str | None = None, where: str = "") -> Callback:
    def run(ev: EventData) -> None:
        world: World = ev.model  # type: ignore[assignment]
        if key is not None:
            world.write("done", key, world.state.done.get(key, 0) + 1)
        try:
            for fx in effects:
                world.perform(fx)
            world.say(text)
        except ValueLimit as exc:  # Game.step stops the turn; say which action made it
            exc.where = exc.where or where
            raise
    return run


def _enter(sid: str) -> Callback:
    def enter(ev: EventData) -> None:
        ev.model.enter(sid)  # type: ignore[attr-defined]
    return enter
