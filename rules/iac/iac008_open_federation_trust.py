"""LLC-IAC-008: workload-identity federation trust without a subject restriction."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from scanner.api import (
    Category,
    FileKind,
    HclBlock,
    HclDocument,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    YamlDocument,
    iam_policy,
    yamlnodes,
)
from scanner.api.iac_trust import (
    Provider,
    allows_web_identity,
    cfn_providers,
    cfn_resolve,
    cfn_roles,
    deny_on_subject,
    hcl_provider,
    hcl_providers,
    hcl_resolve,
    issuer_from_keys,
    issuer_of,
    narrowest,
    subject_tests,
    tests_audience,
)

_DATA_REF = re.compile(r"\s*data\.aws_iam_policy_document\.([\w-]+)\.json\s*")
#: AWS: a role's default (and minimum) MaxSessionDuration.
_DEFAULT_SESSION = 3600
#: GCP attribute conditions that admit every token.
_ALWAYS_TRUE = frozenset({"", "true", "1==1", "true==true"})


_GHA = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def _tf_json_role(name: str, conditions: dict[str, dict[str, object]]) -> str:
    """A ``.tf.json`` role whose trust policy is a JSON string (line 3), for the examples."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": _GHA},
        "Action": "sts:AssumeRoleWithWebIdentity", "Condition": conditions}]})
    return (f'{{"resource": {{"aws_iam_role": {{"{name}": {{\n  "name": "{name}",\n'
            f'  "assume_role_policy": {json.dumps(policy)}}}}}}}}}\n')


@dataclass(frozen=True, slots=True)
class Trust:
    """A policy to check, with what the file says about the role that uses it."""

    policy: iam_policy.PolicyDocument
    lifetime: Lifetime
    related: tuple[tuple[object, str], ...] = ()


Resolver = Callable[[iam_policy.Text], "Provider | None"]


class OpenFederationTrust(IacRule):
    """## What it does
    Flags IAM roles that trust a CI or cluster OIDC issuer (GitHub Actions, GitLab, HCP
    Terraform, CircleCI, Bitbucket Pipelines, EKS for IRSA) for
    `sts:AssumeRoleWithWebIdentity` without a condition on the issuer's `sub` claim, or with a
    `StringLike` pattern that matches a whole platform, organisation or namespace
    (`*`, `repo:*`, `repo:org/*`, `project_path:group/*`, `system:serviceaccount:*`). It reads
    Terraform `aws_iam_role.assume_role_policy` (`jsonencode({...})`, heredoc JSON, a JSON
    string, or `data.aws_iam_policy_document` blocks), CloudFormation
    `AWS::IAM::Role.AssumeRolePolicyDocument` (YAML and JSON), and standalone trust-policy
    JSON files; and Terraform `google_iam_workload_identity_pool_provider` with an `oidc`
    issuer of a CI platform and no (or an always-true) `attribute_condition`.

    Critical where anyone on a public platform gets in (GitHub.com, GitLab.com, HCP
    Terraform: no `sub` test, `*`, `repo:*`, a wildcard owner such as `repo:acme*`); high
    where the issuer is already scoped to one customer (a CircleCI organization, a Bitbucket
    workspace, an EKS cluster, an enterprise or self-managed issuer) or the pattern is
    org-wide (`repo:acme/*`); medium for several repositories (`repo:acme/app-*`) or a whole
    namespace; low for a service-account name pattern inside one namespace.

    A pattern naming one repository is quiet even with a ref or environment wildcard
    (`repo:org/app:*`, `repo:org/app:ref:refs/heads/*`): who may assume the role is then the
    repository's writers, which is the restriction this rule asks for; pinning a branch or
    environment is better and the fix says so. A missing `aud` condition is not the blanket
    medium the catalogue says: STS already rejects tokens whose `aud` is not in the provider's
    client ID list, so it is reported (medium) only where the provider, declared in the same
    file, lists more than one audience. Azure federated identity credentials are skipped:
    their subjects are exact strings, with no wildcards to misuse. In `.tf.json` a role's
    `assume_role_policy` written as a JSON string is read (one with `${...}` is a template, not
    read); Ansible trust policies are not read yet. CloudFormation parameters with a literal
    `Default` are read as the stack deployed with its defaults would see them
    (`RepositoryName: "*"`).
    On GCP the API now checks that a condition references a claim, and Google's guides ask
    for one on public CI issuers (**UNVERIFIED** for every issuer); pools created earlier,
    and the file's intent, still deserve the finding.

    The lifetime is that of the credentials the trust hands out: a role session, the role's
    `max_session_duration` (one hour unless set), `unknown` when the role is not in the file.
    The trust itself stands until someone edits the policy, and every caller it admits can
    mint a new session whenever it likes.

    ## Why is this bad?
    An OIDC provider for `token.actions.githubusercontent.com` is shared by every repository on
    GitHub: without a `sub` condition any of them, including one an attacker creates, can
    assume the role (OWASP NHI6 Insecure Cloud Deployment Configurations, NHI5 Overprivileged
    NHI). Org-wide patterns hand the role to every repository, branch and pull-request
    workflow in the organisation.

    ## Example
    ```hcl
    data "aws_iam_policy_document" "gha" {
      statement {
        actions = ["sts:AssumeRoleWithWebIdentity"]
        principals {
          type        = "Federated"
          identifiers = [aws_iam_openid_connect_provider.github.arn]
        }
      }
    }
    ```

    Use instead:
    ```hcl
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:org/app:environment:prod"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    ```

    ## References
    - GitHub, configuring OpenID Connect in AWS: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
    - AWS, creating a role for OIDC federation: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
    - Google Cloud, attribute conditions for workload identity federation: https://cloud.google.com/iam/docs/workload-identity-federation#conditions
    """

    META = RuleMeta(
        id="LLC-IAC-008",
        name="open-federation-trust",
        summary="Workload-identity federation trust without a subject restriction",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI6", "NHI5"),
        fix="Pin the issuer's `sub` claim to one repository plus a branch or environment "
        "(`repo:org/app:environment:prod`) with StringEquals, and `aud` to the expected "
        "audience; on GCP set an `attribute_condition` on `assertion.repository`.",
        kinds=frozenset({FileKind.TERRAFORM, FileKind.CLOUDFORMATION, FileKind.IAM_POLICY}),
        # A trust written with `sts:*` still names its provider (`oidc-provider/` in the ARN,
        # or the provider resource it references).
        triggers=("assumerolewithwebidentity", "workload_identity_pool_provider",
                  "oidc-provider", "openid_connect_provider", "oidcprovider"),
    )

    VALID = [
        # The catalogue's negative: `sub` pinned to one repository and environment, and `aud`.
        Valid(
            'resource "aws_iam_openid_connect_provider" "github" {\n'
            '  url            = "https://token.actions.githubusercontent.com"\n'
            '  client_id_list = ["sts.amazonaws.com"]\n'
            "}\n"
            'data "aws_iam_policy_document" "gha" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
            "    principals {\n"
            '      type        = "Federated"\n'
            "      identifiers = [aws_iam_openid_connect_provider.github.arn]\n"
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "token.actions.githubusercontent.com:aud"\n'
            '      values   = ["sts.amazonaws.com"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "token.actions.githubusercontent.com:sub"\n'
            '      values   = ["repo:acme/app:environment:prod"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            'resource "aws_iam_role" "deploy" {\n'
            '  name               = "gha-deploy"\n'
            "  assume_role_policy = data.aws_iam_policy_document.gha.json\n"
            "}\n"
        ),
        # StringLike on a single repository with a branch wildcard: the repository's writers.
        Valid(
            'resource "aws_iam_role" "ci" {\n'
            "  assume_role_policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect    = "Allow"\n'
            '      Action    = "sts:AssumeRoleWithWebIdentity"\n'
            '      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/'
            'token.actions.githubusercontent.com" }\n'
            "      Condition = {\n"
            '        StringEquals = { "token.actions.githubusercontent.com:aud" = '
            '"sts.amazonaws.com" }\n'
            '        StringLike = { "token.actions.githubusercontent.com:sub" = '
            '"repo:acme/app:ref:refs/heads/*" }\n'
            "      }\n"
            "    }]\n"
            "  })\n"
            "}\n"
        ),
        # A service principal and SAML federation are not workload-identity trust.
        Valid(
            'resource "aws_iam_role" "ec2" {\n'
            "  assume_role_policy = jsonencode({\n"
            "    Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\",\n"
            '                   Principal = { Service = "ec2.amazonaws.com" } }]\n'
            "  })\n"
            "}\n"
            'resource "aws_iam_role" "sso" {\n'
            "  assume_role_policy = jsonencode({\n"
            "    Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRoleWithSAML\",\n"
            '                   Principal = { Federated = aws_iam_saml_provider.corp.arn } }]\n'
            "  })\n"
            "}\n"
            "# sts:AssumeRoleWithWebIdentity is not used here\n"
        ),
        # IRSA pinned to one service account (heredoc JSON, the provider a variable).
        Valid(
            'resource "aws_iam_role" "cni" {\n'
            "  assume_role_policy = <<-EOF\n"
            "    {\n"
            '      "Statement": [{\n'
            '        "Effect": "Allow",\n'
            '        "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '        "Principal": {"Federated": "${var.oidc_provider_arn}"},\n'
            '        "Condition": {"StringEquals": {\n'
            '          "${var.oidc_provider}:sub": "system:serviceaccount:kube-system:aws-node",\n'
            '          "${var.oidc_provider}:aud": "sts.amazonaws.com"}}\n'
            "      }]\n"
            "    }\n"
            "  EOF\n"
            "}\n"
        ),
        # GCP: the pool provider admits one repository.
        Valid(
            'resource "google_iam_workload_identity_pool_provider" "github" {\n'
            '  workload_identity_pool_id          = "github"\n'
            '  workload_identity_pool_provider_id = "github"\n'
            '  attribute_mapping = { "google.subject" = "assertion.sub" }\n'
            "  attribute_condition = \"assertion.repository == 'acme/app'\"\n"
            "  oidc {\n"
            '    issuer_uri = "https://token.actions.githubusercontent.com"\n'
            "  }\n"
            "}\n"
        ),
        # Subjects from a variable: not known here, so not judged.
        Valid(
            'data "aws_iam_policy_document" "gitlab" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
            "    principals {\n"
            '      type        = "Federated"\n'
            '      identifiers = ["arn:aws:iam::123456789012:oidc-provider/gitlab.com"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "StringLike"\n'
            '      variable = "gitlab.com:sub"\n'
            "      values   = var.subjects\n"
            "    }\n"
            "  }\n"
            "}\n"
        ),
        # CloudFormation: pinned with StringEquals, the provider in the same template.
        Valid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  GithubOidc:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n"
            "      Url: https://token.actions.githubusercontent.com\n"
            "      ClientIdList: [sts.amazonaws.com]\n"
            "  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal:\n              Federated: !Ref GithubOidc\n"
            "            Condition:\n              StringEquals:\n"
            "                token.actions.githubusercontent.com:sub: "
            "repo:acme/app:ref:refs/heads/main\n",
            path="cfn/deploy-role.yaml",
        ),
        Valid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal:\n              Federated: !Sub "
            "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com\n"
            "            Condition:\n"
            "              StringEquals:\n"
            "                token.actions.githubusercontent.com:aud: sts.amazonaws.com\n"
            "              StringLike:\n"
            "                token.actions.githubusercontent.com:sub: "
            "!Sub repo:${GitHubOrg}/${RepositoryName}:*\n",
            path="cfn/github-role.yaml",
        ),
        Valid(
            '{"AWSTemplateFormatVersion": "2010-09-09",\n'
            ' "Resources": {"Lambda": {"Type": "AWS::IAM::Role", "Properties": {\n'
            '   "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",\n'
            '     "Principal": {"Service": "lambda.amazonaws.com"},\n'
            '     "Action": "sts:AssumeRole"}]}}}}}\n',
            path="cfn/lambda.json",
        ),
        # JSON: the `sub` pinned to one environment; EKS IRSA pinned to one service account.
        Valid(
            '{"Resources": {"Gha": {"Type": "AWS::IAM::Role", "Properties": {\n'
            '  "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",\n'
            '    "Principal": {"Federated": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:'
            'oidc-provider/token.actions.githubusercontent.com"}},\n'
            '    "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '    "Condition": {"StringEquals": {\n'
            '      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",\n'
            '      "token.actions.githubusercontent.com:sub": '
            '"repo:acme/app:environment:prod"}}}]}}}}}\n',
            path="cfn/gha.json",
        ),
        Valid(
            '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Irsa": {\n'
            '  "Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {\n'
            '    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '      "Principal": {"Federated": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:'
            'oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F"}},\n'
            '      "Condition": {"StringEquals": {'
            '"oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F:sub":\n'
            '        "system:serviceaccount:prod:uploader"}}}]}}}}}\n',
            path="cfn/irsa.json",
        ),
        Valid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  Irsa:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal:\n              Federated: !Sub arn:aws:iam::${AWS::AccountId}:"
            "oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F\n"
            "            Condition:\n              StringEquals:\n"
            "                oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F:sub: "
            "system:serviceaccount:prod:uploader\n",
            path="cfn/irsa.yaml",
        ),
        # Policy files: pinned; Bitbucket on one repository; Cognito is not a CI issuer.
        Valid(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
            '  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/'
            'token.actions.githubusercontent.com"},\n'
            '  "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '  "Condition": {"StringEquals": {\n'
            '    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",\n'
            '    "token.actions.githubusercontent.com:sub":\n'
            '      "repo:acme/app:environment:prod"}}}]}\n',
            path="iam/github-trust.json",
        ),
        Valid(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
            '  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/'
            'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc"},\n'
            '  "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '  "Condition": {"StringLike": {"api.bitbucket.org/2.0/workspaces/acme/'
            'pipelines-config/identity/oidc:sub":\n'
            '    "{0b5c7e4a-1d2e-4f3a-9b8c-7d6e5f4a3b2c}:*"}}}]}\n',
            path="iam/bitbucket-trust.json",
        ),
        Valid(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
            '  "Principal": {"Federated": "cognito-identity.amazonaws.com"},\n'
            '  "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '  "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": '
            '"us-east-1:pool-id"}}}]}\n',
            path="iam/cognito-trust-policy.json",
        ),
        # `.tf.json`: the trust policy as a JSON string.
        Valid(_tf_json_role("deploy", {"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/app:environment:prod"}}),
            path="infra/deploy.tf.json"),
        Valid('{"resource": {"aws_iam_role": {"gha": {\n'
              '  "assume_role_policy": "${data.aws_iam_policy_document.gha.json}"}}}}\n',
              path="infra/gha.tf.json"),
        Valid(_tf_json_role("ci", {"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub":
                           "repo:acme/app:ref:refs/heads/main"}}),
            path="infra/ci.tf.json"),
    ]
    INVALID = [
        # The catalogue's positive: aud only, the provider resolved from the same file.
        Invalid(
            'resource "aws_iam_openid_connect_provider" "github" {\n'
            '  url            = "https://token.actions.githubusercontent.com"\n'
            '  client_id_list = ["sts.amazonaws.com"]\n'
            "}\n"
            'data "aws_iam_policy_document" "gha" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
            "    principals {\n"
            '      type        = "Federated"\n'
            "      identifiers = [aws_iam_openid_connect_provider.github.arn]  "
            "# expect: LLC-IAC-008\n"
            "    }\n"
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "token.actions.githubusercontent.com:aud"\n'
            '      values   = ["sts.amazonaws.com"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            'resource "aws_iam_role" "deploy" {\n'
            "  assume_role_policy = data.aws_iam_policy_document.gha.json\n"
            "}\n"
        ),
        # Org-wide: every repository of acme (and every branch and pull request in them).
        Invalid(
            'resource "aws_iam_role" "ci" {\n'
            "  assume_role_policy = jsonencode({\n"
            "    Statement = [{\n"
            '      Effect    = "Allow"\n'
            '      Action    = "sts:AssumeRoleWithWebIdentity"\n'
            "      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }\n"
            "      Condition = {\n"
            '        StringLike = { "token.actions.githubusercontent.com:sub" = '
            '"repo:acme/*" }  # expect: LLC-IAC-008\n'
            "      }\n"
            "    }]\n"
            "  })\n"
            "}\n"
        ),
        # Heredoc JSON with no condition at all.
        Invalid(
            'resource "aws_iam_role" "open" {\n'
            "  assume_role_policy = <<EOF\n"
            "{\n"
            '  "Statement": [{\n'
            '    "Effect": "Allow",\n'
            '    "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/'
            'token.actions.githubusercontent.com"}\n'
            "  }]\n"
            "}\n"
            "EOF\n"
            "}\n",
            lines=(7,),
        ),
        # GitLab group-wide pattern in a data source.
        Invalid(
            'data "aws_iam_policy_document" "gitlab" {\n'
            "  statement {\n"
            '    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
            "    principals {\n"
            '      type        = "Federated"\n'
            '      identifiers = ["arn:aws:iam::123456789012:oidc-provider/gitlab.com"]\n'
            "    }\n"
            "    condition {\n"
            '      test     = "StringLike"\n'
            '      variable = "gitlab.com:sub"\n'
            '      values   = ["project_path:acme/*"]  # expect: LLC-IAC-008\n'
            "    }\n"
            "  }\n"
            "}\n"
        ),
        # IRSA without `sub`: every pod of the cluster with a projected token.
        Invalid(
            'resource "aws_iam_openid_connect_provider" "eks" {\n'
            "  url            = aws_eks_cluster.main.identity[0].oidc[0].issuer\n"
            '  client_id_list = ["sts.amazonaws.com"]\n'
            "}\n"
            'resource "aws_iam_role" "irsa" {\n'
            "  assume_role_policy = jsonencode({\n"
            "    Statement = [{\n"
            '      Effect    = "Allow"\n'
            '      Action    = "sts:AssumeRoleWithWebIdentity"\n'
            "      Principal = { Federated = aws_iam_openid_connect_provider.eks.arn }  "
            "# expect: LLC-IAC-008\n"
            "    }]\n"
            "  })\n"
            "}\n"
        ),
        # `sub` pinned, but no `aud` while the provider accepts two audiences.
        Invalid(
            'resource "aws_iam_openid_connect_provider" "github" {\n'
            '  url            = "https://token.actions.githubusercontent.com"\n'
            '  client_id_list = ["sts.amazonaws.com", "https://github.com/acme"]\n'
            "}\n"
            'resource "aws_iam_role" "ci" {\n'
            "  assume_role_policy = jsonencode({\n"
            "    Statement = [{\n"
            '      Effect    = "Allow"\n'
            '      Action    = "sts:AssumeRoleWithWebIdentity"\n'
            "      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }  "
            "# expect: LLC-IAC-008\n"
            "      Condition = {\n"
            '        StringEquals = { "token.actions.githubusercontent.com:sub" = '
            '"repo:acme/app:ref:refs/heads/main" }\n'
            "      }\n"
            "    }]\n"
            "  })\n"
            "}\n"
        ),
        # GCP: no attribute condition on a GitHub pool provider.
        Invalid(
            'resource "google_iam_workload_identity_pool_provider" "github" {  '
            "# expect: LLC-IAC-008\n"
            '  workload_identity_pool_id          = "github"\n'
            '  workload_identity_pool_provider_id = "github"\n'
            '  attribute_mapping = { "google.subject" = "assertion.sub" }\n'
            "  oidc {\n"
            '    issuer_uri = "https://token.actions.githubusercontent.com"\n'
            "  }\n"
            "}\n"
        ),
        # CloudFormation YAML: aud only, the provider a resource of the template.
        Invalid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  GithubOidc:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n"
            "      Url: https://token.actions.githubusercontent.com\n"
            "      ClientIdList: [sts.amazonaws.com]\n"
            "  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal:\n"
            "              Federated: !GetAtt GithubOidc.Arn  # expect: LLC-IAC-008\n"
            "            Condition:\n              StringEquals:\n"
            "                token.actions.githubusercontent.com:aud: sts.amazonaws.com\n",
            path="cfn/deploy-role.yaml",
        ),
        Invalid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal:\n              Federated: !Sub "
            "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com\n"
            "            Condition:\n"
            "              StringEquals:\n"
            "                token.actions.githubusercontent.com:aud: sts.amazonaws.com\n"
            "              StringLike:\n"
            "                token.actions.githubusercontent.com:sub: "
            "repo:acme/*  # expect: LLC-IAC-008\n",
            path="cfn/github-role.yaml",
        ),
        # A parameter whose default is `*`: deployed with its defaults, the stack trusts the
        # whole organisation.
        Invalid(
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n"
            "  Org:\n    Type: String\n  Repo:\n    Type: String\n    Default: '*'\n"
            "Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal:\n              Federated: !Sub arn:aws:iam::${AWS::AccountId}:"
            "oidc-provider/token.actions.githubusercontent.com\n"
            "            Condition:\n              StringLike:\n"
            "                token.actions.githubusercontent.com:sub: "
            "!Sub repo:${Org}/${Repo}:*  # expect: LLC-IAC-008\n",
            path="cfn/oidc-role.yaml",
        ),
        # CloudFormation JSON: HCP Terraform (any organization) with no condition; and `*`.
        Invalid(
            '{"AWSTemplateFormatVersion": "2010-09-09",\n'
            ' "Resources": {"Tfc": {"Type": "AWS::IAM::Role", "Properties": {\n'
            '   "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",\n'
            '     "Principal": {"Federated": {"Fn::Sub": '
            '"arn:aws:iam::${AWS::AccountId}:oidc-provider/app.terraform.io"}},\n'
            '     "Action": "sts:AssumeRoleWithWebIdentity"}]}}}}}\n',
            path="cfn/tfc.json",
            lines=(4,),
        ),
        Invalid(
            '{"AWSTemplateFormatVersion": "2010-09-09",\n'
            ' "Resources": {"Gha": {"Type": "AWS::IAM::Role", "Properties": {\n'
            '   "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",\n'
            '     "Principal": {"Federated": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:'
            'oidc-provider/token.actions.githubusercontent.com"}},\n'
            '     "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '     "Condition": {"StringLike": {\n'
            '       "token.actions.githubusercontent.com:sub": "*"}}}]}}}}}\n',
            path="cfn/gha.json",
            lines=(7,),
        ),
        Invalid(
            '{"Resources": {"Gl": {"Type": "AWS::IAM::Role", "Properties": {\n'
            '  "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",\n'
            '    "Principal": {"Federated": {"Fn::Sub": '
            '"arn:aws:iam::${AWS::AccountId}:oidc-provider/gitlab.com"}},\n'
            '    "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '    "Condition": {"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}}}]}}}}}\n',
            path="cfn/gitlab.json",
            lines=(3,),
        ),
        Invalid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  Irsa:\n    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument:\n        Statement:\n"
            "          - Effect: Allow\n            Action: sts:AssumeRoleWithWebIdentity\n"
            "            Principal:\n              Federated: !Sub arn:aws:iam::${AWS::AccountId}:"
            "oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F\n"
            "            Condition:\n              StringLike:\n"
            "                oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F:sub: "
            "system:serviceaccount:*  # expect: LLC-IAC-008\n",
            path="cfn/irsa.yaml",
        ),
        # Policy files: GitHub with no condition; CircleCI org-wide; GitLab.com any project.
        Invalid(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
            '  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/'
            'token.actions.githubusercontent.com"},\n'
            '  "Action": "sts:AssumeRoleWithWebIdentity"}]}\n',
            path="iam/github-trust.json",
            lines=(2,),
        ),
        Invalid(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n'
            '  "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/'
            'oidc.circleci.com/org/0b5c7e4a-1d2e-4f3a-9b8c-7d6e5f4a3b2c"},\n'
            '  "Action": ["sts:AssumeRoleWithWebIdentity"],\n'
            '  "Condition": {"StringLike": {\n'
            '    "oidc.circleci.com/org/0b5c7e4a-1d2e-4f3a-9b8c-7d6e5f4a3b2c:sub":\n'
            '      "org/0b5c7e4a-1d2e-4f3a-9b8c-7d6e5f4a3b2c/project/*"}}}]}\n',
            path="iam/circleci-trust-policy.json",
            lines=(6,),
        ),
        Invalid(
            '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n'
            '      "Effect": "Allow",\n'
            '      "Principal": {"Federated":\n'
            '        "arn:aws:iam::123456789012:oidc-provider/gitlab.com"},\n'
            '      "Action": "sts:AssumeRoleWithWebIdentity",\n'
            '      "Condition": {"StringLike": {"gitlab.com:sub": "project_path:*"}}\n'
            "    }\n  ]\n}\n",
            path="deploy/gitlab-role-policy.json",
            lines=(9,),
        ),
        Invalid(_tf_json_role("open", {"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
            path="infra/open.tf.json", lines=(3,)),
        Invalid(_tf_json_role("org", {"StringLike": {
            "token.actions.githubusercontent.com:sub": "repo:acme/*"}}),
            path="infra/org.tf.json", lines=(3,)),
        Invalid(_tf_json_role("any", {"StringLike": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "*"}}),
            path="infra/any.tf.json", lines=(3,)),
    ]

    # --- Terraform ---------------------------------------------------------------------------

    def check_hcl(self, doc: HclDocument) -> None:
        providers = {key: hcl_provider(doc, block) for key, block in hcl_providers(doc)}
        data_docs = {block.labels[1]: block
                     for block in iam_policy.data_sources(doc, "aws_iam_policy_document")}
        used: dict[str, Trust] = {}
        trusts: list[Trust] = []
        for block in doc.iter_blocks("resource"):
            if len(block.labels) != 2:
                continue
            if block.labels[0] == "aws_iam_role":
                trust = self._hcl_role(doc, block, data_docs, used)
                if trust is not None:
                    trusts.append(trust)
            elif block.labels[0] == "google_iam_workload_identity_pool_provider":
                self._gcp(block)
        for name, block in data_docs.items():
            policy = iam_policy.from_data_source(doc, block)
            role = used.get(name)
            trusts.append(Trust(policy, role.lifetime, role.related) if role is not None
                          else Trust(policy, Lifetime.unknown()))
        for trust in trusts:
            self._check(trust, lambda text: hcl_resolve(text, providers))

    def _hcl_role(self, doc: HclDocument, block: HclBlock, data_docs: dict[str, HclBlock],
                  used: dict[str, Trust]) -> Trust | None:
        attribute = block.attribute("assume_role_policy")
        if attribute is None:
            return None
        duration = block.attribute("max_session_duration")
        lifetime = _session(duration.source if duration is not None else None)
        ref = _DATA_REF.fullmatch(attribute.source)
        if ref is not None:
            if ref.group(1) in data_docs:
                note = f"the role `{block.labels[1]}` uses this trust policy"
                used[ref.group(1)] = Trust(iam_policy.PolicyDocument((), None), lifetime,
                                           ((attribute.node, note),))
            return None
        policy = iam_policy.from_hcl(doc, attribute.expression)
        return Trust(policy, lifetime) if policy is not None else None

    def _gcp(self, block: HclBlock) -> None:
        oidc = next((b for b in block.blocks if b.type == "oidc"), None)
        uri = oidc.attribute("issuer_uri") if oidc is not None else None
        issuer = issuer_of(uri.literal) if uri is not None else None
        if uri is None or issuer is None or issuer.platform.startswith("EKS"):
            return
        condition = block.attribute("attribute_condition")
        if condition is None:
            target, what = block.node, "has no `attribute_condition`"
        elif condition.literal is not None and \
                condition.literal.replace(" ", "").lower() in _ALWAYS_TRUE:
            target, what = condition.node, "has an `attribute_condition` that is always true"
        else:
            return
        self.report(
            target,
            f"The workload identity pool provider `{block.labels[1]}` {what}: "
            f"{issuer.everyone} can exchange its {issuer.platform} token for an identity of "
            "this pool.",
            # A federated access token, and a service-account token minted from it, last 1 h.
            lifetime=Lifetime.seconds(_DEFAULT_SESSION),
            severity=issuer.open,
            related=[(uri.node, f"the issuer: {issuer.platform}")],
            fix="Set `attribute_condition` on the repository or its owner, e.g. "
            "`assertion.repository == 'org/app'` or `assertion.repository_owner_id == '123'`.",
        )

    # --- CloudFormation and policy files -----------------------------------------------------

    def check_yaml(self, doc: YamlDocument) -> None:
        if doc.path.lower().endswith(".tf.json"):
            for root in doc.roots:
                self._tf_json(root)
            return
        for root in doc.roots:
            resources = yamlnodes.get(root, "Resources")
            if resources is None:  # a policy file of its own
                policy = iam_policy.from_yaml(root)
                if policy is not None:
                    self._check(Trust(policy, Lifetime.unknown()), lambda _text: None)
                continue
            providers = cfn_providers(resources)
            defaults = iam_policy.parameter_defaults(root)
            for properties in cfn_roles(resources):
                self._cfn_role(properties, providers, defaults)

    def _tf_json(self, root: yamlnodes.Node) -> None:
        """``.tf.json`` roles whose ``assume_role_policy`` is a JSON string written out. A
        string with ``${...}`` is a template (a data source, ``jsonencode``, a variable): not
        read. An object value is no string: Terraform rejects it, so it is not read either."""
        resources = yamlnodes.get(root, "resource")
        for group in [resources, *yamlnodes.elements(resources)]:
            for _, _, body in yamlnodes.items(yamlnodes.get(group, "aws_iam_role")):
                node = yamlnodes.get(body, "assume_role_policy")
                text = yamlnodes.scalar(node)
                if node is None or text is None or "${" in text:
                    continue
                policy = iam_policy.parse_json(text, lambda _n, at=node: at)
                if policy is None:
                    continue
                duration = yamlnodes.scalar(yamlnodes.get(body, "max_session_duration"))
                self._check(Trust(policy, _session(duration)), lambda _text: None)

    def _cfn_role(self, properties: yamlnodes.Node, providers: dict[str, Provider],
                  defaults: dict[str, str]) -> None:
        node = yamlnodes.get(properties, "AssumeRolePolicyDocument")
        if node is None:
            return
        text = yamlnodes.scalar(node)
        if text is not None:  # a JSON string: findings point at the string
            policy = iam_policy.parse_json(text, lambda _n: node)
        else:
            policy = iam_policy.from_yaml(node, defaults=defaults)
        if policy is None:
            return
        duration = yamlnodes.scalar(yamlnodes.get(properties, "MaxSessionDuration"))
        self._check(Trust(policy, _session(duration)),
                    lambda ref: cfn_resolve(ref, providers))

    # --- The checks, on the neutral policy ---------------------------------------------------

    def _check(self, trust: Trust, resolve: Resolver) -> None:
        if deny_on_subject(trust.policy):
            return
        for statement in trust.policy.statements:
            if not allows_web_identity(statement) or statement.conditions is None:
                continue
            for principal in statement.principals:
                if principal.type.lower() != "federated":
                    continue
                for identifier in principal.identifiers or ():
                    self._statement(trust, statement.conditions, identifier, resolve)

    def _statement(self, trust: Trust, conditions: tuple[iam_policy.Condition, ...],
                   identifier: iam_policy.Text, resolve: Resolver) -> None:
        provider = resolve(identifier)
        issuer = provider.issuer if provider is not None else issuer_of(identifier.masked)
        if issuer is None:  # the ARN is a variable: the condition keys name the issuer
            issuer = issuer_from_keys(conditions)
        related = list(trust.related)
        if provider is not None:
            related.append((provider.node, "the OIDC provider this statement trusts"))
        subjects = subject_tests(conditions)
        has_aud = tests_audience(conditions)
        if not subjects:
            if issuer is None:
                return
            self.report(
                identifier.node,
                f"This trust policy lets {issuer.everyone} assume the role: it allows "
                f"sts:AssumeRoleWithWebIdentity from {issuer.platform} with no condition on "
                "the token's `sub`" + ("." if has_aud else " (nor on `aud`)."),
                lifetime=trust.lifetime,
                severity=issuer.open,
                related=related,
            )
            return
        broad = narrowest(subjects, issuer)
        if broad is not None:
            value, (severity, what) = broad
            what = what.replace("\0", "${...}")  # an interpolated owner, as the file writes it
            defaults = " with the template's parameter defaults" if value.defaulted else ""
            self.report(
                value.node,
                f"The trust policy's `sub` pattern `{value.text}`{defaults} matches {what}: "
                "each of them can assume the role with sts:AssumeRoleWithWebIdentity"
                + (f" ({issuer.platform})." if issuer is not None else "."),
                lifetime=trust.lifetime,
                severity=severity,
                related=related,
            )
            return
        # STS accepts only tokens whose `aud` the provider lists: a missing `aud` test matters
        # only where the provider, declared here, lists more than one audience.
        if not has_aud and provider is not None and (provider.audiences or 0) > 1:
            self.report(
                identifier.node,
                "The trust policy pins `sub` but not `aud`, and the OIDC provider lists "
                f"{provider.audiences} audiences: a token minted for any of them is accepted.",
                lifetime=trust.lifetime,
                severity=Severity.MEDIUM,
                related=related,
                fix="Add a StringEquals condition on the issuer's `aud` claim "
                "(`sts.amazonaws.com` for GitHub Actions and EKS).",
            )


def _session(text: str | None) -> Lifetime:
    """A role session: the role's ``max_session_duration``, one hour when it is not set."""
    if text is None:
        return Lifetime.seconds(_DEFAULT_SESSION)
    return Lifetime.seconds(int(text)) if text.strip().isdigit() else Lifetime.unknown()
