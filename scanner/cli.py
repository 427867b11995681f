"""The ``outlive`` command: options in, exit code out, no scanning logic of its own.

Exit codes, the same for every format: 0 nothing at or above ``--fail-on``, 1 findings,
2 usage, config or internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
Errors are sentences; tracebacks only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import json as _json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from scanner import __version__
from scanner.api.rule import Rule
from scanner.baseline import (
    DEFAULT_BASELINE,
    BaselineError,
    Entry,
    dump,
    entries_for,
    load,
    updated,
)
from scanner.config import SEVERITY_NAMES, Config, ConfigError, load_config
from scanner.console import echo_errors, use_color, utf8_safe, write_step_summary
from scanner.docs import rule_markdown, rule_text
from scanner.findings import printable
from scanner.pipeline import STDIN_DEFAULT_NAME, ScanResult, exit_code, scan, scan_stdin
from scanner.process import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Terminated,
    sigterm_raises,
    write_atomic,
)
from scanner.registry import RegistryError, all_rules, get_rule, select_rules
from scanner.reporters import REPORTERS, ReportOptions
from scanner.reporters.sarif import check_category
from scanner.roots import common_dir, nearest_config, scan_root

_CONFIG_ERRORS = (ConfigError, RegistryError, BaselineError)


def _fail(message: str) -> NoReturn:
    click.echo(f"outlive: error: {message}", err=True)
    raise SystemExit(2)


def _load_config(
    config_path: Path | None, root: Path, start: Path, announce: bool = True
) -> Config:
    """An explicit ``--config``, else the nearest config upward from the scanned paths, no
    higher than the repository (or the scan root). The one used is named on stderr (stdout
    carries the report), so a config that changes what is reported is never a surprise."""
    if config_path is not None and not config_path.exists():
        _fail(f"config file {config_path} does not exist")
    path = config_path if config_path is not None else nearest_config(start, root)
    config = load_config(path, root)
    if path is not None and announce:
        click.echo(f"outlive: using config {printable(str(path))}", err=True)
    return config


class _Group(click.Group):
    """Turns unexpected exceptions into a sentence and exit 2, unless ``--debug``; a signal
    into one line and 130 (Ctrl-C) or 143 (SIGTERM), never the findings code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            with sigterm_raises():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("outlive: interrupted", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
        except Terminated:
            click.echo("outlive: terminated", err=True)
            raise SystemExit(EXIT_TERMINATED) from None
        except _CONFIG_ERRORS as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (`outlive rules | head`): stop quietly, and keep the
            # interpreter's final flush from failing on the closed pipe again.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            _fail(
                f"internal error ({type(exc).__name__}: {exc}). Re-run with --debug for the "
                "traceback and report it."
            )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="outlive")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """outlive finds credentials that outlive their task: static keys, non-expiring tokens,
    fake sessions and standing CI/IaC credentials, each with its lifetime and its
    session-scoped fix."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _setup(
    root: Path,
    start: Path,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline_path: Path | None,
    announce: bool,
    config_baseline: bool = True,
) -> tuple[Config, tuple[type[Rule], ...], Sequence[Entry]]:
    """The config, the rules and the baseline entries of a scan, from the command line."""
    config = _load_config(config_path, root, start, announce)
    # The command line's --select replaces the config's; ignores add up.
    rules = select_rules(select=select or config.select, ignore=config.ignore + ignore)
    # --baseline wins, else the config's `baseline`. Either must exist: a missing file is an
    # error that says how to create it, never a scan run as if no baseline were set.
    if baseline_path is None and config_baseline:
        baseline_path = config.baseline
    entries = (
        load(baseline_path, _create_hint(baseline_path, config))
        if baseline_path is not None
        else ()
    )
    return config, rules, entries


def _run_scan(
    paths: tuple[Path, ...],
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    baseline_path: Path | None,
    show_info: bool,
    cache: bool = True,
    cache_dir: Path | None = None,
    announce: bool = True,
    config_baseline: bool = True,
    gitignore: bool = True,
) -> tuple[ScanResult, Config]:
    given = list(paths) or [Path()]
    config, rules, entries = _setup(
        scan_root(given), common_dir(given), config_path, select, ignore, baseline_path,
        announce, config_baseline,
    )
    result = scan(
        given, config, rules, jobs=jobs, baseline=entries, show_info=show_info, cache=cache,
        cache_dir=cache_dir, gitignore=gitignore,
    )
    return result, config


# -- command-line ergonomics ------------------------------------------------------------------

#: The path that means "read standard input" (``outlive scan -``).
STDIN_PATH = "-"


def _split_ids(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--select A,B --select C`` is ``A B C``: linters take both forms, so users type both."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _check_paths(paths: Sequence[Path]) -> None:
    """A path that does not exist stops the run before anything is reported: a typo in a CI
    job must fail loudly, not print "no findings" first. A broken symbolic link exists as a
    link and is left to discovery, which reports it like any unreadable file."""
    for path in paths:
        if str(path) != STDIN_PATH and not os.path.lexists(path):
            _fail(
                f"{printable(str(path))} does not exist (no such file or directory); "
                "give existing files or folders, or `-` to read standard input"
            )


def _stdin_bytes(limit: int) -> bytes:
    """Up to ``limit`` bytes of standard input, read when the scan gets to it."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        _fail("`-` reads standard input, but this process has none; pipe the content in")
    data: bytes = stream.read(limit)
    return data


def _scan_stdin(
    name: str | None,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline_path: Path | None,
    show_info: bool,
    announce: bool,
) -> tuple[ScanResult, Config]:
    """``outlive scan -``: standard input scanned as the file ``name`` would be.

    ``name`` (``--stdin-filename``) picks the file kind and the reported path, and places the
    content in the tree for the config search, ``exclude`` and ``per-path-ignores``, so piping
    a file in reports what scanning it would (an editor integration, ``git show :path``).
    Without it the input is ``<stdin>``, wherever the command runs. The same engine, size
    limit, in-source suppressions, baseline and reporters apply; the cache does not (there is
    no file to stamp).
    """
    given = Path(name if name is not None else STDIN_DEFAULT_NAME)
    config, rules, entries = _setup(
        scan_root([given]), common_dir([given.resolve()]), config_path, select, ignore,
        baseline_path, announce,
    )
    result = scan_stdin(name, _stdin_bytes, config, rules, baseline=entries, show_info=show_info)
    return result, config


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
    callback=_split_ids,
    help="Only these rule ids or families (LLC-GHA), comma-separated or repeated.",
)
@click.option(
    "--ignore",
    multiple=True,
    callback=_split_ids,
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
    _check_paths(paths)
    if any(str(p) == STDIN_PATH for p in paths):
        if len(paths) > 1:
            _fail("`-` (standard input) is scanned alone; give it without other paths")
        result, config = _scan_stdin(
            stdin_filename, config_path, select, ignore, baseline_path,
            show_info, announce,
        )
    else:
        if stdin_filename is not None:
            _fail("--stdin-filename names standard input; give `-` as the path to read it")
        result, config = _run_scan(
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
            _fail(f"cannot write {output}: {exc.strerror or exc}")
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


@main.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"], case_sensitive=False),
    default="text",
)
def rules_command(fmt: str) -> None:
    """List every rule outlive can run."""
    rules = all_rules()
    if fmt == "json":
        data = [
            {
                "id": r.META.id,
                "name": r.META.name,
                "summary": r.META.summary,
                "category": r.META.category.value,
                "severity": r.META.severity.value,
                "precision": r.META.precision.value,
                "owasp": list(r.META.owasp),
                "kinds": sorted(k.value for k in r.META.kinds),
                "fix": r.META.fix,
            }
            for r in rules
        ]
        click.echo(_json.dumps(data, indent=2))
    elif fmt == "markdown":
        click.echo("# outlive rules\n")
        click.echo("| id | name | severity | OWASP NHI | summary |\n|---|---|---|---|---|")
        for r in rules:
            m = r.META
            click.echo(
                f"| [{m.id}](#{m.id.lower()}) | `{m.name}` | {m.severity.value} | "
                f"{', '.join(m.owasp)} | {m.summary} |"
            )
        for r in rules:
            # Explicit anchors: SARIF helpUri links to docs/rules.md#llc-xxx-nnn.
            click.echo(f'\n<a id="{r.META.id.lower()}"></a>\n')
            click.echo(rule_markdown(r, heading="##"))
    else:
        id_w = max((len(r.META.id) for r in rules), default=0)
        name_w = max((len(r.META.name) for r in rules), default=0)
        nhi_w = max((len(",".join(r.META.owasp)) for r in rules), default=0)
        for r in rules:
            m = r.META
            click.echo(
                f"{m.id:<{id_w}}  {m.name:<{name_w}}  {m.severity.value:<8}  "
                f"{','.join(m.owasp):<{nhi_w}}  {m.summary}"
            )


@main.command("explain")
@click.argument("rule_id")
def explain_command(rule_id: str) -> None:
    """Show the documentation of one rule."""
    rule = get_rule(rule_id)
    if rule is None:
        _fail(f"no rule {rule_id!r}; `outlive rules` lists them")
    click.echo(rule_text(rule))


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


def _baseline_file(output: Path | None, config: Config) -> Path:
    """``--output``, else the config's ``baseline``, else ``.outlive-baseline.json`` here."""
    if output is not None:
        return output
    return config.baseline if config.baseline is not None else Path(DEFAULT_BASELINE)


def _create_hint(path: Path, config: Config) -> str:
    """The command that creates the missing baseline ``path``: plain when it is the file
    ``baseline create`` writes by default, else with the ``--output`` it needs."""
    if path == _baseline_file(None, config):
        return "outlive baseline create"
    return f"outlive baseline create --output {printable(str(path))}"


def _baseline_scan(
    paths: tuple[Path, ...], config_path: Path | None
) -> tuple[ScanResult, Config]:
    """The scan behind a baseline, which no baseline hides; an incomplete scan (a missing
    path, a malformed suppression, a failing rule) would record a wrong baseline, so it stops
    with exit 2."""
    result, config = _run_scan(
        paths, config_path, (), (), None, None, False, config_baseline=False
    )
    echo_errors(result)
    if any(e.level == "error" for e in result.errors):
        _fail("the scan had errors (above), so the baseline was not written")
    return result, config


def _write_baseline(output: Path, text: str) -> None:
    try:
        write_atomic(output, utf8_safe(text))
    except OSError as exc:
        _fail(f"cannot write baseline {output}: {exc.strerror or exc}")


@baseline_group.command("create")
@_baseline_options
def baseline_create(
    paths: tuple[Path, ...], output: Path | None, config_path: Path | None
) -> None:
    """Write a baseline of every current finding."""
    result, config = _baseline_scan(paths, config_path)
    target = _baseline_file(output, config)
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
    old = load(output, _create_hint(output, Config())) if output is not None else None
    result, config = _baseline_scan(paths, config_path)
    target = _baseline_file(output, config)
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


if __name__ == "__main__":  # pragma: no cover
    main()
