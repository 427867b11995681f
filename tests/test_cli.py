"""The command line: exit codes, output routing, selection, file arguments, sub-commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import __version__
from scanner.cli import main
from scanner.registry import all_rules

CORE_RULES = ("LLC-GHA-001", "LLC-IAC-001", "LLC-PY-001", "LLC-SRC-001", "LLC-SRC-007")

OIDC_WORKFLOW = """\
name: deploy
on: push
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
"""

JWT_WITH_EXP = """\
import datetime as dt

import jwt


def token(key: str) -> str:
    exp = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
    return jwt.encode({"sub": "svc", "exp": exp}, key, algorithm="HS256")
"""

JWT_WITHOUT_EXP = """\
import jwt


def token(key: str) -> str:
    return jwt.encode({"sub": "svc"}, key, algorithm="HS256")
"""

STATIC_KEYS_WORKFLOW = """\
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
          aws-region: eu-west-1
"""

LONG_SESSION_WORKFLOW = OIDC_WORKFLOW.replace(
    "aws-region: eu-west-1", "aws-region: eu-west-1\n          role-duration-seconds: 7200"
)

ACCESS_KEY_TF = 'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n'


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def rules_of(stdout: str) -> list[str]:
    return [f["rule"] for f in json.loads(stdout)["findings"]]


@pytest.fixture
def clean_tree(tmp_path, monkeypatch) -> Path:
    write(tmp_path, {".github/workflows/deploy.yml": OIDC_WORKFLOW, "app/tokens.py": JWT_WITH_EXP})
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def dirty_tree(tmp_path, monkeypatch) -> Path:
    write(
        tmp_path,
        {
            ".github/workflows/deploy.yml": STATIC_KEYS_WORKFLOW,
            ".github/workflows/release.yml": LONG_SESSION_WORKFLOW,
            "app/tokens.py": JWT_WITHOUT_EXP,
            "infra/main.tf": ACCESS_KEY_TF,
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- exit codes ---------------------------------------------------------------------------------


def test_only_negatives_exit_0(clean_tree):
    res = run("scan", ".")
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().endswith("no findings in 2 files.")
    assert res.stderr == ""


def test_findings_exit_1(dirty_tree):
    res = run("scan", "--format", "json", ".")
    assert res.exit_code == 1
    assert sorted(set(rules_of(res.stdout))) == ["LLC-GHA-001", "LLC-IAC-001", "LLC-PY-001"]
    assert res.stderr == ""


def test_exit_zero(dirty_tree):
    res = run("scan", "--exit-zero", "--format", "json", ".")
    assert res.exit_code == 0
    assert rules_of(res.stdout), "--exit-zero must still report the findings"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["scan", "--select", "LLC-NOPE-999", "."], id="unknown-select"),
        pytest.param(["scan", "--ignore", "LLC-NOPE", "."], id="unknown-ignore"),
        pytest.param(["scan", "--bogus-option", "."], id="unknown-option"),
        pytest.param(["scan", "--format", "xml", "."], id="unknown-format"),
        pytest.param(["scan", "--config", "missing.toml", "."], id="missing-config"),
        pytest.param(["frobnicate"], id="unknown-command"),
    ],
)
def test_usage_errors_exit_2(clean_tree, args):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert res.stdout == ""
    assert res.stderr.strip(), "a usage error must say what is wrong"
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab"])
def test_missing_path_exit_2(clean_tree, fmt):
    """A path that does not exist is a usage error; the report of the rest is still written."""
    res = run("scan", "--format", fmt, "app", "no-such-dir")
    assert res.exit_code == 2
    assert "no-such-dir" in res.stdout + res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('unknown-key = "x"\n', "unknown-key"),
        ('fail-on = "sometimes"\n', "fail-on"),
        ("this is [not toml\n", "not valid TOML"),
        ('[thresholds]\njwt_max_lifetime = "forever"\n', "jwt_max_lifetime"),
    ],
)
def test_bad_config_file_exit_2(clean_tree, content, needle):
    (clean_tree / "bad.toml").write_text(content, encoding="utf-8")
    res = run("scan", "--config", "bad.toml", ".")
    assert res.exit_code == 2
    assert res.stdout == ""
    assert needle in res.stderr
    assert "bad.toml" in res.stderr


def test_config_found_upward_is_validated(clean_tree):
    (clean_tree / "outlive.toml").write_text('colour = "red"\n', encoding="utf-8")
    res = run("scan", "app")
    assert res.exit_code == 2
    assert "colour" in res.stderr


# -- output routing -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "gitlab"])
def test_output_file(dirty_tree, fmt):
    res = run("scan", "--format", fmt, "--output", "report.out", ".")
    assert res.exit_code == 1
    assert res.stdout == ""
    report = (dirty_tree / "report.out").read_text(encoding="utf-8")
    assert "LLC-IAC-001" in report
    assert "infra/main.tf" in report
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(report)


def test_output_file_matches_stdout(dirty_tree):
    to_stdout = run("scan", "--format", "json", ".")
    run("scan", "--format", "json", "-o", "report.json", ".")
    assert (dirty_tree / "report.json").read_text(encoding="utf-8") == to_stdout.stdout


# -- --fail-on ------------------------------------------------------------------------------------


def test_fail_on_threshold(tmp_path, monkeypatch):
    write(tmp_path, {".github/workflows/release.yml": LONG_SESSION_WORKFLOW})
    monkeypatch.chdir(tmp_path)
    res = run("scan", "--format", "json", ".")
    findings = json.loads(res.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("LLC-GHA-001", "low")]
    assert res.exit_code == 1  # default --fail-on low: every finding counts
    assert run("scan", "--fail-on", "high", ".").exit_code == 0
    assert run("scan", "--fail-on", "medium", ".").exit_code == 0
    assert run("scan", "--fail-on", "low", ".").exit_code == 1


def test_fail_on_from_config(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            ".github/workflows/release.yml": LONG_SESSION_WORKFLOW,
            "outlive.toml": 'fail-on = "high"\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    assert run("scan", ".").exit_code == 0
    assert run("scan", "--fail-on", "low", ".").exit_code == 1


# -- selection -------------------------------------------------------------------------------------


def test_select_by_id(dirty_tree):
    res = run("scan", "--format", "json", "--select", "LLC-PY-001", ".")
    assert res.exit_code == 1
    assert set(rules_of(res.stdout)) == {"LLC-PY-001"}
    assert json.loads(res.stdout)["stats"]["rules_enabled"] == 1


def test_select_several(dirty_tree):
    res = run("scan", "--format", "json", "--select", "LLC-PY-001", "--select", "LLC-IAC-001", ".")
    assert set(rules_of(res.stdout)) == {"LLC-PY-001", "LLC-IAC-001"}


def test_select_family_prefix(dirty_tree):
    res = run("scan", "--format", "json", "--select", "LLC-GHA", ".")
    assert res.exit_code == 1
    assert set(rules_of(res.stdout)) == {"LLC-GHA-001"}
    enabled = json.loads(res.stdout)["stats"]["rules_enabled"]
    assert enabled == sum(r.META.id.startswith("LLC-GHA-") for r in all_rules())


def test_ignore_by_id_and_family(dirty_tree):
    res = run("scan", "--format", "json", "--ignore", "LLC-GHA", "--ignore", "LLC-IAC-001", ".")
    assert res.exit_code == 1
    assert set(rules_of(res.stdout)) == {"LLC-PY-001"}
    res = run("scan", "--format", "json", "--ignore", "LLC-PY", "--ignore", "LLC-IAC",
              "--ignore", "LLC-GHA", ".")
    assert res.exit_code == 0
    assert rules_of(res.stdout) == []


def test_select_is_case_insensitive(dirty_tree):
    res = run("scan", "--format", "json", "--select", "llc-py-001", ".")
    assert set(rules_of(res.stdout)) == {"LLC-PY-001"}


# -- explicit files, as pre-commit passes them -----------------------------------------------------


def test_explicit_files_relative_to_cwd(dirty_tree):
    res = run("scan", "--format", "json", "app/tokens.py", "infra/main.tf")
    assert res.exit_code == 1
    paths = sorted({f["location"]["path"] for f in json.loads(res.stdout)["findings"]})
    assert paths == ["app/tokens.py", "infra/main.tf"]
    assert json.loads(res.stdout)["stats"]["files_scanned"] == 2


def test_explicit_clean_file(clean_tree):
    (clean_tree / "ok.py").write_text(JWT_WITH_EXP, encoding="utf-8")
    res = run("scan", "ok.py")
    assert res.exit_code == 0
    assert "no findings in 1 file." in res.stdout


def test_explicit_file_excluded_by_config(dirty_tree):
    (dirty_tree / "outlive.toml").write_text('exclude = ["infra/"]\n', encoding="utf-8")
    res = run("scan", "--format", "json", "app/tokens.py", "infra/main.tf")
    assert res.exit_code == 1
    paths = {f["location"]["path"] for f in json.loads(res.stdout)["findings"]}
    assert paths == {"app/tokens.py"}


def test_explicit_file_in_subdirectory_cwd(dirty_tree, monkeypatch):
    monkeypatch.chdir(dirty_tree / "app")
    res = run("scan", "--format", "json", "tokens.py")
    assert res.exit_code == 1
    assert [f["location"]["path"] for f in json.loads(res.stdout)["findings"]] == ["tokens.py"]


# -- rules and explain -----------------------------------------------------------------------------


def test_rules_text():
    res = run("rules")
    assert res.exit_code == 0
    listed = [line.split()[0] for line in res.stdout.splitlines() if line.strip()]
    assert listed == [r.META.id for r in all_rules()]
    assert set(CORE_RULES) <= set(listed)


def test_rules_json():
    res = run("rules", "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert [r["id"] for r in data] == [r.META.id for r in all_rules()]
    assert set(CORE_RULES) <= {r["id"] for r in data}
    py001 = next(r for r in data if r["id"] == "LLC-PY-001")
    assert py001["name"] == "jwt-without-exp"
    assert py001["owasp"][0] == "NHI7"
    assert set(py001) >= {"summary", "category", "severity", "precision", "kinds", "fix"}


def test_rules_markdown():
    res = run("rules", "--format", "markdown")
    assert res.exit_code == 0
    assert res.stdout.startswith("# outlive rules")
    for rule_id in CORE_RULES:
        assert f"[{rule_id}](#{rule_id.lower()})" in res.stdout
    headings = [line.split(":")[0] for line in res.stdout.splitlines() if line.startswith("## ")]
    assert headings == [f"## {r.META.id}" for r in all_rules()]


def test_explain():
    res = run("explain", "LLC-PY-001")
    assert res.exit_code == 0
    assert "LLC-PY-001" in res.stdout
    assert "jwt-without-exp" in res.stdout
    for section in ("What it does", "Why is this bad?", "Use instead:", "References"):
        assert section in res.stdout


def test_explain_lower_case_id():
    assert run("explain", "llc-py-001").exit_code == 0


def test_explain_unknown_rule():
    res = run("explain", "LLC-NOPE-001")
    assert res.exit_code == 2
    assert res.stdout == ""
    assert "LLC-NOPE-001" in res.stderr


def test_version_in_process():
    res = run("--version")
    assert res.exit_code == 0
    assert __version__ in res.stdout


def test_version_subprocess():
    exe = shutil.which("outlive")
    argv = [exe] if exe else [sys.executable, "-m", "scanner.cli"]
    proc = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"outlive, version {__version__}"


def test_closed_pipe_is_quiet():
    """`outlive rules | head -1`: the reader goes away; no internal error, no traceback."""
    exe = shutil.which("outlive")
    argv = [exe] if exe else [sys.executable, "-m", "scanner.cli"]
    proc = subprocess.Popen([*argv, "rules", "--format", "markdown"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # before the child writes: its first write fails with EPIPE
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert stderr.decode() == ""


# -- --jobs gives the same bytes -------------------------------------------------------------------


def test_jobs_output_identical(tmp_path, monkeypatch):
    files = {}
    for i in range(72):
        folder = f"pkg{i % 6}"
        if i % 9 == 0:
            files[f"{folder}/mod{i:02d}.py"] = JWT_WITHOUT_EXP
        elif i % 11 == 0:
            files[f"{folder}/stack{i:02d}.tf"] = ACCESS_KEY_TF
        elif i % 13 == 0:
            files[f".github/workflows/wf{i:02d}.yml"] = STATIC_KEYS_WORKFLOW
        else:
            files[f"{folder}/clean{i:02d}.py"] = JWT_WITH_EXP
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    serial = run("scan", "--no-cache", "--format", "json", "--jobs", "1", ".")
    parallel = run("scan", "--no-cache", "--format", "json", "--jobs", "2", ".")
    assert serial.exit_code == parallel.exit_code == 1
    data = json.loads(serial.stdout)
    assert data["stats"]["files_scanned"] == 72
    assert len(data["findings"]) >= 10
    assert parallel.stdout == serial.stdout
    sarif_serial = run("scan", "--no-cache", "--format", "sarif", "--jobs", "1", ".")
    sarif_parallel = run("scan", "--no-cache", "--format", "sarif", "--jobs", "2", ".")
    assert sarif_parallel.stdout == sarif_serial.stdout
