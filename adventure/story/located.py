"""Values read from a story file that remember where they came from.

Kept apart from the YAML reader so that code which only handles located values (the
effects compiler, a story revived from the cache) does not have to import PyYAML.
"""

from __future__ import annotations

from .diagnostics import Loc

# A position is packed into one int: line << 32 | column << 2 | kind (0 plain, 1 quoted,
# 2 block scalar). A story of thousands of scenes has hundreds of thousands of keys and
# values; a Loc object for each of them was most of the memory a load needed.
_BITS = 64


def pack(loc: Loc) -> int:
    kind = 1 if isinstance(loc, QuotedLoc) else 2 if isinstance(loc, BlockLoc) else 0
    return loc.line << 32 | loc.col << 2 | kind


def unpack(file: str, p: int) -> Loc:
    return tuple.__new__(_KINDS[p & 3], (file, p >> 32, (p >> 2) & 0x3FFFFFFF))


_MASK = (1 << _BITS) - 1


class LMap(dict):
    """A mapping that knows where it, its keys and its values are."""

    __slots__ = ("at_", "file", "pos")  # pos: key -> key position << 64 | value position
    at_: int  # packed position of the mapping itself
    file: str
    pos: dict[str, int]

    @property
    def loc(self) -> Loc:
        return unpack(self.file, self.at_)

    def key_loc(self, key: str) -> Loc:
        p = self.pos.get(key)
        return self.loc if p is None else unpack(self.file, p >> _BITS)

    def val_loc(self, key: str) -> Loc:
        p = self.pos.get(key)
        return self.loc if p is None else unpack(self.file, p & _MASK)

    def locate_key(self, key: str, key_loc: Loc, val_loc: Loc) -> None:
        """Record where a key and its value are (for mappings built by hand)."""
        self.pos[key] = pack(key_loc) << _BITS | pack(val_loc)

    @classmethod
    def at(cls, loc: Loc, items: dict | None = None) -> LMap:
        out = cls(items or {})
        out.at_, out.file, out.pos = pack(loc), loc.file, {}
        return out


class LList(list):
    """A sequence that knows where it and each item are."""

    __slots__ = ("at_", "file", "pos")  # pos: the packed position of each item
    at_: int  # packed position of the sequence itself
    file: str
    pos: list[int]

    @property
    def loc(self) -> Loc:
        return unpack(self.file, self.at_)

    def item_loc(self, index: int) -> Loc:
        return unpack(self.file, self.pos[index]) if index < len(self.pos) else self.loc

    @classmethod
    def at(cls, loc: Loc, items: list, item_locs: list[Loc]) -> LList:
        out = cls(items)
        out.at_, out.file, out.pos = pack(loc), loc.file, [pack(x) for x in item_locs]
        return out


class QuotedLoc(Loc):
    """Location of a quoted scalar: its text starts one column later."""


class BlockLoc(Loc):
    """Location of the first character of a block scalar's text (the line after `|`)."""


def locate(loc: Loc, text: str, offset: int) -> Loc:
    """The file position of character `offset` of a scalar's text that starts at `loc`."""
    start = loc.shift(1) if isinstance(loc, QuotedLoc) else loc
    newlines = text.count("\n", 0, offset)
    if newlines and isinstance(loc, BlockLoc):
        col = offset - text.rfind("\n", 0, offset) - 1
        return Loc(loc.file, loc.line + newlines, loc.col + col)
    if newlines:
        return Loc(loc.file, loc.line + newlines, 1)  # folded plain scalar: line is enough
    return Loc(start.file, start.line, start.col + offset)


_KINDS = (Loc, QuotedLoc, BlockLoc)
