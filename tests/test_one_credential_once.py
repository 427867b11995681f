"""One credential, one finding: copies of a value in a file become related locations."""

from __future__ import annotations

import json
from urllib.parse import quote

from outlive_rules.secrets.src002_github_token import _PAT, GithubToken
from outlive_rules.secrets.src013_credentials_in_url import CredentialsInUrl
from outlive_rules.secrets.src014_generic_secret_assignment import GenericSecretAssignment
from outlive_rules.secrets.src023_password_or_connection_string import (
    PasswordOrConnectionString,
)

from scanner.api import ALNUM, Rule, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Finding
from scanner.findings_build import COPY_NOTE, MAX_COPIES, specificity

SECRET = fake_token("", 28, ALNUM + "+/", seed=9901)
PASSWORD = fake_token("", 16, ALNUM + "!%", seed=9902)
RULES: list[type[Rule]] = [GithubToken, CredentialsInUrl, GenericSecretAssignment,
                     PasswordOrConnectionString]


def scan(path: str, text: str, rules: list[type[Rule]] | None = None) -> list[Finding]:
    result = Engine(rules or RULES, Config()).scan_bytes(path, text.encode())
    return sorted(result.findings, key=lambda f: f.sort_key)


def test_json_and_query_string_copies_are_one_finding() -> None:
    body = json.dumps({"client_id": "reporting", "client_secret": SECRET})
    text = (
        f"{body}\n"
        "then, in the form encoding:\n"
        f"client_id=reporting&client_secret={quote(SECRET, safe='')}\n"
        f'CLIENT_SECRET = "{SECRET}"\n'
    )
    findings = scan("config/oauth.conf", text)
    assert len(findings) == 1, [(f.rule_id, f.location.line) for f in findings]
    only = findings[0]
    assert only.location.line == 1
    assert [r.location.line for r in only.related] == [4]
    assert {r.message for r in only.related} == {COPY_NOTE}


def test_the_more_specific_rule_wins_across_lines() -> None:
    text = f'GITHUB_TOKEN = "{_PAT}"\nremote = "https://x-access-token:{_PAT}@github.com/o/r"\n'
    findings = scan("deploy/clone.py", text)
    assert [f.rule_id for f in findings] == ["LLC-SRC-002"]
    assert [r.location.line for r in findings[0].related] == [2]


def test_password_and_generic_rule_on_one_value() -> None:
    text = f"DB_PASSWORD={PASSWORD}\nDB_URL=postgres://app:{PASSWORD}@db.acme-corp.net/app\n"
    findings = scan("deploy/prod.env", text)
    assert [f.rule_id for f in findings] == ["LLC-SRC-013"]
    assert specificity("LLC-SRC-013") > specificity("LLC-SRC-023") > specificity("LLC-SRC-014")
    assert [r.location.line for r in findings[0].related] == [1]


def test_different_values_stay_apart() -> None:
    other = fake_token("", 28, ALNUM, seed=9903)
    text = f'API_TOKEN = "{SECRET}"\nOTHER_TOKEN = "{other}"\n'
    assert len(scan("app/config.py", text)) == 2


def test_a_suppressed_copy_hides_nothing_else() -> None:
    text = (
        f'API_TOKEN = "{SECRET}"  # outlive: ignore[LLC-SRC-014] reason=rotated\n'
        "HOST = 'api.acme-corp.net'\n"
        f'BACKUP_API_TOKEN = "{SECRET}"\n'
    )
    findings = scan("app/config.py", text)
    open_ = [f for f in findings if f.suppression is None]
    assert [f.location.line for f in open_] == [3]


def test_copies_are_capped() -> None:
    text = "".join(f'SVC{i}_TOKEN = "{SECRET}"\n' for i in range(MAX_COPIES + 10))
    findings = scan("app/config.py", text)
    assert len(findings) == 1
    assert len(findings[0].related) == MAX_COPIES


def test_encrypted_private_key_message_says_encrypted_once() -> None:
    from outlive_rules.secrets.src007_private_key import _PKCS8_ENCRYPTED, PrivateKey

    findings = scan("keys/server.key", _PKCS8_ENCRYPTED + "\n", [PrivateKey])
    assert findings
    assert "Encrypted ENCRYPTED" not in findings[0].message
    assert findings[0].message.startswith("Encrypted private key")
