"""Read a story directory into a checked `Story`, or report every problem at once."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from . import expr as ex
from .diagnostics import Diagnostic, Loc, StoryError, did_you_mean
from .effects import EffectNames, compile_effects
from .files import story_files
from .gcpause import collector_paused
from .model import (
    Action,
    Ending,
    Event,
    Exit,
    Fallback,
    OneOf,
    Puzzle,
    Scene,
    Story,
    StoryInfo,
    TextSpec,
    Thing,
)
from .places import NOWHERE, PLAYER, WORN
from .text import compile_text
from .vocab import DIRECTIONS, SynonymIndex, apply_synonyms, canonical, synonym_index, words
from .yamlsrc import MAX_FILE_BYTES, LList, LMap, load_file, locate

ID = re.compile(r"^[a-z][a-z0-9_]*$")
STORY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")

FILE_KEYS = ("story", "chapter", "state", "scenes", "extend", "things", "events",
             "global_actions", "puzzles", "synonyms")
EXTEND_KEYS = ("actions", "variants", "on_enter", "exits", "things", "hints")
META_KEYS = ("id", "title", "author", "version", "start", "state", "max_score", "intro")
SCENE_KEYS = ("title", "chapter", "text", "variants", "on_enter", "ending", "exits", "things",
              "actions", "fallback", "hints", "conversation")
EXIT_KEYS = ("to", "names", "label", "when", "refuse", "text", "hidden")
THING_KEYS = ("name", "adjectives", "synonyms", "article", "description", "location",
              "portable", "wearable", "holds", "listed", "take_refuse", "pronoun")
ACTION_KEYS = ("id", "commands", "verbs", "nouns", "thing", "preposition", "second", "topics",
               "label", "hidden", "once", "when", "refuse", "do", "text", "to", "call", "return",
               "disabled")
FALLBACK_KEYS = ("when", "text", "do", "to")
EVENT_KEYS = ("when", "text", "do", "to")
PUZZLE_KEYS = ("scene", "when", "solved", "hints")
ENDING_KEYS = ("kind", "title", "epilogue")
VARIANT_KEYS = ("when", "text")
_CASCADE = re.compile(r"^(?:unknown (?:scene|thing|variable|event|action|location|place) |"
                      r"start scene |'extend' names scene )'([^']+)'")
_KEY_LIKE = re.compile(r"^[ \t-]*([a-z][a-z0-9_]*)[ \t]*:", re.M)


def _cascade(message: str, maybe: set[str]) -> bool:
    m = _CASCADE.search(message)
    return m is not None and m.group(1).split(".")[-1] in maybe


PROSE_KEYS = frozenset({"text", "description", "epilogue", "intro", "refuse", "take_refuse"})
_CODE = re.compile(r"\$\{[^}]*\}")
LEAVE_WORDS = (("bye",), ("goodbye",), ("leave",), ("end", "conversation"))


def load_story(root: str | os.PathLike[str], display: str | None = None) -> Story:
    """Load and check a story directory; raises StoryError listing every problem."""
    with collector_paused():
        return _Loader(Path(root), display).run()


class _Loader:
    def __init__(self, root: Path, display: str | None):
        self.root = root
        self.display = display if display is not None else str(root)
        self.problems: list[Diagnostic] = []
        self.files: list[tuple[str, LMap]] = []
        self.meta: LMap | None = None
        self.meta_file = ""
        self.scene_src: dict[str, tuple[LMap, str, str]] = {}  # id -> (data, file, chapter)
        self.ext_src: dict[str, list[LMap]] = {}  # scene id -> extensions, in file order
        self.ext_keys: list[tuple[str, Loc]] = []
        self.thing_src: dict[str, tuple[LMap, str | None, Loc]] = {}
        self.event_src: dict[str, LMap] = {}
        self.puzzle_src: dict[str, LMap] = {}
        self.global_src: list[tuple[LMap, Loc]] = []
        self.synonyms: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        self.synonym_index: SynonymIndex = {}  # made from them once all files are read
        self.first_def: dict[str, Loc] = {}
        self.info = StoryInfo()
        self.shared: dict = {}
        self.scene_parent: dict[str, LMap] = {}  # scene id -> the 'scenes:' mapping holding it
        self.reads = self.info.reads
        self.writes = self.info.writes
        self.file_chapter: dict[str, str] = {}  # file -> its chapter

    @contextlib.contextmanager
    def chapter_of(self, names: ex.Names, chapter: str):
        """Count the variables what is compiled inside reads and writes for `chapter`
        too (StoryInfo.uses), as well as for the whole story."""
        reads: set[str] = set()
        writes: set[str] = set()
        names.used, self.writes = reads, writes
        try:
            yield
        finally:
            names.used, self.writes = self.reads, self.info.writes
            self.reads |= reads
            self.writes |= writes
            for var in reads:
                self.info.uses.setdefault(var, (set(), set()))[1].add(chapter)
            for var in writes:
                self.info.uses.setdefault(var, (set(), set()))[0].add(chapter)

    def share(self, value: Any) -> Any:
        """One copy of each equal word and phrase in the story."""
        return ex.share(self.shared, value)

    # -- reporting -----------------------------------------------------------
    def err(self, loc: Loc, message: str) -> None:
        self.problems.append(Diagnostic(loc, message))

    def run(self) -> Story:
        if not self.root.is_dir():
            raise StoryError([Diagnostic(Loc(self.display, 0, 0), "not a story directory "
                                         "(expected a folder of .yaml files)")])
        paths = story_files(self.root)
        digest = hashlib.sha256()
        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            name = f"{self.display.rstrip('/')}/{rel}"
            data, problems = load_file(path, name)
            self.problems.extend(problems)
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
                    digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
            if data is None:
                continue
            if not isinstance(data, LMap):
                self.err(Loc(name, 1, 1), "a story file must be a mapping of keys such as "
                         "'scenes:' and 'things:'")
                continue
            self.files.append((name, data))
            self.info.files.append(name)
        if not paths:
            self.err(Loc(self.display, 0, 0), "no .yaml files in the story directory")
        for name, data in self.files:
            self.collect(name, data)
        if self.meta is None:
            if paths:
                self.err(Loc(self.display, 0, 0),
                         "no file holds the story's metadata; add a 'story:' block "
                         "with id, title and start")
            raise StoryError(self.problems)
        # Names an unreadable file seems to define: "unknown" errors about them are noise.
        loaded = {name for name, _ in self.files}
        maybe: set[str] = set()
        for path in paths:
            rel = path.relative_to(self.root).as_posix()
            if f"{self.display.rstrip('/')}/{rel}" not in loaded:
                with contextlib.suppress(OSError):
                    if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                        continue
                    maybe |= set(_KEY_LIKE.findall(path.read_text("utf-8", "replace")))
        story = self.build(digest.hexdigest())
        if self.problems:
            problems = self.problems
            notes = []
            if maybe:
                kept = [d for d in problems if not _cascade(d.message, maybe)]
                if len(kept) < len(problems):
                    notes.append(Diagnostic(Loc(self.display, 0, 0), (
                        f"{len(problems) - len(kept)} more problems about unknown names are "
                        "left out: they may only follow from the file that could not be read"),
                        "note"))
                problems = kept
            raise StoryError(sorted(problems, key=lambda d: (d.loc.file, d.loc.line,
                                                             d.loc.col)) + notes)
        return story

    # -- pass 1: what is defined where ---------------------------------------
    def collect(self, name: str, data: LMap) -> None:
        self.keys(data, FILE_KEYS, "a story file")
        chapter = self.text_field(data, "chapter") or Path(name).stem
        self.file_chapter[name] = chapter
        if "story" in data:
            meta = data["story"]
            if self.meta is not None:
                self.err(data.key_loc("story"), "a second 'story:' block; the first is in "
                         f"{self.meta_file} (a story has one)")
            elif self.typed(data, "story", LMap, "a mapping of metadata"):
                self.meta, self.meta_file = meta, name
        for sid, sdata, kloc in self.entries(data, "scenes", "scene"):
            if self.define("scene", sid, kloc):
                self.scene_src[sid] = (sdata, name, chapter)
                self.scene_parent[sid] = data["scenes"]
                self.scene_things(sid, sdata)
        for sid, edata, kloc in self.entries(data, "extend", "scene extension"):
            self.ext_keys.append((sid, kloc))
            self.keys(edata, EXTEND_KEYS, f"the extension of scene '{sid}'")
            self.ext_src.setdefault(sid, []).append(edata)
            self.scene_things(sid, edata)
        for tid, tdata, kloc in self.entries(data, "things", "thing"):
            if self.define("thing", tid, kloc):
                self.thing_src[tid] = (tdata, None, kloc)
        for eid, edata, kloc in self.entries(data, "events", "event"):
            if self.define("event", eid, kloc):
                self.event_src[eid] = edata
        for pid, pdata, kloc in self.entries(data, "puzzles", "puzzle"):
            if self.define("puzzle", pid, kloc):
                self.puzzle_src[pid] = pdata
        if "global_actions" in data and self.typed(data, "global_actions", LList,
                                                   "a list of actions"):
            items = data["global_actions"]
            for i, item in enumerate(items):
                if isinstance(item, LMap):
                    self.global_src.append((item, items.item_loc(i)))
                else:
                    self.err(items.item_loc(i), "an action is a mapping")
        if "synonyms" in data and self.typed(data, "synonyms", LMap,
                                             "a mapping of word: [alternatives]"):
            syn = data["synonyms"]
            for canon in syn:
                alts = self.str_list(syn, canon)
                for alt in alts:
                    if words(alt):
                        self.synonyms.append((words(alt), words(canon)))

    def scene_things(self, sid: str, sdata: LMap) -> None:
        things = sdata.get("things")
        if things is None or not self.typed(sdata, "things", LMap, "a mapping of things"):
            return
        for tid in things:
            tdata = things[tid]
            tloc = things.key_loc(tid)
            if self.check_id(tid, tloc, "thing") and self.define("thing", tid, tloc):
                if isinstance(tdata, LMap):
                    self.thing_src[tid] = (tdata, sid, tloc)
                else:
                    self.err(things.val_loc(tid), "a thing is a mapping with name, "
                             "description, ...")

    def parts(self, sid: str) -> list[LMap]:
        """A scene's own mapping, then every extension of it from other files."""
        return [self.scene_src[sid][0], *self.ext_src.get(sid, [])]

    def entries(self, data: LMap, key: str, what: str):
        if key not in data or data[key] is None:
            return
        if not self.typed(data, key, LMap, f"a mapping of {what} id to {what}"):
            return
        section = data[key]
        for ident in section:
            loc = section.key_loc(ident)
            if not self.check_id(ident, loc, what):
                continue
            value = section[ident]
            if not isinstance(value, LMap):
                self.err(section.val_loc(ident), f"a {what} is a mapping of keys")
                continue
            yield ident, value, loc

    def check_id(self, ident: str, loc: Loc, what: str) -> bool:
        if not ID.match(ident):
            self.err(loc, f"{what} id '{ident}' must be lower-case letters, digits and _, "
                     "starting with a letter")
            return False
        return True

    def define(self, what: str, ident: str, loc: Loc) -> bool:
        key = f"{what}:{ident}"
        if key in self.first_def:
            first = self.first_def[key]
            self.err(loc, f"{what} '{ident}' is defined twice: here and at {first}")
            return False
        self.first_def[key] = loc
        return True

    # -- small checkers -----------------------------------------------------
    def keys(self, data: LMap, allowed: tuple[str, ...], what: str) -> None:
        for k in data:
            if k not in allowed:
                self.err(data.key_loc(k), f"unknown key '{k}' in {what}"
                         f"{did_you_mean(k, allowed)}; expected one of: {', '.join(allowed)}")

    def typed(self, data: LMap, key: str, kind: type | tuple[type, ...], what: str) -> bool:
        value = data[key]
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return True
        self.err(data.val_loc(key), f"'{key}' should be {what}, not {_describe(value)}")
        return False

    def text_field(self, data: LMap, key: str) -> str | None:
        if key not in data or data[key] is None:
            return None
        value = data[key]
        if isinstance(value, bool):
            self.err(data.val_loc(key), f"'{key}' should be text, not {_describe(value)}")
            return None
        if isinstance(value, int | float):
            return str(value)  # version: 1.0 and the like
        if not isinstance(value, str):
            self.err(data.val_loc(key), f"'{key}' should be text, not {_describe(value)}")
            return None
        return value

    def flag(self, data: LMap, key: str, default: bool = False) -> bool:
        if key not in data:
            return default
        if self.typed(data, key, bool, "true or false"):
            return data[key]
        return default

    def str_list(self, data: LMap, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.err(data.val_loc(key), f"'{key}' should be a list of words or phrases, "
                     f"not {_describe(value)}")
            return []
        return list(value)

    def phrases(self, data: LMap, key: str) -> list[tuple[str, ...]]:
        out = []
        for p in self.str_list(data, key):
            ws = apply_synonyms(words(p), self.synonym_index)
            if key in ("commands", "verbs"):
                ws = canonical(ws)
            if ws:
                out.append(self.share(tuple(self.share(w) for w in ws)))
            else:
                self.err(data.val_loc(key), f"'{p}' in '{key}' has no words a player could type")
        return out

    def expr(self, data: LMap, key: str, names: ex.Names) -> ex.Expr | None:
        if key not in data:
            return None
        src = data[key]
        if isinstance(src, bool):
            return ex.constant(src)
        if not isinstance(src, str):
            self.err(data.val_loc(key), f"'{key}' should be a condition such as "
                     f"'has padd and not alarm', not {_describe(src)}")
            return None
        try:
            e = ex.parse(src, names)
        except ex.ExprError as err:
            self.err(locate(data.val_loc(key), src, err.offset), err.message)
            return None
        if e.type not in ("bool", "any"):
            self.err(data.val_loc(key), f"'{key}' should be a condition, but '{src}' is "
                     f"{ex._a(e.type)} (compare it: {src} > 0)")
        return e

    def text(self, data: LMap, key: str, names: ex.Names, required: bool = False
             ) -> TextSpec | None:
        if key not in data or data[key] is None:
            if required:
                self.err(data.loc, f"missing '{key}'")
            return None
        return self.text_value(data[key], data.val_loc(key), key, names)

    def text_value(self, value: Any, loc: Loc, key: str, names: ex.Names) -> TextSpec | None:
        if isinstance(value, LMap):
            if list(value) != ["one_of"] or not isinstance(value["one_of"], LList) \
                    or not value["one_of"]:
                self.err(loc, f"'{key}' should be text, or {{one_of: [text, ...]}}")
                return None
            opts = value["one_of"]
            out = [self.text_value(v, opts.item_loc(i), key, names) for i, v in enumerate(opts)]
            for i, o in enumerate(out):
                if isinstance(o, OneOf):
                    self.err(opts.item_loc(i), "one_of cannot hold another one_of; list the "
                             "texts in one")
            if any(o is None or isinstance(o, OneOf) for o in out):
                return None
            return OneOf(out)  # type: ignore[arg-type]
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.err(loc, f"'{key}' should be text, not {_describe(value)}")
            return None
        if key in PROSE_KEYS:
            self.info.words += len(_CODE.sub(" ", value).split())
        try:
            return compile_text(value, names)
        except ex.ExprError as err:
            self.err(locate(loc, value, err.offset), err.message)
            return None

    def effects(self, data: LMap, key: str, names: ex.Names) -> list:
        if key not in data:
            return []
        en = EffectNames(names, set(self.event_src), self.max_score is not None, self.writes,
                         self.info.moved, self.info.scheduled)
        return compile_effects(data[key], data.val_loc(key), en, self.err)

    # -- pass 2: build ---------------------------------------------------------
    def build(self, fingerprint: str) -> Story:
        self.synonym_index = synonym_index(self.synonyms)
        meta = self.meta
        assert meta is not None
        self.keys(meta, META_KEYS, "the story metadata")
        ident = self.text_field(meta, "id")
        if not ident:
            self.err(meta.loc, "the story needs an 'id' (a stable name such as terok-nor; "
                     "saves are tied to it)")
        elif not STORY_ID.match(ident):
            self.err(meta.val_loc("id"), "the story id may hold letters, digits, - and _")
        title = self.text_field(meta, "title") or ""
        if not title:
            self.err(meta.loc, "the story needs a 'title'")
        self.max_score = None
        if "max_score" in meta and self.typed(meta, "max_score", int, "a whole number"):
            self.max_score = meta["max_score"]
        initial, types = self.initial_state(meta)
        names = ex.Names(
            variables=types, scenes=set(self.scene_src), things=set(self.thing_src),
            actions=self.action_keys(), used=self.reads, shared=self.shared,
        )
        start = self.text_field(meta, "start")
        if not start:
            self.err(meta.loc, "the story needs a 'start' scene")
        elif start not in self.scene_src:
            self.err(meta.val_loc("start"), f"start scene '{start}' is not defined"
                     f"{did_you_mean(start, self.scene_src)}")
        for sid, kloc in self.ext_keys:
            if sid not in self.scene_src:
                self.err(kloc, f"'extend' names scene '{sid}', which no file defines"
                         f"{did_you_mean(sid, self.scene_src)}")
        things = {}
        for tid, (tdata, scene, kloc) in self.thing_src.items():
            with self.chapter_of(names, self.scene_chapter(scene) if scene in self.scene_src
                                 else self.file_chapter_of(tdata)):
                things[tid] = self.thing(tid, tdata, scene, kloc, names)
        self.check_holders(things)
        events = {}
        for eid, d in self.event_src.items():
            with self.chapter_of(names, self.file_chapter_of(d)):
                events[eid] = self.event(eid, d, names)
        globals_ = []
        for i, (d, loc) in enumerate(self.global_src):
            with self.chapter_of(names, self.file_chapter_of(d)):
                globals_.append(self.action(d, loc, "global", names.in_scene(None, False), i))
        globals_ = [a for a in globals_ if a is not None]
        scenes = {}
        for sid in list(self.scene_src):
            with self.chapter_of(names, self.scene_chapter(sid)):
                scenes[sid] = self.scene(sid, *self.scene_src[sid], names, globals_)
            self.release(sid)
        self.check_calls(scenes)
        puzzles = {}
        for pid, d in self.puzzle_src.items():
            with self.chapter_of(names, self.file_chapter_of(d)):
                puzzles[pid] = self.puzzle(pid, d, names)
        by_key = {a.key: a for s in scenes.values() for a in s.actions}
        by_key.update({a.key: a for a in globals_})
        hidden = frozenset(k for k, a in by_key.items() if a.hidden)
        return Story(
            id=ident or "", title=title, author=self.text_field(meta, "author") or "",
            version=self.text_field(meta, "version") or "", start=start or "",
            initial=initial, max_score=self.max_score,
            intro=self.text(meta, "intro", names.in_scene(None, True)),
            scenes=scenes, things=things, events=events, global_actions=globals_,
            puzzles=puzzles,
            synonyms=sorted(self.synonyms, key=lambda s: -len(s[0])),
            actions_by_key=by_key, fingerprint=fingerprint, root=str(self.root),
            initially_hidden=hidden, info=self.info,
        )

    def initial_state(self, meta: LMap) -> tuple[dict[str, Any], dict[str, str]]:
        initial: dict[str, Any] = {}
        types: dict[str, str] = {}
        # The metadata's state first, then each file's own top-level `state:` (a branch
        # declares its variables without editing the story's metadata).
        sources = [meta] + [data for _, data in self.files if "state" in data]
        for holder in sources:
            if holder.get("state") is None:
                continue
            if self.typed(holder, "state", LMap, "a mapping of variable: initial value"):
                self.declare(holder["state"], initial, types)
        return initial, types

    def declare(self, state: LMap, initial: dict[str, Any], types: dict[str, str]) -> None:
        for var in state:
            loc = state.key_loc(var)
            value = state[var]
            if not self.check_id(var, loc, "variable") or not self.define("variable", var, loc):
                continue
            self.info.var_locs[var] = loc
            if var in ex.BUILTIN_VARS or var in ex.KEYWORDS:
                self.err(loc, f"'{var}' is a built-in word; choose another name")
                continue
            if isinstance(value, bool):
                types[var] = "bool"
            elif isinstance(value, int):
                types[var] = "int"
            elif isinstance(value, str):
                types[var] = "str"
            else:
                self.err(state.val_loc(var), f"variable '{var}' should start as true/false, "
                         f"a whole number or text, not {_describe(value)}")
                continue
            initial[var] = value

    def release(self, sid: str) -> None:
        """A scene is built: let go of what was read for it, so that a large story never
        holds all of its located text and all of its model at once."""
        _, file, chapter = self.scene_src[sid]
        self.scene_src[sid] = (LMap.at(Loc(file, 0, 0)), file, chapter)
        self.ext_src.pop(sid, None)
        parent = self.scene_parent.pop(sid, None)
        if parent is not None:
            parent.pop(sid, None)

    def action_keys(self) -> set[str]:
        keys = set()
        for sid in self.scene_src:
            for i, a in _numbered_actions(self.parts(sid)):
                if isinstance(a, LMap):
                    keys.add(f"{sid}.{_action_id(a, i)}")
        for i, (a, _) in enumerate(self.global_src):
            keys.add(f"global.{_action_id(a, i)}")
        return keys

    def thing(self, tid: str, data: LMap, scene: str | None, kloc: Loc, names: ex.Names
              ) -> Thing:
        self.keys(data, THING_KEYS, f"thing '{tid}'")
        name = self.text_field(data, "name") or tid.replace("_", " ")
        location = self.text_field(data, "location")
        if location is None:
            location = scene or NOWHERE
            if scene is None:
                self.err(kloc, f"thing '{tid}' needs a 'location' (a scene, player, worn, "
                         "nowhere or a thing id)")
        elif scene is not None and location != scene:
            pass  # defined under one scene, placed elsewhere: allowed, the location wins
        if location not in (PLAYER, WORN, NOWHERE) and location not in self.scene_src \
                and location not in self.thing_src:
            pool = list(self.scene_src) + list(self.thing_src) + [PLAYER, WORN, NOWHERE]
            self.err(data.val_loc("location"), f"unknown location '{location}'"
                     f"{did_you_mean(location, pool)}")
        holds = self.text_field(data, "holds")
        if holds is not None and holds not in ("in", "on"):
            self.err(data.val_loc("holds"), "'holds' should be 'in' or 'on'")
            holds = None
        article = self.text_field(data, "article")
        if article is None:
            article = "an" if name[:1].lower() in "aeiou" else "a"
        elif not re.fullmatch(r"[A-Za-z]+", article):
            self.err(data.val_loc("article"), "'article' should be one word: a, an, the, "
                     "some, your, ... or none")
        portable = self.flag(data, "portable")
        wearable = self.flag(data, "wearable")
        text_names = names.in_scene(scene, True)
        return Thing(
            id=tid, name=words(name) or (tid,),
            adjectives=frozenset(w for a in self.str_list(data, "adjectives") for w in words(a)),
            synonyms=[words(s) for s in self.str_list(data, "synonyms") if words(s)],
            article=article, description=self.text(data, "description", text_names),
            location=location, portable=portable or wearable, wearable=wearable, holds=holds,
            listed=self.flag(data, "listed", portable or wearable),
            take_refuse=self.text(data, "take_refuse", text_names), loc=kloc,
            pronoun=self.pronoun(data), called=" ".join(name.split()),
        )

    def pronoun(self, data: LMap) -> str:
        value = self.text_field(data, "pronoun") or "it"
        if value not in ("it", "him", "her", "them"):
            self.err(data.val_loc("pronoun"), "'pronoun' should be it, him, her or them")
            return "it"
        return value

    def check_holders(self, things: dict[str, Thing]) -> None:
        for t in things.values():
            holder = things.get(t.location)
            if holder is not None and holder.holds is None:
                src = self.thing_src[t.id][0]
                self.err(src.val_loc("location"), f"'{t.location}' cannot hold things; give "
                         "it 'holds: in' or 'holds: on'")
            seen = {t.id}
            cur = t.location
            while cur in things:
                if cur in seen:
                    self.err(t.loc, f"thing '{t.id}' is inside itself (through '{cur}')")
                    break
                seen.add(cur)
                cur = things[cur].location

    def event(self, eid: str, data: LMap, names: ex.Names) -> Event:
        self.keys(data, EVENT_KEYS, f"event '{eid}'")
        to = self.scene_ref(data, "to")
        return Event(eid, self.expr(data, "when", names.in_scene(None, False)),
                     self.text(data, "text", names.in_scene(None, True)),
                     self.effects(data, "do", names.in_scene(None, True)), to,
                     trigger=f"event:{eid}")

    def scene_ref(self, data: LMap, key: str) -> str | None:
        target = self.text_field(data, key)
        if target is not None and target not in self.scene_src:
            self.err(data.val_loc(key), f"unknown scene '{target}'"
                     f"{did_you_mean(target, self.scene_src)}")
            return None
        return target

    def file_chapter_of(self, data: LMap) -> str:
        return self.file_chapter.get(getattr(data, "file", ""), "")

    def scene_chapter(self, sid: str) -> str:
        data, _, chapter = self.scene_src[sid]
        return self.text_field(data, "chapter") or chapter

    def scene(self, sid: str, data: LMap, file: str, chapter: str, names: ex.Names,
              globals_: list[Action]) -> Scene:
        self.keys(data, SCENE_KEYS, f"scene '{sid}'")
        guard = names.in_scene(sid, False)
        free = names.in_scene(sid, True)
        title = self.text_field(data, "title")
        if not title:
            self.err(data.loc, f"scene '{sid}' needs a 'title'")
        ending = self.ending(data, free)
        text = self.text(data, "text", free, required=ending is None)
        parts = self.parts(sid)
        scene = Scene(
            id=sid, title=title or sid, chapter=self.scene_chapter(sid),
            text=text or compile_text("", free), ending=ending,
            variants=[v for p in parts for v in self.variants(p, guard, free)],
            on_enter=[fx for p in parts for fx in self.effects(p, "on_enter", free)],
            exits=self.exits(sid, parts, guard, free),
            fallback=self.fallback(sid, data, guard, free),
            hints=[h for p in parts for h in self.hints(p, "hints", free)],
            conversation=self.flag(data, "conversation"), loc=self.first_def[f"scene:{sid}"],
        )
        scene.actions = self.scene_actions(sid, parts, guard, globals_, scene.conversation)
        if ending and (scene.exits or any(not a.key.startswith("global.")
                                          for a in scene.actions)):
            self.err(data.key_loc("ending"), f"scene '{sid}' is an ending, so it cannot have "
                     "exits or actions of its own")
        return scene

    def ending(self, data: LMap, names: ex.Names) -> Ending | None:
        if "ending" not in data or not self.typed(data, "ending", LMap,
                                                  "a mapping with kind, title and epilogue"):
            return None
        e = data["ending"]
        self.keys(e, ENDING_KEYS, "an ending")
        kind = self.text_field(e, "kind") or "ending"
        return Ending(kind, self.text_field(e, "title") or kind.capitalize(),
                      self.text(e, "epilogue", names))

    def variants(self, data: LMap, guard: ex.Names, free: ex.Names
                 ) -> list[tuple[ex.Expr, TextSpec]]:
        out: list[tuple[ex.Expr, TextSpec]] = []
        if "variants" not in data or not self.typed(data, "variants", LList,
                                                    "a list of {when, text}"):
            return out
        items = data["variants"]
        for i, v in enumerate(items):
            if not isinstance(v, LMap):
                self.err(items.item_loc(i), "a variant is a mapping with 'when' and 'text'")
                continue
            self.keys(v, VARIANT_KEYS, "a text variant")
            if "when" not in v:
                self.err(v.loc, "a variant needs 'when'")
            cond = self.expr(v, "when", guard)
            text = self.text(v, "text", free, required=True)
            if cond and text:
                out.append((cond, text))
        return out

    def hints(self, data: LMap, key: str, names: ex.Names) -> list[TextSpec]:
        if key not in data or not self.typed(data, key, LList, "a list of hints"):
            return []
        items = data[key]
        out = [self.text_value(h, items.item_loc(i), key, names) for i, h in enumerate(items)]
        return [h for h in out if h is not None]

    def exits(self, sid: str, parts: list[LMap], guard: ex.Names, free: ex.Names
              ) -> list[Exit]:
        out: list[Exit] = []
        seen: dict[str, Loc] = {}
        for data in parts:
            for ex_ in self.part_exits(sid, data, guard, free):
                if ex_.key in seen:
                    self.err(ex_.loc, f"exit '{ex_.key}' of scene '{sid}' is defined twice: "
                             f"here and at {seen[ex_.key]}")
                    continue
                seen[ex_.key] = ex_.loc
                out.append(ex_)
        return out

    def part_exits(self, sid: str, data: LMap, guard: ex.Names, free: ex.Names
                   ) -> list[Exit]:
        out: list[Exit] = []
        if "exits" not in data or data["exits"] is None:
            return out
        if not self.typed(data, "exits", LMap, "a mapping of direction or name to scene"):
            return out
        exits = data["exits"]
        for key in exits:
            value = exits[key]
            kloc = exits.key_loc(key)
            spec = value if isinstance(value, LMap) else None
            if spec is None:
                if not isinstance(value, str):
                    self.err(exits.val_loc(key), "an exit is a scene id or a mapping with 'to'")
                    continue
                spec = LMap.at(kloc, {"to": value})
                spec.locate_key("to", kloc, exits.val_loc(key))
            self.keys(spec, EXIT_KEYS, f"exit '{key}'")
            to = self.scene_ref(spec, "to")
            if spec.get("to") is None:
                self.err(spec.loc, f"exit '{key}' needs 'to' (the scene it leads to)")
            if not words(str(key)):
                self.err(kloc, f"exit '{key}' needs a name a player can type")
                continue
            names = [words(str(key))]
            names += [(abbr,) for abbr in DIRECTIONS.get(str(key), ())]
            names += self.phrases(spec, "names")
            if to is None:
                continue
            out.append(Exit(
                key=str(key), to=to, names=names, label=self.text(spec, "label", free),
                when=self.expr(spec, "when", guard), refuse=self.text(spec, "refuse", free),
                text=self.text(spec, "text", free), hidden=self.flag(spec, "hidden"),
                trigger=f"exit:{sid}:{key}", loc=kloc,
            ))
        return out

    def fallback(self, sid: str, data: LMap, guard: ex.Names, free: ex.Names
                 ) -> Fallback | None:
        if "fallback" not in data or not self.typed(data, "fallback", LMap,
                                                    "a mapping with when, text, do, to"):
            return None
        f = data["fallback"]
        self.keys(f, FALLBACK_KEYS, "a fallback")
        return Fallback(self.expr(f, "when", guard), self.text(f, "text", free),
                        self.effects(f, "do", free), self.scene_ref(f, "to"),
                        trigger=f"fallback:{sid}")

    def scene_actions(self, sid: str, parts: list[LMap], guard: ex.Names,
                      globals_: list[Action], conversation: bool) -> list[Action]:
        own: list[Action] = []
        seen: dict[str, Loc] = {}
        for data in parts:
            if "actions" in data and data["actions"] is not None:
                self.typed(data, "actions", LList, "a list of actions")
        for i, item, loc in _numbered_actions(parts, with_locs=True):
            if not isinstance(item, LMap):
                self.err(loc, "an action is a mapping with commands, text, to, ...")
                continue
            a = self.action(item, loc, sid, guard, i)
            if a.id in seen:
                self.err(item.val_loc("id") if "id" in item else loc,
                         f"action '{a.id}' of scene '{sid}' is defined twice: here and at "
                         f"{seen[a.id]}")
                continue
            seen[a.id] = loc
            own.append(a)
        if conversation and not any(a.ret for a in own):
            own.append(Action(id="leave", key=f"{sid}.leave", commands=list(LEAVE_WORDS),
                              label=compile_text("End the conversation", guard), ret=True,
                              trigger=f"action:{sid}:leave", loc=data.loc))
        overridden = {a.id for a in own}
        return [a for a in own if not a.disabled] + [g for g in globals_
                                                     if g.id not in overridden]

    def action(self, data: LMap, loc: Loc, scope: str, guard: ex.Names, index: int) -> Action:
        self.keys(data, ACTION_KEYS, "an action")
        aid = _action_id(data, index)
        if "id" in data and not (isinstance(data["id"], str) and ID.match(data["id"])):
            self.err(data.val_loc("id"), "an action id is lower-case letters, digits and _")
        free = guard.in_scene(guard.scene, True)
        a = Action(
            id=aid, key=f"{scope}.{aid}", commands=self.phrases(data, "commands"),
            verbs=self.phrases(data, "verbs"), nouns=self.phrases(data, "nouns"),
            label=self.text(data, "label", free), hidden=self.flag(data, "hidden"),
            once=self.flag(data, "once"), when=self.expr(data, "when", guard),
            refuse=self.text(data, "refuse", free), do=self.effects(data, "do", free),
            text=self.text(data, "text", free), to=self.scene_ref(data, "to"),
            call=self.scene_ref(data, "call"), ret=self.flag(data, "return"),
            disabled=self.flag(data, "disabled"), trigger=f"action:{scope}:{aid}", loc=loc,
        )
        for key in ("thing", "second"):
            ref = self.text_field(data, key)
            if ref is None:
                continue
            if ref in self.thing_src:
                setattr(a, key, ref)
            else:
                self.err(data.val_loc(key), f"unknown thing '{ref}'"
                         f"{did_you_mean(ref, self.thing_src)}")
        prep = self.text_field(data, "preposition")
        if prep is not None:
            a.preposition = words(prep)
        a.topics = [words(t) for t in self.str_list(data, "topics") if words(t)]
        if (a.second or a.topics) and not a.preposition:
            self.err(loc, "'second' and 'topics' need a 'preposition' (give X to Y: 'to')")
        if a.preposition and not (a.second or a.topics):
            self.err(loc, "'preposition' needs 'second' (a thing) or 'topics' (words)")
        if sum(x is not None and x is not False for x in (a.to, a.call, a.ret or None)) > 1:
            self.err(loc, "an action takes at most one of 'to', 'call' and 'return'")
        if (a.nouns or a.thing) and not a.verbs:
            self.err(loc, "'nouns' and 'thing' need 'verbs' to go with them")
        if not (a.commands or a.verbs or a.label or a.disabled):
            self.err(loc, "an action needs a way in: 'commands', 'verbs' or a 'label'")
        return a

    def check_calls(self, scenes: dict[str, Scene]) -> None:
        for s in scenes.values():
            for a in s.actions:
                if a.call and a.call in scenes and not scenes[a.call].conversation:
                    self.err(a.loc, f"'call: {a.call}' needs a scene with 'conversation: true' "
                             "(or use 'to:' to go there)")
                if a.ret and not s.conversation and not a.key.startswith("global."):
                    self.err(a.loc, "'return: true' works only in a scene with "
                             "'conversation: true'")

    def puzzle(self, pid: str, data: LMap, names: ex.Names) -> Puzzle:
        self.keys(data, PUZZLE_KEYS, f"puzzle '{pid}'")
        scene = self.scene_ref(data, "scene")
        solved = self.expr(data, "solved", names.in_scene(scene, False))
        if "solved" not in data:
            self.err(data.loc, f"puzzle '{pid}' needs 'solved' (a condition)")
        hints = self.hints(data, "hints", names.in_scene(scene, True))
        if not hints:
            self.err(data.loc, f"puzzle '{pid}' needs a list of 'hints'")
        return Puzzle(pid, scene, self.expr(data, "when", names.in_scene(scene, False)),
                      solved or ex.constant(False), hints)


def _numbered_actions(parts: list[LMap], with_locs: bool = False):
    """Every action of a scene and its extensions, numbered across them (for auto ids)."""
    index = 0
    for data in parts:
        items = data.get("actions")
        if not isinstance(items, LList):
            continue
        for i, item in enumerate(items):
            yield (index, item, items.item_loc(i)) if with_locs else (index, item)
            index += 1


def _action_id(data: LMap, index: int) -> str:
    ident = data.get("id")
    if isinstance(ident, str) and ident:
        return ident
    for key in ("commands", "verbs", "label"):
        value = data.get(key)
        first = value[0] if isinstance(value, list) and value else value
        if isinstance(first, str) and words(first):
            return "_".join(words(first))[:40] + f"_{index + 1}"
    return f"action_{index + 1}"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"'{value}'" if len(str(value)) < 40 else "text"

