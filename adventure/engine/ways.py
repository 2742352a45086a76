"""The ways on from a scene, named as the player has seen them ('go where?'), and the
one way back out ('out', 'leave', 'exit')."""

from __future__ import annotations

from ..story.lazyre import rx
from ..story.text import first_source
from ..story.vocab import builtin_verb, words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..story.model import Exit, Words

# words a name of a way does not start with: 'into bar', 'climb stairs' are commands
_NOT_NAMES = frozenset({"to", "at", "on", "onto", "in", "into", "toward", "towards", "from",
                        "through", "back", "up", "down", "out"})


def label_text(ex: Exit) -> str:
    """An exit's label as written ('' when it has none)."""
    return first_source(ex.label)


def _spelled(name: Words, text: str) -> str:
    """The name as the label spells it: 'quarks' is "Quark's" in "Go into Quark's" (the
    label's first word, capitalised as a sentence is, in lower case)."""
    shown: dict[str, str] = {}
    for i, token in enumerate(rx(r"\$\{[^}]*\}").sub(" ", text).split()):
        for w in words(token)[:1]:
            shown.setdefault(w, token.strip("\"(),.!?;:") if i else token.lower())
    spelled = " ".join(shown.get(w, w) for w in name)
    return spelled if words(spelled) == name else " ".join(name)


def exits_phrase(exits: list[Exit], seen: frozenset[str], titles: dict[str, Words]) -> str:
    """'From here you can go: balcony, dining room, turbolift.': each way by a name the
    player can type and has seen (in the scene's text or the choices' labels): the
    destination's title, else one its own label says, the longest, spelled as the label
    spells it ("Quark's", "upper gallery"); else by the title of the scene it leads to; never an
    author's internal key the player never saw ('sanctum', 'offer')."""
    names: list[str] = []
    for ex in exits:
        if ex.hidden or ex.blocked:
            continue
        text = label_text(ex)
        own = set(words(text))
        typable = [n for n in (*ex.names, (ex.key,)) if n and all(w in seen for w in n)
                   and n[0] not in _NOT_NAMES and not (len(n) > 1 and builtin_verb(n)[0])]
        if typable:
            title = titles.get(ex.key)
            best = max(typable, key=lambda n: (n == title, all(w in own for w in n), len(n)))
            name = _spelled(best, text)
        else:
            name = " ".join(titles.get(ex.key, ())) or ex.key
        if name not in names:
            names.append(name)
    if not names:
        return "There is no obvious way on; try the choices."
    return "From here you can go: " + ", ".join(names) + "."


def way_out(exits: list[Exit]) -> Exit | None:
    """The one way back out of a scene ('out', 'leave', 'exit'): the one exit whose
    names or label say 'back', else the one that says 'out'; None when none or several."""
    for word in ("back", "out"):
        found = [ex for ex in exits if not ex.hidden and not ex.blocked and (
            word == ex.key or any(word in n for n in ex.names) or word in words(label_text(ex)))]
        if found:
            return found[0] if len(found) == 1 else None
    return None


# the words of a way up, or down: 'go up' for "Climb the stairs to the upper gallery"
_UP = frozenset({"up", "upper", "upward", "upwards", "stairs", "stair", "staircase", "ascend",
                 "upstairs"})
_DOWN = frozenset({"down", "lower", "downward", "downwards", "descend", "downstairs"})


def way_up(exits: list[Exit], way: str) -> Exit | None:
    """The one exit whose names or label say `way` (up or down) and not the other."""
    # (asked only when 'go up' found no exit named up)
    said, other = (_UP, _DOWN) if way == "up" else (_DOWN, _UP)
    found = []
    for ex in exits:
        if ex.hidden or ex.blocked:
            continue
        # a label's bare 'up' may be a particle ("Give it up"): its stairs are not
        ws = {w for n in ex.names for w in n} | {ex.key} \
            | (set(words(label_text(ex))) - {"up", "down"})
        if said & ws and not other & ws:
            found.append(ex)
    return found[0] if len(found) == 1 else None
