"""Benchmark outlive against the floor (reading every file) and its peers, on one tree.

Not a test: timings vary by machine. Run ``python bench/run.py --mb 20`` for a synthetic corpus
or ``python bench/run.py --dir PATH`` for a real tree. Prints a table and writes
``bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import build  # noqa: E402


def _tree_size(root: Path) -> tuple[int, int]:
    files = size = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files += 1
            size += path.stat().st_size
    return files, size


def _read_all(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.read_bytes()


def _time(cmd: list[str], timeout: int, cwd: Path | None = None) -> float | None:
    """Wall time of one run; None on a timeout or when the tool failed (exit code above 1)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout, check=False, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode > 1:
        print(f"{cmd[0]} failed: {done.stderr.decode(errors='replace')[-300:]}", file=sys.stderr)
        return None
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20.0, help="synthetic corpus size")
    parser.add_argument("--dir", type=Path, help="scan this real directory instead")
    parser.add_argument("--peer-timeout", type=int, default=600)
    parser.add_argument("--no-peers", action="store_true", help="skip detect-secrets and peers")
    args = parser.parse_args()

    tmp = None
    if args.dir is not None:
        root = args.dir.resolve()
        label = str(args.dir)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="outlive-bench-"))
        root = tmp / "corpus"
        build(root, args.mb)
        label = f"synthetic {args.mb:g} MB"
    files, size = _tree_size(root)
    mb = size / 1e6
    cpus = os.cpu_count() or 1
    outlive = [sys.executable, "-m", "scanner.cli", "scan", "--format", "json", "--exit-zero"]
    rows: list[tuple[str, float | None]] = []

    start = time.perf_counter()
    _read_all(root)
    rows.append(("floor: read every file", time.perf_counter() - start))
    cold = [*outlive, "--no-cache"]
    rows.append(("outlive --jobs 1", _time([*cold, "--jobs", "1", str(root)], 3600)))
    rows.append((f"outlive --jobs {cpus}", _time([*cold, "--jobs", str(cpus), str(root)], 3600)))
    # A cache of its own, so the warm row neither reuses nor fills the user's cache.
    with tempfile.TemporaryDirectory(prefix="outlive-bench-cache-") as cache_dir:
        warm = [*outlive, "--cache-dir", cache_dir, str(root)]
        _time(warm, 3600)  # fill the cache
        rows.append((f"outlive --jobs {cpus}, warm cache", _time(warm, 3600)))
    if not args.no_peers:
        ds = shutil.which("detect-secrets")
        if ds:
            # Run inside the tree: given a path outside the current git work tree,
            # detect-secrets scans next to nothing and finishes in no time.
            rows.append(("detect-secrets scan --all-files",
                         _time([ds, "scan", "--all-files", "."], args.peer_timeout, cwd=root)))
        for name, cmd in (
            ("gitleaks", ["gitleaks", "dir", "--no-banner", str(root)]),
            ("trufflehog", ["trufflehog", "filesystem", "--no-verification", str(root)]),
            ("bandit", ["bandit", "-q", "-r", str(root)]),
        ):
            if shutil.which(cmd[0]):
                rows.append((name, _time(cmd, args.peer_timeout)))

    base = dict(rows).get(f"outlive --jobs {cpus}")
    print(f"tree: {label}: {files} files, {mb:.1f} MB, {cpus} cores")
    print(f"{'tool':36} {'seconds':>9} {'files/s':>9} {'MB/s':>8} {'vs outlive':>10}")
    results = []
    for name, seconds in rows:
        if seconds is None:
            print(f"{name:36} {'timeout or failed':>9}")
            results.append({"tool": name, "seconds": None})
            continue
        ratio = f"{seconds / base:.2f}x" if base else "-"
        print(f"{name:36} {seconds:9.2f} {files / seconds:9.0f} {mb / seconds:8.1f} {ratio:>10}")
        results.append({"tool": name, "seconds": round(seconds, 3),
                        "files_per_s": round(files / seconds), "mb_per_s": round(mb / seconds, 2)})
    (HERE / "results.json").write_text(
        json.dumps({"tree": label, "files": files, "bytes": size, "cores": cpus,
                    "results": results}, indent=2) + "\n", encoding="utf-8")
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
