"""Scans of what git holds rather than the work tree: staged blobs, a diff, the history.

``--staged`` reads each staged file from the index (what the commit will hold), never the work
tree, which a hook cannot trust to match. ``--diff BASE`` scans the work-tree files changed
since the merge base of BASE and HEAD (so a CI checkout scans the pull request's head and a
developer's uncommitted edits count), and ``--new-only`` keeps the findings on lines that diff
adds or changes. ``--history`` scans the blob each commit added or changed, oldest first, and
reports each finding once, at the first commit that held it: a key committed and deleted later
is still found, since it works until someone revokes it.

Every git call goes through ``scanner.git`` (the repository's programs off); blobs come from one
``git cat-file --batch`` process, each read once. Content goes through the same size and binary
screen as a file and the same engine (``pipeline.scan_contents``); a finding's fingerprint is
the one the work tree gives, so one baseline covers both.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from scanner.baseline import Entry
from scanner.config import Config
from scanner.discovery import exclusion, resolve_path
from scanner.findings import Commit, Finding, ScanError, printable
from scanner.git import GitError, git_argv, git_command, git_environment, git_toplevel
from scanner.pipeline import ScanResult, assemble, scan, scan_contents, screen
from scanner.rulemeta import RuleSpec

#: Seconds a listing (``git log`` of a long history, a large diff) may take.
LIST_TIMEOUT = 600.0
#: Modes of blobs that hold file content; links (120000) and submodules (160000) are skipped.
_FILE_MODES = frozenset({"100644", "100755", "100664"})
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_DECODE = ("utf-8", "surrogateescape")


class GitScanError(Exception):
    """A git scan cannot run (not a repository, an unknown revision); the message is a sentence."""


@dataclass(frozen=True, slots=True)
class Repo:
    """The work tree git runs in, and how its paths become scan-root-relative ones."""

    top: Path
    prefix: str  # the top's path under the scan root, with a trailing ``/``, or ""
    pathspecs: tuple[str, ...]  # the given paths, relative to ``top``; empty: everything

    def rel(self, git_path: bytes) -> str:
        return self.prefix + git_path.decode(*_DECODE)


def open_repo(paths: Sequence[Path], root: Path, what: str) -> Repo:
    """The repository holding ``paths`` (default ``.``), or a sentence saying why there is none."""
    given = [resolve_path(p) for p in (paths or [Path()])]
    start = given[0] if given[0].is_dir() else given[0].parent
    if shutil.which("git") is None:
        raise GitScanError(f"{what} reads git, and git is not installed")
    top = git_toplevel(start)
    if top is None:
        raise GitScanError(
            f"{what} scans a git repository, and {_shown(start)} is not inside one (or git "
            "refuses it: see `git status`)"
        )
    top = resolve_path(top)
    specs = []
    for path in given:
        if path != top and top not in path.parents:
            raise GitScanError(f"{_shown(path)} is outside the repository at {_shown(top)}")
        if path != top:
            specs.append(path.relative_to(top).as_posix())
    try:
        prefix = top.relative_to(resolve_path(root)).as_posix()
    except ValueError:
        prefix = "."
    return Repo(top, "" if prefix == "." else prefix + "/", tuple(specs))


def _git(repo: Repo, *args: str, timeout: float = LIST_TIMEOUT) -> bytes:
    """git's output, or GitScanError with git's own complaint."""
    try:
        done = git_command(repo.top, *args, timeout=timeout)
    except GitError as exc:
        raise GitScanError(str(exc)) from None
    if done is None:
        raise GitScanError("git is not installed")
    if done.returncode != 0:
        said = done.stderr.decode(*_DECODE).strip().splitlines()
        raise GitScanError(f"git {args[0]} failed: {said[-1] if said else 'no message'}")
    return done.stdout


def resolve_commit(repo: Repo, rev: str, option: str) -> str:
    """The commit id ``rev`` names, or a sentence for exit 2 (``option`` names the flag)."""
    if not rev or rev.startswith("-"):
        raise GitScanError(
            f"{option} takes a revision (a commit, branch or tag), not {printable(repr(rev))}"
        )
    try:
        done = git_command(repo.top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except GitError as exc:
        raise GitScanError(str(exc)) from None
    if done is None or done.returncode != 0:
        if rev == "HEAD":
            raise GitScanError(f"{option}: the repository at {_shown(repo.top)} has no commit yet")
        raise GitScanError(
            f"{option} {printable(rev)}: no such commit in {_shown(repo.top)} (in CI, fetch the "
            "full history: actions/checkout with fetch-depth: 0, or GIT_DEPTH: 0 on GitLab)"
        )
    return done.stdout.decode().strip()


def has_commits(repo: Repo) -> bool:
    """Whether HEAD names a commit (not a repository created a moment ago)."""
    try:
        done = git_command(repo.top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError as exc:
        raise GitScanError(str(exc)) from None
    return done is not None and done.returncode == 0


def _shown(path: Path) -> str:
    return printable(str(path))


# -- reading blobs ----------------------------------------------------------------------------


def read_blobs(
    repo: Repo, oids: Sequence[str], max_size: int
) -> Iterator[tuple[int, bytes | None]]:
    """``(size, content)`` of each blob, in order, from one ``git cat-file --batch``.

    A writer thread feeds the ids so neither pipe fills while the other waits. A blob larger
    than ``max_size`` is read past, never kept (content None); a missing one is size -1. No
    timeout: the listing before it (``git log``, ``git diff``, under ``git_command``'s) has
    opened the same object store, so a store that stalls git has already stopped the scan.
    """
    if not oids:
        return
    git = shutil.which("git")
    if git is None:
        raise GitScanError("git is not installed")
    try:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv through git_argv, no shell
            git_argv(git, repo.top, "cat-file", "--batch"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=git_environment(),
        )
    except OSError as exc:
        raise GitScanError(f"git could not be run: {exc}") from None
    if proc.stdin is None or proc.stdout is None:  # never: both are pipes
        raise GitScanError("git cat-file has no pipes")

    writer = threading.Thread(target=_feed, args=(proc.stdin, oids), daemon=True)
    writer.start()
    out = proc.stdout
    try:
        for _ in oids:
            header = out.readline()
            if not header:
                raise GitScanError("git cat-file stopped before every blob was read")
            parts = header.split()
            if len(parts) != 3:
                yield -1, None  # "<oid> missing": a shallow or partial clone
                continue
            size = int(parts[2])
            if size > max_size:
                left = size + 1
                while left > 0:
                    chunk = out.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    left -= len(chunk)
                yield size, None
                continue
            data = out.read(size + 1)[:size]
            yield size, data
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        writer.join(timeout=5)
        out.close()


def _feed(stream: IO[bytes], oids: Sequence[str]) -> None:
    """Write the ids for ``cat-file --batch``, then close its input so it ends."""
    with contextlib.suppress(OSError):  # git went away: the reader reports it
        try:
            stream.writelines(oid.encode() + b"\n" for oid in oids)
        finally:
            stream.close()


# -- staged -----------------------------------------------------------------------------------


def _raw_entries(output: bytes) -> Iterator[tuple[str, str, bytes]]:
    """``(mode, oid, path)`` of the new side of ``--raw -z`` records (renames: the new path)."""
    tokens = output.split(b"\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token.startswith(b":"):
            continue
        fields = token[1:].split()
        if len(fields) < 5:
            continue
        status = fields[4][:1]
        if status in (b"R", b"C"):
            i += 1  # the old path
        if i >= len(tokens):
            break
        path = tokens[i]
        i += 1
        yield fields[1].decode(), fields[3].decode(), path


@dataclass(frozen=True, slots=True)
class Blob:
    """A blob to scan: its path from the scan root, its id, and (history) its first commit."""

    rel: str
    oid: str
    commit: Commit | None = None


def scan_staged(
    repo: Repo,
    config: Config,
    rules: Sequence[RuleSpec],
    *,
    jobs: int | None = None,
    baseline: Sequence[Entry] = (),
    show_info: bool = False,
) -> ScanResult:
    """The staged version of each added, copied, modified or renamed file, read from the index."""
    listed = _git(
        repo, "diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-color", "-M",
        "--diff-filter=ACMRT",
        "--", *repo.pathspecs,
    )
    blobs = [
        Blob(repo.rel(path), oid)
        for mode, oid, path in _raw_entries(listed)
        if mode in _FILE_MODES
    ]
    return _scan_blobs(repo, blobs, config, rules, jobs, baseline, show_info)


# -- history ----------------------------------------------------------------------------------


def history_blobs(
    repo: Repo,
    since: str | None = None,
    max_commits: int | None = None,
    all_refs: bool = False,
) -> list[Blob]:
    """Each blob a commit added or changed, oldest commit first, each (blob, path) once.

    ``git log --raw`` names the blobs without producing patches. Merges are compared with
    their first parent, so a change made in the merge itself is seen; what the merged branch
    brought was seen at its own commits (``--topo-order`` puts them first). ``all_refs``: the
    commits of every branch, remote-tracking branch and tag too, not only HEAD's.

    The same blob at a second path is scanned again: the path picks the file kind and is part
    of every fingerprint, so a key copied into another file is a finding of its own there.
    """
    if not has_commits(repo):
        return []  # nothing committed yet: no history to scan
    revs = [resolve_commit(repo, "HEAD", "--history")]
    if all_refs:
        revs += ["--branches", "--tags", "--remotes"]
    if since:
        revs.append("^" + resolve_commit(repo, since, "--since"))
    args = [
        "log", "--reverse", "--topo-order", "--no-renames", "--no-color", "--no-follow",
        "--diff-merges=first-parent",
        "--raw", "-z", "--no-abbrev", "--format=%x01%H %aI", "--diff-filter=AMT",
    ]
    if max_commits is not None:
        args.append(f"--max-count={max_commits}")
    listed = _git(repo, *args, *revs, "--", *repo.pathspecs)
    blobs: list[Blob] = []
    seen: set[tuple[str, str]] = set()
    commit: Commit | None = None
    tokens = listed.split(b"\0")
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if token.startswith(b"\x01"):
            sha, _, date = token[1:].decode(*_DECODE).partition(" ")
            commit = Commit(sha, date)
            continue
        if not token.startswith(b":") or i >= len(tokens):
            continue
        fields = token[1:].split()
        path = tokens[i]
        i += 1
        if len(fields) < 5 or fields[1].decode() not in _FILE_MODES:
            continue
        key = (fields[3].decode(), repo.rel(path))
        if key not in seen:
            seen.add(key)
            blobs.append(Blob(key[1], key[0], commit))
    return blobs


def scan_history(
    repo: Repo,
    config: Config,
    rules: Sequence[RuleSpec],
    *,
    since: str | None = None,
    max_commits: int | None = None,
    all_refs: bool = False,
    jobs: int | None = None,
    baseline: Sequence[Entry] = (),
    show_info: bool = False,
) -> ScanResult:
    """What each commit added: every finding once, named by the first commit that held it."""
    blobs = history_blobs(repo, since, max_commits, all_refs)
    return _scan_blobs(repo, blobs, config, rules, jobs, baseline, show_info)


def _scan_blobs(
    repo: Repo,
    blobs: Sequence[Blob],
    config: Config,
    rules: Sequence[RuleSpec],
    jobs: int | None,
    baseline: Sequence[Entry],
    show_info: bool,
) -> ScanResult:
    """Blobs read once each, screened and scanned in order; findings deduplicated by their
    fingerprint, the first occurrences kept (so, in history, the oldest commit's)."""
    excluded = exclusion(config.exclude, config.base_relative)
    wanted = [b for b in blobs if not excluded(b.rel)]
    errors: list[ScanError] = []
    pending: deque[Blob] = deque()
    sizes = [0, 0]  # files scanned, bytes scanned

    def contents() -> Iterator[tuple[str, bytes]]:
        for blob, (size, data) in zip(
            wanted, read_blobs(repo, [b.oid for b in wanted], config.max_file_size), strict=True
        ):
            if size < 0:
                errors.append(_note(blob, "object missing from this clone; skipped"))
                continue
            problem = screen(blob.rel, data or b"", size, config.max_file_size)
            if problem is not None or data is None:
                errors.append(_with_commit(problem, blob) if problem else _note(blob, "unread"))
                continue
            pending.append(blob)
            sizes[0] += 1
            sizes[1] += size
            yield blob.rel, data

    findings: list[Finding] = []
    counted: Counter[str] = Counter()
    for result in scan_contents(contents(), config, rules, jobs=jobs):
        blob = pending.popleft()
        errors.extend(_with_commit(e, blob) for e in result.errors)
        findings.extend(_first_seen(result.findings, blob.commit, counted))
    unique = list(dict.fromkeys(errors))
    return assemble(
        config.root, rules, findings, _one_per_path(unique), sizes[0], sizes[1],
        baseline, show_info,
    )


def _first_seen(
    found: Iterable[Finding], commit: Commit | None, counted: Counter[str]
) -> Iterator[Finding]:
    """The findings of one blob that earlier blobs did not hold: per fingerprint, those past
    the most any earlier blob had (a second copy of a key added later is new)."""
    here: dict[str, list[Finding]] = {}
    for finding in found:
        here.setdefault(finding.stable_fingerprint, []).append(finding)
    for key, group in here.items():
        for finding in group[counted[key]:]:
            yield finding if commit is None else replace(finding, commit=commit)
        counted[key] = max(counted[key], len(group))


def _note(blob: Blob, message: str) -> ScanError:
    return _with_commit(ScanError(blob.rel, message, level="note", kind="skipped"), blob)


def _with_commit(error: ScanError, blob: Blob) -> ScanError:
    if blob.commit is None:
        return error
    return replace(error, message=f"{error.message} (commit {blob.commit.sha[:12]})")


def _one_per_path(errors: list[ScanError]) -> list[ScanError]:
    """A file skipped or unparsable in 40 versions is one note or warning, not 40: the first
    version's, counting the rest. Errors (a rule crashed) all stay."""
    first: dict[tuple[str, str, str], int] = {}
    later: Counter[int] = Counter()
    out: list[ScanError] = []
    for error in errors:
        if error.level == "error":
            out.append(error)
            continue
        key = (error.path, error.level, error.kind)
        if key in first:
            later[first[key]] += 1
            continue
        first[key] = len(out)
        out.append(error)
    for index, count in later.items():
        error = out[index]
        more = f" and {count} later version{'s' if count != 1 else ''}"
        text = error.message
        text = text[:-1] + more + ")" if text.endswith(")") else f"{text} ({more.strip()})"
        out[index] = replace(error, message=text)
    return out


# -- diff -------------------------------------------------------------------------------------


def merge_base(repo: Repo, base: str) -> str:
    """The merge base of ``base`` and HEAD: what a pull request's changes are measured from."""
    base_id = resolve_commit(repo, base, "--diff")
    head = resolve_commit(repo, "HEAD", "--diff")
    try:
        done = git_command(repo.top, "merge-base", base_id, head, timeout=LIST_TIMEOUT)
    except GitError as exc:
        raise GitScanError(str(exc)) from None
    if done is None or done.returncode != 0:
        raise GitScanError(
            f"--diff {base}: it has no merge base with HEAD (a shallow clone? fetch the full "
            "history: actions/checkout with fetch-depth: 0, or GIT_DEPTH: 0 on GitLab)"
        )
    return done.stdout.decode().strip()


def changed_files(repo: Repo, base_id: str) -> list[str]:
    """Work-tree paths (relative to the repository top) added, copied, modified or renamed
    since ``base_id``; deleted files have nothing to scan."""
    listed = _git(
        repo, "diff", "--name-only", "-z", "--no-color", "-M", "--diff-filter=ACMRT", base_id,
        "--",
        *repo.pathspecs,
    )
    return [p.decode(*_DECODE) for p in listed.split(b"\0") if p]


def added_lines(repo: Repo, base_id: str) -> dict[str, set[int]]:
    """Per scan-root-relative path, the work-tree lines ``git diff -U0`` adds or changes."""
    patch = _git(
        repo, "diff", "-U0", "-M", "--no-color", "--src-prefix=a/", "--dst-prefix=b/",
        base_id, "--", *repo.pathspecs,
    )
    lines: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in patch.split(b"\n"):
        if line.startswith(b"+++ "):
            name = unquote(line[4:])
            current = None if name == b"/dev/null" else lines.setdefault(
                repo.rel(name[2:] if name.startswith(b"b/") else name), set()
            )
        elif line.startswith(b"@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match[1]), int(match[2] or 1)
                current.update(range(start, start + count))
    return lines


_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13}


def unquote(name: bytes) -> bytes:
    """A path as git prints it in a patch header: C-quoted (``"b/a\\tb"``) when unusual."""
    name = name.rstrip(b"\t")  # git appends a tab after names with spaces in some versions
    if not (name.startswith(b'"') and name.endswith(b'"') and len(name) >= 2):
        return name
    body, out, i = name[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i : i + 1]
        if char == b"\\" and i + 1 < len(body):
            nxt = body[i + 1 : i + 2]
            if re.fullmatch(rb"[0-7]{3}", body[i + 1 : i + 4]):
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
            out += bytes([_ESCAPES[nxt]]) if nxt in _ESCAPES else nxt
            i += 2
            continue
        out += char
        i += 1
    return bytes(out)


def scan_diff(
    repo: Repo,
    base: str,
    config: Config,
    rules: Sequence[RuleSpec],
    *,
    new_only: bool = False,
    jobs: int | None = None,
    baseline: Sequence[Entry] = (),
    show_info: bool = False,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> ScanResult:
    """The work-tree files changed since the merge base of ``base`` and HEAD; with
    ``new_only``, only findings whose line that diff adds or changes."""
    base_id = merge_base(repo, base)
    files = [repo.top / p for p in changed_files(repo, base_id)]
    files = [f for f in files if f.is_file() or f.is_symlink()]
    if not files:
        return assemble(config.root, rules, [], [], 0, 0, (), show_info)
    result = scan(
        files, config, rules, jobs=jobs, baseline=baseline, show_info=show_info, cache=cache,
        cache_dir=cache_dir,
    )
    if not new_only:
        return result
    added = added_lines(repo, base_id)
    kept = tuple(
        f for f in result.findings if f.location.line in added.get(f.location.path, ())
    )
    return replace(result, findings=kept)
