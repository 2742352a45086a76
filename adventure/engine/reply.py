"""What a turn shows: the `Result` made from the `World` a command played in.

`Replies` extends `Offers` (the choices a result lists) with the paragraphs, the
status line, whether the choices are shown, and the turn's undo record; `describe`
names what a command resolved to, for logs and saves.
"""

from __future__ import annotations

from ..story.memo import remember
from ..story.model import Story
from ..story.text import paragraph_tuple, text_paragraphs
from .offers import Offers
from .result import Choice, Offer, Result, Status
from .world import World

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from .parser import Intent
    from .state import GameState


class Replies(Offers):
    """The base of `Game` that turns a played `World` into a `Result`."""

    def __init__(self, story: Story):
        super().__init__(story)
        # choice labels -> the Choice list shown for them; results share these lists
        # (front ends only read them)
        self._choices: dict[tuple[str, ...], list[Choice]] = {}

    def notice(self, state: GameState, paras: list[tuple[str, str]], look: bool = False
               ) -> Result:
        """A result that changes nothing: a message, and optionally the scene again.
        (On a copy: describing the scene may draw from the game's RNG, and a notice is
        not a turn the log could replay.)"""
        world = World(self.story, state.copy())
        world.out.extend(paras)
        if look:
            world.describe(state.scene)
        return self._result(world, advanced=False, show_choices=look, before=None if look
                            else state)

    def status(self, st: GameState) -> Status:
        scene = self.story.scenes[st.scene]
        has_score = self.story.max_score is not None
        title = scene.title if scene.title_text is None else World(self.story, st).title(st.scene)
        if scene.dark is not None and World(self.story, st).dark:
            title = World(self.story, st).word("dark_title")
        return Status(scene.id, title, scene.chapter, st.turn,
                      st.score if has_score else None, self.story.max_score)

    def _result(self, world: World, advanced: bool, show_choices: bool,
                before: GameState | None) -> Result:
        st = world.state
        if world.score_due:  # the ending's move is counted by now: "in 12 turns" as shown
            world.score_due = False
            world.out.append(("text", world.word("ending_score", max=str(self.story.max_score))))
        paras: list[tuple[str, str]] = []
        for style, text in world.out:
            if style == "text":
                paras += text_paragraphs(text)
            elif style == "ending":
                paras += [(style, p) for p in paragraph_tuple(text)]
            else:
                paras.append((style, text))
        ending = None
        choices: list[Choice] = []
        offers: list[Offer] | None = None
        if st.ended:
            ending = self.story.scenes[st.ended].ending
            paras.append(("system", "The story has ended. Would you like to RESTART, "
                          "RESTORE a saved game, UNDO your last move or QUIT?"))
        else:
            offers = self.offers(world)
            labels = self._labels(st.scene, offers)
            shared = self._choices.get(labels)
            if shared is None:  # the same few lists come back turn after turn: shared
                shared = remember(self._choices, labels,
                                  [Choice(i + 1, label) for i, label in enumerate(labels)])
            choices = shared
            if before is not None and not show_choices:
                if world.described:  # the scene shown whole ('look', a new scene): and
                    show_choices = True  # its choices, changed or not
                else:
                    old = world.offered_before
                    if old is None:  # a copy: working out labels may draw from its RNG
                        old = tuple([o.label for o in self.offers(World(self.story,
                                                                        before.copy()))])
                    show_choices = old != labels
            elif before is None:
                show_choices = True
        # positional: this runs every turn (paragraphs, choices, status, state, ended,
        # quit, advanced, show_choices, resolved, unknown_word, offers, undo)
        return Result(paras, choices, self.status(st), st, ending, False, advanced,
                      show_choices and bool(choices), "", "", offers if choices else None,
                      None if before is None else before.undo_record(st, world.written))


def describe(intent: Intent) -> str:
    """A stable name for what a command resolved to, kept in logs and saves."""
    if intent.kind == "action" and intent.action is not None:
        return intent.action.trigger
    if intent.kind == "exit" and intent.exit is not None:
        return intent.exit.trigger
    if intent.kind == "builtin":
        parts = [intent.verb, *(t.id for t in intent.objects)]
        if intent.verb == "put":
            parts.append(intent.preposition)
        return "builtin:" + ":".join(parts)
    if intent.kind == "meta":
        return f"meta:{intent.verb}"
    if intent.kind == "travel" and intent.route:
        return f"travel:{intent.route[-1].to}"  # where it went: a replay goes there again
    return intent.kind
