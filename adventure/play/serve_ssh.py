"""The SSH door of `adventure serve`: asyncssh with prompt_toolkit's SSH session
(prompt_toolkit.contrib.ssh), whose server class would let everyone in: here every
authentication hook is our own.

- The SSH user name is the player's name (validated, lower-cased).
- Public keys: the first key a name logs in with claims it (trust on first use, kept in the
  database); after that only that key opens it.
- Passwords and keyboard-interactive: refused, with a message that says how to make a key;
  in open mode (a local event) they let anyone in as a guest, under a name no key holds.
- One terminal session per connection; no exec, no forwarding, no subsystems.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Sequence
from pathlib import Path

import asyncssh
from prompt_toolkit.contrib.ssh import PromptToolkitSSHServer, PromptToolkitSSHSession
from prompt_toolkit.data_structures import Size

from .hub import NAME_RULE, Hub, Link, bound_line, feed_nonblocking, log, typed, valid_name

NO_KEY = ("Terok Nor lets you in with an SSH key: your user name is your player name, and "
          "the first key you log in with keeps that name for you.\n"
          "No key yet? Make one with:  ssh-keygen -t ed25519\n"
          "then log in again:  ssh -p PORT NAME@HOST\n")
NEEDS_TERMINAL = ("Terok Nor needs a terminal: connect with 'ssh -t' (not with a command "
                  "or -T).\r\n")


def key_text(key: asyncssh.SSHKey) -> str:
    """A public key as 'algorithm base64', without its comment."""
    return " ".join(key.export_public_key("openssh").decode("ascii").split()[:2])


class SSHLink(Link):
    kind = "ssh"

    def __init__(self, session: PlayerSSHSession) -> None:
        super().__init__()
        self.session = session

    def buffered(self) -> int:
        chan = self.session._chan
        return int(chan.get_write_buffer_size()) if chan is not None else 0


class Gathered:
    """A channel's output as prompt_toolkit writes it, sent once per turn of the event
    loop: a turn's echo, text, cursor query and new prompt leave in one SSH packet, not
    a handful (each packet costs an encryption, a system call and a wake-up of the
    client, which on a busy machine is most of a turn's time)."""

    def __init__(self, session: PlayerSSHSession) -> None:
        self.session = session
        self.parts: list[str] = []

    def write(self, data: str) -> None:
        if not self.parts:
            asyncio.get_running_loop().call_soon(self.send)
        self.parts.append(data)

    def send(self) -> None:
        data = "".join(self.parts).replace("\n", "\r\n")
        self.parts.clear()
        chan = self.session._chan
        if chan is not None and data:
            with contextlib.suppress(BrokenPipeError, OSError, asyncssh.Error):
                chan.write(data)

    def isatty(self) -> bool:
        return True

    def flush(self) -> None:
        pass  # sent at the end of this turn of the loop

    @property
    def encoding(self) -> str:
        chan = self.session._chan
        return str(chan._orig_chan.get_encoding()[0]) if chan is not None else "utf-8"


class PlayerSSHSession(PromptToolkitSSHSession):
    """One channel: prompt_toolkit's session with the server's limits on what comes in
    (line length, a full input pipe) and on the size the client claims, and its output
    gathered (`Gathered`)."""

    def __init__(self, door: PlayerSSHServer) -> None:
        super().__init__(self._play, enable_cpr=True)  # the toolbar needs it
        self.door = door
        self.link = SSHLink(self)
        self.line_chars = 0
        self.nonblocking = False
        self.gathered = Gathered(self)
        self.stdout = self.gathered  # type: ignore[assignment]

    async def _play(self, _: PromptToolkitSSHSession) -> None:
        try:
            await self._play_on()
        finally:
            self.gathered.send()  # the last words, before prompt_toolkit closes the channel

    async def _play_on(self) -> None:
        door = self.door
        if not await door.claimed():
            if self._chan is not None:
                self._chan.write("Terok Nor: that name was just claimed by another key, or "
                                 "the server's storage failed; try again.\r\n")
                self._chan.exit(1)
            return
        await door.hub.play(door.name, door.guest, door.address, self.link)

    def _get_size(self) -> Size:
        size = super()._get_size()
        limits = self.door.hub.limits
        return Size(rows=max(5, min(size.rows or 24, limits.rows)),
                    columns=max(20, min(size.columns or 80, limits.columns)))

    def session_started(self) -> None:
        chan = self._chan
        if chan is not None and chan.get_terminal_type() is None:
            self.door.reason = "no terminal"
            chan.write(NEEDS_TERMINAL)
            chan.exit(1)
            return
        super().session_started()

    def exec_requested(self, command: str) -> bool:
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def data_received(self, data: str, datatype: object) -> None:
        if typed(data):
            self.link.last_input = time.monotonic()
        pipe = self._input
        if pipe is None:
            return
        text, self.line_chars = bound_line(data, self.line_chars, self.door.hub.limits.line)
        if not self.nonblocking:
            os.set_blocking(pipe.pipe.write_fd, False)  # type: ignore[attr-defined]
            self.nonblocking = True
        feed_nonblocking(pipe.pipe.write_fd, text.encode("utf-8"))  # type: ignore[attr-defined]
        if self.link.buffered() > self.door.hub.limits.output and self._chan is not None:
            self.door.reason = "slow reader"
            self._chan.close()


class PlayerSSHServer(PromptToolkitSSHServer):
    """One SSH connection: admission, authentication, and its one terminal session."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(self._unused, enable_cpr=False)
        self.hub = hub
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.admitted = False
        self.refused: str | None = None
        self.name = ""
        self.key: str | None = None  # the key that last passed validation
        self.guest = False
        self.sessions = 0
        self.asked = 0  # keyboard-interactive challenges sent
        self.reason = ""

    async def _unused(self, _: PromptToolkitSSHSession) -> None:
        """prompt_toolkit's interact callback; PlayerSSHSession plays instead."""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        self.refused = self.hub.admit(self.address)
        if self.refused is not None:
            # Said at the first auth request: before the key exchange, a client cannot read it.
            log.info("refused addr=%s via=ssh reason=%s", self.address, self.refused)
            return
        self.admitted = True
        log.info("connect addr=%s via=ssh", self.address)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.admitted:
            self.hub.release(self.address)
            self.admitted = False
        if exc is not None or self.reason:
            log.info("disconnect addr=%s name=%s reason=%s", self.address, self.name or "-",
                     self.reason or type(exc).__name__)

    # -- authentication: every hook is ours ---------------------------------------------
    def begin_auth(self, username: str) -> bool:
        if self.refused is not None and self.conn is not None:
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, f"Terok Nor: {self.refused}.")
            return True
        name = username.lower()
        if valid_name(name):
            self.name = name
        elif self.conn is not None:
            self.reason = "bad name"
            self.conn.send_auth_banner(f"Terok Nor: '{username[:40]!s}' cannot be a player "
                                       f"name. A name is {NAME_RULE}.\n")
        return True  # every login must authenticate; a bad name never will

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if not self.name:
            return False
        db = self.hub.db
        try:
            owner = await db.call(db.player_key, self.name)
        except self.hub.db.errors as exc:
            self.hub.db_error(exc)
            return False
        text = key_text(key)
        if owner is not None and owner != text:
            self.reason = "wrong key"
            return False
        self.key = text  # asyncssh checks the signature next; auth_completed claims
        return True

    def password_auth_supported(self) -> bool:
        return self.hub.open_mode

    async def validate_password(self, username: str, password: str) -> bool:
        return await self._guest_allowed()

    def kbdint_auth_supported(self) -> bool:
        return True  # so a client with no key is told how to make one

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str
                             ) -> tuple[str, str, str, list[tuple[str, bool]]]:
        self.asked += 1
        if self.asked > 1:
            return False  # type: ignore[return-value]  # said once is enough
        if self.hub.open_mode and self.name:
            return ("Terok Nor", "Open event: you play as a guest (nothing is kept). "
                                 "Press Enter.\n", "", [])
        if self.reason == "wrong key":
            return ("Terok Nor", f"The name '{self.name}' belongs to another key. Log in "
                                 "with that key, or choose another name.\n", "", [])
        return ("Terok Nor", NO_KEY, "", [])

    async def validate_kbdint_response(self, username: str, responses: Sequence[str]
                                       ) -> bool:
        return await self._guest_allowed()

    async def _guest_allowed(self) -> bool:
        """Open mode only, and only under a name no key has claimed."""
        if not self.hub.open_mode or not self.name:
            self.reason = self.reason or "no key"
            return False
        db = self.hub.db
        try:
            claimed = await db.call(db.player_key, self.name) is not None
        except self.hub.db.errors as exc:
            self.hub.db_error(exc)
            return False
        if claimed:
            self.reason = "name has a key"
            return False
        self.guest = True
        return True

    def auth_completed(self) -> None:
        if self.key is None:
            self.guest = True
        self.reason = ""
        log.info("login addr=%s name=%s auth=%s", self.address, self.name,
                 "guest" if self.guest else "key")

    async def claimed(self) -> bool:
        """A key's first login claims its name (after the signature is checked), and
        every login marks the name seen; False when another key got there first."""
        if self.guest or self.key is None:
            return True
        db = self.hub.db
        try:
            ok = await db.call(db.claim, self.name, self.key)
        except db.errors as exc:
            self.hub.db_error(exc)
            ok = False
        if not ok:
            self.reason = "claim failed"
        return ok

    def session_requested(self) -> PlayerSSHSession:  # type: ignore[override]
        if self.sessions:
            return False  # type: ignore[return-value]  # one game per connection
        self.sessions += 1
        return PlayerSSHSession(self)


async def open_door(hub: Hub, host: str, port: int, host_key: asyncssh.SSHKey,
                    sock: socket.socket | None = None) -> asyncssh.SSHAcceptor:
    """Listen on HOST:PORT, or on `sock` (the socket workers share, serve.run_workers)."""
    return await asyncssh.create_server(
        lambda: PlayerSSHServer(hub), host, port, sock=sock, server_host_keys=[host_key],
        login_timeout=30, keepalive_interval=60, keepalive_count_max=3,
        allow_scp=False, agent_forwarding=False, x11_forwarding=False,
        line_editor=False)


def host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key, made on first start (kept, so clients can trust it)."""
    try:
        return asyncssh.read_private_key(path)
    except FileNotFoundError:
        key = asyncssh.generate_private_key("ssh-ed25519")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.export_private_key())
        return key
