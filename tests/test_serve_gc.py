"""The server's garbage-collection policy (play/serve_gc.py): what it freezes, when it
sweeps, and the pauses it reports. Each test leaves the collector as it found it."""

from __future__ import annotations

import asyncio
import gc

import pytest

pytest.importorskip("asyncssh", reason="the serve extra is not installed")

from adventure.play.serve_gc import SWEEP_AT_LEAST, Collector  # noqa: E402


@pytest.fixture(autouse=True)
def _unfrozen():
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    yield
    gc.unfreeze()
    if frozen:  # the test process had frozen things itself (cli does): as it was
        gc.freeze()


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_freeze_takes_settled_objects_out_of_the_collectors_view():
    c = Collector("freeze")
    c.started()
    assert gc.get_freeze_count() > 0
    kept = [Cycle() for _ in range(100)]
    c.player_arrived()
    before = gc.get_freeze_count()
    assert c.settle(playing=1) == "freeze"
    assert gc.get_freeze_count() >= before + len(kept)
    assert not any(gc.is_tracked(k) and k in gc.get_objects(2) for k in kept[:3])
    assert c.settle(playing=1) == ""  # nobody new: nothing to do


def test_a_young_collection_comes_first_so_garbage_is_not_frozen():
    c = Collector("freeze")
    c.started()
    for _ in range(1000):
        Cycle()  # garbage at once: only the collector can free a cycle
    c.player_arrived()
    before = gc.get_freeze_count()
    c.settle(playing=1)
    assert gc.get_freeze_count() - before < 1000


def test_departures_of_a_quarter_of_the_players_sweep_what_was_frozen():
    c = Collector("freeze")
    c.started()
    gone = [Cycle() for _ in range(500)]
    c.player_arrived()
    c.settle(playing=100)
    frozen = gc.get_freeze_count()
    gone.clear()  # frozen cycles, now garbage: only a sweep frees them
    for _ in range(SWEEP_AT_LEAST - 1):
        c.player_left()
    assert c.settle(playing=100) == ""  # fewer than a quarter of 100 (25) left
    for _ in range(25 - SWEEP_AT_LEAST + 1):
        c.player_left()
    assert c.settle(playing=100) == "sweep"
    assert gc.get_freeze_count() <= frozen - 500
    assert (c.sweeps, c.left) == (1, 0)


def test_python_policy_leaves_the_collector_alone():
    c = Collector("python")
    c.started()
    c.player_arrived()
    for _ in range(50):
        c.player_left()
    assert c.settle(playing=1) == ""
    assert gc.get_freeze_count() == 0


def test_every_collection_is_timed_for_the_stats_line():
    c = Collector("freeze")
    c.install()
    try:
        gc.collect()
        gc.collect(0)
    finally:
        c.uninstall()
    f = c.figures()
    assert f["gc_count"] >= 2 and f["gc_full"] >= 1
    assert f["gc_max_ms"] > 0 and f["gc_ms"] >= f["gc_max_ms"]
    assert c._timed not in gc.callbacks


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="freeze or python"):
        Collector("never")


def test_run_settles_every_interval():
    c = Collector("freeze")
    c.started()
    c.player_arrived()

    async def one_tick() -> None:
        task = asyncio.create_task(c.run(lambda: 1, every=0.01))
        while c.arrived:  # until the loop has settled the newcomer
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(asyncio.wait_for(one_tick(), 10))
    assert c.freezes == 2
