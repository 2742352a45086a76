"""Read a story directory into a checked `Story`, or report every problem at once.

This module walks the files and runs the two passes: pass 1 (`_collect`) notes what each
file defines and where, pass 2 (`_build`) has each section compiled, by its own module
(load_meta, load_things, load_actions, load_events) or by the functions below;
all of them report into one LoadContext (load_context)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path

from . import expr as ex
from .diagnostics import Diagnostic, Loc, StoryError, did_you_mean
from .files import story_files
from .gcpause import collector_paused
from .load_actions import ACTION_KEYS, action_keys, check_calls, global_actions, scene_actions
from .load_context import LoadContext
from .load_events import EVENT_KEYS, PUZZLE_KEYS, build_events, build_puzzles
from .load_meta import META_KEYS, read_meta
from .load_things import THING_KEYS, build_things, collect_scene_things
from .model import Action, Ending, Exit, Fallback, Scene, Story
from .text import compile_text
from .vocab import DIRECTIONS, synonym_index, words
from .yamlsrc import MAX_FILE_BYTES, LList, LMap, load_file

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Iterator

    from .model import TextSpec

# load_story, and the keys each part of a file may hold, whichever module reads that part
# (tests/test_schema.py checks the JSON Schema against them)
__all__ = ["ACTION_KEYS", "ENDING_KEYS", "EVENT_KEYS", "EXIT_KEYS", "EXTEND_KEYS",
           "FALLBACK_KEYS", "FILE_KEYS", "META_KEYS", "PUZZLE_KEYS", "SCENE_KEYS",
           "THING_KEYS", "VARIANT_KEYS", "load_story"]

FILE_KEYS = ("story", "chapter", "state", "scenes", "extend", "things", "events",
             "global_actions", "puzzles", "synonyms")
_CASCADE = re.compile(r"^(?:unknown (?:scene|thing|variable|event|action|location|place) |"
                      r"start scene |'extend' names scene )'([^']+)'")
_KEY_LIKE = re.compile(r"^[ \t-]*([a-z][a-z0-9_]*)[ \t]*:", re.M)


def _cascade(message: str, maybe: set[str]) -> bool:
    m = _CASCADE.search(message)
    return m is not None and m.group(1).split(".")[-1] in maybe


def load_story(root: str | os.PathLike[str], display: str | None = None) -> Story:
    """Load and check a story directory; raises StoryError listing every problem."""
    with collector_paused():
        return _run(LoadContext(Path(root), display))


def _run(cx: LoadContext) -> Story:
    if not cx.root.is_dir():
        raise StoryError([Diagnostic(Loc(cx.display, 0, 0), "not a story directory "
                                     "(expected a folder of .yaml files)")])
    paths = story_files(cx.root)
    digest = hashlib.sha256()
    for path in paths:
        rel = path.relative_to(cx.root).as_posix()
        name = f"{cx.display.rstrip('/')}/{rel}"
        data, problems = load_file(path, name)
        cx.problems.extend(problems)
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
                digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
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
    story = _build(cx, digest.hexdigest())
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


# -- pass 1: what is defined where ---------------------------------------------
def _collect(cx: LoadContext, name: str, data: LMap) -> None:
    cx.keys(data, FILE_KEYS, "a story file")
    chapter = cx.text_field(data, "chapter") or Path(name).stem
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
    names = ex.Names(
        variables=m.types, scenes=set(cx.scene_src), things=set(cx.thing_src),
        actions=action_keys(cx), used=cx.reads, shared=cx.shared,
    )
    check_extensions(cx)
    things = build_things(cx, names)
    events = build_events(cx, names)
    globals_ = global_actions(cx, names)
    scenes = build_scenes(cx, names, globals_)
    check_calls(cx, scenes)
    puzzles = build_puzzles(cx, names)
    by_key = {a.key: a for s in scenes.values() for a in s.actions}
    by_key.update({a.key: a for a in globals_})
    hidden = frozenset(k for k, a in by_key.items() if a.hidden)
    return Story(
        id=m.ident or "", title=m.title, author=cx.text_field(meta, "author") or "",
        version=cx.text_field(meta, "version") or "", start=m.start or "",
        initial=m.initial, max_score=cx.max_score,
        intro=cx.text(meta, "intro", names.in_scene(None, True)),
        scenes=scenes, things=things, events=events, global_actions=globals_,
        puzzles=puzzles,
        synonyms=sorted(cx.synonyms, key=lambda s: -len(s[0])),
        actions_by_key=by_key, fingerprint=fingerprint, root=str(cx.root),
        initially_hidden=hidden, info=cx.info,
    )


# -- scenes and their extensions ---------------------------------------------
EXTEND_KEYS = ("actions", "variants", "on_enter", "exits", "things", "hints")
SCENE_KEYS = ("title", "chapter", "text", "variants", "on_enter", "ending", "exits", "things",
              "actions", "fallback", "hints", "conversation")
EXIT_KEYS = ("to", "names", "label", "when", "refuse", "text", "hidden")
FALLBACK_KEYS = ("when", "text", "do", "to")
ENDING_KEYS = ("kind", "title", "epilogue")
VARIANT_KEYS = ("when", "text")


def check_extensions(cx: LoadContext) -> None:
    for sid, kloc in cx.ext_keys:
        if sid not in cx.scene_src:
            cx.err(kloc, f"'extend' names scene '{sid}', which no file defines"
                   f"{did_you_mean(sid, cx.scene_src)}")


def build_scenes(cx: LoadContext, names: ex.Names, globals_: list[Action]
                 ) -> dict[str, Scene]:
    scenes = {}
    for sid in list(cx.scene_src):
        with cx.chapter_of(names, cx.scene_chapter(sid)):
            scenes[sid] = scene(cx, sid, *cx.scene_src[sid], names, globals_)
        release(cx, sid)
    return scenes


def release(cx: LoadContext, sid: str) -> None:
    """A scene is built: let go of what was read for it, so that a large story never
    holds all of its located text and all of its model at once."""
    _, file, chapter = cx.scene_src[sid]
    cx.scene_src[sid] = (LMap.at(Loc(file, 0, 0)), file, chapter)
    cx.ext_src.pop(sid, None)
    parent = cx.scene_parent.pop(sid, None)
    if parent is not None:
        parent.pop(sid, None)


def scene(cx: LoadContext, sid: str, data: LMap, file: str, chapter: str, names: ex.Names,
          globals_: list[Action]) -> Scene:
    cx.keys(data, SCENE_KEYS, f"scene '{sid}'")
    guard = names.in_scene(sid, False)
    free = names.in_scene(sid, True)
    title = cx.text_field(data, "title")
    if not title:
        cx.err(data.loc, f"scene '{sid}' needs a 'title'")
    end = ending(cx, data, free)
    text = cx.text(data, "text", free, required=end is None)
    parts = cx.parts(sid)
    s = Scene(
        id=sid, title=title or sid, chapter=cx.scene_chapter(sid),
        text=text or compile_text("", free), ending=end,
        variants=[v for p in parts for v in variants(cx, p, guard, free)],
        on_enter=[fx for p in parts for fx in cx.effects(p, "on_enter", free)],
        exits=exits(cx, sid, parts, guard, free),
        fallback=fallback(cx, sid, data, guard, free),
        hints=[h for p in parts for h in cx.hints(p, "hints", free)],
        conversation=cx.flag(data, "conversation"), loc=cx.first_def[f"scene:{sid}"],
    )
    s.actions = scene_actions(cx, sid, parts, guard, globals_, s.conversation)
    if end and (s.exits or any(not a.key.startswith("global.") for a in s.actions)):
        cx.err(data.key_loc("ending"), f"scene '{sid}' is an ending, so it cannot have "
               "exits or actions of its own")
    return s


def ending(cx: LoadContext, data: LMap, names: ex.Names) -> Ending | None:
    if "ending" not in data or not cx.typed(data, "ending", LMap,
                                            "a mapping with kind, title and epilogue"):
        return None
    e = data["ending"]
    cx.keys(e, ENDING_KEYS, "an ending")
    kind = cx.text_field(e, "kind") or "ending"
    return Ending(kind, cx.text_field(e, "title") or kind.capitalize(),
                  cx.text(e, "epilogue", names))


def variants(cx: LoadContext, data: LMap, guard: ex.Names, free: ex.Names
             ) -> list[tuple[ex.Expr, TextSpec]]:
    out: list[tuple[ex.Expr, TextSpec]] = []
    if "variants" not in data or not cx.typed(data, "variants", LList,
                                              "a list of {when, text}"):
        return out
    items = data["variants"]
    for i, v in enumerate(items):
        if not isinstance(v, LMap):
            cx.err(items.item_loc(i), "a variant is a mapping with 'when' and 'text'")
            continue
        cx.keys(v, VARIANT_KEYS, "a text variant")
        if "when" not in v:
            cx.err(v.loc, "a variant needs 'when'")
        cond = cx.expr(v, "when", guard)
        text = cx.text(v, "text", free, required=True)
        if cond and text:
            out.append((cond, text))
    return out


def exits(cx: LoadContext, sid: str, parts: list[LMap], guard: ex.Names, free: ex.Names
          ) -> list[Exit]:
    out: list[Exit] = []
    seen: dict[str, Loc] = {}
    for data in parts:
        for ex_ in part_exits(cx, sid, data, guard, free):
            if ex_.key in seen:
                cx.err(ex_.loc, f"exit '{ex_.key}' of scene '{sid}' is defined twice: "
                       f"here and at {seen[ex_.key]}")
                continue
            seen[ex_.key] = ex_.loc
            out.append(ex_)
    return out


def part_exits(cx: LoadContext, sid: str, data: LMap, guard: ex.Names, free: ex.Names
               ) -> list[Exit]:
    out: list[Exit] = []
    if "exits" not in data or data["exits"] is None:
        return out
    if not cx.typed(data, "exits", LMap, "a mapping of direction or name to scene"):
        return out
    section = data["exits"]
    for key in section:
        value = section[key]
        kloc = section.key_loc(key)
        spec = value if isinstance(value, LMap) else None
        if spec is None:
            if not isinstance(value, str):
                cx.err(section.val_loc(key), "an exit is a scene id or a mapping with 'to'")
                continue
            spec = LMap.at(kloc, {"to": value})
            spec.locate_key("to", kloc, section.val_loc(key))
        cx.keys(spec, EXIT_KEYS, f"exit '{key}'")
        to = cx.scene_ref(spec, "to")
        if spec.get("to") is None:
            cx.err(spec.loc, f"exit '{key}' needs 'to' (the scene it leads to)")
        if not words(str(key)):
            cx.err(kloc, f"exit '{key}' needs a name a player can type")
            continue
        names = [words(str(key))]
        names += [(abbr,) for abbr in DIRECTIONS.get(str(key), ())]
        names += cx.phrases(spec, "names")
        if to is None:
            continue
        out.append(Exit(
            key=str(key), to=to, names=names, label=cx.text(spec, "label", free),
            when=cx.expr(spec, "when", guard), refuse=cx.text(spec, "refuse", free),
            text=cx.text(spec, "text", free), hidden=cx.flag(spec, "hidden"),
            trigger=f"exit:{sid}:{key}", loc=kloc,
        ))
    return out


def fallback(cx: LoadContext, sid: str, data: LMap, guard: ex.Names, free: ex.Names
             ) -> Fallback | None:
    if "fallback" not in data or not cx.typed(data, "fallback", LMap,
                                              "a mapping with when, text, do, to"):
        return None
    f = data["fallback"]
    cx.keys(f, FALLBACK_KEYS, "a fallback")
    return Fallback(cx.expr(f, "when", guard), cx.text(f, "text", free),
                    cx.effects(f, "do", free), cx.scene_ref(f, "to"),
                    trigger=f"fallback:{sid}")
