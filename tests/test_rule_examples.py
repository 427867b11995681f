"""Every rule's VALID and INVALID examples run as tests, on exactly the marked lines."""

from __future__ import annotations

import pytest

from scanner.api import Invalid, Valid
from scanner.registry import all_rules
from scanner.testing import run_example

CASES = [
    pytest.param(rule, example, id=f"{rule.META.id}-{kind}-{i}")
    for rule in all_rules()
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for i, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_example(rule, example: Valid | Invalid) -> None:
    run = run_example(rule, example)
    if isinstance(example, Invalid):
        assert run.expected, "an INVALID example must mark at least one line with expect:"
        assert run.lines == tuple(sorted(run.expected)), [
            (f.location.line, f.message) for f in run.findings
        ]
    else:
        assert run.findings == (), [(f.location.line, f.message) for f in run.findings]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.META.id)
def test_findings_redact_the_value(rule) -> None:
    """No invalid example's finding shows a whole matched secret in its snippet or message."""
    for example in rule.INVALID:
        run = run_example(rule, example)
        for finding in run.findings:
            for token in _long_tokens(example.code):
                assert token not in finding.snippet
                assert token not in finding.message


def _long_tokens(code: str) -> set[str]:
    import re

    return {
        t
        for t in re.findall(r"[A-Za-z0-9+/=_-]{20,}", code)
        if any(c.isdigit() for c in t) and any(c.isupper() for c in t) and "LLC-" not in t
    }
