"""Turn a typed line into an intent, using the story's words and what is in reach.

A pure function of the line and a `Context` that the session builds each turn:
no state is read or changed here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .model import Action, Exit, Thing, Words
from .vocab import DIRECTIONS, apply_synonyms, words

# Built-in verbs: canonical name -> the word sequences that mean it.
BUILTINS: dict[str, tuple[Words, ...]] = {
    "look": (("look",), ("l",), ("look", "around")),
    "inventory": (("inventory",), ("i",), ("inv",)),
    "examine": (("examine",), ("x",), ("look", "at"), ("l", "at"), ("inspect",), ("read",),
                ("look", "in"), ("search",)),
    "take": (("take",), ("get",), ("pick", "up"), ("grab",), ("collect",)),
    "drop": (("drop",), ("put", "down"), ("discard",)),
    "wear": (("wear",), ("put", "on"), ("don",)),
    "remove": (("remove",), ("take", "off"), ("doff",)),
    "put": (("put",), ("place",), ("insert",), ("set",)),
    "go": (("go", "to"), ("go",), ("walk", "to"), ("walk",), ("run", "to"), ("head",),
           ("head", "to"), ("enter",)),
    "wait": (("wait",), ("z",)),
    "hint": (("hint",), ("hints",), ("clue",)),
    "help": (("help",), ("?",), ("commands",)),
    "choices": (("choices",), ("options",), ("what", "can", "i", "do")),
    "quit": (("quit",), ("q",)),
}
META = frozenset({"hint", "help", "choices", "quit"})
NEEDS_OBJECT = frozenset({"examine", "take", "drop", "wear", "remove", "put"})
PREPOSITIONS = (("into",), ("onto",), ("inside",), ("in",), ("on",))
LEAVE = frozenset({("bye",), ("goodbye",), ("leave",), ("end", "conversation")})

_DIRECTION_WORDS = frozenset((w,) for d, abbrs in DIRECTIONS.items() for w in (d, *abbrs))

# Verbs the built-ins accept that still mean something of their own to an author.
_OWN_MEANING = frozenset({("read",), ("search",), ("look", "in"), ("enter",), ("set",),
                          ("insert",), ("place",), ("collect",)})

# The longest verb phrase wins ("take off" before "take").
_VERB_TABLE = sorted(((ws, name) for name, seqs in BUILTINS.items() for ws in seqs),
                     key=lambda p: -len(p[0]))


@dataclass
class Context:
    """What the player can refer to this turn."""

    synonyms: list[tuple[Words, Words]]
    own: list[Action]  # the scene's own actions that can be matched now
    globals: list[Action]
    spent: list[Action]  # `once` actions already done
    exits: list[Exit]
    scope: dict[str, Thing]
    exit_titles: dict[str, Words]  # exit key -> words of its destination's title
    choices: int  # how many numbered choices are on offer
    fallback: bool = False  # the scene's fallback answers everything else
    conversation: bool = False
    listed_phrases: list[str] = field(default_factory=list)  # for suggestions


@dataclass
class Intent:
    kind: str  # empty, choice, meta, action, fallback, exit, builtin, unknown
    verb: str = ""
    number: int = 0
    action: Action | None = None
    exit: Exit | None = None
    objects: list[Thing] = field(default_factory=list)
    preposition: str = ""
    message: str = ""
    words: Words = ()


def parse(line: str, ctx: Context) -> Intent:
    ws = apply_synonyms(words(line), ctx.synonyms)
    if line.strip() == "?":
        return Intent("meta", verb="help", words=("?",))
    if not ws:
        return Intent("empty", words=ws)
    if len(ws) == 1 and ws[0].isdigit():
        return Intent("choice", number=int(ws[0]), words=ws)
    verb, rest = _builtin_verb(ws)
    if verb in META and not rest:
        return Intent("meta", verb=verb, words=ws)
    if ctx.conversation and ws in LEAVE:
        for a in ctx.own:
            if a.ret:
                return Intent("action", action=a, words=ws)
    cws = canonical(ws)
    for a in ctx.own:
        if _action_matches(a, cws, ctx):
            return Intent("action", action=a, words=ws)
    ex = _exit(ws, ctx)
    if ex is not None:
        return Intent("exit", exit=ex, words=ws)
    if ctx.fallback:
        return Intent("fallback", words=ws)
    for a in ctx.globals:
        if _action_matches(a, cws, ctx):
            return Intent("action", action=a, words=ws)
    if any(_action_matches(a, cws, ctx) for a in ctx.spent):
        return Intent("unknown", words=ws, message="You have already done that.")
    if verb:
        return _builtin(verb, rest, ws, ctx)
    if ws in _DIRECTION_WORDS:
        return _builtin("go", ws, ("go", *ws), ctx)
    return unknown(ws, ctx)


def canonical(ws: Words) -> Words:
    """Put a leading built-in verb in its one canonical form: x, look at, l at -> examine.

    Authored phrases and typed lines both pass through this, so an action written
    with `verbs: [examine]` also answers `x padd` and `look at padd`.
    """
    for seq, name in _VERB_TABLE:
        if ws[:len(seq)] == seq:
            if name == "go" or seq in _OWN_MEANING:
                return ws
            return (name, *ws[len(seq):])
    return ws


def _builtin_verb(ws: Words) -> tuple[str, Words]:
    for seq, name in _VERB_TABLE:
        if ws[:len(seq)] == seq:
            return name, ws[len(seq):]
    return "", ws


def _action_matches(a: Action, ws: Words, ctx: Context) -> bool:
    if ws in a.commands:
        return True
    for v in a.verbs:
        if ws[:len(v)] != v:
            continue
        rest = ws[len(v):]
        if not rest:
            if not a.nouns and a.thing is None:
                return True
            continue
        if rest in a.nouns:
            return True
        if a.thing is not None and a.thing in ctx.scope \
                and thing_matches(ctx.scope[a.thing], rest):
            return True
    return False


def thing_matches(t: Thing, ws: Words, need_noun: bool = True) -> bool:
    """Every word describes the thing, and (unless need_noun is off) one of them names it."""
    nouns = {t.name[-1], *(s[-1] for s in t.synonyms)}
    vocab = set(t.name) | set(t.adjectives) | {w for s in t.synonyms for w in s}
    if ws == t.name or ws in t.synonyms:
        return True
    return all(w in vocab for w in ws) and (not need_noun or any(w in nouns for w in ws))


def resolve(ws: Words, scope: dict[str, Thing]) -> list[Thing]:
    """The things in scope a noun phrase could mean; exact names win.

    A phrase of adjectives alone ("x small") is tried only when no noun fits.
    """
    found = [t for t in scope.values() if thing_matches(t, ws)]
    if not found:
        found = [t for t in scope.values() if thing_matches(t, ws, need_noun=False)]
    if len(found) > 1:
        exact = [t for t in found if ws == t.name]
        if exact:
            return exact
    return found


def _exit(ws: Words, ctx: Context) -> Exit | None:
    go, rest = _builtin_verb(ws)
    candidates = [ws]
    if go == "go" and rest:
        candidates.append(rest)
    for phrase in candidates:
        for ex in ctx.exits:
            if phrase in ex.names or phrase == ctx.exit_titles.get(ex.key):
                return ex
    return None


def _builtin(verb: str, rest: Words, ws: Words, ctx: Context) -> Intent:
    if verb in META or verb in ("look", "inventory", "wait"):
        if rest and verb == "look":  # "look padd" means examine it
            return _builtin("examine", rest, ws, ctx)
        if rest:
            return Intent("unknown", words=ws,
                          message=f"'{' '.join(ws[:1])}' needs nothing after it here.")
        return Intent("builtin", verb=verb, words=ws)
    if verb == "go":
        place = " ".join(rest)
        where = _exits_phrase(ctx)
        msg = f"You can't go '{place}' from here." if place else "Go where?"
        return Intent("unknown", words=ws, message=f"{msg} {where}")
    if not rest:
        return Intent("unknown", words=ws, message=f"What do you want to {verb}?")
    if verb == "put":
        for i, w in enumerate(rest):
            if (w,) in PREPOSITIONS and 0 < i < len(rest) - 1:
                first = _one(rest[:i], ctx)
                second = _one(rest[i + 1:], ctx)
                if isinstance(first, Intent):
                    return first
                if isinstance(second, Intent):
                    return second
                prep = "on" if w in ("on", "onto") else "in"
                return Intent("builtin", verb="put", objects=[first, second],
                              preposition=prep, words=ws)
        return Intent("unknown", words=ws,
                      message="Put it where? Say, for example, 'put the coin in the box'.")
    obj = _one(rest, ctx)
    if isinstance(obj, Intent):
        return obj
    return Intent("builtin", verb=verb, objects=[obj], words=ws)


def _one(ws: Words, ctx: Context) -> Thing | Intent:
    found = resolve(ws, ctx.scope)
    if len(found) == 1:
        return found[0]
    if not found:
        return Intent("unknown", words=ws,
                      message=f"You can't see any '{' '.join(ws)}' here.")
    names = [f"the {' '.join(sorted(t.adjectives)[:1] + list(t.name))}" for t in found]
    listing = ", ".join(names[:-1]) + " or " + names[-1]
    return Intent("unknown", words=ws, message=f"Which do you mean, {listing}?")


def _exits_phrase(ctx: Context) -> str:
    names = [ex.key for ex in ctx.exits if not ex.hidden]
    if not names:
        return "There is no obvious way on; try the choices."
    return "From here you can go: " + ", ".join(names) + "."


def unknown(ws: Words, ctx: Context) -> Intent:
    typed = " ".join(ws)
    pool = ctx.listed_phrases + [" ".join(seq) for seq, _ in _VERB_TABLE if len(seq[0]) > 2]
    close = difflib.get_close_matches(typed, pool, n=3, cutoff=0.6)
    if not close:
        first = difflib.get_close_matches(ws[0], [p.split()[0] for p in pool], n=1, cutoff=0.75)
        if first:
            close = [p for p in pool if p.split()[0] == first[0]][:3]
    parts = [f"That isn't a command I know here: '{typed}'."]
    if close:
        parts.append("Did you mean: " + ", ".join(f"'{c}'" for c in close) + "?")
    tail = "Type a number from the list, " if ctx.choices else "Type "
    parts.append(tail + "'choices' to see what you can do here, or 'help' for the commands.")
    return Intent("unknown", words=ws, message=" ".join(parts))
