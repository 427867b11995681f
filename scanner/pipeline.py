"""The scan from paths to an exit code: discovery, engine (in parallel), baseline, threshold.

Each stage only hands data forward. Results are merged and sorted, so the output is identical
for any ``--jobs``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from scanner.config import Config
from scanner.discovery import (
    BINARY_SNIFF,
    SourceFile,
    discover,
    exclusion,
    read_file,
    relative,
    skip_counts,
)
from scanner.engine import Engine, FileResult
from scanner.findings import Finding, ScanError, Severity
from scanner.project import ProjectFacts, survey
from scanner.registry import rule_info
from scanner.rulemeta import RuleSpec

if TYPE_CHECKING:  # worker pools are imported by the scans that start one
    from concurrent.futures import ProcessPoolExecutor

    # The baseline and the cache, by the scans that have one (see ``scan`` and ``assemble``).
    from scanner.baseline import Entry
    from scanner.cache import Stamp

#: Below this many files a pool costs more to start than it saves.
PARALLEL_MIN_FILES = 64
#: What a scan of standard input is reported as when no file name is given for it. Its name
#: matches no file kind, so it is scanned as text: every raw-text secret rule runs on it.
STDIN_DEFAULT_NAME = "<stdin>"
_SEVERITY_BY_NAME = {s.value: s for s in Severity}


@dataclass(frozen=True, slots=True)
class Stats:
    files_scanned: int
    #: Paths met and not scanned (a file, a link, a folder a .gitignore hid, a submodule):
    #: one per skip note in ``errors``, so the count and the list never disagree.
    files_skipped: int
    bytes_scanned: int
    #: ``(reason, count)``, most frequent first: ``(("binary", 2), ("FIFO", 1))``.
    skipped_by_reason: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ScanResult:
    root: Path
    findings: tuple[Finding, ...]  # suppressed ones included, marked
    errors: tuple[ScanError, ...]
    rules: tuple[RuleSpec, ...]
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
    rules: Sequence[RuleSpec],
    *,
    jobs: int | None = None,
    baseline: Sequence[Entry] = (),
    show_info: bool = False,
    today: dt.date | None = None,
    cache: bool = False,
    cache_dir: Path | None = None,
    gitignore: bool = True,
    progress: Progress | None = None,
) -> ScanResult:
    """``progress``, when given, is called after each file with the files done, the files in
    the scan, the bytes read and the findings so far (the terminal's progress bar)."""
    root = config.root
    discovered = discover(paths, root, config.exclude, config.base_relative, gitignore=gitignore)
    tick = _Ticker(progress, len(discovered.files))
    facts = survey(root, (f.rel for f in discovered.files))
    errors: list[ScanError] = list(discovered.errors)
    results: list[tuple[FileResult, int, bool]] = []
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    rule_ids = tuple(r.META.id for r in rules)
    day = today or dt.date.today()
    if cache:  # imported here: a scan with --no-cache never opens the cache
        from scanner.cache import ResultCache, cache_key, stamp_of
    store = (
        ResultCache(root, cache_key(repr(config), ",".join(rule_ids), day.isoformat(),
                                    facts.cache_part()),
                    cache_dir=cache_dir, rule_ids=rule_ids)
        if cache
        else None
    )
    files: list[SourceFile] = []
    stamps: dict[str, Stamp | None] = {}
    for source in discovered.files:
        if store is not None:
            stamp = stamps[source.rel] = stamp_of(source.fspath)
            hit = store.get(source.rel, stamp)
            if hit is not None:
                read = not _skipped(hit[1])  # a binary file's note is kept too: not re-read
                results.append((FileResult(hit[0], hit[1]), hit[2] if read else 0, read))
                tick(results[-1])
                continue
        files.append(source)
    fresh: list[tuple[FileResult, int, bool]]
    if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
        batches = shard([_cost(f, stamps.get(f.rel)) for f in files], workers)
        fresh = _scan_parallel(files, workers, batches, (rule_ids, config, today, facts), tick)
    else:
        fresh = []
        engine = Engine(rules, config, today=today, project=facts) if files else None
        for source in files:
            fresh.append(_scan_one(cast(Engine, engine), source, config.max_file_size))
            tick(fresh[-1])
    results.extend(fresh)
    if store is not None:
        for source, (result, _, was_scanned) in zip(files, fresh, strict=True):
            if was_scanned or (result.errors and _skipped(result.errors)):
                store.put(source.rel, stamps.get(source.rel), result.findings, result.errors)
        store.save()
        store.close()

    findings: list[Finding] = []
    scanned = size = 0
    for result, nbytes, was_scanned in results:
        findings.extend(result.findings)
        errors.extend(result.errors)
        if was_scanned:
            scanned += 1
            size += nbytes
    return assemble(root, rules, findings, errors, scanned, size, baseline, show_info)


def _skipped(errors: Sequence[ScanError]) -> bool:
    """A file not scanned on purpose (binary, too large): only the read says ``skipped``, and
    it depends only on the bytes (and the config, in the cache key), so it is cached too. An
    unreadable file is not: a permission can change without its stamp."""
    return any(e.kind == "skipped" for e in errors)


#: ``progress(done, total, bytes, findings)``: see ``scan``.
Progress = Callable[[int, int, int, int], None]


class _Ticker:
    """Counts what ``scan`` has done and tells ``progress``, if any, after every file."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total = progress, total
        self.done = self.size = self.found = 0

    def __call__(self, item: tuple[FileResult, int, bool]) -> None:
        if self.progress is None:
            return
        result, nbytes, _ = item
        self.done += 1
        self.size += nbytes
        self.found += sum(
            1 for f in result.findings if f.suppression is None and f.severity is not Severity.INFO
        )
        self.progress(self.done, self.total, self.size, self.found)


def assemble(
    root: Path,
    rules: Sequence[RuleSpec],
    findings: list[Finding],
    errors: list[ScanError],
    scanned: int,
    size: int,
    baseline: Sequence[Entry],
    show_info: bool,
) -> ScanResult:
    """The merged findings and errors of a scan (of files or of stdin) as one result."""
    if not show_info:
        findings = [f for f in findings if f.severity is not Severity.INFO]
    findings.sort(key=lambda f: f.sort_key)
    if baseline:
        from scanner.baseline import hide_known  # imported here: most scans have no baseline

        # After sorting: an entry hides at most its count of findings, the first in report
        # order, so which ones stay active does not depend on --jobs or the cache.
        findings = hide_known(findings, baseline)
    errors.sort()
    # Skips are counted from the notes themselves (discovery's and the file reads'), so a
    # summary's "3 skipped (2 binary, 1 FIFO)" is exactly what ``errors`` lists.
    by_reason = skip_counts(errors)
    return ScanResult(
        root=root,
        findings=tuple(findings),
        errors=tuple(errors),
        rules=tuple(rules),
        stats=Stats(scanned, sum(n for _, n in by_reason), size, by_reason),
    )


def _scan_one(engine: Engine, source: SourceFile, max_size: int) -> tuple[FileResult, int, bool]:
    data, problem = read_file(source, max_size)
    if data is None:
        return FileResult(errors=(problem,) if problem else ()), 0, False
    return engine.scan_bytes(source.rel, data), len(data), True


def scan_stdin(
    name: str | None,
    read: Callable[[int], bytes],
    config: Config,
    rules: Sequence[RuleSpec],
    *,
    baseline: Sequence[Entry] = (),
    show_info: bool = False,
) -> ScanResult:
    """Standard input (``read(n)``: up to ``n`` bytes of it) scanned as the file ``name`` would be.

    ``name`` picks the file kind and the reported path (relative to ``config.root``), and
    places the content in the tree for ``exclude`` and ``per-path-ignores``; without it the
    input is ``<stdin>``. An excluded name is not read at all. The same engine, size limit,
    in-source suppressions and baseline as a scan of files apply; the cache does not (there is
    no file to stamp).
    """
    root = config.root
    rel = relative(Path(name), root) if name is not None else STDIN_DEFAULT_NAME
    errors: list[ScanError] = []
    findings: list[Finding] = []
    excluded = exclusion(config.exclude, config.base_relative)(rel)
    size = 0
    data, problem = (None, None) if excluded else _read_stdin(rel, config.max_file_size, read)
    if problem is not None:
        errors.append(problem)
    if data is not None:
        engine = Engine(rules, config, project=survey(root))
        scanned = engine.scan_bytes(rel, data)
        findings.extend(scanned.findings)
        errors.extend(scanned.errors)
        size = len(data)
    scanned_files = 1 if data is not None else 0
    return assemble(root, rules, findings, errors, scanned_files, size, baseline, show_info)


def _read_stdin(
    rel: str, max_size: int, read: Callable[[int], bytes]
) -> tuple[bytes | None, ScanError | None]:
    """Standard input under the same limits as a file: at most ``max_size`` bytes (one more
    is read to tell), and binary data skipped by the same test as discovery's."""
    data = read(max_size + 1)
    problem = screen(rel, data, len(data), max_size)
    return (None, problem) if problem is not None else (data, None)


def screen(rel: str, head: bytes, size: int, max_size: int) -> ScanError | None:
    """Why content of ``size`` bytes starting with ``head`` is not scanned (too big, binary),
    or None: the one test for standard input and git blobs, the same as discovery's."""
    if size > max_size:
        return ScanError(
            rel, f"larger than max-file-size (more than {max_size} bytes); skipped",
            level="note", kind="skipped",
        )
    wide = head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    if not wide and b"\0" in head[:BINARY_SNIFF]:
        return ScanError(rel, "binary file; skipped", level="note", kind="skipped")
    return None


#: A batch of contents handed to the worker processes at once: bounds the memory a long
#: history holds while keeping every worker busy.
CONTENT_BATCH_BYTES = 64 * 1024 * 1024


def scan_contents(
    contents: Iterable[tuple[str, bytes]],
    config: Config,
    rules: Sequence[RuleSpec],
    *,
    jobs: int | None = None,
    today: dt.date | None = None,
    facts: ProjectFacts | None = None,
) -> Iterator[FileResult]:
    """Each ``(rel, data)`` scanned as the file ``rel`` would be, results in order.

    For content that is not a file in the tree (a staged blob, a blob from history): the
    caller has screened it (``screen``) and applied ``exclude``. Large runs go to worker
    processes in batches, so a long history is never held in memory whole.
    """
    facts = facts if facts is not None else survey(config.root)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    engine: Engine | None = None
    batch: list[tuple[str, bytes]] = []
    held = 0
    rule_ids = tuple(r.META.id for r in rules)
    pool: ProcessPoolExecutor | None = None
    try:
        for item in _with_end(contents):
            if item is not None:
                batch.append(item)
                held += len(item[1])
                if held < CONTENT_BATCH_BYTES and len(batch) < 4096:
                    continue
            if not batch:
                break
            if workers > 1 and (pool is not None or len(batch) >= PARALLEL_MIN_FILES):
                if pool is None:
                    from concurrent.futures import ProcessPoolExecutor

                    pool = ProcessPoolExecutor(
                        max_workers=workers, initializer=_init_worker,
                        initargs=(os.getpid(), rule_ids, config, today, facts),
                    )
                chunk = max(1, len(batch) // (workers * 8))
                yield from pool.map(_worker_scan_content, batch, chunksize=chunk)
            else:
                engine = engine or Engine(rules, config, today=today, project=facts)
                yield from (engine.scan_bytes(rel, data) for rel, data in batch)
            batch, held = [], 0
    except BaseException:
        if pool is not None:
            _stop_pool(pool)
        raise
    if pool is not None:
        pool.shutdown(wait=True)


def _with_end(items: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes] | None]:
    yield from items
    yield None


# -- worker processes ---------------------------------------------------------------------------

_WORKER: dict[str, object] = {}
_WorkerArgs = tuple[tuple[str, ...], Config, "dt.date | None", ProjectFacts]
#: How long stopped workers get to exit on SIGTERM before they are killed.
_STOP_GRACE_SECONDS = 2.0


#: What reading, classifying and prefiltering one file costs, in bytes of scanning.
FILE_OVERHEAD_BYTES = 4096
#: A Python file may reach LibCST: its byte costs this many of another file's.
PYTHON_WEIGHT = 4
#: Batches per worker: enough that the last ones even out the workers' ends.
BATCHES_PER_WORKER = 8


def _cost(source: SourceFile, stamp: Stamp | None) -> int:
    """The estimated work of one file: its size (a stat, unless the cache already took one),
    weighted for Python, plus a per-file overhead."""
    if stamp is None:
        try:
            size = source.path.stat().st_size
        except OSError:
            size = 0
    else:
        size = stamp[0]
    weight = PYTHON_WEIGHT if source.rel.endswith((".py", ".pyi")) else 1
    return size * weight + FILE_OVERHEAD_BYTES


def shard(costs: Sequence[int], workers: int) -> list[list[int]]:
    """The files (their indices) in batches by bytes, costliest first: longest processing
    time first, onto whichever worker is free next (the pool's queue), so one large Python
    file starts at once instead of ending the run alone, and a batch of small files costs
    one round trip. A file costlier than a batch's share is a batch of its own."""
    order = sorted(range(len(costs)), key=lambda i: (-costs[i], i))
    target = max(1, sum(costs) // max(1, workers * BATCHES_PER_WORKER))
    batches: list[list[int]] = []
    current: list[int] = []
    held = 0
    for index in order:
        current.append(index)
        held += costs[index]
        if held >= target:
            batches.append(current)
            current, held = [], 0
    if current:
        batches.append(current)
    return batches


def _scan_parallel(
    files: Sequence[SourceFile],
    workers: int,
    batches: Sequence[Sequence[int]],
    args: _WorkerArgs,
    tick: Callable[[tuple[FileResult, int, bool]], None] = lambda _: None,
) -> list[tuple[FileResult, int, bool]]:
    """``files`` scanned by a pool of processes, one ``batches`` entry per task in the given
    order (``shard``), the results put back in the files' order: the output is the same for
    any number of workers.

    Leaving the pool through an exception (Ctrl-C, SIGTERM turned into an exception by the
    CLI, a broken worker) must not wait for the queued work, which ``with`` does, nor leave
    workers behind: they are stopped before the exception goes on.
    """
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(os.getpid(), *args)
    )
    from concurrent.futures import as_completed

    results: list[tuple[FileResult, int, bool] | None] = [None] * len(files)
    try:
        tasks = {
            pool.submit(_worker_scan_batch, [files[i] for i in batch]): batch for batch in batches
        }
        for task in as_completed(tasks):
            for index, item in zip(tasks[task], task.result(), strict=True):
                results[index] = item
                tick(item)
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)
    missing = [files[i].rel for i, item in enumerate(results) if item is None]
    if missing:
        raise RuntimeError(f"no result for {len(missing)} files (first: {missing[0]})")
    return [item for item in results if item is not None]


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued work and end every worker now (SIGTERM, then SIGKILL after a grace).

    Python 3.14 has ``terminate_workers()``; before it the processes are only reachable
    through ``_processes``, which ``shutdown`` clears, so they are taken first. The pool's
    manager thread is joined last: left running, it races the interpreter's exit hook, which
    then prints "Bad file descriptor" from writing to the pipe the thread just closed.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(_STOP_GRACE_SECONDS)
            if process.is_alive():
                process.kill()
                process.join(_STOP_GRACE_SECONDS)
    if manager is not None:
        with contextlib.suppress(Exception):
            manager.join(_STOP_GRACE_SECONDS)


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel send SIGTERM when the parent dies, even by SIGKILL, so no
    worker outlives a scan. Elsewhere (or without libc) a no-op: the pool's own shutdown
    still ends the workers on every exit Python sees."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _init_worker(
    parent: int,
    rule_ids: tuple[str, ...],
    config: Config,
    today: dt.date | None,
    facts: ProjectFacts,
) -> None:
    # The parent handles Ctrl-C (the terminal sends it to every process of the group) and
    # stops the workers; SIGTERM ends a worker at once, whatever handler was inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    rules = [r for r in (rule_info(i) for i in rule_ids) if r is not None]
    _WORKER["engine"] = Engine(rules, config, today=today, project=facts)
    _WORKER["max_size"] = config.max_file_size


def _worker_scan(source: SourceFile) -> tuple[FileResult, int, bool]:
    engine = _WORKER["engine"]
    max_size = _WORKER["max_size"]
    if not isinstance(engine, Engine) or not isinstance(max_size, int):
        raise RuntimeError("worker process used before _init_worker ran")
    return _scan_one(engine, source, max_size)


def _worker_scan_batch(sources: list[SourceFile]) -> list[tuple[FileResult, int, bool]]:
    return [_worker_scan(source) for source in sources]


def _worker_scan_content(item: tuple[str, bytes]) -> FileResult:
    engine = _WORKER["engine"]
    if not isinstance(engine, Engine):
        raise RuntimeError("worker process used before _init_worker ran")
    return engine.scan_bytes(*item)
