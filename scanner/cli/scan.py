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
from scanner.cli.gitmodes import GitMode, run_git_scan
from scanner.cli.output import check_terminal, progress_bar, render_report, terminal_options
from scanner.cli.suppression import suppression_gate, suppression_options
from scanner.config import SEVERITY_NAMES
from scanner.console import echo_errors, use_color, utf8_safe, write_step_summary
from scanner.pipeline import STDIN_DEFAULT_NAME, exit_code
from scanner.process import (
    write_atomic,
)
from scanner.reporters import REPORTERS, ReportOptions


def _check_category(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--sarif-category``'s check, with the SARIF reporter imported only when it is given."""
    if value is None:
        return None
    from scanner.reporters.sarif import check_category

    return check_category(ctx, param, value)


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
    callback=_check_category,
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
@click.option(
    "--staged",
    is_flag=True,
    help="Scan the staged version of each staged file (the index, not the work tree): for "
    "git pre-commit hooks (husky, lefthook, .git/hooks).",
)
@click.option(
    "--diff",
    "diff_base",
    metavar="BASE",
    default=None,
    help="Scan the work-tree files changed since the merge base of BASE and HEAD (a pull "
    "request's files).",
)
@click.option(
    "--new-only",
    is_flag=True,
    help="With --diff: report only findings on lines the diff adds or changes.",
)
@click.option(
    "--history",
    is_flag=True,
    help="Scan what every commit reachable from HEAD added, so a key committed and deleted "
    "later is still found; each finding names its first commit.",
)
@click.option(
    "--since",
    metavar="REV",
    default=None,
    help="With --history: only the commits after REV (a commit, branch or tag, not a date).",
)
@click.option(
    "--max-commits",
    type=click.IntRange(min=1),
    default=None,
    help="With --history: only the N newest commits.",
)
@click.option(
    "--all-refs",
    is_flag=True,
    help="With --history: the commits of every branch, remote branch and tag, not only HEAD's.",
)
@suppression_options
@terminal_options
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
    staged: bool = False,
    diff_base: str | None = None,
    new_only: bool = False,
    history: bool = False,
    since: str | None = None,
    max_commits: int | None = None,
    all_refs: bool = False,
    honour_other_pragmas: bool = False,
    report_unused_ignores: bool = False,
    fail_on_unaudited: bool = False,
    statistics: bool = False,
    quiet: bool = False,
) -> None:
    """Scan PATHS (default: the current directory; `-` reads standard input) and report what
    outlives its task."""
    fmt = (fmt or "text").lower()
    # Where scan errors go to stderr, so does the config's name; JSON and SARIF keep it clean.
    announce = (fmt in ("text", "github") or output is not None) and not quiet
    check_terminal(fmt, statistics)
    check_paths(paths)
    mode = GitMode(staged, diff_base, new_only, history, since, max_commits, all_refs)
    mode.check(paths, stdin_filename)
    if mode.name is not None:
        result, config = run_git_scan(
            mode, paths, config_path, select, ignore, jobs, baseline_path, show_info,
            cache=not no_cache, cache_dir=cache_dir, announce=announce,
        )
    elif any(str(p) == STDIN_PATH for p in paths):
        if len(paths) > 1:
            fail("`-` (standard input) is scanned alone; give it without other paths")
        result, config = scan_stdin_for(
            stdin_filename, config_path, select, ignore, baseline_path,
            show_info, announce,
        )
    else:
        if stdin_filename is not None:
            fail("--stdin-filename names standard input; give `-` as the path to read it")
        bar = progress_bar(quiet)
        try:
            result, config = run_scan(
                paths, config_path, select, ignore, jobs, baseline_path, show_info,
                cache=not no_cache, cache_dir=cache_dir, announce=announce,
                gitignore=not no_gitignore, progress=bar,
            )
        finally:
            if bar is not None:
                bar.close()
    color = use_color(color, output is not None, sys.stdout.isatty())
    options = ReportOptions(
        show_suppressed=show_suppressed,
        color=color,
        sarif_absolute=sarif_absolute,
        sarif_category=sarif_category,
        fail_on=(fail_on or config.fail_on).lower(),
    )
    rendered = utf8_safe(render_report(fmt, result, options, statistics, quiet))
    if output is not None:
        try:
            write_atomic(output, rendered)
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
    else:
        # color=: click strips ANSI codes when stdout is not a terminal, even under --color.
        click.echo(rendered, nl=False, color=color)
    if fmt in ("text", "github") or output is not None:
        echo_errors(result, quiet)
    if fmt == "github":
        write_step_summary(result, options)
    code = exit_code(result, options.fail_on)
    code = suppression_gate(
        code, result, config, baseline_path, report_unused_ignores, fail_on_unaudited
    )
    if exit_zero and code == 1:
        code = 0
    raise SystemExit(code)
