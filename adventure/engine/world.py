"""One turn's view of a game: the state, the rules of things, and the output so far.

A `World` is what expressions evaluate against, what effects change and what
the state machine drives (it is the machine's model for the duration of one
command). It never prints; it collects paragraphs for the session to return.
"""

from __future__ import annotations

from zlib import crc32  # zlib is loaded at start already (replies.py)

from ..story.limits import bounded
from ..story.memo import remember
from ..story.model import OneOf, Story, TextSpec, Thing
from ..story.places import FOLLOWING, PLAYER, WORN
from ..story.wording import DEFAULTS
from .state import GONE, GameState, field_dict, own_dict

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from ..story.effects import Op
    from ..story.expr import Expr

MASK64: Final = (1 << 64) - 1
# in the state's hints: 'brief' was asked for (kept in saves, undone by undo)
BRIEF: Final = "!brief"
VERBOSE: Final = "!verbose"  # ... and 'verbose': a place seen before is shown in full all the same
ONE_OF: Final = "!one_of:"  # ... and the option a `one_of` showed last (World._pick)


def next_random(state: int) -> tuple[int, int]:
    """splitmix64: a tiny generator whose whole state is one integer."""
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


class World:
    def __init__(self, story: Story, state: GameState, forked: bool = False):
        self.story = story
        self.state = state
        # an attribute, not a property: every expression reads it (the state's dicts are
        # changed in place, never replaced, but by the first write to a forked one: _own)
        self.vars: dict[str, Any] = state.vars
        # the state is a GameState.fork(): its dicts are shared until first written
        self.forked = forked
        self.out: list[tuple[str, str]] = []  # (style, text)
        self.entered: list[str] = []  # scenes entered during this command
        self.described = False  # a scene was described (entered, or 'look'): show choices
        self.offered_before: tuple[str, ...] | None = None  # choice labels before the command
        # scope() (with its scene) and contents() of this command, until a thing moves
        self._scope: dict[str, Thing] | None = None
        self._scope_at = ""  # ... the scene it was found in
        self._scope_dark = False  # ... and whether it was dark there
        self._held: dict[str, list[Thing]] | None = None
        # field -> key -> its value before this command first wrote it (GONE: absent):
        # the turn's undo record, so undo never has to compare two whole states. By
        # field, then key: no (field, key) pair is made and hashed at every write.
        self.written: dict[str, dict[str, Any]] = {}
        self._lighting = False  # working out whether it is dark: scope is everything in reach
        self.fell_to: Any = None  # the match a refused action or exit passed the command to
        # an ending's score line waits until the command's turn is counted (reply._result)
        self.score_due = False

    # -- every change to the state's dicts comes through these ------------------
    def write(self, field: str, key: str, value: Any) -> None:
        olds = self.written.get(field)
        if olds is None:
            olds = self.written[field] = {}
            d = self._own(field)
        else:
            d = field_dict(self.state, field)
        if key not in olds:
            olds[key] = d.get(key, GONE)
        d[key] = value

    def unset(self, field: str, key: str) -> None:
        d = field_dict(self.state, field)
        if key in d:
            olds = self.written.get(field)
            if olds is None:
                olds = self.written[field] = {}
                d = self._own(field)
            if key not in olds:
                olds[key] = d[key]
            del d[key]

    def _own(self, field: str) -> dict[str, Any]:
        """The state's dict `field`, at this command's first write to it: on a forked
        state, a copy set in its place (the state it was forked from keeps its own)."""
        if not self.forked or field == "refs":  # fork() copied refs
            return field_dict(self.state, field)
        d = own_dict(self.state, field)
        if field == "vars":
            self.vars = d
        return d

    # -- the machine's model attribute ---------------------------------------
    @property
    def scene(self) -> str:
        return self.state.scene

    @scene.setter
    def scene(self, value: str) -> None:
        self.state.scene = value

    # -- Env for expressions -------------------------------------------------
    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def score(self) -> int:
        return self.state.score

    @property
    def dark(self) -> bool:
        """No light here: the scene is dark (now) and no lit light source is in reach."""
        d = self.story.scenes[self.state.scene].dark
        if d is None or self._lighting:
            return False
        self._lighting = True  # the conditions below may ask for scope: the lit one
        try:
            if d.when is not None and not d.when.value(self):
                return False
            for t in self.scope().values():
                if t.light is True or (t.light is not False and t.light(self)):  # type: ignore[operator]
                    return False
            return True
        finally:
            self._lighting = False

    def visits(self, scene: str) -> int:
        return self.state.visits.get(scene, 0)

    def at(self, scene: str) -> bool:
        return self.state.scene == scene

    def done(self, action: str) -> int:
        return self.state.done.get(action, 0)

    def location(self, thing: str) -> str:
        return self.state.moved.get(thing) or self.story.things[thing].location

    def has(self, thing: str) -> bool:
        return self.location(thing) in (PLAYER, WORN)

    def wearing(self, thing: str) -> bool:
        return self.location(thing) == WORN

    def heard(self, t: Thing) -> bool:
        """Is this someone the player can only hear (a person with them in the dark)?"""
        return t.person and self.story.scenes[self.state.scene].dark is not None \
            and self.dark

    def here(self, thing: str) -> bool:
        """In view: in scope, and not someone only heard in the dark."""
        t = self.scope().get(thing)
        return t is not None and not self.heard(t)

    def is_with(self, thing: str) -> bool:
        """`with(x)`: x is where the player is: in this scene (on or in something here
        too), carried, following the player, or, in a conversation, in a scene it was
        called from. Unlike here(), the dark does not hide a companion, and x need not
        be visible."""
        where = self.location(thing)
        seen = {thing}
        while where in self.story.things and where not in seen:
            seen.add(where)
            where = self.location(where)
        st = self.state
        return where in (st.scene, PLAYER, WORN, FOLLOWING) or (
            where in st.stack and self.story.scenes[st.scene].conversation)

    def draw(self) -> int:
        self.state.rng, value = next_random(self.state.rng)
        return value

    def chance(self, percent: int) -> bool:
        return self.draw() % 100 < percent

    def random(self, low: int, high: int) -> int:
        if high < low:
            low, high = high, low
        return low + self.draw() % (high - low + 1)

    # -- text ----------------------------------------------------------------
    def render(self, spec: TextSpec | None) -> str:
        if spec is None:
            return ""
        if isinstance(spec, OneOf):
            spec = spec.options[self._pick(spec)]
        return spec.render(self)

    def _pick(self, spec: OneOf) -> int:
        """A `one_of`'s option: drawn at random, but never the one it showed last time (a
        line said twice running reads as a fault), which is kept by its first option."""
        n = len(spec.options)
        pick = self.draw() % n
        if n > 1:
            # a checksum, the same on every run (str's hash is not)
            key = ONE_OF + str(crc32(spec.options[0].source.encode()))
            if self.state.hints.get(key) == pick:
                pick = (pick + 1) % n
            self.write("hints", key, pick)
        return pick

    def perform(self, fx: Op) -> None:
        """Run one compiled effect (story.effects.Op: a kind and its arguments). The
        commonest kinds are called directly: compiled, a native call each, where the
        table's was a generic call with the arguments packed anew."""
        kind, args = fx.kind, fx.args
        if kind == "set":
            self.write("vars", args[0], args[1])
        elif kind == "say":
            self.say(args[0])
        elif kind == "if":
            _if(self, args[0], args[1], args[2])
        elif kind == "move":
            self.move(args[0], args[1])
        else:
            _RUN[kind](self, *args)

    def say(self, spec: TextSpec | None, style: str = "text") -> None:
        text = self.render(spec)
        if text.strip():
            self.out.append((style, text))

    def word(self, key: str, **fill: str) -> str:
        """The engine's phrase `key` in the story's wording (story.wording), filled in."""
        spec = self.story.wording.get(key)
        text = DEFAULTS[key] if spec is None else self.render(spec)
        if fill or "{" in text:
            turn = self.state.turn
            fill = {"score": str(self.state.score), "turn": str(turn),
                    "turns": f"{turn} turn" if turn == 1 else f"{turn} turns", **fill}
            for name, value in fill.items():
                text = text.replace("{" + name + "}", value)
        return text

    def title(self, sid: str) -> str:
        """A scene's title as it reads now (a title may be a template)."""
        scene = self.story.scenes[sid]
        return scene.title if scene.title_text is None else self.render(scene.title_text)

    def shown(self, t: Thing) -> Thing:
        """The thing as it is named now (a name may be a template)."""
        if t.name_text is None:
            return t
        return t.renamed(self.render(t.name_text).strip() or t.called)

    # -- scenes --------------------------------------------------------------
    def enter(self, sid: str) -> None:
        """Arrive in a scene: count the visit, run its effects, describe it."""
        st = self.state
        self.write("visits", sid, st.visits.get(sid, 0) + 1)
        scene = self.story.scenes[sid]
        if not scene.conversation:
            st.stack.clear()  # leaving every conversation for good
        self.entered.append(sid)
        if scene.ending is not None:
            st.ended = sid
        mark = len(self.out)
        for fx in scene.on_enter:
            self.perform(fx)
        said = self.out[mark:]
        del self.out[mark:]
        if scene.ending is None or self.render(scene.text).strip():
            # an ending with no text of its own is its epilogue alone. A place seen before
            # is its `revisit:` text (Inform's initial appearance and description; ink
            # never replays), in brief mode its title and what is here; verbose: in full.
            again = st.visits[sid] > 1 and not st.hints.get(VERBOSE)
            self.describe(sid, full=not (again and st.hints.get(BRIEF)), again=again)
        self.out.extend(said)
        if scene.ending is not None:
            e = scene.ending
            title = (e.title if e.title_text is None else self.render(e.title_text)).strip()
            # as the author wrote it when they framed it themselves ("*** You have won ***")
            self.out.append(("ending", title if title[:1] in "*=-~#[(" else f"*** {title} ***"))
            self.say(e.epilogue)
            self.score_due = self.story.max_score is not None

    def describe(self, sid: str, full: bool = True, again: bool = False) -> None:
        self.described = True
        scene = self.story.scenes[sid]
        if self.dark:
            self.out.append(("title", self.word("dark_title")))
            self.out.append(("text", self.word("dark_text")))
            heard = [self.shown(t) for t in self.scope().values() if t.person]
            if heard:
                self.out.append(("text", self.word("dark_company", names=join_names(heard))))
            return
        self.out.append(("title", self.title(sid)))
        text = scene.text
        for cond, variant in scene.variants:
            if cond.value(self):
                text = variant
                break
        else:  # a variant is the place as it is now; else, coming back, the short text
            if again and scene.revisit is not None:
                text = scene.revisit
        if full:
            self.say(text)
        here = self.contents(sid)
        if here:
            listed = [self.shown(t) for t in here if t.listed]
            if listed:
                self.out.append(("text", f"You can see {join_names(listed)} here."))
            for holder in here:
                if holder.holds or holder.pronoun != "it":  # (.person, without the call)
                    self.describe_contents(holder)

    def describe_contents(self, holder: Thing) -> None:
        holder = self.shown(holder)
        inside = [self.shown(t) for t in self.contents(holder.id) if t.listed]
        if inside and holder.person and not holder.holds:
            self.out.append(("text", f"{holder.The()} {holder.agree('is', 'are')} holding "
                                     f"{join_names(inside)}."))
        elif inside:
            where = "On" if holder.holds == "on" else "In"
            verb = "is" if len(inside) == 1 and not inside[0].plural else "are"
            self.out.append(("text", f"{where} {holder.the()} {verb} {join_names(inside)}."))

    def holder(self, t: Thing) -> Thing | None:
        """The person holding `t`, if someone other than the player is."""
        h = self.story.things.get(self.location(t.id))
        return h if h is not None and h.person and not h.holds else None

    # -- things --------------------------------------------------------------
    def move(self, thing: str, where: str) -> None:
        if self.location(thing) == where:
            return  # already there (a scene's on_enter often says so): nothing moves
        self._scope = self._held = None
        self.state.arranged = -1  # arrangement() numbers `moved` again
        if where == self.story.things[thing].location:
            self.unset("moved", thing)
        else:
            self.write("moved", thing, where)

    def contents(self, holder: str) -> list[Thing]:
        """Things directly at a scene, thing, or on the player, in the story's order.
        Kept until a thing moves (scope and describe ask for the same holders); callers
        must not change the list."""
        base, order = _index(self.story)
        moved = self.state.moved
        if not moved:
            return base.get(holder, _NONE)
        held = self._held
        if held is None:
            held = self._held = {}
        found = held.get(holder)
        if found is None:
            # like scope(), kept per story too: by where things have moved, then the holder
            # (two plain lookups: a (holder, number) key was made, hashed and compared)
            mine = self._memo("contents")
            found = mine.get(holder)
            if found is None:
                found = [t for t in base.get(holder, ()) if t.id not in moved]
                extra = [self.story.things[tid] for tid, where in moved.items()
                         if where == holder]
                if extra:
                    found = sorted(found + extra, key=lambda t: order[t.id])
                remember(mine, holder, found)
            held[holder] = found
        return found

    def _memo(self, name: str) -> dict[Any, Any]:
        """The story's memo `name` for the current arrangement of things (made on first
        use): what scope() and contents() keep per story, by arrangement, then key."""
        known: dict[int, dict[Any, Any]] | None = self.story.derived.get(name)
        if known is None:
            known = self.story.derived[name] = {}
        arrangement = self.arrangement()
        mine = known.get(arrangement)
        if mine is None:
            mine = remember(known, arrangement, {})
        return mine

    def arrangement(self) -> int:
        """A number for where things have moved (the state's `moved`), the same for the
        same arrangement in every game of the story: what scope() and contents() keep
        their results by, worked out once until a thing moves (the state keeps it, and
        its copies: most turns move nothing) instead of hashing every moved thing again
        for each holder asked about. Numbers are never reused, in any story of the
        process, so a key made with one never means another arrangement, even in a
        state carried over to a reloaded story."""
        found = self.state.arranged
        if found < 0:
            derived = self.story.derived
            known: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = derived.setdefault(
                "arrangements", {})
            # the things and their places as two flat tuples, not a pair per thing: a
            # string keeps its hash, a pair would be made and hashed anew every time
            moved = self.state.moved
            key = (tuple(moved), tuple(moved.values()))
            number = known.get(key)
            if number is None:
                number = _ARRANGEMENTS_MADE[0] = _ARRANGEMENTS_MADE[0] + 1
                remember(known, key, number)
            found = self.state.arranged = number
        return found

    def carried(self) -> list[Thing]:
        return [t for t in self.story.things.values() if self.location(t.id) in (PLAYER, WORN)]

    def scope(self) -> dict[str, Thing]:
        """Things the player can see or touch: here, carried, and inside or on those. In
        the dark: what they carry or wear, and the people with them (heard, not seen).
        Kept until the scene changes or a thing moves (the parser, `here()` guards and
        hints ask for it several times a turn); callers must not change it."""
        scene = self.state.scene
        at = self.story.scenes[scene]
        dark = at.dark is not None and self.dark
        found = self._scope
        if found is not None and self._scope_at == scene and self._scope_dark == dark:
            return found
        # Scope depends on the scene (in a conversation, the scenes it was called from
        # too), the dark and where things have moved, nothing else: games come back to
        # the same few arrangements, so it is kept per story as well, by the arrangement
        # and then the scene (a tuple key only in the dark or a conversation).
        stack = tuple(self.state.stack) if at.conversation else ()
        key: object = (scene, dark, stack) if dark or stack else scene
        mine = self._memo("scopes")
        found = mine.get(key)
        if found is None:
            found = remember(mine, key, self._find_scope(scene, dark))
        self._scope, self._scope_at, self._scope_dark = found, scene, dark
        return found

    def _find_scope(self, scene: str, dark: bool) -> dict[str, Thing]:
        found: dict[str, Thing] = {}
        # whoever follows the player is in view wherever they are; in the dark they (and
        # anyone else with the player) are heard: nothing they hold or stand on comes along
        frontier = [PLAYER, WORN] if dark else [scene, PLAYER, WORN, FOLLOWING]
        if dark:
            found.update((t.id, t) for t in _people(self.story) if self.is_with(t.id))
        elif self.story.scenes[scene].conversation:
            # a conversation keeps in view whoever and whatever was there when it began
            frontier += self.state.stack
        while frontier:
            holder = frontier.pop()
            for t in self.contents(holder):
                if t.id not in found:
                    found[t.id] = t
                    if t.holds or t.person:  # what someone holds is in view with them
                        frontier.append(t.id)
        return found


_NONE: Final[list[Thing]] = []  # contents() of an empty holder: shared, never changed
_ARRANGEMENTS_MADE: Final = [0]  # the last number arrangement() gave, in this process


def join_names(things: list[Thing]) -> str:
    names = [t.with_article() for t in things]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _people(story: Story) -> list[Thing]:
    """The story's people (things with a pronoun him, her or them), found once."""
    found = story.derived.get("people")
    if found is None:
        found = story.derived["people"] = [t for t in story.things.values() if t.person]
    return found


def _index(story: Story) -> tuple[dict[str, list[Thing]], dict[str, int]]:
    """Where each thing starts, and the story's order of things: built once per story
    and kept on it (a story never changes once loaded)."""
    found = story.derived.get("things")
    if found is None:
        at: dict[str, list[Thing]] = {}
        for t in story.things.values():
            at.setdefault(t.location, []).append(t)
        found = (at, {tid: i for i, tid in enumerate(story.things)})
        story.derived["things"] = found
    return found


# -- effects: each kind of story.effects.Op, run against a world ---------------------------

def _if(world: World, cond: Expr, then: list[Op], other: list[Op]) -> None:
    for fx in then if cond.value(world) else other:
        world.perform(fx)


def _set(world: World, var: str, value: object) -> None:
    world.write("vars", var, value)


def _assign(world: World, var: str, value: Expr) -> None:
    world.write("vars", var, value.value(world))


def _add(world: World, var: str, value: Expr, sign: int) -> None:
    world.write("vars", var, bounded(world.vars[var] + sign * value.value(world)))


def _score(world: World, value: Expr, sign: int) -> None:
    v = value.value(world)
    world.state.score = v if sign == 0 else bounded(world.state.score + sign * v)  # type: ignore[assignment]


def _list(world: World, key: str, shown: bool) -> None:
    world.write("listing", key, shown)


def _schedule(world: World, event: str, delay: int) -> None:
    _cancel(world, event)
    # the current turn is still running: count the delay from the next one
    world.state.timers.append([world.state.turn + 1 + delay, event])


def _cancel(world: World, event: str) -> None:
    world.state.timers[:] = [t for t in world.state.timers if t[1] != event]


_RUN: Final[dict[str, Callable[..., None]]] = {
    "say": World.say, "move": World.move,
    "schedule": _schedule, "cancel": _cancel, "if": _if, "set": _set, "assign": _assign,
    "add": _add, "score": _score, "list": _list,
}
