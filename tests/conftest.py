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
