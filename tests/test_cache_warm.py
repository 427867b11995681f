"""A warm scan of an unchanged tree costs a stat per file: no file is read again (binary ones
included), no engine is built, and the result is the cold one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner import pipeline
from scanner.api import BASE32_UPPER, fake_token
from scanner.config import Config
from scanner.discovery import SourceFile
from scanner.registry import select_infos

KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=7)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "keys.txt").write_text(f"aws_access_key_id = {KEY_ID}\n", encoding="utf-8")
    (root / "app" / "clean.py").write_text("print('hello')\n", encoding="utf-8")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(64))
    (root / "notes.md").write_text("Nothing to see.\n", encoding="utf-8")
    return root


def _scan(root: Path, cache_dir: Path) -> pipeline.ScanResult:
    return pipeline.scan([root], Config(root=root), select_infos(), jobs=1, cache=True,
                         cache_dir=cache_dir)


def _same(a: pipeline.ScanResult, b: pipeline.ScanResult) -> None:
    assert a.findings == b.findings
    assert a.errors == b.errors
    assert a.stats == b.stats


def test_warm_scan_reads_no_file_and_builds_no_engine(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = _scan(tree, tmp_path / "cache")
    assert [f.rule_id for f in cold.findings] == ["LLC-SRC-001"]
    assert any(e.path == "logo.png" and e.kind == "skipped" for e in cold.errors)

    def no_read(source: SourceFile, max_size: int) -> None:
        raise AssertionError(f"warm scan read {source.rel}")

    def no_engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("warm scan built an engine")

    monkeypatch.setattr(pipeline, "read_file", no_read)
    monkeypatch.setattr(pipeline, "Engine", no_engine)
    warm = _scan(tree, tmp_path / "cache")
    _same(cold, warm)
    assert warm.stats.files_scanned == 3
    assert warm.stats.files_skipped == 1


def test_an_edited_file_alone_is_read_again(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scan(tree, tmp_path / "cache")
    (tree / "notes.md").write_text(f"old key: {KEY_ID}\n", encoding="utf-8")
    read: list[str] = []
    real = pipeline.read_file

    def counting(source: SourceFile, max_size: int) -> tuple[bytes | None, object]:
        read.append(source.rel)
        return real(source, max_size)

    monkeypatch.setattr(pipeline, "read_file", counting)
    warm = _scan(tree, tmp_path / "cache")
    assert read == ["notes.md"]
    assert sorted(f.location.path for f in warm.findings) == ["app/keys.txt", "notes.md"]


def test_a_binary_file_that_became_text_is_scanned(tree: Path, tmp_path: Path) -> None:
    _scan(tree, tmp_path / "cache")
    logo = tree / "logo.png"
    logo.write_text(f"key = {KEY_ID}\n", encoding="utf-8")
    os.utime(logo, ns=(1, 1))  # a stamp of its own even on a coarse clock
    warm = _scan(tree, tmp_path / "cache")
    assert "logo.png" in {f.location.path for f in warm.findings}
    assert not any(e.path == "logo.png" for e in warm.errors)
    assert warm.stats.files_skipped == 0


def test_parallel_warm_scan_equals_cold(tree: Path, tmp_path: Path) -> None:
    for n in range(pipeline.PARALLEL_MIN_FILES):
        (tree / f"doc{n}.txt").write_text(f"line {n}\n", encoding="utf-8")
    cold = pipeline.scan([tree], Config(root=tree), select_infos(), jobs=2, cache=True,
                         cache_dir=tmp_path / "cache")
    warm = pipeline.scan([tree], Config(root=tree), select_infos(), jobs=2, cache=True,
                         cache_dir=tmp_path / "cache")
    _same(cold, warm)
