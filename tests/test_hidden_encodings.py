"""Credentials hidden by an encoding (issue 14): UTF-16 files, base64 where the context says
base64, JSON escapes and shell line continuations are decoded, the credential classified by
the provider table and reported at the encoded text with the provider's lifetime; noise stays
quiet, positions are those of the decoded text, and no output shows the secret."""

from __future__ import annotations

import base64
import json
import time

import pytest

from scanner.api import ALNUM, BASE64, crc32_base62, fake_pem, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.registry import all_rules
from scanner.secrets import encodings

_BODY = fake_token("", 30, ALNUM, seed=901)
PAT = "ghp_" + _BODY + crc32_base62(_BODY)
GLPAT = fake_token("glpat-", 20, ALNUM, seed=902)
PASSWORD = fake_token("", 20, BASE64, seed=903).replace("/", "%")
HIDDEN = "LLC-SRC-024"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def docker_config(auth: str, registry: str = "ghcr.io") -> str:
    return json.dumps({"auths": {registry: {"auth": auth}}}, indent=2) + "\n"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(all_rules(), Config())


def scan(engine: Engine, rel: str, text: str | bytes) -> list:
    data = text.encode("utf-8") if isinstance(text, str) else text
    result = engine.scan_bytes(rel, data)
    assert not [e for e in result.errors if e.kind == "rule"], result.errors
    return result.findings


def secret_findings(findings: list) -> list:
    return [f for f in findings if f.rule_id.startswith(("LLC-SRC", "LLC-K8S"))]


def assert_redacted(findings: list, *values: str) -> None:
    for finding in findings:
        for value in values:
            assert value not in finding.snippet, finding.snippet
            assert value not in finding.message


# --- UTF-16 with a byte-order mark (Windows .env, .ps1, .reg) --------------------------------

UTF16_FILES = {
    # path: (text, line, column of the token in characters)
    "config/.env": ("# Einstellungen für CI\nREGION=eu\nGITLAB_TOKEN={t}\n", 3, 14),
    "deploy.ps1": ("# Bereitstellung – ü\n$ErrorActionPreference = 'Stop'\n"
                   "$env:GITLAB_TOKEN = \"{t}\"\n", 3, 22),
    "settings.reg": ("Windows Registry Editor Version 5.00\n\n"
                     "[HKEY_CURRENT_USER\\Software\\Acme\\Deploy]\n\"Token\"=\"{t}\"\n", 4, 10),
}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("rel", list(UTF16_FILES))
def test_utf16_with_bom_is_decoded(engine, rel, codec) -> None:
    template, line, column = UTF16_FILES[rel]
    text = template.format(t=GLPAT)
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    found = [f for f in scan(engine, rel, bom + text.encode(codec))
             if f.rule_id == "LLC-SRC-003"]
    assert [(f.location.line, f.location.column) for f in found] == [(line, column)]
    assert_redacted(found, GLPAT)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf", b"\xff\xfe"])
def test_first_line_key_after_a_mark(engine, bom) -> None:
    """A key on the first line, right after the mark, keeps its name and its column."""
    text = f"DB_PASSWORD={PASSWORD}\nGITLAB_TOKEN={GLPAT}\n"
    data = bom + (text.encode("utf-16-le") if bom == b"\xff\xfe" else text.encode())
    found = [(f.rule_id, f.location.line, f.location.column)
             for f in scan(engine, ".env", data) if f.rule_id.startswith("LLC-SRC")]
    assert found == [("LLC-SRC-023", 1, 13), ("LLC-SRC-003", 2, 14)]


def test_utf16_reg_file_is_text(tmp_path) -> None:
    """``reg export`` writes UTF-16 LE with a mark: discovery must not skip it as binary."""
    from scanner.discovery import SourceFile, read_file

    path = tmp_path / "settings.reg"
    path.write_bytes(b"\xff\xfe" + UTF16_FILES["settings.reg"][0].format(t=GLPAT)
                     .encode("utf-16-le"))
    data, problem = read_file(SourceFile("settings.reg", path), 1 << 20)
    assert problem is None
    assert data is not None


# --- base64 where the context says base64 ----------------------------------------------------

def test_docker_config_auth_with_a_provider_token(engine) -> None:
    auth = b64("ci:" + PAT)
    findings = secret_findings(scan(engine, ".docker/config.json", docker_config(auth)))
    assert [(f.rule_id, f.location.line) for f in findings] == [(HIDDEN, 4)]
    finding = findings[0]
    assert "GitHub classic personal access token" in finding.message
    assert "base64" in finding.message
    assert finding.lifetime.value == "unknown"  # the GitHub row's lifetime, not "static"
    assert_redacted(findings, auth, PAT)


def test_docker_config_auth_with_a_password(engine) -> None:
    auth = b64("deploy:" + PASSWORD)
    findings = secret_findings(scan(engine, "deploy/docker-config.json",
                                    docker_config(auth, "registry.example.com")))
    assert [(f.rule_id, f.severity.value) for f in findings] == [(HIDDEN, "high")]
    assert "Registry password of `deploy`" in findings[0].message
    # the same file in a fixture directory: a password without a format is sample data there
    sample = secret_findings(scan(engine, "tests/fixtures/docker-config.json",
                                  docker_config(auth, "registry.example.com")))
    assert [f.severity.value for f in sample] == ["info"]


def test_docker_auth_hex_token_is_a_password_not_a_hash(engine) -> None:
    """In ``auth`` the context says password: 40 hex characters are an old-style token."""
    token = fake_token("", 40, "0123456789abcdef", seed=912)
    findings = scan(engine, "deploy/pull-secret.go",
                    'data := `{"auths": {"docker.pkg.github.com": {"auth": "'
                    + b64("puller:" + token) + '"}}}`\n')
    assert [f.rule_id for f in findings if f.rule_id == HIDDEN] == [HIDDEN]


@pytest.mark.parametrize("auth", [
    b64("ci:changeme"),
    b64("ci:{{ .password }}"),
    b64("ci:xxxxxxxxxxxx"),
    b64("ci:${REGISTRY_PASSWORD}"),
    b64("ci:"),
    fake_token("", 40, BASE64, seed=904),  # not base64 of text
    b64("just some text, no colon"),
])
def test_docker_auth_noise_is_quiet(engine, auth) -> None:
    assert not [f for f in scan(engine, ".docker/config.json", docker_config(auth))
                if f.rule_id == HIDDEN]


def test_base64_key_to_service_account_and_token(engine) -> None:
    account = json.dumps({"type": "service_account", "project_id": "p",
                          "private_key": fake_pem("PRIVATE KEY", 6, seed=905) + "\n"})
    text = (f"GCP_SA_KEY_BASE64={b64(account)}\n"
            f"GITLAB_TOKEN_B64: '{b64(GLPAT)}'\n"
            f"LOGO_BASE64={fake_token('iVBORw0KGgo', 80, BASE64, seed=906)}\n"
            f"HELP_B64={b64('rotate tokens every ninety days, see the runbook')}\n")
    findings = [f for f in scan(engine, "ci/.env", text) if f.rule_id == HIDDEN]
    assert [(f.location.line, f.severity.value) for f in findings] == [
        (1, "critical"), (2, "critical")]
    assert "service-account key" in findings[0].message
    assert "GitLab" in findings[1].message
    assert_redacted(findings, GLPAT, b64(GLPAT))


def test_base64_of_a_pem_block_says_what_it_is(engine) -> None:
    """``LS0tLS1CRUdJTi`` is base64 of ``-----BEGIN``: decoded wherever it stands."""
    key = b64(fake_pem("RSA PRIVATE KEY", 6, seed=909))
    assert key.startswith("LS0tLS1CRUdJTi")
    text = f'<config>\n  <signing key="{key}"/>\n</config>\n'
    findings = [f for f in scan(engine, "conf/app.xml", text) if f.rule_id == HIDDEN]
    assert [(f.location.line, f.severity.value) for f in findings] == [(2, "critical")]
    assert findings[0].lifetime.value == "static"
    assert_redacted(findings, key)
    certificate = b64("-----BEGIN CERTIFICATE-----\n" + fake_token("MII", 120, BASE64, seed=910)
                      + "\n-----END CERTIFICATE-----\n")
    encrypted = b64(fake_pem("ENCRYPTED PRIVATE KEY", 6, seed=911))
    assert list(encodings.pem_base64(f"ca: {certificate}\nkey: {encrypted}\n")) == []
    # a TLS Secret: LLC-K8S-005 decodes it, once
    secret = ("apiVersion: v1\nkind: Secret\nmetadata: { name: tls }\n"
              f"type: kubernetes.io/tls\ndata:\n  tls.key: {key}\n")
    assert list(encodings.pem_base64(secret)) == []


@pytest.mark.parametrize(("rel", "template", "rule"), [
    ("chart/values.yaml", "tls:\n  enabled: true\n  key: {k}\n", HIDDEN),
    ("app/config.json", '{{"signingKey": "{k}"}}\n', HIDDEN),
    ("infra/main.tf", 'locals {{\n  key = base64decode("{k}")\n}}\n', HIDDEN),
    ("k8s/tls.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {{ name: t }}\n"
     "type: kubernetes.io/tls\ndata:\n  tls.key: {k}\n", "LLC-K8S-005"),
    ("ci/kubeconfig", "apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n"
     "    client-key-data: {k}\n", "LLC-K8S-006"),
])
def test_base64_pem_is_reported_once(engine, rel, template, rule) -> None:
    text = template.format(k=b64(fake_pem("RSA PRIVATE KEY", 6, seed=913)))
    assert [f.rule_id for f in secret_findings(scan(engine, rel, text))] == [rule]


def test_encrypted_key_under_base64_key_is_quiet() -> None:
    pem = fake_pem("ENCRYPTED PRIVATE KEY", 6, seed=907)
    assert list(encodings.hidden_credentials(f"KEY_BASE64={b64(pem)}\n")) == []


def test_kubernetes_secret_data_and_kubeconfig_stay_with_k8s_rules(engine) -> None:
    """Secret ``data`` and kubeconfig ``*-data`` are decoded by LLC-K8S-005/006, once."""
    secret = ("apiVersion: v1\nkind: Secret\nmetadata: { name: gitlab }\ntype: Opaque\n"
              f"data:\n  token: {b64(GLPAT)}\n")
    found = secret_findings(scan(engine, "k8s/gitlab-secret.yaml", secret))
    assert [(f.rule_id, f.location.line) for f in found] == [("LLC-K8S-005", 6)]
    kubeconfig = (
        "apiVersion: v1\nkind: Config\ncurrent-context: ci\nusers:\n  - name: ci\n    user:\n"
        "      client-certificate-data: " + b64("-----BEGIN CERTIFICATE-----\nMIIB\n") + "\n"
        "      client-key-data: " + b64(fake_pem("RSA PRIVATE KEY", 4, seed=908)) + "\n")
    found = secret_findings(scan(engine, "ci/kubeconfig", kubeconfig))
    assert [f.rule_id for f in found] == ["LLC-K8S-006"]


# --- JSON escapes -----------------------------------------------------------------------------

def escaped(token: str) -> str:
    return token.replace("_", "\\u005f").replace("-", "\\u002d")


def test_json_escaped_tokens(engine) -> None:
    text = ('{\n  "github-oauth": {"github.com": "' + escaped(PAT) + '"},\n'
            '  "gitlab-token": {"gitlab.com": "' + escaped(GLPAT) + '"},\n'
            '  "homepage": "https:\\/\\/example.com\\/docs",\n'
            '  "title": "Caf\\u00e9"\n}\n')
    findings = [f for f in scan(engine, "auth.json", text) if f.rule_id.startswith("LLC-SRC")]
    assert [(f.rule_id, f.location.line) for f in findings] == [(HIDDEN, 2), (HIDDEN, 3)]
    assert findings[0].location.column == 35  # the escaped string's first character
    assert_redacted(findings, PAT, GLPAT, escaped(PAT))


def test_json_lone_surrogate_is_skipped() -> None:
    """``\\udf42`` alone decodes to a lone surrogate: no crash, no finding."""
    text = '{"k": "\\udf42' + escaped(GLPAT) + '"}\n'
    assert list(encodings.json_escaped(text)) == []


def test_json_token_written_plainly_is_left_to_its_rule(engine) -> None:
    text = '{"token": "' + GLPAT + '", "next": "a\\/b"}\n'
    found = [f.rule_id for f in scan(engine, "auth.json", text) if f.rule_id.startswith("LLC-SRC")]
    assert found == ["LLC-SRC-003"]


def test_one_credential_once_across_encodings(engine) -> None:
    """The same token plainly and escaped in one file: one finding, the other place related."""
    text = '{"a": "' + GLPAT + '",\n "b": "' + escaped(GLPAT) + '"}\n'
    found = [f for f in scan(engine, "auth.json", text) if f.rule_id.startswith("LLC-SRC")]
    assert len(found) == 1
    assert [r.location.line for r in found[0].related] == [2]


# --- line continuations -------------------------------------------------------------------

@pytest.mark.parametrize(("rel", "template"), [
    ("scripts/release.sh", "#!/bin/sh\nexport GITLAB_TOKEN={a}\\\n{b}\n./release\n"),
    ("web/src/api.js", "const token = \"{a}\\\n{b}\";\n"),
    ("tools/push.py", "TOKEN = \"{a}\\\n{b}\"\n"),
    ("scripts/crlf.sh", "export GITLAB_TOKEN={a}\\\r\n{b}\r\n"),
])
def test_split_token_is_joined(engine, rel, template) -> None:
    text = template.format(a=GLPAT[:11], b=GLPAT[11:])
    findings = [f for f in scan(engine, rel, text) if f.rule_id.startswith("LLC-SRC")]
    assert [f.rule_id for f in findings] == [HIDDEN]
    line = text.splitlines()[findings[0].location.line - 1]
    assert line[findings[0].location.column - 1 :].startswith(GLPAT[:11])
    assert findings[0].location.end_line == findings[0].location.line + 1
    assert_redacted(findings, GLPAT, GLPAT[:11], GLPAT[11:])


def test_split_token_in_a_dockerfile_is_one_finding(engine) -> None:
    """DCK-001 joins the ENV continuation itself: the credential is reported once, by it."""
    text = f"FROM alpine\nENV GITLAB_TOKEN={GLPAT[:11]}\\\n{GLPAT[11:]}\n"
    findings = secret_findings(scan(engine, "Dockerfile", text))
    found = [f for f in scan(engine, "Dockerfile", text) if f.rule_id.startswith("LLC-")]
    assert [f.rule_id for f in found] == ["LLC-DCK-001"]
    assert findings == []


@pytest.mark.parametrize("text", [
    # an indented continuation line starts a new word: the shell does not join it
    f"run --token \\\n  {GLPAT}\n",
    "docker build \\\n  --tag app \\\n  .\n",
    # a whole token on each side of a continuation is the format rule's
    f"echo {GLPAT}\\\nmore\n",
    "PATH=/usr/local/bin:\\\n/usr/bin\n",
])
def test_continuation_noise_is_quiet(text) -> None:
    assert list(encodings.continued(text)) == []


# --- cost -------------------------------------------------------------------------------------

def test_hostile_inputs_stay_linear() -> None:
    """Long runs of key characters after "base64", unclosed strings full of escapes and many
    continuations must not backtrack."""
    texts = [
        "base64" + "a" * 200_000 + "\n",
        "b64_" * 50_000,
        '"' + "\\u0041" * 50_000,
        "x\\\n" * 100_000,
        '"auth": "' + "A" * 200_000,
    ]
    for text in texts:
        started = time.perf_counter()
        list(encodings.hidden_credentials(text))
        assert time.perf_counter() - started < 2.0, text[:20]
