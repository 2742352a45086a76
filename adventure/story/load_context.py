"""The state of one story load, shared by every section reader: the problems found so far,
what each file defines (the id tables and the located YAML behind them), what the story
reads and writes, and the field readers every section uses (typed fields, texts,
conditions, effects, scene references), each reporting into the one problem list."""

from __future__ import annotations

import contextlib
import re

from . import expr as ex
from .diagnostics import Diagnostic, Loc, did_you_mean
from .effects import EffectNames, compile_effects
from .model import OneOf, StoryInfo, TextSpec
from .text import compile_text
from .vocab import SynonymIndex, apply_synonyms, canonical, looking_at, words
from .yamlsrc import LList, LMap, locate

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Keys that hold prose for the player: their words are counted (StoryInfo.words)
PROSE_KEYS = frozenset({"text", "description", "epilogue", "intro", "refuse", "take_refuse"})
_CODE = re.compile(r"\$\{[^}]*\}")
_PLAIN = re.compile(r"[^,\]\}#\n]*")  # a plain scalar, up to what ends it in a flow


class LoadContext:
    """One load: the tables pass 1 fills from the files and pass 2 compiles from."""

    def __init__(self, root: Path, display: str | None):
        self.root = root
        self.display = display if display is not None else str(root)
        self.problems: list[Diagnostic] = []
        self._reported: set[Diagnostic] = set()
        self.files: list[tuple[str, LMap]] = []
        self.meta: LMap | None = None
        self.meta_file = ""
        self.max_score: int | None = None  # known once the metadata is read (pass 2)
        self.scene_src: dict[str, tuple[LMap, str, str]] = {}  # id -> (data, file, chapter)
        self.ext_src: dict[str, list[LMap]] = {}  # scene id -> extensions, in file order
        self.ext_keys: list[tuple[str, Loc]] = []
        self.thing_src: dict[str, tuple[LMap, str | None, Loc]] = {}
        self.event_src: dict[str, LMap] = {}
        self.puzzle_src: dict[str, LMap] = {}
        self.global_src: list[tuple[LMap, Loc]] = []
        self.synonyms: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        # scenery: a scene's entries (read with the scene), and each file's shared ones
        self.scenery_src: dict[str, list] = {}
        self.shared_scenery: list[tuple[object, Loc, str]] = []  # (value, where, file)
        self.shared_senses: list[tuple[LMap, str]] = []  # files with sounds:/smells:
        self.synonym_index: SynonymIndex = {}  # made from them once all files are read
        self.first_def: dict[str, Loc] = {}
        self.info = StoryInfo()
        self.shared: dict = {}
        self.scene_parent: dict[str, LMap] = {}  # scene id -> the 'scenes:' mapping holding it
        self.reads = self.info.reads
        self.writes = self.info.writes
        self.file_chapter: dict[str, str] = {}  # file -> its chapter
        self.warnings: list[Diagnostic] = []  # the story loads; `check` shows these
        self._lines: dict[str, list[str]] = {}  # files re-read for what a value was written as
        self.memo: Any = None  # reuse.SceneMemo: an editor's scenes of the last load

    @contextlib.contextmanager
    def chapter_of(self, names: ex.Names, chapter: str):
        """Count the variables what is compiled inside reads and writes for `chapter`
        too (StoryInfo.uses), as well as for the whole story."""
        reads: set[str] = set()
        writes: set[str] = set()
        names.used, self.writes = reads, writes
        try:
            yield
        finally:
            names.used, self.writes = self.reads, self.info.writes
            self.count_uses(chapter, reads, writes)

    def count_uses(self, chapter: str, reads: set[str], writes: set[str]) -> None:
        """Variables read and written in `chapter` (what chapter_of counts)."""
        self.reads |= reads
        self.writes |= writes
        for var in reads:
            self.info.uses.setdefault(var, (set(), set()))[1].add(chapter)
        for var in writes:
            self.info.uses.setdefault(var, (set(), set()))[0].add(chapter)

    def share(self, value: Any) -> Any:
        """One copy of each equal word and phrase in the story."""
        return ex.share(self.shared, value)

    # -- reporting -----------------------------------------------------------
    def err(self, loc: Loc, message: str) -> None:
        problem = Diagnostic(loc, message)
        if problem not in self._reported:  # a YAML anchor used twice is one problem, once
            self._reported.add(problem)
            self.problems.append(problem)

    def warn(self, loc: Loc, message: str) -> None:
        self.warnings.append(Diagnostic(loc, message, "warning"))

    # -- YAML that means something else than it says -----------------------------
    def written(self, loc: Loc) -> str | None:
        """A plain scalar as written at `loc` (YAML reads `yes` as true, `1.0` as 1)."""
        if loc.file not in self._lines:
            rel = loc.file[len(self.display.rstrip("/")) + 1:] \
                if loc.file.startswith(self.display.rstrip("/") + "/") else None
            try:
                text = (self.root / rel).read_text("utf-8") if rel else ""
            except (OSError, UnicodeDecodeError):
                text = ""
            self._lines[loc.file] = text.splitlines()
        lines = self._lines[loc.file]
        if not 0 < loc.line <= len(lines):
            return None
        m = _PLAIN.match(lines[loc.line - 1], loc.col - 1)
        return m.group(0).strip() if m and m.group(0).strip() else None

    def as_text(self, value: Any, loc: Loc, key: str) -> Any:
        """A boolean or number where text belongs, as the author wrote it: `commands: [yes]`
        means the word yes, `version: 1.0` the text 1.0. A word YAML turns into true or
        false is taken with a warning (elsewhere it would be a trap)."""
        if not isinstance(value, bool | int | float):
            return value
        raw = self.written(loc)
        if raw is None or raw.startswith(("'", '"')):
            return str(value).lower() if isinstance(value, bool) else str(value)
        if isinstance(value, bool):
            self.warn(loc, f"'{raw}' in '{key}' is read as the text '{raw}' (YAML would make "
                      f"it {str(value).lower()}); write it quoted, \"{raw}\", to say so")
        return raw

    # -- ids and where they are defined ----------------------------------------
    def parts(self, sid: str) -> list[LMap]:
        """A scene's own mapping, then every extension of it from other files."""
        return [self.scene_src[sid][0], *self.ext_src.get(sid, [])]

    def check_id(self, ident: str, loc: Loc, what: str) -> bool:
        if not ID.match(ident):
            self.err(loc, f"{what} id '{ident}' must be lower-case letters, digits and _, "
                     "starting with a letter")
            return False
        return True

    def define(self, what: str, ident: str, loc: Loc) -> bool:
        key = f"{what}:{ident}"
        if key in self.first_def:
            first = self.first_def[key]
            self.err(loc, f"{what} '{ident}' is defined twice: here and at {first}")
            return False
        self.first_def[key] = loc
        return True

    def scene_ref(self, data: LMap, key: str) -> str | None:
        target = self.text_field(data, key)
        if target is not None and target not in self.scene_src:
            self.err(data.val_loc(key), f"unknown scene '{target}'"
                     f"{did_you_mean(target, self.scene_src)}")
            return None
        return target

    def file_chapter_of(self, data: LMap) -> str:
        return self.file_chapter.get(getattr(data, "file", ""), "")

    def scene_chapter(self, sid: str) -> str:
        data, _, chapter = self.scene_src[sid]
        return self.text_field(data, "chapter") or chapter

    # -- small checkers -----------------------------------------------------
    def keys(self, data: LMap, allowed: tuple[str, ...], what: str) -> None:
        for k in data:
            if k not in allowed:
                self.err(data.key_loc(k), f"unknown key '{k}' in {what}"
                         f"{did_you_mean(k, allowed)}; expected one of: {', '.join(allowed)}")

    def typed(self, data: LMap, key: str, kind: type | tuple[type, ...], what: str) -> bool:
        value = data[key]
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return True
        self.err(data.val_loc(key), f"'{key}' should be {what}, not {describe(value)}")
        return False

    def text_field(self, data: LMap, key: str) -> str | None:
        if key not in data or data[key] is None:
            return None
        value = self.as_text(data[key], data.val_loc(key), key)
        if not isinstance(value, str):
            self.err(data.val_loc(key), f"'{key}' should be text, not {describe(value)}")
            return None
        return value

    def shown_plain(self, data: LMap, key: str, what: str) -> str | None:
        """A text a player sees but that is not a template (the story's title, author,
        release, a rank, an ending's kind, a chapter): a ${...} in it is said where."""
        value = self.text_field(data, key)
        if value is not None and "${" in value:
            self.warn(data.val_loc(key), f"{what} is shown as written: '${{...}}' is not "
                      "filled in there (only texts, titles and names are templates)")
        return value

    def flag(self, data: LMap, key: str, default: bool = False) -> bool:
        if key not in data:
            return default
        if self.typed(data, key, bool, "true or false"):
            return data[key]
        return default

    def str_list(self, data: LMap, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, bool | int | float):
            value = self.as_text(value, data.val_loc(key), key)
        if isinstance(value, str):
            return [value]
        if isinstance(value, LList):
            value = [self.as_text(v, value.item_loc(i), key) for i, v in enumerate(value)]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad = next((i for i, v in enumerate(value) if not isinstance(v, str)), None) \
                if isinstance(value, list) else None
            if bad is not None and isinstance(data[key], LList):
                self.err(data[key].item_loc(bad), f"'{key}' should be a list of words or "
                         f"phrases, and this item is {describe(value[bad])}")
                return []
            self.err(data.val_loc(key), f"'{key}' should be a list of words or phrases, "
                     f"not {describe(value)}")
            return []
        for i, v in enumerate(value):
            if "${" in v:  # words to type: a template would have to be typed as written
                where = data[key].item_loc(i) if isinstance(data[key], LList) \
                    else data.val_loc(key)
                self.warn(where, f"'{key}' holds words a player types: '${{...}}' is not "
                          "filled in there; list each wording as it is typed")
        return list(value)

    def phrases(self, data: LMap, key: str,
                said: set[tuple[str, ...]] | None = None) -> list[tuple[str, ...]]:
        """The phrases under `key`, as the parser compares them; `said` collects those a
        built-in verb's other words changed, as written ('look through grille')."""
        out = []
        for p in self.str_list(data, key):
            ws = apply_synonyms(words(p), self.synonym_index)
            if key in ("commands", "verbs"):
                plain = canonical(ws)
                if said is not None and plain != ws and not looking_at(ws):
                    said.add(self.share(tuple(self.share(w) for w in ws)))
                ws = plain
            if ws:
                out.append(self.share(tuple(self.share(w) for w in ws)))
            else:
                self.err(data.val_loc(key), f"'{p}' in '{key}' has no words a player could type")
        return out

    # -- what compiles: conditions, texts, effects -------------------------------
    def expr(self, data: LMap, key: str, names: ex.Names) -> ex.Expr | None:
        if key not in data:
            return None
        src = data[key]
        if isinstance(src, bool):
            return ex.constant(src)
        if not isinstance(src, str):
            self.err(data.val_loc(key), f"'{key}' should be a condition such as "
                     f"'has padd and not alarm', not {describe(src)}")
            return None
        try:
            e = ex.parse(src, names)
        except ex.ExprError as err:
            self.err(locate(data.val_loc(key), src, err.offset), err.message)
            return None
        if e.type not in ("bool", "any"):
            self.err(data.val_loc(key), f"'{key}' should be a condition, but '{src}' is "
                     f"{ex._a(e.type)} (compare it: {src} > 0)")
        return e

    def text(self, data: LMap, key: str, names: ex.Names, required: bool = False
             ) -> TextSpec | None:
        if key not in data or data[key] is None:
            if required:
                self.err(data.loc, f"missing '{key}'")
            return None
        return self.text_value(data[key], data.val_loc(key), key, names)

    def text_value(self, value: Any, loc: Loc, key: str, names: ex.Names) -> TextSpec | None:
        if isinstance(value, LMap):
            if list(value) != ["one_of"] or not isinstance(value["one_of"], LList) \
                    or not value["one_of"]:
                self.err(loc, f"'{key}' should be text, or {{one_of: [text, ...]}}")
                return None
            opts = value["one_of"]
            out = [self.text_value(v, opts.item_loc(i), key, names) for i, v in enumerate(opts)]
            for i, o in enumerate(out):
                if isinstance(o, OneOf):
                    self.err(opts.item_loc(i), "one_of cannot hold another one_of; list the "
                             "texts in one")
            if any(o is None or isinstance(o, OneOf) for o in out):
                return None
            return OneOf(out)  # type: ignore[arg-type]
        value = self.as_text(value, loc, key)
        if not isinstance(value, str):
            self.err(loc, f"'{key}' should be text, not {describe(value)}")
            return None
        if key in PROSE_KEYS:
            self.info.words += len(_CODE.sub(" ", value).split())
        try:
            return compile_text(value, names)
        except ex.ExprError as err:
            self.err(locate(loc, value, err.offset), err.message)
            return None

    def hints(self, data: LMap, key: str, names: ex.Names) -> list[TextSpec]:
        """A list of texts (a scene's or a puzzle's hints)."""
        if key not in data or not self.typed(data, key, LList, "a list of hints"):
            return []
        items = data[key]
        out = [self.text_value(h, items.item_loc(i), key, names) for i, h in enumerate(items)]
        return [h for h in out if h is not None]

    def effects(self, data: LMap, key: str, names: ex.Names) -> list:
        if key not in data:
            return []
        en = EffectNames(names, set(self.event_src), self.max_score is not None, self.writes,
                         self.info.moved, self.info.scheduled)
        return compile_effects(data[key], data.val_loc(key), en, self.err)


def describe(value: Any) -> str:
    """A YAML value as a problem message names it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"'{value}'" if len(str(value)) < 40 else "text"
