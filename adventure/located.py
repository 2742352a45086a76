"""Values read from a story file that remember where they came from.

Kept apart from the YAML reader so that code which only handles located values (the
effects compiler, a story revived from the cache) does not have to import PyYAML.
"""

from __future__ import annotations

from .diagnostics import Loc


class LMap(dict):
    """A mapping that knows where it, its keys and its values are."""

    __slots__ = ("loc", "key_locs", "val_locs")

    def key_loc(self, key: str) -> Loc:
        return self.key_locs.get(key, self.loc)

    def val_loc(self, key: str) -> Loc:
        return self.val_locs.get(key, self.loc)


class LList(list):
    """A sequence that knows where it and each item are."""

    __slots__ = ("loc", "item_locs")

    def item_loc(self, index: int) -> Loc:
        return self.item_locs[index] if index < len(self.item_locs) else self.loc


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
