"""The scan from paths to an exit code: discovery, engine (in parallel), baseline, threshold.

Each stage only hands data forward. Results are merged and sorted, so the output is identical
for any ``--jobs``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from scanner.api.rule import Rule
from scanner.baseline import Entry, key_of
from scanner.cache import ResultCache, Stamp, cache_key, stamp_of
from scanner.config import Config
from scanner.discovery import SourceFile, discover, read_file
from scanner.engine import Engine, FileResult
from scanner.findings import Finding, ScanError, Severity, Suppression
from scanner.registry import get_rule

#: Below this many files a pool costs more to start than it saves.
PARALLEL_MIN_FILES = 64
_SEVERITY_BY_NAME = {s.value: s for s in Severity}


@dataclass(frozen=True, slots=True)
class Stats:
    files_scanned: int
    files_skipped: int
    bytes_scanned: int


@dataclass(frozen=True, slots=True)
class ScanResult:
    root: Path
    findings: tuple[Finding, ...]  # suppressed ones included, marked
    errors: tuple[ScanError, ...]
    rules: tuple[type[Rule], ...]
    stats: Stats

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppression is None)


def exit_code(result: ScanResult, fail_on: str) -> int:
    """0 nothing at or above ``fail_on`` (info never counts), 1 findings, 2 errors."""
    if any(e.level == "error" for e in result.errors):
        return 2
    threshold = _SEVERITY_BY_NAME[fail_on].rank
    for finding in result.active:
        if finding.severity is not Severity.INFO and finding.severity.rank >= threshold:
            return 1
    return 0


def scan(
    paths: Sequence[Path],
    config: Config,
    rules: Sequence[type[Rule]],
    *,
    jobs: int | None = None,
    baseline: Sequence[Entry] = (),
    show_info: bool = False,
    today: dt.date | None = None,
    cache: bool = False,
) -> ScanResult:
    root = config.root
    discovered = discover(paths, root, config.exclude, config.base_relative)
    includes = _gitlab_includes(root)
    errors: list[ScanError] = list(discovered.errors)
    results: list[tuple[FileResult, int, bool]] = []
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    rule_ids = tuple(r.META.id for r in rules)
    day = today or dt.date.today()
    store = (
        ResultCache(root, cache_key(repr(config), ",".join(rule_ids), day.isoformat(),
                                    ",".join(sorted(includes))))
        if cache
        else None
    )
    files: list[SourceFile] = []
    stamps: dict[str, Stamp | None] = {}
    for source in discovered.files:
        if store is not None:
            stamp = stamps[source.rel] = stamp_of(source.path)
            hit = store.get(source.rel, stamp)
            if hit is not None:
                results.append((FileResult(hit[0], hit[1]), hit[2], True))
                continue
        files.append(source)
    fresh: list[tuple[FileResult, int, bool]]
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
        chunk = max(1, len(files) // (workers * 8))
        with ProcessPoolExecutor(
            max_workers=workers,
            initializer=_init_worker,
            initargs=(rule_ids, config, today, includes),
        ) as pool:
            fresh = list(pool.map(_worker_scan, files, chunksize=chunk))
    else:
        engine = Engine(rules, config, today=today, gitlab_includes=includes)
        fresh = [_scan_one(engine, f, config.max_file_size) for f in files]
    results.extend(fresh)
    if store is not None:
        for source, (result, _, was_scanned) in zip(files, fresh, strict=True):
            if was_scanned:
                store.put(source.rel, stamps.get(source.rel), result.findings, result.errors)
        store.save()

    findings: list[Finding] = []
    scanned = skipped = size = 0
    for result, nbytes, was_scanned in results:
        findings.extend(result.findings)
        errors.extend(result.errors)
        if was_scanned:
            scanned += 1
            size += nbytes
        else:
            skipped += 1
    if not show_info:
        findings = [f for f in findings if f.severity is not Severity.INFO]
    if baseline:
        known = {e.key: e for e in baseline}
        findings = [_baselined(f, known) for f in findings]
    findings.sort(key=lambda f: f.sort_key)
    errors.sort()
    return ScanResult(
        root=root,
        findings=tuple(findings),
        errors=tuple(errors),
        rules=tuple(rules),
        stats=Stats(scanned, skipped, size),
    )


def _baselined(finding: Finding, known: dict[tuple[str, str, str], Entry]) -> Finding:
    entry = known.get(key_of(finding))
    if entry is None or finding.suppression is not None:
        return finding
    reason = entry.reason or "recorded in the baseline"
    return replace(finding, suppression=Suppression("external", reason))


def _scan_one(engine: Engine, source: SourceFile, max_size: int) -> tuple[FileResult, int, bool]:
    data, problem = read_file(source, max_size)
    if data is None:
        return FileResult(errors=(problem,) if problem else ()), 0, False
    return engine.scan_bytes(source.rel, data), len(data), True


def _gitlab_includes(root: Path) -> frozenset[str]:
    """Local files the root ``.gitlab-ci.yml`` includes: they are GitLab CI too."""
    ci = root / ".gitlab-ci.yml"
    try:
        text = ci.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    out = set()
    for line in text.splitlines():
        stripped = line.strip().lstrip("-").strip()
        if stripped.startswith("local:"):
            stripped = stripped[len("local:") :].strip()
        value = stripped.strip("'\"")
        if value.endswith((".yml", ".yaml")) and " " not in value and ":" not in value:
            out.add(value.lstrip("/"))
    return frozenset(out)


# -- worker processes ---------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _init_worker(
    rule_ids: tuple[str, ...], config: Config, today: dt.date | None, includes: frozenset[str]
) -> None:
    rules = [r for r in (get_rule(i) for i in rule_ids) if r is not None]
    _WORKER["engine"] = Engine(rules, config, today=today, gitlab_includes=includes)
    _WORKER["max_size"] = config.max_file_size


def _worker_scan(source: SourceFile) -> tuple[FileResult, int, bool]:
    engine = _WORKER["engine"]
    max_size = _WORKER["max_size"]
    if not isinstance(engine, Engine) or not isinstance(max_size, int):
        raise RuntimeError("worker process used before _init_worker ran")
    return _scan_one(engine, source, max_size)
