"""Things: those a scene defines under its own `things:` (pass 1) and every thing's
name, words, location and properties (pass 2), with the checks that the things that
hold others can, and that nothing ends up inside itself."""

from __future__ import annotations

import re

from .diagnostics import did_you_mean
from .model import Thing
from .places import NOWHERE, PLACES
from .text import Template, fixed_text, source_words
from .vocab import words
from .yamlsrc import LList, LMap

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from . import expr as ex
    from .diagnostics import Loc
    from .load_context import LoadContext

THING_KEYS = ("name", "adjectives", "synonyms", "article", "description", "location",
              "portable", "wearable", "holds", "listed", "take_refuse", "pronoun", "light",
              "plural", "talk", "topics", "treat", "whereabouts", "closed")


def collect_scene_things(cx: LoadContext, sid: str, sdata: LMap) -> None:
    """Pass 1: the things a scene (or an extension of it) defines, placed there."""
    things = sdata.get("things")
    if things is None or not cx.typed(sdata, "things", LMap, "a mapping of things"):
        return
    for tid in things:
        tdata = things[tid]
        tloc = things.key_loc(tid)
        if cx.check_id(tid, tloc, "thing") and cx.define("thing", tid, tloc):
            if isinstance(tdata, LMap):
                cx.thing_src[tid] = (tdata, sid, tloc)
            else:
                cx.err(things.val_loc(tid), "a thing is a mapping with name, "
                       "description, ...")


def build_things(cx: LoadContext, names: ex.Names) -> dict[str, Thing]:
    things = {}
    for tid, (tdata, scene, kloc) in cx.thing_src.items():
        with cx.chapter_of(names, cx.scene_chapter(scene) if scene in cx.scene_src
                           else cx.file_chapter_of(tdata)):
            things[tid] = thing(cx, tid, tdata, scene, kloc, names)
    check_holders(cx, things)
    return things


def thing(cx: LoadContext, tid: str, data: LMap, scene: str | None, kloc: Loc,
          names: ex.Names) -> Thing:
    cx.keys(data, THING_KEYS, f"thing '{tid}'")
    name = cx.text_field(data, "name") or tid.replace("_", " ")
    location = cx.text_field(data, "location")
    if location is None:
        location = scene or NOWHERE
        if scene is None:
            cx.err(kloc, f"thing '{tid}' needs a 'location' (a scene, player, worn, "
                   "following, nowhere or a thing id)")
    elif scene is not None and location != scene:
        pass  # defined under one scene, placed elsewhere: allowed, the location wins
    if location not in PLACES and location not in cx.scene_src \
            and location not in cx.thing_src:
        pool = list(cx.scene_src) + list(cx.thing_src) + list(PLACES)
        near = did_you_mean(location, PLACES) or did_you_mean(location, pool)
        cx.err(data.val_loc("location"), f"unknown location '{location}'{near}")
    holds = cx.text_field(data, "holds")
    if holds is not None and holds not in ("in", "on"):
        cx.err(data.val_loc("holds"), "'holds' should be 'in' or 'on'")
        holds = None
    plural = cx.flag(data, "plural")
    article = cx.text_field(data, "article")
    if article is None:
        article = "some" if plural else "an" if name[:1].lower() in "aeiou" else "a"
    elif not re.fullmatch(r"[A-Za-z]+", article):
        cx.err(data.val_loc("article"), "'article' should be one word: a, an, the, "
               "some, your, ... or none")
    elif plural and article.lower() in ("a", "an"):
        cx.err(data.val_loc("article"), f"'{article}' does not go with a plural thing "
               "(\"a prayer beads\"): leave 'article' out for 'some', or write the, your, ...")
    portable = cx.flag(data, "portable")
    wearable = cx.flag(data, "wearable")
    text_names = names.in_scene(scene, True)
    synonyms = [words(s) for s in cx.str_list(data, "synonyms") if words(s)]
    name_text, name_words, typed = templated_name(cx, tid, data, name, text_names, synonyms)
    if name_text is not None and "article" not in data:
        article = ""  # a or an, for the name as it reads when it is shown (with_article)
    if "plural" not in data:
        plural_unsaid(cx, kloc, tid, name, synonyms, data.get("pronoun"))
    return Thing(
        id=tid, name=typed or words(name) or (tid,),
        adjectives=frozenset(w for a in cx.str_list(data, "adjectives") for w in words(a)),
        synonyms=synonyms,
        article=article, description=cx.text(data, "description", text_names),
        location=location, portable=portable or wearable, wearable=wearable, holds=holds,
        listed=cx.flag(data, "listed", portable or wearable),
        take_refuse=cx.text(data, "take_refuse", text_names), loc=kloc,
        pronoun=pronoun(cx, data), called=" ".join(name.split()),
        light=light(cx, data, names.in_scene(scene, False)), plural=plural,
        name_text=name_text, name_words=name_words,
        talk=cx.text(data, "talk", text_names), topics=topics(cx, data, text_names),
        treat=cx.text(data, "treat", text_names),
        whereabouts=cx.text(data, "whereabouts", text_names),
        closed=None if "closed" not in data else light(cx, data, names.in_scene(scene, False),
                                                       "closed"),
    )


def topics(cx: LoadContext, data: LMap, names: ex.Names) -> list:
    """`topics:` of a person: 'wormhole, the anomaly: reply' (phrases, then the text)."""
    value = data.get("topics")
    if value is None or not cx.typed(data, "topics", LMap,
                                     "a mapping of 'topic, topic: reply'"):
        return []
    out = []
    for key in value:
        found = [words(n) for n in str(key).split(",") if words(n)]
        text = None
        if not found:
            cx.err(value.key_loc(key), "expected a topic here: 'wormhole, anomaly: reply'")
        elif isinstance(value[key], (LList, LMap)) and not (
                isinstance(value[key], LMap) and list(value[key]) == ["one_of"]):
            cx.err(value.val_loc(key), f"the reply about '{key}' should be text")
        else:
            text = cx.text_value(value[key], value.val_loc(key), "topics", names)
        if found and text is not None:
            out.append((found, text))
    return out


def templated_name(cx: LoadContext, tid: str, data: LMap, name: str, names: ex.Names,
                   synonyms: list[tuple[str, ...]]
                   ) -> tuple[Template | None, frozenset[str], tuple[str, ...]]:
    """A name with ${...}: (its template, the words its branches can show, the words a
    player types for it). Those words stay fixed, so the parser's vocabulary does not
    change with the state: the words written outside ${...} are the name ("lamp" in
    "${if lit}lit${else}cold${end} lamp"), the branches' words describe it like
    adjectives ("lit", "cold"), and a name written all in ${...} is typed by its
    synonyms."""
    if "${" not in name:
        return None, frozenset(), ()
    spec = cx.text(data, "name", names)
    if not isinstance(spec, Template):
        return None, frozenset(), ()
    typed = words(fixed_text(spec))
    if not typed:
        if not synonyms:
            cx.err(data.val_loc("name"), f"the name of thing '{tid}' is all ${{...}}, so a "
                   "player has no fixed word to type for it: give it 'synonyms'")
            return None, frozenset(), ()
        typed = synonyms[0]
    return spec, source_words(spec) - frozenset(typed), typed


def light(cx: LoadContext, data: LMap, guard: ex.Names, key: str = "light"
          ) -> ex.Expr | bool:
    """A light source: `light: true`, or lit while a condition holds (and `closed`, a
    container shut, read the same way)."""
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    found = cx.expr(data, key, guard)
    return False if found is None else found


def plural_unsaid(cx: LoadContext, loc: Loc, tid: str, name: str,
                  synonyms: list[tuple[str, ...]], pronoun_: object) -> None:
    """A name that reads as plural ('prods', with 'prod' among its synonyms, or 'them')
    without `plural: true` gets "The prods stays where it is": say which it is."""
    head = name.split(" of ")[0].split()[-1:]  # 'string of prayer beads' is one string
    w = head[0].lower() if head else ""
    if not w.endswith("s") or w.endswith(("ss", "us", "is")):
        return
    said = {x for s in synonyms for x in s}
    if pronoun_ == "them" or not said.isdisjoint((w[:-1], w[:-2])):
        cx.warn(loc, f"thing '{tid}' reads as plural ('{name}'): add 'plural: true' so "
                "that replies agree ('the prods stay'), or 'plural: false' if it is one thing")


def pronoun(cx: LoadContext, data: LMap) -> str:
    value = cx.text_field(data, "pronoun") or "it"
    if value not in ("it", "him", "her", "them"):
        cx.err(data.val_loc("pronoun"), "'pronoun' should be it, him, her or them")
        return "it"
    return value


def check_holders(cx: LoadContext, things: dict[str, Thing]) -> None:
    for t in things.values():
        holder = things.get(t.location)
        # a person holds things in their hands (a padd, a chain) without `holds`
        if holder is not None and holder.holds is None and not holder.person:
            src = cx.thing_src[t.id][0]
            cx.err(src.val_loc("location"), f"'{t.location}' cannot hold things; give "
                   "it 'holds: in' or 'holds: on'")
        seen = {t.id}
        cur = t.location
        while cur in things:
            if cur in seen:
                cx.err(t.loc, f"thing '{t.id}' is inside itself (through '{cur}')")
                break
            seen.add(cur)
            cur = things[cur].location
