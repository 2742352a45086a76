"""Choices by their words: a numbered choice typed as its label, or in fewer words.

A player reads "3) Take the Rio Grande into the wormhole" and types it, or types
"take the rio grande": both mean 3. The rules, in the order the parser tries them
(docs/story-format.md, "How typed words are matched"):

1. The whole label, as shown: the same words after the usual normalising (case,
   punctuation, articles, the story's synonyms) and without possessives such as
   "your", picks its choice, before anything else is tried.
2. A shorter or reworded command picks a choice only when nothing else understood it:
   its first word must be the label's verb (or a word of the label's), and each of its
   other words a word of the label, or a name of something in view that one of the
   label's words also names ("talk to julian" for "Turn and talk to your companion").
   After a verb of speech, the person spoken to may be named too ("ask julian about the
   readings" for "Ask about the readings on the sensor board"), as long as another word
   fits. The best fit wins; when several fit equally, the player is asked which.
3. Verbs of one family are one verb (put/set/slide/insert; give/hand/offer; tell/say;
   leave/walk away), and "use X on Y", "put X in Y", "unlock Y with X" fit a label that
   names both X and Y whatever its verb. The player's voice is the label's: i/me stand for
   you, and him/her/it (or a person named after "for"/"to") for whoever the label names.
4. A tell/ask with a clause ("tell him who he is") that fits no label by its words picks
   the one label of that verb that says a clause too.
"""

from __future__ import annotations

from ..story.memo import remember
from ..story.vocab import SynonymIndex, apply_synonyms, canonical, words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Final

    from ..story.model import Thing

Words = tuple[str, ...]

# Possessives that a label uses and a player leaves out (or the other way round).
FILLER: Final = frozenset({"your", "my", "his", "her", "their", "our", "its", "own"})
# The speaker and the listener: "admit i'm uneasy" for "Admit that this trip has you
# uneasy", "take us in" for "take you in". A fit may skip them.
PEOPLE: Final = frozenset({"i", "im", "me", "myself", "you", "youre", "yourself", "we", "us",
                           "ourselves", "them", "that", "this"})
ONWARD: Final = frozenset({"on", "back", "forward", "ahead", "away", "along", "onward", "onwards"})
# particles that mean the same way: "walk on" fits "Press forward to the junction"
_ONWARD_GROUP: Final = {w: "on" for w in ("on", "forward", "ahead", "along", "onward", "onwards")}
# verbs of going, one verb when the way is said: 'go back' for "Turn back"
GOING: Final = frozenset({"go", "walk", "head", "turn", "move", "come", "run", "crawl", "climb",
                          "step", "press", "swim", "fly", "return"})
# Words that link a verb to its nouns: no key noun, so a fit need not keep them.
LINKS: Final = frozenset({"to", "at", "on", "onto", "in", "into", "toward", "towards", "from",
                          "with", "for", "of", "and", "then", "about", "over", "through", "across",
                          "by", "around", "back", "away", "off", "out", "up", "down", "again",
                          "now", "just", "quickly", "quietly", "slowly"})
# Verbs of speech: the person they are said to is not what a label is about.
SPEECH: Final = frozenset({"ask", "tell", "talk", "speak", "say", "answer", "question"})

# Verbs of one family are one verb here: the label says "slide", the player "put".
FAMILY: Final = {w: head for head, ws in (
    ("put", ("set", "slide", "insert", "place", "fit", "slip", "stick", "plug", "lay")),
    ("give", ("hand", "offer", "pass")),
    ("tell", ("say",)),
    ("leave", ("depart",))) for w in (head, *ws)}
# "use X on Y", "put X in Y", "unlock Y with X": the label's own verb may be any.
INSTRUMENT: Final = frozenset({"use", "put", "unlock", "apply", "open"})
# A label that opens something with X ("Open her study with the access rod") is what
# using X on anything in view means.
OPENING: Final = frozenset({"open", "unlock", "unseal", "unbolt"})
# Words the player uses for whoever or whatever the label names some other way.
STANDINS: Final = frozenset({"him", "he", "she", "it", "they", "them", "her"})
# A clause said to someone: "tell him who he is", "tell kira that i am ready".
CLAUSE: Final = frozenset({"what", "why", "how", "where", "who", "when", "whether", "which",
                           "that", "am", "im"})

# label text -> its words, normalised (a story's labels are few and come back every turn)
_WORDS: Final[dict[tuple[str, int], Words]] = {}


def weak(kind: str, verb: str, objects: Sequence[Thing], defaults: frozenset[str]) -> bool:
    """Whether the parser's meaning is only a default answer, which a label that fits
    should beat: nothing understood, a built-in verb's default, or 'put X in Y' where Y
    holds nothing ("You can't put things in the door")."""
    return kind == "unknown" or kind == "builtin" and (
        verb in defaults or verb == "put" and len(objects) > 1 and objects[1].holds is None)


def label_words(label: str, synonyms: SynonymIndex) -> Words:
    """A label's words as a typed line's are made, possessives dropped."""
    key = (label, id(synonyms))
    found = _WORDS.get(key)
    if found is None:
        found = remember(_WORDS, key, normal(apply_synonyms(words(label), synonyms)))
    return found


def normal(ws: Words) -> Words:
    return tuple(w for w in ws if w not in FILLER)


def whole(typed: Words, labels: list[Words]) -> list[int]:
    """The indexes of the labels that are exactly what was typed."""
    t = normal(typed)
    return [i for i, lw in enumerate(labels) if lw == t] if t else []


def _verb(w: str) -> str:
    w = canonical((w,))[0]
    return FAMILY.get(w, w)


def _leaving(ws: Words) -> bool:
    """'Leave her to her bath', 'Walk away without a word', 'go away'."""
    return bool(ws) and (_verb(ws[0]) == "leave" or len(ws) > 1 and ws[1] == "away")


def _untailed(typed: Words, person: Callable[[str], bool] | None) -> Words:
    """Without a person named after 'for'/'to' at the end: 'hold it up for Kira'."""
    for i in range(len(typed) - 2, 1, -1):  # not 'talk to Kira': the tail needs an object
        if typed[i] in ("for", "to") and person is not None and set(typed[1:i]) - LINKS \
                and all(person(w) or w in STANDINS for w in typed[i + 1:]):
            return typed[:i]
    return typed


def _sides(typed: Words) -> tuple[Words, Words]:
    """What is used and what on: 'use X on Y', 'put X in Y', 'unlock Y with X' -> (X, Y)."""
    for i, w in enumerate(typed[1:], 1):
        if w == "with":
            return typed[i + 1:], typed[1:i]
        if w in ("on", "in", "into", "onto", "inside"):
            return typed[1:i], typed[i + 1:]
    return typed[1:], ()


def fits(typed: Words, labels: list[Words], names: Callable[[str], frozenset[str]],
         person: Callable[[str], bool] | None = None) -> list[int]:
    """The labels a shorter command fits best (empty when none does). `names(word)` gives
    the ids of the things in view that the word names; `person(word)`, whether it names
    someone in view (who may be the one spoken to)."""
    said = typed
    if typed[:1] == ("back",) and len(typed) > 1:
        typed = ("go", *typed)  # 'back to the wormhole': going back there
    typed = normal(_untailed(typed, person))
    t = [w for w in typed if w not in LINKS]
    if t and _verb(t[0]) == "leave" or typed[1:2] == ("away",):
        leaving = [i for i, lw in enumerate(labels) if _leaving(lw)]
        if len(t) < 2 or all(w in PEOPLE or w in STANDINS for w in t[1:]):
            return leaving  # 'leave', 'leave her', 'go away': the way out, if one is listed
    # a lone verb is too little to choose by, but a verb of going with its particle
    # ("walk on", "turn back") says enough when one label fits
    if len(t) == 1 and STANDINS.intersection(said[1:]):
        # 'dine with her' for "Go in to dine with her": a verb said of someone, when one
        # label alone does it
        lone = [i for i, lw in enumerate(labels) if t[0] in lw[1:] or _verb(t[0]) in
                {_verb(w) for w in lw[:1]}]
        return lone if len(lone) == 1 else []
    if not t or (len(t) < 2 and not (len(typed) > 1 and set(typed[1:]) <= ONWARD)):
        return []
    verb, rest = _verb(t[0]), [w for w in t[1:] if w not in PEOPLE]
    # 'go back' for "Turn back toward the wormhole": verbs of going are one verb when
    # the label says the way typed too
    ways = {_ONWARD_GROUP.get(w, w) for w in typed[1:] if w in ONWARD}
    going = verb in GOING and bool(ways)
    spoken_to = person if verb in SPEECH else None
    # 'use rod on lockout': a label naming both, whatever its verb
    sides = _sides(tuple(w for w in typed if w not in PEOPLE)) if verb in INSTRUMENT else ()
    best: list[int] = []
    best_score = 0
    for i, lw in enumerate(labels):
        content = [w for w in lw if w not in LINKS]
        verbs = {_verb(w) for w in content}
        if not content or verb not in verbs and not (sides and all(sides)) and not (
                going and GOING.intersection(verbs)
                and ways <= {_ONWARD_GROUP.get(w, w) for w in lw}):
            continue
        named = set().union(*(names(w) for w in content))
        score = 0
        hit: set[str] = set()
        for w in rest:
            if w in content:
                score += 2  # the label's own word
            elif names(w) & named:
                score += 1  # another name of something the label names
            elif w in STANDINS or spoken_to is not None and spoken_to(w):
                continue  # whom it is said to, or him/it for what the label names
            elif sides and OPENING & verbs and w in sides[1] and names(w):
                pass  # 'unlock door with rod' for 'Open her study with the access rod'
            else:
                break
            hit.add(w)
        else:
            if spoken_to is not None and score == 0 and rest:
                continue  # "ask julian": only whom, nothing of the label's own
            if verb not in verbs and not going \
                    and not all(hit.intersection(side) for side in sides):
                continue  # 'use X on Y' with another verb: the label names both (or opens
                # something with X: then Y may be anything in view)
            if score > best_score or not best:
                best, best_score = [i], score
            elif score == best_score:
                best.append(i)
    if not rest and best:
        # "crawl on" is not "Crawl back to the grate": a particle typed is the label's too
        best = [i for i in best if ways <= {_ONWARD_GROUP.get(w, w) for w in labels[i]}]
    if not rest and len(best) > 1:
        return []  # "walk on" with two labels to walk: too little to ask about
    if not best and verb in ("tell", "ask") and CLAUSE.intersection(t[1:]):
        # 'tell him who he is': the one label of that verb that says a clause too
        best = [i for i, lw in enumerate(labels)
                if lw and _verb(lw[0]) == verb and CLAUSE.intersection(lw[1:])]
    return best
