"""Values read from a story file that remember where they came from.

Kept apart from the YAML reader so that code which only handles located values (the
effects compiler, a story revived from the cache) does not have to import PyYAML.
"""

from __future__ import annotations

from bisect import bisect_right

from .diagnostics import Loc
from .lazyre import rx

TYPE_CHECKING = False  # a story revived from the cache imports this module: keep it light
if TYPE_CHECKING:
    from collections.abc import Iterator

# A position is packed into one int: line << 32 | column << 2 | kind (0 plain on one line,
# 1 quoted, 2 block scalar, 3 plain over several lines). A story of thousands of scenes has
# hundreds of thousands of keys and values; a Loc object for each of them was most of the
# memory a load needed.
_BITS = 64


class Source:
    """The text of one file, shared by every value read from it, so that locate() can
    find where a character of a folded, escaped or multi-line value was written."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None  # made on the first error: loads stay fast

    def starts(self) -> list[int]:
        if self._starts is None:
            out, at = [0], self.text.find("\n")
            while at >= 0:
                out.append(at + 1)
                at = self.text.find("\n", at + 1)
            self._starts = out
        return self._starts

    def index(self, line: int, col: int) -> int:
        starts = self.starts()
        return starts[line - 1] + col - 1 if 0 < line <= len(starts) else -1

    def line_col(self, index: int) -> tuple[int, int]:
        line = bisect_right(self.starts(), index)
        return line, index - self.starts()[line - 1] + 1


def pack(loc: Loc) -> int:
    kind = _KINDS.index(type(loc)) if type(loc) in _KINDS else 0
    return loc.line << 32 | loc.col << 2 | kind


def unpack(file: str, p: int, source: Source | None = None) -> Loc:
    kind = p & 3
    loc = tuple.__new__(_KINDS[kind], (file, p >> 32, (p >> 2) & 0x3FFFFFFF))
    if kind and source is not None:
        loc.source = source  # type: ignore[attr-defined]
    return loc


_MASK = (1 << _BITS) - 1


class LMap(dict):
    """A mapping that knows where it, its keys and its values are."""

    __slots__ = ("at_", "file", "pos", "src")  # pos: key -> key position << 64 | value position
    at_: int  # packed position of the mapping itself
    file: str
    pos: dict[str, int]
    src: Source | None  # the file's text (None when built by hand)

    @property
    def loc(self) -> Loc:
        return unpack(self.file, self.at_)

    def key_loc(self, key: str) -> Loc:
        p = self.pos.get(key)
        return self.loc if p is None else unpack(self.file, p >> _BITS, self.src)

    def val_loc(self, key: str) -> Loc:
        p = self.pos.get(key)
        return self.loc if p is None else unpack(self.file, p & _MASK, self.src)

    def locate_key(self, key: str, key_loc: Loc, val_loc: Loc) -> None:
        """Record where a key and its value are (for mappings built by hand)."""
        self.pos[key] = pack(key_loc) << _BITS | pack(val_loc)

    def clone(self) -> LMap:
        """A shallow copy that keeps every location."""
        out = LMap(self)
        out.at_, out.file, out.pos, out.src = self.at_, self.file, self.pos, self.src
        return out

    @classmethod
    def at(cls, loc: Loc, items: dict | None = None) -> LMap:
        out = cls(items or {})
        out.at_, out.file, out.pos, out.src = pack(loc), loc.file, {}, None
        return out


class LList(list):
    """A sequence that knows where it and each item are."""

    __slots__ = ("at_", "file", "pos", "src")  # pos: the packed position of each item
    at_: int  # packed position of the sequence itself
    file: str
    pos: list[int]
    src: Source | None  # the file's text (None when built by hand)

    @property
    def loc(self) -> Loc:
        return unpack(self.file, self.at_)

    def item_loc(self, index: int) -> Loc:
        return unpack(self.file, self.pos[index], self.src) if index < len(self.pos) \
            else self.loc

    @classmethod
    def at(cls, loc: Loc, items: list, item_locs: list[Loc]) -> LList:
        out = cls(items)
        out.at_, out.file, out.pos, out.src = pack(loc), loc.file, \
            [pack(x) for x in item_locs], None
        return out


class _SourcedLoc(Loc):
    """A Loc that may carry the Source of its file (as `.source`, read by locate()); the
    source is never pickled into the cache."""

    def __reduce__(self):  # type: ignore[override]
        return (type(self), tuple(self))


class QuotedLoc(_SourcedLoc):
    """Location of a quoted scalar (its quote): its text starts one column later."""


class BlockLoc(_SourcedLoc):
    """Location of the first character of a block scalar's text (the line after `|`),
    at the block's indentation."""


class LinesLoc(_SourcedLoc):
    """Location of a plain scalar written over several lines."""


_KINDS: tuple[type[Loc], ...] = (Loc, QuotedLoc, BlockLoc, LinesLoc)


def locate(loc: Loc, text: str, offset: int) -> Loc:
    """The file position of character `offset` of a scalar's text that starts at `loc`:
    read from the file's source when the value was folded, escaped or written over
    several lines, so that the position is exact whatever YAML did to the text."""
    source: Source | None = getattr(loc, "source", None)
    # a literal block's lines are the source's: counting finds them (and costs nothing)
    if source is not None and text and (not isinstance(loc, BlockLoc)
                                        or _folded(source, loc.line)):
        found = _walk_to(loc, source, text, min(max(offset, 0), len(text) - 1))
        if found is not None:
            line, col = source.line_col(found)
            return Loc(loc.file, line, col + max(0, offset - len(text) + 1))
    start = loc.shift(1) if isinstance(loc, QuotedLoc) else loc
    newlines = text.count("\n", 0, offset)
    if newlines and isinstance(loc, BlockLoc):
        col = offset - text.rfind("\n", 0, offset) - 1
        return Loc(loc.file, loc.line + newlines, loc.col + col)
    if newlines:
        return Loc(loc.file, loc.line + newlines, 1)
    return Loc(start.file, start.line, start.col + offset)


_FOLDED = r">[-+0-9]*[ \t]*(#.*)?\r?$"  # compiled on first need


def _folded(source: Source, line: int) -> bool:
    """Is the block scalar whose text starts on `line` folded (its header, on the line
    before, ends in '>')? A literal block needs no walk: its lines are the source's."""
    starts = source.starts()
    if not 2 <= line <= len(starts):
        return True
    return rx(_FOLDED).search(source.text, starts[line - 2], starts[line - 1] - 1) is not None


def _walk_to(loc: Loc, source: Source, text: str, offset: int) -> int | None:
    """The index in the source of text[offset], or None when the source does not read
    as this value (then the caller falls back on counting)."""
    at = source.index(loc.line, loc.col)
    if at < 0:
        return None
    raw = source.text
    if isinstance(loc, BlockLoc):
        walks = [_walk_block(raw, at, loc.col - 1, False), _walk_block(raw, at, loc.col - 1, True)]
    else:
        quote = raw[at] if isinstance(loc, QuotedLoc) and raw[at:at + 1] in ("'", '"') else ""
        walks = [_walk_flow(raw, at + 1 if quote else at, quote)]
    for walk in walks:  # a block is literal or folded: the one that reads as the text
        for k, (char, where) in enumerate(walk):
            if char != text[k]:
                break
            if k == offset:
                return where
    return None


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
            "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


def _walk_flow(raw: str, j: int, quote: str) -> Iterator[tuple[str, int]]:
    """The characters of a plain or quoted scalar starting at raw[j], each with its
    index: escapes read, trailing and leading white space around a line break dropped,
    one break folded to a space and n breaks to n-1 newlines."""
    n = len(raw)
    while j < n:
        c = raw[j]
        if quote and c == quote:
            if quote == "'" and raw.startswith("''", j):
                yield "'", j
                j += 2
                continue
            return
        if quote == '"' and c == "\\":
            nxt = raw[j + 1:j + 2]
            if nxt in ("\n", "\r"):  # an escaped line break joins the lines as they are
                j = _skip_break(raw, j + 1)
                while True:
                    while j < n and raw[j] in " \t":
                        j += 1
                    if j >= n or raw[j] not in "\r\n":
                        break
                    yield "\n", j  # an empty line after it is still a newline
                    j = _skip_break(raw, j)
                continue
            if nxt in _HEX:
                width = _HEX[nxt]
                try:
                    yield chr(int(raw[j + 2:j + 2 + width], 16)), j
                except ValueError:
                    return
                j += 2 + width
                continue
            yield _ESCAPES.get(nxt, nxt), j
            j += 2
            continue
        if c in " \t\r\n":
            e = j
            while e < n and raw[e] in " \t":
                e += 1
            if e < n and raw[e] in "\r\n":  # white space then a break: the lines fold
                breaks = 0
                while e < n and raw[e] in "\r\n":
                    e = _skip_break(raw, e)
                    breaks += 1
                    while e < n and raw[e] in " \t":
                        e += 1
                for _ in range(max(1, breaks - 1)):
                    yield (" " if breaks == 1 else "\n"), j
                j = e
                continue
        yield c, j
        j += 1


def _skip_break(raw: str, j: int) -> int:
    return j + 2 if raw.startswith("\r\n", j) else j + 1


def _walk_block(raw: str, j: int, indent: int, folded: bool) -> Iterator[tuple[str, int]]:
    """The characters of a literal or folded block scalar whose first line starts at
    raw[j] (at the start of its line plus `indent`)."""
    j -= indent
    n = len(raw)
    previous: str | None = None  # the last line with text, once there is one
    blanks: list[int] = []
    while j < n:
        end = raw.find("\n", j)
        end = n if end < 0 else end
        line = raw[j:end].rstrip("\r")
        content = line[indent:]
        if not line.strip(" "):
            blanks.append(j)
        else:
            if previous is not None:
                if folded and not blanks and previous[:1] not in " \t" \
                        and content[:1] not in " \t":
                    yield " ", j - 1
                elif not (folded and previous[:1] not in " \t" and content[:1] not in " \t"):
                    yield "\n", j - 1
            for b in blanks:
                yield "\n", b
            blanks = []
            for i, char in enumerate(content):
                yield char, j + indent + i
            previous = content
        j = end + 1
