"""Where a session keeps what lasts, as the engine sees it: the `Store` interface that a front
end implements (play.replay.FileStore); the `SaveError` it raises is in errors.py.

`Store` is for type checking only (imported under TYPE_CHECKING): it lives in a module of its
own, not in an `if TYPE_CHECKING:` block, because mypyc cannot compile a class there.
"""

from __future__ import annotations

from typing import Protocol

from .errors import SaveError  # noqa: F401 - named here too, beside the Store that raises it
from .result import Result
from .state import GameState, LogEntry


class Store(Protocol):
    """Where a session keeps saves, its journal and transcripts (see play.replay.FileStore)."""

    def save(self, name: str, state: GameState, log: list[LogEntry]) -> str: ...
    def load(self, name: str) -> tuple[GameState, list[LogEntry], str]: ...
    def listing(self) -> str: ...
    def missing(self, name: str) -> bool: ...
    def journal_turn(self, entry: LogEntry, turn: int) -> str:
        """Keep a turn; what to tell the player (once: the journal is full), else ""."""
        ...
    def journal_reset(self, state: GameState, log: list[LogEntry]) -> None: ...
    def journal_end(self, finished: bool) -> str:
        """The game ended (finished) or the player left; what to tell a player who left."""
        ...
    def transcript(self, on: bool) -> str: ...
    def transcribe(self, line: str, result: Result) -> None: ...
