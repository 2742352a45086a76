"""One story folder as an editor sees it: the files on disk with the editor's unsaved
buffers laid over them, checked by the same loader and warnings as `adventure check`,
and the index of every id (lsp_index) that definition, references, rename and hover
answer from. Nothing here knows the Language Server Protocol (lsp.py does)."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..story import expr as ex
from ..story.diagnostics import Diagnostic, Loc, StoryError
from ..story.gcpause import collector_paused
from ..story.load_context import ID
from ..story.loader import load_story
from ..story.model import Story
from ..story.places import PLACES
from ..story.reuse import SceneMemo
from ..story.yamlsrc import load_file, load_source
from .checks import SceneFacts, play_warnings, random_play, static_warnings
from .continuity import Steps, timer_warnings
from .lsp_index import PLACE, FileIndex, Occ, index_file, index_test_file

RESERVED = ex.KEYWORDS | set(ex.BUILTIN_VARS) | set(PLACES)


_TRIM: list[Callable[[int], int] | None] = []


def give_back_memory() -> None:
    """Hand the memory a check freed back to the system (glibc's malloc_trim), so that
    an editor session of a thousand edits stays the size of its first hundred: the
    objects of an old Story are freed, but glibc keeps the pages they lived on."""
    if not _TRIM:
        try:
            import ctypes

            _TRIM.append(ctypes.CDLL("libc.so.6").malloc_trim)
        except (OSError, AttributeError, ImportError):  # not glibc: nothing to hand back
            _TRIM.append(None)
    trim = _TRIM[0]
    if trim is not None:
        trim(0)


FREEZE_SLACK = 0.5  # objects made by checks, as a share of the frozen heap, before...
FREEZE_PERIOD = 100  # ...or checks before the frozen heap is collected in full again


class _Heap:
    frozen = 0  # objects frozen right after the last full collection
    grown = 0  # objects the checks made (and did not free) since
    checks = 0  # heaps settled since


def settle_heap() -> None:
    """Move what a check left alive out of the cycle collector's way (gc.freeze), so that
    its full collections stop rescanning the whole story (a 10,000-scene story: a second
    or more, every few edits). A check makes no reference cycles (tests/test_lsp_folder),
    so what the next check replaces is freed at once by reference counting, frozen or
    not. Cycles made between checks (the protocol's own objects) are mostly collected
    while young, but what is garbage at a freeze stays until the frozen heap is collected
    in full: after FREEZE_PERIOD checks, or sooner when the collector's count of objects
    made during the checks (made less freed, an estimate from above; the collector is
    paused during a check) passes FREEZE_SLACK of the heap frozen after the last full
    collection. So the frozen heap is never more than FREEZE_PERIOD checks' garbage
    above what is alive; the full collection costs about 1% of a check, amortized."""
    _Heap.grown += gc.get_count()[0]
    _Heap.checks += 1
    gc.freeze()
    if _Heap.grown > FREEZE_SLACK * _Heap.frozen or _Heap.checks >= FREEZE_PERIOD:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _Heap.frozen, _Heap.grown, _Heap.checks = gc.get_freeze_count(), 0, 0


class Folder:
    """A story folder, its open buffers, its last check and its index.

    settle: freeze the heap after each check (settle_heap): for a process that serves
    an editor, not one that shares its collector with other work (a test run)."""

    def __init__(self, root: Path, settle: bool = False) -> None:
        self.settle = settle
        self.facts = SceneFacts()  # what the checks found in each scene, reused with it
        self.root = root.resolve()
        self.display = str(self.root)
        self.buffers: dict[Path, str] = {}  # unsaved text of open files
        self._parsed: dict[Path, tuple[object, Any, list[Diagnostic]]] = {}
        self.indexes: dict[str, FileIndex] = {}  # file name -> its index (last good one)
        self.story: Story | None = None  # the last story that loaded
        self.problems: list[Diagnostic] = []
        self.files: list[str] = []  # the files of the last check
        self.memo = SceneMemo()  # the scenes of unchanged files are not compiled again

    # -- files and names -------------------------------------------------------------
    def name(self, path: Path) -> str:
        return f"{self.display}/{path.resolve().relative_to(self.root).as_posix()}"

    def path(self, name: str) -> Path:
        return Path(name)

    def holds(self, path: Path) -> bool:
        """Is this a story file of the folder (not a story test, not hidden)?"""
        try:
            rel = path.resolve().relative_to(self.root)
        except ValueError:
            return False
        return path.suffix in (".yaml", ".yml") and not any(
            p == "tests" or p.startswith(".") for p in rel.parts)

    def tests(self) -> list[Path]:
        """The story tests beside the story: a rename reaches them too."""
        found = set((self.root / "tests").glob("*.yaml")) | {
            p for p in self.buffers if p.parent == self.root / "tests"}
        return sorted(found)

    def _read(self, path: Path, name: str, test: bool = False
              ) -> tuple[Any, list[Diagnostic]]:
        """The loader's file reader: the buffer when the file is open, else the disk;
        a file whose text has not changed since the last check is not parsed again."""
        text = self.buffers.get(path)
        key: object = text
        if text is None:
            try:
                st = path.stat()
                key = (st.st_mtime_ns, st.st_size)
            except OSError:
                return load_file(path, name)
        cached = self._parsed.get(path)
        if cached is not None and cached[0] == key:
            return cached[1], list(cached[2])
        if text is None:
            data, problems = load_file(path, name)
            try:
                source = path.read_text("utf-8-sig", "replace")
            except OSError:
                source = ""
        else:
            data, problems = load_source(text, name)
            source = text
        self._parsed[path] = (key, data, problems)
        if data is not None or name not in self.indexes:
            self.indexes[name] = (index_test_file if test else index_file)(name, source, data)
        return data, list(problems)

    # -- checking ----------------------------------------------------------------------
    def check(self) -> dict[str, list[Diagnostic]]:
        """Load the whole folder as it stands in the editor; every problem and warning,
        by file name (every file of the folder has an entry, empty when clean)."""
        extra = [p for p in self.buffers if self.holds(p) and not p.exists()]
        with collector_paused():  # a check makes no cycles: nothing for the collector
            try:
                story = load_story(self.root, self.display, read=self._read, extra=extra,
                                   memo=self.memo)
            except StoryError as err:
                problems = list(err.diagnostics)
            else:
                if self.story is not None:
                    self.story.derived.clear()  # what the checks kept there points back
                self.story = story
                problems = static_warnings(story, self.facts)
                if story.events:  # (timers: nothing to say of a story without events)
                    problems += timer_warnings(story, Steps(story, self.facts))
                self.facts.finish()
            for path in self.tests():
                self._read(path, self.name(path), test=True)
        seen = {self.name(p) for p in self._parsed if p.exists() or p in self.buffers}
        for gone in [n for n in self.indexes if n not in seen]:
            del self.indexes[gone]
        self._parsed = {p: v for p, v in self._parsed.items() if self.name(p) in seen}
        self.problems = problems
        self.files = sorted(n for n in seen if self.holds(Path(n)))
        if self.settle:
            settle_heap()
        give_back_memory()
        return by_file(problems, self.files, self.display)

    # -- what an id is, where it is defined and used -----------------------------------
    def at(self, name: str, line: int, col: int) -> Occ | None:
        ix = self.indexes.get(name)
        return ix.at(line, col) if ix is not None else None

    def kind_of(self, occ: Occ) -> str:
        """A place is a scene or a thing: whichever the story defines."""
        if occ.kind != PLACE:
            return occ.kind
        return "thing" if self.find("thing", occ.ident) and not self.find(
            "scene", occ.ident) else "scene"

    def find(self, kind: str, ident: str, defs_only: bool = True
             ) -> list[tuple[str, Occ]]:
        out = []
        for name, ix in self.indexes.items():
            for o in ix.occs:
                if o.ident != ident or (defs_only and o.role != "def"):
                    continue
                if o.kind == kind or (o.kind == PLACE and kind in ("scene", "thing")
                                      and self.kind_of(o) == kind):
                    out.append((name, o))
        return out

    def definition(self, name: str, line: int, col: int) -> list[tuple[str, Occ]]:
        occ = self.at(name, line, col)
        if occ is None:
            return []
        return self.find(self.kind_of(occ), occ.ident)

    def references(self, name: str, line: int, col: int, declaration: bool = True
                   ) -> list[tuple[str, Occ]]:
        occ = self.at(name, line, col)
        if occ is None:
            return []
        found = self.find(self.kind_of(occ), occ.ident, defs_only=False)
        return [(n, o) for n, o in found if declaration or o.role != "def"]

    def rename(self, name: str, line: int, col: int, new: str
               ) -> tuple[list[tuple[str, Occ, str]], str]:
        """The edits renaming the id at a position to `new` ((file, occurrence, new
        text) each), or no edits and why not."""
        occ = self.at(name, line, col)
        if occ is None:
            return [], "there is no scene, thing or variable id here"
        kind = self.kind_of(occ)
        if kind not in ("scene", "thing", "variable", "event", "puzzle"):
            return [], f"a {kind} id cannot be renamed here"
        if not ID.match(new) or new in RESERVED:
            return [], (f"'{new}' cannot be a {kind} id: use lower-case letters, digits "
                        "and _, starting with a letter, and not a word of the language")
        if new == occ.ident:
            return [], f"the {kind} is already called '{new}'"
        clash = [k for k in ("scene", "thing") if self.find(k, new)] \
            if kind in ("scene", "thing") else [kind] if self.find(kind, new) else []
        if clash:
            n, o = self.find(clash[0], new)[0]
            return [], f"a {clash[0]} '{new}' already exists ({n}:{o.line}:{o.col})"
        edits = [(n, o, new) for n, o in self.find(kind, occ.ident, defs_only=False)]
        return edits, ""

    def about(self, kind: str, ident: str) -> str:
        for ix in self.indexes.values():
            if (kind, ident) in ix.about:
                return ix.about[(kind, ident)]
        return ""

    def hover(self, name: str, line: int, col: int) -> str | None:
        occ = self.at(name, line, col)
        if occ is None:
            src = self.indexes[name].expr_at(line) if name in self.indexes else None
            return self.parse_of(src) if src is not None else None
        kind = self.kind_of(occ)
        defs = self.find(kind, occ.ident)
        where = ", ".join(f"{short(n, self.display)}:{o.line}" for n, o in defs)
        head = f"{kind} `{occ.ident}`" + (f" (defined at {where})" if where else
                                         " (not defined anywhere)")
        parts = [head, self.about(kind, occ.ident)]
        if kind == "variable":
            sets = [f"{short(n, self.display)}:{o.line}" for n, o in
                    self.find(kind, occ.ident, defs_only=False) if o.role == "write"]
            parts.append("set at " + ", ".join(sets[:12]) + (" ..." if len(sets) > 12 else "")
                         if sets else "never set by an effect")
        return "\n\n".join(p for p in parts if p)

    def parse_of(self, src: str) -> str:
        """An expression as it parses, fully bracketed, or the problem with it."""
        story = self.story
        names = ex.Names(variables={} if story is None else {
            v: "bool" if isinstance(x, bool) else "int" if isinstance(x, int) else "str"
            for v, x in story.initial.items()},
            scenes=set() if story is None else set(story.scenes),
            things=set() if story is None else set(story.things),
            actions=set() if story is None else set(story.actions_by_key))
        try:
            node = ex.syntax_tree(src, names.in_scene(None, True))
        except ex.ExprError as err:
            return f"`{src}`\n\ndoes not parse: {err.message}"
        return f"`{src}`\n\nparses as `{_show(node)}` ({node.type})"

    def ids(self, kind: str) -> dict[str, str]:
        """Every defined id of a kind, with what hover says of it."""
        out: dict[str, str] = {}
        for ix in self.indexes.values():
            for o in ix.occs:
                if o.role == "def" and o.kind == kind:
                    out.setdefault(o.ident, ix.about.get((kind, o.ident), ""))
        return out


def _show(node: ex.Node) -> str:
    if node.op in ("lit", "num", "str"):
        return repr(node.value).replace("True", "true").replace("False", "false") \
            if node.value is not None else node.op
    if node.op in ("var", "id"):
        return str(node.value)
    args = [_show(a) for a in node.args if isinstance(a, ex.Node)]
    if re.fullmatch(r"[a-z]+", node.op) and node.op not in ("and", "or", "not"):
        return f"{node.op}({', '.join(args)})"
    if len(args) == 1:
        return f"({node.op} {args[0]})"
    return "(" + f" {node.op} ".join(args) + ")"


def short(name: str, display: str) -> str:
    return name[len(display) + 1:] if name.startswith(display + "/") else name


def by_file(problems: list[Diagnostic], files: list[str], display: str
            ) -> dict[str, list[Diagnostic]]:
    """Problems by file; one about the whole folder goes to its first file."""
    out: dict[str, list[Diagnostic]] = {f: [] for f in files}
    for d in problems:
        target = d.loc.file if d.loc.file in out else files[0] if files else None
        if target is None:
            continue
        if target != d.loc.file:
            d = Diagnostic(Loc(target, 1, 1), d.message, d.severity)
        out[target].append(d)
    return out


def play_check(root: str, games: int, seed: int) -> list[tuple[str, int, int, str, str]]:
    """The random-play part of `check`, for a worker process: the saved story played
    `games` times; its warnings and problems as plain tuples (file, line, col, message,
    severity)."""
    from ..engine.session import Game

    try:
        story = load_story(root, root)
    except StoryError:
        return []  # the loader's problems are already shown
    report = random_play(Game(story), games, seed)
    out = [(w.loc.file, w.loc.line, w.loc.col, w.message, w.severity)
           for w in play_warnings(story, report)]
    for p in report.problems:
        m = re.search(r"scene '([^']+)'", p.detail)
        scene = story.scenes.get(m.group(1) if m else story.start) or story.scenes[story.start]
        out.append((scene.loc.file, scene.loc.line, scene.loc.col,
                    f"random game {p.seed} {p.kind}: {p.detail} (commands: "
                    f"{' / '.join(p.commands) or 'none'})", "error"))
    return out
