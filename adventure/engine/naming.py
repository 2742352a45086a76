"""Things named apart, for 'Which do you mean, the grey collar or the jewelled collar?':
never two that print the same (the playtest's "the collar or the collar?")."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..story.model import Thing, Words


def apart(found: Sequence[Thing]) -> str:
    """'the X, the Y or the Z' as the prose names them ('Hesper or the hand'); where two
    print the same, each with as many of its adjectives as it takes to tell it from the
    others; numbered (an answer may be the number) when even that is not enough."""
    names = [t.the() for t in found]
    for n in range(1, 1 + max(len(t.adjectives) for t in found)):
        if len(set(names)) == len(names):
            break
        names = [_name(t, n) if names.count(name) > 1 else name
                 for t, name in zip(found, names, strict=True)]
    if len(set(names)) < len(names):
        names = [f"{i}) {name}" for i, name in enumerate(names, 1)]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _name(t: Thing, adjectives: int) -> str:
    """The thing's name with its first adjectives, capitalised as its description writes
    them ('the Cardassian data rod')."""
    source = getattr(t.description, "source", "") or ""
    words = [w.capitalize() if w.capitalize() in source else w
             for w in sorted(t.adjectives)[:adjectives]]
    the = t.the()
    cut = len(the) - len(t.display)
    return f"{the[:cut]}{' '.join(words)} {t.display}" if cut else f"{' '.join(words)} {the}"


def shown(ws: Words, scope: dict[str, Thing]) -> str:
    """Words as a player may see them again: a pronoun's thing by its name, never its id."""
    out = []
    for w in ws:
        if w.startswith("@"):
            t = scope.get(w[1:])
            out.append(" ".join(t.name) if t is not None else "it")
        else:
            out.append(w)
    return " ".join(out)
