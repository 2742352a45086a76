"""Completion for the language server: the format's keys at each level, from the JSON
Schema the project ships, and ids where an id is expected (a scene after `to:`,
variables in guards and `${...}`, things in effects...).

It reads the text around the cursor, not the parsed file: while an author types, the
file is often not valid YAML."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from ..story import expr as ex
from ..story.places import PLACES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .lsp_folder import Folder

FUNCTIONS = {"has": "has(thing): the player carries it", "wearing": "wearing(thing)",
             "here": "here(thing): it is in this scene",
             "with": "with(person): where the player is, seen or not",
             "location": "location(thing)",
             "visited": "visited(scene): how many times", "at": "at(scene): the player is there",
             "done": "done(action): how many times", "chance": "chance(percent), not in guards",
             "random": "random(low, high), not in guards"}
EFFECT_VERBS = ("set", "unset", "give", "remove", "wear", "move", "reveal", "hide",
                "schedule", "cancel", "say")
_KEY_LINE = re.compile(r"^( *)(- +)?((?:[^\s#:'\"][^:#]*?)|'[^']*'|\"[^\"]*\")\s*:(?:\s|$)")
_DASH = re.compile(r"^( *)- ")


class Item(NamedTuple):
    label: str
    kind: str  # key, scene, thing, action, event, puzzle, variable, function, keyword, verb
    detail: str


@cache
def schema() -> dict[str, Any]:
    src = resources.files("adventure.schema").joinpath("story.schema.json").read_text("utf-8")
    return json.loads(src)


def _branches(node: Any) -> list[dict[str, Any]]:
    """A schema node and every node its $ref, allOf, anyOf and oneOf lead to."""
    out: list[dict[str, Any]] = []
    todo = [node]
    while todo:
        n = todo.pop()
        if not isinstance(n, dict) or any(n is o for o in out) or len(out) > 50:
            continue
        out.append(n)
        ref = n.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            todo.append(schema()["$defs"].get(ref.split("/")[-1]))
        for k in ("allOf", "anyOf", "oneOf"):
            todo.extend(n.get(k, []))
    return out


def _step(node: Any, step: str) -> list[Any]:
    out = []
    for b in _branches(node):
        if step == "[]":
            if isinstance(b.get("items"), dict):
                out.append(b["items"])
        elif step in b.get("properties", {}):
            out.append(b["properties"][step])
        elif isinstance(b.get("additionalProperties"), dict):
            out.append(b["additionalProperties"])
    return out


def keys_at(path: list[str]) -> dict[str, str]:
    """The keys the format allows at a path of keys ('[]': an item of a list), with
    their descriptions."""
    nodes: list[Any] = [schema()]
    for step in path:
        nodes = [n for node in nodes for n in _step(node, step)]
    out: dict[str, str] = {}
    for node in nodes:
        for b in _branches(node):
            for k, v in b.get("properties", {}).items():
                desc = " ".join(x.get("description", "") for x in _branches(v)[:2]
                                if isinstance(x, dict))
                out.setdefault(k, desc.strip())
    return out


def path_at(lines: list[str], row: int, indent: int, dash: bool) -> list[str]:
    """The keys above a position (row from 0) whose text starts at column `indent`;
    `dash`: the position is the first key of a list item."""
    steps: list[str] = ["[]"] if dash else []
    cur = indent - 2 if dash else indent
    after_dash = dash
    for i in range(row - 1, -1, -1):
        line = lines[i]
        body = line.strip()
        if not body or body.startswith("#"):
            continue
        ind = len(line) - len(line.lstrip(" "))
        m = _KEY_LINE.match(line)
        if m:
            key_ind = ind + (len(m.group(2)) if m.group(2) else 0)
            ancestor = key_ind < cur or (after_dash and key_ind == cur and not m.group(2))
            if not ancestor:
                continue
            steps.insert(0, m.group(3).strip("'\""))
            if m.group(2):
                steps.insert(0, "[]")
                cur, after_dash = ind, True
            else:
                cur, after_dash = key_ind, False
        elif _DASH.match(line) and ind < cur:
            steps.insert(0, "[]")
            cur, after_dash = ind, True
        if cur == 0 and not after_dash:
            break
    return steps


def complete(folder: Folder, lines: list[str], row: int, col: int) -> list[Item]:
    """What may be typed at a position (row and column from 0)."""
    line = lines[row] if row < len(lines) else ""
    before = line[:col]
    code = before.rfind("${")
    if code >= 0 and "}" not in before[code:]:
        return _expression(folder, before[code + 2:])
    if _in_block(lines, row, len(line) - len(line.lstrip(" ")) if line.strip() else col):
        return []  # prose
    m = re.match(r"^( *)(- +)?([a-z_]*)$", before)
    if m and not (m.group(2) and _effects_list(lines, row, len(m.group(1)))):
        indent = len(m.group(1)) + len(m.group(2) or "")
        path = path_at(lines, row, indent, bool(m.group(2)))
        return [Item(k, "key", d) for k, d in keys_at(path).items()]
    km = _KEY_LINE.match(line)
    if km and km.end() <= col + 1:
        key = km.group(3)
        indent = len(km.group(1)) + len(km.group(2) or "")
        path = path_at(lines, row, indent, bool(km.group(2)))
        value = before[km.end():]
        return _value(folder, key, path, value, lines, row)
    dm = _DASH.match(before)
    if dm and _effects_list(lines, row, len(dm.group(1))):
        return _effect(folder, before[dm.end():])
    return []


def _in_block(lines: list[str], row: int, indent: int) -> bool:
    """Is a line indented `indent` inside a block scalar (`text: |`)?"""
    for i in range(row - 1, -1, -1):
        line = lines[i]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" ")) < indent:
            return re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", line) is not None
    return False


def _effects_list(lines: list[str], row: int, indent: int) -> bool:
    path = path_at(lines, row, indent + 2, True)
    return len(path) >= 2 and path[-2] in ("do", "on_enter", "then", "else")


def _value(folder: Folder, key: str, path: list[str], value: str, lines: list[str],
           row: int) -> list[Item]:
    inner = re.search(r"[{,]\s*([a-z_]+):\s*([^:,{}\[\]]*)$", value)
    if inner:  # inside a flow mapping: {to: ...}, [{when: ...}]
        path = [*path, key, "[]"] if "[" in value[:inner.start()] else [*path, key]
        key, value = inner.group(1), inner.group(2)
    value = value.lstrip("[ ")
    if key in ("to", "call", "start") or (key == "scene" and "puzzles" in path) or \
            (path and path[-1] == "exits"):
        return _ids(folder, "scene")
    if key in ("thing", "second"):
        return _ids(folder, "thing")
    if key == "location":
        return _ids(folder, "scene") + _ids(folder, "thing") + _places()
    if key in ("when", "solved", "if"):
        return _expression(folder, value)
    if key in ("do", "on_enter", "then", "else"):
        return _effect(folder, value.split(",")[-1].lstrip())
    return []


def _ids(folder: Folder, kind: str) -> list[Item]:
    return [Item(i, kind, about.split("\n")[0].strip("*")) for i, about in
            sorted(folder.ids(kind).items())]


def _places() -> list[Item]:
    return [Item(p, "keyword", "a built-in place") for p in PLACES]


def _expression(folder: Folder, text: str) -> list[Item]:
    """Completion inside a condition or a `${...}`, given the text typed so far."""
    stripped = text.rstrip("abcdefghijklmnopqrstuvwxyz0123456789_.")
    call = re.search(r"(\w+)\s*\(\s*$", stripped)
    if call:
        func = call.group(1)
        if func in ("visited", "at"):
            return _ids(folder, "scene")
        if func == "done":
            return _ids(folder, "action")
        if func in ("has", "wearing", "here", "with", "location"):
            return _ids(folder, "thing")
    if re.search(r"\b(has|wearing)\s+$", stripped):
        return _ids(folder, "thing")
    out = _ids(folder, "variable")
    out += [Item(v, "variable", "built in") for v in ex.BUILTIN_VARS]
    out += [Item(f, "function", d) for f, d in FUNCTIONS.items()]
    out += [Item(k, "keyword", "") for k in ("and", "or", "not", "true", "false")]
    return out


def _effect(folder: Folder, text: str) -> list[Item]:
    """Completion in an effect statement, given the statement typed so far."""
    words = text.split()
    ended = text.endswith(" ")
    done = words if ended else words[:-1]  # the words before the one being typed
    if not done:
        return [Item(v, "keyword", "an effect") for v in EFFECT_VERBS] + _ids(folder,
                                                                               "variable")
    verb = done[0]
    if len(done) == 1:
        kinds = {"set": "variable", "unset": "variable", "give": "thing", "remove": "thing",
                 "wear": "thing", "move": "thing", "reveal": "action", "hide": "action",
                 "schedule": "event", "cancel": "event"}
        if verb in kinds:
            return _ids(folder, kinds[verb])
    if verb == "move" and len(done) == 3:
        return _ids(folder, "scene") + _ids(folder, "thing") + _places()
    if verb not in EFFECT_VERBS and len(done) >= 2:  # an assignment's expression
        return _expression(folder, " ".join(done[2:]) + (" " if ended else ""))
    return []
