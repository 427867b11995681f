"""Run a rule on an example and compare findings with its ``expect:`` markers.

Examples run through the real engine (classification, prefilter, parse, suppressions), so an
example that fires only because a trigger was forgotten cannot pass. The expected lines are
written next to the code (``# expect: LLC-PY-001``), so a finding on the wrong line fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.api.rule import Invalid, Rule, Valid
from scanner.config import Config
from scanner.engine import Engine
from scanner.filekinds import SPECS, FileKind
from scanner.findings import Finding, Severity

_EXPECT = re.compile(r"expect:\s*(LLC-[A-Z0-9]+-\d{3}(?:\s*,\s*LLC-[A-Z0-9]+-\d{3})*)")

#: Where an example without a ``path`` pretends to live, by the rule's first kind (in the
#: order of ``FileKind``): each kind's ``example`` in the kind table.
DEFAULT_PATHS: dict[FileKind, str] = {kind: SPECS[kind].example for kind in FileKind}
_KIND_PREFERENCE = list(DEFAULT_PATHS)


@dataclass(frozen=True, slots=True)
class ExampleRun:
    findings: tuple[Finding, ...]
    expected: tuple[int, ...]

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({f.location.line for f in self.findings}))


def default_path(rule: type[Rule]) -> str:
    kinds = rule.META.kinds
    if len(kinds) > 10:  # rules for every text file
        return DEFAULT_PATHS[FileKind.TEXT]
    first = min(kinds, key=_KIND_PREFERENCE.index)
    return DEFAULT_PATHS[first]


def expected_lines(code: str, rule_id: str) -> tuple[int, ...]:
    lines = []
    for number, line in enumerate(code.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match and rule_id in {p.strip() for p in match.group(1).split(",")}:
            lines.append(number)
    return tuple(lines)


def run_rule(
    rule: type[Rule], code: str, path: str | None = None, config: Config | None = None
) -> tuple[Finding, ...]:
    """Findings of ``rule`` alone on ``code`` (info-level and suppressed ones left out)."""
    engine = Engine([rule], config or Config())
    result = engine.scan_bytes(path or default_path(rule), code.encode("utf-8"))
    failures = [e for e in result.errors if e.kind == "rule"]
    if failures:
        raise AssertionError(failures[0].message)
    return tuple(
        f
        for f in result.findings
        if f.rule_id == rule.META.id and f.suppression is None and f.severity is not Severity.INFO
    )


def run_example(rule: type[Rule], example: Valid | Invalid) -> ExampleRun:
    findings = run_rule(rule, example.code, example.path)
    if isinstance(example, Invalid):
        expected = example.lines or expected_lines(example.code, rule.META.id)
    else:
        expected = ()
    return ExampleRun(findings, tuple(expected))
