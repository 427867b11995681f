"""Process plumbing of the command: exit codes of a signal, SIGTERM as an exception, and
writing an output file atomically.

Kept apart from :mod:`scanner.cli`, which maps options onto a scan and a report: none of this
knows about options or findings, only about the process and the file system.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

#: Exit codes of a run stopped by a signal, as a shell reports them (128 + the signal number).
EXIT_INTERRUPTED = 128 + int(signal.SIGINT)
EXIT_TERMINATED = 128 + int(signal.SIGTERM)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread. A BaseException like KeyboardInterrupt, so that no
    ``except Exception`` on the way turns it into a finding or an internal error, while every
    ``finally`` (the worker pool's shutdown, a temporary report's removal) still runs."""


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """SIGTERM (``timeout``, CI runners, supervisors) becomes :class:`Terminated` while a
    command runs, so the scan stops its workers instead of dying and leaving them behind."""
    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            # A worker forked before its initializer reset the handler: die as by default.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding application): leave it alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``.

    A run stopped halfway (Ctrl-C, SIGTERM, a full disk) leaves the previous file untouched
    rather than a truncated report that a SARIF upload or a baseline load would then read. A
    symbolic link at ``path`` is replaced, not written through: a checkout can plant
    ``results.sarif`` as a link to a file outside the tree. A device or a pipe
    (``/dev/stdout``, ``>(...)``) cannot be renamed over and is written in place.
    """
    data = text.encode("utf-8")
    try:
        existing = path.stat()
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with path.open("wb") as stream:
            stream.write(data)
        return
    import tempfile

    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file 0600; a report is as readable as any file the user writes.
        umask = os.umask(0o022)
        os.umask(umask)
        temp.chmod(0o666 & ~umask)
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
