"""The per-file results cache: warm output equals cold, edits invalidate, nothing is trusted."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cache import CACHE_ENV, default_cache_root
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


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scanned tree as the current directory, with the cache root moved into tmp_path."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    root = tmp_path / "repo"
    _tree(root)
    monkeypatch.chdir(root)
    return root


def _scan(runner: CliRunner, *extra: str) -> tuple[int, str]:
    result = runner.invoke(main, ["scan", "--format", "json", *extra], catch_exceptions=False)
    return result.exit_code, result.stdout


def _tree_listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_warm_scan_gives_identical_output(repo: Path, tmp_path: Path) -> None:
    before = _tree_listing(repo)
    runner = CliRunner()
    cold = _scan(runner)
    cache = tmp_path / "cache"
    assert len(list(cache.glob("*/results-*.json"))) == 1
    assert _tree_listing(repo) == before  # nothing is written in the scanned tree
    warm = _scan(runner)
    assert cold == warm
    assert cold[0] == 1
    assert json.loads(cold[1])["stats"]["findings"] == 2  # the key in code, the key pair


def test_cache_directories_and_key_are_private(repo: Path, tmp_path: Path) -> None:
    _scan(CliRunner())
    cache = tmp_path / "cache"
    (repo_dir,) = [p for p in cache.iterdir() if p.is_dir()]
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(repo_dir.stat().st_mode) == 0o700
    key = cache / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) == 32


def test_cache_dir_option_wins_over_the_environment(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    code, _ = _scan(CliRunner(), "--cache-dir", str(elsewhere))
    assert code == 1
    assert list(elsewhere.glob("*/results-*.json"))
    assert not (tmp_path / "cache").exists()


def test_default_cache_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_root() == tmp_path / "explicit"
    monkeypatch.delenv(CACHE_ENV)
    assert default_cache_root() == tmp_path / "xdg" / "outlive"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: absolute only
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    home = tmp_path / "home"
    assert default_cache_root() in (home / ".cache" / "outlive",
                                    home / "Library" / "Caches" / "outlive")  # macOS


def test_an_edit_invalidates_the_file(repo: Path) -> None:
    runner = CliRunner()
    _scan(runner)
    (repo / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    code, out = _scan(runner)
    paths = {f["location"]["path"] for f in json.loads(out)["findings"]}
    assert paths == {"app/settings.py"}
    assert code == 1


def test_no_cache_writes_nothing(repo: Path, tmp_path: Path) -> None:
    before = _tree_listing(repo)
    code, _ = _scan(CliRunner(), "--no-cache")
    assert code == 1
    assert not (tmp_path / "cache").exists()
    assert _tree_listing(repo) == before


def test_cache_holds_no_secret(repo: Path, tmp_path: Path) -> None:
    _scan(CliRunner())
    blob = "".join(p.read_text() for p in (tmp_path / "cache").glob("*/results-*.json"))
    assert blob
    assert KEY_ID not in blob
    assert SECRET not in blob
    assert SECRET[:12] not in blob


def test_a_committed_cache_in_the_tree_is_never_read(repo: Path) -> None:
    """A repository shipping `.outlive_cache/` that claims 'no findings' changes nothing: the
    cache lives outside the tree, and discovery still skips the folder."""
    planted = repo / ".outlive_cache"
    planted.mkdir()
    entries = {rel: {"stamp": [0, 0, 0], "findings": [], "errors": []}
               for rel in ("notes.txt", "app/settings.py")}
    (planted / "results-0123456789abcdef01234567.json").write_text(
        json.dumps({"format": 1, "files": entries}), encoding="utf-8"
    )
    code, out = _scan(CliRunner())
    assert code == 1
    assert json.loads(out)["stats"]["findings"] == 2


def test_a_damaged_cache_is_a_miss(repo: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    cold = _scan(runner)
    files = list((tmp_path / "cache").glob("*/results-*.json"))
    assert files
    for cache_file in files:
        cache_file.write_text("{not json")
    assert _scan(runner) == cold
