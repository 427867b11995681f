"""Measure the HCL parsers outlive could use: speed, positions, tolerance of syntax errors.

``python bench/hcl_parsers.py [DIR]`` parses every ``.tf`` file under DIR (default: a synthetic
corpus of realistic modules) with tree-sitter-hcl and, if installed, python-hcl2, and prints
MB/s, how many files each could not parse, and whether the output carries positions.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import tree_sitter
import tree_sitter_hcl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import build  # noqa: E402


def main() -> int:
    if len(sys.argv) > 1:
        root = Path(sys.argv[1])
    else:
        root = Path(tempfile.mkdtemp(prefix="outlive-hcl-")) / "corpus"
        build(root, 30)
    files = sorted(root.rglob("*.tf"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    broken = [t[: len(t) // 2] for t in texts[:200]]  # truncated mid-block: a syntax error
    size = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{len(files)} .tf files, {size:.2f} MB")

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    start = time.perf_counter()
    for text in texts:
        parser.parse(text.encode())
    elapsed = time.perf_counter() - start
    kept = sum(1 for t in broken if parser.parse(t.encode()).root_node.child_count)
    print(f"tree-sitter-hcl: {size / elapsed:8.2f} MB/s; positions: yes (every node); "
          f"truncated files still giving a tree: {kept}/{len(broken)}")

    try:
        import hcl2
    except ImportError:
        print("python-hcl2: not installed (pip install python-hcl2 to compare)")
        return 0
    start = time.perf_counter()
    failed = 0
    for text in texts:
        try:
            hcl2.loads(text)
        except Exception:  # counting failures is the point
            failed += 1
    elapsed = time.perf_counter() - start
    kept = 0
    for text in broken:
        try:
            hcl2.loads(text)
            kept += 1
        except Exception:  # noqa: S110 - a truncated file that fails is the expected case
            pass
    print(f"python-hcl2:     {size / elapsed:8.2f} MB/s; positions: no (plain dicts); "
          f"failed on valid files: {failed}; truncated files still parsed: {kept}/{len(broken)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
