"""The engine's own wording, which a story may change under `story: wording:`.

Each entry is a text template (it may use `${...}` like any story text); the engine
shows the story's version where it has one, else the default here. In the score phrases
the engine fills in `{score}`, `{turn}` (a number), `{turns}` ("1 turn",
"5 turns"), `{max}` (the story's max_score) and `{rank}`.
"""

from __future__ import annotations

DEFAULTS: dict[str, str] = {
    "dark_title": "Darkness",
    "dark_text": "It is pitch dark, and you can't see a thing.",
    # a person with the player in the dark ({the}, {The}: the person; {pronoun}: him,
    # her or them; {names}: everyone heard)
    "dark_company": "You can hear {names} close by.",
    "dark_examine": "You can't see {the} in the dark, but you can hear {pronoun} close by.",
    "too_dark": "It is too dark for that. You can hear {the}, but not see {pronoun}.",
    "worn": "worn",  # inventory: "a cloak (worn)"; Inform says "being worn"
    "carrying_nothing": "You are carrying nothing.",
    "not_possible": "That isn't possible just now.",
    "cant_go": "You can't go that way just now.",
    "barred": "The way on is barred.",
    "time_passes": "Time passes.",
    "score": "You have scored {score} out of a possible {max}, in {turns}.",
    "no_score": "This story keeps no score.",
    "ending_score": "In that game you scored {score} out of a possible {max}, "
                    "in {turns}.",
    "rank": "That gives you the rank of {rank}.",
    # talk to, ask or tell the player's own person (a thing at `self`) by name
    "talk_self": "You mutter to yourself for a moment. It helps less than you hoped.",
    # a person's own reply (their `talk` or a topic) asked for again, word for word
    "said_already": "{The} {has} nothing more to add.",
    # someone the player knows, out of view, examined or spoken to: followed by where they
    # are (their `whereabouts`) ({the}, {The}: the person; {is}: is or are; {isnt}: isn't
    # or aren't)
    "not_here": "{The} {isnt} here.",
    # a name the scene's text shows, with nobody of that name in view ({The}: the name)
    "out_of_reach": "{The} is not someone you can reach just now.",
    # attack or shoot a person no action of the story answers ({the}, {The}, {is}:
    # the person): a story with weapons says what holding one changes
    "attack_person": "Violence isn't the answer to this one.",
    "shoot_person": "Firing at {the} would only make things worse.",
}
