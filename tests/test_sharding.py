"""``--jobs N`` shards by bytes, costliest first, and the report is the same for any N."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scanner.pipeline import PARALLEL_MIN_FILES, shard

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.mark.parametrize("workers", [1, 2, 3, 8])
def test_every_file_once_costliest_first(workers: int) -> None:
    costs = [5, 900_000, 40, 7, 120_000, 3, 3, 60_000, 1, 2] * 7
    batches = shard(costs, workers)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(costs)))
    assert [costs[i] for i in flat] == sorted(costs, reverse=True)
    # The largest file starts first, alone when it is more than a batch's share.
    largest = [i for i, c in enumerate(costs) if c == 900_000]
    assert batches[0][0] == largest[0]
    if workers > 1:
        assert batches[0] == largest[:1]


def test_small_files_share_a_batch_and_shards_are_deterministic() -> None:
    costs = [4096 + n for n in range(1000)]
    batches = shard(costs, 2)
    assert 1 < len(batches) <= 2 * 8 + 1
    assert shard(costs, 2) == batches
    assert shard([], 4) == []


def _report(jobs: int) -> bytes:
    done = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "scan", "--no-cache", "--format", "json",
         "--show-info", "-j", str(jobs), str(FIXTURES)],
        cwd=ROOT, capture_output=True, timeout=300, check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


def test_same_report_for_any_number_of_jobs() -> None:
    assert sum(1 for p in FIXTURES.rglob("*") if p.is_file()) >= PARALLEL_MIN_FILES, (
        "the fixtures must be enough files for a pool to start"
    )
    one = _report(1)
    assert b'"findings"' in one
    assert _report(2) == one
    assert _report(3) == one
