"""Actions: what a player can do in a scene or everywhere (global actions), with their
commands, verbs and nouns, guards, effects and moves; their ids, given or made up; a
conversation's way out; and the check that `call:` and `return:` meet conversations."""

from __future__ import annotations

from .diagnostics import did_you_mean
from .load_context import ID
from .model import Action
from .text import compile_text
from .vocab import words
from .yamlsrc import LList, LMap

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from . import expr as ex
    from .diagnostics import Loc
    from .load_context import LoadContext
    from .model import Scene

ACTION_KEYS = ("id", "commands", "verbs", "nouns", "thing", "preposition", "second", "topics",
               "label", "hidden", "once", "when", "refuse", "do", "text", "to", "call", "return",
               "disabled", "repeatable")
LEAVE_WORDS = (("bye",), ("goodbye",), ("leave",), ("end", "conversation"))


def numbered_actions(parts: list[LMap], with_locs: bool = False) -> Iterator[Any]:
    """Every action of a scene and its extensions, numbered across them (for auto ids)."""
    index = 0
    for data in parts:
        items = data.get("actions")
        if not isinstance(items, LList):
            continue
        for i, item in enumerate(items):
            yield (index, item, items.item_loc(i)) if with_locs else (index, item)
            index += 1


def action_id(data: LMap, index: int) -> str:
    ident = data.get("id")
    if isinstance(ident, str) and ident:
        return ident
    for key in ("commands", "verbs", "label"):
        value = data.get(key)
        first = value[0] if isinstance(value, list) and value else value
        if isinstance(first, str) and words(first):
            return "_".join(words(first))[:40] + f"_{index + 1}"
    return f"action_{index + 1}"


def action_keys(cx: LoadContext) -> set[str]:
    """Every action's key, before any is compiled: conditions may name any of them."""
    keys: set[str] = set()
    memo = cx.memo
    for sid in cx.scene_src:
        if memo is not None:  # an editor's re-check: the same mappings, the same keys
            keys.update(memo.action_keys(cx, sid, _scene_keys))
        else:
            keys.update(_scene_keys(sid, cx.parts(sid)))
    for i, (a, _) in enumerate(cx.global_src):
        keys.add(f"global.{action_id(a, i)}")
    return keys


def _scene_keys(sid: str, parts: list[LMap]) -> list[str]:
    return [f"{sid}.{action_id(a, i)}" for i, a in numbered_actions(parts)
            if isinstance(a, LMap)]


def global_actions(cx: LoadContext, names: ex.Names) -> list[Action]:
    globals_ = []
    for i, (d, loc) in enumerate(cx.global_src):
        with cx.chapter_of(names, cx.file_chapter_of(d)):
            globals_.append(action(cx, d, loc, "global", names.in_scene(None, False), i))
    return [a for a in globals_ if a is not None]


def scene_actions(cx: LoadContext, sid: str, parts: list[LMap], guard: ex.Names,
                  globals_: list[Action], conversation: bool) -> list[Action]:
    own: list[Action] = []
    seen: dict[str, Loc] = {}
    for data in parts:
        if "actions" in data and data["actions"] is not None:
            cx.typed(data, "actions", LList, "a list of actions")
    for i, item, loc in numbered_actions(parts, with_locs=True):
        if not isinstance(item, LMap):
            cx.err(loc, "an action is a mapping with commands, text, to, ...")
            continue
        a = action(cx, item, loc, sid, guard, i)
        if a.id in seen:
            cx.err(item.val_loc("id") if "id" in item else loc,
                   f"action '{a.id}' of scene '{sid}' is defined twice: here and at "
                   f"{seen[a.id]}")
            continue
        seen[a.id] = loc
        own.append(a)
    if conversation and not any(a.ret for a in own):
        own.append(Action(id="leave", key=f"{sid}.leave", commands=list(LEAVE_WORDS),
                          label=compile_text("End the conversation", guard), ret=True,
                          trigger=f"action:{sid}:leave", loc=data.loc))
    overridden = {a.id for a in own}
    return [a for a in own if not a.disabled] + [g for g in globals_
                                                 if g.id not in overridden]


def action(cx: LoadContext, data: LMap, loc: Loc, scope: str, guard: ex.Names, index: int
           ) -> Action:
    cx.keys(data, ACTION_KEYS, "an action")
    aid = action_id(data, index)
    if "id" in data and not (isinstance(data["id"], str) and ID.match(data["id"])):
        cx.err(data.val_loc("id"), "an action id is lower-case letters, digits and _")
    free = guard.in_scene(guard.scene, True)
    said: set[tuple[str, ...]] = set()
    a = Action(
        id=aid, key=f"{scope}.{aid}", commands=cx.phrases(data, "commands", said),
        verbs=cx.phrases(data, "verbs"), nouns=cx.phrases(data, "nouns"),
        label=cx.text(data, "label", free), hidden=cx.flag(data, "hidden"),
        once=cx.flag(data, "once"), when=cx.expr(data, "when", guard),
        refuse=cx.text(data, "refuse", free), do=cx.effects(data, "do", free),
        text=cx.text(data, "text", free), to=cx.scene_ref(data, "to"),
        call=cx.scene_ref(data, "call"), ret=cx.flag(data, "return"),
        disabled=cx.flag(data, "disabled"), trigger=f"action:{scope}:{aid}", loc=loc,
        repeatable=cx.flag(data, "repeatable"), said=frozenset(said),
    )
    for key in ("thing", "second"):
        ref = cx.text_field(data, key)
        if ref is None:
            continue
        if ref in cx.thing_src:
            setattr(a, key, ref)
        else:
            cx.err(data.val_loc(key), f"unknown thing '{ref}'"
                   f"{did_you_mean(ref, cx.thing_src)}")
    prep = cx.text_field(data, "preposition")
    if prep is not None:
        a.preposition = words(prep)
    a.topics = [words(t) for t in cx.str_list(data, "topics") if words(t)]
    if (a.second or a.topics) and not a.preposition:
        cx.err(loc, "'second' and 'topics' need a 'preposition' (give X to Y: 'to')")
    if a.preposition and not (a.second or a.topics):
        cx.err(loc, "'preposition' needs 'second' (a thing) or 'topics' (words)")
    if sum(x is not None and x is not False for x in (a.to, a.call, a.ret or None)) > 1:
        cx.err(loc, "an action takes at most one of 'to', 'call' and 'return'")
    if (a.nouns or a.thing) and not a.verbs:
        cx.err(loc, "'nouns' and 'thing' need 'verbs' to go with them")
    if not (a.commands or a.verbs or a.label or a.disabled):
        cx.err(loc, "an action needs a way in: 'commands', 'verbs' or a 'label'")
    return a


def check_calls(cx: LoadContext, scenes: dict[str, Scene]) -> None:
    for s in scenes.values():
        for a in s.actions:
            if a.call and a.call in scenes and not scenes[a.call].conversation:
                cx.err(a.loc, f"'call: {a.call}' needs a scene with 'conversation: true' "
                       "(or use 'to:' to go there)")
            if a.ret and not s.conversation and not a.key.startswith("global."):
                cx.err(a.loc, "'return: true' works only in a scene with "
                       "'conversation: true'")
