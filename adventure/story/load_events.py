"""Timed events and puzzles: each event's trigger condition, text, effects and move, and
each puzzle's scene, solved condition and hints (what `hint` shows)."""

from __future__ import annotations

from . import expr as ex
from .model import Event, Puzzle

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from .load_context import LoadContext
    from .yamlsrc import LMap

if TYPE_CHECKING:
    T = TypeVar("T")

EVENT_KEYS = ("when", "text", "do", "to")
PUZZLE_KEYS = ("scene", "when", "solved", "hints")


def _build(cx: LoadContext, sources: dict[str, LMap], names: ex.Names,
           make: Callable[[LoadContext, str, LMap, ex.Names], T]) -> dict[str, T]:
    """Each event or puzzle, read in the chapter of the file it was written in."""
    built = {}
    for ident, data in sources.items():
        with cx.chapter_of(names, cx.file_chapter_of(data)):
            built[ident] = make(cx, ident, data, names)
    return built


def build_events(cx: LoadContext, names: ex.Names) -> dict[str, Event]:
    return _build(cx, cx.event_src, names, event)


def event(cx: LoadContext, eid: str, data: LMap, names: ex.Names) -> Event:
    cx.keys(data, EVENT_KEYS, f"event '{eid}'")
    to = cx.scene_ref(data, "to")
    return Event(eid, cx.expr(data, "when", names.in_scene(None, False)),
                 cx.text(data, "text", names.in_scene(None, True)),
                 cx.effects(data, "do", names.in_scene(None, True)), to,
                 trigger=f"event:{eid}", loc=cx.first_def.get(f"event:{eid}", data.loc))


def build_puzzles(cx: LoadContext, names: ex.Names) -> dict[str, Puzzle]:
    return _build(cx, cx.puzzle_src, names, puzzle)


def puzzle(cx: LoadContext, pid: str, data: LMap, names: ex.Names) -> Puzzle:
    cx.keys(data, PUZZLE_KEYS, f"puzzle '{pid}'")
    scene = cx.scene_ref(data, "scene")
    solved = cx.expr(data, "solved", names.in_scene(scene, False))
    if "solved" not in data:
        cx.err(data.loc, f"puzzle '{pid}' needs 'solved' (a condition)")
    hints = cx.hints(data, "hints", names.in_scene(scene, True))
    if not hints:
        cx.err(data.loc, f"puzzle '{pid}' needs a list of 'hints'")
    return Puzzle(pid, scene, cx.expr(data, "when", names.in_scene(scene, False)),
                  solved or ex.constant(False), hints)
