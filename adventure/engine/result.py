"""What one command produces: paragraphs, numbered choices, the status line, and the state.

Front ends read nothing else of a game (see session.Session.submit).
"""

from __future__ import annotations

from ..story.record import Record

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from ..story.model import Action, Ending, Exit
    from .state import GameState


class Choice(Record):
    __slots__ = ("number", "label")

    def __init__(self, number: int, label: str) -> None:
        self.number = number
        self.label = label


class Status(Record):
    __slots__ = ("scene", "title", "chapter", "turn", "score", "max_score")

    def __init__(self, scene: str, title: str, chapter: str, turn: int, score: int | None,
                 max_score: int | None) -> None:
        self.scene = scene
        self.title = title
        self.chapter = chapter
        self.turn = turn
        self.score = score
        self.max_score = max_score


class Result(Record):
    """What one command produced."""

    __slots__ = ("paragraphs", "choices", "status", "state", "ended", "quit", "advanced",
                 "show_choices", "resolved", "unknown_word", "offers", "undo")

    def __init__(self, paragraphs: list[tuple[str, str]], choices: list[Choice], status: Status,
                 state: GameState, ended: Ending | None = None, quit: bool = False,
                 advanced: bool = False, show_choices: bool = False, resolved: str = "",
                 unknown_word: str = "", offers: list[Offer] | None = None,
                 undo: tuple | None = None) -> None:
        self.paragraphs = paragraphs  # (style, text): title, text, system, error, ending
        self.choices = choices
        self.status = status
        self.state = state
        self.ended = ended
        self.quit = quit
        self.advanced = advanced  # the command took a turn
        self.show_choices = show_choices  # the list is new or was asked for
        # what the command meant: action:scene:id, exit:..., builtin:take:padd
        self.resolved = resolved
        self.unknown_word = unknown_word  # a word the parser did not know (for 'oops')
        self.offers = offers  # what the choices do (Game.step may reuse them: see there)
        self.undo = undo  # what turns `state` back into the state before (see undo_record)

    @property
    def text(self) -> str:
        return "\n\n".join(t for _, t in self.paragraphs)


class Offer(Record):
    """A numbered choice and what it does."""

    __slots__ = ("label", "action", "exit")

    def __init__(self, label: str, action: Action | None = None, exit: Exit | None = None) -> None:
        self.label = label
        self.action = action
        self.exit = exit
