"""Bounded memos for what is worked out from the story again and again (paragraphs,
scopes, choice lists): the same few values come back turn after turn."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import TypeVar

    V = TypeVar("V")

LIMIT = 4096


def remember(memo: dict, key: object, value: V, limit: int = LIMIT) -> V:
    """memo[key] = value, emptying the memo first when it is full (a cheap bound: a long
    game or a huge story never grows it without end); returns the value."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
