"""History scan speed: MB/s of ``outlive scan --history`` on a real repository, beside
Kingfisher's history scan of the same repository in the same run when it is installed.

``python bench/history.py REPO [--max-commits N] [--jobs N] [--select IDS] [--head-only]
[--kingfisher PATH]``

REPO is a work tree with its history (``git clone <mirror> /tmp/real/requests``). Printed:

* the history's content: commits, distinct (blob, path) pairs and their bytes, as
  ``scanner.gitscan`` lists them (the denominator of every MB/s below, so the tools are
  compared on the same bytes);
* git alone: listing plus reading every blob through one ``git cat-file --batch``;
* outlive: wall and CPU seconds of the full scan, its findings, MB/s;
* Kingfisher (``kingfisher scan REPO --git-history full --no-validate``), found on PATH, in
  ``$KINGFISHER`` or given with ``--kingfisher``; ``pip install kingfisher-bin`` provides it.
  Both read every ref's commits (outlive with ``--all-refs``; ``--head-only`` drops it, and
  then Kingfisher reads more than outlive on a clone with several branches).

No network: Kingfisher runs with validation and update checks off.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scanner.gitscan import Repo, history_blobs, read_blobs

#: Read-only git timing reads blobs up to this size (outlive's default max-file-size).
MAX_BLOB = 2 * 1024 * 1024


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(argv: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds (of the process and its children) of one run."""
    cpu0, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    return time.perf_counter() - start, _children_cpu() - cpu0, done


def _kingfisher(given: str | None) -> str | None:
    for candidate in (given, os.environ.get("KINGFISHER"), shutil.which("kingfisher")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--max-commits", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--kingfisher", default=None)
    parser.add_argument("--head-only", action="store_true", help="outlive without --all-refs")
    parser.add_argument(
        "--select", default=None,
        help="outlive's --select too, e.g. LLC-SRC: the secret rules alone, what Kingfisher does",
    )
    args = parser.parse_args()
    top: Path = args.repo.resolve()
    repo = Repo(top, "", ())

    start = time.perf_counter()
    blobs = history_blobs(repo, max_commits=args.max_commits, all_refs=not args.head_only)
    commits = len({b.commit.sha for b in blobs if b.commit is not None})
    total = sum(size for size, _ in read_blobs(repo, [b.oid for b in blobs], MAX_BLOB) if size > 0)
    git_seconds = time.perf_counter() - start
    mb = total / 1e6
    print(f"history of {top.name}: {commits} commits with content, {len(blobs)} (blob, path) "
          f"pairs, {mb:.1f} MB")
    print(f"git alone (log --raw + one cat-file --batch): {git_seconds:6.1f} s  "
          f"{mb / git_seconds:7.1f} MB/s")

    outlive = [sys.executable, "-m", "scanner.cli", "scan", "--history", "--format", "json"]
    if args.max_commits:
        outlive += ["--max-commits", str(args.max_commits)]
    if args.jobs:
        outlive += ["--jobs", str(args.jobs)]
    if args.select:
        outlive += ["--select", args.select]
    if not args.head_only:
        outlive.append("--all-refs")
    wall, cpu, done = _timed(outlive, top)
    if done.returncode not in (0, 1):
        print(f"outlive failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        return 2
    report = json.loads(done.stdout)
    label = f"outlive --history{' --select ' + args.select if args.select else ''}"
    print(f"{label}: {wall:6.1f} s wall, {cpu:6.1f} s CPU  {mb / wall:7.2f} MB/s "
          f"({report['stats']['files_scanned']} blobs scanned, "
          f"{len(report['findings'])} findings)")

    kingfisher = _kingfisher(args.kingfisher)
    if kingfisher is None:
        print("kingfisher: not installed (pip install kingfisher-bin, or --kingfisher PATH)")
        return 0
    argv = [kingfisher, "scan", str(top), "--git-history", "full", "--no-validate",
            "--no-update-check", "--format", "json", "-q"]
    if args.jobs:
        argv += ["--jobs", str(args.jobs)]
    if args.max_commits:
        print("kingfisher: --max-commits has no Kingfisher equivalent; it scans all commits")
    wall, cpu, done = _timed(argv, top)
    print(f"kingfisher (full history): {wall:6.1f} s wall, {cpu:6.1f} s CPU  "
          f"{mb / wall:7.2f} MB/s (exit {done.returncode})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
