"""The part of a store's journal that a session calls every turn (`Keeper`), compiled.

Its own module, importing nothing at its start: every game makes a store, and a piped one
that keeps no journal imports neither the journal nor the saves modules.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable

    from ..engine.result import Result
    from ..engine.state import LogEntry
    from .journal import Journal


class Keeper:
    """The per-turn half of a store's journal (play.replay.FileStore): a session calls it
    every turn, and interpreted it cost a tenth of a piped turn. FileStore hands out `turn`
    and `transcribe` as its own journal_turn and transcribe, and keeps its journal here."""

    def __init__(self) -> None:
        self.journal: Journal | None = None
        self.full = False  # the game outgrew its journal (Journal.room_for)
        self.note = ""  # to tell the player at the next turn
        # writes a turn to the transcript, while one is open (FileStore.transcript)
        self.transcript: Callable[[str, Result], None] | None = None

    def turn(self, entry: LogEntry, turn: int) -> str:
        """Keep a turn; what to tell the player (once: the journal is full), else ""."""
        journal, note = self.journal, self.note
        self.note = ""
        if journal is None or self.full:
            return note
        if not journal.room_for(entry):
            # Past what a rebuild replays, a journal could not be continued: it stops here
            # (still a game to continue, at its last turn) and the player is told, once.
            self.full = True
            journal.sync()
            return full_journal(journal.turn, journal.commands)
        try:
            journal.append(entry, turn)
        except OSError:
            self.journal = None
        return ""

    def transcribe(self, line: str, result: Result) -> None:
        write = self.transcript
        if write is not None:
            write(line, result)


def full_journal(turn: int | None, commands: int) -> str:
    """What a player is told, once, when the game outgrows its journal: at `turn`, or (a
    game restored from a longer save) after its first `commands`."""
    from .saves import MAX_REBUILD_CHARS, MAX_REBUILD_COMMANDS

    where = f"stops here (turn {turn})" if turn is not None else \
        f"keeps only its first {commands:,} commands"
    return (f"(This game is longer than a journal keeps: {MAX_REBUILD_COMMANDS:,} commands or "
            f"{MAX_REBUILD_CHARS:,} typed characters. Its journal {where}, where "
            "'adventure --continue' would pick it up; 'save NAME' keeps the whole game, and "
            "saves work as always.)")
