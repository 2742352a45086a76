"""'order the guards to let him go', 'order her off my ship': an order given to someone,
which the parser asks about only when nothing else understood the command. It picks the
one action of the scene that orders that person (its label says "Order ..." or "Give ...
an order", or one of its commands starts with order), whatever follows the name."""

from __future__ import annotations

from ..story.text import first_source
from ..story.vocab import words
from .intent import Intent
from .nounmatch import resolve, thing_words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from ..story.model import Action, Thing, Words
    from .context import Context

ORDERING: Final = frozenset({"order", "command"})


def _label_words(a: Action) -> Words:
    return words(first_source(a.label))


def _orders(a: Action) -> bool:
    """Is this action an order given: 'Order him aside', 'Give the guards an order'?"""
    lw = _label_words(a)
    if lw[:1] and lw[0] in ORDERING:
        return True
    if lw[:1] == ("give",) and "order" in lw:
        after = lw[lw.index("order") + 1:]
        return not after or after[0] in ("in", "to")
    return any(c[:1] and c[0] in ORDERING for c in a.commands)


def _concerns(a: Action, person: Thing) -> bool:
    """Does the action order this person: by its thing, its label or a command?"""
    if a.thing == person.id:
        return True
    names = thing_words(person)[1] | {person.pronoun}
    if not names.isdisjoint(_label_words(a)):
        return True
    return any(c[:1] and c[0] in ORDERING and not names.isdisjoint(c[1:]) for c in a.commands)


def _person(rest: Words, ctx: Context) -> Thing | None:
    """The person the first words name ('the guards' of 'guards to let him go')."""
    scope = ctx.scope
    for n in range(len(rest), 0, -1):
        head = rest[:n]
        if len(head) == 1 and head[0].startswith("@") and head[0][1:] in scope:
            found = [scope[head[0][1:]]]
        else:
            found = [t for t in resolve(head, scope) if t.person]
        if len(found) == 1 and found[0].person:
            return found[0]
    return None


def ordered(ws: Words, ctx: Context) -> Intent | None:
    """The one action that orders the person named; else, when someone in view is named,
    a plain answer; None when this is no order to anyone."""
    if len(ws) < 2 or ws[0] not in ORDERING:
        return None
    person = _person(ws[1:], ctx)
    unlisted = ctx.unlisted()
    orders = [a for a in ctx.own + ctx.globals if a.key not in unlisted and _orders(a)]
    if person is not None:
        orders = [a for a in orders if _concerns(a, person)]
    if len(orders) == 1:
        return Intent("action", action=orders[0], words=ws)
    if person is None:
        return None
    takes = "take" if person.plural else "takes"
    return Intent("unknown", words=ws,
                  message=f"{person.The()} {takes} no orders from you just now.")
