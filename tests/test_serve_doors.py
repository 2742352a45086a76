"""`adventure serve` in process: the telnet door's admission (counted from accept, a
client that never says its terminal type let go) and `serve --status` read from the
database. End to end through ssh: tests/test_serve.py."""

from __future__ import annotations

import asyncio
import json
import time

from adventure.play.hub import Hub, Limits
from adventure.play.serve import STALE_AFTER, status
from adventure.play.serve_telnet import NO_HELLO, open_telnet
from adventure.play.sqlstore import Database


def test_a_telnet_client_counts_from_accept_and_is_let_go_without_a_terminal_type(
        tmp_path, demo_game):
    db = Database(str(tmp_path / "players.sqlite3"))
    hub = Hub(demo_game, db, Limits(total=1, hello=0.5))

    async def main() -> None:
        door = await open_telnet(hub, "127.0.0.1", 0)
        try:
            port = door.bound_port()
            silent_r, silent_w = await asyncio.open_connection("127.0.0.1", port)
            while hub.connections == 0:  # counted before it has said anything
                await asyncio.sleep(0.01)
            late_r, late_w = await asyncio.open_connection("127.0.0.1", port)
            assert b"the server is full" in await late_r.read()
            late_w.close()
            said = await silent_r.read()  # the server closes it after Limits.hello
            assert NO_HELLO.strip().encode() in said
            silent_w.close()
            while hub.connections:
                await asyncio.sleep(0.01)
            # one that leaves before its terminal type gives its place back at once
            hub.limits.hello = 600
            gone_r, gone_w = await asyncio.open_connection("127.0.0.1", port)
            while hub.connections == 0:
                await asyncio.sleep(0.01)
            gone_w.close()
            while hub.connections:
                await asyncio.sleep(0.01)
        finally:
            door.close()

    try:
        asyncio.run(asyncio.wait_for(main(), 60))  # without the fix it would wait forever
    finally:
        db.close()


def test_status_reports_each_server_and_says_when_none_is_running(tmp_path, capsys):
    path = tmp_path / "players.sqlite3"
    assert status(str(path)) == 1
    assert "No database at" in capsys.readouterr().out
    db = Database(str(path))
    figures = {"players": 2, "guests": 1, "connections": 3, "commands_per_s": 1.5,
               "p99_ms": 8.0}
    db.report_server("a:1", "ssh 0.0.0.0:2222", time.time() - 300, figures)
    db.close()
    assert status(str(path)) == 0
    out = capsys.readouterr().out
    assert "a:1 (ssh 0.0.0.0:2222), up 5 min: 2 players, 1 guest, 3 connections" in out
    assert "1.5 commands/s, p99 8.0 ms" in out

    db = Database(str(path))  # a second server, killed long ago: its row stayed
    db.report_server("b:2", "ssh 0.0.0.0:2223", 0, figures)
    db.run("UPDATE servers SET seen = ? WHERE id = 'b:2'", (int(time.time() - STALE_AFTER - 60),))
    db.close()
    assert status(str(path), as_json=True) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["reporting"] for s in doc["servers"]] == [True, False]

    db = Database(str(path))
    db.forget_server("a:1")
    db.close()
    assert status(str(path)) == 1
    assert "b:2 (ssh 0.0.0.0:2223): not reporting since" in capsys.readouterr().out


def test_connections_share_prompt_toolkits_default_key_bindings():
    from prompt_toolkit.application import Application
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from adventure.play.hub import share_key_bindings

    share_key_bindings()
    share_key_bindings()  # twice is once
    with create_pipe_input() as pipe:
        one = Application(input=pipe, output=DummyOutput())
        two = Application(input=pipe, output=DummyOutput())
    assert one._default_bindings is two._default_bindings
    assert one._default_bindings.bindings  # still the real ones
