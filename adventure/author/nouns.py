"""`check`'s list of the nouns a scene's text names that nothing in the scene answers to.

A player types what the text shows ("x console"). The engine answers a noun that the text
names and nothing declares with a plain "The console is not something you need to worry
about."; this list tells an author where a real answer (scenery, a thing) would be better.
A noun, here, is the word after an article or a possessive ("the console", "your seat"):
a cheap guess that is right most of the time, not a grammar.
"""

from __future__ import annotations

import re

from ..story.vocab import words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..story.model import Story

_LEAD = re.compile(r"\b(?:the|a|an|your|his|her|their|its|my|our)\s+([A-Za-z][\w'-]*)",
                   re.IGNORECASE)
_EXPR = re.compile(r"\$\{[^}]*\}")
# Words that follow an article but are no noun anyone would examine.
_NOT_NOUNS = frozenset((
    "other", "same", "way", "kind", "sort", "rest", "only", "first", "last", "next", "one",
    "two", "three", "few", "little", "lot", "more", "most", "own", "whole", "end", "moment",
    "time", "day", "night", "thing", "things", "something", "nothing", "very", "long",
    "short", "new", "old", "top", "side", "back", "front", "edge", "half", "part"))


def unanswered(story: Story) -> dict[str, list[str]]:
    """Scene id -> the nouns its text names that nothing answers to there."""
    out: dict[str, list[str]] = {}
    for s in story.scenes.values():
        if s.ending:
            continue
        texts = [s.text, *(t for _, t in s.variants)]
        sources = [o.source for t in texts for o in (getattr(t, "options", None) or [t])]
        nouns = {m.lower() for src in sources for m in _LEAD.findall(_EXPR.sub(" ", src))}
        known = set(words(s.title))
        for t in story.things.values():
            if t.location == s.id or t.location in ("player", "worn"):
                known.update(t.name, t.adjectives, *t.synonyms)
        for a in s.actions:
            known.update(w for ph in (*a.commands, *a.nouns) for w in ph)
        for ex in s.exits:
            known.update(w for n in ex.names for w in n)
            known.update(words(story.scenes[ex.to].title))
        missing = sorted(n for n in nouns
                         if n not in known and n not in _NOT_NOUNS and len(n) > 2
                         and words(n) and words(n)[0] not in known)
        if missing:
            out[s.id] = missing
    return out
