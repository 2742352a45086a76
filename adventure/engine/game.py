"""A story ready to play: `Game.step(state, line)` plays one command.

`Game` carries out what the parser made of a command: the story's actions and
exits (through its state machine), travel, the built-in verbs (`verbs`), timed
events and the end of the game. Its bases work out what is on offer (`Offers`)
and what a turn shows (`Replies`).
"""

from __future__ import annotations

import os

from ..story.limits import ValueLimit
from ..story.model import Story, Words
from ..story.vocab import apply_synonyms, words
from . import verbs
from . import world as w
from .labels import LINKS
from .machine import StoryMachine
from .parser import (
    _DIRECTION_WORDS,
    META,
    Context,
    Intent,
    _builtin_verb,
    parse,
    thing_matches,
)
from .reply import Replies, describe
from .scopeindex import index as scope_index
from .selfname import about_self
from .state import GameState
from .whereabouts import absent_person, away_person
from .world import World

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Final

    from ..story.model import Exit
    from .opening import Start
    from .result import Offer, Result

# verbs that speak to someone: the person named becomes him or her
SPOKEN: Final = frozenset({"ask", "tell", "talk", "speak", "give", "show", "greet", "say", "answer",
                           "question", "thank", "call"})
# answers to a yes/no question the game asks ('Restart? ...', 'Did you mean ...?')
YES: Final = frozenset({("yes",), ("y",), ("yeah",), ("yep",), ("sure",), ("ok",), ("okay",),
                        ("yes", "please")})
NO: Final = frozenset({("no",), ("n",), ("nope",), ("cancel",), ("no", "thanks")})
# built-in verbs that only show what is already so: they take no turn
FREE_VERBS: Final = frozenset({"look", "inventory", "examine", "whereabouts", "talk_self",
                                "away"})
# built-in verbs that move things: one that moved nothing was refused, and is free
HANDLING: Final = frozenset({"take", "drop", "wear", "remove", "put", "give"})
MAX_LINE: Final = 1000  # characters in one command; longer input is refused, not parsed


ENDED_HELP: Final = (
    "The story has ended. From here: 'restart' plays it again from the start; "
    "'undo' takes back the move that ended it; 'restore NAME' goes back to a saved "
    "game ('saves' lists them); 'transcript on' keeps what follows; 'quit' leaves.")


# How many things each built-in verb of a logged command names, at least.
_ARITY: Final = {"look": 0, "wait": 0, "inventory": 0, "examine": 1, "take": 1, "drop": 1,
                 "wear": 1, "remove": 1, "ask": 1, "tell": 1, "give": 2, "show": 2, "put": 2}


class Game(Replies):
    """A story ready to play. Build once; it serves any number of games."""

    def __init__(self, story: Story):
        super().__init__(story)
        self.machine = StoryMachine(story, lazy=True)

    # -- starting ------------------------------------------------------------
    def new_state(self, seed: int | None = None) -> GameState:
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "big")
        st = GameState(scene=self.story.start, vars=dict(self.story.initial),
                       rng=seed & w.MASK64, seed=seed)
        return st

    def begin(self, seed: int | None = None, start: Start | None = None) -> Result:
        """A new game: the intro and the first scene, or the scene and state of `start`."""
        st = self.new_state(seed)
        world = World(self.story, st)
        if start is not None:
            st.start = start  # so that a restart, however it is asked for, comes back here
            start.apply(world)
            return self._result(world, advanced=False, show_choices=True, before=None)
        world.say(self.story.intro)
        world.enter(self.story.start)
        return self._result(world, advanced=False, show_choices=True, before=None)

    def again(self, state: GameState) -> Result:
        """A restart of the game `state` belongs to: with its seed, where it began (the
        story's start, or the scene and state of `play --at` or a test's `start:`)."""
        start = state.start
        result = self.begin(state.seed, start)
        if start is not None:
            result.paragraphs.insert(0, ("system", f"Starting again {start.describe()}."))
        return result

    # -- one command -----------------------------------------------------------
    def step(self, state: GameState, line: str, resolved: str | None = None,
             offers: list[Offer] | None = None, correct: bool = True) -> Result:
        """Play one command against a copy of `state`; a story value grown past its limit
        (story.limits) stops the turn with a located message, the game as it was.
        `correct` False: no typo is corrected (parser.Context.exact), for a replayed log."""
        try:
            return self._step(state, line, resolved, offers, correct)
        except ValueLimit as exc:
            if not exc.where:
                exc.where = str(self.story.scenes[state.scene].loc)
            return self.notice(state, [("error", str(exc))])

    def _step(self, state: GameState, line: str, resolved: str | None,
              offers: list[Offer] | None, correct: bool = True) -> Result:
        """Play one command against a copy of `state`.

        `resolved` (from a saved log) replays what the command meant then, when that
        action still exists here; otherwise the line is parsed afresh. `offers` may be
        the `offers` of the result that produced `state`: where the scene's labels draw
        nothing at random, the choices are then not worked out a second time.
        """
        before = state
        world = World(self.story, state.fork(), forked=True)
        if len(line) > MAX_LINE:
            world.out.append(("error", f"That is too long for me to follow ({len(line):,} "
                              f"characters); say it in under {MAX_LINE}."))
            return self._result(world, advanced=False, show_choices=False, before=before)
        if world.state.ended:
            return self._after_ending(world, line, before)
        if offers is None or not self._offer_plan(world.state.scene).plain:
            offers = self.offers(world)
        world.offered_before = self._labels(world.state.scene, offers)  # did it change?
        ctx = self.context(world, offers)
        intent = self._from_resolved(resolved, world, ctx) if resolved else None
        pending, world.state.pending = world.state.pending, None
        if intent is None and pending:
            intent = self._answer(pending, line, ctx)
        if intent is None:
            ctx.exact = not correct
            intent = parse(line, ctx)
        if intent.kind == "unknown" and not pending:
            # 'x julian', playing Julian; 'where is julian', gone
            typed = apply_synonyms(words(line), self.synonyms)
            intent = about_self(world, typed, ctx) or absent_person(world, typed) \
                or away_person(world, typed) or intent
            if intent.verb == "out_of_reach" and "out_of_reach" in self.story.wording:
                intent.message = world.word("out_of_reach", The=intent.phrase[0])
        elif intent.verb == "where" and intent.objects:
            # 'where is the intendant' asks after her, not the sigil named for her; 'where
            # is kira' after Kira, not the Intendant some call mirror Kira
            intent = absent_person(world, apply_synonyms(words(line), self.synonyms),
                                   intent.objects[0]) or intent
        if intent.kind == "choice":
            intent = self._choose(intent, offers, world)
        elif intent.kind == "fallback" and not moving(intent.words):
            # the fallback answers actions, not words nobody knows or things not here, nor
            # a look, which never acts ('look' in the smoke stumbled out of it)
            plain = parse("", narrowed(ctx, fallback=False), ws=intent.words)
            if plain.kind == "unknown" or plain.kind == "builtin" and plain.verb == "look":
                intent = plain
        if intent.corrected and not (pending and pending.get("confirm")):
            shown = " ".join(w if not w.startswith("@") else
                             world.shown(self.story.things[w[1:]]).display
                             for w in intent.corrected)
            if self._final(intent):
                world.state.pending = {"confirm": list(intent.corrected)}
                intent = Intent("unknown", message=f"Did you mean '{shown}'? That cannot "
                                "easily be taken back, so type 'yes' to do it.")
            else:
                world.out.append(("system", f"(I understood: '{shown}')"))
        if intent.options:
            world.state.pending = {"words": list(intent.words), "phrase": list(intent.phrase),
                                   "options": [t.id for t in intent.options]}
        if intent.numbers:
            world.state.pending = {"choices": list(intent.numbers)}
            listing = [f"{n}) {offers[n - 1].label}" for n in intent.numbers]
            intent.message = ("Which do you mean: " + ", ".join(listing[:-1]) + " or "
                              + listing[-1] + "? Type its number.")
        self._remember(world, intent)
        advanced = self.execute(world, intent, ctx)
        if world.entered and "absent" in world.state.refs:
            # 'where is X' was answered where the player was: once they move on, 'him' is
            # whoever is in view again (the Julian found in the quarters)
            world.unset("refs", "absent")
        if intent.kind == "meta" and intent.verb == "quit":
            res = self._result(world, advanced=False, show_choices=False, before=before)
            res.quit = True
            return res
        if advanced and not world.state.ended:
            world.state.turn += 1
            self.fire_events(world)
        elif advanced:
            world.state.turn += 1
        ask = intent.kind == "meta" and intent.verb == "choices"
        res = self._result(world, advanced, ask, before)
        fb = self.story.scenes[before.scene].fallback
        if intent.kind == "fallback" and fb:
            res.resolved = fb.go.trigger if fb.go is not None and moving(intent.words) \
                else fb.trigger
        else:
            res.resolved = describe(world.fell_to or intent)
        res.unknown_word = intent.unknown_word
        return res

    def _answer(self, pending: dict, line: str, ctx: Context) -> Intent | None:
        """The reply to 'which do you mean?' or to 'did you mean ...?'; None if it is
        a new command instead."""
        ws = apply_synonyms(words(line), self.synonyms)
        if "choices" in pending:
            numbers = pending["choices"]
            if len(ws) == 1 and ws[0].isascii() and ws[0].isdigit():
                return None  # a number is a choice anyway
            shown = ctx.labels()
            left = [n for n in numbers if n <= len(shown)
                    and set(w for w in ws if w not in LINKS) <= set(shown[n - 1])]
            return Intent("choice", number=left[0], words=ws) if len(left) == 1 else None
        if "confirm" in pending:
            if ws in YES:
                return parse("", ctx, ws=tuple(pending["confirm"]))
            if ws in NO:
                return Intent("unknown", words=ws, message="Then it is not done.")
            return None
        options = [ctx.scope[i] for i in pending.get("options", []) if i in ctx.scope]
        chosen = [t for t in options if ws and thing_matches(t, ws, need_noun=False)]
        if len(ws) == 1 and ws[0].isascii() and ws[0].isdigit() \
                and 1 <= int(ws[0]) <= len(options):
            chosen = [options[int(ws[0]) - 1]]
        if len(chosen) != 1:
            return None
        full, phrase = tuple(pending["words"]), tuple(pending["phrase"])
        for i in range(len(full) - len(phrase) + 1):
            if full[i:i + len(phrase)] == phrase:
                full = full[:i] + (f"@{chosen[0].id}",) + full[i + len(phrase):]
                break
        else:  # 'Ask whom?': the one answered is the one spoken to, after the verb
            full = full[:1] + (f"@{chosen[0].id}",) + full[1:]
        return parse("", ctx, ws=full)

    def _final(self, intent: Intent) -> bool:
        """Would this intent end the game? (A corrected typo must not, unasked.)"""
        target = None
        if intent.kind == "action" and intent.action is not None:
            target = intent.action.to
        elif intent.kind == "exit" and intent.exit is not None:
            target = intent.exit.to
        return target is not None and self.story.scenes[target].ending is not None

    def _remember(self, world: World, intent: Intent) -> None:
        """Pronouns: 'it', 'him', 'her' and 'them' mean what was named last."""
        named = list(intent.objects)
        a = intent.action
        if a is not None:
            named += [self.story.things[t] for t in (a.thing, a.second) if t]
            if not named and intent.words:  # 'take hypospray' written as a command
                found = scope_index(world.scope(), world.state.scene).named_by(intent.words)
                named += found[:1] if len(found) == 1 else []
        if intent.verb in ("whereabouts", "away") and named:  # 'where is julian', 'x him'
            named = named[:1]  # of the people the name can mean, the one answered about
            world.write("refs", "absent", named[0].id)
        for t in named[:1] if intent.preposition == "all" else named:
            world.write("refs", t.pronoun, t.id)
            if t.plural and t.pronoun == "it":  # 'x crates', then 'x them'
                world.write("refs", "them", t.id)
            if t.pronoun != "it" and "it" not in world.state.refs:
                world.write("refs", "it", t.id)
        if intent.words and intent.words[0] in SPOKEN:
            # 'ask garak what the intendant wants', as a story's phrase or a choice's
            # words: whoever is named is 'him' or 'her' next, the first named first
            # (a name here twice: this scene's own first; see scopeindex)
            people = scope_index(world.scope(), world.state.scene).people
            seen: set[str] = {t.pronoun for t in named if t.person}
            for w in intent.words[1:]:
                for t, token, nouns in people:
                    if t.pronoun not in seen and (w == token or w in nouns):
                        seen.add(t.pronoun)
                        world.write("refs", t.pronoun, t.id)

    def _from_resolved(self, resolved: str, world: World, ctx: Context) -> Intent | None:
        kind, _, rest = resolved.partition(":")
        scene = self.scene(world)
        if kind == "action":
            for a in ctx.own + ctx.globals:
                if a.trigger == resolved:
                    return Intent("action", action=a)
        elif kind == "exit":
            for ex in scene.exits:
                if ex.trigger == resolved:
                    return Intent("exit", exit=ex)
        elif kind == "fallback" and ctx.fallback and scene.fallback is not None:
            if scene.fallback.trigger == resolved:
                return Intent("fallback")
            if scene.fallback.go is not None and scene.fallback.go.trigger == resolved:
                return Intent("fallback", words=("go",))  # movement
        elif kind == "travel":  # 'go to PLACE', logged with where it led
            for route in ctx.routes.values():
                if route and route[-1].to == rest:
                    return Intent("travel", route=route)
        elif kind == "meta" and rest in META:  # 'hitn', corrected then: no need to again
            return Intent("meta", verb=rest, words=(rest,))
        elif kind == "builtin":
            verb, *ids = rest.split(":")
            prep = ids.pop() if verb == "put" and ids else ""
            # a log from a save is untrusted: a verb with too few things is parsed afresh
            if len(ids) >= _ARITY.get(verb, len(ids) + 1) and all(i in ctx.scope for i in ids):
                return Intent("builtin", verb=verb, objects=[ctx.scope[i] for i in ids],
                              preposition=prep)
        return None

    def _choose(self, intent: Intent, offers: list[Offer], world: World) -> Intent:
        n = intent.number
        if not offers:
            return Intent("unknown", message="There are no numbered choices here; "
                          "type a command (or 'help').")
        if not 1 <= n <= len(offers):
            return Intent("unknown", message=f"Choose a number from 1 to {len(offers)}.")
        offer = offers[n - 1]
        # a choice typed as words keeps them: the person they name is 'him' next
        typed = () if intent.words[:1] == (str(n),) else intent.words
        if offer.action is not None:
            return Intent("action", action=offer.action, words=typed)
        return Intent("exit", exit=offer.exit, words=typed)

    def execute(self, world: World, intent: Intent, ctx: Context | None = None) -> bool:
        """Carry out an intent; True if it took a turn. An action or exit whose guard fails
        passes the command on to the next match (with `ctx`, what the parser was told);
        only when every match refuses does the first refusal speak."""
        kind = intent.kind
        if kind == "empty":
            world.out.append(("system", "Say what you want to do, or type a number."))
            return False
        if kind == "unknown":
            world.out.append(("error", intent.message))
            return False
        if kind == "meta":
            if intent.message:  # 'talk to julian' while talking with him: said first
                world.out.append(("text", intent.message))
            if intent.verb == "choices" and not self.offers(world):  # not a blank list
                world.out.append(("system", "There are no numbered choices here; type a "
                                  "command (or 'help')."))
            verbs.meta(world, intent.verb)
            return False
        if kind in ("action", "exit"):
            refused = intent
            while not self._fire(world, intent):
                if ctx is None or not intent.words or _own_refusal(intent):
                    # its own refusal text: the author's answer, the command goes no further
                    return self._refuse(world, intent if _own_refusal(intent) else refused)
                ctx = narrowed(ctx, without=intent)
                intent = parse("", ctx, ws=intent.words)
                if intent.kind in ("builtin", "travel", "meta"):
                    world.fell_to = intent
                    return self.execute(world, intent)
                if intent.kind not in ("action", "exit"):
                    return self._refuse(world, refused)
            if intent is not refused:
                world.fell_to = intent
            return True
        if kind == "fallback":
            fb = self.scene(world).fallback
            assert fb is not None
            self.machine.fire(fb.go.trigger if fb.go is not None and moving(intent.words)
                              else fb.trigger, world)
            return True
        if kind == "travel":
            return self.travel(world, intent.route)
        moved = dict(world.state.moved) if intent.verb in HANDLING else None
        verbs.builtin(world, intent)
        if moved is not None and world.state.moved == moved:
            return False  # refused ('take phaser', held already): nothing changed, no turn
        # looking, examining and taking stock are free: no turn passes, no timer runs, so
        # reading the scene closely never costs a player a timed chance
        return intent.verb not in FREE_VERBS

    def _fire(self, world: World, intent: Intent) -> bool:
        """Take an action or exit; False (nothing done) if its guard fails."""
        done = intent.action if intent.kind == "action" else intent.exit
        assert done is not None
        return self.machine.fire(done.trigger, world)

    def _refuse(self, world: World, intent: Intent) -> bool:
        """The refusal of an action or exit whose guard failed; it takes the turn."""
        a, ex = intent.action, intent.exit
        if a is not None:
            if a.refuse is not None:
                world.say(a.refuse)
            elif a.ret and not world.state.stack:
                world.out.append(("error", "There is nowhere to return to."))
            else:
                world.out.append(("text", world.word("not_possible")))
        elif ex is not None:
            if ex.refuse is not None:
                world.say(ex.refuse)
            else:
                world.out.append(("text", world.word("cant_go")))
        return True

    def travel(self, world: World, route: Sequence[Exit]) -> bool:
        """'go to PLACE' along several exits: each step a turn; stop at any refusal."""
        for i, ex in enumerate(route):
            if world.state.scene != (route[i - 1].to if i else world.state.scene):
                break  # an event moved the player on the way
            if not self.machine.fire(ex.trigger, world):
                world.say(ex.refuse) if ex.refuse is not None else world.out.append(
                    ("text", world.word("barred")))
                return i > 0
            if i < len(route) - 1:
                world.state.turn += 1
                self.fire_events(world)
                if world.state.ended:
                    break
        return True

    # -- time -----------------------------------------------------------------------
    def fire_events(self, world: World) -> None:
        st = world.state
        turn = st.turn
        for timer in st.timers:  # most turns nothing is due: found without a new list
            if timer[0] <= turn:
                break
        else:
            return
        due = sorted((t for t in st.timers if t[0] <= turn), key=lambda t: (t[0], t[1]))
        st.timers[:] = [t for t in st.timers if t[0] > st.turn]
        for _, event in due:
            if st.ended:
                break
            self.machine.fire(self.story.events[event].trigger, world)

    # -- after the ending -----------------------------------------------------------
    def _after_ending(self, world: World, line: str, before: GameState) -> Result:
        ws = words(line)
        if ws in (("restart",), ("r",), ("play", "again")):
            return self.again(before)
        if ws in (("quit",), ("q",)):
            res = self._result(world, advanced=False, show_choices=False, before=before)
            res.paragraphs = [("system", "Goodbye.")]  # not the question about what next
            res.quit = True
            return res
        res = self._result(world, advanced=False, show_choices=False, before=before)
        if ws in (("help",), ("?",), ("commands",)):
            res.paragraphs = [("system", ENDED_HELP)]
        return res


def moving(ws: Words) -> bool:
    """Is this command movement: a direction, or 'go ...'?"""
    return bool(ws) and (ws in _DIRECTION_WORDS or _builtin_verb(ws)[0] == "go")


def narrowed(ctx: Context, without: Intent | None = None, fallback: bool | None = None
             ) -> Context:
    """What the parser is told, less the action or exit that refused (or the fallback)."""
    a = without.action if without is not None else None
    ex = without.exit if without is not None else None
    # (the choices' labels, the text's words and names are left out; the vocabulary is
    # still worked out only if a typo needs it)
    return Context(ctx.synonyms, [o for o in ctx.own if o is not a],
                   [o for o in ctx.globals if o is not a], ctx.spent,
                   [o for o in ctx.exits if o is not ex], ctx.scope, ctx.exit_titles,
                   ctx.choices, ctx.fallback if fallback is None else fallback,
                   ctx.conversation, None, ctx.refs, ctx.routes, ctx.known_words(),
                   None, list, frozenset, frozenset, ctx.scene, None, ctx.lazy)


def _own_refusal(intent: Intent) -> bool:
    done = intent.action if intent.kind == "action" else intent.exit
    return done is not None and done.refuse is not None
