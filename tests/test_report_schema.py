"""docs/report.schema.json describes what `--format json` really writes: real output of the
fixture trees validates against it, every key the report emits is declared in it (the schema
accepts unknown keys for forward compatibility, so this test is what keeps it complete), and
its enums are the code's."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker

from scanner.api.fakes import ALNUM, fake_token
from scanner.cli import main
from scanner.findings import Category, Precision, Severity
from scanner.reporters.json import FORMAT_VERSION
from tests.gitrepo import commit_all, git

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
FIXTURES = sorted(p.name for p in (ROOT / "fixtures").iterdir() if p.is_dir())


def errors_of(report: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in sorted(VALIDATOR.iter_errors(report), key=str)
    ]


def scan_json(*args: str) -> dict[str, Any]:
    res = CliRunner().invoke(
        main, ["scan", "--format", "json", "--no-cache", *args], catch_exceptions=False
    )
    assert res.exit_code in (0, 1), res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, Any]]:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        return {
            name: scan_json("--show-suppressed", "--show-info", f"fixtures/{name}")
            for name in FIXTURES
        }
    finally:
        mp.undo()


def test_schema_declares_the_format_version():
    assert SCHEMA["properties"]["version"]["const"] == FORMAT_VERSION
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_fixture_report_validates(reports):
    assert sum(len(r["findings"]) for r in reports.values()) > 50, "too little output to prove"
    for name, report in reports.items():
        assert errors_of(report) == [], name
        assert report["version"] == FORMAT_VERSION


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SCHEMA
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def undeclared(value: Any, node: dict[str, Any], where: str = "") -> set[str]:
    """Keys in ``value`` that the schema node does not name, at any depth."""
    node = _resolve(node)
    out: set[str] = set()
    for alternative in node.get("oneOf", []):
        alt = _resolve(alternative)
        if alt.get("type") == "object" and isinstance(value, dict):
            out |= undeclared(value, alt, where)
    if isinstance(value, dict) and "properties" in node:
        for key, item in value.items():
            if key in node["properties"]:
                out |= undeclared(item, node["properties"][key], f"{where}/{key}")
            else:
                out.add(f"{where}/{key}")
    if isinstance(value, list) and "items" in node:
        for item in value:
            out |= undeclared(item, node["items"], f"{where}[]")
    return out


def test_every_emitted_key_is_documented(reports):
    missing: set[str] = set()
    for report in reports.values():
        missing |= undeclared(report, SCHEMA)
    assert missing == set()


def test_a_history_finding_validates_with_its_commit(reports):
    finding = next(f for r in reports.values() for f in r["findings"])
    report = {
        "version": 1,
        "tool": {"name": "outlive", "version": "0"},
        "findings": [
            {**finding, "commit": {"sha": "a" * 40, "author_date": "2024-01-02T03:04:05+00:00"}}
        ],
        "errors": [],
        "stats": next(iter(reports.values()))["stats"],
    }
    assert errors_of(report) == []
    assert undeclared(report, SCHEMA) == set()


def test_a_real_history_report_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if "--history" not in CliRunner().invoke(main, ["scan", "--help"]).stdout:
        pytest.skip("this outlive has no --history")
    work = tmp_path / "repo"
    work.mkdir()
    git(work, "init", "-q")
    (work / "pay.env").write_text(f"STRIPE={fake_token('sk_live_', 24, ALNUM, seed=1608)}\n")
    commit_all(work)
    (work / "pay.env").unlink()
    (work / "README.md").write_text("# gone\n")
    commit_all(work)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.chdir(work)
    report = scan_json("--history")
    (finding,) = report["findings"]
    assert set(finding["commit"]) == {"sha", "author_date"}
    assert errors_of(report) == []
    assert undeclared(report, SCHEMA) == set()


def test_enums_are_the_codes():
    finding = SCHEMA["$defs"]["finding"]["properties"]
    assert finding["category"]["enum"] == [c.value for c in Category]
    assert finding["severity"]["enum"] == [s.value for s in Severity]
    assert finding["precision"]["enum"] == [p.value for p in Precision]


def test_errors_and_skips_validate(tmp_path: Path):
    (tmp_path / "bad.py").write_text("def broken(:\n", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "x.py").write_text('# outlive: ignore[LLC-SRC-005 reason="r"\nx = 1\n')
    report = scan_json(str(tmp_path))
    assert {e["level"] for e in report["errors"]} >= {"warning", "note"}
    assert errors_of(report) == []
    assert undeclared(report, SCHEMA) == set()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("version",), 2),
        (("findings", 0, "severity"), "severe"),
        (("findings", 0, "location", "line"), 0),
        (("findings", 0, "location", "path"), "/abs/path.py"),
        (("findings", 0, "lifetime"), "forever"),
        (("findings", 0, "owasp"), []),
        (("findings", 0, "suppression"), {"kind": "inline"}),
        (("errors",), [{"path": "x", "line": 0, "level": "fatal", "kind": "k", "message": "m"}]),
        (("stats", "files_scanned"), -1),
    ],
)
def test_negative_control(reports, path, value):
    """The schema really checks: a broken copy of a real report must fail."""
    broken = copy.deepcopy(reports["demo-repo"])
    target: Any = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors_of(broken)


@pytest.mark.parametrize(
    "lifetime", ["static", "none", "unknown", "P3650D", "PT12H", "P1DT2H3M4S", "PT0S", "P1Y"]
)
def test_lifetime_values(reports, lifetime):
    report = copy.deepcopy(reports["demo-repo"])
    report["findings"][0]["lifetime"] = lifetime
    assert errors_of(report) == []
