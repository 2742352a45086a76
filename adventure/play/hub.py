"""The hub of `adventure serve` (play/serve.py), which every door (play/serve_ssh.py,
play/serve_telnet.py) shares: who is playing, the limits, takeover, idle time, draining on
SIGTERM and the stats line. Each connection gets its own `Session` and REPL (play/repl.py,
run inside the connection's prompt_toolkit app session); every turn is kept in the
database (play/sqlstore.py).
Log lines carry no story text and no keys: names, addresses, counts and reasons only.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import re
import time
from collections import deque

from prompt_toolkit.history import InMemoryHistory

from ..engine.session import Game, Session
from .repl import Repl
from .serve_gc import Collector
from .sqlstore import Database, PlayerStore, server_id

log = logging.getLogger("adventure.serve")

STATS_WINDOW = 60.0  # seconds of turns that commands/s and p99 are taken over
STATUS_EVERY = 5.0  # seconds between the figures written for `serve --status`
STALE_AFTER = 3 * STATUS_EVERY + 5  # a server that has not reported for this long is gone
TAKEOVER_POLL = 0.25  # seconds between looks for logins elsewhere waiting for our games
HANDOVER_WAIT = 10.0  # seconds a login waits for the older connection to let go

NAME = re.compile(r"[a-z][a-z0-9_-]{1,23}\Z")
NAME_RULE = ("2 to 24 characters: lower-case letters, digits, '-' and '_', starting with a "
             "letter")
TAKEN_OVER = ("You have logged in from somewhere else; this connection closes. Your game "
              "goes on there.")
DRAINING = ("The server is shutting down. Your game is kept: log in again in a minute to "
            "pick it up where you left it.")


def valid_name(name: str) -> bool:
    return NAME.match(name) is not None


@dataclasses.dataclass
class Limits:
    total: int = 300  # connections, all doors together
    per_address: int = 10
    idle: float = 30 * 60  # seconds without a keystroke before the connection closes
    idle_warning: float = 60  # the warning comes this long before
    line: int = 4000  # characters typed on one line (edits included); the rest is dropped
    rate: float = 5.0  # commands per second, sustained...
    burst: int = 10  # ...after a burst of this many
    output: int = 1 << 20  # bytes waiting for a client that does not read: then it goes
    columns: int = 500  # a window's size as the server believes it, at most
    rows: int = 200
    history: int = 200  # lines of input history kept per connection
    hello: float = 30.0  # seconds for a telnet client to say its terminal type


class Link:
    """What the hub needs of one connection, whatever its door (SSH, telnet)."""

    kind = "?"

    def __init__(self) -> None:
        self.last_input = time.monotonic()

    def buffered(self) -> int:
        """Bytes written to the client and not yet taken by it."""
        return 0


_LINE_END = re.compile(r"([\r\n\x03\x15])")  # Enter, Ctrl-C, Ctrl-U: a line starts again


_CPR = re.compile(r"\x1b\[\d+;\d+R")  # a terminal answering where its cursor is


def typed(data: str) -> bool:
    """Whether input holds a keystroke (a terminal's own answers do not keep a player in)."""
    return bool(_CPR.sub("", data))


def bound_line(data: str, used: int, limit: int) -> tuple[str, int]:
    """Typed input with each line cut at `limit` characters (`used` of them already typed
    on the current line): a paste with no end costs the server nothing."""
    kept: list[str] = []
    for part in _LINE_END.split(data):
        if part and part in "\r\n\x03\x15":
            used = 0
            kept.append(part)
        elif used < limit:
            kept.append(part[:limit - used])
            used += min(limit - used, len(part))
    return "".join(kept), used


def feed_nonblocking(fd: int, data: bytes) -> None:
    """Into a connection's input pipe without ever blocking the server: what does not fit
    (a client typing faster than its game reads) is dropped."""
    with contextlib.suppress(BlockingIOError):
        os.write(fd, data)


def share_key_bindings() -> None:
    """One set of prompt_toolkit's default key bindings for every connection, not one
    each: about half of an idle connection's memory (some 250 KB of ~500) is these
    tables, built afresh for every application, though nothing in them belongs to one
    (their handlers and filters act on the running application, `get_app()`). Each
    session's own bindings (the prompt's) stay its own."""
    import functools
    import sys

    import prompt_toolkit.application.application  # noqa: F401
    import prompt_toolkit.shortcuts.prompt  # noqa: F401

    for module, names in (("prompt_toolkit.application.application",
                           ("load_key_bindings", "load_page_navigation_bindings")),
                          ("prompt_toolkit.shortcuts.prompt",
                           ("load_auto_suggest_bindings", "load_open_in_editor_bindings"))):
        where = sys.modules[module]
        for name in names:
            made = getattr(where, name, None)
            if made is not None and not hasattr(made, "cache_info"):
                setattr(where, name, functools.cache(made))


class BoundedHistory(InMemoryHistory):
    """Input history for Up-arrow and suggestions, with its memory bounded."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def store_string(self, string: str) -> None:
        super().store_string(string)
        del self._storage[:-self.limit]
        del self._loaded_strings[self.limit:]


class Player:
    """One connection playing: its name, its REPL, and how it is going."""

    def __init__(self, name: str, guest: bool, address: str, link: Link) -> None:
        self.name = name
        self.guest = guest
        self.address = address
        self.link = link
        self.repl: ServedRepl | None = None
        self.login = 0  # this login's number in the database's sessions (0: a guest's)
        self.turns = 0
        self.started = time.monotonic()
        self.done = asyncio.Event()
        self.reason = "left"  # why the connection ended, for the log


class ServedRepl(Repl):
    """The REPL with the server's limits: commands paced per second, a client that does
    not read its output let go, each turn's time counted for the stats."""

    def __init__(self, session: Session, hub: Hub, player: Player) -> None:
        super().__init__(session, history=BoundedHistory(hub.limits.history))
        self.hub = hub
        self.player = player
        self.tokens = float(hub.limits.burst)
        self.refilled = time.monotonic()

    async def before_turn(self, line: str) -> bool:
        limits = self.hub.limits
        if self.player.link.buffered() > limits.output:
            self.player.reason = "slow reader"
            self.stop("")
            return False
        now = time.monotonic()
        self.tokens = min(float(limits.burst), self.tokens + (now - self.refilled) * limits.rate)
        self.refilled = now
        if self.tokens < 1:
            # Pace, not refuse: a flood of commands plays at the allowed rate.
            await asyncio.sleep((1 - self.tokens) / limits.rate)
            self.tokens = 1.0
            self.refilled = time.monotonic()
        self.tokens -= 1
        return self.stopped is None

    async def turn_async(self, line: str) -> bool:
        """The turn on the database's threads (its journal entry is written there, one
        transaction, before anything is shown), so no player's storage ever holds up
        the event loop; a guest keeps nothing, so plays on the loop. The time from the
        line to its output drawn is what the stats count."""
        start = time.perf_counter()
        if self.session.store is not None:
            result = await self.hub.db.call(self.session.submit, line)
        else:
            result = self.session.submit(line)
        over = self.shown(result)
        self.hub.counted(time.perf_counter() - start)
        self.player.turns += 1
        return over


class Hub:
    """Everyone playing on this server, and the rules they all play by."""

    def __init__(self, game: Game, db: Database, limits: Limits, open_mode: bool = False,
                 collector: Collector | None = None):
        self.game = game
        self.collector = collector if collector is not None else Collector("python")
        self.me = server_id()
        self.db = db
        self.limits = limits
        self.open_mode = open_mode
        self.players: dict[str, Player] = {}
        self.connections = 0
        self.addresses: dict[str, int] = {}
        self.draining = False
        self.guests = 0
        self.started = time.monotonic()
        # (when, seconds) of each turn in the last STATS_WINDOW; bounded however fast
        self.recent: deque[tuple[float, float]] = deque(maxlen=200_000)

    # -- connections -------------------------------------------------------------------
    def admit(self, address: str) -> str | None:
        """Count a new connection in; or the reason it is refused."""
        if self.draining:
            return "the server is shutting down; try again in a minute"
        if self.connections >= self.limits.total:
            return "the server is full; try again later"
        if self.addresses.get(address, 0) >= self.limits.per_address:
            return "too many connections from your address"
        self.connections += 1
        self.addresses[address] = self.addresses.get(address, 0) + 1
        return None

    def release(self, address: str) -> None:
        self.connections -= 1
        left = self.addresses.get(address, 1) - 1
        if left > 0:
            self.addresses[address] = left
        else:
            self.addresses.pop(address, None)

    def guest_name(self) -> str:
        self.guests += 1
        return f"guest-{self.guests}"

    # -- playing -----------------------------------------------------------------------
    async def play(self, name: str, guest: bool, address: str, link: Link,
                   notice: str = "") -> None:
        """Run one player's game until they leave, are taken over, idle out or the
        server drains. Called inside the connection's prompt_toolkit app session."""
        player = Player(name, guest, address, link)
        key = f"guest:{name}" if guest else name
        old = self.players.get(key)
        if old is not None and old.repl is not None:
            old.reason = "taken over"
            old.repl.stop(TAKEN_OVER)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(old.done.wait(), 10)
        self.players[key] = player
        log.info("play name=%s guest=%s addr=%s via=%s", name, guest, address, link.kind)
        store: PlayerStore | None = None
        idle: asyncio.Task[None] | None = None
        try:
            if not guest:
                player.login = await self.handover(name)
                store = PlayerStore(self.db, name, self.game, on_error=self.db_error)
                # reading and replaying a long game takes a while: not on the loop
                session = await self.db.call(self.session_for, name, store)
            else:
                session = self.session_for(name, None)
            if notice:
                session.opening.paragraphs.insert(0, ("system", notice))
            player.repl = ServedRepl(session, self, player)
            self.collector.player_arrived()
            idle = asyncio.create_task(self.watch_idle(player))
            if self.draining:
                player.repl.stop(DRAINING)
            elif player.reason == "taken over":  # while its game was being read
                player.repl.stop(TAKEN_OVER)
            await player.repl.run_async()
        except self.db.errors as exc:
            player.reason = "storage error"
            self.db_error(exc)
        except Exception as exc:  # one player's failure is logged, never the server's
            player.reason = "error"
            log.error("error name=%s %s: %s", name, type(exc).__name__, exc)
        finally:
            if idle is not None:
                idle.cancel()
            if store is not None:
                store.closed = True  # a later connection of this name owns the game now
            if self.players.get(key) is player:
                del self.players[key]
            if player.repl is not None:
                self.collector.player_left()
            player.done.set()
            log.info("leave name=%s addr=%s turns=%d seconds=%.0f reason=%s", name,
                     address, player.turns, time.monotonic() - player.started, player.reason)
            # last, as it waits for the database: if the connection's task is cancelled
            # here, a login waiting elsewhere is let go by watch_takeovers instead
            if player.login:
                await self.let_go(name, player.login)

    async def handover(self, name: str) -> int:
        """Make this connection the owner of `name`'s game in the database, and when
        another server process holds it, wait until that one has finished its turn in
        flight and let go (it looks every TAKEOVER_POLL; `watch_takeovers`), so the game
        read next is complete. A server that is gone is not waited for."""
        db = self.db
        n, before = await db.call(db.take_session, name, self.me)
        if before is None or not await db.call(db.server_alive, before, STALE_AFTER):
            return n
        log.info("takeover name=%s from=%s", name, before)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + HANDOVER_WAIT
        while not await db.call(db.handed_over, name, n) and loop.time() < deadline:
            await asyncio.sleep(TAKEOVER_POLL / 2)
        return n

    async def let_go(self, name: str, login: int) -> None:
        with contextlib.suppress(*self.db.errors):
            await self.db.call(self.db.leave_session, name, self.me, login)

    async def watch_takeovers(self, every: float = TAKEOVER_POLL) -> None:
        """A login of one of our players on another server process (another worker,
        another machine on PostgreSQL) takes the game over as one on this server does:
        this connection is told and closed, and the game goes on there."""
        while True:
            await asyncio.sleep(every)
            try:
                taken = await self.db.call(self.db.taken_from, self.me)
            except self.db.errors as exc:
                self.db_error(exc)
                continue
            for name, login in taken:
                player = self.players.get(name)
                if player is None or not player.login or player.login >= login:
                    await self.let_go(name, 0)  # not here (any more): nothing to wait for
                elif player.reason != "taken over":
                    player.reason = "taken over"
                    if player.repl is not None:
                        player.repl.stop(TAKEN_OVER)

    def session_for(self, name: str, store: PlayerStore | None) -> Session:
        """A guest's new game; a player's game continued, else a new one."""
        if store is None:
            session = Session(self.game)
            session.opening.paragraphs.insert(0, (
                "system", f"Welcome, {name}. You play as a guest: nothing is kept when "
                          "you leave."))
            return session
        found = store.resume()
        if found is None:
            session = Session(self.game, store=store)
            store.begin(session.state, [])
            session.opening.paragraphs.insert(0, (
                "system", f"Welcome, {name}. Every turn is kept on this server: leave any "
                          "time (Ctrl-D) and log in again to continue. 'save NAME' keeps a "
                          "named save too."))
            return session
        rebuilt, turns = found
        session = Session(self.game, store=store, resume=(rebuilt.state, rebuilt.log))
        note = f"Welcome back, {name}. Continuing your game at turn {rebuilt.state.turn}."
        if rebuilt.diverged_at is not None or len(rebuilt.log) != turns:
            note += (" The story has changed: replayed up to where a command no longer does "
                     f"what it did ({len(rebuilt.log)} of {turns} commands).")
            store.begin(rebuilt.state, rebuilt.log)
        else:
            store.turns = turns
        session.opening.paragraphs.insert(0, ("system", note))
        return session

    async def watch_idle(self, player: Player) -> None:
        limits = self.limits
        warned = False
        while True:
            idle = time.monotonic() - player.link.last_input
            if idle >= limits.idle:
                player.reason = "idle"
                if player.repl is not None:
                    player.repl.stop(f"Closed after {_minutes(limits.idle)} without a "
                                     "keystroke. " + ("" if player.guest else
                                                      "Your game is kept: log in again to "
                                                      "continue."))
                return
            warn_at = limits.idle - limits.idle_warning
            if idle >= warn_at and not warned and player.repl is not None:
                warned = True
                player.repl.say(f"Still there? This connection closes in "
                                f"{_minutes(limits.idle - idle)} unless you type something.")
            elif idle < warn_at:
                warned = False
            next_at = warn_at if idle < warn_at else limits.idle
            await asyncio.sleep(max(0.05, next_at - idle))

    # -- operations --------------------------------------------------------------------
    def counted(self, seconds: float) -> None:
        self.recent.append((time.monotonic(), seconds))

    def figures(self) -> dict:
        """Who is here now, and the turns of the last STATS_WINDOW seconds."""
        now = time.monotonic()
        recent = self.recent
        while recent and recent[0][0] < now - STATS_WINDOW:
            recent.popleft()
        lat = sorted(seconds for _, seconds in recent)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0.0
        window = max(1.0, min(STATS_WINDOW, now - self.started))
        guests = sum(p.guest for p in self.players.values())
        return {"players": len(self.players) - guests, "guests": guests,
                "connections": self.connections, "commands_per_s": len(lat) / window,
                "p99_ms": p99}

    def stats(self) -> str:
        f = self.figures()
        g = self.collector.figures()
        return (f"stats players={f['players']} guests={f['guests']} "
                f"connections={f['connections']} commands_per_s={f['commands_per_s']:.1f} "
                f"p99_ms={f['p99_ms']:.1f} gc={g['gc_count']} gc_full={g['gc_full']} "
                f"gc_ms={g['gc_ms']:.0f} gc_max_ms={g['gc_max_ms']:.1f}")

    async def report(self, server: str, address: str, every: float, log_every: float) -> None:
        """The figures into the database every `every` seconds (for `serve --status`),
        and into the log every `log_every`."""
        started = time.time()
        logged = time.monotonic()
        while True:
            try:
                await self.db.call(self._report, server, address, started, self.figures())
            except self.db.errors as exc:
                self.db_error(exc)
            await asyncio.sleep(every)
            if time.monotonic() - logged >= log_every:
                logged = time.monotonic()
                log.info("%s", self.stats())

    def _report(self, server: str, address: str, started: float, figures: dict) -> None:
        if not self.draining:  # a report still queued must not outlive the server's row
            self.db.report_server(server, address, started, figures)

    def db_error(self, exc: BaseException) -> None:
        log.error("storage error %s: %s", type(exc).__name__, str(exc).splitlines()[0][:200]
                  if str(exc) else "")

    async def drain(self, timeout: float = 10) -> None:
        """SIGTERM: no one new; everyone told; every game is already kept turn by turn,
        so each connection only has to finish the turn it is in and close."""
        self.draining = True
        players = list(self.players.values())
        for player in players:
            player.reason = "shutdown"
            if player.repl is not None:
                player.repl.stop(DRAINING)
        if players:
            await asyncio.wait([asyncio.create_task(p.done.wait()) for p in players],
                               timeout=timeout)


def _minutes(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} seconds"
    return f"{round(seconds / 60)} minutes"


def parse_address(text: str, default_port: int) -> tuple[str, int]:
    """HOST:PORT, :PORT or HOST; [::1]:PORT for IPv6. ValueError says what is wrong."""
    host, sep, port = text.rpartition(":")
    if not sep or (host.count(":") and not host.startswith("[")):
        host, port = text, str(default_port)
    host = host.strip("[]") or "0.0.0.0"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"'{text}' is not HOST:PORT (a port is 0 to 65535)")
    return host, int(port)

