"""`adventure check`: gather errors, warnings and random play into one report."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import Any

from ..story.model import Story
from .checks import play_warnings, random_play, static_warnings, summary
from .continuity import continuity_warnings, score_report, score_warnings
from .emptyvars import start_warnings
from .matching import matching_problems
from .nouns import unanswered


def check_report(story: Story | None, problems: list[str], name: str, games: int, seed: int,
                 max_turns: int, progress: bool) -> dict[str, Any]:
    """Everything `check` found, as plain data (what --json prints)."""
    report: dict[str, Any] = {"story": name, "errors": list(problems), "warnings": []}
    if story is None:
        return report
    from ..engine.machine import StoryMachine
    from ..engine.session import Game

    StoryMachine(story)  # building the machine is part of the check
    report["id"], report["title"], report["version"] = story.id, story.title, story.version
    report["summary"] = summary(story)
    report["unanswered_nouns"] = unanswered(story)
    warnings = static_warnings(story) + _renumbered(story, name)
    shadowed, notes = matching_problems(story)
    warnings += shadowed
    warnings += continuity_warnings(story)
    warnings += start_warnings(Game(story))  # play --at: no name left empty
    report["notes"] = [str(n) for n in notes]
    if games:
        game = Game(story)
        with _progress(games, progress) as tick:
            play = random_play(game, games, seed, max_turns, tick)
        warnings += play_warnings(story, play) + play.labels.warnings()
        warnings += (play.empty.warnings(story) + play.idle.warnings()
                     + play.replays.warnings(story) + play.quotes.warnings(story))
        report["labels"] = {"tried": play.labels.tried, "failed": len(play.labels.failed),
                            "understood_share": round(play.labels.share, 4)}
        report["random_play"] = {
            "games": play.games, "seed": seed, "turns": play.turns, "turn_cap": max_turns,
            "endings": dict(sorted(play.endings.items())),
            "scenes": {sid: play.scenes.get(sid, 0) for sid in story.scenes},
            "actions": {t: play.actions.get(t, 0) for t in _triggers(story)},
            "capped": play.capped,
            "problems": [{"kind": p.kind, "seed": p.seed, "commands": p.commands,
                          "detail": p.detail} for p in play.problems],
        }
        report["score"] = score_report(story, play.chapter_score, play.entry_score)
        report["errors"] += [f"{name}: error: random game {p.seed} {p.kind}: {p.detail} "
                             f"(commands: {' / '.join(p.commands) or 'none'})"
                             for p in play.problems]
    if "score" not in report:
        report["score"] = score_report(story, None)
    warnings += score_warnings(story, report["score"])
    report["warnings"] = [str(w) for w in sorted(
        warnings, key=lambda d: (d.loc.file, d.loc.line, d.loc.col))]
    return report


def _renumbered(story: Story, name: str) -> list:
    """Story-test steps whose typed number now picks another choice (see storytests)."""
    import hashlib
    from pathlib import Path

    from ..story.cache import cache_dir
    from .storytests import renumbered, story_test_files

    root = Path(story.root)
    if not story_test_files(root):
        return []
    where = cache_dir()
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return renumbered(story, root, name, None if where is None
                      else where / f"choices-{key}.json")


def _triggers(story: Story) -> list[str]:
    """Every action and exit, by the name random play counts them under."""
    out = []
    for s in story.scenes.values():
        out += [a.trigger for a in s.actions if not a.key.startswith("global.")]
        out += [ex.trigger for ex in s.exits if not ex.blocked]  # a blocked way: never taken
    out += [a.trigger for a in story.global_actions]
    return list(dict.fromkeys(out))


def _progress(total: int, show: bool):
    if not show:
        return nullcontext(None)
    from prompt_toolkit.shortcuts import ProgressBar

    class Bar:
        def __enter__(self):
            # the bar's own terminal codes go to the real stream, past the sanitiser
            from prompt_toolkit.output import create_output

            stream = getattr(sys.stdout, "unsanitised", sys.stdout)
            self.bar = ProgressBar(title=f"Random play: {total} games",
                                   output=create_output(stdout=stream))
            self.counter = self.bar.__enter__()(range(total), total=total)
            self.it = iter(self.counter)
            return self.tick

        def tick(self, _done: int) -> None:
            next(self.it, None)

        def __exit__(self, *exc):
            return self.bar.__exit__(*exc)

    return Bar()


def print_report(report: dict[str, Any]) -> None:
    from ..story.sanitize import sanitize

    def out(*parts: object) -> None:  # every line may carry story-derived text
        print(*(sanitize(str(p)) for p in parts))

    for line in report["errors"]:
        out(line)
    for line in report["warnings"]:
        out(line)
    for line in report.get("notes", ()):
        out(line)
    s = report.get("summary")
    if s:
        ident = " ".join(x for x in (report["id"], report["version"]) if x)
        out(f"{report['story']}: {report['title']} ({ident}): "
              f"{_n(s['scenes'], 'scene')} in {_n(s['chapters'], 'chapter')}, "
              f"{_n(s['actions'], 'action')}, {_n(s['things'], 'thing')}, "
              f"{_n(s['endings'], 'ending')}, {_n(s['words'], 'word')}; "
              f"{s['single_exit_share']:.0%} of scenes have one way out"
              + (f"; {_n(s['cross_chapter_variables'], 'variable')} set in one chapter "
                 "read in a later one." if s.get("cross_chapter_variables") else "."))
    nouns = report.get("unanswered_nouns")
    if nouns:
        some = "; ".join(f"{sid}: {', '.join(ns[:6])}{' ...' if len(ns) > 6 else ''}"
                         for sid, ns in list(nouns.items())[:5])
        out(f"Nouns the text names that only the plain answer meets (scenery would do "
            f"better): {sum(map(len, nouns.values()))} in {_n(len(nouns), 'scene')}; "
            f"{some}{' ...' if len(nouns) > 5 else ''} (all of them: --json)")
    score = report.get("score")
    if score:
        rows = ", ".join(f"{r['chapter']} {r['points']}"
                         + (f" (held {r['reached']})" if "reached" in r else "")
                         for r in score["chapters"])
        last = (f"; on entering the last chapter, at most {score['before_last_chapter']} of "
                f"{score['max']} ({score['before_last_share']:.0%})"
                if "before_last_chapter" in score else "")
        out(f"Score by chapter, points its effects award (most random play held there): "
            f"{rows}{last}.")
    play = report.get("random_play")
    if play:
        out(f"Random play: {play['games']} games (seed {play['seed']}), "
              f"{play['turns']:,} turns, {play['capped']} hit the {play['turn_cap']}-turn cap.")
        endings = ", ".join(f"{k} {v}" for k, v in play["endings"].items()) or "none"
        out(f"  endings reached: {endings}")
        labels = report.get("labels")
        if labels and labels["tried"]:
            out(f"  choices typed as shown: {labels['tried'] - labels['failed']} of "
                f"{labels['tried']} do what their number does "
                f"({100 * labels['understood_share']:.1f}%)")
        never = [sid for sid, n in play["scenes"].items() if n == 0]
        if never:
            out(f"  scenes never visited: {', '.join(never)}")
        untaken = [t.split(":", 1)[1] for t, n in play["actions"].items() if n == 0]
        if untaken:
            out(f"  actions and exits never taken: {', '.join(untaken[:20])}"
                  + (f" and {len(untaken) - 20} more" if len(untaken) > 20 else ""))
        busiest = sorted(play["scenes"].items(), key=lambda kv: -kv[1])[:8]
        out("  most visited: " + ", ".join(f"{k} {v}" for k, v in busiest))
        for p in play["problems"]:
            out(f"  {p['kind']} in game {p['seed']}: {p['detail']}")
            out(f"    to reproduce: {' / '.join(p['commands']) or '(no commands)'}")
    errors = sum(": note:" not in e for e in report["errors"])
    warnings = len(report["warnings"])
    if not errors and not warnings:
        out("No problems found.")
    else:
        out(f"{_n(errors, 'error')}, {_n(warnings, 'warning')}.")


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
