"""Benchmark outlive against the floor (reading every file) and its peers, side by side.

Not a test: timings vary by machine. Every tool runs on the same tree in the same run,
interleaved (run 1 of every tool, then run 2, ...), so load that comes and goes hits them
alike; each row gives the median and spread (max - min) of ``--runs`` runs, the peak RSS of
the largest process of the run (``os.wait4``), files/s and MB/s at the median. Nothing is
installed: peers are found on PATH or in the ``bin/`` of a ``--venv`` (``pip install
kingfisher-bin detect-secrets`` into one).

    python bench/run.py --peers --tree PATH [--tree PATH ...]   # real trees
    python bench/run.py --peers --mb 20                          # a synthetic tree
    python bench/run.py --scaling                                # 10, 50, 100 MB synthetic

Prints a table per tree and writes ``bench/results.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import build  # noqa: E402

OUTLIVE = [sys.executable, "-m", "scanner.cli", "scan", "--format", "json", "--exit-zero"]


@dataclass(frozen=True)
class Peer:
    """How to run one peer on a tree, and which exit codes mean "ran" (findings or not)."""

    name: str
    exe: str
    args: Callable[[str, Path], list[str]]
    ok: frozenset[int]
    in_tree: bool = False  # run with the tree as the working directory


PEERS = (
    Peer(
        "kingfisher",
        "kingfisher",
        # The working tree only, as outlive scans it: in a git repository Kingfisher scans the
        # whole history by default.
        lambda exe, root: [exe, "scan", str(root), "--no-validate", "--no-update-check",
                           "--git-history", "none"],
        frozenset({0, 200, 205}),
    ),
    Peer(
        "gitleaks",
        "gitleaks",
        lambda exe, root: [exe, "dir", "--no-banner", str(root)],
        frozenset({0, 1}),
    ),
    Peer(
        "betterleaks",
        "betterleaks",
        lambda exe, root: [exe, "dir", "--no-banner", str(root)],
        frozenset({0, 1}),
    ),
    Peer(
        "trufflehog",
        "trufflehog",
        lambda exe, root: [exe, "filesystem", "--no-verification", "--no-update", str(root)],
        frozenset({0, 183}),
    ),
    # Inside the tree: given a path outside the current git work tree, detect-secrets scans
    # next to nothing and finishes in no time.
    Peer(
        "detect-secrets",
        "detect-secrets",
        lambda exe, root: [exe, "scan", "--all-files", "."],
        frozenset({0, 1}),
        in_tree=True,
    ),
)


@dataclass
class Tool:
    """One row: a command, timed ``runs`` times."""

    name: str
    cmd: list[str]
    ok: frozenset[int] = frozenset({0, 1})
    cwd: Path | None = None
    setup: Callable[[], None] | None = None  # before every run (a warm row fills its cache)
    seconds: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    failed: str = ""


def find_peer(peer: Peer, venvs: list[Path]) -> str | None:
    for venv in venvs:
        candidate = venv / "bin" / peer.exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(peer.exe)


def run_once(cmd: list[str], cwd: Path | None, timeout: float) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS (KB) of the largest process of the run (``wait4`` reports the
    child's and its waited-for descendants'), the exit code and the tail of stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise TimeoutError(f"over {timeout:.0f}s")
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace")[-300:]
    return seconds, usage.ru_maxrss, proc.returncode, tail


def tree_size(root: Path) -> tuple[int, int]:
    files = size = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files += 1
            size += path.stat().st_size
    return files, size


def read_all(root: Path) -> float:
    start = time.perf_counter()
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.read_bytes()
    return time.perf_counter() - start


def tools_for(root: Path, args: argparse.Namespace, cache: Path) -> list[Tool]:
    jobs = str(args.jobs)
    tools = [Tool(f"outlive --jobs {jobs}", [*OUTLIVE, "--no-cache", "--jobs", jobs, str(root)])]
    if args.jobs1:
        tools.append(Tool("outlive --jobs 1", [*OUTLIVE, "--no-cache", "--jobs", "1", str(root)]))
    if args.warm:
        warm = [*OUTLIVE, "--jobs", jobs, "--cache-dir", str(cache), str(root)]
        filled: list[bool] = []

        def fill() -> None:  # once: the warm row measures an unchanged tree's second scan
            if not filled:
                subprocess.run(
                    warm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
                )
                filled.append(True)

        tools.append(Tool(f"outlive --jobs {jobs}, warm cache", warm, setup=fill))
    if args.peers:
        for peer in PEERS:
            if args.only and peer.name not in args.only:
                continue
            exe = find_peer(peer, args.venv)
            if exe is None:
                print(f"  {peer.name}: not on PATH or in --venv; not timed", file=sys.stderr)
                continue
            tools.append(
                Tool(peer.name, peer.args(exe, root), peer.ok, cwd=root if peer.in_tree else None)
            )
    return tools


def bench_tree(root: Path, label: str, args: argparse.Namespace) -> dict[str, object]:
    files, size = tree_size(root)
    mb = size / 1e6
    floor: list[float] = []
    with tempfile.TemporaryDirectory(prefix="outlive-bench-cache-") as cache_dir:
        tools = tools_for(root, args, Path(cache_dir))
        for _ in range(args.runs):
            floor.append(read_all(root))
            for tool in tools:
                if tool.failed:
                    continue
                if tool.setup is not None:
                    tool.setup()
                try:
                    seconds, rss, code, tail = run_once(tool.cmd, tool.cwd, args.timeout)
                except TimeoutError as exc:
                    tool.failed = str(exc)
                    continue
                if code not in tool.ok:
                    tool.failed = f"exit code {code}: {tail.strip()[-200:]}"
                    print(f"  {tool.name} failed: {tool.failed}", file=sys.stderr)
                    continue
                tool.seconds.append(seconds)
                tool.rss_kb.append(rss)
    rows: list[dict[str, object]] = [_row("floor: read every file", floor, [], files, mb)]
    rows += [
        _row(t.name, t.seconds, t.rss_kb, files, mb, t.failed, " ".join(t.cmd[:1] + t.cmd[-4:]))
        for t in tools
    ]
    by_name = {str(r["tool"]): r for r in rows}
    base = by_name.get(f"outlive --jobs {args.jobs}", {}).get("median")
    king = by_name.get("kingfisher", {}).get("median")
    for row in rows:
        median = row.get("median")
        if isinstance(median, float) and isinstance(base, float):
            row["vs_outlive"] = round(median / base, 2)
        if isinstance(median, float) and isinstance(king, float):
            row["vs_kingfisher"] = round(median / king, 2)
    result = {"tree": label, "files": files, "bytes": size, "rows": rows}
    _print(result, args.runs)
    return result


def _row(
    name: str,
    seconds: list[float],
    rss_kb: list[int],
    files: int,
    mb: float,
    failed: str = "",
    command: str = "",
) -> dict[str, object]:
    row: dict[str, object] = {"tool": name}
    if command:
        row["command"] = command
    if not seconds:
        row["failed"] = failed or "no run"
        return row
    median = statistics.median(seconds)
    row.update(
        median=round(median, 3),
        spread=round(max(seconds) - min(seconds), 3),
        runs=[round(s, 3) for s in seconds],
        files_per_s=round(files / median),
        mb_per_s=round(mb / median, 2),
    )
    if rss_kb:
        row["peak_rss_mb"] = round(max(rss_kb) / 1024, 1)
    if failed:
        row["failed_later"] = failed
    return row


def _print(result: dict[str, object], runs: int) -> None:
    mb = int(result["bytes"]) / 1e6  # type: ignore[call-overload]
    print(f"\ntree: {result['tree']}: {result['files']} files, {mb:.1f} MB; median of {runs}")
    print(
        f"{'tool':34} {'median s':>9} {'spread':>7} {'files/s':>8} {'MB/s':>7} "
        f"{'RSS MB':>7} {'/outlive':>8} {'/kingf.':>8}"
    )
    for row in result["rows"]:  # type: ignore[attr-defined]
        if "median" not in row:
            print(f"{row['tool']:34} {row['failed']}")
            continue
        rss = row.get("peak_rss_mb", "")
        print(
            f"{row['tool']:34} {row['median']:9.2f} {row['spread']:7.2f} "
            f"{row['files_per_s']:8} {row['mb_per_s']:7.1f} {rss!s:>7} "
            f"{row.get('vs_outlive', '-')!s:>8} {row.get('vs_kingfisher', '-')!s:>8}"
        )


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tree",
        "--dir",
        type=Path,
        action="append",
        default=[],
        help="a real tree to scan (repeatable)",
    )
    parser.add_argument("--mb", type=float, help="a synthetic tree of this size")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="synthetic 10, 50 and 100 MB trees: growth and peak RSS",
    )
    parser.add_argument("--peers", action="store_true", help="time every peer found")
    parser.add_argument("--only", action="append", default=[], help="only these peers")
    parser.add_argument(
        "--venv",
        type=Path,
        action="append",
        default=[],
        help="also look for peers in this venv's bin/",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--jobs1", action="store_true", help="add an outlive --jobs 1 row")
    parser.add_argument("--no-warm", dest="warm", action="store_false")
    parser.add_argument("--timeout", type=float, default=1800.0, help="per run, seconds")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    if not args.tree and args.mb is None and not args.scaling:
        args.mb = 20.0

    results: dict[str, object] = {"machine": machine(), "runs": args.runs, "jobs": args.jobs}
    trees = []
    for tree in args.tree:
        trees.append(bench_tree(tree.resolve(), str(tree), args))
    with tempfile.TemporaryDirectory(prefix="outlive-bench-") as tmp:
        if args.mb is not None:
            root = Path(tmp) / "corpus"
            build(root, args.mb)
            trees.append(bench_tree(root, f"synthetic {args.mb:g} MB", args))
            shutil.rmtree(root)
        if args.scaling:
            results["scaling"] = scaling(Path(tmp), args)
    results["trees"] = trees
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def scaling(tmp: Path, args: argparse.Namespace) -> list[dict[str, object]]:
    """Cold outlive (and peers with ``--peers``) on 10, 50 and 100 MB synthetic trees."""
    saved = args.warm
    args.warm = False
    out = []
    for size in (10, 50, 100):
        root = tmp / f"scale-{size}"
        build(root, size)
        result = bench_tree(root, f"synthetic {size} MB", args)
        out.append(result)
        shutil.rmtree(root)
    args.warm = saved
    name = f"outlive --jobs {args.jobs}"
    times = {
        r["tree"]: next((x.get("median") for x in r["rows"] if x["tool"] == name), None)  # type: ignore[attr-defined]
        for r in out
    }
    t50, t100 = times.get("synthetic 50 MB"), times.get("synthetic 100 MB")
    if isinstance(t50, float) and isinstance(t100, float):
        print(f"\nscaling: 100 MB / 50 MB = {t100 / t50:.2f}x (linear: 2.0x)")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
