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
