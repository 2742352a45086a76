"""Which game a `play` starts: a new one, a saved one, or an unfinished one continued.

The rules (docs/cli.md): a person at a terminal is offered their last unfinished game and
keeps a journal, so a closed window or a crash loses nothing. A program on pipes (tests,
scripts) starts a new game, keeps no journal and continues nothing unless asked
(`--journal`, `--continue`), so it never replaces the game a person would continue.
"""

from __future__ import annotations

import sys

from ..engine.errors import SaveError
from ..engine.session import Game, Session
from ..story.sanitize import sanitize

# Journals, saves and replays are imported where a start needs them: a new game on pipes
# (the common start of tests and scripts) needs none of them.
TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path

    from ..engine.opening import Start
    from .journal import JournalInfo
    from .replay import FileStore


class StartError(Exception):
    """The game asked for cannot be started; the message says why, for the command line."""


def start(game: Game, store: FileStore, *, seed: int | None, load: str | None,
          cont: str | None, new: bool, ask: bool, at: Start | None = None) -> Session:
    """The session to play. `cont` is None (not asked), "" (the newest unfinished game) or
    a name from `adventure saves`; `ask` offers the newest unfinished game (a person);
    `at` begins a new game there (play --at) instead of at the story's start."""
    if at is not None:
        session = Session(game, seed=seed, store=store, start=at)
        session.opening.paragraphs.insert(0, ("system", f"Starting {at.describe()} "
                                              "(--at): 'restart' comes back here."))
        store.start_journal(session.state, [])
        return session
    if load is not None:
        from .replay import load_save
        from .saves import JOURNAL_SUFFIX

        try:
            path = store.path_for(load, allow_path=True)
        except SaveError as exc:
            raise StartError(f"cannot load '{sanitize(load)}': {exc}") from None
        from pathlib import Path  # (not at the top: a new game needs no path)

        if path.name.endswith(JOURNAL_SUFFIX) or (load.endswith(JOURNAL_SUFFIX)
                                                  and Path(load).is_file()):
            return _continue(game, store, _journal(Path(load) if Path(load).is_file() else path,
                                                   game.story.id))
        try:
            state, log, message = load_save(game, path)
        except SaveError as exc:
            raise StartError(f"cannot load '{sanitize(load)}': {exc}.") from None
        session = Session(game, store=store, resume=(state, log))
        session.opening.paragraphs.insert(0, ("system", message))
        store.start_journal(state, log)
        return session
    if not new and (cont is not None or ask):
        from .journal import unfinished_journals

        notes: list[str] = []
        journals = unfinished_journals(store.dir, game.story, notes)
        for note in notes:  # a damaged journal is set aside and never blocks a start
            print(f"adventure: {sanitize(note)}", file=sys.stderr)
        if cont:
            chosen = [j for j in journals if cont in (j.name, j.path.name)] or \
                     [j for j in journals if cont in j.path.name]
            if len(chosen) != 1:
                listed = ", ".join(j.name for j in journals[:5]) or "none"
                raise StartError(f"no single unfinished game is called '{sanitize(cont)}' "
                                 f"(unfinished: {listed}; 'adventure saves' lists them).")
            return _continue(game, store, chosen[0])
        if journals and (cont is not None or ask_to_continue(journals[0])):
            return _continue(game, store, journals[0])
        if cont is not None:
            print("adventure: no unfinished game to continue; starting a new one.",
                  file=sys.stderr)
    session = Session(game, seed=seed, store=store)
    store.start_journal(session.state, [])
    return session


def _journal(path: Path, story_id: str) -> JournalInfo:
    from .journal import JournalError, check_journal

    try:
        info = check_journal(path, story_id)
    except JournalError as exc:
        raise StartError(f"cannot continue '{sanitize(str(path))}': {exc}.") from None
    if info is None:
        raise StartError(f"cannot continue '{sanitize(str(path))}': it is a journal of "
                         "another story.")
    return info


def _continue(game: Game, store: FileStore, j: JournalInfo) -> Session:
    from ..engine.opening import StartError as OpeningError
    from ..engine.opening import start_from_json
    from .replay import rebuild

    begun = None
    if j.start is not None:
        try:
            begun = start_from_json(j.start, game.story)
        except OpeningError as exc:
            raise StartError(f"cannot continue '{sanitize(j.name)}': {exc}.") from None
    try:
        rebuilt = rebuild(game, j.seed, j.log, begun)
    except SaveError as exc:
        raise StartError(f"cannot continue '{sanitize(j.name)}': {exc}.") from None
    session = Session(game, store=store, resume=(rebuilt.state, rebuilt.log))
    note = f"Continuing your game at turn {rebuilt.state.turn}."
    if rebuilt.diverged_at is not None:
        note += (f" The story has changed: replayed up to where a command {rebuilt.why} "
                 f"({rebuilt.diverged_at - 1} of {len(j.log)} commands).")
    session.opening.paragraphs.insert(0, ("system", note))
    store.start_journal(rebuilt.state, rebuilt.log,
                        path=j.path if rebuilt.diverged_at is None else None)
    return session


def describe_journal(j: JournalInfo) -> str:
    """How a person recognises an unfinished game: when, and at which turn."""
    from datetime import datetime

    try:
        when = datetime.fromtimestamp(j.modified).strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):  # a date no calendar holds
        when = "an unknown date"
    turn = f"turn {j.turn}" if j.turn is not None else f"{len(j.log)} commands"
    return f"{when}, {turn}"


def ask_to_continue(j: JournalInfo) -> bool:
    try:
        answer = input(f"You have an unfinished game ({describe_journal(j)}). "
                       "Continue it? [Y/n] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("", "y", "yes")
