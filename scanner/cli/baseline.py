"""``outlive baseline create|update|audit|import``: record known findings so only new ones fail,
and the ``scan`` options that keep a baseline and suppressions honest."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import click

from scanner.baseline import (
    DEFAULT_BASELINE,
    VERDICTS,
    Entry,
    changes,
    dump,
    entries_for,
    judged,
    key_of,
    load,
    updated,
)
from scanner.baseline_import import mapped as mapped_items
from scanner.baseline_import import read_record, text_lines
from scanner.cli.app import (
    baseline_file,
    create_hint,
    fail,
    load_config_for,
    main,
    run_scan,
)
from scanner.cli.suppression import plural as _plural
from scanner.config import Config
from scanner.console import echo_errors, use_color, utf8_safe
from scanner.findings import Finding, printable
from scanner.git import GitError, git_command
from scanner.pipeline import ScanResult
from scanner.process import (
    write_atomic,
)
from scanner.reading import Refused, safe_read
from scanner.reporters.options import ReportOptions
from scanner.reporters.text import finding_block
from scanner.roots import common_dir, scan_root


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
    paths: tuple[Path, ...], config_path: Path | None, notes: bool = True
) -> tuple[ScanResult, Config]:
    """The scan behind a baseline, which no baseline hides; an incomplete scan (a missing
    path, a malformed suppression, a failing rule) would record a wrong baseline, so it stops
    with exit 2. ``notes=False`` leaves out the skipped-file notes (before an audit's
    questions they are noise)."""
    result, config = run_scan(
        paths, config_path, (), (), None, None, False, config_baseline=False
    )
    shown = result if notes else replace(
        result, errors=tuple(e for e in result.errors if e.level != "note")
    )
    echo_errors(shown)
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
        f"outlive: wrote {_plural(len(entries), 'entry', 'entries')} "
        f"({_plural(total, 'finding')}) "
        f"to {printable(str(target))}",
        err=True,
    )


@baseline_group.command("update")
@_baseline_options
@click.option(
    "--no-add",
    is_flag=True,
    help="Only narrow: prune entries and lower counts, never add a finding.",
)
def baseline_update(
    paths: tuple[Path, ...], output: Path | None, config_path: Path | None, no_add: bool
) -> None:
    """Bring the baseline up to date: add the findings that are new, prune entries with no
    finding left, set each count to the findings there are; reasons and verdicts are kept.
    With --no-add it only narrows, so new findings stay new."""
    # An explicit file is read before the scan, so a wrong path fails at once.
    old = load(output, create_hint(output, Config())) if output is not None else None
    result, config = _baseline_scan(paths, config_path)
    target = baseline_file(output, config)
    if old is None:
        old = load(target)
    new = updated(old, result.findings, add=not no_add)
    _write_baseline(target, dump(new))
    click.echo(
        f"outlive: updated {printable(str(target))}: {changes(old, new).sentence()}; "
        f"{_plural(len(new), 'entry', 'entries')} now",
        err=True,
    )


# -- audit -------------------------------------------------------------------------------------

_ANSWERS = {"t": "true-positive", "f": "false-positive"}


@baseline_group.command("audit")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=f"Baseline file (default: the config's `baseline`, else {DEFAULT_BASELINE}).",
)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--verdict",
    type=click.Choice(VERDICTS),
    default=None,
    help="Without asking: give every unaudited entry this verdict (with --reason).",
)
@click.option("--reason", default=None, help="With --verdict: the reason every entry gets.")
def baseline_audit(
    paths: tuple[Path, ...],
    baseline_path: Path | None,
    config_path: Path | None,
    verdict: str | None,
    reason: str | None,
) -> None:
    """Walk the baseline's entries that have no reason: show each one's finding (redacted),
    ask whether it is a real credential and why, and save the answer in the entry. `q` saves
    and quits; so does Ctrl-D."""
    if (verdict is None) != (reason is None) or (reason is not None and not reason.strip()):
        fail("--verdict and --reason go together: a verdict needs the reason it was given")
    if verdict is None and not sys.stdin.isatty():
        fail(
            "baseline audit asks about each entry on a terminal, and standard input is not "
            "one; run it in a terminal, or mark every unaudited entry at once with "
            '--verdict true-positive|false-positive --reason "..."'
        )
    given = list(paths) or [Path()]
    if baseline_path is None:
        config = load_config_for(config_path, scan_root(given), common_dir(given), False)
        baseline_path = baseline_file(None, config)
    entries = {e.key: e for e in load(baseline_path)}
    todo = [e for e in sorted(entries.values()) if not e.audited]
    if not todo:
        click.echo(
            f"outlive: every entry of {printable(str(baseline_path))} has a reason or a "
            "verdict; nothing to audit",
            err=True,
        )
        return
    if verdict is not None and reason is not None:
        for entry in todo:
            entries[entry.key] = judged(entry, verdict, reason)
        _write_baseline(baseline_path, dump(entries.values()))
        click.echo(
            f"outlive: marked {_plural(len(todo), 'entry', 'entries')} of "
            f"{printable(str(baseline_path))} {verdict}",
            err=True,
        )
        return
    result, _ = _baseline_scan(paths, config_path, notes=False)
    done, stale = _walk(todo, result.findings, entries, baseline_path)
    left = len(todo) - done - stale
    click.echo(
        f"outlive: audited {done} of {_plural(len(todo), 'unaudited entry', 'unaudited entries')}"
        f" in {printable(str(baseline_path))}"
        + (f"; {left} left (run `outlive baseline audit` again)" if left else "")
        + (
            f"; {_plural(stale, 'entry has', 'entries have')} no current finding "
            "(`outlive baseline update` prunes them)"
            if stale
            else ""
        ),
        err=True,
    )


def _walk(
    todo: Sequence[Entry],
    findings: Sequence[Finding],
    entries: dict[tuple[str, str, str], Entry],
    target: Path,
) -> tuple[int, int]:
    """The questions, one entry at a time, saving after each answer; (answered, stale)."""
    found: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        if finding.suppression is None:
            found.setdefault(key_of(finding), []).append(finding)
    current = [e for e in todo if e.key in found]
    options = ReportOptions(color=use_color(None, False, sys.stdout.isatty()))
    done = 0
    for number, entry in enumerate(current, 1):
        shown = found[entry.key]
        click.echo(f"\n[{number}/{len(current)}] {printable(entry.path)} {entry.rule}")
        for line in finding_block(shown[0], options):
            click.echo(line)
        if len(shown) > 1:
            click.echo(f"    (the entry stands for {len(shown)} findings like this one)")
        try:
            answer = click.prompt(
                "Is it a real credential? [t]rue positive, [f]alse positive, [s]kip, [q]uit",
                type=click.Choice(["t", "f", "s", "q"], case_sensitive=False),
                show_choices=False,
            ).lower()
            if answer == "q":
                break
            if answer == "s":
                continue
            why = click.prompt("Why? (saved as the entry's reason)").strip()
        except click.Abort:  # Ctrl-D: what was answered is saved already
            click.echo("")
            break
        entries[entry.key] = judged(entry, _ANSWERS[answer], why)
        _write_baseline(target, dump(entries.values()))
        done += 1
    return done, len(todo) - len(current)


# -- import ------------------------------------------------------------------------------------


@baseline_group.command("import")
@click.argument("record", type=click.Path(path_type=Path, dir_okay=False))
@_baseline_options
def baseline_import(
    record: Path, paths: tuple[Path, ...], output: Path | None, config_path: Path | None
) -> None:
    """Add the findings another scanner's record knows to the baseline: a detect-secrets
    `.secrets.baseline` or a gitleaks `.gitleaksignore`. An item maps to the outlive findings
    in its file, on its line, of a comparable rule (a detect-secrets item also by its hashed
    value); each item that does not map is listed."""
    if not record.is_file():
        fail(f"{printable(str(record))} does not exist or is not a file")
    tool, items = read_record(record)
    result, config = _baseline_scan(paths, config_path)
    target = baseline_file(output, config)
    existing = load(target) if target.exists() or target.is_symlink() else []
    root = result.root

    def read_lines(rel: str) -> list[str] | None:
        raw = safe_read(root / rel, config.max_file_size)
        return None if isinstance(raw, Refused) else text_lines(raw)

    def read_commit_lines(commit: str, rel: str) -> list[str] | None:
        # The commit is hex (checked when read) and the path a scanned file's, so this names
        # one blob; git runs with the repository's own programs switched off.
        try:
            shown = git_command(root, "cat-file", "blob", f"{commit}:{rel}")
        except GitError:
            return None
        if shown is None or shown.returncode != 0 or len(shown.stdout) > config.max_file_size:
            return None
        return text_lines(shown.stdout)

    entries, unmapped = mapped_items(items, result.findings, read_lines, read_commit_lines)
    known = {e.key for e in existing}
    fresh = [e for e in entries if e.key not in known]
    _write_baseline(target, dump([*existing, *entries]))
    for miss in unmapped:
        click.echo(
            f"outlive: not mapped: {printable(miss.item.describe())}: {printable(miss.why)}",
            err=True,
        )
    click.echo(
        f"outlive: {len(items) - len(unmapped)} of {_plural(len(items), tool + ' item')} "
        f"mapped to outlive findings; {_plural(len(fresh), 'entry', 'entries')} added to "
        f"{printable(str(target))}"
        + (f"; {len(unmapped)} not mapped (above)" if unmapped else ""),
        err=True,
    )
