"""Terraform value resolution (``hclvalues``), LLC-IAC-007 and LLC-IAC-010 beyond their examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from outlive_rules.iac.iac007_static_provider_credentials import StaticProviderCredentials
from outlive_rules.iac.iac010_hardcoded_credential_literal import (
    HardcodedCredentialLiteral,
    credential_key,
)
from outlive_rules.secrets.src014_generic_secret_assignment import GenericSecretAssignment

from scanner.api import ALNUM, fake_token
from scanner.config import Config
from scanner.documents import yaml as yamlnodes
from scanner.documents.hcl import HclDocument
from scanner.documents.iac import Origin, hcl_values, load_hcl
from scanner.documents.iac.serverless import environments, is_serverless
from scanner.documents.yaml import YamlDocument
from scanner.engine import Engine
from scanner.secrets import generated_secret
from scanner.testing import run_rule

ROOT = Path(__file__).resolve().parent.parent
TOKEN = fake_token("", 24, ALNUM, seed=4242)

VALUES = f"""\
variable "key" {{
  default   = "{TOKEN}"
  sensitive = true
}}
variable "fed" {{
  sensitive = true
}}
variable "empty" {{
  default = null
}}
locals {{
  via   = var.key
  path  = file("${{path.module}}/sa.json")
  loop  = local.loop
}}
x = {{
  literal  = "{TOKEN}"
  legacy   = "${{var.key}}"
  local    = local.via
  input    = var.fed
  nulled   = var.empty
  unknown  = var.elsewhere
  filed    = local.path
  data     = data.aws_secretsmanager_secret_version.db.secret_string
  resource = random_password.db.result
  env      = get_env("TOKEN")
  wrapped  = sensitive("{TOKEN}")
  cycle    = local.loop
  mixed    = "a-${{var.key}}"
  number   = 12
  heredoc  = <<-EOT
    line one
      line two
    EOT
}}
"""


def _resolved() -> dict[str, object]:
    doc = HclDocument("main.tf", VALUES.replace("x = {", 'resource "t" "x" {'))
    (resource,) = load_hcl(doc)
    return {name: attr.origin for name, attr in resource.attrs.items()}


@pytest.mark.parametrize(
    ("name", "origin", "constant"),
    [
        ("literal", Origin.LITERAL, TOKEN),
        ("legacy", Origin.DEFAULT, TOKEN),
        ("local", Origin.DEFAULT, TOKEN),
        ("input", Origin.INPUT, None),
        ("nulled", Origin.INPUT, None),
        ("unknown", Origin.INPUT, None),
        ("filed", Origin.FILE, None),
        ("data", Origin.DATA, None),
        ("resource", Origin.RESOURCE, None),
        ("env", Origin.ENV, None),
        ("wrapped", Origin.LITERAL, TOKEN),
        ("cycle", Origin.EXPRESSION, None),
        ("mixed", Origin.EXPRESSION, None),
        ("number", Origin.LITERAL, "12"),
        ("heredoc", Origin.LITERAL, "line one\n  line two"),
    ],
)
def test_terraform_values_resolve_within_the_file(name: str, origin: Origin,
                                                  constant: str | None) -> None:
    resolved = _resolved()[name]
    assert resolved is not None
    assert resolved.origin is origin  # type: ignore[attr-defined]
    assert resolved.constant == constant  # type: ignore[attr-defined]


def test_resolution_keeps_the_path_and_the_sensitive_flag() -> None:
    doc = HclDocument("main.tf", VALUES.replace("x = {", 'resource "t" "x" {'))
    (resource,) = load_hcl(doc)
    local = resource.attrs["local"]
    assert local.origin is not None
    assert local.origin.via == ("local.via", "var.key")
    assert local.origin.sensitive
    assert local.constant == TOKEN
    assert local.literal is None
    assert local.comes_from(Origin.DEFAULT)
    assert resource.attrs["input"].origin.sensitive  # type: ignore[union-attr]
    assert hcl_values(doc).resolve_attribute(doc.blocks[0].attributes["default"]).constant == TOKEN
    # the default's own line is where the literal is written
    assert doc.locate(local.origin.node).line == 2


def test_generic_gate_is_shared_with_src014() -> None:
    """SRC-014 and IAC-010 agree on what a generated secret is: one function decides."""
    def never(_: str) -> bool:
        return False

    assert generated_secret("api_token", TOKEN, never)
    for value in ("changeme-please-now", "abc123def456ghi789", "/etc/app/token",
                  "OPENAI_API_KEY_VALUE", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"):
        assert not generated_secret("api_token", value, never), value
    assert not generated_secret("csrf_token", TOKEN, never)
    src = run_rule(GenericSecretAssignment, f'api_token: "{TOKEN}"\n', "config/app.yaml")
    assert len(src) == 1


@pytest.mark.parametrize(
    ("key", "expected"),
    [("DB_PASSWORD", True), ("aws_secret_key", True), ("AWS_SECRET_ACCESS_KEY", True),
     ("apiKey", True), ("client_secret", True), ("credentials", True),
     ("secret_name", False), ("token_file", False), ("password_length", False),
     ("kms_key_id", False), ("csrf_token", False), ("secret_arn", False)],
)
def test_credential_key_names(key: str, expected: bool) -> None:
    assert credential_key(key) is expected


def test_one_finding_per_value_when_src014_sees_it_too() -> None:
    engine = Engine([HardcodedCredentialLiteral, GenericSecretAssignment], Config())
    code = f'resource "aws_db_instance" "x" {{\n  password = "{TOKEN}"\n}}\n'
    result = engine.scan_bytes("infra/main.tf", code.encode())
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("LLC-IAC-010", 2)]


def test_user_data_secret_reported_on_its_own_line() -> None:
    code = ('resource "aws_instance" "web" {\n  user_data = <<-EOF\n    #!/bin/bash\n'
            f"    export API_TOKEN={TOKEN}\n  EOF\n}}\n")
    (finding,) = run_rule(HardcodedCredentialLiteral, code, "infra/ec2.tf")
    assert (finding.location.line, finding.location.column) == (4, 22)
    assert finding.location.end_column == 22 + len(TOKEN)


def test_cloudformation_user_data_secret_on_its_own_line() -> None:
    code = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Web:\n"
            "    Type: AWS::EC2::Instance\n    Properties:\n      UserData:\n"
            "        Fn::Base64: |\n          #!/bin/bash\n"
            f"          export DEPLOY_TOKEN={TOKEN}\n")
    (finding,) = run_rule(HardcodedCredentialLiteral, code, "cfn/web.yaml")
    assert (finding.location.line, finding.location.column) == (9, 31)


def test_provider_with_oidc_or_short_lived_tokens_is_quiet() -> None:
    code = ('provider "aws" {\n  token = data.aws_eks_cluster_auth.c.token\n}\n'
            'provider "vault" {\n  token = var.t\n  auth_login_kubernetes {\n    role = "x"\n'
            "  }\n}\n")
    assert run_rule(StaticProviderCredentials, code) == ()


def test_provider_default_in_the_same_file_is_high_with_the_default_related() -> None:
    code = (f'variable "key" {{\n  default = "{TOKEN}"\n}}\n'
            'provider "aws" {\n  secret_key = var.key\n}\n')
    (finding,) = run_rule(StaticProviderCredentials, code)
    assert finding.severity.value == "high"
    assert finding.location.line == 5
    assert [r.location.line for r in finding.related] == [2]
    assert str(finding.lifetime) == "static"


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("infra/broken.tf", 'provider "aws" {\n  access_key = "x\n'),
        ("infra/broken.tf", 'resource "aws_instance" "w" {\n  user_data = <<EOF\nexport A='),
        ("cfn/broken.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n"),
        ("playbooks/bad.yml", "- hosts: all\n  vars: &a\n    x: *a\n"),
        ("serverless.yml", "service: x\nprovider: aws\nfunctions: 3\n"),
    ],
)
def test_malformed_input_never_crashes(path: str, code: str) -> None:
    for rule in (StaticProviderCredentials, HardcodedCredentialLiteral):
        run_rule(rule, code, path)


def test_serverless_view() -> None:
    doc = YamlDocument("serverless.yml", "service: a\nprovider:\n  name: aws\n  environment:\n"
                       "    A: b\nfunctions:\n  f:\n    environment:\n      C: d\n")
    root = doc.roots[0]
    assert is_serverless(root)
    assert [where for where, _ in environments(root)] == ["provider", "function f"]
    assert not is_serverless(YamlDocument("x.yml", "a: 1\n").roots[0])
    assert yamlnodes.get(root, "service") is not None


#: (path inside the fixture, line, rule, severity) of LLC-IAC-007 and LLC-IAC-010.
FIXTURE_ROWS = {
    ("api/serverless.yml", 13, "LLC-IAC-010", "high"),
    ("cfn/stack.yaml", 9, "LLC-IAC-010", "high"),
    ("envs/prod.tfvars", 4, "LLC-IAC-010", "high"),
    ("infra/main.tf", 23, "LLC-IAC-010", "high"),
    ("infra/main.tf", 31, "LLC-IAC-010", "high"),
    ("infra/providers.tf", 30, "LLC-IAC-007", "high"),
    ("infra/providers.tf", 35, "LLC-IAC-007", "medium"),
    ("infra/providers.tf", 41, "LLC-IAC-007", "critical"),
    ("infra/variables.tf", 18, "LLC-IAC-010", "high"),
    ("playbooks/deploy.yml", 5, "LLC-IAC-010", "high"),
}


def test_fixture_findings() -> None:
    fixture = ROOT / "fixtures" / "iac-config"
    engine = Engine([StaticProviderCredentials, HardcodedCredentialLiteral], Config())
    rows = set()
    for path in sorted(fixture.rglob("*")):
        if path.is_file():
            rel = path.relative_to(fixture).as_posix()
            for f in engine.scan_bytes(rel, path.read_bytes()).findings:
                rows.add((rel, f.location.line, f.rule_id, f.severity.value))
    assert rows == FIXTURE_ROWS
