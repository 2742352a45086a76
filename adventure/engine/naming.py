"""Things named apart, for 'Which do you mean, the grey collar or the jewelled collar?':
never two that print the same (the playtest's "the collar or the collar?")."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..story.model import Thing


def apart(found: Sequence[Thing]) -> str:
    """'the X, the Y or the Z', each with as many of its adjectives as it takes to tell it
    from the others; numbered (an answer may be the number) when even that is not enough."""
    names = [_name(t, 1) for t in found]
    for n in range(2, 1 + max(len(t.adjectives) for t in found)):
        if len(set(names)) == len(names):
            break
        names = [_name(t, n) if names.count(name) > 1 else name
                 for t, name in zip(found, names, strict=True)]
    if len(set(names)) < len(names):
        names = [f"{i}) {name}" for i, name in enumerate(names, 1)]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _name(t: Thing, adjectives: int) -> str:
    return f"the {' '.join(sorted(t.adjectives)[:adjectives] + list(t.name))}"
