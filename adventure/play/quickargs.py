"""The command lines most starts use, read without argparse.

A player's `adventure`, `adventure --new`, `adventure --story DIR --saves DIR` and the
like are read here, so a start does not import argparse (and gettext, locale) nor build
the parser of every subcommand: together more work than a piped game of a small story.
Anything this reader is not sure of (help, a subcommand, an abbreviation, a value that
starts with '-', options that exclude each other) it declines, and argparse reads the
line, with argparse's messages. A test checks that what it accepts, argparse reads the
same way (a folder is a string here, written as str(Path(...)) writes it: pathlib imports
re, fnmatch and urllib, more than a piped start of a small game costs).
"""

from __future__ import annotations

import os


class Args:
    """The attributes of argparse's Namespace for `play` (types.SimpleNamespace costs an
    import more)."""

    def __init__(self, **fields: object) -> None:
        self.__dict__.update(fields)

_FLAGS = {"--new": "new", "--plain": "plain", "--journal": "journal", "--watch": "watch"}
_VALUES = {"--story": "story", "--saves": "saves", "--seed": "seed", "--load": "load"}


def quick_play_args(argv: list[str]) -> Args | None:
    """The `play` namespace argparse would make of argv, or None to let argparse read it."""
    args = list(argv)
    if args and args[0] == "play":
        del args[0]
    ns: dict[str, object] = dict(
        command="play", story=None, seed=None, watch=False, plain=False, journal=False,
        saves=None, cont=None, load=None, new=False, at=None, set=[], give=[])
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if not eq and name in _FLAGS:
            ns[_FLAGS[name]] = True
            i += 1
            continue
        if name not in _VALUES:
            return None  # a subcommand, help, --continue, --at, an abbreviation...
        if not eq:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 1
        i += 1
        if not value or value.startswith("-"):
            return None  # argparse has its own reading of these (and its messages)
        dest = _VALUES[name]
        if dest == "seed":
            try:
                ns[dest] = int(value)
            except ValueError:
                return None
        elif dest == "load":
            ns["load"] = value
        else:
            ns[dest] = path_name(value)
    if ns["new"] and ns["load"] is not None:
        return None  # mutually exclusive: argparse says so
    return Args(**ns)


def path_name(value: str) -> str:
    """str(Path(value)) without pathlib: no empty or '.' parts, no trailing slash."""
    if os.sep != "/" or os.altsep:  # Windows' drives and separators: pathlib's own reading
        from pathlib import Path

        return str(Path(value))
    lead = "//" if value.startswith("//") and not value.startswith("///") else \
        "/" if value.startswith("/") else ""
    return lead + "/".join(p for p in value.split("/") if p not in ("", ".")) or "."
