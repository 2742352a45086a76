"""Saves on disk for a session, rebuilding a game from its log, and replaying saved games.

`FileStore` is what a `Session` uses to save, restore, journal and transcribe.
`rebuild` replays a log on a (possibly edited) story; `replay` prints a saved
game turn by turn and can check that it still ends where it was saved.
"""

from __future__ import annotations

import os
import time

from ..engine.errors import SaveError
from ..engine.session import Game, Result
from ..engine.state import GameState, LogEntry
from ..story.record import Record
from ..story.sanitize import sanitize
from .plain import render

# The saves, journal and safety modules (and json, contextlib, pathlib) are imported in the
# functions that use them: every game makes a FileStore, and a piped one, which neither
# saves nor keeps a journal, needs none of them.
TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TextIO

    from ..engine.opening import Start
    from .journal import Journal
    from .saves import SaveFile


class Rebuilt(Record):
    __slots__ = ("state", "log", "diverged_at", "why")

    def __init__(self, state: GameState, log: list[LogEntry], diverged_at: int | None,
                 why: str = "") -> None:
        self.state = state
        self.log = log
        self.diverged_at = diverged_at  # 1-based turn of the first command whose outcome changed
        self.why = why  # why it stopped there: "no longer does what it did", or the budget


class Replayer:
    """The commands of a rebuild or a replay, each played again within the budget
    (saves.MAX_REBUILD_*): a command's recorded meaning is replayed as it is (an action,
    exit, built-in verb or meta command still there) or its words are read exactly as
    typed, without the typo correction that searches the vocabulary for every unknown word.
    Only where the exact words no longer reach the recorded meaning is a typo corrected
    again ('go to opz' for 'go to ops'), at most MAX_REBUILD_CORRECTIONS times."""

    def __init__(self, game: Game, log: list[LogEntry]) -> None:
        from .saves import MAX_REBUILD_CORRECTIONS, check_rebuild

        check_rebuild(log)  # before any of it is replayed
        self.max_corrections = MAX_REBUILD_CORRECTIONS
        self.game = game
        self.corrections = 0
        self.spent = False  # a command needed a correction past the budget

    def step(self, state: GameState, command: str, resolved: str | None, target: str
             ) -> Result:
        """`command` played on `state`, replaying `resolved` if given; `target` is what it
        meant when it was played."""
        result = self.game.step(state, command, resolved, correct=False)
        if result.resolved == "unknown" and target not in ("unknown", ""):
            if self.corrections >= self.max_corrections:
                self.spent = True
                return result
            self.corrections += 1
            result = self.game.step(state, command, resolved)
        return result

    def why(self) -> str:
        """Why the command last stepped does not do what it did."""
        if self.spent:
            return (f"would need its typo corrected again, and a rebuild corrects at most "
                    f"{self.max_corrections} typos")
        return "no longer does what it did"


def rebuild(game: Game, seed: int, log: list[LogEntry], start: Start | None = None) -> Rebuilt:
    """Replay a log from a new game (begun at `start`, if the game was), stopping before
    the first command that now means something else than it did. A log past the rebuild
    budget is refused (SaveError) before any of it is replayed."""
    replayer = Replayer(game, log)
    state = game.begin(seed, start).state
    kept: list[LogEntry] = []
    for i, entry in enumerate(log):
        meant = renamed(entry.resolved, state.scene, game)
        result = replayer.step(state, entry.command, meant or None, meant)
        if result.resolved != meant:
            return Rebuilt(state, kept, i + 1, replayer.why())
        kept.append(entry if meant == entry.resolved else LogEntry(entry.command, meant))
        state = result.state
    return Rebuilt(state, kept, None)


def renamed(resolved: str, here: str, game: Game) -> str:
    """What a logged command means in an edited story where the scene it was played in has
    a new id: 'action:old_id:x' played in the scene the replay is in is 'action:here:x'.
    Anything else is kept as logged."""
    kind, _, rest = resolved.partition(":")
    scene, sep, what = rest.partition(":")
    if kind not in ("action", "exit", "fallback") or scene in game.story.scenes \
            or scene == "global" or bool(sep) != (kind != "fallback"):
        return resolved
    return f"{kind}:{here}{sep}{what}"


def load_save(game: Game, path: Path) -> tuple[GameState, list[LogEntry], str]:
    """Read a save for this game's story: (state, log, what to tell the player). The
    state keeps where the saved game began (play --at), for a restart and its next saves."""
    from .saves import decode, read_document

    return fit_to_story(game, decode(read_document(path), game.story, path))


def fit_to_story(game: Game, save: SaveFile) -> tuple[GameState, list[LogEntry], str]:
    from .saves import complete_vars, story_problems

    story = game.story
    state = save.state
    if save.fingerprint == story.fingerprint:
        problems = story_problems(state, story)
        if problems:
            raise SaveError(f"it is damaged: it refers to {', '.join(problems[:3])}, "
                            "which this story does not have")
        return state, save.log, f"Restored: turn {state.turn}, {story.scenes[state.scene].title}."
    # The story was edited: replay the game's commands on it, so that what the edit
    # changes along the way (someone who now follows the player, a new variable's value)
    # is part of the game; the saved state itself serves only when the replay cannot
    # reach it and it still fits the story.
    try:
        rebuilt = rebuild(game, state.seed, save.log, save.start)
    except SaveError as exc:  # past the rebuild budget: the saved state may still serve
        refused: SaveError | None = exc
    else:
        refused = None
        if rebuilt.diverged_at is None and rebuilt.state.scene == state.scene:
            return rebuilt.state, rebuilt.log, (
                f"Restored: turn {rebuilt.state.turn}, {story.scenes[state.scene].title}. "
                "The story has changed since this game was saved; your game was replayed "
                "on it.")
    complete_vars(state, story)
    if not story_problems(state, story):
        return state, save.log, (f"Restored: turn {state.turn}, "
                                 f"{story.scenes[state.scene].title}. The story has changed "
                                 "since this game was saved; your game still fits it.")
    if refused is not None:
        raise refused
    if rebuilt.diverged_at is None:
        how = f"replayed to turn {rebuilt.state.turn}, as saved"
    else:
        bad = save.log[rebuilt.diverged_at - 1].command
        how = (f"replayed to turn {rebuilt.state.turn} of {state.turn}, where "
               f"'{sanitize(bad)}' {rebuilt.why}; you are just before it")
    return rebuilt.state, rebuilt.log, ("The story has changed since this game was saved, "
                                        f"so it was rebuilt from its commands: {how}.")


class FileStore:
    """Saves, the journal and transcripts of one session, in one directory."""

    def __init__(self, directory: str | os.PathLike[str], game: Game, journal: bool = True):
        self._folder = directory
        self._dir: Path | None = None
        self.game = game
        self.journaling = journal
        # The journal and what it said are kept by a compiled Keeper, whose methods the
        # session calls every turn as this store's own (see the properties below).
        from .keeper import Keeper

        self.keeper = Keeper()
        self.journal_turn = self.keeper.turn
        self.transcribe = self.keeper.transcribe
        self._transcript_file: TextIO | None = None

    @property
    def journal(self) -> Journal | None:
        return self.keeper.journal

    @journal.setter
    def journal(self, value: Journal | None) -> None:
        self.keeper.journal = value

    @property
    def journal_full(self) -> bool:
        """The game outgrew its journal (Journal.room_for)."""
        return self.keeper.full

    @journal_full.setter
    def journal_full(self, value: bool) -> None:
        self.keeper.full = value

    @property
    def transcript_file(self) -> TextIO | None:
        return self._transcript_file

    @transcript_file.setter
    def transcript_file(self, value: TextIO | None) -> None:
        # the keeper writes each turn to it, through _transcribe, while one is open
        self._transcript_file = value
        self.keeper.transcript = None if value is None else self._transcribe

    @property
    def journal_note(self) -> str:
        """What to tell the player at the next turn."""
        return self.keeper.note

    @journal_note.setter
    def journal_note(self, value: str) -> None:
        self.keeper.note = value

    @property
    def dir(self) -> Path:
        """The folder, as a Path made when first needed: a piped game that never saves nor
        journals does not import pathlib."""
        if self._dir is None:
            from pathlib import Path

            self._dir = Path(self._folder)
        return self._dir

    # saves
    def save(self, name: str, state: GameState, log: list[LogEntry]) -> str:
        from .saves import encode, write_atomic

        path = self.path_for(name)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(path)
            write_atomic(path, encode(self.game.story, state, log, state.start))
        except OSError as exc:
            raise SaveError(f"Could not save: {exc.strerror or exc}. Any earlier save "
                            f"'{name}' is untouched.") from None
        if self.journal is not None:
            self.journal.sync()
        return f"Saved as '{name}' (turn {state.turn})."

    def path_for(self, name: str, allow_path: bool = False) -> Path:
        """A slot's file; with allow_path (the command line), an existing file's path too."""
        from pathlib import Path

        from .saves import slot_path

        candidate = Path(name)
        if allow_path and ("/" in name or name.endswith(".json")) and candidate.exists():
            return candidate
        return slot_path(self.dir, name)

    def load(self, name: str) -> tuple[GameState, list[LogEntry], str]:
        try:
            path = self.path_for(name)
        except SaveError as exc:
            raise SaveError(f"Cannot restore '{sanitize(name)}': {exc}") from None
        try:
            return load_save(self.game, path)
        except SaveError as exc:
            raise SaveError(f"Cannot restore '{sanitize(name)}': {exc}.") from None

    def listing(self) -> str:
        from .saves import list_saves

        saves = list_saves(self.dir)
        if not saves:
            return f"No saved games yet in {self.dir}. Type 'save NAME' to make one."
        return "\n".join(format_save(s) for s in saves)

    # journal
    def start_journal(self, state: GameState, log: list[LogEntry],
                      path: Path | None = None) -> None:
        if not self.journaling:
            return
        from .journal import Journal
        from .safety import safe_story_id

        try:
            prune_journals(self.dir, safe_story_id(self.game.story.id))
            if path is not None:
                # Rewrite it whole: its last line may be torn by the crash we recover from.
                self.journal = Journal.reopen(path)
                self._rewrite(state, log)
            else:
                kept = self._fit(log)
                self.journal = Journal.start(self.dir, self.game.story, state.seed, kept,
                                             state.turn if kept is log else None, state.start)
        except (OSError, SaveError):  # SaveError: a story id that cannot name a file
            self.journal = None  # no journal is no reason to refuse to play

    def _fit(self, log: list[LogEntry]) -> list[LogEntry]:
        """What of a log the journal keeps: all of it, or (a game restored from a save
        longer than a journal holds) its start, and the player is told at the next turn."""
        if not log:  # a restart: nothing to fit (and no import statement run for it)
            self.journal_full = False
            return log
        from .saves import rebuildable

        kept = rebuildable(log)
        self.journal_full = len(kept) < len(log)
        if self.journal_full:
            from .keeper import full_journal

            self.journal_note = full_journal(None, len(kept))
            return kept
        return log

    def _rewrite(self, state: GameState, log: list[LogEntry]) -> None:
        assert self.journal is not None
        self.journal.begun = state.start  # a restored game may have begun elsewhere
        kept = self._fit(log)
        self.journal.rewrite(self.game.story, state.seed, kept,
                             state.turn if kept is log else None)

    def missing(self, name: str) -> bool:
        try:
            return not self.path_for(name).exists()
        except SaveError:
            return True

    def journal_reset(self, state: GameState, log: list[LogEntry]) -> None:
        if self.journal is not None:
            try:
                self._rewrite(state, log)
            except OSError:
                self.journal = None

    def journal_end(self, finished: bool) -> str:
        if self.journal is None:
            return ""
        if finished:
            self.journal.finish()
            return ""
        self.journal.sync()
        if not self.journal.commands:
            return ""
        if self.journal_full:
            at = f"at turn {self.journal.turn}" if self.journal.turn is not None else \
                f"after {self.journal.commands:,} commands"
            return (f"Your game's journal stopped {at} (a longer one could not be "
                    "continued): 'adventure --continue' picks the game up there. Only a save "
                    "keeps the turns after it.")
        return ("Your game is kept: 'adventure --continue' picks it up where you left it "
                "('adventure saves' lists unfinished games).")

    def close(self) -> None:
        if self.journal is not None:
            self.journal.sync()
            self.journal.close()
        if self.transcript_file is not None:
            import contextlib

            with contextlib.suppress(OSError):  # a full disk: the last lines are lost, no more
                self.transcript_file.close()
            self.transcript_file = None

    # transcripts
    def transcript(self, on: bool) -> str:
        import contextlib

        if not on:
            if self.transcript_file is None:
                return "No transcript is being written."
            name = self.transcript_file.name
            with contextlib.suppress(OSError):
                self.transcript_file.close()
            self.transcript_file = None
            return f"Transcript closed: {name}"
        if self.transcript_file is not None:
            return f"A transcript is already being written to {self.transcript_file.name}."
        from .safety import safe_story_id

        stamp = time.strftime("%Y%m%d-%H%M%S")
        try:
            path = self.dir / f"transcript-{safe_story_id(self.game.story.id)}-{stamp}.txt"
        except SaveError as exc:
            raise SaveError(f"Could not start a transcript: {exc}.") from None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            # never through a link planted under the name (the text would go to its target)
            self.transcript_file = open(path, "a", encoding="utf-8",  # noqa: SIM115
                                        opener=_no_follow)
        except OSError as exc:
            raise SaveError(f"Could not start a transcript: {exc.strerror or exc}.") from None
        return f"Writing a transcript to {path}."

    def _transcribe(self, line: str, result: Result) -> None:
        """A turn, written to the open transcript (the keeper calls it while one is)."""
        if self.transcript_file is not None:
            import contextlib

            with contextlib.suppress(OSError):
                self.transcript_file.write(f"> {sanitize(line)}\n\n{render(result, 78)}\n\n")
                self.transcript_file.flush()


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW, 0o644)


STALE_SECONDS = 3600


def remove_stale_temporaries(path: Path) -> None:
    """Temporary files of saves killed mid-write; an hour old is surely abandoned."""
    import contextlib

    now = time.time()
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()


KEEP_JOURNALS = 10


def prune_journals(directory: Path, story_id: str) -> None:
    """Keep the newest journals of a story; older ones are of no use to anyone. A journal
    is the story's by the exact id in its header, not by its name: 'terok' never prunes
    'terok-nor'."""
    import contextlib

    from .safety import journal_owner
    from .saves import JOURNAL_SUFFIX, MAX_JOURNALS

    with contextlib.suppress(OSError):
        paths = sorted(directory.glob(f"{story_id}-*{JOURNAL_SUFFIX}"),
                       key=lambda p: p.lstat().st_mtime, reverse=True)
        own = [p for p in paths[:MAX_JOURNALS * 10] if journal_owner(p) == story_id]
        for old in own[KEEP_JOURNALS:]:
            with contextlib.suppress(OSError):
                old.unlink()


def format_save(s) -> str:
    if s.problem:
        return sanitize(f"  {s.name:<20} (unreadable: {s.problem})")
    return sanitize(f"  {s.name:<20} {s.saved_at:<19}  turn {s.turn!s:<5} {s.scene_title}")


# -- adventure replay ------------------------------------------------------------------

def replay(game: Game, save: SaveFile, out: TextIO, check: bool = False, delay: float = 0,
           to_turn: int | None = None, width: int | None = None) -> int:
    """Print a saved game turn by turn, wrapped to `width` (a terminal's) or not at all.
    With `check`, exit 1 at the first divergence."""
    replayer = Replayer(game, save.log)  # SaveError past the budget, before any output
    session_state = game.begin(save.state.seed, save.start)
    out.write(render(session_state, width) + "\n")
    state = session_state.state
    told = False  # that the correction budget is spent
    for i, entry in enumerate(save.log, 1):
        if to_turn is not None and state.turn >= to_turn:
            break  # a turn is the game's own count (the toolbar's), not a command's number
        # --check parses the typed commands afresh: a saved game as a regression test
        result = replayer.step(state, entry.command, None if check else entry.resolved,
                               entry.resolved)
        out.write(f"\n> {sanitize(entry.command)}\n\n{render(result, width)}\n")
        if check and result.resolved != entry.resolved:
            out.write(f"\nreplay: turn {state.turn} diverged (command {i}): "
                      f"'{sanitize(entry.command)}' now does {result.resolved}, it did "
                      f"{entry.resolved}" + (f" (it {replayer.why()})" if replayer.spent
                                             else "") + "\n")
            return 1
        if replayer.spent and not told:
            out.write(f"\nreplay: from here no typo is corrected (a replay corrects at most "
                      f"{replayer.max_corrections}), so the game may go another way\n")
            told = True
        state = result.state
        out.flush()
        if delay:
            time.sleep(delay)
    if check and to_turn is None:
        if state != save.state:
            out.write("\nreplay: the replayed game does not end in the saved state\n")
            return 1
        out.write(f"\nreplay: every turn matches the saved game, to its turn {state.turn} "
                  f"({len(save.log)} commands)\n")
    return 0
