"""The condition language of guards, `if` effects and `${...}` text.

A tiny recursive-descent parser that our own code owns: no Python `eval`.
Expressions are checked against the story's names and types when the story
loads, and compiled into closures over an evaluation environment.
"""

from __future__ import annotations

import _operator  # what operator.py re-exports: importing operator is not free

from .diagnostics import did_you_mean
from .lazyre import rx
from .limits import MAX_DIGITS, MAX_EXPR_TOKENS, bounded
from .queries import QUERIES, query
from .record import Record

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Final

    from .env import Env

    Compiled = Callable[[Env], Any]

Value = bool | int | str


class ExprError(Exception):
    """A mistake in an expression, at a character offset inside it."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


class Names(Record):
    """The story's names that an expression may use, and their types."""

    __slots__ = ("variables", "scenes", "things", "actions", "scene", "allow_random", "used",
                 "shared")

    def __init__(self, variables: dict[str, str] | None = None, scenes: set[str] | None = None,
                 things: set[str] | None = None, actions: set[str] | None = None,
                 scene: str | None = None, allow_random: bool = True,
                 used: set[str] | None = None, shared: dict | None = None) -> None:
        self.variables = {} if variables is None else variables  # name -> 'bool'|'int'|'str'
        self.scenes = set() if scenes is None else scenes
        self.things = set() if things is None else things
        self.actions = set() if actions is None else actions  # 'scene.action'
        self.scene = scene  # the scene an expression is written in
        self.allow_random = allow_random
        self.used = used  # collects variable names read, for checks
        # One copy of each equal value (words, syntax trees, texts) in a whole story:
        # a story of thousands of scenes repeats them endlessly, in memory and in the cache.
        self.shared = {} if shared is None else shared

    def in_scene(self, scene: str | None, allow_random: bool) -> Names:
        return Names(self.variables, self.scenes, self.things, self.actions, scene,
                     allow_random, self.used, self.shared)

    def share(self, value: Any) -> Any:
        return share(self.shared, value)


def share(shared: dict, value: Any) -> Any:
    """The story's one copy of an equal value (strings, tuples of them, frozensets).
    Keyed with the type as well, so that True and 1 stay apart."""
    return shared.setdefault((type(value), value), value)


BUILTIN_VARS: Final = {"turn": "int", "score": "int", "dark": "bool"}  # dark: no light here now

_TOKEN: Final = (  # compiled on first need (lazyre)
    r"""(?x)\s*(?:
    (?P<num>\d+)
    |(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
    |(?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|%|\(|\)|,)
    )"""
)

MAX_NESTING: Final = 40

KEYWORDS: Final = {"and", "or", "not", "true", "false", "has", "wearing"}


class Tok(Record):
    __slots__ = ("kind", "text", "pos")

    def __init__(self, kind: str, text: str, pos: int) -> None:
        self.kind = kind  # num, str, name, op, end
        self.text = text
        self.pos = pos


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    n = len(src)
    end = len(src.rstrip())  # once: a test per token would make a long source quadratic
    while pos < end:
        if len(toks) >= MAX_EXPR_TOKENS:
            raise ExprError(f"the expression is longer than {MAX_EXPR_TOKENS} words and "
                            "signs; split it (a variable can hold a part)", pos)
        m = rx(_TOKEN).match(src, pos)
        if not m or m.end() == pos:
            bad = pos + (len(src[pos:]) - len(src[pos:].lstrip()))
            ch = src[bad]
            hint = " (use 'and', 'or', 'not')" if ch in "&|!" else ""
            if ch == "=":
                hint = " (compare with '==')"
            raise ExprError(f"unexpected character {ch!r}{hint}", bad)
        kind = m.lastgroup or "op"
        start = m.start(kind)
        if kind == "num" and len(m.group(kind).lstrip("0")) > MAX_DIGITS:
            raise ExprError(f"the number is too large (a story number has at most "
                            f"{MAX_DIGITS} digits)", start)
        toks.append(Tok(kind, m.group(kind), start))
        pos = m.end()
    toks.append(Tok("end", "", n))
    return toks


# ---- AST: small tuples keep parsing cheap; each carries its offset ----------

class Node(Record):
    __slots__ = ("op", "pos", "args", "value", "type")

    def __init__(self, op: str, pos: int, args: tuple = (), value: Any = None,
                 type: str = "any") -> None:
        self.op = op
        self.pos = pos
        self.args = args
        self.value = value
        self.type = type


class _Parser:
    def __init__(self, src: str, names: Names):
        self.src = src
        self.toks = tokenize(src)
        self.i = 0
        self.names = names
        self.depth = 0

    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, text: str, what: str) -> Tok:
        if self.tok.text != text or self.tok.kind not in ("op", "name"):
            raise ExprError(f"expected {what}, found {self._found()}", self.tok.pos)
        return self.take()

    def _found(self) -> str:
        return "the end of the expression" if self.tok.kind == "end" else repr(self.tok.text)

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ExprError("empty expression", 0)
        node = self.or_()
        if self.tok.kind != "end":
            hint = ""
            if self.tok.kind == "name" and self.tok.text in ("is", "equals"):
                hint = " (compare with '==')"
            raise ExprError(f"expected an operator or the end, found {self._found()}{hint}",
                            self.tok.pos)
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.tok.kind == "name" and self.tok.text == "or":
            pos = self.take().pos
            node = Node("or", pos, (self._logical(node, "or"),
                                    self._logical(self.and_(), "or")), type="bool")
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.tok.kind == "name" and self.tok.text == "and":
            pos = self.take().pos
            node = Node("and", pos, (self._logical(node, "and"),
                                     self._logical(self.not_(), "and")), type="bool")
        return node

    def not_(self) -> Node:
        if self.tok.kind == "name" and self.tok.text == "not":
            pos = self.take().pos
            self._enter(pos)
            inner = self._logical(self.not_(), "not")
            self.depth -= 1
            return Node("not", pos, (inner,), type="bool")
        return self.compare()

    def _logical(self, node: Node, word: str) -> Node:
        if node.type in ("int", "str"):
            example = "> 0" if node.type == "int" else '== "..."'
            raise ExprError(f"'{word}' works on conditions, and this is {_a(node.type)} "
                            f"(compare it, for example {example})", node.pos)
        return node

    def _enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExprError(f"nested more than {MAX_NESTING} levels deep; simplify it", pos)

    def compare(self) -> Node:
        left = self.sum()
        if self.tok.kind == "op" and self.tok.text in ("==", "!=", "<", "<=", ">", ">="):
            t = self.take()
            right = self.sum()
            self._check_compare(t, left, right)
            return Node(t.text, t.pos, (left, right), type="bool")
        return left

    def _check_compare(self, t: Tok, left: Node, right: Node) -> None:
        lt, rt = left.type, right.type
        if "any" in (lt, rt) or lt == rt:
            if t.text in ("<", "<=", ">", ">=") and lt == rt == "bool":
                raise ExprError(f"'{t.text}' compares numbers or text, not flags", t.pos)
            return
        raise ExprError(f"cannot compare {_a(lt)} with {_a(rt)}", t.pos)

    def sum(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            t = self.take()
            right = self.term()
            if t.text == "+" and node.type == right.type == "str":
                node = Node("+", t.pos, (node, right), type="str")
                continue
            self._numeric(node, t)
            self._numeric(right, t)
            node = Node(t.text, t.pos, (node, right), type="int")
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "%"):
            t = self.take()
            right = self.unary()
            self._numeric(node, t)
            self._numeric(right, t)
            node = Node(t.text, t.pos, (node, right), type="int")
        return node

    def _numeric(self, node: Node, t: Tok) -> None:
        if node.type not in ("int", "any"):
            raise ExprError(f"'{t.text}' needs numbers, not {_a(node.type)}", node.pos)

    def unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.text == "-":
            t = self.take()
            self._enter(t.pos)
            inner = self.unary()
            self.depth -= 1
            self._numeric(inner, t)
            return Node("neg", t.pos, (inner,), type="int")
        return self.primary()

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "num":
            self.take()
            return Node("lit", t.pos, value=int(t.text), type="int")
        if t.kind == "str":
            self.take()
            body = t.text[1:-1]
            body = rx(r"\\(.)").sub(r"\1", body)
            return Node("lit", t.pos, value=body, type="str")
        if t.kind == "op" and t.text == "(":
            self.take()
            self._enter(t.pos)
            node = self.or_()
            self.depth -= 1
            self.expect(")", "')'")
            return node
        if t.kind == "name":
            return self.name()
        raise ExprError(f"expected a value, found {self._found()}", t.pos)

    def name(self) -> Node:
        t = self.take()
        word = t.text
        if word in ("true", "false"):
            return Node("lit", t.pos, value=word == "true", type="bool")
        if word in ("has", "wearing") and not (self.tok.kind == "op" and self.tok.text == "("):
            arg = self._id_arg(self.things_label(), self.names.things)
            return Node(word, t.pos, (arg,), type="bool")
        if self.tok.kind == "op" and self.tok.text == "(":
            return self.call(t)
        if word in KEYWORDS:
            raise ExprError(f"'{word}' cannot stand here", t.pos)
        if "." in word:
            raise ExprError(f"unknown name '{word}'", t.pos)
        vtype = BUILTIN_VARS.get(word) or self.names.variables.get(word)
        if vtype is None:
            known = list(self.names.variables) + list(BUILTIN_VARS)
            extra = ""
            if word in self.names.things:
                extra = f" (for the thing, write 'has {word}' or 'here({word})')"
            elif word in self.names.scenes:
                extra = f" (for the scene, write 'visited({word})' or 'at({word})')"
            raise ExprError(f"unknown variable '{word}'{extra or did_you_mean(word, known)}",
                            t.pos)
        if self.names.used is not None:
            self.names.used.add(word)
        return Node("var", t.pos, value=word, type=vtype)

    def things_label(self) -> str:
        return "thing"

    def _id_arg(self, label: str, pool: set[str]) -> Node:
        t = self.tok
        if t.kind != "name" or t.text in KEYWORDS:
            raise ExprError(f"expected a {label} id, found {self._found()}", t.pos)
        self.take()
        if t.text not in pool:
            raise ExprError(f"unknown {label} '{t.text}'{did_you_mean(t.text, pool)}", t.pos)
        return Node("id", t.pos, value=t.text, type="str")

    def _action_arg(self) -> Node:
        t = self.tok
        if t.kind != "name":
            raise ExprError(f"expected an action (scene.action), found {self._found()}", t.pos)
        self.take()
        key = t.text if "." in t.text else f"{self.names.scene}.{t.text}"
        if key not in self.names.actions:
            raise ExprError(f"unknown action '{t.text}'{did_you_mean(key, self.names.actions)}"
                            " (write scene.action)", t.pos)
        return Node("id", t.pos, value=key, type="str")

    def call(self, t: Tok) -> Node:
        word = t.text
        self.take()  # (
        args: tuple[Node, ...]
        if word in ("has", "wearing", "here", "location", "with"):
            args = (self._id_arg("thing", self.names.things),)
            rtype = "str" if word == "location" else "bool"
        elif word in ("visited", "at"):
            args = (self._id_arg("scene", self.names.scenes),)
            rtype = "int" if word == "visited" else "bool"
        elif word == "done":
            args = (self._action_arg(),)
            rtype = "int"
        elif word in ("chance", "random"):
            if not self.names.allow_random:
                raise ExprError(f"{word}() draws randomness and is not allowed in a guard; "
                                "draw it in an effect (x = random(1, 6)) and test the variable",
                                t.pos)
            first = self.or_()
            self._numeric(first, t)
            args = (first,)
            rtype = "bool"
            if word == "random":
                self.expect(",", "',' and a second number")
                second = self.or_()
                self._numeric(second, t)
                args = (first, second)
                rtype = "int"
        else:
            funcs = ["has", "wearing", "here", "with", "location", "visited", "at", "done",
                     "chance", "random"]
            raise ExprError(f"unknown function '{word}'{did_you_mean(word, funcs)}", t.pos)
        self.expect(")", "')'")
        return Node(word, t.pos, args, type=rtype)


def _a(type_: str) -> str:
    return {"int": "a number", "bool": "a flag", "str": "text"}.get(type_, "a value")


# ---- compile to closures -----------------------------------------------------

Tree = tuple  # (op, value, (child trees...), type): a checked expression, small to keep


def _pack(node: Node, names: Names) -> Tree:
    value = names.share(node.value) if isinstance(node.value, str) else node.value
    tree = (node.op, value, tuple(_pack(a, names) for a in node.args), node.type)
    return names.share(tree)


def _compile(tree: Tree) -> Compiled:
    op, value, args, _ = tree
    if op == "lit":
        return lambda env: value
    if op == "var":
        if value == "turn":
            return lambda env: env.turn
        if value == "score":
            return lambda env: env.score
        if value == "dark":
            return lambda env: env.dark
        return lambda env: env.vars[value]
    if op in QUERIES:
        return query(op, args[0][1])
    if op == "chance":
        f = _compile(args[0])
        return lambda env: env.chance(f(env))
    if op == "random":
        lo, hi = _compile(args[0]), _compile(args[1])
        return lambda env: env.random(lo(env), hi(env))
    if op == "not":
        if args[0][0] == "var" and args[0][1] not in BUILTIN_VARS:
            name = args[0][1]
            return lambda env: not env.vars[name]
        f = _compile(args[0])
        return lambda env: not f(env)
    if op == "neg":
        f = _compile(args[0])
        return lambda env: bounded(-f(env))
    fast = _var_test(op, args)
    if fast is not None:
        return fast
    a, b = (_compile(x) for x in args)
    return _BINARY[op](a, b)


def _var_test(op: str, args: tuple) -> Compiled | None:
    """`flag == "x"`, `count >= 3`: most guards and ${if}s compare a story variable with
    a literal. One closure for the whole test instead of three."""
    if len(args) != 2 or args[0][0] != "var" or args[1][0] != "lit" \
            or args[0][1] in BUILTIN_VARS:
        return None
    name, lit = args[0][1], args[1][1]
    if op == "==":
        return lambda env: env.vars[name] == lit
    if op == "!=":
        return lambda env: env.vars[name] != lit
    test = _COMPARE.get(op)
    if test is None:
        return None
    return lambda env: test(env.vars[name], lit)


def _div(x: int, y: int) -> int:
    # Floor division, so that (a / b) * b + a % b == a; dividing by zero gives 0.
    return 0 if y == 0 else x // y


def _mod(x: int, y: int) -> int:
    return 0 if y == 0 else x % y


_COMPARE: Final = {"<": _operator.lt, "<=": _operator.le, ">": _operator.gt, ">=": _operator.ge}

# Each makes the closure of a binary operator from those of its operands. (Functions,
# not lambdas returning lambdas: mypyc cannot compile those.)
def _and(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: bool(a(env)) and bool(b(env))


def _or(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: bool(a(env)) or bool(b(env))


def _eq(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: a(env) == b(env)


def _ne(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: a(env) != b(env)


def _lt(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: a(env) < b(env)


def _le(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: a(env) <= b(env)


def _gt(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: a(env) > b(env)


def _ge(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: a(env) >= b(env)


# Sums and products are checked as they are made (limits.bounded): a story that doubles a
# text or squares a number each turn stops at the limit, before it costs memory or time.
def _plus(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: bounded(a(env) + b(env))


def _minus(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: bounded(a(env) - b(env))


def _times(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: bounded(a(env) * b(env))


def _divide(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: _div(a(env), b(env))


def _modulo(a: Compiled, b: Compiled) -> Compiled:
    return lambda env: _mod(a(env), b(env))


_BINARY: Final[dict[str, Callable[[Compiled, Compiled], Compiled]]] = {
    "and": _and, "or": _or, "==": _eq, "!=": _ne, "<": _lt, "<=": _le, ">": _gt, ">=": _ge,
    "+": _plus, "-": _minus, "*": _times, "/": _divide, "%": _modulo,
}


class Expr:
    """A checked, compiled expression.

    It keeps its syntax tree (as nested tuples) so that a cached story can be revived by
    rebuilding the closures from the tree, without parsing or checking the source again.
    """

    __slots__ = ("source", "type", "tree", "vars", "static", "_fn")

    def __init__(self, source: str, type: str, tree: Tree,  # noqa: A002 - the value's type
                 vars: frozenset[str] = frozenset(), static: bool = False) -> None:  # noqa: A002
        self.source = source
        self.type = type
        self.tree = tree
        self.vars = vars  # story variables it reads
        self.static = static  # reads only story variables: no turn, score, functions, things
        self._fn: Compiled | None = None

    @property
    def fn(self) -> Compiled:
        """The closure that evaluates it, built from the tree on first use."""
        fn = self._fn
        if fn is None:
            fn = self._fn = _compile(self.tree)
        return fn

    def __call__(self, env: Env) -> Any:
        # not self.fn(env): compiled by mypyc 2.4, a property called in the same
        # expression returned the closure instead of calling it
        fn = self.fn
        return fn(env)

    def value(self, env: Env) -> Any:
        """self(env) as a native call, for compiled callers (calling an Expr is not one)."""
        fn = self.fn
        return fn(env)

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"

    def __reduce__(self):
        return Expr, (self.source, self.type, self.tree, self.vars, self.static)


def _walk(node: Node):
    yield node
    for arg in node.args:
        yield from _walk(arg)


def parse(src: str, names: Names) -> Expr:
    """Parse and check an expression; raises ExprError at a character offset.

    A story repeats its conditions ('has phaser', 'trust > 2'), so each is parsed once
    per story: the result depends only on the story's names, on whether random draws are
    allowed, and (for an action named without its scene) on the scene."""
    key = ("parsed", src, names.allow_random, names.scene if "done" in src else None)
    found = names.shared.get(key)
    if found is not None:
        if names.used is not None:
            names.used.update(found.vars)
        return found
    found = names.shared[key] = _parse(src, names)
    return found


def syntax_tree(src: str, names: Names) -> Node:
    """How an expression reads (its typed tree), for tools; raises ExprError."""
    return _Parser(src, names).parse()


def _parse(src: str, names: Names) -> Expr:
    node = _Parser(src, names).parse()
    nodes = list(_walk(node))
    used = frozenset(n.value for n in nodes if n.op == "var" and n.value not in BUILTIN_VARS)
    static = all((n.op in ("lit", "var", "not", "and", "or", "neg") or n.op in _BINARY) and not (
        n.op == "var" and n.value in BUILTIN_VARS) for n in nodes)
    return Expr(names.share(src), node.type, _pack(node, names), names.share(used), static)


def constant(value: Value) -> Expr:
    kind = "bool" if isinstance(value, bool) else "int"
    return Expr(repr(value), kind, ("lit", value, (), kind))
