"""Scaling check for the shapes that were quadratic (issue 8): time at 1x, 4x and 16x input.

``python bench/scaling.py`` prints each shape's times and the ratios to 1x; linear work shows
about 4x and 16x, a quadratic path about 16x and 256x.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from scanner.api import BASE32_UPPER, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.registry import all_rules


def _key(i: int) -> str:
    return fake_token("AKIA", 16, BASE32_UPPER, seed=i)


SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "suppression line, whitespace run": (
        "notes.txt",
        lambda n: '# outlive: ignore[LLC-SRC-001] reason="r"' + " " * (4096 * n) + "x\n",
    ),
    "keys in one file": (
        "keys.env",
        lambda n: "".join(f"id_{i} = {_key(i)}  # {'AKIA-' * 40}\n" for i in range(500 * n)),
    ),
    ".tf, whitespace run": (
        "main.tf",
        lambda n: 'resource "aws_iam_access_key" "k" {\n  user =' + " " * (4096 * n) + '"u"\n}\n',
    ),
    ".py, nested brackets": (
        "deep.py",
        lambda n: "import jwt\n" + ("x = " + "[" * 90 + "]" * 90 + "\n") * (5 * n),
    ),
    ".py, long chain": ("chain.py", lambda n: "import jwt\nx = a" + ".b" * (200 * n) + "\n"),
}


def main() -> int:
    engine = Engine(all_rules(), Config(root=Path.cwd()), today=dt.date(2026, 1, 1))
    for name, (rel, build) in SHAPES.items():
        times = []
        for factor in (1, 4, 16):
            data = build(factor).encode()
            start = time.perf_counter()
            engine.scan_bytes(rel, data)
            times.append(time.perf_counter() - start)
        ratios = " ".join(f"{t / max(times[0], 1e-9):6.1f}x" for t in times[1:])
        print(f"{name:34} 1x {times[0]:7.3f}s  4x/16x: {ratios}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
