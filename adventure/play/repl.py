"""The terminal front end: a prompt_toolkit REPL over the session API.

Imported only when a terminal session starts (prompt_toolkit costs ~90 ms to
import). Everything it shows comes from `Session.submit`; it keeps no game
logic of its own.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app_session, run_in_terminal
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.renderer import print_formatted_text as render_fragments
from prompt_toolkit.styles import Style, default_ui_style, merge_styles

from ..engine.session import Result, Session
from ..story.sanitize import sanitize

TYPE_CHECKING = False  # annotations are strings; typing-only names are not imported at run time
if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples

THEME = Style.from_dict({
    "title": "bold underline",
    "text": "",
    "speech": "ansicyan",
    "system": "ansibrightblack italic",
    "error": "ansired",
    "ending": "bold ansiyellow",
    "number": "bold",
    "choice": "",
    "prompt": "bold",
    "bottom-toolbar": "reverse",
})
# Merged with prompt_toolkit's defaults once: its print_formatted_text merges them again on
# every call, which rebuilds a style of some 150 rules (about 10 ms, most of a served turn).
PRINT_STYLE = merge_styles([default_ui_style(), THEME])


def echo(fragments: list[tuple[str, str]], end: str = "\n") -> None:
    """Styled text to this session's output (prompt_toolkit's print_formatted_text,
    without its per-call style merge)."""
    output = get_app_session().output
    render_fragments(output, [*fragments, ("", end)], PRINT_STYLE,
                     color_depth=output.get_default_color_depth())
    output.flush()

FIRST_SCREEN = ("Type a number to choose, or a command: look, examine THING, inventory.\n"
                "help lists commands; hint helps; Tab completes; Ctrl-D quits.")


class StoryCompleter(Completer):
    """Completes whole commands from what the session says is possible this turn."""

    def __init__(self, session: Session):
        self.session = session

    def get_completions(self, document: Document, complete_event: CompleteEvent
                        ) -> Iterable[Completion]:
        typed = document.text_before_cursor.lstrip().lower()
        for phrase, display in self.session.game.suggestions(self.session.state):
            if phrase.startswith(typed) and phrase != typed:
                yield Completion(phrase, start_position=-len(document.text_before_cursor),
                                 display=display)


class Repl:
    def __init__(self, session: Session, history_file: Path | None = None,
                 history: History | None = None):
        self.session = session
        self.last = session.opening
        self.stopped: str | None = None  # why run_async ends, once `stop` is called
        history = history if history is not None else InMemoryHistory()
        if history_file is not None:
            try:
                history_file.parent.mkdir(parents=True, exist_ok=True)
                history = FileHistory(str(history_file))
            except OSError:
                pass  # history is a comfort, not a reason to fail
        self.prompt: PromptSession[str] = PromptSession(
            history=history, completer=StoryCompleter(session),
            auto_suggest=AutoSuggestFromHistory(), bottom_toolbar=self.toolbar,
            style=THEME, complete_while_typing=False, reserve_space_for_menu=4,
        )

    def width(self) -> int:
        cols = self.prompt.app.output.get_size().columns
        return max(20, min(cols, 100) - 1)

    def toolbar(self) -> FormattedText:
        s = self.last.status
        score = f"score {s.score}/{s.max_score}" if s.score is not None else ""
        text = fit_status(s.title, s.chapter.replace("_", " ").title(), f"turn {s.turn}",
                          score, self.prompt.app.output.get_size().columns)
        return FormattedText([("class:bottom-toolbar", text)])

    def show(self, result: Result, before: list[tuple[str, str]] | None = None) -> None:
        width = self.width()  # asked each time, so a resized terminal re-wraps
        out: list[tuple[str, str]] = list(before or [])
        for style, text in result.paragraphs:
            text = sanitize(text)
            if style == "title":
                out += [("class:title", text), ("", "\n\n")]
                continue
            indent = "    " if style == "system" and "\n" in text else ""
            lines = [w for para in text.split("\n") for w in
                     (textwrap.wrap(para, width, subsequent_indent=indent,
                                    break_long_words=False, break_on_hyphens=False)
                      or [""])]
            out += _styled(lines, f"class:{style}")
            out.append(("", "\n"))
        if result.show_choices and result.choices:
            for c in result.choices:
                label = textwrap.wrap(sanitize(c.label), width - 6) or [""]
                out += [("class:number", f"  {c.number:>2}) "), ("class:choice", label[0]),
                        ("", "\n")]
                for more in label[1:]:
                    out += [("class:choice", "      " + more), ("", "\n")]
            out.append(("", "\n"))
        echo(out, end="")

    def confirm_leave(self) -> bool:
        """Ctrl-D with unsaved progress: ask once (the journal keeps it either way)."""
        question: StyleAndTextTuples = [
            ("class:system", "Leave without saving? 'adventure --continue' picks "
             "the game up again. [y/N] ")]
        try:
            return _yes(self.prompt.prompt(question, completer=None, auto_suggest=None))
        except (EOFError, KeyboardInterrupt):
            return True

    def run(self, first_screen: bool = True) -> int:
        """At the local terminal: prompt_toolkit's own event loop, one prompt at a time."""
        self.opening(first_screen)
        while True:
            try:
                line = self.prompt.prompt([("class:prompt", "> ")])
            except KeyboardInterrupt:
                continue  # Ctrl-C cancels the line being typed
            except EOFError:
                if self.session.unsaved and self.session.store is not None \
                        and not self.confirm_leave():
                    continue
                self.goodbye()
                return 0
            if self.turn(line):
                return 0

    async def run_async(self, first_screen: bool = True) -> int:
        """Inside an app session of a running event loop (the server runs one per
        connection): the same loop, awaiting the prompt, and stoppable from outside
        (`stop`). Leaving never asks: the caller's store keeps every turn."""
        self.opening(first_screen)
        while self.stopped is None:
            try:
                line = await self.prompt.prompt_async([("class:prompt", "> ")])
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            if self.stopped is not None or not await self.before_turn(line):
                continue
            if await self.turn_async(line):
                return 0
        if self.stopped:
            self.say(self.stopped)
        else:
            self.goodbye()
        return 0

    async def before_turn(self, line: str) -> bool:
        """Hook for the server (pacing, limits): False drops the line."""
        return True

    def stop(self, message: str = "") -> None:
        """End `run_async` at its next prompt (now, if it is waiting at one), saying why."""
        self.stopped = message
        app = self.prompt.app
        if app.is_running and not app.future.done():  # type: ignore[union-attr]
            app.exit(exception=EOFError())

    def say(self, text: str) -> None:
        """A system line between turns; shown above the prompt when one is waiting."""
        def show() -> None:
            echo([("class:system", text)])

        if self.prompt.app.is_running:
            run_in_terminal(show)
        else:
            show()

    def opening(self, first_screen: bool) -> None:
        first: list[tuple[str, str]] = []
        if first_screen:
            lines = [w for line in FIRST_SCREEN.split("\n")
                     for w in textwrap.wrap(line, self.width())]
            first = [("class:system", "\n".join(lines) + "\n"), ("", "\n")]
        self.show(self.session.opening, before=first)  # one write for the whole first screen

    def turn(self, line: str) -> bool:
        """Play a line and show it; True when the game is over (quit or ended)."""
        return self.shown(self.session.submit(line))

    async def turn_async(self, line: str) -> bool:
        """`turn` for `run_async`; the server plays the line off its event loop."""
        return self.turn(line)

    def shown(self, result: Result) -> bool:
        """Show a turn's result; True when the game is over."""
        self.last = result
        echo([])
        self.show(result)
        return result.quit

    def goodbye(self) -> None:
        echo([("class:system", "Goodbye.")])

def _yes(answer: str) -> bool:
    return answer.strip().lower() in ("y", "yes")


def _styled(lines: list[str], style: str) -> list[tuple[str, str]]:
    """Lines of one paragraph, with quoted speech styled even across line breaks."""
    if style != "class:text":
        return [frag for line in lines for frag in ((style, line), ("", "\n"))]
    out: list[tuple[str, str]] = []
    inside = False
    for line in lines:
        start = 0
        for i, ch in enumerate(line):
            opens = ch == "“" or (ch == '"' and not inside)
            closes = ch == "”" or (ch == '"' and inside)
            if opens and not inside:
                out.append((style, line[start:i]))
                start, inside = i, True
            elif closes and inside:
                out.append(("class:speech", line[start:i + 1]))
                start, inside = i + 1, False
        out.append(("class:speech" if inside else style, line[start:]))
        out.append(("", "\n"))
    return [f for f in out if f[1]]


def fit_status(title: str, chapter: str, turn: str, score: str, width: int) -> str:
    """The status line in `width` columns: the turn and score always whole; the chapter
    goes first, then the title is shortened, then the words 'turn' and 'score'."""
    tail = [p for p in (turn, score) if p]
    for parts in ([title, chapter, *tail], [title, *tail]):
        text = " " + " · ".join(parts) + " "
        if len(text) <= width:
            return text
    rest = " · " + " · ".join(tail) + " "
    room = width - len(rest) - 1
    if room >= 8:
        return " " + title[: room - 1].rstrip() + "…" + rest
    short = " · ".join(p.split(" ", 1)[1] if " " in p else p for p in tail)
    return (" " + short + " ")[:width]
