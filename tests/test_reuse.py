"""An editor's re-check reuses the scenes of the files an edit left alone
(adventure.story.reuse); whatever the edits, what it reports is what a full load of the
same texts reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import STORY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pygls")
from adventure.author.lsp_folder import Folder  # noqa: E402

SCENES_PER_FILE = 4


def scene(i: int, n: int) -> str:
    return (f"  s{i}:\n    title: Room {i}\n    text: Trust is ${{trust}}.\n"
            f"    things:\n      key{i}: {{name: key {i}, description: A key.}}\n"
            f"    actions:\n      - id: onward\n        commands: [go on]\n"
            f"        when: trust < 10\n        do: [trust += 1, give key{(i + 1) % n}]\n"
            f"        to: s{(i + 1) % n}\n"
            f"      - id: back\n        commands: [go back]\n        do: [schedule bell in 2]\n"
            f"        hidden: {'true' if i % 2 else 'false'}\n"
            f"        to: s{(i - 1) % n}\n"
            f"      - id: talk\n        commands: [talk]\n        call: chat\n")


def write(root: Path, files: int = 3) -> None:
    n = files * SCENES_PER_FILE
    root.mkdir()
    (root / "story.yaml").write_text(
        "story:\n  id: t\n  title: T\n  start: s0\n  state:\n    trust: 0\n"
        "    lamp: true\n    mood: 0\n"
        "events:\n  bell:\n    text: A bell.\n")
    for f in range(files):
        body = "".join(scene(i, n) for i in range(f * SCENES_PER_FILE,
                                                   (f + 1) * SCENES_PER_FILE))
        extend = f"extend:\n  s{(f * SCENES_PER_FILE + 5) % n}:\n    hints: [Look.]\n"
        (root / f"part{f}.yaml").write_text(f"chapter: c{f}\nscenes:\n{body}{extend}")
    # a conversation the rooms call (its return leads back to each of them), and a
    # thing named in lower case that the prose writes with a capital
    (root / "talk.yaml").write_text(
        "scenes:\n  chat:\n    title: Chat\n    conversation: true\n"
        "    text: The Intendant waits. You bow to the Intendant.\n"
        "    actions:\n      - id: bye\n        commands: [bye]\n        return: true\n"
        "      - id: stay\n        commands: [stay]\n        when: not lamp\n"
        "        text: You stay.\n"
        "  attic:\n    title: Attic\n    text: Dust.\n"
        "things:\n  intendant:\n    name: intendant\n    description: Her.\n"
        "    location: chat\n")


# An edit: (file, line, what) replaces, drops or repeats a line, or changes a word in it.
EDITS = ["drop", "repeat", "typo", "title", "rename", "unknown var", "garble"]
edit = st.tuples(st.integers(0, 5), st.integers(0, 10_000), st.sampled_from(EDITS))


def apply(text: str, line: int, what: str) -> str:
    lines = text.split("\n")
    i = line % len(lines)
    here = lines[i]
    if what == "drop":
        del lines[i]
    elif what == "repeat":
        lines.insert(i, here)
    elif what == "typo":
        lines[i] = here.replace("s", "z", 1)
    elif what == "title":
        lines[i] = here.replace("title: ", "title: New ", 1)
    elif what == "rename":
        lines[i] = here.replace("  s", "  r", 1) if here.endswith(":") else here
    elif what == "unknown var":
        lines[i] = here.replace("trust", "trsut", 1)
    else:
        lines[i] = here + ": [{"
    return "\n".join(lines)


def report(folder: Folder) -> list[str]:
    return [f"{d.severity} {d.loc} {d.message}" for d in folder.problems]


def compare(root: Path, steps: list) -> None:
    files = sorted(root.glob("*.yaml"))
    editor = Folder(root)
    editor.check()
    for f, line, what in steps:
        path = files[f % len(files)]
        editor.buffers[path] = apply(editor.buffers.get(path, path.read_text()), line, what)
        editor.check()
        full = Folder(root)  # a first check: nothing to reuse
        full.buffers = dict(editor.buffers)
        full.check()
        assert report(editor) == report(full), (what, path.name)
        if editor.story is not None and full.story is not None:
            assert list(editor.story.scenes) == list(full.story.scenes)
            assert editor.story.info.reads == full.story.info.reads
            assert editor.story.info.writes == full.story.info.writes
            assert editor.story.info.words == full.story.info.words
            assert editor.story.info.uses == full.story.info.uses
            assert editor.story.actions_by_key.keys() == full.story.actions_by_key.keys()
            assert editor.story.initially_hidden == full.story.initially_hidden
            assert editor.story.fingerprint == full.story.fingerprint
            assert [t.called for t in editor.story.things.values()] == \
                [t.called for t in full.story.things.values()]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(steps=st.lists(edit, min_size=1, max_size=4))
def test_a_recheck_after_edits_reports_what_a_full_load_reports(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("reuse") / "st"
    write(root)
    compare(root, steps)


def test_an_edit_in_one_file_compiles_only_that_files_scenes_again(tmp_path):
    root = tmp_path / "st"
    write(root)
    editor = Folder(root)
    editor.check()
    assert editor.memo.reused == 0
    path = root / "part1.yaml"
    editor.buffers[path] = path.read_text().replace("title: Room", "title: Hall", 1)
    editor.check()
    assert editor.story is not None
    extended = f"s{(SCENES_PER_FILE + 5) % (3 * SCENES_PER_FILE)}"  # by part1's extend:
    others = [s for s in editor.story.scenes.values()
              if not s.loc.file.endswith(path.name) and s.id != extended]
    assert editor.memo.reused == len(others) > 0
    # a change to the story's names (a new variable) compiles every scene again
    head = root / "story.yaml"
    editor.buffers[head] = head.read_text().replace("trust: 0", "trust: 0\n    mood: 1")
    editor.check()
    assert editor.memo.reused == 0


def test_edits_to_the_campaign_report_what_a_full_load_reports(tmp_path):
    root = tmp_path / "story"
    shutil.copytree(STORY, root)
    files = sorted(root.glob("*.yaml"))
    steps = [(files.index(p), k * 37, what) for k, (p, what) in enumerate(
        [(files[-1], "title"), (files[-1], "typo"), (files[0], "unknown var")])]
    compare(root, steps)
