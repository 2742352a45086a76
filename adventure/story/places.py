"""The places a thing can be besides a scene or another thing: names of the story language."""

PLAYER = "player"  # carried
WORN = "worn"  # worn by the player
NOWHERE = "nowhere"  # out of play
# with the player wherever they go, not carried: a companion, until the story moves them
FOLLOWING = "following"
# the player's own person (the character they play, named in the story's prose): never in
# view, but 'x NAME' means 'x me' and 'talk to NAME' is talking to oneself
SELF = "self"
PLACES = (PLAYER, WORN, FOLLOWING, NOWHERE, SELF)


def outermost(things: dict, where: str) -> str:
    """Where a thing at `where` is, through whatever holds it: a scene or a place above
    (a cycle of holders stops where it would repeat). `things`: the story's things."""
    seen: set[str] = set()
    while where in things and where not in seen:
        seen.add(where)
        where = things[where].location
    return where
