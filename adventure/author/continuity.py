"""`check`'s continuity warnings, and the score each chapter can reach.

- Text that names a thing or a person whose place is not settled when it is shown:
  it can be here, or carried, or elsewhere, depending on what the player did.
- A listed choice that changes nothing the second time (it wants `once: true`).
- A timed event that can fire where it no longer belongs: after the player has left the
  chapter that scheduled it for good, or (one that moves the player) outside the scenes
  of the file that defines and schedules it, a branch's timer dragging the player out.

Where a thing can be is worked out from the effects that move it, scene by scene along
the story's graph, and from `take` for a portable thing. A thing the player drops is
not followed: what a player drops is theirs to remember.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..story.diagnostics import Diagnostic, Loc
from ..story.effects import Op
from ..story.model import Action, OneOf, Scene, Story, Thing
from ..story.places import FOLLOWING, PLAYER, WORN, outermost
from ..story.text import Template
from .checks import asks_where, chapters, reachable, warn

HERE, CARRIED, AWAY = "here", "carried", "away"
SCORE_SHARE = 0.8  # at most this share of max_score before the last chapter


# -- effects ------------------------------------------------------------------------------

def ops(effects: list[Op], sure: bool = True) -> Iterator[tuple[Op, bool]]:
    """Every effect, inside `if`s too, with whether it always runs."""
    for fx in effects:
        if fx.kind == "if":
            yield fx, sure
            yield from ops(fx.args[1], False)  # type: ignore[arg-type]
            yield from ops(fx.args[2], False)  # type: ignore[arg-type]
        else:
            yield fx, sure


def _moves(effects: list[Op], thing: str) -> list[tuple[str, bool]]:
    return [(fx.args[1], sure) for fx, sure in ops(effects)  # type: ignore[misc]
            if fx.kind == "move" and fx.args[0] == thing]


def _writes(effects: list[Op]) -> set[str]:
    return {fx.args[0] for fx, _ in ops(effects)  # type: ignore[misc]
            if fx.kind in ("set", "assign", "add")}


def steps_of(story: Story) -> Steps:
    """The story's Steps, worked out once for all the checks that walk them."""
    found = story.derived.get("author.steps")
    if found is None:
        found = story.derived["author.steps"] = Steps(story)
    return found


class Steps:
    """The story's moves between scenes, each with the effects run on the way."""

    def __init__(self, story: Story) -> None:
        self.story = story
        callers: dict[str, set[str]] = {}
        for s in story.scenes.values():
            for a in s.actions:
                if a.call:
                    callers.setdefault(a.call, set()).add(s.id)
        self.callers = callers
        self.out: dict[str, list[tuple[str, list[Op], str]]] = {}  # to, effects, what
        for s in story.scenes.values():
            found = self.out[s.id] = []
            for ex in s.exits:
                found.append((ex.to, ex.do, f"exit '{ex.key}'"))
            for a in s.actions:
                targets = [a.to or a.call or ""] if a.to or a.call else \
                    sorted(callers.get(s.id, ())) if a.ret else []
                for target in targets:
                    found.append((target, a.do, f"action '{a.id}'"))
            fb = s.fallback
            for f in (fb, fb.go if fb else None):
                if f is not None and f.to:
                    found.append((f.to, f.do, "the fallback"))
        self.schedules = self._schedules()
        # events that another event schedules: they can fire anywhere (worked out once,
        # not once per event: a story of thousands of events stays linear)
        self.chained = {fx.args[0] for e in story.events.values() for fx, _ in ops(e.do)
                        if fx.kind == "schedule"}
        self.fires = {eid: self._fires(eid) for eid in story.events}
        self.fire_here: dict[str, list[str]] = {}  # scene -> events that can fire there
        for eid, fires in self.fires.items():
            for sid in fires:
                self.fire_here.setdefault(sid, []).append(eid)

    def reach(self, sid: str) -> set[str]:
        """The scenes the player can get to from `sid`."""
        seen = {sid}
        todo = [sid]
        while todo:
            for to, _, _ in self.out[todo.pop()]:
                if to not in seen:
                    seen.add(to)
                    todo.append(to)
        return seen

    def _schedules(self) -> dict[str, list[tuple[str, int]]]:
        """event -> (scene that schedules it, the delay), for each schedule in a scene."""
        found: dict[str, list[tuple[str, int]]] = {}
        for s in self.story.scenes.values():
            lists = [s.on_enter] + [a.do for a in s.actions if not a.key.startswith("global.")]
            lists += [ex.do for ex in s.exits]
            lists += [f.do for f in (s.fallback, s.fallback.go if s.fallback else None) if f]
            for effects in lists:
                for fx, _ in ops(effects):
                    if fx.kind == "schedule":
                        found.setdefault(fx.args[0], []).append(  # type: ignore[arg-type]
                            (s.id, fx.args[1]))  # type: ignore[arg-type]
        return found

    def _fires(self, eid: str) -> dict[str, str]:
        """Scenes where event `eid` can fire -> the scene that scheduled it. A timer
        scheduled from anywhere else (a global action, another event) fires anywhere."""
        anywhere = None in self.story.info.scheduled.get(eid, ())
        if anywhere or eid in self.chained:
            return dict.fromkeys(self.story.scenes, "")
        found: dict[str, str] = {}
        for start, delay in self.schedules.get(eid, ()):
            depth = {start: 0}
            todo = [start]
            while todo:
                sid = todo.pop(0)
                found.setdefault(sid, start)
                if depth[sid] > delay:  # one scene a turn, and the delay counts from the next
                    continue
                for to, effects, _ in self.out[sid]:
                    if to in depth or _cancels(effects, eid) or \
                            _cancels(self.story.scenes[to].on_enter, eid):
                        continue
                    depth[to] = depth[sid] + 1
                    todo.append(to)
        return found


def _cancels(effects: list[Op], eid: str) -> bool:
    return any(fx.kind == "cancel" and fx.args[0] == eid and sure for fx, sure in ops(effects))


# -- where a thing can be -----------------------------------------------------------------


def places(story: Story, steps: Steps, t: Thing) -> dict[str, dict[str, str]]:
    """For each scene, where `t` can be while the scene is shown (a scene, player, worn,
    nowhere) and why, as it can have got there by then."""
    start_at = outermost(story.things, t.location)
    inside: dict[str, dict[str, str]] = {story.start: {start_at: "where it starts"}}
    shown: dict[str, dict[str, str]] = {}
    anywhere: list[tuple[str, str]] = []  # moves a global action or event makes
    for a in story.global_actions:
        anywhere += [(w, f"global action '{a.id}'") for w, _ in _moves(a.do, t.id)]
    events = {eid: [(w, f"event '{eid}'") for w, _ in _moves(e.do, t.id)]
              for eid, e in story.events.items()}
    todo = [story.start]
    while todo:
        sid = todo.pop()
        scene = story.scenes[sid]
        here = dict(inside.get(sid, {}))
        enter = _moves(scene.on_enter, t.id)
        if any(sure for _, sure in enter):
            here = {}
        for where, _ in enter:
            here.setdefault(outermost(story.things, where), f"scene '{sid}' on entry")
        extra = list(anywhere)
        for eid, moved in events.items():
            if sid in steps.fires[eid]:
                extra += moved
        for a in scene.actions:
            # an action that leaves moves things only in the scene it leaves for (steps.out)
            if not a.key.startswith("global.") and a.to in (None, sid):
                extra += [(w, f"action '{a.id}'") for w, _ in _moves(a.do, t.id)]
        for where, why in extra:
            here.setdefault(outermost(story.things, where), f"moved to '{where}' by {why}")
        if t.portable and sid in here:
            here.setdefault(PLAYER, f"taken by the player in '{sid}'")
        shown[sid] = here
        for to, effects, what in steps.out[sid]:
            after = dict(here)
            for where, _ in _moves(effects, t.id):
                after.setdefault(outermost(story.things, where), f"moved to '{where}' by {what} "
                                 f"of '{sid}'")
            known = inside.setdefault(to, {})
            new = {k: v for k, v in after.items() if k not in known}
            if new or to not in shown:
                known.update(new)
                todo.append(to)
    return shown


def _kind(where: str, sid: str, callers: set[str]) -> str:
    if where in (PLAYER, WORN):
        return CARRIED
    return HERE if where in (sid, FOLLOWING) or where in callers else AWAY


# -- what a text names, and under which conditions ------------------------------------------

def _mentions(cond: object, thing: str, proxies: set[str]) -> bool:
    tree = getattr(cond, "tree", None)
    todo = [tree] if tree else []
    while todo:
        op, value, args, _ = todo.pop()
        if op in ("has", "wearing", "here", "with", "location") and args[0][1] == thing:
            return True
        if (op == "var" and value in proxies) or (op == "done" and args[0][1] in proxies):
            return True
        todo.extend(args)
    return False


def _pieces(spec: object, guards: tuple = ()) -> Iterator[tuple[str, tuple]]:
    """Each run of plain text in a text, with the conditions of every ${if} around it."""
    specs = spec.options if isinstance(spec, OneOf) else [spec]
    for one in specs:
        if isinstance(one, Template):
            yield from _plan(one.plan, guards)


def _plan(plan: list, guards: tuple) -> Iterator[tuple[str, tuple]]:
    for p in plan:
        if isinstance(p, str):
            yield p, guards
        elif isinstance(p, tuple):
            conds = tuple(c for c, _ in p[1] if c is not None)
            for _, sub in p[1]:
                yield from _plan(sub, guards + conds)


_WORD = re.compile(r"[a-z0-9][a-z0-9']*")


def _names(text: str, t: Thing, here: bool) -> bool:
    """The text names the thing: its name (a person's other names too), not as someone
    else's ("the glinn's padd") nor, where it cannot be, as one of a kind ("a padd")."""
    raw = _WORD.findall(text.lower().replace("\u2019", "'"))
    # as the parser spells names: no apostrophes ("O'Brien" is obrien)
    ws = [w.removesuffix("'s").replace("'", "") for w in raw]
    for name in [t.name, *(t.synonyms if t.person else ())]:
        n = len(name)
        for i in range(len(ws) - n + 1):
            if tuple(ws[i:i + n]) != name:
                continue
            before = raw[i - 1] if i else ""
            if before.endswith("'s") or (not here and before in ("a", "an", "another")):
                continue
            return True
    return False


def _texts(scene: Scene) -> Iterator[tuple[object, tuple, Loc, str]]:
    """(text, guards, where, what) for each text shown while the scene is described."""
    variant_conds = tuple(c for c, _ in scene.variants)
    yield scene.text, variant_conds, scene.loc, "text"
    for cond, text in scene.variants:
        yield text, (cond,), scene.loc, "text"
    if scene.revisit is not None:
        yield scene.revisit, (), scene.loc, "revisit"
    for a in scene.actions:
        if a.label is not None and not a.hidden and not a.key.startswith("global."):
            yield a.label, (a.when,) if a.when is not None else (), a.loc, \
                f"choice '{a.id}'"


def _proxies(story: Story, thing: str) -> set[str]:
    """Variables set, and actions done, with a move of `thing`: a guard on them is a
    guard on where it is."""
    found: set[str] = set()
    lists: list[tuple[str | None, list[Op]]] = [(None, e.do) for e in story.events.values()]
    for s in story.scenes.values():
        lists.append((None, s.on_enter))
        lists += [(a.key, a.do) for a in s.actions]
        lists += [(None, ex.do) for ex in s.exits]
    for key, effects in lists:
        if _moves(effects, thing):
            found |= _writes(effects)
            if key:
                found.add(key)
    return found


def place_warnings(story: Story, steps: Steps) -> list[Diagnostic]:
    out = []
    moved = {fx.args[0] for effects in _all_effects(story) for fx, _ in ops(effects)
             if fx.kind == "move"}
    for t in story.things.values():
        if not (t.portable or t.id in moved) or t.id.startswith("scenery."):
            continue
        shown = places(story, steps, t)
        proxies = _proxies(story, t.id)
        for sid, here in shown.items():
            scene = story.scenes[sid]
            callers = steps.callers.get(sid, set()) if scene.conversation else set()
            kinds: dict[str, str] = {}
            for where, why in here.items():
                kinds.setdefault(_kind(where, sid, callers), why)
            if len(kinds) < 2:
                continue
            for spec, guards, loc, what in _texts(scene):
                if any(_mentions(g, t.id, proxies) for g in guards):
                    continue
                if what.startswith("choice") and _gone_once_done(scene, what, t.id):
                    continue
                if any(_names(text, t, HERE in kinds)
                       and not any(_mentions(g, t.id, proxies) for g in inner)
                       for text, inner in _pieces(spec)):
                    out.append(warn(loc, _place_message(t, sid, what, kinds)))
    return out


def _gone_once_done(scene: Scene, what: str, thing: str) -> bool:
    """A `once` choice that moves the thing itself is gone by the time the thing is."""
    for a in scene.actions:
        if f"choice '{a.id}'" == what:
            return a.once and bool(_moves(a.do, thing))
    return False


def _place_message(t: Thing, sid: str, what: str, kinds: dict[str, str]) -> str:
    said = {HERE: "here", CARRIED: "carried", AWAY: "elsewhere"}
    can = " or ".join(f"{said[k]} ({why})" for k, why in kinds.items())
    test = f"with({t.id})" if t.person else f"has {t.id}" if CARRIED in kinds \
        else f"here({t.id})"
    return (f"the {what} of scene '{sid}' names '{t.display}', who can be {can} when it is "
            f"shown; guard it with ${{if {test}}}...${{end}}" if t.person else
            f"the {what} of scene '{sid}' names '{t.display}', which can be {can} when it is "
            f"shown; guard it with ${{if {test}}}...${{end}}")


def _all_effects(story: Story) -> Iterator[list[Op]]:
    yield from (e.do for e in story.events.values())
    yield from (a.do for a in story.global_actions)
    for s in story.scenes.values():
        yield s.on_enter
        yield from (a.do for a in s.actions)
        yield from (ex.do for ex in s.exits)
        yield from (f.do for f in (s.fallback, s.fallback.go if s.fallback else None) if f)


# -- choices that change nothing the second time ---------------------------------------------

_SAME_TWICE = ("say", "set", "move", "list", "cancel")


def repeat_warnings(story: Story, steps: Steps) -> list[Diagnostic]:
    out = []
    for s in story.scenes.values():
        here = steps.fire_here.get(s.id, [])
        timed = bool(here)
        # what else can change while the player stays: other choices, timers, globals
        lists = [a.do for a in s.actions] + [story.events[eid].do for eid in here]
        changed = {a.key for a in s.actions} | {"turn"}
        moved: set[str] = set()
        for effects in lists:
            changed |= _writes(effects)
            moved |= {str(fx.args[0]) for fx, _ in ops(effects) if fx.kind == "move"}
        for a in s.actions:
            if a.key.startswith("global.") or a.once or a.hidden or a.label is None \
                    or a.to or a.call or a.ret or isinstance(a.text, OneOf):
                continue
            if (timed and ("wait",) in a.verbs) or _changes_again(a, changed, moved):
                continue  # waiting for a timer is doing something
            label = a.label.source if isinstance(a.label, Template) else a.id
            out.append(warn(a.loc, f"the choice '{label.strip()}' (action '{a.id}' in scene "
                            f"'{s.id}') changes nothing the second time yet stays listed; "
                            "give it 'once: true', or a guard that its effects make false"))
    return out


def _changes_again(a: Action, changed: set[str], moved: set[str]) -> bool:
    """The action does something new when taken again, or goes away, or can read
    differently later (its text depends on what the scene's other choices change)."""
    for fx, _ in ops(a.do):
        if fx.kind == "if":
            continue
        if fx.kind == "assign" and fx.args[1].tree[0] == "lit":  # type: ignore[attr-defined]
            continue
        if fx.kind not in _SAME_TWICE:
            return True  # a count, the score, a timer restarted
        if fx.kind == "list" and fx.args[0] == a.key and not fx.args[1]:
            return True  # it hides itself
    own = _writes(a.do) | {a.key}
    own_moved = {str(fx.args[0]) for fx, _ in ops(a.do) if fx.kind == "move"}
    if a.when is not None and any(_mentions(a.when, t, own) for t in own_moved or [""]):
        return True  # its guard fails once it is done
    conds: list = []
    for spec in (a.text, a.label):
        if isinstance(spec, Template):
            conds += list(spec.exprs())
    for fx, _ in ops(a.do):
        if fx.kind == "if":
            conds.append(fx.args[0])
        elif fx.kind == "say" and isinstance(fx.args[0], Template):
            conds += list(fx.args[0].exprs())
    every = changed | own
    return any(_mentions(c, t, every) for c in conds for t in (moved | own_moved) or [""])


# -- timers ------------------------------------------------------------------------------

def timer_warnings(story: Story, steps: Steps | None = None) -> list[Diagnostic]:
    """One warning per timed event that can come due where it no longer belongs (within
    its delay, one scene a turn, unless a sure `cancel` on the way stops it):
    - it moves the player and can fire outside the scenes of the file that defines it,
      which scheduled it (a branch's timer dragging the player out of the main story; an
      event defined elsewhere, say beside the story's metadata, may chase them anywhere);
    - it can fire after the player has left the chapter that scheduled it for good (from
      where it fires, no way leads back into that chapter).
    An event whose guard asks where the player is (at()) says itself where it may fire."""
    steps = steps if steps is not None else steps_of(story)
    out = []
    scenes = story.scenes
    ahead: dict[str, set[str]] = {}  # scene -> the chapters that can still come

    def left_for_good(sid: str, start: str) -> bool:
        if scenes[sid].chapter == scenes[start].chapter:
            return False
        if sid not in ahead:
            ahead[sid] = {scenes[x].chapter for x in steps.reach(sid)}
        return scenes[start].chapter not in ahead[sid]  # else back and forth: fine

    for eid, e in story.events.items():
        if e.when is not None and asks_where(e.when.tree):
            continue
        for sid, start in steps.fires[eid].items():
            if not start or scenes[sid].ending:
                continue  # scheduled from anywhere; or the game is over: nothing fires
            own = scenes[start].loc.file == e.loc.file
            away = bool(e.to) and own and scenes[sid].loc.file != e.loc.file
            gone = left_for_good(sid, start)
            if not (away or gone):
                continue
            why = [f"after the player has left chapter '{scenes[start].chapter}' for good"
                   ] if gone else []
            if away:
                why.append(f"outside the scenes of its file, where it moves the player to "
                           f"'{e.to}'")
            out.append(warn(e.loc, f"event '{eid}', scheduled in scene '{start}', can fire "
                            f"in scene '{sid}': {', and '.join(why)}; give it a guard such "
                            f"as 'when: at({start})', or 'cancel {eid}' on the way out"))
            break
    return out


# -- the score by chapter -----------------------------------------------------------------

def play_order(story: Story) -> list[str]:
    """The chapters in the order play reaches them: by the fewest moves from the start
    to any of their scenes (then as the files come)."""
    steps = steps_of(story)
    depth = {story.start: 0}
    todo = [story.start]
    while todo:
        sid = todo.pop(0)
        for to, _, _ in steps.out[sid]:
            if to not in depth:
                depth[to] = depth[sid] + 1
                todo.append(to)
    names = chapters(story)
    first = {c: min((depth.get(s.id, len(depth)) for s in story.scenes.values()
                     if s.chapter == c), default=len(depth)) for c in names}
    return sorted(names, key=lambda c: (first[c], names.index(c)))


def chapter_points(story: Story) -> dict[str, int]:
    """The points each chapter's effects can award, each scoring effect counted once."""
    names = play_order(story)
    found = dict.fromkeys(names, 0)
    of_file: dict[str, str] = {}
    for s in story.scenes.values():
        of_file.setdefault(s.loc.file, s.chapter)
        lists = [s.on_enter, *(a.do for a in s.actions if not a.key.startswith("global.")),
                 *(ex.do for ex in s.exits)]
        for effects in lists:
            found[s.chapter] += _points(effects)
    for e in story.events.values():
        if e.loc.file in of_file:
            found[of_file[e.loc.file]] += _points(e.do)
    return found


def _points(effects: list[Op]) -> int:
    total = 0
    for fx, _ in ops(effects):
        if fx.kind == "score" and fx.args[1] == 1 and fx.args[0].tree[0] == "lit":  # type: ignore[attr-defined]
            total += max(0, fx.args[0].tree[1])  # type: ignore[attr-defined]
    return total


def score_report(story: Story, reached: dict[str, int] | None,
                 entered: dict[str, int] | None = None) -> dict[str, object] | None:
    """What `check --json` says of the score: per chapter (in the order play reaches
    them), what its effects award and the most random play held while in it; and the
    most it held on first entering the last chapter."""
    if story.max_score is None:
        return None
    points = chapter_points(story)
    rows = [{"chapter": c, "points": p, **({"reached": reached.get(c, 0)} if reached is not
                                           None else {})} for c, p in points.items()]
    out: dict[str, object] = {"max": story.max_score, "chapters": rows}
    if reached is not None and len(rows) > 1:
        before = (entered or {}).get(str(rows[-1]["chapter"]), 0)
        out["before_last_chapter"] = before
        out["before_last_share"] = round(before / story.max_score, 3) if story.max_score else 0
    return out


def _for_good(story: Story, last: str) -> bool:
    """Once in chapter `last`, the player never goes back to an earlier one (chapters
    that a hub joins have no 'before')."""
    steps = steps_of(story)
    return all(story.scenes[x].chapter == last for sid, s in story.scenes.items()
               if s.chapter == last for x in steps.reach(sid))


def score_warnings(story: Story, score: dict[str, object] | None) -> list[Diagnostic]:
    if score is None:
        return []
    out = []
    reach = reachable(story)  # a chapter no one reaches has its own warning
    rows: list = score["chapters"]  # type: ignore[assignment]
    firsts: dict[str, Scene] = {}
    for s in story.scenes.values():
        firsts.setdefault(s.chapter, s)
    for row in rows:
        ch = row["chapter"]
        if row["points"] == 0 and any(not s.ending and s.id in reach
                                      for s in story.scenes.values() if s.chapter == ch):
            out.append(warn(firsts[ch].loc, f"chapter '{ch}' awards no points: every chapter "
                            "should still have something to earn"))
    most = max((r.get("reached", 0) for r in rows), default=0)
    if most > story.max_score:  # type: ignore[operator]
        out.append(warn(story.info.score_loc, f"random play scored {most}, more than "
                        f"max_score {story.max_score}: a scoring effect can run more than "
                        "once (give its action 'once: true', or guard the points)"))
    share = score.get("before_last_share")
    if isinstance(share, float | int) and share > SCORE_SHARE and rows \
            and _for_good(story, str(rows[-1]["chapter"])):
        out.append(warn(story.info.score_loc, f"random play reached "
                        f"{score['before_last_chapter']} of {score['max']} points "
                        f"({share:.0%}) before the last chapter '{rows[-1]['chapter']}'; "
                        f"keep it at most {SCORE_SHARE:.0%} so that the end still has stakes"))
    return out


def continuity_warnings(story: Story) -> list[Diagnostic]:
    steps = steps_of(story)
    return place_warnings(story, steps) + repeat_warnings(story, steps) + \
        timer_warnings(story, steps)

