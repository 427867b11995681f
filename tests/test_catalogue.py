"""The provider catalogue (scanner/secrets/formats): a schema test of its rows, and its queries.

Every row carries what a finding needs (id, provider, anchors, pattern, lifetime, OWASP ids,
severity, fix); its pattern compiles in RE2 (linear time, no fallback to ``re``); its anchors are
the prefilter literals its matches contain, and its rule declares them as triggers. The lifetime
of a GitHub token is the catalogue's, whichever rule meets it (SRC-002 in any text, SRC-013 in a
URL, AGT-001 in an MCP config): the three used to disagree.
"""

from __future__ import annotations

import json
import re

import pytest
import re2

from scanner.api import ALNUM, OWASP_IDS, crc32_base62, fake_token
from scanner.findings import Lifetime, Severity
from scanner.registry import get_rule
from scanner.secrets import catalogue
from scanner.secrets.formats import Format
from scanner.testing import run_rule

ROWS = catalogue.FORMATS
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_row_schema(row: Format) -> None:
    assert _ID.match(row.id), row.id
    assert row.provider
    assert row.label
    assert row.fix
    assert isinstance(row.lifetime, Lifetime)
    assert isinstance(row.severity, Severity)
    assert row.owasp
    assert all(o in OWASP_IDS for o in row.owasp)
    assert row.anchors
    assert all(a and a == a.lower() for a in row.anchors)
    assert get_rule(row.rule) is not None, f"{row.id}: no rule {row.rule}"
    if row.seconds is not None:
        assert row.lifetime == Lifetime.seconds(row.seconds)
    assert not row.source or row.source.startswith("https://")


def test_row_ids_are_unique() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_pattern_compiles_in_re2(row: Format) -> None:
    options = re2.Options()
    options.log_errors = False
    re2.compile(row.pattern, options=options)  # raises re2.error: no silent fallback to re


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_rule_triggers_cover_anchors(row: Format) -> None:
    rule = get_rule(row.rule)
    assert rule is not None
    assert set(row.anchors) <= set(rule.META.triggers)


def _examples(rule_id: str) -> list[str]:
    rule = get_rule(rule_id)
    assert rule is not None
    return [e.code for e in (*rule.VALID, *rule.INVALID)]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_anchors_occur_in_every_match(row: Format) -> None:
    """The prefilter skips a file without an anchor: no match of the row may lack one."""
    compiled = next(c for c in catalogue.formats(row.rule) if c.format is row)
    for text in _examples(row.rule):
        for match in compiled.pattern.finditer(text):
            found = match.group().lower()
            assert any(a in found for a in row.anchors), (row.id, found[:40])
            if compiled.needle:
                assert compiled.needle in match.group(), (row.id, compiled.needle)


def test_every_row_fires_on_its_rules_examples_or_is_documented() -> None:
    """Each rule with rows still has an invalid example that one of its rows matches."""
    for rule_id in {row.rule for row in ROWS}:
        rule = get_rule(rule_id)
        assert rule is not None
        hits = [
            c.format.id
            for c in catalogue.formats(rule_id)
            for e in rule.INVALID
            if c.pattern.search(e.code)
        ]
        assert hits, rule_id


def test_triggers_in_row_order_without_repeats() -> None:
    assert catalogue.triggers("LLC-SRC-002") == (
        "ghs_", "github_pat_", "ghp_", "gho_", "ghu_", "ghr_"
    )
    assert catalogue.triggers("LLC-SRC-001") == ()  # not a catalogue rule (yet)


# The single regex LLC-SRC-002 ran before its formats became rows.
_OLD_GITHUB = re.compile(
    r"(?P<stateless>ghs_[0-9]{1,12}_eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
    r"|(?P<fine>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
    r"|(?P<classic>gh[pousr]_[A-Za-z0-9]{36,80})"
)


def test_find_matches_what_the_rules_own_regex_did() -> None:
    edges = "ghp_" + "a" * 90 + " gho_" + "B1" * 20 + ".ghs_1_eyJabcdefgh.abcdefghij.abcdefghij"
    texts = [*_examples("LLC-SRC-002"), edges]
    for text in texts:
        old = [(m.start(), m.end()) for m in _OLD_GITHUB.finditer(text)]
        new = [(m.start(), m.end()) for _, m in catalogue.find(text, "LLC-SRC-002")]
        assert new == old


def _classic(prefix: str, seed: int) -> str:
    body = fake_token("", 30, ALNUM, seed=seed)
    return prefix + body + crc32_base62(body)


@pytest.mark.parametrize(
    ("prefix", "lifetime"),
    [
        # Classic PATs may be created with "No expiration": the expiry is unknown.
        ("ghp_", "unknown"),
        # OAuth app tokens do not expire.
        ("gho_", "none"),
        # GitHub App refresh tokens expire after six months (15,897,600 seconds).
        ("ghr_", "P184D"),
        ("ghu_", "PT8H"),
        ("ghs_", "PT1H"),
    ],
)
def test_github_lifetimes_agree_across_rules(prefix: str, lifetime: str) -> None:
    token = _classic(prefix, seed=700)
    row = catalogue.classify(token)
    assert row is not None
    assert row.provider == "GitHub"
    assert str(row.lifetime) == lifetime
    assert catalogue.prefixed(token) is row
    src002 = get_rule("LLC-SRC-002")
    src013 = get_rule("LLC-SRC-013")
    agt001 = get_rule("LLC-AGT-001")
    assert src002
    assert src013
    assert agt001
    in_text = run_rule(src002, f"TOKEN={token}\n", path=".env")
    in_url = run_rule(src013, f"git clone https://x:{token}@github.com/o/r\n", path="clone.sh")
    mcp = json.dumps({"mcpServers": {"gh": {"command": "gh-mcp", "env": {"GH_TOKEN": token}}}})
    in_mcp = run_rule(agt001, mcp + "\n", path=".mcp.json")
    assert [str(f.lifetime) for f in (*in_text, *in_url, *in_mcp)] == [lifetime] * 3


def test_classify_and_prefixed_reject_other_values() -> None:
    assert catalogue.classify("not a token") is None
    assert catalogue.prefixed("hello") is None
    assert catalogue.classify("  " + _classic("ghp_", 701) + "\n") is not None
