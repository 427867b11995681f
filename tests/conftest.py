"""Shared fixtures: the repository root and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo-repo"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _private_results_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scans in tests (and their subprocesses) cache under pytest's temp dir, never in the
    user's own cache directory."""
    monkeypatch.setenv("OUTLIVE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "outlive-cache"))
