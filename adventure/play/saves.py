"""Saved games and journals: written atomically, read as untrusted input.

A save is human-readable JSON with a format version, the story's identity, the
whole game state and the full log of commands. A file that is corrupt, from
another story or from a newer format is refused with a reason; a save made
before the story was edited is loaded if its state still fits, or rebuilt by
replaying its log.
"""

from __future__ import annotations

import os
import sys
import time

from ..engine.errors import SaveError
from ..engine.opening import Start, StartError, start_from_json
from ..engine.state import GameState, LogEntry
from ..story.files import FileRefused, read_regular
from ..story.lazyre import rx
from ..story.limits import MAX_INT, MAX_TEXT
from ..story.model import Story
from ..story.places import PLACES
from ..story.record import Record

# json, contextlib and pathlib are imported in the functions that use them, and patterns
# compiled at first use (lazyre): a piped game imports this module, and needs none of them.
TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FORMAT = 1  # what this version writes
OLDEST_READABLE = 1  # the oldest format this version still reads
MAX_SAVE_BYTES = 32 * 1024 * 1024
MAX_SLOT = 64
MAX_LOG = 50_000  # commands in one save: replaying them must stay a matter of seconds
MAX_JOURNAL_BYTES = MAX_SAVE_BYTES
# A rebuild (a save of an edited story, a continued journal, a live reload, a replay)
# plays its log again command by command. Its cost is bounded by these, checked before
# the first command is replayed; a journal stops growing at the same size (journal.py),
# so that every journal written can be continued.
MAX_REBUILD_COMMANDS = 20_000
MAX_REBUILD_CHARS = 400_000  # typed characters, each read again exactly (no typo corrected)
# Commands whose recorded meaning is only reached by correcting a typo again (a mistyped
# 'go to PLACE'): each costs a search of the vocabulary, so a rebuild does at most this
# many; the next such command is where the rebuild stops, as at any changed command.
MAX_REBUILD_CORRECTIONS = 50
MAX_JOURNALS = 100  # journals of one story read at a start, newest first
SUFFIX = ".save.json"
JOURNAL_SUFFIX = ".journal"
_BAD_SLOT = r'[\x00-\x1f\x7f/\\<>:"|?*]'


class SaveFile(Record):
    __slots__ = ("story_id", "title", "version", "fingerprint", "saved_at", "state", "log", "path",
                 "start")

    def __init__(self, story_id: str, title: str, version: str, fingerprint: str, saved_at: str,
                 state: GameState, log: list[LogEntry] | None = None,
                 path: Path | None = None, start: Start | None = None) -> None:
        self.story_id = story_id
        self.title = title
        self.version = version
        self.fingerprint = fingerprint
        self.saved_at = saved_at
        self.state = state
        self.log = [] if log is None else log
        self.path = path
        self.start = start  # where the game began (play --at), None: the story's start


def check_rebuild(log: list[LogEntry]) -> None:
    """Refuse (SaveError, with the reason) a log whose rebuild would exceed its budget."""
    typed = sum(len(e.command) for e in log)
    if len(log) > MAX_REBUILD_COMMANDS or typed > MAX_REBUILD_CHARS:
        raise SaveError(f"rebuilding it would replay {len(log):,} commands ({typed:,} "
                        f"characters); a rebuild replays at most {MAX_REBUILD_COMMANDS:,} "
                        f"commands of {MAX_REBUILD_CHARS:,} characters")


def rebuildable(log: list[LogEntry]) -> list[LogEntry]:
    """The longest start of a log that a rebuild replays (what a journal can keep)."""
    typed = 0
    for i, entry in enumerate(log[:MAX_REBUILD_COMMANDS]):
        typed += len(entry.command)
        if typed > MAX_REBUILD_CHARS:
            return log[:i]
    return log[:MAX_REBUILD_COMMANDS]


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
    if rx(_BAD_SLOT).search(name):
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
    importing datetime on the way to the first prompt). Made once a second: every restart
    writes a journal header with it, and strftime is most of a header's cost."""
    now = int(time.time())
    last = _NOW
    if last[0] != now:
        last[0], last[1] = now, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now))
    return str(last[1])


_NOW: list[int | str] = [-1, ""]  # utc_now's second, and what it wrote for it


# -- writing ---------------------------------------------------------------------

def write_atomic(path: Path, data: bytes) -> None:
    """Temporary file beside the target, flush, fsync, rename: the old file or the new one,
    never half of either. Raises OSError and leaves any previous file untouched."""
    import contextlib

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
    import contextlib

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


def encode(story: Story, state: GameState, log: list[LogEntry], start: Start | None = None,
           saved_at: str | None = None) -> bytes:
    """A save's bytes. `saved_at` None is now; the agent protocol gives "" so that the
    same game always gives the same bytes."""
    scene = story.scenes[state.scene]
    doc = {
        "format": FORMAT,
        "oldest_readable": OLDEST_READABLE,
        "story": {"id": story.id, "title": story.title, "version": story.version,
                  "fingerprint": story.fingerprint},
        "saved_at": utc_now() if saved_at is None else saved_at,
        "turn": state.turn,
        "scene": state.scene,
        "scene_title": scene.title,
        "seed": state.seed,
        "state": state.to_dict(),
        "log": [e.to_json() for e in log],
    }
    if start is not None:  # a game begun with --at replays from there
        doc["start"] = start.to_json()
    import json

    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# -- reading -----------------------------------------------------------------------

def read_document(path: Path) -> dict[str, Any]:
    import json

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
    start = None
    if doc.get("start") is not None:
        try:
            start = start_from_json(doc["start"], story)
        except StartError as exc:
            raise SaveError(f"it is damaged: {exc}") from None
    gs.start = start
    return SaveFile(
        story_id=ident["id"], title=str(ident.get("title", "")),
        version=str(ident.get("version", "")), fingerprint=str(ident.get("fingerprint", "")),
        saved_at=str(doc.get("saved_at", "")), state=gs,
        log=[LogEntry(c, r) for c, r in log], path=path, start=start,
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
    places = set(scenes) | set(things) | set(PLACES)
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


def natural(name: str) -> list[tuple[int, int | str]]:
    """'bash2' before 'bash10', and 'bash' before 'bash2', as a person counts."""
    import re

    return [(0, int(p)) if p.isdecimal() else (1, p.casefold())
            for p in re.split(r"(\d+)", name) if p]


def _natural(path: Path) -> list[tuple[int, int | str]]:
    return natural(path.name[:-len(SUFFIX)])  # the suffix after 'bash' sorted it last


def list_saves(directory: Path) -> list[SaveInfo]:
    out: list[SaveInfo] = []
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob(f"*{SUFFIX}"), key=_natural):
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
