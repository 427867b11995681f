"""False positives a triage of real repositories found in the secret rules, one case each.

The shapes are written here from the triage's descriptions (rubygems.org's ejson files, the
Kubernetes examples' Secrets, aws-cli's API references, bitnami's charts, saleor's settings);
each case failed before its fix. The rules' own VALID examples show each shape once more.
"""

from __future__ import annotations

import base64

import pytest
from outlive_rules.k8s.k8s005_secret_committed_values import SecretCommittedValues
from outlive_rules.secrets.src001_aws_access_key import AwsAccessKey
from outlive_rules.secrets.src002_github_token import _PAT, GithubToken
from outlive_rules.secrets.src006_google_api_or_service_account_key import (
    GoogleApiOrServiceAccountKey,
)
from outlive_rules.secrets.src007_private_key import PrivateKey
from outlive_rules.secrets.src013_credentials_in_url import CredentialsInUrl
from outlive_rules.secrets.src014_generic_secret_assignment import GenericSecretAssignment
from outlive_rules.secrets.src023_password_or_connection_string import (
    PasswordOrConnectionString,
)

from scanner.api import ALNUM, BASE32_UPPER, BASE64, Rule, fake_pem, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.findings import Finding, Severity
from scanner.pipeline import screen
from scanner.secrets import Evidence, is_encrypted_value, password_value, sample_severity
from scanner.secrets.filters import is_placeholder

PW = fake_token("", 14, ALNUM + "!#%", seed=9101)
GENERATED = fake_token("", 32, ALNUM, seed=9102)
KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=9103)
SECRET_KEY = fake_token("", 40, seed=9104)
SIGNATURE = fake_token("", 64, "0123456789abcdef", seed=9105)
AIZA = fake_token("AIza", 35, ALNUM + "-_", seed=9106)


def _scan(path: str, text: str, rules: list[type[Rule]]) -> list[Finding]:
    return list(Engine(rules, Config()).scan_bytes(path, text.encode()).findings)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# -- 1. ciphertext: one check, every format ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "EJ[1:" + fake_token("", 43, BASE64, seed=1) + "=:" + fake_token("", 32, BASE64, seed=2)
        + ":" + fake_token("", 60, BASE64, seed=3) + "]",  # ejson
        "ENC[AES256_GCM,data:" + GENERATED + ",iv:x,tag:y,type:str]",  # sops, any syntax
        "ENC(" + GENERATED + ")",  # Jasypt
        "{cipher}" + GENERATED,  # Spring Cloud Config
        "AQICAHh" + GENERATED,  # AWS KMS ciphertext blob
        "AQECAHh" + GENERATED,  # AWS KMS ciphertext blob, older header
        "{AQAAABAAAAAQ" + GENERATED + "=}",  # Jenkins credentials.xml
        "-----BEGIN AGE ENCRYPTED FILE-----",  # age armour (sops `enc:`)
        "$ANSIBLE_VAULT;1.1;AES256",
        "Ag" + fake_token("", 400, BASE64, seed=4),  # Bitnami SealedSecret
    ],
)
def test_ciphertext_is_one_check(value: str) -> None:
    assert is_encrypted_value(value)


def test_ejson_file_is_quiet_whatever_the_ciphertext_holds() -> None:
    """Before, the gate dropped ejson values by accident (over 256 characters, a `[` in a
    password, `BaR` or two keyboard runs in the base64): 5 of about 20 per file fired."""
    box = [fake_token("", 76, BASE64, seed=seed) for seed in range(10, 30)]
    pub = fake_token("", 43, BASE64, seed=9)
    keys = [f"service_{n}_api_key" for n in range(20)]
    body = ",\n".join(f'  "{k}": "EJ[1:{pub}=:{b[:32]}:{b}]"' for k, b in zip(keys, box,
                                                                             strict=True))
    text = '{\n  "_public_key": "' + "ab" * 32 + '",\n' + body + "\n}\n"
    rules: list[type[Rule]] = [GenericSecretAssignment, PasswordOrConnectionString]
    assert _scan("config/deploy/production/secrets.ejson", text, rules) == []


def test_git_crypt_files_are_skipped_as_binary() -> None:
    head = b"\0GITCRYPT\0" + bytes(range(256))
    assert screen("secrets/prod.env", head, len(head), 2 << 20) is not None


# -- 2. a Kubernetes Secret's data: decoded, one owner ---------------------------------------


def _secret(**data: str) -> str:
    lines = "".join(f"  {k}: {_b64(v)}\n" for k, v in data.items())
    return f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n{lines}"


BOTH: list[type[Rule]] = [PasswordOrConnectionString, SecretCommittedValues]


def test_secret_data_is_judged_decoded() -> None:
    assert _scan("k8s/chap.yaml", _secret(username="username", password="password"), BOTH) == []
    same = _secret(apiUsername="svc_backup7", apiPassword="svc_backup7")
    assert password_value("svc_backup7", is_placeholder)  # only the user name says "sample"
    assert _scan("k8s/sos.yaml", same, BOTH) == []


def test_secret_data_password_is_one_finding() -> None:
    generated = _scan("k8s/db.yaml", _secret(username="app", password=GENERATED), BOTH)
    assert [f.rule_id for f in generated] == ["LLC-K8S-005"]  # SRC-023 folded into it
    typed = _scan("k8s/db.yaml", _secret(username="app", password="Tr0ub4dor&3"), BOTH)
    assert [f.rule_id for f in typed] == ["LLC-SRC-023"]


# -- 3. private keys that say they are samples ----------------------------------------------


def test_private_key_body_saying_example_is_quiet() -> None:
    pem = fake_pem("RSA PRIVATE KEY", seed=9107)
    sample = pem.replace("-----\n", "-----\nEXAMPLE", 1).replace("\n", "\\n")
    assert _scan("api/key-pair.json", f'{{"privateKey": "{sample}"}}\n', [PrivateKey]) == []
    filler = pem.replace("-----\n", "-----\nxxxxxxxxxxxx", 1)
    assert _scan("api/key.pem", filler, [PrivateKey]) == []
    assert _scan("api/key.pem", pem, [PrivateKey])


# -- 4 and 5. htpasswd hashes, template range variables ---------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "reg_user:$2y$10$" + fake_token("", 53, ALNUM + "./", seed=5),
        "admin:$apr1$" + fake_token("", 8, ALNUM, seed=6) + "$" + fake_token("", 22, ALNUM,
                                                                              seed=7),
        "ops:{SSHA}" + fake_token("", 32, BASE64, seed=8),
    ],
)
def test_htpasswd_lines_are_hashes(value: str) -> None:
    assert not password_value(value, is_placeholder)
    assert _scan("chart/values.yaml", f"registry:\n  htpasswd: {value}\n",
                 [PasswordOrConnectionString]) == []


@pytest.mark.parametrize(
    "line",
    [
        "{{- range $user, $password := .Values.auth.basicAuthUsers }}",
        "{{ $password := .Values.db.password | default (randAlphaNum 16) }}",
        "{% set db_password = lookup('env', 'X') %}",
    ],
)
def test_template_actions_hold_expressions(line: str) -> None:
    assert _scan("chart/templates/secret.yaml", f"stringData:\n  x: |\n    {line}\n",
                 [PasswordOrConnectionString, GenericSecretAssignment]) == []


# -- 6. development defaults in URLs, commented out or not ----------------------------------


@pytest.mark.parametrize(
    "line",
    [
        '        # default="postgres://saleor_read_only:saleor@localhost:5432/saleor",',
        'REPLICA = "postgres://shop_ro:shopdb@127.0.0.1:5432/shopdb"',
    ],
)
def test_url_password_repeating_user_or_database_is_a_dev_default(line: str) -> None:
    assert _scan("shop/settings.py", line + "\n", [CredentialsInUrl]) == []
    remote = line.replace("localhost", "db.acme-corp.net").replace("127.0.0.1", "db.acme-corp.net")
    assert _scan("shop/settings.py", remote + "\n", [CredentialsInUrl])


# -- 7. AWS key ids that are no credential ---------------------------------------------------


def _presigned(key_id: str) -> str:
    return (f'{{"url": "https://b.s3.us-west-2.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256'
            f"&X-Amz-Expires=3600&X-Amz-Credential={key_id}%2F20190814%2Fus-west-2%2Fs3"
            f'%2Faws4_request&X-Amz-Signature={SIGNATURE}"}}\n')


def test_presigned_url_key_id_is_graded_down_and_its_signature_masked() -> None:
    (doc,) = _scan("docs/ecr/get-download-url.rst", _presigned(KEY_ID), [AwsAccessKey])
    assert doc.severity is Severity.INFO
    (real,) = _scan("scripts/fetch.json", _presigned(KEY_ID), [AwsAccessKey])
    assert real.severity is Severity.LOW
    for finding in (doc, real):
        assert KEY_ID not in finding.snippet
        assert f"X-Amz-Signature={SIGNATURE[:4]}…" in finding.snippet  # 60 of 64 masked


def test_key_ids_in_arns_and_placeholders_are_not_reported() -> None:
    text = (f'"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}",\n'
            f'"DbiResourceId": "db-{KEY_ID}",\n"DbClusterResourceId": "cluster-{KEY_ID}"\n'
            "id = AKIAYOURACCESSKEYID2\n")
    assert _scan("docs/rds/copy-db-snapshot.rst", text, [AwsAccessKey]) == []


# -- 8. the noise policy: verified formats keep their grade, shapes are low in samples -------


@pytest.mark.parametrize("path", ["testdata/key.pem", "tests/test.key", "tests/conftest.py",
                                  "docs/tls.md", "examples/app/key.pem"])
def test_private_keys_in_samples_are_low(path: str) -> None:
    pem = fake_pem("RSA PRIVATE KEY", seed=9108)
    (finding,) = _scan(path, f'KEY = """{pem}"""\n', [PrivateKey])
    assert finding.severity is Severity.LOW
    (real,) = _scan("deploy/key.pem", pem, [PrivateKey])
    assert real.severity is Severity.CRITICAL


def test_unverifiable_shapes_in_samples_are_low() -> None:
    aiza = _scan("tests/functional/test_sns.py", f'KEY = "{AIZA}"\n',
                 [GoogleApiOrServiceAccountKey])
    assert [f.severity for f in aiza] == [Severity.LOW]
    alone = _scan("tests/test_s3.py", f'KEY_ID = "{KEY_ID}"\n', [AwsAccessKey])
    assert [f.severity for f in alone] == [Severity.LOW]
    pair = _scan("tests/test_s3.py", f'aws_access_key_id = "{KEY_ID}"\n'
                 f'aws_secret_access_key = "{SECRET_KEY}"\n', [AwsAccessKey])
    assert [f.severity for f in pair] == [Severity.CRITICAL]
    github = _scan("tests/test_api.py", f'TOKEN = "{_PAT}"\n', [GithubToken])
    assert [f.severity for f in github] == [GithubToken.META.severity]  # a CRC32 verifies it


def test_sample_severity_table() -> None:
    assert sample_severity("tests/x.py", Evidence.VERIFIED) is None
    assert sample_severity("tests/x.py", Evidence.SHAPE) is Severity.LOW
    assert sample_severity("tests/x.py", Evidence.NAME) is Severity.INFO
    assert sample_severity("app/x.py", Evidence.SHAPE) is None
    assert sample_severity("keys/deploy_key.txt", Evidence.SHAPE) is None  # a key dump
    assert sample_severity("docs/keys.txt", Evidence.SHAPE) is Severity.LOW
    assert sample_severity("keys/deploy_key.txt", Evidence.NAME) is Severity.INFO


def test_helm_named_templates_are_not_samples() -> None:
    """``_helpers.tpl`` is rendered into every release; ``.env.tpl`` is a template to copy."""
    from scanner.secrets.paths import PathClass, path_class

    assert path_class("charts/app/templates/_helpers.tpl") is None
    assert path_class("config/.env.tpl") is PathClass.EXAMPLE
