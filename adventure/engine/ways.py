"""The ways on from a scene, named as the player has seen them ('go where?')."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..story.model import Exit, Words


def exits_phrase(exits: list[Exit], seen: frozenset[str], titles: dict[str, Words]) -> str:
    """'From here you can go: balcony, dining room, turbolift.': each way by a word the
    player can type and has seen (its key or one of its names, in the scene's text or the
    choices' labels), else by the title of the scene it leads to; never an author's
    internal key the player never saw ('sanctum', 'offer')."""
    names: list[str] = []
    for ex in exits:
        if ex.hidden or ex.blocked:
            continue
        typable = [(ex.key,), *ex.names]
        name = next((" ".join(n) for n in typable if n and all(w in seen for w in n)), "")
        if not name:
            name = " ".join(titles.get(ex.key, ())) or ex.key
        if name not in names:
            names.append(name)
    if not names:
        return "There is no obvious way on; try the choices."
    return "From here you can go: " + ", ".join(names) + "."
