"""Story tests: command scripts with expectations, kept beside the story in tests/*.yaml.

```yaml
name: Kira reaches the station      # optional; defaults to the file name
seed: 1                             # optional
start: {scene: promenade, vars: {odo_intrigued: true}, carrying: [combadge]}
                                    # optional: or the name of a test to go on from
steps:
  - kira                            # a command
  - do: enter wormhole              # a command, then what must hold after it
    expect:
      scene: wormhole_accident
      contains: [structural integrity]
      lacks: [Bashir is slumped]
      choices: [Study the helm console]   # numbered choices on offer (no_choices: not)
      vars: {ship_stable: false}
      carrying: [phaser]            # held or worn
      not_carrying: [hypospray]
      wearing: [badge]              # worn (not_wearing: not worn)
      ended: false                  # or the ending scene's id
      score: 0
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.opening import StartError, make_start
from ..engine.session import Game, Result, Session
from ..story.diagnostics import Diagnostic, Loc, did_you_mean
from ..story.model import Story
from ..story.sanitize import sanitize
from ..story.yamlsrc import LList, LMap, load_file

EXPECT_KEYS = ("scene", "contains", "lacks", "choices", "no_choices", "vars", "carrying",
               "not_carrying", "wearing", "not_wearing", "ended", "score", "turn", "chapter")
STEP_KEYS = ("do", "expect")
FILE_KEYS = ("name", "seed", "start", "steps")
START_KEYS = ("scene", "vars", "carrying")


@dataclass
class Failure:
    loc: Loc
    step: int
    command: str
    message: str

    def __str__(self) -> str:
        where = f"step {self.step}" + (f" ('{self.command}')" if self.command else "")
        return f"{self.loc}: {where}: {self.message}"


@dataclass
class Outcome:
    name: str
    path: str
    steps: int = 0
    failures: list[Failure] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)  # what a player would have read
    blessed: Path | None = None  # where --bless wrote the transcript
    # the steps that typed a choice's number: (step, number, the label it chose, where)
    numbered: list[tuple[int, str, str, Loc]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def story_test_files(root: Path) -> list[Path]:
    folder = root / "tests"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def run_file(game: Game, path: Path, display: str) -> Outcome:
    data, problems = load_file(path, display)
    outcome = Outcome(path.stem, display)
    if problems or not isinstance(data, LMap):
        loc = problems[0].loc if problems else Loc(display, 1, 1)
        msg = problems[0].message if problems else "a story test is a mapping with 'steps'"
        outcome.failures.append(Failure(loc, 0, "", msg))
        return outcome
    bad = [k for k in data if k not in FILE_KEYS]
    for k in bad:
        outcome.failures.append(Failure(data.key_loc(k), 0, "", f"unknown key '{k}'; "
                                        f"expected {', '.join(FILE_KEYS)}"))
    if isinstance(data.get("name"), str):
        outcome.name = data["name"]
    seed = data.get("seed", 1)
    steps = data.get("steps")
    if not isinstance(steps, LList) or not isinstance(seed, int):
        outcome.failures.append(Failure(data.loc, 0, "", "needs 'steps' (a list) and an "
                                        "optional whole-number 'seed'"))
        return outcome
    try:
        session = begin(game, data, path, seed)
    except _BadStart as exc:
        outcome.failures.append(Failure(exc.loc, 0, "", exc.message))
        return outcome
    last: Result = session.last or session.opening
    outcome.transcript.append(_shown(last))
    for i, step in enumerate(steps, 1):
        loc = steps.item_loc(i - 1)
        command, expect = _step(step)
        if command is None and expect is None:
            outcome.failures.append(Failure(loc, i, "", "a step is a command, or a mapping "
                                            "with 'do' and/or 'expect'"))
            break
        if command is not None:
            if command.strip().isdigit():
                chosen = [c.label for c in last.choices if str(c.number) == command.strip()]
                outcome.numbered.append((i, command.strip(), chosen[0] if chosen else "", loc))
            last = session.submit(command)
            outcome.transcript.append(f"> {command}\n" + _shown(last))
        outcome.steps = i
        if expect is not None:
            for message in check(game.story, session, last, expect):
                outcome.failures.append(Failure(loc, i, command or "", message))
        if outcome.failures:
            break
    return outcome


class _BadStart(Exception):
    def __init__(self, loc: Loc, message: str) -> None:
        self.loc, self.message = loc, message


def begin(game: Game, data: LMap, path: Path, seed: int, seen: tuple[Path, ...] = ()
          ) -> Session:
    """The session a test plays in: a new game, or one begun where `start:` says, a scene
    and state, or the end of another test (its commands played first)."""
    spec = data.get("start")
    if spec is None:
        return Session(game, seed=seed)
    loc = data.val_loc("start")
    if isinstance(spec, str):
        other = path.with_name(f"{spec}{path.suffix}")
        if not other.is_file():
            names = sorted(p.stem for p in story_test_files(path.parent.parent))
            raise _BadStart(loc, f"'start' names test '{spec}', which does not exist"
                            f"{did_you_mean(spec, names)}")
        if other in seen or other == path:
            raise _BadStart(loc, f"'start' goes round in a circle through '{spec}'")
        odata, problems = load_file(other, str(other))
        if problems or not isinstance(odata, LMap) or not isinstance(odata.get("steps"),
                                                                      LList):
            raise _BadStart(loc, f"test '{spec}' cannot be read; run it for its problem")
        session = begin(game, odata, other, int(odata.get("seed", seed) or seed),
                        (*seen, path))
        for step in odata["steps"]:
            command, _ = _step(step)
            if command is not None:
                session.submit(command)
        return session
    if not isinstance(spec, LMap) or not isinstance(spec.get("scene"), str):
        raise _BadStart(loc, "'start' is the name of another test, or a mapping with "
                        "'scene' and optional 'vars' and 'carrying'")
    bad = [k for k in spec if k not in START_KEYS]
    if bad:
        raise _BadStart(spec.key_loc(bad[0]), f"unknown key '{bad[0]}' in 'start'; "
                        f"expected {', '.join(START_KEYS)}")
    carrying = spec.get("carrying") or []
    try:
        start = make_start(game.story, spec["scene"], dict(spec.get("vars") or {}),
                           [carrying] if isinstance(carrying, str) else list(carrying))
    except (StartError, TypeError, ValueError) as exc:
        raise _BadStart(loc, f"'start': {exc}") from None
    return Session(game, seed=seed, start=start)


def _step(step: Any) -> tuple[str | None, LMap | None]:
    if isinstance(step, str | int) and not isinstance(step, bool):
        return str(step), None
    if isinstance(step, LMap) and set(step) <= set(STEP_KEYS) and step:
        command = step.get("do")
        expect = step.get("expect")
        ok_cmd = command is None or (isinstance(command, str | int)
                                     and not isinstance(command, bool))
        if ok_cmd and (expect is None or isinstance(expect, LMap)):
            return (None if command is None else str(command)), expect
    return None, None


def check(story: Story, session: Session, result: Result, expect: LMap) -> list[str]:
    """What differs between the game now and what a step expects."""
    st = session.state
    out = []
    for key in expect:
        want = expect[key]
        if key not in EXPECT_KEYS:
            out.append(f"unknown expectation '{key}'; expected one of {', '.join(EXPECT_KEYS)}")
        elif key == "scene" and st.scene != want:
            out.append(f"expected scene '{want}', but the game is in '{st.scene}'")
        elif key == "chapter" and story.scenes[st.scene].chapter != want:
            out.append(f"expected chapter '{want}', got '{story.scenes[st.scene].chapter}'")
        elif key in ("contains", "lacks"):
            for text in [want] if isinstance(want, str) else list(want or []):
                if "${" in str(text):  # a test expects what the player sees, not a template
                    out.append(f"'{key}' expects {str(text)!r}, which is compared as written: "
                               "'${...}' is not filled in; write the text as a player sees it")
                    continue
                present = str(text).lower() in result.text.lower()
                if key == "contains" and not present:
                    out.append(f"the text does not contain {text!r}; it was:\n"
                               + _indent(result.text))
                if key == "lacks" and present:
                    out.append(f"the text contains {text!r}, which it should not:\n"
                               + _indent(_marked(result, str(text))))
        elif key in ("choices", "no_choices"):
            labels = [c.label for c in result.choices]
            for label in [want] if isinstance(want, str) else list(want or []):
                if (label in labels) != (key == "choices"):
                    verb = "offers" if key == "no_choices" else "does not offer"
                    out.append(f"the game {verb} the choice {label!r}; it offers {labels}")
        elif key == "vars":
            for var, value in (want or {}).items():
                if st.vars.get(var) != value:
                    out.append(f"expected {var} = {value!r}, got {st.vars.get(var)!r}")
        elif key in ("carrying", "not_carrying", "wearing", "not_wearing"):
            places = ("player", "worn") if key.endswith("carrying") else ("worn",)
            world_has = {t for t in story.things
                         if (st.moved.get(t) or story.things[t].location) in places}
            for thing in [want] if isinstance(want, str) else list(want or []):
                if thing not in story.things:
                    out.append(f"'{key}' names '{thing}', which is not a thing of the story"
                               f"{did_you_mean(thing, story.things)}")
                elif (thing in world_has) != (not key.startswith("not_")):
                    verb = "carry" if key.endswith("carrying") else "wear"
                    neg = "not " if key.startswith("not_") else ""
                    out.append(f"expected the player {neg}to {verb} '{thing}'")
        elif key == "ended" and (st.ended or False) != want:
            out.append(f"expected ended: {want!r}, got {st.ended or False!r}")
        elif key == "score" and st.score != want:
            out.append(f"expected score {want}, got {st.score}")
        elif key == "turn" and st.turn != want:
            out.append(f"expected turn {want}, got {st.turn}")
    return out


def _indent(text: str) -> str:
    """Whole paragraphs, indented under the failure (never cut: what matters may be last)."""
    return "\n".join(f"    | {line}" if line else "    |" for line in text.splitlines())


def _marked(result: Result, words: str) -> str:
    """The paragraphs that hold `words`, with each place marked >>like this<<."""
    import re

    pattern = re.compile(re.escape(words), re.I)
    found = [p for _, p in result.paragraphs if pattern.search(p)] or [result.text]
    return "\n\n".join(pattern.sub(lambda m: f">>{m.group(0)}<<", p) for p in found)


def _shown(result: Result) -> str:
    """One answer as a transcript keeps it, as `adventure play --plain` prints it: its
    paragraphs, then its numbered choices."""
    parts = [f"== {sanitize(p)} ==" if style == "title" else sanitize(p)
             for style, p in result.paragraphs]
    if result.show_choices and result.choices:
        parts.append("\n".join(f"  {c.number}) {sanitize(c.label)}" for c in result.choices))
    return "\n\n".join(parts) + "\n"


def transcript_path(path: Path) -> Path:
    """Where a story test's blessed transcript lives: beside it."""
    return path.with_suffix(".transcript")


def compare_blessed(outcome: Outcome, path: Path, display: str) -> None:
    """A test with a blessed transcript must read the same, word for word: a unified diff
    of what changed otherwise (Inform's blessed transcripts)."""
    blessed = transcript_path(path)
    if outcome.failures or not blessed.is_file():
        return
    want = blessed.read_text(encoding="utf-8")
    got = "\n".join(outcome.transcript)
    if got == want:
        return
    import difflib

    diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "blessed", "now",
                                lineterm="", n=2)
    shown = list(diff)
    more = len(shown) - 80
    text = "\n".join(f"    {line}" for line in shown[:80]) + (
        f"\n    ... and {more} more lines" if more > 0 else "")
    outcome.failures.append(Failure(Loc(display, 1, 1), outcome.steps, "",
                                    f"the game reads differently from {blessed.name} "
                                    f"('adventure test --bless {path.stem}' accepts the "
                                    f"change):\n{text}"))


def bless(outcome: Outcome, path: Path) -> Path:
    """Record what a passing test showed as its transcript."""
    target = transcript_path(path)
    target.write_text("\n".join(outcome.transcript), encoding="utf-8")
    return target


def run_all(story: Story, root: Path, display: str, names: list[str] | None = None,
            blessing: bool = False) -> list[Outcome]:
    """Run the story's tests (or those named). A test with a blessed transcript must match
    it; with `blessing`, each test that passes its expectations records its transcript."""
    game = Game(story)
    out = []
    for path in story_test_files(root):
        if names and path.stem not in names:
            continue
        rel = path.relative_to(root).as_posix()
        shown = f"{display.rstrip('/')}/{rel}"
        outcome = run_file(game, path, shown)
        if blessing and not outcome.failures:
            outcome.blessed = bless(outcome, path)
        else:
            compare_blessed(outcome, path, shown)
        out.append(outcome)
    return out


def renumbered(story: Story, root: Path, display: str, record: Path | None) -> list[Diagnostic]:
    """Warnings for story-test steps that type a choice's number which now picks another
    choice than when `check` last ran (an edit renumbered the scene's choices). What each
    number chose is kept in `record` for the next run."""
    import json

    outcomes = run_all(story, root, display)
    now = {o.path: {str(step): label for step, _, label, _ in o.numbered} for o in outcomes}
    before: dict = {}
    if record is not None:
        try:
            before = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
    out = []
    for o in outcomes:
        old = before.get(o.path) if isinstance(before, dict) else None
        if not isinstance(old, dict):
            continue
        for step, number, label, loc in o.numbered:
            was = old.get(str(step))
            if isinstance(was, str) and was and was != label:
                out.append(Diagnostic(loc, f"step {step} types {number}, which chose '{was}' "
                                      f"when check last ran and now chooses "
                                      f"'{label or 'nothing'}': an edit renumbered the "
                                      "choices; type the choice's words instead of its "
                                      "number", "warning"))
    if record is not None:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps(now), encoding="utf-8")
        except OSError:
            pass  # a record is a convenience: no check fails for want of one
    return out
