"""The commands that do something in a game's state, each with what it resolves to.

A harness for game-playing agents (Jericho, TextWorld) guesses valid commands by trying
candidates against saved states. This engine knows what a scene offers, so the list is
built from the story and each candidate is then played on a copy of the state (`Game.step`
is pure) and kept only if `did_something` says it was understood and not refused: the
list is exact, not a guess. `did_something` is also the measure the benchmarks use.
"""

from __future__ import annotations

from ..engine.parser import parse
from ..engine.reply import describe
from ..engine.world import World
from ..story.vocab import words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from ..engine.game import Game
    from ..engine.result import Result
    from ..engine.state import GameState
    from ..story.model import Action, Story, Thing

# built-in verbs whose use changes where a thing is: refused when it does not move
_MOVING = frozenset({"take", "drop", "wear", "remove", "put"})
# built-in verbs that always show something of the world
_SHOWING = frozenset({"look", "inventory", "wait", "examine"})


class Valid:
    """One valid command: what to type, what kind of thing it is, what it resolves to
    (the `resolved` a step reports), and the choice's label for a numbered choice."""

    __slots__ = ("command", "kind", "resolves", "label")

    def __init__(self, command: str, kind: str, resolves: str, label: str = "") -> None:
        self.command = command
        self.kind = kind  # choice, exit, action, builtin
        self.resolves = resolves
        self.label = label

    def to_json(self) -> dict[str, str]:
        out = {"command": self.command, "kind": self.kind, "resolves": self.resolves}
        if self.label:
            out["label"] = self.label
        return out


def did_something(story: Story, before: GameState, result: Result) -> bool:
    """Was this step understood, and did it do what it meant rather than refuse?

    An action did something when its count of successes went up (the machine counts
    every action it runs), an exit when the player entered its scene, a built-in verb
    that moves things when something moved; look, inventory, wait and examine always
    show something. A fallback (the scene's answer to anything), a meta command, a
    default reply ('Nothing obvious happens.') and an error are not doing something."""
    if any(style == "error" for style, _ in result.paragraphs):
        return False
    kind, _, rest = result.resolved.partition(":")
    after = result.state
    if kind == "action":
        action = _actions(story).get(result.resolved)
        return action is not None and after.done.get(action.key, 0) > before.done.get(
            action.key, 0)
    if kind == "exit":
        to = _exits(story).get(result.resolved)
        return to is not None and after.visits.get(to, 0) > before.visits.get(to, 0)
    if kind == "builtin":
        verb = rest.split(":", 1)[0]
        if verb in _MOVING:
            return after.moved != before.moved
        return verb in _SHOWING
    if kind == "travel":
        return after.scene != before.scene
    return False


def _actions(story: Story) -> dict[str, Action]:
    found = story.derived.get("agent_actions")
    if found is None:
        found = story.derived["agent_actions"] = {
            a.trigger: a for a in story.actions_by_key.values()}
    return found  # type: ignore[no-any-return]


def _exits(story: Story) -> dict[str, str]:
    found = story.derived.get("agent_exits")
    if found is None:
        found = story.derived["agent_exits"] = {
            ex.trigger: ex.to for s in story.scenes.values() for ex in s.exits}
    return found  # type: ignore[no-any-return]


def valid_commands(game: Game, state: GameState) -> list[Valid]:
    """Every command that does something now: the numbered choices (with their labels),
    the exits, the story's unlisted commands whose guards hold, and the built-in verbs
    with the things in scope. Each was played on a copy of `state` to make sure."""
    if state.ended:
        return []
    story = game.story
    out: list[Valid] = []
    seen: set[str] = set()  # what each kept command resolves to: one command for each

    def keep(command: str, kind: str, expected: str | None = None, label: str = "") -> bool:
        result = game.step(state, command)
        if expected is not None and result.resolved != expected:
            return False
        if not did_something(story, state, result):
            return False
        if kind != "choice" and result.resolved in seen:
            return True  # another command already does this
        seen.add(result.resolved)
        out.append(Valid(command, kind, result.resolved, label))
        return True

    world = World(story, state.copy())  # working out labels may draw from the RNG
    offers = game.offers(world)
    offered = set()
    for n, offer in enumerate(offers, 1):
        done = offer.action if offer.action is not None else offer.exit
        assert done is not None
        offered.add(done.trigger)
        if state.pending or (offer.action is not None and offer.action.ret):
            keep(str(n), "choice", label=offer.label)  # a number may answer a question
        else:  # listed: its guard holds (offers() tests it as the machine does)
            seen.add(done.trigger)
            out.append(Valid(str(n), "choice", done.trigger, offer.label))
    scene = story.scenes[state.scene]
    for ex in scene.exits:
        if ex.trigger in offered or (ex.when is not None and not ex.when(world)):
            continue
        for name in _exit_words(ex.key, ex.names):
            if keep(name, "exit", ex.trigger):
                break
    for a in scene.actions:
        if a.trigger in offered or a.disabled or (a.once and state.done.get(a.key)) \
                or (a.when is not None and not a.when(world)):
            continue
        for phrase in _action_words(a, story):
            if keep(phrase, "action", a.trigger):
                break
    ctx = game.context(world, offers)

    def show(command: str) -> None:
        """look, inventory, wait, examine: parsing is enough to know what they do,
        unless the story answers them with an action of its own (then play it)."""
        intent = parse(command, ctx)
        if state.pending or intent.kind != "builtin":
            keep(command, "builtin")
            return
        meaning = describe(intent)
        if intent.verb in _SHOWING and meaning not in seen:
            seen.add(meaning)
            out.append(Valid(command, "builtin", meaning))

    for verb in ("look", "inventory", "wait"):
        show(verb)
    scope = world.scope()
    for t in scope.values():
        name = t.display
        # the name as shown, else the thing's own name, when the shown one is not typable
        names = list(dict.fromkeys((name, " ".join(t.name))))

        def keep_any(verb: str, tail: str = "", names: list[str] = names) -> None:
            for n in names:
                if keep(f"{verb} {n}{tail}", "builtin"):
                    return

        show(f"examine {name}")
        if world.wearing(t.id):
            keep_any("remove")
        if world.has(t.id):  # worn things too: dropping takes them off
            keep_any("drop")
            for holder in _holders(scope, t):
                keep_any("put", f" {holder.holds} {holder.display}")
        elif t.portable:
            keep_any("take")
        if t.wearable and not world.wearing(t.id):
            keep_any("wear")
    return out


def _exit_words(key: str, names: list) -> list[str]:
    out = [key, f"go {key}"]
    out += [" ".join(n) for n in names[:2]]
    return out


def _action_words(a: Action, story: Story) -> list[str]:
    out = [" ".join(c) for c in a.commands[:2]]
    for verb in a.verbs[:1]:
        thing = story.things.get(a.thing) if a.thing else None
        nouns = [n for n in a.nouns[:1]] or ([thing.name] if thing is not None else [()])
        second = story.things.get(a.second) if a.second else None
        tail = (*a.preposition, *(second.name if second is not None else ())) \
            if a.preposition else ()
        topic = (*a.preposition, *a.topics[0]) if a.topics and a.preposition else ()
        out.append(" ".join((*verb, *nouns[0], *(tail or topic))))
    return [p for p in out if p and words(p)]


def _holders(scope: dict[str, Thing], t: Thing) -> list[Thing]:
    return [h for h in scope.values() if h.holds and h.id != t.id]
