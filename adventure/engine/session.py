"""The I/O-free game API: a command string in, what to show and the new state out.

`Session` keeps one game's current state for front ends: the plain loop, the REPL,
replay and the tests all go through it. It sits above `Game` (engine.game), a story
ready to play, whose `step(state, line)` is a pure function of the state and the
line; this module also re-exports the names front ends use with it.
"""

from __future__ import annotations

from ..story.lazyre import rx
from ..story.vocab import words
from .errors import SaveError
from .game import MAX_LINE, NO, YES, Game
from .reply import describe
from .result import Choice, Result
from .state import GameState, LogEntry

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from .opening import Start
    from .store import Store

# the names other modules import from here (Game and the records live in their own modules)
__all__ = ["MAX_LINE", "Choice", "Game", "Result", "Session", "describe", "split_commands"]

_SEPARATORS: Final = r"(?i)\s*(?:[.;!]+|\bthen\b|,\s*then\b)\s*"  # compiled on first need
_SESSION_WORDS: Final = ("save", "restore", "load", "transcript")


def split_commands(line: str) -> list[str]:
    """'take the padd. go to ops' and 'x rod then take it' are several commands."""
    stripped = line.strip()
    if not stripped or len(line) > MAX_LINE:
        return [line]
    lower = stripped.lower()
    if "." not in lower and ";" not in lower and "!" not in lower and "then" not in lower:
        return [stripped]  # most lines are one command: no need for the expression
    if lower.startswith(_SESSION_WORDS):
        return [line]  # 'save my.game' is one
    return [p for p in rx(_SEPARATORS).split(stripped) if p.strip()] or [line]


def _understood(result: Result) -> str:
    """How a typo correction read the command ("(I understood: 'x rod')"), else ""."""
    for style, text in result.paragraphs:
        if style == "system" and text.startswith("(I understood: "):
            return text[len("(I understood: "):-1]
    return ""


def _failed(result: Result) -> bool:
    return any(style == "error" for style, _ in result.paragraphs)


_SESSION_COMMANDS: Final = {"save": "_save", "restore": "_restore", "load": "_restore",
                            "saves": "_saves", "undo": "_undo", "restart": "_restart",
                            "transcript": "_transcript"}
UNDO_DEPTH: Final = 1000
DEFAULT_SLOT: Final = "quicksave"


class Session:
    """One game in progress: its state, its log, undo, and the session-level commands
    (save, restore, saves, undo, restart, transcript) that sit above `Game.step`."""

    def __init__(self, game: Game, seed: int | None = None, store: Store | None = None,
                 resume: tuple[GameState, list[LogEntry]] | None = None,
                 start: Start | None = None):
        self.game = game
        self.store = store
        # Each level: what turns the state after it back into the state before it (see
        # GameState.undo_delta), the log it belonged to, that log's length then, and the
        # game to go back to when the level replaced it (a live reload), else None.
        # (A list trimmed to UNDO_DEPTH: collections.deque would import collections, a tenth
        # of a piped start of a small game.)
        self.undo: list[tuple[tuple, list[LogEntry], int, Game | None]] = []
        self.pending_restart = False
        self.opening = game.begin(seed, start)
        self.state = self.opening.state
        self.log: list[LogEntry] = []
        if resume is not None:
            self.state, self.log = resume[0], list(resume[1])
            self.opening = game.notice(self.state, [], look=True)
        self.unsaved = False
        # Called before each command; returns paragraphs to show first (live reload).
        self.before_turn: Callable[[], list[tuple[str, str]]] | None = None
        self.last_line: str | None = None  # for 'again'
        self.oops: tuple[str, str] | None = None  # (unknown word, its line), for 'oops'
        self.understood = ""  # the last command as a typo correction read it
        self.last: Result | None = self.opening  # its offers serve the next step

    @property
    def start(self) -> Start | None:
        """Where this game began, when not at the story's start (its state keeps it)."""
        return self.state.start

    # -- the one entry point -------------------------------------------------------
    def submit(self, line: str) -> Result:
        """Play a line: one command, or several ('take padd. go north', '... then ...')."""
        # Lone surrogates (undecodable bytes from a terminal) cannot be saved as UTF-8.
        if not line.isascii():
            line = line.encode("utf-8", "replace").decode("utf-8")
        notes = self.before_turn() if self.before_turn is not None else []
        parts = split_commands(line)
        result = self._submit(parts[0] if parts else line)
        for part in parts[1:]:
            if result.quit or result.ended or _failed(result):
                break  # the rest of the line made sense only if this part worked
            more = self._submit(part)
            more.paragraphs[:0] = result.paragraphs
            more.show_choices = more.show_choices or result.show_choices
            result = more
        if notes:
            result.paragraphs[:0] = notes
        return result

    def _submit(self, line: str) -> Result:
        ws = words(line)
        if ws and ws[0] == "oops":
            if len(ws) == 2 and self.oops is None and self.understood:
                return self._notice(f"I had already taken your last command as "
                                    f"{self.understood}; if you meant something else, say "
                                    "it again in full.", error=True)
            if len(ws) != 2 or self.oops is None:
                return self._notice("'oops' corrects the word I did not know in your last "
                                    "command: say 'oops' and the right word.", error=True)
            bad, before = self.oops
            import re  # only for 'oops'

            line = re.sub(rf"\b{re.escape(bad)}\b", ws[1], before, count=1, flags=re.I)
            ws = words(line)
        if len(ws) == 1 and ws[0] in ("again", "g"):  # (compiled: string tests, not tuples)
            if self.last_line is None:
                return self._notice("There is nothing to repeat yet.", error=True)
            line, ws = self.last_line, words(self.last_line)
        if self.pending_restart and ws in NO:
            self.pending_restart = False
            return self._notice("Not restarted; play on.")
        if self.pending_restart and ws == ("undo",):  # taking back the question, not a move
            self.pending_restart = False
            return self._notice("Not restarted, and nothing undone; play on.")
        if self.pending_restart and ws in YES:
            ws = ("restart",)
        verb = ws[0] if ws else ""
        name = _SESSION_COMMANDS.get(verb)
        if name is not None and (verb not in ("saves", "undo", "restart") or len(ws) == 1):
            result = getattr(self, name)(" ".join(line.split()[1:]))
        else:
            result = self._play(line)
            self.last_line = line
            self.oops = (result.unknown_word, line) if result.unknown_word else None
            self.understood = _understood(result)  # a typo mended: 'oops' has nothing to mend
        if verb != "restart":
            self.pending_restart = False
        if self.store is not None:
            self.store.transcribe(line, result)
        return result

    def _play(self, line: str) -> Result:
        before = self.state
        known = self.last.offers if self.last is not None and self.last.state is before \
            else None
        result = self.game.step(before, line, offers=known)
        self.last = result
        if result.quit:
            if self.store is not None:
                kept = self.store.journal_end(finished=False)  # quit: kept, to continue later
                if kept:
                    result.paragraphs.append(("system", kept))
            return result
        delta = result.undo if result.undo is not None else before.undo_delta(result.state)
        if delta:  # empty when the command changed nothing (a look, a refusal)
            self._keep_undo((delta, self.log, len(self.log), None))
            self.unsaved = True
        if result.resolved not in ("empty", "") and not (before.ended and result.state.ended):
            # (after the end, only what starts a game again is part of the game; a line
            # refused unread, too long to follow, is not part of it at all)
            entry = LogEntry(line, result.resolved)
            self.log.append(entry)
            if self.store is not None:
                note = self.store.journal_turn(entry, result.state.turn)
                if note:  # the journal is full: said once
                    result.paragraphs.append(("system", note))
                if result.ended is not None:
                    self.store.journal_end(finished=True)
        self.state = result.state
        return result

    def _notice(self, text: str, look: bool = False, error: bool = False) -> Result:
        return self.game.notice(self.state, [("error" if error else "system", text)], look=look)

    # -- session commands ----------------------------------------------------------
    def _save(self, name: str) -> Result:
        if self.store is None:
            return self._notice("Saving is not available in this game.", error=True)
        try:
            msg = self.store.save(name or DEFAULT_SLOT, self.state, self.log)
        except SaveError as exc:
            return self._notice(str(exc), error=True)
        self.unsaved = False
        return self._notice(msg)

    def _restore(self, name: str) -> Result:
        if self.store is None:
            return self._notice("Restoring is not available in this game.", error=True)
        try:
            state, log, msg = self.store.load(name or DEFAULT_SLOT)
        except SaveError as exc:
            if not name and self.store.missing(DEFAULT_SLOT):
                return self._notice("There is no quick save to restore: 'save' makes one, "
                                    "'restore NAME' restores a named save, and 'saves' lists "
                                    "them.", error=True)
            return self._notice(f"{exc} The game goes on as it was.", error=True)
        self._keep_undo((self.state.whole(), self.log, len(self.log), None))
        self.state, self.log = state, log
        self.store.journal_reset(state, log)
        self.unsaved = False
        return self._notice(msg, look=True)

    def _saves(self, _: str) -> Result:
        if self.store is None:
            return self._notice("Saving is not available in this game.", error=True)
        return self._notice(self.store.listing())

    def _keep_undo(self, level: tuple[tuple, list[LogEntry], int, Game | None]) -> None:
        undo = self.undo
        undo.append(level)
        if len(undo) > UNDO_DEPTH:  # the oldest level goes
            del undo[0]

    def _undo(self, _: str) -> Result:
        if not self.undo:
            return self._notice("There is nothing to undo.", error=True)
        # A snapshot keeps the log it belonged to (restore and restart replace the log)
        # and how long it was; later turns only ever append to it.
        delta, log, length, game = self.undo.pop()
        state = self.state.undone(delta)
        if game is not None:  # back to the game (and story) from before a reload
            self.game, self.state, self.log = game, state, log
            if self.store is not None:
                self.store.journal_reset(state, self.log)
            return self._notice("Undone: the reload. You are back in your game as it was, "
                                "in the story as it was then (your next edit reloads it).",
                                look=True)
        undone = [e.command for e in self.log[length:]] if log is self.log else []
        # Cut the log in place: every deeper level of undo holds this same list (or an
        # older one) with a length no greater, so each undo can name what it took back.
        del log[length:]
        self.state, self.log = state, log
        if self.store is not None:
            self.store.journal_reset(state, self.log)
        # the first command after the level is the one that changed the game; any after it
        # (a look, a refusal) changed nothing and go with it
        what = f"'{undone[0]}'" if undone else "the last turn"
        return self._notice(f"Undone: {what}.", look=True)

    def replace_game(self, game: Game, state: GameState, log: list[LogEntry]) -> None:
        """Play on in another game (a live reload rebuilt this one on an edited story);
        'undo' brings back the game, state and log as they are now."""
        self._keep_undo((self.state.whole(), self.log, len(self.log), self.game))
        self.game, self.state, self.log = game, state, log
        self.last = None

    def _restart(self, _: str) -> Result:
        if not self.state.ended and not self.pending_restart and self.log:
            self.pending_restart = True
            where = "the beginning" if self.start is None else \
                f"where this game began ({self.start.describe()})"
            return self._notice(f"Restart from {where}? Type 'yes' (or 'restart' again) to "
                                "restart, 'no' to play on ('undo' takes it back "
                                "afterwards).")
        self.pending_restart = False
        result = self.game.again(self.state)
        self._keep_undo((self.state.whole(), self.log, len(self.log), None))
        self.state, self.log = result.state, []
        if self.store is not None:
            self.store.journal_reset(self.state, self.log)
        return result

    def _transcript(self, arg: str) -> Result:
        if self.store is None:
            return self._notice("Transcripts are not available in this game.", error=True)
        if arg.lower() not in ("on", "off"):
            return self._notice("Say 'transcript on' or 'transcript off'.", error=True)
        try:
            return self._notice(self.store.transcript(arg.lower() == "on"))
        except SaveError as exc:
            return self._notice(str(exc), error=True)
