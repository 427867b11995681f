"""SARIF 2.1.0: valid against the official schema (vendored) and what GitHub code scanning needs."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from scanner.cli import main
from scanner.docs import OWASP_NHI, help_uri, project_url
from scanner.registry import get_rule, select_rules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
Validator = validator_for(SCHEMA)
Validator.check_schema(SCHEMA)

SEVERITY_SCORE = {"critical": 9.5, "high": 8.0, "medium": 5.5, "low": 3.0}


def errors_of(log: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in sorted(Validator(SCHEMA, format_checker=FormatChecker()).iter_errors(log), key=str)
    ]


def sarif(*args: str, expect: int = 1) -> dict:
    res = CliRunner().invoke(main, ["scan", "--format", "sarif", *args], catch_exceptions=False)
    assert res.exit_code == expect, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def demo_log() -> dict:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        return sarif("--no-cache", "fixtures/demo-repo")
    finally:
        mp.undo()


def test_schema_valid(demo_log):
    assert demo_log["runs"][0]["results"], "an empty log proves nothing"
    assert errors_of(demo_log) == []
    assert demo_log["version"] == "2.1.0"
    assert len(demo_log["runs"]) == 1


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("locations", 0, "physicalLocation", "region", "startColumn"), 0),
        (("locations", 0, "physicalLocation", "region", "startLine"), 0),
        (("level",), "high"),
        (("partialFingerprints",), ["not", "an", "object"]),
        # Format checking is on: a URI with a raw space is not a uri-reference.
        (("locations", 0, "physicalLocation", "artifactLocation", "uri"), "app/my file.py"),
    ],
)
def test_negative_control(demo_log, path, value):
    """The validator really checks: a broken copy of the log must give errors."""
    broken = copy.deepcopy(demo_log)
    target = broken["runs"][0]["results"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors_of(broken)


def test_results_point_at_rules(demo_log):
    run = demo_log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"].strip()


def test_uris_relative(demo_log):
    for result in demo_log["runs"][0]["results"]:
        locations = [*result["locations"], *result.get("relatedLocations", [])]
        for loc in locations:
            artifact = loc["physicalLocation"]["artifactLocation"]
            uri = artifact["uri"]
            assert artifact["uriBaseId"] == "%SRCROOT%"
            assert not uri.startswith(("./", "/", "file:")), uri
            assert "\\" not in uri
            assert uri.startswith("fixtures/demo-repo/")
            region = loc["physicalLocation"]["region"]
            assert region["startLine"] >= 1
            assert region["startColumn"] >= 1
    assert "originalUriBaseIds" not in demo_log["runs"][0]


def test_fingerprints_and_properties(demo_log):
    for result in demo_log["runs"][0]["results"]:
        fingerprint = result["partialFingerprints"]["outlive/v1"]
        assert re.fullmatch(r"[0-9a-f]{16,64}", fingerprint)
        assert "primaryLocationLineHash" not in result["partialFingerprints"]
        props = result["properties"]
        assert props["lifetime"]
        assert props["category"]
        assert props["nhi"]
        assert all(n in OWASP_NHI for n in props["nhi"])


def test_one_descriptor_per_enabled_rule(demo_log):
    rules = demo_log["runs"][0]["tool"]["driver"]["rules"]
    fired = {r["ruleId"] for r in demo_log["runs"][0]["results"]}
    # One descriptor per enabled rule at its default severity, plus LLC-XXX-NNN/<severity> ones
    # for severities the findings actually use (tests/test_sarif_github.py).
    base = [r["id"] for r in rules if "/" not in r["id"]]
    assert base == sorted(r.META.id for r in select_rules())
    assert len(rules) > len(fired), "rules that did not fire are described too"


def test_descriptors(demo_log):
    driver = demo_log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "outlive"
    assert driver["version"]
    assert driver["semanticVersion"]
    # From the installed metadata ([project.urls]); absent when it names no home, never made up.
    home = project_url()
    assert driver.get("informationUri") == home
    for rule in driver["rules"]:
        if rule["id"].endswith("/info"):
            assert "security-severity" not in rule["properties"]
        else:
            severity = rule["properties"]["security-severity"]
            assert isinstance(severity, str)
            assert float(severity) in SEVERITY_SCORE.values()
        assert rule["name"]
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["markdown"].strip()
        assert rule["help"]["text"].strip()
        assert rule.get("helpUri") == help_uri(get_rule(rule["id"].split("/")[0]), home)
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        tags = rule["properties"]["tags"]
        assert "security" in tags
        assert any(t.startswith("external/owasp-nhi/NHI") for t in tags)
        assert rule["properties"]["precision"] in ("very-high", "high", "medium", "low")


def test_owasp_taxonomy(demo_log):
    run = demo_log["runs"][0]
    taxonomies = run["taxonomies"]
    assert len(taxonomies) == 1
    taxonomy = taxonomies[0]
    assert taxonomy["name"] == "OWASP NHI Top 10"
    assert taxonomy["version"] == "2025"
    assert taxonomy["organization"] == "OWASP"
    taxa = taxonomy["taxa"]
    assert [t["id"] for t in taxa] == [f"NHI{i}" for i in range(1, 11)]
    for taxon in taxa:
        assert taxon["name"]
        assert taxon["helpUri"].startswith("https://owasp.org/")
    supported = run["tool"]["driver"]["supportedTaxonomies"]
    assert supported == [{"name": "OWASP NHI Top 10", "index": 0}]
    for rule in run["tool"]["driver"]["rules"]:
        relationships = rule["relationships"]
        nhi = [t for t in rule["properties"]["tags"] if t.startswith("external/owasp-nhi/")]
        targets = [rel["target"]["id"] for rel in relationships]
        assert targets == [t.rsplit("/", 1)[1] for t in nhi], "primary taxon first"
        for rel in relationships:
            target = rel["target"]
            assert taxa[target["index"]]["id"] == target["id"]
            assert target["toolComponent"]["name"] == "OWASP NHI Top 10"
        assert relationships[0]["kinds"] == ["superset"]


def test_security_severity_matches_result_levels(demo_log):
    rules = demo_log["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        level = rule["defaultConfiguration"]["level"]
        score = float(rule["properties"].get("security-severity", "0.0"))
        assert level == ("error" if score >= 8.0 else "warning" if score >= 5.5 else "note")


# -- a tree with scan errors and suppressions ----------------------------------------------------

MALFORMED_WORKFLOW = """\
jobs:
  deploy: [
    - uses: aws-actions/configure-aws-credentials@v4
"""
SUPPRESSED_TF = """\
# outlive: ignore[LLC-IAC-001] reason="scheduled for removal in the Q3 cleanup"
resource "aws_iam_access_key" "legacy" {
  user = "legacy"
}
"""
BASELINED_PY = """\
import jwt


def token(key):
    return jwt.encode({"sub": "svc"}, key)
"""
ACTIVE_TF = 'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n'


@pytest.fixture
def messy_tree(tmp_path, monkeypatch) -> Path:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "deploy.yml").write_text(MALFORMED_WORKFLOW)
    (tmp_path / "legacy.tf").write_text(SUPPRESSED_TF)
    (tmp_path / "app.py").write_text(BASELINED_PY)
    (tmp_path / "main.tf").write_text(ACTIVE_TF)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["baseline", "create", "--output", "base.json", "app.py"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    return tmp_path


def test_scan_errors_are_notifications(messy_tree):
    log = sarif(".")
    assert errors_of(log) == []
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True  # a parse warning is not a failed run
    notifications = invocation["toolExecutionNotifications"]
    assert len(notifications) == 1
    note = notifications[0]
    assert note.get("level", "warning") == "warning"  # SARIF's default notification level
    assert "could not parse YAML" in note["message"]["text"]
    uri = note["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": ".github/workflows/deploy.yml", "uriBaseId": "%SRCROOT%"}


def test_failed_run_is_not_successful(messy_tree, monkeypatch):
    # A rule failing on a file is an error (a malformed suppression is only a warning now).
    def fail(self: object, doc: object) -> None:
        raise RuntimeError("simulated rule failure")

    [rule] = [r for r in select_rules() if r.META.id == "LLC-SRC-001"]
    monkeypatch.setattr(rule, "check", fail)
    (messy_tree / "bad.py").write_text("key = '" + "AKIA" + "Q" * 16 + "'\n")
    log = sarif("--jobs", "1", "--no-cache", ".", expect=2)
    assert errors_of(log) == []
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    levels = [n.get("level", "warning") for n in invocation["toolExecutionNotifications"]]
    assert "error" in levels


def test_suppressed_hidden_by_default(messy_tree):
    log = sarif("--baseline", "base.json", ".")
    results = log["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results] == [
        "main.tf"
    ]
    assert all("suppressions" not in r for r in results)


def test_show_suppressed(messy_tree):
    log = sarif("--baseline", "base.json", "--show-suppressed", ".")
    assert errors_of(log) == []
    by_uri = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
        for r in log["runs"][0]["results"]
    }
    assert set(by_uri) == {"app.py", "legacy.tf", "main.tf"}
    assert "suppressions" not in by_uri["main.tf"]
    assert by_uri["legacy.tf"]["suppressions"] == [
        {"kind": "inSource", "justification": "scheduled for removal in the Q3 cleanup"}
    ]
    [external] = by_uri["app.py"]["suppressions"]
    assert external["kind"] == "external"
    assert external["justification"]


def test_sarif_absolute(messy_tree):
    log = sarif("--sarif-absolute", ".")
    assert errors_of(log) == []
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///")
    assert base.endswith("/")
    assert base == messy_tree.resolve().as_uri() + "/"
    for result in log["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:"))


def test_portable_by_default(messy_tree):
    text = json.dumps(sarif("."))
    assert str(messy_tree) not in text
    assert str(messy_tree.resolve()) not in text
