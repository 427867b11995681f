"""Provider token rules (LLC-SRC-002..009) and their helpers: checksums, filler, lifetimes."""

from __future__ import annotations

import zlib

import pytest

from scanner.api import (
    ALNUM,
    crc32_base62,
    fake_token,
    has_crc32_base62,
    literal_prefix,
    looks_fake,
    standalone,
)
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Severity
from scanner.registry import get_rule


def _scan(rule_ids: list[str], path: str, code: str):
    rules = [get_rule(r) for r in rule_ids]
    result = Engine(rules, Config()).scan_bytes(path, code.encode())
    assert not [e for e in result.errors if e.kind == "rule"]
    return result.findings


# -- helpers -------------------------------------------------------------------------------


def test_crc32_base62_round_trip() -> None:
    for seed in range(50):
        body = fake_token("", 30, seed=seed)
        checksum = crc32_base62(body)
        assert len(checksum) == 6
        assert has_crc32_base62(body + checksum)
        assert not has_crc32_base62(body + checksum[:-1] + ("A" if checksum[-1] != "A" else "B"))
    # The checksum is the base62 (0-9A-Za-z) of zlib's CRC32, zero-padded.
    assert crc32_base62("") == "000000"
    assert zlib.crc32(b"abc") > 0
    assert has_crc32_base62("abc" + crc32_base62("abc"))
    assert not has_crc32_base62("short")
    assert not has_crc32_base62("x" * 30 + "!!!!!!")


def test_looks_fake_rejects_filler_and_keeps_random_bodies() -> None:
    for filler in ("a" * 36, "abc123" * 6, "0123456789abcdefghijklmnopqrstuvwxyz",
                   "X" * 24, "AAAAAAAAAAAAAAAAAAAB1", "zyxwvutsrq" + "1f9c" * 5, ""):
        assert looks_fake(filler), filler
    hexdigits = "0123456789abcdef"
    randoms = [fake_token("", n, alphabet, seed)
               for seed in range(300)
               for n, alphabet in ((36, ALNUM), (24, ALNUM), (99, ALNUM))]
    randoms += [fake_token("", 48, hexdigits, seed) for seed in range(100)]
    assert sum(looks_fake(r) for r in randoms) <= 1


def test_standalone_boundaries() -> None:
    text = 'x = "TOKEN" yTOKEN TOKENz \\nTOKEN'
    spans = [(i, i + 5) for i in range(len(text)) if text.startswith("TOKEN", i)]
    assert [standalone(text, s, e) for s, e in spans] == [True, False, False, True]


def test_literal_prefix() -> None:
    assert literal_prefix(r"glpat-(?:[A-Z]{20})") == "glpat-"
    assert literal_prefix(r"xoxe\.xoxb-") == "xoxe"
    assert literal_prefix(r"(?:https?://)?hooks") == ""


# -- LLC-SRC-002 ---------------------------------------------------------------------------


def _classic(prefix: str, seed: int) -> str:
    body = fake_token("", 30, seed=seed)
    return prefix + body + crc32_base62(body)


@pytest.mark.parametrize(
    ("prefix", "severity", "lifetime"),
    [
        ("ghp_", Severity.HIGH, "unknown"),
        ("gho_", Severity.HIGH, "none"),
        ("ghr_", Severity.HIGH, "P184D"),
        ("ghu_", Severity.MEDIUM, "PT8H"),
        ("ghs_", Severity.LOW, "PT1H"),
    ],
)
def test_github_kinds_are_graded_by_lifetime(prefix: str, severity: Severity,
                                             lifetime: str) -> None:
    token = _classic(prefix, seed=7)
    (finding,) = _scan(["LLC-SRC-002"], "app/config.py", f'TOKEN = "{token}"\n')
    assert finding.severity is severity
    assert str(finding.lifetime) == lifetime
    assert token not in finding.snippet
    assert token not in finding.message


def test_github_checksum_failure_is_not_a_token() -> None:
    token = _classic("ghp_", seed=8)
    broken = token[:-1] + ("a" if token[-1] != "a" else "b")
    assert not _scan(["LLC-SRC-002"], "app/config.py", f'TOKEN = "{broken}"\n')


def test_github_long_refresh_token_without_checksum() -> None:
    token = fake_token("ghr_", 76, seed=9)
    (finding,) = _scan(["LLC-SRC-002"], ".env", f"REFRESH={token}\n")
    assert str(finding.lifetime) == "P184D"


# -- LLC-SRC-004, 005, 006, 008 ------------------------------------------------------------


def test_stripe_test_key_is_info_and_publishable_key_is_never_reported() -> None:
    test_key = fake_token("sk_test_", 99, seed=3)
    publishable = fake_token("pk_live_", 99, seed=4)
    findings = _scan(["LLC-SRC-005"], "app/pay.py", f'A = "{test_key}"\nB = "{publishable}"\n')
    assert [(f.location.line, f.severity) for f in findings] == [(1, Severity.INFO)]


def test_firebase_config_key_is_info_only() -> None:
    key = fake_token("AIza", 35, seed=5)
    code = (f'const firebaseConfig = {{\n  apiKey: "{key}",\n'
            '  authDomain: "x.firebaseapp.com"\n};\n')
    (finding,) = _scan(["LLC-SRC-006"], "web/firebase.js", code)
    assert finding.severity is Severity.INFO


def test_service_account_key_and_its_pem_are_two_findings() -> None:
    rule = get_rule("LLC-SRC-006")
    code = rule.INVALID[1].code
    findings = _scan(["LLC-SRC-006", "LLC-SRC-007"], "deploy/sa.json", code)
    assert sorted((f.rule_id, f.location.line) for f in findings) == [
        ("LLC-SRC-006", 4), ("LLC-SRC-007", 5)]
    for finding in findings:
        assert "MII" not in finding.snippet


def test_pypi_token_lifetime_and_scope_come_from_its_caveats() -> None:
    module = get_rule("LLC-SRC-008").__module__
    fixtures = __import__(module, fromlist=["_pypi_token"])
    short = fixtures._pypi_token([b"[0,1800000900,1800000000]", b'[1,["demo"]]'], seed=1)
    wide = fixtures._pypi_token([b'{"version": 1, "permissions": "user"}'], seed=2)
    first, second = _scan(["LLC-SRC-008"], ".env", f"A={short}\nB={wide}\n")
    assert (first.severity, str(first.lifetime)) == (Severity.LOW, "PT15M")
    assert "scoped to 1 project" in first.message
    assert (second.severity, str(second.lifetime)) == (Severity.CRITICAL, "static")
    assert "account-wide" in second.message


def test_slack_webhook_is_masked_whole() -> None:
    url = ("https://hooks.slack.com/services/T" + fake_token("", 8, "ABCDEFGH234567", 1)
           + "/B" + fake_token("", 10, "ABCDEFGH234567", 2) + "/" + fake_token("", 24, seed=3))
    (finding,) = _scan(["LLC-SRC-004"], "alerts.yml", f"url: {url}\n")
    assert url.rsplit("/", 1)[-1] not in finding.snippet
    assert finding.severity is Severity.MEDIUM


def test_known_documentation_examples_are_info_only() -> None:
    # Slack's oauth.v2.access documentation token, assembled so no token literal is stored.
    example = "-".join(("xoxb", "17653672481", "19874698323", "pdFZKVeTuE8sk7oOc" + "Brzbqgy"))
    (finding,) = _scan(["LLC-SRC-004"], "tests/test_oauth.py", f'TOKEN = "{example}"\n')
    assert finding.severity is Severity.INFO
