"""A story's files, and a cache of the story checked from them.

Loading and checking a story (YAML, expressions, texts, cross references) takes far
longer than starting a game, so the checked story is kept in the user's cache folder,
keyed by the exact bytes of every story file, the engine's own code and the names the
story is shown under. A cache entry that does not match its key and its digest, or holds
anything but the story model's own classes, is ignored and written again: the cache can
make start-up faster, never different.

Entries are pickles, read back with an unpickler that can build only the model classes
listed in ALLOWED (no function, no other class), so a tampered file cannot run code.

A hit is every start of a game but the first: it imports only what it needs (the C
unpickler, not pickle.py with re and struct; os.path, not pathlib with re, fnmatch and
urllib), since a piped start of a small story costs less than those imports.
"""

from __future__ import annotations

import io
import os
import sys

from .files import FolderTooDeep, read_regular, story_file_names
from .gcpause import collector_paused
from .model import Story


class _functools_partial_only:  # noqa: N801 - used as a function: `with ...():`
    """Importing _pickle imports functools, for functools.partial alone, and functools
    imports collections: together a tenth of a piped start of a small game. partial is
    _functools.partial, so while _pickle is imported, `functools` is a module that holds
    just that (unless functools is there already)."""

    def __enter__(self) -> None:
        import _functools

        self.stub = None
        if "functools" not in sys.modules:
            self.stub = sys.modules["functools"] = type(sys)("functools")
            self.stub.partial = _functools.partial  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        if self.stub is not None and sys.modules.get("functools") is self.stub:
            del sys.modules["functools"]


try:  # the unpickler itself (pickle.py adds re, struct and the pure-Python pickler)
    with _functools_partial_only():
        from _pickle import Unpickler, UnpicklingError
except (ImportError, AttributeError):  # an interpreter whose _pickle wants more of functools
    try:
        from _pickle import Unpickler, UnpicklingError
    except ImportError:  # pragma: no cover - an interpreter without the C accelerator
        from pickle import Unpickler, UnpicklingError

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path

try:  # the built-in BLAKE2: hashlib would load OpenSSL, a few ms of every start
    from _blake2 import blake2b as _blake2b  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a build without it
    from hashlib import blake2b as _blake2b


def _digest(data: bytes = b""):
    return _blake2b(data, digest_size=32)


FORMAT = b"terok-nor story cache 3\n"
MAX_FILE_BYTES = 32 * 1024 * 1024  # as yamlsrc: larger story files are refused anyway
KEEP = 16  # entries kept; the oldest go first
ALLOWED = frozenset({
    ("adventure.story.diagnostics", "Loc"), ("adventure.story.located", "QuotedLoc"),
    ("adventure.story.located", "BlockLoc"),
    ("adventure.story.located", "LinesLoc"), ("adventure.story.effects", "Op"),
    ("adventure.story.expr", "Expr"), ("adventure.story.text", "Template"),
    *(("adventure.story.model", name) for name in (
        "Action", "Dark", "Ending", "Event", "Exit", "Fallback", "OneOf", "Puzzle", "Scene",
        "Story", "StoryInfo", "Thing")),
})


def cache_dir() -> Path | None:
    """$ADVENTURE_CACHE (or 'off'), else the platform's cache folder."""
    from pathlib import Path

    where = _folder()
    return Path(where) if where is not None else None


def _folder() -> str | None:
    """cache_dir(), as a string: a start reads the cache without importing pathlib."""
    env = os.environ.get("ADVENTURE_CACHE")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else env
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return os.path.join(base, "terok-nor", "stories")


def load(root: str | os.PathLike[str], display: str | None = None) -> Story:
    """load_story(root, display), from the cache when the files are unchanged."""
    root = os.fspath(root)
    display = display if display is not None else os.path.normpath(root)  # as str(Path)
    where = _folder()
    key = _key(root, display) if where is not None else None
    if where is not None and key is not None:
        story = _read(os.path.join(where, f"{key}.pickle"), key)
        if story is not None:
            return story
    from .loader import load_story  # YAML and the checks are needed only on a miss

    story = load_story(root, display)  # raises StoryError: a broken story is never cached
    if where is not None and key is not None:
        _write(where, key, story)
    return story


# -- the key -----------------------------------------------------------------------------------

_engine: bytes | None = None


def engine_digest() -> bytes:
    """The package's own code (each module's path, size and modification time): a cache
    written by another version, or before an edit to the engine, is never read."""
    global _engine
    if _engine is None:
        h = _digest(FORMAT)
        package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # adventure/
        _digest_folder(h, package, "")
        _engine = h.digest()
    return _engine


def _digest_folder(h, folder: str, rel: str) -> None:
    """Every module under folder, by name: its files first, then its folders, in name
    order. os.scandir and plain names, not os.walk and os.path.relpath: this runs at
    every start, where those cost 7.5M instructions (this: 1.9M; a whole cached start of
    a small story: 78M)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted((e.name, e) for e in it)
    except OSError:
        return
    folders = []
    for name, entry in entries:
        if name.endswith((".py", ".so", ".pyd")):
            try:
                st = entry.stat()
            except OSError:
                continue
            h.update(f"{rel}{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        elif name not in ("_story", "__pycache__") and entry.is_dir(follow_symlinks=False):
            folders.append((name, entry.path))
    for name, path in folders:
        _digest_folder(h, path, f"{rel}{name}/")


def _key(root: str, display: str) -> str | None:
    """The digest of everything the checked story depends on; None if a file can't be read
    (the loader then says what is wrong with it)."""
    h = _digest(engine_digest())
    h.update(f"{os.path.realpath(root)}\0{display}\0".encode("utf-8", "surrogatepass"))
    try:
        for path in story_file_names(root):
            rel = os.path.relpath(path, root).replace(os.sep, "/").encode(
                "utf-8", "surrogatepass")
            h.update(rel + b"\0" + len(rel).to_bytes(8, "little"))
            data = read_regular(path, MAX_FILE_BYTES)
            h.update(len(data).to_bytes(8, "little") + data)
    except (OSError, ValueError, FolderTooDeep):
        return None
    return h.hexdigest()


# -- reading and writing -----------------------------------------------------------------------

class _Unpickler(Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if (module, name) not in ALLOWED:
            raise UnpicklingError(f"{module}.{name} is not part of a story")
        return super().find_class(module, name)


def _read(path: str | os.PathLike[str], key: str) -> Story | None:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES * 4)
    except OSError:
        return None
    head = len(FORMAT) + 65
    if not data.startswith(FORMAT) or len(data) <= head:
        return None
    digest, payload = data[len(FORMAT):head - 1], data[head:]
    if _check(payload) != digest:
        return None
    try:
        with collector_paused(keep=True):
            found_key, story = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - any unreadable entry is simply rebuilt
        return None
    if found_key != key or not isinstance(story, Story):
        return None
    return story


def _check(payload: bytes) -> bytes:
    """A check of the entry's bytes against damage on disk, 64 characters like the key
    (the key, not this, is what ties an entry to its story). BLAKE2, already loaded for
    the key, rather than binascii's CRC, a module more to load at every start."""
    return _digest(payload).hexdigest().encode()


class _Checked:
    """A file that keeps the digest of what is written to it."""

    def __init__(self, f) -> None:
        self.f = f
        self.digest = _digest()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.f.write(data)


def _write(where_name: str, key: str, story: Story) -> None:
    """Best effort: a cache that cannot be written only costs time. Pickled straight
    into the file, never whole in memory; the check is filled in at the end."""
    import contextlib
    import pickle
    from pathlib import Path

    where = Path(where_name)
    with contextlib.suppress(OSError):
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = where / f".{key}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
        try:
            with collector_paused(), open(tmp, "wb") as f:
                f.write(FORMAT + b"0" * 64 + b"\n")
                out = _Checked(f)
                try:
                    pickle.dump((key, story), out, protocol=pickle.HIGHEST_PROTOCOL)
                except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
                    return
                f.seek(len(FORMAT))
                f.write(out.digest.hexdigest().encode())
            os.replace(tmp, where / f"{key}.pickle")
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        _prune(where)


def _prune(where: Path) -> None:
    import contextlib

    entries = sorted(where.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
