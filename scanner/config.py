"""Configuration: ``outlive.toml``, ``.outlive.toml`` or ``[tool.outlive]``, searched upward.

The result is a frozen ``Config``. Every key is checked: a typo in a security tool's config must
not silently turn a check off, so an unknown key or a bad value is an error naming the key and
the file (exit 2).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.durations import parse_duration

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAMES = ("outlive.toml", ".outlive.toml", "pyproject.toml")
SEVERITY_NAMES = ("critical", "high", "medium", "low")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024


class ConfigError(Exception):
    """A configuration problem, phrased for the user (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits of rules.md 0.5, in seconds (days for credential validity)."""

    jwt_max_lifetime: int = 86400
    access_token_max_lifetime: int = 3600
    refresh_token_max_lifetime: int = 30 * 86400
    role_session_max_seconds: int = 3600
    credential_max_validity_days: int = 90
    presign_max_seconds: int = 3600
    k8s_token_max_seconds: int = 3600


_THRESHOLD_KEYS = tuple(Thresholds.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a scan is told, from the file and then the command line."""

    source: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "low"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    allow_blanket_ignores: bool = False
    require_reason: bool = True
    placeholder_words: tuple[str, ...] = ()
    allowlist: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def base(self) -> Path:
        """Where ``exclude`` and ``per-path-ignores`` globs are anchored: the config's folder."""
        return self.source.parent if self.source is not None else self.root

    def base_relative(self, rel: str) -> str | None:
        """A root-relative path made relative to ``base``; None when it lies outside."""
        base, root = self.base.resolve(), self.root.resolve()
        try:
            prefix = base.relative_to(root).as_posix()
        except ValueError:
            # The config sits above the scan root (a scan run from a subfolder).
            try:
                above = root.relative_to(base).as_posix()
            except ValueError:
                return None
            return f"{above}/{rel}"
        if prefix in ("", "."):
            return rel
        return rel[len(prefix) + 1 :] if rel.startswith(prefix + "/") else None


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a pyproject counts only with our table)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _has_tool_table(candidate):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "outlive" in data["tool"]


def load_config(path: Path | None, root: Path) -> Config:
    """Read and validate ``path`` (or return defaults when there is none)."""
    if path is None:
        return Config(root=root)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        tool = raw.get("tool", {})
        table = tool.get("outlive", {}) if isinstance(tool, dict) else {}
        prefix = "tool.outlive."
    else:
        table, prefix = raw, ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{prefix.rstrip('.')}] must be a table")
    return _parse(table, path, prefix, root)


def _parse(table: dict[str, Any], path: Path, prefix: str, root: Path) -> Config:
    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: `{prefix}{key}` {problem}")

    def str_list(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, "must be a list of strings")
        return tuple(value)

    known = {
        "exclude",
        "select",
        "ignore",
        "fail-on",
        "max-file-size",
        "allow-blanket-ignores",
        "require-reason",
        "placeholder-words",
        "allowlist",
        "per-path-ignores",
        "thresholds",
    }
    for key in table:
        if key not in known:
            raise fail(key, f"is not a known setting (known: {', '.join(sorted(known))})")

    fail_on = table.get("fail-on", "low")
    if fail_on not in SEVERITY_NAMES:
        raise fail("fail-on", f"must be one of {', '.join(SEVERITY_NAMES)}, not {fail_on!r}")

    max_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if isinstance(max_size, str):
        max_size = _parse_size(max_size)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        raise fail("max-file-size", "must be a positive number of bytes or a size like '2MiB'")

    bools = {}
    for key in ("allow-blanket-ignores", "require-reason"):
        value = table.get(key, key == "require-reason")
        if not isinstance(value, bool):
            raise fail(key, "must be true or false")
        bools[key] = value

    allowlist = str_list("allowlist")
    for pattern in allowlist:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise fail(
                "allowlist", f"has an invalid regular expression {pattern!r}: {exc}"
            ) from None

    per_path_raw = table.get("per-path-ignores", {})
    if not isinstance(per_path_raw, dict):
        raise fail("per-path-ignores", "must be a table of glob = [rule ids]")
    per_path: list[tuple[str, tuple[str, ...]]] = []
    for glob, ids in per_path_raw.items():
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise fail(f"per-path-ignores.{glob}", "must be a list of rule ids or prefixes")
        per_path.append((glob, tuple(ids)))

    thresholds_raw = table.get("thresholds", {})
    if not isinstance(thresholds_raw, dict):
        raise fail("thresholds", "must be a table")
    values: dict[str, int] = {}
    for key, value in thresholds_raw.items():
        if key not in _THRESHOLD_KEYS:
            raise fail(
                f"thresholds.{key}", f"is not a known threshold ({', '.join(_THRESHOLD_KEYS)})"
            )
        if key == "credential_max_validity_days":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise fail(f"thresholds.{key}", "must be a positive number of days")
            values[key] = value
            continue
        seconds = parse_duration(value) if isinstance(value, str | int) else None
        if seconds is None or seconds <= 0:
            raise fail(
                f"thresholds.{key}", "must be a duration such as 3600, '24h', '30d' or 'PT1H'"
            )
        values[key] = seconds

    return Config(
        source=path,
        root=root,
        exclude=str_list("exclude"),
        select=str_list("select"),
        ignore=str_list("ignore"),
        fail_on=fail_on,
        max_file_size=max_size,
        allow_blanket_ignores=bools["allow-blanket-ignores"],
        require_reason=bools["require-reason"],
        placeholder_words=str_list("placeholder-words"),
        allowlist=allowlist,
        per_path_ignores=tuple(per_path),
        thresholds=Thresholds(**values),
    )


_SIZE = re.compile(r"^\s*(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 10**6,
    "mib": 2**20,
    "gb": 10**9,
    "gib": 2**30,
}


def _parse_size(text: str) -> int | None:
    match = _SIZE.match(text)
    if match is None:
        return None
    return int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()]
