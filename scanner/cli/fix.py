"""``outlive fix``: the mechanical fixes of a scan, as a unified diff or written in place.

Exit codes: 0 nothing to fix (or every fix written), 1 fixes pending (the diff is on stdout),
2 errors (a scan error, a file that cannot be written). The diff goes to stdout so it pipes
into ``git apply``; what has no automatic fix, and what the user must still do (the role ARN
to fill in, the Trusted Publisher to add on PyPI), goes to stderr.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from scanner.cli.app import check_paths, fail, main, run_scan, split_ids
from scanner.console import echo_errors
from scanner.findings import printable

#: Findings without a fixer listed one by one; past this they are counted per rule, so the
#: fixes' notes are not buried under a repository's whole report.
MAX_LISTED = 20


@main.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--write", "write_files", is_flag=True, help="Write the fixes instead of showing the diff."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this config file instead of searching upward for one.",
)
@click.option(
    "--select",
    multiple=True,
    callback=split_ids,
    help="Only these rule ids or families, comma-separated or repeated.",
)
@click.option(
    "--ignore",
    multiple=True,
    callback=split_ids,
    help="Skip these rule ids or families, comma-separated or repeated.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the per-file results cache.")
def fix_command(
    paths: tuple[Path, ...],
    write_files: bool,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_cache: bool,
) -> None:
    """Fix what has a mechanical fix in PATHS (default: the current directory): static AWS
    keys in GitHub Actions become an OIDC role (LLC-GHA-001), a PyPI token becomes trusted
    publishing (LLC-GHA-005), a JWT without `exp` gains one (LLC-PY-001). Shows a diff;
    --write applies it."""
    # Imported here: LibCST and the engine cost every other command's start-up otherwise.
    from scanner.fixes import diff, plan, write

    if any(str(p) == "-" for p in paths):
        fail("`outlive fix` changes files; it does not read standard input")
    check_paths(paths)
    result, config = run_scan(
        paths, config_path, select, ignore, None, None, False, cache=not no_cache,
        config_baseline=True,
    )
    echo_errors(result, quiet=True)  # errors and warnings; the skip notes are the scan's
    fixes, unfixable = plan(result.root, result.findings, config, result.rules)
    code = 2 if any(e.level == "error" for e in result.errors) else 0
    changed = [f for f in fixes if f.new_text is not None]
    fixed = sum(len(f.fixed) for f in changed)
    for fix in changed:
        if write_files:
            try:
                write(result.root, fix)
            except OSError as exc:
                click.echo(
                    f"outlive: error: cannot write {printable(fix.path)}: "
                    f"{exc.strerror or exc}",
                    err=True,
                )
                code = 2
                continue
        else:
            click.echo(diff(fix), nl=False)
    for fix in fixes:
        for finding, reason in fix.refused:
            _no_fix(finding.location.path, finding.location.line, finding.rule_id, reason)
    for finding in unfixable[:MAX_LISTED]:
        _no_fix(finding.location.path, finding.location.line, finding.rule_id, None)
    if len(unfixable) > MAX_LISTED:
        rest = Counter(f.rule_id for f in unfixable[MAX_LISTED:])
        counts = ", ".join(f"{n} {rule}" for rule, n in rest.most_common())
        click.echo(
            f"outlive: no automatic fix: {len(unfixable) - MAX_LISTED} more findings "
            f"({counts}); `outlive scan` shows them",
            err=True,
        )
    for fix in changed:
        for note in fix.notes:
            click.echo(f"outlive: todo: {printable(note)}", err=True)
    if not changed:
        click.echo("outlive: nothing to fix automatically", err=True)
    elif write_files:
        click.echo(f"outlive: fixed {_count(fixed, 'finding')} in {_count(len(changed), 'file')}",
                   err=True)
    else:
        click.echo(
            f"outlive: {_count(fixed, 'fix', 'fixes')} pending in "
            f"{_count(len(changed), 'file')}; `outlive fix --write` applies them",
            err=True,
        )
        code = max(code, 1)
    raise SystemExit(code)


def _no_fix(path: str, line: int, rule_id: str, reason: str | None) -> None:
    why = f": {reason}" if reason else ""
    click.echo(
        f"outlive: no automatic fix: {printable(path)}:{line}: {rule_id}{printable(why)}",
        err=True,
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
