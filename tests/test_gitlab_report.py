"""`--format gitlab`: GitLab's SAST report, with what GitLab's ingestion needs.

The reports are validated against ``tests/data/gitlab-sast-report-15.2.1-required.json``: the
required keys, enums and shapes of GitLab's schema 15.2.1, written down here (GitLab's own file
is not copied into this repository). ``OUTLIVE_GITLAB_SCHEMA=<path to GitLab's
sast-report-format.json>`` validates against the official schema instead.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft7Validator, FormatChecker

from scanner.api.fakes import ALNUM, fake_token
from scanner.cli import main
from scanner.registry import select_rules
from scanner.reporters import REPORTERS
from scanner.reporters.gitlab import SCHEMA_VERSION, code_block, code_span
from tests.gitrepo import commit_all, git

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads(
    Path(
        os.environ.get("OUTLIVE_GITLAB_SCHEMA")
        or ROOT / "tests" / "data" / f"gitlab-sast-report-{SCHEMA_VERSION}-required.json"
    ).read_text(encoding="utf-8")
)
Draft7Validator.check_schema(SCHEMA)
VALIDATOR = Draft7Validator(SCHEMA, format_checker=FormatChecker())
EPOCH = "1700000000"  # 2023-11-14T22:13:20 UTC


def errors_of(report: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in sorted(VALIDATOR.iter_errors(report), key=str)
    ]


def gitlab(*args: str, expect: int | None = 1) -> dict[str, Any]:
    res = CliRunner(env={"SOURCE_DATE_EPOCH": EPOCH}).invoke(
        main, ["scan", "--format", "gitlab", "--no-cache", *args], catch_exceptions=False
    )
    if expect is not None:
        assert res.exit_code == expect, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        return gitlab("--show-info", "fixtures/demo-repo")
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def every_fixture() -> list[dict[str, Any]]:
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        return [
            gitlab("--show-suppressed", "--show-info", str(p), expect=None)
            for p in sorted((ROOT / "fixtures").iterdir())
            if p.is_dir()
        ]
    finally:
        mp.undo()


def test_registered_as_a_format():
    assert "gitlab" in REPORTERS


def test_schema_valid(demo):
    assert demo["vulnerabilities"], "an empty report proves nothing"
    assert errors_of(demo) == []
    assert demo["version"] == SCHEMA_VERSION == SCHEMA["self"]["version"]
    assert demo["schema"].endswith(f"/v{SCHEMA_VERSION}/dist/sast-report-format.json")


def test_every_fixture_validates(every_fixture):
    assert sum(len(r["vulnerabilities"]) for r in every_fixture) > 50
    for report in every_fixture:
        assert errors_of(report) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("vulnerabilities", 0, "severity"), "high"),
        (("vulnerabilities", 0, "identifiers"), []),
        (("scan", "type"), "secret_detection"),
        (("scan", "start_time"), "2023-11-14 22:13:20"),
        (("version",), "15.2"),
    ],
)
def test_negative_control(demo, path, value):
    """The schema really checks: a broken copy must give errors."""
    broken = copy.deepcopy(demo)
    target: Any = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert errors_of(broken)


def test_scan_block(demo):
    scan = demo["scan"]
    assert scan["type"] == "sast"
    assert scan["status"] == "success"
    assert scan["analyzer"]["id"] == scan["scanner"]["id"] == "outlive"
    assert scan["start_time"] == scan["end_time"] == "2023-11-14T22:13:20"
    ids = [i["value"] for i in scan["primary_identifiers"]]
    assert ids == sorted(r.META.id for r in select_rules())
    assert all(i["type"] == "outlive_rule_id" for i in scan["primary_identifiers"])


def test_timestamps_without_source_date_epoch(tmp_path: Path):
    (tmp_path / "a.py").write_text("x = 1\n")
    res = CliRunner().invoke(main, ["scan", "--format", "gitlab", "--no-cache", str(tmp_path)])
    assert res.exit_code == 0, res.stderr
    scan = json.loads(res.stdout)["scan"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", scan["start_time"])
    assert json.loads(res.stdout)["vulnerabilities"] == []


def test_vulnerabilities(demo):
    severities = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low",
                  "info": "Info"}
    ids = [v["id"] for v in demo["vulnerabilities"]]
    assert len(set(ids)) == len(ids)
    json_report = json.loads(
        CliRunner().invoke(
            main, ["scan", "--format", "json", "--no-cache", "--show-info",
                   str(ROOT / "fixtures" / "demo-repo")]
        ).stdout
    )
    assert len(json_report["findings"]) == len(demo["vulnerabilities"])
    for finding, vuln in zip(json_report["findings"], demo["vulnerabilities"], strict=True):
        assert vuln["severity"] == severities[finding["severity"]]
        primary, *others = vuln["identifiers"]
        assert primary == {
            "type": "outlive_rule_id",
            "name": f"outlive {finding['rule']} {finding['name']}",
            "value": finding["rule"],
        }
        assert [o["value"] for o in others] == [f"{n}:2025" for n in finding["owasp"]]
        assert all(o["type"] == "owasp_nhi" and o["url"].startswith("https://owasp.org/")
                   for o in others)
        loc = finding["location"]
        assert vuln["location"] == {
            "file": loc["path"], "start_line": loc["line"], "end_line": loc["end_line"]
        }
        assert vuln["description"].startswith(finding["message"])
        assert f"Lifetime: {finding['lifetime']}." in vuln["description"]
        assert vuln["solution"] == finding["fix"]
        assert "raw_source_code_extract" not in vuln


def test_deterministic(demo):
    mp = pytest.MonkeyPatch()
    mp.chdir(ROOT)
    try:
        again = gitlab("--show-info", "fixtures/demo-repo")
    finally:
        mp.undo()
    assert again == demo


def test_suppressed_findings_are_flagged(tmp_path: Path):
    key = fake_token("sk_live_", 24, ALNUM, seed=1601)
    (tmp_path / "pay.env").write_text(
        f'STRIPE={key}  # outlive: ignore[LLC-SRC-005] reason="revoked test key"\n'
    )
    assert gitlab(str(tmp_path), expect=0)["vulnerabilities"] == []
    report = gitlab("--show-suppressed", str(tmp_path), expect=0)
    assert errors_of(report) == []
    (vuln,) = report["vulnerabilities"]
    (flag,) = vuln["flags"]
    assert flag["type"] == "flagged-as-likely-false-positive"
    assert flag["origin"] == "outlive"
    assert "revoked test key" in flag["description"]
    assert key not in json.dumps(report)


def test_no_whole_secret(tmp_path: Path):
    keys = [
        fake_token("sk_live_", 24, ALNUM, seed=1602),
        "AKIA" + fake_token("", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed=1603),
        fake_token("ghp_", 36, ALNUM, seed=1604),
    ]
    (tmp_path / "keys.env").write_text(
        f"STRIPE={keys[0]}\nAWS_ACCESS_KEY_ID={keys[1]}\nGH_TOKEN={keys[2]}\n"
    )
    res = CliRunner().invoke(main, ["scan", "--format", "gitlab", "--no-cache", "--show-info",
                                    "--show-suppressed", str(tmp_path)])
    assert res.exit_code == 1, res.stderr
    report = json.loads(res.stdout)
    assert len(report["vulnerabilities"]) >= 2
    for key in keys:
        assert key not in res.stdout
        assert key not in res.stderr
    assert keys[0][:4] + "…" in res.stdout


def test_scan_errors_become_messages(tmp_path: Path):
    (tmp_path / "bad.py").write_text("import jwt\ndef broken(:\n")
    (tmp_path / "x.py").write_text('# outlive: ignore[LLC-SRC-005 reason="r"\nx = 1\n')
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01")
    report = gitlab(str(tmp_path), expect=None)
    assert errors_of(report) == []
    messages = {m["value"].split(":")[0]: m["level"] for m in report["scan"]["messages"]}
    assert messages == {"bad.py": "warn", "x.py": "warn", "blob.bin": "info"}
    assert report["scan"]["status"] == "success"


def test_markdown_cannot_escape_the_code_block():
    text = "x = '```' + \"````\"\n"
    block = code_block(text)
    fence = block.split("\n", 1)[0]
    assert fence == "`" * 5
    assert block.endswith("\n" + fence)
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x") == "`` `x ``"


def test_exit_code_follows_fail_on(tmp_path: Path):
    (tmp_path / "pay.env").write_text(f"STRIPE={fake_token('sk_live_', 24, ALNUM, seed=1605)}\n")
    assert gitlab(str(tmp_path), expect=1)["vulnerabilities"]
    assert gitlab("--exit-zero", str(tmp_path), expect=0)["vulnerabilities"]


# -- the GitLab CI template ------------------------------------------------------------------

TEMPLATE = yaml.safe_load(  # noqa: TID251 - reading our own template, not a scan
    (ROOT / "templates" / "outlive.gitlab-ci.yml").read_text()
)
BIN = Path(sys.executable).parent
JWT_NO_EXP = "import jwt\n\ndef token(user):\n    return jwt.encode({'sub': user}, KEY)\n"


def run_template(work: Path, path: str | None = None, **variables: str):
    """The job's script as a runner runs it: the template's variables, then the user's."""
    env = {
        **{k: v for k, v in os.environ.items() if k.startswith("OUTLIVE_")},
        **{k: str(v) for k, v in TEMPLATE["variables"].items()},
        **variables,
        "PATH": path if path is not None else f"{BIN}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work.parent),
        "GIT_CEILING_DIRECTORIES": str(work.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "SOURCE_DATE_EPOCH": EPOCH,
    }
    script = "\n".join(TEMPLATE["outlive_sast"]["script"])
    return subprocess.run(["sh", "-c", script], cwd=work, env=env, capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)


def test_template_shape():
    job = TEMPLATE["outlive_sast"]
    assert job["artifacts"]["reports"]["sast"] == "gl-sast-report.json"
    assert job["artifacts"]["when"] == "always"  # the report uploads when the gate fails
    assert job["image"] == "$OUTLIVE_IMAGE"
    assert all(k.startswith("OUTLIVE_") for k in TEMPLATE["variables"])


def test_template_job_writes_a_valid_report(tmp_path: Path):
    work = tmp_path / "repo"
    (work / "app").mkdir(parents=True)
    (work / "app" / "tokens.py").write_text(JWT_NO_EXP)
    proc = run_template(work, OUTLIVE_ARGS="--jobs 1")
    assert proc.returncode == 1, proc.stderr
    report = json.loads((work / "gl-sast-report.json").read_text())
    assert errors_of(report) == []
    assert [v["identifiers"][0]["value"] for v in report["vulnerabilities"]] == ["LLC-PY-001"]
    proc = run_template(work, OUTLIVE_FAIL_ON="critical", OUTLIVE_ARGS="--jobs 1")
    assert proc.returncode == 0, proc.stderr
    proc = run_template(work, OUTLIVE_PATHS="$(touch pwned) *", OUTLIVE_ARGS="--jobs 1")
    assert proc.returncode == 2
    assert not (work / "pwned").exists()


def test_template_needs_an_outlive(tmp_path: Path):
    work = tmp_path / "repo"
    work.mkdir()
    proc = run_template(work, path="/usr/bin:/bin")
    assert proc.returncode == 2
    assert "set OUTLIVE_PIP_SPEC" in proc.stderr


def test_template_diff_base(tmp_path: Path):
    work = tmp_path / "repo"
    work.mkdir()
    git(work, "init", "-q")
    (work / "old.py").write_text(JWT_NO_EXP)
    commit_all(work)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True,
                          text=True, check=True).stdout.strip()
    (work / "new.py").write_text(JWT_NO_EXP)
    commit_all(work)
    proc = run_template(work, OUTLIVE_DIFF_BASE=base, OUTLIVE_ARGS="--jobs 1")
    if "--diff " not in subprocess.run([BIN / "outlive", "scan", "--help"],
                                       capture_output=True, text=True, check=True).stdout:
        pytest.skip("this outlive has no --diff")
    assert proc.returncode == 1, proc.stderr
    report = json.loads((work / "gl-sast-report.json").read_text())
    assert [v["location"]["file"] for v in report["vulnerabilities"]] == ["new.py"]


# -- what every format promises (tests/test_cli.py, test_formats.py, test_no_leaks.py) ------------

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_missing_path_fails_before_any_report(tmp_path: Path):
    res = CliRunner().invoke(main, ["scan", "--format", "gitlab", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert res.stdout == ""


def test_no_absolute_path_no_raw_control(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    key = fake_token("sk_live_", 24, ALNUM, seed=1606)
    (tmp_path / "snip.env").write_text(f"STRIPE={key} \x1b[2K\u202etail\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    report_text = CliRunner(env={"SOURCE_DATE_EPOCH": EPOCH}).invoke(
        main, ["scan", "--format", "gitlab", "--no-cache", str(tmp_path)]
    ).stdout
    assert str(tmp_path) not in report_text
    assert not _CONTROL.findall(report_text)
    (vuln,) = json.loads(report_text)["vulnerabilities"]
    assert vuln["location"]["file"] == "snip.env"
    assert "\\x1b[2K\\u202etail" in vuln["description"]  # shown escaped, never raw
    assert key not in report_text


def _history_repo(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    work.mkdir()
    git(work, "init", "-q")
    (work / "pay.env").write_text(f"STRIPE={fake_token('sk_live_', 24, ALNUM, seed=1607)}\n")
    commit_all(work)
    (work / "pay.env").unlink()
    (work / "README.md").write_text("# gone\n")
    commit_all(work)
    return work


def test_details_and_a_history_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if "--history" not in CliRunner().invoke(main, ["scan", "--help"]).stdout:
        pytest.skip("this outlive has no --history")
    work = _history_repo(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.chdir(work)
    report = gitlab("--history")
    assert errors_of(report) == []
    (vuln,) = report["vulnerabilities"]
    sha = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert vuln["details"]["commit"] == {"name": "Commit", "type": "commit", "value": sha}
    assert f"Found in commit `{sha}`" in vuln["description"]
    json_report = json.loads(
        CliRunner().invoke(main, ["scan", "--history", "--format", "json", "--no-cache"]).stdout
    )
    (finding,) = json_report["findings"]
    assert vuln["details"]["fingerprint"]["value"] == finding["fingerprint"]
    assert vuln["details"]["lifetime"]["value"] == finding["lifetime"]
