"""What users expect of a command line: ``-h``, comma lists, case-insensitive choices, the
colour conventions (NO_COLOR, FORCE_COLOR, TERM=dumb), a missing path failing before any
report, and ``outlive scan -`` reading standard input through the same engine."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=501)
JWT_PY = "import jwt\n\n\ndef token(k):\n    return jwt.encode({'sub': 'svc'}, k)\n"
ACCESS_KEY_TF = 'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n'
STATIC_KEYS_WORKFLOW = """\
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
"""
COLOR = "\033["


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "tokens.py").write_text(JWT_PY, encoding="utf-8")
    (tmp_path / "creds.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n", encoding="utf-8")
    (tmp_path / "main.tf").write_text(ACCESS_KEY_TF, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str, stdin: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def rules_of(res) -> set[str]:
    assert res.exit_code in (0, 1), res.output
    return {f["rule"] for f in json.loads(res.stdout)["findings"]}


# -- -h -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [[], ["scan"], ["rules"], ["explain"], ["baseline"], ["baseline", "create"]]
)
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    short = run(*command, "-h")
    assert short.exit_code == 0, short.output
    assert short.stdout.startswith("Usage: ")
    assert short.stdout == run(*command, "--help").stdout


# -- comma-separated selections -----------------------------------------------------------------


def test_select_takes_a_comma_list(tree: Path) -> None:
    both = {"LLC-SRC-001", "LLC-PY-001"}
    assert rules_of(run("scan", "--format", "json", "--select", "LLC-SRC,LLC-PY-001")) == both
    assert rules_of(run("scan", "--format", "json", "--select", "LLC-SRC, LLC-PY-001")) == both
    repeated = run("scan", "--format", "json", "--select", "LLC-SRC", "--select", "LLC-PY-001")
    assert rules_of(repeated) == both
    mixed = run("scan", "--format", "json", "--select", "LLC-SRC,LLC-PY", "--select", "LLC-IAC")
    assert rules_of(mixed) == {*both, "LLC-IAC-001"}


def test_ignore_takes_a_comma_list(tree: Path) -> None:
    res = run("scan", "--format", "json", "--ignore", "LLC-SRC-001,LLC-IAC")
    assert rules_of(res) == {"LLC-PY-001"}


def test_an_unknown_id_in_a_comma_list_is_still_an_error(tree: Path) -> None:
    res = run("scan", "--select", "LLC-SRC,LLC-NOPE-999")
    assert res.exit_code == 2
    assert "LLC-NOPE-999" in res.stderr


# -- case-insensitive choices -------------------------------------------------------------------


def test_format_is_case_insensitive(tree: Path) -> None:
    sarif = run("scan", "--format", "SARIF", ".")
    assert sarif.exit_code == 1, sarif.output
    assert json.loads(sarif.stdout)["version"] == "2.1.0"
    assert rules_of(run("scan", "--format", "Json")) == {"LLC-SRC-001", "LLC-PY-001", "LLC-IAC-001"}
    assert run("scan", "--format", "GitHub").stdout.startswith("::error ")
    listed = run("rules", "--format", "JSON")
    assert listed.exit_code == 0
    assert json.loads(listed.stdout)


def test_fail_on_is_case_insensitive(tree: Path) -> None:
    (tree / "creds.env").unlink()
    (tree / "main.tf").unlink()
    (tree / "ci.yml").unlink(missing_ok=True)
    flow = tree / ".github" / "workflows"
    flow.mkdir(parents=True)
    (flow / "deploy.yml").write_text(STATIC_KEYS_WORKFLOW, encoding="utf-8")
    assert run("scan", "--fail-on", "HIGH").exit_code == 1  # PY-001 and GHA-001 are high
    assert run("scan", "--fail-on", "Critical").exit_code == 0
    bad = run("scan", "--fail-on", "HUGE")
    assert bad.exit_code == 2
    assert "HUGE" in bad.stderr


# -- colours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args", "colored"),
    [
        ({}, [], False),  # not a terminal
        ({"FORCE_COLOR": "1"}, [], True),
        ({"FORCE_COLOR": "true"}, [], True),
        ({"FORCE_COLOR": "0"}, [], False),
        ({"FORCE_COLOR": ""}, [], False),  # empty: unset
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),  # NO_COLOR wins over FORCE_COLOR
        ({"FORCE_COLOR": "1", "NO_COLOR": ""}, [], True),  # an empty NO_COLOR is unset
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, [], True),  # forced even on a dumb terminal
        ({"NO_COLOR": "1"}, ["--color"], True),  # the flag wins
        ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ],
)
def test_color_conventions(tree: Path, monkeypatch, env, args, colored) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    res = run("scan", *args)
    assert res.exit_code == 1
    assert (COLOR in res.stdout) is colored


def test_force_color_does_not_color_a_report_file(tree: Path, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert run("scan", "--output", "report.txt").exit_code == 1
    assert COLOR not in (tree / "report.txt").read_text(encoding="utf-8")


def _on_a_terminal(tree: Path, env: dict[str, str]) -> str:
    """stdout of a scan whose stdout is a pseudo-terminal."""
    leader, follower = pty.openpty()
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    full.update(env)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scanner.cli", "scan", "--no-cache", "."],
            cwd=tree, env=full, stdout=follower, stderr=subprocess.DEVNULL,
        )
    finally:
        os.close(follower)
    chunks = []
    try:
        while True:  # read while it runs: a full terminal buffer would block the writer
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
        code = proc.wait(timeout=120)
    assert code == 1
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_color_on_a_terminal(tree: Path) -> None:
    assert COLOR in _on_a_terminal(tree, {"TERM": "xterm"})
    assert COLOR not in _on_a_terminal(tree, {"TERM": "dumb"})
    assert COLOR in _on_a_terminal(tree, {"TERM": "xterm", "NO_COLOR": ""})


# -- missing paths ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "gitlab"])
def test_a_missing_path_fails_before_any_report(tree: Path, fmt: str) -> None:
    res = run("scan", "--format", fmt, "main.tf", "does-not-exist")
    assert res.exit_code == 2
    assert res.stdout == ""  # no report, no "no findings" line
    assert "outlive: error: does-not-exist does not exist" in res.stderr
    assert res.stderr.count("\n") == 1  # that one sentence


def test_a_missing_path_writes_no_report_file(tree: Path) -> None:
    res = run("scan", "--output", "out.json", "--format", "json", "nope/")
    assert res.exit_code == 2
    assert not (tree / "out.json").exists()


# -- standard input -----------------------------------------------------------------------------


def test_stdin_is_scanned_as_text_by_default(tree: Path) -> None:
    res = run("scan", "--format", "json", "-", stdin=f"X={KEY}\n" + JWT_PY)
    assert res.exit_code == 1, res.output
    data = json.loads(res.stdout)
    # Text: the secret rules run, the Python rules do not.
    assert [(f["rule"], f["location"]["path"]) for f in data["findings"]] == [
        ("LLC-SRC-001", "<stdin>")
    ]
    assert data["findings"][0]["snippet"] == "X=AKIA…"
    assert data["stats"]["files_scanned"] == 1
    assert KEY not in res.stdout


def test_stdin_filename_chooses_the_kind_and_the_path(tree: Path) -> None:
    res = run("scan", "--format", "json", "--stdin-filename", "app/other.py", "-", stdin=JWT_PY)
    data = json.loads(res.stdout)
    assert [(f["rule"], f["location"]["path"]) for f in data["findings"]] == [
        ("LLC-PY-001", "app/other.py")
    ]
    wf = run(
        "scan", "--stdin-filename", ".github/workflows/ci.yml", "-", stdin=STATIC_KEYS_WORKFLOW
    )
    assert wf.exit_code == 1
    assert wf.stdout.startswith(".github/workflows/ci.yml:7:")
    assert "LLC-GHA-001" in wf.stdout


def test_stdin_text_report_and_exit_codes(tree: Path) -> None:
    clean = run("scan", "-", stdin="nothing to see\n")
    assert clean.exit_code == 0, clean.output
    assert clean.stdout == "no findings in 1 file.\n"
    found = run("scan", "--no-color", "-", stdin=f"X={KEY}\n")
    assert found.exit_code == 1
    assert found.stdout.startswith("<stdin>:1:3: LLC-SRC-001 high")
    assert run("scan", "--fail-on", "critical", "-", stdin=f"X={KEY}\n").exit_code == 0
    assert run("scan", "--exit-zero", "-", stdin=f"X={KEY}\n").exit_code == 0


def test_stdin_through_every_reporter(tree: Path) -> None:
    sarif = json.loads(run("scan", "--format", "sarif", "--stdin-filename", "x.env", "-",
                           stdin=f"X={KEY}\n").stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"].startswith("LLC-SRC-001")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "x.env"
    github = run("scan", "--format", "github", "--stdin-filename", "x.env", "-", stdin=f"X={KEY}\n")
    assert github.stdout.startswith("::error file=x.env,line=1,col=3,")


def test_stdin_honours_in_source_suppressions(tree: Path) -> None:
    text = f'X={KEY}  # outlive: ignore[LLC-SRC-001] reason="a test fixture"\n'
    res = run("scan", "--stdin-filename", "x.env", "-", stdin=text)
    assert res.exit_code == 0, res.output
    assert "1 suppressed" in res.stdout


def test_stdin_matches_a_baseline_made_from_the_file(tree: Path) -> None:
    made = run("baseline", "create", "creds.env", "--output", "base.json")
    assert made.exit_code == 0, made.output
    text = (tree / "creds.env").read_text(encoding="utf-8")
    res = run("scan", "--baseline", "base.json", "--stdin-filename", "creds.env", "-", stdin=text)
    assert res.exit_code == 0, res.output
    assert run("scan", "--baseline", "base.json", "-", stdin=text).exit_code == 1  # <stdin>


def test_stdin_size_limit_and_binary(tree: Path) -> None:
    (tree / "outlive.toml").write_text('max-file-size = "1KiB"\n', encoding="utf-8")
    res = run("scan", "-", stdin=f"X={KEY}\n" + "y" * 2000)
    assert res.exit_code == 0, res.output
    assert "larger than max-file-size" in res.stderr
    assert res.stdout.startswith("no findings in 0 files; 1 skipped (")
    binary = run("scan", "-", stdin=b"\0\1\2" + f"X={KEY}\n".encode())
    assert binary.exit_code == 0
    assert "binary file; skipped" in binary.stderr


def test_stdin_usage_errors(tree: Path) -> None:
    mixed = run("scan", "-", "main.tf", stdin="x")
    assert mixed.exit_code == 2
    assert "standard input" in mixed.stderr
    stray = run("scan", "--stdin-filename", "a.py", "main.tf")
    assert stray.exit_code == 2
    assert "--stdin-filename" in stray.stderr


def test_stdin_default_name_wherever_the_command_runs(tree: Path, monkeypatch) -> None:
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    monkeypatch.chdir(tree / "app")
    res = run("scan", "--format", "json", "-", stdin=f"X={KEY}\n")
    assert [f["location"]["path"] for f in json.loads(res.stdout)["findings"]] == ["<stdin>"]


def test_stdin_uses_the_configured_baseline(tree: Path) -> None:
    (tree / "outlive.toml").write_text('baseline = "base.json"\n', encoding="utf-8")
    missing = run("scan", "--stdin-filename", "creds.env", "-", stdin="x\n")
    assert missing.exit_code == 2
    assert "outlive baseline create" in missing.stderr
    assert run("baseline", "create", "creds.env").exit_code == 0
    text = (tree / "creds.env").read_text(encoding="utf-8")
    assert run("scan", "--stdin-filename", "creds.env", "-", stdin=text).exit_code == 0


def test_stdin_filename_honours_the_config_exclude(tree: Path) -> None:
    (tree / "outlive.toml").write_text('exclude = ["vendor/**"]\n', encoding="utf-8")
    text = f"X={KEY}\n"
    assert run("scan", "--stdin-filename", "vendor/x.env", "-", stdin=text).exit_code == 0
    assert run("scan", "--stdin-filename", "app/x.env", "-", stdin=text).exit_code == 1
