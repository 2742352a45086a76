"""Golden fixtures (tests/golden/): every story test and walkthrough, played through the real
console script, reads byte for byte as recorded; saves and a journal made by an earlier release
still restore. After an intended change of output, `python tests/golden/make.py` rewrites the
transcripts (never the saves); read the diff before committing it."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
import make  # noqa: E402

SCRIPTS = make.scripts()
SAVES = sorted(make.SAVES.glob("*.save.json"))


def _same(name: str, got: bytes) -> None:
    want = (make.TRANSCRIPTS / f"{name}.txt").read_bytes()
    if got != want:
        diff = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(),
                                    "recorded", "now", lineterm="", n=1)
        pytest.fail(f"{name} reads differently (python tests/golden/make.py rewrites it if "
                    "the change is meant):\n" + "\n".join(list(diff)[:40]))


def test_every_story_test_and_walkthrough_has_a_transcript():
    recorded = {p.stem for p in make.TRANSCRIPTS.glob("*.txt")}
    assert set(SCRIPTS) <= recorded, "python tests/golden/make.py records the new ones"


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_transcript_is_unchanged(name):
    story, seed, commands, start = SCRIPTS[name]
    _same(name, make.transcript(story, seed, commands, start))


@pytest.mark.parametrize("save", SAVES, ids=lambda p: p.name)
def test_an_old_save_restores(save):
    res = make.restored(save)
    assert res.returncode == 0 and res.stderr == b"", res.stderr.decode()
    out = res.stdout.decode()
    turn = json.loads(save.read_text(encoding="utf-8"))["turn"]
    assert out.startswith(f"Restored: turn {turn}, ") or "rebuilt" in out.split("\n")[0], out
    _same(f"restore-{save.name.removesuffix('.save.json')}", res.stdout)


def test_an_old_journal_continues():
    res = make.continued()
    assert res.returncode == 0 and res.stderr == b"", res.stderr.decode()
    assert res.stdout.decode().startswith("Continuing your game at turn ")
    _same("continue-journal", res.stdout)
