"""Benchmark runner for the adventure engine.

    python benchmarks/run.py [--quick] [--write]

Prints one table; with --write, also writes it to benchmarks/RESULTS.md. Every figure is a
median over several runs (the number is in the table) next to a baseline measured in the same
run, and their ratio. See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"

# Run with the project's interpreter, whatever `python` started us.
if VENV_PY.exists() and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
    os.execv(str(VENV_PY), [str(VENV_PY), *sys.argv])

# The engine as installed in the venv (`pip install .` compiles its hot modules), the
# checkout only when it is not installed. Children are given the same order.
sys.path.append(str(ROOT))
sys.path.insert(0, str(HERE))


from adventure.engine.session import Game, Session  # noqa: E402
from adventure.play.replay import load_save, rebuild  # noqa: E402
from adventure.play.saves import encode  # noqa: E402
from adventure.story import cache  # noqa: E402
from adventure.story.loader import load_story  # noqa: E402
from adventure.story.yamlsrc import load_file  # noqa: E402

PY = sys.executable
ADVENTURE = str(Path(PY).parent / "adventure")
# Checked stories are cached in a folder of this run's own, so "first run" means an empty
# cache and nothing is left behind in the user's cache folder.
CACHE = tempfile.mkdtemp(prefix="bench-cache-")
os.environ["ADVENTURE_CACHE"] = CACHE
CAMPAIGN = ROOT / "story"
DEMO = ROOT / "tests" / "demo_story"
PEER_STORY = HERE / "peer_story"
PEER_AL = HERE / "peer_adventurelib.py"

ROWS: list[dict] = []
SKIPPED: list[str] = []


def row(section, figure, value, unit, n, base_name, base, target=None, met=None, note=""):
    ratio = value / base if base else None
    ROWS.append(dict(section=section, figure=figure, value=value, unit=unit, n=n,
                     base_name=base_name, base=base, ratio=ratio, target=target or "",
                     met=met, note=note))
    mark = "" if met is None else ("MET" if met else "MISSED")
    print(f"  {figure}: {fmt(value)} {unit} (n={n}) | {base_name}: {fmt(base)} | "
          f"ratio {fmt(ratio)} {target or ''} {mark}", flush=True)


def fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


def run_cmd(argv, stdin=None, env=None) -> float:
    t = time.perf_counter()
    subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, env=env)
    return time.perf_counter() - t


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def run_rss(argv, stdin: bytes) -> tuple[float, int]:
    """Seconds and the peak resident memory (KB) of one run of a command.

    The peak is GNU time's %M where it is installed: Linux carries a process's peak over
    exec, so a child forked from this (large) benchmark process would report our size,
    not its own; GNU time forks it from a small process. Without it, wait4's figure."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        cmd = [GNU_TIME, "-f", "%M", "-o", out.name, *argv] if GNU_TIME else argv
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise RuntimeError(f"{argv[0]} exited with {proc.returncode}")
        peak = int(out.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
    return seconds, peak


# -- 1. start-up -------------------------------------------------------------------

def bench_peer_startup(n: int) -> None:
    """The same small game started, piped, by us and by adventurelib: time and memory."""
    try:
        import adventurelib  # noqa: F401
    except ImportError:
        SKIPPED.append("peer start-up: `pip install -r benchmarks/requirements.txt`")
        return
    saves = tempfile.mkdtemp(prefix="bench-peer-")
    ours = [ADVENTURE, "--story", str(PEER_STORY), "--new", "--saves", saves]
    peer = [PY, str(PEER_AL)]
    run_rss(ours, b"quit\n")  # fills the story cache: a player's second start onwards
    run_rss(peer, b"quit\n")
    t_ours, t_peer, m_ours, m_peer = [], [], [], []
    for _ in range(n):
        t, m = run_rss(ours, b"quit\n")
        t_ours.append(t)
        m_ours.append(m)
        t, m = run_rss(peer, b"quit\n")
        t_peer.append(t)
        m_peer.append(m)
    a, b = statistics.median(t_ours), statistics.median(t_peer)
    row("start-up", "piped start of the peer 3-room game + quit", a * 1e3, "ms", n,
        "adventurelib, same game", b * 1e3, "<= 0.6x", a / b <= 0.6)
    a, b = statistics.median(m_ours), statistics.median(m_peer)
    row("start-up", "peak memory of that run", a / 1024, "MB", n,
        "adventurelib, same game", b / 1024, "<= 1.0x", a / b <= 1.0)
    shutil.rmtree(saves, ignore_errors=True)


def bench_install(quick: bool) -> None:
    """The README's play command on a fresh clone with a cold pip cache: seconds from
    nothing to the first prompt. Baseline: a venv with only the dependencies."""
    n = 1 if quick else 2
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        SKIPPED.append("install: needs git and a git checkout to clone")
        return
    env = {**os.environ, "PIP_NO_CACHE_DIR": "1", "ADVENTURE_CACHE": tempfile.mkdtemp()}
    python = shutil.which("python3") or PY
    ours, base = [], []
    for _ in range(n):
        with tempfile.TemporaryDirectory(prefix="bench-install-") as tmp:
            clone = Path(tmp) / "clone"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            t = time.perf_counter()
            subprocess.run(f"{python} -m venv .venv && .venv/bin/pip install -q .", shell=True,
                           cwd=clone, env=env, check=True, capture_output=True)
            subprocess.run([str(clone / ".venv/bin/adventure"), "--new", "--saves", tmp],
                           input=b"quit\n", cwd=clone, env=env, check=True,
                           capture_output=True)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run(f"{python} -m venv base && base/bin/pip install -q PyYAML "
                           "transitions prompt_toolkit", shell=True, cwd=tmp, env=env,
                           check=True, capture_output=True)
            base.append(time.perf_counter() - t)
    a, b = statistics.median(ours), statistics.median(base)
    row("install", "README play command, fresh clone, cold pip cache, to the first prompt",
        a, "s", n, "venv + pip install of the dependencies alone", b, "< 60 s", a < 60,
        note="runs: " + ", ".join(f"{x:.0f} s" for x in ours))


def bench_startup(quick: bool) -> None:
    n = 5 if quick else 10
    bench_peer_startup(2 * n)
    saves = tempfile.mkdtemp(prefix="bench-saves-")
    ours = [ADVENTURE, "--new", "--saves", saves]
    base = [PY, "-c", "import yaml, transitions"]
    shutil.rmtree(CACHE, ignore_errors=True)
    first = run_cmd(ours, b"quit\n")  # the warm-up with an empty cache: the first run
    run_cmd(base)
    t_ours, t_base = [], []
    for _ in range(n):  # interleaved, so drift hits both alike
        t_ours.append(run_cmd(ours, b"quit\n"))
        t_base.append(run_cmd(base))
    m, b = statistics.median(t_ours), statistics.median(t_base)
    row("start-up", "piped `adventure --new` + quit", m * 1e3, "ms", n,
        "python -c 'import yaml, transitions'", b * 1e3, "<= 1.5x", m / b <= 1.5,
        note=f"first run {first * 1e3:.0f} ms")
    shutil.rmtree(saves, ignore_errors=True)
    try:
        import pexpect
    except ImportError:
        SKIPPED.append("pty start-up: pexpect is not installed")
        return

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"

    def to_toolbar(argv: list[str]) -> float:
        """Spawn in a pty; seconds until the toolbar text ' · turn 0' is drawn.

        prompt_toolkit asks the terminal where the cursor is (ESC[6n) and draws the
        toolbar once it hears back. A terminal answers at once; pexpect's send() first
        sleeps `delaybeforesend` (50 ms by default), which is the harness, not the game,
        so it is turned off."""
        t = time.perf_counter()
        child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8", timeout=20,
                              dimensions=(30, 100))
        child.delaybeforesend = None
        while child.expect([" · turn 0", "\x1b\\[6n"]) == 1:
            child.send("\x1b[1;1R")
        dt = time.perf_counter() - t
        child.close(force=True)
        return dt

    def pty_ours() -> float:
        d = tempfile.mkdtemp(prefix="bench-pty-")
        dt = to_toolbar([ADVENTURE, "--new", "--saves", d])
        shutil.rmtree(d, ignore_errors=True)
        return dt

    def pty_base() -> float:
        t = time.perf_counter()
        child = pexpect.spawn(PY, ["-c", "import prompt_toolkit, yaml, transitions"],
                              env=env, encoding="utf-8", timeout=20)
        child.expect(pexpect.EOF)
        dt = time.perf_counter() - t
        child.close()
        return dt

    def pty_minimal() -> float:
        """prompt_toolkit's own floor: a bare PromptSession with a toolbar, nothing else."""
        return to_toolbar([PY, "-c", MINIMAL_PROMPT])

    shutil.rmtree(CACHE, ignore_errors=True)
    pfirst = pty_ours()  # with an empty cache, as the piped first run
    pty_base()
    pty_minimal()
    t_ours, t_base, t_min = [], [], []
    for _ in range(n):
        t_ours.append(pty_ours())
        t_base.append(pty_base())
        t_min.append(pty_minimal())
    m, b = statistics.median(t_ours), statistics.median(t_base)
    row("start-up", "pty `adventure --new` to toolbar ' · turn 0'", m * 1e3, "ms", n,
        "python -c 'import prompt_toolkit, yaml, transitions'", b * 1e3, "<= 1.3x",
        m / b <= 1.3, note=f"first run {pfirst * 1e3:.0f} ms")
    mm = statistics.median(t_min)
    row("start-up", "pty: bare prompt_toolkit PromptSession + toolbar (reference)", mm * 1e3,
        "ms", n, "python -c 'import prompt_toolkit, yaml, transitions'", b * 1e3,
        note="prompt_toolkit's own floor for a first prompt; ours is "
             f"{m / mm:.2f}x of it")


MINIMAL_PROMPT = ("import yaml, transitions\nfrom prompt_toolkit import PromptSession\n"
                  "PromptSession(bottom_toolbar=' · turn 0 ').prompt('> ')\n")


# -- 2. commands -------------------------------------------------------------------

def walkthroughs(story_dir: Path) -> list[list[str]]:
    """The command lists of the story tests that play from the story's start (no
    `start:`: played from the start, theirs would be commands out of place, each one a
    search for a typo) and end the game."""
    found = []
    for path in sorted((story_dir / "tests").glob("*.yaml")):
        doc, problems = load_file(path, str(path))  # the engine's own reader, as `adventure test`
        if problems or not isinstance(doc, dict) or doc.get("start") is not None:
            continue
        steps = list(doc.get("steps") or [])
        last = steps[-1] if steps else None
        if not (isinstance(last, dict) and "ended" in (last.get("expect") or {})):
            continue
        cmds = [str(s) if not isinstance(s, dict) else s.get("do") for s in steps]
        found.append([str(c) for c in cmds if c is not None])  # an expect-only step checks
    return found


def command_cycle(story_dir: Path, count: int) -> list[str]:
    """Walkthroughs one after another with 'restart' between, `count` lines in all.
    'restart' twice: the second is a harmless notice after an ending, and confirms a
    restart when a walkthrough did not end (Session asks once mid-game)."""
    walks = walkthroughs(story_dir)
    out: list[str] = []
    while len(out) < count:
        for w in walks:
            out.extend(w)
            out.extend(["restart", "restart"])
    return out[:count]


def session_cost(story_dir: Path, cmds: list[str]) -> float:
    """Per command through Session.submit, the story loaded as the game loads it
    (story.cache.load) and frozen as it does once the Game is built (cli.py: gc.freeze,
    so that a collection never walks the story). Unfrozen and collected afterwards, so
    that one run's games are not in the next one's collections."""
    per = _session_run(story_dir, cmds)
    gc.unfreeze()
    gc.collect()
    return per


def _session_run(story_dir: Path, cmds: list[str]) -> float:
    game = Game(cache.load(story_dir))
    gc.collect()
    gc.freeze()
    session = Session(game, seed=1)
    t = time.perf_counter()
    for c in cmds:
        session.submit(c)
    return (time.perf_counter() - t) / len(cmds)


def adventurelib_inproc_cost(cmds: list[str]) -> float:
    """adventurelib's command dispatch in this process, output discarded."""
    import importlib

    import adventurelib
    importlib.reload(adventurelib)
    ns = {"__name__": "peer"}
    exec(compile(PEER_AL.read_text(), str(PEER_AL), "exec"), ns)
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        t = time.perf_counter()
        for c in cmds:
            adventurelib._handle_command(c)
        dt = time.perf_counter() - t
    return dt / len(cmds)


def in_fresh_dir(measure, argv_for, stdin: bytes):
    """measure(argv, stdin) for a program given a new empty folder (its saves), removed
    afterwards."""
    d = tempfile.mkdtemp(prefix="bench-con-")
    try:
        return measure(argv_for(d), stdin)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def console_cost(argv_for, lines: list[str], reps: int) -> float:
    """Per-command cost through a console program: time(N lines) - time(1 line) over N-1,
    the median of `reps` pairs after one pair of warm-up."""
    big = ("\n".join(lines) + "\n").encode()
    one = (lines[0] + "\n").encode()
    pairs = [(in_fresh_dir(run_cmd, argv_for, big), in_fresh_dir(run_cmd, argv_for, one))
             for _ in range(reps + 1)][1:]
    return statistics.median((b - o) / (len(lines) - 1) for b, o in pairs)


PEER_CMDS = ["look", "north", "take knife", "south", "east", "drop knife", "inventory",
             "west", "take lamp", "drop lamp"]


def bench_commands(quick: bool) -> None:
    n_api = 5000 if quick else 20000
    reps = 3 if quick else 5
    n_con = 10000
    peer_api = [PEER_CMDS[i % len(PEER_CMDS)] for i in range(n_api)]
    try:
        import adventurelib  # noqa: F401
        have_al = True
    except ImportError:
        have_al = False
        SKIPPED.append("adventurelib peer: `pip install -r benchmarks/requirements.txt`")
    al_api = (statistics.median(adventurelib_inproc_cost(peer_api) for _ in range(reps))
              if have_al else None)
    for name, d in (("campaign", CAMPAIGN), ("demo", DEMO)):
        cmds = command_cycle(d, n_api)
        per = statistics.median(session_cost(d, cmds) for _ in range(reps))
        row("commands", f"Session.submit, {name} walkthroughs", per * 1e6, "us/cmd", reps,
            "adventurelib in-process dispatch (3 rooms)", al_api * 1e6 if al_api else None)
    peer_per = statistics.median(session_cost(PEER_STORY, peer_api) for _ in range(reps))
    row("commands", "Session.submit, peer 3-room game", peer_per * 1e6, "us/cmd", reps,
        "adventurelib in-process dispatch (3 rooms)", al_api * 1e6 if al_api else None)

    al_con = None
    peer_lines = [PEER_CMDS[i % len(PEER_CMDS)] for i in range(n_con)]
    if have_al:
        al_con = console_cost(lambda _d: [PY, str(PEER_AL)], peer_lines, reps)
    cmds = command_cycle(CAMPAIGN, n_con)
    # --journal: a piped game keeps none unless asked, and these rows are the game as a
    # player at a terminal has it (which always keeps one)
    per = console_cost(lambda s: [ADVENTURE, "--new", "--journal", "--saves", s], cmds, reps)
    row("commands", "console script, campaign, piped, journal on", per * 1e6, "us/cmd", reps,
        "adventurelib console (3 rooms)", al_con * 1e6 if al_con else None, "<= 25 us",
        per * 1e6 <= 25)
    cmds = command_cycle(DEMO, n_con)
    per = console_cost(lambda s: [ADVENTURE, "--story", str(DEMO), "--new", "--journal",
                                  "--saves", s], cmds, reps)
    row("commands", "console script, demo, piped, journal on", per * 1e6, "us/cmd", reps,
        "adventurelib console (3 rooms)", al_con * 1e6 if al_con else None)
    per = console_cost(
        lambda s: [ADVENTURE, "--story", str(PEER_STORY), "--new", "--saves", s],
        peer_lines, reps)
    row("commands", "console script, peer 3-room game (same commands)", per * 1e6, "us/cmd",
        reps, "adventurelib console, same game", al_con * 1e6 if al_con else None, "<= 0.6x",
        (per / al_con <= 0.6) if al_con else None)
    floors(reps, n_con, al_con)


TRANSITIONS_FLOOR = """
import logging, sys, time
from transitions import Machine
sys.path.append(sys.argv[3])
from adventure.engine.lean import LeanMachine
logging.getLogger("transitions").setLevel(logging.WARNING)
class W:
    scene = "a"
cls = Machine if sys.argv[2] == "stock" else LeanMachine
m = cls(model=None, states=[], initial=None, auto_transitions=False, send_event=True,
        model_attribute="scene", ignore_invalid_triggers=True)
m.add_states([{"name": s, "on_enter": [lambda ev: None]} for s in "ab"])
for src, dst in (("a", "b"), ("b", "a")):
    m.add_transition("go", src, dst, conditions=[lambda ev: True], before=[lambda ev: None])
w, ev, n = W(), m.events["go"], int(sys.argv[1])
t = time.perf_counter()
for _ in range(n):
    ev.trigger(w)
print((time.perf_counter() - t) / n)
"""

# A console loop that does only what ours must: read a line, append a journal line,
# write the echo and about a turn's worth of text (1 KB) with the next prompt.
CONSOLE_FLOOR = """
import json, os, sys
fd = os.open(os.path.join(sys.argv[1], "j"), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
text = "x" * 1000
out = sys.stdout
for raw in sys.stdin.buffer:
    line = raw.decode("utf-8", "replace").rstrip("\\r\\n")
    os.write(fd, (json.dumps([line, "action:a:b"], ensure_ascii=False) + "\\n").encode())
    out.write(line + "\\n\\n" + text + "\\n\\n> ")
    out.flush()
"""


def floors(reps: int, n_con: int, al_con: float | None) -> None:
    """Reference rows: what the per-command targets leave once the libraries and the
    I/O every turn needs are paid for."""
    def trigger_cost(kind: str) -> float:
        return statistics.median(float(subprocess.run(
            [PY, "-c", TRANSITIONS_FLOOR, "200000", kind, str(ROOT)], capture_output=True,
            text=True, check=True).stdout) for _ in range(reps))
    stock, per = trigger_cost("stock"), trigger_cost("lean")
    session = Session(Game(load_story(CAMPAIGN)), seed=1)
    cmds = command_cycle(CAMPAIGN, 5000)
    for c in cmds:
        session.submit(c)
    fired = [session.game.machine.fired]  # StoryMachine.fire counts the triggers it runs
    # the game runs its triggers in StoryMachine.fire (compiled), not through these classes:
    # the share is what transitions' Event.trigger would add to each command
    share = per * fired[0] / len(cmds)
    row("commands", "reference: a transitions trigger, our configuration (lean Event and "
        "Transition)", per * 1e6, "us", reps, "the same trigger with transitions' own classes",
        stock * 1e6,
        note=f"the campaign cycle fires {fired[0] / len(cmds):.2f} triggers a command: "
             f"through these classes they would be {share * 1e6:.1f} us of each "
             f"command (the game fires them itself, compiled) "
             f"({stock * fired[0] / len(cmds) * 1e6:.1f} us with the stock classes)")
    lines = command_cycle(CAMPAIGN, n_con)
    con = console_cost(lambda d: [PY, "-c", CONSOLE_FLOOR, d], lines, reps)
    row("commands", "reference: a console loop doing only a turn's I/O (journal, 1 KB out)",
        con * 1e6, "us/cmd", reps, "adventurelib console (3 rooms)",
        al_con * 1e6 if al_con else None)


# -- 3. scale ----------------------------------------------------------------------

CHILD_OURS = """
import json, resource, sys, time
sys.path.append(sys.argv[2])
def peak_kb():  # this process's own peak (VmHWM; ru_maxrss carries the parent's over exec)
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
from adventure.story.cache import load
from adventure.engine.machine import StoryMachine
rss0 = peak_kb()
t0 = time.perf_counter(); story = load(sys.argv[1]); t1 = time.perf_counter()
rss1 = peak_kb()
StoryMachine(story); t2 = time.perf_counter()
rss2 = peak_kb()
print(json.dumps({"load": t1 - t0, "build": t2 - t1, "load_mb": (rss1 - rss0) / 1024,
                  "total_mb": (rss2 - rss0) / 1024}))
"""

CHILD_YAML = """
import json, resource, sys, time
from pathlib import Path
import yaml
files = sorted(Path(sys.argv[1]).glob("*.yaml"))
def peak_kb():  # this process's own peak (VmHWM; ru_maxrss carries the parent's over exec)
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
rss0 = peak_kb()
t0 = time.perf_counter()
docs = []
for f in files:
    with open(f) as fh:
        docs.append(yaml.load(fh, Loader=yaml.CSafeLoader))
t1 = time.perf_counter()
rss1 = peak_kb()
print(json.dumps({"load": t1 - t0, "load_mb": (rss1 - rss0) / 1024}))
"""


def child(code: str, story: Path, cache: str | None = None) -> dict:
    env = dict(os.environ, ADVENTURE_CACHE=cache or "off")
    out = subprocess.run([PY, "-c", code, str(story), str(ROOT)], capture_output=True,
                         text=True, check=True, env=env)
    return json.loads(out.stdout)


def bench_scale(quick: bool) -> None:
    from gen_story import generate
    sizes = [(1000, 3), (10000, 1 if quick else 3)] + ([] if quick else [(50000, 3)])
    for n, reps in sizes:
        d = Path(tempfile.mkdtemp(prefix=f"bench-scale-{n}-"))
        generate(n, d)
        ours, base, again = [], [], []
        for _ in range(reps):  # each in a fresh process with an empty cache: a first load
            base.append(child(CHILD_YAML, d))
            cache = tempfile.mkdtemp(prefix="bench-scale-cache-")
            ours.append(child(CHILD_OURS, d, cache))
            again.append(child(CHILD_OURS, d, cache))  # the files unchanged: a repeated load
            shutil.rmtree(cache, ignore_errors=True)
        med = lambda rs, k: statistics.median(r[k] for r in rs)  # noqa: E731
        load, yl = med(ours, "load"), med(base, "load")
        row("scale", f"first load (story.cache.load, empty cache), {n:,} scenes", load, "s",
            reps, "yaml CSafeLoader parse of the same files", yl,
            "<= 1.5x" if n == 10000 else "", (load / yl <= 1.5) if n == 10000 else None)
        warm = med(again, "load")
        row("scale", f"repeated load (unchanged files, cache), {n:,} scenes", warm, "s", reps,
            "yaml CSafeLoader parse of the same files", yl,
            "< 0.3 s" if n == 10000 else "", (warm < 0.3) if n == 10000 else None)
        row("scale", f"StoryMachine build, {n:,} scenes", med(ours, "build"), "s", reps,
            "yaml CSafeLoader parse of the same files", yl)
        peak = med(ours, "total_mb")
        row("scale", f"peak RSS growth, first load + build, {n:,} scenes", peak, "MB",
            reps, "peak RSS growth of the CSafeLoader parse", med(base, "load_mb"),
            "< 600 MB" if n == 50000 else "", (peak < 600) if n == 50000 else None,
            note=f"{peak * 1024 / n:.1f} KB per scene")
        row("scale", f"peak RSS growth, repeated load + build, {n:,} scenes",
            med(again, "total_mb"), "MB", reps, "peak RSS growth of the CSafeLoader parse",
            med(base, "load_mb"), note=f"{med(again, 'total_mb') * 1024 / n:.1f} KB per scene")
        shutil.rmtree(d, ignore_errors=True)


# -- the language server (adventure lsp) ---------------------------------------------

CHILD_LSP = """
import json, re, shutil, statistics, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
sys.path.insert(0, sys.argv[2] + "/benchmarks")
from adventure.author.lsp_complete import complete
from adventure.author.lsp_folder import Folder
from adventure.author.lsp_index import index_file
from adventure.story.gcpause import collector_paused
from adventure.story.loader import load_story
from adventure.story.yamlsrc import load_source
out = {}
med = statistics.median

def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return med(times)

def edits(folder, path, n):
    edit = editor(folder, path)
    return timed(edit, n)

def editor(folder, path):
    text = path.read_text()
    def edit(i=[0]):  # a title changes: the file is parsed, the story checked again
        i[0] += 1
        folder.buffers[path] = text.replace("title: ", f"title: x{i[0]} ", 1)
        folder.check()
    return edit

if sys.argv[1] == "campaign":
    root = Path(tempfile.mkdtemp(prefix="bench-lsp-")) / "story"
    shutil.copytree(sys.argv[3], root)
    folder = Folder(root, settle=True)  # as the server keeps it
    folder.check()
    story = folder.story
    path = Path(story.scenes[story.start].loc.file)
    lines = path.read_text().split("\\n")
    row = next(i for i, l in enumerate(lines) if re.search(r"\\bto: *\\w", l))
    col = lines[row].index("to:") + 4
    name = folder.name(path)
    out["hover"] = timed(lambda: folder.hover(name, row + 1, col + 1), 50)
    out["completion"] = timed(lambda: complete(folder, lines, row, col), 50)
    out["edit"] = edits(folder, path, 20)
    import gc
    def resident():  # bytes resident now (not the peak), after a full collection
        gc.collect()
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096
    few, many = (100, 200) if sys.argv[4] == "quick" else (100, 1000)
    edits(folder, path, few - 20)
    out["mem_few"], out["few"] = resident(), few
    edits(folder, path, many - few)
    out["mem_many"], out["many"] = resident(), many
else:
    from gen_story import generate
    root = Path(tempfile.mkdtemp(prefix="bench-lsp-10k-"))
    generate(int(sys.argv[1]), root)
    folder = Folder(root, settle=True)  # as the server keeps it
    folder.check()
    files = sorted(p for p in root.rglob("*.yaml") if folder.holds(p))
    path = files[len(files) // 2]
    text = path.read_text()
    def parsed():  # what the server does for the edited file itself: read and index it
        with collector_paused():
            data, _ = load_source(text, "x.yaml")
            index_file("x.yaml", text, data)
    alone = Path(tempfile.mkdtemp(prefix="bench-lsp-alone-"))
    # its moves to scenes of other files go to its own scenes instead (an unknown scene
    # would cost a did-you-mean each, which no re-check of the whole story pays)
    first = int(re.search(r"^  s(\\d+):", text, re.M).group(1))
    (alone / "story.yaml").write_text(  # the metadata, starting in the file
        (root / "story.yaml").read_text().replace("start: s0", f"start: s{first}"))
    (alone / path.name).write_text(re.sub(
        r"\\bs(\\d+)\\b", lambda m: f"s{first + (int(m.group(1)) - first) % 1000}", text))
    # the baseline is issue 23's "reloading the edited file alone": loaded as a story and
    # indexed, the file parsed once (as the server does; it used to be parsed twice,
    # which made the baseline slower and the ratio look better than it is)
    def read(p, name):  # each file parsed once and indexed from that parse, as _read does
        source = p.read_text("utf-8-sig", "replace")
        data, problems = load_source(source, name)
        index_file(name, source, data)
        return data, problems
    alone_story = load_story(alone, read=read)  # loads: a story of the edited file's scenes
    assert len(alone_story.scenes) == 1000
    def loaded():  # the edited file loaded as a story of its own (its scenes compiled)
        load_story(alone, read=read)
    edit = editor(folder, path)
    # interleaved, one of each in turn, so that the shared machine's load falls on both
    times = {"alone": [], "edit": []}
    for _ in range(5):
        for key, fn in (("alone", loaded), ("edit", edit)):
            t = time.perf_counter(); fn(); times[key].append(time.perf_counter() - t)
    out["alone"], out["edit"] = med(times["alone"]), med(times["edit"])
    out["ratio"] = med(e / a for e, a in zip(times["edit"], times["alone"]))
    out["parsed"] = timed(parsed, 3)
    shutil.rmtree(alone, ignore_errors=True)
shutil.rmtree(root if sys.argv[1] != "campaign" else root.parent, ignore_errors=True)
print(json.dumps(out))
"""


def bench_lsp(quick: bool) -> None:
    """The language server's answers, in process on its Folder (the protocol's own cost
    is pygls's): issue 23's limits."""
    def run(*args: str) -> dict:
        done = subprocess.run([PY, "-c", CHILD_LSP, args[0], str(ROOT), *args[1:]],
                              capture_output=True, text=True, check=True)
        return json.loads(done.stdout)
    c = run("campaign", str(CAMPAIGN), "quick" if quick else "full")
    for key, what in (("completion", "completion"), ("hover", "hover")):
        row("lsp", f"{what} on the campaign", c[key] * 1000, "ms", 50, "-", None,
            "< 50 ms", c[key] < 0.05)
    row("lsp", "edit re-checked, campaign", c["edit"] * 1000, "ms", 20, "-", None,
        "< 300 ms", c["edit"] < 0.3)
    row("lsp", f"memory after {c['many']:,} edits, campaign", c["mem_many"] / 2**20, "MB",
        1, f"after {c['few']:,} edits", c["mem_few"] / 2**20, "<= 1.1x",
        c["mem_many"] <= 1.1 * c["mem_few"])
    big = run("10000")
    row("lsp", "edit re-checked, 10,000 scenes", big["edit"], "s", 5,
        "reloading the edited file alone (loaded as a story, indexed)", big["alone"],
        "<= 1.2x", big["ratio"] <= 1.2,
        note=f"interleaved; median of the 5 ratios {big['ratio']:.2f}x")
    row("lsp", "edit re-checked, 10,000 scenes", big["edit"], "s", 5,
        "parsing and indexing the edited file alone", big["parsed"])


# -- 4. saves and replay -----------------------------------------------------------

DEMO_LOOP = ["n", "search walls", "s", "take suit", "drop suit", "look", "wait", "inventory",
             "n", "aft", "take spanner", "drop spanner", "fore", "s"]


def long_game(story_dir: Path, turns: int, loop: list[str]) -> tuple[Game, Session]:
    game = Game(load_story(story_dir))
    session = Session(game, seed=1)
    i = 0
    while len(session.log) < turns:
        session.submit(loop[i % len(loop)])
        i += 1
        if session.state.ended:
            raise RuntimeError("the loop ended the game")
    return game, session


def deep_size(obj, seen=None) -> int:
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, (list, tuple, set, frozenset)):
        size += sum(deep_size(x, seen) for x in obj)
    elif hasattr(obj, "__dict__"):
        size += deep_size(vars(obj), seen)
    return size


def bench_saves(quick: bool) -> None:
    reps = 5 if quick else 11
    game, session = long_game(DEMO, 1000, DEMO_LOOP)
    state, log = session.state, session.log
    tmp = Path(tempfile.mkdtemp(prefix="bench-save-"))
    path = tmp / "s.json"
    t_enc, t_json, t_load, t_jload = [], [], [], []
    for _ in range(reps):
        t = time.perf_counter()
        data = encode(game.story, state, log)
        t_enc.append(time.perf_counter() - t)
        t = time.perf_counter()
        json.dumps({"state": state.to_dict(), "log": [e.to_json() for e in log]})
        t_json.append(time.perf_counter() - t)
        path.write_bytes(data)
        t = time.perf_counter()
        restored, rlog, _ = load_save(game, path)
        t_load.append(time.perf_counter() - t)
        t = time.perf_counter()
        json.loads(path.read_bytes())
        t_jload.append(time.perf_counter() - t)
    assert restored.turn == state.turn and len(rlog) == len(log)
    row("saves", "save (saves.encode), demo, 1,000 turns", statistics.median(t_enc) * 1e3, "ms",
        reps, "json.dumps of state + log", statistics.median(t_json) * 1e3, "< 20 ms",
        statistics.median(t_enc) < 0.02)
    row("saves", "restore (replay.load_save), demo, 1,000 turns",
        statistics.median(t_load) * 1e3, "ms", reps, "read + json.loads of the file",
        statistics.median(t_jload) * 1e3, "< 20 ms", statistics.median(t_load) < 0.02)

    t_rb, t_live = [], []
    cmds = [e.command for e in log]
    for _ in range(reps):
        t = time.perf_counter()
        rb = rebuild(game, 1, log)
        t_rb.append(time.perf_counter() - t)
        s = Session(game, seed=1)
        t = time.perf_counter()
        for c in cmds:
            s.submit(c)
        t_live.append(time.perf_counter() - t)
    assert rb.diverged_at is None
    rate = len(log) / statistics.median(t_rb)
    live = len(cmds) / statistics.median(t_live)
    row("saves", "replay (replay.rebuild), demo", rate, "turns/s", reps,
        "live Session.submit of the same commands", live, ">= 20,000/s", rate >= 20000)

    # memory per undo level: what the undo stack of a real game holds per level (the
    # memory freed by clearing it), campaign, late in its longest walkthrough.
    walk = max(walkthroughs(CAMPAIGN), key=len)[:-1]  # the longest, just before its end
    cgame = Game(load_story(CAMPAIGN))
    per_level, per_copy = [], []
    for _ in range(reps):
        tracemalloc.start()
        cs = Session(cgame, seed=1)
        for c in walk:
            cs.submit(c)
        levels = len(cs.undo)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        cs.undo.clear()
        gc.collect()
        per_level.append((before - tracemalloc.get_traced_memory()[0]) / levels)
        before = tracemalloc.get_traced_memory()[0]
        keep = [cs.state.copy() for _ in range(1000)]
        per_copy.append((tracemalloc.get_traced_memory()[0] - before) / 1000)
        del keep
        tracemalloc.stop()
    m = statistics.median(per_level)
    row("saves", f"memory per undo level, campaign, {levels} levels (tracemalloc)", m, "bytes",
        reps, "a whole copy of the same game's state", statistics.median(per_copy), "< 2 KB",
        m < 2048, note=f"deep getsizeof of the state {deep_size(cs.state)} B")
    shutil.rmtree(tmp, ignore_errors=True)


# -- 5. random play ----------------------------------------------------------------

def bench_random(quick: bool) -> None:
    games = 2000 if quick else 10000
    reps = 1 if quick else 3
    t_base = statistics.median(run_cmd([ADVENTURE, "check", "--random", "0", "--json"])
                               for _ in range(reps))
    t = statistics.median(run_cmd([ADVENTURE, "check", "--random", str(games), "--json"])
                          for _ in range(reps))
    row("random", f"`adventure check --random {games} --json`, campaign", t, "s", reps,
        "`adventure check --random 0 --json`", t_base,
        "< 60 s" + (" (for 10,000)" if quick else ""),
        (t < 60) if not quick else (t * 10000 / games < 60),
        note="" if not quick else "quick: 2,000 games; target scaled to 10,000 linearly")


# -- 6. instructions ----------------------------------------------------------------

def instructions(argv: list[str], stdin: bytes) -> int:
    """User-space instructions a program executes (valgrind's callgrind: slow, but the
    same count every run, where times on a shared machine move by 20%)."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *argv], input=stdin, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env, check=True)
    found = re.search(rb"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError("callgrind printed no instruction count")
    return int(found.group(1))


def console_instructions(argv_for, lines: list[str]) -> float:
    """Instructions per command through a console program, at the margin: (count of N
    lines - count of N/3 lines) / (N - N/3), so that one-time costs (imports, a scene's
    first visit) are left out. A first run, not counted, fills the story cache."""
    in_fresh_dir(run_cmd, argv_for, (lines[0] + "\n").encode())
    short = len(lines) // 3
    counts = [in_fresh_dir(instructions, argv_for, ("\n".join(script) + "\n").encode())
              for script in (lines, lines[:short])]
    return (counts[0] - counts[1]) / (len(lines) - short)


def bench_instructions(quick: bool) -> None:
    if shutil.which("valgrind") is None:
        SKIPPED.append("instructions: valgrind is not installed")
        return
    n = 1500 if quick else 4500
    peer_lines = [PEER_CMDS[i % len(PEER_CMDS)] for i in range(n)]
    al = None
    try:
        import adventurelib  # noqa: F401
        al = console_instructions(lambda _d: [PY, str(PEER_AL)], peer_lines)
    except ImportError:
        SKIPPED.append("instructions, adventurelib: `pip install -r benchmarks/requirements.txt`")
    # --seed: the same game every run, so the same instructions
    ours = console_instructions(
        lambda d: [PY, ADVENTURE, "--story", str(PEER_STORY), "--new", "--saves", d,
                   "--seed", "1"], peer_lines)
    row("instructions", f"console script, peer 3-room game, commands {n // 3:,}-{n:,}",
        ours / 1000,
        "k instr/cmd", 1, "adventurelib console, same game", al / 1000 if al else None,
        note="a reference for the timed peer row (target there: <= 0.6x); one run, "
             "the count does not vary")
    camp = console_instructions(lambda d: [PY, ADVENTURE, "--new", "--journal", "--saves", d,
                                           "--seed", "1"], command_cycle(CAMPAIGN, n))
    row("instructions", f"console script, campaign, commands {n // 3:,}-{n:,}", camp / 1000,
        "k instr/cmd", 1, "adventurelib console (3 rooms)", al / 1000 if al else None,
        note="the campaign cycle, journal on; a reference for the timed campaign row")


# -- report ------------------------------------------------------------------------

def cpu_model() -> str:
    """The processor's name (platform.processor() is empty on Linux)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown processor"


def machine() -> str:
    return (f"{platform.platform()}; {os.cpu_count()} CPUs; {cpu_model()}; "
            f"Python {platform.python_version()} ({platform.python_implementation()})")


def engine() -> str:
    """Which build of the engine is measured: compiled by mypyc, or plain Python."""
    import adventure

    return f"{adventure.engine_build()} ({Path(adventure.__file__).parent})"


def results(quick: bool, elapsed: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- date: {datetime.now().isoformat(timespec='seconds')}",
        f"- machine: {machine()}",
        f"- engine: {engine()}",
        f"- mode: {'--quick' if quick else 'full'}; whole run {elapsed:.0f} s",
        "- every figure is the median of n runs; its baseline was measured in the same run; "
        "ratio = figure / baseline",
        "",
        "| section | figure | median | unit | n | baseline | baseline median | ratio | target "
        "| met | note |",
        "| --- | --- | ---: | --- | ---: | --- | ---: | ---: | --- | --- | --- |",
    ]
    for r in ROWS:
        met = "" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['section']} | {r['figure']} | {fmt(r['value'])} | {r['unit']} | "
                     f"{r['n']} | {r['base_name']} | {fmt(r['base'])} | "
                     f"{fmt(r['ratio'])}{'x' if r['ratio'] else ''} | {r['target']} | {met} "
                     f"| {r['note']} |")
    lines += ["", "## Not measured", ""]
    lines += [f"- {s}" for s in SKIPPED] or ["- nothing: every planned figure was measured"]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs and smaller sizes")
    ap.add_argument("--only", nargs="*", help="run only these sections (startup commands "
                    "scale saves random instructions agent serve lsp)")
    ap.add_argument("--write", action="store_true", help="write the table to "
                    "benchmarks/RESULTS.md (the committed record; without it, only printed)")
    args = ap.parse_args()
    start = time.perf_counter()
    print(f"machine: {machine()}")
    print(f"engine: {engine()}")
    # As `pip install .` does: players run compiled modules. (An editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise compile the engine on every start.)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "adventure")], check=False)
    from agent_bench import bench_agent  # after the path is set: it imports the engine

    def bench_serve(quick: bool, row) -> None:
        # imported only when the section runs: it needs asyncssh, a test dependency
        # ('.[test]'), which `--only commands` and the like should not ask for
        from serve_bench import bench_serve as serve

        serve(quick, row)

    sections = [("install", bench_install), ("startup", bench_startup),
                ("commands", bench_commands),
                ("scale", bench_scale), ("saves", bench_saves), ("random", bench_random),
                ("instructions", bench_instructions),
                ("agent", lambda quick: bench_agent(quick, row, ADVENTURE)),
                ("serve", lambda quick: bench_serve(quick, row)),
                ("lsp", bench_lsp)]
    for name, fn in sections:
        if args.only and name not in args.only:
            SKIPPED.append(f"{name}: not selected (--only)")
            continue
        print(f"[{name}]", flush=True)
        try:
            fn(args.quick)
        except Exception as exc:  # report what failed and go on with the rest
            SKIPPED.append(f"{name}: failed with {type(exc).__name__}: {exc}")
            print(f"  FAILED: {exc!r}", flush=True)
    text = results(args.quick, time.perf_counter() - start)
    shutil.rmtree(CACHE, ignore_errors=True)
    print()
    print(text)
    if args.write:
        (HERE / "RESULTS.md").write_text(text)
        print(f"written to {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
