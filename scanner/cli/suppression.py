"""``scan``'s options about suppressions and the baseline, and the exit code they gate.

Kept out of ``scanner.cli.baseline`` (the ``baseline`` commands): a plain scan uses these, and
importing that module cost it the baseline writer, the importer of other tools' baselines and
the git plumbing behind them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from scanner.cli.app import override_config

if TYPE_CHECKING:
    from scanner.config import Config
    from scanner.pipeline import ScanResult


def plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def suppression_options(f: click.decorators.FC) -> click.decorators.FC:
    """``scan``'s options about suppressions and the baseline."""
    f = click.option(
        "--fail-on-unaudited",
        is_flag=True,
        help="Exit 1 when the baseline hides a finding through an entry with neither reason "
        "nor verdict (see `outlive baseline audit`).",
    )(f)
    f = click.option(
        "--report-unused-ignores",
        is_flag=True,
        callback=override_config,
        help="Warn about each `outlive: ignore` rule id that matched no finding, and exit 1 "
        "if there is one (like ruff's RUF100).",
    )(f)
    return click.option(
        "--honour-other-pragmas",
        is_flag=True,
        callback=override_config,
        help="Also honour `gitleaks:allow` and `trufflehog:ignore` comments; they name no rule "
        "and give no reason, so every finding on their line is hidden.",
    )(f)


def suppression_gate(
    code: int,
    result: ScanResult,
    config: Config,
    baseline_path: Path | None,
    report_unused: bool,
    fail_on_unaudited: bool,
) -> int:
    """The exit code once unused suppressions and unaudited baseline entries count."""
    if code == 2:
        return code
    from scanner.engine import UNUSED_KIND  # loaded by the scan that made ``result``

    if report_unused and any(e.kind == UNUSED_KIND for e in result.errors):
        code = 1
    path = baseline_path if baseline_path is not None else config.baseline
    if fail_on_unaudited and path is not None:
        # Imported here: only --fail-on-unaudited reads the baseline again.
        from scanner.baseline import load, unaudited_hidden
        from scanner.findings import printable

        hidden = unaudited_hidden(result.findings, load(path))
        if hidden:
            click.echo(
                f"outlive: error: the baseline {printable(str(path))} hides "
                f"{plural(len(hidden), 'finding')} through entries with neither reason nor "
                "verdict; run `outlive baseline audit` (--fail-on-unaudited)",
                err=True,
            )
            code = 1
    return code
