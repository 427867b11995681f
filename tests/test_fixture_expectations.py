"""The demo repository's findings, exactly: a lost finding and an extra one both fail.

``fixtures/demo-repo`` is the first thing a new user scans (the README's Quickstart), so its
files carry no test markers: what outlive must report there is the table below, one row per
finding, ``(path inside the demo, line, rule, severity)``. The scan is the user's: the real
command line, every rule, ``--show-info`` so that the info-level documentation key counts too.
Every directory under ``fixtures/`` needs a table here, so a new fixture cannot go unchecked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

Row = tuple[str, int, str, str]

EXPECTED: dict[str, frozenset[Row]] = {
    "demo-repo": frozenset(
        {
            # A stored AWS key handed to configure-aws-credentials where OIDC exists.
            (".github/workflows/deploy.yml", 13, "LLC-GHA-001", "high"),
            # An agent's MCP server given a literal API key.
            (".mcp.json", 8, "LLC-AGT-001", "high"),
            # The fake session: a refresh grant, repeated for ever by a background thread.
            ("app/ledger_sync.py", 37, "LLC-FS-001", "medium"),
            ("app/ledger_sync.py", 63, "LLC-FS-003", "high"),
            # AWS's documentation key: info only, never a failure.
            ("app/settings.py", 8, "LLC-SRC-001", "info"),
            # reporting_token() mints a JWT without `exp`; service_token() above it is fine.
            ("app/tokens.py", 21, "LLC-PY-001", "high"),
            # A committed private key (its body is base64 of an English sentence).
            ("deploy/ledger-sync-deploy.key", 1, "LLC-SRC-007", "critical"),
            # A broker password inside a URL in the systemd unit.
            ("deploy/ledger-sync.service", 10, "LLC-SRC-013", "high"),
            # Long-term IAM access keys created by CloudFormation and Terraform.
            ("infra/legacy-stack.yaml", 11, "LLC-IAC-001", "high"),
            ("infra/main.tf", 12, "LLC-IAC-001", "high"),
            # One of reporting_token()'s tokens, pasted into the report job's config.
            ("reporting/nightly.env", 4, "LLC-SRC-012", "high"),
        }
    ),
}


def _scan(fixture: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        main,
        ["scan", "--no-cache", "--jobs", "1", "--show-info", "--format", "json",
         f"fixtures/{fixture}"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def _inside(path: str, fixture: str) -> str:
    """A finding's path relative to the fixture, whichever root the report is relative to."""
    prefix = f"fixtures/{fixture}/"
    return path[len(prefix):] if path.startswith(prefix) else path


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_fixture_findings_are_exactly_the_table(fixture: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    report = _scan(fixture, monkeypatch)
    # Notes (a file skipped on purpose) may come and go; nothing may be left unread.
    problems = [e for e in report["errors"] if e["level"] != "note"]
    assert problems == [], problems
    messages = {
        (_inside(f["location"]["path"], fixture), f["location"]["line"], f["rule"],
         f["severity"]): f["message"]
        for f in report["findings"]
    }
    assert len(messages) == len(report["findings"]), "two findings share a row"
    found = set(messages)
    expected = EXPECTED[fixture]
    lines = []
    for row in sorted(expected - found):
        lines.append(f"missing:    {row}")
    for row in sorted(found - expected):
        lines.append(f"unexpected: {row} {messages[row]}")
    assert not lines, "\n" + "\n".join(lines)


def test_every_fixture_directory_has_a_table() -> None:
    directories = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert directories == set(EXPECTED), (
        "each directory under fixtures/ needs its expected findings in EXPECTED"
    )


def test_table_names_real_rules_and_files() -> None:
    known = {r.META.id for r in all_rules()}
    for fixture, rows in EXPECTED.items():
        for path, line, rule, severity in rows:
            assert rule in known, rule
            assert severity in {"critical", "high", "medium", "low", "info"}, severity
            file = FIXTURES / fixture / path
            assert file.is_file(), file
            assert 1 <= line <= len(file.read_text(encoding="utf-8").splitlines()), (path, line)


def test_fixtures_carry_no_test_markers() -> None:
    """The demo is a demo: no `expect:` comment for a reader to wonder about."""
    marked = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(FIXTURES.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
        for number, line in enumerate(
            path.read_bytes().decode("utf-8", "replace").splitlines(), start=1
        )
        if "expect:" in line
    ]
    assert not marked, marked


def test_demo_readme_names_every_flagged_file() -> None:
    """The demo's README says what is flagged: it must not drift from the table."""
    readme = (FIXTURES / "demo-repo" / "README.md").read_text(encoding="utf-8")
    unnamed = sorted(
        path
        for path, _, _, severity in EXPECTED["demo-repo"]
        if severity != "info"
        and f"`{path}`" not in readme
        and f"`{path.split('/', 1)[0]}/`" not in readme
    )
    assert not unnamed, unnamed
