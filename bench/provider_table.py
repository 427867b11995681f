"""What the provider table costs: ``python bench/provider_table.py DIR`` times an in-process
``--jobs 1`` scan of DIR with the secret rules (the LLC-SRC text rules) and with every rule, and
prints how many rows and prefilter triggers the table gives.

To compare with the code before the table, run the same script against a checkout of the old
commit (``git worktree add /tmp/base HEAD``, then ``PYTHONPATH=/tmp/base python
bench/provider_table.py DIR``): the script imports only what both versions have. Issue 14 asks
the larger table to stay within 10% of the old cost on a tree without secrets (for instance a
virtualenv's ``site-packages``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.append(str(HERE.parent))  # after PYTHONPATH, so a base checkout there wins

import scanner  # noqa: E402
from scanner.config import load_config  # noqa: E402
from scanner.discovery import discover  # noqa: E402
from scanner.pipeline import scan  # noqa: E402
from scanner.registry import select_rules  # noqa: E402


def _timed(root: Path, select: tuple[str, ...], repeat: int) -> tuple[float, int, int]:
    """Median wall time, findings and rule count of an in-process scan of ``select``."""
    config = load_config(None, root)
    rules = select_rules(select=select)
    times = []
    findings = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = scan([root], config, rules, jobs=1, cache=False)
        times.append(time.perf_counter() - start)
        findings = len(result.findings)
    return statistics.median(times), findings, len(rules)


def _engine_only(root: Path, select: tuple[str, ...], repeat: int) -> tuple[float, int]:
    """Fastest of ``repeat`` passes of the engine alone over the tree's files, read into
    memory first: no discovery, no I/O, so a loaded machine disturbs it less (min, not
    median, for the same reason)."""
    from scanner.config import Config
    from scanner.engine import Engine

    files = []
    for f in discover([root], root, ()).files:
        data = (root / f.rel).read_bytes()
        if len(data) <= 2 * 1024 * 1024 and b"\0" not in data[:8192]:  # what a scan skips
            files.append((f.rel, data))
    engine = Engine(list(select_rules(select=select)), Config())
    best = float("inf")
    findings = 0
    for _ in range(repeat):
        start = time.perf_counter()
        findings = sum(len(engine.scan_bytes(rel, data).findings) for rel, data in files)
        best = min(best, time.perf_counter() - start)
    return best, findings


def _table() -> str:
    try:
        from scanner.secrets import catalogue
    except ImportError:  # pragma: no cover - a checkout older than the catalogue
        return "no catalogue"
    rows = catalogue.FORMATS
    triggers = {a for row in rows for a in row.anchors}
    return f"{len(rows)} rows, {len(triggers)} distinct anchors"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engine-only", action="store_true",
                        help="time only the engine pass over files held in memory")
    args = parser.parse_args()
    root = args.dir.resolve()
    files = discover([root], root, ()).files
    size = sum((root / f.rel).stat().st_size for f in files)
    print(f"code: {Path(scanner.__file__).parent.parent}; table: {_table()}")
    print(f"tree: {len(files)} files, {size / 1e6:.1f} MB")
    engine, engine_found = _engine_only(root, ("LLC-SRC",), args.repeat)
    print(f"LLC-SRC rules, engine only (fastest of {args.repeat}): {engine:7.3f} s "
          f"({engine_found} findings)")
    if args.engine_only:
        return 0
    src, src_found, src_rules = _timed(root, ("LLC-SRC",), args.repeat)
    every, all_found, all_rules = _timed(root, (), args.repeat)
    print(f"LLC-SRC rules ({src_rules}): {src:7.3f} s  ({src_found} findings)")
    print(f"all rules ({all_rules}):     {every:7.3f} s  ({all_found} findings)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
