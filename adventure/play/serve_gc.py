"""The server's garbage-collection policy (`adventure serve --gc`).

Three hundred connected players are some 950,000 objects (about 220 MB) that live as
long as their connections. Python's own policy walks all of them in every full (oldest
generation) collection, which it starts whenever a quarter as many objects again have
survived into the oldest generation. Timed with `gc.callbacks` under the benchmark (300
players, 100 typing every 2 s): 15 full collections in 90 s, 6.6 s of CPU, the longest
720 ms of CPU; every command waiting meanwhile waits for it. That, not the turns, made
the p99 ten times the median.

`freeze` (the default): what has settled leaves the collector's view (`gc.freeze`):
the story and start-up objects at once, a connection's objects within a second of its
game starting (after a young collection, so its garbage is not kept). Full collections
then walk only what is new since (some 50,000 objects under that load, not 950,000):
same run, 1.5 s of CPU in them, the longest 184 ms while players were still connecting
and 50 to 70 ms after. Frozen objects that become garbage later (a departed player's
cycles) are reclaimed by a sweep: when as many players have left since the last one as
a quarter of those playing (and at least SWEEP_AT_LEAST), everything is unfrozen,
collected once and frozen again: one full pause per that much churn, and the memory
held by departed players bounded by it. (Raising the young threshold was tried too:
20,000 instead of 700 halved the young collections' CPU but made each 80 to 120 ms.)

`python`: Python's default policy, for comparison (the story itself is frozen at
start-up either way, as `adventure serve` always did).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections import deque

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

POLICIES = ("freeze", "python")
SETTLE_EVERY = 1.0  # seconds between looks at whether anyone arrived to be frozen
SWEEP_AT_LEAST = 20  # departures before a sweep is worth its pause, however few play
WINDOW = 60.0  # seconds of pauses that the stats line reports

log = logging.getLogger("adventure.serve")


class Collector:
    """Runs the policy and times every collection, for the stats line."""

    def __init__(self, policy: str = "freeze") -> None:
        if policy not in POLICIES:
            raise ValueError(f"--gc takes {' or '.join(POLICIES)}, not '{policy}'")
        self.policy = policy
        self.arrived = 0  # players who started playing since the last freeze
        self.left = 0  # players who left since the last sweep
        self.sweeps = 0
        self.freezes = 0
        self.began = 0.0
        self.pauses: deque[tuple[float, int, float]] = deque(maxlen=100_000)

    # -- timing ------------------------------------------------------------------------
    def install(self) -> None:
        gc.callbacks.append(self._timed)

    def uninstall(self) -> None:
        if self._timed in gc.callbacks:
            gc.callbacks.remove(self._timed)

    def _timed(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self.began = now
        else:
            self.pauses.append((time.monotonic(), info["generation"], now - self.began))

    def figures(self) -> dict[str, float]:
        """Collections in the last WINDOW seconds: how many, all their time, the longest."""
        now = time.monotonic()
        while self.pauses and self.pauses[0][0] < now - WINDOW:
            self.pauses.popleft()
        took = [seconds for _, _, seconds in self.pauses]
        return {"gc_count": len(took), "gc_ms": sum(took) * 1000,
                "gc_max_ms": max(took, default=0.0) * 1000,
                "gc_full": sum(1 for _, gen, _ in self.pauses if gen == 2)}

    # -- the policy --------------------------------------------------------------------
    def started(self) -> None:
        """After start-up (the story loaded, the doors open): all of it settled."""
        if self.policy == "freeze":
            gc.collect()
            gc.freeze()
            self.freezes += 1

    def player_arrived(self) -> None:
        self.arrived += 1

    def player_left(self) -> None:
        self.left += 1

    def settle(self, playing: int) -> str:
        """One look: freeze the newcomers, or sweep after enough departures. Says what
        it did ('' when nothing), for the tests."""
        if self.policy != "freeze":
            return ""
        if self.left >= max(SWEEP_AT_LEAST, playing // 4):
            began = time.perf_counter()
            gc.unfreeze()
            freed = gc.collect()
            gc.freeze()
            log.info("gc sweep left=%d playing=%d freed=%d ms=%.0f", self.left, playing,
                     freed, (time.perf_counter() - began) * 1000)
            self.left = self.arrived = 0
            self.sweeps += 1
            return "sweep"
        if self.arrived:
            # the young generations' garbage first, so that it is not kept frozen
            gc.collect(1)
            gc.freeze()
            self.arrived = 0
            self.freezes += 1
            return "freeze"
        return ""

    async def run(self, playing: Callable[[], int], every: float = SETTLE_EVERY) -> None:
        while True:
            await asyncio.sleep(every)
            self.settle(playing())

