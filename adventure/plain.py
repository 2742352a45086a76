"""The plain line loop: for pipes, files, logs and (until the REPL) terminals."""

from __future__ import annotations

import os
import re
import sys
import textwrap

from .session import Result, Session

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import TextIO

HOW_TO_PLAY = ("Type a number to choose, or a command: look, examine, go north.\n"
               "help lists commands; hint helps; quit leaves.")

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")



def terminal_columns(fallback: int = 80) -> int:
    """shutil.get_terminal_size().columns, without importing shutil (and bz2, lzma...)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else fallback

def sanitize(text: str) -> str:
    """Story and save text never reaches the terminal as control or escape sequences."""
    if text.isprintable():  # no control character at all (the usual case): C-fast
        return text
    return _UNSAFE.sub("", text)


def render(result: Result, width: int | None) -> str:
    """A result as plain text: paragraphs, then the choices when they are worth showing."""
    blocks = []
    for style, text in result.paragraphs:
        text = sanitize(text)
        if style == "title":
            blocks.append(f"== {text} ==")
        elif width and style in ("text", "ending", "error"):
            blocks.append(textwrap.fill(text, width))
        else:
            blocks.append(text)
    if result.show_choices and result.choices:
        blocks.append("\n".join([f"  {c.number}) {sanitize(c.label)}" for c in result.choices]))
    return "\n\n".join(blocks)


def play(session: Session, stdin: TextIO | None = None, stdout: TextIO | None = None,
         plain: bool = False) -> int:
    """Read commands line by line until 'quit' or the end of input. Returns the exit code.

    `plain` keeps one line per paragraph even on a terminal (screen readers, logs).
    """
    inp = stdin or sys.stdin
    out = stdout or sys.stdout
    interactive = inp.isatty()
    wrap = out.isatty() and not plain
    width = min(terminal_columns(), 100) - 1 if wrap else None
    # One write per turn (its echo, its text and the next prompt): standard output may
    # be unbuffered (PYTHONUNBUFFERED), and a system call per piece costs more than a turn.
    pending = (HOW_TO_PLAY + "\n\n" if interactive else "") + render(session.opening, width)
    reader = _lines(inp)
    while True:
        out.write(pending + "\n\n> ")
        out.flush()
        try:
            line = next(reader)
        except StopIteration:
            out.write("\n")
            return 0
        shown = ""
        if not interactive:
            shown = sanitize(line if len(line) <= 200 else line[:200] + "...") + "\n"
        result = session.submit(line)
        pending = shown + "\n" + render(result, width)
        if result.quit:
            out.write(pending + "\n")
            out.flush()
            return 0


def _lines(inp: TextIO):
    """Lines without their newline; invalid UTF-8 from a pipe becomes U+FFFD."""
    buffer = getattr(inp, "buffer", None)
    if buffer is not None:
        for raw in buffer:
            yield raw.decode("utf-8", errors="replace").rstrip("\r\n")
    else:
        for line in inp:
            yield line.rstrip("\r\n")
