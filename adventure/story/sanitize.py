"""The output sanitiser: story and save text never reaches a terminal as control or escape
sequences. Every front end and tool that prints author or player text passes it through here."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Paragraphs already found printable. Most paragraphs are the story's own, the same
# string objects turn after turn (text.paragraph_tuple keeps them), so a lookup costs
# a cached hash, where isprintable() reads every character again: for the campaign's
# long descriptions that was a seventh of a turn's instructions.
_PRINTABLE: set[str] = set()


def sanitize(text: str) -> str:
    """Story and save text never reaches the terminal as control or escape sequences."""
    if text in _PRINTABLE:
        return text
    if text.isprintable():  # no control character at all (the usual case)
        if len(_PRINTABLE) >= 4096:
            _PRINTABLE.clear()
        _PRINTABLE.add(text)
        return text
    return _UNSAFE.sub("", text)
