"""Start-up cost of the CLI (issue 15): wall time of short runs against ``python -c pass``.

``python bench/start.py [--runs N] [--importtime]``

Builds, in a temporary directory, a tree of 20 ordinary small files of mixed kinds (Python,
YAML, Markdown, JSON, text, a shell script; no secret, no finding). Ordinary: no file is of a
kind some rule always parses (a Compose file, a workflow, a Dockerfile would bring in the YAML
parser and their rules, which is scan work, not start-up). Then it runs, interleaved (one of
each in turn, so a drift of the machine's speed hits all alike), N times each:

* ``python -c pass`` (the yardstick: the interpreter's own start-up);
* ``python -m scanner.cli --version``;
* ``python -m scanner.cli rules``;
* ``python -m scanner.cli scan --no-cache TREE``;
* ``python -m scanner.cli scan TREE`` with the cache warm (a private cache root, filled once
  before the timed runs).

Printed: each command's median wall time, its spread (min..max), the ratio of the median to
``python -c pass``'s, and the median of the per-round ratios ("paired", steadier on a busy
machine). Every command runs under this interpreter (``sys.executable``) from the temporary
directory, so no config of the checkout is picked up, with its bytecode cached there
(``PYTHONPYCACHEPREFIX``) by one untimed warm-up run of each command. The target of issue 15
is a scan of these 20 files at most 5x ``python -c pass``.

``--importtime`` also prints the 25 largest cumulative imports of one ``scan --no-cache TREE``
(``python -X importtime``), the place to look when the scan's ratio grows. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The tree: 20 small files a repository commonly holds, none with anything to report.
FILES: dict[str, str] = {
    "README.md": (
        "# inventory\n\nA small service that tracks stock levels.\n\n## Running\n\n"
        "```\nmake run\n```\n\nSee `docs/usage.md` for the options.\n"
    ),
    "CHANGELOG.md": "# Changelog\n\n## 1.2.0\n\n- Faster reports.\n- Fix rounding of totals.\n",
    "docs/usage.md": (
        "# Usage\n\n`inventory report --since 2024-01-01` prints the stock moves since a day.\n"
        "\n| option | meaning |\n|---|---|\n| `--since` | first day |\n| `--csv` | CSV out |\n"
    ),
    "docs/design.md": (
        "# Design\n\nMoves are appended to a log; the stock of an item is the sum of its moves.\n"
    ),
    "notes.txt": "Meeting notes: ship the release on Friday; Ana reviews the report layout.\n",
    "LICENSE.txt": "Permission is hereby granted, free of charge, to any person obtaining it.\n",
    "src/inventory/__init__.py": '"""Stock levels from moves."""\n\n__version__ = "1.2.0"\n',
    "src/inventory/models.py": (
        "from dataclasses import dataclass\n\n\n@dataclass(frozen=True)\nclass Move:\n"
        "    item: str\n    quantity: int\n\n\ndef stock(moves: list[Move], item: str) -> int:\n"
        "    return sum(m.quantity for m in moves if m.item == item)\n"
    ),
    "src/inventory/report.py": (
        "import csv\nimport sys\n\nfrom inventory.models import Move, stock\n\n\n"
        "def write(moves: list[Move]) -> None:\n    out = csv.writer(sys.stdout)\n"
        "    for item in sorted({m.item for m in moves}):\n"
        "        out.writerow([item, stock(moves, item)])\n"
    ),
    "src/inventory/cli.py": (
        "import argparse\n\n\ndef main() -> int:\n    parser = argparse.ArgumentParser()\n"
        '    parser.add_argument("--since")\n'
        '    parser.add_argument("--csv", action="store_true")\n'
        "    parser.parse_args()\n    return 0\n"
    ),
    "tests/test_models.py": (
        "from inventory.models import Move, stock\n\n\ndef test_stock() -> None:\n"
        '    moves = [Move("bolt", 3), Move("bolt", -1), Move("nut", 5)]\n'
        '    assert stock(moves, "bolt") == 2\n'
    ),
    "setup.py": 'from setuptools import setup\n\nsetup(name="inventory", version="1.2.0")\n',
    "config/settings.yaml": (
        "report:\n  currency: EUR\n  rounding: 2\nlogging:\n  level: info\n  format: plain\n"
    ),
    "config/locations.yml": "- name: north\n  shelves: 12\n- name: south\n  shelves: 8\n",
    "mkdocs.yml": (
        "site_name: Inventory\nnav:\n  - Home: index.md\n  - Usage: usage.md\n"
        "theme:\n  name: material\n"
    ),
    "package.json": (
        '{\n  "name": "inventory-ui",\n  "version": "1.2.0",\n  "private": true,\n'
        '  "scripts": {"build": "vite build", "test": "vitest"}\n}\n'
    ),
    "data/items.json": '[{"id": 1, "name": "bolt"}, {"id": 2, "name": "nut"}]\n',
    "tsconfig.json": '{\n  "compilerOptions": {"strict": true, "target": "ES2022"}\n}\n',
    "scripts/build.sh": (
        "#!/bin/sh\nset -eu\ncd \"$(dirname \"$0\")/..\"\npython -m pip wheel . -w dist\n"
        'echo "built $(ls dist | wc -l) wheels"\n'
    ),
    "requirements.txt": "click>=8.1\nrich>=13\n",
}

#: How many import lines ``--importtime`` prints.
TOP_IMPORTS = 25


def build_tree(root: Path) -> Path:
    """Write :data:`FILES` under ``root / "tree"`` and return that directory."""
    tree = root / "tree"
    for rel, text in FILES.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tree / "scripts" / "build.sh").chmod(0o755)
    return tree


def commands(tree: Path) -> dict[str, list[str]]:
    """Label -> argv of each timed command, the yardstick first."""
    cli = [sys.executable, "-m", "scanner.cli"]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "--version": [*cli, "--version"],
        "rules": [*cli, "rules"],
        "scan --no-cache": [*cli, "scan", "--no-cache", str(tree)],
        "scan (warm cache)": [*cli, "scan", str(tree)],
    }


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of one run; a run that fails (exit other than 0 or 1) stops the bench."""
    start = time.perf_counter()
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, check=False, stdin=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        reason = done.stderr.decode(errors="replace")
        raise SystemExit(f"{argv} exited {done.returncode}:\n{reason}")
    return seconds


def import_times(argv: list[str], cwd: Path, env: dict[str, str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of every import of one ``-X importtime`` run,
    largest first."""
    done = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )
    rows: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line.removeprefix("import time:").split("|", 2)
        rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, key=lambda row: -row[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", "-n", type=int, default=15, help="runs of each command")
    parser.add_argument(
        "--importtime", action="store_true",
        help=f"also print the {TOP_IMPORTS} largest cumulative imports of a scan",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="outlive-start-") as temp:
        root = Path(temp)
        tree = build_tree(root)
        # The checkout's own sources, whatever the current directory; a private cache root.
        # Bytecode is cached (as in an installed copy), under the temporary directory: with
        # PYTHONDONTWRITEBYTECODE set, every module edited since its .pyc would be compiled
        # again on every run, and the bench would time the compiler.
        checkout = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "OUTLIVE_CACHE_DIR": str(root / "cache"),
               "PYTHONPYCACHEPREFIX": str(root / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [checkout, env.get("PYTHONPATH")]))
        table = commands(tree)
        for argv_ in table.values():  # warm-up: the OS file cache, .pyc files, the scan cache
            _run(argv_, root, env)
        times: dict[str, list[float]] = {label: [] for label in table}
        for _ in range(args.runs):
            for label, argv_ in table.items():
                times[label].append(_run(argv_, root, env))
        yardstick = times["python -c pass"]
        base = statistics.median(yardstick)
        print(f"{sys.executable} ({sys.version.split()[0]}), {len(FILES)} files, "
              f"{args.runs} runs each, {os.cpu_count()} CPUs")
        for label, seconds in times.items():
            median = statistics.median(seconds)
            # Also the median of each round's own ratio: a round's runs follow each other, so
            # a drift of the machine's speed between rounds does not move it.
            paired = statistics.median(t / b for t, b in zip(seconds, yardstick, strict=True))
            print(
                f"{label:20} median {median * 1000:7.1f} ms  (min {min(seconds) * 1000:6.1f}, "
                f"max {max(seconds) * 1000:6.1f})  {median / base:5.2f}x  (paired {paired:5.2f}x)"
            )
        if args.importtime:
            print(f"\ntop {TOP_IMPORTS} cumulative imports of `scan --no-cache` (ms):")
            for micros, name in import_times(table["scan --no-cache"], root, env)[:TOP_IMPORTS]:
                print(f"{micros / 1000:8.1f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
