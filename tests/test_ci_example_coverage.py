"""Every CI rule proves itself in every CI system it runs on: three VALID and three INVALID
examples per file kind of ``META.kinds`` (issue 11's bar), so a loader no example reaches cannot
hide behind another system's examples."""

from __future__ import annotations

from collections import Counter

import pytest

from scanner.api import CiRule
from scanner.filekinds import classify
from scanner.registry import all_rules
from scanner.testing import default_path

CI_RULES = [r for r in all_rules() if issubclass(r, CiRule)]


def test_there_are_ci_rules() -> None:
    assert len(CI_RULES) >= 21


@pytest.mark.parametrize("rule", CI_RULES, ids=lambda r: r.META.id)
def test_three_valid_and_three_invalid_examples_per_kind(rule: type[CiRule]) -> None:
    valid = Counter(classify(e.path or default_path(rule)) for e in rule.VALID)
    invalid = Counter(classify(e.path or default_path(rule)) for e in rule.INVALID)
    short = {
        kind.value: (valid[kind], invalid[kind])
        for kind in rule.META.kinds
        if valid[kind] < 3 or invalid[kind] < 3
    }
    assert short == {}, f"(valid, invalid) examples per kind below 3: {short}"


@pytest.mark.parametrize("rule", CI_RULES, ids=lambda r: r.META.id)
def test_examples_only_in_kinds_the_rule_runs_on(rule: type[CiRule]) -> None:
    """An example in a kind outside ``META.kinds`` never runs the rule: it cannot fail."""
    outside = {
        classify(e.path or default_path(rule)).value
        for e in (*rule.VALID, *rule.INVALID)
        if classify(e.path or default_path(rule)) not in rule.META.kinds
    }
    assert outside == set()
