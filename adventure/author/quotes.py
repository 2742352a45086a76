"""`check`'s watch for two quotations back to back in one paragraph:

    "Please," you say. "He's hurt." "Begging," the Intendant says.

A reader takes a second quotation that opens straight after the first one closes for a
second speaker, so the text reads as a dialogue the author did not mean: one speaker's
words want one quotation (or a beat between them: `she adds, turning away.`), and a new
speaker wants a paragraph of their own. Both halves are often right on their own and
meet only when a `${if}` or a stitched event puts them together, so the watch reads what
random play prints rather than the files; it then finds the second quotation's opening
words in the story's files to say where to look. The blind playtest of issue 18 found
three of these by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..story.diagnostics import Diagnostic, Loc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..engine.result import Result
    from ..story.model import Story

# A closing quotation mark after the end of what was said, one space, an opening one.
MEETING = re.compile(r'[.!?,;:\u2014\u2026-]" "')
KEPT = 200  # different meetings remembered: a bounded cost however long the check runs
WORDS = 4  # words of the second quotation looked for in the files
MAX_FILE = 2_000_000  # characters of a story file searched (the loader's own cap is lower)


@dataclass
class QuoteWatch:
    found: Counter = field(default_factory=Counter)  # (scene, second quotation) -> times
    shown: dict[tuple[str, str], str] = field(default_factory=dict)  # -> the meeting

    def seen(self, result: Result) -> None:
        """After any step: the paragraphs it printed."""
        for style, text in result.paragraphs:
            if style != "text" or '" "' not in text:  # most paragraphs: one C search
                continue
            for m in MEETING.finditer(text):
                second = " ".join(text[m.end():m.end() + 80].split()[:WORDS])
                key = (result.state.scene, second)
                if key in self.found or len(self.found) < KEPT:
                    self.found[key] += 1
                    start = text.rfind('"', 0, m.start())
                    self.shown.setdefault(key, _excerpt(text, start, m.end() + len(second)))

    def warnings(self, story: Story) -> list[Diagnostic]:
        """One warning a place in the files, with every scene that printed it."""
        sources: dict[str, str] = {}
        places: dict[tuple[Loc, str], list[tuple[str, int]]] = {}
        for (sid, second), n in sorted(self.found.items()):
            loc = _find(story, sid, second, sources)
            places.setdefault((loc, second), []).append((sid, n))
        out = []
        for (loc, second), seen in places.items():
            sid = seen[0][0]
            n = sum(k for _, k in seen)
            scenes = ", ".join(f"'{s}'" for s, _ in seen)
            out.append(Diagnostic(
                loc, f"two quotations meet with nothing between them in scene"
                f"{'s' if len(seen) > 1 else ''} {scenes} ({self.shown[(sid, second)]}; "
                f"{n} time{'' if n == 1 else 's'} in random play): a reader takes the second "
                "for another speaker. Give a new speaker a paragraph of their own; join one "
                "speaker's words into one quotation, or put a beat between them", "warning"))
        return out


def _excerpt(text: str, start: int, end: int) -> str:
    """The two quotations where they meet, cut to a line's length."""
    left = text[max(start, end - 110):end].replace("\n", " ")
    return ("..." if start < end - 110 else "") + left + "..."


def _find(story: Story, sid: str, second: str, sources: dict[str, str]) -> Loc:
    """Where the second quotation's opening words are written: in the scene's own file
    first, then in any of the story's; the scene itself when no file has them (words
    made by a `${...}` substitution)."""
    scene = story.scenes[sid].loc
    words = re.findall(r"[\w']+", second)
    if not words:
        return scene
    pattern = re.compile(r"\W+".join(re.escape(w) for w in words))
    files = [scene.file, *(f for f in (story.info.files if story.info else []) if f != scene.file)]
    for name in files:
        if name not in sources:
            try:
                sources[name] = Path(name).read_text(encoding="utf-8")[:MAX_FILE]
            except (OSError, UnicodeError):
                sources[name] = ""
        m = pattern.search(sources[name])
        if m:
            before = sources[name][:m.start()]
            line = before.count("\n") + 1
            return Loc(name, line, m.start() - (before.rfind("\n") + 1) + 1)
    return scene
