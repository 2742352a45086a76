"""Build: the modules that run every turn are compiled to C with mypyc, when that can be done.

`pip install .` compiles them (a command then costs about 0.6x the plain Python time;
see benchmarks/RESULTS.md). Plain Python is kept, with the same behaviour, when:
- the install is editable (`pip install -e .`), so that edits to the code take effect;
- TEROK_NOR_PURE=1 is set;
- compiling fails (no C compiler, say): the install goes on, and says why with pip -v.
`adventure --version` tells which build is installed.
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The turn's hot path, as paths under adventure/. Not compiled: engine/lean.py (its classes
# extend transitions' own), and what runs once (loading, checks, saves, the front ends).
COMPILED = ["engine/session", "engine/game", "engine/offers", "engine/reply", "engine/verbs",
            "engine/world", "engine/parser", "engine/state", "engine/machine", "engine/result",
            "story/effects", "story/text", "story/expr", "story/model", "story/memo",
            "story/vocab", "story/sanitize", "play/plain"]


class OptionalBuildExt(build_ext):
    """build_ext that falls back to plain Python instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any failure: install plain Python
            for path in self.get_outputs():  # all or nothing: the modules share one library
                if os.path.exists(path):
                    os.remove(path)
            sys.stderr.write(f"terok-nor: could not compile the engine ({exc}); "
                             "installing it as plain Python, which works the same, slower.\n")


def _ext_modules() -> list:
    if os.environ.get("TEROK_NOR_PURE") or "editable_wheel" in sys.argv:
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        sys.stderr.write("terok-nor: mypyc is not installed; installing plain Python.\n")
        return []
    try:
        return mypycify([f"adventure/{name}.py" for name in COMPILED], opt_level="3")
    except BaseException as exc:  # mypycify exits on a type error: plain Python instead
        sys.stderr.write(f"terok-nor: mypyc could not compile the engine ({exc!r}); "
                         "installing it as plain Python.\n")
        return []


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
