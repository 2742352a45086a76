"""`check`'s watch for an empty name in the prose: a scene whose text shows a text
variable (`${companion}`) that is still empty when the player gets there, by a path of
random play or by a start at the scene (`play --at`, with the story's `elsewhere:`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..engine.opening import StartError, make_start
from ..story.diagnostics import Diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.game import Game
    from ..engine.state import GameState
    from ..story.model import Story

SHOWN = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")  # ${var}, not ${if ...}


def shown_vars(story: Story) -> dict[str, frozenset[str]]:
    """Scene id -> the text variables its texts (and its actions' texts) show."""
    found = story.derived.get("shown_vars")
    if found is None:
        texts = {v for v, x in story.initial.items() if isinstance(x, str)}
        found = story.derived["shown_vars"] = {}
        for s in story.scenes.values():
            specs = [*s.texts(), *(a.text for a in s.actions if a.text is not None)]
            sources = [o.source for t in specs for o in (getattr(t, "options", None) or [t])
                       if isinstance(getattr(o, "source", None), str)]
            names = {m for src in sources for m in SHOWN.findall(src)} & texts
            if names:
                found[s.id] = frozenset(names)
    return found  # type: ignore[no-any-return]


@dataclass
class EmptyWatch:
    """Scenes entered, in random play, with a variable their text shows still empty."""

    found: dict[tuple[str, str], int] = field(default_factory=dict)  # (scene, var) -> seed

    def entered(self, story: Story, state: GameState, seed: int) -> None:
        for var in shown_vars(story).get(state.scene, ()):
            if state.vars.get(var) == "" and (state.scene, var) not in self.found:
                self.found[(state.scene, var)] = seed

    def warnings(self, story: Story) -> list[Diagnostic]:
        return [Diagnostic(story.scenes[sid].loc, f"scene '{sid}' shows ${{{var}}}, which is "
                           f"still empty when random play (game seed {seed}) gets there: "
                           "set it on every way in, or test it with ${if}", "warning")
                for (sid, var), seed in sorted(self.found.items())]


def start_warnings(game: Game) -> list[Diagnostic]:
    """Scenes that, begun at (`play --at`), show a text variable that is empty: the story's
    `elsewhere:` effects should give it what its opening would have."""
    story = game.story
    out = []
    for sid, names in sorted(shown_vars(story).items()):
        if story.scenes[sid].ending is not None:
            continue
        try:
            state = game.begin(0, make_start(story, sid)).state
        except (StartError, Exception):  # noqa: BLE001 - random play reports crashes
            continue
        empty = sorted(v for v in names if state.vars.get(v) == "")
        if empty:
            shown = ", ".join(f"${{{v}}}" for v in empty)
            out.append(Diagnostic(story.scenes[sid].loc, f"scene '{sid}' shows {shown}, "
                                  f"empty in a game begun there (play --at {sid}): give "
                                  "the story an 'elsewhere:' that sets it", "warning"))
    return out
