"""The limits that bound the cost of every stage (docs/security.md lists each one, with
the stage that checks it). Every value a story computes is checked when it is made, so a
story cannot grow a number or a text past what can be shown, saved and compared cheaply."""

from __future__ import annotations

MAX_INT = 10**18 - 1  # the largest number a story variable may hold (either sign)
MAX_DIGITS = 18  # so a number literal has at most this many digits
MAX_TEXT = 100_000  # characters in one text value a story computes
MAX_DELAY = 1_000_000  # turns in `schedule EVENT in N`
MAX_EXPR_TOKENS = 400  # tokens in one expression: keeps its tree shallow and its check quick
MAX_TEXT_NESTING = 40  # ${if} blocks inside one another
MAX_FOLDER_DEPTH = 16  # folders inside a story folder
MAX_SUGGESTIONS_WORK = 300_000  # names compared for did-you-mean in one load
MAX_ROUTE_STEPS = 40  # exits in one 'go to PLACE'


class ValueLimit(Exception):
    """A story computed a value past a limit; the turn stops and the game goes on as it was."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where  # file:line of what computed it, once known

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def bounded(value: object) -> object:
    """`value`, if within the limits of a story value; else raises ValueLimit."""
    if value.__class__ is int:
        if -MAX_INT <= value <= MAX_INT:  # type: ignore[operator]
            return value
        raise ValueLimit(f"the story made a number larger than {MAX_INT:,}; the turn stops")
    if value.__class__ is str and len(value) > MAX_TEXT:  # type: ignore[arg-type]
        raise ValueLimit(f"the story made a text larger than {MAX_TEXT:,} characters; "
                         "the turn stops")
    return value
