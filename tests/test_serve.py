"""`adventure serve` end to end: the real console script as the server, Debian's OpenSSH
client in a pty (pexpect) as the player, on a free loopback port."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("asyncssh", reason="the serve extra is not installed")
if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
    pytest.skip("no OpenSSH client (apt-get install openssh-client)", allow_module_level=True)

from conftest import DEMO  # noqa: E402

SCRIPT = Path(sys.executable).with_name("adventure")


class Server:
    """`adventure serve` on a free loopback port; its log is a file the tests read."""

    def __init__(self, tmp: Path, *args: str) -> None:
        self.tmp = tmp
        self.log = tmp / f"serve-{time.monotonic_ns()}.log"
        self.proc = subprocess.Popen(
            [str(SCRIPT), "serve", "--ssh", "127.0.0.1:0", "--story", str(DEMO),
             "--db", str(tmp / "players.sqlite3"), "--host-key", str(tmp / "host_key"), *args],
            stdout=subprocess.DEVNULL, stderr=self.log.open("w"))
        self.port = int(self.wait_log(r"via=ssh host=\S+ port=(\d+)").group(1))
        self.wait_log("ready db=")

    def wait_log(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.log.read_text())
            if found:
                return found
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited: {self.log.read_text()}")
            time.sleep(0.05)  # polling the log for a line, not waiting for time to pass
        raise AssertionError(f"no {pattern!r} in the server's log: {self.log.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=30)


@pytest.fixture
def keys(tmp_path):
    made = {}
    for name in ("alice", "bob", "mallory"):
        path = tmp_path / f"id_{name}"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
                       check=True)
        made[name] = path
    return made


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    if s.proc.poll() is None:
        s.stop(signal.SIGKILL)


class Player:
    """`ssh -tt` in a pty, answering prompt_toolkit's cursor-position requests."""

    def __init__(self, server: Server, user: str, key: Path | None, *options: str,
                 cols: int = 90) -> None:
        args = ["-tt", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
                "-o", f"UserKnownHostsFile={server.tmp / 'known_hosts'}",
                "-o", "IdentitiesOnly=yes", "-p", str(server.port)]
        args += ["-i", str(key)] if key is not None else ["-o", "PubkeyAuthentication=no"]
        self.child = pexpect.spawn("ssh", [*args, *options, f"{user}@127.0.0.1"],
                                   env={**os.environ, "TERM": "xterm"}, encoding="utf-8",
                                   timeout=20, dimensions=(30, cols))
        self.seen = ""

    def expect(self, pattern, timeout: float = 20) -> None:
        while True:
            i = self.child.expect([pattern, "\x1b\\[6n"], timeout=timeout)
            after = self.child.after if isinstance(self.child.after, str) else ""
            self.seen += self.child.before + (after if i == 0 else "")
            if i == 0:
                return
            self.child.send("\x1b[1;1R")

    def play(self, line: str, then: str) -> None:
        self.child.sendline(line)
        self.expect(then)

    def leave(self) -> None:
        for _ in range(3):
            self.child.sendeof()
            if self.child.expect(["Goodbye.", "\x1b\\[6n", pexpect.TIMEOUT], timeout=5) == 0:
                self.child.expect(pexpect.EOF)
                return
            self.child.send("\x1b[1;1R")
        raise AssertionError("the game did not leave on Ctrl-D")

    def ended(self) -> str:
        self.expect(pexpect.EOF)
        return self.seen


def test_login_play_save_leave_and_continue_as_another_player_stays_apart(server, keys):
    alice = Player(server, "alice", keys["alice"])
    alice.expect("Welcome, alice")
    alice.expect("turn 0")  # the toolbar
    alice.play("1", "turn 1")
    alice.play("save first", "Saved as 'first' \\(turn 1\\)")
    alice.leave()
    server.wait_log("leave name=alice .*turns=2 .*reason=left")

    again = Player(server, "alice", keys["alice"])
    again.expect("Continuing your game at turn 1")
    again.play("saves", "first")
    again.child.sendline("wait")
    again.expect("turn 2")

    bob = Player(server, "bob", keys["bob"])
    bob.expect("Welcome, bob")
    bob.play("saves", "No saved games yet")
    bob.play("restore first", "no such save")
    bob.leave()
    again.leave()

    log = server.log.read_text()
    assert "login addr=127.0.0.1 name=bob auth=key" in log
    assert "ssh-ed25519" not in log and "AAAA" not in log  # no keys in the log


def test_a_claimed_name_refuses_other_keys_passwords_and_no_key(server, keys):
    first = Player(server, "alice", keys["alice"])
    first.expect("Welcome, alice")
    first.leave()
    thief = Player(server, "alice", keys["mallory"])
    assert "belongs to another key" in thief.ended()
    assert "Permission denied" in thief.seen
    password = Player(server, "carol", None, "-o", "PreferredAuthentications=password")
    assert "Permission denied" in password.ended()
    nokey = Player(server, "carol", None)
    assert "ssh-keygen -t ed25519" in nokey.ended()
    bad = Player(server, "Bad!Name", keys["bob"])
    assert "cannot be a player name" in bad.ended()
    server.wait_log("reason=wrong key")


def test_a_second_login_takes_over_and_the_first_is_told(server, keys):
    first = Player(server, "alice", keys["alice"])
    first.expect("turn 0")
    first.play("1", "turn 1")
    second = Player(server, "alice", keys["alice"])
    assert "logged in from somewhere else" in first.ended()
    second.expect("Continuing your game at turn 1")
    second.leave()


def test_a_login_on_another_server_process_takes_over_after_its_turn(tmp_path, keys):
    """Two servers on one database (as workers are, or PostgreSQL servers on several
    machines): the newer login wins wherever it lands, and continues the whole game."""
    one = Server(tmp_path)
    two = Server(tmp_path, "--gc", "python")  # either policy plays the same
    try:
        first = Player(one, "alice", keys["alice"])
        first.expect("turn 0")
        first.play("1", "turn 1")
        first.play("wait", "turn 2")
        second = Player(two, "alice", keys["alice"])
        assert "logged in from somewhere else" in first.ended()
        second.expect("Continuing your game at turn 2")
        second.play("wait", "turn 3")
        one.wait_log("leave name=alice .*reason=taken over")
        two.wait_log("takeover name=alice from=")
        bob = Player(one, "bob", keys["bob"])  # the first server goes on serving others
        bob.expect("turn 0")
        bob.leave()
        second.leave()
        # and back: the first server takes it over from the second, at turn 3
        third = Player(one, "alice", keys["alice"])
        third.expect("Continuing your game at turn 3")
        third.leave()
    finally:
        one.stop()
        two.stop()
    assert "gc=freeze" in one.log.read_text() and "gc=python" in two.log.read_text()
    # the last stats line (at the drain) reports the collector's pauses
    assert re.search(r"stats players=0 .* gc=\d+ gc_full=\d+ gc_ms=\d+ gc_max_ms=[\d.]+",
                     one.log.read_text())


def test_sigterm_drains_and_a_killed_server_loses_no_completed_turn(tmp_path, keys):
    server = Server(tmp_path)
    alice = Player(server, "alice", keys["alice"])
    alice.expect("turn 0")
    alice.play("1", "turn 1")
    assert server.stop(signal.SIGTERM) == 0
    assert "shutting down" in alice.ended()

    server = Server(tmp_path)
    alice = Player(server, "alice", keys["alice"])
    alice.expect("Continuing your game at turn 1")
    alice.play("wait", "turn 2")
    server.stop(signal.SIGKILL)
    alice.ended()

    server = Server(tmp_path)
    try:
        alice = Player(server, "alice", keys["alice"])
        alice.expect("Continuing your game at turn 2")
        alice.leave()
    finally:
        server.stop()
    assert "takeover" not in server.log.read_text()  # a killed server is not waited for


def test_limits_idle_per_address_and_a_line_with_no_end(tmp_path, keys):
    server = Server(tmp_path, "--idle", "0.05", "--per-address", "1")
    try:
        alice = Player(server, "alice", keys["alice"])
        alice.expect("turn 0")
        over = Player(server, "bob", keys["bob"])
        assert "too many connections from your address" in over.ended()
        alice.expect("Still there?")
        assert "without a keystroke" in alice.ended()
        server.wait_log("reason=idle")
    finally:
        server.stop()
    # a line with no end, on a server whose idle limit is not 50 ms: on a busy machine the
    # limit above can close the connection before the line has been sent
    server = Server(tmp_path, "--per-address", "1")
    try:
        alice = Player(server, "alice", keys["alice"])
        alice.expect("turn 0")
        alice.child.send("x" * 20_000)
        alice.child.sendline("")
        alice.expect("too long")
        alice.play("1", "turn 1")  # the server and this player go on
        alice.leave()
    finally:
        server.stop()


def test_open_mode_lets_guests_in_with_any_password_and_keeps_nothing(tmp_path, keys):
    server = Server(tmp_path, "--open")
    try:
        owner = Player(server, "alice", keys["alice"])
        owner.expect("Welcome, alice")
        owner.leave()
        guest = Player(server, "dave", None, "-o", "PreferredAuthentications=password")
        guest.expect("password:")
        guest.child.sendline("anything")
        guest.expect("as a guest")
        guest.play("save x", "not available")
        guest.leave()
        taken = Player(server, "alice", None, "-o", "PreferredAuthentications=password")
        taken.expect("password:")
        taken.child.sendline("anything")
        taken.expect("password:")  # refused: alice has a key
        taken.child.close()
    finally:
        server.stop()


def test_serve_usage_errors_exit_2(tmp_path):
    bad = subprocess.run([str(SCRIPT), "serve", "--ssh", "nowhere:99999", "--story", str(DEMO),
                          "--db", str(tmp_path / "db")], capture_output=True, text=True)
    assert bad.returncode == 2 and "is not HOST:PORT" in bad.stderr
    bad = subprocess.run([str(SCRIPT), "serve", "--idle", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--idle" in bad.stderr
    bad = subprocess.run([str(SCRIPT), "serve", "--gc", "never"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "--gc" in bad.stderr


def test_telnet_is_off_unless_asked_and_then_guests_only(tmp_path):
    import socket

    server = Server(tmp_path, "--telnet", "127.0.0.1:0")
    try:
        port = int(server.wait_log(r"via=telnet host=\S+ port=(\d+): telnet is unencrypted")
                   .group(1))
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            iac_sb, iac_se = b"\xff\xfa", b"\xff\xf0"
            s.sendall(iac_sb + b"\x18\x00xterm" + iac_se)  # terminal type
            s.sendall(iac_sb + b"\x1f\x00\x50\x00\x18" + iac_se)  # window 80 x 24
            seen = b""

            def read_until(wanted: bytes) -> None:
                nonlocal seen
                while wanted not in re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen):
                    data = s.recv(65536)
                    assert data, seen
                    seen += data
                    if b"\x1b[6n" in data:
                        s.sendall(b"\x1b[1;1R")  # answer as a terminal does

            read_until(b"turn 0")
            s.sendall(b"save x\r")
            read_until(b"not available")
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", seen).decode("utf-8", "replace")
        assert "not encrypted" in text and "as a guest" in text
        server.wait_log("play name=guest-1 guest=True addr=127.0.0.1 via=telnet")
    finally:
        server.stop()
    plain = Server(tmp_path)
    plain.stop()
    assert "via=telnet" not in plain.log.read_text()


def status_of(server: Server, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), "serve", "--status", "--db",
                           str(server.tmp / "players.sqlite3"), *more],
                          capture_output=True, text=True, timeout=60)


def test_status_shows_the_running_server_and_its_players(tmp_path, keys):
    server = Server(tmp_path)
    try:
        alice = Player(server, "alice", keys["alice"])
        alice.expect("turn 0")
        alice.play("1", "turn 1")
        deadline = time.monotonic() + 60
        while True:  # the server writes its figures every few seconds
            shown = status_of(server)
            if "1 player," in shown.stdout or time.monotonic() > deadline:
                break
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert re.search(r"\(ssh 127\.0\.0\.1:\d+\), up .*: 1 player, 0 guests, "
                         r"1 connection; last minute: \d+\.\d commands/s, p99 \d+\.\d ms",
                         shown.stdout), shown.stdout
        [row] = json.loads(status_of(server, "--json").stdout)["servers"]
        assert row["players"] == 1 and row["reporting"] and row["p99_ms"] > 0
        alice.leave()
    finally:
        server.stop()
    gone = status_of(server)
    assert gone.returncode == 1 and "No server has reported" in gone.stdout
    usage = subprocess.run([str(SCRIPT), "serve", "--json"], capture_output=True, text=True)
    assert usage.returncode == 2 and "--json goes with --status" in usage.stderr


def test_a_telnet_connection_counts_before_its_terminal_type(tmp_path, keys):
    import socket

    server = Server(tmp_path, "--telnet", "127.0.0.1:0", "--max-players", "1")
    try:
        port = int(server.wait_log(r"via=telnet host=\S+ port=(\d+)").group(1))
        with socket.create_connection(("127.0.0.1", port), timeout=20):
            server.wait_log("connect addr=127.0.0.1 via=telnet")
            assert "the server is full" in Player(server, "alice", keys["alice"]).ended()
        server.wait_log("reason=left before saying its terminal type")
        alice = Player(server, "alice", keys["alice"])
        alice.expect("turn 0")
        alice.leave()
    finally:
        server.stop()


def test_a_locked_database_holds_up_no_one_else(tmp_path, keys):
    """A turn waiting for the database waits on the database's thread: the others'
    terminals keep answering, and the turn is kept once the database is free."""
    import sqlite3

    server = Server(tmp_path)
    try:
        alice = Player(server, "alice", keys["alice"])
        alice.expect("turn 0")
        bob = Player(server, "bob", keys["bob"])
        bob.expect("turn 0")
        holder = sqlite3.connect(str(tmp_path / "players.sqlite3"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # a backup, say, holds the database
        try:
            alice.child.sendline("1")
            alice.expect("1")
            bob.child.send("wai")
            bob.expect("wai")  # echoed while alice's turn waits for the database
            assert "storage error" not in server.log.read_text()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        alice.expect("turn 1")
        bob.child.sendline("t")
        bob.expect("turn 1")
        alice.leave()
        bob.leave()
        again = Player(server, "alice", keys["alice"])
        again.expect("Continuing your game at turn 1")
        again.leave()
    finally:
        server.stop()


def test_workers_share_the_port_report_each_and_drain_or_die_together(tmp_path, keys):
    server = Server(tmp_path, "--workers", "2")
    try:
        alice = Player(server, "alice", keys["alice"])
        alice.expect("turn 0")
        alice.play("1", "turn 1")
        bob = Player(server, "bob", keys["bob"])
        bob.expect("turn 0")
        deadline = time.monotonic() + 60
        while "all 2 servers" not in (shown := status_of(server)).stdout:
            assert time.monotonic() < deadline, shown.stdout
        assert "(worker 1 of 2)" in shown.stdout and "(worker 2 of 2)" in shown.stdout
        server.proc.send_signal(signal.SIGKILL)  # the whole server, workers too
        server.proc.wait(timeout=30)
        alice.ended()
        bob.ended()
    finally:
        if server.proc.poll() is None:
            server.stop(signal.SIGKILL)

    server = Server(tmp_path, "--workers", "2")
    alice = Player(server, "alice", keys["alice"])
    alice.expect("Continuing your game at turn 1")
    alice.play("wait", "turn 2")
    # whichever worker the second login reaches, it takes the game over
    again = Player(server, "alice", keys["alice"])
    assert "logged in from somewhere else" in alice.ended()
    again.expect("Continuing your game at turn 2")
    alice = again
    assert server.stop(signal.SIGTERM) == 0
    assert "shutting down" in alice.ended()
    assert server.log.read_text().count("worker=2 stopped") == 1
