"""The plain line loop: for pipes, files, logs and (until the REPL) terminals."""

from __future__ import annotations

import os
import sys

from ..engine.session import Choice, Result, Session
from ..story.memo import remember
from ..story.sanitize import sanitize

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Final, TextIO

# (examples that work in any first scene: not a compass point it may have no exit to)
HOW_TO_PLAY: Final = ("Type a number to choose, or a command: look, examine THING, inventory.\n"
                      "help lists commands; hint helps; quit leaves.")

def terminal_columns(fallback: int = 80) -> int:
    """shutil.get_terminal_size().columns, without importing shutil (and bz2, lzma...)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__  # None when Python runs without a console
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else fallback

def render(result: Result, width: int | None) -> str:
    """A result as plain text: paragraphs, then the choices when they are worth showing."""
    return "\n\n".join(blocks(result, width))


def blocks(result: Result, width: int | None) -> list[str]:
    """`render`'s blocks, before they are joined. Most are the story's own paragraphs,
    the same string objects turn after turn."""
    out = []
    for style, text in result.paragraphs:
        text = sanitize(text)
        if style == "title":
            out.append(f"== {text} ==")
        elif width and style in ("text", "ending", "error", "system"):
            import textwrap  # only at a terminal: it imports re

            # line by line (a system note may be a list); a path is never cut, so that it
            # can be copied
            out.append("\n".join(textwrap.fill(line, width, break_long_words=False,
                                                break_on_hyphens=False)
                                  for line in text.split("\n")))
        else:
            out.append(text)
    if result.show_choices and result.choices:
        out.append(_choices_block(result.choices))
    return out


# id(choices list) -> (that list, its lines): a scene's list is one object shared by every
# result that shows it (engine.reply), so its lines are made once, not every turn. The
# list is kept with its lines, so that its id is not another list's while it is here.
_CHOICE_LINES: Final[dict[int, tuple[list[Choice], str]]] = {}


def _choices_block(choices: list[Choice]) -> str:
    found = _CHOICE_LINES.get(id(choices))
    if found is not None and found[0] is choices:
        return found[1]
    text = "\n".join([f"  {c.number}) {sanitize(c.label)}" for c in choices])
    remember(_CHOICE_LINES, id(choices), (choices, text))
    return text


# Output waiting for a read that would block is written at the latest at this size.
FLUSH_AT: Final = 1 << 16


def play(session: Session, stdin: TextIO | None = None, stdout: TextIO | None = None,
         plain: bool = False, history_file: Path | None = None) -> int:
    """Read commands line by line until 'quit' or the end of input. Returns the exit code.

    `plain` keeps one line per paragraph even on a terminal (screen readers, logs). On a
    terminal, lines are read with readline: editing, and history kept in `history_file`.
    """
    inp = stdin or sys.stdin
    out = stdout or sys.stdout
    interactive = inp.isatty()
    if interactive and inp is sys.stdin and out is sys.stdout:
        return _play_at_terminal(session, plain, history_file)
    wrap = out.isatty() and not plain
    width = min(terminal_columns(), 100) - 1 if wrap else None
    # Output is written when the next read could wait (one write per turn for a person
    # or a program that waits for each prompt), or once per batch of lines a pipe has
    # already delivered: into a pipe with a reader, a write per turn cost about 10 us,
    # as much as the turn itself (20,000 piped commands: 0.9 s against 0.7 s).
    sink = _Sink(out)
    # The journal's lines wait with the output and are written just before it: one write
    # a batch, and never a turn shown that the journal lacks (journal.Journal.hold).
    journal = getattr(session.store, "journal", None)
    if journal is not None:
        journal.hold = True
    if interactive:
        sink.add(HOW_TO_PLAY + "\n\n")
    sink.add_blocks(blocks(session.opening, width))
    reader = _Lines(inp)
    try:
        while True:
            sink.add_known("\n\n> ", b"\n\n> ")
            if sink.size >= FLUSH_AT or not reader.ready():
                _flush_journal(session)
                sink.write()
            line = reader.next()
            if line is None:
                sink.add("\n")
                _flush_journal(session)
                sink.write()
                return 0
            if not interactive:
                sink.add(sanitize(line if len(line) <= 200 else line[:200] + "...") + "\n")
            result = session.submit(line)
            sink.add_known("\n", b"\n")
            sink.add_blocks(blocks(result, width))
            if result.quit:
                sink.add("\n")
                _flush_journal(session)
                sink.write()
                return 0
    finally:
        # whatever ends the loop (an error, an interrupt): the turns played are kept,
        # and a journal that outlives it writes each turn again
        _flush_journal(session)
        journal = getattr(session.store, "journal", None)
        if journal is not None:
            journal.hold = False


def _flush_journal(session: Session) -> None:
    """The turns the journal holds back, written (before the output that shows them)."""
    journal = getattr(session.store, "journal", None)
    if journal is not None:
        journal.flush()


def _play_at_terminal(session: Session, plain: bool, history_file: Path | None) -> int:
    """The line loop for a person: input() with readline's line editing and history."""
    import contextlib  # here, not at the top: a piped game needs none of it

    try:
        import readline
    except ImportError:  # Windows: input() still edits a line
        readline = None  # type: ignore[assignment]
    if readline is not None:
        # a screen reader hears no paste-mode escape codes around every prompt
        readline.parse_and_bind("set enable-bracketed-paste off")
        if history_file is not None:
            with contextlib.suppress(OSError):
                readline.read_history_file(history_file)
    width = None if plain else min(terminal_columns(), 100) - 1
    print(HOW_TO_PLAY + "\n\n" + "\n\n".join(blocks(session.opening, width)), flush=True)
    try:
        while True:
            try:
                line = input("\n> ")
            except EOFError:
                print()
                return 0
            result = session.submit(line)
            print("\n" + "\n\n".join(blocks(result, width)), flush=True)
            if result.quit:
                return 0
    finally:
        if readline is not None and history_file is not None:
            with contextlib.suppress(OSError):
                history_file.parent.mkdir(parents=True, exist_ok=True)
                readline.set_history_length(1000)
                readline.write_history_file(history_file)


# Paragraph -> its UTF-8 bytes. The story's text is mostly not ASCII (dashes, quotes),
# and encoding it again every turn was 8% of a turn's instructions.
_ENCODED: Final[dict[str, bytes]] = {}


class _Sink:
    """Output waiting to be written: as UTF-8 bytes straight to the stream's buffer,
    each paragraph encoded once, where the stream is UTF-8; as text otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        encoding = (getattr(out, "encoding", None) or "").lower().replace("-", "")
        self.buffer = getattr(out, "buffer", None) if encoding == "utf8" else None
        # a str, so that compiled, encode() with it is a direct call (not a method lookup)
        self.errors: str = getattr(out, "errors", None) or "strict"
        self.parts: list[str] = []
        self.encoded: list[bytes] = []
        self.size = 0
        out.flush()  # what was written as text comes first

    def add(self, text: str) -> None:
        if self.buffer is None:
            self.parts.append(text)
        else:
            self.encoded.append(text.encode("utf-8", self.errors))
        self.size += len(text)

    def add_known(self, text: str, encoded: bytes) -> None:
        """add(text), given its UTF-8 (a constant of the loop's: not encoded every turn)."""
        if self.buffer is None:
            self.parts.append(text)
        else:
            self.encoded.append(encoded)
        self.size += len(text)

    def add_blocks(self, texts: list[str]) -> None:
        if self.buffer is None:
            self.add("\n\n".join(texts))
            return
        for i, text in enumerate(texts):
            if i:
                self.encoded.append(b"\n\n")
            found = _ENCODED.get(text)
            if found is None:
                found = text.encode("utf-8", self.errors)
                remember(_ENCODED, text, found)
            self.encoded.append(found)
            self.size += len(text)

    def write(self) -> None:
        if self.buffer is None:
            self.out.write("".join(self.parts))
            self.out.flush()
            self.parts.clear()
        else:
            self.buffer.write(b"".join(self.encoded))
            self.buffer.flush()
            self.encoded.clear()
        self.size = 0


class _Lines:
    """Lines without their newline; invalid UTF-8 from a pipe becomes U+FFFD.
    `ready()` tells whether a whole line has already arrived, so reading it cannot wait."""

    def __init__(self, inp: TextIO) -> None:
        self.inp = inp
        buffer = getattr(inp, "buffer", None)
        # read1: what the stream has buffered, or one read of what has arrived
        self.read1 = getattr(buffer, "read1", None)
        self.lines: list[bytes] = []  # complete lines already read, in reverse order
        self.rest = b""  # the start of a line still arriving
        self.eof = False

    def ready(self) -> bool:
        return bool(self.lines) or self.eof

    def next(self) -> str | None:
        if self.read1 is None:  # a text stream of no file (tests): line by line
            line = self.inp.readline()
            return line.rstrip("\r\n") if line else None
        while not self.lines:
            if self.eof:
                return None
            chunk = self.read1(FLUSH_AT)
            if not chunk:
                self.eof = True
                if self.rest:
                    self.lines.append(self.rest)
                    self.rest = b""
                continue
            parts = (self.rest + chunk).split(b"\n")
            self.rest = parts.pop()
            parts.reverse()
            self.lines = parts
        # positional: compiled, a direct call (a keyword made it a method call)
        return self.lines.pop().decode("utf-8", "replace").rstrip("\r\n")
