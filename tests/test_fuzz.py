"""Bounded, reproducible fuzzing of every parser outlive runs on untrusted input (issue 8).

The targets and their strategies live in bench/fuzz.py (which runs them for minutes); here
each runs a small derandomized batch. Property: a scanned file gives findings or a scan
error, never an exception and never a rule failure; the SARIF log of any findings is
schema-valid; the config and baseline loaders raise only ConfigError and BaselineError.
LibCST and tree-sitter are native code that can kill the process, so they run in a child.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parent.parent
FUZZ_PATH = ROOT / "bench" / "fuzz.py"


def _load_fuzz():
    spec = importlib.util.spec_from_file_location("outlive_bench_fuzz", FUZZ_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzz()

#: Examples per in-process target: the whole file stays within a few seconds.
EXAMPLES = {"yaml": 40, "json": 40, "dockerfile": 40, "dotenv": 60, "suppress": 150,
            "config": 150, "baseline": 150}
NATIVE_EXAMPLES = 30

FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fuzz_test(name: str):
    target = fuzz.TARGETS[name]

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES[name])
    @given(target.strategy())
    def run(item: tuple[str, bytes]) -> None:
        target.check(*item)

    return run


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_parser_never_raises(name: str) -> None:
    _fuzz_test(name)()


def test_native_parsers_never_crash() -> None:
    """Python (LibCST) and HCL (tree-sitter) in a child: a segfault fails this test only."""
    proc = subprocess.run(
        [sys.executable, str(FUZZ_PATH), "--parser", "python", "--parser", "hcl",
         "--batch", str(NATIVE_EXAMPLES)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    if proc.returncode < 0:
        pytest.fail(f"a native parser crashed: {signal.Signals(-proc.returncode).name}\n"
                    f"{proc.stderr[-2000:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(report) == {"python", "hcl"}, proc.stderr[-2000:]
    for name, outcome in report.items():
        assert outcome["error"] is None, f"{name}:\n{outcome['error']}"
        assert outcome["inputs"] >= NATIVE_EXAMPLES


@pytest.mark.parametrize("name", sorted(fuzz.TARGETS))
def test_every_target_has_seeds_and_a_structured_strategy(name: str) -> None:
    """Mutation needs real documents to start from: rule examples, fixtures, hand-written."""
    assert fuzz.seeds_for(name), name
    assert fuzz.TARGETS[name].structured is not None


def test_child_crash_is_reported_not_fatal(tmp_path) -> None:
    """The driver's contract: a child killed by a signal is a crash with its input kept."""
    progress = tmp_path / "progress"
    progress.write_text("7")
    progress.with_suffix(".input").write_bytes(b"app/x.py\0boom")
    failures = tmp_path / "failures"
    old = fuzz.FAILURES, fuzz.ROOT
    fuzz.FAILURES, fuzz.ROOT = failures, tmp_path
    try:
        note = fuzz._keep_crash("python", progress, "SIGSEGV")
    finally:
        fuzz.FAILURES, fuzz.ROOT = old
    assert note.startswith("SIGSEGV: failures/python-crash-")
    assert [p.read_bytes() for p in failures.iterdir()] == [b"app/x.py\0boom"]


def test_sarif_check_catches_an_invalid_log(monkeypatch) -> None:
    """The SARIF property can fail: a finding at line 0 breaks the schema (startLine >= 1)."""
    from dataclasses import replace

    from scanner.api import BASE32_UPPER, fake_token

    key = fake_token("AKIA", 16, BASE32_UPPER, seed=3)
    result = fuzz._engine().scan_bytes(".env", f"K={key}\n".encode())
    assert result.findings
    fuzz.check_sarif(result.findings, result.errors)  # valid as it is
    broken = tuple(replace(f, location=replace(f.location, line=0)) for f in result.findings)
    with pytest.raises(fuzz.FuzzError, match="SARIF not schema-valid"):
        fuzz.check_sarif(broken, result.errors)
