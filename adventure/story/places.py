"""The places a thing can be besides a scene or another thing: names of the story language."""

PLAYER = "player"  # carried
WORN = "worn"  # worn by the player
NOWHERE = "nowhere"  # out of play
# with the player wherever they go, not carried: a companion, until the story moves them
FOLLOWING = "following"
PLACES = (PLAYER, WORN, FOLLOWING, NOWHERE)


def outermost(things: dict, where: str) -> str:
    """Where a thing at `where` is, through whatever holds it: a scene or a place above
    (a cycle of holders stops where it would repeat). `things`: the story's things."""
    seen: set[str] = set()
    while where in things and where not in seen:
        seen.add(where)
        where = things[where].location
    return where
