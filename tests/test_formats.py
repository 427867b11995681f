"""Output contracts of the text, json and github formats (design.md section 7)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_pem, fake_token
from scanner.cli import main
from scanner.findings import Category, Finding, Lifetime, Location, Precision, Severity
from scanner.pipeline import ScanResult, Stats
from scanner.reporters import REPORTERS, ReportOptions

ROOT = Path(__file__).resolve().parent.parent
KEY_1 = fake_token("AKIA", 16, BASE32_UPPER, seed=101)
KEY_2 = fake_token("AKIA", 16, BASE32_UPPER, seed=102)
KEY_3 = fake_token("AKIA", 16, BASE32_UPPER, seed=103)

FILES = {
    ".env": f"REGION=eu-west-1\nAWS_ACCESS_KEY_ID={KEY_1}\n\n\nBACKUP_KEY_ID={KEY_2}\n",
    "app/tokens.py": (
        "import jwt\n\n\n"
        "def one(key):\n"
        "    return jwt.encode({'sub': 'a'}, key)\n\n\n"
        "def two(key):\n"
        f"    return jwt.encode({{'sub': 'b', 'kid': '{KEY_3}'}}, key)\n"
    ),
    "infra/main.tf": 'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n',
    "keys/deploy_key.txt": "deploy key\n" + fake_pem("RSA PRIVATE KEY", seed=5) + "\n",
    ".github/workflows/deploy.yml": (
        "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
        "        with:\n"
        "          aws-access-key-id: ${{ secrets.KEY_ID }}\n"
        "          aws-secret-access-key: ${{ secrets.SECRET }}\n"
        "          role-duration-seconds: 43200\n"
    ),
    # A malformed file, so that every format also carries a scan error.
    "infra/broken.tf": 'resource "aws_iam_access_key" "old" {\n  user = "old"\n\n',
}

EXPECTED = [
    (".env", 2, "LLC-SRC-001"),
    (".env", 5, "LLC-SRC-001"),
    (".github/workflows/deploy.yml", 7, "LLC-GHA-001"),
    (".github/workflows/deploy.yml", 9, "LLC-GHA-001"),
    ("app/tokens.py", 5, "LLC-PY-001"),
    ("app/tokens.py", 9, "LLC-PY-001"),
    ("app/tokens.py", 9, "LLC-SRC-001"),
    ("infra/broken.tf", 1, "LLC-IAC-001"),
    ("infra/main.tf", 1, "LLC-IAC-001"),
    ("keys/deploy_key.txt", 2, "LLC-SRC-007"),
]


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(*args: str):
    res = CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)
    assert res.exit_code == 1, res.output
    return res


def sort_key(path: str, line: int, column: int, rule: str) -> tuple[str, int, int, str]:
    return (path, line, column, rule)


# -- text ---------------------------------------------------------------------------------------

HEAD = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>LLC-[A-Z]+-\d{3}) "
    r"(?P<sev>critical|high|medium|low|info) \[(?P<nhi>NHI\d+(?:,NHI\d+)*)\] (?P<msg>\S.*)$"
)


def test_text_blocks(tree):
    res = scan(".")
    blocks = res.stdout.rstrip("\n").split("\n\n")
    summary = blocks.pop().splitlines()
    heads = []
    for block in blocks:
        lines = block.splitlines()
        match = HEAD.match(lines[0])
        assert match, lines[0]
        heads.append(match)
        assert any(re.fullmatch(r"    lifetime: \S+", line) for line in lines), block
        assert any(line.startswith("    fix: ") and len(line) > 12 for line in lines), block
        assert any(re.fullmatch(r"\s+\d+ \| .*", line) for line in lines), "snippet line"
        assert any(re.fullmatch(r"\s+\| *\^+", line) for line in lines), "caret line"
    found = [(m["path"], int(m["line"]), m["rule"]) for m in heads]
    assert found == EXPECTED
    keys = [sort_key(m["path"], int(m["line"]), int(m["col"]), m["rule"]) for m in heads]
    assert keys == sorted(keys)
    assert summary == [
        "10 findings (1 critical, 8 high, 1 medium; 2 ci-static-credential, "
        "2 iac-long-lived-credential, 2 non-expiring-token, 4 static-secret) in 6 files."
    ]
    # Scan errors go to stderr, never into the report.
    assert res.stderr == (
        "outlive: warning: infra/broken.tf:4: HCL syntax error near line 4; "
        "the blocks that parsed were checked\n"
    )
    assert "HCL syntax error" not in res.stdout


def test_text_summary_counts(tree):
    data = json.loads(scan("--format", "json", ".").stdout)
    summary = scan(".").stdout.rstrip("\n").splitlines()[-1]
    counts = {}
    for finding in data["findings"]:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    assert summary.startswith(f"{len(data['findings'])} findings (")
    for severity, n in counts.items():
        assert f"{n} {severity}" in summary
    assert summary.endswith(f" in {data['stats']['files_scanned']} files.")


def test_text_color(tree, monkeypatch):
    assert "\033[" not in scan(".").stdout  # not a terminal
    colored = scan("--color", ".").stdout
    assert "\033[31mhigh\033[0m" in colored
    assert re.sub(r"\033\[[0-9;]*m", "", colored) == scan(".").stdout
    assert "\033[" not in scan("--color", "--format", "json", ".").stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in scan(".").stdout


# -- json ---------------------------------------------------------------------------------------

FINDING_FIELDS = {
    "rule", "name", "category", "severity", "precision", "message", "location", "snippet",
    "fingerprint", "owasp", "lifetime", "fix", "related", "notes", "suppression",
}


def test_json_document(tree):
    data = json.loads(scan("--format", "json", ".").stdout)
    assert data["version"] == 1
    assert data["tool"]["name"] == "outlive"
    assert data["tool"]["version"]
    assert set(data) >= {"version", "tool", "findings", "errors", "stats"}
    findings = data["findings"]
    assert [(f["location"]["path"], f["location"]["line"], f["rule"]) for f in findings] == EXPECTED
    for f in findings:
        assert set(f) >= FINDING_FIELDS, FINDING_FIELDS - set(f)
        loc = f["location"]
        assert set(loc) == {"path", "line", "column", "end_line", "end_column"}
        assert all(isinstance(loc[k], int) and loc[k] >= 1 for k in loc if k != "path")
        assert (loc["end_line"], loc["end_column"]) >= (loc["line"], loc["column"])
        assert f["category"] in {c.value for c in Category}
        assert f["severity"] in {s.value for s in Severity}
        assert f["precision"] in {p.value for p in Precision}
        assert re.fullmatch(r"[0-9a-f]{32}", f["fingerprint"])
        assert f["owasp"]
        assert all(re.fullmatch(r"NHI\d+", o) for o in f["owasp"])
        assert re.fullmatch(r"static|none|unknown|P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?", f["lifetime"])
        assert f["message"].endswith(".")
        assert f["fix"]
        assert f["snippet"]
        assert f["suppression"] is None
    keys = [
        sort_key(f["location"]["path"], f["location"]["line"], f["location"]["column"], f["rule"])
        for f in findings
    ]
    assert keys == sorted(keys)
    [error] = data["errors"]
    assert error["path"] == "infra/broken.tf"
    assert error["level"] == "warning"
    assert error["kind"] == "parse"
    assert error["message"]
    stats = data["stats"]
    assert stats["files_scanned"] == 6
    assert stats["findings"] == len(findings)
    assert stats["suppressed"] == 0


def test_json_lifetimes(tree):
    data = json.loads(scan("--format", "json", ".").stdout)
    by_line = {(f["location"]["path"], f["location"]["line"]): f for f in data["findings"]}
    assert by_line[(".env", 2)]["lifetime"] == "static"
    assert by_line[("app/tokens.py", 5)]["lifetime"] == "none"
    session = by_line[(".github/workflows/deploy.yml", 9)]
    assert session["lifetime"] == "PT12H"
    # Twelve times the one-hour threshold: medium on the shared session scale (above 4x).
    assert session["severity"] == "medium"


# -- github -------------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<cmd>error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$")


def test_github_commands(tree):
    res = scan("--format", "github", ".")
    lines = res.stdout.splitlines()
    assert lines
    findings = []
    commands = []
    for line in lines:
        match = COMMAND.match(line)
        assert match, line
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        assert set(props) <= {"file", "line", "col", "endLine", "endColumn", "title"}
        assert "\n" not in match["data"]
        assert "\r" not in match["data"]
        if props["title"] == "outlive scan error":
            continue
        findings.append((props["file"], int(props["line"]), int(props["col"]), props["title"]))
        commands.append(match["cmd"])
        level = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}
        assert match["cmd"] in level.values()
    assert sorted((p, line, t.split()[0]) for p, line, _, t in findings) == EXPECTED
    # Most severe first (GitHub shows only the first few of each level), then by location.
    ranks = [("error", "warning", "notice").index(c) for c in commands]
    assert ranks == sorted(ranks)
    # The scan error is an annotation too (the log shows it under the job).
    assert any(line.startswith("::warning file=infra/broken.tf") for line in lines)


def _finding(path: str, message: str) -> Finding:
    return Finding(
        location=Location(path, 3, 5, 3, 9),
        rule_id="LLC-SRC-001",
        rule_name="aws-access-key",
        category=Category.STATIC_SECRET,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        message=message,
        snippet="x",
        fingerprint="0" * 32,
        owasp=("NHI2",),
        lifetime=Lifetime.static(),
        fix="Rotate: now, 100%.",
    )


def test_github_escaping():
    finding = _finding("odd,dir/a:b%c.py", "Line one: 50% done\r\nline two, with a comma.")
    result = ScanResult(Path(), (finding,), (), (), Stats(1, 0, 10))
    [line] = REPORTERS["github"](result, ReportOptions()).splitlines()
    match = COMMAND.match(line)
    assert match, line
    assert match["cmd"] == "warning"
    props = dict(p.split("=", 1) for p in match["props"].split(","))
    assert props["file"] == "odd%2Cdir/a%3Ab%25c.py"
    assert props["title"] == "LLC-SRC-001 aws-access-key"
    assert match["data"].startswith("Line one: 50%25 done%0D%0Aline two, with a comma.")
    assert "100%25." in match["data"]


# -- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "gitlab"])
def test_no_absolute_paths(tree, fmt, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # gitlab reports carry times
    (tree / "dangling.py").symlink_to(tree / "gone.py")
    res = scan("--format", fmt, ".")
    # The same tree given by its absolute path from somewhere else reports the same paths.
    monkeypatch.chdir(ROOT)
    res_abs = scan("--no-cache", "--format", fmt, str(tree))
    assert res_abs.stdout == res.stdout
    assert res_abs.stderr == res.stderr
    for text in (res.stdout, res.stderr):
        assert str(tree) not in text
        assert str(tree.resolve()) not in text
        assert "dangling.py" in res.stdout + res.stderr
    assert "\\" not in re.sub(r'\\[nu"\\]', "", res.stdout)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "gitlab"])
def test_deterministic(tree, fmt, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # gitlab reports carry times
    first = scan("--format", fmt, ".")
    second = scan("--format", fmt, ".")
    assert first.stdout == second.stdout
    assert first.stderr == second.stderr
