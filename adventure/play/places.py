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
from pathlib import Path

APP = "terok-nor"
PACKAGE = Path(__file__).resolve().parent.parent  # adventure/
_MARK = f'name = "{APP}"'  # how this project's pyproject.toml names it


def _is_checkout(folder: Path) -> bool:
    try:
        with open(folder / "pyproject.toml", encoding="utf-8", errors="replace") as f:
            head = f.read(4096)  # [project] and its name come first
    except OSError:
        return False
    return _MARK in head and (folder / "story").is_dir()


def checkout_root() -> Path | None:
    """The Terok Nor checkout this command runs in: the working folder or the nearest folder
    above it that is one, else the checkout the package itself runs from (python -m, an
    editable install), else None."""
    try:
        here = Path.cwd()
    except OSError:  # the working folder was removed
        here = None
    for folder in ([here, *here.parents] if here is not None else []):
        if _is_checkout(folder):
            return folder
    return PACKAGE.parent if _is_checkout(PACKAGE.parent) else None


def bundled_story() -> Path:
    """The Terok Nor story: the checkout's story/ when there is one, else the installed copy
    (pyproject.toml maps story/ to the package data folder adventure/_story)."""
    root = checkout_root()
    if root is not None:
        return root / "story"
    return PACKAGE / "_story"


def story_note(explicit: Path | None) -> tuple[Path, str]:
    """The story folder a command uses, and the line that tells the author so (stderr).

    An author who edits a story must never test another copy without knowing: the note
    says whose story it is, and outside a checkout it says how to pick another, warning
    when the working folder looks like a story of its own."""
    if explicit is not None:
        return explicit, ""
    root = checkout_root()
    folder = root / "story" if root is not None else PACKAGE / "_story"
    note = (f"adventure: story {_folder(folder)} (the checkout at {root})" if root is not None
            else f"adventure: story {folder} (the installed copy; you are not in a Terok Nor "
                 "checkout)")
    try:
        here = Path.cwd()
    except OSError:
        return folder, note
    if root is not None and here.is_relative_to(root):
        return folder, note
    nearby = next((c for c in (here / "story", here) if _holds_story(c)), None)
    if nearby is not None:
        note += (f"\nadventure: warning: {_folder(nearby)} holds a story, but it is not the "
                 f"one used; give --story {_folder(nearby)} to play or check it")
    return folder, note


def _folder(path: Path) -> str:
    shown = display_path(path)
    return shown if shown.endswith(("/", os.sep)) else shown + "/"


def _holds_story(folder: Path) -> bool:
    """Does a folder hold a story: a .yaml file with a top-level `story:` block?"""
    try:
        files = sorted(folder.glob("*.y*ml"))[:50]
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


def display_path(path: Path) -> str:
    """A short name for messages: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def saves_dir(explicit: Path | None = None) -> Path:
    """--saves, else $ADVENTURE_SAVES, else the checkout's saves/, else the user data folder."""
    if explicit is not None:
        return explicit
    env = os.environ.get("ADVENTURE_SAVES")
    if env:
        return Path(env)
    root = checkout_root()
    if root is not None:
        return root / "saves"
    return user_data_dir() / "saves"


def user_data_dir() -> Path:
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming") / APP
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / APP
