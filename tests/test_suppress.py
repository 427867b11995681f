"""Inline suppressions: the strict grammar (table-driven), then end to end through the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.suppress import Directive, DirectiveError, parse_line, parse_text

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=31)
IGN = 'outlive: ignore[LLC-SRC-001] reason="rotated in 2024"'

# -- accepted ----------------------------------------------------------------------------------

# (line, rule ids, reason, until)
ACCEPTED: list[tuple[str, tuple[str, ...], str, dt.date | None]] = [
    (f"key = 1  # {IGN}", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"# {IGN}", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"#{IGN}", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"const k = 1; // {IGN}", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"select 1 -- {IGN}", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"<!-- {IGN} -->", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"<p>x</p> <!--{IGN}-->", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"int k = 1; /* {IGN} */", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"key=1 ; {IGN}", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"; {IGN}", ("LLC-SRC-001",), "rotated in 2024", None),
    (f"{{{{/* {IGN} */}}}}", ("LLC-SRC-001",), "rotated in 2024", None),  # Helm template
    (
        'x  # outlive: ignore[LLC-SRC-001,LLC-GHA-001] reason="both"',
        ("LLC-SRC-001", "LLC-GHA-001"),
        "both",
        None,
    ),
    (
        'x  # outlive: ignore[LLC-SRC-001, LLC-GHA-001, LLC-PY-001] reason="three"',
        ("LLC-SRC-001", "LLC-GHA-001", "LLC-PY-001"),
        "three",
        None,
    ),
    (
        'x  # outlive: ignore[LLC-SRC-001] reason="r" until=2027-01-31',
        ("LLC-SRC-001",),
        "r",
        dt.date(2027, 1, 31),
    ),
    (
        'x  # outlive: ignore[LLC-SRC-001] until=2027-01-31 reason="r"',
        ("LLC-SRC-001",),
        "r",
        dt.date(2027, 1, 31),
    ),
    ("x  # outlive: ignore[LLC-SRC-001] reason=bare-word", ("LLC-SRC-001",), "bare-word", None),
    ('x  # outlive:   ignore[LLC-SRC-001]   reason="spaced"  ', ("LLC-SRC-001",), "spaced", None),
]


@pytest.mark.parametrize(("text", "ids", "reason", "until"), ACCEPTED)
def test_accepted(text: str, ids: tuple[str, ...], reason: str, until: dt.date | None) -> None:
    parsed = parse_line(text, 7)
    assert parsed == Directive(7, ids, reason, until)
    assert parsed.covers(7)
    assert parsed.covers(8)
    assert not parsed.covers(9)
    assert not parsed.covers(6)


def test_blanket_when_allowed() -> None:
    parsed = parse_line('x  # outlive: ignore reason="all of them"', 1, allow_blanket=True)
    assert isinstance(parsed, Directive)
    assert parsed.rule_ids == ()
    assert parsed.applies_to("LLC-SRC-001")
    assert parsed.applies_to("LLC-PY-001")


def test_reason_optional_when_not_required() -> None:
    parsed = parse_line("x  # outlive: ignore[LLC-SRC-001]", 1, require_reason=False)
    assert parsed == Directive(1, ("LLC-SRC-001",), "", None)


def test_applies_only_to_named_rules() -> None:
    parsed = parse_line(f"# {IGN}", 1)
    assert isinstance(parsed, Directive)
    assert parsed.applies_to("LLC-SRC-001")
    assert not parsed.applies_to("LLC-SRC-007")


def test_expiry() -> None:
    parsed = parse_line('# outlive: ignore[LLC-SRC-001] reason="r" until=2027-01-31', 1)
    assert isinstance(parsed, Directive)
    assert not parsed.expired(dt.date(2027, 1, 31))  # the until day itself still suppresses
    assert parsed.expired(dt.date(2027, 2, 1))


# -- refused -----------------------------------------------------------------------------------

# (line, words the message must contain, parse_line keyword arguments)
REFUSED: list[tuple[str, str, dict[str, bool]]] = [
    ('x  # outlive: ignore reason="all"', "blanket", {}),
    ('x  # outlive: ignore[] reason="all"', "blanket", {}),
    ("x  # outlive: ignore", "blanket", {}),
    ("x  # outlive: ignore[LLC-SRC-001]", "reason", {}),
    ("x  # outlive: ignore[LLC-SRC-001] until=2027-01-31", "reason", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason=""', "empty reason", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="  "', "empty reason", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason=""', "empty reason", {"require_reason": False}),
    ('x  # outlive: ignore[SRC-001] reason="r"', "'SRC-001'", {}),
    ('x  # outlive: ignore[llc-src-001] reason="r"', "'llc-src-001'", {}),
    ('x  # outlive: ignore[LLC-SRC-1] reason="r"', "'LLC-SRC-1'", {}),
    ('x  # outlive: ignore[LLC-SRC-001,] reason="r"', "not a rule id", {}),
    ('x  # outlive: ignore[LLC-SRC-001 LLC-SRC-007] reason="r"', "not a rule id", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r" until=2027-13-01', "until=2027-13-01", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r" until=2027-1-31', "YYYY-MM-DD", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r" until=20270131', "YYYY-MM-DD", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r" until=tomorrow', "YYYY-MM-DD", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r" owner=me', "unknown key `owner=`", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r" Until=2027-01-31', "Until", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="a" reason="b"', "twice", {}),
    ('x  # outlive: ignore[LLC-SRC-001] until=2027-01-01 reason="a" until=2027-01-02', "twice", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r" and more', "cannot read 'and more'", {}),
    ('x  # outlive: ignore[LLC-SRC-001] reason="r",', "cannot read ','", {}),
    ('x  # outlive: ignore[LLC-SRC-001]reason="r"', 'ignore[LLC-SRC-001]reason="r"', {}),
    ("x  # outlive: ignore[LLC-SRC-001] reason='single quoted'", "cannot read", {}),
    ('x  # outlive: disable[LLC-SRC-001] reason="r"', "unknown outlive directive 'disable", {}),
    ('x  # outlive: ignored[LLC-SRC-001] reason="r"', "unknown outlive directive 'ignored", {}),
    ("x  # outlive: noqa", "unknown outlive directive", {}),
    ("x  # outlive:", "empty outlive directive", {}),
    ('x  # outlive: ignore reason="r" extra', "cannot read", {"allow_blanket": True}),
]


@pytest.mark.parametrize(("text", "needle", "kwargs"), REFUSED)
def test_refused(text: str, needle: str, kwargs: dict[str, bool]) -> None:
    parsed = parse_line(text, 3, **kwargs)
    assert isinstance(parsed, DirectiveError), parsed
    assert parsed.line == 3
    assert needle in parsed.message


# -- neither a suppression nor an error --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "x = 1  # outlive: fixture",
        "<!-- outlive: fixture -->",
        "x = 1",
        'url = "http://outlive:8080/"',  # not in a comment
        'note = "#outlive: ignore"',  # no space before the comment marker
        "the outlive: ignore[LLC-SRC-001] directive",  # prose, no comment marker
    ],
)
def test_not_a_directive(text: str) -> None:
    assert parse_line(text, 1) is None


@pytest.mark.parametrize(
    ("text", "covered", "not_covered"),
    [
        ('password = "abc"  # pragma: allowlist secret', 4, (3, 5)),
        ("# pragma: allowlist nextline secret", 5, (3, 4, 6)),
        ('key: "abc"  # pragma:allowlist secret', 4, (5,)),
    ],
)
def test_detect_secrets_pragma(text: str, covered: int, not_covered: tuple[int, ...]) -> None:
    parsed = parse_line(text, 4)
    assert isinstance(parsed, Directive)
    assert parsed.pragma
    assert parsed.applies_to("LLC-SRC-001")
    assert parsed.covers(covered)
    assert not any(parsed.covers(n) for n in not_covered)


def test_parse_text_collects_lines() -> None:
    text = f"a\n# {IGN}\nb\nx # outlive: ignore\n# outlive: fixture\n"
    directives, errors = parse_text(text)
    assert [d.line for d in directives] == [2]
    assert [e.line for e in errors] == [4]


# -- end to end --------------------------------------------------------------------------------


def run(path: Path, *extra: str):
    result = CliRunner().invoke(
        main,
        ["scan", "--select", "LLC-SRC-001", "--no-color", *extra, str(path)],
        catch_exceptions=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def findings(path: Path, *extra: str) -> list[dict]:
    result = run(path, "--format", "json", "--show-suppressed", *extra)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("same-line.txt", f"aws = {KEY}  # {IGN}\n"),
        ("line-above.txt", f"# {IGN}\naws = {KEY}\n"),
        ("config.ini", f"[s]\n; {IGN}\naws = {KEY}\n"),
        ("page.md", f"<!-- {IGN} -->\naws = {KEY}\n"),
        ("app.js", f"const aws = '{KEY}';  // {IGN}\n"),
        ("query.sql", f"-- {IGN}\nselect '{KEY}';\n"),
        ("two-ids.txt", f'aws = {KEY}  # outlive: ignore[LLC-SRC-007,LLC-SRC-001] reason="r"\n'),
        ("pragma.txt", f"aws = {KEY}  # pragma: allowlist secret\n"),
        ("pragma-next.txt", f"# pragma: allowlist nextline secret\naws = {KEY}\n"),
    ],
)
def test_suppression_hides_the_finding(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)
    hidden = run(path)
    assert hidden.exit_code == 0, hidden.stdout + hidden.stderr
    assert "LLC-SRC-001" not in hidden.stdout
    assert "1 suppressed" in hidden.stdout
    shown = run(path, "--show-suppressed")
    assert shown.exit_code == 0
    assert "LLC-SRC-001" in shown.stdout
    assert "suppressed (inSource)" in shown.stdout
    [finding] = findings(path)
    assert finding["suppression"]["kind"] == "inSource"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("two-above.txt", f"# {IGN}\n\naws = {KEY}\n"),
        ("line-below.txt", f"aws = {KEY}\n# {IGN}\n"),
        ("other-rule.txt", f'aws = {KEY}  # outlive: ignore[LLC-SRC-007] reason="r"\n'),
        ("fixture.txt", f"# outlive: fixture\naws = {KEY}  # outlive: fixture\n"),
        ("pragma-above.txt", f"# pragma: allowlist secret\naws = {KEY}\n"),
        ("pragma-next-2.txt", f"# pragma: allowlist nextline secret\n\naws = {KEY}\n"),
    ],
)
def test_suppression_out_of_reach(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path, name, text)
    result = run(path)
    assert result.exit_code == 1
    assert f"{name}:" in result.stdout
    assert "LLC-SRC-001" in result.stdout
    [finding] = findings(path)
    assert finding["suppression"] is None


def test_expired_suppression_no_longer_suppresses(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "old.txt",
        f'# outlive: ignore[LLC-SRC-001] reason="temporary" until=2020-01-01\naws = {KEY}\n',
    )
    result = run(path)
    assert result.exit_code == 1
    assert "old.txt:2:" in result.stdout
    assert "note: " in result.stdout
    assert "expired on 2020-01-01" in result.stdout
    assert "outlive: warning: old.txt:1:" in result.stderr
    assert "expired" in result.stderr
    [finding] = findings(path)
    assert finding["suppression"] is None
    assert any("expired" in note for note in finding["notes"])


def test_future_until_still_suppresses(tmp_path: Path) -> None:
    until = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    path = write(
        tmp_path,
        "new.txt",
        f'# outlive: ignore[LLC-SRC-001] reason="temporary" until={until}\naws = {KEY}\n',
    )
    result = run(path)
    assert result.exit_code == 0
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("text", "line", "code"),
    [
        (f"aws = {KEY}\n\nx = 1  # outlive: ignore\n", 3, 1),
        (f"aws = {KEY}  # outlive: ignore[LLC-SRC-001]\n", 1, 1),
        ('a\nb\nc\n# outlive: ignore[LLC-SRC-001] reason="r" until=someday\n', 4, 0),
        ('# outlive: silence[LLC-SRC-001] reason="r"\n', 1, 0),
    ],
)
def test_malformed_suppression_warns(tmp_path: Path, text: str, line: int, code: int) -> None:
    # A warning on its line; it suppresses nothing and the exit code follows the findings.
    path = write(tmp_path, "bad.txt", text)
    result = run(path)
    assert result.exit_code == code
    assert f"outlive: warning: bad.txt:{line}: " in result.stderr
    assert "outlive: error:" not in result.stderr


def test_blanket_allowed_by_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "f.txt", f'aws = {KEY}  # outlive: ignore reason="fixture file"\n')
    assert run(Path("f.txt")).exit_code == 1  # refused, so the key is reported
    write(tmp_path, "outlive.toml", "allow-blanket-ignores = true\n")
    assert run(Path("f.txt")).exit_code == 0


def test_reason_optional_by_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "f.txt", f"aws = {KEY}  # outlive: ignore[LLC-SRC-001]\n")
    assert run(Path("f.txt")).exit_code == 1  # refused, so the key is reported
    write(tmp_path, "outlive.toml", "require-reason = false\n")
    assert run(Path("f.txt")).exit_code == 0
