"""English verbs a player types that the engine has no built-in for ('pray', 'shout',
'kiss'): each is a word of its own sense, never a typo, so it is not corrected into a
known verb that looks like it ('pray' is not 'pry', 'shout' not 'shut') nor offered one
as 'did you mean'. A story that knows the verb answers it first, as always."""

from __future__ import annotations

# (none of the engine's own verbs or their other words: those are known words already)
REAL_VERBS = frozenset({
    "bark", "beg", "bend", "bite", "bleed", "blink", "blow", "bow", "break", "breathe", "bribe",
    "burn", "buy", "calm", "catch", "chant", "charm", "cheer", "chew", "choke", "clap", "clean",
    "comfort", "cook", "cough", "cover", "cry", "curse", "cut", "dance", "dig", "dive", "dream",
    "dress", "drive", "duck", "embrace", "faint", "fill", "fix", "flee", "flirt", "fly", "fold",
    "forgive", "frown", "gasp", "glare", "grin", "grip", "groan", "growl", "grunt", "hang", "hate",
    "howl", "hug", "hunt", "hurry", "jump", "kiss", "knock", "laugh", "lean", "leap", "lick",
    "limp", "love", "march", "mend", "mock", "mourn", "nod", "pace", "paint", "pat", "pay", "pet",
    "plan", "plant", "plead", "poke", "pour", "pray", "pretend", "promise", "rage", "relax",
    "repair", "rest", "ride", "rub", "salute", "scream", "sell", "sew", "shake", "shave", "shiver",
    "shout", "shrug", "shudder", "sigh", "sing", "sink", "skip", "slap", "sleep", "slide", "smash",
    "smile", "smirk", "sneak", "sneeze", "snore", "sob", "spin", "spit", "squeeze", "stab",
    "stare", "steal", "stretch", "strip", "struggle", "suck", "swallow", "swear", "sweat", "sweep",
    "swim", "swing", "taste", "tease", "threaten", "throw", "tickle", "tie", "trip", "trust",
    "twist", "undress", "vomit", "vow", "wash", "weep", "whisper", "whistle", "win", "wink",
    "wipe", "wish", "worship", "wrestle", "write", "yawn", "yell"
})
