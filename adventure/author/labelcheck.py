"""`check`'s measure of choices by their words: typed as shown, does each listed label do
what its number does? Probed along the random games, once per label and scene."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.world import World
from ..story.diagnostics import Diagnostic, Loc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.game import Game
    from ..engine.state import GameState

MAX_PROBES = 5000  # labels probed in one check: twice as many steps, a bounded cost


@dataclass
class LabelCheck:
    tried: int = 0
    failed: dict[tuple[str, str], tuple[Loc, str]] = field(default_factory=dict)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def probe(self, game: Game, state: GameState) -> None:
        """Type each label on offer now, and its number, and compare what they do."""
        if self.tried >= MAX_PROBES:
            return
        offers = game.offers(World(game.story, state))
        for n, offer in enumerate(offers, 1):
            key = (state.scene, offer.label)
            if key in self.seen or self.tried >= MAX_PROBES:
                continue
            self.seen.add(key)
            try:
                by_number = game.step(state, str(n)).resolved
                by_words = game.step(state, offer.label).resolved
            except Exception:  # noqa: BLE001 - random play finds and reports a crash itself
                continue
            self.tried += 1
            if by_words != by_number:
                what = offer.action if offer.action is not None else offer.exit
                loc = what.loc if what is not None else Loc("<story>", 0, 0)
                self.failed[key] = (loc, by_words)

    @property
    def share(self) -> float:
        return 1.0 if not self.tried else 1 - len(self.failed) / self.tried

    def warnings(self) -> list[Diagnostic]:
        out = []
        for (scene, label), (loc, did) in sorted(self.failed.items()):
            meaning = did.split(":", 1)[0] if did else "nothing"
            out.append(Diagnostic(loc, f"the choice '{label}' in scene '{scene}', typed as "
                                  f"shown, does not do what its number does (it was "
                                  f"understood as {meaning}); reword the label or give the "
                                  "action that wording", "warning"))
        return out
