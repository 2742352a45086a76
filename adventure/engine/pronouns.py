"""Pronouns and possessives in a typed command: 'him' as the person meant, 'my collar'
and "julian's collar" as the collar.

A player's possessive qualifies a noun; it is never part of a thing's name, and a pronoun
or possessive word is never a typo of something else.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from ..story.model import Thing, Words
    from .context import Context

PRONOUNS: Final = frozenset({"it", "them", "him", "her"})
POSSESSIVES: Final = frozenset({"my", "your", "his", "her", "their", "its", "our"})
# Words after 'her' that show it is the object ('tell her the truth', 'ask her about it'),
# not a possessive ('x her hands').
NOT_NOUNS: Final = frozenset({
    "the", "a", "an", "some", "about", "to", "for", "with", "on", "at", "in", "into", "onto",
    "from", "of", "by", "and", "or", "but", "again", "what", "why", "how", "where", "who",
    "when", "whether", "if", "which", "that", "this", "these", "those", "i", "im", "you",
    "me", "we", "us", "he", "she", "they", "it", "him", "her", "them", "is", "am", "are",
    "not", "no", "yes", "so", "now", "here", "there", "up", "down", "out", "off", "away",
    "back", "please", "too", "all", "everything", "anything", "nothing", "something",
    "my", "your", "his", "their", "its", "our"})
# Words that are never a slip for another word: 'her' is not 'hesper'.
NEVER_TYPOS: Final = PRONOUNS | POSSESSIVES | frozenset({
    "me", "you", "i", "he", "she", "they", "we", "us", "myself", "yourself"})

# Verbs with a person before the thing ('give her the rod', typed words lose 'the'):
# 'her' right after them is the person.
TO_WHOM: Final = frozenset({
    "give", "show", "tell", "ask", "hand", "offer", "pass", "throw", "bring", "pay", "sell",
    "lend", "teach", "answer", "promise", "call", "send", "let", "help", "thank", "wake",
    "follow", "kiss", "hug", "trust"})


def possessive_her(ws: Words, i: int) -> bool:
    """Is ws[i] ('her') a possessive qualifying the next word, not a pronoun?"""
    return ws[i] == "her" and i + 1 < len(ws) and ws[i + 1] not in NOT_NOUNS \
        and not ws[i + 1].startswith("@") and not ws[i + 1].isdecimal() \
        and not (i and ws[i - 1] in TO_WHOM)


def without_owner(ws: Words, names: Callable[[str], bool]) -> Words:
    """'my collar', 'his mistress', "julian's collar" (typed 'julians collar'): the noun
    phrase without its owner. `names(word)` tells whether a word names something here, so
    that 'julians' is Julian's only when 'julian' is a name and 'julians' is not."""
    out = list(ws)
    while len(out) > 1 and (out[0] in POSSESSIVES or (
            out[0].endswith("s") and not names(out[0]) and names(out[0][:-1]))):
        out.pop(0)
    return tuple(out)


def choose_person(candidates: list[Thing], here: str, last: str | None) -> Thing | None:
    """Of several people 'him' could mean with none named: the last one named, else the
    one this scene is with (declared in it, not someone who came along; of several, the
    one the story gives most to say: topics, then talk, before a musician in the corner;
    never between groups), else nobody."""
    for t in candidates:
        if t.id == last:
            return t
    local = [t for t in candidates if t.location == here]
    if len(local) > 1 and not any(t.plural for t in local):  # 'them' of two groups: ask
        voice = [(bool(t.topics), t.talk is not None) for t in local]
        best = max(voice)
        local = [t for t, v in zip(local, voice, strict=True) if v == best]
    return local[0] if len(local) == 1 else None


def unsure(word: str, scope: list[Thing]) -> str:
    """What to ask when a pronoun could mean several people in view, or nobody."""
    people = [t.the() for t in scope if t.pronoun == word and t.person]
    if len(people) > 1:
        return f"Whom do you mean by '{word}': {', '.join(people[:-1])} or {people[-1]}?"
    return f"I'm not sure what '{word}' refers to here; name it."


def in_view(ws: Words, ctx: Context) -> tuple[Words, str]:
    """The command with each pronoun as '@id' of whom it means, and '' (or the pronoun
    that means nobody here, with the words unchanged)."""
    out: list[str] = []
    for i, w in enumerate(ws):
        if w in PRONOUNS and not possessive_her(ws, i):
            ref = ctx.refs.get(w)
            if ref is not None and ref not in ctx.scope and ref == ctx.refs.get("absent"):
                return ws, w  # the one 'where is' just asked after, not another here
            if ref not in ctx.scope and w == "them":  # a plural thing named last, never
                it = ctx.refs.get("it")  # the last singular one ('x crushers. x them')
                ref = it if it in ctx.scope and ctx.scope[it].plural else None
            if (ref is None or ref not in ctx.scope) and w != "it":
                # nobody named yet: the one person of that kind in view, or of several the
                # last named or the one this scene is with
                kind = [t for t in ctx.scope.values() if t.pronoun == w]
                last = ctx.refs.get("them")
                chosen = kind[0] if len(kind) == 1 else choose_person(kind, ctx.scene, last)
                ref = chosen.id if chosen is not None else None
                if ref is None and w != "them" and last in ctx.scope \
                        and not ctx.scope[last].plural:  # the person last named, 'they'
                    ref = last
            if ref is None or ref not in ctx.scope:
                return ws, w
            out.append(f"@{ref}")
        else:
            out.append(w)
    return tuple(out), ""
