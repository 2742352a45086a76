"""`Intent`: what the parser made of a command (engine.parser), which `Game` carries out.
Its own module so that the parser's helpers can make one without importing the parser."""

from __future__ import annotations

from ..story.record import Record

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..story.model import Action, Exit, Thing, Words


class Intent(Record):
    __slots__ = ("kind", "verb", "number", "action", "exit", "objects", "preposition", "message",
                 "words", "options", "phrase", "route", "corrected", "unknown_word", "numbers")

    def __init__(self, kind: str, verb: str = "", number: int = 0, action: Action | None = None,
                 exit: Exit | None = None, objects: Sequence[Thing] | None = None,
                 preposition: str = "", message: str = "", words: Words = (),
                 options: Sequence[Thing] | None = None, phrase: Words = (),
                 route: Sequence[Exit] | None = None, corrected: Words = (),
                 unknown_word: str = "", numbers: Sequence[int] = ()) -> None:
        self.kind = kind  # empty, choice, meta, action, fallback, exit, builtin, unknown
        self.verb = verb
        self.number = number
        self.action = action
        self.exit = exit
        # (), not a new list, when none: an Intent is made every turn and only read
        self.objects = () if objects is None else objects
        self.preposition = preposition
        self.message = message
        self.words = words
        self.options = () if options is None else options  # an ambiguous noun's candidates
        self.phrase = phrase  # the ambiguous noun phrase, to ask about
        self.route = () if route is None else route  # 'go to PLACE' through several exits
        self.corrected = corrected  # the words understood after correcting a typo
        self.unknown_word = unknown_word  # for 'oops'
        self.numbers = numbers  # the choices a command fits equally, to ask which
