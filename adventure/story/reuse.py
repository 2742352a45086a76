"""Scenes compiled by the last load, reused by the next one when nothing they read has
changed: an editor re-checks a large story on every edit, and an edit changes one file.

A scene is reused when its own mapping (and every extension of it) is the very object
the last load compiled (an unchanged file is not parsed again: lsp_folder keeps its
parse), and when everything else a scene reads is as it was: the story's names (of
variables and their types, scenes, things, actions, events), its score, synonyms and
chapters, and the very mappings of its metadata and global actions. What compiling it
did to the load is recorded and done again: its problems and warnings, the variables it
reads and writes, the things it moves, the events it schedules, its words and its
scenery. Whatever the edit, the result is what a full load gives (tests/test_reuse.py
compares them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .diagnostics import Diagnostic
from .model import Scene

TYPE_CHECKING = False
if TYPE_CHECKING:
    from . import expr as ex


class _Entry:
    __slots__ = ("key", "scene", "problems", "warnings", "reads", "writes", "moved",
                 "scheduled", "words", "scenery")

    def __init__(self, key: tuple, scene: Scene) -> None:
        self.key = key  # the objects compiled, held so that their ids are not reused
        self.scene = scene
        self.problems: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.reads: set[str] = set()
        self.writes: set[str] = set()
        self.moved: set[str] = set()
        self.scheduled: dict[str, set] = {}
        self.words = 0
        self.scenery: Any = None


def _same(a: tuple, b: tuple) -> bool:
    """Two keys hold the same objects (not equal ones: equal mappings at other places
    would give other locations)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


class SceneMemo:
    """What one story folder's last load compiled, scene by scene."""

    def __init__(self) -> None:
        self.context: tuple = ()
        self.names: tuple = ()
        self.entries: dict[str, _Entry] = {}
        self.reused = 0  # scenes reused by the last load (for tests)

    def start(self, cx: Any, names: ex.Names) -> None:
        """A load begins to compile scenes: forget every scene if the context changed."""
        # a scene reads other sections by their names only, but for the metadata and the
        # global actions (which it is checked against)
        sections = [cx.meta, *(g[0] for g in cx.global_src)]
        names_key = (sorted(names.variables.items()), sorted(names.scenes),
                     sorted(names.things), sorted(names.actions), sorted(cx.event_src),
                     cx.max_score, list(cx.synonyms), sorted(cx.file_chapter.items()))
        if not (_same(tuple(sections), self.context) and names_key == self.names):
            self.entries = {}
        self.context, self.names = tuple(sections), names_key
        self.reused = 0

    def _key(self, cx: Any, sid: str) -> tuple:
        data, file, chapter = cx.scene_src[sid]
        return (data, *cx.ext_src.get(sid, ()), file, chapter, cx.first_def.get(f"scene:{sid}"))

    def reuse(self, cx: Any, sid: str, chapter: str) -> Scene | None:
        """The scene `sid` as the last load compiled it, with what compiling it did to
        the load done again; None when it must be compiled (then call scene())."""
        old = self.entries.get(sid)
        if old is None:
            return None
        key = self._key(cx, sid)
        if not (_same(old.key[:-3], key[:-3]) and old.key[-3:] == key[-3:]):
            return None
        for d in old.problems:
            cx.err(d.loc, d.message)
        cx.warnings.extend(old.warnings)
        info = cx.info
        info.words += old.words
        cx.count_uses(chapter, old.reads, old.writes)
        info.moved |= old.moved
        for event, where in old.scheduled.items():
            info.scheduled.setdefault(event, set()).update(where)
        if old.scenery is not None:
            cx.scenery_src[sid] = old.scenery
        self.reused += 1
        return old.scene

    def scene(self, cx: Any, sid: str, names: ex.Names, build: Callable[[], Scene]) -> Scene:
        """The scene `sid` built, and what building it did to the load kept (inside the
        load's chapter_of for it)."""
        key = self._key(cx, sid)
        info = cx.info
        problems, warnings, words = len(cx.problems), len(cx.warnings), info.words
        moved, scheduled = info.moved, info.scheduled
        info.moved, info.scheduled = set(), {}
        try:
            made = build()
        finally:
            new_moved, new_scheduled = info.moved, info.scheduled
            info.moved, info.scheduled = moved, scheduled
            moved |= new_moved
            for event, where in new_scheduled.items():
                scheduled.setdefault(event, set()).update(where)
        entry = _Entry(key, made)
        entry.problems = cx.problems[problems:]
        entry.warnings = cx.warnings[warnings:]
        entry.words = info.words - words
        entry.reads, entry.writes = set(names.used or ()), set(cx.writes)
        entry.moved, entry.scheduled = new_moved, new_scheduled
        entry.scenery = cx.scenery_src.get(sid)
        self.entries[sid] = entry
        return made

    def finish(self, kept: dict[str, Scene]) -> None:
        """The load is over: forget scenes it no longer has."""
        self.entries = {sid: e for sid, e in self.entries.items() if sid in kept}
