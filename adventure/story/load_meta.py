"""The `story:` block and the state variables: the story's id, title, start scene and
score, and every variable's type and initial value, from the metadata's `state:` and
each file's own."""

from __future__ import annotations

import re

from . import expr as ex
from .diagnostics import did_you_mean
from .load_context import describe
from .wording import DEFAULTS
from .yamlsrc import LMap

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

    from .load_context import LoadContext
    from .model import TextSpec

META_KEYS = ("id", "title", "author", "version", "start", "state", "max_score", "intro",
             "wording", "ranks", "elsewhere")
STORY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")


class Meta:
    """What the rest of the load needs from the metadata."""

    __slots__ = ("ident", "title", "start", "initial", "types")

    def __init__(self, ident: str | None, title: str, start: str | None,
                 initial: dict[str, Any], types: dict[str, str]) -> None:
        self.ident = ident
        self.title = title
        self.start = start
        self.initial = initial
        self.types = types


def read_meta(cx: LoadContext, meta: LMap) -> Meta:
    """Check the metadata and declare the variables; sets cx.max_score."""
    cx.keys(meta, META_KEYS, "the story metadata")
    ident = cx.text_field(meta, "id")
    if not ident:
        cx.err(meta.loc, "the story needs an 'id' (a stable name such as terok-nor; "
               "saves are tied to it)")
    elif not STORY_ID.match(ident):
        cx.err(meta.val_loc("id"), "the story id may hold letters, digits, - and _")
    title = cx.shown_plain(meta, "title", "the story's title") or ""
    if not title:
        cx.err(meta.loc, "the story needs a 'title'")
    if "max_score" in meta and cx.typed(meta, "max_score", int, "a whole number"):
        cx.max_score = meta["max_score"]
        cx.info.score_loc = meta.key_loc("max_score")
    initial, types = initial_state(cx, meta)
    start = cx.text_field(meta, "start")
    if not start:
        cx.err(meta.loc, "the story needs a 'start' scene")
    elif start not in cx.scene_src:
        cx.err(meta.val_loc("start"), f"start scene '{start}' is not defined"
               f"{did_you_mean(start, cx.scene_src)}")
    return Meta(ident, title, start, initial, types)


def initial_state(cx: LoadContext, meta: LMap) -> tuple[dict[str, Any], dict[str, str]]:
    initial: dict[str, Any] = {}
    types: dict[str, str] = {}
    # The metadata's state first, then each file's own top-level `state:` (a branch
    # declares its variables without editing the story's metadata).
    sources = [meta] + [data for _, data in cx.files if "state" in data]
    for holder in sources:
        if holder.get("state") is None:
            continue
        if cx.typed(holder, "state", LMap, "a mapping of variable: initial value"):
            declare(cx, holder["state"], initial, types)
    return initial, types


def declare(cx: LoadContext, state: LMap, initial: dict[str, Any], types: dict[str, str]
            ) -> None:
    for var in state:
        loc = state.key_loc(var)
        value = state[var]
        if not cx.check_id(var, loc, "variable") or not cx.define("variable", var, loc):
            continue
        cx.info.var_locs[var] = loc
        if var in ex.BUILTIN_VARS or var in ex.KEYWORDS:
            cx.err(loc, f"'{var}' is a built-in word; choose another name")
            continue
        if isinstance(value, bool):
            types[var] = "bool"
        elif isinstance(value, int):
            types[var] = "int"
        elif isinstance(value, str):
            types[var] = "str"
        else:
            cx.err(state.val_loc(var), f"variable '{var}' should start as true/false, "
                   f"a whole number or text, not {describe(value)}")
            continue
        initial[var] = value


def read_wording(cx: LoadContext, meta: LMap, names: ex.Names) -> dict[str, TextSpec]:
    """`wording:` the engine's own phrases the story rewords, each a text template."""
    out: dict[str, TextSpec] = {}
    if meta.get("wording") is None or not cx.typed(meta, "wording", LMap,
                                                    "a mapping of phrase: text"):
        return out
    section = meta["wording"]
    for key in section:
        if key not in DEFAULTS:
            cx.err(section.key_loc(key), f"unknown wording '{key}'{did_you_mean(key, DEFAULTS)}"
                   f"; the engine's phrases are: {', '.join(DEFAULTS)}")
            continue
        text = cx.text(section, key, names)
        if text is not None:
            out[key] = text
    return out


def read_ranks(cx: LoadContext, meta: LMap) -> list[tuple[int, str]]:
    """`ranks:` score -> rank, as `score` names them: the highest reached wins."""
    out: list[tuple[int, str]] = []
    if meta.get("ranks") is None or not cx.typed(meta, "ranks", LMap,
                                                  "a mapping of lowest score: rank"):
        return out
    section = meta["ranks"]
    for key in section:
        value = section[key]
        if isinstance(key, str) and key.strip().isdigit():  # YAML keys arrive as text
            key = int(key)
        if not isinstance(key, int) or isinstance(key, bool):
            cx.err(section.key_loc(key), f"a rank starts at a whole number of points, "
                   f"not {describe(key)}")
        elif not isinstance(value, str) or not value.strip():
            cx.err(section.val_loc(str(key)), f"rank {key} should be a name, not {describe(value)}")
        else:
            if "${" in value:
                cx.warn(section.val_loc(str(key)), f"rank {key} is shown as written: "
                        "'${...}' is not filled in there")
            out.append((key, value))
    if out and cx.max_score is None:
        cx.err(meta.key_loc("ranks"), "'ranks' need a score: give the story a 'max_score'")
    return sorted(out, reverse=True)
