"""``--format github``: annotations within GitHub's per-step limits, most severe first, and the
Markdown job summary written to ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.findings import Category, Finding, Lifetime, Location, Precision, ScanError, Severity
from scanner.pipeline import ScanResult, Stats
from scanner.reporters import REPORTERS, ReportOptions
from scanner.reporters.github import ANNOTATIONS_PER_LEVEL, SUMMARY_TOP, code, summary

COMMAND = re.compile(r"^::(?P<cmd>error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)$")
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)


def finding(path: str, line: int, severity: Severity, rule: str = "LLC-SRC-001") -> Finding:
    return Finding(
        location=Location(path, line, 1, line, 5),
        rule_id=rule,
        rule_name="aws-access-key",
        category=Category.STATIC_SECRET,
        severity=severity,
        precision=Precision.HIGH,
        message="A key.",
        snippet="x",
        fingerprint=f"{line:032d}",
        owasp=("NHI2",),
        lifetime=Lifetime.static(),
        fix="Rotate it.",
    )


def result_of(findings: list[Finding], errors: tuple[ScanError, ...] = ()) -> ScanResult:
    findings.sort(key=lambda f: f.sort_key)
    return ScanResult(Path(), tuple(findings), errors, (), Stats(3, 0, 100))


def commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    out = []
    for line in text.splitlines():
        match = COMMAND.match(line)
        assert match, line
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        out.append((match["cmd"], props, match["data"]))
    return out


def render(result: ScanResult) -> list[tuple[str, dict[str, str], str]]:
    return commands(REPORTERS["github"](result, ReportOptions()))


def test_under_the_limits_every_finding_is_annotated_most_severe_first() -> None:
    findings = [finding("b.py", 1, Severity.LOW), finding("a.py", 9, Severity.MEDIUM),
                finding("a.py", 2, Severity.CRITICAL), finding("z.py", 1, Severity.HIGH),
                finding("c.py", 4, Severity.HIGH)]
    shown = render(result_of(findings))
    assert [(c, p["file"], p["line"]) for c, p, _ in shown] == [
        ("error", "a.py", "2"),  # critical
        ("error", "c.py", "4"),  # high, by path
        ("error", "z.py", "1"),
        ("warning", "a.py", "9"),
        ("notice", "b.py", "1"),
    ]
    assert not any("more finding" in data for _, _, data in shown)


def test_past_the_limits_the_most_severe_are_kept_and_a_notice_counts_the_rest() -> None:
    findings = []
    line = 0
    for severity in SEVERITIES:
        for _ in range(12):
            line += 1
            findings.append(finding(f"f{line % 5}.py", line, severity))
    shown = render(result_of(findings))
    levels = [c for c, _, _ in shown]
    assert levels.count("error") == ANNOTATIONS_PER_LEVEL
    assert levels.count("warning") == ANNOTATIONS_PER_LEVEL
    assert levels.count("notice") == ANNOTATIONS_PER_LEVEL  # nine findings and the count
    # The ten errors are the twelve criticals' first ten: no high one got in before them.
    errors = [int(p["line"]) for c, p, _ in shown if c == "error"]
    assert all(1 <= n <= 12 for n in errors)
    # Most severe first, then by path and line.
    expected = sorted(
        (f for f in findings if f.severity is Severity.CRITICAL),
        key=lambda f: (f.location.path, f.location.line),
    )[:ANNOTATIONS_PER_LEVEL]
    assert errors == [f.location.line for f in expected]
    cmd, props, data = shown[-1]
    assert cmd == "notice"
    assert props == {"title": "outlive%3A more findings"}
    # 48 findings: 10 errors, 10 warnings and 9 notices shown.
    assert data.startswith("19 more findings of 48 not shown as annotations")
    assert "--format text" in data
    assert "sarif" in data


def test_scan_errors_share_the_budget_rule_errors_first() -> None:
    findings = [finding(f"k{i:02d}.py", 1, Severity.CRITICAL) for i in range(11)]
    errors = (
        ScanError("rules.py", "rule LLC-X crashed", level="error", kind="rule"),
        ScanError("broken.tf", "cannot parse", level="warning"),
    )
    shown = render(result_of(findings, errors))
    assert shown[0][1]["title"] == "outlive scan error"
    assert shown[0][0] == "error"
    assert sum(1 for c, _, _ in shown if c == "error") == ANNOTATIONS_PER_LEVEL
    assert shown[-1][2].startswith("2 more findings of 11 not shown as annotations")
    assert any(p.get("file") == "broken.tf" for _, p, _ in shown)


def test_exactly_at_the_limit_no_notice() -> None:
    findings = [finding(f"k{i:02d}.py", 1, Severity.LOW) for i in range(ANNOTATIONS_PER_LEVEL)]
    shown = render(result_of(findings))
    assert len(shown) == ANNOTATIONS_PER_LEVEL
    assert not any("more finding" in data for _, _, data in shown)


# -- job summary --------------------------------------------------------------------------------


def test_summary_counts_by_rule_and_severity() -> None:
    findings = [finding("a.py", 1, Severity.CRITICAL), finding("a.py", 2, Severity.CRITICAL),
                finding("b.py", 1, Severity.MEDIUM, rule="LLC-PY-001")]
    text = summary(result_of(findings), ReportOptions())
    assert "**3 findings** (2 critical, 1 medium) in 3 files." in text
    lines = text.splitlines()
    header = lines.index("| rule | critical | medium | total |")
    assert lines[header + 2] == "| `LLC-SRC-001` `aws-access-key` | 2 |  | 2 |"
    assert lines[header + 3] == "| `LLC-PY-001` `aws-access-key` |  | 1 | 1 |"
    rows = [line for line in lines if line.startswith("| critical |")]
    assert rows == ["| critical | `a.py:1` | `LLC-SRC-001` | `static` |",
                    "| critical | `a.py:2` | `LLC-SRC-001` | `static` |"]


def test_summary_lists_the_top_findings_only() -> None:
    findings = [finding(f"f{i:03d}.py", 1, Severity.LOW) for i in range(SUMMARY_TOP + 5)]
    findings.append(finding("zzz.py", 1, Severity.CRITICAL))
    text = summary(result_of(findings), ReportOptions())
    assert "### Top findings" in text
    rows = [line for line in text.splitlines() if line.startswith(("| low |", "| critical |"))]
    assert len(rows) == SUMMARY_TOP
    assert rows[0].startswith("| critical | `zzz.py:1`")
    assert "6 more findings: `outlive scan --format text` lists every one." in text


def test_summary_without_findings() -> None:
    text = summary(result_of([]), ReportOptions())
    assert "**No findings** in 3 files." in text
    assert "|" not in text


@pytest.mark.parametrize(
    "name",
    [
        "<img src=x onerror=alert(1)>.py",
        "[click](https://evil.example).py",
        "a|<b>c</b>|d.py",
        "a\\|<b>|.py",
        "tick`</code><script>`.py",
        "``double``.py",
        "`edge",
        "line\nbreak|.py",
        "@octocat #1 www.example.com :smile:.py",
    ],
)
def test_file_derived_text_stays_inside_one_code_span(name: str) -> None:
    span = code(name)
    fence = re.match(r"`+", span)
    assert fence
    ticks = fence.group()
    # The span ends only at its closing fence: no run of exactly that many backticks inside.
    body = span[len(ticks) : -len(ticks)]
    assert span.endswith(ticks)
    assert not re.search(rf"(?<!`){ticks}(?!`)", body)
    assert "\n" not in span
    # Every pipe is escaped, so a table cell never ends inside the span.
    assert not re.search(r"(?<!\\)\|", body)
    text = summary(result_of([finding(name, 3, Severity.HIGH)]), ReportOptions())
    assert f"| high | {code(name + ':3')} |" in text


def test_summary_never_holds_a_secret_or_a_snippet(tmp_path: Path, monkeypatch) -> None:
    key = fake_token("AKIA", 16, BASE32_UPPER, seed=901)
    (tmp_path / "creds.env").write_text(f"AWS_ACCESS_KEY_ID={key}\n", encoding="utf-8")
    target = tmp_path / "summary.md"
    target.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "github", "."])
    assert res.exit_code == 1, res.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## outlive")  # appended, not overwritten
    assert "`creds.env:1`" in text
    assert "`LLC-SRC-001`" in text
    assert key not in text
    assert key[:8] not in text
    assert "AWS_ACCESS_KEY_ID" not in text  # no snippet
    assert key not in res.stdout


def test_no_summary_without_the_variable_or_in_other_formats(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.tf").write_text('resource "aws_iam_access_key" "k" {\n  user = "u"\n}\n',
                                   encoding="utf-8")
    target = tmp_path / "summary.md"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert CliRunner().invoke(main, ["scan", "--format", "github", "."]).exit_code == 1
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert CliRunner().invoke(main, ["scan", "--format", "json", "."]).exit_code == 1
    assert not target.exists()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    assert CliRunner().invoke(main, ["scan", "--format", "github", "."]).exit_code == 1
    assert not target.exists()


def test_summary_write_failure_is_a_warning(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a.tf").write_text('resource "aws_iam_access_key" "k" {\n  user = "u"\n}\n',
                                   encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "dir" / "s.md"))
    res = CliRunner().invoke(main, ["scan", "--format", "github", "."])
    assert res.exit_code == 1  # the findings' code, not 2
    assert res.stdout.startswith("::error file=a.tf")
    assert "outlive: warning: cannot write the job summary to " in res.stderr
    assert "Traceback" not in res.output


def test_github_format_end_to_end_caps_annotations(tmp_path: Path, monkeypatch) -> None:
    for i in range(14):
        (tmp_path / f"k{i:02d}.tf").write_text(
            f'resource "aws_iam_access_key" "k{i}" {{\n  user = "u"\n}}\n', encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "github", "."])
    assert res.exit_code == 1
    shown = commands(res.stdout)
    assert [c for c, _, _ in shown].count("error") == ANNOTATIONS_PER_LEVEL
    assert shown[-1][2].startswith("4 more findings of 14 not shown as annotations")
