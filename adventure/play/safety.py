"""Names and files of the saves folder that the play wing must not trust: a story id that
becomes part of a file name, the REPL's history file, and one JSON line of a journal
(read with every error caught: bad JSON, a header nested too deep, a number of thousands
of digits)."""

from __future__ import annotations

import os
import stat

from ..engine.errors import SaveError
from ..story.lazyre import rx

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

MAX_HISTORY_BYTES = 4 * 1024 * 1024  # a typed-line history kept by the REPL
_STORY_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"


def safe_story_id(story_id: str) -> str:
    """A story id fit to be part of a file name (journals, transcripts); a story's own id
    is checked by the loader, but an id can also come from a cache entry or a header."""
    if not rx(_STORY_ID).fullmatch(story_id) or ".." in story_id:
        shown = "".join(c for c in story_id[:40] if c.isprintable())
        raise SaveError(f"the story id '{shown}' cannot name a file")
    return story_id


def safe_history(path: Path) -> Path | None:
    """The REPL's history file, or None when it must not be used: a link (every typed line
    would be appended to its target), not a regular file, or too large to load."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return path
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_HISTORY_BYTES:
        return None
    return path


def json_line(line: str) -> Any:
    """One JSON line of a journal, or None: bad JSON, too deep, a number too long."""
    import json

    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def journal_owner(path: Path) -> str | None:
    """The story id in a journal's header (read from its first 64 KB), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        head = json_line(os.read(fd, 65536).split(b"\n", 1)[0].decode("utf-8", "replace"))
    except OSError:
        return None
    finally:
        os.close(fd)
    owner = head.get("story") if isinstance(head, dict) else None
    return owner if isinstance(owner, str) else None
