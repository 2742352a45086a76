"""Read YAML into plain data that remembers where every key and value came from.

We compose nodes with PyYAML's (C, when present) safe loader and build the
values ourselves: that gives a location for every key and value, catches
duplicate keys (PyYAML silently keeps the last one) and refuses any tag that
asks for more than plain data.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from sys import intern
from typing import Any

import yaml

from .diagnostics import Diagnostic, Loc
from .files import FileRefused, read_regular
from .limits import MAX_INT
from .located import _BITS, BlockLoc, LinesLoc, LList, LMap, QuotedLoc, Source, locate, unpack  # noqa: F401

try:  # the C loader is several times faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the build of PyYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Limits for untrusted files (docs/security.md). Loose enough for the 50,000-scene
# stories of the benchmarks, tight enough to stay within seconds and a few hundred MB.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_VALUES = 5_000_000  # per file
MAX_ALIAS_VALUES = 100_000  # values made by expanding aliases (a "billion laughs" stops here)
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


def _mark(node: yaml.Node, file: str, lines: list[str] | None = None) -> Loc:
    return unpack(file, _pos(node, lines))


def _pos(node: yaml.Node, lines: list[str] | None = None) -> int:
    """Where a node's value starts, packed into an int (see located.pack): a block
    scalar's first line of text at its indentation, whether the value was quoted, and
    whether a plain value goes on over several lines."""
    m = node.start_mark
    if node.__class__ is not yaml.ScalarNode:
        return (m.line + 1) << 32 | (m.column + 1) << 2
    style = node.style
    if style:
        if style in ("'", '"'):
            return (m.line + 1) << 32 | (m.column + 1) << 2 | 1
        if style in ("|", ">") and lines is not None and m.line + 1 < len(lines):
            return (m.line + 2) << 32 | (_block_indent(node.value, lines, m.line + 1) + 1) << 2 | 2
    elif node.end_mark.line != m.line:
        return (m.line + 1) << 32 | (m.column + 1) << 2 | 3
    return (m.line + 1) << 32 | (m.column + 1) << 2


def _block_indent(value: str, lines: list[str], first: int) -> int:
    """A block scalar's indentation: its first line with text, less that text (the
    first line may be blank, or the block may give its indentation as a number)."""
    text = value.lstrip("\n")
    at = first + len(value) - len(text)
    if text and at < len(lines):
        head = text.split("\n", 1)[0]
        source = lines[at].rstrip("\r")
        for k in range(len(source) - len(source.lstrip(" ")) + 1):
            if head.startswith(source[k:]):  # a folded head runs on past this line
                return k
    body = lines[first]
    return len(body) - len(body.lstrip(" "))


class _Builder:
    def __init__(self, file: str, problems: list[Diagnostic], text: str):
        self.file = file
        self.lines = text.split("\n")
        self.source = Source(text)
        self.problems = problems
        self.count = 0
        self.alias_values = 0
        self.in_alias = 0
        self.built: set[int] = set()
        self.active: set[int] = set()

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Diagnostic(_mark(node, self.file), message))

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooBig(f"more than {MAX_VALUES:,} values")
        if depth > MAX_DEPTH:
            raise _TooBig(f"nested deeper than {MAX_DEPTH} levels")
        if self.in_alias:
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                raise _TooBig(f"aliases expand to more than {MAX_ALIAS_VALUES:,} values "
                              "(an alias bomb?)")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.built:  # an alias: built again, and every value in it counts
            self.in_alias += 1
            try:
                return self._build_container(node, key, depth)
            finally:
                self.in_alias -= 1
        self.built.add(key)
        return self._build_container(node, key, depth)

    def _build_container(self, node: yaml.Node, key: int, depth: int) -> Any:
        if key in self.active:
            self.problem(node, "an alias refers to itself; stories cannot be recursive")
            return None
        self.active.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                return self.sequence(node, depth)
            return self.mapping(node, depth)
        finally:
            self.active.discard(key)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return intern(value) if len(value) <= 32 else value  # ids and words repeat
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() in ("true", "yes", "on")
        if tag == _INT:
            try:
                # the length first: int() of thousands of digits is slow, or refused
                number = _to_int(value) if len(value) <= 80 else MAX_INT + 1
            except ValueError:  # YAML 1.1 oddities such as 1:30; keep the text
                return value
            if abs(number) > MAX_INT:
                self.problem(node, f"the number is too large (a story number is at most "
                                   f"{MAX_INT:,})")
                return 0
            return number
        if tag == _FLOAT:
            text = value.replace("_", "").lower()
            try:
                f = float(text.replace(".inf", "inf").replace(".nan", "nan"))
            except ValueError:
                return value
            if math.isfinite(f) and f.is_integer():
                if abs(f) > MAX_INT:
                    self.problem(node, f"the number is too large (a story number is at most "
                                       f"{MAX_INT:,})")
                    return 0
                return int(f)
            return f
        if tag == _TIMESTAMP:  # a plain 2024-05-01 is text an author wrote, not a date
            return value
        # Binary and every application tag: not story data.
        self.problem(node, f"unsupported YAML tag {tag!r}; write it as a plain string")
        return value

    def sequence(self, node: yaml.SequenceNode, depth: int) -> LList:
        if node.tag != _SEQ:
            self.problem(node, f"unsupported YAML tag {node.tag!r} on a list")
        out = LList()
        out.at_ = _pos(node)
        out.file = self.file
        out.src = self.source
        out.pos = []
        for item in node.value:
            out.append(self.build(item, depth + 1))
            out.pos.append(_pos(item, self.lines))
        return out

    def mapping(self, node: yaml.Node, depth: int) -> LMap:
        # node: a MappingNode (the composer makes no other kind of collection), typed
        # as any node so that _build_container needs no isinstance check to call this
        if node.tag != _MAP:
            self.problem(node, f"unsupported YAML tag {node.tag!r} on a mapping")
        out = LMap()
        out.at_ = _pos(node)
        out.file = self.file
        out.src = self.source
        out.pos = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_pairs(value_node))
                continue
            self._put(out, key_node, value_node, depth, explicit=True)
        for key_node, value_node in merged:  # explicit keys win over merged ones
            self._put(out, key_node, value_node, depth, explicit=False)
        return out

    def _merge_pairs(self, node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        pairs = []
        for source in sources:
            if isinstance(source, yaml.MappingNode):
                pairs.extend(source.value)
            else:
                self.problem(source, "'<<' merges only mappings")
        return pairs

    def _put(self, out: LMap, key_node, value_node, depth: int, explicit: bool) -> None:
        if not isinstance(key_node, yaml.ScalarNode):
            self.problem(key_node, "a key must be a plain word, not a list or mapping")
            return
        key = self.scalar(key_node)  # a short string comes back interned
        if not isinstance(key, str):
            key = intern(str(key).lower() if isinstance(key, bool) else str(key))
        elif len(key) > 32:
            key = intern(key)  # every scene repeats 'title', 'text', 'actions'...
        if key in out:
            if explicit:
                line = out.key_loc(key).line
                self.problem(key_node, f"duplicate key '{key}' (first defined at line {line})")
            return
        out[key] = self.build(value_node, depth + 1)
        out.pos[key] = _pos(key_node) << _BITS | _pos(value_node, self.lines)


class _TooBig(Exception):
    pass


def _to_int(text: str) -> int:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    if t.startswith("0x"):
        return sign * int(t[2:], 16)
    if t.startswith("0o"):
        return sign * int(t[2:], 8)
    if t.startswith("0b"):
        return sign * int(t[2:], 2)
    return sign * int(t)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def load_file(path: Path, display: str | None = None) -> tuple[Any, list[Diagnostic]]:
    """Read one YAML file into located data. Returns (data or None, problems)."""
    name = display or str(path)
    if path.is_dir():
        return None, [Diagnostic(Loc(name, 0, 0), "is a folder, not a story file; rename it "
                                 "(folders of a story may not end in .yaml)")]
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        message = f"not a regular file; a story file must be a plain file ({exc})" \
            if exc.size is None else f"file is {exc.size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        return None, [Diagnostic(Loc(name, 0, 0), message)]
    except OSError as exc:
        return None, [Diagnostic(Loc(name, 0, 0), f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Diagnostic(Loc(name, line, 1), "not UTF-8 text; save the file as UTF-8")]
    return load_source(text, name)


def load_source(text: str, name: str) -> tuple[Any, list[Diagnostic]]:
    """Read the text of one file (from disk, or an editor's unsaved buffer) into located
    data. Returns (data or None, problems)."""
    if len(text) > MAX_FILE_BYTES:
        return None, [Diagnostic(Loc(name, 0, 0),
                                 f"file is {len(text):,} characters; the limit is "
                                 f"{MAX_FILE_BYTES:,} bytes")]
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return None, [Diagnostic(Loc(name, line, col),
                                 f"control character {bad.group()!r} in the file; remove it")]
    return load_text(text, name)


def nesting(text: str) -> tuple[int, int]:
    """How deep a text nests, found before PyYAML builds anything (its C parser can
    crash on very deep input): (depth, line where it is deepest). Line by line, so a
    large story costs little; brackets inside quoted text may count, which only errs
    on the safe side for absurd inputs."""
    deepest, where = 0, 1
    flow = 0
    indents: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        body = line.lstrip(" ")
        if body and not body.startswith("#") and not flow:
            col = len(line) - len(body)
            while indents and indents[-1] >= col:
                indents.pop()
            indents.append(col)
            while body.startswith("- "):  # "- - - x": a level per dash
                col += 2
                body = body[2:].lstrip(" ")
                indents.append(col)
        opens = line.count("[") + line.count("{")
        if opens > MAX_DEPTH:  # only an absurd line is scanned character by character
            peak = inner = flow
            for ch in line:
                if ch in "[{":
                    inner += 1
                    peak = max(peak, inner)
                elif ch in "]}":
                    inner = max(0, inner - 1)
        else:
            peak = flow + opens
        flow = max(0, flow + opens - line.count("]") - line.count("}"))
        depth = max(peak, flow) + len(indents)
        if depth > deepest:
            deepest, where = depth, number
    return deepest, where


def load_text(text: str, name: str) -> tuple[Any, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    depth, line = nesting(text)
    if depth > MAX_DEPTH:
        return None, [Diagnostic(Loc(name, line, 1), f"nested deeper than {MAX_DEPTH} "
                                 "levels; a story never needs that")]
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        return None, [Diagnostic(Loc(name, line, col), f"YAML syntax: {what}")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(Loc(name, 0, 0), f"YAML error: {exc}")]
    except RecursionError:
        return None, [Diagnostic(Loc(name, 0, 0), f"nested deeper than {MAX_DEPTH} levels")]
    if not nodes:
        return None, []
    if len(nodes) > 1:
        second = nodes[1]
        return None, [Diagnostic(_mark(second, name),
                                 "more than one YAML document in a file; split it into files")]
    builder = _Builder(name, problems, text)
    try:
        data = builder.build(nodes[0])
    except _TooBig as exc:
        return None, [Diagnostic(Loc(name, 0, 0), f"file is too large: {exc}")]
    return data, problems
