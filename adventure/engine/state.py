"""A game's state: everything that changes in one game, and its log of commands.

Plain data, cheap to copy (a copy a turn, for undo) and to serialise (saves). Compiled
by mypyc when installed (setup.py), since a copy and an undo record are made every turn.
"""

from __future__ import annotations

from ..story.record import Record

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, ClassVar, Final


# GameState's fields, in the order of its __init__ (compiled, the class keeps no __slots__)
FIELDS: Final = ("scene", "vars", "turn", "score", "moved", "visits", "done", "listing", "timers",
                 "stack", "hints", "rng", "seed", "ended", "refs", "pending", "start")


class LogEntry(Record):
    """One command of a game's log: as typed, and what it resolved to."""

    __slots__ = ("command", "resolved")

    def __init__(self, command: str, resolved: str) -> None:
        self.command = command
        self.resolved = resolved

    def to_json(self) -> list[str]:
        return [self.command, self.resolved]


class GameState(Record):
    """Everything that changes in one game. Plain data only."""

    # `arranged`: the number World.arrangement() gave `moved` (-1: not worked out), kept
    # across turns by copy(); anything that changes `moved` sets it to -1 (World.move
    # does). Not part of the state's data: left out of pickles and equality.
    __slots__ = ("scene", "vars", "turn", "score", "moved", "visits", "done", "listing",
                 "timers", "stack", "hints", "rng", "seed", "ended", "refs", "pending", "start",
                 "arranged")  # FIELDS, then the cache
    _not_pickled: ClassVar = ("arranged",)

    def __init__(self, scene: str, vars: dict[str, Any], turn: int = 0, score: int = 0,
            moved: dict[str, str] | None = None, visits: dict[str, int] | None = None,
            done: dict[str, int] | None = None, listing: dict[str, bool] | None = None,
            timers: list[list[Any]] | None = None, stack: list[str] | None = None,
            hints: dict[str, int] | None = None, rng: int = 0, seed: int = 0,
            ended: str | None = None, refs: dict[str, str] | None = None,
            pending: dict[str, Any] | None = None, start: Any = None) -> None:
        self.scene = scene
        self.vars = vars
        self.turn = turn
        self.score = score
        self.moved = {} if moved is None else moved  # thing -> location, where not initial
        self.visits = {} if visits is None else visits
        self.done = {} if done is None else done  # action key -> successes
        self.listing = {} if listing is None else listing  # action key -> revealed/hidden
        self.timers = [] if timers is None else timers  # [due turn, event id]
        self.stack = [] if stack is None else stack  # conversation return scenes
        self.hints = {} if hints is None else hints  # hint key -> hints given
        self.rng = rng
        self.seed = seed
        self.ended = ended
        self.refs = {} if refs is None else refs  # pronoun -> thing last named
        self.pending = pending  # a question the parser asked ("which do you mean")
        # Where this game began when not at the story's start (an engine.opening.Start,
        # plain data never changed): a restart begins there again. Saves and journals
        # keep it beside the state, checked, so it is not part of to_dict.
        self.start = start
        self.arranged = -1

    def copy(self) -> GameState:
        # positional: a copy is made every turn
        st = GameState(
            self.scene, self.vars.copy(), self.turn, self.score, self.moved.copy(),
            self.visits.copy(), self.done.copy(), self.listing.copy(),
            [list(t) for t in self.timers] if self.timers else [], self.stack.copy(),
            self.hints.copy(), self.rng, self.seed, self.ended, self.refs.copy(),
            dict(self.pending) if self.pending else None, self.start)
        st.arranged = self.arranged  # the same `moved`: no need to number it again
        return st

    def fork(self) -> GameState:
        """copy() for the state a turn is played on (Game.step): its dicts are this
        state's own until the turn's World first writes to each (World(forked=True)
        copies it then; most turns change two or three of them), so that the rest are
        neither copied nor freed every turn. `refs` is copied: the parser's Context reads
        it across the turn's writes. A forked state is for that one World to change."""
        st = GameState(
            self.scene, self.vars, self.turn, self.score, self.moved, self.visits, self.done,
            self.listing, [list(t) for t in self.timers] if self.timers else [],
            self.stack.copy(), self.hints, self.rng, self.seed, self.ended, self.refs.copy(),
            dict(self.pending) if self.pending else None, self.start)
        st.arranged = self.arranged
        return st

    def to_dict(self) -> dict[str, Any]:
        return {
            "scene": self.scene, "vars": dict(self.vars), "turn": self.turn,
            "score": self.score, "moved": dict(self.moved), "visits": dict(self.visits),
            "done": dict(self.done), "listing": dict(self.listing),
            "timers": [list(t) for t in self.timers], "stack": list(self.stack),
            "hints": dict(self.hints), "rng": self.rng, "seed": self.seed,
            "ended": self.ended, "refs": dict(self.refs), "pending": self.pending,
        }

    # An undo delta is one flat tuple of triples (field, key, value): the dict entry
    # field[key] was `value` (GONE: absent), or, with key None, the field was `value`.
    # Flat, not a tuple per field with a dict of its entries: a level is made every turn,
    # and freed once the undo depth is reached, so its objects are made and freed each turn.

    def undo_delta(self, newer: GameState) -> tuple:
        """What turns `newer` back into this state. A turn changes a few entries, so
        an undo level keeps those and not a whole state (see `undone`)."""
        out: list[Any] = []
        for name in _DICT_FIELDS:
            mine, theirs = getattr(self, name), getattr(newer, name)
            if mine != theirs:
                try:  # set arithmetic on items runs in C; values are nearly always scalars
                    changed = dict(mine.items() - theirs.items())
                except TypeError:  # an unhashable value (a list in a variable)
                    changed = {k: v for k, v in mine.items() if theirs.get(k, GONE) != v}
                for key in theirs.keys() - mine.keys():
                    out += (name, key, GONE)
                for key, value in changed.items():
                    out += (name, key, value)
        self._others_changed(newer, out)
        return tuple(out)

    def whole(self) -> tuple:
        """A delta (see `undone`) that sets every field back to this state's: for a
        restart, restore or reload, which replace the whole state. Comparing every entry
        (undo_delta) would keep nearly all of them anyway, at the cost of a set of each
        dict's items. It shares this state's containers: `undone` copies them, and a state
        once replaced is never changed (Game.step plays on a fork, World.write copies)."""
        return ("scene", None, self.scene, "vars", None, self.vars, "turn", None, self.turn,
                "score", None, self.score, "moved", None, self.moved, "visits", None,
                self.visits, "done", None, self.done, "listing", None, self.listing,
                "timers", None, self.timers, "stack", None, self.stack, "hints", None,
                self.hints, "rng", None, self.rng, "seed", None, self.seed, "ended", None,
                self.ended, "refs", None, self.refs, "pending", None, self.pending,
                "start", None, self.start)

    def undo_record(self, newer: GameState, written: dict[str, dict[str, Any]]) -> tuple:
        """`undo_delta(newer)` for a turn whose every write to the dicts is in `written`
        (field -> key -> the value before, GONE if absent; see `World.write`): the
        cost is that of the few keys written, not of the whole state."""
        out: list[Any] = []
        for name, olds in written.items():
            now = field_dict(newer, name)
            for key, old in olds.items():
                if now.get(key, GONE) == old:
                    continue  # written back as it was
                out.append(name)
                out.append(key)
                out.append(old)
        self._others_changed(newer, out)
        return tuple(out)

    def _others_changed(self, newer: GameState, out: list[Any]) -> None:
        """The fields that are not dicts, where `newer` differs, added to the delta `out`
        as (name, None, this value)."""
        # written out: a loop of getattr calls costs twice as much, every turn; a field
        # that is the same object (most, most turns) is not compared item by item
        if self.scene != newer.scene:
            out.append("scene")
            out.append(None)
            out.append(self.scene)
        if self.turn != newer.turn:
            out.append("turn")
            out.append(None)
            out.append(self.turn)
        if self.score != newer.score:
            out += ("score", None, self.score)
        if self.timers is not newer.timers and self.timers != newer.timers:
            out += ("timers", None, self.timers)
        if self.stack is not newer.stack and self.stack != newer.stack:
            out += ("stack", None, self.stack)
        if self.rng != newer.rng:
            out.append("rng")
            out.append(None)
            out.append(self.rng)
        if self.seed != newer.seed:
            out += ("seed", None, self.seed)
        if self.ended != newer.ended:
            out += ("ended", None, self.ended)
        if self.pending is not newer.pending and self.pending != newer.pending:
            out += ("pending", None, self.pending)
        if self.start is not newer.start:  # a restore of a game begun elsewhere
            out += ("start", None, self.start)

    def undone(self, delta: tuple) -> GameState:
        """The older state that `older.undo_delta(self)` described."""
        st = self.copy()
        for i in range(0, len(delta), 3):
            name, key, value = delta[i], delta[i + 1], delta[i + 2]
            if key is None:
                setattr(st, name, value)
            elif value is GONE:
                del getattr(st, name)[key]
            else:
                getattr(st, name)[key] = value
        st.arranged = -1  # `moved` may be another arrangement now
        return st.copy()  # fresh containers: nothing shared with the undo level

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GameState:
        # never a start from the data: a save's start is read and checked on its own
        return cls(**{k: data[k] for k in FIELDS if k in data and k != "start"}).copy()


def field_dict(st: GameState, name: str) -> dict[str, Any]:
    """getattr(st, name) for a dict field: the ones written each turn by name, without
    the generic attribute lookup (compiled, a direct read of the field)."""
    if name == "vars":
        return st.vars
    if name == "done":
        return st.done
    if name == "visits":
        return st.visits
    if name == "refs":
        return st.refs
    if name == "moved":
        return st.moved
    if name == "listing":
        return st.listing
    d: dict[str, Any] = getattr(st, name)
    return d


def own_dict(st: GameState, name: str) -> dict[str, Any]:
    """A copy of the state's dict field `name`, set in its place: the first write to a
    dict that GameState.fork() shares with the state it was forked from."""
    d = field_dict(st, name).copy()
    if name == "vars":
        st.vars = d
    elif name == "done":
        st.done = d
    elif name == "visits":
        st.visits = d
    elif name == "moved":
        st.moved = d
    elif name == "listing":
        st.listing = d
    else:
        setattr(st, name, d)
    return d


GONE: Final = object()  # a key that is absent, in undo records
_DICT_FIELDS: Final = ("vars", "moved", "visits", "done", "listing", "hints", "refs")
_OTHER_FIELDS: Final = ("scene", "turn", "score", "timers", "stack", "rng", "seed", "ended",
                        "pending", "start")
