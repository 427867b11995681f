"""The progress bar (stderr, terminals only, after two seconds), --statistics and --quiet."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import scanner.terminal
from scanner.cli import main
from scanner.terminal import ProgressBar, progress_wanted, render_line

#: Runs the CLI with the bar's two-second delay taken out.
_NO_DELAY = (
    "import scanner.terminal as t\nt.PROGRESS_DELAY = 0.0\nfrom scanner.cli import main\nmain()"
)
JWT_FILE = 'import jwt\ntoken = jwt.encode({"sub": "bot"}, KEY)\n'


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bar_waits_for_the_delay_then_redraws_in_place() -> None:
    stream, clock = io.StringIO(), _Clock()
    bar = ProgressBar(stream, delay=2.0, clock=clock)
    bar(1, 10, 1000, 0)
    clock.now += 1.9
    bar(2, 10, 2000, 0)
    assert stream.getvalue() == ""  # a short scan never shows a bar
    clock.now += 0.2
    bar(3, 10, 3_500_000, 1)
    assert stream.getvalue() == "\r\x1b[K" + render_line(3, 10, 3_500_000, 1)
    clock.now += 0.01
    bar(4, 10, 3_600_000, 1)  # throttled: no redraw within a tenth of a second
    assert stream.getvalue().count("\r\x1b[K") == 1
    bar(10, 10, 4_000_000, 2)  # the last file is always drawn
    assert stream.getvalue().endswith(render_line(10, 10, 4_000_000, 2))
    bar.close()
    assert stream.getvalue().endswith("\r\x1b[K")  # the line is erased for the report


def test_close_without_drawing_writes_nothing() -> None:
    stream = io.StringIO()
    ProgressBar(stream, delay=2.0, clock=_Clock()).close()
    assert stream.getvalue() == ""


def test_render_line() -> None:
    assert render_line(1204, 3880, 48_200_000, 7, width=10) == (
        "[===>      ] 1,204/3,880 files  48.2 MB  7 findings"
    )
    assert render_line(5, 5, 0, 1, width=4) == "[====] 5/5 files  0.0 MB  1 finding"


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OUTLIVE_PROGRESS", raising=False)
    monkeypatch.delenv("TERM", raising=False)

    class _Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert not progress_wanted(io.StringIO())
    assert progress_wanted(_Tty())
    assert not progress_wanted(_Tty(), quiet=True)
    monkeypatch.setenv("TERM", "dumb")
    assert not progress_wanted(_Tty())
    monkeypatch.setenv("OUTLIVE_PROGRESS", "always")
    assert progress_wanted(io.StringIO())
    monkeypatch.setenv("OUTLIVE_PROGRESS", "never")
    monkeypatch.delenv("TERM")
    assert not progress_wanted(_Tty())


def _tree(tmp_path: Path, n: int = 3) -> Path:
    for i in range(n):
        (tmp_path / f"m{i}.py").write_text(JWT_FILE, encoding="utf-8")
    return tmp_path


def test_forced_bar_goes_to_stderr_and_json_stays_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scanner.terminal, "PROGRESS_DELAY", 0.0)
    monkeypatch.setenv("OUTLIVE_PROGRESS", "always")
    root = _tree(tmp_path)
    result = CliRunner().invoke(
        main, ["scan", "--format", "json", "--no-cache", str(root)], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["findings"]) == 3
    assert "files" in result.stderr
    assert "3/3 files" in result.stderr
    assert result.stderr.endswith("\r\x1b[K")


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "OUTLIVE_PROGRESS"}
    code = _NO_DELAY
    done = subprocess.run(
        [sys.executable, "-c", code, "scan", "--no-cache", str(root)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "\r" not in done.stderr
    assert "files" not in done.stderr


def test_bar_on_a_pseudo_terminal(tmp_path: Path) -> None:
    """A real terminal on stderr (a pty), the report on a pipe: the bar is drawn on the
    terminal only."""
    root = _tree(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("OUTLIVE_PROGRESS", "TERM")}
    code = _NO_DELAY
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, "scan", "--format", "json", "--no-cache", str(root)],
            stdout=subprocess.PIPE, stderr=follower, env=env, check=False,
        )  # fmt: skip
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert done.returncode == 1
    assert b"3/3 files" in seen
    assert b"\r" not in done.stdout
    assert len(json.loads(done.stdout)["findings"]) == 3


def test_statistics_counts_per_rule(tmp_path: Path) -> None:
    root = _tree(tmp_path, 3)
    result = CliRunner().invoke(main, ["scan", "--statistics", "--no-cache", str(root)])
    assert result.exit_code == 1  # the verdict is the scan's
    assert result.stdout == "3  LLC-PY-001  jwt-without-exp\n"
    bad = CliRunner().invoke(main, ["scan", "--statistics", "--format", "sarif", str(root)])
    assert bad.exit_code == 2
    assert "--statistics prints a text table" in bad.stderr


def test_quiet_prints_only_findings(tmp_path: Path) -> None:
    root = _tree(tmp_path, 1)
    (root / "outlive.toml").write_text('fail-on = "high"\n', encoding="utf-8")
    (root / "blob.bin").write_bytes(b"\0\1\2" * 10)
    loud = CliRunner().invoke(main, ["scan", "--no-cache", str(root)])
    quiet = CliRunner().invoke(main, ["scan", "-q", "--no-cache", str(root)])
    assert loud.exit_code == quiet.exit_code == 1
    assert "1 finding" in loud.stdout.splitlines()[-1]
    assert "using config" in loud.stderr
    assert "binary" in loud.stderr
    assert quiet.stderr == ""
    assert quiet.stdout.startswith("m0.py:2:")
    assert "1 finding" not in quiet.stdout
    assert loud.stdout.startswith(quiet.stdout)
    clean = tmp_path / "clean"
    clean.mkdir()
    assert CliRunner().invoke(main, ["scan", "-q", "--no-cache", str(clean)]).stdout == ""
