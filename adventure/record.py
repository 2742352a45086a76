"""A base for small record classes: slots, and equality and repr field by field.

Used instead of dataclasses on the paths a game starts through: a dataclass compiles its
methods when its module is imported, and a few dozen of them cost more start-up time
than loading the whole story from the cache.
"""

from __future__ import annotations


class Record:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment] - mutable, like an eq dataclass

    def __reduce__(self) -> tuple:
        # rebuilt by calling the class with the fields in order: faster to unpickle than
        # the default of setting slots one by one (the story cache is made of these)
        return type(self), tuple(getattr(self, n) for n in self.__slots__)

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({inner})"
