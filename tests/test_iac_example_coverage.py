"""Every IaC, Kubernetes and container rule proves itself in every file kind it reads, and in
each front end of a kind that has two (issue 12's bar): three VALID and three INVALID examples
per kind of ``META.kinds``, per Terraform syntax (``.tf`` HCL, ``.tf.json``) and per
CloudFormation syntax (YAML, JSON), so a loader no example reaches cannot hide behind another
front end's examples. Examples are classified as the harness runs them: by path and by the
head of their code (a ``.yaml`` is CloudFormation or Kubernetes by its content)."""

from __future__ import annotations

from collections import Counter

import pytest

from scanner.api.rule import Invalid, Rule, Valid
from scanner.engine import HEAD_BYTES
from scanner.filekinds import FileKind, classify
from scanner.registry import all_rules
from scanner.testing import default_path, expected_lines

PREFIXES = ("LLC-IAC-", "LLC-K8S-", "LLC-DCK-")
RULES = [r for r in all_rules() if r.META.id.startswith(PREFIXES)]

#: Rules whose Terraform side reads HCL blocks only (no ``.tf.json`` model): for them a
#: ``.tf.json`` example could never fire, so it counts as outside what the rule reads.
HCL_ONLY: dict[str, str] = {}


def _path(rule: type[Rule], example: Valid | Invalid) -> str:
    return example.path or default_path(rule)


def where(rule: type[Rule], example: Valid | Invalid) -> str:
    """The kind an example runs as, with its front end where the kind has two."""
    path = _path(rule, example)
    kind = classify(path, example.code.encode("utf-8")[:HEAD_BYTES])
    lowered = path.lower()
    if kind is FileKind.TERRAFORM:
        return "terraform/json" if lowered.endswith(".json") else "terraform/hcl"
    if kind is FileKind.CLOUDFORMATION:
        return "cloudformation/json" if lowered.endswith(".json") else "cloudformation/yaml"
    return str(kind.value)


def fronts(rule: type[Rule]) -> set[str]:
    """Every kind (and front end) the rule reads, by its ``META.kinds``."""
    out: set[str] = set()
    for kind in rule.META.kinds:
        if kind is FileKind.TERRAFORM:
            out.add("terraform/hcl")
            if rule.META.id not in HCL_ONLY:
                out.add("terraform/json")
        elif kind is FileKind.CLOUDFORMATION:
            out |= {"cloudformation/yaml", "cloudformation/json"}
        else:
            out.add(kind.value)
    return out


def test_there_are_iac_rules() -> None:
    assert len(RULES) >= 19
    assert set(HCL_ONLY) <= {r.META.id for r in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
def test_three_valid_and_three_invalid_examples_per_front_end(rule: type[Rule]) -> None:
    valid = Counter(where(rule, e) for e in rule.VALID)
    invalid = Counter(where(rule, e) for e in rule.INVALID)
    short = {
        front: (valid[front], invalid[front])
        for front in sorted(fronts(rule))
        if valid[front] < 3 or invalid[front] < 3
    }
    assert short == {}, f"(valid, invalid) examples per kind below 3: {short}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
def test_examples_only_in_kinds_the_rule_reads(rule: type[Rule]) -> None:
    """An example in a kind outside ``META.kinds`` never runs the rule: it cannot fail."""
    examples: list[Valid | Invalid] = [*rule.VALID, *rule.INVALID]
    outside = {where(rule, e) for e in examples} - fronts(rule)
    assert outside == set()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
def test_every_invalid_example_marks_its_lines(rule: type[Rule]) -> None:
    """An INVALID without ``expect:`` markers or ``lines=`` would pass on any finding."""
    unmarked = [
        _path(rule, e)
        for e in rule.INVALID
        if not (e.lines or expected_lines(e.code, rule.META.id))
    ]
    assert unmarked == []
