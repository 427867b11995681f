"""What the IaC, Kubernetes and container rules cost on a real tree, as ``ci_rules.py`` does
for CI: ``python bench/iac_rules.py DIR`` times an in-process ``--jobs 1`` scan with every rule
and without the IAC, K8S and DCK families, and counts the files that got an IaC document built
(the prefilter lets an HCL or YAML file reach its parser only for a trigger of a selected rule).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from ci_rules import _timed  # noqa: E402

from scanner.discovery import discover  # noqa: E402
from scanner.filekinds import classify  # noqa: E402

FAMILIES = ("LLC-IAC", "LLC-K8S", "LLC-DCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = args.dir.resolve()
    files = discover([root], root, ()).files
    kinds = Counter(classify(f.rel).value for f in files)
    size = sum((root / f.rel).stat().st_size for f in files)
    with_rules, found, built = _timed(root, (), args.repeat, "iac")
    without, found_without, _ = _timed(root, FAMILIES, args.repeat, "iac")
    top = ", ".join(f"{k} {n}" for k, n in kinds.most_common(6))
    print(f"tree: {len(files)} files, {size / 1e6:.1f} MB; by kind (path only): {top}")
    print(f"IaC documents built: {dict(built)} = {sum(built.values())}")
    print(f"all rules:             {with_rules:7.3f} s  ({found} findings)")
    print(f"without IAC/K8S/DCK:   {without:7.3f} s  ({found_without} findings)")
    print(f"IAC/K8S/DCK rules cost: {with_rules - without:7.3f} s "
          f"({(with_rules - without) / max(without, 1e-9):+.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
