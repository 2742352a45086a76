"""Which files make up a story folder."""

from __future__ import annotations

import os
from pathlib import Path


def story_files(root: Path) -> list[Path]:
    """Every *.yaml under root, in path order, leaving out story tests."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        # a folder named like a story file is listed too, so the loader can say what it is
        names = filenames + [d for d in dirnames if d.endswith((".yaml", ".yml"))]
        dirnames[:] = sorted(d for d in dirnames if d != "tests" and not d.startswith(".")
                             and not d.endswith((".yaml", ".yml")))
        found.extend(Path(dirpath) / f for f in sorted(names)
                     if f.endswith((".yaml", ".yml")) and not f.startswith("."))
    return found
