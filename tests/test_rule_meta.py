"""Rule metadata, documentation and imports are checked, as ruff checks its rule docs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scanner.docs import missing_sections
from scanner.registry import all_rules

RULES = all_rules()
RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def test_rules_are_found() -> None:
    ids = [r.META.id for r in RULES]
    assert {"LLC-SRC-001", "LLC-SRC-007", "LLC-PY-001", "LLC-GHA-001", "LLC-IAC-001"} <= set(ids)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
def test_meta(rule) -> None:
    assert rule.META.problems() == []
    assert len(rule.VALID) >= 3, "at least three look-alikes that must stay quiet"
    assert len(rule.INVALID) >= 3, "at least three cases that must fire"
    assert missing_sections(rule) == []
    assert rule.__doc__.strip().startswith("## What it does")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
def test_rule_file_layout(rule) -> None:
    """One rule per file, named after the id and the kebab name."""
    module = rule.__module__.rsplit(".", 1)[-1]
    family, number = rule.META.id.split("-")[1:]
    assert module == f"{family.lower()}{number}_{rule.META.name.replace('-', '_')}"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(RULES_DIR.rglob("*.py")), ids=lambda p: p.name)
def test_rules_import_only_the_api(path: Path) -> None:
    for name in _imports(path):
        if name == "scanner" or name.startswith("scanner."):
            # The rule API is `scanner.api` and its subpackages (`scanner.api.ci`: what the CI
            # rules share); everything else in scanner/ is internal.
            assert name == "scanner.api" or name.startswith("scanner.api."), (
                f"{path.name} imports {name}; rules use scanner.api"
            )


def test_a_rule_importing_internals_would_fail(tmp_path: Path) -> None:
    """Negative control for the check above."""
    bad = tmp_path / "bad.py"
    bad.write_text("from scanner.engine import Engine\n")
    assert "scanner.engine" in _imports(bad)
