"""Where the bundled story lives: the checkout's story/, or inside the installed package."""

from __future__ import annotations

import os
from pathlib import Path


def checkout_root() -> Path | None:
    """The source checkout this package runs from, if it does."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "story").is_dir():
        return root
    return None


def bundled_story() -> Path:
    root = checkout_root()
    if root is not None:
        return root / "story"
    # Installed: pyproject.toml maps story/ to the package data folder adventure/_story.
    return Path(__file__).resolve().parent / "_story"


def display_path(path: Path) -> str:
    """A short name for messages: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)
