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
# extend transitions' own), and what runs once (loading, checks, saves, the front ends but
# the plain loop and the agent protocol, which write every turn).
COMPILED = ["engine/session", "engine/game", "engine/labels", "engine/offers", "engine/reply",
            "engine/context",
            "engine/verbs", "engine/world", "engine/parser", "engine/typos",
            "engine/nounmatch", "engine/rephrase", "engine/intent",
            "engine/pronouns", "engine/state", "engine/scopeindex", "engine/closematch",
            "engine/machine", "engine/result", "story/effects", "story/text", "story/expr",
            "story/model", "story/memo", "story/vocab", "story/sanitize", "story/queries",
            "play/plain",
            "play/journal", "play/agent", "play/keeper"]


def _parallel_compile(compiler):
    """The compiler's compile(), one C file per core at a time (distutils compiles the
    sources of one extension one after another; mypyc's multi_file output is a file per
    module, so a 2-core machine builds in about half the time)."""
    from concurrent.futures import ThreadPoolExecutor

    def compile(sources, output_dir=None, macros=None, include_dirs=None, debug=False,
                extra_preargs=None, extra_postargs=None, depends=None):
        macros, objects, extra_postargs, pp_opts, build = compiler._setup_compile(
            output_dir, macros, include_dirs, sources, depends, extra_postargs)
        cc_args = compiler._get_cc_args(pp_opts, debug, extra_preargs)

        def one(obj):
            src, ext = build[obj]
            compiler._compile(obj, src, ext, cc_args, extra_postargs, pp_opts)

        # largest first, so that no core is left with the biggest file at the end
        order = sorted(build, key=lambda o: -os.path.getsize(build[o][0]))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(one, order))
        return objects

    return compile


class OptionalBuildExt(build_ext):
    """build_ext that compiles in parallel, and falls back to plain Python instead of
    failing the install."""

    def build_extensions(self) -> None:
        self.compiler.compile = _parallel_compile(self.compiler)
        super().build_extensions()

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any failure: install plain Python
            for path in self.get_outputs():  # all or nothing: the modules share one library
                if os.path.exists(path):
                    os.remove(path)
            sys.stderr.write(f"terok-nor: could not compile the engine ({exc}); "
                             "installing it as plain Python, which works the same, slower.\n")


# pip runs this file three times (requirements, metadata, wheel); mypyc type-checks and writes
# C at each call of mypycify, so only the steps that build the extension call it.
BUILDS = {"bdist_wheel", "build", "build_ext", "install"}


def _ext_modules() -> list:
    if os.environ.get("TEROK_NOR_PURE") or not BUILDS.intersection(sys.argv[1:]):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        sys.stderr.write("terok-nor: mypyc is not installed; installing plain Python.\n")
        return []
    try:
        # a C file per module, compiled in parallel; no debug info (a third of gcc's time)
        extensions = mypycify([f"adventure/{name}.py" for name in COMPILED], opt_level="3",
                              debug_level="0", multi_file=True)
    except BaseException as exc:  # mypycify exits on a type error: plain Python instead
        sys.stderr.write(f"terok-nor: mypyc could not compile the engine ({exc!r}); "
                         "installing it as plain Python.\n")
        return []
    if sys.platform != "win32":
        # Only PyInit_* (marked for export by Python's headers) leave the shared library:
        # its 2,000 other functions and statics were dynamic symbols, each looked up when
        # the library is loaded at every start (2M instructions, a thirtieth of a piped
        # start), and each call between them went through the PLT. The modules' stubs reach
        # the library through a capsule, not by symbol.
        for ext in extensions:
            ext.extra_compile_args = [*ext.extra_compile_args, "-fvisibility=hidden"]
    return extensions


def _command() -> dict:
    """The `adventure` command. A [project.scripts] entry point gets pip's generated launcher,
    which imports re (and enum, functools, collections) before our code: a fifth of the
    instructions of a piped start. bin/adventure imports only the game; its `#!python` line
    is the wheel format's mark for "this environment's interpreter", which pip writes in.
    Windows runs no #! line: there pip's .exe launcher of an entry point is the command."""
    if sys.platform == "win32":
        return {"entry_points": {"console_scripts": ["adventure = adventure.launch:run"]}}
    return {"scripts": ["bin/adventure"]}


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt}, **_command())
