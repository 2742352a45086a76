"""The places a thing can be besides a scene or another thing: names of the story language."""

PLAYER = "player"  # carried
WORN = "worn"  # worn by the player
NOWHERE = "nowhere"  # out of play
# with the player wherever they go, not carried: a companion, until the story moves them
FOLLOWING = "following"
PLACES = (PLAYER, WORN, FOLLOWING, NOWHERE)
