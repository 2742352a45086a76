"""The server's storage: players and their keys, named saves and each player's game in
progress, in SQLite (one file, WAL) or PostgreSQL (`postgresql://...`, psycopg 3) with the
same schema.

Every turn is one transaction that adds one row to `turns`, so a server killed at any
moment loses at most the turn in flight, and a player who logs in again continues at their
last completed turn (`PlayerStore.resume`). Saves are the same JSON documents as save files
(play/saves.py) and are read back as untrusted input in the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..engine.errors import SaveError
from ..engine.session import Game, Result
from ..engine.state import GameState, LogEntry
from ..story.sanitize import sanitize
from .replay import Rebuilt, fit_to_story, rebuild
from .saves import (
    MAX_REBUILD_CHARS,
    MAX_REBUILD_COMMANDS,
    MAX_SAVE_BYTES,
    check_slot,
    decode,
    encode,
    natural,
    rebuildable,
    utc_now,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

SCHEMA_VERSION = 1
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
    # trust on first use: the first public key a name logs in with is the name's key
    "CREATE TABLE IF NOT EXISTS players (name TEXT PRIMARY KEY, key TEXT NOT NULL, "
    "created TEXT NOT NULL, seen TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS saves (player TEXT NOT NULL, story TEXT NOT NULL, "
    "slot TEXT NOT NULL, saved_at TEXT NOT NULL, turn INTEGER NOT NULL, "
    "scene_title TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (player, story, slot))",
    # the game in progress: one per player and story, its turns one row each
    "CREATE TABLE IF NOT EXISTS games (player TEXT NOT NULL, story TEXT NOT NULL, "
    "seed BIGINT NOT NULL, fingerprint TEXT NOT NULL, started TEXT NOT NULL, "
    "PRIMARY KEY (player, story))",
    "CREATE TABLE IF NOT EXISTS turns (player TEXT NOT NULL, story TEXT NOT NULL, "
    "n INTEGER NOT NULL, command TEXT NOT NULL, resolved TEXT NOT NULL, turn INTEGER, "
    "PRIMARY KEY (player, story, n))",
    # each running server's figures, for `adventure serve --status` (rewritten every few
    # seconds; a server that stops deletes its row, one that was killed leaves it behind)
    "CREATE TABLE IF NOT EXISTS servers (id TEXT PRIMARY KEY, address TEXT NOT NULL, "
    "started BIGINT NOT NULL, seen BIGINT NOT NULL, players INTEGER NOT NULL, "
    "guests INTEGER NOT NULL, connections INTEGER NOT NULL, "
    "commands_per_s DOUBLE PRECISION NOT NULL, p99_ms DOUBLE PRECISION NOT NULL)",
    # which server's connection plays each player's game now (the newest login): how a
    # login on one server takes a game over from another (Database.take_session);
    # `waiting` names the server that still has to let it go
    "CREATE TABLE IF NOT EXISTS sessions (player TEXT PRIMARY KEY, server TEXT NOT NULL, "
    "n BIGINT NOT NULL, waiting TEXT)",
    "CREATE INDEX IF NOT EXISTS sessions_waiting ON sessions (waiting)",
)
MAX_SAVES = 100  # named saves per player and story: a player cannot fill the disk


class DatabaseError(Exception):
    """The database cannot be opened or used; the message says why, for the host."""


def is_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


class Database:
    """SQLite or PostgreSQL, with `?` placeholders in every statement, a connection per
    thread.

    The server's event loop never waits for the database: it hands each call (a whole
    turn, whose journal entry is one transaction) to `call`, which runs it on the
    database's own threads: one for SQLite (it has one writer at a time anyway, and one
    thread never waits on SQLite's lock inside this process), a few for PostgreSQL. A
    SQLite commit in WAL mode with synchronous=NORMAL survives a killed process (not a
    power cut)."""

    def __init__(self, target: str, threads: int = 4):
        self.target = target
        self.postgres = is_url(target)
        self.errors: tuple[type[BaseException], ...]
        self.local = threading.local()
        self.opened: list[Any] = []  # every thread's connection, to close them all
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=threads if self.postgres else 1,
                                       thread_name_prefix="db")
        try:
            if self.postgres:
                try:
                    import psycopg
                except ImportError:
                    raise DatabaseError("a PostgreSQL database needs psycopg: "
                                        "pip install 'terok-nor[serve]'") from None
                self.errors = (psycopg.Error,)
            else:
                self.errors = (sqlite3.Error,)
                Path(target).parent.mkdir(parents=True, exist_ok=True)
            with self.transaction():
                for statement in SCHEMA:
                    self.run(statement)
                found = self.run("SELECT v FROM meta WHERE k = 'schema'")
                if found and int(found[0][0]) > SCHEMA_VERSION:
                    raise DatabaseError(f"the database is of a newer schema ({found[0][0]}); "
                                        "update the server")
                if not found:
                    self.run("INSERT INTO meta (k, v) VALUES ('schema', ?)",
                             (str(SCHEMA_VERSION),))
        except (OSError, *getattr(self, "errors", ())) as exc:
            self.close()
            raise DatabaseError(f"cannot open the database {self.where()}: {exc}") from None

    @property
    def conn(self) -> Any:
        """This thread's connection, opened on first use."""
        conn = getattr(self.local, "conn", None)
        if conn is None:
            if self.postgres:
                import psycopg

                conn = psycopg.connect(self.target, autocommit=True)
            else:
                # check_same_thread off only so that close() can close every thread's
                # connection; each is used by its own thread alone.
                conn = sqlite3.connect(self.target, isolation_level=None, timeout=10,
                                       check_same_thread=False)
                for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
                    conn.execute(f"PRAGMA {pragma}")
            self.local.conn = conn
            with self.lock:
                self.opened.append(conn)
        return conn

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` on the database's threads, awaited: the event loop goes on
        serving everyone else meanwhile."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(fn, *args))

    def where(self) -> str:
        """The target without a password, for messages and logs."""
        if not self.postgres:
            return self.target
        scheme, _, rest = self.target.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.postgres:
            sql = sql.replace("?", "%s")
        cur = self.conn.execute(sql, params)
        return list(cur.fetchall()) if cur.description else []

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self.postgres:
            with self.conn.transaction():
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        with self.lock:
            opened, self.opened = self.opened, []
        for conn in opened:
            with contextlib.suppress(Exception):
                conn.close()
        self.local = threading.local()

    # -- players -------------------------------------------------------------------
    def player_key(self, name: str) -> str | None:
        rows = self.run("SELECT key FROM players WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else None

    def claim(self, name: str, key: str) -> bool:
        """Give an unclaimed name to a key; True when the name is (now) that key's."""
        now = utc_now()
        with self.transaction():
            self.run("INSERT INTO players (name, key, created, seen) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (name) DO NOTHING", (name, key, now, now))
            self.run("UPDATE players SET seen = ? WHERE name = ? AND key = ?", (now, name, key))
        return self.player_key(name) == key


    # -- who plays each game now: takeover across server processes ---------------------
    def take_session(self, player: str, server: str) -> tuple[int, str | None]:
        """The newest login of `player`, on `server`, owns their game from now: its
        number (higher than any before), and the other server that has to let the game
        go first (None when no other server holds it)."""
        with self.transaction():
            rows = self.run("SELECT server, n FROM sessions WHERE player = ?", (player,))
            n = int(rows[0][1]) + 1 if rows else 1
            before = str(rows[0][0]) if rows and rows[0][0] != server else None
            self.run("INSERT INTO sessions (player, server, n, waiting) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (player) DO UPDATE SET server = excluded.server, "
                     "n = excluded.n, waiting = excluded.waiting",
                     (player, server, n, before))
        return n, before

    def handed_over(self, player: str, n: int) -> bool:
        """Whether login `n` of `player` no longer waits for another server (it let the
        game go, or a still newer login took the game from both)."""
        rows = self.run("SELECT n, waiting FROM sessions WHERE player = ?", (player,))
        return not rows or int(rows[0][0]) != n or rows[0][1] is None

    def taken_from(self, server: str) -> list[tuple[str, int]]:
        """Games a newer login elsewhere waits for `server` to let go: (player, login)."""
        return [(str(p), int(n)) for p, n in
                self.run("SELECT player, n FROM sessions WHERE waiting = ?", (server,))]

    def leave_session(self, player: str, server: str, n: int) -> None:
        """`server`'s connection of `player` (login `n`, 0: none) is gone: a login that
        waits for it goes on, and a game no one plays is no one's."""
        with self.transaction():
            self.run("UPDATE sessions SET waiting = NULL WHERE player = ? AND waiting = ?",
                     (player, server))
            self.run("DELETE FROM sessions WHERE player = ? AND server = ? AND n = ?",
                     (player, server, n))

    def server_alive(self, server: str, stale_after: float) -> bool:
        """Whether `server` may still be running: on this machine, whether its process
        is; elsewhere, whether it reported to the servers table lately."""
        host, _, pid = server.rpartition(":")
        if host == socket.gethostname() and pid.isdigit():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
            return True
        rows = self.run("SELECT seen FROM servers WHERE id = ?", (server,))
        return bool(rows) and time.time() - int(rows[0][0]) <= stale_after

    # -- servers, for `serve --status` -----------------------------------------------------
    def report_server(self, server: str, address: str, started: float, figures: dict) -> None:
        with self.transaction():
            self.run("INSERT INTO servers (id, address, started, seen, players, guests, "
                     "connections, commands_per_s, p99_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (id) DO UPDATE SET address = excluded.address, "
                     "started = excluded.started, seen = excluded.seen, "
                     "players = excluded.players, guests = excluded.guests, "
                     "connections = excluded.connections, "
                     "commands_per_s = excluded.commands_per_s, p99_ms = excluded.p99_ms",
                     (server, address, int(started), int(time.time()), figures["players"],
                      figures["guests"], figures["connections"],
                      float(figures["commands_per_s"]), float(figures["p99_ms"])))

    def forget_server(self, server: str) -> None:
        self.run("DELETE FROM servers WHERE id = ?", (server,))

    def servers(self) -> list[dict]:
        rows = self.run("SELECT id, address, started, seen, players, guests, connections, "
                        "commands_per_s, p99_ms FROM servers ORDER BY id")
        keys = ("id", "address", "started", "seen", "players", "guests", "connections",
                "commands_per_s", "p99_ms")
        return [dict(zip(keys, r, strict=True)) for r in rows]


def server_id() -> str:
    """This server process among those sharing a database."""
    return f"{socket.gethostname()}:{os.getpid()}"


class PlayerStore:
    """One player's saves and game in progress for one story: the engine's `Store`."""

    def __init__(self, db: Database, player: str, game: Game, on_error: Any = None):
        self.db = db
        self.player = player
        self.game = game
        self.story = game.story.id
        self.turns = 0  # rows in `turns` for the game in progress
        self.typed = 0  # characters of their commands
        # The game outgrew what a rebuild replays (saves.MAX_REBUILD_*): its turns stop.
        self.full = False
        self.closed = False  # after a takeover: the newer connection owns the game
        self.on_error = on_error  # logs a database error the player is not told of

    def _key(self) -> tuple[str, str]:
        return (self.player, self.story)

    def _failed(self, exc: BaseException) -> None:
        if self.on_error is not None:
            self.on_error(exc)

    # -- the game in progress ---------------------------------------------------------
    def resume(self) -> tuple[Rebuilt, int] | None:
        """The unfinished game to continue, rebuilt from its turns, with its turn count;
        None when there is none."""
        rows = self.db.run("SELECT seed FROM games WHERE player = ? AND story = ?", self._key())
        if not rows:
            return None
        turns = self.db.run("SELECT command, resolved FROM turns WHERE player = ? AND "
                            "story = ? ORDER BY n LIMIT ?", (*self._key(),
                                                             MAX_REBUILD_COMMANDS + 1))
        if not turns:
            return None
        # (kept turns never exceed the rebuild's budget; rows from before it was kept are
        # cut to it rather than refused, so the game goes on from there)
        log = rebuildable([LogEntry(str(c), str(r)) for c, r in turns])
        self.typed = sum(len(e.command) for e in log)
        return rebuild(self.game, int(rows[0][0]), log), len(log)

    def begin(self, state: GameState, log: list[LogEntry]) -> None:
        """This is now the player's game in progress (a new one, or one continued)."""
        self.journal_reset(state, log)

    def journal_turn(self, entry: LogEntry, turn: int) -> str:
        if self.closed or self.full:
            return ""
        if self.turns >= MAX_REBUILD_COMMANDS or self.typed + len(entry.command) \
                > MAX_REBUILD_CHARS:  # past what could be continued: stops, said once
            self.full = True
            return ("(This game is longer than the server keeps turn by turn: from here "
                    "only 'save NAME' keeps it; logging in again continues it from here.)")
        try:
            with self.db.transaction():
                self.db.run("INSERT INTO turns (player, story, n, command, resolved, turn) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            (*self._key(), self.turns, entry.command, entry.resolved, turn))
            self.turns += 1
            self.typed += len(entry.command)
        except self.db.errors as exc:
            self._failed(exc)
        return ""

    def journal_reset(self, state: GameState, log: list[LogEntry]) -> None:
        if self.closed:
            return
        story = self.game.story
        kept = rebuildable(log)  # a game restored from a save longer than its turns keep
        self.full, log = len(kept) < len(log), kept
        try:
            with self.db.transaction():
                self.db.run("DELETE FROM turns WHERE player = ? AND story = ?", self._key())
                self.db.run("INSERT INTO games (player, story, seed, fingerprint, started) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (player, story) DO UPDATE "
                            "SET seed = excluded.seed, fingerprint = excluded.fingerprint, "
                            "started = excluded.started",
                            (*self._key(), state.seed, story.fingerprint, utc_now()))
                for n, entry in enumerate(log):
                    self.db.run("INSERT INTO turns (player, story, n, command, resolved, "
                                "turn) VALUES (?, ?, ?, ?, ?, ?)",
                                (*self._key(), n, entry.command, entry.resolved,
                                 state.turn if n == len(log) - 1 and not self.full
                                 else None))
            self.turns, self.typed = len(log), sum(len(e.command) for e in log)
        except self.db.errors as exc:
            self._failed(exc)

    def journal_end(self, finished: bool) -> str:
        if finished and not self.closed:
            try:
                with self.db.transaction():  # nothing is left to continue
                    self.db.run("DELETE FROM turns WHERE player = ? AND story = ?", self._key())
                    self.db.run("DELETE FROM games WHERE player = ? AND story = ?", self._key())
                self.turns = 0
            except self.db.errors as exc:
                self._failed(exc)
            return ""
        return "Your game is kept: log in again to pick it up where you left it."

    # -- named saves --------------------------------------------------------------------
    def save(self, name: str, state: GameState, log: list[LogEntry]) -> str:
        name = check_slot(name)
        data = encode(self.game.story, state, log).decode("utf-8")
        if len(data) > MAX_SAVE_BYTES:
            raise SaveError("Could not save: the game is too long to keep.")
        scene = self.game.story.scenes[state.scene].title
        try:
            with self.db.transaction():
                count = self.db.run("SELECT COUNT(*) FROM saves WHERE player = ? AND story = ? "
                                    "AND slot <> ?", (*self._key(), name))[0][0]
                if int(count) >= MAX_SAVES:
                    raise SaveError(f"Could not save: you have {MAX_SAVES} saves already; "
                                    "save over one of them ('saves' lists them).")
                self.db.run("INSERT INTO saves (player, story, slot, saved_at, turn, "
                            "scene_title, data) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                            "(player, story, slot) DO UPDATE SET saved_at = excluded.saved_at, "
                            "turn = excluded.turn, scene_title = excluded.scene_title, "
                            "data = excluded.data",
                            (*self._key(), name, utc_now(), state.turn, scene, data))
        except self.db.errors as exc:
            self._failed(exc)
            raise SaveError(f"Could not save: the server's storage failed. Any earlier save "
                            f"'{name}' is untouched.") from None
        return f"Saved as '{name}' (turn {state.turn})."

    def load(self, name: str) -> tuple[GameState, list[LogEntry], str]:
        try:
            name = check_slot(name)
            rows = self.db.run("SELECT data FROM saves WHERE player = ? AND story = ? AND "
                               "slot = ?", (*self._key(), name))
        except SaveError as exc:
            raise SaveError(f"Cannot restore '{sanitize(name)}': {exc}") from None
        except self.db.errors as exc:
            self._failed(exc)
            raise SaveError(f"Cannot restore '{sanitize(name)}': the server's storage "
                            "failed.") from None
        if not rows:
            raise SaveError(f"Cannot restore '{sanitize(name)}': there is no such save.")
        try:
            doc = json.loads(str(rows[0][0]))
            if not isinstance(doc, dict):
                raise SaveError("it is not a save")
            return fit_to_story(self.game, decode(doc, self.game.story))
        except (ValueError, RecursionError):
            raise SaveError(f"Cannot restore '{sanitize(name)}': it is damaged.") from None
        except SaveError as exc:
            raise SaveError(f"Cannot restore '{sanitize(name)}': {exc}.") from None

    def missing(self, name: str) -> bool:
        try:
            return not self.db.run("SELECT 1 FROM saves WHERE player = ? AND story = ? AND "
                                   "slot = ?", (*self._key(), check_slot(name)))
        except SaveError:
            return True
        except self.db.errors:
            return True

    def listing(self) -> str:
        rows = self.db.run("SELECT slot, saved_at, turn, scene_title FROM saves WHERE "
                           "player = ? AND story = ? ORDER BY slot", self._key())
        if not rows:
            return "No saved games yet. Type 'save NAME' to make one."
        rows = sorted(rows, key=lambda row: natural(row[0]))  # 'bante' before 'bante2'
        return "\n".join(sanitize(f"  {slot:<20} {str(at)[:19].replace('T', ' '):<19}  "
                                  f"turn {turn!s:<5} {title}")
                         for slot, at, turn, title in rows)

    # -- transcripts: a player's own terminal can keep one ---------------------------
    def transcript(self, on: bool) -> str:
        return ("This server keeps no transcripts; your terminal can (for example, "
                "ssh ... | tee game.txt, or 'script').")

    def transcribe(self, line: str, result: Result) -> None:
        pass
