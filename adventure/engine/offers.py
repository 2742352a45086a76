"""What can be done in a scene: its numbered choices, and what the parser is told of it.

`Offers` is the base of `Game`: it holds the story and what is worked out once per
scene (which choices can ever be listed, the words and routes a scene knows), and
builds each turn's offers and parser `Context` from them. It never changes a game.
"""

from __future__ import annotations

from ..story.limits import MAX_ROUTE_STEPS
from ..story.memo import remember
from ..story.model import Action, Exit, Scene, Story, Thing, Words
from ..story.text import Template
from ..story.vocab import BUILTINS, synonym_index, words
from .context import Context, Lazy
from .conversing import partners
from .labels import label_words
from .parser import thing_words
from .result import Offer
from .world import World

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from .state import GameState


class Offers:
    """A story's scenes as the player and the parser see them. Build once per story."""

    def __init__(self, story: Story):
        self.story = story
        self.synonyms = synonym_index(story.synonyms)
        self._routes: dict[str, dict[str, list[Exit]]] = {}
        self._vocab: dict[str, frozenset[str]] = {}
        self._common_words: frozenset[str] | None = None
        self._parts: dict[str, tuple] = {}
        self._offer_plans: dict[str, OfferPlan] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._label_memo: dict[str, Words] = {}  # label -> its words (_label_words)

    def scene(self, world: World) -> Scene:
        return self.story.scenes[world.state.scene]

    def usable(self, world: World, a: Action) -> bool:
        return not (a.once and world.state.done.get(a.key))

    def listed(self, world: World, a: Action) -> bool:
        return world.state.listing.get(a.key, not a.hidden)

    def offers(self, world: World) -> list[Offer]:
        """The numbered choices on offer now: listed actions whose guards hold, then exits;
        then those an `extend:` of another file adds, file by file, so that a branch never
        renumbers the choices a scene had. The list may be shared: callers must not change it."""
        plan = self._offer_plan(world.state.scene)
        done, listing = world.state.done, world.state.listing
        if plan.fixed is not None and (not listing or listing.keys().isdisjoint(plan.keys)):
            return plan.fixed  # nothing here depends on the state: the same list every time
        out = []
        for actions, exits in plan.groups:
            for a, key, once, shown, when, label, offer in actions:  # runs every turn
                if (once and done.get(key)) or (listing and not listing.get(key, shown)) \
                        or (not listing and not shown):
                    continue
                if when is None or when.value(world):
                    out.append(Offer(world.render(label), a, None) if offer is None else offer)
            for ex, when, exit_label, offer in exits:
                if when is None or when.value(world):
                    # (offer is None only for an exit whose label must be rendered)
                    out.append(Offer(world.render(exit_label), None, ex)  # type: ignore[arg-type]
                               if offer is None else offer)
        return out

    def _labels(self, sid: str, offers: list[Offer]) -> tuple[str, ...]:
        """The labels of offers() made in scene `sid` (a fixed list's are known)."""
        plan = self._offer_plan(sid)
        if offers is plan.fixed:
            return plan.labels
        return tuple([o.label for o in offers])

    def _offer_plan(self, sid: str) -> OfferPlan:
        plan = self._offer_plans.get(sid)
        if plan is None:
            plan = self._offer_plans[sid] = OfferPlan(self.story.scenes[sid],
                                                       self._exit_default)
        return plan

    def _exit_default(self, ex: Exit) -> str:
        title = self.story.scenes[ex.to].title
        if ex.key in _DIRECTION_NAMES:
            return f"Go {ex.key} ({title})"
        return f"Go to {title}"

    def context(self, world: World, offers: list[Offer]) -> Context:
        scene = self.scene(world)
        own, glob, once, titles = self._scene_parts(scene)
        spent: list[Action] = []
        if once:
            done = world.state.done
            spent = [a for a in once if done.get(a.key)]
            if spent:
                gone = {a.key for a in spent}
                own = [a for a in own if a.key not in gone]
                glob = [a for a in glob if a.key not in gone]
        fb = scene.fallback
        sid = scene.id
        return Context(  # positional, in Context's order: this runs every turn
            self.synonyms, own, glob, spent, scene.exits, None, titles, len(offers),
            fb is not None and (fb.when is None or bool(fb.when(world))),
            scene.conversation, None,
            world.state.refs,  # the parser takes only those still in scope
            self.routes(sid), None, None, None, None, None, sid, None,
            TurnLazy(self, world, scene, offers, own, glob))

    def _label_words(self, offers: list[Offer]) -> list[Words]:
        """The words of the offers' labels (parser.Context.labels), each label's kept
        by its text: the parser asks every command, and a scene's labels come back."""
        memo = self._label_memo
        out = []
        for o in offers:
            found = memo.get(o.label)
            if found is None:
                found = remember(memo, o.label, label_words(o.label, self.synonyms))
            out.append(found)
        return out

    def names(self, scene: Scene) -> frozenset[str]:
        """The names a scene can show, and every person's one-word name: a person the
        text names only at the start of a sentence ("Kira has the helm") is still
        someone, not "the kira"."""
        found = self._names.get(scene.id)
        if found is None:
            people = {t.name[0] for t in self.story.things.values()
                      if t.person and t.article == "none" and len(t.name) == 1}
            found = self._names[scene.id] = scene.names_shown() | people
        return found

    def _scene_parts(self, scene: Scene) -> tuple[list[Action], list[Action], list[Action],
                                                  dict[str, Words]]:
        """A scene's own and global actions, its `once` actions, and the words of its
        exits' destinations: worked out once per scene."""
        parts = self._parts.get(scene.id)
        if parts is None:
            own = [a for a in scene.actions if not a.key.startswith("global.")]
            glob = [a for a in scene.actions if a.key.startswith("global.")]
            titles = {ex.key: words(self.story.scenes[ex.to].title) for ex in scene.exits
                      if not ex.blocked}  # 'go to' never names a way that leads nowhere
            parts = self._parts[scene.id] = (own, glob, [a for a in scene.actions if a.once],
                                             titles)
        return parts

    def routes(self, sid: str) -> dict[str, list[Exit]]:
        """Every scene reachable by exits from here, by the words that name it: the
        shortest way there. Worked out once per scene (the story never changes)."""
        cache = self._routes
        if sid not in cache:
            # Breadth first, at most MAX_ROUTE_STEPS exits away: every path is a copy, so
            # a ring of thousands of scenes would otherwise cost their number squared.
            # (A list read from the front: collections.deque would import collections, a
            # tenth of a piped start of a small game.)
            paths: dict[str, list[Exit]] = {sid: []}
            todo, done = [sid], 0
            while done < len(todo):
                here = todo[done]
                done += 1
                if len(paths[here]) >= MAX_ROUTE_STEPS:
                    continue
                for ex in self.story.scenes[here].exits:
                    if ex.to not in paths and not self.story.scenes[ex.to].ending:
                        paths[ex.to] = paths[here] + [ex]
                        todo.append(ex.to)
            named: dict[str, list[Exit]] = {}
            for target, path in paths.items():
                if len(path) > 1:
                    for name in (" ".join(words(self.story.scenes[target].title)),
                                 target.replace("_", " ")):
                        named.setdefault(name, path)
            cache[sid] = named
        return cache[sid]

    def vocabulary(self, sid: str) -> frozenset[str]:
        """Every word the parser knows in a scene, for correcting typos."""
        cache = self._vocab
        if sid not in cache:
            found: set[str] = set()
            scene = self.story.scenes[sid]
            for a in scene.actions:
                for seq in (*a.commands, *a.verbs, *a.nouns, *a.topics, a.preposition):
                    found.update(seq)
            for ex in scene.exits:
                found.update(*ex.names, words(self.story.scenes[ex.to].title))
            found.update(self.routes(sid))
            cache[sid] = self._story_words() | _typable(found)
        return cache[sid]

    def _story_words(self) -> frozenset[str]:
        """The words every scene knows: built-in verbs, synonyms and the names of things
        (worked out once: a story has hundreds of them)."""
        found = self._common_words
        if found is None:
            words_: set[str] = {w for seqs in BUILTINS.values() for seq in seqs for w in seq}
            words_ |= {"all", "except", "but", "and", "yes", "no", "again", "oops", "undo",
                       "save", "restore", "restart", "it", "them", "him", "her"}
            for alt, canon in self.story.synonyms:
                words_.update(alt, canon)
            for t in self.story.things.values():
                words_ |= thing_words(t)[1]
            found = self._common_words = _typable(words_)
        return found

    def suggestions(self, state: GameState) -> list[tuple[str, str]]:
        """Commands worth offering for completion now: (text, what to display)."""
        world = World(self.story, state.copy())  # completing must not move the game's RNG
        out: dict[str, str] = {}
        if state.ended:
            return [("restart", "restart"), ("quit", "quit")]
        offers = self.offers(world)
        for i, o in enumerate(offers, 1):
            out[str(i)] = f"{i}) {o.label}"
        ctx = self.context(world, offers)
        for phrase in ctx.phrases():
            out.setdefault(phrase, phrase)
        for ex in ctx.exits:
            if not ex.hidden and (ex.when is None or ex.when(world)):
                out.setdefault(ex.key, ex.key)
                out.setdefault(f"go to {self.story.scenes[ex.to].title.lower()}",
                               f"go to {self.story.scenes[ex.to].title}")
        for t in map(world.shown, ctx.scope.values()):
            out.setdefault(f"examine {t.display}", f"examine {t.display}")
            if t.portable and not world.has(t.id):
                out.setdefault(f"take {t.display}", f"take {t.display}")
            if world.has(t.id):
                out.setdefault(f"drop {t.display}", f"drop {t.display}")
            if t.wearable and not world.wearing(t.id):
                out.setdefault(f"wear {t.display}", f"wear {t.display}")
        for word in ("look", "inventory", "wait", "choices", "hint", "help", "quit"):
            out.setdefault(word, word)
        return list(out.items())


class OfferPlan:
    """What offers() needs of a scene, worked out once.

    `actions` and `exits` are the ones that can ever be listed, each with its offer made
    once when its label is fixed text (offers are only read, so one object serves every
    turn). A scene where no choice has a guard, a `once` or a label to render has one
    list, `fixed`, with its `labels`: valid while 'reveal' and 'hide' have written no key
    of `keys` into `listing`. `plain`: no label draws at random, so the choices depend on
    the state alone and a list worked out for a state holds for it again."""

    __slots__ = ("actions", "exits", "groups", "keys", "fixed", "labels", "plain")

    def __init__(self, scene: Scene, exit_default: Callable[[Exit], str]) -> None:
        self.actions = [(a, a.key, a.spent_when_done, not a.hidden, a.when, a.label,
                         _fixed_offer(_fixed(a.label), a, None))
                        for a in scene.actions if a.label is not None and not a.disabled]
        self.exits = [(ex, ex.when, ex.label, _fixed_offer(
            _fixed(ex.label) if ex.label is not None else exit_default(ex), None, ex))
            for ex in scene.exits if not ex.hidden]
        # The scene's own choices first (and global ones), then each extending file's,
        # in the order the loader gave the extensions (`order:`, then file path): its
        # actions, then its exits.
        own = scene.loc.file
        files = list(dict.fromkeys(
            [f for f in scene.extended_by if f != own]
            + [e[0].loc.file for e in self.actions if _extends(e[0], own)]
            + [e[0].loc.file for e in self.exits if e[0].loc.file != own]))
        self.groups = [([e for e in self.actions if not _extends(e[0], own)],
                        [e for e in self.exits if e[0].loc.file == own])]
        self.groups += [([e for e in self.actions if _extends(e[0], own) and e[0].loc.file == f],
                         [e for e in self.exits if e[0].loc.file == f]) for f in files]
        self.actions = [e for acts, _ in self.groups for e in acts]
        self.exits = [e for _, exs in self.groups for e in exs]
        # every action of the scene: 'reveal' may list one with no label
        self.keys = frozenset(a.key for a in scene.actions)
        self.fixed: list[Offer] | None = None
        self.labels: tuple[str, ...] = ()
        if all(when is None and not once and offer is not None
               for _, _, once, _, when, _, offer in self.actions) \
                and all(when is None and offer is not None for _, when, _, offer in self.exits):
            self.fixed = []
            for acts, exs in self.groups:
                self.fixed += [offer for _, _, _, shown, _, _, offer in acts
                               if shown and offer is not None]
                self.fixed += [offer for _, _, _, offer in exs if offer is not None]
            self.labels = tuple([o.label for o in self.fixed])
        specs = [a.label for a in scene.actions] + [ex.label for ex in scene.exits]
        self.plain = all(s is None or (isinstance(s, Template) and not _draws(s))
                         for s in specs)


def _extends(a: Action, own_file: str) -> bool:
    """Was this action added to the scene by another file's `extend:`?"""
    return not a.key.startswith("global.") and a.loc.file != own_file


def _fixed_offer(text: str | None, action: Action | None, exit: Exit | None) -> Offer | None:
    return None if text is None else Offer(text, action, exit)


def _fixed(label: object) -> str | None:
    """A label's text when it never changes; None when it must be rendered each time."""
    if label.__class__ is Template and label.static:  # type: ignore[union-attr]
        return label.plan[0]  # type: ignore[union-attr]
    return None


def _typable(found: set[str]) -> frozenset[str]:
    """The single words a typo could be a slip for."""
    return frozenset(w for w in found if len(w) > 1 and " " not in w)


def _draws(text: Template) -> bool:
    """Does a text call random() or chance() anywhere?"""
    for e in text.exprs():
        trees = [e.tree]
        while trees:
            op, _, args, _ = trees.pop()
            if op in ("random", "chance"):
                return True
            trees.extend(args)
    return False


_DIRECTION_NAMES: Final = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "up", "down", "in", "out", "fore", "aft", "port", "starboard"})


def _phrases(a: Action) -> list[str]:
    out = [" ".join(c) for c in a.commands[:2]]
    if a.verbs:
        noun = a.nouns[0] if a.nouns else ()
        out.append(" ".join(a.verbs[0] + noun))
    return out


class TurnLazy(Lazy):
    """The parts of a turn's Context that the parser works out only when it asks."""

    def __init__(self, offers: Offers, world: World, scene: Scene, shown: list[Offer],
                 own: list[Action], glob: list[Action]) -> None:
        self.offers = offers
        self.world = world
        self.scene = scene
        self.shown = shown  # the numbered choices on offer
        self.own = own
        self.glob = glob

    def scope(self) -> dict[str, Thing]:
        return self.world.scope()

    def phrases(self) -> list[str]:  # only needed when a command is not understood
        out = []
        for a in self.own + self.glob:
            if self.offers.listed(self.world, a) and (a.when is None or a.when(self.world)):
                out.extend(_phrases(a))
        out.extend(f"go {ex.key}" for ex in self.scene.exits if not ex.hidden)
        return out

    def vocabulary(self) -> frozenset[str]:  # for typos: a scene's first visit need not
        return self.offers.vocabulary(self.scene.id)

    def unlisted(self) -> frozenset[str]:
        return frozenset(a.key for a in self.own + self.glob
                         if not self.offers.listed(self.world, a))

    def labels(self) -> list[Words]:
        return self.offers._label_words(self.shown)

    def mentioned(self) -> frozenset[str]:
        return self.scene.words_shown()

    def names(self) -> frozenset[str]:
        return self.offers.names(self.scene)

    def partners(self) -> list[Thing]:
        return partners(self.scene, self.world.scope()) if self.scene.conversation else []
