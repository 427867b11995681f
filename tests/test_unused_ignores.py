"""Suppressions kept honest: unused ones reported (--report-unused-ignores, exit 1 like ruff's
RUF100), a warning before an ``until=`` ends one, ``until`` shown with --show-suppressed, and
other scanners' pragmas honoured only with --honour-other-pragmas."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.config import Config
from scanner.engine import UNUSED_KIND, Engine, FileResult
from scanner.registry import select_rules
from scanner.suppress import parse_text

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=171)
OTHER = fake_token("AKIA", 16, BASE32_UPPER, seed=172)
TODAY = dt.date(2026, 12, 8)


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def cli(*args: str) -> Result:
    return run("scan", "--no-cache", *args)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan_text(
    text: str, *, rules: tuple[str, ...] = ("LLC-SRC",), **config: object
) -> FileResult:
    """Findings and errors of one file, through the engine, on a fixed day."""
    engine = Engine(select_rules(select=rules), Config(**config), today=TODAY)  # type: ignore[arg-type]
    return engine.scan_bytes("app/settings.py", text.encode())


# -- unused ignores -----------------------------------------------------------------------------


def test_an_ignore_that_matched_nothing_is_reported_only_when_asked() -> None:
    text = (
        'A = "nothing here"  # outlive: ignore[LLC-SRC-001] reason="fixed long ago"\n'
        f'B = "{KEY}"  # outlive: ignore[LLC-SRC-001] reason="replay fixture"\n'
    )
    quiet = scan_text(text)
    assert not [e for e in quiet.errors if e.kind == UNUSED_KIND]
    result = scan_text(text, report_unused_ignores=True)
    unused = [e for e in result.errors if e.kind == UNUSED_KIND]
    # Line 1 covers line 2 as well, so it is the one that suppressed B; line 2's is unused.
    assert [(e.line, e.level) for e in unused] == [(2, "warning")]
    assert "matched no LLC-SRC-001 finding" in unused[0].message
    assert KEY not in unused[0].message
    assert all(f.suppression is not None for f in result.findings)


def test_each_unused_id_of_a_directive_is_named() -> None:
    text = f'B = "{KEY}"  # outlive: ignore[LLC-SRC-001,LLC-SRC-002,LLC-SRC-999] reason="r"\n'
    result = scan_text(text, report_unused_ignores=True)
    messages = sorted(e.message for e in result.errors if e.kind == UNUSED_KIND)
    assert len(messages) == 2
    assert "matched no LLC-SRC-002 finding" in messages[0]
    assert "names LLC-SRC-999, which is not an outlive rule" in messages[1]


def test_ids_the_scan_did_not_run_are_not_judged() -> None:
    text = 'A = "x"  # outlive: ignore[LLC-PY-001] reason="jwt minted for a fixture"\n'
    # LLC-PY-001 is not selected: the directive may well be needed; no report.
    result = scan_text(text, rules=("LLC-SRC",), report_unused_ignores=True)
    assert not [e for e in result.errors if e.kind == UNUSED_KIND]
    # Per-path ignored: not judged either.
    result = scan_text(
        text,
        rules=("LLC-PY-001",),
        report_unused_ignores=True,
        per_path_ignores=(("app/**", ("LLC-PY-001",)),),
    )
    assert not [e for e in result.errors if e.kind == UNUSED_KIND]
    result = scan_text(text, rules=("LLC-PY-001",), report_unused_ignores=True)
    assert [e.line for e in result.errors if e.kind == UNUSED_KIND] == [1]


def test_pragmas_of_other_tools_are_never_reported_unused() -> None:
    text = 'A = "x"  # pragma: allowlist secret\nB = "y"  # gitleaks:allow\n'
    result = scan_text(text, report_unused_ignores=True, honour_other_pragmas=True)
    assert not [e for e in result.errors if e.kind == UNUSED_KIND]


def test_report_unused_ignores_exits_1(repo: Path) -> None:
    (repo / "a.py").write_text(
        'A = "x"  # outlive: ignore[LLC-SRC-001] reason="key removed"\n', encoding="utf-8"
    )
    assert cli().exit_code == 0
    result = cli("--report-unused-ignores")
    assert result.exit_code == 1
    assert "outlive: warning: a.py:1: unused suppression" in result.stderr
    assert cli("--report-unused-ignores", "--exit-zero").exit_code == 0
    # JSON lists it among the errors, at level warning.
    result = cli("--report-unused-ignores", "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["kind"], e["level"], e["line"]) for e in errors] == [(UNUSED_KIND, "warning", 1)]


# -- expiry ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "warned"),
    [
        (TODAY, "(today)"),
        (TODAY + dt.timedelta(days=1), "(in 1 day)"),
        (TODAY + dt.timedelta(days=13), "(in 13 days)"),
        (TODAY + dt.timedelta(days=14), None),
        (TODAY + dt.timedelta(days=200), None),
    ],
)
def test_a_suppression_about_to_expire_warns(until: dt.date, warned: str | None) -> None:
    text = f'B = "{KEY}"  # outlive: ignore[LLC-SRC-001] reason="rotating" until={until}\n'
    result = scan_text(text)
    assert result.findings[0].suppression is not None
    assert result.findings[0].suppression.until == until.isoformat()
    notes = [e.message for e in result.errors if "expires on" in e.message]
    if warned is None:
        assert notes == []
    else:
        assert len(notes) == 1
        assert warned in notes[0]
        assert [e.level for e in result.errors] == ["warning"]


def test_an_expiring_suppression_that_matched_nothing_does_not_warn() -> None:
    text = f'A = "x"  # outlive: ignore[LLC-SRC-001] reason="r" until={TODAY}\n'
    assert scan_text(text).errors == ()


def test_show_suppressed_shows_until(repo: Path) -> None:
    (repo / "a.py").write_text(
        f'B = "{KEY}"  # outlive: ignore[LLC-SRC-001] reason="replay fixture" until=2099-01-31\n',
        encoding="utf-8",
    )
    result = cli("--show-suppressed", "--no-color")
    assert result.exit_code == 0
    assert "suppressed (inSource): replay fixture (until 2099-01-31)" in result.stdout
    # The cache keeps it: a second, cached run shows the same.
    cache = ["--cache-dir", str(repo.parent / f"{repo.name}-cache")]
    first = run("scan", "--show-suppressed", "--no-color", *cache)
    again = run("scan", "--show-suppressed", "--no-color", *cache)
    assert "(until 2099-01-31)" in first.stdout
    assert again.stdout == first.stdout


# -- other tools' pragmas -------------------------------------------------------------------------


@pytest.mark.parametrize("pragma", ["gitleaks:allow", "trufflehog:ignore"])
def test_other_pragmas_only_with_the_flag(repo: Path, pragma: str) -> None:
    (repo / "a.py").write_text(f'B = "{KEY}"  # {pragma}\n', encoding="utf-8")
    assert cli().exit_code == 1
    result = cli("--honour-other-pragmas", "--show-suppressed", "--no-color")
    assert result.exit_code == 0
    assert f"suppressed (inSource): {pragma}" in result.stdout


def test_other_pragmas_count_only_in_comments_and_on_their_line() -> None:
    text = f'B = "{KEY} gitleaks:allow"\n# gitleaks:allow\nC = "{OTHER}"\n'
    directives, _ = parse_text(text, python=True, other_pragmas=True)
    assert [d.line for d in directives] == [2]
    assert directives[0].covers(2)
    assert not directives[0].covers(3)
    assert parse_text(text, python=True) == ([], [])
    result = scan_text(text, honour_other_pragmas=True)
    assert [f.suppression for f in result.findings if f.location.line == 3] == [None]


@pytest.mark.parametrize(
    ("comment", "reason"),
    [
        ("# trufflehog:ignore", "trufflehog:ignore (trufflehog)"),
        (
            "# trufflehog:ignore (dummy key the unit test builds)",
            "trufflehog:ignore (trufflehog): dummy key the unit test builds",
        ),
        (
            "# vendor:ignore X + gitleaks:allow + trufflehog:ignore -- a synthetic key shape",
            "gitleaks:allow (gitleaks): trufflehog:ignore -- a synthetic key shape",
        ),
    ],
)
def test_other_pragmas_keep_the_text_after_them(comment: str, reason: str) -> None:
    result = scan_text(f'B = "{KEY}"  {comment}\n', honour_other_pragmas=True)
    [finding] = result.findings
    assert finding.suppression is not None
    assert finding.suppression.justification == reason
