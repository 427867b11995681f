"""Every rule stays quiet on a corpus of look-alikes: hashes, digests, UUIDs, placeholders,
references, public keys and certificates, documentation samples and short-lived tokens.

The corpus (``tests/corpus/negatives``) holds no real secret: each value is a placeholder, a
public value (hashes, public keys, a public CA certificate, the jwt.io sample) or a made-up
token that the rules must judge harmless (expired, short-lived, unsigned).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Severity
from scanner.registry import all_rules

CORPUS = Path(__file__).resolve().parent / "corpus" / "negatives"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(all_rules(), Config(root=CORPUS))


def test_corpus_is_present() -> None:
    names = {p.relative_to(CORPUS).as_posix() for p in FILES}
    assert {"package-lock.json", "README.md", ".env.example", "keys/ca.pem"} <= names
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_no_findings(engine: Engine, path: Path) -> None:
    """Nothing at low or above (info, such as an expired token's disclosure, is not shown)."""
    rel = path.relative_to(CORPUS).as_posix()
    result = engine.scan_bytes(rel, path.read_bytes())
    assert [e.message for e in result.errors if e.kind == "rule"] == []
    shown = [
        (f.rule_id, f.location.line, f.message)
        for f in result.findings
        if f.severity is not Severity.INFO
    ]
    assert shown == []
