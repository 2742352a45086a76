"""Starting the `adventure` command: what its launcher (bin/adventure, which setup.py
installs) and `python -m adventure` do around cli.main()."""

from __future__ import annotations


def run() -> int:
    """The game imported with the collector paused, then cli.main(); the process ends
    at once after a game that closed its files (see exit_now)."""
    import gc

    # Importing the game makes tens of thousands of objects and no garbage; a collection
    # would walk them all, again and again (a fiftieth of a piped start). They live as long
    # as the process, so they leave the collector's view once imported.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from . import cli
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    cli.done_with_files = False
    code = cli.main()
    if cli.done_with_files:
        exit_now(code)
    return code


def exit_now(code: int) -> None:
    """End the process without the interpreter's teardown of every module and object
    (a sixteenth of a piped start of a small game, and more the longer the game) when
    nothing needs it: no other thread, standard output and error flushed. The atexit
    functions (logging's, imported with transitions; readline's history...) are run
    first, as the usual shutdown would. Returns when something needs that shutdown."""
    import atexit
    import os
    import sys

    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe: the usual shutdown says so
        return
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_functions is None:  # not CPython: leave it all to the usual shutdown
        return
    if getattr(atexit, "_ncallbacks", lambda: 1)():
        run_exit_functions()  # (each once: this empties the list)
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            return
    os._exit(code)
