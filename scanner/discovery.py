"""Turn the paths a user gave into the sorted list of files to scan.

Inside a git work tree the file list comes from ``git ls-files`` (tracked plus untracked files
not ignored), so build output and virtualenvs that ``.gitignore`` already names are never read.
Elsewhere a directory walk honours the root ``.gitignore``. Files given one by one (as
pre-commit passes them) are scanned unless the config's ``exclude`` names them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

from scanner.findings import ScanError

BINARY_SNIFF = 8192
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".outlive_cache", "__pycache__"})


@dataclass(frozen=True, slots=True, order=True)
class SourceFile:
    rel: str  # relative to the scan root, "/"-separated
    path: Path


@dataclass(frozen=True, slots=True)
class Discovered:
    files: tuple[SourceFile, ...]
    errors: tuple[ScanError, ...]


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/``; absolute only when outside the root.

    A broken symbolic link is named by where it is: its target is not a file of the tree.
    """
    broken = path.is_symlink() and not path.exists()
    resolved = path.parent.resolve() / path.name if broken else path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(path.absolute(), root.absolute())).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()


def discover(
    paths: Sequence[Path],
    root: Path,
    exclude: Sequence[str],
    anchor: Callable[[str], str | None] = lambda rel: rel,
) -> Discovered:
    """Files under ``paths``; ``exclude`` globs match ``anchor(rel)`` (the config's folder)."""
    spec = pathspec.GitIgnoreSpec.from_lines(exclude) if exclude else None
    found: dict[str, SourceFile] = {}
    errors: list[ScanError] = []
    for given in paths:
        if given.is_symlink() and not given.exists():
            errors.append(
                ScanError(relative(given, root), "broken symbolic link; skipped", kind="unreadable")
            )
            continue
        if given.is_dir():
            # Resolve the directory once; its files' relative paths are then string joins.
            base = relative(given, root)
            prefix = "" if base in ("", ".") else base + "/"
            for path in _list_dir(given, errors, root):
                rel = prefix + path.relative_to(given).as_posix()
                _add(found, path, root, spec, anchor, errors, rel=rel)
        elif given.exists():
            _add(found, given, root, spec, anchor, errors, explicit=True)
        else:
            errors.append(
                ScanError(
                    relative(given, root), "no such file or directory", level="error", kind="usage"
                )
            )
    return Discovered(tuple(sorted(found.values())), tuple(errors))


def _add(
    found: dict[str, SourceFile],
    path: Path,
    root: Path,
    spec: pathspec.GitIgnoreSpec | None,
    anchor: Callable[[str], str | None],
    errors: list[ScanError],
    explicit: bool = False,
    rel: str | None = None,
) -> None:
    is_link = path.is_symlink()
    if rel is None or is_link:  # a link is named by its target (see ``relative``)
        rel = relative(path, root)
    if spec is not None:
        anchored = anchor(rel)
        if anchored is not None and spec.match_file(anchored):
            return
    if is_link:
        if not path.exists():
            errors.append(ScanError(rel, "broken symbolic link; skipped", kind="unreadable"))
            return
        if not explicit and not _inside(path.resolve(), root.resolve()):
            errors.append(
                ScanError(
                    rel, "symbolic link out of the scan root; skipped", level="note", kind="skipped"
                )
            )
            return
    if not path.is_file():
        return
    found[rel] = SourceFile(rel, path)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _list_dir(directory: Path, errors: list[ScanError], root: Path) -> Iterable[Path]:
    listed = _git_files(directory)
    if listed is not None:
        return listed
    return _walk(directory, errors, root)


def _git_files(directory: Path) -> list[Path] | None:
    """Files git knows (tracked, or untracked and not ignored); None outside a work tree."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        inside = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [git, "-C", str(directory), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        listed = subprocess.run(  # noqa: S603
            [
                git,
                "-C",
                str(directory),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--",
                ".",
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if listed.returncode != 0:
        return None
    names = [n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    out = []
    for name in dict.fromkeys(names):
        path = directory / name
        if path.is_symlink() or path.is_file():  # deleted-but-tracked files drop out here
            out.append(path)
    return out


def _walk(directory: Path, errors: list[ScanError], root: Path) -> list[Path]:
    ignore = _gitignore(directory)
    out: list[Path] = []

    def onerror(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else directory
        errors.append(
            ScanError(
                relative(where, root), f"cannot list directory: {exc.strerror}", kind="unreadable"
            )
        )

    for current, dirs, files in os.walk(directory, onerror=onerror):
        base = Path(current)
        kept = []
        for d in sorted(dirs):
            rel = (base / d).relative_to(directory).as_posix() + "/"
            if d in _SKIP_DIRS or (ignore is not None and ignore.match_file(rel)):
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            path = base / name
            if ignore is not None and ignore.match_file(path.relative_to(directory).as_posix()):
                continue
            out.append(path)
    return out


def _gitignore(directory: Path) -> pathspec.GitIgnoreSpec | None:
    candidate = directory / ".gitignore"
    try:
        lines = candidate.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def read_file(source: SourceFile, max_size: int) -> tuple[bytes | None, ScanError | None]:
    """The file's bytes, or why it is skipped (binary, too big, unreadable)."""
    try:
        size = source.path.stat().st_size
        if size > max_size:
            return None, ScanError(
                source.rel,
                f"larger than max-file-size ({size} > {max_size} bytes); skipped",
                level="note",
                kind="skipped",
            )
        data = source.path.read_bytes()
    except PermissionError:
        return None, ScanError(source.rel, "permission denied; skipped", kind="unreadable")
    except OSError as exc:
        return None, ScanError(
            source.rel, f"cannot read: {exc.strerror or exc}; skipped", kind="unreadable"
        )
    if b"\0" in data[:BINARY_SNIFF]:
        return None, ScanError(source.rel, "binary file; skipped", level="note", kind="skipped")
    return data, None
