"""Which files make up a story folder, and reading any file we did not write ourselves.

Every untrusted file (story files, saves, journals) is read by `read_regular`: opened
without waiting (a FIFO would block), checked to be a regular file after opening (a link to
/dev/zero has size 0 and never ends), and read with a byte cap."""

from __future__ import annotations

import os
import stat

from .limits import MAX_FOLDER_DEPTH

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path


class FileRefused(OSError):
    """A file that is not read: not a regular file, or larger than its cap."""

    def __init__(self, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size  # the size found, when the file is too large

    def __str__(self) -> str:
        return self.reason


def read_regular(path: str | os.PathLike[str], limit: int, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; raises FileRefused (a reason)
    or OSError. With follow=False a symbolic link is refused (the open fails with ELOOP)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("it is not a regular file (a device, a pipe or a socket)")
        if info.st_size > limit:
            raise FileRefused(f"it is {info.st_size:,} bytes; the limit is {limit:,}",
                              info.st_size)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:  # a file that grows while read stops at the cap as well
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise FileRefused(f"it is more than {limit:,} bytes", got)
        return b"".join(chunks)
    finally:
        os.close(fd)


class FolderTooDeep(Exception):
    """A story folder nests folders deeper than MAX_FOLDER_DEPTH."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(f"folders nested deeper than {MAX_FOLDER_DEPTH} levels; "
                         "flatten the story folder")
        self.path = path


def story_files(root: str | os.PathLike[str]) -> list[Path]:
    """Every *.yaml under root, in path order, leaving out story tests. Walked without
    recursion, to at most MAX_FOLDER_DEPTH folders deep (else FolderTooDeep)."""
    from pathlib import Path

    return [Path(name) for name in story_file_names(root)]


def story_file_names(root: str | os.PathLike[str]) -> list[str]:
    """story_files(root) as strings (root joined with each name): the story cache's key
    is made at every start, which need not import pathlib."""
    found: list[str] = []
    todo: list[tuple[str, int]] = [(os.fspath(root), 0)]
    while todo:
        folder, depth = todo.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows links, as os.walk listed them
            except OSError:
                is_dir = False
            story_like = name.endswith((".yaml", ".yml")) and not name.startswith(".")
            # a folder named like a story file is listed too, so the loader can say what it is
            if story_like:
                found.append(os.path.join(folder, name))
            elif is_dir and name != "tests" and not name.startswith(".") \
                    and not entry.is_symlink():
                subfolders.append(os.path.join(folder, name))
        if subfolders and depth >= MAX_FOLDER_DEPTH:
            raise FolderTooDeep(subfolders[0])
        todo.extend((sub, depth + 1) for sub in reversed(subfolders))
    return found  # in the order os.walk gave: each folder's files, then its folders
