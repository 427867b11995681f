"""Golden outputs of ``outlive scan fixtures/demo-repo`` in text, json and sarif.

Run from the repository root, so paths read ``fixtures/demo-repo/...``. The rule set is pinned
with ``--select`` so that new rules do not churn the goldens; the tool version is replaced by
``<version>``. After an intended change, rewrite them with
``OUTLIVE_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py`` and review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import __version__
from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).parent / "snapshots"
RULES = (
    "LLC-SRC-001", "LLC-SRC-007", "LLC-SRC-012", "LLC-SRC-013", "LLC-PY-001", "LLC-GHA-001",
    "LLC-IAC-001", "LLC-AGT-001",
)
UPDATE = os.environ.get("OUTLIVE_UPDATE_SNAPSHOTS") == "1"


def normalize(text: str) -> str:
    for field in ("version", "semanticVersion"):
        text = text.replace(f'"{field}": "{__version__}"', f'"{field}": "<version>"')
    return text


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("json", "json"), ("sarif", "sarif")])
def test_demo_repo_snapshot(fmt, suffix, monkeypatch):
    monkeypatch.chdir(ROOT)
    selects = [arg for rule in RULES for arg in ("--select", rule)]
    res = CliRunner().invoke(
        main,
        [
            "scan", "--no-cache", "--no-color", "--show-info", "--format", fmt, *selects,
            "fixtures/demo-repo",
        ],
        catch_exceptions=False,
    )
    assert res.exit_code == 1, res.stderr
    assert res.stderr == ""
    actual = normalize(res.stdout)
    golden = SNAPSHOTS / f"demo-repo.{suffix}"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run with OUTLIVE_UPDATE_SNAPSHOTS=1"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{golden.relative_to(ROOT)} (golden)",
                tofile="actual",
            )
        )
        pytest.fail(
            f"output differs from {golden.name}; if intended, rewrite with "
            f"OUTLIVE_UPDATE_SNAPSHOTS=1\n{diff}",
            pytrace=False,
        )
