"""Findings per MB by rule on a real tree: a precision check, not a timing benchmark.

Scan a directory that should hold (almost) no live credentials, such as a virtualenv's
``site-packages`` or ``/usr/lib/python3``, with every rule, and print how many findings each
rule gives per MB scanned. Every finding there is a candidate false positive to examine::

    SITE="$(python -c 'import site; print(site.getsitepackages()[0])')"
    python bench/precision.py "$SITE" --show 50
    python bench/precision.py /usr/lib/python3 --select LLC-SRC-014 --show 0 --json out.json

Runs the scanner pipeline in-process (the same discovery, engine and merging as the CLI).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from scanner.config import Config
from scanner.pipeline import scan
from scanner.registry import select_rules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--select", action="append", default=[], help="rule id or family")
    parser.add_argument("--ignore", action="append", default=[], help="rule id or family")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes")
    parser.add_argument("--show", type=int, default=20,
                        help="print up to N findings per rule (0: none)")
    parser.add_argument("--info", action="store_true", help="count info findings too")
    parser.add_argument("--json", type=Path, help="write every finding to this file")
    args = parser.parse_args(argv)

    root = args.directory.resolve()
    if not root.is_dir():
        parser.error(f"{root} is not a directory")
    rules = select_rules(args.select, args.ignore)
    started = time.perf_counter()
    result = scan([root], Config(root=root), rules, jobs=args.jobs, show_info=args.info)
    elapsed = time.perf_counter() - started

    megabytes = result.stats.bytes_scanned / 1e6
    findings = result.active
    by_rule = Counter(f.rule_id for f in findings)
    print(f"{root}: {result.stats.files_scanned} files, {megabytes:.1f} MB scanned "
          f"({result.stats.files_skipped} skipped) in {elapsed:.1f} s with {len(rules)} rules")
    print(f"{'rule':<14}{'findings':>10}{'per MB':>10}  severities")
    for rule in rules:
        rule_id = rule.META.id
        count = by_rule.get(rule_id, 0)
        if not count:
            continue
        severities = Counter(f.severity.value for f in findings if f.rule_id == rule_id)
        per_mb = count / megabytes if megabytes else 0.0
        detail = ", ".join(f"{n} {s}" for s, n in severities.most_common())
        print(f"{rule_id:<14}{count:>10}{per_mb:>10.3f}  {detail}")
    total = len(findings)
    print(f"{'total':<14}{total:>10}{(total / megabytes if megabytes else 0.0):>10.3f}")

    if args.show:
        for rule in rules:
            shown = [f for f in findings if f.rule_id == rule.META.id][: args.show]
            for f in shown:
                loc = f.location
                print(f"\n{f.rule_id} {f.severity.value} {loc.path}:{loc.line}:{loc.column}"
                      f"\n  {f.message}\n  | {f.snippet[:150]}")
    if args.json:
        rows = [
            {
                "rule": f.rule_id,
                "severity": f.severity.value,
                "path": f.location.path,
                "line": f.location.line,
                "message": f.message,
                "snippet": f.snippet,
            }
            for f in findings
        ]
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    errors = [e for e in result.errors if e.level == "error"]
    for error in errors[:10]:
        print(f"error: {error.path}: {error.message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
