"""Regular expressions compiled at their first use, not when a module is imported.

Importing `re` brings enum, functools and collections with it: about a third of the
instructions of a whole piped start of a small game, which needs no expression at all
(a typed ASCII line, printable paragraphs). Flags go inline in the pattern ("(?i)...").
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from re import Pattern

_COMPILED: dict[str, Pattern[str]] = {}


def rx(pattern: str) -> Pattern[str]:
    """The compiled pattern, made (and `re` imported) the first time it is asked for."""
    found = _COMPILED.get(pattern)
    if found is None:
        import re

        found = _COMPILED[pattern] = re.compile(pattern)
    return found
