"""`check`'s watch for a place that replays its first visit: random play comes back to a
scene (not a conversation, which is meant to open again) and the player reads its first
arrival paragraph again, word for word, when that is prose (a couple of lines or more)
rather than a room's short description. A returning player should read what a returning
player sees: a `revisit:` text, a variant, or `${if visited(X) > 1}` in the sentence that
differs (story-format.md, "Coming back"). The blind playtest of issue 18 found eleven
such places by hand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..engine.world import World
from ..story.diagnostics import Diagnostic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.result import Result
    from ..story.model import Story

MAX_FIRST = 200_000  # arrivals remembered in one check (a hash each): a bounded cost
# A room's line or two ("A corridor, lit only by what you carry.") may print on every
# arrival, as Inform's verbose mode does; a paragraph of arrival prose longer than this
# should not.
PROSE = 200


@dataclass
class ReplayWatch:
    first: dict[tuple[int, str], int] = field(default_factory=dict)  # (game, scene) -> hash
    replayed: Counter = field(default_factory=Counter)  # scene -> returns that replayed it

    def entered(self, story: Story, game: int, result: Result) -> None:
        """After a step into another scene: its arrival paragraph, against the first."""
        state = result.state
        sid = state.scene
        s = story.scenes[sid]
        visits = state.visits.get(sid, 0)
        if s.conversation or s.ending is not None or visits > 1 and s.revisit is not None:
            return
        para = _arrival(result.paragraphs)
        if para is None or len(para) < PROSE:
            return
        key = (game, sid)
        if visits == 1:  # (a game taken back and played on may arrive first again)
            if len(self.first) < MAX_FIRST:
                self.first[key] = hash(para)
        elif self.first.get(key) == hash(para):
            world = World(story, state)
            if not any(cond(world) for cond, _ in s.variants):  # a variant: as it is now
                self.replayed[sid] += 1

    def warnings(self, story: Story) -> list[Diagnostic]:
        return [Diagnostic(story.scenes[sid].loc, f"random play came back to scene '{sid}' "
                           f"{n} time{'' if n == 1 else 's'} and read its first paragraph "
                           "again, word for word: give it a 'revisit' text (what someone "
                           "who has been here sees), or ${if visited(" + sid + ") > 1} in "
                           "the sentences that should differ", "warning")
                for sid, n in sorted(self.replayed.items())]


def _arrival(paragraphs: list[tuple[str, str]]) -> str | None:
    """The first paragraph of the scene's text: the one after its title."""
    for i, (style, _) in enumerate(paragraphs[:-1]):
        if style == "title" and paragraphs[i + 1][0] == "text":
            return paragraphs[i + 1][1]
    return None
