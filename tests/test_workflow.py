"""The author's loop through the real console script: which story each subcommand uses
(and says so), in throwaway checkouts made from the demo story."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_first_run import DEMO, run


def checkout(where: Path) -> Path:
    """A folder that looks like a Terok Nor checkout, with the demo story as its story."""
    where.mkdir()
    (where / "pyproject.toml").write_text('[project]\nname = "terok-nor"\n')
    shutil.copytree(DEMO, where / "story")
    return where


def retitle(root: Path, title: str) -> None:
    """An edit each subcommand shows: the story's title and its first scene's."""
    for name, old in (("story.yaml", "The Derelict"), ("ship.yaml", "title: Airlock")):
        path = root / "story" / name
        path.write_text(path.read_text().replace(old, old.replace("The Derelict", title)
                                                      .replace("Airlock", f"{title} Airlock")))


@pytest.mark.parametrize("args", [["check", "--random", "2"], ["test"], ["graph"],
                                  ["play", "--watch"]])
def test_every_subcommand_uses_and_names_the_checkouts_story(tmp_path, args):
    root = checkout(tmp_path / "clone")
    retitle(root, "The Edited Derelict")
    res = run(*args, stdin="look\n", cwd=root / "story" / "tests")  # deep inside it
    err = res.stderr.decode()
    assert res.returncode == 0, err
    assert err.splitlines()[0] == f"adventure: story {root}/story/ (the checkout at {root})"
    if args[0] != "test":
        assert b"Edited" in res.stdout


def test_the_story_note_stays_out_of_json(tmp_path):
    root = checkout(tmp_path / "clone")
    res = run("check", "--random", "1", "--json", cwd=root)
    assert json.loads(res.stdout)["errors"] == []
    assert res.stderr.decode() == f"adventure: story story/ (the checkout at {root})\n"


def test_a_story_given_with_story_is_not_named_again(tmp_path):
    res = run("graph", "--story", str(DEMO), cwd=tmp_path)
    assert res.returncode == 0 and res.stderr == b""


def test_a_story_beside_you_that_is_not_used_is_pointed_out(tmp_path):
    shutil.copytree(DEMO, tmp_path / "story")
    res = run("check", "--random", "0", cwd=tmp_path)
    err = res.stderr.decode()
    assert err.startswith("adventure: story ") and "\nadventure: warning: story/ holds a " \
        "story, but it is not the one used; give --story story/ to play or check it" in err
    res = run("check", "--random", "0", "--story", "story", cwd=tmp_path)
    assert "warning" not in res.stderr.decode()


# -- check: a branch's timer that can drag the player out of the branch -------------------

CHAPEL = """\
scenes:
  chapel:
    title: Chapel
    text: A cold little chapel.
    on_enter: [schedule collapse in 3]
    exits:
      back: airlock
extend:
  airlock:
    exits:
      chapel: chapel
events:
  collapse:
    {guard}
    text: The ceiling gives way.
    to: captured
"""


@pytest.mark.parametrize("guard, warned", [("", True), ("when: at(chapel)", False),
                                           ("when: not at(airlock)", False)])
def test_check_warns_of_a_timer_that_can_fire_outside_its_branch(tmp_path, guard, warned):
    from adventure.author.continuity import timer_warnings
    from adventure.story.loader import load_story

    root = tmp_path / "story"
    shutil.copytree(DEMO, root)
    (root / "chapel.yaml").write_text(CHAPEL.replace("{guard}", guard))
    found = [str(w) for w in timer_warnings(load_story(root)) if "collapse" in str(w)]
    if not warned:
        assert found == []
        return
    assert found == [f"{root}/chapel.yaml:13:3: warning: event 'collapse', scheduled in "
                     "scene 'chapel', can fire in scene 'airlock': outside the scenes of its "
                     "file, where it moves the player to 'captured'; give it a guard such as "
                     "'when: at(chapel)', or 'cancel collapse' on the way out"]
    res = run("check", "--random", "0", "--story", str(root))
    assert res.stdout.count(b"event 'collapse'") == 1  # one check, one warning
    from adventure.author.lsp_folder import Folder  # and the editor shows the same one

    shown = Folder(root).check()[f"{root.resolve()}/chapel.yaml"]
    assert [str(d) for d in shown if "collapse" in str(d)] == [
        f.replace(str(root), str(root.resolve())) for f in found]
    # the fix it names: cancelled on the way out of the branch
    (root / "chapel.yaml").write_text(CHAPEL.replace("{guard}", "").replace(
        "      back: airlock", "      back: {to: airlock, do: [cancel collapse]}"))
    assert not [w for w in timer_warnings(load_story(root)) if "collapse" in str(w)]
    res = run("check", "--random", "0", "--story", str(root))
    assert b"event 'collapse'" not in res.stdout


# -- YAML traps: read as the author meant, or a located message with the fix ---------------

TRAPS = """\
story: {id: t, title: T, start: a, version: 1.10}
scenes:
  a:
    title: A
    text: x
    actions:
      - commands: [yes, sure, no]
        text: Fine.
      - commands: [sing]
        text: on
    things:
      box: {name: box, holds: on}
      tin: {name: tin, holds: "on"}
    exits:
      out: b
  b: {title: B, text: 2371-05-01, ending: {kind: victory}}
"""


def _load(tmp_path, text):
    from adventure.story.diagnostics import StoryError
    from adventure.story.loader import load_story

    (tmp_path / "s.yaml").write_text(text)
    try:
        return load_story(tmp_path), []
    except StoryError as err:
        return None, [str(d).split("s.yaml:")[1] for d in err.diagnostics]


def test_yaml_booleans_numbers_and_dates_where_text_belongs_are_that_text(tmp_path):
    from adventure.engine.session import Game, Session

    story, problems = _load(tmp_path, TRAPS)
    assert problems == []
    assert story.version == "1.10"  # not 1.1
    warned = [str(w).split("s.yaml:")[1] for w in story.info.warnings]
    assert warned == [
        "7:20: warning: 'yes' in 'commands' is read as the text 'yes' (YAML would make it "
        "true); write it quoted, \"yes\", to say so",
        "7:31: warning: 'no' in 'commands' is read as the text 'no' (YAML would make it "
        "false); write it quoted, \"no\", to say so",
        "10:15: warning: 'on' in 'text' is read as the text 'on' (YAML would make it true); "
        "write it quoted, \"on\", to say so",
        "12:31: warning: 'on' in 'holds' is read as the text 'on' (YAML would make it true); "
        "write it quoted, \"on\", to say so"]
    s = Session(Game(story), seed=1)
    assert s.submit("yes").text == "Fine." and s.submit("no").text == "Fine."
    assert s.submit("sing").text == "on"
    assert "2371-05-01" in s.submit("out").text
    res = run("check", "--story", str(tmp_path), "--random", "0")
    assert res.returncode == 0 and b"'yes' in 'commands' is read as the text" in res.stdout


def test_a_comma_in_a_flow_list_that_cut_an_effect_says_so(tmp_path):
    _, problems = _load(tmp_path, TRAPS.replace("text: Fine.", "do: [say Hello, world]"))
    assert len(problems) == 1 and problems[0].startswith("8:25: error: unknown effect")
    assert problems[0].endswith("The comma inside [...] split one effect in two: quote it "
                                "(\"say Hello, world\") or write the list as a block, one "
                                "'- ' per line")
    story, problems = _load(tmp_path, TRAPS.replace("text: Fine.",
                                                    "do: [\"say Hello, world\"]"))
    assert problems == []


def test_a_list_item_that_is_not_text_is_pointed_at(tmp_path):
    _, problems = _load(tmp_path, TRAPS.replace("[yes, sure, no]", "[sure, {a: 1}]"))
    assert ("7:26: error: 'commands' should be a list of words or phrases, and this item "
            "is a mapping") in problems


# -- story tests: blessed transcripts, whole paragraphs in failures ----------------------

def test_bless_records_a_transcript_and_later_runs_show_what_changed(tmp_path):
    root = checkout(tmp_path / "clone")
    res = run("test", "--bless", "victory", cwd=root)
    assert res.returncode == 0 and b"BLESSED Home by the helm code" in res.stdout
    blessed = root / "story" / "tests" / "victory.transcript"
    text = blessed.read_text()
    assert text.startswith(run("play", "--new", stdin="", cwd=root).stdout.decode()
                           .removesuffix("> \n").rstrip("\n"))  # what a player reads
    assert "> n\n" in text
    assert run("test", cwd=root).returncode == 0
    ship = root / "story" / "ship.yaml"
    ship.write_text(ship.read_text().replace("a cramped airlock", "a very cramped airlock"))
    res = run("test", cwd=root)
    out = res.stdout.decode()
    assert res.returncode == 1 and "FAIL Home by the helm code" in out
    assert "the game reads differently from victory.transcript ('adventure test --bless " \
        "victory' accepts the change)" in out
    assert "-You stand in a cramped airlock.\n    +You stand in a very cramped airlock." in out
    assert run("test", "--bless", cwd=root).returncode == 0
    assert run("test", cwd=root).returncode == 0


def test_a_failed_expectation_shows_whole_paragraphs_with_the_words_marked(tmp_path):
    root = checkout(tmp_path / "clone")
    (root / "story" / "tests" / "z.yaml").write_text(
        "steps:\n  - do: n\n    expect: {lacks: [the walls]}\n"
        "  - do: look\n    expect: {contains: [dancing]}\n")
    res = run("test", "z", cwd=root)
    out = res.stdout.decode()
    assert "the text contains 'the walls', which it should not:\n    | A corridor" in out
    assert ">>The walls<< are panelled." in out
    (root / "story" / "tests" / "z.yaml").write_text(
        "steps:\n  - do: n\n    expect: {contains: [dancing]}\n")
    out = run("test", "z", cwd=root).stdout.decode()
    # the whole answer, to its last line: what matters may come last
    assert "the text does not contain 'dancing'; it was:\n    | Dark corridor\n    |\n" in out
    assert "    |   3) Go aft (Engineering)" not in out  # choices are not text
    assert out.rstrip().endswith("0 passed, 1 failed")


# -- start anywhere: play --at, a story test's start: -------------------------------------

def test_play_at_a_scene_with_state_saves_restores_and_replays_from_there(tmp_path):
    saves = str(tmp_path / "saves")
    args = ("--story", str(DEMO), "--saves", saves, "--seed", "1")
    res = run(*args, "--at", "engineering", "--set", "power_on=yes", "--give", "torch",
              stdin="i\nfore\nsave hook\nundo\nrestart\nrestart\n")
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr
    assert out.startswith("Starting at engineering; power_on = True; carrying torch (--at): "
                          "'restart' comes back here.\n\n== Engineering ==")
    # 'i' takes no turn: 'fore' is the first
    assert "You are carrying a torch" in out and "Saved as 'hook' (turn 1)." in out
    assert out.count("== Engineering ==") == 3  # the start, undo back to it, the restart
    res = run(*args, "--load", "hook", stdin="look\n")
    assert res.stdout.decode().startswith("Restored: turn 1, ")
    res = run("replay", "hook", *args[:4], "--check")
    assert res.returncode == 0 and b"== Engineering ==" in res.stdout
    # the corridor is renamed: the save is rebuilt from its start, not from the story's
    edited = tmp_path / "story"
    shutil.copytree(DEMO, edited)
    for f in edited.glob("*.yaml"):
        f.write_text(f.read_text().replace("corridor", "hallway"))
    res = run("--story", str(edited), "--saves", saves, "--load", "hook", stdin="look\n")
    assert b"rebuilt from its commands: replayed to turn 1, as saved" in res.stdout


AT_BRIDGE = ("--at", "bridge", "--set", "code_known=true", "--give", "torch")


def test_every_restart_of_a_game_begun_with_at_comes_back_to_its_start(tmp_path):
    """'r' and 'play again' at an ending, and 'restart' (at the end or confirmed during
    play), begin again where --at began, with its --set and --give; undo takes a restart
    back; a save made after one restores, restarts and replays from there too."""
    saves = str(tmp_path / "saves")
    args = ("--story", str(DEMO), "--saves", saves, "--seed", "1")
    lines = ["fly home", "r", "i", "fly home", "play again", "fly home", "restart",
             "aft", "save after", "restart", "restart", "undo"]
    res = run(*args, *AT_BRIDGE, stdin="\n".join(lines) + "\n")
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr
    again = "Starting again at bridge; code_known = True; carrying torch."
    assert out.count(f"\n{again}\n\n== Bridge ==") == 4, out
    assert "A short demonstration" not in out and "== Airlock ==" not in out
    assert "You are carrying a torch" in out  # the --give, after 'r'
    assert out.count("Home at last") == 3  # each time, the helm code was set by --set
    assert "Restart from where this game began (at bridge; code_known = True; carrying " \
        "torch)? Type 'yes' (or 'restart' again)" in out
    assert out.rstrip().split("> undo")[-1].lstrip().startswith(
        "Undone: the last turn.\n\n== Dark corridor ==")
    res = run(*args, "--load", "after", stdin="restart\nrestart\n")
    assert res.returncode == 0 and f"{again}\n\n== Bridge ==" in res.stdout.decode()
    res = run("replay", "after", *args[:4], "--check")
    assert res.returncode == 0, res.stdout
    assert b"every turn matches the saved game" in res.stdout


def test_a_continued_game_begun_with_at_restarts_at_its_start(tmp_path):
    saves = str(tmp_path / "saves")
    args = ("--story", str(DEMO), "--saves", saves, "--journal")
    first = run(*args, *AT_BRIDGE, stdin="aft\n")  # left unfinished: the journal is kept
    assert first.returncode == 0 and b"== Dark corridor ==" in first.stdout
    res = run(*args, "--continue", stdin="restart\nrestart\n")
    out = res.stdout.decode()
    assert out.startswith("Continuing your game at turn 1."), out
    assert "Starting again at bridge; code_known = True; carrying torch.\n\n== Bridge ==" \
        in out


def test_a_story_test_that_starts_somewhere_restarts_there(tmp_path):
    root = checkout(tmp_path / "clone")
    (root / "story" / "tests" / "again.yaml").write_text(
        "start: {scene: bridge, vars: {code_known: true}, carrying: [torch]}\nsteps:\n"
        "  - do: fly home\n    expect: {ended: home}\n"
        "  - do: r\n    expect: {scene: bridge, carrying: [torch], contains: [Starting "
        "again at bridge]}\n"
        "  - do: fly home\n    expect: {ended: home}\n")
    res = run("test", "again", cwd=root)
    assert res.returncode == 0, res.stdout
    assert res.stdout.decode().rstrip().endswith("1 passed, 0 failed")


@pytest.mark.parametrize("args, message", [
    (["--at", "enginering"], "cannot start --at enginering: there is no scene 'enginering' "
                             "(did you mean 'engineering'?)."),
    (["--at", "home"], "'home' is an ending; start in a scene that leads to it."),
    (["--at", "bridge", "--set", "trust"], "'trust' should be VAR=VALUE, as in trust=2."),
    (["--at", "bridge", "--set", "trust=lots"], "'trust' is a whole number, not 'lots'."),
    (["--at", "bridge", "--set", "trsut=1"], "there is no variable 'trsut' (did you mean "
                                             "'trust'?)."),
    (["--at", "bridge", "--give", "torc"], "there is no thing 'torc' (did you mean "
                                           "'torch'?)."),
    (["--give", "torch"], "--set and --give go with --at SCENE."),
])
def test_a_bad_start_is_refused_with_the_reason(args, message):
    res = run("--story", str(DEMO), *args)
    assert res.returncode == 2 and message in res.stderr.decode(), res.stderr


def test_a_story_test_starts_at_a_scene_or_where_another_test_ends(tmp_path):
    from adventure.author.storytests import run_all
    from adventure.story.loader import load_story

    root = tmp_path / "story"
    shutil.copytree(DEMO, root)
    tests = root / "tests"
    (tests / "hook.yaml").write_text(
        "start: {scene: bridge, vars: {code_known: true}, carrying: [torch]}\n"
        "steps:\n  - do: fly home\n    expect: {ended: home, carrying: [torch]}\n")
    (tests / "after.yaml").write_text(
        "start: victory\nsteps:\n  - do: look\n    expect: {ended: home}\n")
    (tests / "bad.yaml").write_text("start: {scene: brige}\nsteps: [look]\n")
    (tests / "loop1.yaml").write_text("start: loop2\nsteps: [look]\n")
    (tests / "loop2.yaml").write_text("start: loop1\nsteps: [look]\n")
    (tests / "lost.yaml").write_text("start: victroy\nsteps: [look]\n")
    outcomes = {o.path.rsplit("/", 1)[1]: o for o in run_all(load_story(root), root, "st")}
    assert outcomes["hook.yaml"].passed and outcomes["after.yaml"].passed
    assert str(outcomes["bad.yaml"].failures[0]) == (
        "st/tests/bad.yaml:1:8: step 0: 'start': there is no scene 'brige' (did you mean "
        "'bridge'?)")
    assert "goes round in a circle" in str(outcomes["loop1.yaml"].failures[0])
    assert "'start' names test 'victroy', which does not exist (did you mean 'victory'?)" \
        in str(outcomes["lost.yaml"].failures[0])


def test_check_warns_when_an_edit_renumbers_a_choice_a_story_test_types(tmp_path):
    root = checkout(tmp_path / "clone")
    (root / "story" / "tests" / "numbers.yaml").write_text("steps: ['1', '3']\n")
    cache = str(tmp_path / "cache")
    first = run("check", "--random", "0", cwd=root, ADVENTURE_CACHE=cache)
    assert first.returncode == 0 and b"renumbered" not in first.stdout
    ship = root / "story" / "ship.yaml"  # a new exit in the corridor, before 'aft'
    ship.write_text(ship.read_text().replace("      south: airlock\n",
                                             "      south: airlock\n      west: crawlway\n"))
    res = run("check", "--random", "0", cwd=root, ADVENTURE_CACHE=cache)
    out = res.stdout.decode()
    assert "tests/numbers.yaml:1:14: warning: step 2 types 3, which chose 'Go aft " \
        "(Engineering)' when check last ran and now chooses 'Go west (Crawlway)': an edit " \
        "renumbered the choices; type the choice's words instead of its number" in out, out
    assert b"renumbered" not in run("check", "--random", "0", cwd=root,
                                    ADVENTURE_CACHE=cache).stdout  # said once per edit


def test_check_warns_when_a_new_branch_renumbers_another_branchs_choices(tmp_path):
    """Across branches: a new file that sorts before an existing branch, both extending
    one scene without an order, moves that branch's choice; check says so twice: the
    tie, with its fix, and the story-test step whose number now means something else."""
    root = checkout(tmp_path / "clone")
    story = root / "story"
    (story / "zz-hatch.yaml").write_text(
        "extend:\n  airlock:\n    exits:\n      hatch: {to: corridor, label: Climb the "
        "hatch}\n")
    (story / "tests" / "hatch.yaml").write_text("steps:\n  - do: '2'\n"
                                               "    expect: {scene: corridor}\n")
    cache = str(tmp_path / "cache")
    first = run("check", "--random", "0", cwd=root, ADVENTURE_CACHE=cache)
    assert first.returncode == 0 and b"warning" not in first.stdout, first.stdout
    (story / "aa-prayer.yaml").write_text(
        "extend:\n  airlock:\n    actions:\n      - {id: pray, commands: [pray], label: "
        "Pray, text: Nobody answers.}\n")
    out = run("check", "--random", "0", cwd=root, ADVENTURE_CACHE=cache).stdout.decode()
    assert "story/zz-hatch.yaml:2:3: warning: this extension of scene 'airlock' and the " \
        "one at story/aa-prayer.yaml:2:3 have no 'order:'" in out, out
    assert "story/tests/hatch.yaml:2:5: warning: step 1 types 2, which chose 'Climb the " \
        "hatch' when check last ran and now chooses 'Pray': an edit renumbered the " \
        "choices" in out, out
    assert run("test", cwd=root).returncode == 1  # the test itself now fails too


def test_at_is_a_new_game_and_does_not_go_with_load_or_continue():
    ok = run("--story", str(DEMO), "--new", "--at", "bridge", stdin="look\n")
    assert ok.returncode == 0 and b"== Bridge ==" in ok.stdout
    for other in (["--load", "x"], ["--continue"]):
        res = run("--story", str(DEMO), "--at", "bridge", *other)
        assert res.returncode == 2 and b"--at starts a new game" in res.stderr
