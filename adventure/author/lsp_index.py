"""Where every id of a story file is defined and used, for the language server.

One walk over a file's located YAML (the same values the loader compiles) notes each
definition and each reference of a scene, thing, action, event, puzzle or variable,
with its exact place in the source: inside guards, texts and effects too, found with the
expression tokenizer and the effect forms the loader uses. The walk is per file, so an
edit re-indexes only the file that changed, and a file that no longer parses keeps its
last index (the editor's outline and go-to-definition keep working while it is broken).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..story import expr as ex
from ..story.diagnostics import Loc
from ..story.effects import effect_shape
from ..story.load_actions import action_id
from ..story.located import LList, LMap, locate
from ..story.text import split_template

KINDS = ("scene", "thing", "action", "event", "puzzle", "variable")
# a place (where a thing starts or moves to) is a scene or a thing: resolved when asked
PLACE = "place"
_THING_FUNCS = ("has", "wearing", "here", "with", "location")
_SCENE_FUNCS = ("visited", "at")


class Occ(NamedTuple):
    """One occurrence of an id: where it is (line and column from 1) and what it does."""

    kind: str  # one of KINDS, or PLACE
    ident: str  # an action's is "scene.action" ("global.action" for a global one)
    line: int
    col: int
    length: int
    role: str  # "def", "read", "write" (a variable an effect sets) or "ref"


class Symbol(NamedTuple):
    """An entry of a file's outline."""

    kind: str
    ident: str
    line: int  # the key's line
    col: int
    end: int  # the last line of its block
    detail: str
    children: tuple[Symbol, ...]


class FileIndex:
    """The occurrences and the outline of one file, and what hover shows of its
    definitions (a scene's title and first line, a variable's declaration)."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.split("\n")
        self.occs: list[Occ] = []
        self.symbols: list[Symbol] = []
        self.about: dict[tuple[str, str], str] = {}  # (kind, id) -> a short description
        self.exprs: list[tuple[int, int, int, str]] = []  # (line, col, end line, source)

    def at(self, line: int, col: int) -> Occ | None:
        for o in self.occs:
            if o.line == line and o.col <= col < o.col + o.length:
                return o
        return None

    def expr_at(self, line: int) -> str | None:
        for first, _, last, src in self.exprs:
            if first <= line <= last:
                return src
        return None


def index_file(name: str, text: str, data: Any) -> FileIndex:
    """Index one file's located data (None when it did not parse: an empty index)."""
    w = _Walker(FileIndex(name, text))
    if isinstance(data, LMap):
        w.file(data)
    # a YAML alias ("description: *look") is the anchor's value again, at the anchor's
    # place: one occurrence in the source, however often it is used (a rename edits it once)
    w.out.occs = list(dict.fromkeys(w.out.occs))
    return w.out


def index_test_file(name: str, text: str, data: Any) -> FileIndex:
    """Index a story test (tests/*.yaml): the scenes, variables and things its
    expectations name, so that a rename reaches them too."""
    w = _Walker(FileIndex(name, text))
    start = data.get("start") if isinstance(data, LMap) else None
    # where the test begins (`start: {scene, vars, carrying}`) names them as its
    # expectations do; `start: other_test` names a test, not the story
    expects = [start] if isinstance(start, LMap) else []
    steps = data.get("steps") if isinstance(data, LMap) else None
    for step in steps if isinstance(steps, LList) else []:
        expect = step.get("expect") if isinstance(step, LMap) else None
        if isinstance(expect, LMap):
            expects.append(expect)
    for expect in expects:
        w.value("scene", expect, "scene")
        w.value("scene", expect, "ended")
        if isinstance(expect.get("vars"), LMap):
            for var in expect["vars"]:
                w.key("variable", expect["vars"], var, "ref")
        for key in ("carrying", "not_carrying"):
            items = expect.get(key)
            if not isinstance(items, LList):
                continue
            for i, item in enumerate(items):
                if isinstance(item, str):
                    w.add("thing", item, items.item_loc(i))
    return w.out


class _Walker:
    def __init__(self, out: FileIndex) -> None:
        self.out = out
        self.lines = out.lines

    # -- recording ---------------------------------------------------------------
    def add(self, kind: str, ident: str, loc: Loc, role: str = "ref") -> None:
        if loc.line > 0 and ident:
            self.out.occs.append(Occ(kind, ident, loc.line, loc.col, len(ident), role))

    def key(self, kind: str, m: LMap, k: str, role: str = "def") -> None:
        self.add(kind, k, m.key_loc(k), role)

    def value(self, kind: str, m: LMap, k: str, role: str = "ref") -> None:
        v = m.get(k)
        if isinstance(v, str):
            self.add(kind, v, locate(m.val_loc(k), v, 0), role)

    def end_line(self, line: int) -> int:
        """The last line of the block a key on `line` opens (by indentation)."""
        head = self.lines[line - 1]
        indent = len(head) - len(head.lstrip(" -"))
        last = line
        for i in range(line, len(self.lines)):
            body = self.lines[i]
            if not body.strip() or body.lstrip().startswith("#"):
                continue
            if len(body) - len(body.lstrip(" ")) <= indent:
                break
            last = i + 1
        return last

    def symbol(self, kind: str, ident: str, loc: Loc, detail: str = "",
               children: tuple[Symbol, ...] = ()) -> Symbol:
        return Symbol(kind, ident, loc.line, loc.col, self.end_line(loc.line) if loc.line else
                      loc.line, detail, children)

    # -- the parts of a file -----------------------------------------------------------
    def file(self, data: LMap) -> None:
        meta = data.get("story")
        if isinstance(meta, LMap):
            self.value("scene", meta, "start")
            self.text(meta, "intro")
            self.effects(meta, "elsewhere", None)
            self.state(meta)
        self.state(data)
        self.scenery(data)
        out = self.out.symbols
        for sid, body in _entries(data, "scenes"):
            self.key("scene", data["scenes"], sid)
            out.append(self.scene(sid, data["scenes"].key_loc(sid), body, own=True))
        for sid, body in _entries(data, "extend"):
            self.key("scene", data["extend"], sid, "ref")
            out.append(self.scene(sid, data["extend"].key_loc(sid), body, own=False))
        out.extend(self.things(data, None))
        for eid, body in _entries(data, "events"):
            self.key("event", data["events"], eid)
            self.expr(body, "when")
            self.text(body, "text")
            self.effects(body, "do", None)
            self.value("scene", body, "to")
            self.out.about[("event", eid)] = _line(body.get("text")) or f"when {body.get('when')}"
            out.append(self.symbol("event", eid, data["events"].key_loc(eid),
                                   str(body.get("when") or "")))
        for pid, body in _entries(data, "puzzles"):
            self.key("puzzle", data["puzzles"], pid)
            self.value("scene", body, "scene")
            scene = body.get("scene") if isinstance(body.get("scene"), str) else None
            self.expr(body, "when", scene)
            self.expr(body, "solved", scene)
            self.texts(body, "hints")
            self.out.about[("puzzle", pid)] = f"solved when {body.get('solved')}"
            out.append(self.symbol("puzzle", pid, data["puzzles"].key_loc(pid),
                                   str(body.get("solved") or "")))
        acts = data.get("global_actions")
        if isinstance(acts, LList):
            out.extend(self.actions(acts, "global", None))

    def state(self, holder: LMap) -> None:
        state = holder.get("state")
        if not isinstance(state, LMap):
            return
        for var in state:
            self.key("variable", state, var)
            self.out.about[("variable", var)] = f"{var}: {_show(state[var])}"
            self.out.symbols.append(self.symbol("variable", var, state.key_loc(var),
                                                _show(state[var])))

    def scene(self, sid: str, loc: Loc, body: LMap, own: bool) -> Symbol:
        title = body.get("title")
        if own:
            first = _line(body.get("text")) or _line((body.get("ending") or {}).get("epilogue")
                                                     if isinstance(body.get("ending"), LMap)
                                                     else None)
            self.out.about[("scene", sid)] = "\n\n".join(
                x for x in (f"**{title}**" if isinstance(title, str) else "", first) if x)
        self.text(body, "text")
        self.text(body, "revisit")
        variants = body.get("variants")
        if isinstance(variants, LList):
            for v in variants:
                if isinstance(v, LMap):
                    self.expr(v, "when", sid)
                    self.text(v, "text")
        self.effects(body, "on_enter", sid)
        ending = body.get("ending")
        if isinstance(ending, LMap):
            self.text(ending, "epilogue")
        exits = body.get("exits")
        if isinstance(exits, LMap):
            for key in exits:
                spec = exits[key]
                if isinstance(spec, str):
                    self.value("scene", exits, key)
                elif isinstance(spec, LMap):
                    self.value("scene", spec, "to")
                    self.expr(spec, "when", sid)
                    for k in ("label", "refuse", "text"):
                        self.text(spec, k)
        fallback = body.get("fallback")
        if isinstance(fallback, LMap):
            self.expr(fallback, "when", sid)
            self.text(fallback, "text")
            self.effects(fallback, "do", sid)
            self.value("scene", fallback, "to")
        self.texts(body, "hints")
        self.scenery(body)
        children = list(self.things(body, sid))
        acts = body.get("actions")
        if isinstance(acts, LList):
            children.extend(self.actions(acts, sid, sid))
        detail = title if isinstance(title, str) else "" if own else "(extension)"
        return self.symbol("scene", sid, loc, detail, tuple(children))

    def things(self, holder: LMap, scene: str | None) -> list[Symbol]:
        out = []
        for tid, body in _entries(holder, "things"):
            self.key("thing", holder["things"], tid)
            self.value(PLACE, body, "location")
            self.text(body, "description")
            self.text(body, "take_refuse")
            self.text(body, "talk")
            topics = body.get("topics")
            if isinstance(topics, LMap):
                for key in topics:
                    self.text(topics, key)
            name = body.get("name")
            self.out.about[("thing", tid)] = "\n\n".join(x for x in (
                f"**{name}**" if isinstance(name, str) else "",
                _line(body.get("description")), f"in {scene}" if scene else "") if x)
            out.append(self.symbol("thing", tid, holder["things"].key_loc(tid),
                                   name if isinstance(name, str) else ""))
        return out

    def actions(self, items: LList, scope: str, scene: str | None) -> list[Symbol]:
        out = []
        for i, a in enumerate(items):
            if not isinstance(a, LMap):
                continue
            aid = action_id(a, i)
            key = f"{scope}.{aid}"
            if isinstance(a.get("id"), str):
                self.add("action", key, a.val_loc("id"), "def")
                self.out.occs[-1] = self.out.occs[-1]._replace(length=len(aid))
            loc = a.val_loc("id") if "id" in a else items.item_loc(i)
            label = a.get("label")
            self.out.about[("action", key)] = label if isinstance(label, str) else aid
            self.expr(a, "when", scene)
            for k in ("label", "refuse", "text"):
                self.text(a, k)
            self.effects(a, "do", scene)
            self.value("scene", a, "to")
            self.value("scene", a, "call")
            self.value("thing", a, "thing")
            self.value("thing", a, "second")
            out.append(self.symbol("action", aid, loc, label if isinstance(label, str) else ""))
        return out

    # -- what compiles: texts, guards, effects ------------------------------------------
    def scenery(self, holder: LMap) -> None:
        """`scenery:` descriptions (a scene's or a file's shared ones) are texts too."""
        nouns = holder.get("scenery")
        if isinstance(nouns, LMap):
            for key in nouns:
                entry = nouns[key]
                if isinstance(entry, LMap) and "one_of" not in entry:  # a crowd that talks
                    self.text(entry, "description")
                    self.text(entry, "talk")
                    said = entry.get("topics")
                    if isinstance(said, LMap):
                        for topic in said:
                            self.text(said, topic)
                else:
                    self.text(nouns, key)

    def texts(self, holder: LMap, key: str) -> None:
        items = holder.get(key)
        if isinstance(items, LList):
            for i, item in enumerate(items):
                if isinstance(item, str):
                    self.text_in(item, items.item_loc(i))

    def text(self, holder: LMap, key: str) -> None:
        value = holder.get(key)
        if isinstance(value, str):
            self.text_in(value, holder.val_loc(key))
        elif isinstance(value, LMap) and isinstance(value.get("one_of"), LList):
            self.texts(value, "one_of")

    def text_in(self, value: str, loc: Loc, base: str | None = None, at: int = 0,
                scene: str | None = None) -> None:
        """The `${...}` of a text; `base`/`at`: the text is part of `base` from `at`."""
        try:
            parts = split_template(value)
        except ex.ExprError:
            return
        for kind, inner, offset in parts:
            if kind != "code":
                continue
            word = inner.split(None, 1)[0] if inner.strip() else ""
            if word in ("else", "end"):
                continue
            if word in ("if", "elif"):
                cut = inner.index(word) + len(word)
                inner, offset = inner[cut:], offset + cut
            self.expr_in(inner, loc, base if base is not None else value, at + offset, scene)

    def expr(self, holder: LMap, key: str, scene: str | None = None) -> None:
        src = holder.get(key)
        if isinstance(src, str):
            loc = holder.val_loc(key)
            self.out.exprs.append((loc.line, loc.col, loc.line + src.count("\n"), src))
            self.expr_in(src, loc, src, 0, scene)

    def expr_in(self, src: str, loc: Loc, value: str, at: int, scene: str | None) -> None:
        try:
            toks = ex.tokenize(src)
        except ex.ExprError:
            return
        for i, t in enumerate(toks):
            if t.kind == "str" and _compared_to_location(toks, i):  # location(x) == "deck"
                where = locate(loc, value, at + t.pos + 1)
                self.out.occs.append(Occ(PLACE, t.text[1:-1], where.line, where.col,
                                         len(t.text) - 2, "read"))
                continue
            if t.kind != "name" or t.text in ex.KEYWORDS or t.text in ex.BUILTIN_VARS:
                continue
            nxt = toks[i + 1]
            if nxt.kind == "op" and nxt.text == "(":
                continue  # a function's name
            prev = toks[i - 1].text if i else ""
            func = toks[i - 2].text if i > 1 and prev == "(" else ""
            if prev in ("has", "wearing") or func in _THING_FUNCS:
                kind, ident = "thing", t.text
            elif func in _SCENE_FUNCS:
                kind, ident = "scene", t.text
            elif func == "done":
                kind = "action"
                ident = t.text if "." in t.text or not scene else f"{scene}.{t.text}"
            else:
                kind, ident = "variable", t.text
            where = locate(loc, value, at + t.pos)
            self.out.occs.append(Occ(kind, ident, where.line, where.col, len(t.text), "read"))

    def effects(self, holder: LMap, key: str, scene: str | None) -> None:
        items = holder.get(key)
        loc = holder.val_loc(key)
        if isinstance(items, str):
            self.effect(items, loc, scene)
        elif isinstance(items, LList):
            for i, item in enumerate(items):
                if isinstance(item, str):
                    self.effect(item, items.item_loc(i), scene)
                elif isinstance(item, LMap):
                    self.expr(item, "if", scene)
                    self.effects(item, "then", scene)
                    self.effects(item, "else", scene)

    def effect(self, src: str, loc: Loc, scene: str | None) -> None:
        stmt = src.strip()
        lead = len(src) - len(src.lstrip())

        def put(kind: str, m: re.Match, group: int, role: str = "ref") -> None:
            word = m.group(group)
            qualify = kind == "action" and "." not in word and scene
            ident = f"{scene}.{word}" if qualify else word
            where = locate(loc, src, lead + m.start(group))
            self.out.occs.append(Occ(kind, ident, where.line, where.col, len(word), role))

        shape = effect_shape(stmt)
        if shape is None:
            return
        form, m = shape
        if form == "say":
            self.text_in(m.group(1), loc, src, lead + m.start(1), scene)
        elif form == "words":
            verb = m.group(1)
            kind = {"set": "variable", "unset": "variable", "reveal": "action",
                    "hide": "action", "cancel": "event"}.get(verb, "thing")
            put(kind, m, 2, "write" if kind == "variable" else "ref")
        elif form == "move":
            put("thing", m, 1)
            put(PLACE, m, 2)
        elif form == "schedule":
            put("event", m, 1)
        else:  # assign
            put("variable", m, 1, "write")
            self.expr_in(m.group(3), loc, src, lead + m.start(3), scene)


def _compared_to_location(toks: list, i: int) -> bool:
    """Is string token i one side of `location(x) == "..."` (or !=, either way round)?"""
    texts = [t.text for t in toks]
    if i >= 5 and texts[i - 1] in ("==", "!=") and texts[i - 2] == ")" \
            and texts[i - 4] == "(" and texts[i - 5] == "location":
        return True
    return texts[i + 1:i + 3] == ["!=", "location"] or texts[i + 1:i + 3] == ["==", "location"]


def _entries(holder: LMap, key: str) -> list[tuple[str, LMap]]:
    section = holder.get(key)
    if not isinstance(section, LMap):
        return []
    return [(k, v) for k, v in section.items() if isinstance(v, LMap)]


def _line(text: Any) -> str:
    """The first line of a text, without its `${...}`."""
    if isinstance(text, LMap) and isinstance(text.get("one_of"), LList) and text["one_of"]:
        text = text["one_of"][0]
    if not isinstance(text, str):
        return ""
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
