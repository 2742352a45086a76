"""A base for small record classes: slots, and equality and repr field by field.

Used instead of dataclasses on the paths a game starts through: a dataclass compiles its
methods when its module is imported, and a few dozen of them cost more start-up time
than loading the whole story from the cache.
"""

from __future__ import annotations

from _operator import attrgetter  # operator.py's own: importing operator is not free

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Record:
    __slots__: tuple[str, ...] = ()
    # A subclass may name, in `_empty_as_none`, the fields its __init__ turns from None
    # into a new empty list, and in `_not_pickled` fields left out of pickles and equality.

    def __eq__(self, other: object) -> bool:
        # field by field, leaving out what a class does not pickle (a story's indexes)
        fields = _spec(type(self)).values
        return type(other) is type(self) and fields(self) == fields(other)

    # (defining __eq__ sets __hash__ to None: mutable, unhashable, like an eq dataclass)

    def __reduce__(self) -> tuple:
        # rebuilt by calling the class with the fields in order: faster to unpickle than
        # the default of setting slots one by one (the story cache is made of these)
        cls = type(self)
        spec = _spec(cls)
        values = spec.values(self)
        if spec.as_none:
            values = tuple(None if v.__class__ is list and not v and i in spec.as_none else v
                           for i, v in enumerate(values))
        return cls, values

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in _spec(type(self)).names)
        return f"{type(self).__name__}({inner})"


class _Spec:
    """What Record needs of a class, worked out on first use rather than when the class is
    made: a class compiled by mypyc has no __slots__ then (nor after: its fields are in
    __mypyc_attrs__, in the order __init__ first assigns them). Every subclass lists its
    slots in the order of __init__'s parameters, and assigns them in that order (tests
    check both), so either gives the order that __reduce__ calls the class with."""

    __slots__ = ("names", "values", "as_none")

    def __init__(self, cls: type) -> None:
        slots: tuple[str, ...] | None = cls.__dict__.get("__slots__")
        if slots is None:
            slots = tuple(n for n in cls.__dict__.get("__mypyc_attrs__", ())
                          if not n.startswith("__"))
        self.names = slots
        fields = [n for n in slots if n not in cls.__dict__.get("_not_pickled", ())]
        get = attrgetter(*fields)
        self.values: Callable[[Any], tuple] = get if len(fields) > 1 \
            else (lambda obj: (get(obj),))
        # Fields whose __init__ turns None into a new empty list (the class says which):
        # an empty one is pickled as None (pickle memoizes every list; a large story has
        # hundreds of thousands).
        empty_as_none = cls.__dict__.get("_empty_as_none", ())
        self.as_none = frozenset(i for i, n in enumerate(fields) if n in empty_as_none)


_SPECS: dict[type, _Spec] = {}


def _spec(cls: type) -> _Spec:
    found = _SPECS.get(cls)
    if found is None:
        found = _SPECS[cls] = _Spec(cls)
    return found
