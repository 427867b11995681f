"""``outlive baseline create|update``: record known findings so only new ones fail."""

from __future__ import annotations

from pathlib import Path

import click

from scanner.baseline import (
    DEFAULT_BASELINE,
    dump,
    entries_for,
    load,
    updated,
)
from scanner.cli.app import (
    baseline_file,
    create_hint,
    fail,
    main,
    run_scan,
)
from scanner.config import Config
from scanner.console import echo_errors, utf8_safe
from scanner.findings import printable
from scanner.pipeline import ScanResult
from scanner.process import (
    write_atomic,
)


@main.group("baseline")
def baseline_group() -> None:
    """Record known findings so that only new ones fail the run."""


def _baseline_options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))(f)
    f = click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help=f"Baseline file (default: the config's `baseline`, else {DEFAULT_BASELINE}).",
    )(f)
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path))(f)



def _baseline_scan(
    paths: tuple[Path, ...], config_path: Path | None
) -> tuple[ScanResult, Config]:
    """The scan behind a baseline, which no baseline hides; an incomplete scan (a missing
    path, a malformed suppression, a failing rule) would record a wrong baseline, so it stops
    with exit 2."""
    result, config = run_scan(
        paths, config_path, (), (), None, None, False, config_baseline=False
    )
    echo_errors(result)
    if any(e.level == "error" for e in result.errors):
        fail("the scan had errors (above), so the baseline was not written")
    return result, config


def _write_baseline(output: Path, text: str) -> None:
    try:
        write_atomic(output, utf8_safe(text))
    except OSError as exc:
        fail(f"cannot write baseline {output}: {exc.strerror or exc}")


@baseline_group.command("create")
@_baseline_options
def baseline_create(
    paths: tuple[Path, ...], output: Path | None, config_path: Path | None
) -> None:
    """Write a baseline of every current finding."""
    result, config = _baseline_scan(paths, config_path)
    target = baseline_file(output, config)
    entries = entries_for(result.findings)
    _write_baseline(target, dump(entries))
    total = sum(e.count for e in entries)
    click.echo(
        f"outlive: wrote {len(entries)} entr{'ies' if len(entries) != 1 else 'y'} "
        f"({total} finding{'s' if total != 1 else ''}) "
        f"to {printable(str(target))}",
        err=True,
    )


@baseline_group.command("update")
@_baseline_options
def baseline_update(
    paths: tuple[Path, ...], output: Path | None, config_path: Path | None
) -> None:
    """Narrow the baseline to the findings that remain: entries that no longer match are
    dropped, counts lowered to the occurrences left, reasons kept; nothing is added."""
    # An explicit file is read before the scan, so a wrong path fails at once.
    old = load(output, create_hint(output, Config())) if output is not None else None
    result, config = _baseline_scan(paths, config_path)
    target = baseline_file(output, config)
    if old is None:
        old = load(target)
    kept = updated(old, result.findings)
    _write_baseline(target, dump(kept))
    before: dict[tuple[str, str, str], int] = {}
    for entry in old:
        before[entry.key] = max(before.get(entry.key, 0), entry.count)
    lowered = sum(1 for e in kept if e.count < before[e.key])
    click.echo(
        f"outlive: kept {len(kept)} of {len(before)} entries in {printable(str(target))} "
        f"({len(before) - len(kept)} no longer match"
        + (f", {lowered} with fewer findings left" if lowered else "")
        + ")",
        err=True,
    )
