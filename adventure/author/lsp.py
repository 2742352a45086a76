"""`adventure lsp`: a Language Server Protocol server over stdio for story folders.

Errors as the author types: every open buffer is laid over its story folder and the
whole folder is checked by the same loader and warnings as `adventure check` (debounced
after each change; an edit in one file can break another). The random-play part of the
check runs only on save, in a worker process, so it never holds up typing. Go to
definition, references, rename, hover, completion and the outline answer from the index
of every id (lsp_index), kept per file: a file that stops parsing keeps its last index.

Needs pygls (`pip install '.[lsp]'`); everything it answers with is worked out in
lsp_folder and lsp_complete, which do not import it."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .lsp_complete import complete
from .lsp_folder import Folder, play_check
from .lsp_index import Occ, Symbol

DEBOUNCE = 0.15  # seconds of quiet after a change before the folder is checked again
REQUEST_FAILED = -32803
_SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning,
             "note": t.DiagnosticSeverity.Information}
_SYMBOL = {"scene": t.SymbolKind.Module, "thing": t.SymbolKind.Object,
           "action": t.SymbolKind.Method, "event": t.SymbolKind.Event,
           "puzzle": t.SymbolKind.Interface, "variable": t.SymbolKind.Variable}
_ITEM = {"key": t.CompletionItemKind.Property, "scene": t.CompletionItemKind.Module,
         "thing": t.CompletionItemKind.Value, "action": t.CompletionItemKind.Method,
         "event": t.CompletionItemKind.Event, "puzzle": t.CompletionItemKind.Interface,
         "variable": t.CompletionItemKind.Variable,
         "function": t.CompletionItemKind.Function, "keyword": t.CompletionItemKind.Keyword}


def path_of(uri: str) -> Path:
    return Path(to_fs_path(uri) or unquote(urlparse(uri).path))


def story_root(path: Path) -> Path:
    """The story folder a file belongs to: the highest folder above it that still holds
    .yaml files directly (story/ holds its files; branches/ inside it counts too)."""
    folder = path.parent
    while folder.parent != folder and any(folder.parent.glob("*.yaml")) \
            and folder.name != "tests":
        folder = folder.parent
    if folder.name == "tests" and any(folder.parent.glob("*.yaml")):
        folder = folder.parent
    return folder


class StoryServer(LanguageServer):
    """The server: story folders by root, their pending checks and random plays."""

    def __init__(self) -> None:
        from .. import __version__

        super().__init__("adventure-lsp", __version__)
        self.folders: dict[Path, Folder] = {}
        self.story_option: Path | None = None
        self.games = 1000  # random games on save, as `adventure check` plays
        self.debounce = DEBOUNCE
        self.pending: dict[Path, asyncio.TimerHandle] = {}
        self.published: dict[str, list[t.Diagnostic]] = {}
        self.play_found: dict[Path, dict[str, list[t.Diagnostic]]] = {}
        self.play_run: dict[Path, int] = {}
        self._pool: ProcessPoolExecutor | None = None

    # -- folders and documents -----------------------------------------------------------
    def folder_of(self, uri: str) -> tuple[Folder, str] | None:
        path = path_of(uri).resolve()
        root = self.story_option or story_root(path)
        folder = self.folders.get(root)
        if folder is None:
            folder = self.folders[root] = Folder(root, settle=True)
        if not folder.holds(path):
            return None
        return folder, folder.name(path)

    def check_now(self, folder: Folder) -> None:
        self.pending.pop(folder.root, None)
        found = folder.check()
        extra = self.play_found.get(folder.root, {})
        for name, problems in found.items():
            diags = [diagnostic(d.loc.line, d.loc.col, d.message, d.severity, folder, name)
                     for d in problems] + extra.get(name, [])
            uri = from_fs_path(name) or name
            if self.published.get(uri) != diags:
                self.published[uri] = diags
                self.text_document_publish_diagnostics(
                    t.PublishDiagnosticsParams(uri=uri, diagnostics=diags))
        for uri in [u for u in self.published if path_of(u).resolve().is_relative_to(
                folder.root) and str(path_of(u).resolve()) not in found]:
            del self.published[uri]  # a file that left the folder: clear what it showed
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def schedule(self, folder: Folder) -> None:
        old = self.pending.pop(folder.root, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        self.pending[folder.root] = loop.call_later(self.debounce, self.check_now, folder)

    async def play(self, folder: Folder) -> None:
        """Random play of the saved story, in a worker process; a later save wins."""
        if not self.games or folder.story is None or any(
                d.severity == "error" for d in folder.problems):
            return
        run = self.play_run[folder.root] = self.play_run.get(folder.root, 0) + 1
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        loop = asyncio.get_running_loop()
        try:
            found = await loop.run_in_executor(self._pool, play_check, folder.display,
                                               self.games, 0)
        except Exception as exc:  # noqa: BLE001 - a broken worker must not stop the server
            self.window_log_message(t.LogMessageParams(t.MessageType.Error,
                                                       f"random play failed: {exc}"))
            return
        if self.play_run.get(folder.root) != run:
            return
        extra: dict[str, list[t.Diagnostic]] = {}
        for file, line, col, message, severity in found:
            extra.setdefault(file, []).append(
                diagnostic(line, col, f"{message} (random play)", severity, folder, file))
        self.play_found[folder.root] = extra
        self.check_now(folder)

    def shutdown_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def diagnostic(line: int, col: int, message: str, severity: str, folder: Folder,
               name: str) -> t.Diagnostic:
    """A problem as the editor shows it: under the word it points at."""
    ix = folder.indexes.get(name)
    lines = ix.lines if ix is not None else []
    row, start = max(line - 1, 0), max(col - 1, 0)
    text = lines[row] if row < len(lines) else ""
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] in "_."):
        end += 1
    if end == start:
        end = len(text) if start == 0 else start + 1
    return t.Diagnostic(range=t.Range(t.Position(row, start), t.Position(row, end)),
                        message=message, severity=_SEVERITY.get(severity),
                        source="adventure")


def span(o: Occ) -> t.Range:
    return t.Range(t.Position(o.line - 1, o.col - 1), t.Position(o.line - 1,
                                                                  o.col - 1 + o.length))


def location(name: str, o: Occ) -> t.Location:
    return t.Location(uri=from_fs_path(name) or name, range=span(o))


def outline(s: Symbol) -> t.DocumentSymbol:
    at = t.Range(t.Position(s.line - 1, s.col - 1), t.Position(s.line - 1,
                                                               s.col - 1 + len(s.ident)))
    whole = t.Range(t.Position(s.line - 1, 0), t.Position(max(s.end, s.line), 0))
    return t.DocumentSymbol(name=s.ident, kind=_SYMBOL[s.kind], range=whole,
                            selection_range=at, detail=s.detail or s.kind,
                            children=[outline(c) for c in s.children])


server = StoryServer()


def _where(uri: str) -> tuple[Folder, str]:
    found = server.folder_of(uri)
    if found is None:
        raise JsonRpcException(f"{path_of(uri)} is not a file of a story folder",
                               REQUEST_FAILED)
    return found


def _lines(folder: Folder, name: str, uri: str) -> list[str]:
    with contextlib.suppress(Exception):
        return list(server.workspace.get_text_document(uri).lines)
    ix = folder.indexes.get(name)
    return ix.lines if ix is not None else []


@server.feature(t.INITIALIZE)
def initialize(ls: StoryServer, params: t.InitializeParams) -> None:
    options: Any = params.initialization_options or {}
    if isinstance(options, dict):
        if isinstance(options.get("story"), str):
            ls.story_option = Path(options["story"]).expanduser().resolve()
        if isinstance(options.get("randomGames"), int) and options["randomGames"] >= 0:
            ls.games = options["randomGames"]
        if isinstance(options.get("debounce"), int | float) and options["debounce"] >= 0:
            ls.debounce = options["debounce"] / 1000


@server.feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: StoryServer, params: t.DidOpenTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is not None:
        folder, name = found
        folder.buffers[Path(name)] = params.text_document.text
        ls.check_now(folder)


@server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: StoryServer, params: t.DidChangeTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is not None:
        folder, name = found
        folder.buffers[Path(name)] = ls.workspace.get_text_document(
            params.text_document.uri).source
        ls.play_found.get(folder.root, {}).pop(name, None)  # its lines may have moved
        ls.schedule(folder)


@server.feature(t.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: StoryServer, params: t.DidSaveTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is not None:
        folder, _ = found
        ls.check_now(folder)
        await ls.play(folder)


@server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: StoryServer, params: t.DidCloseTextDocumentParams) -> None:
    found = ls.folder_of(params.text_document.uri)
    if found is not None:
        folder, name = found
        folder.buffers.pop(Path(name), None)  # the file on disk counts again
        ls.schedule(folder)


@server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_files(ls: StoryServer, params: t.DidChangeWatchedFilesParams) -> None:
    for change in params.changes:
        found = ls.folder_of(change.uri)
        if found is not None:
            ls.schedule(found[0])


@server.feature(t.TEXT_DOCUMENT_DEFINITION)
def definition(ls: StoryServer, params: t.DefinitionParams) -> list[t.Location]:
    folder, name = _where(params.text_document.uri)
    p = params.position
    return [location(n, o) for n, o in folder.definition(name, p.line + 1, p.character + 1)]


@server.feature(t.TEXT_DOCUMENT_REFERENCES)
def references(ls: StoryServer, params: t.ReferenceParams) -> list[t.Location]:
    folder, name = _where(params.text_document.uri)
    p = params.position
    return [location(n, o) for n, o in folder.references(
        name, p.line + 1, p.character + 1, params.context.include_declaration)]


@server.feature(t.TEXT_DOCUMENT_HOVER)
def hover(ls: StoryServer, params: t.HoverParams) -> t.Hover | None:
    folder, name = _where(params.text_document.uri)
    p = params.position
    text = folder.hover(name, p.line + 1, p.character + 1)
    if text is None:
        return None
    occ = folder.at(name, p.line + 1, p.character + 1)
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text),
                   range=span(occ) if occ is not None else None)


@server.feature(t.TEXT_DOCUMENT_COMPLETION,
                t.CompletionOptions(trigger_characters=[":", " ", "(", "{", "."]))
def completion(ls: StoryServer, params: t.CompletionParams) -> t.CompletionList:
    folder, name = _where(params.text_document.uri)
    lines = _lines(folder, name, params.text_document.uri)
    items = complete(folder, lines, params.position.line, params.position.character)
    return t.CompletionList(is_incomplete=False, items=[
        t.CompletionItem(label=i.label, kind=_ITEM.get(i.kind), detail=i.detail or i.kind,
                         sort_text=f"{0 if i.kind != 'keyword' else 1}{i.label}")
        for i in items])


@server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: StoryServer, params: t.PrepareRenameParams) -> t.Range | None:
    folder, name = _where(params.text_document.uri)
    p = params.position
    occ = folder.at(name, p.line + 1, p.character + 1)
    if occ is None or folder.kind_of(occ) == "action":
        return None
    return span(occ)


@server.feature(t.TEXT_DOCUMENT_RENAME)
def rename(ls: StoryServer, params: t.RenameParams) -> t.WorkspaceEdit:
    folder, name = _where(params.text_document.uri)
    p = params.position
    edits, why = folder.rename(name, p.line + 1, p.character + 1, params.new_name)
    if not edits:
        raise JsonRpcException(f"cannot rename: {why}", REQUEST_FAILED)
    changes: dict[str, list[t.TextEdit]] = {}
    for n, o, new in edits:
        uri = from_fs_path(n) or n
        changes.setdefault(uri, []).append(t.TextEdit(range=span(o), new_text=new))
    return t.WorkspaceEdit(changes=changes)


@server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(ls: StoryServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
    found = ls.folder_of(params.text_document.uri)
    if found is None:
        return []
    folder, name = found
    if name not in folder.indexes:
        ls.check_now(folder)
    ix = folder.indexes.get(name)
    return [outline(s) for s in ix.symbols] if ix is not None else []


@server.feature(t.SHUTDOWN)
def shutdown(ls: StoryServer, params: None) -> None:
    ls.shutdown_pool()


def serve() -> int:
    """Serve over stdin and stdout until the editor says exit."""
    try:
        server.start_io()
    finally:
        server.shutdown_pool()
    return 0
