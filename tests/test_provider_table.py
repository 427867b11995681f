"""The provider table (scanner/secrets/providers.toml and its staging files): schema and rows.

Every row is checked for its keys and types, and run twice through its own rule: its sample
(in a .env line, a YAML value and a Python string) must be found, with the row's label in the
message and without the whole token in any snippet or message; its decoy must not be found.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.api import OWASP_IDS
from scanner.findings import Precision, Severity
from scanner.registry import all_rules
from scanner.secrets import catalogue, table
from scanner.secrets.formats import Format
from scanner.secrets.patterns import compile_pattern
from scanner.secrets.table import tomllib  # type: ignore[attr-defined]
from scanner.testing import run_rule

ROWS = table.rows()
RULES = {rule.META.id: rule for rule in all_rules()}
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.+)$")


def _raw_rows() -> list[object]:
    out: list[object] = []
    for path in table.table_files():
        with path.open("rb") as handle:
            rows = tomllib.load(handle)["format"]
        out.extend(pytest.param(path, raw, id=f"{path.name}:{raw.get('id')}") for raw in rows)
    return out


def test_table_is_read_lazily() -> None:
    """Importing the catalogue parses nothing; the first query does (and caches it)."""
    assert table.rows() is table.rows()
    assert len(ROWS) >= 90


@pytest.mark.parametrize(("path", "raw"), _raw_rows())
def test_required_keys_and_types(path: Path, raw: dict[str, object]) -> None:
    for key, kind in table.REQUIRED.items():
        assert isinstance(raw.get(key), kind), f"{path.name} {raw.get('id')}: {key}"
    known = set(table.REQUIRED) | set(table.OPTIONAL)
    assert set(raw) <= known, set(raw) - known


def test_ids_are_unique_kebab_case() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_row_fields(row: Format) -> None:
    assert row.anchors
    assert all(a == a.lower() and a for a in row.anchors)
    assert row.rule in RULES, row.rule
    assert row.family in table.FAMILIES
    assert row.owasp
    assert all(o in OWASP_IDS for o in row.owasp)
    assert row.validator in table.VALIDATORS
    assert row.charset == "" or row.charset in table.CHARSETS
    low, high = row.length
    assert 0 <= low <= high
    assert row.severity in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
    assert row.lifetime.value in ("static", "none", "unknown") or row.lifetime.value[0] == "P"
    assert row.source.startswith("https://"), row.source
    for text in (row.label, row.fix, row.why, row.sample, row.decoy):
        assert text
    if row.context:  # a keyword-anchored row makes its rule's precision medium at most
        assert RULES[row.rule].META.precision in (Precision.MEDIUM, Precision.LOW)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_pattern_compiles_in_re2_with_group_one(row: Format) -> None:
    compiled = compile_pattern(row.pattern)
    assert type(compiled).__module__ != "re", "RE2 rejected the pattern (it fell back to re)"
    assert re.compile(row.pattern).groups >= 1, "group 1 (the random part) is missing"


def _token(row: Format, text: str) -> str:
    match = compile_pattern(row.pattern).search(text)
    assert match is not None, f"the sample does not match the row's pattern: {text!r}"
    return text[match.start(1) : match.end()] if row.context else match.group()


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_sample_match_holds_an_anchor_and_fits_the_row(row: Format) -> None:
    sample = table.expand(row.sample, row.id)
    match = compile_pattern(row.pattern).search(sample)
    assert match is not None, sample
    whole = match.group().lower()
    assert any(anchor in whole for anchor in row.anchors), (row.anchors, whole)
    assert table.accepts(row, match.group(1)), match.group(1)


def _contexts(line: str) -> list[tuple[str, str]]:
    """The sample as a .env line, a YAML value and a Python string."""
    found = _ASSIGNMENT.match(line)
    key, value = (found.group(1), found.group(2)) if found else ("value", line)
    env = line if found else f"VALUE={line}"
    return [
        (".env", f"{env}\n"),
        ("config/settings.yaml", f'settings:\n  {key.lower()}: "{value}"\n'),
        ("app/settings.py", f'{key.upper()} = "{value}"\n'),
    ]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_sample_is_found_by_its_rule(row: Format) -> None:
    rule = RULES[row.rule]
    line = table.expand(row.sample, row.id)
    token = _token(row, line)
    for path, code in _contexts(line):
        findings = run_rule(rule, code, path)
        ours = [f for f in findings if row.label in f.message]
        assert ours, (path, code, [f.message for f in findings])
        for finding in findings:
            assert token not in finding.snippet, (path, finding.snippet)
            assert token not in finding.message


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_decoy_is_not_found(row: Format) -> None:
    rule = RULES[row.rule]
    line = table.expand(row.decoy, row.id)
    for path, code in _contexts(line):
        assert run_rule(rule, code, path) == (), (path, code)


def test_triggers_come_from_the_rows() -> None:
    for rule_id in {row.rule for row in ROWS}:
        triggers = set(RULES[rule_id].META.triggers)
        for row in ROWS:
            if row.rule == rule_id:
                assert set(row.anchors) <= triggers, (rule_id, row.id)


def test_expand_templates() -> None:
    assert table.expand("a{x:3}b") == "axxxb"
    assert re.fullmatch(r"[0-9a-f]{8}", table.expand("{hex:8}", "s"))
    crc = table.expand("{crc32:30}", "s")
    assert len(crc) == 36
    assert table.accepts(catalogue.get("npm"), crc)
    assert table.expand("{hex:8}", "one") != table.expand("{hex:8}", "two")


def test_accepts_checks_charset_length_validator() -> None:
    row = catalogue.get("supabase-access-token")
    body = table.expand("{hex:40}", "accepts")
    assert table.accepts(row, body)
    assert not table.accepts(row, body.upper())  # wrong charset
    assert not table.accepts(row, body[:32])  # too short
    assert not table.accepts(row, "a" * 40)  # filler


def test_public_by_design_tokens_have_no_row() -> None:
    """Publishable and browser keys are never reported as secrets."""
    for public in ("pk_live_", "pk_test_", "pk.ey"):
        assert not any(row.pattern.startswith(public.replace(".", r"\.")) for row in ROWS)


def test_the_table_ships_as_package_data() -> None:
    config = tomllib.loads((Path(table.__file__).parents[2] / "pyproject.toml").read_text())
    data = config["tool"]["setuptools"]["package-data"]["scanner.secrets"]
    assert any(Path(f.name).match(pattern) for f in table.table_files() for pattern in data)
