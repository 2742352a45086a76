"""The places a thing can be besides a scene or another thing: names of the story language."""

PLAYER = "player"  # carried
WORN = "worn"  # worn by the player
NOWHERE = "nowhere"  # out of play
