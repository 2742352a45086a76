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
    __slots__ = ("data", "ext", "file", "chapter", "first", "scene", "problems", "warnings",
                 "reads", "writes", "moved", "scheduled", "words", "scenery", "uses_in",
                 "keyed", "hidden")

    def __init__(self, cx: Any, sid: str, scene: Scene) -> None:
        # the objects compiled, held so that their ids are not reused; what else it read
        self.data, self.file, self.chapter = cx.scene_src[sid]
        self.ext = tuple(cx.ext_src.get(sid, ()))
        self.first = cx.first_def.get("scene:" + sid)
        self.scene = scene
        self.problems: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.reads: set[str] = set()
        self.writes: set[str] = set()
        self.moved: set[str] = set()
        self.scheduled: dict[str, set] = {}
        self.words = 0
        self.scenery: Any = None
        self.uses_in = cx.scene_chapter(sid)  # the chapter its variable uses count for
        self.keyed = {a.key: a for a in scene.actions}
        self.hidden = [k for k, a in self.keyed.items() if a.hidden]

    def same(self, cx: Any, sid: str) -> bool:
        """The scene reads what it read when it was compiled: the very same mappings (an
        equal one elsewhere would give other locations), in the same file and chapter,
        defined first at the same place."""
        data, file, chapter = cx.scene_src[sid]
        if data is not self.data or file != self.file or chapter != self.chapter:
            return False
        ext = cx.ext_src.get(sid)
        if (ext or self.ext) and not _same(tuple(ext or ()), self.ext):
            return False
        return cx.first_def.get("scene:" + sid) == self.first


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
        self.uses: dict[str, tuple[set[str], set[str]]] = {}  # chapter -> reads, writes
        self.keys: dict[str, tuple[tuple, list[str]]] = {}  # scene -> its actions' keys
        self.fingerprint: tuple[tuple, str] = ((), "")  # the files' stamps, their hash

    def start(self, cx: Any, names: ex.Names) -> None:
        """A load begins to compile scenes: forget every scene if the context changed."""
        # a scene reads other sections by their names only, but for the metadata and the
        # global actions (which it is checked against)
        sections = [cx.meta, *(g[0] for g in cx.global_src)]
        names_key = (frozenset(names.variables.items()), frozenset(names.scenes),
                     frozenset(names.things), frozenset(names.actions),
                     frozenset(cx.event_src), cx.max_score, list(cx.synonyms),
                     frozenset(cx.file_chapter.items()))
        if not (_same(tuple(sections), self.context) and names_key == self.names):
            self.entries = {}
        self.context, self.names = tuple(sections), names_key
        self.reused = 0

    def reuse(self, cx: Any, sid: str) -> Scene | None:
        """The scene `sid` as the last load compiled it, with what compiling it did to
        the load done again; None when it must be compiled (then call scene())."""
        old = self.entries.get(sid)
        if old is None or not old.same(cx, sid):
            return None
        for d in old.problems:
            cx.err(d.loc, d.message)
        if old.warnings:
            cx.warnings.extend(old.warnings)
        info = cx.info
        info.words += old.words
        # counted once a chapter (the scene's own: its mapping is the same), at the end
        uses = self.uses.get(old.uses_in)
        if uses is None:
            uses = self.uses[old.uses_in] = (set(), set())
        uses[0].update(old.reads)
        uses[1].update(old.writes)
        if old.moved:
            info.moved |= old.moved
        for event, where in old.scheduled.items():
            info.scheduled.setdefault(event, set()).update(where)
        if old.scenery is not None:
            cx.scenery_src[sid] = old.scenery
        self.reused += 1
        return old.scene

    def action_keys(self, cx: Any, sid: str, make: Callable[[str, list], list[str]]
                    ) -> list[str]:
        """The keys of a scene's actions, as the last load found them in the very same
        mappings (the scene and its extensions)."""
        old = self.keys.get(sid)
        if old is not None:
            if sid not in cx.ext_src:  # (most scenes: no list of parts made)
                if len(old[0]) == 1 and old[0][0] is cx.scene_src[sid][0]:
                    return old[1]
            elif _same(old[0], tuple(cx.parts(sid))):
                return old[1]
        parts = cx.parts(sid)
        found = make(sid, parts)
        self.keys[sid] = (tuple(parts), found)
        return found

    def actions_by_key(self, scenes: dict[str, Scene]) -> tuple[dict, frozenset[str]]:
        """Story.actions_by_key of the scenes' own actions, and the keys of those hidden
        at first, from what each entry keeps."""
        by_key: dict = {}
        hidden: list[str] = []
        for sid in scenes:
            e = self.entries[sid]
            by_key.update(e.keyed)
            if e.hidden:
                hidden += e.hidden
        return by_key, frozenset(hidden)

    def scene(self, cx: Any, sid: str, names: ex.Names, build: Callable[[], Scene]) -> Scene:
        """The scene `sid` built, and what building it did to the load kept (inside the
        load's chapter_of for it)."""
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
        entry = _Entry(cx, sid, made)
        entry.problems = cx.problems[problems:]
        entry.warnings = cx.warnings[warnings:]
        entry.words = info.words - words
        entry.reads, entry.writes = set(names.used or ()), set(cx.writes)
        entry.moved, entry.scheduled = new_moved, new_scheduled
        entry.scenery = cx.scenery_src.get(sid)
        self.entries[sid] = entry
        return made

    def finish(self, cx: Any, kept: dict[str, Scene]) -> None:
        """The scenes are built: count what the reused ones read and write, and forget
        scenes the load no longer has."""
        for chapter, (reads, writes) in self.uses.items():
            cx.count_uses(chapter, reads, writes)
        self.uses = {}
        if len(kept) != len(self.entries):
            self.entries = {sid: e for sid, e in self.entries.items() if sid in kept}
        if len(kept) != len(self.keys):
            self.keys = {sid: k for sid, k in self.keys.items() if sid in kept}
