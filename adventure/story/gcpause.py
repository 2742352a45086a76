"""Pausing the garbage collector around work that makes many objects and no cycles."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collector_paused(keep: bool = False):
    """Loading, unpickling or pickling a story makes hundreds of thousands of objects
    and no garbage cycles; left on, the collector scans the growing heap again and
    again (a 10,000-scene story: a third of the load time). Leaves it as it found it.

    keep=True: what was made is meant to live as long as the process (a story just
    loaded), so it is moved out of every later collection (gc.freeze). Otherwise the
    first collection after the pause scans all of it at once: a 10,000-scene story
    revived from the cache spent a third of its load time there."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if enabled:
            gc.enable()
