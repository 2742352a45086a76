"""An expression's questions to the game (has, here, visited...) as closures that call
their Env method directly: compiled, a method call, where getattr by name made a bound
method every time a guard or a text asked."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from .env import Env

# the expression language's functions of a thing, scene or action id
QUERIES: Final = ("has", "wearing", "here", "with", "location", "visited", "at", "done")


def query(op: str, arg: str) -> Callable[[Env], Any]:
    """The closure of `op(arg)`, one of QUERIES."""
    if op == "has":
        return lambda env: env.has(arg)
    if op == "wearing":
        return lambda env: env.wearing(arg)
    if op == "here":
        return lambda env: env.here(arg)
    if op == "with":
        return lambda env: env.is_with(arg)
    if op == "location":
        return lambda env: env.location(arg)
    if op == "visited":
        return lambda env: env.visits(arg)
    if op == "at":
        return lambda env: env.at(arg)
    return lambda env: env.done(arg)
