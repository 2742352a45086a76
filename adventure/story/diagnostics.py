"""Located problems: what went wrong, where, and how to fix it."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable

from .record import Record


class Loc(namedtuple("Loc", "file line col")):
    """A place in a story file (file: str, line: int, col: int); line and column count
    from 1."""

    __slots__ = ()

    def shift(self, cols: int) -> Loc:
        return Loc(self.file, self.line, self.col + cols)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOWHERE = Loc("<story>", 0, 0)


class Diagnostic(Record):
    __slots__ = ("loc", "message", "severity")

    def __init__(self, loc: Loc, message: str, severity: str = "error") -> None:
        self.loc = loc
        self.message = message
        self.severity = severity  # or "warning"

    def __hash__(self) -> int:
        return hash((self.loc, self.message, self.severity))

    def __str__(self) -> str:
        where = str(self.loc) if self.loc.line else self.loc.file
        return f"{where}: {self.severity}: {self.message}"


class StoryError(Exception):
    """A story could not be loaded; carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


# Names compared for suggestions since the last reset_suggestions() (a load): thousands of
# mistakes, each among thousands of names, cost a square; past the budget no suggestion is
# offered, and the mistakes are still all reported.
_compared = 0


def reset_suggestions() -> None:
    global _compared
    _compared = 0


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix, or '' when nothing is close (or the budget of
    comparisons, limits.MAX_SUGGESTIONS_WORK, is spent)."""
    global _compared
    import difflib  # only when something is wrong

    from .limits import MAX_SUGGESTIONS_WORK

    pool = candidates if isinstance(candidates, (list, set, frozenset, dict, tuple)) \
        else list(candidates)
    if _compared + len(pool) > MAX_SUGGESTIONS_WORK or len(word) > 200:
        return ""
    _compared += len(pool)
    close = difflib.get_close_matches(word, list(pool), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
