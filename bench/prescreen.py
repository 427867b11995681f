"""How many Python files reach LibCST with the ``ast`` sink screen on and off, on real trees.

``python bench/prescreen.py DIR [DIR ...]`` scans every ``.py`` file of each tree with all
rules, once per mode (interleaved per file, in this process), counts the files LibCST parsed
and the time spent, and checks that findings and errors are identical. Not a test.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import scanner.documents.python as python_package
from scanner.config import Config
from scanner.engine import Engine
from scanner.registry import all_rules


def main(argv: list[str]) -> int:
    real = python_package.PythonDocument
    parsed: list[str] = []

    def counting(path: str, text: str, now: float | None = None) -> object:
        parsed.append(path)
        return real(path, text, now)

    python_package.PythonDocument = counting  # type: ignore[assignment, misc]
    engines = {}
    for mode in (False, True):
        engine = Engine(all_rules(), Config(), today=dt.date(2026, 1, 1))
        engine.ast_prescreen = mode
        engines[mode] = engine
    status = 0
    for arg in argv:
        root = Path(arg)
        files = sorted(p for p in root.rglob("*.py") if p.is_file() and not p.is_symlink())
        reached = {False: 0, True: 0}
        seconds = {False: 0.0, True: 0.0}
        differ: list[str] = []
        for index, path in enumerate(files):
            rel = path.relative_to(root).as_posix()
            data = path.read_bytes()
            results = {}
            for mode in (False, True) if index % 2 == 0 else (True, False):
                parsed.clear()
                start = time.perf_counter()
                results[mode] = engines[mode].scan_bytes(rel, data)
                seconds[mode] += time.perf_counter() - start
                reached[mode] += bool(parsed)
            if results[False] != results[True]:
                differ.append(rel)
        n = len(files) or 1
        print(
            f"{root.name}: {len(files)} .py; LibCST parsed {reached[False]} "
            f"({100 * reached[False] / n:.1f}%) -> {reached[True]} "
            f"({100 * reached[True] / n:.1f}%);"
            f" Python files' scan time {seconds[False]:.2f}s -> {seconds[True]:.2f}s; "
            f"differences: {len(differ)}"
        )
        for rel in differ[:20]:
            print(f"  differs: {rel}")
        status |= bool(differ)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
