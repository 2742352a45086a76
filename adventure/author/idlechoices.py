"""`check`'s watch for a choice that would do nothing: taken, listed again in the same
scene, and taken again, it changes nothing of the game (its text aside). Such a choice
should leave the list once its work is done (a `when:` on what it did), or say with
`repeatable: true` that it is worth taking again. Probed along the random games, once
per choice and scene, so that its cost is bounded."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.world import World
from ..story.diagnostics import Diagnostic, Loc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.game import Game
    from ..engine.result import Result
    from ..engine.state import GameState

MAX_PROBES = 2000  # choices probed in one check: a step each, a bounded cost


def _what(state: GameState) -> tuple:
    """What of a game a choice can change, but for the turn, counts and pronouns."""
    return (state.scene, state.vars, state.moved, state.score, state.listing,
            sorted(state.timers), state.stack, state.ended)


@dataclass
class IdleWatch:
    tried: int = 0
    seen: set[tuple[str, str]] = field(default_factory=set)
    idle: dict[tuple[str, str], Loc] = field(default_factory=dict)

    def taken(self, game: Game, before: GameState, result: Result) -> None:
        """After a step: a choice still on offer in the same scene, tried again."""
        after = result.state
        if self.tried >= MAX_PROBES or after.ended or after.scene != before.scene \
                or not result.resolved.startswith("action:"):
            return
        offers = game.offers(World(game.story, after))
        for n, offer in enumerate(offers, 1):
            a = offer.action
            if a is None or a.trigger != result.resolved or a.repeatable:
                continue
            key = (after.scene, offer.label)
            if key in self.seen:
                return
            self.seen.add(key)
            self.tried += 1
            try:
                again = game.step(after, str(n)).state
            except Exception:  # noqa: BLE001 - random play finds and reports a crash itself
                return
            if _what(again) == _what(after):
                self.idle[key] = a.loc
            return

    def warnings(self) -> list[Diagnostic]:
        return [Diagnostic(loc, f"the choice '{label}' in scene '{scene}' is listed again "
                           "after it is taken, and taking it again changes nothing: give it "
                           "a 'when' that ends once its work is done, or 'repeatable: true'",
                           "warning")
                for (scene, label), loc in sorted(self.idle.items())]
