"""Live reload (`adventure play --watch`): pick up story edits between commands."""

from __future__ import annotations

import os
from pathlib import Path

from ..engine.errors import SaveError
from ..engine.session import Game, Session
from ..story.cache import load as load_story
from ..story.diagnostics import StoryError
from ..story.files import story_files
from .replay import rebuild
from .saves import complete_vars, story_problems


class Watcher:
    """Notices edits to a story's files and reloads it into a running session."""

    def __init__(self, session: Session, root: Path, display: str):
        self.session = session
        self.root = root
        self.display = display
        self.stamp = self.snapshot()

    def snapshot(self) -> tuple:
        out = []
        for path in story_files(self.root):
            try:
                st = os.stat(path)
                out.append((str(path), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(path), 0, -1))
        return tuple(out)

    def __call__(self) -> list[tuple[str, str]]:
        """Called before each command: what to tell the player about a reload, if any."""
        stamp = self.snapshot()
        if stamp == self.stamp:
            return []
        self.stamp = stamp
        return self.reload()

    def reload(self) -> list[tuple[str, str]]:
        try:
            story = load_story(self.root, self.display)
        except StoryError as err:
            lines = [str(d) for d in err.diagnostics[:8]]
            more = len(err.diagnostics) - len(lines)
            if more > 0:
                lines.append(f"... and {more} more")
            return [("error", "The story changed but does not load; you play on in the "
                     "last version that did. Fix:\n" + "\n".join(lines))]
        game = Game(story)
        s = self.session
        state = s.state.copy()
        complete_vars(state, story)
        if not story_problems(state, story):
            s.game, s.state = game, state
            return [("system", "Story reloaded; you are where you were.")]
        try:
            rebuilt = rebuild(game, state.seed, s.log, s.start)
        except SaveError as exc:  # past the rebuild budget: the old story plays on
            return [("error", f"Story not reloaded: {exc}.")]
        s.replace_game(game, rebuilt.state, rebuilt.log)
        where = ("all your commands replayed" if rebuilt.diverged_at is None else
                 f"replayed up to turn {rebuilt.diverged_at}, whose command {rebuilt.why}")
        return [("system", f"Story reloaded; your game was rebuilt: {where}. 'undo' takes "
                 "you back to the game before the reload.")]
