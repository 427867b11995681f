"""What the command writes besides the report itself: the scan errors on stderr, whether
text is coloured, the GitHub job summary, and text made safe to encode as UTF-8.

Kept apart from :mod:`scanner.cli`, which maps options onto a scan and a report: these decide
how output meets a terminal, a CI runner's environment and its files, for every command alike.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import click

from scanner.discovery import skip_reason
from scanner.findings import printable
from scanner.pipeline import ScanResult
from scanner.reporters import ReportOptions, github

#: Set by GitHub Actions to the file a step appends its Markdown job summary to.
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
#: Files skipped on purpose (binary, too large) are listed one by one up to this many; past it,
#: a tree full of images or wheels would bury the warnings that matter, so they are counted.
MAX_LISTED_NOTES = 10


def echo_errors(result: ScanResult, quiet: bool = False) -> None:
    """Scan errors on stderr: every error and warning, the first few notes, then the rest of
    the notes counted by reason (``12 binary, 3 ignored by .gitignore``); ``quiet``
    (``--quiet``) leaves the notes out."""
    listed = 0
    hidden: Counter[str] = Counter()
    for error in result.errors:
        if error.level == "note":
            if quiet:
                continue
            if listed >= MAX_LISTED_NOTES:
                hidden[skip_reason(error) or "other"] += 1
                continue
            listed += 1
        # Path and message come from the scanned tree: no control character reaches stderr.
        where = printable(f"{error.path}:{error.line}" if error.line else error.path)
        click.echo(f"outlive: {error.level}: {where}: {printable(error.message)}", err=True)
    if hidden:
        counts = ", ".join(
            f"{n} {reason}" for reason, n in sorted(hidden.items(), key=lambda i: (-i[1], i[0]))
        )
        click.echo(
            f"outlive: note: {sum(hidden.values())} more notes not listed ({counts}); "
            "--format json lists them all",
            err=True,
        )


def env_flag(name: str) -> str | None:
    """An environment variable's value, an empty one counting as unset (no-color.org)."""
    value = os.environ.get(name)
    return value if value else None


def use_color(flag: bool | None, to_file: bool, isatty: bool) -> bool:
    """Whether text output is coloured, first rule that applies wins.

    ``--color/--no-color``; a non-empty ``NO_COLOR`` (an empty one is unset, per
    no-color.org); ``FORCE_COLOR`` other than ``0`` (CI logs render colours but are not a
    terminal); ``TERM=dumb``; else a terminal on stdout. The variables speak about a terminal,
    so a report written with ``--output`` is coloured only with ``--color``.
    """
    if flag is not None:
        return flag
    if to_file or env_flag("NO_COLOR") is not None:
        return False
    force = env_flag("FORCE_COLOR")
    if force is not None:
        return force != "0"
    if os.environ.get("TERM") == "dumb":
        return False
    return isatty


def utf8_safe(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udcff`` escapes, so it encodes as UTF-8.

    A file name that is not UTF-8 reaches a report surrogate-escaped (``os.fsdecode``), and
    writing it failed with UnicodeEncodeError, leaving an empty report. In the JSON formats the
    paths sit inside strings, where ``\\udcff`` is a JSON escape of the same character (a
    baseline read back matches the file again); in text it reads as the escape it is.
    """
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def write_step_summary(result: ScanResult, options: ReportOptions) -> None:
    """Append the Markdown job summary to ``$GITHUB_STEP_SUMMARY`` when GitHub Actions set it.

    The annotations are the gate's output and the exit code its verdict: a summary that cannot
    be written (a full disk, a read-only file) is a warning, never a failed run.
    """
    target = env_flag(STEP_SUMMARY_ENV)
    if target is None:
        return
    text = utf8_safe(github.summary(result, options))
    try:
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        click.echo(
            f"outlive: warning: cannot write the job summary to {printable(target)} "
            f"({exc.strerror or exc}); the annotations and the exit code are unaffected",
            err=True,
        )
