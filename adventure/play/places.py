"""Where things live: the bundled story, and the saves directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # adventure/


def checkout_root() -> Path | None:
    """The source checkout this package runs from, if it does."""
    root = PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "story").is_dir():
        return root
    return None


def bundled_story() -> Path:
    root = checkout_root()
    if root is not None:
        return root / "story"
    # Installed: pyproject.toml maps story/ to the package data folder adventure/_story.
    return PACKAGE / "_story"


def display_path(path: Path) -> str:
    """A short name for messages: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)


APP = "terok-nor"


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
