"""The ``outlive`` command: options in, exit code out, no scanning logic of its own.

Exit codes, the same for every format: 0 nothing at or above ``--fail-on``, 1 findings,
2 usage, config or internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
Errors are sentences; tracebacks only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import json as _json
import os
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

import click

from scanner import __version__
from scanner.baseline import DEFAULT_BASELINE, BaselineError, dump, entries_for, key_of, load
from scanner.config import SEVERITY_NAMES, Config, ConfigError, find_config, load_config
from scanner.docs import rule_markdown, rule_text
from scanner.findings import printable
from scanner.pipeline import ScanResult, exit_code, scan
from scanner.registry import RegistryError, all_rules, get_rule, select_rules
from scanner.reporters import REPORTERS, ReportOptions

_CONFIG_ERRORS = (ConfigError, RegistryError, BaselineError)


def _fail(message: str) -> NoReturn:
    click.echo(f"outlive: error: {message}", err=True)
    raise SystemExit(2)


def _utf8_safe(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udcff`` escapes, so it encodes as UTF-8.

    A file name that is not UTF-8 reaches a report surrogate-escaped (``os.fsdecode``), and
    writing it failed with UnicodeEncodeError, leaving an empty report. In the JSON formats the
    paths sit inside strings, where ``\\udcff`` is a JSON escape of the same character (a
    baseline read back matches the file again); in text it reads as the escape it is.
    """
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _scan_root(paths: Sequence[Path]) -> Path:
    """Paths are reported relative to the current directory when everything given is inside
    it (a repository root, as CI and pre-commit run), else to the given paths' common parent."""
    cwd = Path.cwd().resolve()
    resolved = [p.resolve() for p in paths]
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    return _common_dir(resolved)


def _common_dir(resolved: Sequence[Path]) -> Path:
    dirs = [p if p.is_dir() else p.parent for p in resolved]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def _load_config(
    config_path: Path | None, root: Path, start: Path, announce: bool = True
) -> Config:
    """An explicit ``--config``, else the nearest config upward from the scanned paths, no
    higher than the repository (or the scan root). The one used is named on stderr (stdout
    carries the report), so a config that changes what is reported is never a surprise."""
    if config_path is not None and not config_path.exists():
        _fail(f"config file {config_path} does not exist")
    path = config_path if config_path is not None else find_config(start, root)
    config = load_config(path, root)
    if path is not None and announce:
        click.echo(f"outlive: using config {printable(str(path))}", err=True)
    return config


#: Exit codes of a run stopped by a signal, as a shell reports them (128 + the signal number).
EXIT_INTERRUPTED = 128 + int(signal.SIGINT)
EXIT_TERMINATED = 128 + int(signal.SIGTERM)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread. A BaseException like KeyboardInterrupt, so that no
    ``except Exception`` on the way turns it into a finding or an internal error, while every
    ``finally`` (the worker pool's shutdown, a temporary report's removal) still runs."""


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM (``timeout``, CI runners, supervisors) becomes :class:`Terminated` while a
    command runs, so the scan stops its workers instead of dying and leaving them behind."""
    owner = os.getpid()

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:
            # A worker forked before its initializer reset the handler: die as by default.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (an embedding application): leave it alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Group(click.Group):
    """Turns unexpected exceptions into a sentence and exit 2, unless ``--debug``; a signal
    into one line and 130 (Ctrl-C) or 143 (SIGTERM), never the findings code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            with _sigterm_raises():
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


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="outlive")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """outlive finds credentials that outlive their task: static keys, non-expiring tokens,
    fake sessions and standing CI/IaC credentials, each with its lifetime and its
    session-scoped fix."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


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
) -> tuple[ScanResult, Config]:
    given = list(paths) or [Path()]
    root = _scan_root(given)
    start = _common_dir([p.resolve() for p in given])
    config = _load_config(config_path, root, start, announce)
    # The command line's --select replaces the config's; ignores add up.
    rules = select_rules(select=select or config.select, ignore=config.ignore + ignore)
    entries = load(baseline_path) if baseline_path is not None else ()
    result = scan(
        given, config, rules, jobs=jobs, baseline=entries, show_info=show_info, cache=cache,
        cache_dir=cache_dir,
    )
    return result, config


#: Files skipped on purpose (binary, too large) are listed one by one up to this many; past it,
#: a tree full of images or wheels would bury the warnings that matter, so they are counted.
MAX_LISTED_NOTES = 10


def _echo_errors(result: ScanResult) -> None:
    """Scan errors on stderr: every error and warning, and the first few skip notes."""
    notes = [e for e in result.errors if e.level == "note"]
    for error in result.errors:
        if error.level == "note" and len(notes) > MAX_LISTED_NOTES:
            continue
        # Path and message come from the scanned tree: no control character reaches stderr.
        where = printable(f"{error.path}:{error.line}" if error.line else error.path)
        click.echo(f"outlive: {error.level}: {where}: {printable(error.message)}", err=True)
    if len(notes) > MAX_LISTED_NOTES:
        click.echo(
            f"outlive: note: skipped {len(notes)} files (binary, or larger than max-file-size); "
            "--format json lists them",
            err=True,
        )


@main.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    default=None,
    help="Output format (default: text).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report here instead of stdout.",
)
@click.option("--select", multiple=True, help="Only these rule ids or families (LLC-GHA).")
@click.option("--ignore", multiple=True, help="Skip these rule ids or families.")
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITY_NAMES),
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
@click.option("--color/--no-color", default=None, help="Color text output (default: on a TTY).")
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the per-file results cache."
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
    color: bool | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Scan PATHS (default: the current directory) and report what outlives its task."""
    result, config = _run_scan(
        paths, config_path, select, ignore, jobs, baseline_path, show_info, cache=not no_cache,
        cache_dir=cache_dir,
        # Where scan errors go to stderr, so does the config's name; JSON and SARIF keep it clean.
        announce=(fmt or "text") in ("text", "github") or output is not None,
    )
    fmt = fmt or "text"
    if color is None:
        color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    options = ReportOptions(
        show_suppressed=show_suppressed,
        color=color,
        sarif_absolute=sarif_absolute,
        fail_on=fail_on or config.fail_on,
    )
    rendered = _utf8_safe(REPORTERS[fmt](result, options))
    if output is not None:
        try:
            _write_atomic(output, rendered)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
    else:
        # color=: click strips ANSI codes when stdout is not a terminal, even under --color.
        click.echo(rendered, nl=False, color=color)
    if fmt in ("text", "github") or output is not None:
        _echo_errors(result)
    code = exit_code(result, options.fail_on)
    if exit_zero and code == 1:
        code = 0
    raise SystemExit(code)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
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
        default=Path(DEFAULT_BASELINE),
        show_default=True,
    )(f)
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path))(f)


def _baseline_scan(paths: tuple[Path, ...], config_path: Path | None) -> ScanResult:
    """The scan behind a baseline; an incomplete scan (a missing path, a malformed
    suppression, a failing rule) would record a wrong baseline, so it stops with exit 2."""
    result, _ = _run_scan(paths, config_path, (), (), None, None, False)
    _echo_errors(result)
    if any(e.level == "error" for e in result.errors):
        _fail("the scan had errors (above), so the baseline was not written")
    return result


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``.

    A run stopped halfway (Ctrl-C, SIGTERM, a full disk) leaves the previous file untouched
    rather than a truncated report that a SARIF upload or a baseline load would then read. A
    symbolic link at ``path`` is replaced, not written through: a checkout can plant
    ``results.sarif`` as a link to a file outside the tree. A device or a pipe
    (``/dev/stdout``, ``>(...)``) cannot be renamed over and is written in place.
    """
    data = text.encode("utf-8")
    try:
        existing = path.stat()
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with path.open("wb") as stream:
            stream.write(data)
        return
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file 0600; a report is as readable as any file the user writes.
        umask = os.umask(0o022)
        os.umask(umask)
        temp.chmod(0o666 & ~umask)
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _write_baseline(output: Path, text: str) -> None:
    try:
        _write_atomic(output, _utf8_safe(text))
    except OSError as exc:
        _fail(f"cannot write baseline {output}: {exc.strerror or exc}")


@baseline_group.command("create")
@_baseline_options
def baseline_create(paths: tuple[Path, ...], output: Path, config_path: Path | None) -> None:
    """Write a baseline of every current finding."""
    result = _baseline_scan(paths, config_path)
    entries = entries_for(f for f in result.findings if f.suppression is None)
    _write_baseline(output, dump(entries))
    click.echo(f"outlive: wrote {len(entries)} entries to {output}", err=True)


@baseline_group.command("update")
@_baseline_options
def baseline_update(paths: tuple[Path, ...], output: Path, config_path: Path | None) -> None:
    """Drop baseline entries that no longer match a finding (reasons are kept)."""
    old = load(output)
    result = _baseline_scan(paths, config_path)
    current = {key_of(f) for f in result.findings}
    kept = [e for e in old if e.key in current]
    _write_baseline(output, dump(kept))
    click.echo(
        f"outlive: kept {len(kept)} of {len(old)} entries in {output} "
        f"({len(old) - len(kept)} no longer match)",
        err=True,
    )


if __name__ == "__main__":  # pragma: no cover
    main()
