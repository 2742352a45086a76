"""Journals: a game's commands, one line per turn, so that a closed window or a crash
loses nothing. Read as untrusted input, like saves."""

from __future__ import annotations

import os
import time

from ..engine.opening import Start
from ..engine.state import LogEntry
from ..story.files import FileRefused, read_regular
from ..story.limits import MAX_INT
from ..story.memo import remember
from ..story.model import Story
from ..story.record import Record
from .safety import json_line, safe_story_id
from .saves import (
    FORMAT,
    JOURNAL_SUFFIX,
    MAX_JOURNAL_BYTES,
    MAX_JOURNALS,
    MAX_LOG,
    MAX_REBUILD_CHARS,
    MAX_REBUILD_COMMANDS,
    SaveError,
    check_rebuild,
    utc_now,
    write_atomic,
)

# json, contextlib and pathlib are imported in the functions that use them: a piped game
# imports this module at its start, and needs none of them.
TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any, Final

# -- journals: one per game, one append per turn --------------------------------------

def _turn(entry: LogEntry, turn: int | None = None) -> str:
    """A command's line: what json.dumps([command, resolved, turn], ensure_ascii=False)
    writes, without the encoder's generic walk (one per turn). The turn is the game's own
    (the toolbar's) after the command; lines rewritten after an undo carry none."""
    return _lines([(entry, turn)])


def _lines(turns: list[tuple[LogEntry, int | None]]) -> str:
    """`_turn` of each (entry, turn), in one string: a batch in one loop, not a call each."""
    string = _string_encoder()
    known = _ENCODED
    out: list[str] = []
    for e, t in turns:
        # the same commands and resolutions come back turn after turn: each encoded once
        command = known.get(e.command)
        if command is None:
            command = remember(known, e.command, string(e.command))
        resolved = known.get(e.resolved)
        if resolved is None:
            resolved = remember(known, e.resolved, string(e.resolved))
        # (no format spec: compiled, that would be a call to format())
        out.append(f"[{command}, {resolved}]\n" if t is None else
                   f"[{command}, {resolved}, {t}]\n")
    return "".join(out)


_ENCODED: Final[dict[str, str]] = {}  # a string -> its JSON (_lines)


def _string_encoder() -> Callable[[str], str]:
    """One JSON string, as json's encoder writes it. Imported at the first journalled turn,
    not with this module: a piped game keeps no journal (and json itself imports re)."""
    global _encoder
    encode = _encoder
    if encode is None:
        try:
            from _json import encode_basestring
        except ImportError:  # pragma: no cover - an interpreter without the C accelerator
            from json.encoder import encode_basestring
        encode = _encoder = encode_basestring
    return encode


_encoder: Callable[[str], str] | None = None


def _header_line(story: Story, seed: int) -> str:
    """json.dumps(Journal.header(story, seed)) and a newline, for a game begun at the
    story's start: written again at every restart, so without json's generic encoder (an
    interpreted walk); the story's part, the same every time, is encoded once."""
    known = _HEADS.get(story.id)
    if known is None or known[0] != story.fingerprint:
        try:  # json.dumps's own string encoder (ensure_ascii)
            from _json import encode_basestring_ascii as string
        except ImportError:  # pragma: no cover - an interpreter without the C accelerator
            from json.encoder import encode_basestring_ascii as string

        head = (f'{{"journal": {FORMAT}, "story": {string(story.id)}, '
                f'"fingerprint": {string(story.fingerprint)}, "seed": ')
        known = _HEADS[story.id] = (story.fingerprint, head)
    return known[1] + str(seed) + ', "started": "' + utc_now() + '"}\n'


_HEADS: Final[dict[str, tuple[str, str]]] = {}  # story id -> (fingerprint, its header's start)


class Journal:
    """A game's turns as JSON lines: a header, then [command, resolved] per turn.

    Each turn is one unbuffered write to a file opened for appending, so a killed
    process loses at most the turn in progress. With `hold` (the plain loop, reading lines
    a pipe has already delivered) the turns of a batch wait in `pending` until `flush`,
    which the loop calls just before it writes the batch's output: a killed process loses
    only turns nobody saw, and a batch costs one write, not one per turn (a write was
    about a tenth of a piped turn). Each game has its own file. A journal
    holds no more than a rebuild replays (saves.MAX_REBUILD_*: `room_for`), so that every
    journal written can be continued and none grows without bound in a long game.
    """

    def __init__(self, path: Path, fd: int, commands: int = 0):
        self.path = path
        self.fd = fd
        self.commands = commands  # in the file now: a journal of none is removed at close
        self.typed = 0  # characters of the commands in the file
        self.turn: int | None = None  # the game's turn after the last command in the file
        self.begun: Start | None = None  # where the game began, kept in the header
        self.hold = False  # keep turns in `pending` until `flush` (see above)
        self.pending: list[tuple[LogEntry, int | None]] = []
        self.failed = False  # a write failed: the journal stops there, as a full one does

    def room_for(self, entry: LogEntry) -> bool:
        """Can this command be kept, and the journal still be continued?"""
        return self.commands < MAX_REBUILD_COMMANDS \
            and self.typed + len(entry.command) <= MAX_REBUILD_CHARS

    @classmethod
    def start(cls, directory: Path, story: Story, seed: int,
              log: list[LogEntry] | None = None, turn: int | None = None,
              begun: Start | None = None) -> Journal:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        unique = f"{os.getpid()}-{time.monotonic_ns() % 10**6}"
        path = directory / f"{safe_story_id(story.id)}-{stamp}-{unique}{JOURNAL_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        journal = cls(path, fd)
        journal.begun = begun
        journal._write_all(story, seed, log or [], turn)
        return journal

    @classmethod
    def reopen(cls, path: Path) -> Journal:
        return cls(path, os.open(path, os.O_WRONLY | os.O_APPEND))

    @staticmethod
    def header(story: Story, seed: int, begun: Start | None = None) -> dict[str, Any]:
        head = {"journal": FORMAT, "story": story.id, "fingerprint": story.fingerprint,
                "seed": seed, "started": utc_now()}
        if begun is not None:
            head["start"] = begun.to_json()
        return head

    def _text(self, story: Story, seed: int, log: list[LogEntry], turn: int | None) -> bytes:
        if self.begun is None:
            header = _header_line(story, seed)
        else:  # a game begun elsewhere: its start is nested data, json's to write
            import json

            header = json.dumps(self.header(story, seed, self.begun)) + "\n"
        lines = [_turn(e) for e in log]
        if lines and turn is not None:
            lines[-1] = _turn(log[-1], turn)
        return (header + "".join(lines)).encode("utf-8")

    def _write_all(self, story: Story, seed: int, log: list[LogEntry],
                   turn: int | None = None) -> None:
        os.write(self.fd, self._text(story, seed, log, turn))
        self._kept(log, turn)

    def _kept(self, log: list[LogEntry], turn: int | None) -> None:
        self.commands, self.typed, self.turn = len(log), sum(len(e.command) for e in log), turn

    def append(self, entry: LogEntry, turn: int | None = None) -> None:
        if self.hold:
            if not self.failed:
                self.pending.append((entry, turn))
        else:
            os.write(self.fd, _turn(entry, turn).encode())
        self.commands += 1
        self.typed += len(entry.command)
        self.turn = turn

    def flush(self) -> None:
        """Write the turns held back (`hold`). A failed write (a full disk) stops the
        journal at the turns before the batch, as a failed append stops the store's."""
        pending = self.pending
        if not pending:
            return
        text = _lines(pending)
        pending.clear()
        if self.failed:
            return
        try:
            os.write(self.fd, text.encode())
        except OSError:
            self.failed = True

    def rewrite(self, story: Story, seed: int, log: list[LogEntry],
                turn: int | None = None) -> None:
        """After undo, restore or restart: the journal becomes the current log."""
        self.pending.clear()  # turns held back are in the log
        if not log:
            # A restart: a journal that is only a header has nothing to lose, so it is
            # rewritten in place (a torn header is a journal nobody is offered).
            os.ftruncate(self.fd, 0)
            self._write_all(story, seed, log)
            self.failed = False  # whole again
            return
        write_atomic(self.path, self._text(story, seed, log, turn))
        self._kept(log, turn)
        os.close(self.fd)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self.failed = False

    # (try/except, not contextlib.suppress: an import statement and a context manager
    # at every game's end and restart)
    def sync(self) -> None:
        self.flush()
        try:  # noqa: SIM105 - see above
            os.fsync(self.fd)
        except OSError:
            pass

    def finish(self) -> None:
        """The game ended: nothing is left to continue, so the journal goes. The end mark
        is written first, so a journal that cannot be removed is never offered again."""
        self.flush()
        try:  # noqa: SIM105 - see above
            os.write(self.fd, b'{"end": true}\n')
        except OSError:
            pass
        self.commands = 0  # removed at close

    def close(self) -> None:
        """Close the file; a journal with no command in it (an empty game) is removed."""
        import contextlib

        self.flush()
        with contextlib.suppress(OSError):
            os.close(self.fd)
        if self.commands == 0:
            with contextlib.suppress(OSError):
                self.path.unlink()


class JournalInfo(Record):
    __slots__ = ("path", "seed", "fingerprint", "log", "finished", "modified", "story", "turn",
                 "start")

    def __init__(self, path: Path, seed: int, fingerprint: str, log: list[LogEntry], finished: bool,
                 modified: float, story: str = "", turn: int | None = None,
                 start: Any = None) -> None:
        self.path = path
        self.seed = seed
        self.fingerprint = fingerprint
        self.log = log
        self.finished = finished
        self.modified = modified
        self.story = story
        self.turn = turn  # the game's turn after its last command (None: an older journal)
        self.start = start  # the header's start (play --at), unchecked until used

    @property
    def name(self) -> str:
        """What `adventure saves` shows and `--continue NAME` takes: the journal's file name
        without the story's id, its suffix and the process's marks, when nothing is lost
        by that (STORY-YYYYMMDD-HHMMSS-PID-N.journal -> YYYYMMDD-HHMMSS-PID-N)."""
        stem = self.path.name.removesuffix(JOURNAL_SUFFIX)
        return stem.removeprefix(f"{self.story}-") if self.story else stem


class JournalError(Exception):
    """A journal that cannot be continued, and why."""


def read_journal(path: Path, story_id: str | None = None) -> JournalInfo | None:
    """A journal's contents; a torn last line (a killed process) is ignored. None when it
    is not a journal at all (or, given `story_id`, belongs to another story)."""
    try:
        return check_journal(path, story_id)
    except JournalError:
        return None


def check_journal(path: Path, story_id: str | None = None) -> JournalInfo | None:
    """Like read_journal, but a damaged journal raises JournalError with the reason; None
    only for a journal of another story (it is theirs, and left alone)."""
    try:
        raw = read_regular(path, MAX_JOURNAL_BYTES, follow=False)
        modified = path.lstat().st_mtime
    except FileRefused as exc:
        raise JournalError(str(exc)) from None
    except OSError as exc:
        raise JournalError(f"it cannot be read ({exc.strerror or exc})") from None
    lines = raw.decode("utf-8", errors="replace").split("\n")
    head = json_line(lines[0])
    if not isinstance(head, dict) or type(head.get("seed")) is not int \
            or not 0 <= head["seed"] < 2**64:
        raise JournalError("its first line is not a journal's header")
    owner = head.get("story")
    if story_id is not None and owner != story_id:
        if isinstance(owner, str) and owner:
            return None  # another story's journal, whose id begins like ours
        raise JournalError("its header does not name this story")
    if len(lines) > MAX_LOG + 3:
        raise JournalError(f"it holds more than {MAX_LOG:,} commands")
    log: list[LogEntry] = []
    finished = False
    turn: int | None = None
    for line in lines[1:]:
        if not line.strip():
            continue
        item = json_line(line)
        if item is None:
            break  # the turn in progress when the process died
        if isinstance(item, dict) and item.get("end"):
            finished = True
        elif isinstance(item, list) and len(item) in (2, 3) \
                and isinstance(item[0], str) and isinstance(item[1], str):
            log.append(LogEntry(item[0], item[1]))
            # [command, resolved, turn]; journals before the turn was kept have two items
            turn = item[2] if len(item) == 3 and type(item[2]) is int \
                and 0 <= item[2] <= MAX_INT else None
    try:  # longer than a journal is kept (an older version, or planted): never continued
        check_rebuild(log)
    except SaveError as exc:
        raise JournalError(str(exc)) from None
    # a modification time from the far future (or past) would not make a date
    modified = min(max(modified, 86400.0), 253402128000.0)  # 1970-01-02 to 9999-12-30
    return JournalInfo(path, head["seed"], str(head.get("fingerprint", "")), log, finished,
                       modified, str(owner or ""), turn, head.get("start"))


SET_ASIDE = ".set-aside"


def set_aside(path: Path, reason: str) -> str:
    """Rename a damaged journal out of the way (it is never offered again, and kept for a
    person to look at); returns what to tell them."""
    target = path.with_name(path.name + SET_ASIDE)
    try:
        os.replace(path, target)
    except OSError as exc:
        return f"cannot set aside the damaged journal {path} ({reason}): {exc.strerror or exc}"
    return f"set aside the damaged journal {path} as {target.name}: {reason}"


def unfinished_journals(directory: Path, story: Story | None = None,
                        notes: list[str] | None = None) -> list[JournalInfo]:
    """Journals of games that did not end (of this story, or of any), newest first. Only
    the MAX_JOURNALS newest files are read; with `story`, a damaged journal named for it
    is set aside (and `notes` told why), so that it never blocks a start."""
    import contextlib
    from pathlib import Path

    found: list[JournalInfo] = []
    if not directory.is_dir():
        return found
    prefix = f"{story.id}-" if story is not None else ""
    candidates: list[tuple[float, Path]] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.startswith(prefix) and entry.name.endswith(JOURNAL_SUFFIX):
                with contextlib.suppress(OSError):
                    candidates.append((entry.stat(follow_symlinks=False).st_mtime,
                                       Path(entry.path)))
    candidates.sort(key=lambda c: c[0], reverse=True)
    for _, path in candidates[:MAX_JOURNALS]:
        try:
            info = check_journal(path, story.id if story is not None else None)
        except JournalError as exc:
            if story is not None and not path.is_dir():
                message = set_aside(path, str(exc))
                if notes is not None:
                    notes.append(message)
            continue
        if info is not None and not info.finished and info.log:
            found.append(info)
    return sorted(found, key=lambda j: j.modified, reverse=True)
