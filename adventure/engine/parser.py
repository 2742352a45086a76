"""Turn a typed line into an intent, using the story's words and what is in reach.

A pure function of the line and a `Context` that the session builds each turn:
no state is read or changed here.
"""

from __future__ import annotations

from ..story.model import Action, Exit, Thing, Words
from ..story.text import first_source
from ..story.vocab import (
    DIRECTIONS,
    VERB_TABLE,
    apply_synonyms,
    canonical,
    words,
)
from ..story.vocab import builtin_verb as _builtin_verb  # as game and selfname know it
from . import labels
from .context import Context, Lazy  # noqa: F401 - named here too, where Context was
from .conversing import aside, said_to_another
from .freetalk import ASKING, addressee, listeners, requested, whom
from .intent import Intent
from .naming import apart, shown
from .nounmatch import head, resolve, thing_matches, thing_words
from .ordering import ORDERING, ordered
from .pronouns import POSSESSIVES, PRONOUNS, unsure, without_owner
from .pronouns import in_view as _pronouns
from .rephrase import CLIMBING, FIRST, WARNED, rephrase, wrong_way
from .typos import correct, unknown_word
from .ways import exits_phrase, way_out, way_up

TYPE_CHECKING = False  # typing costs start-up time (collections.abc imports collections)
if TYPE_CHECKING:
    from typing import Final

META: Final = frozenset({"hint", "help", "choices", "quit", "score", "version", "verbose", "brief"})
# Built-in verbs that need no object ("listen", "kneel"); verbs with an instrument
# ("unlock the door with the key", "use the hypospray on Julian").
ALONE: Final = frozenset({"climb", "crawl", "kneel", "sit", "stand", "lie", "listen", "smell",
                          "hide", "wave", "hum"})
INSTRUMENT: Final = frozenset({"unlock", "lock", "open", "use", "light", "attack", "shoot",
                               "push", "touch", "move", "treat"})
INSTRUMENT_WORDS: Final = frozenset({"with", "on", "using", "at", "into", "onto", "to"})
# Built-ins whose answer is only a default ("Nothing obvious happens."): a numbered choice
# that the command fits means more.
DEFAULTS: Final = frozenset({
    "talk", "ask", "tell", "give", "show", "climb", "crawl", "push", "pull", "lift", "move",
    "open", "close", "lock", "unlock", "light", "extinguish", "turn_on", "turn_off", "attack",
    "shoot", "kneel", "sit", "stand", "lie", "listen", "smell", "touch", "hide", "wave", "use",
    "wait", "treat", "eat", "drink", "hum", "follow", "unscrew", "tear"})
INTO: Final = frozenset({"into", "in", "inside", "through", "toward", "towards", "to", "onto"})
PREPOSITIONS: Final = (("into",), ("onto",), ("inside",), ("in",), ("on",))
LEAVE: Final = frozenset({("bye",), ("goodbye",), ("leave",), ("end", "conversation")})

LOOKING: Final = frozenset({"study", "watch", "observe", "inspect", "examine", "peer", "read"})
_OWNERS: Final = {"his": "him", "her": "her"}
_DIRECTION_WORDS: Final = frozenset((w,) for d, abbrs in DIRECTIONS.items() for w in (d, *abbrs))
_WAYS: Final = frozenset({"up", "down", "u", "d"})
_UPDOWN: Final = {("up",): "up", ("u",): "up", ("down",): "down", ("d",): "down"}
_UNKNOWN: Final = "That isn't a command I know here: '"
_HELP_ME: Final = frozenset({("me",), ("please",), ("commands",), ("me", "please")})
_FLEE: Final = frozenset({("run",), ("flee",), ("run", "away"), ("escape",), ("run", "for", "it")})
_FLEE_WORDS: Final = frozenset({"run", "flee", "escape", "bolt"})
_OUT: Final = frozenset({("out",), ("leave",), ("exit",), ("outside",), ("go", "out"),
                         ("get", "out"), ("go", "outside"), ("step", "out"), ("walk", "out"),
                         ("leave", "room"), ("exit", "room"), ("get", "out", "of", "here")})
_FULL_DIRECTION: Final = {(a,): (d,) for d, abbrs in DIRECTIONS.items() for a in abbrs}

def parse(line: str, ctx: Context, ws: Words | None = None) -> Intent:
    """`ws`, when given, are words already prepared (an answer to 'which do you mean')."""
    if ws is None:
        if line.strip() == "?":
            return Intent("meta", verb="help", words=("?",))
        ws = apply_synonyms(words(line), ctx.synonyms)
    if not ws:
        return Intent("empty", words=ws)
    if ctx.choices:  # a label typed as shown means its choice, before anything else
        hits = labels.whole(ws, ctx.labels())
        if hits:
            return _choice(hits, ws, ctx)
    typed = ws  # as typed, before pronouns are resolved: labels use pronouns too
    if not PRONOUNS.isdisjoint(ws):
        ws, missing = _pronouns(ws, ctx)
        if missing:
            own = _parse(typed, ctx)  # the story's own phrase: 'tell him truth'
            if own.kind == "action" and own.words == typed or own.kind == "unknown" and any(
                    _action_matches(a, canonical(typed), ctx) for a in ctx.spent):
                return own
            chosen = _label(typed, ctx) if ctx.choices else None
            if chosen is None and typed[0] in ORDERING:  # 'order the guards to let him go'
                order = ordered(typed, ctx)
                chosen = order if order is not None and order.kind == "action" else None
            if ctx.refs.get(missing, "") == ctx.refs.get("absent") and not chosen:
                who = {"him": "He is", "her": "She is"}.get(missing, "They are")
                return Intent("unknown", words=ws, message=f"{who} not here.")
            # several people it could mean: asked which, as for a noun ('the men')
            kind = [t for t in ctx.scope.values() if t.pronoun == missing and t.person]
            return chosen or Intent("unknown", words=ws,
                                    message=unsure(missing, list(ctx.scope.values())),
                                    options=kind if len(kind) > 1 else [], phrase=(missing,))
    intent = _parse(ws, ctx)
    if intent.options:
        intent.words = ws  # the whole command, to finish once the player says which
    # "You are already talking with Garak" is a default too: 'tell him he is wasted'
    weak = labels.weak(intent.kind, intent.verb, intent.objects, DEFAULTS) \
        and intent.exit is None or intent.kind == "meta" and bool(intent.objects)
    named = ws
    if ws != typed and (weak or intent.kind == "action" and intent.words != ws):
        # 'use it on kira', 'ask him about his mistress': the story's phrase names the
        # person or thing itself, and says more than 'ask Garak' alone does
        named = tuple(n for w in ws for n in (ctx.scope[w[1:]].name if w[1:] in ctx.scope
                                               and w.startswith("@") else (w,)))
        again = _parse(named, ctx)
        if again.kind == "action" and (weak or again.words == named):
            return again
        hits = labels.whole(named, ctx.labels()) if ctx.choices else []
        if hits:  # 'ask him about his mistress' for 'Ask Garak about his mistress'
            return _choice(hits, named, ctx)
    if weak and not intent.options and ctx.choices:
        chosen = _label(typed, ctx) or (_label(ws, ctx) if ws != typed else None)
        if chosen is not None:
            return chosen
    if intent.kind == "unknown" and ws[0] in ORDERING and not intent.options:
        order = ordered(ws, ctx)  # 'order the guards to let him go'
        if order is not None:
            return order
    if intent.kind == "unknown" and ws in _FLEE and not intent.options:
        return _fleeing(ws, ctx)  # 'run': the one label that flees, else a plain answer
    if intent.kind == "unknown" and ws in _OUT and not intent.options:
        ex = way_out(ctx.exits)  # 'out', 'leave', 'exit': the one way back out
        if ex is not None:
            return Intent("exit", exit=ex, words=ws)
    if intent.kind == "unknown" and not intent.options and ctx.vocabulary and not ctx.exact:
        fixed = correct(ws, ctx.vocabulary)
        if fixed != ws:
            again = _parse(fixed, ctx)
            secret = again.action is not None and again.action.key in ctx.unlisted()
            if again.kind not in ("unknown", "empty") and not secret:
                again.corrected = fixed
                return again
        intent.unknown_word = unknown_word(ws, _builtin_verb(ws)[1], ctx.vocabulary)
    if intent.kind == "unknown" and ws != typed:  # the echo is the player's own words
        intent.message = intent.message.replace(f"'{shown(ws, ctx.scope)}'", f"'{' '.join(typed)}'")
    if intent.kind == "unknown" and line.strip() and intent.message.startswith(_UNKNOWN):
        # echoed as typed, punctuation and all ('siskos ship' was "Sisko's ship")
        tail = intent.message[len(_UNKNOWN):]
        intent.message = _UNKNOWN + line.strip() + tail[tail.find("'."):]
    return intent


def _helping(rest: Words, ws: Words, ctx: Context) -> Intent:
    """'help reyes': the story's way of rescuing or freeing her, else her talk, else a
    plain answer (never the commands' help)."""
    for verb in ("rescue", "save", "free", "help", "assist"):
        form = (verb, *rest)
        for a in ctx.own + ctx.globals:
            if _action_matches(a, form, ctx):
                return Intent("action", action=a, words=ws)
    chosen = _label(("help", *rest), ctx) if ctx.choices else None
    if chosen is not None:
        return chosen
    who = _one(rest, ctx)
    if isinstance(who, Intent):
        return who
    if who.person:
        return _talk_to(rest, ws, ctx)
    return Intent("unknown", words=ws, message=f"There is no helping {who.the()} just now.")


def _fleeing(ws: Words, ctx: Context) -> Intent:
    """'run', 'flee': the one choice that runs or flees, else a plain answer."""
    found = [i for i, lw in enumerate(ctx.labels()) if not _FLEE_WORDS.isdisjoint(lw)] \
        if ctx.choices else []
    if len(found) == 1:
        return _choice(found, ws, ctx)
    return Intent("unknown", words=ws, message="There is nowhere to run to from here. "
                  "Type a number from the list, or 'choices' to see what you can do."
                  if ctx.choices else "There is nowhere to run to from here.")


def _label(ws: Words, ctx: Context) -> Intent | None:
    """A command nothing else understood, that fits one or more numbered choices."""
    scope = ctx.scope
    if ctx.conversation and said_to_another(ws, scope, ctx.partners()):
        return None  # the choices are said to the one the conversation is with

    def names(word: str) -> frozenset[str]:
        return frozenset(t.id for t in scope.values() if word in thing_words(t)[1])

    # a pronoun's thing by a word of its name (its id is no word: 'intendant_aud_self')
    plain = tuple(scope[w[1:]].name[-1] if w[1:] in scope else w[1:] if w[:1] == "@" else w
                  for w in ws)
    hits = labels.fits(plain, ctx.labels(), names,
                       lambda w: any(scope[t].person for t in names(w)))
    return _choice(hits, ws, ctx) if hits else None


def _choice(hits: list[int], ws: Words, ctx: Context) -> Intent:
    if len(hits) == 1:
        return Intent("choice", number=hits[0] + 1, words=ws)
    # the game words the question, with the labels as shown
    return Intent("unknown", words=ws, numbers=[i + 1 for i in hits],
                  message="Which of the choices do you mean? Type its number.")


def _parse(ws: Words, ctx: Context) -> Intent:
    if len(ws) == 1 and ws[0].isascii() and ws[0].isdigit():
        return Intent("choice", number=int(ws[0]), words=ws)
    if ws[0] in FIRST:  # 'climb down', 'back to X', 'warn sisko': a plainer command,
        plain = rephrase(ws)  # unless the story has an action for the words as typed
        if plain is not None and not any(
                _action_matches(a, canonical(ws), ctx) for a in ctx.own + ctx.globals):
            if plain[0] in WARNED:  # said to the person, not a story act that is
                return _builtin(*_builtin_verb(plain), plain, ctx)  # 'speak to worf' too
            again = _parse(plain, ctx)
            if again.kind != "unknown" or len(ws) == 2 or ws[0] not in CLIMBING \
                    or again.exit is not None:  # a ladder that goes the other way says so
                return again  # 'climb up the ladder' with no way up is still a climb
    verb, rest = _builtin_verb(ws)
    if verb in META and not rest and (verb == "quit" or not any(  # a story's own 'score' wins
            _action_matches(a, canonical(ws), ctx) for a in ctx.own + ctx.globals)):
        return Intent("meta", verb=verb, words=ws)
    if ctx.conversation and ws in LEAVE:
        for a in ctx.own:
            if a.ret:
                return Intent("action", action=a, words=ws)
    cws = canonical(ws)
    if cws != ws:  # a built-in's other words: the story's phrase as written comes first
        for a in ctx.own:
            if ws in a.said:
                return Intent("action", action=a, words=ws)
    # examine has its own meaning: looking at someone in view never takes a choice
    # ('x worker' for "Meet the eyes of the Terran worker")
    looking = cws[0] == "examine" and len(cws) > 1 and bool(resolve(cws[1:], ctx.scope))
    for a in ctx.own:
        if _action_matches(a, cws, ctx) and not (looking and _other_choice(a)):
            return Intent("action", action=a, words=ws)
    ex = _exit(ws, ctx)
    if ex is not None:
        return Intent("exit", exit=ex, words=ws)
    if ctx.fallback:
        return Intent("fallback", words=ws)
    for a in ctx.globals:
        if _action_matches(a, cws, ctx) and not (looking and _other_choice(a)):
            return Intent("action", action=a, words=ws)
    if not looking and any(_action_matches(a, cws, ctx) for a in ctx.spent):
        return Intent("unknown", words=ws, message="You have already done that.")
    if verb:
        return _builtin(verb, rest, ws, ctx)
    if ws in _DIRECTION_WORDS:
        return _builtin("go", ws, ("go", *ws), ctx)
    return unknown(ws, ctx)


def _other_choice(a: Action) -> bool:
    """A choice that is more than looking ("Meet the eyes of the Terran worker"), which
    'x worker' does not take; "Look at the portrait", "Study the Enforcer" are looking."""
    if a.label is None:
        return False
    first = words(first_source(a.label))[:2]
    return bool(first) and canonical(first)[0] != "examine" and first[0] not in LOOKING


def _action_matches(a: Action, ws: Words, ctx: Context) -> bool:
    if a.has_command(ws):
        return True
    for v in a.verbs:
        if ws[:len(v)] != v:
            continue
        rest = ws[len(v):]
        if not rest:
            if not a.nouns and a.thing is None:
                return True
            continue
        if a.preposition:
            if _two_nouns(a, rest, ctx):
                return True
            continue
        if rest in a.nouns:
            return True
        if a.thing is not None and a.thing in ctx.scope \
                and thing_matches(ctx.scope[a.thing], _owned(rest, ctx)):
            return True
    return False


def _two_nouns(a: Action, rest: Words, ctx: Context) -> bool:
    """give PADD to ODO, ask SISKO about ALLIANCE: split at the action's preposition."""
    prep = a.preposition
    for i in range(1, len(rest) - len(prep)):
        if rest[i:i + len(prep)] != prep:
            continue
        first, second = _owned(rest[:i], ctx), _owned(rest[i + len(prep):], ctx)
        if a.thing is not None:
            ok = a.thing in ctx.scope and thing_matches(ctx.scope[a.thing], first)
        else:
            ok = not a.nouns or first in a.nouns
        if not ok:
            continue
        if a.second is not None and a.second in ctx.scope \
                and thing_matches(ctx.scope[a.second], second):
            return True
        if second in a.topics:
            return True
    return False


def _exit(ws: Words, ctx: Context) -> Exit | None:
    go, rest = _builtin_verb(ws)
    candidates = [ws]
    if go == "go" and rest:
        candidates.append(rest)
    candidates += [_FULL_DIRECTION[c] for c in candidates if c in _FULL_DIRECTION]  # d: down
    for phrase in candidates:
        for ex in ctx.exits:
            if phrase in ex.names or phrase == ctx.exit_titles.get(ex.key):
                return ex
    return None


def _builtin(verb: str, rest: Words, ws: Words, ctx: Context) -> Intent:
    if verb in META or verb in ("look", "inventory", "wait"):
        if rest and verb == "look":  # "look padd" means examine it
            return _builtin("examine", rest, ws, ctx)
        if rest in _HELP_ME and verb == "help":
            return Intent("meta", verb=verb, words=ws)
        if rest and verb == "help":
            return _helping(rest, ws, ctx)  # 'help reyes': assisting her, not the commands
        if rest:
            return Intent("unknown", words=ws,
                          message=f"'{' '.join(ws[:1])}' needs nothing after it here.")
        return Intent("builtin", verb=verb, words=ws)
    if verb == "go":
        return _go(rest, ws, ctx)
    if not rest:
        if verb in ALONE:
            return Intent("builtin", verb=verb, words=ws)
        return Intent("unknown", words=ws, message=f"What do you want to {verb}?")
    if verb == "talk":  # 'talk to quark about the bar' asks him about it
        return _talk("ask", rest, ws, ctx) if "about" in rest[1:-1] else _talk_to(rest, ws, ctx)
    if verb in INSTRUMENT:
        for i, w in enumerate(rest):
            if w in INSTRUMENT_WORDS and 0 < i < len(rest) - 1:
                first, second = _one(rest[:i], ctx), _one(rest[i + 1:], ctx)
                if isinstance(first, Intent):
                    return first
                if isinstance(second, Intent):
                    return second
                return Intent("builtin", verb=verb, objects=[first, second], preposition=w,
                              words=ws)
    if verb == "drop" and rest[0] in INTO and len(rest) > 1:
        return _go(rest, ws, ctx)  # 'drop into the crawlway' is a way down, not a thing
    # 'drop the padd into the locker' puts it there (not a drop with its tail cut off)
    if verb == "put" or verb == "drop" and any((w,) in PREPOSITIONS for w in rest[1:-1]):
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
    if verb in ("give", "show", "ask", "tell"):
        return _talk(verb, rest, ws, ctx)
    if rest[0] == "all" and verb in ("take", "drop", "examine"):
        return _all(verb, rest, ws, ctx)
    obj = _one(rest, ctx)
    if isinstance(obj, Intent):
        return obj
    return Intent("builtin", verb=verb, objects=[obj], words=ws)


def _all(verb: str, rest: Words, ws: Words, ctx: Context) -> Intent:
    """take all, drop all but the padd, take all except rod and padd."""
    excluded: list[Thing] = []
    if len(rest) > 2 and rest[1] in ("except", "but"):
        for part in _split_and(rest[2:]):
            one = _one(part, ctx)
            if isinstance(one, Intent):
                return one
            excluded.append(one)
    elif len(rest) > 1:
        return Intent("unknown", words=ws, message=f"Say '{verb} all' or '{verb} all except "
                      "the ...'.")
    things = [t for t in ctx.scope.values() if t not in excluded and t.listed]
    return Intent("builtin", verb=verb, objects=things, words=ws, preposition="all")


def _split_and(ws: Words) -> list[Words]:
    parts: list[list[str]] = [[]]
    for w in ws:
        if w == "and":
            parts.append([])
        else:
            parts[-1].append(w)
    return [tuple(p) for p in parts if p]


def _go(rest: Words, ws: Words, ctx: Context) -> Intent:
    """go PLACE, go into/through/toward PLACE; a direction with no exit that way."""
    # 'go down into the crawlway', 'climb down the hatch': the way, then the place
    while len(rest) > 1 and (rest[0] in INTO or rest[0] in _WAYS):
        ex = _exit(rest[1:], ctx) or _exit(rest, ctx)
        if ex is not None:
            wrong = wrong_way(ex.key, ex.names, rest[0])
            if wrong:  # 'climb up the ladder' where the ladder only goes down: says so
                return Intent("unknown", words=ws, exit=ex,
                              message=f"The {shown(rest[1:], ctx.scope)} goes {wrong}.")
            return Intent("exit", exit=ex, words=ws)
        rest = rest[1:]
    if rest in _UPDOWN:  # 'go up' for "Climb to the upper gallery": the one way up
        ex = way_up(ctx.exits, _UPDOWN[rest])
        if ex is not None:
            return Intent("exit", exit=ex, words=ws)
    place = " ".join(rest)
    route = ctx.routes.get(place)
    if route:
        return Intent("travel", route=route, words=ws)
    seen = ctx.mentioned().union(*ctx.labels())  # what the scene and its choices show
    where = exits_phrase(ctx.exits, seen, ctx.exit_titles)
    if rest in _DIRECTION_WORDS or rest and all(w in labels.ONWARD for w in rest):
        msg = "You can't go that way."
    else:
        msg = f"You can't go to '{shown(rest, ctx.scope)}' from here." if place else "Go where?"
    return Intent("unknown", words=ws, message=f"{msg} {where}")


def _talk_to(rest: Words, ws: Words, ctx: Context, said: str = "talk") -> Intent:
    """talk to X (or ask/tell X anything without 'about'): the story's way of talking to
    X, if any, else X's own answer to what was `said` (their topics, or their `talk`)."""
    person = _one(rest, ctx)
    if isinstance(person, Intent):
        return person
    for verb in ("talk", "ask", "tell"):
        spoken = _spoken_to(verb, person, ctx)
        if spoken is not None:
            return spoken
    if ctx.conversation and person.person and ctx.choices:
        # already talking: what there is to say is the conversation's choices, or asked
        # and told, the person's own answer
        chosen = _label(ws, ctx)
        busy = chosen or aside(person, said, ctx.partners())
        if isinstance(busy, str):  # "You are already talking with Garak."
            return Intent("meta", verb="choices", objects=[person], words=ws, message=busy)
        return chosen or Intent("builtin", verb=said, objects=[person], words=ws)
    return Intent("builtin", verb=said, objects=[person], words=ws)


def _talk(verb: str, rest: Words, ws: Words, ctx: Context) -> Intent:
    """give/show X to Y and ask/tell Y about Z, when the story has no action for them."""
    prep = "to" if verb in ("give", "show") else "about"
    if prep == "about":  # 'ask odo what he wants', 'tell kira i am ready': no 'about'
        n = addressee(rest, lambda p: resolve(_owned(p, ctx), ctx.scope))
        if n and rest[n] != "about":
            return _talk_to(rest[:n], ws, ctx, verb)
    if prep == "to" and prep not in rest[1:-1]:  # 'give him the rod': the person first
        for n in range(1, len(rest)):
            if any(t.person for t in resolve(_owned(rest[:n], ctx), ctx.scope)):
                return _talk(verb, (*rest[n:], "to", *rest[:n]), ws, ctx)
    if prep == "about" and len(rest) > 1 and (rest[0] in ASKING or rest[0] == "about"):
        # to nobody by name ('ask for the patrols', 'ask to see sisko', 'ask about X'): the
        # story's own 'ask for sisko', else the one it is for (Inform's '(asking Julian)')
        for form in requested(rest) if verb == "ask" else ():
            for a in ctx.own + ctx.globals:
                if _action_matches(a, form, ctx):
                    return Intent("action", action=a, words=ws)
        people = listeners([t for t in ctx.scope.values() if t.person], ctx.scene,
                           ctx.partners() if ctx.conversation else [])
        if len(people) == 1:
            return _talk(verb, (f"@{people[0].id}", *rest), ws, ctx)
        if people:  # 'Ask whom: Hesper or the men?', unless a choice fits the words
            return (_label(ws, ctx) if ctx.choices else None) or Intent(
                "unknown", words=ws, message=whom(verb, people), options=people,
                phrase=("whom",))
    if prep not in rest[1:-1]:
        who = _addressee(rest, ctx)
        topic = shown(rest[1:], ctx.scope) if rest[0] == "about" and rest[1:] else "something"
        example = f"{verb} something to {who}" if prep == "to" else \
            f"{verb} {who} about {topic}"
        return Intent("unknown", words=ws, message=f"Say it as '{example}'.")
    i = rest.index(prep, 1)
    first, second = rest[:i], rest[i + 1:]
    if prep == "to":
        thing, person = _one(first, ctx), _one(second, ctx)
        if isinstance(thing, Intent):
            return thing
        if isinstance(person, Intent):
            return person
        if thing is person:  # 'give mirror to her', the Intendant being 'mirror kira'
            return Intent("unknown", words=ws, message=f"You aren't carrying any "
                          f"'{shown(first, ctx.scope)}'." if verb == "give" else
                          f"You have no '{shown(first, ctx.scope)}' to show.")
        return Intent("builtin", verb=verb, objects=[thing, person], words=ws)
    person = _one(first, ctx)
    if isinstance(person, Intent):
        return person
    spoken = _spoken_to(verb, person, ctx, topic=True)
    if spoken is not None:
        return spoken
    return Intent("builtin", verb=verb, objects=[person], words=ws)


def _addressee(rest: Words, ctx: Context) -> str:
    """Whom an example should name: the person the command names, else the one the scene
    is with, else anyone in view; never someone absent."""
    people = [t for t in ctx.scope.values() if t.person]
    for n in range(len(rest), 0, -1):
        found = [t for t in resolve(_owned(rest[:n], ctx), ctx.scope) if t.person]
        if found:
            return found[0].the()
    people.sort(key=lambda t: t.location != ctx.scene)
    return people[0].the() if people else "someone"


def _spoken_to(verb: str, person: Thing, ctx: Context, topic: bool = False) -> Intent | None:
    """'ask Mott about Sisko' with no action about that topic: an action that answers
    'ask Mott' (its verbs include 'ask', its thing is Mott) is what the player means."""
    def answers(a: Action) -> bool:
        return a.thing == person.id and not a.preposition and (verb,) in a.verbs

    found = next((a for a in ctx.own + ctx.globals if answers(a)), None)
    if found is not None:
        return Intent("action", action=found, words=(verb, f"@{person.id}"))
    if not topic and any(answers(a) for a in ctx.spent):  # a new topic is not 'done'
        return Intent("unknown", words=(verb,), message="You have already done that.")
    return None


def _owned(ws: Words, ctx: Context) -> Words:
    """The noun phrase without a player's possessive: 'my collar', "julian's collar"."""
    if len(ws) < 2 or not (ws[0] in POSSESSIVES or ws[0].endswith("s")):
        return ws
    # the things in view first: the story's whole vocabulary is made only when they
    # do not know the word ('workers' in view costs nothing)
    return without_owner(ws, lambda w: any(
        w in thing_words(t)[1] for t in ctx.scope.values()) or w in ctx.vocabulary)


def _one(ws: Words, ctx: Context) -> Thing | Intent:
    owner = _OWNERS.get(ws[0], "") if len(ws) > 1 else ""
    ws = _owned(ws, ctx)
    found = resolve(ws, ctx.scope)
    if not found and head(ws) != ws:  # 'follow quark into his back room': follow quark
        ws = head(ws)
        found = resolve(ws, ctx.scope)
    if len(found) > 1 and owner:  # 'x her hands': hers, not the hand mirror
        found = [t for t in found if t.pronoun == owner] or found
    if len(found) > 1 and len({t.display for t in found}) == 1:
        # the same name twice (Garak of the calling scene and of this conversation):
        # no answer to 'which' could tell them apart, so this scene's own
        found = [t for t in found if t.location == ctx.scene] or found[:1]
    if len(found) == 1:
        return found[0]
    if not found:
        if all(w in labels.LINKS or w in labels.ONWARD for w in ws):  # 'crawl on': no thing
            return unknown(ws, ctx)
        if all(w in ctx.mentioned() for w in ws):
            # named by the text, declared nowhere: not a way forward, and said so plainly
            noun = shown(ws, ctx.scope)
            if len(ws) == 1 and ws[0] in ctx.names():  # a person's name: Odo, not "the odo"
                return Intent("unknown", words=ws, verb="out_of_reach", phrase=(noun.capitalize(),),
                              message=f"{noun.capitalize()} is not someone you can reach just now.")
            are = "are" if noun.endswith("s") and not noun.endswith("ss") else "is"
            return Intent("unknown", words=ws, message=f"The {noun} {are} not something "
                          "you need to worry about.")
        return Intent("unknown", words=ws,
                      message=f"You can't see any '{shown(ws, ctx.scope)}' here.")
    return Intent("unknown", words=ws, message=f"Which do you mean, {apart(found)}?",
                  options=found, phrase=ws)


def unknown(ws: Words, ctx: Context) -> Intent:
    from .suggest import offers_for  # only for a command nobody understood

    typed = shown(ws, ctx.scope)
    pool = [] if ctx.exact else list(dict.fromkeys(  # exact (a replayed log): no suggestions
        ctx.phrases() + [" ".join(seq) for seq, v in VERB_TABLE
                         if len(seq[0]) > 2 and v != "where"]))  # 'where is' is no verb
    close = [] if ctx.exact else offers_for(ws, typed, ctx.scope, pool, ctx.mentioned,
                                            ctx.vocabulary)
    parts = [f"That isn't a command I know here: '{typed}'."]
    if close:
        parts.append("Did you mean: " + ", ".join(f"'{c}'" for c in close) + "?")
    tail = "Type a number from the list, " if ctx.choices else "Type "
    parts.append(tail + "'choices' to see what you can do here, or 'help' for the commands.")
    return Intent("unknown", words=ws, message=" ".join(parts))
