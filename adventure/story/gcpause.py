"""Pausing the garbage collector around work that makes many objects and no cycles."""

from __future__ import annotations

import gc


class collector_paused:  # noqa: N801 - used as a function: `with collector_paused():`
    """Loading, unpickling or pickling a story makes hundreds of thousands of objects
    and no garbage cycles; left on, the collector scans the growing heap again and
    again (a 10,000-scene story: a third of the load time). Leaves it as it found it.

    keep=True: what was made is meant to live as long as the process (a story just
    loaded), so it is moved out of every later collection (gc.freeze). Otherwise the
    first collection after the pause scans all of it at once: a 10,000-scene story
    revived from the cache spent a third of its load time there.

    A class, not contextlib.contextmanager: contextlib imports collections and functools,
    and every start revives a story with this."""

    __slots__ = ("keep", "enabled")

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.enabled = False

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.keep:
            gc.freeze()
        if self.enabled:
            gc.enable()
