"""Timed events and puzzles: each event's trigger condition, text, effects and move, and
each puzzle's scene, solved condition and hints (what `hint` shows)."""

from __future__ import annotations

from . import expr as ex
from .model import Event, Puzzle

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from .load_context import LoadContext
    from .yamlsrc import LMap

EVENT_KEYS = ("when", "text", "do", "to")
PUZZLE_KEYS = ("scene", "when", "solved", "hints")


def build_events(cx: LoadContext, names: ex.Names) -> dict[str, Event]:
    events = {}
    for eid, d in cx.event_src.items():
        with cx.chapter_of(names, cx.file_chapter_of(d)):
            events[eid] = event(cx, eid, d, names)
    return events


def event(cx: LoadContext, eid: str, data: LMap, names: ex.Names) -> Event:
    cx.keys(data, EVENT_KEYS, f"event '{eid}'")
    to = cx.scene_ref(data, "to")
    return Event(eid, cx.expr(data, "when", names.in_scene(None, False)),
                 cx.text(data, "text", names.in_scene(None, True)),
                 cx.effects(data, "do", names.in_scene(None, True)), to,
                 trigger=f"event:{eid}", loc=data.loc)


def build_puzzles(cx: LoadContext, names: ex.Names) -> dict[str, Puzzle]:
    puzzles = {}
    for pid, d in cx.puzzle_src.items():
        with cx.chapter_of(names, cx.file_chapter_of(d)):
            puzzles[pid] = puzzle(cx, pid, d, names)
    return puzzles


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
