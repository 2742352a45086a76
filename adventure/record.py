"""A base for small record classes: slots, and equality and repr field by field.

Used instead of dataclasses on the paths a game starts through: a dataclass compiles its
methods when its module is imported, and a few dozen of them cost more start-up time
than loading the whole story from the cache.
"""

from __future__ import annotations

import operator


class Record:
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        # field by field, leaving out what a class does not pickle (a story's indexes)
        cls = type(self)
        return type(other) is cls and cls._fields(self) == cls._fields(other)

    __hash__ = None  # type: ignore[assignment] - mutable, like an eq dataclass

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        fields = [n for n in cls.__slots__ if n not in cls.__dict__.get("_not_pickled", ())]
        get = operator.attrgetter(*fields)
        cls._fields = get if len(fields) > 1 else (lambda obj: (get(obj),))
        # Fields whose __init__ turns None into a new empty list: an empty one is pickled
        # as None (pickle memoizes every list; a large story has hundreds of thousands).
        init = cls.__dict__.get("__init__")
        defaults = getattr(init, "__defaults__", None) or ()
        names = init.__code__.co_varnames[1:init.__code__.co_argcount] if init else ()
        optional = names[len(names) - len(defaults):]
        cls._as_none = frozenset(i for i, n in enumerate(fields) if n in optional
                                 and defaults[optional.index(n)] is None)

    def __reduce__(self) -> tuple:
        # rebuilt by calling the class with the fields in order: faster to unpickle than
        # the default of setting slots one by one (the story cache is made of these)
        cls = type(self)
        values = cls._fields(self)
        if cls._as_none:
            values = tuple(None if v.__class__ is list and not v and i in cls._as_none else v
                           for i, v in enumerate(values))
        return cls, values

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({inner})"
