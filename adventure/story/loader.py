"""Read a story directory into a checked `Story`, or report every problem at once.

This module walks the files and runs the two passes: pass 1 (`_collect`) notes what each
file defines and where, pass 2 (`_build`) has each section compiled by its own module
(load_meta, load_things, load_actions, load_scenes, load_events), all reporting into one
LoadContext (load_context)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path

from . import expr as ex
from .diagnostics import Diagnostic, Loc, StoryError, reset_suggestions
from .files import FolderTooDeep, read_regular, story_files
from .gcpause import collector_paused
from .load_actions import ACTION_KEYS, action_keys, check_calls, global_actions
from .load_context import LoadContext
from .load_events import EVENT_KEYS, PUZZLE_KEYS, build_events, build_puzzles
from .load_meta import META_KEYS, read_meta, read_ranks, read_wording
from .load_scenery import build_scenery, shared_senses
from .load_scenes import (
    ENDING_KEYS,
    EXIT_KEYS,
    EXTEND_KEYS,
    FALLBACK_KEYS,
    SCENE_KEYS,
    VARIANT_KEYS,
    build_scenes,
    check_extensions,
    order_extensions,
)
from .load_things import THING_KEYS, build_things, collect_scene_things
from .model import Story
from .places import PLAYER, WORN
from .text import name_capitals
from .vocab import synonym_index, words
from .yamlsrc import MAX_FILE_BYTES, LList, LMap, load_file

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

    from .model import Scene, Thing
    from .reuse import SceneMemo
    from .text import Template

    Reader = Callable[[Path, str], tuple[Any, list[Diagnostic]]]

# load_story, and the keys each part of a file may hold, whichever module reads that part
# (tests/test_schema.py checks the JSON Schema against them)
__all__ = ["ACTION_KEYS", "ENDING_KEYS", "EVENT_KEYS", "EXIT_KEYS", "EXTEND_KEYS",
           "FALLBACK_KEYS", "FILE_KEYS", "META_KEYS", "PUZZLE_KEYS", "SCENE_KEYS",
           "THING_KEYS", "VARIANT_KEYS", "load_story"]

FILE_KEYS = ("story", "chapter", "state", "scenes", "extend", "things", "scenery", "events",
             "global_actions", "puzzles", "synonyms", "sounds", "smells")
_CASCADE = re.compile(r"^(?:unknown (?:scene|thing|variable|event|action|location|place) |"
                      r"start scene |'extend' names scene )'([^']+)'")
_KEY_LIKE = re.compile(r"^[ \t-]*([a-z][a-z0-9_]*)[ \t]*:", re.M)


def _cascade(message: str, maybe: set[str]) -> bool:
    m = _CASCADE.search(message)
    return m is not None and m.group(1).split(".")[-1] in maybe


def load_story(root: str | os.PathLike[str], display: str | None = None,
               read: Reader | None = None, extra: Iterable[Path] = (),
               memo: SceneMemo | None = None) -> Story:
    """Load and check a story directory; raises StoryError listing every problem.

    `read(path, name)` replaces reading a file from disk (an editor passes the text of
    unsaved buffers, and keeps files it has already parsed); `extra` adds files that
    are not on disk yet; `memo` keeps the compiled scenes from one load to the next (an
    editor's re-check compiles again only the scenes of the files it parsed again)."""
    cx = LoadContext(Path(root), display)
    cx.memo = memo
    with collector_paused():
        return _run(cx, read or load_file, extra)


def _run(cx: LoadContext, read: Reader, extra: Iterable[Path]) -> Story:
    reset_suggestions()
    if not cx.root.is_dir():
        raise StoryError([Diagnostic(Loc(cx.display, 0, 0), "not a story directory "
                                     "(expected a folder of .yaml files)")])
    try:
        paths = story_files(cx.root)
    except FolderTooDeep as exc:
        rel = os.path.relpath(exc.path, cx.root).replace(os.sep, "/")
        raise StoryError([Diagnostic(Loc(f"{cx.display.rstrip('/')}/{rel}", 0, 0),
                                     str(exc))]) from None
    paths = sorted(set(paths) | set(extra)) if extra else paths
    for path in paths:
        rel = path.relative_to(cx.root).as_posix()
        name = f"{cx.display.rstrip('/')}/{rel}"
        data, problems = read(path, name)
        cx.problems.extend(problems)
        if data is None:
            continue
        if not isinstance(data, LMap):
            cx.err(Loc(name, 1, 1), "a story file must be a mapping of keys such as "
                   "'scenes:' and 'things:'")
            continue
        cx.files.append((name, data))
        cx.info.files.append(name)
    if not paths:
        cx.err(Loc(cx.display, 0, 0), "no .yaml files in the story directory")
    for name, data in cx.files:
        _collect(cx, name, data)
    if cx.meta is None:
        if paths:
            cx.err(Loc(cx.display, 0, 0),
                   "no file holds the story's metadata; add a 'story:' block "
                   "with id, title and start")
        raise StoryError(cx.problems)
    # Names an unreadable file seems to define: "unknown" errors about them are noise.
    loaded = {name for name, _ in cx.files}
    maybe: set[str] = set()
    for path in paths:
        rel = path.relative_to(cx.root).as_posix()
        if f"{cx.display.rstrip('/')}/{rel}" not in loaded:
            with contextlib.suppress(OSError):
                if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                    continue
                maybe |= set(_KEY_LIKE.findall(path.read_text("utf-8", "replace")))
    story = _build(cx, _fingerprint(cx, paths))
    story.info.warnings = sorted(cx.warnings, key=lambda d: (d.loc.file, d.loc.line, d.loc.col))
    if cx.problems:
        problems = cx.problems
        notes = []
        if maybe:
            kept = [d for d in problems if not _cascade(d.message, maybe)]
            if len(kept) < len(problems):
                notes.append(Diagnostic(Loc(cx.display, 0, 0), (
                    f"{len(problems) - len(kept)} more problems about unknown names are "
                    "left out: they may only follow from the file that could not be read"),
                    "note"))
            problems = kept
        raise StoryError(sorted(problems, key=lambda d: (d.loc.file, d.loc.line,
                                                         d.loc.col)) + notes)
    return story


def _fingerprint(cx: LoadContext, paths: list[Path]) -> str:
    """The files on disk, hashed (what the cache and saves know a story by). An editor's
    re-check hashes them again only when one of them changed on disk."""
    stamp: tuple = ()
    if cx.memo is not None:
        with contextlib.suppress(OSError):
            stamp = tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in paths
                          if p.exists())
        if stamp and cx.memo.fingerprint[0] == stamp:
            return cx.memo.fingerprint[1]
    digest = hashlib.sha256()
    for path in paths:
        rel = path.relative_to(cx.root).as_posix()
        with contextlib.suppress(OSError):
            digest.update(rel.encode() + b"\0" + read_regular(path, MAX_FILE_BYTES) + b"\0")
    if stamp:
        cx.memo.fingerprint = (stamp, digest.hexdigest())
    return digest.hexdigest()


# -- pass 1: what is defined where ---------------------------------------------
def _collect(cx: LoadContext, name: str, data: LMap) -> None:
    cx.keys(data, FILE_KEYS, "a story file")
    chapter = cx.shown_plain(data, "chapter", "a chapter's name") or Path(name).stem
    cx.file_chapter[name] = chapter
    if "story" in data:
        meta = data["story"]
        if cx.meta is not None:
            cx.err(data.key_loc("story"), "a second 'story:' block; the first is in "
                   f"{cx.meta_file} (a story has one)")
        elif cx.typed(data, "story", LMap, "a mapping of metadata"):
            cx.meta, cx.meta_file = meta, name
    for sid, sdata, kloc in _entries(cx, data, "scenes", "scene"):
        if cx.define("scene", sid, kloc):
            cx.scene_src[sid] = (sdata, name, chapter)
            cx.scene_parent[sid] = data["scenes"]
            collect_scene_things(cx, sid, sdata)
    for sid, edata, kloc in _entries(cx, data, "extend", "scene extension"):
        cx.ext_keys.append((sid, kloc))
        cx.keys(edata, EXTEND_KEYS, f"the extension of scene '{sid}'")
        cx.ext_src.setdefault(sid, []).append(edata)
        collect_scene_things(cx, sid, edata)
    if data.get("scenery") is not None:
        cx.shared_scenery.append((data["scenery"], data.val_loc("scenery"), name))
    if "sounds" in data or "smells" in data:
        cx.shared_senses.append((data, name))
    for tid, tdata, kloc in _entries(cx, data, "things", "thing"):
        if cx.define("thing", tid, kloc):
            cx.thing_src[tid] = (tdata, None, kloc)
    for eid, edata, kloc in _entries(cx, data, "events", "event"):
        if cx.define("event", eid, kloc):
            cx.event_src[eid] = edata
    for pid, pdata, kloc in _entries(cx, data, "puzzles", "puzzle"):
        if cx.define("puzzle", pid, kloc):
            cx.puzzle_src[pid] = pdata
    if "global_actions" in data and cx.typed(data, "global_actions", LList,
                                             "a list of actions"):
        items = data["global_actions"]
        for i, item in enumerate(items):
            if isinstance(item, LMap):
                cx.global_src.append((item, items.item_loc(i)))
            else:
                cx.err(items.item_loc(i), "an action is a mapping")
    if "synonyms" in data and cx.typed(data, "synonyms", LMap,
                                       "a mapping of word: [alternatives]"):
        syn = data["synonyms"]
        for canon in syn:
            alts = cx.str_list(syn, canon)
            for alt in alts:
                if words(alt):
                    cx.synonyms.append((words(alt), words(canon)))


def _entries(cx: LoadContext, data: LMap, key: str, what: str
             ) -> Iterator[tuple[str, LMap, Loc]]:
    if key not in data or data[key] is None:
        return
    if not cx.typed(data, key, LMap, f"a mapping of {what} id to {what}"):
        return
    section = data[key]
    for ident in section:
        loc = section.key_loc(ident)
        if not cx.check_id(ident, loc, what):
            continue
        value = section[ident]
        if not isinstance(value, LMap):
            cx.err(section.val_loc(ident), f"a {what} is a mapping of keys")
            continue
        yield ident, value, loc


# -- pass 2: build, section by section (the order is the order of the problems) ------
def _build(cx: LoadContext, fingerprint: str) -> Story:
    cx.synonym_index = synonym_index(cx.synonyms)
    meta = cx.meta
    assert meta is not None
    m = read_meta(cx, meta)
    order_extensions(cx)  # before any action is numbered: auto ids count across them
    names = ex.Names(
        variables=m.types, scenes=set(cx.scene_src), things=set(cx.thing_src),
        actions=action_keys(cx), used=cx.reads, shared=cx.shared,
    )
    check_extensions(cx)
    things = build_things(cx, names)
    events = build_events(cx, names)
    globals_ = global_actions(cx, names)
    scenes = build_scenes(cx, names, globals_)
    build_scenery(cx, scenes, things, names)
    shared_senses(cx, scenes, names)
    check_calls(cx, scenes)
    puzzles = build_puzzles(cx, names)
    if cx.memo is not None:  # an editor's re-check: kept with each scene
        by_key, hidden = cx.memo.actions_by_key(scenes)
        by_key.update({a.key: a for a in globals_})
        own = {a.key for a in globals_}  # a global action wins over a scene's copy of it
        hidden = (hidden - own) | {a.key for a in globals_ if a.hidden}
    else:
        by_key = {a.key: a for s in scenes.values() for a in s.actions}
        by_key.update({a.key: a for a in globals_})
        hidden = frozenset(k for k, a in by_key.items() if a.hidden)
    start = Initial(m.initial, m.start or "", things)
    initial_names(start, scenes, things)
    return Story(
        id=m.ident or "", title=m.title,
        author=cx.shown_plain(meta, "author", "the story's author") or "",
        version=cx.shown_plain(meta, "version", "the story's version") or "",
        start=m.start or "",
        initial=m.initial, max_score=cx.max_score,
        intro=cx.text(meta, "intro", names.in_scene(None, True)),
        scenes=scenes, things=things, events=events, global_actions=globals_,
        puzzles=puzzles,
        synonyms=sorted(cx.synonyms, key=lambda s: -len(s[0])),
        actions_by_key=by_key, fingerprint=fingerprint, root=str(cx.root),
        initially_hidden=hidden, info=cx.info,
        wording=read_wording(cx, meta, names.in_scene(None, True)), ranks=read_ranks(cx, meta),
        elsewhere=cx.effects(meta, "elsewhere", names.in_scene(None, True)),
    )


def initial_names(start: Initial, scenes: dict[str, Scene], things: dict[str, Thing]
                  ) -> None:
    """Templated titles and names as they read outside play (the saves list, the graph,
    an editor's hover, check's messages): rendered in the story's initial state."""
    for s in scenes.values():
        if s.title_text is not None:
            s.title = _initially(start, s.title_text, s.title)
        if s.ending is not None and s.ending.title_text is not None:
            s.ending.title = _initially(start, s.ending.title_text, s.ending.title)
    for t in things.values():
        if t.name_text is not None:
            t.called = _initially(start, t.name_text, " ".join(t.name))
    # a name typed in lower case reads as the prose writes it: 'the Intendant' (all the
    # prose is read only when some name needs it: an editor re-checks on every edit)
    lower = [t for t in things.values() if t.name_text is None and t.called == t.called.lower()]
    if not lower:
        return
    specs: list[object] = [t.description for t in things.values()]
    for s in scenes.values():
        specs += [*s.texts(),
                  *(a.text for a in s.actions), *(a.refuse for a in s.actions)]
    capitals = name_capitals([x for x in specs if x is not None])
    for t in lower:
        t.called = " ".join(capitals.get(w, w) for w in t.called.split())


def _initially(start: Initial, template: Template, default: str) -> str:
    try:
        return start.render(template) or default
    except Exception:  # a text that needs play to read (a value only a game has)
        return default


class Initial:
    """The story's initial state, as an expression sees it (an `Env`): what a templated
    title reads as where no game is at hand."""

    turn = 0
    score = 0
    dark = False

    def __init__(self, initial: dict, start: str, things: dict) -> None:
        self.vars = dict(initial)
        self.start = start
        self.things = things

    def render(self, template) -> str:
        return " ".join(template.render(self).split())

    def location(self, thing: str) -> str:
        return self.things[thing].location

    def has(self, thing: str) -> bool:
        return self.location(thing) in (PLAYER, WORN)

    def wearing(self, thing: str) -> bool:
        return self.location(thing) == WORN

    def here(self, thing: str) -> bool:
        return self.location(thing) in (self.start, PLAYER, WORN)

    def at(self, scene: str) -> bool:
        return scene == self.start

    def visits(self, scene: str) -> int:
        return 0

    def done(self, action: str) -> int:
        return 0

    def chance(self, percent: int) -> bool:
        return False

    def random(self, low: int, high: int) -> int:
        return low
