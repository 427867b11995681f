"""Findings survive the layout work of issue 10 byte for byte.

The golden is the SARIF of every rule over ``fixtures/``, info and suppressed findings
included, taken before the first restructuring step. A refactor that moves analysis between
modules must leave it unchanged; a change that means to alter findings updates it on purpose
(``OUTLIVE_UPDATE_SNAPSHOTS=1``) and says why in its commit.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from scanner import __version__
from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "snapshots" / "fixtures-all-rules.sarif"


def test_fixtures_sarif_unchanged(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    res = CliRunner().invoke(
        main,
        ["scan", "--no-cache", "--show-info", "--show-suppressed", "--format", "sarif",
         "fixtures"],
        catch_exceptions=False,
    )
    assert res.exit_code == 1, res.stderr
    actual = res.stdout.replace(f'"{__version__}"', '"<version>"')
    if os.environ.get("OUTLIVE_UPDATE_SNAPSHOTS") == "1":
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")
