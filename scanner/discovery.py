"""Turn the paths a user gave into the sorted list of files to scan.

Inside a git work tree the file list comes from ``git ls-files`` (tracked plus untracked files
not ignored), so build output and virtualenvs that ``.gitignore`` already names are never read;
a checked-out submodule is listed by git run inside it, so its files are scanned as part of the
checkout they belong to. Elsewhere a directory walk honours the root ``.gitignore`` and reports
each folder or file it hid. Files given one by one (as pre-commit passes them) are scanned
unless the config's ``exclude`` names them.

Nothing is dropped without a word: whatever is met and not scanned (a FIFO, a device, a broken
or looping link, a link out of the tree, a submodule not checked out, a file a ``.gitignore``
hid outside git) becomes a ``ScanError`` whose message starts with one of the reasons
``skip_reason`` counts, so every report can say how many were skipped and why.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scanner import git  # GIT_TIMEOUT, MAX_SUBMODULE_DEPTH read at call time (tests set them)
from scanner.findings import ScanError
from scanner.git import GitError, git_command, special_exclude_file
from scanner.reading import Refused, file_type, safe_read

if TYPE_CHECKING:
    import pathspec

BINARY_SNIFF = 8192
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".outlive_cache", "__pycache__"})
#: Files outlive reads for itself (``.gitignore``, ``.gitlab-ci.yml``, configs) stop here.
MAX_AUX_FILE_SIZE = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True, order=True)
class SourceFile:
    rel: str  # relative to the scan root, "/"-separated
    fspath: str | Path  # a Path on use only: a warm scan stats the string (Path() is 6 us)

    @property
    def path(self) -> Path:
        return self.fspath if isinstance(self.fspath, Path) else Path(self.fspath)


#: (path from the folder listed, its path, True for a plain file: not a link, no stat needed)
_Listed = tuple[str, str, bool]


@dataclass(frozen=True, slots=True)
class Discovered:
    files: tuple[SourceFile, ...]
    errors: tuple[ScanError, ...]


def resolve_path(path: Path) -> Path:
    """``path.resolve()``, or the plain absolute path when a link on the way loops.

    ``Path.resolve`` raises RuntimeError (Python < 3.13) or OSError on a symbolic link loop; a
    loop named on the command line must end in a skip note, not an internal error.
    """
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        try:
            return path.parent.resolve() / path.name
        except (OSError, RuntimeError):
            return path.absolute()


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/``; absolute only when outside the root.

    A broken symbolic link is named by where it is: its target is not a file of the tree.
    """
    broken = path.is_symlink() and not path.exists()
    resolved = resolve_path(path.parent) / path.name if broken else resolve_path(path)
    try:
        return resolved.relative_to(resolve_path(root)).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(path.absolute(), root.absolute())).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()


# -- why something was not scanned --------------------------------------------------------------

#: Outside a git work tree a ``.gitignore`` still keeps ``node_modules`` and virtualenvs out, but
#: an exported tree (``git archive``) holds tracked files it matches: each one it hid is named.
GITIGNORED_FILE = "ignored by .gitignore (not a git work tree); skipped, --no-gitignore scans it"
GITIGNORED_DIR = (
    "ignored by .gitignore (not a git work tree): folder not scanned, --no-gitignore scans it"
)
SUBMODULE_NOT_CHECKED_OUT = (
    "submodule not checked out; run git submodule update --init (--recursive) to scan it"
)
LINK_OUT_OF_ROOT = "symbolic link out of the scan root; skipped"

#: How each skip message starts, and the short reason summaries count it under (first match).
_SKIP_REASONS: tuple[tuple[str, str], ...] = (
    ("binary file", "binary"),
    ("larger than max-file-size", "too large"),
    ("not a regular file (a FIFO)", "FIFO"),
    ("not a regular file (a socket)", "socket"),
    ("not a regular file (a character device)", "device"),
    ("not a regular file (a block device)", "device"),
    ("not a regular file", "not a regular file"),
    ("broken symbolic link", "broken link"),
    ("symbolic link loop", "link loop"),
    ("symbolic link out of", "link out of the tree"),
    ("submodule not checked out", "submodule not checked out"),
    ("submodule nested", "submodule too deep"),
    ("ignored by .gitignore", "ignored by .gitignore"),
    ("permission denied", "unreadable"),
    ("cannot read", "unreadable"),
    ("cannot list directory", "unreadable"),
)


def skip_reason(error: ScanError) -> str | None:
    """The short reason a path was not scanned (``"binary"``, ``"FIFO"``...); None otherwise.

    Only skips count: a parse warning (the file was scanned), a missing path (a usage error)
    or a note about how a folder was listed is not a skipped path.
    """
    if error.kind not in ("skipped", "unreadable"):
        return None
    for prefix, reason in _SKIP_REASONS:
        if error.message.startswith(prefix):
            return reason
    return None


def skip_counts(errors: Iterable[ScanError]) -> tuple[tuple[str, int], ...]:
    """``(reason, count)`` of the skips among ``errors``, most frequent first, then by name."""
    counts = Counter(r for r in map(skip_reason, errors) if r is not None)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _link_problem(path: Path) -> str:
    """Why a symbolic link that leads to no file is skipped: it loops, or its target is gone."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop; skipped"
    except RuntimeError:
        return "symbolic link loop; skipped"
    return "broken symbolic link; skipped"


def _unreachable(path: Path) -> str:
    """Why a path named on the command line cannot be scanned, as the end of a sentence."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, None) and exc.strerror:
            return f"cannot be reached ({exc.strerror[0].lower()}{exc.strerror[1:]})"
    return "no such file or directory"


# -- listing ------------------------------------------------------------------------------------

#: ``rel`` (root-relative, a folder ends with ``/``) -> True when the config's ``exclude``
#: names it: what the user excluded on purpose is not reported as skipped.
_Excluded = Callable[[str], bool]


def exclusion(exclude: Sequence[str], anchor: Callable[[str], str | None]) -> _Excluded:
    """The config's ``exclude`` globs as a test on a root-relative path (a folder ends with
    ``/``), matched against ``anchor(rel)``, the path from the config's folder; one copy, for
    discovery and for standard input named with ``--stdin-filename``."""
    spec = _spec(exclude) if exclude else None

    def excluded(rel: str) -> bool:
        if spec is None:
            return False
        anchored = anchor(rel.rstrip("/"))
        if anchored is None:
            return False
        return spec.match_file(anchored + ("/" if rel.endswith("/") else ""))

    return excluded


def discover(
    paths: Sequence[Path],
    root: Path,
    exclude: Sequence[str],
    anchor: Callable[[str], str | None] = lambda rel: rel,
    *,
    gitignore: bool = True,
) -> Discovered:
    """Files under ``paths``; ``exclude`` globs match ``anchor(rel)`` (the config's folder).

    With ``gitignore=False`` no ``.gitignore`` (nor git's exclude files) hides anything: in a
    git work tree untracked ignored files are listed too, elsewhere the walk reads everything.
    """
    excluded = exclusion(exclude, anchor)
    found: dict[str, SourceFile] = {}
    errors: list[ScanError] = []
    lister = _Lister(root, errors, gitignore, excluded)
    for given in paths:
        if given.is_symlink() and not given.exists():
            # A loop (``ln -s loop loop``) or a dangling link holds no bytes: nothing can hide
            # in it, so it is reported like a broken link met in a walk and the scan goes on.
            errors.append(ScanError(relative(given, root), _link_problem(given), kind="unreadable"))
            continue
        if given.is_dir():
            # Resolve the directory once; its files' relative paths are then string joins.
            base = relative(given, root)
            prefix = "" if base in ("", ".") else base + "/"
            for rel, path, regular in lister.list_dir(given):
                if regular:  # a plain file, not a link: what the listing saw needs no stat
                    rel = prefix + rel
                    if not excluded(rel):
                        found[rel] = SourceFile(rel, path)
                    continue
                _add(found, Path(path), root, excluded, errors, rel=prefix + rel)
        elif given.exists():
            _add(found, given, root, excluded, errors, explicit=True)
        else:
            errors.append(
                ScanError(relative(given, root), _unreachable(given), level="error", kind="usage")
            )
    return Discovered(tuple(sorted(found.values())), tuple(errors))


def _add(
    found: dict[str, SourceFile],
    path: Path,
    root: Path,
    excluded: _Excluded,
    errors: list[ScanError],
    explicit: bool = False,
    rel: str | None = None,
) -> None:
    is_link = path.is_symlink()
    if rel is None or is_link:  # a link is named by its target (see ``relative``)
        rel = relative(path, root)
    if excluded(rel):
        return
    if is_link:
        if not path.exists():
            errors.append(ScanError(rel, _link_problem(path), kind="unreadable"))
            return
        if not explicit and not _inside(resolve_path(path), resolve_path(root)):
            errors.append(ScanError(rel, LINK_OUT_OF_ROOT, level="note", kind="skipped"))
            return
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        errors.append(
            ScanError(rel, f"cannot read: {exc.strerror or exc}; skipped", kind="unreadable")
        )
        return
    if stat.S_ISDIR(mode):
        # A link to a folder inside the root: its files are listed where they lie.
        return
    if not stat.S_ISREG(mode):
        # A FIFO would block the read, a device would never end: say so rather than drop it.
        errors.append(
            ScanError(
                rel,
                f"not a regular file ({file_type(mode)}); skipped",
                level="note",
                kind="skipped",
            )
        )
        return
    found[rel] = SourceFile(rel, path)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


class _Lister(NamedTuple):
    """Lists a folder's files (git, else a walk), reporting into ``errors`` what it passes over.
    A named tuple, not a frozen dataclass, which cost every scan 0.5 ms to define."""

    root: Path
    errors: list[ScanError]
    gitignore: bool
    excluded: _Excluded

    def note(self, rel: str, message: str) -> None:
        self.errors.append(ScanError(rel, message, level="note", kind="skipped"))

    def list_dir(self, directory: Path, depth: int = 0) -> list[_Listed]:
        listed = self.git_files(directory, depth)
        if listed is not None:
            return listed
        return self.walk(directory)

    def git_files(
        self, directory: Path, depth: int = 0, own_top: bool = False
    ) -> list[_Listed] | None:
        """Files git knows (tracked, or untracked and not ignored); None outside a work tree.

        With ``own_top`` (a submodule), None too when git answers for another work tree than
        ``directory`` (a ``.git`` that is not a repository): the folder is then walked.
        """
        errors, root = self.errors, self.root
        try:
            inside = git_command(
                directory,
                "rev-parse",
                "--is-inside-work-tree",
                "--git-path",
                "info/exclude",
                "--show-toplevel",  # last: a folder name may hold a newline
                timeout=git.GIT_TIMEOUT / 6,
            )
            if inside is None or inside.returncode != 0:
                return None
            answer = inside.stdout.decode("utf-8", "surrogateescape").splitlines()
            if len(answer) < 3 or answer[0] != "true":
                return None
            top = Path("\n".join(answer[2:]))
            if own_top and resolve_path(top) != resolve_path(directory):
                return None
            special = special_exclude_file(directory, answer[1:2])
            if special is not None:
                errors.append(
                    ScanError(
                        relative(special, root),
                        "git's exclude file is not a regular file (git would block reading it); "
                        "listed the folder without git",
                        kind="skipped",
                    )
                )
                return None
            standard = ["--exclude-standard"] if self.gitignore else []
            listed = git_command(
                directory, "ls-files", "-z", "--cached", "--others", *standard, "--", "."
            )
        except GitError as exc:
            errors.append(
                ScanError(
                    relative(directory, root),
                    f"{exc}; listed the folder without git "
                    "(is a .gitignore or a file in .git a FIFO?)",
                    kind="unreadable",
                )
            )
            return None
        if listed is None or listed.returncode != 0:
            return None
        names = [n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        out: list[_Listed] = []
        folder = os.fspath(directory)
        lstat, isdir, isreg = os.lstat, stat.S_ISDIR, stat.S_ISREG
        for name in dict.fromkeys(names):
            path = os.path.join(folder, name)  # noqa: PTH118 - no pathlib per file
            try:
                mode = lstat(path).st_mode
            except OSError:
                continue  # deleted-but-tracked files drop out here
            if isdir(mode):
                # git lists a submodule (or an untracked repository inside this one) as one
                # entry: its files are part of the checkout, listed by git run inside it.
                inner = name.rstrip("/") + "/"
                out.extend(
                    (inner + rel, sub, regular)
                    for rel, sub, regular in self.submodule_files(Path(path), depth)
                )
            else:
                out.append((name, path, isreg(mode)))
        return out

    def submodule_files(self, directory: Path, depth: int) -> list[_Listed]:
        rel = relative(directory, self.root)
        quiet = self.excluded(rel + "/")  # the config excludes it: its files drop out in _add
        if not os.path.lexists(directory / ".git"):
            try:
                with os.scandir(directory) as entries:
                    empty = next(entries, None) is None
            except OSError as exc:
                self.errors.append(
                    ScanError(rel, f"cannot list directory: {exc.strerror}", kind="unreadable")
                )
                return []
            if empty:  # what ``git clone`` without --recurse-submodules leaves
                if not quiet:
                    self.note(rel, SUBMODULE_NOT_CHECKED_OUT)
                return []
            return self.walk(directory)  # files without their .git: scan what is there
        if depth >= git.MAX_SUBMODULE_DEPTH:
            if not quiet:
                self.note(
                    rel,
                    f"submodule nested too deep (the limit is {git.MAX_SUBMODULE_DEPTH} levels of "
                    "submodules); not scanned",
                )
            return []
        listed = self.git_files(directory, depth + 1, own_top=True)
        return listed if listed is not None else self.walk(directory)

    def walk(self, directory: Path) -> list[_Listed]:
        """Files under ``directory`` (``os.scandir``, string paths: a plain file costs no stat),
        noted in top-down order: a folder's sub-folders, its files, then each sub-folder."""
        errors, root = self.errors, self.root
        ignore = _gitignore(directory, errors, root) if self.gitignore else None
        match = ignore.match_file if ignore is not None else None
        base = relative(directory, root)
        prefix = "" if base in ("", ".") else base + "/"
        real_root: Path | None = None
        out: list[_Listed] = []
        append = out.append
        pending: list[tuple[str, str]] = [(os.fspath(directory), "")]  # (path, rel + "/")
        while pending:
            current, here = pending.pop()
            try:
                with os.scandir(current) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                where = relative(Path(exc.filename or current), root)
                message = f"cannot list directory: {exc.strerror}"
                errors.append(ScanError(where, message, kind="unreadable"))
                continue
            files, kept = [], []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    files.append(entry)
                    continue
                name = entry.name
                if name in _SKIP_DIRS:
                    continue
                rel = here + name
                if match is not None and match(rel + "/"):
                    if not self.excluded(prefix + rel + "/"):
                        self.note(prefix + rel, GITIGNORED_DIR)
                    continue
                if entry.is_symlink():
                    # A link to a folder is not followed. One into the root is scanned where
                    # it lies; one out of it is not scanned, and says so.
                    if real_root is None:
                        real_root = resolve_path(root)
                    if not _inside(resolve_path(Path(entry.path)), real_root):
                        self.note(prefix + rel, LINK_OUT_OF_ROOT)
                    continue
                kept.append((entry.path, rel + "/"))
            for entry in files:
                rel = here + entry.name
                if match is not None and match(rel):
                    if not self.excluded(prefix + rel):
                        self.note(prefix + rel, GITIGNORED_FILE)
                    continue
                try:
                    regular = entry.is_file(follow_symlinks=False)
                except OSError:
                    regular = False
                append((rel, entry.path, regular))
            pending.extend(reversed(kept))
        return out


def _gitignore(
    directory: Path, errors: list[ScanError], root: Path
) -> pathspec.GitIgnoreSpec | None:
    candidate = directory / ".gitignore"
    if not os.path.lexists(candidate):
        return None
    data = safe_read(candidate, MAX_AUX_FILE_SIZE, root=directory)
    if isinstance(data, Refused):
        errors.append(
            ScanError(
                relative(candidate, root),
                f"not used as ignore rules: {data.reason}",
                level="note",
                kind="skipped",
            )
        )
        return None
    return _spec(data.decode("utf-8", errors="replace").splitlines())


def _spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    """Gitignore rules; ``pathspec`` loads only when a tree has a .gitignore or an exclude."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def read_file(source: SourceFile, max_size: int) -> tuple[bytes | None, ScanError | None]:
    """The file's bytes, or why it is skipped (binary, too big, not a regular file, unreadable)."""
    data = safe_read(source.path, max_size)
    if isinstance(data, Refused):
        level = "note" if data.kind == "skipped" else "warning"
        return None, ScanError(source.rel, f"{data.reason}; skipped", level=level, kind=data.kind)
    # UTF-16/32 text with a byte-order mark is full of NULs; the engine decodes it by its mark.
    wide = data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    if not wide and b"\0" in data[:BINARY_SNIFF]:
        return None, ScanError(source.rel, "binary file; skipped", level="note", kind="skipped")
    return data, None
