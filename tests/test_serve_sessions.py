"""Which server process's connection plays each player's game (the `sessions` table
behind takeover across workers and machines), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from test_sqlstore import db as backend  # noqa: F401  # the two backends' fixtures
from test_sqlstore import postgres_url  # noqa: F401


@pytest.fixture
def db(backend):  # noqa: F811
    backend.run("DELETE FROM sessions")  # the PostgreSQL cluster is the module's, shared
    return backend


def test_the_newest_login_owns_the_game_and_waits_for_the_older_server(db):
    assert db.take_session("alice", "a:1") == (1, None)
    assert db.take_session("alice", "a:1") == (2, None)  # a second login on one server
    assert db.take_session("alice", "b:2") == (3, "a:1")
    assert not db.handed_over("alice", 3)
    assert db.taken_from("a:1") == [("alice", 3)] and db.taken_from("b:2") == []
    db.leave_session("alice", "a:1", 2)  # the older connection lets go
    assert db.handed_over("alice", 3) and db.taken_from("a:1") == []
    assert db.take_session("alice", "b:2") == (4, None)  # still b's: nothing was deleted
    db.leave_session("alice", "b:2", 3)  # an older login of b's leaving takes nothing
    assert db.take_session("bob", "a:1") == (1, None)  # and players are apart
    db.leave_session("alice", "b:2", 4)  # the last one leaves: no one's game
    assert db.take_session("alice", "a:1") == (1, None)


def test_a_newer_login_still_no_longer_waits_for_the_oldest(db):
    db.take_session("alice", "a:1")
    db.take_session("alice", "b:2")
    db.take_session("alice", "c:3")  # took it from b, which waited for a
    assert db.handed_over("alice", 2)  # b's login: superseded, so it waits no more
    assert not db.handed_over("alice", 3)


def test_a_server_is_alive_while_its_process_runs_or_it_reports(db):
    here = socket.gethostname()
    assert db.server_alive(f"{here}:{os.getpid()}", 20)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert not db.server_alive(f"{here}:{gone.pid}", 20)
    elsewhere = "another-machine.invalid:4121"
    assert not db.server_alive(elsewhere, 20)  # never reported
    db.report_server(elsewhere, "ssh 10.0.0.2:2222", 0, {
        "players": 1, "guests": 0, "connections": 1, "commands_per_s": 0.0, "p99_ms": 0.0})
    assert db.server_alive(elsewhere, 20)
