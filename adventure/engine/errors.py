"""The engine's own exception for what a front end's store reports (a module of its own, so
that raising and catching it imports nothing else: start-up time counts)."""


class SaveError(Exception):
    """A save could not be written or read; the message says why, for the player."""
