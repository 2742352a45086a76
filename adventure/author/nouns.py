"""`check`'s list of the nouns a scene's text names that nothing in the scene answers to.

A player types what the text shows ("x console"). The engine answers a noun that the text
names and nothing declares with a plain "The console is not something you need to worry
about."; this list tells an author where a real answer (scenery, a thing) is missing.

The rule, with no dictionary (docs/story-format.md, "Scenery"): a noun phrase begins
after an article or a word like one ("the", "a", "this", "two"...), or after a possessive
("the glinn's" names the glinn too), and runs over plain words until punctuation or a
little word (a preposition, conjunction, pronoun, auxiliary or adverb: "with", "and",
"is", "still"...). Its last word is its noun: "the sloping console" names the console,
"a Cardassian freighter" the freighter. Verbs are kept out: a word in -ed, a participle in
-ing, a common irregular verb form, a word in -s after a singular ("the deck bucks", but
not "the grey ridges of"), and any word after a plural ("the guards find") end the phrase
before them. A phrase ending on a capital is a name ("the Alliance"). Not nouns to list:
speech in quotation marks, comparisons ("like a dog's lead", "the way..."), possessives'
belongings ("your hands"), parts and measures ("the far end"), common adjectives standing
alone ("the door stands open"), and nouns of time, speech, thought and sound ("the
moment", "the truth", "the noise"). A scene knows what answers there: its title, its
things (and what they hold), scenery, its actions' words and exits, every person's name,
what the player starts with or can carry, and in a conversation the caller's things.
"""

from __future__ import annotations

import re

from ..story.places import FOLLOWING, PLAYER, WORN, outermost
from ..story.vocab import words

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..story.model import Story, Thing

# Articles and words like them. Not possessives: "your hands", "his eyes" name a body or
# a belonging, which a story answers only when it means to.
DETERMINERS = frozenset((
    "the", "a", "an", "this", "these", "those", "every", "some", "no",
    "another", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "twelve", "twenty", "hundred", "hundreds", "dozen", "several"))
# The commonest irregular verb forms: after a noun they are its verb ("the guard held").
IRREGULAR = frozenset((
    "am", "ate", "became", "began", "bent", "bit", "blew", "bore", "broke", "brought", "built",
    "came", "caught", "chose", "clung", "dealt", "did", "drank", "drew", "drove", "dug",
    "fell", "felt", "fled", "flew", "forgot", "found", "froze", "gave", "goes", "got", "grew",
    "hung", "heard", "held", "hid", "kept", "knelt", "knew", "knows", "laid",
    "lay", "led", "leaves", "left", "let", "lies", "lost", "made", "makes", "meant",
    "means", "met", "opens", "paid", "ran", "rang", "rose", "said", "sang",
    "sank", "sat", "saw", "says", "seen", "sends", "shook", "shot", "shut", "slid",
    "slept", "sold", "sent", "spoke", "spun", "stood", "stole", "stuck",
    "struck", "swept", "swung", "taken", "took", "told", "tore", "torn", "thought", "threw",
    "woke", "wore", "won", "wrote", "written", "broken", "spoken", "hidden", "fallen",
    "driven", "drawn", "known", "shown", "thrown", "grown", "given", "vanish", "decide",
    "cannot", "whenever", "somebody", "somewhere"))
# Common adjectives and adverbs that stand where a noun would ("the door stands open",
# "the far end"): the rule cannot tell them from nouns without a dictionary.
ADJECTIVES = frozenset((
    "alive", "amber", "black", "blank", "bright", "brown", "calm", "clean", "close", "dark",
    "dead", "deep", "dry", "faint", "far", "flat", "forward", "fresh", "full", "further",
    "great", "green", "grey", "high", "jumpy", "long", "longer", "low", "lowest", "missing",
    "new", "old", "open", "opposite", "quick", "raw", "red", "short", "single", "soft",
    "thick", "white", "wider", "wrong", "gold", "silver", "blue"))
# Words for a part or a kind of something else ("the far end of the hall"): a phrase may
# run over them, but they are not what it names.
PARTS = frozenset(("top", "side", "end", "edge", "part", "front", "middle", "bit", "piece",
                   "half", "whole", "rest", "kind", "sort", "way", "lot", "little", "ago",
                   "length", "inch", "width", "size", "colour", "shape", "watt", "watts",
                   "metre", "metres", "thousand", "thousands", "handful", "forkful", "dozen"))
# Nouns of time, speech, thought and feeling: they name nothing there to look at.
ABSTRACT = frozenset((
    "absence", "accident", "account", "afternoon", "attention", "bargain", "business",
    "chance", "company", "compliments", "courtesy", "crime", "curiosity", "date", "day",
    "days", "deal", "debt", "dread", "error", "evening", "fear", "fever", "fight", "fraction",
    "generation", "hour", "hours", "hurry", "idea", "impact", "interest", "investment",
    "joke", "justice", "life", "manners", "mind", "minute", "minutes", "mistake", "moment",
    "month", "morning", "name", "names", "nerve", "night", "number", "numbers", "occupation",
    "patience", "pause", "place", "places", "price", "promises", "question", "reason",
    "satisfaction", "second", "seconds", "seriousness", "sight", "silence", "sleep", "song",
    "statement", "story", "strength", "sum", "thing", "things", "threat", "time", "times",
    "tomorrow", "tonight", "trick", "trip", "truth", "tune", "turn", "universe", "view",
    "vocabulary", "voice", "wait", "week", "weeks", "welcome", "word", "words", "work",
    "world", "worries", "worth", "year", "years", "youth", "answer", "hope", "while",
    # and what is heard or smelt rather than seen (listen and smell answer those)
    "air", "breath", "clang", "note", "groan", "hum", "murmur", "noise", "quiet", "scream", "smell",
    "smile", "sound", "stink", "whisper", "scowl", "nod", "salute", "shudder", "lurch",
    # and what a text calls something for a moment ("an insult of comfort", "the run of it")
    "flourish", "insult", "likeness", "masterpiece", "letter", "lies", "run", "shift",
    "stretch", "gap", "gaps", "trap", "bow", "strain", "fighting", "rising", "battlefield",
    "notes", "quota", "tab", "stage", "house"))
NUMBERS = frozenset(("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                     "twelve", "twenty"))
# The little words that end a noun phrase: prepositions, conjunctions, pronouns,
# auxiliaries and the commonest adverbs. A closed list: nouns are the open class.
LITTLE = frozenset((
    "about", "above", "across", "after", "again", "against", "ahead", "all", "almost",
    "along", "already", "also", "always", "am", "among", "and", "another", "any", "anyone",
    "anything", "anywhere", "are", "around", "as", "at", "away", "back", "be", "been",
    "before", "behind", "being", "below", "beneath", "beside", "between", "beyond",
    "both", "but", "by", "can", "could", "did", "do", "does", "down", "during", "each",
    "either", "else", "enough", "even", "ever", "every", "everyone",
    "everything", "except", "few", "first", "for", "from", "had", "has",
    "have", "he", "her", "here", "herself", "him", "himself", "his", "how", "i", "if", "in",
    "inside", "into", "is", "it", "its", "itself", "just", "last", "least", "less",
    "like", "many", "may", "me", "might", "more", "most", "much", "must",
    "my", "myself", "near", "neither", "never", "next", "no", "nobody", "none", "nor",
    "not", "nothing", "now", "of", "off", "on", "once", "one", "ones", "only", "onto", "or",
    "other", "others", "our", "out", "outside", "over", "own", "past", "perhaps",
    "quite", "rather", "really", "s", "same", "shall", "she", "should",
    "since", "so", "some", "someone", "something", "somewhere", "still",
    "such", "t", "than", "that", "their", "them", "themselves", "then", "there", "these",
    "they", "this", "those", "through", "till", "to", "too", "toward", "towards",
    "under", "until", "up", "upon", "us", "very", "via", "was", "way", "we", "well", "were",
    "what", "when", "where", "whether", "which", "while", "who", "whom", "whose",
    "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yourself",
))
# How adjectives end, for a list of them between commas ("a long, careful look")
_ADJECTIVE = ("er", "ful", "less", "ous", "ive", "ic", "ish", "ed", "ing", "ent",
              "ant", "ble", "est")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|[^\sA-Za-z]")
_EXPR = re.compile(r"\$\{[^}]*\}")
# What a text says that is not there: speech in quotation marks, and a comparison ("like a
# dog's lead", "as if it were a symptom") up to the end of its clause.
_SPEECH = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d', re.S)
_SIMILE = re.compile(r"\b(?:like|as if|as though|as a|as an|as one|as the|the way)\b"
                     r"[^.,;:!?()\u2014-]*", re.I)


def nouns_named(text: str) -> set[str]:
    """The nouns a text names, by the rule above (lower case; a possessor without 's)."""
    found: set[str] = set()
    plain = _EXPR.sub(" ", text).replace("\u2019", "'")
    tokens = _TOKEN.findall(_SIMILE.sub(" , ", _SPEECH.sub(" , ", plain)))
    i = 0
    while i < len(tokens):
        tok = tokens[i].lower()
        i += 1
        if tok not in DETERMINERS or (i > 1 and tok in NUMBERS and tokens[i - 2][0].isupper()):
            continue  # ("Airlock three" is a name)
        phrase: list[str] = []
        named = False  # the phrase's last word is written with a capital: a name
        while i < len(tokens):
            raw = tokens[i]
            w = raw.lower()
            if raw == "," and phrase and _plain(tokens, i + 1) and _plain(tokens, i + 2) \
                    and tokens[i + 1].endswith(_ADJECTIVE):
                i += 1  # "the quick, eager face": a list of adjectives goes on
                continue
            if not raw[0].isalpha() or w in LITTLE or w in DETERMINERS:
                break
            if raw[0].isupper() and w.endswith("'s"):
                i += 1  # a name's: "the nearest Cardassian's rifle" names the rifle
                phrase = []
                continue
            if phrase and w in IRREGULAR:
                break
            if phrase and (w.endswith("ed") or (w.endswith("ing") and not (
                    phrase[-1].endswith("ing") and len(phrase[-1]) > 5))):
                break  # "the hatch opened", "your youth fighting"
            if phrase and w.endswith("s") and not w.endswith(("ss", "'s")) \
                    and not _plural(phrase[-1]) and (_next(tokens, i) != "of" or named) \
                    and not ("-" in phrase[-1] and phrase[-1].endswith(("lit", "ed", "ing"))):
                # ("the rust-lit corridors": a hyphened participle is an adjective)
                break  # "the deck bucks": a verb, most likely
            if phrase and _plural(phrase[-1]):
                break  # "the guards find": a plural is seldom a noun's modifier
            i += 1
            if w.endswith("'s"):  # a possessor is a noun too, and opens a phrase
                if w[:-2] not in ABSTRACT and w[:-2] not in ADJECTIVES:
                    found.add(w[:-2])
                phrase = []
                continue
            phrase.append(w)
            named = raw[0].isupper()
            if len(phrase) == 4:
                break
        if phrase and not named:
            head = phrase[-1].strip("'-")
            if len(head) > 2 and not head.endswith("ly") and head not in ABSTRACT \
                    and head not in ADJECTIVES and not any(w in PARTS for w in phrase):
                found.add(head)
    return found


def _next(tokens: list[str], i: int) -> str:
    return tokens[i + 1].lower() if i + 1 < len(tokens) else ""


def _plain(tokens: list[str], i: int) -> bool:
    """tokens[i] is a lower-case word that can be part of a noun phrase."""
    if i >= len(tokens):
        return False
    w = tokens[i]
    return w[0].islower() and w not in LITTLE and w not in DETERMINERS


def _plural(w: str) -> bool:
    return w.endswith("s") and not w.endswith(("ss", "us", "is", "'s"))



def _known(t: Thing) -> set[str]:
    out = set(t.name) | set(t.adjectives)
    for s in t.synonyms:
        out.update(s)
    return out


def unanswered(story: Story) -> dict[str, list[str]]:
    """Scene id -> the nouns its text names that nothing answers to there."""
    out: dict[str, list[str]] = {}
    everywhere: set[str] = set()  # carried, worn or following: answers in every scene
    by_scene: dict[str, set[str]] = {}
    for t in story.things.values():
        home = outermost(story.things, t.location)
        if home in (PLAYER, WORN, FOLLOWING):
            everywhere |= _known(t)
        by_scene.setdefault(home, set()).update(_known(t))
        if t.portable:  # it may be in the player's hands wherever it is named
            everywhere |= _known(t)
    # a named person's names and titles ("the major"): someone who may be in view
    # wherever the text speaks of them, or gets the answer for someone out of reach
    people = {n[0] for t in story.things.values() if t.person and t.article == "none"
              for n in (t.name, *t.synonyms) if len(n) == 1}
    callers: dict[str, set[str]] = {}  # a conversation keeps its caller's things in view
    for s in story.scenes.values():
        for a in s.actions:
            if a.call:
                callers.setdefault(a.call, set()).add(s.id)
    for s in story.scenes.values():
        if s.ending:
            continue
        texts = s.texts()
        sources = [o.source for t in texts for o in (getattr(t, "options", None) or [t])]
        named = {n for src in sources for n in nouns_named(src)}
        known = set(words(s.title)) | everywhere | by_scene.get(s.id, set()) | people
        for caller in callers.get(s.id, ()) if s.conversation else ():
            known |= by_scene.get(caller, set())
        for a in s.actions:
            known.update(w for ph in (*a.commands, *a.nouns, *a.topics) for w in ph)
            if a.thing:
                known |= _known(story.things[a.thing])
        for ex in s.exits:
            known.update(w for n in ex.names for w in n)
            known.update(words(story.scenes[ex.to].title))
        missing = sorted(n for n in named if n not in known
                         and (words(n) or [""])[0] not in known)
        if missing:
            out[s.id] = missing
    return out
