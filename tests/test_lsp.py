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

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from conftest import STORY  # noqa: E402
from lsprotocol import types as t  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from adventure.story.load_scenes import SCENE_KEYS  # noqa: E402
from adventure.story.loader import load_story  # noqa: E402

SCRIPT = Path(sys.executable).parent / "adventure"
DEADLINE = 60  # seconds a message may take on a loaded machine before the test fails
pytestmark = pytest.mark.asyncio


@contextlib.asynccontextmanager
async def served(root: Path, *args: str):
    config = pytest_lsp.ClientServerConfig(server_command=[str(SCRIPT), "lsp", *args])
    client = await config.start()
    await client.initialize_session(t.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=from_fs_path(str(root))))
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


def uri(path: Path) -> str:
    return from_fs_path(str(path.resolve()))


def open_file(client, path: Path, text: str | None = None) -> None:
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(
        uri=uri(path), language_id="yaml", version=1,
        text=path.read_text("utf-8") if text is None else text)))


_versions: dict[str, int] = {}


def change(client, path: Path, text: str) -> None:
    """Replace a buffer's whole text, unsaved."""
    u = uri(path)
    _versions[u] = _versions.get(u, 1) + 1
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        t.VersionedTextDocumentIdentifier(uri=u, version=_versions[u]),
        [t.TextDocumentContentChangeWholeDocument(text=text)]))


async def diagnostics(client, path: Path, until) -> list[t.Diagnostic]:
    """The diagnostics of a file once `until(them)` holds."""
    async def wait():
        while True:
            found = client.diagnostics.get(uri(path))
            if found is not None and until(found):
                return found
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return await asyncio.wait_for(wait(), DEADLINE)


def pos_of(text: str, needle: str, nth: int = 0, inside: int = 0) -> t.Position:
    """The position of the nth `needle` in a text, `inside` characters into it."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += inside
    line = text.count("\n", 0, at)
    return t.Position(line, at - (text.rfind("\n", 0, at) + 1))


def text_at(path: Path, r: t.Range) -> str:
    line = path.read_text("utf-8").split("\n")[r.start.line]
    return line[r.start.character:r.end.character]


@pytest.fixture
def campaign(tmp_path):
    root = tmp_path / "story"
    shutil.copytree(STORY, root)
    return root, load_story(root, str(root))


def cross_file_exit(story):
    """A scene with an exit or action `to:` a scene defined in another file."""
    for s in story.scenes.values():
        for a in s.actions:
            if a.to and story.scenes[a.to].loc.file != s.loc.file and a.loc.line:
                return s, a.to
    raise AssertionError("the campaign has no cross-file move")


def to_line(path: Path, target: str, after: int) -> t.Position:
    """Where `to: target` first appears at or after a line (from 1), on its target."""
    lines = path.read_text("utf-8").split("\n")
    for i in range(after - 1, len(lines)):
        m = re.search(rf"\bto: *{re.escape(target)}\b", lines[i])
        if m:
            return t.Position(i, m.end() - len(target))
    raise AssertionError(f"no 'to: {target}' after line {after}")


# -- diagnostics -------------------------------------------------------------------------

async def test_the_campaign_opens_clean_and_a_typo_in_to_shows_and_clears(campaign):
    root, story = campaign
    scene, target = cross_file_exit(story)
    path = Path(scene.loc.file)
    text = path.read_text("utf-8")
    async with served(root, "--random", "0") as client:
        open_file(client, path)
        found = await diagnostics(client, path, lambda d: True)
        assert [d for d in found if d.severity == t.DiagnosticSeverity.Error] == []
        at = to_line(path, target, scene.loc.line)
        lines = text.split("\n")
        lines[at.line] = lines[at.line][:at.character] + target + "x" + \
            lines[at.line][at.character + len(target):]
        change(client, path, "\n".join(lines))  # unsaved: only the buffer has the typo
        found = await diagnostics(client, path, lambda d: any(
            "unknown scene" in x.message for x in d))
        bad = next(x for x in found if "unknown scene" in x.message)
        assert bad.severity == t.DiagnosticSeverity.Error
        assert (bad.range.start.line, bad.range.start.character) == (at.line, at.character)
        assert bad.range.end.character == at.character + len(target) + 1
        assert f"did you mean '{target}'" in bad.message
        change(client, path, text)
        await diagnostics(client, path, lambda d: not any(
            x.severity == t.DiagnosticSeverity.Error for x in d))


async def test_an_edit_in_one_file_breaks_another(campaign):
    root, story = campaign
    scene, target = cross_file_exit(story)
    there = Path(story.scenes[target].loc.file)
    here = Path(scene.loc.file)
    text = there.read_text("utf-8")
    async with served(root, "--random", "0") as client:
        open_file(client, there)
        await diagnostics(client, there, lambda d: True)
        line = story.scenes[target].loc.line
        lines = text.split("\n")
        lines[line - 1] = lines[line - 1].replace(f"{target}:", f"{target}_gone:", 1)
        change(client, there, "\n".join(lines))
        found = await diagnostics(client, here, lambda d: any(
            f"unknown scene '{target}'" in x.message for x in d))
        assert all(x.range.start.line >= 0 for x in found)


async def test_a_broken_file_gets_a_located_syntax_error_and_keeps_its_symbols(campaign):
    root, story = campaign
    scene, target = cross_file_exit(story)
    path = Path(scene.loc.file)
    text = path.read_text("utf-8")
    async with served(root, "--random", "0") as client:
        open_file(client, path)
        await diagnostics(client, path, lambda d: True)
        before = await client.text_document_document_symbol_async(
            t.DocumentSymbolParams(t.TextDocumentIdentifier(uri(path))))
        broken = text + "\nscenes: [unclosed\n"
        change(client, path, broken)
        found = await diagnostics(client, path, lambda d: any(
            "YAML syntax" in x.message for x in d))
        syntax = next(x for x in found if "YAML syntax" in x.message)
        assert syntax.range.start.line >= len(text.split("\n")) - 1
        after = await client.text_document_document_symbol_async(
            t.DocumentSymbolParams(t.TextDocumentIdentifier(uri(path))))
        assert [s.name for s in after] == [s.name for s in before]
        at = to_line(path, target, scene.loc.line)
        found_def = await client.text_document_definition_async(t.DefinitionParams(
            t.TextDocumentIdentifier(uri(path)), at))
        assert found_def and found_def[0].uri == uri(Path(story.scenes[target].loc.file))


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
    async with served(root, "--random", "5") as client:
        open_file(client, path)
        await diagnostics(client, path, lambda d: True)
        client.text_document_did_save(t.DidSaveTextDocumentParams(
            t.TextDocumentIdentifier(uri(path))))
        found = await diagnostics(client, path, lambda d: any(
            "random play" in x.message for x in d))
        never = next(x for x in found if "random play" in x.message)
        assert "never reached in 5 random games" in never.message
        assert never.range.start.line == 14  # the ending 'out'


# -- navigation ----------------------------------------------------------------------------

async def test_definition_and_references_across_files(campaign):
    root, story = campaign
    scene, target = cross_file_exit(story)
    path = Path(scene.loc.file)
    async with served(root, "--random", "0") as client:
        open_file(client, path)
        at = to_line(path, target, scene.loc.line)
        found = await client.text_document_definition_async(t.DefinitionParams(
            t.TextDocumentIdentifier(uri(path)), at))
        loc = story.scenes[target].loc
        assert [(f.uri, f.range.start.line + 1, f.range.start.character + 1)
                for f in found] == [(uri(Path(loc.file)), loc.line, loc.col)]
        refs = await client.text_document_references_async(t.ReferenceParams(
            context=t.ReferenceContext(True), text_document=t.TextDocumentIdentifier(uri(path)),
            position=at))
        assert len(refs) >= 2
        for r in refs:
            assert text_at(Path(from_fs_to(r.uri)), r.range) == target


def from_fs_to(u: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(u) or u


async def test_a_variable_in_a_guard_jumps_to_its_declaration(campaign):
    root, story = campaign
    var, loc = next((v, loc) for v, loc in story.info.var_locs.items()
                    if v in story.info.reads and v in story.info.writes)
    for s in story.scenes.values():
        for a in s.actions:
            if a.when is not None and var in a.when.vars:
                guarded = s
                break
        else:
            continue
        break
    path = Path(guarded.loc.file)
    text = path.read_text("utf-8")
    lines = text.split("\n")
    row = next(i for i in range(guarded.loc.line, len(lines))
               if re.search(rf"when:.*\b{var}\b", lines[i]))
    col = re.search(rf"\b{var}\b", lines[row].split("when:", 1)[1]).start() + \
        lines[row].index("when:") + 5
    async with served(root, "--random", "0") as client:
        open_file(client, path)
        found = await client.text_document_definition_async(t.DefinitionParams(
            t.TextDocumentIdentifier(uri(path)), t.Position(row, col + 1)))
        assert [(f.uri, f.range.start.line + 1) for f in found] == [
            (uri(Path(loc.file)), loc.line)]
        info = await client.text_document_hover_async(t.HoverParams(
            t.TextDocumentIdentifier(uri(path)), t.Position(row, col)))
        assert f"variable `{var}`" in info.contents.value
        assert "set at" in info.contents.value


# -- completion, hover, symbols ---------------------------------------------------------------

async def test_completion_of_keys_scene_ids_variables_and_things(campaign):
    root, story = campaign
    scene = story.scenes[story.start]
    path = Path(scene.loc.file)
    text = path.read_text("utf-8")
    lines = text.split("\n")
    head = lines[scene.loc.line - 1]
    indent = " " * (len(head) - len(head.lstrip()) + 2)
    async with served(root, "--random", "0") as client:
        open_file(client, path)

        async def labels(new_line: str) -> set[str]:
            edited = lines[:scene.loc.line] + [new_line] + lines[scene.loc.line:]
            change(client, path, "\n".join(edited))
            got = await client.text_document_completion_async(t.CompletionParams(
                t.TextDocumentIdentifier(uri(path)),
                t.Position(scene.loc.line, len(new_line))))
            return {i.label for i in (got.items if hasattr(got, "items") else got)}

        assert await labels(indent + "ti") >= set(SCENE_KEYS)
        assert await labels(f"{indent}fallback: {{to: ") == set(story.scenes)
        assert set(story.initial) <= await labels(f"{indent}variants: [{{when: ")
        # scenery entries become things with generated ids that no author writes
        authored = {k for k in story.things if not k.startswith("scenery.")}
        assert authored <= await labels(indent + "on_enter: [give ")
        assert set(story.initial) <= await labels(indent + "text: the ${")


async def test_hover_shows_a_scenes_title_and_an_expressions_parse(campaign):
    root, story = campaign
    scene, target = cross_file_exit(story)
    path = Path(scene.loc.file)
    async with served(root, "--random", "0") as client:
        open_file(client, path)
        at = to_line(path, target, scene.loc.line)
        info = await client.text_document_hover_async(t.HoverParams(
            t.TextDocumentIdentifier(uri(path)), at))
        assert story.scenes[target].title in info.contents.value
        lines = path.read_text("utf-8").split("\n")
        row = next(i for i, line in enumerate(lines) if re.search(r"\bwhen: .* and ", line))
        col = lines[row].index(" and ") + 2
        info = await client.text_document_hover_async(t.HoverParams(
            t.TextDocumentIdentifier(uri(path)), t.Position(row, col)))
        assert "parses as `(" in info.contents.value and " and " in info.contents.value


async def test_document_symbols_list_the_files_scenes_and_things(campaign):
    root, story = campaign
    path = Path(story.scenes[story.start].loc.file)
    async with served(root, "--random", "0") as client:
        open_file(client, path)
        found = await client.text_document_document_symbol_async(
            t.DocumentSymbolParams(t.TextDocumentIdentifier(uri(path))))
        scenes = {s.name for s in found if s.kind == t.SymbolKind.Module}
        assert scenes == {s.id for s in story.scenes.values() if s.loc.file == str(path)}
        inner = {c.name for s in found for c in (s.children or [])
                 if c.kind == t.SymbolKind.Object}
        top = {s.name for s in found if s.kind == t.SymbolKind.Object}
        assert inner | top == {x.id for x in story.things.values()
                               if x.loc.file == str(path) and not x.id.startswith("scenery.")}


# -- rename --------------------------------------------------------------------------------------

async def test_rename_a_scene_across_files_and_refuse_an_existing_id(campaign):
    root, story = campaign
    scene, target = cross_file_exit(story)
    path = Path(scene.loc.file)
    async with served(root, "--random", "0") as client:
        open_file(client, path)
        at = to_line(path, target, scene.loc.line)
        other = next(s for s in story.scenes if s != target)
        with pytest.raises(JsonRpcException, match=f"a scene '{other}' already exists"):
            await client.text_document_rename_async(t.RenameParams(
                t.TextDocumentIdentifier(uri(path)), at, other))
        edit = await client.text_document_rename_async(t.RenameParams(
            t.TextDocumentIdentifier(uri(path)), at, "renamed_scene"))
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
