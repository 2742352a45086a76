"""Effects: the small statements in `do:` and `on_enter:` lists, checked and compiled."""

from __future__ import annotations

from . import expr as ex
from .diagnostics import Loc, did_you_mean
from .lazyre import rx
from .limits import MAX_DELAY
from .located import LList, LMap, locate
from .places import NOWHERE, PLACES, PLAYER, WORN
from .record import Record
from .text import compile_text

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from re import Match
    from typing import Any

    Report = Callable[[Loc, str], None]


# compiled on first need (lazyre): a story revived from the cache holds Ops, and a start
# must not import re for them
_ASSIGN = r"(?s)^([A-Za-z_]\w*)\s*(=|\+=|-=)(?!=)\s*(.*)$"
_WORDS = r"^(set|unset|give|remove|wear|reveal|hide|cancel)\s+(\S+)\s*$"
_MOVE = r"^move\s+(\S+)\s+(?:to|into|onto|in|on)\s+(\S+)\s*$"
_SCHEDULE = r"^schedule\s+(\S+)\s+in\s+(\d+)\s*$"
_SAY = r"(?s)^say\s+(.*)$"

FORMS = ("set FLAG", "unset FLAG", "VAR = EXPR", "VAR += EXPR", "VAR -= EXPR", "give THING",
         "move THING to PLACE", "remove THING", "wear THING", "reveal ACTION", "hide ACTION",
         "schedule EVENT in N", "cancel EVENT", "say TEXT")


class EffectNames(Record):
    """What effects may name, beyond what expressions may."""

    __slots__ = ("expr", "events", "has_score", "written", "moved", "scheduled")

    def __init__(self, expr: ex.Names, events: set[str], has_score: bool, written: set[str],
                 moved: set[str] | None = None, scheduled: dict[str, set] | None = None) -> None:
        self.expr = expr
        self.events = events
        self.has_score = has_score
        self.written = written  # collects variables written, for checks
        self.moved = set() if moved is None else moved  # things effects give, move or wear
        self.scheduled = {} if scheduled is None else scheduled  # event -> scenes scheduling it


def compile_effects(items: object, where: Loc, names: EffectNames, report: Report) -> list[Effect]:
    if items is None:
        return []
    if isinstance(items, str | LMap):
        items = LList.at(where, [items], [where])
    if not isinstance(items, list):
        report(where, "expected a list of effects")
        return []
    out: list[Effect] = []
    for i, item in enumerate(items):
        loc = items.item_loc(i) if isinstance(items, LList) else where
        fx = compile_effect(item, loc, names, _comma_hint(items, i, names, report))
        if fx is not None:
            fx.args = tuple(names.expr.share(a) if isinstance(a, str) else a for a in fx.args)
            out.append(fx)
    return out


def _comma_hint(items: list, i: int, names: EffectNames, report: Report) -> Report:
    """The report for item i, which names the YAML trap when a comma inside a [flow list]
    cut one effect in two (`do: [say Hello, world]`): the item is on its predecessor's
    line and the two, joined again, make an effect."""
    if i == 0 or not isinstance(items, LList) or not isinstance(items[i], str) \
            or not isinstance(items[i - 1], str) \
            or items.item_loc(i).line != items.item_loc(i - 1).line:
        return report
    joined = f"{items[i - 1]}, {items[i]}"
    try:
        _statement(joined.strip(), names)
    except ex.ExprError:
        return report

    def hinted(loc: Loc, message: str) -> None:
        report(loc, f"{message}. The comma inside [...] split one effect in two: quote it "
               f"(\"{joined}\") or write the list as a block, one '- ' per line")
    return hinted


def compile_effect(item: object, loc: Loc, names: EffectNames, report: Report) -> Effect | None:
    if isinstance(item, LMap) and list(item) == ["say"] and isinstance(item["say"], str):
        src = item["say"]  # `- say: |` lets long text use a block scalar
        try:
            tmpl = compile_text(src, names.expr)
        except ex.ExprError as err:
            report(locate(item.val_loc("say"), src, err.offset), err.message)
            return None
        return Op("say", tmpl)
    if isinstance(item, LMap):
        return _conditional(item, names, report)
    if not isinstance(item, str):
        report(loc, f"an effect is a string like 'set alarm' or an 'if' mapping, not {item!r}")
        return None
    try:
        return _statement(item.strip(), names)
    except ex.ExprError as err:
        lead = len(item) - len(item.lstrip())
        report(locate(loc, item, err.offset + lead), err.message)
        return None


def _conditional(item: LMap, names: EffectNames, report: Report) -> Effect | None:
    unknown = [k for k in item if k not in ("if", "then", "else")]
    for k in unknown:
        report(item.key_loc(k), f"unknown key '{k}' in an 'if' effect"
               f"{did_you_mean(k, ['if', 'then', 'else'])}")
    if "if" not in item:
        report(item.loc, "an effect mapping needs 'if' (with 'then' and optionally 'else')")
        return None
    src = item["if"]
    cond = None
    if isinstance(src, bool):
        cond = ex.constant(src)
    elif isinstance(src, str):
        try:
            cond = ex.parse(src, names.expr)
        except ex.ExprError as err:
            report(locate(item.val_loc("if"), src, err.offset), err.message)
    else:
        report(item.val_loc("if"), "expected a condition")
    then = compile_effects(item.get("then"), item.val_loc("then"), names, report)
    other = compile_effects(item.get("else"), item.val_loc("else"), names, report)
    if cond is None:
        return None
    return Op("if", cond, then, other)


_SHAPES = (("say", _SAY), ("words", _WORDS), ("move", _MOVE), ("schedule", _SCHEDULE),
           ("assign", _ASSIGN))


def effect_shape(src: str) -> tuple[str, Match[str]] | None:
    """Which form an effect statement (stripped) is written in, read as the compiler
    reads it, with its parts as the match's groups: 'say' (1 the text), 'words' (1 the
    verb: set, give, reveal...; 2 its variable, thing, action or event), 'move' (1 the
    thing, 2 the place), 'schedule' (1 the event, 2 the turns), 'assign' (1 the variable,
    2 the operator, 3 the value). None: no form fits. For tools (the language server)."""
    for form, pattern in _SHAPES:
        m = rx(pattern).match(src)
        if m:
            return form, m
    return None


def _statement(src: str, names: EffectNames) -> Effect:
    n = names.expr
    m = rx(_SAY).match(src)
    if m:
        return Op("say", _sub(lambda: compile_text(m.group(1), n), m.start(1)))
    m = rx(_WORDS).match(src)
    if m:
        return _word_effect(m.group(1), m.group(2), m.start(2), names)
    m = rx(_MOVE).match(src)
    if m:
        thing = _thing(m.group(1), m.start(1), n)
        where = m.group(2)
        pool = [*n.scenes, *n.things, *PLACES]
        if where not in pool:
            # the built-in places first: 'wron' means worn, not a scene 'won'
            near = did_you_mean(where, PLACES) or did_you_mean(where, pool)
            raise ex.ExprError(f"unknown place '{where}'{near}",
                               m.start(2))
        names.moved.add(thing)
        return Op("move", thing, where)
    m = rx(_SCHEDULE).match(src)
    if m:
        event = _event(m.group(1), m.start(1), names)
        names.scheduled.setdefault(event, set()).add(names.expr.scene)
        digits = m.group(2).lstrip("0")
        if len(digits) > len(str(MAX_DELAY)) or int(digits or 0) > MAX_DELAY:
            raise ex.ExprError(f"the number is too large (an event is scheduled at most "
                               f"{MAX_DELAY:,} turns ahead)", m.start(2))
        return Op("schedule", event, int(m.group(2)))
    m = rx(_ASSIGN).match(src)
    if m:
        return _assignment(m, names)
    verb = src.split(" ", 1)[0] if src else ""
    forms = [f for f in FORMS if f.split()[0] == verb]
    if forms:  # the right word, the wrong shape ("move cloak on to hook")
        raise ex.ExprError(f"'{verb}' is written {' or '.join(repr(f) for f in forms)}", 0)
    raise ex.ExprError(f"unknown effect{did_you_mean(verb, [f.split()[0] for f in FORMS])}; "
                       f"effects are: {', '.join(FORMS)}", 0)


def _sub(build, offset: int):
    try:
        return build()
    except ex.ExprError as err:
        raise ex.ExprError(err.message, offset + err.offset) from None


def _word_effect(verb: str, arg: str, at: int, names: EffectNames) -> Effect:
    n = names.expr
    if verb in ("set", "unset"):
        var = _variable(arg, at, names, "bool")
        value = verb == "set"
        return Op("set", var, value)
    if verb == "give":
        thing = _thing(arg, at, n)
        names.moved.add(thing)
        return Op("move", thing, PLAYER)
    if verb == "remove":
        thing = _thing(arg, at, n)
        return Op("move", thing, NOWHERE)
    if verb == "wear":
        thing = _thing(arg, at, n)
        names.moved.add(thing)
        return Op("move", thing, WORN)
    if verb in ("reveal", "hide"):
        key = arg if "." in arg else f"{n.scene}.{arg}"
        if key not in n.actions:
            raise ex.ExprError(f"unknown action '{arg}'{did_you_mean(key, n.actions)}"
                               " (write scene.action, or global.action)", at)
        shown = verb == "reveal"
        return Op("list", key, shown)
    event = _event(arg, at, names)  # cancel
    return Op("cancel", event)


def _assignment(m: Match[str], names: EffectNames) -> Effect:
    var, op, src = m.group(1), m.group(2), m.group(3)
    if var == "score":
        if not names.has_score:
            raise ex.ExprError("the story keeps no score; set max_score in the story metadata", 0)
        vtype = "int"
    else:
        vtype = names.expr.variables.get(_variable(var, 0, names, None), "any")
    if not src.strip():
        raise ex.ExprError(f"'{op}' needs a value after it", m.end(2))
    value = _sub(lambda: ex.parse(src, names.expr), m.start(3))
    if op != "=" and vtype != "int":
        raise ex.ExprError(f"'{op}' works on numbers; '{var}' is not one", m.start(2))
    if value.type not in ("any", vtype):
        raise ex.ExprError(f"'{var}' holds {ex._a(vtype)}, but this is {ex._a(value.type)}",
                           m.start(3))
    if var == "score":
        return Op("score", value, {"=": 0, "+=": 1, "-=": -1}[op])
    if op == "=":
        return Op("assign", var, value)
    return Op("add", var, value, 1 if op == "+=" else -1)


def _variable(name: str, at: int, names: EffectNames, want: str | None) -> str:
    vtype = names.expr.variables.get(name)
    if vtype is None:
        hint = " (turn and score are built in)" if name in ex.BUILTIN_VARS else ""
        hint = hint or did_you_mean(name, names.expr.variables)
        raise ex.ExprError(f"unknown variable '{name}'{hint}; declare it under story: state:", at)
    if want and vtype != want:
        raise ex.ExprError(f"'{name}' holds {ex._a(vtype)}; set/unset work on flags "
                           f"(write {name} = ...)", at)
    names.written.add(name)
    return name


def _thing(name: str, at: int, n: ex.Names) -> str:
    if name not in n.things:
        raise ex.ExprError(f"unknown thing '{name}'{did_you_mean(name, n.things)}", at)
    return name


def _event(name: str, at: int, names: EffectNames) -> str:
    if name not in names.events:
        raise ex.ExprError(f"unknown event '{name}'{did_you_mean(name, names.events)}", at)
    return name


class Op:
    """One compiled effect: a kind and its arguments, plain data, so that a story can be cached.
    The engine runs it (engine.world.World.perform)."""

    __slots__ = ("kind", "args")

    def __init__(self, kind: str, *args: Any) -> None:
        self.kind = kind
        self.args = args  # Any: each kind's own (World.perform passes them on as they are)

    def __repr__(self) -> str:
        return f"Op({self.kind!r}, ...)"

    def __reduce__(self):
        return Op, (self.kind, *self.args)


Effect = Op
