"""Hosted play under load (issue 25): `adventure serve` on a loopback port, played by
many SSH players from one load-generator process (asyncssh clients, each with a
terminal, answering cursor-position requests as a terminal does).

    python benchmarks/serve_bench.py                      # the issue's size: 300 players,
                                                          # 100 typing every 2 s, 2 minutes
    python benchmarks/serve_bench.py --players 60 --active 20 --seconds 20   # smaller
    python benchmarks/run.py --only serve [--quick]       # as a section of the runner

Figures (benchmarks/README.md, "Serve"): start-up with the cached campaign; server memory
growth per connected idle player; p99 command-to-output latency of the typing players,
errors, and whether every journal holds every turn its player saw; then the crash test:
`kill -9` mid-load, restart, every player logs in again and must continue at the last
turn it saw completed (or the one it had in flight, if that was committed), with the
journal agreeing. Everything is bounded: a command waits at most 10 s, the run at most
its --seconds plus the connecting and the crash test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "story"
ADVENTURE = str(Path(sys.executable).with_name("adventure"))
# Built-in verbs, each a turn (look and inventory take none): the toolbar's turn count tells
# when a command's output is in.
CYCLE = ("x me", "listen", "wait")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
TOOLBAR_TURN = re.compile(r"· turn (\d+)")
COMMAND_TIMEOUT = 10.0
CONNECT_TIMEOUT = 60.0


def check_cycle() -> None:
    """Every command of CYCLE must be one turn on the story, or the clock would not stop."""
    from adventure.engine.session import Game, Session
    from adventure.story.loader import load_story

    session = Session(Game(load_story(CAMPAIGN)), seed=1)
    for n, command in enumerate(CYCLE * 3, start=1):
        result = session.submit(command)
        if result.state.turn != n or result.quit:
            raise SystemExit(f"serve_bench: '{command}' is not one turn on {CAMPAIGN}")


class Server:
    """`adventure serve` as a subprocess; its log is a file read for 'ready'."""

    def __init__(self, tmp: Path, players: int, port: int = 0, workers: int = 1,
                 gc_policy: str = "freeze") -> None:
        self.log_path = tmp / "serve.log"
        self.db = tmp / "players.sqlite3"
        self.log_start = start = (len(self.log_path.read_text()) if self.log_path.exists()
                                  else 0)
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            [ADVENTURE, "serve", "--ssh", f"127.0.0.1:{port}", "--story", str(CAMPAIGN),
             "--db", str(self.db), "--host-key", str(tmp / "host_key"),
             "--max-players", str(players + 10), "--per-address", str(players + 10),
             "--idle", "60", "--workers", str(workers), "--gc", gc_policy],
            stdout=subprocess.DEVNULL, stderr=self.log_path.open("a"))
        deadline = time.monotonic() + 60
        while (text := self.log_path.read_text()[start:]).count("ready db=") < workers:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve_bench: the server did not start:\n{text[-2000:]}")
            time.sleep(0.002)  # polling its log for a line
        self.startup = time.perf_counter() - began
        found = re.search(r"via=ssh host=\S+ port=(\d+)", text)
        assert found is not None
        self.port = int(found.group(1))

    def pids(self) -> list[int]:
        """The server and its workers (--workers)."""
        found = [self.proc.pid]
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(p) for p in (task / "children").read_text().split()]
        return found

    def rss(self) -> int:
        """Memory in bytes: the proportional set size (Pss) of the server's processes,
        which is its resident memory for one process and counts the story that workers
        share once, not once each."""
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                found = re.search(r"Pss:\s+(\d+) kB", rollup)
                total += int(found.group(1)) * 1024 if found else 0
        return total

    def cpu(self) -> float:
        """User + system CPU seconds so far, of the server's processes."""
        total = 0.0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)


class Term(asyncssh.SSHClientSession[str]):
    def __init__(self, player: Player) -> None:
        self.player = player

    def data_received(self, data: str, datatype: asyncssh.DataType) -> None:
        self.player.received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.player.lost()


class Player:
    """One SSH player: what its terminal shows (only the toolbar's turn is read)."""

    def __init__(self, name: str, active: bool) -> None:
        self.name = name
        self.active = active
        self.conn: asyncssh.SSHClientConnection | None = None
        self.chan: asyncssh.SSHClientChannel[str] | None = None
        self.tail = ""
        self.turn = -1  # the turn the toolbar last showed: the last completed
        self.changed = asyncio.Event()
        self.closed = False
        self.in_flight = False
        self.sent = 0
        self.began = 0.0  # when the command in flight was written
        self.out_pending = False
        self.latencies: list[float] = []  # to the next prompt (its toolbar) drawn
        self.to_output: list[float] = []  # to the command's output in

    def received(self, data: str) -> None:
        if "\x1b[6n" in data and self.chan is not None:
            # The next prompt asks where the cursor is once the output is all written:
            # that is when the command's output is in. Answered as a terminal does.
            if self.out_pending:
                self.out_pending = False
                self.to_output.append(time.perf_counter() - self.began)
            self.chan.write("\x1b[1;1R")
        self.tail = (self.tail + data)[-4000:]
        turns = TOOLBAR_TURN.findall(ANSI.sub("", self.tail))
        if turns and int(turns[-1]) != self.turn:
            self.turn = max(self.turn, int(turns[-1]))
            self.changed.set()

    def lost(self) -> None:
        self.closed = True
        self.changed.set()

    async def until(self, done: Callable[[], bool], timeout: float) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout
        while not done() and not self.closed:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                return done()
        return done()

    async def connect(self, port: int, key: asyncssh.SSHKey) -> int:
        """Log in and wait for the first toolbar; the turn it shows."""
        self.tail, self.turn, self.closed = "", -1, False
        self.conn = await asyncssh.connect(
            "127.0.0.1", port, username=self.name, client_keys=[key], known_hosts=None,
            agent_path=None, preferred_auth="publickey", config=[])
        self.chan, _ = await self.conn.create_session(
            lambda: Term(self), term_type="xterm", term_size=(100, 30), encoding="utf-8")
        if not await self.until(lambda: self.turn >= 0, CONNECT_TIMEOUT):
            raise RuntimeError(f"{self.name}: no toolbar after logging in")
        return self.turn

    async def type_until(self, end: float, interval: float, errors: list[str],
                         crashing: bool = False) -> None:
        """A command every `interval` seconds (first at a random offset) until `end`
        (loop time); each timed from the write to its turn on the toolbar."""
        loop = asyncio.get_running_loop()
        next_at = loop.time() + random.uniform(0, interval)
        while next_at < end and not self.closed:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            if self.closed or self.chan is None:
                break
            expected = self.turn + 1
            self.in_flight = True
            self.out_pending = True
            self.began = began = time.perf_counter()
            self.chan.write(CYCLE[self.sent % len(CYCLE)] + "\r")
            self.sent += 1
            done = await self.until(lambda e=expected: self.turn >= e, COMMAND_TIMEOUT)
            if done:
                self.in_flight = False
                self.latencies.append(time.perf_counter() - began)
                if self.turn != expected:
                    errors.append(f"{self.name}: turn {self.turn}, expected {expected}")
            elif not (crashing and self.closed):
                errors.append(f"{self.name}: " + ("connection lost" if self.closed else
                                                  f"no output in {COMMAND_TIMEOUT:.0f} s"))
                return
            next_at += interval

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def journal(db: Path) -> dict[str, tuple[int, int]]:
    """Per player: rows in the game in progress and its last turn, read from the file."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT player, COUNT(*), MAX(turn) FROM turns GROUP BY player")
        return {str(p): (int(n), int(t or 0)) for p, n, t in rows}


async def connect_all(players: list[Player], port: int, key: asyncssh.SSHKey,
                      parallel: int) -> dict[str, int]:
    gate = asyncio.Semaphore(parallel)
    shown: dict[str, int] = {}

    async def one(p: Player) -> None:
        async with gate:
            shown[p.name] = await p.connect(port, key)

    await asyncio.gather(*(one(p) for p in players))
    return shown


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


async def bench(args: argparse.Namespace, say: Callable[[str], None]) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    out: dict = {"players": args.players, "active": args.active, "interval_s": args.interval,
                 "workers": args.workers, "gc": args.gc,
                 "seconds": args.seconds, "load_before": os.getloadavg()}
    server: Server | None = None
    players: list[Player] = []
    try:
        check_cycle()
        Server(tmp, args.players).stop()  # the first start caches the campaign
        w = args.workers
        startups = []
        for _ in range(args.startups):
            s = Server(tmp, args.players, workers=w, gc_policy=args.gc)
            startups.append(s.startup)
            s.stop()
        out["startup_s"] = statistics.median(startups)
        say(f"start-up with the cached campaign: median {out['startup_s'] * 1000:.0f} ms "
            f"of {len(startups)} (to the 'ready' log line)")

        server = Server(tmp, args.players, workers=w, gc_policy=args.gc)
        port = server.port
        key = asyncssh.generate_private_key("ssh-ed25519")
        players = [Player(f"p{i:04d}", i < args.active) for i in range(args.players)]
        rss_ready = server.rss()
        began = time.perf_counter()
        await connect_all(players[:1], port, key, 1)
        rss_one = server.rss()
        await connect_all(players[1:], port, key, args.parallel)
        out["connect_s"] = time.perf_counter() - began
        rss_all = server.rss()
        per = (rss_all - rss_one) / max(1, len(players) - 1)
        out.update(rss_ready_mb=rss_ready / 2**20, rss_one_mb=rss_one / 2**20,
                   rss_all_mb=rss_all / 2**20, per_player_kb=per / 1024)
        say(f"{len(players)} players connected in {out['connect_s']:.1f} s; server memory "
            f"{rss_ready / 2**20:.1f} MB ready, {rss_one / 2**20:.1f} MB with one player, "
            f"{rss_all / 2**20:.1f} MB with all: {per / 1024:.0f} KB per player")

        errors: list[str] = []
        loop = asyncio.get_running_loop()
        cpu0, gen0 = server.cpu(), sum(os.times()[:2])
        end = loop.time() + args.seconds
        typing = [asyncio.ensure_future(p.type_until(end, args.interval, errors))
                  for p in players if p.active]
        await asyncio.sleep(max(0.0, args.seconds - 1))
        status = subprocess.run([ADVENTURE, "serve", "--status", "--db", str(server.db)],
                                capture_output=True, text=True, timeout=60)
        out["status"] = status.stdout.strip()
        await asyncio.gather(*typing)
        cpu = server.cpu() - cpu0
        gen = sum(os.times()[:2]) - gen0
        lat = [x for p in players for x in p.to_output]
        prompt = [x for p in players for x in p.latencies]
        out.update(commands=len(prompt), p99_ms=p99(lat) * 1000,
                   median_ms=statistics.median(lat) * 1000 if lat else 0.0,
                   max_ms=max(lat, default=0.0) * 1000, prompt_p99_ms=p99(prompt) * 1000,
                   errors=len(errors),
                   error_examples=errors[:5], server_cpu=cpu / args.seconds,
                   generator_cpu=gen / args.seconds, load_during=os.getloadavg())
        say(f"{len(prompt)} commands in {args.seconds:.0f} s from {args.active} players: "
            f"command to output p99 {out['p99_ms']:.1f} ms, median {out['median_ms']:.1f} "
            f"ms, max {out['max_ms']:.1f} ms; to the next prompt drawn p99 "
            f"{out['prompt_p99_ms']:.1f} ms; {len(errors)} errors; server CPU "
            f"{out['server_cpu'] * 100:.0f}% of a core, load generator "
            f"{out['generator_cpu'] * 100:.0f}%")
        say(f"serve --status said: {out['status']}")
        # the server's own stats lines (each worker's, every minute): its collections
        stats = re.findall(r"(?:worker=\d+ )?stats players=.*",
                           server.log_path.read_text()[server.log_start:])
        out["server_stats"] = stats[-w:]
        for line in stats[-w:]:
            say(f"the server's last stats line: {line}")

        kept = journal(server.db)
        short = [p.name for p in players if p.active and kept.get(p.name, (0, 0))
                 != (p.turn, p.turn) and not (p.turn == 0 and p.name not in kept)]
        out["journals_incomplete"] = len(short)
        say(f"journals: {args.active - len(short)} of {args.active} hold every turn their "
            "player saw" + (f"; not: {', '.join(short[:5])}" if short else ""))

        # The crash test: kill -9 while the typing players go on, restart, log in again.
        crash_errors: list[str] = []
        end = loop.time() + 3600
        typing = [asyncio.ensure_future(p.type_until(end, args.interval, crash_errors,
                                                     crashing=True))
                  for p in players if p.active]
        await asyncio.sleep(args.crash_after)
        in_flight = sum(p.in_flight for p in players)
        server.stop(signal.SIGKILL)
        await asyncio.wait_for(asyncio.gather(*typing), COMMAND_TIMEOUT + 5)
        seen = {p.name: (p.turn, p.in_flight) for p in players}
        server = Server(tmp, args.players, port, workers=w, gc_policy=args.gc)
        out["restart_s"] = server.startup
        shown = await connect_all(players, port, key, args.parallel)
        kept = journal(server.db)
        wrong = []
        for p in players:
            turn, flying = seen[p.name]
            now = shown[p.name]
            rows = kept.get(p.name, (0, 0))[0]
            if not (now == turn or (flying and now == turn + 1)) or rows != now:
                wrong.append(f"{p.name}: saw turn {turn}{' +1 in flight' if flying else ''}, "
                             f"continues at {now}, journal {rows} turns")
        out.update(crash_in_flight=in_flight, crash_wrong=len(wrong),
                   crash_examples=wrong[:5], crash_errors=len(crash_errors))
        say(f"crash test: kill -9 with {in_flight} commands in flight; restarted in "
            f"{out['restart_s'] * 1000:.0f} ms; {len(players) - len(wrong)} of "
            f"{len(players)} players continue at their last completed turn"
            + (f"; not: {'; '.join(wrong[:3])}" if wrong else ""))
        for p in players:
            p.close()
        server.stop()
        server = None
        return out
    finally:
        for p in players:
            p.close()
        if server is not None and server.proc.poll() is None:
            server.stop(signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--players", type=int, default=300, help="SSH players connected (300)")
    ap.add_argument("--active", type=int, default=100, help="of them, typing (100)")
    ap.add_argument("--interval", type=float, default=2.0,
                    help="seconds between one player's commands (2)")
    ap.add_argument("--seconds", type=float, default=120.0, help="length of the load (120)")
    ap.add_argument("--crash-after", type=float, default=3.0,
                    help="seconds of load before the kill -9 of the crash test (3)")
    ap.add_argument("--startups", type=int, default=5, help="start-ups timed (5)")
    ap.add_argument("--parallel", type=int, default=8, help="logins at once while "
                    "connecting (8)")
    ap.add_argument("--workers", type=int, default=1, help="server processes sharing the "
                    "port (adventure serve --workers; 1)")
    ap.add_argument("--gc", choices=("freeze", "python"), default="freeze",
                    help="the server's garbage-collection policy (adventure serve --gc)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    return ap


def checked(args: argparse.Namespace) -> argparse.Namespace:
    if not 1 <= args.active <= args.players <= 2000 or not 0 < args.seconds <= 3600 \
            or args.interval <= 0 or args.startups < 1 or args.parallel < 1 \
            or not 1 <= args.workers <= 64:
        raise SystemExit("serve_bench: 1 <= --active <= --players <= 2000, 0 < --seconds "
                         "<= 3600, --interval > 0, --startups and --parallel >= 1")
    return args


def bench_serve(quick: bool, row: Callable[..., None]) -> None:
    """The section of benchmarks/run.py: the issue's size, or a small one with --quick."""
    size = ["--players", "60", "--active", "20", "--seconds", "20"] if quick else []
    # one worker a core, as docs/hosting.md advises: one process cannot hold the p99 at
    # this load (a prompt_toolkit turn is ~13 ms of CPU); serve_bench.py --workers 1 for one
    workers = ["--workers", str(max(1, min(2, os.cpu_count() or 1)))]
    args = checked(parser().parse_args(size + workers))
    fig = asyncio.run(bench(args, lambda line: print("  " + line, flush=True)))
    scale = (f"{args.players} players, {args.active} typing every {args.interval:g} s for "
             f"{args.seconds:g} s; load {fig['load_before'][0]:.1f} before, "
             f"{fig['load_during'][0]:.1f} during")
    row("serve", "server start-up, cached campaign (to 'ready')", fig["startup_s"], "s",
        args.startups, "restart after kill -9", fig["restart_s"], "< 1 s",
        fig["startup_s"] < 1)
    row("serve", f"memory per connected idle player ({args.players} connected)",
        fig["per_player_kb"], "KB", args.players, "server at ready (KB)",
        fig["rss_ready_mb"] * 1024, "< 1 MB", fig["per_player_kb"] < 1024)
    row("serve", "p99 command-to-output latency", fig["p99_ms"], "ms", fig["commands"],
        "median (ms)", fig["median_ms"], "< 100 ms, no error",
        fig["p99_ms"] < 100 and fig["errors"] == 0,
        note=f"{scale}; {fig['errors']} errors; to the next prompt drawn p99 "
             f"{fig['prompt_p99_ms']:.0f} ms; server CPU "
             f"{fig['server_cpu'] * 100:.0f}% of a core; --workers {args.workers}, --gc "
             f"{args.gc}" + "".join(f"; {m.group(0)}" for line in fig["server_stats"]
                                    if (m := re.search(r"gc=.*", line))))
    row("serve", "journals missing a turn their player saw", fig["journals_incomplete"],
        "players", args.active, "-", None, "0", fig["journals_incomplete"] == 0)
    row("serve", "crash test: players not continuing at their last completed turn",
        fig["crash_wrong"], "players", args.players, "-", None, "0", fig["crash_wrong"] == 0,
        note=f"kill -9 with {fig['crash_in_flight']} commands in flight")


def main() -> int:
    args = checked(parser().parse_args())
    fig = asyncio.run(bench(args, (lambda line: None) if args.json else print))
    if args.json:
        print(json.dumps(fig, indent=2))
    met = (fig["startup_s"] < 1 and fig["per_player_kb"] < 1024 and fig["p99_ms"] < 100
           and fig["errors"] == 0 and fig["journals_incomplete"] == 0
           and fig["crash_wrong"] == 0)
    if not args.json:
        print("every target met" if met else "a target was missed")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
