"""`adventure serve`: one asyncio process that lets anyone with an SSH client play, every
turn kept in SQLite or PostgreSQL. The hub is play/hub.py, the doors play/serve_ssh.py
and play/serve_telnet.py, the storage play/sqlstore.py; docs/hosting.md is the manual.

Needs the serve extra (asyncssh; psycopg for PostgreSQL): pip install 'terok-nor[serve]'.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path
from typing import Protocol

from ..engine.session import Game
from .hub import Hub, Limits, log, parse_address
from .sqlstore import Database, DatabaseError, is_url

STATS_EVERY = 60.0


class Closer(Protocol):
    def close(self) -> None: ...


class ServeError(Exception):
    """The server cannot start; the message says why, for the command line."""


def default_db(data_dir: Path) -> Path:
    return data_dir / "serve" / "terok-nor.sqlite3"


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
                stats_every: float = STATS_EVERY) -> int:
    """Run until SIGTERM or SIGINT, then drain. Raises ServeError when it cannot start."""
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
    hub = Hub(game, db, limits, open_mode)
    closers: list[Closer] = []
    try:
        if ssh_at is not None:
            try:
                key = host_key(host_key_path)
            except (OSError, ValueError) as exc:
                raise ServeError(f"cannot read or make the host key {host_key_path}: "
                                 f"{exc}") from None
            try:
                acceptor = await open_door(hub, *ssh_at, key)
            except OSError as exc:
                raise ServeError(f"cannot listen for SSH on {ssh}: {exc.strerror or exc}"
                                 ) from None
            closers.append(acceptor)
            port = acceptor.sockets[0].getsockname()[1]
            log.info("listening via=ssh host=%s port=%d mode=%s", ssh_at[0], port,
                     "open" if open_mode else "keys")
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
        log.info("ready db=%s story=%s", db.where(), game.story.id)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        stats = asyncio.create_task(hub.report(stats_every))
        await stop.wait()
        log.info("draining players=%d", len(hub.players))
        for closer in closers:
            closer.close()
        await hub.drain()
        stats.cancel()
        log.info("%s", hub.stats(stats_every))
        log.info("stopped")
        return 0
    finally:
        for closer in closers:
            with contextlib.suppress(Exception):
                closer.close()
        db.close()


def run(game: Game, *, db: str | None, data_dir: Path, ssh: str | None, telnet: str | None,
        host_key_path: Path | None, limits: Limits, open_mode: bool) -> int:
    """`adventure serve`, after the story is loaded: 0 after a clean drain, 2 when the
    server cannot start (the reason on stderr)."""
    setup_logging()
    target = db if db is not None else str(default_db(data_dir))
    if host_key_path is None:
        base = Path(target).parent if not is_url(target) else data_dir / "serve"
        host_key_path = base / "ssh_host_ed25519_key"
    try:
        return asyncio.run(serve(game, db_target=target, ssh=ssh, telnet=telnet,
                                 host_key_path=host_key_path, limits=limits,
                                 open_mode=open_mode))
    except ServeError as exc:
        print(f"adventure: {exc}", file=sys.stderr)
        return 2
