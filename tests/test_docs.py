"""docs/rules.md is generated from the rules, and SARIF helpUri anchors point into it."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main
from scanner.docs import help_uri
from scanner.registry import all_rules

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_page_is_current() -> None:
    result = CliRunner().invoke(main, ["rules", "--format", "markdown"], catch_exceptions=False)
    assert result.exit_code == 0
    if os.environ.get("OUTLIVE_UPDATE_SNAPSHOTS"):
        DOCS.parent.mkdir(exist_ok=True)
        DOCS.write_text(result.stdout, encoding="utf-8")
    assert DOCS.read_text(encoding="utf-8") == result.stdout, (
        "docs/rules.md is stale: run `outlive rules --format markdown > docs/rules.md` "
        "or OUTLIVE_UPDATE_SNAPSHOTS=1 pytest tests/test_docs.py"
    )


def test_every_help_uri_anchor_exists() -> None:
    page = DOCS.read_text(encoding="utf-8")
    for rule in all_rules():
        anchor = help_uri(rule, "https://github.com/example/outlive").rsplit("#", 1)[1]
        assert f'<a id="{anchor}"></a>' in page
