"""Write the golden fixtures: transcripts of every story test and walkthrough, and saves and
journals, all played through the installed `adventure` console script.

    python tests/golden/make.py            # rewrite them all (an intended change of output)

tests/test_golden.py plays the same scripts and must read the same bytes; the saves and
journals here were made by the release before the layout change and must keep restoring.
Rewrite the transcripts only when a change of output is meant (a story edit, a new reply),
and read the diff. The saves and journals are never rewritten: `--saves` keeps them as made.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = Path(sys.executable).parent / "adventure"
STORIES = {"campaign": ROOT / "story", "demo": ROOT / "tests" / "demo_story"}
TRANSCRIPTS = HERE / "transcripts"
SAVES = HERE / "saves"
# The files each story had when the transcripts were recorded. The transcripts are played
# on those files alone, so an author who adds a branch (a new file, a new story test)
# changes no transcript and need not touch tests/; an edit of a recorded file still shows.
FILES = HERE / "story-files.json"
_pinned: dict[str, Path] = {}


def story_files(label: str) -> list[str]:
    """The story's files now, story tests included, relative to its folder."""
    root = STORIES[label]
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.y*ml")
                  if p.suffix in (".yaml", ".yml"))


def pinned(label: str) -> Path:
    """A copy of the story as recorded (its recorded files only); the story itself when
    nothing is recorded yet."""
    if label in _pinned:
        return _pinned[label]
    if not FILES.exists():
        return STORIES[label]
    folder = Path(tempfile.mkdtemp(prefix=f"golden-{label}-")) / "story"
    atexit.register(shutil.rmtree, folder.parent, True)
    for rel in json.loads(FILES.read_text(encoding="utf-8"))[label]:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(STORIES[label] / rel, folder / rel)
    _pinned[label] = folder
    return folder


def _setting(value: object) -> str:
    """A start's variable value as `--set` reads it back (a YAML true is 'true')."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _started(tests: Path, doc: dict, seed: int, seen: tuple[str, ...] = ()
             ) -> tuple[list[str], int, list[str]]:
    """(play's start options, seed, commands) for a story test, as `adventure test` begins
    it: a scene and state become --at/--set/--give; the name of another test plays that
    test's commands first, on its seed."""
    steps = [s if isinstance(s, str) else s.get("do") for s in doc.get("steps", [])]
    assert all(isinstance(s, str | None) for s in steps), f"{tests}: a step not text"
    commands = [s for s in steps if s is not None]
    spec = doc.get("start")
    if spec is None:
        return [], seed, commands
    if isinstance(spec, str):
        assert spec not in seen, f"{tests}: 'start' goes round through {spec}"
        other = yaml.load((tests / f"{spec}.yaml").read_text(encoding="utf-8"),
                          Loader=yaml.CSafeLoader)
        args, oseed, before = _started(tests, other, int(other.get("seed", seed) or seed),
                                       (*seen, spec))
        return args, oseed, before + commands
    carrying = spec.get("carrying") or []
    args = ["--at", spec["scene"]]
    for name, value in (spec.get("vars") or {}).items():
        args += ["--set", f"{name}={_setting(value)}"]
    for thing in [carrying] if isinstance(carrying, str) else carrying:
        args += ["--give", thing]
    return args, seed, commands


def story_test_scripts() -> dict[str, tuple[Path, int, list[str], list[str]]]:
    """name -> (story folder, seed, commands, start options), for every story test of both
    stories."""
    found = {}
    for label in STORIES:
        story = pinned(label)
        for path in sorted((story / "tests").glob("*.yaml")):
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            args, seed, commands = _started(path.parent, doc, int(doc.get("seed", 1)))
            found[f"{label}-test-{path.stem}"] = (story, seed, commands, args)
    return found


def walkthrough_scripts() -> dict[str, tuple[Path, int, list[str], list[str]]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_story_walkthroughs import CHOICES, TYPED

    found = {}
    for name, (script, *_rest) in CHOICES.items():
        found[f"campaign-choices-{name}"] = (pinned("campaign"), 1, script.split(" "), [])
    for name, (script, *_rest) in TYPED.items():
        found[f"campaign-typed-{name}"] = (pinned("campaign"), 1, script.split(", "), [])
    return found


def scripts() -> dict[str, tuple[Path, int, list[str], list[str]]]:
    return {**story_test_scripts(), **walkthrough_scripts()}


def play(story: Path, args: list[str], commands: list[str], saves: Path,
         cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ADVENTURE_SAVES": str(saves)}
    env.pop("NO_COLOR", None)
    return subprocess.run([str(SCRIPT), "play", "--story", str(story), *args],
                          input="".join(c + "\n" for c in commands).encode(),
                          capture_output=True, timeout=120, env=env, cwd=cwd)


def transcript(story: Path, seed: int, commands: list[str], start: list[str] | None = None
               ) -> bytes:
    """The game's output for the commands; `start` is a story test's --at/--set/--give."""
    with tempfile.TemporaryDirectory() as saves:
        res = play(story, ["--seed", str(seed), *(start or ["--new"])], commands, Path(saves))
    if res.returncode != 0 or res.stderr:
        raise SystemExit(f"play failed ({res.returncode}): {res.stderr.decode()}")
    return res.stdout


# Saves made at points along the campaign and the demo story: (slot, story, seed, commands).
SAVE_POINTS = [
    ("campaign-security", "campaign", 1, 10),
    ("campaign-audience", "campaign", 1, None),
    ("demo-victory", "demo", 1, None),
]


def make_saves() -> None:
    """Saves and one unfinished journal, made once by the release before the layout change."""
    if SAVES.exists():
        raise SystemExit(f"{SAVES} exists: saves are made once and never rewritten")
    SAVES.mkdir()
    tests = scripts()
    for slot, label, seed, upto in SAVE_POINTS:
        name = {"campaign": "campaign-choices-continued-kira", "demo": "demo-test-victory"}[label]
        story, _, commands, _ = tests[name]
        commands = commands[:upto] if upto else commands[:-1]
        with tempfile.TemporaryDirectory() as tmp:
            res = play(story, ["--seed", str(seed), "--new"], [*commands, f"save {slot}"],
                       Path(tmp))
            assert res.returncode == 0, res.stderr
            for f in Path(tmp).iterdir():
                if f.name.endswith(".save.json"):
                    shutil.copy(f, SAVES / f.name)
    # An unfinished game: its journal, as a piped game leaves it.
    story, _, commands = tests["campaign-typed-continued-kira"]
    with tempfile.TemporaryDirectory() as tmp:
        res = play(story, ["--seed", "1", "--new"], commands[:8], Path(tmp))
        assert res.returncode == 0, res.stderr
        journals = [f for f in Path(tmp).iterdir() if f.name.endswith(".journal")]
        assert len(journals) == 1, list(Path(tmp).iterdir())
        (SAVES / "journal").mkdir()
        shutil.copy(journals[0], SAVES / "journal" / journals[0].name)
    (SAVES / "made-by.json").write_text(json.dumps({
        "commit": subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                 cwd=ROOT).stdout.strip(),
        "points": SAVE_POINTS}, indent=1) + "\n")


def story_of(save: Path) -> Path:
    story_id = json.loads(save.read_text(encoding="utf-8"))["story"]["id"]
    return pinned("demo" if story_id != "terok-nor" else "campaign")


def restored(save: Path) -> subprocess.CompletedProcess:
    """A saved game loaded by path, then looked at."""
    with tempfile.TemporaryDirectory() as tmp:
        return play(story_of(save), ["--load", str(save)], ["look", "inventory"], Path(tmp))


def continued() -> subprocess.CompletedProcess:
    """The unfinished journal, continued from a saves folder that holds only it."""
    with tempfile.TemporaryDirectory() as tmp:
        for j in (SAVES / "journal").iterdir():
            shutil.copy(j, Path(tmp) / j.name)
        return play(pinned("campaign"), ["--continue"], ["look", "inventory"], Path(tmp))


def restore_transcripts() -> dict[str, subprocess.CompletedProcess]:
    runs = {f"restore-{p.name.removesuffix('.save.json')}": restored(p)
            for p in sorted(SAVES.glob("*.save.json"))}
    runs["continue-journal"] = continued()
    return runs


def main() -> None:
    FILES.write_text(json.dumps({label: story_files(label) for label in STORIES}, indent=1)
                     + "\n", encoding="utf-8")
    _pinned.clear()
    TRANSCRIPTS.mkdir(exist_ok=True)
    for old in TRANSCRIPTS.glob("*.txt"):
        old.unlink()
    for name, (story, seed, commands, start) in sorted(scripts().items()):
        (TRANSCRIPTS / f"{name}.txt").write_bytes(transcript(story, seed, commands, start))
        print("wrote", name)
    if not SAVES.exists():
        make_saves()
        print("made saves")
    for name, res in restore_transcripts().items():
        if res.returncode != 0 or res.stderr:
            raise SystemExit(f"{name} failed ({res.returncode}): {res.stderr.decode()}")
        (TRANSCRIPTS / f"{name}.txt").write_bytes(res.stdout)
        print("wrote", name)


if __name__ == "__main__":
    main()
