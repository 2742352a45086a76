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
"""

from __future__ import annotations

from ..story.memo import remember
from ..story.vocab import SynonymIndex, apply_synonyms, canonical, words

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable

Words = tuple[str, ...]

# Possessives that a label uses and a player leaves out (or the other way round).
FILLER = frozenset({"your", "my", "his", "her", "their", "our", "its", "own"})
# The speaker and the listener: "admit i'm uneasy" for "Admit that this trip has you
# uneasy", "take us in" for "take you in". A fit may skip them.
PEOPLE = frozenset({"i", "im", "me", "myself", "you", "youre", "yourself", "we", "us",
                    "ourselves", "them", "that", "this"})
ONWARD = frozenset({"on", "back", "forward", "ahead", "away", "along", "onward", "onwards"})
# Words that link a verb to its nouns: no key noun, so a fit need not keep them.
LINKS = frozenset({"to", "at", "on", "onto", "in", "into", "toward", "towards", "from",
                   "with", "for", "of", "and", "then", "about", "over", "through", "across",
                   "by", "around", "back", "away", "off", "out", "up", "down", "again",
                   "now", "just", "quickly", "quietly", "slowly"})
# Verbs of speech: the person they are said to is not what a label is about.
SPEECH = frozenset({"ask", "tell", "talk", "speak", "say", "answer", "question"})

# label text -> its words, normalised (a story's labels are few and come back every turn)
_WORDS: dict[tuple[str, int], Words] = {}


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
    return canonical((w,))[0]


def fits(typed: Words, labels: list[Words], names: Callable[[str], frozenset[str]],
         person: Callable[[str], bool] | None = None) -> list[int]:
    """The labels a shorter command fits best (empty when none does). `names(word)` gives
    the ids of the things in view that the word names; `person(word)`, whether it names
    someone in view (who may be the one spoken to)."""
    t = [w for w in normal(typed) if w not in LINKS]
    # a lone verb is too little to choose by, but a verb of going with its particle
    # ("walk on", "turn back") says enough when one label fits
    if not t or (len(t) < 2 and not (len(typed) > 1 and set(typed[1:]) <= ONWARD)):
        return []
    verb, rest = _verb(t[0]), [w for w in t[1:] if w not in PEOPLE]
    spoken_to = person if verb in SPEECH else None
    best: list[int] = []
    best_score = 0
    for i, lw in enumerate(labels):
        content = [w for w in lw if w not in LINKS]
        if not content or verb not in {_verb(w) for w in content}:
            continue
        named = set().union(*(names(w) for w in content))
        score = 0
        for w in rest:
            if w in content:
                score += 2  # the label's own word
            elif names(w) & named:
                score += 1  # another name of something the label names
            elif spoken_to is None or not spoken_to(w):  # (whom it is said to: no score)
                break
        else:
            if spoken_to is not None and score == 0 and rest:
                continue  # "ask julian": only whom, nothing of the label's own
            if score > best_score or not best:
                best, best_score = [i], score
            elif score == best_score:
                best.append(i)
    if not rest and len(best) > 1:
        return []  # "walk on" with two labels to walk: too little to ask about
    return best
