"""One secret, one finding across the Python, fake-session and agent rules (issue 13).

A literal that an SRC rule recognises and that a PY, FS or AGT rule sees used (passed to an
SDK, redeemed at a token endpoint, handed to an MCP server) is one credential: the finding that
carries the lifetime and the fix wins, and the SRC match (which names the provider) is kept as
a related location of it, never as a second finding.
"""

from __future__ import annotations

import json

from outlive_rules.secrets.src002_github_token import _PAT  # type: ignore[import-not-found]

from scanner.api import ALNUM, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Finding
from scanner.findings_build import specificity
from scanner.registry import all_rules

RULES = list(all_rules())
_RT = "1//0g" + fake_token("", 60, ALNUM + "-_", seed=1301)
_KEY_ID = "AKIA" + fake_token("", 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed=1302)
_SECRET_KEY = fake_token("", 40, ALNUM + "+/", seed=1303)
_CLIENT_SECRET = fake_token("", 32, ALNUM, seed=1304)


def scan(path: str, text: str) -> list[Finding]:
    result = Engine(RULES, Config()).scan_bytes(path, text.encode())
    return sorted(result.findings, key=lambda f: f.sort_key)


def _ids(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.rule_id, f.location.line) for f in findings]


def _notes(finding: Finding) -> list[tuple[int, str]]:
    return [(r.location.line, r.message) for r in finding.related]


def test_sdk_key_pair_is_one_py_finding_not_src() -> None:
    text = (
        "import boto3\n"
        f's3 = boto3.client("s3", aws_access_key_id="{_KEY_ID}",\n'
        f'                  aws_secret_access_key="{_SECRET_KEY}")\n'
    )
    found = scan("app/storage.py", text)
    assert found, "the hard-coded key pair is reported"
    assert {f.rule_id for f in found} == {"LLC-PY-005"}, _ids(found)


def test_literal_refresh_token_redeemed_in_a_loop_is_not_also_an_src_finding() -> None:
    text = (
        "import time, requests\n"
        f'REFRESH_TOKEN = "{_RT}"\n'
        "def renew():\n"
        '    return requests.post("https://oauth2.googleapis.com/token", data={\n'
        '        "grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN})\n'
        "while True:\n"
        "    renew()\n"
        "    time.sleep(3000)\n"
    )
    found = scan("jobs/sync.py", text)
    assert not [f for f in found if f.rule_id.startswith("LLC-SRC-")], _ids(found)
    assert {f.rule_id for f in found} == {"LLC-FS-001", "LLC-FS-002"}
    for finding in found:  # the SRC match, with its provider, is on the literal's line
        line_2 = [m for line, m in _notes(finding) if line == 2]
        assert len(line_2) == 1, _notes(finding)
        assert "LLC-SRC-" in line_2[0]
        assert "Google" in line_2[0]


def test_literal_behind_a_constant_keeps_one_related_location_per_line() -> None:
    text = f'from github import Github\nKEY = "{_PAT}"\ngh = Github(KEY)\n'
    found = scan("bot/main.py", text)
    assert _ids(found) == [("LLC-PY-005", 3)]
    notes = _notes(found[0])
    assert [line for line, _ in notes] == [2]
    assert "LLC-SRC-002" in notes[0][1]
    assert "GitHub" in notes[0][1]


def test_client_secret_in_a_config_dict_passed_to_a_helper() -> None:
    text = (
        "import time, requests\n"
        f'CONF = {{"client_id": "reporting", "client_secret": "{_CLIENT_SECRET}"}}\n'
        "def renew(conf):\n"
        '    return requests.post("https://login.example.com/oauth/token", data={\n'
        '        "grant_type": "client_credentials", "client_id": conf["client_id"],\n'
        '        "client_secret": conf["client_secret"]})\n'
        "def main():\n"
        "    while True:\n"
        "        renew(CONF)\n"
        "        time.sleep(3000)\n"
    )
    found = scan("jobs/report.py", text)
    assert _ids(found) == [("LLC-FS-002", 8)]
    assert any("LLC-SRC-014" in m for _, m in _notes(found[0])), _notes(found[0])


def test_mcp_server_token_is_one_agent_finding() -> None:
    config = {
        "mcpServers": {
            "github": {
                "command": "npx",
                "args": ["-y", "@modelcontextprotocol/server-github"],
                "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": _PAT},
            }
        }
    }
    found = scan(".cursor/mcp.json", json.dumps(config, indent=2))
    assert [f.rule_id for f in found] == ["LLC-AGT-001"]


def test_a_secret_no_code_rule_uses_stays_an_src_finding() -> None:
    # The Google client secret is not what the loop redeems from storage (the refresh token
    # is, from the environment): the SRC finding on it stands on its own.
    secret = "GOCSPX-" + fake_token("", 28, ALNUM, seed=1305)
    text = (
        "import os, time, requests\n"
        f'CLIENT_SECRET = "{secret}"\n'
        "while True:\n"
        '    requests.post("https://oauth2.googleapis.com/token", data={\n'
        '        "grant_type": "refresh_token", "refresh_token": os.environ["RT"],\n'
        '        "client_secret": CLIENT_SECRET})\n'
        "    time.sleep(3000)\n"
    )
    found = scan("jobs/google.py", text)
    assert ("LLC-SRC-006", 2) in _ids(found)
    assert "LLC-FS-002" in {f.rule_id for f in found}


def test_code_rules_outrank_src_rules() -> None:
    for rule in ("LLC-PY-005", "LLC-FS-001", "LLC-FS-002", "LLC-AGT-001"):
        assert specificity(rule) > specificity("LLC-SRC-006") > specificity("LLC-SRC-014")


def test_sdk_literal_redeemed_in_a_loop_is_one_fake_session_finding() -> None:
    # PY-005 (a hard-coded secret passed to an SDK) and FS-002 (the loop re-minting from it)
    # name one value: the loop's finding carries the lifetime, the SDK call is a note on it.
    secret = fake_token("", 34, ALNUM + "~.", seed=1306)
    text = (
        "import time\n"
        "from azure.identity import ClientSecretCredential\n"
        f'cred = ClientSecretCredential("tenant-id", "client-id", "{secret}")\n'
        "while True:\n"
        '    cred.get_token("https://graph.microsoft.com/.default")\n'
        "    time.sleep(3000)\n"
    )
    found = scan("jobs/graph.py", text)
    assert _ids(found) == [("LLC-FS-002", 4)]
    line_3 = [m for line, m in _notes(found[0]) if line == 3]
    assert len(line_3) == 1
    assert "LLC-PY-005" in line_3[0]
