"""Story text that shows state: `${expr}` and `${if}...${elif}...${else}...${end}`."""

from __future__ import annotations

from . import expr as ex
from .lazyre import rx
from .limits import MAX_TEXT_NESTING
from .memo import remember

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from re import Match
    from typing import Final

    from .env import Env

    Render = Callable[[Env], str]

_OPEN: Final = r"\$\$|\$\{"  # patterns are compiled on first need (lazyre)


# A plan is the checked text as data: a list of pieces, each a string, an expression
# whose value is shown, or ("if", [(condition or None, plan), ...]). Closures are built
# from it once, so a story revived from the cache renders without parsing anything.
Plan = list


class Template:
    __slots__ = ("source", "static", "plan", "_fn", "_last")

    def __init__(self, source: str, static: bool, plan: Plan) -> None:
        self.source = source
        self.static = static  # no ${...}: render returns the text as it is
        self.plan = plan
        self._fn: Render | None = None  # built from the plan on first use
        # What render() returned last (any game): returned again when the text comes out
        # the same, so that the string is the one already hashed where it is looked up
        # each turn (paragraph_tuple, the front end's memos), not a new copy to hash.
        self._last = ""

    def render(self, env: Env) -> str:
        fn = self._fn
        if fn is None:
            fn = self._fn = _build(self.plan)
        text = fn(env)
        if self.static:
            return text  # always the same string object
        last = self._last
        if text == last:
            return last
        self._last = text
        return text

    def exprs(self):
        """Every expression in the text: shown values and ${if} conditions."""
        todo = list(self.plan)
        while todo:
            p = todo.pop()
            if isinstance(p, ex.Expr):
                yield p
            elif isinstance(p, tuple):
                for cond, sub in p[1]:
                    if cond is not None:
                        yield cond
                    todo.extend(sub)

    @property
    def reads(self) -> set[str]:
        """The story variables its expressions read."""
        return set().union(*(e.vars for e in self.exprs()))

    def __repr__(self) -> str:
        return f"Template({self.source!r})"

    def __reduce__(self):
        return Template, (self.source, self.static, self.plan)


def split_template(src: str) -> list[tuple[str, str, int]]:
    """Cut text into ('text', s, offset) and ('code', inner, offset_of_inner) (the
    language server reads a text's `${...}` with it); raises ExprError."""
    parts: list[tuple[str, str, int]] = []
    pos = 0
    buf: list[str] = []
    buf_start = 0
    while True:
        m = rx(_OPEN).search(src, pos)
        if not m:
            buf.append(src[pos:])
            break
        buf.append(src[pos:m.start()])
        if m.group() == "$$":
            buf.append("$")
            pos = m.end()
            continue
        close = _find_close(src, m.end())
        if close < 0:
            raise ex.ExprError("'${' is never closed with '}' (write $$ for a dollar sign)",
                               m.start())
        parts.append(("text", "".join(buf), buf_start))
        buf = []
        parts.append(("code", src[m.end():close], m.end()))
        pos = close + 1
        buf_start = pos
    parts.append(("text", "".join(buf), buf_start))
    return [p for p in parts if p[0] == "code" or p[1]]


def _find_close(src: str, start: int) -> int:
    quote = ""
    for i in range(start, len(src)):
        ch = src[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "}":
            return i
    return -1


# Matched against the stripped body: `\s*(.*\S)\s*$` backtracked for every space.
_IF: Final = r"(?s)(if|elif)\s(.*)$"
_WORD: Final = r"(else|end)$"


def _keyword(body: str, off: int) -> tuple[Match[str] | None, Match[str] | None, int]:
    """(if/elif match, else/end match, offset of the stripped body) of a ${...} body."""
    stripped = body.strip()
    lead = len(body) - len(body.lstrip())
    return rx(_IF).match(stripped), rx(_WORD).match(stripped), off + lead


def compile_text(src: str, names: ex.Names) -> Template:
    """Check and compile a text; raises ExprError at an offset into `src`."""
    if "$" not in src:  # one Template for every use of the same plain text
        found = names.shared.get((Template, src))
        if found is None:
            found = names.shared[Template, src] = Template(src, True, [src])
        return found
    # Like expressions, a text with ${...} is checked once per story (see expr.parse),
    # and kept with the variables it reads, for the loader's checks.
    key = ("text", src, names.allow_random, names.scene if "done" in src else None)
    known = names.shared.get(key)
    if known is None:
        parts = split_template(src)
        if all(kind == "text" for kind, _, _ in parts):
            found = Template(src, True, ["".join(p[1] for p in parts)])
        else:
            plan, _ = _block(parts, 0, names, top=True, depth=0)
            found = Template(src, False, plan)
        known = names.shared[key] = (found, found.reads)
    elif names.used is not None:
        names.used.update(known[1])
    return known[0]


def _block(parts, i, names, top, depth: int) -> tuple[Plan, int]:
    """The plan of parts from i until a branch keyword; returns (plan, index)."""
    out: Plan = []
    while i < len(parts):
        kind, body, off = parts[i]
        if kind == "text":
            out.append(body)
            i += 1
            continue
        m_if, m_word, _ = _keyword(body, off)
        if m_if and m_if.group(1) == "if":
            if depth >= MAX_TEXT_NESTING:
                raise ex.ExprError(f"'${{if}}' nested more than {MAX_TEXT_NESTING} levels "
                                   "deep; simplify the text", off - 2)
            node, i = _conditional(parts, i, names, depth + 1)
            out.append(node)
            continue
        if (m_if and m_if.group(1) == "elif") or m_word:
            if top:
                word = (m_if or m_word).group(1)  # type: ignore[union-attr]  # one matched
                raise ex.ExprError(f"'${{{word}}}' without an '${{if ...}}' before it", off - 2)
            return out, i
        if body.strip() in ("if", "elif"):
            raise ex.ExprError(f"'${{{body.strip()}}}' needs a condition", off)
        out.append(_expr(body, off, names))
        i += 1
    return out, i  # at the end: _conditional reports an unclosed ${if}


def _conditional(parts, i, names, depth: int) -> tuple[tuple, int]:
    branches: list[tuple[ex.Expr | None, Plan]] = []
    start_off = parts[i][2]
    kind, body, off = parts[i]
    while True:
        m_if, _, at = _keyword(body, off)
        cond = None
        if m_if:
            if not m_if.group(2).strip():
                raise ex.ExprError(f"'${{{m_if.group(1)}}}' needs a condition", off)
            cond = _expr(m_if.group(2), at + m_if.start(2), names)
        pieces, i = _block(parts, i + 1, names, top=False, depth=depth)
        branches.append((cond, pieces))
        if i >= len(parts):
            raise ex.ExprError("'${if ...}' is never closed with '${end}'", start_off - 2)
        kind, body, off = parts[i]
        _, m_word, _ = _keyword(body, off)
        if m_word and m_word.group(1) == "end":
            break
        if cond is None:
            raise ex.ExprError("nothing may follow '${else}' but '${end}'", off)
    return ("if", branches), i + 1


def _expr(body: str, off: int, names: ex.Names) -> ex.Expr:
    try:
        return ex.parse(body, names)
    except ex.ExprError as err:
        raise ex.ExprError(err.message, off + err.offset) from None


def _build(plan: Plan) -> Render:
    if len(plan) == 1:
        return _piece(plan[0])
    # Plain text stays a string: most pieces are text, and a call each would cost more
    # than the test of what each piece is (isinstance: compiled, a flag test, where
    # __class__ was an attribute lookup).
    pieces: list[str | Render] = [p if isinstance(p, str) else _piece(p) for p in plan]
    return lambda env: "".join([p if isinstance(p, str) else p(env) for p in pieces])


def _piece(p) -> Render:
    if isinstance(p, str):
        return lambda env: p
    if isinstance(p, ex.Expr):
        f = p.fn
        return lambda env: _show(f(env))
    branches = [(None if c is None else c.fn, _build(sub)) for c, sub in p[1]]

    def render(env) -> str:
        for cond, piece in branches:
            if cond is None or cond(env):
                return piece(env)
        return ""
    return render


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


_PARAGRAPHS: Final[dict[str, tuple[str, ...]]] = {}  # most story texts are shown again and again


def paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; single line breaks are spaces."""
    return list(paragraph_tuple(text))


def paragraph_tuple(text: str) -> tuple[str, ...]:
    """`paragraphs(text)`, shared: the caller must not change it."""
    found = _PARAGRAPHS.get(text)
    if found is None:
        found = tuple(_paragraphs(text))
        if len(text) < 20_000:
            remember(_PARAGRAPHS, text, found)
    return found


# text -> its paragraphs as ("text", paragraph) pairs, as a reply lists them
_TEXT_PARAGRAPHS: Final[dict[str, tuple[tuple[str, str], ...]]] = {}


def text_paragraphs(text: str) -> tuple[tuple[str, str], ...]:
    """paragraph_tuple(text) as ("text", paragraph) pairs, shared: a turn's reply lists the
    same pairs again instead of making them anew. The caller must not change it."""
    found = _TEXT_PARAGRAPHS.get(text)
    if found is None:
        found = tuple([("text", p) for p in paragraph_tuple(text)])
        if len(text) < 20_000:
            remember(_TEXT_PARAGRAPHS, text, found)
    return found


def _paragraphs(text: str) -> list[str]:
    """Blocks between lines of only spaces and tabs (the pattern \\n[ \\t]*\\n, without
    re: a game's first text must not import it), each a paragraph of its lines."""
    blocks: list[list[str]] = [[]]
    for line in text.strip().split("\n"):
        if line.strip(" \t"):
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    out = []
    for block in blocks:
        para = " ".join(line.strip() for line in "\n".join(block).splitlines() if line.strip())
        while "  " in para:  # an ${if} that shows nothing leaves its two spaces: one reads
            para = para.replace("  ", " ")
        if para:
            out.append(para)
    return out


_EXPR: Final = r"\$\{[^}]*\}"


def first_source(spec: object) -> str:
    """A text as written ('' for none); a OneOf's first option: a label read as words."""
    options = getattr(spec, "options", None)
    return options[0].source if options else getattr(spec, "source", "")


def source_words(spec: object) -> frozenset[str]:
    """The words a text can show, from its source: every branch of its ${if}s, without
    the conditions and names inside ${...}. (A OneOf: all of its texts.)"""
    from .vocab import words  # only authors' tools and a parser's miss ask

    sources = [o.source for o in getattr(spec, "options", ())] or \
        [getattr(spec, "source", "")]
    return frozenset(w for src in sources for w in words(rx(_EXPR).sub(" ", src)))


def fixed_text(t: Template) -> str:
    """What a template always shows: its text outside every ${...} (a thing's name
    for matching, when the name is a template)."""
    return " ".join(p for p in t.plan if isinstance(p, str))


_NAME: Final = r"(?<=[a-z,;] )([A-Z][a-z'\-]+)"


def source_names(spec: object) -> frozenset[str]:
    """The words a text writes with a capital in mid-sentence ("Odo", "Julian"): names,
    lower-cased as a player types them."""
    sources = [o.source for o in getattr(spec, "options", ())] or \
        [getattr(spec, "source", "")]
    return frozenset(m.lower().replace("'", "") for src in sources
                     for m in rx(_NAME).findall(rx(_EXPR).sub(" ", src)))


_MID: Final = r"(?<=[a-z,;] )([A-Za-z][a-z'\-]*)"


def name_capitals(specs: list[object]) -> dict[str, str]:
    """The words the story's prose writes with a capital in mid-sentence more often than
    without ("the Intendant", "the Ferengi"), lower-cased -> as written: a name the author
    typed in lower case ('name: intendant') reads in the engine's replies as the prose
    writes it."""
    caps: dict[str, int] = {}
    lower: dict[str, int] = {}
    for spec in specs:
        sources = [o.source for o in getattr(spec, "options", ())] or \
            [getattr(spec, "source", "")]
        for src in sources:
            for m in rx(_MID).findall(rx(_EXPR).sub(" ", src)):
                key = m.lower()
                if m[0].isupper():
                    caps[key] = caps.get(key, 0) + 1
                else:
                    lower[key] = lower.get(key, 0) + 1
    return {k: k[:1].upper() + k[1:] for k, n in caps.items() if n > lower.get(k, 0)}
