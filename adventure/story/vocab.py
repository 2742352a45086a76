"""Words: how typed text and authored phrases are normalised the same way."""

from __future__ import annotations

from .lazyre import rx
from .memo import remember

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Final

ARTICLES: Final = frozenset({"a", "an", "the", "some"})

# Direction words and their abbreviations, for exits named by a direction.
DIRECTIONS: Final[dict[str, tuple[str, ...]]] = {
    "north": ("n",), "south": ("s",), "east": ("e",), "west": ("w",),
    "northeast": ("ne",), "northwest": ("nw",), "southeast": ("se",), "southwest": ("sw",),
    "up": ("u",), "down": ("d",), "in": ("inside",), "out": ("outside",),
    "fore": ("f", "forward"), "aft": ("a", "back"), "port": ("p",), "starboard": ("sb",),
}

_NON_WORD: Final = r"[^\w'\-]+"
# The same for ASCII text without a regular expression (and without importing re): every
# character but letters, digits, _ ' and - becomes a space.
_ASCII_NON_WORD: Final = {c: " " for c in range(128)
                          if not (chr(c).isalnum() or chr(c) in "_'-")}
# a turn asks for the words of its line several times
_WORDS: Final[dict[str, tuple[str, ...]]] = {}


def words(text: str) -> tuple[str, ...]:
    """Lower-case words of a phrase, punctuation and articles dropped."""
    found = _WORDS.get(text)
    if found is not None:
        return found
    low = text.lower()
    spaced = low.translate(_ASCII_NON_WORD) if low.isascii() else rx(_NON_WORD).sub(" ", low)
    raw = [w for w in spaced.replace("'", "").split() if w != "-"]
    kept = tuple(w for w in raw if w not in ARTICLES)
    # A lone "a" is the abbreviation of "aft", not an article.
    return remember(_WORDS, text, kept if kept or len(raw) != 1 else tuple(raw))


SynonymIndex = dict  # first word of what a player types -> [(phrase, meaning)], longest first


def synonym_index(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> SynonymIndex:
    """A story's synonyms by their first word, longest phrase first: a command looks at
    the few that could match instead of all of them. Built once per story."""
    index: SynonymIndex = {}
    for alt, canon in sorted(pairs, key=lambda s: -len(s[0])):
        if alt:
            index.setdefault(alt[0], []).append((alt, canon))
    return index


def apply_synonyms(ws: tuple[str, ...], index: SynonymIndex) -> tuple[str, ...]:
    """Replace each alternative phrase by its canonical one (longest first). A synonym of
    a verb (its canonical phrase starts with a built-in verb) counts only where a verb
    stands, at the start: 'open study' stays about the study, whatever 'study' means
    as a verb."""
    if not index or not ws or index.keys().isdisjoint(ws):
        return ws  # most commands use no alternative word at all
    out: list[str] = []
    i = 0
    while i < len(ws):
        for alt, canon in index.get(ws[i], ()):
            if i and canon[0] in VERBS_BY_FIRST:
                continue
            if ws[i:i + len(alt)] == alt:
                out.extend(canon)
                i += len(alt)
                break
        else:
            out.append(ws[i])
            i += 1
    return tuple(out)


# Built-in verbs: canonical name -> the word sequences that mean it.
BUILTINS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "look": (("look",), ("l",), ("look", "around")),
    "inventory": (("inventory",), ("i",), ("inv",)),
    "examine": (("examine",), ("x",), ("look", "at"), ("l", "at"), ("inspect",), ("read",),
                ("look", "in"), ("search",), ("look", "through"), ("look", "out"),
                ("look", "out", "of"), ("look", "into"), ("peer", "at"), ("peer", "through"),
                ("peer", "into"), ("gaze", "at")),
    "take": (("take",), ("get",), ("pick", "up"), ("grab",), ("collect",)),
    "drop": (("drop",), ("put", "down"), ("discard",)),
    "wear": (("wear",), ("put", "on"), ("don",)),
    "remove": (("remove",), ("take", "off"), ("doff",)),
    "put": (("put",), ("place",), ("insert",), ("set",)),
    "give": (("give",), ("hand",), ("offer",)),
    "show": (("show",),),
    "ask": (("ask",),),
    "tell": (("tell",),),
    "go": (("go", "to"), ("go",), ("walk", "to"), ("walk",), ("run", "to"), ("head",),
           ("head", "to"), ("enter",)),
    "wait": (("wait",), ("z",)),
    "talk": (("talk", "to"), ("talk", "with"), ("speak", "to"), ("speak", "with"),
             ("chat", "with"), ("talk",)),
    "climb": (("climb",), ("scale",), ("climb", "up"), ("climb", "onto")),
    "crawl": (("crawl",), ("crawl", "into"), ("crawl", "through")),
    "push": (("push",), ("press",), ("shove",)),
    "pull": (("pull",), ("tug",), ("yank",)),
    "lift": (("lift",), ("raise",)),
    "move": (("move",), ("shift",)),
    "open": (("open",),),
    "close": (("close",), ("shut",)),
    "lock": (("lock",),),
    "unlock": (("unlock",),),
    "light": (("light",), ("ignite",)),
    "extinguish": (("extinguish",), ("put", "out"), ("snuff",)),
    "turn_on": (("turn", "on"), ("switch", "on"), ("activate",)),
    "turn_off": (("turn", "off"), ("switch", "off"), ("deactivate",)),
    "attack": (("attack",), ("hit",), ("punch",), ("kick",), ("strike",), ("fight",),
               ("kill",)),
    "shoot": (("shoot",), ("fire", "at"), ("fire", "on")),
    "kneel": (("kneel",), ("kneel", "by"), ("kneel", "beside")),
    "sit": (("sit",), ("sit", "down"), ("sit", "on"), ("sit", "in")),
    "stand": (("stand",), ("stand", "up"), ("get", "up")),
    "lie": (("lie", "down"), ("lie", "on"), ("lie",)),
    "listen": (("listen",), ("listen", "to"), ("hear",)),
    "smell": (("smell",), ("sniff",)),
    "touch": (("touch",), ("feel",), ("stroke",)),
    "hide": (("hide",), ("hide", "in"), ("hide", "behind")),
    "wave": (("wave",), ("wave", "at"), ("wave", "to")),
    "use": (("use",),),
    "treat": (("treat",), ("heal",), ("bandage",), ("tend",), ("tend", "to"), ("patch", "up"),
              ("inject",)),
    "hum": (("hum",),),
    "follow": (("follow",), ("go", "after"), ("go", "with")),
    "where": (("where", "is"), ("where", "are"), ("where", "s"), ("wheres",)),
    "unscrew": (("unscrew",), ("unbolt",), ("pry",)),
    "tear": (("tear",), ("tear", "up"), ("rip",), ("rip", "up"), ("shred",)),
    "eat": (("eat",), ("consume",), ("devour",)),
    "drink": (("drink",), ("sip",), ("quaff",)),
    "hint": (("hint",), ("hints",), ("clue",)),
    "help": (("help",), ("?",), ("commands",)),
    "choices": (("choices",), ("options",), ("what", "can", "i", "do")),
    "quit": (("quit",), ("q",)),
    "score": (("score",), ("full", "score")),
    "version": (("version",), ("about",), ("credits",)),
    "verbose": (("verbose",),),
    "brief": (("brief",), ("superbrief",)),
}
# Verbs the built-ins accept that still mean something of their own to an author.
_OWN_MEANING: Final = frozenset({("read",), ("search",), ("look", "in"), ("enter",), ("set",),
                                 ("insert",), ("place",), ("collect",), ("lie", "down")})

# examine's words that only ever mean looking at a thing: a story command in them is no
# phrase of its own ('look at worker' for "Meet his eyes" still only describes him),
# unlike 'look through grille' (model.Action.said)
LOOKING_AT = (("x",), ("look", "at"), ("l", "at"), ("inspect",), ("peer", "at"), ("gaze", "at"))


def looking_at(ws: tuple[str, ...]) -> bool:
    return any(ws[:len(seq)] == seq for seq in LOOKING_AT)


# The longest verb phrase wins ("take off" before "take").
VERB_TABLE: Final = sorted(((ws, name) for name, seqs in BUILTINS.items() for ws in seqs),
                           key=lambda p: -len(p[0]))
# first word -> longest first
VERBS_BY_FIRST: Final[dict[str, list[tuple[tuple[str, ...], str]]]] = {}
for _seq, _name in VERB_TABLE:
    VERBS_BY_FIRST.setdefault(_seq[0], []).append((_seq, _name))


# Each command asks several times, and players repeat commands. (A memo, not
# functools.lru_cache: importing functools, with collections, was a tenth of a start.)
_BUILTIN_VERB: Final[dict[tuple[str, ...], tuple[str, tuple[str, ...]]]] = {}


def builtin_verb(ws: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The built-in verb a command starts with (its longest phrase), and the rest; ""
    and the whole command when it starts with none."""
    found = _BUILTIN_VERB.get(ws)
    if found is None:
        found = remember(_BUILTIN_VERB, ws, _find_builtin_verb(ws))
    return found


def _find_builtin_verb(ws: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    for seq, name in VERBS_BY_FIRST.get(ws[0], ()) if ws else ():
        if ws[:len(seq)] == seq:
            return name, ws[len(seq):]
    return "", ws


def canonical(ws: tuple[str, ...]) -> tuple[str, ...]:
    """Put a leading built-in verb in its one canonical form: x, look at, l at -> examine.

    Authored phrases and typed lines both pass through this, so an action written
    with `verbs: [examine]` also answers `x padd` and `look at padd`.
    """
    for seq, name in VERBS_BY_FIRST.get(ws[0], ()) if ws else ():
        if ws[:len(seq)] == seq:
            if name == "go" or seq in _OWN_MEANING:
                return ws
            return (name, *ws[len(seq):])
    return ws
