"""What `check` says of the matching order: a command goes to the first match (action,
exit, built-in) whose guard holds, so an action can be shadowed by an earlier one that
always takes its words, and a guard that fails passes the command on.

Each action's words are tried against the scene as the parser sees it, with every
thing of the story in reach (what is in reach changes in play; the words do not).
"""

from __future__ import annotations

from ..engine.game import narrowed
from ..engine.parser import Context, Intent, parse
from ..story.diagnostics import Diagnostic
from ..story.vocab import synonym_index

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from ..story.model import Action, Scene, Story


def phrases(a: Action, story: Story) -> list[tuple[str, ...]]:
    """Commands a player could type for an action (the first few of each form)."""
    out = list(a.commands)
    for v in a.verbs:
        firsts = [v + n for n in a.nouns] or ([v + story.things[a.thing].name]
                                              if a.thing else [v])
        for first in firsts:
            if a.preposition and a.second:
                out.append(first + a.preposition + story.things[a.second].name)
            elif a.preposition and a.topics:
                out.append(first + a.preposition + a.topics[0])
            else:
                out.append(first)
    return out


def _context(story: Story, scene: Scene, own: list[Action]) -> Context:
    glob = [a for a in scene.actions if a.key.startswith("global.")]
    return Context(synonym_index(story.synonyms), own, glob, [], scene.exits,
                   dict(story.things), {}, 0, False, scene.conversation)


def _name(intent: Intent) -> str:
    if intent.action is not None:
        return f"action '{intent.action.id}'"
    if intent.exit is not None:
        return f"exit '{intent.exit.key}'"
    if intent.kind == "travel":
        return "travel"
    return f"the built-in '{intent.verb}'"


def matching_problems(story: Story) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(warnings: actions every one of whose commands an earlier, unguarded action takes;
    notes: guards that pass the command on to another match when they fail)."""
    warnings: list[Diagnostic] = []
    notes: list[Diagnostic] = []
    for scene in story.scenes.values():
        own = [a for a in scene.actions if not a.key.startswith("global.") and not a.disabled]
        if not own:
            continue
        ctx = _context(story, scene, own)
        for a in own:
            ps = phrases(a, story)
            firsts = [parse("", ctx, ws=p) for p in ps]
            blockers = [f.action for f in firsts if f.action is not None and f.action is not a
                        and f.action in own and own.index(f.action) < own.index(a)
                        and f.action.when is None and not f.action.once]
            if ps and len(blockers) == len(ps):
                b = blockers[0]
                warnings.append(Diagnostic(a.loc, f"action '{a.id}' in scene '{scene.id}' is "
                                           f"never reached: action '{b.id}' ({b.loc}) takes "
                                           f"'{' '.join(ps[0])}' first and has no guard",
                                           "warning"))
                continue
            if (a.when is None and not a.once) or a.refuse is not None:
                continue
            rest = narrowed(ctx, without=Intent("action", action=a))
            for p in ps:
                first = parse("", ctx, ws=p)
                if first.action is not a:
                    continue
                then = parse("", rest, ws=p)
                if then.kind in ("action", "exit", "builtin", "travel"):
                    notes.append(Diagnostic(a.loc, f"when the guard of action '{a.id}' in "
                                            f"scene '{scene.id}' fails, '{' '.join(p)}' goes "
                                            f"on to {_name(then)} (it used to stop at 'That "
                                            "isn't possible just now'; give the action a "
                                            "'refuse' text to stop it there)", "note"))
                    break
    return warnings, notes
