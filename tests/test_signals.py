"""Signals and determinism: Ctrl-C and SIGTERM stop a scan cleanly, and --jobs changes no byte.

The signal tests run the real command in a subprocess on a generated tree big enough that the
scan (every file reaches LibCST) is still running when the signal arrives; each wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import pipeline
from scanner.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_TREES = [
    p for p in (ROOT / "fixtures" / "demo-repo", ROOT / "tests" / "corpus") if p.is_dir()
]
FORMATS = ("json", "sarif", "text")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads worker processes from /proc"
)

#: Enough Python for a scan of several seconds on two workers; the signal comes well before.
BIG_TREE_FILES = 2000
#: Bounds on every wait, far above what a working run needs, so a hang fails instead of hanging.
START_TIMEOUT = 60.0
EXIT_TIMEOUT = 20.0

MODULE = """\
import datetime as dt

import jwt


def token{i}(key: str) -> str:
    exp = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
    return jwt.encode({{"sub": "svc{i}", "exp": exp}}, key, algorithm="HS256")
"""
HELPERS = "".join(f"\n\ndef helper{j}(x):\n    return [x, {j}, x * {j}]\n" for j in range(40))


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    for i in range(BIG_TREE_FILES):
        folder = root / f"pkg{i % 20}"
        folder.mkdir(exist_ok=True)
        (folder / f"mod{i}.py").write_text(MODULE.format(i=i) + HELPERS, encoding="utf-8")
    return root


def _children(pid: int) -> dict[int, str]:
    """Child pids of ``pid`` with their start time (field 22 of /proc/<pid>/stat), so a pid
    reused by the system later is not mistaken for a surviving worker."""
    out: dict[int, str] = {}
    try:
        tasks = [t.name for t in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return out
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        for child in text.split():
            start = _start_time(int(child))
            if start is not None:
                out[int(child)] = start
    return out


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # a zombie has exited; only its parent's wait is missing
        return None
    return fields[19]


def _survivors(children: dict[int, str]) -> list[int]:
    return [pid for pid, start in children.items() if _start_time(pid) == start]


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored, and the ignore is inherited: give
    # the scan the disposition an interactive terminal gives it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def started(big_tree: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path]]:
    """A running ``outlive scan --jobs 2 -o out.json`` whose workers are up, in its own
    process group; yields the process, its output path and its stderr file."""
    out = tmp_path / "out.json"
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scanner.cli", "scan", "--no-cache", "--jobs", "2",
             "--format", "json", "-o", str(out), "."],
            cwd=big_tree,
            stdout=subprocess.DEVNULL,
            stderr=err,  # a file, not a pipe: a surviving worker would hold a pipe open
            preexec_fn=_default_sigint,  # pytest runs tests on one thread
            start_new_session=True,
        )
    seen: dict[int, str] = {}
    try:
        deadline_polls = int(START_TIMEOUT / 0.05)
        for _ in range(deadline_polls):
            seen = _children(proc.pid)
            if len(seen) >= 2 or proc.poll() is not None:
                break
            _sleep(0.05)
        assert proc.poll() is None, "the scan ended before it could be signalled"
        assert len(seen) >= 2, "the worker processes never started"
        _sleep(0.2)  # into the scan proper, well before its end
        assert proc.poll() is None, "the scan ended before it could be signalled"
        yield proc, out, err_path
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(EXIT_TIMEOUT)
        _kill_all(_survivors(seen))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _finish(proc: subprocess.Popen[bytes]) -> int:
    try:
        return proc.wait(EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the scan did not stop within {EXIT_TIMEOUT} s of the signal")


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_sigint_exits_130_and_keeps_the_old_report(started):
    proc, out, err_path = started
    out.write_text("previous report\n", encoding="utf-8")
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    assert _finish(proc) == 130
    assert err_path.read_text(encoding="utf-8") == "outlive: interrupted\n"
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert _leftovers(out) == []
    assert _survivors(workers) == []


def test_sigint_to_the_process_group_like_a_terminal(started):
    """Ctrl-C reaches every worker too: they ignore it, and print no traceback."""
    proc, out, err_path = started
    workers = _children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)
    assert _finish(proc) == 130
    assert err_path.read_text(encoding="utf-8") == "outlive: interrupted\n"
    assert not out.exists()
    assert _leftovers(out) == []
    assert _survivors(workers) == []


def test_sigterm_exits_143_and_no_worker_outlives_the_scan(started):
    proc, out, err_path = started
    workers = _children(proc.pid)
    assert len(workers) >= 2
    proc.send_signal(signal.SIGTERM)
    assert _finish(proc) == 143
    assert err_path.read_text(encoding="utf-8") == "outlive: terminated\n"
    assert not out.exists()
    assert _leftovers(out) == []
    assert _survivors(workers) == []


def test_sigkill_of_the_scan_takes_the_workers_with_it(started):
    """Linux: a parent killed outright (OOM killer, SIGKILL) cannot stop its pool; the
    workers' parent-death signal ends them."""
    proc, _, _ = started
    workers = _children(proc.pid)
    proc.kill()
    _finish(proc)
    for _ in range(int(EXIT_TIMEOUT / 0.05)):
        if not _survivors(workers):
            break
        _sleep(0.05)
    assert _survivors(workers) == []


# -- --jobs changes no byte -------------------------------------------------------------------


@pytest.mark.parametrize("tree", FIXTURE_TREES, ids=lambda p: p.name)
def test_jobs_1_and_4_identical_on_fixtures(tree: Path, monkeypatch: pytest.MonkeyPatch):
    """The fixtures are fewer files than PARALLEL_MIN_FILES: lower it so the pool runs."""
    calls: list[int] = []
    real = pipeline._scan_parallel

    def counted(files, workers, *rest):  # type: ignore[no-untyped-def]
        calls.append(workers)
        return real(files, workers, *rest)

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(pipeline, "_scan_parallel", counted)
    monkeypatch.chdir(tree)
    runner = CliRunner()
    for fmt in FORMATS:
        outputs = []
        for jobs in ("1", "4"):
            result = runner.invoke(
                main, ["scan", "--no-cache", "--no-color", "--format", fmt, "--jobs", jobs, "."]
            )
            assert result.exit_code in (0, 1), result.output
            outputs.append(result.stdout_bytes)
        assert outputs[0] == outputs[1], fmt
        assert outputs[0]
    assert calls == [4, 4, 4]


def test_jobs_1_and_4_identical_in_real_processes(tmp_path: Path):
    """Past PARALLEL_MIN_FILES with no patching: real worker processes, real report files
    (JSON here, every format in-process above)."""
    access_key = "AKIA" + "Q7" * 8
    github = "ghp_" + "aB3d" * 9
    for i in range(pipeline.PARALLEL_MIN_FILES + 16):
        folder = tmp_path / "tree" / f"pkg{i % 5}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 3 == 0:
            (folder / f"mod{i}.py").write_text(f'KEY = "{access_key}"\n' + MODULE.format(i=i))
        elif i % 3 == 1:
            (folder / f"conf{i}.env").write_text(f"GITHUB_TOKEN={github}\n")
        else:
            (folder / f"stack{i}.tf").write_text(
                f'provider "aws" {{\n  access_key = "{access_key}"\n}}\n'
            )
    for fmt in ("json",):
        reports = []
        for jobs in ("1", "4"):
            out = tmp_path / f"{fmt}-{jobs}.out"
            proc = subprocess.run(
                [sys.executable, "-m", "scanner.cli", "scan", "--no-cache", "--format", fmt,
                 "--jobs", jobs, "-o", str(out), "."],
                cwd=tmp_path / "tree", capture_output=True, timeout=120,
            )
            assert proc.returncode == 1, proc.stderr
            reports.append(out.read_bytes())
        assert reports[0] == reports[1], fmt
        assert b"AKIA" in reports[0]


# -- reports and baselines are written whole or not at all ------------------------------------


def test_output_replaces_a_symlink_instead_of_writing_through_it(tmp_path: Path, monkeypatch):
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours\n", encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "app.py").write_text("x = 1\n", encoding="utf-8")
    (tree / "results.json").symlink_to(outside)
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(
        main, ["scan", "--no-cache", "--jobs", "1", "--format", "json", "-o", "results.json", "."]
    )
    assert result.exit_code == 0, result.output
    assert outside.read_text(encoding="utf-8") == "not yours\n"
    written = tree / "results.json"
    assert not written.is_symlink()
    assert written.read_text(encoding="utf-8").startswith("{")
    assert _leftovers(written) == []


def test_output_is_as_readable_as_any_file_the_user_writes(tmp_path: Path, monkeypatch):
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(main, ["scan", "--no-cache", "--jobs", "1", "-o", "r.txt"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.txt").stat().st_mode & 0o777 == 0o644


def test_output_to_a_device_is_written_in_place(tmp_path: Path, monkeypatch):
    """/dev/stdout or a pipe cannot be renamed over: written directly, still exit 0."""
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "--no-cache", "--jobs", "1", "-o", os.devnull])
    assert result.exit_code == 0, result.output
    assert Path(os.devnull).is_char_device()


def test_baseline_write_is_atomic_and_keeps_links(tmp_path: Path, monkeypatch):
    outside = tmp_path / "outside.json"
    outside.write_text("[]\n", encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "settings.py").write_text(f'KEY = "{"AKIA" + "Q7" * 8}"\n', encoding="utf-8")
    (tree / "base.json").symlink_to(outside)
    monkeypatch.chdir(tree)
    result = CliRunner().invoke(main, ["baseline", "create", "-o", "base.json", "."])
    assert result.exit_code == 0, result.output
    assert outside.read_text(encoding="utf-8") == "[]\n"
    assert not (tree / "base.json").is_symlink()
    assert (tree / "base.json").read_text(encoding="utf-8").strip() not in ("", "[]")
    assert _leftovers(tree / "base.json") == []
