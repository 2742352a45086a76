"""The checked-story cache: faster, never different, never trusted when it does not match."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DEMO, ROOT, STORY

from adventure.engine.session import Game, Session
from adventure.story import cache as storycache
from adventure.story.diagnostics import StoryError
from adventure.story.loader import load_story

FULL = ROOT / "tests" / "schema_fixtures" / "valid" / "full"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("ADVENTURE_CACHE", str(where))
    return where


@pytest.fixture
def story_copy(tmp_path) -> Path:
    dest = tmp_path / "story"
    shutil.copytree(DEMO, dest)
    return dest


def entries(where: Path) -> list[Path]:
    return sorted(where.glob("*.pickle")) if where.exists() else []


def transcript(story, commands: list[str]) -> list[str]:
    s = Session(Game(story), seed=3)
    return [s.submit(c).text for c in commands]


COMMANDS = ["look", "inventory", "hint", "take all", "north", "look", "wait", "score"]


def test_a_miss_writes_an_entry_and_a_hit_plays_the_same_game(cache, story_copy):
    first = storycache.load(story_copy, "st")
    assert len(entries(cache)) == 1
    again = storycache.load(story_copy, "st")
    assert again is not first  # read back from the file, not kept in memory
    assert list(again.scenes) == list(first.scenes)
    assert again.fingerprint == first.fingerprint
    assert transcript(again, COMMANDS) == transcript(load_story(story_copy, "st"), COMMANDS)


@pytest.mark.parametrize("root", [DEMO, STORY, FULL], ids=["demo", "campaign", "full"])
def test_every_class_a_story_holds_is_allowed(cache, root, monkeypatch):
    story = load_story(root)
    refused = []

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) not in storycache.ALLOWED:
                refused.append((module, name))
            return super().find_class(module, name)

    Recorder(io.BytesIO(pickle.dumps(story))).load()
    assert refused == []
    storycache.load(root)
    assert len(entries(cache)) == 1

    def no_miss(*_):
        raise AssertionError("the second load must come from the cache")
    monkeypatch.setattr("adventure.story.loader.load_story", no_miss)
    found = storycache.load(root)  # read back by the restricted unpickler
    assert found.fingerprint == story.fingerprint and list(found.scenes) == list(story.scenes)


def test_an_edited_file_is_a_miss(cache, story_copy):
    storycache.load(story_copy, "st")
    meta = story_copy / "story.yaml"
    meta.write_text(meta.read_text().replace("title:", "title: Edited", 1)
                    if "title:" in meta.read_text() else meta.read_text() + "\n")
    edited = storycache.load(story_copy, "st")
    assert edited.fingerprint == load_story(story_copy, "st").fingerprint
    assert len(entries(cache)) == 2


def test_a_new_display_name_is_a_miss_so_messages_name_the_right_file(cache, story_copy):
    a = storycache.load(story_copy, "one")
    b = storycache.load(story_copy, "two")
    assert a.scenes[a.start].loc.file.startswith("one/")
    assert b.scenes[b.start].loc.file.startswith("two/")


def test_a_broken_story_is_reported_and_never_cached(cache, story_copy):
    (story_copy / "broken.yaml").write_text("scenes:\n  x: [\n")
    with pytest.raises(StoryError) as err:
        storycache.load(story_copy, "st")
    assert "st/broken.yaml:" in str(err.value)
    assert entries(cache) == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "header", "empty", "key"])
def test_a_damaged_entry_is_ignored_and_rewritten(cache, story_copy, damage):
    good = storycache.load(story_copy, "st")
    [entry] = entries(cache)
    data = entry.read_bytes()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data = data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:]
    elif damage == "header":
        data = b"something else\n" + data
    elif damage == "empty":
        data = b""
    else:  # a valid entry of another key under this key's name
        payload = pickle.dumps(("0" * 64, good))
        data = storycache.FORMAT + storycache._check(payload) + b"\n" + payload
    entry.write_bytes(data)
    story = storycache.load(story_copy, "st")
    assert story.fingerprint == good.fingerprint
    assert storycache._read(entry, entry.stem) is not None  # written again, good


class Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > " + os.environ["BOOM_FILE"],))


def test_a_tampered_entry_cannot_run_code(cache, story_copy, tmp_path, monkeypatch):
    good = storycache.load(story_copy, "st")
    [entry] = entries(cache)
    flag = tmp_path / "pwned"
    monkeypatch.setenv("BOOM_FILE", str(flag))
    payload = pickle.dumps((entry.stem, [Boom(), good]))
    entry.write_bytes(storycache.FORMAT + storycache._check(payload) + b"\n" + payload)
    story = storycache.load(story_copy, "st")
    assert not flag.exists()
    assert story.fingerprint == good.fingerprint


def test_an_edit_to_the_engine_is_a_miss(cache, story_copy, monkeypatch):
    storycache.load(story_copy, "st")
    monkeypatch.setattr(storycache, "_engine", b"another engine")
    storycache.load(story_copy, "st")
    assert len(entries(cache)) == 2


def test_off_writes_nothing(tmp_path, monkeypatch, story_copy):
    monkeypatch.setenv("ADVENTURE_CACHE", "off")
    assert storycache.cache_dir() is None
    storycache.load(story_copy, "st")
    assert not any(tmp_path.rglob("*.pickle"))


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch, story_copy):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ADVENTURE_CACHE", str(blocker / "cache"))
    assert storycache.load(story_copy, "st").scenes


def test_old_entries_are_pruned(cache, story_copy, monkeypatch):
    monkeypatch.setattr(storycache, "KEEP", 3)
    for i in range(5):
        storycache.load(story_copy, f"name{i}")
    assert len(entries(cache)) == 3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_CACHE_HOME is Linux's")
def test_the_default_folder_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("ADVENTURE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert storycache.cache_dir() == tmp_path / "terok-nor" / "stories"


def test_the_console_script_uses_the_cache_and_plays_the_same(tmp_path, story_copy):
    where = tmp_path / "c"
    env = {**os.environ, "ADVENTURE_CACHE": str(where)}
    exe = Path(sys.executable).parent / "adventure"
    args = [str(exe), "--story", str(story_copy), "--new", "--seed", "5", "--saves",
            str(tmp_path / "saves")]
    script = "look\ninventory\nnorth\nquit\n"
    cold = subprocess.run(args, input=script, capture_output=True, text=True, env=env,
                          timeout=60)
    written = {p.name: p.stat().st_mtime_ns for p in entries(where)}
    assert len(written) == 1
    warm = subprocess.run(args, input=script, capture_output=True, text=True, env=env,
                          timeout=60)
    assert {p.name: p.stat().st_mtime_ns for p in entries(where)} == written  # a hit
    assert cold.returncode == warm.returncode == 0
    assert warm.stdout == cold.stdout


def _records_in_source() -> dict[tuple[str, str], tuple[list, list, list]]:
    """(module, class) -> (its __slots__, its __init__'s parameters, the order its
    __init__ first assigns attributes), for every Record subclass, read from the source."""
    import ast

    out = {}
    package = Path(__file__).resolve().parent.parent / "adventure"
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text())
        constants = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign)
                     and isinstance(n.targets[0], ast.Name)}
        for cls in tree.body:
            if not (isinstance(cls, ast.ClassDef)
                    and any(getattr(b, "id", None) == "Record" for b in cls.bases)):
                continue
            slots = next(n.value for n in cls.body if isinstance(n, ast.Assign)
                         and getattr(n.targets[0], "id", None) == "__slots__")
            slots = ast.literal_eval(constants.get(getattr(slots, "id", None), slots))
            init = next(f for f in cls.body if isinstance(f, ast.FunctionDef)
                        and f.name == "__init__")
            assigned: list = []
            for node in ast.walk(init):
                targets = node.targets if isinstance(node, ast.Assign) else \
                    [node.target] if isinstance(node, ast.AnnAssign) else []
                for t in targets:
                    if isinstance(t, ast.Attribute) and getattr(t.value, "id", "") == "self" \
                            and t.attr not in assigned:
                        assigned.append(t.attr)
            module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            out[module, cls.name] = (
                list(slots), [a.arg for a in init.args.args[1:]], assigned)
    return out


def test_every_record_is_rebuilt_from_its_fields_in_order():
    """Record.__reduce__ calls the class with its fields in order: __init__ must take its
    slots in that order and assign them so (mypyc keeps the order of assignment)."""
    import importlib

    from adventure.story.record import _spec

    found = _records_in_source()
    assert len(found) > 20
    for (module, name), (slots, params, assigned) in found.items():
        cls = getattr(importlib.import_module(module), name)
        # a field left out of pickles (a story's indexes, a state's cache) is no parameter
        fields = [n for n in slots if n not in cls.__dict__.get("_not_pickled", ())]
        assert params == fields, name
        assert assigned == slots, name
        assert list(_spec(cls).names) == slots, name  # compiled or not
        if "__slots__" in cls.__dict__:  # plain Python: a probe of any values
            probe = cls.__new__(cls)
            for n in slots:
                setattr(probe, n, n)
            assert pickle.loads(pickle.dumps(probe)) == probe


def test_empty_lists_come_back_as_lists_of_their_own(cache, story_copy):
    storycache.load(story_copy, "st")
    story = storycache.load(story_copy, "st")  # from the cache
    actions = {id(a): a for s in story.scenes.values() for a in s.actions}  # globals once
    empties = [a.topics for a in actions.values() if not a.topics]
    assert len(empties) > 2 and all(type(e) is list for e in empties)
    assert len({id(e) for e in empties}) == len(empties)  # never one list shared by all


def test_a_story_revived_from_the_cache_is_kept_out_of_later_collections(cache, story_copy):
    import gc

    storycache.load(story_copy, "st")  # a miss: builds and writes the entry
    before = gc.get_freeze_count()
    story = storycache.load(story_copy, "st")  # a hit
    try:
        assert gc.isenabled()
        assert gc.get_freeze_count() > before + len(story.scenes)
    finally:
        gc.unfreeze()


def test_each_class_names_the_fields_its_init_turns_from_none_into_an_empty_list():
    """Record pickles such a field, when empty, as None: the class must say which they
    are, exactly (a compiled class cannot be asked about its __init__)."""
    import ast

    from adventure.story import model

    source = Path(__file__).resolve().parent.parent / "adventure" / "story" / "model.py"
    found = {}
    for cls in ast.parse(source.read_text()).body:
        if not isinstance(cls, ast.ClassDef):
            continue
        init = next((f for f in cls.body if isinstance(f, ast.FunctionDef)
                     and f.name == "__init__"), None)
        found[cls.name] = {  # self.f = [] if f is None else f
            node.targets[0].attr for node in ast.walk(init) if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.IfExp) and isinstance(node.value.body, ast.List)
            and not node.value.body.elts
        } if init else set()
    assert found["Action"] and found["Scene"]
    for name, fields in found.items():
        declared = set(getattr(model, name).__dict__.get("_empty_as_none", ()))
        assert declared == fields, name


def test_the_cache_leaves_functools_whole_for_whoever_imports_it_next():
    """The cache imports the C unpickler with a stand-in `functools` (partial alone); the
    real module is what any later import gets (a fresh interpreter, without site)."""
    import adventure

    code = ("import sys; import adventure.story.cache; assert 'functools' not in sys.modules; "
            "import functools, _functools; assert functools.lru_cache and functools.reduce; "
            "assert functools.partial is _functools.partial; import pickle; "
            "assert pickle.loads(pickle.dumps(functools.partial(max, 1)))(2) == 2; print('ok')")
    env = {**os.environ, "PYTHONPATH": str(Path(adventure.__file__).resolve().parent.parent)}
    res = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                         timeout=60, env=env)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr
