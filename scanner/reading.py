"""Reading a file: the same checks for every file outlive opens, whatever it reads it for.

Apart from ``discovery`` (which lists files) so that each module stays readable at once; the
config, project survey, baseline and cache readers use it too.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Refused:
    """Why ``safe_read`` did not return a file's bytes, as the end of a sentence."""

    reason: str
    kind: str = "skipped"  # the ScanError kind: "skipped" on purpose, or "unreadable"


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # opening a FIFO with no writer returns at once
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes our controlling tty
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_READ_CHUNK = 1 << 20


def file_type(mode: int) -> str:
    """What a non-regular file is, for a message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def safe_read(path: Path, max_size: int, root: Path | None = None) -> bytes | Refused:
    """The bytes of ``path`` if it is a regular file of at most ``max_size`` bytes.

    Every file outlive reads goes through here, whatever it reads it for: a FIFO would block
    the scan forever and ``/dev/zero`` (or a link to it) would fill memory, so anything but a
    regular file is refused before it is opened, and again on the opened descriptor (the path
    may have been swapped in between). With ``root``, a file whose real path is outside
    ``root`` (a symbolic link out of the tree) is refused too. Never more than ``max_size + 1``
    bytes are read, even from a file that grows while it is read.
    """
    try:
        if root is not None:
            real = _real_file(path)
            top = _real_root(root)
            if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
                return Refused("symbolic link out of the scan root")
        before = path.stat()
        if not stat.S_ISREG(before.st_mode):
            return Refused(f"not a regular file ({file_type(before.st_mode)})")
        if before.st_size > max_size:
            return _too_large(before.st_size, max_size)
        fd = os.open(path, _OPEN_FLAGS)
    except PermissionError:
        return Refused("permission denied", "unreadable")
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (Python 3.10)
        return Refused(f"cannot read: {getattr(exc, 'strerror', None) or exc}", "unreadable")
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            return Refused(f"not a regular file ({file_type(opened.st_mode)})")
        if opened.st_size > max_size:
            return _too_large(opened.st_size, max_size)
        chunks: list[bytes] = []
        total = 0
        while total <= max_size:
            chunk = os.read(fd, min(_READ_CHUNK, max_size + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_size:
            return _too_large(total, max_size, grew=True)
        return b"".join(chunks)
    except OSError as exc:
        return Refused(f"cannot read: {exc.strerror or exc}", "unreadable")
    finally:
        os.close(fd)


def _too_large(size: int, max_size: int, grew: bool = False) -> Refused:
    if grew:  # it grew while it was read
        return Refused(f"larger than max-file-size (more than {max_size} bytes)")
    return Refused(f"larger than max-file-size ({size} > {max_size} bytes)")





#: The real path of each scan root and folder ``safe_read`` was given, by its path and the
#: identity of what it names (a survey reads thousands of files under one root: resolving
#: every component of every path cost more than the reads; a folder replaced meanwhile, by
#: another or by a link, names another inode and is resolved again).
_REAL_ROOTS: dict[tuple[str, int, int], str] = {}


def _real_file(path: Path) -> str:
    """``os.path.realpath(path)``, from its folder's real path (kept, see ``_real_root``) when
    the file itself is no link: one ``lstat`` instead of one per component of the path."""
    try:
        if path.is_symlink():
            return os.path.realpath(path)
    except OSError:
        return os.path.realpath(path)
    return _real_root(path.parent).rstrip(os.sep) + os.sep + path.name


def _real_root(root: Path) -> str:
    try:
        info = root.stat()
    except OSError:
        return os.path.realpath(root)
    key = (str(root), info.st_dev, info.st_ino)
    real = _REAL_ROOTS.get(key)
    if real is None:
        if len(_REAL_ROOTS) > 4096:
            _REAL_ROOTS.clear()
        real = _REAL_ROOTS[key] = os.path.realpath(root)
    return real
