"""The server's store, on SQLite and on a real PostgreSQL server the tests start (a
throwaway cluster; skipped with the reason where PostgreSQL is not installed)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from adventure.engine.errors import SaveError
from adventure.engine.session import Session
from adventure.play.hub import bound_line, parse_address, typed, valid_name
from adventure.play.sqlstore import Database, DatabaseError, PlayerStore


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway PostgreSQL cluster in a temp folder, run as an unprivileged user
    (initdb refuses root; CI runs as root, so via runuser)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (the serve extra)")
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb; apt-get install postgresql)")
    run_as: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: initdb refuses root")
        run_as = ["runuser", "-u", "nobody", "--"]
    folder = Path(tempfile.mkdtemp(prefix="adventure-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    if run_as:
        shutil.chown(folder, "nobody")
        shutil.chown(sock, "nobody")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "terok",
                        "-A", "trust", "--no-sync"], check=True, capture_output=True)
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l",
                        str(folder / "log"), "-o", f"-k {sock} -p {port} -c listen_addresses=''",
                        "start"], check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL cluster: {exc.stderr[-300:]!r}")
    yield f"postgresql://terok@/postgres?host={sock}&port={port}"
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                    "stop"], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        database = Database(str(tmp_path / "players.sqlite3"))
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        for table in ("players", "saves", "games", "turns"):
            database.run(f"DELETE FROM {table}")
    yield database
    database.close()


def test_a_key_claims_a_name_once(db):
    assert db.player_key("alice") is None
    assert db.claim("alice", "ssh-ed25519 AAAA1")
    assert db.claim("alice", "ssh-ed25519 AAAA1")  # the same key again: still hers
    assert not db.claim("alice", "ssh-ed25519 AAAA2")
    assert db.player_key("alice") == "ssh-ed25519 AAAA1"


def test_every_turn_is_kept_and_a_new_connection_continues(db, demo_game):
    store = PlayerStore(db, "alice", demo_game)
    assert store.resume() is None
    session = Session(demo_game, store=store)
    store.begin(session.state, [])
    for line in ("1", "wait", "look"):
        session.submit(line)
    turn = session.state.turn
    # a crash now: nothing is closed; a new store on a new connection picks the game up
    again = PlayerStore(Database(db.target), "alice", demo_game)
    rebuilt, count = again.resume()
    assert count == len(session.log) and rebuilt.state.turn == turn
    assert rebuilt.state == session.state
    assert PlayerStore(db, "bob", demo_game).resume() is None  # players are apart
    session.submit("undo")
    assert again.resume()[1] == len(session.log)


def test_named_saves_listing_restore_and_isolation(db, demo_game):
    store = PlayerStore(db, "alice", demo_game)
    session = Session(demo_game, store=store)
    session.submit("1")
    assert "Saved as 'first'" in "".join(t for _, t in session.submit("save first").paragraphs)
    saved = session.state
    session.submit("wait")
    session.submit("restore first")
    assert session.state == saved
    assert "first" in store.listing()
    bob = PlayerStore(db, "bob", demo_game)
    assert "No saved games" in bob.listing()
    with pytest.raises(SaveError, match="no such save"):
        bob.load("first")
    with pytest.raises(SaveError):
        store.save("../escape", session.state, session.log)


def test_a_damaged_save_row_is_refused_with_a_reason(db, demo_game):
    store = PlayerStore(db, "alice", demo_game)
    session = Session(demo_game, store=store)
    store.save("ok", session.state, session.log)
    for data in ("{not json", "[1, 2]", '{"format": 99, "oldest_readable": 99}'):
        db.run("UPDATE saves SET data = ? WHERE player = 'alice'", (data,))
        with pytest.raises(SaveError, match="Cannot restore 'ok'"):
            store.load("ok")


def test_an_ended_game_leaves_nothing_to_continue(db, demo_game):
    store = PlayerStore(db, "alice", demo_game)
    session = Session(demo_game, store=store)
    store.begin(session.state, [])
    session.submit("1")
    assert store.resume() is not None
    assert store.journal_end(finished=True) == ""
    assert store.resume() is None


def test_an_unusable_database_is_a_clear_error(tmp_path):
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(DatabaseError, match="cannot open the database"):
        Database(str(tmp_path / "dir.sqlite3"))
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(DatabaseError):
        Database(str(bad))


def test_names_addresses_and_lines():
    assert valid_name("alice") and valid_name("a-b_9")
    for bad in ("a", "Alice", "9lives", "x" * 25, "al ice", "root;rm", ""):
        assert not valid_name(bad)
    assert parse_address("127.0.0.1:22", 2222) == ("127.0.0.1", 22)
    assert parse_address(":0", 2222) == ("0.0.0.0", 0)
    assert parse_address("[::1]:2022", 2222) == ("::1", 2022)
    assert parse_address("example.org", 2222) == ("example.org", 2222)
    with pytest.raises(ValueError):
        parse_address("host:99999", 2222)
    text, used = bound_line("x" * 50, 0, 10)
    assert text == "x" * 10 and used == 10
    text, used = bound_line("yy\rzz", used, 10)
    assert text == "\rzz" and used == 2
    assert not typed("\x1b[12;1R") and typed("\x1b[12;1Rn")


def test_a_locked_database_never_holds_up_the_event_loop(tmp_path, demo_game):
    """A turn's journal entry waits for the database on the database's thread while
    the loop goes on serving others; the turn completes, in one transaction, once the
    lock is gone."""
    import asyncio
    import sqlite3

    path = tmp_path / "players.sqlite3"
    db = Database(str(path))
    store = PlayerStore(db, "alice", demo_game)
    session = Session(demo_game, store=store)
    store.begin(session.state, [])
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database

    async def main() -> None:
        turn = asyncio.ensure_future(db.call(session.submit, "1"))
        ticks = 0
        while ticks < 20:  # the loop runs while the turn waits for the lock
            await asyncio.sleep(0)
            ticks += 1
        assert not turn.done()
        holder.execute("ROLLBACK")
        result = await turn
        assert result.state.turn == 1

    try:
        asyncio.run(main())
        assert store.turns == 1
        found = PlayerStore(db, "alice", demo_game).resume()
        assert found is not None and found[0].state.turn == 1
    finally:
        holder.close()
        db.close()


def test_servers_report_their_figures_and_forget_them(db):
    figures = {"players": 3, "guests": 1, "connections": 5, "commands_per_s": 2.5,
               "p99_ms": 12.25}
    db.report_server("host:1", "ssh 127.0.0.1:2222", 1000.0, figures)
    db.report_server("host:1", "ssh 127.0.0.1:2222", 1000.0, {**figures, "players": 4})
    [row] = db.servers()
    assert row["id"] == "host:1" and row["players"] == 4 and row["p99_ms"] == 12.25
    assert row["started"] == 1000 and row["seen"] >= row["started"]
    db.forget_server("host:1")
    assert db.servers() == []


def test_the_saves_listing_counts_as_a_person_does(db, demo_game):
    store = PlayerStore(db, "carol", demo_game)
    session = Session(demo_game, store=store)
    session.submit("1")
    for name in ("bante10", "bante2", "bante"):
        session.submit(f"save {name}")
    listed = [line.split()[0] for line in store.listing().splitlines()]
    assert listed == ["bante", "bante2", "bante10"], listed
