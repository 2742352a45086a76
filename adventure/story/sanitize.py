"""The output sanitiser: story and save text never reaches a terminal as control or escape
sequences. Every front end and tool that prints author or player text passes it through here."""

from __future__ import annotations

from .lazyre import rx

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Final

# C0 and C1 controls (tab and newline stay); bidi embeddings, overrides, isolates and marks
# (they reorder what follows: a name could show as something else); zero-width space, word
# joiner and invisible operators, the byte order mark, interlinear annotations. ZWNJ and
# ZWJ (U+200C, U+200D) stay: emoji sequences and Indic scripts need them.
_UNSAFE: Final = ("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e"
                  "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")

# Paragraphs already found printable. Most paragraphs are the story's own, the same
# string objects turn after turn (text.paragraph_tuple keeps them), so a lookup costs
# a cached hash, where isprintable() reads every character again: for the campaign's
# long descriptions that was a seventh of a turn's instructions.
_PRINTABLE: Final[set[str]] = set()


# Whole escape sequences go, not only their first byte: CSI (ESC [ or U+009B, parameters,
# a final byte), OSC and its kin (ESC ] P X ^ _ or U+009D..., up to BEL or ST), and
# two-byte escapes. One pass, no backtracking.
_SEQUENCE: Final = ("(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]?"
                    "|(?:\x1b[\\]PX^_]|[\x90\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)?"
                    "|\x1b[ -~]?")


class SafeWriter:
    """A text stream whose every write is sanitised: what a subcommand prints (reports,
    story test names, maps) goes through the one sanitiser without each print knowing."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.unsanitised = stream  # for a progress bar's own terminal codes

    def write(self, text: str) -> int:
        return self._stream.write(sanitize(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def sanitize(text: str) -> str:
    """Story and save text never reaches the terminal as control or escape sequences."""
    if text in _PRINTABLE:
        return text
    if text.isprintable():  # no control character at all (the usual case)
        if len(_PRINTABLE) >= 4096:
            _PRINTABLE.clear()
        _PRINTABLE.add(text)
        return text
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text  # every character the patterns remove is unprintable: none here
    return rx(_UNSAFE).sub("", rx(_SEQUENCE).sub("", text))  # compiled on first need
