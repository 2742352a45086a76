"""Containers that open and shut: a thing's `closed` (True, or shut while a condition
holds; not written, the engine assumes neither). Nothing goes into a shut one; 'open' on
an open one says it is open already. Opening a shut one is the story's to write (an
action), as it always was."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from ..story.model import Thing
    from .world import World


def shut(world: World, t: Thing) -> bool:
    closed = t.closed
    if closed is None or isinstance(closed, bool):
        return bool(closed)
    return bool(closed(world))


def refused_in(world: World, holder: Thing) -> str | None:
    """Why nothing can be put in `holder` now, or None."""
    if holder.holds == "in" and shut(world, holder):
        return f"{holder.The()} {holder.agree('is', 'are')} closed."
    return None


def open_reply(world: World, t: Thing) -> str | None:
    """'open X' with no action of the story for it: a container's own state."""
    if t.holds != "in" or t.closed is None:  # the story does not say: no guess
        return None
    if shut(world, t):
        return f"{t.The()} {t.agree('stays', 'stay')} shut."
    return f"{t.The()} {t.agree('is', 'are')} already open."
