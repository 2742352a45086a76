"""The language server's Folder over many edits: what it keeps from one check to the next
stays bounded (no reference cycles left for the collector, a frozen heap that cannot
grow without limit, memory handed back), and what it reuses is what a fresh check finds
(tests/test_reuse.py compares whole reports)."""

from __future__ import annotations

import gc
import shutil

import pytest
from conftest import STORY

pytest.importorskip("pygls")
from adventure.author import lsp_folder  # noqa: E402
from adventure.author.checks import moves_of  # noqa: E402
from adventure.author.lsp_folder import Folder  # noqa: E402


@pytest.fixture
def campaign(tmp_path):
    root = tmp_path / "story"
    shutil.copytree(STORY, root)
    return root


def edit(folder: Folder, i: int) -> None:
    """A title of the start scene's file changes, as typing does."""
    story = folder.story
    assert story is not None
    path = folder.path(story.scenes[story.start].loc.file)
    text = folder.buffers.get(path) or path.read_text()
    folder.buffers[path] = text.replace("title: ", f"title: x{i} ", 1)


def test_a_check_leaves_no_reference_cycles_behind(campaign):
    """What a check replaces is freed by reference counting at once: a check that left
    cycles would leave every old story to the collector (and, with the heap frozen, to
    the occasional full collection), and memory would grow with the edits."""
    folder = Folder(campaign)
    folder.check()
    edit(folder, 0)
    folder.check()
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for i in range(1, 4):
            edit(folder, i)
            folder.check()
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_the_frozen_heap_cannot_grow_without_bound(monkeypatch):
    """settle_heap freezes what is alive after each check, and garbage cycles made by
    anything else with it; every FREEZE_PERIOD checks (or sooner) the frozen heap is
    collected in full, so what is frozen stays within that many checks' garbage."""
    period = 4
    monkeypatch.setattr(lsp_folder, "FREEZE_PERIOD", period)
    monkeypatch.setattr(lsp_folder._Heap, "frozen", 0)
    monkeypatch.setattr(lsp_folder._Heap, "grown", 0)
    monkeypatch.setattr(lsp_folder._Heap, "checks", 0)
    try:
        lsp_folder.settle_heap()  # the first settles after a full collection
        base = lsp_folder._Heap.frozen
        made = 20_000  # cycles left behind between two checks
        counts = []
        for _ in range(3 * period):
            junk: list = [[] for _ in range(made)]
            for x in junk:
                x.append(x)  # a cycle: only the collector frees it
            del junk
            lsp_folder.settle_heap()
            counts.append(gc.get_freeze_count())
        assert max(counts) <= base + period * made + 10_000
        assert max(counts) > base + made  # garbage was frozen: the bound is what held it
    finally:
        gc.unfreeze()


def test_a_check_gives_freed_memory_back_and_never_fails_for_it(monkeypatch):
    """After each check the folder hands freed pages back (glibc malloc_trim), and where
    there is no such call nothing happens."""
    calls = []
    monkeypatch.setattr(lsp_folder, "_TRIM", [calls.append])
    lsp_folder.give_back_memory()
    assert calls == [0]
    monkeypatch.setattr(lsp_folder, "_TRIM", [None])
    lsp_folder.give_back_memory()  # no glibc: a no-op


def test_an_edit_works_out_again_only_the_facts_of_the_scenes_it_compiled(campaign):
    """The checks' per-scene facts (SceneFacts) go with the Scene objects the loader
    reuses: after an edit in one file the other files' scenes keep theirs."""
    folder = Folder(campaign)
    folder.check()
    story = folder.story
    assert story is not None
    before = dict(moves_of(story, folder.facts))
    folder.facts.finish()
    folder.facts = keep = folder.facts  # (the same cache as the server's folder)
    edited = story.scenes[story.start].loc.file
    edit(folder, 1)
    folder.check()
    after = folder.story
    assert after is not None and after is not story
    now = moves_of(after, keep)
    kept = [sid for sid, s in after.scenes.items() if s is story.scenes.get(sid)]
    assert kept and all(now[sid] is before[sid] for sid in kept)
    assert all(after.scenes[sid].loc.file != edited for sid in kept)
    assert any(now[sid] is not before.get(sid) for sid in after.scenes
               if after.scenes[sid].loc.file == edited)


def test_a_story_tests_start_is_indexed_so_a_rename_reaches_it():
    """`start: {scene, vars, carrying}` names a scene, variables and things as an
    expectation does (a rename of the scene left a test starting there behind)."""
    from adventure.author.lsp_index import index_test_file
    from adventure.story.yamlsrc import load_source

    text = ("start:\n  scene: dock\n  vars: {alarm: true}\n  carrying: [rod]\n"
            "steps:\n  - do: look\n    expect: {scene: hall}\n")
    data, problems = load_source(text, "t.yaml")
    assert not problems
    occs = {(o.kind, o.ident, o.line, o.col) for o in index_test_file("t.yaml", text, data).occs}
    assert {("scene", "dock", 2, 10), ("variable", "alarm", 3, 10), ("thing", "rod", 4, 14),
            ("scene", "hall", 7, 21)} <= occs, occs
    # a start that names another test is not a scene
    data, _ = load_source("start: other_test\nsteps: [look]\n", "u.yaml")
    assert not index_test_file("u.yaml", "start: other_test\nsteps: [look]\n", data).occs
