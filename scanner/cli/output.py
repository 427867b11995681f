"""``scan``'s terminal options: ``--statistics``, ``--quiet`` and the progress bar.

Kept out of ``scan.py`` so that command stays a list of options and one flow; the drawing
and the tables are in ``scanner.terminal``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from scanner.cli.app import fail

if TYPE_CHECKING:
    from scanner.pipeline import ScanResult
    from scanner.reporters import ReportOptions
    from scanner.terminal import ProgressBar

F = TypeVar("F", bound=Callable[..., object])


def terminal_options(command: F) -> F:
    """``--statistics`` and ``--quiet``, for ``outlive scan``."""
    command = click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="Only the findings: no summary line, no notes, no config announcement, no "
        "progress bar (errors and warnings still go to stderr).",
    )(command)
    command = click.option(
        "--statistics",
        is_flag=True,
        help="Instead of the findings, count them per rule (count, rule id, name), as ruff "
        "does; text output only.",
    )(command)
    return command


def check_terminal(fmt: str, statistics: bool) -> None:
    if statistics and fmt != "text":
        fail(f"--statistics prints a text table; it cannot be combined with --format {fmt}")


def progress_bar(quiet: bool) -> ProgressBar | None:
    """A progress bar on stderr when it is a terminal (see ``scanner.terminal``)."""
    from scanner.terminal import ProgressBar, progress_wanted

    return ProgressBar(sys.stderr) if progress_wanted(sys.stderr, quiet) else None


def render_report(
    fmt: str,
    result: ScanResult,
    options: ReportOptions,
    statistics: bool,
    quiet: bool,
) -> str:
    """The report: the format's, or the statistics table, or (``--quiet`` text) the findings
    without the summary line."""
    from scanner.reporters import REPORTERS

    if fmt == "text" and statistics:
        from scanner.terminal import statistics as table

        return table(result)
    if fmt == "text" and quiet:
        from scanner.terminal import quiet_text

        return quiet_text(result, options)
    return REPORTERS[fmt](result, options)
