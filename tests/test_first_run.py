"""What a new user meets first: one saves folder, journals only for people, turns counted
one way. Through the real console script, in throwaway checkouts and saves folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "demo_story"
SCRIPT = Path(sys.executable).parent / "adventure"


def run(*args: str, stdin: str = "", cwd: Path | None = None, **env: str):
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("ADVENTURE_SAVES", "NO_COLOR")}
    environment.update(env)
    return subprocess.run([str(SCRIPT), *args], input=stdin.encode(), capture_output=True,
                          timeout=120, cwd=cwd, env=environment)


def journals(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.journal"))


def winning_commands() -> list[str]:
    import yaml

    doc = yaml.safe_load((DEMO / "tests" / "victory.yaml").read_text())
    return [s if isinstance(s, str) else s["do"] for s in doc["steps"]]


def test_a_piped_game_keeps_no_journal_and_continues_nothing(tmp_path):
    saves = str(tmp_path)
    res = run("--story", str(DEMO), "--saves", saves, "--journal", stdin="n\naft\n")
    assert res.returncode == 0 and len(journals(tmp_path)) == 1
    person = journals(tmp_path)[0].read_bytes()
    # a test run afterwards: a new game, no journal of its own, the person's game untouched
    res = run("--story", str(DEMO), "--saves", saves, stdin="look\n")
    assert b"Continuing" not in res.stdout and b"== Airlock ==" in res.stdout
    assert journals(tmp_path) == journals(tmp_path)[:1]
    assert journals(tmp_path)[0].read_bytes() == person
    res = run("--story", str(DEMO), "--saves", saves, "--continue", stdin="look\n")
    assert b"Continuing your game at turn 2." in res.stdout


def test_saves_lists_unfinished_games_with_the_toolbars_turn_and_continue_picks_one(tmp_path):
    saves = str(tmp_path)
    # 'help' and 'choices' take no turn: 4 commands, turn 2
    run("--story", str(DEMO), "--saves", saves, "--journal", stdin="n\nhelp\nchoices\naft\n")
    run("--story", str(DEMO), "--saves", saves, "--journal", stdin="n\nsave mine\n")
    res = run("saves", "--saves", saves)
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "Saved games in" in out and "mine" in out and "turn 1" in out
    listed = out.split("Unfinished games in")[1].splitlines()[1:]
    assert len(listed) == 2 and "turn 2" in out.split("Unfinished games in")[1]
    older = next(line.split()[0] for line in listed if "turn 2" in line)
    res = run("--story", str(DEMO), "--saves", saves, "--continue", older, stdin="look\n")
    assert b"Continuing your game at turn 2." in res.stdout, res.stderr
    res = run("--story", str(DEMO), "--saves", saves, "--continue", "no-such-game")
    assert res.returncode == 2 and b"no single unfinished game" in res.stderr


def test_a_finished_or_empty_game_leaves_no_journal(tmp_path):
    res = run("--story", str(DEMO), "--saves", str(tmp_path), "--journal", "--seed", "1",
              stdin="\n".join(winning_commands()) + "\n")
    assert b"***" in res.stdout  # the ending
    assert journals(tmp_path) == []
    run("--story", str(DEMO), "--saves", str(tmp_path), "--journal", stdin="quit\n")
    assert journals(tmp_path) == []


def test_quitting_a_kept_game_says_how_to_continue(tmp_path):
    res = run("--story", str(DEMO), "--saves", str(tmp_path), "--journal", stdin="n\nquit\n")
    assert b"adventure --continue" in res.stdout


def _checkout(where: Path) -> Path:
    """A folder that looks like a Terok Nor checkout, with the demo story as its story."""
    where.mkdir()
    (where / "pyproject.toml").write_text('[project]\nname = "terok-nor"\n')
    shutil.copytree(DEMO, where / "story")
    return where


def test_each_checkout_keeps_its_own_saves_and_story(tmp_path):
    one, two = _checkout(tmp_path / "one"), _checkout(tmp_path / "two")
    (one / "story" / "story.yaml").write_text(
        (one / "story" / "story.yaml").read_text().replace("A short demonstration story",
                                                           "The first clone's story"))
    res = run("--journal", stdin="n\nsave here\n", cwd=one / "story")  # a folder inside it
    assert b"The first clone's story" in res.stdout  # its story/, not the installed one
    assert (one / "saves" / "here.save.json").is_file() and journals(one / "saves")
    res = run("saves", cwd=two)
    assert b"No saved games" in res.stdout and str(two / "saves").encode() in res.stdout
    res = run("--continue", stdin="look\n", cwd=two)
    assert b"no unfinished game" in res.stderr


def test_outside_a_checkout_saves_go_to_the_user_data_folder(tmp_path):
    import adventure

    data = tmp_path / "data"
    res = run("saves", cwd=tmp_path, XDG_DATA_HOME=str(data))
    if Path(adventure.__file__).resolve().parent == ROOT / "adventure":
        # an editable install runs from its checkout: that checkout's saves, wherever you are
        assert str(ROOT / "saves").encode() in res.stdout
    else:
        assert str(data / "terok-nor" / "saves").encode() in res.stdout


@pytest.mark.parametrize("to", [1, 2])
def test_replay_to_stops_at_the_games_turn(tmp_path, to):
    run("--story", str(DEMO), "--saves", str(tmp_path), "--seed", "1",
        stdin="n\nhelp\nchoices\naft\nfore\nsave s\n")
    res = run("replay", "s", "--story", str(DEMO), "--saves", str(tmp_path), "--to", str(to))
    shown = [line[2:] for line in res.stdout.decode().splitlines() if line.startswith("> ")]
    assert shown == ["n", "help", "choices", "aft"][: 1 if to == 1 else 4]
