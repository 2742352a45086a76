"""The I/O-free game API: a command string in, what to show and the new state out.

`Game` is a story ready to play (the checked story and its state machine,
built once and shared). `Game.step(state, line)` is a pure function of the
state and the line. `Session` keeps one game's current state for front ends:
the plain loop, the REPL, replay and the tests all go through it.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable

from ..story.model import Exit, Story
from ..story.vocab import apply_synonyms, words
from . import verbs
from . import world as w
from .machine import StoryMachine
from .parser import Context, Intent, parse, thing_matches
from .reply import Replies, describe
from .result import Choice, Offer, Result
from .state import GameState, LogEntry
from .store import SaveError
from .world import World

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence

    from .store import Store

# what other modules import from here
__all__ = ["MAX_LINE", "Choice", "Game", "Result", "Session", "describe", "split_commands"]

MAX_LINE = 1000  # characters in one command; longer input is refused, not parsed


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

    def begin(self, seed: int | None = None) -> Result:
        """A new game: the intro and the first scene."""
        st = self.new_state(seed)
        world = World(self.story, st)
        world.say(self.story.intro)
        world.enter(self.story.start)
        return self._result(world, advanced=False, show_choices=True, before=None)

    # -- one command -----------------------------------------------------------
    def step(self, state: GameState, line: str, resolved: str | None = None,
             offers: list[Offer] | None = None) -> Result:
        """Play one command against a copy of `state`.

        `resolved` (from a saved log) replays what the command meant then, when that
        action still exists here; otherwise the line is parsed afresh. `offers` may be
        the `offers` of the result that produced `state`: where the scene's labels draw
        nothing at random, the choices are then not worked out a second time.
        """
        before = state
        world = World(self.story, state.copy())
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
            intent = parse(line, ctx)
            if intent.kind == "choice":
                intent = self._choose(intent, offers, world)
        if intent.corrected and not (pending and pending.get("confirm")):
            shown = " ".join(w if not w.startswith("@") else self.story.things[w[1:]].display
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
        self._remember(world, intent)
        advanced = self.execute(world, intent)
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
        res.resolved = fb.trigger if intent.kind == "fallback" and fb else describe(intent)
        res.unknown_word = intent.unknown_word
        return res

    def _answer(self, pending: dict, line: str, ctx: Context) -> Intent | None:
        """The reply to 'which do you mean?' or to 'did you mean ...?'; None if it is
        a new command instead."""
        ws = apply_synonyms(words(line), self.synonyms)
        if "confirm" in pending:
            if ws in (("yes",), ("y",)):
                return parse("", ctx, ws=tuple(pending["confirm"]))
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
        for t in named[:1] if intent.preposition == "all" else named:
            world.write("refs", t.pronoun, t.id)
            if t.pronoun != "it" and "it" not in world.state.refs:
                world.write("refs", "it", t.id)

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
        elif kind == "fallback" and ctx.fallback and scene.fallback is not None \
                and scene.fallback.trigger == resolved:
            return Intent("fallback")
        elif kind == "builtin":
            verb, *ids = rest.split(":")
            prep = ids.pop() if verb == "put" and ids else ""
            if all(i in ctx.scope for i in ids):
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
        if offer.action is not None:
            return Intent("action", action=offer.action)
        return Intent("exit", exit=offer.exit)

    def execute(self, world: World, intent: Intent) -> bool:
        """Carry out an intent; True if it took a turn."""
        kind = intent.kind
        if kind == "empty":
            world.out.append(("system", "Say what you want to do, or type a number."))
            return False
        if kind == "unknown":
            world.out.append(("error", intent.message))
            return False
        if kind == "meta":
            verbs.meta(world, intent.verb)
            return False
        if kind == "action":
            a = intent.action
            assert a is not None
            if not self.machine.fire(a.trigger, world):
                if a.refuse is not None:
                    world.say(a.refuse)
                elif a.ret and not world.state.stack:
                    world.out.append(("error", "There is nowhere to return to."))
                else:
                    world.out.append(("text", "That isn't possible just now."))
            return True
        if kind == "exit":
            ex = intent.exit
            assert ex is not None
            if not self.machine.fire(ex.trigger, world):
                if ex.refuse is not None:
                    world.say(ex.refuse)
                else:
                    world.out.append(("text", "You can't go that way just now."))
            return True
        if kind == "fallback":
            self.machine.fire(self.scene(world).fallback.trigger, world)  # type: ignore[union-attr]
            return True
        if kind == "travel":
            return self.travel(world, intent.route)
        verbs.builtin(world, intent)
        return True

    def travel(self, world: World, route: Sequence[Exit]) -> bool:
        """'go to PLACE' along several exits: each step a turn; stop at any refusal."""
        for i, ex in enumerate(route):
            if world.state.scene != (route[i - 1].to if i else world.state.scene):
                break  # an event moved the player on the way
            if not self.machine.fire(ex.trigger, world):
                world.say(ex.refuse) if ex.refuse is not None else world.out.append(
                    ("text", "The way on is barred."))
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
        if not st.timers:
            return
        due = sorted((t for t in st.timers if t[0] <= st.turn), key=lambda t: (t[0], t[1]))
        if not due:
            return
        st.timers[:] = [t for t in st.timers if t[0] > st.turn]
        for _, event in due:
            if st.ended:
                break
            self.machine.fire(self.story.events[event].trigger, world)

    # -- after the ending -----------------------------------------------------------
    def _after_ending(self, world: World, line: str, before: GameState) -> Result:
        ws = words(line)
        if ws in (("restart",), ("r",), ("play", "again")):
            return self.begin(before.seed)
        if ws in (("quit",), ("q",)):
            res = self._result(world, advanced=False, show_choices=False, before=before)
            res.paragraphs = [("system", "Goodbye.")]  # not the question about what next
            res.quit = True
            return res
        return self._result(world, advanced=False, show_choices=False, before=before)


_SEPARATORS = re.compile(r"\s*(?:[.;!]+|\bthen\b|,\s*then\b)\s*", re.I)
_SESSION_WORDS = ("save", "restore", "load", "transcript")


def split_commands(line: str) -> list[str]:
    """'take the padd. go to ops' and 'x rod then take it' are several commands."""
    stripped = line.strip()
    if not stripped or len(line) > MAX_LINE or stripped.lower().startswith(_SESSION_WORDS):
        return [line]
    if "." not in line and ";" not in line and "!" not in line and "then" not in line.lower():
        return [stripped]  # most lines are one command: no need for the expression
    return [p for p in _SEPARATORS.split(stripped) if p.strip()] or [line]


def _failed(result: Result) -> bool:
    return any(style == "error" for style, _ in result.paragraphs)


_SESSION_COMMANDS = {"save": "_save", "restore": "_restore", "load": "_restore",
                     "saves": "_saves", "undo": "_undo", "restart": "_restart",
                     "transcript": "_transcript"}
UNDO_DEPTH = 1000
DEFAULT_SLOT = "quicksave"


class Session:
    """One game in progress: its state, its log, undo, and the session-level commands
    (save, restore, saves, undo, restart, transcript) that sit above `Game.step`."""

    def __init__(self, game: Game, seed: int | None = None, store: Store | None = None,
                 resume: tuple[GameState, list[LogEntry]] | None = None):
        self.game = game
        self.store = store
        # Each level: what turns the state after it back into the state before it (see
        # GameState.undo_delta), the log it belonged to, and that log's length then.
        self.undo: deque[tuple[tuple, list[LogEntry], int]] = deque(maxlen=UNDO_DEPTH)
        self.pending_restart = False
        self.opening = game.begin(seed)
        self.state = self.opening.state
        self.log: list[LogEntry] = []
        if resume is not None:
            self.state, self.log = resume[0], list(resume[1])
            self.opening = game.notice(self.state, [], look=True)
        self.unsaved = False
        # Called before each command; returns paragraphs to show first (live reload).
        self.before_turn: Callable[[], list[tuple[str, str]]] | None = None
        self.last_line: str | None = None  # for 'again'
        self.oops: tuple[str, str] | None = None  # (unknown word, its line), for 'oops'
        self.last: Result | None = self.opening  # its offers serve the next step

    # -- the one entry point -------------------------------------------------------
    def submit(self, line: str) -> Result:
        """Play a line: one command, or several ('take padd. go north', '... then ...')."""
        # Lone surrogates (undecodable bytes from a terminal) cannot be saved as UTF-8.
        if not line.isascii():
            line = line.encode("utf-8", "replace").decode("utf-8")
        notes = self.before_turn() if self.before_turn is not None else []
        parts = split_commands(line)
        result = self._submit(parts[0] if parts else line)
        for part in parts[1:]:
            if result.quit or result.ended or _failed(result):
                break  # the rest of the line made sense only if this part worked
            more = self._submit(part)
            more.paragraphs[:0] = result.paragraphs
            more.show_choices = more.show_choices or result.show_choices
            result = more
        if notes:
            result.paragraphs[:0] = notes
        return result

    def _submit(self, line: str) -> Result:
        ws = words(line)
        if ws and ws[0] == "oops":
            if len(ws) != 2 or self.oops is None:
                return self._notice("'oops' corrects the word I did not know in your last "
                                    "command: say 'oops' and the right word.", error=True)
            bad, before = self.oops
            line = re.sub(rf"\b{re.escape(bad)}\b", ws[1], before, count=1, flags=re.I)
            ws = words(line)
        if ws in (("again",), ("g",)):
            if self.last_line is None:
                return self._notice("There is nothing to repeat yet.", error=True)
            line, ws = self.last_line, words(self.last_line)
        verb = ws[0] if ws else ""
        name = _SESSION_COMMANDS.get(verb)
        if name is not None and (verb not in ("saves", "undo", "restart") or len(ws) == 1):
            result = getattr(self, name)(" ".join(line.split()[1:]))
        else:
            result = self._play(line)
            self.last_line = line
            self.oops = (result.unknown_word, line) if result.unknown_word else None
        if verb != "restart":
            self.pending_restart = False
        if self.store is not None:
            self.store.transcribe(line, result)
        return result

    def _play(self, line: str) -> Result:
        before = self.state
        known = self.last.offers if self.last is not None and self.last.state is before \
            else None
        result = self.game.step(before, line, offers=known)
        self.last = result
        if result.quit:
            if self.store is not None:
                self.store.journal_end(finished=False)  # quit: kept, to continue later
            return result
        delta = result.undo if result.undo is not None else before.undo_delta(result.state)
        if delta:  # empty when the command changed nothing (a look, a refusal)
            self.undo.append((delta, self.log, len(self.log)))
            self.unsaved = True
        if result.resolved != "empty":
            entry = LogEntry(line, result.resolved)
            self.log.append(entry)
            if self.store is not None:
                self.store.journal_turn(entry)
                if result.ended is not None:
                    self.store.journal_end(finished=True)
        self.state = result.state
        return result

    def _notice(self, text: str, look: bool = False, error: bool = False) -> Result:
        return self.game.notice(self.state, [("error" if error else "system", text)], look=look)

    # -- session commands ----------------------------------------------------------
    def _save(self, name: str) -> Result:
        if self.store is None:
            return self._notice("Saving is not available in this game.", error=True)
        try:
            msg = self.store.save(name or DEFAULT_SLOT, self.state, self.log)
        except SaveError as exc:
            return self._notice(str(exc), error=True)
        self.unsaved = False
        return self._notice(msg)

    def _restore(self, name: str) -> Result:
        if self.store is None:
            return self._notice("Restoring is not available in this game.", error=True)
        try:
            state, log, msg = self.store.load(name or DEFAULT_SLOT)
        except SaveError as exc:
            return self._notice(f"{exc} The game goes on as it was.", error=True)
        self.undo.append((self.state.undo_delta(state), self.log, len(self.log)))
        self.state, self.log = state, log
        self.store.journal_reset(state, log)
        self.unsaved = False
        return self._notice(msg, look=True)

    def _saves(self, _: str) -> Result:
        if self.store is None:
            return self._notice("Saving is not available in this game.", error=True)
        return self._notice(self.store.listing())

    def _undo(self, _: str) -> Result:
        if not self.undo:
            return self._notice("There is nothing to undo.", error=True)
        # A snapshot keeps the log it belonged to (restore and restart replace the log)
        # and how long it was; later turns only ever append to it.
        delta, log, length = self.undo.pop()
        state = self.state.undone(delta)
        undone = [e.command for e in self.log[length:]] if log is self.log else []
        self.state, self.log = state, log[:length]
        if self.store is not None:
            self.store.journal_reset(state, self.log)
        what = f"'{undone[-1]}'" if undone else "the last turn"
        return self._notice(f"Undone: {what}.", look=True)

    def _restart(self, _: str) -> Result:
        if not self.state.ended and not self.pending_restart and self.log:
            self.pending_restart = True
            return self._notice("Restart from the beginning? Type 'restart' again to confirm "
                                "('undo' takes it back afterwards).")
        self.pending_restart = False
        result = self.game.begin(self.state.seed)
        self.undo.append((self.state.undo_delta(result.state), self.log, len(self.log)))
        self.state, self.log = result.state, []
        if self.store is not None:
            self.store.journal_reset(self.state, self.log)
        return result

    def _transcript(self, arg: str) -> Result:
        if self.store is None:
            return self._notice("Transcripts are not available in this game.", error=True)
        if arg.lower() not in ("on", "off"):
            return self._notice("Say 'transcript on' or 'transcript off'.", error=True)
        try:
            return self._notice(self.store.transcript(arg.lower() == "on"))
        except SaveError as exc:
            return self._notice(str(exc), error=True)
