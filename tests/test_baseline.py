"""Baseline: create, hide, survive moves, resurface on a new value, update, refuse bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import __version__
from scanner.api import BASE32_UPPER, fake_token
from scanner.baseline import BASELINE_VERSION, DEFAULT_BASELINE
from scanner.cli import main

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=41)
OTHER_KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=42)
THIRD_KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=43)


def cli(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def scan(*args: str):
    return cli("scan", "--select", "LLC-SRC-001", "--no-color", *args)


def scan_json(*args: str) -> list[dict]:
    result = scan("--format", "json", "--show-suppressed", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src/a.txt").write_text(f"first = 1\naws = {KEY}\n", encoding="utf-8")
    (tmp_path / "src/b.txt").write_text(f"aws = {OTHER_KEY}\n", encoding="utf-8")
    return tmp_path


def create(*args: str) -> dict:
    result = cli("baseline", "create", *args)
    assert result.exit_code == 0, result.stderr
    assert "wrote 2 entries" in result.stderr
    out = Path(args[args.index("--output") + 1]) if "--output" in args else Path(DEFAULT_BASELINE)
    return json.loads(out.read_text(encoding="utf-8"))


def test_create_writes_a_versioned_file_without_secrets(repo: Path) -> None:
    doc = create("src")
    assert doc["version"] == BASELINE_VERSION
    assert doc["outlive_version"] == __version__
    results = [r for r in doc["results"] if r["rule"] == "LLC-SRC-001"]
    assert [r["path"] for r in results] == ["src/a.txt", "src/b.txt"]
    for item in results:
        assert set(item) == {"path", "rule", "fingerprint", "count"}
        assert item["count"] == 1
        assert len(item["fingerprint"]) >= 16
    text = (repo / DEFAULT_BASELINE).read_text(encoding="utf-8")
    assert KEY not in text
    assert OTHER_KEY not in text
    assert KEY[4:] not in text
    # Deterministic: creating it again gives the same bytes.
    create("src")
    assert (repo / DEFAULT_BASELINE).read_text(encoding="utf-8") == text


def test_create_to_another_file(repo: Path) -> None:
    doc = create("--output", "known.json", "src")
    assert len(doc["results"]) >= 2
    assert not (repo / DEFAULT_BASELINE).exists()


def test_scan_with_baseline_hides_known_findings(repo: Path) -> None:
    assert scan("src").exit_code == 1
    create("src")
    result = scan("--baseline", DEFAULT_BASELINE, "src")
    assert result.exit_code == 0
    assert "LLC-SRC-001" not in result.stdout
    assert "2 suppressed" in result.stdout
    shown = scan("--baseline", DEFAULT_BASELINE, "--show-suppressed", "src")
    assert shown.exit_code == 0
    assert shown.stdout.count("suppressed (external)") == 2
    findings = scan_json("--baseline", DEFAULT_BASELINE, "src")
    assert [f["suppression"]["kind"] for f in findings] == ["external", "external"]


def test_moved_finding_stays_baselined(repo: Path) -> None:
    create("src")
    a = repo / "src/a.txt"
    a.write_text("\n".join(f"# filler {i}" for i in range(10)) + "\n" + a.read_text(), "utf-8")
    findings = scan_json("--baseline", DEFAULT_BASELINE, "src")
    moved = next(f for f in findings if f["location"]["path"] == "src/a.txt")
    assert moved["location"]["line"] == 12
    assert moved["suppression"]["kind"] == "external"
    assert scan("--baseline", DEFAULT_BASELINE, "src").exit_code == 0


def test_changed_value_resurfaces(repo: Path) -> None:
    create("src")
    (repo / "src/a.txt").write_text(f"first = 1\naws = {THIRD_KEY}\n", encoding="utf-8")
    result = scan("--baseline", DEFAULT_BASELINE, "src")
    assert result.exit_code == 1
    assert "src/a.txt:2:" in result.stdout
    assert "src/b.txt" not in result.stdout


def test_same_value_in_another_file_is_new(repo: Path) -> None:
    create("src")
    (repo / "src/c.txt").write_text(f"aws = {KEY}\n", encoding="utf-8")
    result = scan("--baseline", DEFAULT_BASELINE, "src")
    assert result.exit_code == 1
    assert "src/c.txt:1:" in result.stdout
    assert "src/a.txt" not in result.stdout


def test_update_drops_stale_entries_and_keeps_reasons(repo: Path) -> None:
    create("src")
    path = repo / DEFAULT_BASELINE
    doc = json.loads(path.read_text(encoding="utf-8"))
    for item in doc["results"]:
        item["reason"] = f"accepted: {item['path']}"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = len(doc["results"])
    (repo / "src/b.txt").write_text("aws = from the vault\n", encoding="utf-8")  # fixed
    (repo / "src/d.txt").write_text(f"aws = {THIRD_KEY}\n", encoding="utf-8")  # new
    result = cli("baseline", "update", "--no-add", "src")
    assert result.exit_code == 0, result.stderr
    assert "1 pruned (no finding left)" in result.stderr
    assert f"{before - 1} entr" in result.stderr
    updated = json.loads(path.read_text(encoding="utf-8"))
    assert updated["version"] == BASELINE_VERSION
    kept = [r for r in updated["results"] if r["rule"] == "LLC-SRC-001"]
    assert kept == [
        {
            "path": "src/a.txt",
            "rule": "LLC-SRC-001",
            "fingerprint": kept[0]["fingerprint"],
            "count": 1,
            "reason": "accepted: src/a.txt",
        }
    ]  # b is gone, and the new d is not added by a --no-add update
    result = scan("--baseline", DEFAULT_BASELINE, "--show-suppressed", "src")
    assert result.exit_code == 1
    assert "accepted: src/a.txt" in result.stdout
    assert "src/d.txt:1:" in result.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "does not exist"),
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ("[]", "not an outlive baseline"),
        ('{"version": 99, "results": []}', "not an outlive baseline"),
        ('{"results": []}', "not an outlive baseline"),
        ('{"version": 1}', "`results`"),
        ('{"version": 1, "results": {}}', "`results`"),
        ('{"version": 1, "results": [{"path": "a"}]}', "malformed entry"),
        ('{"version": 1, "results": ["x"]}', "malformed entry"),
        (
            '{"version": 1, "results": [{"path": "a", "rule": "r", "fingerprint": 3}]}',
            "malformed entry",
        ),
    ],
)
@pytest.mark.parametrize("command", ["scan", "update"])
def test_bad_baseline_exits_2(repo: Path, content: str | None, needle: str, command: str) -> None:
    path = repo / "base.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    if command == "scan":
        result = scan("--baseline", str(path), "src")
    else:
        result = cli("baseline", "update", "--output", str(path), "src")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("outlive: error: baseline ")
    assert needle in result.stderr
    assert str(path) in result.stderr
    assert result.stderr.rstrip().count("\n") == 0  # one sentence, no traceback


def test_create_refuses_an_incomplete_scan(repo: Path) -> None:
    result = cli("baseline", "create", "src", "no-such-dir")
    assert result.exit_code == 2
    assert "no-such-dir: no such file or directory" in result.stderr
    assert "not written" in result.stderr
    assert not (repo / DEFAULT_BASELINE).exists()


def test_create_records_past_a_malformed_suppression(repo: Path) -> None:
    # A malformed suppression is a warning that suppresses nothing: the key it meant to hide
    # is recorded like any other finding, and the baseline is written.
    (repo / "src/c.txt").write_text(f"aws = {THIRD_KEY}  # outlive: ignore\n", encoding="utf-8")
    result = cli("baseline", "create", "src")
    assert result.exit_code == 0, result.stderr
    assert "outlive: warning: src/c.txt:1:" in result.stderr
    doc = json.loads((repo / DEFAULT_BASELINE).read_text(encoding="utf-8"))
    assert "src/c.txt" in {r["path"] for r in doc["results"]}


def test_update_keeps_the_file_when_the_scan_fails(repo: Path) -> None:
    create("src")
    before = (repo / DEFAULT_BASELINE).read_text(encoding="utf-8")
    result = cli("baseline", "update", "srcx")
    assert result.exit_code == 2
    assert (repo / DEFAULT_BASELINE).read_text(encoding="utf-8") == before


def test_unwritable_output_is_a_sentence(repo: Path) -> None:
    result = cli("baseline", "create", "--output", "no/such/dir/b.json", "src")
    assert result.exit_code == 2
    assert result.stderr.startswith("outlive: error: cannot write baseline no/such/dir/b.json")
    assert "internal error" not in result.stderr
