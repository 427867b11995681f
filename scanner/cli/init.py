"""``outlive init`` writes a commented config with every setting at its default;
``outlive check-config`` validates one with the loader a scan uses.

The template is built from ``Config`` and ``Thresholds`` defaults, and a test loads it back
and compares, so what ``init`` writes is what a scan without a config does, and stays so when
a default changes. Exit codes: 0 written or valid, 2 refused or invalid (a sentence says why).
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from scanner.cli.app import fail, main
from scanner.config import (
    CONFIG_NAMES,
    DEFAULT_MAX_FILE_SIZE,
    Config,
    ConfigError,
    Thresholds,
    find_config,
    load_config,
)
from scanner.findings import printable
from scanner.process import write_atomic

#: What each threshold limits, for the comment above it (rules.md 0.5).
_THRESHOLD_HELP = {
    "jwt_max_lifetime": "longest `exp` a minted JWT may have (LLC-PY-002; `outlive fix` uses it)",
    "access_token_max_lifetime": "longest access-token lifetime a framework setting may give",
    "refresh_token_max_lifetime": "longest refresh-token lifetime",
    "role_session_max_seconds": "longest STS / cloud role session (CI and Python rules)",
    "credential_max_validity_days": "days a stored key or certificate may live (a number of days)",
    "presign_max_seconds": "longest presigned URL or SAS lifetime",
    "k8s_token_max_seconds": "longest projected service-account token lifetime",
}


def _duration(seconds: int) -> str:
    """``"24h"`` rather than ``86400``: the loader reads both; people read the first."""
    for suffix, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size and not (suffix == "d" and seconds < 2 * size):
            return f'"{seconds // size}{suffix}"'
    return str(seconds)


def _size(n: int) -> str:
    return f'"{n // 2**20}MiB"' if n % 2**20 == 0 else str(n)


def template(prefix: str = "") -> str:
    """The commented config; ``prefix`` ``tool.outlive`` gives the pyproject form."""
    d = Config()
    sub = f"{prefix}." if prefix else ""
    out = [
        "# outlive configuration: every setting at its default. Uncomment or change what you",
        "# need; `outlive check-config` validates this file.",
        *([f"[{prefix}]"] if prefix else []),
        "",
        "# Files and folders not scanned (gitignore patterns, relative to this file).",
        f"exclude = {_list(d.exclude)}",
        "# Only these rule ids or families (\"LLC-GHA\"); empty means every rule.",
        f"select = {_list(d.select)}",
        "# Rule ids or families never reported.",
        f"ignore = {_list(d.ignore)}",
        "# Lowest severity that fails a scan: critical, high, medium or low (info never fails).",
        f'fail-on = "{d.fail_on}"',
        "# Larger files are skipped with a note (bytes, or a size such as \"2MiB\").",
        f"max-file-size = {_size(DEFAULT_MAX_FILE_SIZE)}",
        "# Allow `# outlive: ignore` without a rule id (it hides every rule on its line).",
        f"allow-blanket-ignores = {str(d.allow_blanket_ignores).lower()}",
        "# Require a reason in suppressions: `# outlive: ignore[LLC-PY-001] reason=...`.",
        f"require-reason = {str(d.require_reason).lower()}",
        "# Extra words that mark a value as a placeholder, never a credential.",
        f"placeholder-words = {_list(d.placeholder_words)}",
        "# RE2 patterns; a value matching one is never reported.",
        f"allowlist = {_list(d.allowlist)}",
        "# Hide recorded findings: the file `outlive baseline create` writes.",
        '# baseline = ".outlive-baseline.json"',
        "",
        "# Rules to skip per path (fnmatch globs, or a path suffix).",
        f"[{sub}per-path-ignores]",
        '# "tests/**" = ["LLC-SRC-014"]',
        "",
        "# Limits the rules compare lifetimes with: durations (3600, \"24h\", \"30d\", \"PT1H\").",
        f"[{sub}thresholds]",
    ]
    defaults = Thresholds()
    for name in Thresholds.__dataclass_fields__:
        value = getattr(defaults, name)
        out.append(f"# {_THRESHOLD_HELP.get(name, name)}")
        shown = str(value) if name == "credential_max_validity_days" else _duration(value)
        out.append(f"{name} = {shown}")
    return "\n".join(out) + "\n"


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


#: A ``[tool.outlive]`` or ``[tool.outlive.x]`` header, and any table header.
_OUR_HEADER = re.compile(r"^\s*\[\s*tool\.outlive\s*(\.|\])")
_ANY_HEADER = re.compile(r"^\s*\[")


def _without_our_tables(text: str) -> str:
    """``text`` with its ``[tool.outlive*]`` tables cut out, every other line kept."""
    kept, ours = [], False
    for line in text.splitlines(keepends=True):
        if _ANY_HEADER.match(line):
            ours = bool(_OUR_HEADER.match(line))
        if not ours:
            kept.append(line)
    return "".join(kept)


@main.command("init")
@click.option(
    "--pyproject",
    is_flag=True,
    help="Append a [tool.outlive] section to pyproject.toml instead of writing outlive.toml.",
)
@click.option("--force", is_flag=True, help="Replace an existing outlive config.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path(),
    help="Where to write it (default: the current directory).",
)
def init_command(pyproject: bool, force: bool, directory: Path) -> None:
    """Write a commented outlive.toml (or a [tool.outlive] section) with every default."""
    if pyproject:
        target = directory / "pyproject.toml"
        existing = target.read_text(encoding="utf-8") if target.is_file() else ""
        if _OUR_HEADER.search(existing) or any(
            _OUR_HEADER.match(line) for line in existing.splitlines()
        ):
            if not force:
                fail(
                    f"{printable(str(target))} already has a [tool.outlive] section; "
                    "--force replaces it"
                )
            existing = _without_our_tables(existing)
        separator = "" if not existing or existing.endswith("\n\n") else (
            "\n" if existing.endswith("\n") else "\n\n"
        )
        text = existing + separator + template("tool.outlive")
    else:
        target = directory / "outlive.toml"
        if target.exists() and not force:
            fail(f"{printable(str(target))} already exists; --force replaces it")
        text = template()
    try:
        write_atomic(target, text)
    except OSError as exc:
        fail(f"cannot write {printable(str(target))}: {exc.strerror or exc}")
    click.echo(f"outlive: wrote {printable(str(target))}", err=True)
    if pyproject:
        for name in CONFIG_NAMES[:2]:
            if (directory / name).is_file():
                click.echo(
                    f"outlive: note: {name} in the same folder takes precedence over "
                    "pyproject.toml",
                    err=True,
                )


@main.command("check-config")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
def check_config_command(file: Path | None) -> None:
    """Validate FILE (default: the config a scan here would use); exit 0 valid, 2 not."""
    if file is None:
        file = find_config(Path.cwd())
        if file is None:
            fail(
                "no outlive.toml, .outlive.toml or pyproject.toml with [tool.outlive] here or "
                "above (up to the repository's top); `outlive init` writes one"
            )
    if not file.exists():
        fail(f"config file {printable(str(file))} does not exist")
    try:
        config = load_config(file, file.resolve().parent)
    except ConfigError as exc:
        fail(str(exc))
    if file.name == "pyproject.toml" and not _has_section(file):
        fail(
            f"{printable(str(file))} has no [tool.outlive] section; "
            "`outlive init --pyproject` adds one"
        )
    rules = f"{len(config.select)} selected" if config.select else "every rule"
    click.echo(f"outlive: {printable(str(file))} is valid (fail-on {config.fail_on}, {rules})")


def _has_section(path: Path) -> bool:
    try:
        return any(_OUR_HEADER.match(line) for line in path.read_text("utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return False
