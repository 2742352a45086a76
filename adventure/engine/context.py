"""What the parser is told each turn: the `Context` of a command (the scene's actions,
exits and words, what is in view), and `Lazy`, the parts worked out only when asked."""

from __future__ import annotations

from ..story.model import Action, Exit, Thing, Words
from ..story.vocab import SynonymIndex

TYPE_CHECKING = False  # typing costs start-up time (collections.abc imports collections)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final


class Lazy:
    """What a Context works out only when the parser asks for it. Offers.context gives
    each turn's Context one of these (offers.TurnLazy) instead of a closure per part:
    one object made per turn, not six."""

    def scope(self) -> dict[str, Thing]:
        return {}

    def phrases(self) -> list[str]:
        return []

    def vocabulary(self) -> frozenset[str]:
        return frozenset()

    def unlisted(self) -> frozenset[str]:
        return frozenset()

    def labels(self) -> list[Words]:
        return []

    def mentioned(self) -> frozenset[str]:
        return frozenset()

    def names(self) -> frozenset[str]:
        return frozenset()

    def partners(self) -> list[Thing]:
        return []


NOTHING_LAZY: Final = Lazy()


class Context:
    """What the player can refer to this turn. (Not a Record: its scope is found lazily,
    and a context is never saved or compared.) The parts worked out lazily are given as
    functions, or else asked of `lazy`."""

    __slots__ = ("synonyms", "own", "globals", "spent", "exits", "_scope", "exit_titles", "choices",
                 "fallback", "conversation", "_phrases", "refs", "routes", "_vocabulary",
                 "_unlisted", "_labels", "_mentioned", "_names", "exact", "scene", "_partners",
                 "lazy")

    def __init__(self, synonyms: SynonymIndex, own: list[Action],
                 globals: list[Action], spent: list[Action], exits: list[Exit],
                 scope: dict[str, Thing] | Callable[[], dict[str, Thing]] | None,
                 exit_titles: dict[str, Words], choices: int,
                 fallback: bool = False, conversation: bool = False,
                 phrases: Callable[[], list[str]] | None = None,
                 refs: dict[str, str] | None = None,
                 routes: dict[str, list[Exit]] | None = None,
                 vocabulary: frozenset[str] | None = frozenset(),
                 unlisted: Callable[[], frozenset[str]] | None = None,
                 labels: Callable[[], list[Words]] | None = None,
                 mentioned: Callable[[], frozenset[str]] | None = None,
                 names: Callable[[], frozenset[str]] | None = None, scene: str = "",
                 partners: Callable[[], list[Thing]] | None = None,
                 lazy: Lazy = NOTHING_LAZY) -> None:
        self.synonyms = synonyms
        self.own = own  # the scene's own actions that can be matched now
        self.globals = globals
        self.spent = spent  # `once` actions already done
        self.exits = exits
        self._scope = scope  # or a function that finds it (None: lazy's): many never ask
        self.exit_titles = exit_titles  # exit key -> words of its destination's title
        self.choices = choices  # how many numbered choices are on offer
        self.fallback = fallback  # the scene's fallback answers everything else
        self.conversation = conversation
        self._phrases = phrases  # listed commands, for suggestions
        self.refs = {} if refs is None else refs  # pronoun -> thing id last named
        self.routes = {} if routes is None else routes  # place words -> exits
        self._vocabulary = vocabulary  # every word understood here, for typos (None: lazy's)
        self._unlisted = unlisted  # keys of hidden actions not yet revealed
        self._labels = labels  # the numbered choices' labels, as words
        self._mentioned = mentioned  # every word the scene's text can show
        self._names = names  # the names it writes with a capital
        self.exact = False  # as typed: no typo corrected, no 'did you mean' (a replayed log)
        self.scene = scene  # the scene's id: its own people are who 'him' means in it
        self._partners = partners  # in a conversation, whom it is with (see offers)
        self.lazy = lazy

    @property
    def scope(self) -> dict[str, Thing]:
        found = self._scope
        if isinstance(found, dict):
            return found
        found = self._scope = self.lazy.scope() if found is None else found()
        return found

    @property
    def vocabulary(self) -> frozenset[str]:
        found = self._vocabulary
        if found is None:
            found = self._vocabulary = self.lazy.vocabulary()
        return found

    def known_words(self) -> frozenset[str] | None:
        """The vocabulary if it has been worked out, else None (to hand on, still lazy)."""
        return self._vocabulary

    def phrases(self) -> list[str]:
        f = self._phrases
        return self.lazy.phrases() if f is None else f()

    def unlisted(self) -> frozenset[str]:
        f = self._unlisted
        return self.lazy.unlisted() if f is None else f()

    def labels(self) -> list[Words]:
        f = self._labels
        return self.lazy.labels() if f is None else f()

    def mentioned(self) -> frozenset[str]:
        f = self._mentioned
        return self.lazy.mentioned() if f is None else f()

    def names(self) -> frozenset[str]:
        f = self._names
        return self.lazy.names() if f is None else f()

    def partners(self) -> list[Thing]:
        f = self._partners
        return self.lazy.partners() if f is None else f()
