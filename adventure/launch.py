"""Starting the `adventure` command: what its launcher (bin/adventure, which setup.py
installs) and `python -m adventure` do around cli.main()."""

from __future__ import annotations


def run() -> int:
    """The game imported with the collector paused, then cli.main()."""
    import gc

    # Importing the game makes tens of thousands of objects and no garbage; a collection
    # would walk them all, again and again (a fiftieth of a piped start). They live as long
    # as the process, so they leave the collector's view once imported.
    enabled = gc.isenabled()
    gc.disable()
    try:
        from .cli import main
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    return main()
