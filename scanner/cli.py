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
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

import click
import pathspec

from scanner import __version__
from scanner.baseline import (
    DEFAULT_BASELINE,
    BaselineError,
    dump,
    entries_for,
    hide_known,
    load,
    updated,
)
from scanner.config import SEVERITY_NAMES, Config, ConfigError, find_config, load_config
from scanner.discovery import (
    BINARY_SNIFF,
    MAX_SUBMODULE_DEPTH,
    git_toplevel,
    relative,
    repository_root,
    resolve_path,
    skip_reason,
)
from scanner.docs import rule_markdown, rule_text
from scanner.engine import Engine
from scanner.findings import Finding, ScanError, Severity, printable
from scanner.pipeline import ScanResult, Stats, _gitlab_includes, exit_code, scan
from scanner.registry import RegistryError, all_rules, get_rule, select_rules
from scanner.reporters import REPORTERS, ReportOptions, github
from scanner.reporters.sarif import check_category

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
    """The folder every reported path (text, JSON, GitHub, SARIF, baseline) is relative to.

    Inside a git work tree it is the repository's top (the outermost one: a submodule's files
    are the superproject's ``sub/...``), whatever the working directory: a baseline made at the
    root then matches a scan run from ``app/``, and SARIF URIs map onto the repository. Outside
    git: the working directory when everything given is inside it, else the given paths'
    common parent. Paths are resolved without failing on a symbolic link loop.
    """
    resolved = [resolve_path(p) for p in paths]
    common = _common_dir(resolved)
    top = repository_root(common)
    if top is not None:
        top = resolve_path(top)
        if all(p == top or top in p.parents for p in resolved):
            return top
    cwd = Path.cwd().resolve()
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    return common


def _common_dir(paths: Sequence[Path]) -> Path:
    """The deepest folder holding every path (resolved here, so a loop is not an error)."""
    resolved = [resolve_path(p) for p in paths]
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
    path = config_path if config_path is not None else _find_config(start, root)
    config = load_config(path, root)
    if path is not None and announce:
        click.echo(f"outlive: using config {printable(str(path))}", err=True)
    return config


def _find_config(start: Path, root: Path) -> Path | None:
    """``find_config``, carried on across submodule boundaries up to ``root``.

    ``find_config`` stops at the git top level of ``start``; inside a submodule that is the
    submodule's, while the scan root (and the config a scan from the root would use) is the
    superproject's. The search goes on from the submodule's parent folder, never above root.
    """
    here, top_root = start, resolve_path(root)
    for _ in range(MAX_SUBMODULE_DEPTH + 1):
        found = find_config(here, root)
        if found is not None:
            return found
        top = git_toplevel(here)
        if top is None:
            return None
        top = resolve_path(top)
        if top == top_root or top_root not in top.parents:
            return None
        here = top.parent
    return None


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
    root = _scan_root(given)
    start = _common_dir(given)
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
    result = scan(
        given, config, rules, jobs=jobs, baseline=entries, show_info=show_info, cache=cache,
        cache_dir=cache_dir, gitignore=gitignore,
    )
    return result, config


#: Files skipped on purpose (binary, too large) are listed one by one up to this many; past it,
#: a tree full of images or wheels would bury the warnings that matter, so they are counted.
MAX_LISTED_NOTES = 10


def _echo_errors(result: ScanResult) -> None:
    """Scan errors on stderr: every error and warning, the first few notes, then the rest of
    the notes counted by reason (``12 binary, 3 ignored by .gitignore``)."""
    listed = 0
    hidden: Counter[str] = Counter()
    for error in result.errors:
        if error.level == "note":
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


# -- command-line ergonomics ------------------------------------------------------------------

#: Set by GitHub Actions to the file a step appends its Markdown job summary to.
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
#: The path that means "read standard input" (``outlive scan -``).
STDIN_PATH = "-"
#: What a scan of standard input is reported as when ``--stdin-filename`` is not given. Its
#: name matches no file kind, so it is scanned as text: every raw-text secret rule runs on it.
STDIN_DEFAULT_NAME = "<stdin>"


def _split_ids(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--select A,B --select C`` is ``A B C``: linters take both forms, so users type both."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _env_flag(name: str) -> str | None:
    """An environment variable's value, an empty one counting as unset (no-color.org)."""
    value = os.environ.get(name)
    return value if value else None


def _use_color(flag: bool | None, to_file: bool, isatty: bool) -> bool:
    """Whether text output is coloured, first rule that applies wins.

    ``--color/--no-color``; a non-empty ``NO_COLOR`` (an empty one is unset, per
    no-color.org); ``FORCE_COLOR`` other than ``0`` (CI logs render colours but are not a
    terminal); ``TERM=dumb``; else a terminal on stdout. The variables speak about a terminal,
    so a report written with ``--output`` is coloured only with ``--color``.
    """
    if flag is not None:
        return flag
    if to_file or _env_flag("NO_COLOR") is not None:
        return False
    force = _env_flag("FORCE_COLOR")
    if force is not None:
        return force != "0"
    if os.environ.get("TERM") == "dumb":
        return False
    return isatty


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


def _read_stdin(rel: str, max_size: int) -> tuple[bytes | None, ScanError | None]:
    """Standard input under the same limits as a file: at most ``max_size`` bytes (one more
    is read to tell), and binary data skipped by the same test as discovery's."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        _fail("`-` reads standard input, but this process has none; pipe the content in")
    data = stream.read(max_size + 1)
    if len(data) > max_size:
        return None, ScanError(
            rel, f"larger than max-file-size (more than {max_size} bytes); skipped",
            level="note", kind="skipped",
        )
    wide = data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    if not wide and b"\0" in data[:BINARY_SNIFF]:
        return None, ScanError(rel, "binary file; skipped", level="note", kind="skipped")
    return data, None


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
    root = _scan_root([given])
    start = _common_dir([given.resolve()])
    config = _load_config(config_path, root, start, announce)
    rules = select_rules(select=select or config.select, ignore=config.ignore + ignore)
    # As for a scan of files: --baseline, else the config's; a missing one stops the run here.
    if baseline_path is None:
        baseline_path = config.baseline
    entries = (
        load(baseline_path, _create_hint(baseline_path, config))
        if baseline_path is not None
        else ()
    )
    rel = relative(given, root) if name is not None else STDIN_DEFAULT_NAME
    errors: list[ScanError] = []
    findings: list[Finding] = []
    anchored = config.base_relative(rel)
    excluded = bool(config.exclude) and anchored is not None and pathspec.GitIgnoreSpec.from_lines(
        config.exclude
    ).match_file(anchored)
    size = 0
    data, problem = (None, None) if excluded else _read_stdin(rel, config.max_file_size)
    if problem is not None:
        errors.append(problem)
    if data is not None:
        engine = Engine(rules, config, gitlab_includes=_gitlab_includes(root))
        scanned = engine.scan_bytes(rel, data)
        findings.extend(scanned.findings)
        errors.extend(scanned.errors)
        size = len(data)
    if not show_info:
        findings = [f for f in findings if f.severity is not Severity.INFO]
    findings.sort(key=lambda f: f.sort_key)
    if entries:
        findings = hide_known(findings, entries)
    errors.sort()
    reason = skip_reason(problem) if problem is not None else None
    stats = Stats(
        files_scanned=1 if data is not None else 0,
        files_skipped=0 if problem is None else 1,
        bytes_scanned=size,
        skipped_by_reason=((reason or "other", 1),) if problem is not None else (),
    )
    result = ScanResult(
        root=root, findings=tuple(findings), errors=tuple(errors), rules=tuple(rules),
        stats=stats,
    )
    return result, config


def _write_step_summary(result: ScanResult, options: ReportOptions) -> None:
    """Append the Markdown job summary to ``$GITHUB_STEP_SUMMARY`` when GitHub Actions set it.

    The annotations are the gate's output and the exit code its verdict: a summary that cannot
    be written (a full disk, a read-only file) is a warning, never a failed run.
    """
    target = _env_flag(STEP_SUMMARY_ENV)
    if target is None:
        return
    text = _utf8_safe(github.summary(result, options))
    try:
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        click.echo(
            f"outlive: warning: cannot write the job summary to {printable(target)} "
            f"({exc.strerror or exc}); the annotations and the exit code are unaffected",
            err=True,
        )


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
    color = _use_color(color, output is not None, sys.stdout.isatty())
    options = ReportOptions(
        show_suppressed=show_suppressed,
        color=color,
        sarif_absolute=sarif_absolute,
        sarif_category=sarif_category,
        fail_on=(fail_on or config.fail_on).lower(),
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
    if fmt == "github":
        _write_step_summary(result, options)
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
    _echo_errors(result)
    if any(e.level == "error" for e in result.errors):
        _fail("the scan had errors (above), so the baseline was not written")
    return result, config


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
