"""LLC-IAC-008 and the IAM policy model beneath it: every syntax a trust policy is written in,
the issuer and subject-pattern tables, exact positions, lifetimes, and quiet on what is right."""

from __future__ import annotations

from pathlib import Path

import pytest
from outlive_rules.iac.iac008_open_federation_trust import OpenFederationTrust

from scanner.api.iac_trust import breadth, issuer_of
from scanner.config import Config
from scanner.documents.hcl import HclDocument
from scanner.documents.iac import policy
from scanner.engine import Engine
from scanner.filekinds import FileKind, classify
from scanner.findings import Finding, Severity
from scanner.testing import run_rule

ROOT = Path(__file__).resolve().parent.parent
GH = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def findings(code: str, path: str = "infra/main.tf") -> tuple[Finding, ...]:
    return run_rule(OpenFederationTrust, code, path)


def role(policy_hcl: str, extra: str = "") -> str:
    return f'resource "aws_iam_role" "r" {{\n{extra}  assume_role_policy = {policy_hcl}\n}}\n'


def statement(condition: str = "", action: str = '"sts:AssumeRoleWithWebIdentity"',
              federated: str = f'"{GH}"') -> str:
    cond = f"\n      Condition = {{ {condition} }}" if condition else ""
    return ("jsonencode({\n    Statement = [{\n      Effect = \"Allow\"\n"
            f"      Action = {action}\n      Principal = {{ Federated = {federated} }}{cond}\n"
            "    }]\n  })")


# --- issuers and subject patterns -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "platform", "severity"),
    [
        (GH, "GitHub Actions", Severity.CRITICAL),
        ("https://token.actions.githubusercontent.com/acme-enterprise", "GitHub Actions "
         "(enterprise issuer)", Severity.HIGH),
        ("arn:aws:iam::1:oidc-provider/gitlab.com", "GitLab.com", Severity.CRITICAL),
        ("https://gitlab.acme.internal", "GitLab (self-managed)", Severity.HIGH),
        ("arn:aws:iam::1:oidc-provider/app.terraform.io", "HCP Terraform", Severity.CRITICAL),
        ("oidc.circleci.com/org/0b5c7e4a", "CircleCI", Severity.HIGH),
        ("api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
         "Bitbucket Pipelines", Severity.HIGH),
        ("arn:aws:iam::1:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", "EKS (IRSA)",
         Severity.HIGH),
    ],
)
def test_issuers(text: str, platform: str, severity: Severity) -> None:
    issuer = issuer_of(text)
    assert issuer is not None
    assert issuer.platform == platform
    assert issuer.open is severity


@pytest.mark.parametrize("text", ["cognito-identity.amazonaws.com", "accounts.google.com",
                                  "arn:aws:iam::1:oidc-provider/\0", None, ""])
def test_not_ci_issuers(text: str | None) -> None:
    assert issuer_of(text) is None


GITHUB = issuer_of(GH)


@pytest.mark.parametrize(
    ("pattern", "severity"),
    [
        ("*", Severity.CRITICAL),
        ("repo:*", Severity.CRITICAL),
        ("repo:*/*:ref:refs/heads/main", Severity.CRITICAL),
        ("repo:acme*", Severity.CRITICAL),  # acme-evil/anything matches
        ("repo:acme/*", Severity.HIGH),
        ("repo:acme/*:*", Severity.HIGH),
        ("repo:\0/*", Severity.HIGH),  # an interpolated owner, every repository of it
        ("repo:\0/\0:ref:refs/heads/\0", None),  # parameters without defaults
        ("repo:acme/app-*", Severity.MEDIUM),
        ("repo:acme/app:*", None),
        ("repo:acme/app:ref:refs/heads/*", None),
        ("repo:\0:*", None),  # repo:${var.repository}:* names one repository
        ("repo:acme/app:environment:prod", None),
        ("project_path:*", Severity.CRITICAL),
        ("project_path:acme/*", Severity.HIGH),
        ("project_path:acme/app:ref_type:branch:ref:*", None),
        ("organization:acme:*", Severity.HIGH),
        ("organization:acme:project:p:workspace:w:run_phase:*", None),
        ("system:serviceaccount:*", Severity.HIGH),
        ("system:serviceaccount:monitoring:*", Severity.MEDIUM),
        ("system:serviceaccount:ns:*-agent", Severity.LOW),
        ("system:serviceaccount:kube-system:aws-node", None),
        ("org/abc/project/*", Severity.HIGH),
        ("org/abc/project/def/user/*", None),
    ],
)
def test_subject_breadth(pattern: str, severity: Severity | None) -> None:
    found = breadth(pattern, GITHUB)
    assert (found[0] if found else None) is severity


# --- the policy model ---------------------------------------------------------------------------


def test_heredoc_json_maps_back_to_file_positions() -> None:
    src = ('resource "aws_iam_role" "r" {\n  assume_role_policy = <<-EOF\n    {"Statement": [{\n'
           '      "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",\n'
           f'      "Principal": {{"Federated": "{GH}"}}}}]}}\n  EOF\n}}\n')
    doc = HclDocument("main.tf", src)
    expr = doc.blocks[0].attributes["assume_role_policy"].expression
    parsed = policy.from_hcl(doc, expr)
    assert parsed is not None
    ident = parsed.statements[0].principals[0].identifiers
    assert ident is not None
    assert ident[0].text == GH
    loc = doc.locate(ident[0].node)
    assert (loc.line, loc.column) == (5, 34)
    (found,) = findings(src)
    assert (found.location.line, found.location.column) == (5, 34)
    assert found.severity is Severity.CRITICAL


def test_template_condition_keys_are_read() -> None:
    code = role(statement('StringLike = { "${var.host}:sub" = "repo:acme/*" }'))
    (found,) = findings(code)
    assert found.severity is Severity.HIGH
    assert "every repository of `acme`" in found.message


def test_interpolated_owner_is_shown_as_written() -> None:
    code = role(statement('StringLike = { "token.actions.githubusercontent.com:sub" = '
                          '"repo:${var.org}/*" }'))
    (found,) = findings(code)
    assert "`repo:${var.org}/*` matches every repository of the owner" in found.message
    assert "\0" not in found.message


def test_json_string_policy_points_at_the_string() -> None:
    body = ('"{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": '
            '\\"sts:AssumeRoleWithWebIdentity\\", \\"Principal\\": {\\"Federated\\": '
            f'\\"{GH}\\"}}}}]}}"')
    (found,) = findings(role(body))
    assert found.location.line == 2


@pytest.mark.parametrize(
    "code",
    [
        # StringEquals takes `*` literally: no token has that subject.
        role(statement('StringEquals = { "token.actions.githubusercontent.com:sub" = "*" }')),
        # Not the web-identity action, or NotAction.
        role(statement(action='"sts:AssumeRole"')),
        # A condition written by a dynamic block, and a whole dynamic statement.
        'data "aws_iam_policy_document" "d" {\n  statement {\n'
        '    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
        f'    principals {{\n      type = "Federated"\n      identifiers = ["{GH}"]\n    }}\n'
        '    dynamic "condition" {\n      for_each = var.conditions\n'
        "      content {\n        test = condition.value.test\n"
        "        variable = condition.value.variable\n        values = condition.value.values\n"
        "      }\n    }\n  }\n}\n",
        'data "aws_iam_policy_document" "d" {\n  dynamic "statement" {\n'
        "    for_each = var.statements\n    content {}\n  }\n}\n",
        # A Deny statement on `sub` narrows every Allow.
        role("jsonencode({\n    Statement = [\n"
             f'      {{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", '
             f'Principal = {{ Federated = "{GH}" }} }},\n'
             '      { Effect = "Deny", Action = "sts:AssumeRoleWithWebIdentity", '
             f'Principal = {{ Federated = "{GH}" }},\n'
             '        Condition = { StringNotLike = { "token.actions.githubusercontent.com:sub"'
             ' = "repo:acme/app:*" } } }\n    ]\n  })'),
        # A provider the file cannot resolve, and no key that names an issuer.
        role(statement(federated="var.provider_arn")),
        # A repository claim other than `sub` narrows too.
        role(statement('StringEquals = { "token.actions.githubusercontent.com:repository" = '
                       '"acme/app" }')),
        # Half-templated JSON in a heredoc is no policy, and no crash.
        role('<<EOF\n{"Statement": ${jsonencode(local.statements)}}\nEOF'),
    ],
)
def test_quiet(code: str) -> None:
    assert findings(code) == ()


def test_action_wildcard_counts() -> None:
    (found,) = findings(role(statement(action='["sts:*"]')))
    assert found.severity is Severity.CRITICAL


# --- lifetimes and related locations -------------------------------------------------------------


def test_lifetime_is_the_role_session() -> None:
    (found,) = findings(role(statement(), extra="  max_session_duration = 7200\n"))
    assert str(found.lifetime) == "PT2H"
    (found,) = findings(role(statement()))
    assert str(found.lifetime) == "PT1H"


def test_policy_file_lifetime_unknown() -> None:
    code = ('{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",\n'
            f' "Principal": {{"Federated": "{GH}"}}}}]}}\n')
    (found,) = findings(code, "iam/trust.json")
    assert str(found.lifetime) == "unknown"


def test_related_provider_and_role() -> None:
    code = (
        'resource "aws_iam_openid_connect_provider" "gh" {\n'
        '  url = "https://token.actions.githubusercontent.com"\n}\n'
        'data "aws_iam_policy_document" "t" {\n  statement {\n'
        '    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
        "    principals {\n      type = \"Federated\"\n"
        "      identifiers = [aws_iam_openid_connect_provider.gh.arn]\n    }\n  }\n}\n"
        'resource "aws_iam_role" "r" {\n'
        "  assume_role_policy = data.aws_iam_policy_document.t.json\n}\n"
    )
    (found,) = findings(code)
    assert found.location.line == 9
    assert sorted(r.location.line for r in found.related) == [2, 14]


# --- GCP, CloudFormation, file kinds, bad input -----------------------------------------------


def test_gcp_always_true_condition() -> None:
    code = ('resource "google_iam_workload_identity_pool_provider" "p" {\n'
            '  attribute_condition = "true"\n'
            '  oidc {\n    issuer_uri = "https://app.terraform.io"\n  }\n}\n')
    (found,) = findings(code)
    assert found.location.line == 2
    assert found.severity is Severity.CRITICAL


def test_gcp_condition_from_variable_is_quiet() -> None:
    code = ('resource "google_iam_workload_identity_pool_provider" "p" {\n'
            "  attribute_condition = var.condition\n"
            '  oidc {\n    issuer_uri = "https://token.actions.githubusercontent.com"\n  }\n}\n')
    assert findings(code) == ()


def test_cloudformation_parameter_defaults() -> None:
    code = ("Parameters:\n  Org:\n    Type: String\n    Default: acme\n"
            "  Repo:\n    Type: String\n    Default: app\n"
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal: {Federated: !Ref Provider}\n"
            "            Condition:\n              StringLike:\n"
            "                token.actions.githubusercontent.com:sub: !Sub repo:${Org}/${Repo}:*\n")
    assert findings(code, "cfn/role.yaml") == ()
    (found,) = findings(code.replace("Default: app", "Default: '*'"), "cfn/role.yaml")
    assert "repo:acme/*:*` with the template's parameter defaults" in found.message


def test_cloudformation_json_string_document() -> None:
    doc = ('{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": '
           '\\"sts:AssumeRoleWithWebIdentity\\", \\"Principal\\": {\\"Federated\\": '
           f'\\"{GH}\\"}}}}]}}')
    code = ('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {\n'
            '  "Type": "AWS::IAM::Role", "Properties": {\n'
            f'  "AssumeRolePolicyDocument": "{doc}"}}}}}}}}\n')
    (found,) = findings(code, "cfn/stack.json")
    assert found.location.line == 3


def test_policy_file_kind_by_content() -> None:
    trust = (b'{"Version": "2012-10-17", "Statement": [{"Action": '
             b'"sts:AssumeRoleWithWebIdentity"}]}')
    assert classify("iam/anything.json", trust) is FileKind.IAM_POLICY
    identity = b'{"Version": "2012-10-17", "Statement": [{"Action": "s3:GetObject"}]}'
    assert classify("iam/anything.json", identity) is FileKind.TEXT
    assert classify("notes.yaml", b"Statement: sts:AssumeRoleWithWebIdentity\n") \
        is not FileKind.IAM_POLICY


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("iam/trust.json", '{"Statement": [{"Action": "sts:AssumeRoleWithWebIdentity", '),
        ("iam/trust.json", '{"Statement": "sts:AssumeRoleWithWebIdentity"}'),
        ("infra/main.tf", 'resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode({\n'),
        ("cfn/t.yaml", "AWSTemplateFormatVersion: x\nResources:\n  R:\n    Type: AWS::IAM::Role\n"
         "    Properties:\n      AssumeRolePolicyDocument: [sts:AssumeRoleWithWebIdentity]\n"),
    ],
)
def test_malformed_input_never_crashes(path: str, code: str) -> None:
    assert findings(code, path) == ()


def test_fixture_rows() -> None:
    engine = Engine([OpenFederationTrust], Config())
    base = ROOT / "fixtures" / "iac-trust"
    rows = set()
    for file in sorted(base.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(base).as_posix()
        for f in engine.scan_bytes(rel, file.read_bytes()).findings:
            if f.rule_id == OpenFederationTrust.META.id:
                rows.add((rel, f.location.line, f.severity.value, str(f.lifetime)))
    assert rows == {
        ("cloudformation/github-oidc.yaml", 41, "critical", "PT1H"),
        ("iam/gitlab-deploy-trust.json", 16, "high", "unknown"),
        ("terraform/eks-irsa.tf", 55, "medium", "PT1H"),
        ("terraform/gcp-wif.tf", 19, "critical", "PT1H"),
        ("terraform/github-oidc.tf", 48, "high", "PT1H"),
        ("terraform/github-oidc.tf", 60, "critical", "PT2H"),
    }
