"""Scenes: each scene with the extensions other files make to it (`extend:`), compiled
into a `Scene` with its texts and variants, exits, fallback, hints, ending and actions;
and the check that every extension names a scene some file defines."""

from __future__ import annotations

from .diagnostics import Loc, did_you_mean
from .expr import constant
from .load_actions import scene_actions
from .load_scenery import entries
from .model import Dark, Ending, Exit, Fallback, Scene
from .text import Template, compile_text
from .vocab import DIRECTIONS, words
from .yamlsrc import LList, LMap

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from . import expr as ex
    from .load_context import LoadContext
    from .model import Action, TextSpec

EXTEND_KEYS = ("order", "actions", "variants", "on_enter", "exits", "things", "hints")
SCENE_KEYS = ("title", "chapter", "text", "revisit", "variants", "on_enter", "ending", "exits",
              "things", "scenery",
              "actions", "fallback", "hints", "conversation", "dark", "sounds", "smells")
EXIT_KEYS = ("to", "names", "label", "when", "refuse", "text", "hidden", "do")
FALLBACK_KEYS = ("when", "text", "do", "to", "go")
GO_KEYS = ("text", "do", "to")
ENDING_KEYS = ("kind", "title", "epilogue")
VARIANT_KEYS = ("when", "text")


def order_extensions(cx: LoadContext) -> None:
    """Put each scene's extensions in the order their choices are numbered in (and their
    variants, entry effects and hints run in): those with an `order:` first, by it; then
    those without, by file path. So a file added later never moves an extension that has
    an order; two that could trade places are warned about, with the fix."""
    for sid, found in cx.ext_src.items():
        keyed = [(_order(cx, e), e) for e in found]
        keyed.sort(key=lambda k: (k[0] is None, k[0] or 0))  # stable: ties by file path
        cx.ext_src[sid] = [e for _, e in keyed]
        for i in range(1, len(keyed)):
            if keyed[i][0] == keyed[i - 1][0]:
                _tie(cx, sid, keyed[i - 1], keyed[i])


def _order(cx: LoadContext, ext: LMap) -> int | None:
    if "order" not in ext:
        return None
    value = ext["order"]
    if not isinstance(value, int) or isinstance(value, bool):
        cx.err(ext.val_loc("order"), "'order' is a whole number: extensions of a scene with "
               "a lower order come first, and those without one after all that have one")
        return None
    return value


def _tie(cx: LoadContext, sid: str, first: tuple[int | None, LMap],
         second: tuple[int | None, LMap]) -> None:
    order, ext = second
    if first[1].loc.file == ext.loc.file:
        return  # one file cannot extend a scene twice (YAML keys are unique)
    before = _where(cx, sid, first[1])
    if order is None:
        cx.warn(_where(cx, sid, ext), f"this extension of scene '{sid}' and the one at "
                f"{before} have no 'order:', so their choices are numbered by file path, "
                "and a file added or renamed between them renumbers one of them; to keep "
                f"the numbers they have now, give the one at {before} 'order: 1' and this "
                "one 'order: 2' (extensions with an order come first, lower first; those "
                "without one come after them all)")
        return
    cx.warn(ext.key_loc("order"), f"this extension of scene '{sid}' has the same "
            f"'order: {order}' as the one at {before}, so their choices are numbered by "
            "file path, and a file added or renamed between them renumbers one of them; "
            f"give this one a higher order (order: {order + 1}) to keep the numbers they "
            "have now")


def _where(cx: LoadContext, sid: str, ext: LMap) -> Loc:
    """Where a file's `extend:` names scene `sid`."""
    return next((kloc for s, kloc in cx.ext_keys if s == sid and kloc.file == ext.loc.file),
                ext.loc)


def check_extensions(cx: LoadContext) -> None:
    for sid, kloc in cx.ext_keys:
        if sid not in cx.scene_src:
            cx.err(kloc, f"'extend' names scene '{sid}', which no file defines"
                   f"{did_you_mean(sid, cx.scene_src)}")


def build_scenes(cx: LoadContext, names: ex.Names, globals_: list[Action]
                 ) -> dict[str, Scene]:
    scenes = {}
    memo = cx.memo
    if memo is not None:
        memo.start(cx, names)
    for sid in list(cx.scene_src):
        kept = memo.reuse(cx, sid) if memo is not None else None
        if kept is not None:  # compiled by the last load, and nothing it reads changed
            scenes[sid] = kept
        else:
            chapter = cx.scene_chapter(sid)
            with cx.chapter_of(names, chapter):
                if memo is None:
                    scenes[sid] = scene(cx, sid, *cx.scene_src[sid], names, globals_)
                else:
                    scenes[sid] = memo.scene(cx, sid, names, lambda: scene(
                        cx, sid, *cx.scene_src[sid], names, globals_))  # noqa: B023 (now)
        if memo is None:  # (an editor keeps every file's parse anyway, to reuse it)
            release(cx, sid)
    if memo is not None:
        memo.finish(cx, scenes)
    return scenes


def release(cx: LoadContext, sid: str) -> None:
    """A scene is built: let go of what was read for it, so that a large story never
    holds all of its located text and all of its model at once."""
    _, file, chapter = cx.scene_src[sid]
    cx.scene_src[sid] = (LMap.at(Loc(file, 0, 0)), file, chapter)
    cx.ext_src.pop(sid, None)
    parent = cx.scene_parent.pop(sid, None)
    if parent is not None:
        parent.pop(sid, None)


def scene(cx: LoadContext, sid: str, data: LMap, file: str, chapter: str, names: ex.Names,
          globals_: list[Action]) -> Scene:
    cx.keys(data, SCENE_KEYS, f"scene '{sid}'")
    guard = names.in_scene(sid, False)
    free = names.in_scene(sid, True)
    title = cx.text_field(data, "title")
    if not title:
        cx.err(data.loc, f"scene '{sid}' needs a 'title'")
    title_text = None
    if title and "${" in title:  # a template: rendered when shown (Scene.title: initially)
        shown = cx.text(data, "title", free)
        title_text = shown if isinstance(shown, Template) else None
    if "chapter" in data:
        cx.shown_plain(data, "chapter", "a chapter's name")
    end = ending(cx, data, free)
    text = cx.text(data, "text", free, required=end is None)
    if data.get("scenery") is not None:
        cx.scenery_src[sid] = entries(cx, data["scenery"], data.val_loc("scenery"), free)
    parts = cx.parts(sid)
    s = Scene(
        id=sid, title=title or sid, chapter=cx.scene_chapter(sid),
        text=text or compile_text("", free), ending=end,
        variants=[v for p in parts for v in variants(cx, p, guard, free)],
        on_enter=[fx for p in parts for fx in cx.effects(p, "on_enter", free)],
        exits=exits(cx, sid, parts, guard, free),
        fallback=fallback(cx, sid, data, guard, free),
        hints=[h for p in parts for h in cx.hints(p, "hints", free)],
        conversation=cx.flag(data, "conversation"), loc=cx.first_def[f"scene:{sid}"],
        title_text=title_text, dark=dark(cx, data, guard),
        extended_by=list(dict.fromkeys(p.loc.file for p in parts[1:])),
        revisit=cx.text(data, "revisit", free) if "revisit" in data else None,
        sounds=cx.text(data, "sounds", free), smells=cx.text(data, "smells", free),
    )
    s.actions = scene_actions(cx, sid, parts, guard, globals_, s.conversation)
    if end and (s.exits or any(not a.key.startswith("global.") for a in s.actions)):
        cx.err(data.key_loc("ending"), f"scene '{sid}' is an ending, so it cannot have "
               "exits or actions of its own")
    return s


def ending(cx: LoadContext, data: LMap, names: ex.Names) -> Ending | None:
    if "ending" not in data or not cx.typed(data, "ending", LMap,
                                            "a mapping with kind, title and epilogue"):
        return None
    e = data["ending"]
    cx.keys(e, ENDING_KEYS, "an ending")
    kind = cx.shown_plain(e, "kind", "an ending's kind") or "ending"
    title = cx.text_field(e, "title") or kind.capitalize()
    shown = cx.text(e, "title", names) if "${" in title else None
    # a template is rendered when the game ends; `title` is how it reads at the start
    return Ending(kind, title, cx.text(e, "epilogue", names),
                  title_text=shown if isinstance(shown, Template) else None)


def variants(cx: LoadContext, data: LMap, guard: ex.Names, free: ex.Names
             ) -> list[tuple[ex.Expr, TextSpec]]:
    out: list[tuple[ex.Expr, TextSpec]] = []
    if "variants" not in data or not cx.typed(data, "variants", LList,
                                              "a list of {when, text}"):
        return out
    items = data["variants"]
    for i, v in enumerate(items):
        if not isinstance(v, LMap):
            cx.err(items.item_loc(i), "a variant is a mapping with 'when' and 'text'")
            continue
        cx.keys(v, VARIANT_KEYS, "a text variant")
        if "when" not in v:
            cx.err(v.loc, "a variant needs 'when'")
        cond = cx.expr(v, "when", guard)
        text = cx.text(v, "text", free, required=True)
        if cond and text:
            out.append((cond, text))
    return out


def exits(cx: LoadContext, sid: str, parts: list[LMap], guard: ex.Names, free: ex.Names
          ) -> list[Exit]:
    out: list[Exit] = []
    seen: dict[str, Loc] = {}
    for data in parts:
        for ex_ in part_exits(cx, sid, data, guard, free):
            if ex_.key in seen:
                cx.err(ex_.loc, f"exit '{ex_.key}' of scene '{sid}' is defined twice: "
                       f"here and at {seen[ex_.key]}")
                continue
            seen[ex_.key] = ex_.loc
            out.append(ex_)
    return out


def part_exits(cx: LoadContext, sid: str, data: LMap, guard: ex.Names, free: ex.Names
               ) -> list[Exit]:
    out: list[Exit] = []
    if "exits" not in data or data["exits"] is None:
        return out
    if not cx.typed(data, "exits", LMap, "a mapping of direction or name to scene"):
        return out
    section = data["exits"]
    for key in section:
        value = section[key]
        kloc = section.key_loc(key)
        spec = value if isinstance(value, LMap) else None
        if spec is None:
            if not isinstance(value, str):
                cx.err(section.val_loc(key), "an exit is a scene id or a mapping with 'to'")
                continue
            spec = LMap.at(kloc, {"to": value})
            spec.locate_key("to", kloc, section.val_loc(key))
        cx.keys(spec, EXIT_KEYS, f"exit '{key}'")
        to = cx.scene_ref(spec, "to")
        blocked = "to" not in spec and "refuse" in spec
        if blocked:  # a way that leads nowhere: it only refuses ("The door is locked.")
            for k in ("when", "do", "text", "label", "hidden"):
                if k in spec:
                    cx.err(spec.key_loc(k), f"exit '{key}' leads nowhere (it has no 'to'), "
                           f"so it only refuses: '{k}' has nothing to do there")
            to = sid
        elif spec.get("to") is None:
            cx.err(spec.loc, f"exit '{key}' needs 'to' (the scene it leads to), or only a "
                   "'refuse' text for a way that leads nowhere")
        if not words(str(key)):
            cx.err(kloc, f"exit '{key}' needs a name a player can type")
            continue
        names = [words(str(key))]
        names += [(abbr,) for abbr in DIRECTIONS.get(str(key), ())]
        names += cx.phrases(spec, "names")
        if to is None:
            continue
        if blocked:
            out.append(Exit(key=str(key), to=sid, names=names, label=None,
                            when=constant(False), refuse=cx.text(spec, "refuse", free),
                            text=None, hidden=True, trigger=f"exit:{sid}:{key}", loc=kloc,
                            blocked=True))
            continue
        out.append(Exit(
            key=str(key), to=to, names=names, label=cx.text(spec, "label", free),
            when=cx.expr(spec, "when", guard), refuse=cx.text(spec, "refuse", free),
            text=cx.text(spec, "text", free), hidden=cx.flag(spec, "hidden"),
            trigger=f"exit:{sid}:{key}", loc=kloc, do=cx.effects(spec, "do", free),
        ))
    return out


def fallback(cx: LoadContext, sid: str, data: LMap, guard: ex.Names, free: ex.Names
             ) -> Fallback | None:
    if "fallback" not in data or not cx.typed(data, "fallback", LMap,
                                              "a mapping with when, text, do, to"):
        return None
    f = data["fallback"]
    cx.keys(f, FALLBACK_KEYS, "a fallback")
    when = cx.expr(f, "when", guard)
    go = None
    spec = f.get("go")
    if isinstance(spec, LMap) and "one_of" not in spec:
        cx.keys(spec, GO_KEYS, "a fallback's 'go'")
        go = Fallback(when, cx.text(spec, "text", free), cx.effects(spec, "do", free),
                      cx.scene_ref(spec, "to"), trigger=f"fallback:{sid}:go")
    elif spec is not None:  # the text alone
        go = Fallback(when, cx.text(f, "go", free), [], None, trigger=f"fallback:{sid}:go")
    return Fallback(when, cx.text(f, "text", free), cx.effects(f, "do", free),
                    cx.scene_ref(f, "to"), trigger=f"fallback:{sid}", go=go)


def dark(cx: LoadContext, data: LMap, guard: ex.Names) -> Dark | None:
    """`dark: true` or `dark: CONDITION`: no light here (then) but a lit light source."""
    if "dark" not in data or data["dark"] is False:
        return None
    if data["dark"] is True:
        return Dark(None, data.key_loc("dark"))
    when = cx.expr(data, "dark", guard)
    return None if when is None else Dark(when, data.key_loc("dark"))
