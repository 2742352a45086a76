"""Where things live: the checkout you work in, the story it holds, and the saves folder.

One rule for every command: when you run `adventure` inside a Terok Nor checkout (the
working folder or a folder above it holds this project's pyproject.toml and a story/
folder), the checkout's story/ and saves/ are used, however the package was installed
(a plain `pip install .` copies the story into the package; editing the checkout's files
must still count). Elsewhere the installed story and your user data folder are used.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path

# Folders are strings here (os.path), not pathlib's Paths: every start asks where the
# story and the saves are, and pathlib imports re, fnmatch and urllib.parse, more than a
# piped start of a small game costs. user_data_dir and bundled_story give Paths.
APP = "terok-nor"
PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # adventure/
_MARK = f'name = "{APP}"'  # how this project's pyproject.toml names it


def _is_checkout(folder: str) -> bool:
    try:
        with open(os.path.join(folder, "pyproject.toml"), encoding="utf-8",
                  errors="replace") as f:
            head = f.read(4096)  # [project] and its name come first
    except OSError:
        return False
    return _MARK in head and os.path.isdir(os.path.join(folder, "story"))


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the working folder was removed
        return None


def checkout_root() -> str | None:
    """The Terok Nor checkout this command runs in: the working folder or the nearest folder
    above it that is one, else the checkout the package itself runs from (python -m, an
    editable install), else None."""
    folder = _cwd()
    while folder is not None:
        if _is_checkout(folder):
            return folder
        parent = os.path.dirname(folder)
        folder = parent if parent != folder else None
    above = os.path.dirname(PACKAGE)
    return above if _is_checkout(above) else None


def bundled_story() -> Path:
    """The Terok Nor story: the checkout's story/ when there is one, else the installed copy
    (pyproject.toml maps story/ to the package data folder adventure/_story)."""
    from pathlib import Path

    root = checkout_root()
    return Path(os.path.join(root, "story") if root is not None
                else os.path.join(PACKAGE, "_story"))


def story_note(explicit: str | os.PathLike[str] | None) -> tuple[str | os.PathLike[str], str]:
    """The story folder a command uses, and the line that tells the author so (stderr).

    An author who edits a story must never test another copy without knowing: the note
    says whose story it is, and outside a checkout it says how to pick another, warning
    when the working folder looks like a story of its own."""
    if explicit is not None:
        return explicit, ""
    root = checkout_root()
    folder = os.path.join(root, "story") if root is not None else os.path.join(PACKAGE, "_story")
    note = (f"adventure: story {_folder(folder)} (the checkout at {root})" if root is not None
            else f"adventure: story {folder} (the installed copy; you are not in a Terok Nor "
                 "checkout)")
    here = _cwd()
    if here is None:
        return folder, note
    if root is not None and (here == root or here.startswith(os.path.join(root, ""))):
        return folder, note
    nearby = next((c for c in (os.path.join(here, "story"), here) if _holds_story(c)), None)
    if nearby is not None:
        note += (f"\nadventure: warning: {_folder(nearby)} holds a story, but it is not the "
                 f"one used; give --story {_folder(nearby)} to play or check it")
    return folder, note


def _folder(path: str) -> str:
    shown = display_path(path)
    return shown if shown.endswith(("/", os.sep)) else shown + "/"


def _yaml_like(name: str) -> bool:
    """Does a name match the glob *.y*ml (fnmatch would import re)?"""
    dot = name.find(".y")
    return not name.startswith(".") and dot >= 0 and name.endswith("ml") \
        and len(name) >= dot + 4


def _holds_story(folder: str) -> bool:
    """Does a folder hold a story: a .yaml file with a top-level `story:` block?"""
    try:
        with os.scandir(folder) as entries:
            files = sorted(e.path for e in entries if _yaml_like(e.name))[:50]
    except OSError:
        return False
    for f in files:
        try:
            with open(f, encoding="utf-8", errors="replace") as fh:
                if any(line.startswith("story:") for line in fh.read(65536).splitlines()):
                    return True
        except OSError:
            continue
    return False


def display_path(path: str | os.PathLike[str]) -> str:
    """A short name for messages: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return os.fspath(path)
    return rel if not rel.startswith("..") else os.fspath(path)


def saves_dir(explicit: str | os.PathLike[str] | None = None) -> str | os.PathLike[str]:
    """--saves, else $ADVENTURE_SAVES, else the checkout's saves/, else the user data folder."""
    if explicit is not None:
        return explicit
    env = os.environ.get("ADVENTURE_SAVES")
    if env:
        return env
    root = checkout_root()
    if root is not None:
        return os.path.join(root, "saves")
    return os.path.join(_user_data(), "saves")


def user_data_dir() -> Path:
    from pathlib import Path

    return Path(_user_data())


def _user_data() -> str:
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        return os.path.join(os.environ.get("APPDATA")
                            or os.path.join(home, "AppData", "Roaming"), APP)
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", APP)
    return os.path.join(os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share"),
                        APP)
