"""The ``outlive`` group and what its commands share: config and baseline lookup, errors.

Exit codes, the same for every format: 0 nothing at or above ``--fail-on``, 1 findings,
2 usage, config or internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
Errors are sentences; tracebacks only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from scanner import __version__

if TYPE_CHECKING:  # imported where used: `outlive --version` and `--help` load no scanner
    from scanner.baseline import Entry
    from scanner.config import Config
    from scanner.pipeline import Progress, ScanResult
    from scanner.rulemeta import RuleSpec

#: Command name -> the ``scanner.cli`` module that defines it, imported when that command
#: runs (``scanner/cli/__init__.py`` fills it): a command's imports cost only its own runs.
COMMANDS: dict[str, str] = {}


def _config_errors() -> tuple[type[Exception], ...]:
    from scanner.baseline import BaselineError
    from scanner.config import ConfigError
    from scanner.registry import RegistryError

    return (ConfigError, RegistryError, BaselineError)


#: ``click.Context.meta`` key: Config fields a command's options set (``override_config``).
CONFIG_OVERRIDES = "outlive.config_overrides"


def override_config(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    """Callback of a flag that sets the Config field of the same name, for ``setup``."""
    if value and param.name is not None:
        ctx.meta.setdefault(CONFIG_OVERRIDES, {})[param.name] = value
    return value


def fail(message: str) -> NoReturn:
    click.echo(f"outlive: error: {message}", err=True)
    raise SystemExit(2)


def load_config_for(
    config_path: Path | None, root: Path, start: Path, announce: bool = True
) -> Config:
    """An explicit ``--config``, else the nearest config upward from the scanned paths, no
    higher than the repository (or the scan root). The one used is named on stderr (stdout
    carries the report), so a config that changes what is reported is never a surprise."""
    from scanner.config import load_config
    from scanner.findings import printable
    from scanner.roots import nearest_config

    if config_path is not None and not config_path.exists():
        fail(f"config file {config_path} does not exist")
    path = config_path if config_path is not None else nearest_config(start, root)
    config = load_config(path, root)
    if path is not None and announce:
        click.echo(f"outlive: using config {printable(str(path))}", err=True)
    return config


class _Group(click.Group):
    """Turns unexpected exceptions into a sentence and exit 2, unless ``--debug``; a signal
    into one line and 130 (Ctrl-C) or 143 (SIGTERM), never the findings code. Commands are
    imported on first use (``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"scanner.cli.{module}")  # registers it on this group
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        from scanner.process import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, sigterm_raises

        try:
            with sigterm_raises():
                return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("outlive: interrupted", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
        except Terminated:
            click.echo("outlive: terminated", err=True)
            raise SystemExit(EXIT_TERMINATED) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            # Before the config errors: every run ends in SystemExit, and naming those errors
            # imports the baseline, config and registry modules (none is a click exception).
            raise
        except _config_errors() as exc:
            fail(str(exc))
        except BrokenPipeError:
            # The reader went away (`outlive rules | head`): stop quietly, and keep the
            # interpreter's final flush from failing on the closed pipe again.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                import traceback

                traceback.print_exc()
            fail(
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


def setup(
    root: Path,
    start: Path,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    baseline_path: Path | None,
    announce: bool,
    config_baseline: bool = True,
) -> tuple[Config, tuple[RuleSpec, ...], Sequence[Entry]]:
    """The config, the rules and the baseline entries of a scan, from the command line."""
    from scanner.registry import select_infos

    config = load_config_for(config_path, root, start, announce)
    # Options that only the command line sets (`scan --honour-other-pragmas`): recorded in the
    # context by their callback, so every way of scanning (files, stdin, git) applies them.
    ctx = click.get_current_context(silent=True)
    overrides = ctx.meta.get(CONFIG_OVERRIDES) if ctx is not None else None
    if overrides:
        config = dataclasses.replace(config, **overrides)
    # The command line's --select replaces the config's; ignores add up.
    rules = select_infos(select=select or config.select, ignore=config.ignore + ignore)
    # --baseline wins, else the config's `baseline`. Either must exist: a missing file is an
    # error that says how to create it, never a scan run as if no baseline were set.
    if baseline_path is None and config_baseline:
        baseline_path = config.baseline
    if baseline_path is None:
        return config, rules, ()
    from scanner.baseline import load  # imported here: a scan without a baseline never reads one

    return config, rules, load(baseline_path, create_hint(baseline_path, config))


def run_scan(
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
    progress: Progress | None = None,
) -> tuple[ScanResult, Config]:
    from scanner.pipeline import scan
    from scanner.roots import common_dir, scan_root

    given = list(paths) or [Path()]
    config, rules, entries = setup(
        scan_root(given), common_dir(given), config_path, select, ignore, baseline_path,
        announce, config_baseline,
    )
    result = scan(
        given, config, rules, jobs=jobs, baseline=entries, show_info=show_info, cache=cache,
        cache_dir=cache_dir, gitignore=gitignore, progress=progress,
    )
    return result, config


# -- command-line ergonomics ------------------------------------------------------------------

#: The path that means "read standard input" (``outlive scan -``).
STDIN_PATH = "-"


def split_ids(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """``--select A,B --select C`` is ``A B C``: linters take both forms, so users type both."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def check_paths(paths: Sequence[Path]) -> None:
    """A path that does not exist stops the run before anything is reported: a typo in a CI
    job must fail loudly, not print "no findings" first. A broken symbolic link exists as a
    link and is left to discovery, which reports it like any unreadable file."""
    from scanner.findings import printable

    for path in paths:
        if str(path) != STDIN_PATH and not os.path.lexists(path):
            fail(
                f"{printable(str(path))} does not exist (no such file or directory); "
                "give existing files or folders, or `-` to read standard input"
            )


def stdin_bytes(limit: int) -> bytes:
    """Up to ``limit`` bytes of standard input, read when the scan gets to it."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        fail("`-` reads standard input, but this process has none; pipe the content in")
    data: bytes = stream.read(limit)
    return data


def scan_stdin_for(
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
    from scanner.pipeline import STDIN_DEFAULT_NAME, scan_stdin
    from scanner.roots import common_dir, scan_root

    given = Path(name if name is not None else STDIN_DEFAULT_NAME)
    config, rules, entries = setup(
        scan_root([given]), common_dir([given.resolve()]), config_path, select, ignore,
        baseline_path, announce,
    )
    result = scan_stdin(name, stdin_bytes, config, rules, baseline=entries, show_info=show_info)
    return result, config



def baseline_file(output: Path | None, config: Config) -> Path:
    """``--output``, else the config's ``baseline``, else ``.outlive-baseline.json`` here."""
    from scanner.baseline import DEFAULT_BASELINE

    if output is not None:
        return output
    return config.baseline if config.baseline is not None else Path(DEFAULT_BASELINE)


def create_hint(path: Path, config: Config) -> str:
    """The command that creates the missing baseline ``path``: plain when it is the file
    ``baseline create`` writes by default, else with the ``--output`` it needs."""
    from scanner.findings import printable

    if path == baseline_file(None, config):
        return "outlive baseline create"
    return f"outlive baseline create --output {printable(str(path))}"
