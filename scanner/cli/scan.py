"""``outlive scan``: options in, report and exit code out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scanner.cli.app import (
    STDIN_PATH,
    check_paths,
    fail,
    main,
    run_scan,
    scan_stdin_for,
    split_ids,
)
from scanner.config import SEVERITY_NAMES
from scanner.console import echo_errors, use_color, utf8_safe, write_step_summary
from scanner.pipeline import STDIN_DEFAULT_NAME, exit_code
from scanner.process import (
    write_atomic,
)
from scanner.reporters import REPORTERS, ReportOptions
from scanner.reporters.sarif import check_category


@main.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS), case_sensitive=False),
    default=None,
    help="Output format (default: text).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report here instead of stdout.",
)
@click.option(
    "--select",
    multiple=True,
    callback=split_ids,
    help="Only these rule ids or families (LLC-GHA), comma-separated or repeated.",
)
@click.option(
    "--ignore",
    multiple=True,
    callback=split_ids,
    help="Skip these rule ids or families, comma-separated or repeated.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITY_NAMES, case_sensitive=False),
    default=None,
    help="Lowest severity that fails the run (default: low; info never fails).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (upload-only jobs).")
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Hide findings recorded in this baseline file.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this config file instead of searching upward for one.",
)
@click.option("--show-suppressed", is_flag=True, help="Include suppressed and baselined findings.")
@click.option("--show-info", is_flag=True, help="Include info-level findings (documentation keys).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel processes (default: number of CPUs).",
)
@click.option(
    "--sarif-absolute", is_flag=True, help="Record the scan root as an absolute file: URI in SARIF."
)
@click.option(
    "--sarif-category",
    metavar="NAME",
    default=None,
    callback=check_category,
    help="GitHub code scanning category of the SARIF run (automationDetails.id): one per "
    "monorepo part or matrix job.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Color text output (default: on a terminal, unless NO_COLOR or TERM=dumb; FORCE_COLOR "
    "forces it).",
)
@click.option(
    "--stdin-filename",
    default=None,
    metavar="PATH",
    help=f"With `-` as the path: scan standard input as this file (its kind, its reported "
    f"path, its config; default {STDIN_DEFAULT_NAME}, scanned as text).",
)
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the per-file results cache."
)
@click.option(
    "--no-gitignore",
    is_flag=True,
    help="Let no .gitignore hide a file: scan what it ignores (outside git: an exported tree's "
    "tracked files; in git: untracked ignored files too).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Cache root (default: $OUTLIVE_CACHE_DIR, else the per-user cache directory).",
)
def scan_command(
    paths: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    exit_zero: bool,
    baseline_path: Path | None,
    config_path: Path | None,
    show_suppressed: bool,
    show_info: bool,
    jobs: int | None,
    sarif_absolute: bool,
    sarif_category: str | None,
    color: bool | None,
    no_cache: bool,
    cache_dir: Path | None,
    stdin_filename: str | None,
    no_gitignore: bool = False,
) -> None:
    """Scan PATHS (default: the current directory; `-` reads standard input) and report what
    outlives its task."""
    fmt = (fmt or "text").lower()
    # Where scan errors go to stderr, so does the config's name; JSON and SARIF keep it clean.
    announce = fmt in ("text", "github") or output is not None
    check_paths(paths)
    if any(str(p) == STDIN_PATH for p in paths):
        if len(paths) > 1:
            fail("`-` (standard input) is scanned alone; give it without other paths")
        result, config = scan_stdin_for(
            stdin_filename, config_path, select, ignore, baseline_path,
            show_info, announce,
        )
    else:
        if stdin_filename is not None:
            fail("--stdin-filename names standard input; give `-` as the path to read it")
        result, config = run_scan(
            paths, config_path, select, ignore, jobs, baseline_path, show_info,
            cache=not no_cache, cache_dir=cache_dir, announce=announce,
            gitignore=not no_gitignore,
        )
    color = use_color(color, output is not None, sys.stdout.isatty())
    options = ReportOptions(
        show_suppressed=show_suppressed,
        color=color,
        sarif_absolute=sarif_absolute,
        sarif_category=sarif_category,
        fail_on=(fail_on or config.fail_on).lower(),
    )
    rendered = utf8_safe(REPORTERS[fmt](result, options))
    if output is not None:
        try:
            write_atomic(output, rendered)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
    else:
        # color=: click strips ANSI codes when stdout is not a terminal, even under --color.
        click.echo(rendered, nl=False, color=color)
    if fmt in ("text", "github") or output is not None:
        echo_errors(result)
    if fmt == "github":
        write_step_summary(result, options)
    code = exit_code(result, options.fail_on)
    if exit_zero and code == 1:
        code = 0
    raise SystemExit(code)
