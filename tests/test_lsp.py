"""`adventure lsp` driven through the console script as an editor drives it: pytest-lsp's
client over the server's stdin and stdout. Every test waits for the messages it needs
(diagnostics are notifications: it waits for the next one until they say what it
expects, under a deadline), never sleeps. Positions and ids come from the story itself,
never from a list of the campaign's content."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from conftest import STORY  # noqa: E402
from lsprotocol import types as t  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402
from pygls.uris import from_fs_path, to_fs_path  # noqa: E402

from adventure.story.load_scenes import SCENE_KEYS  # noqa: E402
from adventure.story.loader import load_story  # noqa: E402

SCRIPT = Path(sys.executable).parent / "adventure"
DEADLINE = 60  # seconds a message may take on a loaded machine before the test fails
pytestmark = pytest.mark.asyncio


class Editor:
    """The client as an editor drives it: a buffer's version per file, and each request
    the tests make on a file (and a position in it)."""

    def __init__(self, client) -> None:
        self.client = client
        self.versions: dict[str, int] = {}

    def open(self, path: Path, text: str | None = None) -> None:
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(
            uri=uri(path), language_id="yaml", version=1,
            text=path.read_text("utf-8") if text is None else text)))

    def change(self, path: Path, text: str) -> None:
        """Replace a buffer's whole text, unsaved."""
        u = uri(path)
        self.versions[u] = self.versions.get(u, 1) + 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=u, version=self.versions[u]),
            [t.TextDocumentContentChangeWholeDocument(text=text)]))

    def save(self, path: Path) -> None:
        self.client.text_document_did_save(t.DidSaveTextDocumentParams(doc(path)))

    async def diagnostics(self, path: Path, until) -> list[t.Diagnostic]:
        """The diagnostics of a file once `until(them)` holds."""
        async def wait():
            while True:
                found = self.client.diagnostics.get(uri(path))
                if found is not None and until(found):
                    return found
                await self.client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return await asyncio.wait_for(wait(), DEADLINE)

    async def definition(self, path: Path, at: t.Position) -> list[t.Location]:
        return await self.client.text_document_definition_async(
            t.DefinitionParams(doc(path), at))

    async def references(self, path: Path, at: t.Position) -> list[t.Location]:
        return await self.client.text_document_references_async(t.ReferenceParams(
            context=t.ReferenceContext(True), text_document=doc(path), position=at))

    async def hover(self, path: Path, at: t.Position) -> str:
        info = await self.client.text_document_hover_async(t.HoverParams(doc(path), at))
        return info.contents.value

    async def completion(self, path: Path, at: t.Position) -> set[str]:
        got = await self.client.text_document_completion_async(
            t.CompletionParams(doc(path), at))
        return {i.label for i in (got.items if hasattr(got, "items") else got)}

    async def symbols(self, path: Path) -> list[t.DocumentSymbol]:
        return await self.client.text_document_document_symbol_async(
            t.DocumentSymbolParams(doc(path)))

    async def rename(self, path: Path, at: t.Position, new: str) -> t.WorkspaceEdit:
        return await self.client.text_document_rename_async(t.RenameParams(doc(path), at, new))


@contextlib.asynccontextmanager
async def editing(root: Path, *open_paths: Path, random: int = 0):
    """`adventure lsp` serving a story folder (random play on save: `random` games),
    with files open in it."""
    config = pytest_lsp.ClientServerConfig(
        server_command=[str(SCRIPT), "lsp", "--random", str(random)])
    client = await config.start()
    await client.initialize_session(t.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=from_fs_path(str(root))))
    editor = Editor(client)
    try:
        for path in open_paths:
            editor.open(path)
        yield editor
    finally:
        await client.shutdown_session()
        await client.stop()


def uri(path: Path) -> str:
    return from_fs_path(str(path.resolve()))


def doc(path: Path) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri(path))


def text_at(path: Path, r: t.Range) -> str:
    line = path.read_text("utf-8").split("\n")[r.start.line]
    return line[r.start.character:r.end.character]


@pytest.fixture
def campaign(tmp_path):
    root = tmp_path / "story"
    shutil.copytree(STORY, root)
    return root, load_story(root, str(root))


class Move(NamedTuple):
    """A scene with an exit or action `to:` a scene another file defines, and where."""
    root: Path
    story: Any
    scene: Any
    target: str
    path: Path  # the file of `scene`
    at: t.Position  # on the target of its `to:`


@pytest.fixture
def move(campaign) -> Move:
    root, story = campaign
    for s in story.scenes.values():
        for a in s.actions:
            if a.to and story.scenes[a.to].loc.file != s.loc.file and a.loc.line:
                path = Path(s.loc.file)
                return Move(root, story, s, a.to, path, to_line(path, a.to, s.loc.line))
    raise AssertionError("the campaign has no cross-file move")


def to_line(path: Path, target: str, after: int) -> t.Position:
    """Where `to: target` first appears at or after a line (from 1), on its target."""
    lines = path.read_text("utf-8").split("\n")
    for i in range(after - 1, len(lines)):
        m = re.search(rf"\bto: *{re.escape(target)}\b", lines[i])
        if m:
            return t.Position(i, m.end() - len(target))
    raise AssertionError(f"no 'to: {target}' after line {after}")


def from_fs_to(u: str) -> str:
    return to_fs_path(u) or u


def is_error(d: t.Diagnostic) -> bool:
    return d.severity == t.DiagnosticSeverity.Error


# -- diagnostics -------------------------------------------------------------------------

async def test_the_campaign_opens_clean_and_a_typo_in_to_shows_and_clears(move):
    text = move.path.read_text("utf-8")
    at, target = move.at, move.target
    async with editing(move.root, move.path) as editor:
        found = await editor.diagnostics(move.path, lambda d: True)
        assert [d for d in found if is_error(d)] == []
        lines = text.split("\n")
        lines[at.line] = lines[at.line][:at.character] + target + "x" + \
            lines[at.line][at.character + len(target):]
        editor.change(move.path, "\n".join(lines))  # unsaved: only the buffer has the typo
        found = await editor.diagnostics(move.path, lambda d: any(
            "unknown scene" in x.message for x in d))
        bad = next(x for x in found if "unknown scene" in x.message)
        assert is_error(bad)
        assert (bad.range.start.line, bad.range.start.character) == (at.line, at.character)
        assert bad.range.end.character == at.character + len(target) + 1
        assert f"did you mean '{target}'" in bad.message
        editor.change(move.path, text)
        await editor.diagnostics(move.path, lambda d: not any(is_error(x) for x in d))


async def test_an_edit_in_one_file_breaks_another(move):
    target = move.target
    there = Path(move.story.scenes[target].loc.file)
    text = there.read_text("utf-8")
    async with editing(move.root, there) as editor:
        await editor.diagnostics(there, lambda d: True)
        line = move.story.scenes[target].loc.line
        lines = text.split("\n")
        lines[line - 1] = lines[line - 1].replace(f"{target}:", f"{target}_gone:", 1)
        editor.change(there, "\n".join(lines))
        found = await editor.diagnostics(move.path, lambda d: any(
            f"unknown scene '{target}'" in x.message for x in d))
        assert all(x.range.start.line >= 0 for x in found)


async def test_a_broken_file_gets_a_located_syntax_error_and_keeps_its_symbols(move):
    text = move.path.read_text("utf-8")
    async with editing(move.root, move.path) as editor:
        await editor.diagnostics(move.path, lambda d: True)
        before = await editor.symbols(move.path)
        editor.change(move.path, text + "\nscenes: [unclosed\n")
        found = await editor.diagnostics(move.path, lambda d: any(
            "YAML syntax" in x.message for x in d))
        syntax = next(x for x in found if "YAML syntax" in x.message)
        assert syntax.range.start.line >= len(text.split("\n")) - 1
        after = await editor.symbols(move.path)
        assert [s.name for s in after] == [s.name for s in before]
        found_def = await editor.definition(move.path, move.at)
        assert found_def and found_def[0].uri == uri(
            Path(move.story.scenes[move.target].loc.file))


async def test_random_play_runs_on_save_and_reports_in_the_background(tmp_path):
    root = tmp_path / "st"
    root.mkdir()
    (root / "s.yaml").write_text(
        "story:\n  id: t\n  title: T\n  start: hall\n"
        "scenes:\n  hall:\n    title: Hall\n    text: A hall.\n"
        "    actions:\n      - commands: [wait]\n        text: Time passes.\n"
        "      - commands: [leave]\n        when: turn > 900\n        to: out\n"
        "  out:\n    title: Out\n    ending: {kind: good}\n")
    path = root / "s.yaml"
    async with editing(root, path, random=5) as editor:
        await editor.diagnostics(path, lambda d: True)
        editor.save(path)
        found = await editor.diagnostics(path, lambda d: any(
            "random play" in x.message for x in d))
        never = next(x for x in found if "random play" in x.message)
        assert "never reached in 5 random games" in never.message
        assert never.range.start.line == 14  # the ending 'out'


@pytest.mark.parametrize("guard", ["when: >-\n          alarm and\n          trsut > 2",
                                   "when: 'alarm and\n\n          trsut > 2'",
                                   "when: alarm and\n          trsut > 2"])
async def test_an_error_inside_a_multi_line_value_is_underlined_where_written(tmp_path, guard):
    root = tmp_path / "st"
    root.mkdir()
    text = ("story:\n  id: t\n  title: T\n  start: hall\n  state:\n    trust: 0\n"
            "    alarm: false\nscenes:\n  hall:\n    title: Hall\n    text: A hall.\n"
            f"    actions:\n      - commands: [wait]\n        {guard}\n")
    path = root / "s.yaml"
    path.write_text(text)
    async with editing(root, path) as editor:
        found = await editor.diagnostics(path, lambda d: any("trsut" in x.message for x in d))
    bad = next(x for x in found if "trsut" in x.message)
    at = text.index("trsut")
    assert (bad.range.start.line, bad.range.start.character) == (
        text.count("\n", 0, at), at - text.rfind("\n", 0, at) - 1)


# -- navigation ----------------------------------------------------------------------------

async def test_definition_and_references_across_files(move):
    async with editing(move.root, move.path) as editor:
        found = await editor.definition(move.path, move.at)
        loc = move.story.scenes[move.target].loc
        assert [(f.uri, f.range.start.line + 1, f.range.start.character + 1)
                for f in found] == [(uri(Path(loc.file)), loc.line, loc.col)]
        refs = await editor.references(move.path, move.at)
        assert len(refs) >= 2
        for r in refs:
            assert text_at(Path(from_fs_to(r.uri)), r.range) == move.target


async def test_a_variable_in_a_guard_jumps_to_its_declaration(campaign):
    root, story = campaign
    var, loc = next((v, loc) for v, loc in story.info.var_locs.items()
                    if v in story.info.reads and v in story.info.writes)
    guarded = next(s for s in story.scenes.values()
                   if any(a.when is not None and var in a.when.vars for a in s.actions))
    path = Path(guarded.loc.file)
    lines = path.read_text("utf-8").split("\n")
    row = next(i for i in range(guarded.loc.line, len(lines))
               if re.search(rf"when:.*\b{var}\b", lines[i]))
    col = re.search(rf"\b{var}\b", lines[row].split("when:", 1)[1]).start() + \
        lines[row].index("when:") + 5
    async with editing(root, path) as editor:
        found = await editor.definition(path, t.Position(row, col + 1))
        assert [(f.uri, f.range.start.line + 1) for f in found] == [
            (uri(Path(loc.file)), loc.line)]
        info = await editor.hover(path, t.Position(row, col))
        assert f"variable `{var}`" in info
        assert "set at" in info


# -- completion, hover, symbols ---------------------------------------------------------------

async def test_completion_of_keys_scene_ids_variables_and_things(campaign):
    root, story = campaign
    scene = story.scenes[story.start]
    path = Path(scene.loc.file)
    lines = path.read_text("utf-8").split("\n")
    head = lines[scene.loc.line - 1]
    indent = " " * (len(head) - len(head.lstrip()) + 2)
    async with editing(root, path) as editor:

        async def labels(new_line: str) -> set[str]:
            edited = lines[:scene.loc.line] + [new_line] + lines[scene.loc.line:]
            editor.change(path, "\n".join(edited))
            return await editor.completion(path, t.Position(scene.loc.line, len(new_line)))

        assert await labels(indent + "ti") >= set(SCENE_KEYS)
        assert await labels(f"{indent}fallback: {{to: ") == set(story.scenes)
        assert set(story.initial) <= await labels(f"{indent}variants: [{{when: ")
        # scenery entries become things with generated ids that no author writes
        authored = {k for k in story.things if not k.startswith("scenery.")}
        assert authored <= await labels(indent + "on_enter: [give ")
        assert set(story.initial) <= await labels(indent + "text: the ${")


async def test_hover_shows_a_scenes_title_and_an_expressions_parse(move):
    async with editing(move.root, move.path) as editor:
        assert move.story.scenes[move.target].title in await editor.hover(move.path, move.at)
        lines = move.path.read_text("utf-8").split("\n")
        row = next(i for i, line in enumerate(lines) if re.search(r"\bwhen: .* and ", line))
        col = lines[row].index(" and ") + 2
        info = await editor.hover(move.path, t.Position(row, col))
        assert "parses as `(" in info and " and " in info


async def test_document_symbols_list_the_files_scenes_and_things(campaign):
    root, story = campaign
    path = Path(story.scenes[story.start].loc.file)
    async with editing(root, path) as editor:
        found = await editor.symbols(path)
        scenes = {s.name for s in found if s.kind == t.SymbolKind.Module}
        assert scenes == {s.id for s in story.scenes.values() if s.loc.file == str(path)}
        inner = {c.name for s in found for c in (s.children or [])
                 if c.kind == t.SymbolKind.Object}
        top = {s.name for s in found if s.kind == t.SymbolKind.Object}
        assert inner | top == {x.id for x in story.things.values()
                               if x.loc.file == str(path) and not x.id.startswith("scenery.")}


# -- rename --------------------------------------------------------------------------------------

async def test_rename_a_scene_across_files_and_refuse_an_existing_id(move):
    root, target = move.root, move.target
    async with editing(root, move.path) as editor:
        other = next(s for s in move.story.scenes if s != target)
        with pytest.raises(JsonRpcException, match=f"a scene '{other}' already exists"):
            await editor.rename(move.path, move.at, other)
        edit = await editor.rename(move.path, move.at, "renamed_scene")
    assert len(edit.changes) >= 2
    for u, edits in edit.changes.items():
        file = Path(from_fs_to(u))
        lines = file.read_text("utf-8").split("\n")
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                        reverse=True):
            assert text_at(file, e.range) == target
            r = e.range
            line = lines[r.start.line]
            lines[r.start.line] = line[:r.start.character] + e.new_text + \
                line[r.end.character:]
        file.write_text("\n".join(lines), "utf-8")
    renamed = load_story(root, str(root))
    assert "renamed_scene" in renamed.scenes and target not in renamed.scenes
    # the story tests named the scene too: they were renamed with it and still pass
    tests = subprocess.run([str(SCRIPT), "test", "--story", str(root)], capture_output=True,
                           text=True, timeout=DEADLINE * 5)
    assert tests.returncode == 0, tests.stdout + tests.stderr


async def test_a_yaml_alias_is_one_occurrence_for_the_editor():
    """The campaign shares the companion's description by a YAML alias: a rename of a
    scene it names must edit the anchor's text once, not once per use."""
    from adventure.author.lsp_index import index_file
    from adventure.story.yamlsrc import load_source

    text = ("things:\n  a:\n    description: &look ${if at(deck)}Here.${end}\n"
            "  b:\n    description: *look\n")
    data, _ = load_source(text, "f.yaml")
    occs = [o for o in index_file("f.yaml", text, data).occs if o.ident == "deck"]
    assert len(occs) == 1 and occs[0].line == 3


async def test_scenery_texts_name_scenes_for_the_editor():
    """A `scenery:` description (a file's shared one or a scene's) is a text: a scene it
    names is found there, so a rename edits it too (it was left behind: 'unknown scene')."""
    from adventure.author.lsp_index import index_file
    from adventure.story.yamlsrc import load_source

    text = ('scenery:\n  ship, runabout: "Small.${if at(deck)} Home.${end}"\n'
            'scenes:\n  deck:\n    title: Deck\n    text: A deck.\n'
            '    scenery:\n      console: ${if at(deck)}Lit.${end}\n')
    data, _ = load_source(text, "f.yaml")
    index = index_file("f.yaml", text, data)
    lines = text.split("\n")
    for line in (2, 8):
        col = lines[line - 1].index("at(deck)") + 4  # columns count from 1
        found = index.at(line, col)
        assert found is not None and found.ident == "deck", (line, index.occs)


async def test_a_place_compared_with_location_is_a_reference():
    """`location(padd) == "deck"`: the string names a place, so a rename edits it (a
    rename of the campaign's cockpit left "runabout" there and broke two story tests)."""
    from adventure.author.lsp_index import index_file
    from adventure.story.yamlsrc import load_source

    text = ('scenes:\n  deck:\n    title: Deck\n'
            '    text: ${if location(padd) == "deck"}Here.${end}'
            '${if "deck" != location(a)}.${end}\n')
    data, _ = load_source(text, "f.yaml")
    occs = [o for o in index_file("f.yaml", text, data).occs
            if o.ident == "deck" and o.line == 4]
    line = text.split("\n")[3]
    assert sorted(o.col for o in occs) == [line.index('"deck"') + 2, line.rindex('"deck"') + 2]
