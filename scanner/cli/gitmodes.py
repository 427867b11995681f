"""``scan --staged``, ``--diff BASE [--new-only]`` and ``--history``: which option goes with
which, and the scan each runs (the logic is ``scanner.gitscan``).

Kept out of ``scan.py`` so the scan command stays a list of options; every mistake here is a
sentence and exit 2, like any usage error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scanner.cli.app import STDIN_PATH, fail, setup

if TYPE_CHECKING:  # a plain scan checks its options here, and never loads the git scans
    from scanner.config import Config
    from scanner.pipeline import ScanResult
    from scanner.rulemeta import RuleSpec


class GitMode(NamedTuple):
    """The git options of one ``outlive scan`` run, as given. A named tuple, not a frozen
    dataclass: every scan imports this class, and defining that dataclass cost each run 0.5 ms."""

    staged: bool = False
    diff: str | None = None
    new_only: bool = False
    history: bool = False
    since: str | None = None
    max_commits: int | None = None
    all_refs: bool = False

    @property
    def name(self) -> str | None:
        """The flag that picks the mode, or None for a plain scan of files."""
        if self.staged:
            return "--staged"
        if self.diff is not None:
            return "--diff"
        if self.history:
            return "--history"
        return None

    def check(self, paths: tuple[Path, ...], stdin_filename: str | None) -> None:
        """Reject combinations that cannot mean anything, before any file is read."""
        chosen = [n for n, on in (("--staged", self.staged), ("--diff", self.diff is not None),
                                  ("--history", self.history)) if on]
        if len(chosen) > 1:
            fail(f"{' and '.join(chosen)} pick different things to scan; give one of them")
        if self.new_only and self.diff is None:
            fail("--new-only keeps the lines a diff adds; give it with --diff BASE")
        limits = (("--since", self.since), ("--max-commits", self.max_commits),
                  ("--all-refs", True if self.all_refs else None))
        for flag, value in limits:
            if value is not None and not self.history:
                fail(f"{flag} limits a history scan; give it with --history")
        if chosen and (stdin_filename is not None or any(str(p) == STDIN_PATH for p in paths)):
            fail(f"{chosen[0]} reads git, not standard input; leave out `-` and --stdin-filename")


def run_git_scan(
    mode: GitMode,
    paths: tuple[Path, ...],
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    baseline_path: Path | None,
    show_info: bool,
    *,
    cache: bool,
    cache_dir: Path | None,
    announce: bool,
) -> tuple[ScanResult, Config]:
    """The scan ``mode`` names, with the config and baseline a plain scan of ``paths`` uses."""
    # Imported here: only a git mode needs the git scans (a plain scan imports none of them).
    from scanner.gitscan import GitScanError, open_repo, scan_diff, scan_history, scan_staged
    from scanner.roots import common_dir, scan_root

    given = list(paths) or [Path()]
    config, rules, entries = setup(
        scan_root(given), common_dir(given), config_path, select, ignore, baseline_path, announce,
    )
    try:
        repo = open_repo(given, config.root, mode.name or "scan")
        if mode.staged:
            result = scan_staged(
                repo, config, rules, jobs=jobs, baseline=entries, show_info=show_info
            )
        elif mode.diff is not None:
            result = scan_diff(
                repo, mode.diff, config, rules, new_only=mode.new_only, jobs=jobs,
                baseline=entries, show_info=show_info, cache=cache, cache_dir=cache_dir,
            )
        else:
            if not (select or config.select):
                rules = history_rules(rules)
            result = scan_history(
                repo, config, rules, since=mode.since, max_commits=mode.max_commits,
                all_refs=mode.all_refs, jobs=jobs,
                baseline=entries, show_info=show_info,
            )
    except GitScanError as exc:
        fail(str(exc))
    return result, config


def history_rules(rules: Sequence[RuleSpec]) -> tuple[RuleSpec, ...]:
    """The rules a history scan runs unless ``--select`` (or the config) names others: those
    whose findings outlive their deletion, the committed secrets (``static-secret``).

    A deleted key works until it is revoked, so every commit's copy matters. A JWT minted
    without ``exp``, a 12-hour role session or a fake-session loop in an old revision is
    gone with the code that did it: reporting it would be noise, and analysing every old
    revision of every Python file is where a full-rule history scan spends its time (0.15
    MB/s on psf/requests against 4.1 MB/s for the secret rules).
    """
    from scanner.findings import Category

    return tuple(r for r in rules if r.META.category is Category.STATIC_SECRET)
