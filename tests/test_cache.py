"""The per-file results cache: warm output equals cold, edits invalidate, nothing is trusted."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main

KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=99)
SECRET = fake_token("", 40, seed=98)


def _tree(root: Path) -> None:
    (root / "app").mkdir(parents=True)
    (root / "app" / "settings.py").write_text(
        f'KEY_ID = "{KEY_ID}"\nSECRET_ACCESS = None\n', encoding="utf-8"
    )
    (root / "notes.txt").write_text(
        f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n", encoding="utf-8"
    )
    (root / "clean.py").write_text("print('hello')\n", encoding="utf-8")


def _scan(runner: CliRunner, *extra: str) -> tuple[int, str]:
    result = runner.invoke(main, ["scan", "--format", "json", *extra], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_warm_scan_gives_identical_output(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    cold = _scan(runner)
    assert (tmp_path / ".outlive_cache").is_dir()
    assert (tmp_path / ".outlive_cache" / ".gitignore").read_text().strip().endswith("*")
    warm = _scan(runner)
    assert cold == warm
    assert cold[0] == 1
    assert json.loads(cold[1])["stats"]["findings"] == 2  # the key in code, the key pair


def test_an_edit_invalidates_the_file(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    _scan(runner)
    (tmp_path / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    code, out = _scan(runner)
    paths = {f["location"]["path"] for f in json.loads(out)["findings"]}
    assert paths == {"app/settings.py"}
    assert code == 1


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _ = _scan(CliRunner(), "--no-cache")
    assert code == 1
    assert not (tmp_path / ".outlive_cache").exists()


def test_cache_holds_no_secret(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    _scan(CliRunner())
    blob = "".join(p.read_text() for p in (tmp_path / ".outlive_cache").glob("*.json"))
    assert blob
    assert KEY_ID not in blob
    assert SECRET not in blob
    assert SECRET[:12] not in blob


def test_a_planted_cache_is_not_trusted(tmp_path: Path, monkeypatch) -> None:
    """A committed cache claiming 'no findings' cannot hide a key: stamps include the inode
    and nanosecond mtime of this checkout, which a planted file cannot know."""
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    _scan(runner)
    for cache_file in (tmp_path / ".outlive_cache").glob("results-*.json"):
        data = json.loads(cache_file.read_text())
        for entry in data["files"].values():
            entry["findings"] = []
            entry["stamp"] = [entry["stamp"][0], 1, 1]  # a guess at size, wrong mtime and inode
        cache_file.write_text(json.dumps(data))
    code, out = _scan(runner)
    assert code == 1
    assert json.loads(out)["stats"]["findings"] == 2


def test_a_damaged_cache_is_a_miss(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    cold = _scan(runner)
    for cache_file in (tmp_path / ".outlive_cache").glob("results-*.json"):
        cache_file.write_text("{not json")
    assert _scan(runner) == cold
