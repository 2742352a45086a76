"""Located problems: what went wrong, where, and how to fix it."""

from __future__ import annotations

from .record import Record

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Iterable

try:  # the C field getter collections.namedtuple uses (importing collections is not free)
    from _collections import _tuplegetter
except ImportError:  # pragma: no cover - another interpreter
    def _tuplegetter(index: int, doc: str) -> property:
        return property(lambda self: self[index], doc=doc)


class Loc(tuple):
    """A place in a story file (file: str, line: int, col: int); line and column count
    from 1.

    collections.namedtuple("Loc", "file line col"), written out: importing collections
    (for this alone, on the way to every start) was a tenth of a piped start of a small
    game. The same fields, tuple behaviour, repr and pickles."""

    __slots__ = ()
    _fields = ("file", "line", "col")
    __match_args__ = ("file", "line", "col")

    if TYPE_CHECKING:
        file: str
        line: int
        col: int
    else:
        file = _tuplegetter(0, "the story file")
        line = _tuplegetter(1, "the line, from 1 (0: the file as a whole)")
        col = _tuplegetter(2, "the column, from 1")

    def __new__(cls, file: str, line: int, col: int) -> Loc:
        return tuple.__new__(cls, (file, line, col))

    def __getnewargs__(self) -> tuple[str, int, int]:  # type: ignore[override]
        return (self[0], self[1], self[2])  # pickled as Loc(file, line, col)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(file={self[0]!r}, line={self[1]!r}, col={self[2]!r})"

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
