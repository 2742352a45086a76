"""Saved games and journals: written atomically, read as untrusted input.

A save is human-readable JSON with a format version, the story's identity, the
whole game state and the full log of commands. A file that is corrupt, from
another story or from a newer format is refused with a reason; a save made
before the story was edited is loaded if its state still fits, or rebuilt by
replaying its log.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from pathlib import Path

from ..engine.errors import SaveError
from ..engine.state import GameState, LogEntry
from ..story.files import FileRefused, read_regular
from ..story.limits import MAX_INT, MAX_TEXT
from ..story.model import Story
from ..story.places import NOWHERE, PLAYER, WORN
from ..story.record import Record
from .safety import json_line, safe_story_id

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

FORMAT = 1  # what this version writes
OLDEST_READABLE = 1  # the oldest format this version still reads
MAX_SAVE_BYTES = 32 * 1024 * 1024
MAX_SLOT = 64
MAX_LOG = 50_000  # commands in one save: replaying them must stay a matter of seconds
MAX_JOURNAL_BYTES = MAX_SAVE_BYTES
MAX_JOURNALS = 100  # journals of one story read at a start, newest first
SUFFIX = ".save.json"
JOURNAL_SUFFIX = ".journal"
_BAD_SLOT = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*]')


class SaveFile(Record):
    __slots__ = ("story_id", "title", "version", "fingerprint", "saved_at", "state", "log", "path")

    def __init__(self, story_id: str, title: str, version: str, fingerprint: str, saved_at: str,
                 state: GameState, log: list[LogEntry] | None = None,
                 path: Path | None = None) -> None:
        self.story_id = story_id
        self.title = title
        self.version = version
        self.fingerprint = fingerprint
        self.saved_at = saved_at
        self.state = state
        self.log = [] if log is None else log
        self.path = path


# -- slot names and paths ---------------------------------------------------------

def check_slot(name: str) -> str:
    """A safe slot name, or SaveError saying what is wrong with it."""
    name = name.strip()
    if not name:
        raise SaveError("A save needs a name.")
    if len(name) > MAX_SLOT:
        raise SaveError(f"That name is too long; keep it under {MAX_SLOT} characters.")
    if name.startswith(".") or ".." in name:
        raise SaveError("A save name cannot start with a dot or contain '..'.")
    if _BAD_SLOT.search(name):
        raise SaveError("A save name cannot hold / \\ : * ? \" < > | or control characters.")
    return name


def slot_path(directory: Path, name: str) -> Path:
    """The file for a slot, refusing anything that would leave the saves directory."""
    name = check_slot(name)
    path = directory / f"{name}{SUFFIX}"
    if path.is_symlink():
        raise SaveError(f"'{name}' is a link; saves are only read and written as plain files.")
    if path.resolve().parent != directory.resolve():
        raise SaveError(f"'{name}' would be outside the saves directory.")
    return path


def utc_now() -> str:
    """Now in UTC, as datetime.now(UTC).isoformat(timespec="seconds") writes it (without
    importing datetime on the way to the first prompt)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


# -- writing ---------------------------------------------------------------------

def write_atomic(path: Path, data: bytes) -> None:
    """Temporary file beside the target, flush, fsync, rename: the old file or the new one,
    never half of either. Raises OSError and leaves any previous file untouched."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        _hook("written")
        os.fsync(fd)
        _hook("flushed")
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _hook("renamed")
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _hook(step: str) -> None:
    """Test hook: ADVENTURE_SAVE_HOOK=STEP stops the process after that step of a save."""
    if os.environ.get("ADVENTURE_SAVE_HOOK") == step:
        sys.stderr.write(f"save hook: {step}\n")
        sys.stderr.flush()
        time.sleep(3600)


def encode(story: Story, state: GameState, log: list[LogEntry]) -> bytes:
    scene = story.scenes[state.scene]
    doc = {
        "format": FORMAT,
        "oldest_readable": OLDEST_READABLE,
        "story": {"id": story.id, "title": story.title, "version": story.version,
                  "fingerprint": story.fingerprint},
        "saved_at": utc_now(),
        "turn": state.turn,
        "scene": state.scene,
        "scene_title": scene.title,
        "seed": state.seed,
        "state": state.to_dict(),
        "log": [e.to_json() for e in log],
    }
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# -- reading -----------------------------------------------------------------------

def read_document(path: Path) -> dict[str, Any]:
    try:
        if path.is_symlink():
            raise SaveError("it is a link; saves are read only as plain files")
        raw = read_regular(path, MAX_SAVE_BYTES, follow=False)
    except FileRefused as exc:
        if exc.size is not None:
            raise SaveError(f"it is {exc.size:,} bytes, more than a save can be") from None
        raise SaveError(str(exc)) from None
    except FileNotFoundError:
        raise SaveError("there is no such save") from None
    except IsADirectoryError:
        raise SaveError("it is a directory, not a save") from None
    except OSError as exc:
        raise SaveError(f"it cannot be read ({exc.strerror or exc})") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SaveError("it is not a save file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(raw.rstrip()) - 1:
            raise SaveError("it is truncated: the file ends early") from None
        raise SaveError(f"it is not a save file (bad JSON at line {exc.lineno}, "
                        f"column {exc.colno})") from None
    except RecursionError:
        raise SaveError("it is not a save file (nested too deeply)") from None
    except ValueError:  # e.g. an integer of thousands of digits
        raise SaveError("it is not a save file (a number is far too large)") from None
    if not isinstance(doc, dict):
        raise SaveError("it is not a save file")
    return doc


def decode(doc: dict[str, Any], story: Story, path: Path | None = None) -> SaveFile:
    """Check a save document's shape and identity. The state is checked separately."""
    fmt, oldest = doc.get("format"), doc.get("oldest_readable", doc.get("format"))
    if not isinstance(fmt, int) or isinstance(fmt, bool) or not isinstance(oldest, int):
        raise SaveError("it is not a save file (no format version)")
    if oldest > FORMAT:
        raise SaveError(f"it was made by a newer version of the game (save format {fmt}; "
                        f"this version reads up to {FORMAT}); update the game to load it")
    ident = doc.get("story")
    if not isinstance(ident, dict) or not isinstance(ident.get("id"), str):
        raise SaveError("it does not say which story it belongs to")
    if ident["id"] != story.id:
        raise SaveError(f"it belongs to another story ('{_clip(ident['id'])}', "
                        f"not '{story.id}')")
    state = doc.get("state")
    log = doc.get("log")
    if not isinstance(state, dict):
        raise SaveError("it is damaged: the game state is missing")
    if isinstance(log, list) and len(log) > MAX_LOG:
        raise SaveError(f"it holds {len(log):,} commands; a save can hold {MAX_LOG:,}")
    if not isinstance(log, list) or not all(
            isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
            for e in log):
        raise SaveError("it is damaged: the list of commands is not readable")
    if not all(_utf8(c) and _utf8(r) and len(c) <= MAX_TEXT and len(r) <= MAX_TEXT
               for c, r in log):
        raise SaveError("it is damaged: the log of commands holds text that is not UTF-8 "
                        "or far too long")
    gs = state_from_dict(state)
    return SaveFile(
        story_id=ident["id"], title=str(ident.get("title", "")),
        version=str(ident.get("version", "")), fingerprint=str(ident.get("fingerprint", "")),
        saved_at=str(doc.get("saved_at", "")), state=gs,
        log=[LogEntry(c, r) for c, r in log], path=path,
    )


def _utf8(text: str) -> bool:
    """No lone surrogate (JSON's \\udcff): such text could not be written to a journal."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clip(text: str, n: int = 40) -> str:
    text = "".join(ch for ch in text if ch.isprintable())
    return text if len(text) <= n else text[:n] + "..."


_STATE_TYPES: dict[str, type | tuple[type, ...]] = {
    "scene": str, "vars": dict, "turn": int, "score": int, "moved": dict, "visits": dict,
    "done": dict, "listing": dict, "timers": list, "stack": list, "hints": dict, "rng": int,
    "seed": int, "ended": (str, type(None)),
}


def state_from_dict(data: dict[str, Any]) -> GameState:
    """Build a state from save data, checking only its shape (not the story)."""
    for key, kind in _STATE_TYPES.items():
        if key not in data:
            raise SaveError(f"it is damaged: the state has no '{key}'")
        value = data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SaveError(f"it is damaged: '{key}' in the state has the wrong type")
    data = dict(data)
    refs = data.get("refs", {})
    if not isinstance(refs, dict) or not all(isinstance(v, str) for v in refs.values()):
        raise SaveError("it is damaged: the pronoun memory is not readable")
    data["refs"] = {k: v for k, v in refs.items() if k in ("it", "them", "him", "her")}
    if not isinstance(data.get("pending"), dict):
        data["pending"] = None  # a question the parser asked is not worth a refusal
    for key in ("moved", "listing", "hints", "visits", "done"):
        for k, v in data[key].items():
            ok = isinstance(v, bool) if key == "listing" else (
                isinstance(v, str) if key == "moved" else
                isinstance(v, int) and not isinstance(v, bool))
            if not ok:
                raise SaveError(f"it is damaged: '{key}' holds a bad value for '{_clip(k)}'")
            if key in ("hints", "visits", "done") and not 0 <= v <= MAX_INT:
                raise SaveError(f"it is damaged: '{key}' holds a counter out of range for "
                                f"'{_clip(k)}'")
    for k, v in data["vars"].items():
        if (isinstance(v, int) and not -MAX_INT <= v <= MAX_INT) or (
                isinstance(v, str) and len(v) > MAX_TEXT):
            raise SaveError(f"it is damaged: the variable '{_clip(k)}' is out of range")
    if not (0 <= data["turn"] <= MAX_INT and -MAX_INT <= data["score"] <= MAX_INT):
        raise SaveError("it is damaged: its turn or score is out of range")
    timers = data["timers"]
    # A game keeps at most one timer per event (scheduling again replaces it): more is
    # forged, and would cost every turn a sort of them all.
    if not all(isinstance(t, list) and len(t) == 2 and isinstance(t[0], int)
               and not isinstance(t[0], bool) and 0 <= t[0] <= MAX_INT
               and isinstance(t[1], str) for t in timers) \
            or len({t[1] for t in timers}) != len(timers):
        raise SaveError("it is damaged: the timers are not readable (each event is timed "
                        "at most once)")
    if not all(isinstance(s, str) for s in data["stack"]):
        raise SaveError("it is damaged: the conversation stack is not readable")
    if not 0 <= data["rng"] < 2 ** 64:
        raise SaveError("it is damaged: the random generator's state is out of range")
    return GameState.from_dict(data)


def story_problems(state: GameState, story: Story) -> list[str]:
    """What in a state does not exist in this story (empty when the state fits)."""
    problems = []
    scenes, things = story.scenes, story.things
    if state.scene not in scenes:
        problems.append(f"scene '{_clip(state.scene)}'")
    for var, value in state.vars.items():
        if var not in story.initial:
            problems.append(f"variable '{_clip(var)}'")
        elif type(value) is not type(story.initial[var]):
            problems.append(f"variable '{_clip(var)}' of another type")
    # a state without one of the story's variables would fail the first guard reading it
    problems += [f"no variable '{_clip(var)}'" for var in story.initial if var not in state.vars]
    places = set(scenes) | set(things) | {PLAYER, WORN, NOWHERE}
    for thing, where in state.moved.items():
        if thing not in things:
            problems.append(f"thing '{_clip(thing)}'")
        elif where not in places:
            problems.append(f"place '{_clip(where)}'")
    problems += [f"scene '{_clip(s)}'" for s in [*state.visits, *state.stack] if s not in scenes]
    problems += [f"action '{_clip(a)}'" for a in [*state.done, *state.listing]
                 if a not in story.actions_by_key]
    problems += [f"event '{_clip(e)}'" for _, e in state.timers if e not in story.events]
    state.refs = {k: v for k, v in state.refs.items() if v in things}
    state.pending = None
    if state.ended is not None and (state.ended not in scenes
                                    or scenes[state.ended].ending is None):
        problems.append(f"ending '{_clip(state.ended)}'")
    return problems


def complete_vars(state: GameState, story: Story) -> None:
    """Variables the story gained since the save start at their initial values."""
    for var, value in story.initial.items():
        state.vars.setdefault(var, value)


# -- listing -------------------------------------------------------------------------

class SaveInfo(Record):
    __slots__ = ("name", "saved_at", "turn", "scene_title", "problem")

    def __init__(self, name: str, saved_at: str, turn: int | str, scene_title: str,
                 problem: str = "") -> None:
        self.name = name
        self.saved_at = saved_at
        self.turn = turn
        self.scene_title = scene_title
        self.problem = problem


def list_saves(directory: Path) -> list[SaveInfo]:
    out: list[SaveInfo] = []
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        name = path.name[: -len(SUFFIX)]
        if name.startswith("."):
            continue
        try:
            doc = read_document(path)
            turn = doc.get("turn", "?")
            out.append(SaveInfo(_clip(name), _clip(str(doc.get("saved_at", "?")))[:19]
                                .replace("T", " "),
                                turn if isinstance(turn, int) and not isinstance(turn, bool)
                                else "?", _clip(str(doc.get("scene_title", "?")))))
        except SaveError as exc:
            out.append(SaveInfo(_clip(name), "", "", "", problem=str(exc)))
    return out


# -- journals: one per game, one append per turn --------------------------------------

_string = json.encoder.encode_basestring  # one JSON string, as the encoder writes it


def _turn(entry: LogEntry, turn: int | None = None) -> str:
    """A command's line: what json.dumps([command, resolved, turn], ensure_ascii=False)
    writes, without the encoder's generic walk (one per turn). The turn is the game's own
    (the toolbar's) after the command; lines rewritten after an undo carry none."""
    if turn is None:
        return f"[{_string(entry.command)}, {_string(entry.resolved)}]\n"
    return f"[{_string(entry.command)}, {_string(entry.resolved)}, {turn:d}]\n"


class Journal:
    """A game's turns as JSON lines: a header, then [command, resolved] per turn.

    Each turn is one unbuffered write to a file opened for appending, so a killed
    process loses at most the turn in progress. Each game has its own file.
    """

    def __init__(self, path: Path, fd: int, commands: int = 0):
        self.path = path
        self.fd = fd
        self.commands = commands  # in the file now: a journal of none is removed at close

    @classmethod
    def start(cls, directory: Path, story: Story, seed: int,
              log: list[LogEntry] | None = None, turn: int | None = None) -> Journal:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        unique = f"{os.getpid()}-{time.monotonic_ns() % 10**6}"
        path = directory / f"{safe_story_id(story.id)}-{stamp}-{unique}{JOURNAL_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        journal = cls(path, fd)
        journal._write_all(story, seed, log or [], turn)
        journal.commands = len(log or [])
        return journal

    @classmethod
    def reopen(cls, path: Path) -> Journal:
        return cls(path, os.open(path, os.O_WRONLY | os.O_APPEND))

    @staticmethod
    def header(story: Story, seed: int) -> dict[str, Any]:
        return {"journal": FORMAT, "story": story.id, "fingerprint": story.fingerprint,
                "seed": seed, "started": utc_now()}

    def _text(self, story: Story, seed: int, log: list[LogEntry], turn: int | None) -> bytes:
        header = json.dumps(self.header(story, seed)) + "\n"
        lines = [_turn(e) for e in log]
        if lines and turn is not None:
            lines[-1] = _turn(log[-1], turn)
        return (header + "".join(lines)).encode("utf-8")

    def _write_all(self, story: Story, seed: int, log: list[LogEntry],
                   turn: int | None = None) -> None:
        os.write(self.fd, self._text(story, seed, log, turn))

    def append(self, entry: LogEntry, turn: int | None = None) -> None:
        os.write(self.fd, _turn(entry, turn).encode())
        self.commands += 1

    def rewrite(self, story: Story, seed: int, log: list[LogEntry],
                turn: int | None = None) -> None:
        """After undo, restore or restart: the journal becomes the current log."""
        self.commands = len(log)
        if not log:
            # A restart: a journal that is only a header has nothing to lose, so it is
            # rewritten in place (a torn header is a journal nobody is offered).
            os.ftruncate(self.fd, 0)
            self._write_all(story, seed, log)
            return
        write_atomic(self.path, self._text(story, seed, log, turn))
        os.close(self.fd)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def sync(self) -> None:
        with contextlib.suppress(OSError):
            os.fsync(self.fd)

    def finish(self) -> None:
        """The game ended: nothing is left to continue, so the journal goes. The end mark
        is written first, so a journal that cannot be removed is never offered again."""
        with contextlib.suppress(OSError):
            os.write(self.fd, b'{"end": true}\n')
        self.commands = 0  # removed at close

    def close(self) -> None:
        """Close the file; a journal with no command in it (an empty game) is removed."""
        with contextlib.suppress(OSError):
            os.close(self.fd)
        if self.commands == 0:
            with contextlib.suppress(OSError):
                self.path.unlink()


class JournalInfo(Record):
    __slots__ = ("path", "seed", "fingerprint", "log", "finished", "modified", "story", "turn")

    def __init__(self, path: Path, seed: int, fingerprint: str, log: list[LogEntry], finished: bool,
                 modified: float, story: str = "", turn: int | None = None) -> None:
        self.path = path
        self.seed = seed
        self.fingerprint = fingerprint
        self.log = log
        self.finished = finished
        self.modified = modified
        self.story = story
        self.turn = turn  # the game's turn after its last command (None: an older journal)

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
    # a modification time from the far future (or past) would not make a date
    modified = min(max(modified, 86400.0), 253402128000.0)  # 1970-01-02 to 9999-12-30
    return JournalInfo(path, head["seed"], str(head.get("fingerprint", "")), log, finished,
                       modified, str(owner or ""), turn)


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
