"""Every finding on ``fixtures/`` is marked, and every mark is found.

A fixture line that must be flagged carries ``expect: LLC-XXX-NNN`` (several ids separated by
commas) in a comment. Files that cannot hold a comment (JSON) list their expectations in a
sidecar ``<file name>.expect`` next to them, one ``LINE: LLC-XXX-NNN[, ...]`` per line; sidecars
are not scanned. The whole tree is scanned with every rule through the real pipeline, so a new
fixture directory is picked up without touching this test.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from scanner.config import Config
from scanner.pipeline import scan
from scanner.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SIDECAR = ".expect"
_SKIP_DIRS = {"__pycache__", ".outlive_cache", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_ID = r"LLC-[A-Z0-9]+-\d{3}"
_MARK = re.compile(rf"expect:\s*({_ID}(?:\s*,\s*{_ID})*)")
_SIDECAR_LINE = re.compile(rf"^\s*(\d+)\s*:\s*({_ID}(?:\s*,\s*{_ID})*)\s*$")

Key = tuple[str, int, str]


def fixture_files() -> list[Path]:
    out = []
    for current, dirs, files in os.walk(FIXTURES):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        out.extend(Path(current) / f for f in sorted(files) if not f.endswith(SIDECAR))
    return out


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def expectations(files: list[Path]) -> set[Key]:
    expected: set[Key] = set()
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_bytes().decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _MARK.finditer(line):
                expected.update((rel, number, rule) for rule in _ids(match.group(1)))
        sidecar = path.with_name(path.name + SIDECAR)
        if sidecar.is_file():
            for entry in sidecar.read_text(encoding="utf-8").splitlines():
                if not entry.strip() or entry.lstrip().startswith("#"):
                    continue
                match = _SIDECAR_LINE.match(entry)
                assert match, f"{sidecar.relative_to(ROOT)}: bad line {entry!r}"
                expected.update((rel, int(match.group(1)), r) for r in _ids(match.group(2)))
    return expected


def test_fixtures_match_their_expect_markers():
    files = fixture_files()
    assert files, "no fixtures found"
    result = scan(files, Config(root=ROOT), all_rules(), jobs=1)
    failures = [e for e in result.errors if e.kind == "rule"]
    assert not failures, "\n".join(f"{e.path}: {e.message}" for e in failures)
    messages: dict[Key, str] = {}
    for f in result.active:
        messages[(f.location.path, f.location.line, f.rule_id)] = f.message
    found = set(messages)
    expected = expectations(files)
    missing = sorted(expected - found)
    unexpected = sorted(found - expected)
    report = []
    if missing:
        report.append("marked with expect: but not found:")
        report += [f"  {path}:{line}: {rule}" for path, line, rule in missing]
    if unexpected:
        report.append("found but not marked with expect:")
        report += [f"  {p}:{n}: {r} {messages[(p, n, r)]}" for p, n, r in unexpected]
    assert not report, "\n" + "\n".join(report)


def test_markers_name_real_rules():
    known = {r.META.id for r in all_rules()}
    unknown = sorted(
        f"{path}:{line}: {rule}"
        for path, line, rule in expectations(fixture_files())
        if rule not in known
    )
    assert not unknown, unknown


def test_marker_syntax():
    """The parser takes one id, several ids, and ignores prose mentioning `expect:`."""
    assert _ids(_MARK.search("x  # expect: LLC-PY-001").group(1)) == ["LLC-PY-001"]
    line = "key: v  # expect: LLC-SRC-001, LLC-SRC-014"
    assert _ids(_MARK.search(line).group(1)) == ["LLC-SRC-001", "LLC-SRC-014"]
    assert _MARK.search("Each line carries an `expect:` comment.") is None
