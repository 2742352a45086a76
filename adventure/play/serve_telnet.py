"""The telnet door of `adventure serve` (off unless --telnet is given): prompt_toolkit's
telnet server, for a local event or a LAN. Telnet is unencrypted, so every telnet player is
a guest: nothing is kept, no name is claimed, and each is told so when they connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time

from prompt_toolkit.contrib.telnet.server import TelnetConnection, TelnetServer
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input

from .hub import Hub, Link, bound_line, feed_nonblocking, log, typed

UNENCRYPTED = ("This is a telnet connection: it is not encrypted, and you play as a guest "
               "(nothing is kept). For your own saved games, use ssh.")

NO_HELLO = ("Terok Nor: your telnet client did not say what terminal it is; use one that "
            "does (telnet, PuTTY), or ssh.\r\n")


class TelnetLink(Link):
    kind = "telnet"


class DoorConnection(TelnetConnection):
    """prompt_toolkit's telnet connection, telling the door when it closes (before the
    terminal type arrives, prompt_toolkit's own waits on forever)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.gone = asyncio.Event()

    def close(self) -> None:
        super().close()
        self.gone.set()


class TelnetDoor(TelnetServer):
    """prompt_toolkit's telnet server, with the hub's admission and limits."""

    def __init__(self, hub: Hub, host: str, port: int) -> None:
        super().__init__(host, port, interact=self._interact, enable_cpr=True)
        self.hub = hub
        self.listening: socket.socket | None = None
        self.task: object = None

    def _create_socket(self, host: str, port: int) -> socket.socket:  # type: ignore[override]
        self.listening = super()._create_socket(host, port)
        return self.listening

    def bound_port(self) -> int:
        return int(self.listening.getsockname()[1]) if self.listening is not None else 0

    def close(self) -> None:
        task = self.task
        if task is not None:
            task.cancel()  # type: ignore[attr-defined]

    def _accept(self, listen_socket: socket.socket) -> None:
        """A new connection counts against the limits from here, before it has said
        anything: a client that never sends its terminal type still takes its place,
        and is let go after `Limits.hello` seconds. (prompt_toolkit's own `_accept` would not
        call us before the terminal type arrives.)"""
        try:
            conn, addr = listen_socket.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        address = str(addr[0])
        refused = self.hub.admit(address)
        if refused is not None:
            log.info("refused addr=%s via=telnet reason=%s", address, refused)
            with contextlib.suppress(OSError):
                conn.setblocking(False)
                conn.send(f"Terok Nor: {refused}.\r\n".encode())
            conn.close()
            return
        log.info("connect addr=%s via=telnet", address)
        task = asyncio.get_running_loop().create_task(self._connection(conn, addr, address))
        self._application_tasks.append(task)
        task.add_done_callback(self._application_tasks.remove)

    async def _connection(self, conn: socket.socket, addr: tuple[str, int],
                          address: str) -> None:
        reason = ""
        try:
            with create_pipe_input() as pipe:
                connection = DoorConnection(conn, addr, self._interact, self,
                                            encoding=self.encoding, style=self.style,
                                            vt100_input=pipe, enable_cpr=self.enable_cpr)
                self.connections.add(connection)
                app = asyncio.ensure_future(connection.run_application())
                hello = asyncio.ensure_future(connection._ready.wait())
                gone = asyncio.ensure_future(connection.gone.wait())
                try:
                    await asyncio.wait([app, hello, gone], timeout=self.hub.limits.hello,
                                       return_when=asyncio.FIRST_COMPLETED)
                    if gone.done() and not hello.done():
                        reason = "left before saying its terminal type"
                        app.cancel()
                    elif not hello.done():
                        reason = "no terminal type"
                        with contextlib.suppress(OSError):
                            conn.send(NO_HELLO.encode())
                        app.cancel()
                    with contextlib.suppress(asyncio.CancelledError, EOFError,
                                             KeyboardInterrupt):
                        await app
                finally:
                    hello.cancel()
                    gone.cancel()
                    self.connections.discard(connection)
                    connection.close()
        except Exception as exc:  # one connection's failure is logged, never the server's
            reason = f"error {type(exc).__name__}"
        finally:
            self.hub.release(address)
            if reason:
                log.info("disconnect addr=%s via=telnet reason=%s", address, reason)

    async def _interact(self, connection: TelnetConnection) -> None:
        address = str(connection.addr[0])
        # A client that does not read loses output; it never holds up the others.
        connection.conn.setblocking(False)
        link = TelnetLink()
        limits = self.hub.limits
        fd = connection.vt100_input.pipe.write_fd  # type: ignore[attr-defined]
        os.set_blocking(fd, False)
        used = 0

        def received(data: bytes) -> None:
            nonlocal used
            text, used = bound_line(data.decode("utf-8", "replace"), used, limits.line)
            if typed(text):
                link.last_input = time.monotonic()
            feed_nonblocking(fd, text.encode("utf-8"))

        connection.vt100_input.send_bytes = received  # type: ignore[method-assign]
        output = connection.vt100_output
        if output is not None:
            claimed = output.get_size

            def size() -> Size:
                s = claimed()
                return Size(rows=max(5, min(s.rows, limits.rows)),
                            columns=max(20, min(s.columns, limits.columns)))

            output.get_size = size  # type: ignore[method-assign]
        await self.hub.play(self.hub.guest_name(), True, address, link, notice=UNENCRYPTED)


async def open_telnet(hub: Hub, host: str, port: int) -> TelnetDoor:
    door = TelnetDoor(hub, host, port)
    ready = asyncio.Event()
    door.task = asyncio.create_task(door.run(ready_cb=ready.set))
    waiter = asyncio.create_task(ready.wait())
    await asyncio.wait([door.task, waiter], return_when=asyncio.FIRST_COMPLETED)  # type: ignore[list-item]
    if not ready.is_set():
        waiter.cancel()
        door.task.result()  # type: ignore[attr-defined]  # raises the OSError of bind
    return door
