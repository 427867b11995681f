"""What the CI rules cost on a tree of real pipelines, and how many files they make outlive parse.

Not a test: timings vary by machine. ``python bench/ci_rules.py DIR`` scans DIR (say, the CI
files of a few dozen public repositories copied into one tree) in process, at ``--jobs 1``, with
every rule and again without the CI families, and prints the median wall time of each, the
difference, and how many files of a command kind (``COMMAND_KINDS``) got a CI document built:
the prefilter lets a CI file reach the YAML composer, the Groovy parser or the shell parser only
when it contains a trigger of a selected CI rule.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from scanner import documents  # noqa: E402
from scanner.config import load_config  # noqa: E402
from scanner.discovery import discover  # noqa: E402
from scanner.filekinds import COMMAND_KINDS, classify  # noqa: E402
from scanner.pipeline import scan  # noqa: E402
from scanner.registry import select_rules  # noqa: E402

CI_FAMILIES = ("LLC-CI", "LLC-GHA", "LLC-GLC", "LLC-CCI", "LLC-AZP", "LLC-BBP", "LLC-JNK")


def _timed(
    root: Path, ignore: tuple[str, ...], repeat: int, document: str = "ci"
) -> tuple[float, int, Counter[str]]:
    """Median wall time of an in-process scan without the ``ignore`` families, its number of
    findings, and how many files of each kind got ``document`` built."""
    config = load_config(None, root)
    rules = select_rules(ignore=ignore)
    built: Counter[str] = Counter()
    original = documents.BUILDERS[document]

    def counting(docs: documents.Documents) -> documents.Built | None:
        result = original(docs)
        if result is not None:
            built[docs.source.kind.value] += 1
        return result

    times = []
    findings = 0
    for _ in range(repeat):
        built.clear()
        documents.BUILDERS[document] = counting
        try:
            start = time.perf_counter()
            result = scan([root], config, rules, jobs=1, cache=False)
            times.append(time.perf_counter() - start)
        finally:
            documents.BUILDERS[document] = original
        findings = len(result.findings)
    return statistics.median(times), findings, Counter(built)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = args.dir.resolve()
    files = discover([root], root, ()).files
    kinds = Counter(classify(f.rel).value for f in files if classify(f.rel) in COMMAND_KINDS)
    with_ci, found_ci, built = _timed(root, (), args.repeat)
    without, found_without, _ = _timed(root, CI_FAMILIES, args.repeat)
    size = sum((root / f.rel).stat().st_size for f in files)
    print(f"tree: {len(files)} files, {size / 1e6:.1f} MB; command-kind files: {dict(kinds)}")
    print(f"CI documents built (files with a CI trigger): {dict(built)} = {sum(built.values())}"
          f" of {sum(kinds.values())}")
    print(f"all rules:        {with_ci:7.3f} s  ({found_ci} findings)")
    print(f"without CI rules: {without:7.3f} s  ({found_without} findings)")
    print(f"CI rules cost:    {with_ci - without:7.3f} s "
          f"({(with_ci - without) / max(without, 1e-9):+.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
