"""Per-file results cache (ruff style), so the second scan of an unchanged tree is near free.

Where: a per-user directory outside the scanned tree (``$OUTLIVE_CACHE_DIR``, else
``$XDG_CACHE_HOME/outlive``, else ``~/.cache/outlive``; ``~/Library/Caches/outlive`` on macOS),
with one subdirectory per repository named by a hash of its resolved root. Nothing is written in
the scanned tree, so a repository cannot point the cache anywhere; and inside the cache root no
link is followed (directories and files are opened with ``O_NOFOLLOW`` relative to an open
directory), so a planted link cannot either.

Trust: every cache file carries an HMAC-SHA256 with a per-user random key, so a file someone
else wrote or edited is a miss, and entries are still checked field by field when read, so a
damaged entry is a miss too, never an exception later. Results are keyed by the file's (size,
mtime in ns, inode) and the cache file by the outlive version, the config, the enabled rules and
today's date (suppressions expire by date). It is JSON, never pickle, and holds what the outputs
hold (redacted snippets and hashes), never a secret.

Concurrency: pre-commit runs several outlive processes on disjoint files at once. A save takes
an advisory lock, re-reads the current file, merges its own entries in and replaces the file
atomically, so no process evicts another's entries.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import importlib
import json
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.cache_codec import DamagedEntryError, error_from, error_to, finding_from, finding_to
from scanner.findings import Finding, ScanError
from scanner.registry import RULES_PACKAGE

if sys.platform != "win32":  # POSIX: saves take an advisory lock; elsewhere they only merge
    import fcntl

#: The environment variable that moves the cache root (``--cache-dir`` wins over it).
CACHE_ENV = "OUTLIVE_CACHE_DIR"
CACHE_FORMAT = 2
MAGIC = b"outlive-cache-2"
KEY_FILE = "key"
KEY_SIZE = 32
LOCK_FILE = "lock"
#: Cache files of other keys (another version, config or day) older than this are removed.
STALE_SECONDS = 86400
#: How long a save waits for another process's save before going without.
LOCK_WAIT_SECONDS = 10.0

Stamp = tuple[int, int, int]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted under a cache name must not hang
_COMMON = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0) | _NOFOLLOW
#: Race-free "inside this directory, never through a link" needs the *at() calls.
_AT = {os.open, os.mkdir, os.unlink, os.rename, os.stat, os.link} <= os.supports_dir_fd
_RESULTS_NAME = re.compile(r"results-[0-9a-f]{24}\.json\Z")
_TEMP_NAME = re.compile(r"results-[0-9a-f]{24}\.json\.[0-9a-f]{16}\.tmp\Z")


def stamp_of(path: str | Path) -> Stamp | None:
    """(size, mtime in ns, inode): one ``stat``, the whole cost of a warm lookup."""
    try:
        st = os.stat(path)  # noqa: PTH116 - without pathlib's per-call overhead
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def code_stamp() -> str:
    """Size and mtime of outlive's own modules and rules: an edited rule (an editable install,
    a development tree) invalidates the cache even when the version number did not change."""
    entries = []
    for package in (importlib.import_module("scanner"), importlib.import_module(RULES_PACKAGE)):
        for directory in package.__path__:
            for _, name, path in sorted(_python_files(directory)):
                st = os.stat(path)  # noqa: PTH116 - as _python_files, without pathlib
                entries.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def _python_files(
    directory: str, parts: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """(path parts below ``directory``, name, path) of what ``Path(directory).rglob("*.py")``
    finds: every entry named ``*.py``, in no linked folder, none of an unreadable one. Sorted,
    the parts order it as sorted paths are. ``os.scandir`` instead of pathlib: the pathlib
    walk over some 300 files was 4 ms of every warm scan."""
    try:
        with os.scandir(directory) as found:
            entries = list(found)
    except PermissionError:
        return
    for entry in entries:
        if entry.name.endswith(".py"):
            yield (*parts, entry.name), entry.name, entry.path
        try:
            folder = entry.is_dir() and not entry.is_symlink()
        except OSError:
            folder = False
        if folder:
            yield from _python_files(entry.path, (*parts, entry.name))


def cache_key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in (__version__, str(CACHE_FORMAT), code_stamp(), *parts):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def default_cache_root() -> Path | None:
    """The per-user cache root, or None when there is no home to put it in."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec ignores a relative value
        return Path(xdg) / "outlive"
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):
        return None
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "outlive"
    return home / ".cache" / "outlive"


def repo_id(root: Path) -> str:
    """The name of a repository's cache directory: a hash of its resolved root."""
    return hashlib.sha256(os.fsencode(str(root))).hexdigest()[:32]


# -- files inside the cache root, never through a link --------------------------------------------


class _Dir:
    """An open directory; every name is resolved inside it and never through a link.

    With the *at() calls (Linux, macOS, the BSDs) the directory is held open, so a link swapped
    in later changes nothing. Without them (Windows) each name is checked with lstat first.
    """

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def enter(cls, path: Path, parent: _Dir | None = None) -> _Dir:
        """Open (creating it with mode 0700) a directory that is not a link and is ours."""
        if parent is None:
            if not path.parent.is_dir():
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                path.mkdir(mode=0o700)
            where: Path | str = path
            dir_fd = None
        else:
            with contextlib.suppress(FileExistsError):
                parent.mkdir(path.name)
            where, dir_fd = parent.name(path.name), parent.fd
        if not _AT:
            if not stat.S_ISDIR(os.lstat(where).st_mode):  # a link is not a directory here
                raise OSError(errno.ELOOP, "not a plain directory", str(path))
            return cls(path, None)
        fd = os.open(where, os.O_RDONLY | _DIRECTORY | _COMMON, dir_fd=dir_fd)
        try:
            st = os.fstat(fd)
            if not stat.S_ISDIR(st.st_mode) or not _owned(st):
                raise OSError(errno.EPERM, "not a directory of this user", str(path))
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd)

    def name(self, name: str) -> str:
        return name if _AT else str(self.path / name)

    def mkdir(self, name: str) -> None:
        os.mkdir(self.name(name), 0o700, dir_fd=self.fd)

    def open(self, name: str, flags: int, mode: int = 0o600) -> int:
        if not _AT:
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISLNK(os.lstat(self.name(name)).st_mode):
                    raise OSError(errno.ELOOP, "a link in the cache", name)
        return os.open(self.name(name), flags | _COMMON, mode, dir_fd=self.fd)

    def lstat(self, name: str) -> os.stat_result:
        return os.stat(self.name(name), dir_fd=self.fd, follow_symlinks=False)

    def replace(self, src: str, dst: str) -> None:
        os.replace(self.name(src), self.name(dst), src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def link(self, src: str, dst: str) -> None:
        """Create ``dst`` as ``src`` only if it does not exist (atomic, even against a link)."""
        if _AT:
            os.link(src, dst, src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)
        else:
            os.link(self.name(src), self.name(dst))

    def unlink(self, name: str) -> None:
        os.unlink(self.name(name), dir_fd=self.fd)

    def names(self) -> list[str]:
        with os.scandir(self.fd if self.fd is not None else self.path) as entries:
            return [entry.name for entry in entries]

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _owned(st: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or st.st_uid == getuid()


def _read_regular(directory: _Dir, name: str) -> tuple[bytes, os.stat_result]:
    """The bytes and status of a regular file of ours (a FIFO or device is refused)."""
    fd = directory.open(name, os.O_RDONLY | _NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _owned(st):
            raise OSError(errno.EPERM, "not a regular file of this user", name)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
    finally:
        os.close(fd)
    return data, st


def _write_new(directory: _Dir, final: str, data: bytes) -> None:
    """Write ``data`` to a fresh temp file beside ``final`` and move it into place; the temp
    file goes away on any failure, an interrupt included, so nothing partial is left."""
    temp = f"{final}.{secrets.token_hex(8)}.tmp"
    fd = directory.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        directory.replace(temp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            directory.unlink(temp)
        raise


def _secret_key(root: _Dir) -> bytes:
    """The per-user MAC key, made once: random, mode 0600, never through a link."""
    try:
        data, st = _read_regular(root, KEY_FILE)
    except FileNotFoundError:
        temp = f"{KEY_FILE}.{secrets.token_hex(8)}.tmp"
        fd = root.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            try:
                os.write(fd, secrets.token_bytes(KEY_SIZE))
            finally:
                os.close(fd)
            # A link, not a rename: when two processes race, the first key stays and both use it.
            with contextlib.suppress(FileExistsError):
                root.link(temp, KEY_FILE)
        finally:
            with contextlib.suppress(OSError):
                root.unlink(temp)
        data, st = _read_regular(root, KEY_FILE)
    if len(data) != KEY_SIZE or (hasattr(os, "getuid") and st.st_mode & 0o077):
        raise OSError(errno.EPERM, "the cache key is damaged or readable by others")
    return data


# -- the cache -----------------------------------------------------------------------------------


class ResultCache:
    """Load once, look up per file, save once at the end of a scan.

    Any problem with the cache directory (missing home, read-only, a link, another owner) means
    the scan goes on without a cache: it is an optimisation, never a reason to fail.
    """

    def __init__(
        self,
        root: Path,
        key: str,
        *,
        cache_dir: Path | None = None,
        rule_ids: Sequence[str] | None = None,
    ) -> None:
        try:
            resolved = root.resolve()
        except (OSError, RuntimeError):
            resolved = root.absolute()
        self.repo = repo_id(resolved)
        self.name = f"results-{key}.json"
        self._rule_ids = frozenset(rule_ids) if rule_ids is not None else None
        self._context = f"{self.repo}\0{self.name}\0".encode()
        self._entries: dict[str, Any] = {}
        self._fresh: dict[str, Any] = {}
        self._seen: tuple[int, int, int] | None = None
        self._secret = b""
        self._dir: _Dir | None = None
        self.root: Path | None = None
        self.directory: Path | None = None
        base = cache_dir if cache_dir is not None else default_cache_root()
        if base is None:
            return
        self.root = base
        self.directory = base / self.repo
        top: _Dir | None = None
        try:
            top = _Dir.enter(base)
            self._secret = _secret_key(top)
            self._tag(top)
            self._dir = _Dir.enter(self.directory, top)
            self._entries, self._seen = self._load()
        except (OSError, ValueError):
            if self._dir is not None:
                self._dir.close()
            self._dir = None
        finally:
            if top is not None:
                top.close()

    @property
    def enabled(self) -> bool:
        return self._dir is not None

    def __len__(self) -> int:
        return len(self._entries.keys() | self._fresh.keys())

    def get(self, rel: str, stamp: Stamp | None) -> tuple[tuple[Finding, ...],
                                                          tuple[ScanError, ...], int] | None:
        """Cached (findings, errors, size) of a file whose stamp has not changed."""
        entry = self._fresh.get(rel) or self._entries.get(rel)
        if stamp is None or type(entry) is not dict:
            return None
        saved, raw_findings, raw_errors = (entry.get("stamp"), entry.get("findings"),
                                           entry.get("errors"))
        if (
            type(saved) is not list
            or saved != list(stamp)
            or any(type(v) is not int for v in saved)  # True == 1, but is no stamp
            or type(raw_findings) is not list
            or type(raw_errors) is not list
        ):
            return None
        if not raw_findings and not raw_errors:
            return (), (), stamp[0]  # most files: nothing more to check
        try:
            findings = tuple(finding_from(d, rel, self._rule_ids) for d in raw_findings)
            errors = tuple(error_from(e, rel) for e in raw_errors)
        except (DamagedEntryError, AttributeError, TypeError, ValueError):
            return None  # a damaged entry is a miss, never an error
        return findings, errors, stamp[0]

    def put(
        self,
        rel: str,
        stamp: Stamp | None,
        findings: tuple[Finding, ...],
        errors: tuple[ScanError, ...],
    ) -> None:
        if stamp is None or self._dir is None:
            return
        self._fresh[rel] = {
            "stamp": list(stamp),
            "findings": [finding_to(f) for f in findings],
            "errors": [error_to(e) for e in errors],
        }

    def save(self) -> None:
        """Merge this scan's entries into the current file under a lock and replace it
        atomically; a cache that cannot be written simply goes without."""
        directory = self._dir
        if directory is None or not self._fresh:
            return
        try:
            with self._locked(directory):
                current = self._entries
                with contextlib.suppress(FileNotFoundError):
                    if _signature(directory, self.name) != self._seen:
                        current, _ = self._load()  # another process saved since we loaded
                merged = {**current, **self._fresh}
                body = json.dumps({"format": CACHE_FORMAT, "files": merged},
                                  separators=(",", ":")).encode("utf-8", "surrogatepass")
                _write_new(directory, self.name, self._seal(body))
                self._entries, self._fresh = merged, {}
                self._seen = _signature(directory, self.name)
                self._clean(directory)
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        if self._dir is not None:
            self._dir.close()
            self._dir = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    # -- internals

    def _seal(self, body: bytes) -> bytes:
        return MAGIC + b" " + self._mac(body).encode() + b"\n" + body

    def _mac(self, body: bytes) -> str:
        return hmac.new(self._secret, self._context + body, hashlib.sha256).hexdigest()

    def _load(self) -> tuple[dict[str, Any], tuple[int, int, int] | None]:
        """The entries of the current file if its MAC verifies, else none (a miss)."""
        if self._dir is None:
            return {}, None
        try:
            data, st = _read_regular(self._dir, self.name)
        except OSError:  # missing, or not a regular file of ours: a miss, replaced on save
            return {}, None
        seen = (st.st_ino, st.st_size, st.st_mtime_ns)
        header, _, body = data.partition(b"\n")
        magic, _, mac = header.partition(b" ")
        if magic != MAGIC or not hmac.compare_digest(mac, self._mac(body).encode()):
            return {}, seen
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            return {}, seen
        if type(parsed) is not dict or parsed.get("format") != CACHE_FORMAT:
            return {}, seen
        files = parsed.get("files")
        return (files if type(files) is dict else {}), seen

    @staticmethod
    def _tag(top: _Dir) -> None:
        """CACHEDIR.TAG tells backup tools to skip the cache (written once, never followed)."""
        with contextlib.suppress(FileExistsError):
            fd = top.open("CACHEDIR.TAG", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, b"Signature: 8a477f597d28d172789f06886806bc55\n"
                             b"# This file is a cache directory tag created by outlive.\n")
            finally:
                os.close(fd)

    @staticmethod
    @contextlib.contextmanager
    def _locked(directory: _Dir) -> Iterator[None]:
        if sys.platform == "win32":  # pragma: no cover - no flock: the merge still helps
            yield
            return
        fd = directory.open(LOCK_FILE, os.O_RDWR | os.O_CREAT | _NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EPERM, "the cache lock is not a regular file")
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OSError(errno.EAGAIN, "the cache is locked") from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _clean(self, directory: _Dir) -> None:
        """Remove stale files of our own naming scheme only: other keys' cache files and
        temp files left by a killed process, once they are a day old (a concurrent run with
        another config keeps its file)."""
        now = time.time()
        for name in directory.names():
            if name == self.name or not (_RESULTS_NAME.match(name) or _TEMP_NAME.match(name)):
                continue
            with contextlib.suppress(OSError):
                st = directory.lstat(name)
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_SECONDS:
                    directory.unlink(name)


def _signature(directory: _Dir, name: str) -> tuple[int, int, int]:
    st = directory.lstat(name)
    return (st.st_ino, st.st_size, st.st_mtime_ns)
