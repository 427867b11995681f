"""Configuration: ``outlive.toml``, ``.outlive.toml`` or ``[tool.outlive]``, searched upward.

The result is a frozen ``Config``. Every key is checked: a typo in a security tool's config must
not silently turn a check off, so an unknown key or a bad value is an error naming the key and
the file (exit 2).
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import TYPE_CHECKING, Any

from scanner.discovery import MAX_AUX_FILE_SIZE
from scanner.findings import mask_generic, redact
from scanner.git import git_toplevel
from scanner.reading import Refused, safe_read

if TYPE_CHECKING:
    import re2

    from scanner.secrets import Pattern

CONFIG_NAMES = ("outlive.toml", ".outlive.toml", "pyproject.toml")
SEVERITY_NAMES = ("critical", "high", "medium", "low")
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
#: No file is read whole above this (1 TiB); a larger setting is a typo or a hostile config,
#: and a number past the C size limits would fail the first read instead of being refused here.
MAX_FILE_SIZE_LIMIT = 2**40
#: Thresholds stop at 10,000 years: a longer one is a typo (or a hostile config) and would turn
#: its rule off in practice.
MAX_THRESHOLD_SECONDS = 10_000 * 365 * 86400
#: Longer allowlist patterns are refused before RE2 sees them: its parser walks a
#: million-deep nesting natively (and logs to stderr) before giving up.
MAX_PATTERN_LENGTH = 10_000


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
    #: Command-line only (``scan --honour-other-pragmas``, ``--report-unused-ignores``); they
    #: change what a file's scan reports, so they are in ``repr`` and the cache key.
    honour_other_pragmas: bool = False
    report_unused_ignores: bool = False
    placeholder_words: tuple[str, ...] = ()
    allowlist: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: The ``baseline`` setting, joined to the config's folder. Left out of ``repr``: the
    #: results cache keys on it, and the baseline applies after the cache, to every file alike.
    baseline: Path | None = field(default=None, repr=False)

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


def find_config(start: Path, root: Path | None = None) -> Path | None:
    """The nearest config file at or above ``start``, but no higher than the repository.

    A config is applied because it is the repository's: the search stops at the top of the git
    work tree holding ``start`` or, outside one, at ``root`` (the scan root; by default the
    working directory). An ``outlive.toml`` planted in a shared folder above (``exclude =
    ["**"]``) must not turn every scan below it into "no findings". A candidate that is not a
    regular file, or whose real path leaves that folder, is passed over; a pyproject counts
    only with our table.
    """
    return config_and_top(start, root)[0]


def config_and_top(start: Path, root: Path | None = None) -> tuple[Path | None, Path | None]:
    """``find_config``, and the git top level it stopped at (None outside a work tree), so a
    caller going on above it (``roots.nearest_config``) does not ask git again."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    top = git_toplevel(here)
    return _config_below(here, (top or root or Path.cwd()).resolve()), top


def _config_below(here: Path, ceiling: Path) -> Path | None:
    chain = [here, *here.parents]
    chain = chain[: chain.index(ceiling) + 1] if ceiling in chain else [here]
    for directory in chain:
        for name in CONFIG_NAMES:
            candidate = directory / name
            if not candidate.is_file() or not candidate.resolve().is_relative_to(ceiling):
                continue
            if name != "pyproject.toml" or _has_tool_table(candidate, ceiling):
                return candidate
    return None


#: A config file larger than this is refused unread.
MAX_CONFIG_SIZE = MAX_AUX_FILE_SIZE


def _config_text(path: Path, root: Path | None = None) -> str:
    """The text of a config file, read through ``safe_read`` (a FIFO or a link to /dev/zero
    named ``outlive.toml`` must not hang or fill memory); OSError carries the refusal."""
    data = safe_read(path, MAX_CONFIG_SIZE, root=root)
    if isinstance(data, Refused):
        raise OSError(0, data.reason)
    return data.decode("utf-8")


def _tomllib() -> ModuleType:
    """The TOML parser, imported when a config file is read: a scan with none never needs it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    module: ModuleType = tomllib
    return module


def _has_tool_table(path: Path, root: Path | None = None) -> bool:
    try:
        data = _tomllib().loads(_config_text(path, root))
    except (OSError, ValueError, RecursionError):
        # Not UTF-8, not TOML, a 5,000-digit integer, arrays nested 1,000 deep: whatever it
        # is, a pyproject.toml met on the way up that cannot be read is not ours.
        return False
    return isinstance(data.get("tool"), dict) and "outlive" in data["tool"]


def load_config(path: Path | None, root: Path) -> Config:
    """Read and validate ``path`` (or return defaults when there is none)."""
    if path is None:
        return Config(root=root)
    tomllib = _tomllib()
    try:
        raw = tomllib.loads(_config_text(path))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    except ValueError:
        # tomllib converts integers with int(), which refuses more than 4,300 digits.
        raise ConfigError(
            f"config file {path} holds a number too long to read (thousands of digits)"
        ) from None
    except RecursionError:
        raise ConfigError(
            f"config file {path} nests arrays or tables too deeply to read"
        ) from None
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
        "baseline",
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
    if max_size > MAX_FILE_SIZE_LIMIT:
        raise fail("max-file-size", "must be at most 1 TiB")

    bools = {}
    for key in ("allow-blanket-ignores", "require-reason"):
        value = table.get(key, key == "require-reason")
        if not isinstance(value, bool):
            raise fail(key, "must be true or false")
        bools[key] = value

    allowlist = str_list("allowlist")
    if allowlist:
        import re2  # imported here: only an allowlist is compiled with RE2
    for pattern in allowlist:
        if len(pattern) > MAX_PATTERN_LENGTH:
            raise fail(
                "allowlist",
                f"has a regular expression of {len(pattern):,} characters, {_quote(pattern)}; "
                f"the limit is {MAX_PATTERN_LENGTH:,} (split it into several patterns)",
            )
        try:
            compile_allowlist(pattern)
        except re2.error as exc:
            raise fail(
                "allowlist",
                f"has a regular expression RE2 cannot compile, {_quote(pattern)}: "
                f"{_re2_reason(exc)} (allowlist patterns use RE2 syntax: no look-arounds or "
                "backreferences, repetition counts up to 1000)",
            ) from None

    exclude = str_list("exclude")
    for glob in exclude:
        problem = _exclude_problem(glob)
        if problem is not None:
            raise fail("exclude", f"has an unusable glob {_quote(glob)}: {problem}")

    per_path_raw = table.get("per-path-ignores", {})
    if not isinstance(per_path_raw, dict):
        raise fail("per-path-ignores", "must be a table of glob = [rule ids]")
    per_path: list[tuple[str, tuple[str, ...]]] = []
    for glob, ids in per_path_raw.items():
        problem = _per_path_problem(glob)
        if problem is not None:
            raise fail("per-path-ignores", f"has an unusable glob {_quote(glob)}: {problem}")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise fail(f"per-path-ignores.{glob}", "must be a list of rule ids or prefixes")
        per_path.append((glob, tuple(ids)))

    thresholds_raw = table.get("thresholds", {})
    if not isinstance(thresholds_raw, dict):
        raise fail("thresholds", "must be a table")
    if thresholds_raw:
        from scanner.durations import parse_duration  # only a config with thresholds needs it
    values: dict[str, int] = {}
    for key, value in thresholds_raw.items():
        if key not in _THRESHOLD_KEYS:
            raise fail(
                f"thresholds.{key}", f"is not a known threshold ({', '.join(_THRESHOLD_KEYS)})"
            )
        if key == "credential_max_validity_days":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise fail(f"thresholds.{key}", "must be a positive number of days")
            if value * 86400 >= MAX_THRESHOLD_SECONDS:
                raise fail(f"thresholds.{key}", "must be less than 10,000 years of days")
            values[key] = value
            continue
        seconds = parse_duration(value) if isinstance(value, str | int) else None
        if seconds is None or seconds <= 0:
            raise fail(
                f"thresholds.{key}", "must be a duration such as 3600, '24h', '30d' or 'PT1H'"
            )
        if seconds >= MAX_THRESHOLD_SECONDS:
            raise fail(f"thresholds.{key}", "must be a duration shorter than 10,000 years")
        values[key] = seconds

    select, ignore = str_list("select"), str_list("ignore")
    _check_selectors(path, prefix, select, ignore, per_path)

    return Config(
        source=path,
        root=root,
        exclude=exclude,
        select=select,
        ignore=ignore,
        fail_on=fail_on,
        max_file_size=max_size,
        allow_blanket_ignores=bools["allow-blanket-ignores"],
        require_reason=bools["require-reason"],
        placeholder_words=str_list("placeholder-words"),
        allowlist=allowlist,
        per_path_ignores=tuple(per_path),
        thresholds=Thresholds(**values),
        baseline=_baseline_setting(table, path, fail),
    )


def _check_selectors(
    path: Path,
    prefix: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    per_path: list[tuple[str, tuple[str, ...]]],
) -> None:
    """Every rule id or family the config names must name a rule: a misspelt id in ``select``
    silently narrows the scan to the other ids, and one in ``ignore`` or ``per-path-ignores``
    does nothing the user asked for, and nothing says so. The registry is imported here, not at
    the top: ``scanner.api`` imports this module; its index names every rule without importing
    one."""
    from scanner.registry import catalogue, matches

    ids = [r.META.id for r in catalogue()]  # the index: no rule module is imported
    named = [("select", s) for s in select] + [("ignore", s) for s in ignore]
    named += [(f"per-path-ignores.{json.dumps(glob)}", s) for glob, ids_ in per_path for s in ids_]
    for key, selector in named:
        if not any(matches(rule_id, selector) for rule_id in ids):
            raise ConfigError(
                f"{path}: `{prefix}{mask_generic(key)}`: no rule or family "
                f"{_quote(_selector_text(selector))}; `outlive rules` lists them"
            )


#: What a rule id, a family or a typo of one looks like (``LLC-SRC-001``, ``llc-py``, ``ALL``).
_SELECTOR_SHAPE = re.compile(r"[A-Za-z]{1,12}(?:[-_ ][A-Za-z0-9]{0,12}){0,3}[-_]?")


def _selector_text(selector: str) -> str:
    """A selector for an error message: whole when it is shaped like a rule id, else redacted,
    since a value pasted into the wrong setting (a key) must not be echoed whole."""
    return selector if _SELECTOR_SHAPE.fullmatch(selector) or not selector else redact(selector)


def _baseline_setting(
    table: dict[str, Any], path: Path, fail: Callable[[str, str], ConfigError]
) -> Path | None:
    """The ``baseline`` file, relative to the config's folder and inside it.

    The config comes with the scanned repository, and ``outlive baseline create`` writes to this
    path: a hostile ``baseline = "../../.bashrc"`` (or a path through a symbolic link out of the
    folder) must not make it overwrite a file outside the project, so such a path is refused.
    """
    value = table.get("baseline")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise fail("baseline", "must be the path of a file, such as '.outlive-baseline.json'")
    relative = Path(value)
    if relative.is_absolute() or ".." in relative.parts:
        raise fail(
            "baseline", f"must be a path inside the config file's folder, not {_quote(value)}"
        )
    folder = path.parent
    target = folder / relative
    try:
        real_folder, real = folder.resolve(), target.resolve()
        inside = real != real_folder and real.is_relative_to(real_folder)
    except (OSError, RuntimeError):  # a symbolic link loop
        inside = False
    if not inside:
        raise fail(
            "baseline",
            f"must name a file inside the config file's folder; {_quote(value)} is the folder "
            "itself or leads outside it (through a symbolic link?)",
        )
    return target


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
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > 20:  # past any limit, and int() refuses more than 4,300 digits
        return MAX_FILE_SIZE_LIMIT + 1
    return int(digits) * _SIZE_UNITS[(match.group(2) or "b").lower()]


@cache
def compile_allowlist(pattern: str) -> Pattern:
    """An ``allowlist`` pattern compiled with RE2 (raises ``re2.error``).

    The pattern is the config's, but the text it meets is the scanned repository's: Python
    ``re`` backtracks without bound on ``(a+)+$`` and a hostile value, RE2 runs in linear time.
    Unlike the secret rules there is no ``re`` fallback, so a pattern RE2 refuses is an error.
    """
    import re2  # imported here: a config without an allowlist never compiles one

    options = re2.Options()
    options.log_errors = False  # the refusal becomes a config error, not a log line
    compiled: Pattern = re2.compile(pattern, options=options)
    return compiled


def _re2_reason(exc: re2.error) -> str:
    reason = exc.args[0] if exc.args else exc
    if isinstance(reason, bytes):
        return reason.decode("utf-8", "replace")
    return str(reason)


def _quote(text: str) -> str:
    """A config value for a message: repr-quoted, and cut short when it is long."""
    return repr(text) if len(text) <= 80 else repr(text[:77]) + "..."


def _exclude_problem(glob: str) -> str | None:
    """Why ``glob`` cannot be an ``exclude`` (gitignore) pattern, or None when it can."""
    if not glob.strip():
        return "it is empty"
    import pathspec  # only a config with an exclude pays for it

    try:
        spec = pathspec.GitIgnoreSpec.from_lines([glob])
    except (ValueError, re.error) as exc:
        return str(exc) or "not a gitignore pattern"
    if all(p.include is None for p in spec.patterns):
        return "it matches nothing (a gitignore comment?)"
    return None


def _per_path_problem(glob: str) -> str | None:
    """Why ``glob`` cannot key ``per-path-ignores`` (fnmatch, or a path suffix), or None."""
    if not glob.strip():
        return "it is empty"
    try:
        fnmatch.fnmatchcase("x", glob)
        if "/" not in glob:
            PurePosixPath("x").match(glob)
    except (ValueError, re.error) as exc:
        return str(exc) or "not a glob"
    return None
