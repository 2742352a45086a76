"""`adventure serve`: one asyncio process that lets anyone with an SSH client play, every
turn kept in SQLite or PostgreSQL. The hub is play/hub.py, the doors play/serve_ssh.py
and play/serve_telnet.py, the storage play/sqlstore.py; docs/hosting.md is the manual.

Needs the serve extra (asyncssh; psycopg for PostgreSQL): pip install 'terok-nor[serve]'.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Protocol

from ..engine.session import Game
from .hub import (
    STALE_AFTER,
    STATUS_EVERY,
    Hub,
    Limits,
    log,
    parse_address,
    share_key_bindings,
)
from .serve_gc import Collector
from .sqlstore import Database, DatabaseError, is_url

STATS_EVERY = 60.0  # seconds between stats lines in the log


class Closer(Protocol):
    def close(self) -> None: ...


class ServeError(Exception):
    """The server cannot start; the message says why, for the command line."""


def default_db(data_dir: Path) -> Path:
    return data_dir / "serve" / "terok-nor.sqlite3"


def db_target(db: str | None, data_dir: Path) -> str:
    return db if db is not None else str(default_db(data_dir))


def setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s",
                                           "%Y-%m-%dT%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    # asyncssh logs every packet-level event at INFO, with key fingerprints: only trouble
    logging.getLogger("asyncssh").setLevel(logging.WARNING)


async def serve(game: Game, *, db_target: str, ssh: str | None, telnet: str | None,
                host_key_path: Path, limits: Limits, open_mode: bool = False,
                ssh_sock: socket.socket | None = None, worker: str = "",
                gc_policy: str = "freeze") -> int:
    """Run until SIGTERM or SIGINT, then drain. Raises ServeError when it cannot start.
    `ssh_sock`: a listening socket to accept on instead of binding `ssh` (workers)."""
    from .serve_ssh import host_key, open_door

    try:
        ssh_at = parse_address(ssh, 2222) if ssh is not None else None
        telnet_at = parse_address(telnet, 2323) if telnet is not None else None
    except ValueError as exc:
        raise ServeError(str(exc)) from None
    try:
        db = Database(db_target)
    except DatabaseError as exc:
        raise ServeError(str(exc)) from None
    share_key_bindings()
    collector = Collector(gc_policy)
    hub = Hub(game, db, limits, open_mode, collector)
    closers: list[Closer] = []
    doors: list[str] = []
    try:
        if ssh_at is not None:
            try:
                key = host_key(host_key_path)
            except (OSError, ValueError) as exc:
                raise ServeError(f"cannot read or make the host key {host_key_path}: "
                                 f"{exc}") from None
            try:
                acceptor = await open_door(hub, *ssh_at, key, sock=ssh_sock)
            except OSError as exc:
                raise ServeError(f"cannot listen for SSH on {ssh}: {exc.strerror or exc}"
                                 ) from None
            closers.append(acceptor)
            port = acceptor.sockets[0].getsockname()[1]
            log.info("listening via=ssh host=%s port=%d mode=%s", ssh_at[0], port,
                     "open" if open_mode else "keys")
            doors.append(f"ssh {ssh_at[0]}:{port}{worker}")
        if telnet_at is not None:
            from .serve_telnet import open_telnet

            try:
                door = await open_telnet(hub, *telnet_at)
            except OSError as exc:
                raise ServeError(f"cannot listen for telnet on {telnet}: "
                                 f"{exc.strerror or exc}") from None
            closers.append(door)
            log.warning("listening via=telnet host=%s port=%d: telnet is unencrypted; "
                        "every telnet player is a guest", telnet_at[0], door.bound_port())
            doors.append(f"telnet {telnet_at[0]}:{door.bound_port()}")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        me = hub.me
        stats = asyncio.create_task(hub.report(me, ", ".join(doors), STATUS_EVERY,
                                               STATS_EVERY))
        takeovers = asyncio.create_task(hub.watch_takeovers())
        collector.install()
        collector.started()
        settling = asyncio.create_task(collector.run(lambda: len(hub.players)))
        log.info("ready db=%s story=%s gc=%s", db.where(), game.story.id, gc_policy)
        await stop.wait()
        log.info("draining players=%d", len(hub.players))
        for closer in closers:
            closer.close()
        await hub.drain()
        stats.cancel()
        settling.cancel()
        takeovers.cancel()
        log.info("%s", hub.stats())
        with contextlib.suppress(*db.errors):
            await db.call(db.forget_server, me)
        log.info("stopped")
        return 0
    finally:
        for closer in closers:
            with contextlib.suppress(Exception):
                closer.close()
        collector.uninstall()
        db.close()


def status(db_target: str, as_json: bool = False) -> int:
    """`adventure serve --status`: the figures each server sharing the database last
    wrote there. 0 when at least one is reporting, 1 when none is, 2 when the database
    cannot be read."""
    if not is_url(db_target) and not Path(db_target).is_file():
        print(f"No database at {db_target}: no server has run with this --db.")
        return 1
    try:
        db = Database(db_target)
    except DatabaseError as exc:
        print(f"adventure: {exc}", file=sys.stderr)
        return 2
    try:
        rows = db.servers()
    except db.errors as exc:
        print(f"adventure: cannot read the database {db.where()}: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()
    now = time.time()
    for row in rows:
        row["reporting"] = now - row["seen"] <= STALE_AFTER
    live = [r for r in rows if r["reporting"]]
    if as_json:
        print(json.dumps({"db": db.where(), "servers": rows}, indent=2))
        return 0 if live else 1
    if not rows:
        print(f"No server has reported to {db.where()}: none is running with this --db.")
        return 1
    for r in rows:
        if not r["reporting"]:
            print(f"{r['id']} ({r['address']}): not reporting since "
                  f"{_ago(now - r['seen'])} ago; stopped without saying so, or killed")
            continue
        print(f"{r['id']} ({r['address']}), up {_ago(now - r['started'])}: "
              f"{_count(r['players'], 'player')}, {_count(r['guests'], 'guest')}, "
              f"{_count(r['connections'], 'connection')}; last minute: "
              f"{r['commands_per_s']:.1f} commands/s, p99 {r['p99_ms']:.1f} ms "
              f"(as of {_ago(now - r['seen'])} ago)")
    if len(live) > 1:
        print(f"all {len(live)} servers: "
              f"{_count(sum(r['players'] for r in live), 'player')}, "
              f"{_count(sum(r['guests'] for r in live), 'guest')}, "
              f"{_count(sum(r['connections'] for r in live), 'connection')}, "
              f"{sum(r['commands_per_s'] for r in live):.1f} commands/s")
    return 0 if live else 1


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def run_workers(game: Game, workers: int, *, target: str, ssh: str, telnet: str | None,
                host_key_path: Path, limits: Limits, open_mode: bool,
                gc_policy: str = "freeze") -> int:
    """`--workers N`: N server processes, forked after the story is loaded (so they share
    its memory), accepting SSH connections from one listening socket: each its own event
    loop, database connection and players, all on every core. The parent only forwards
    SIGTERM/SIGINT and waits; a worker dies with it (so `kill -9` of the server is of
    all of it). Telnet, if asked, is served by the first worker."""
    from .serve_ssh import host_key

    try:
        host, port = parse_address(ssh, 2222)
        host_key(host_key_path)  # made once, before the workers read it
        Database(target).close()  # made (schema) once; a bad --db stops here
        listening = socket.create_server((host, port), backlog=1024)
    except ValueError as exc:
        print(f"adventure: {exc}", file=sys.stderr)
        return 2
    except DatabaseError as exc:
        print(f"adventure: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"adventure: cannot listen for SSH on {ssh} or make the host key "
              f"{host_key_path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    children: list[int] = []
    for n in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker
            code = 1
            try:
                _die_with_parent()
                for handler in log.handlers:  # which worker said it
                    handler.setFormatter(logging.Formatter(
                        f"%(asctime)s %(levelname)s worker={n + 1} %(message)s",
                        "%Y-%m-%dT%H:%M:%S"))
                code = asyncio.run(serve(
                    game, db_target=target, ssh=ssh, telnet=telnet if n == 0 else None,
                    host_key_path=host_key_path, limits=limits, open_mode=open_mode,
                    ssh_sock=listening, worker=f" (worker {n + 1} of {workers})",
                    gc_policy=gc_policy))
            except ServeError as exc:
                print(f"adventure: {exc}", file=sys.stderr)
                code = 2
            except BaseException as exc:  # noqa: BLE001  # a worker never returns to the CLI
                log.error("worker %d failed: %s: %s", n + 1, type(exc).__name__, exc)
            finally:
                os._exit(code)
        children.append(pid)
    listening.close()

    def forward(sig: int, _: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    return 0 if all(c == 0 for c in codes) else 2 if all(c == 2 for c in codes) else 1


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the parent dies, however it dies."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run(game: Game, *, db: str | None, data_dir: Path, ssh: str | None, telnet: str | None,
        host_key_path: Path | None, limits: Limits, open_mode: bool, workers: int = 1,
        gc_policy: str = "freeze") -> int:
    """`adventure serve`, after the story is loaded: 0 after a clean drain, 2 when the
    server cannot start (the reason on stderr)."""
    setup_logging()
    target = db_target(db, data_dir)
    if host_key_path is None:
        base = Path(target).parent if not is_url(target) else data_dir / "serve"
        host_key_path = base / "ssh_host_ed25519_key"
    if workers > 1 and ssh is not None:
        return run_workers(game, workers, target=target, ssh=ssh, telnet=telnet,
                           host_key_path=host_key_path, limits=limits, open_mode=open_mode,
                           gc_policy=gc_policy)
    try:
        return asyncio.run(serve(game, db_target=target, ssh=ssh, telnet=telnet,
                                 host_key_path=host_key_path, limits=limits,
                                 open_mode=open_mode, gc_policy=gc_policy))
    except ServeError as exc:
        print(f"adventure: {exc}", file=sys.stderr)
        return 2
