"""Issue 12's remaining IaC shapes, end to end: Ansible vars and loose task files, Kubernetes
objects declared in Terraform (``kubernetes_manifest``, the provider's workload resources),
hard-coded literals in Pulumi and CDK programs, Pulumi/CDK rotation intervals, and renewable
Vault tokens. The rules' own VALID/INVALID examples cover the main forms; these are the
variants and the facts a finding carries (severity, lifetime, message)."""

from __future__ import annotations

import pytest
from outlive_rules.iac.iac005_vault_token_resource import VaultTokenResource
from outlive_rules.iac.iac009_stored_secret_without_rotation import StoredSecretWithoutRotation
from outlive_rules.iac.iac010_hardcoded_credential_literal import HardcodedCredentialLiteral
from outlive_rules.k8s.k8s001_service_account_token_secret import ServiceAccountTokenSecret
from outlive_rules.k8s.k8s002_service_account_token_secrets import ServiceAccountTokenSecrets
from outlive_rules.k8s.k8s003_projected_token_long_expiry import ProjectedTokenLongExpiry

from scanner.api import ALNUM, fake_token
from scanner.filekinds import FileKind, classify
from scanner.testing import run_rule

K = FileKind
_PASSWORD = fake_token("", 24, ALNUM, seed=7101)
_TOKEN = fake_token("", 32, ALNUM, seed=7102)
_OTHER = fake_token("", 24, ALNUM, seed=7103)


@pytest.mark.parametrize(("path", "head", "kind"), [
    ("group_vars/all", b"db_user: app\n", K.ANSIBLE),
    ("group_vars/all.yml", b"", K.ANSIBLE),
    ("inventories/prod/group_vars/web/vault", b"", K.ANSIBLE),
    ("inventories/prod/group_vars/web/main.yaml", b"", K.ANSIBLE),
    ("host_vars/db1", b"", K.ANSIBLE),
    ("host_vars/db1.yml", b"", K.ANSIBLE),
    ("roles/app/vars/main.yml", b"", K.ANSIBLE),
    ("roles/app/defaults/main.yaml", b"", K.ANSIBLE),
    ("tasks/registry.yml", b"", K.ANSIBLE),
    ("deploy/handlers/main.yml", b"", K.ANSIBLE),
    ("playbooks/db/setup.yml", b"", K.ANSIBLE),
    # An included task file anywhere, by its modules.
    ("deploy/install.yml", b"---\n- name: install\n  ansible.builtin.apt:\n    name: x\n",
     K.ANSIBLE),
    ("ops/main.yml", b"- include_tasks: setup.yml\n", K.ANSIBLE),
    # Not Ansible: a README, a Tekton Task under tasks/, a list that calls no module.
    ("group_vars/README.md", b"", K.TEXT),
    ("tasks/build.yaml", b"apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: b}\n",
     K.KUBERNETES),
    ("docs/list.yml", b"- name: a\n  value: b\n", K.TEXT),
    # A task list whose arguments hold a Kubernetes object stays a task list.
    ("roles/calico/tasks/peer.yml", b"---\n- name: peer\n  command:\n    stdin: >\n"
     b'      {"apiVersion": "projectcalico.org/v3", "kind": "BGPPeer"}\n', K.ANSIBLE),
    ("tasks/secret.yml", b"# apply\n- kubernetes.core.k8s:\n    definition:\n"
     b"      apiVersion: v1\n      kind: Secret\n", K.ANSIBLE),
])
def test_ansible_file_kinds(path: str, head: bytes, kind: FileKind) -> None:
    assert classify(path, head) is kind


# ---- LLC-IAC-010 in Ansible vars files -------------------------------------------------------


def test_vars_file_without_suffix_is_read_and_says_vars_file() -> None:
    code = f"db_user: app\ndb_password: {_PASSWORD}\n"
    (finding,) = run_rule(HardcodedCredentialLiteral, code, "inventory/group_vars/dbservers")
    assert finding.location.line == 2
    assert "vars file" in finding.message
    assert "no_log" not in finding.message


@pytest.mark.parametrize("code", [
    # The whole file encrypted by ansible-vault: one scalar, nothing plain.
    "$ANSIBLE_VAULT;1.1;AES256\n62313864386433616136393338643731\n",
    "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231386438643361\n",
    "db_password: \"{{ vault_db_password }}\"\n"
    "api_token: \"{{ lookup('env', 'API_TOKEN') }}\"\n",
    "db_password: changeme\napi_token: <your-token-here>\n",
])
def test_vars_file_quiet_forms(code: str) -> None:
    assert run_rule(HardcodedCredentialLiteral, code, "group_vars/all.yml") == ()


def test_nested_vars_and_loose_tasks() -> None:
    code = f"app:\n  db:\n    password: {_PASSWORD}\n"
    (finding,) = run_rule(HardcodedCredentialLiteral, code, "roles/app/defaults/main.yml")
    assert finding.location.line == 3
    task = ("- name: login\n  community.docker.docker_login:\n    username: ci\n"
            f"    password: {_PASSWORD}\n  no_log: true\n")
    (finding,) = run_rule(HardcodedCredentialLiteral, task, "tasks/login.yml")
    assert finding.location.line == 4


# ---- LLC-IAC-010 in Pulumi and CDK programs ---------------------------------------------------


def test_pulumi_literal_forms() -> None:
    code = ("import pulumi\nimport pulumi_aws as aws\n\n"
            f'DB_PASSWORD = "{_PASSWORD}"\n'
            'db = aws.rds.Instance("db", engine="postgres", password=DB_PASSWORD)\n'
            "args = aws.rds.InstanceArgs(engine=\"mysql\",\n"
            f'    password="{_OTHER}")\n'
            'db2 = aws.rds.Instance("db2", args=args)\n'
            'aws.ssm.Parameter("p", type="SecureString",\n'
            f'    value=pulumi.Output.secret("{_TOKEN}"))\n')
    findings = run_rule(HardcodedCredentialLiteral, code, "infra/__main__.py")
    assert [f.location.line for f in findings] == [5, 7, 10]
    assert "hides it in the state" in findings[2].message


def test_pulumi_references_are_quiet() -> None:
    code = ("import pulumi\nimport pulumi_aws as aws\nimport requests\n\n"
            "cfg = pulumi.Config()\nname = cfg.require('name')\n"
            'aws.rds.Instance("db", password=cfg.require_secret("dbPassword"))\n'
            'aws.rds.Instance("db2", password=f"{name}-suffix-value")\n'
            'aws.rds.Instance("db3", password=cfg.get_secret("p") or None)\n'
            f'requests.post("https://example.com", data={{"password": "{_PASSWORD}"}})\n')
    assert run_rule(HardcodedCredentialLiteral, code, "infra/__main__.py") == ()


def test_cdk_environment_and_container_pairs() -> None:
    code = ("from aws_cdk import Stack, aws_lambda as lambda_, aws_ecs as ecs\n\n"
            "class S(Stack):\n    def __init__(self, scope, id):\n"
            "        super().__init__(scope, id)\n"
            '        lambda_.Function(self, "F", runtime=rt, handler="h", code=c,\n'
            f'            environment={{"API_TOKEN": "{_TOKEN}", "LOG_LEVEL": "info"}})\n'
            '        ecs.CfnTaskDefinition(self, "T", container_definitions=[{\n'
            '            "name": "app", "environment": [\n'
            f'                {{"name": "DB_PASSWORD", "value": "{_PASSWORD}"}}]}}])\n')
    findings = run_rule(HardcodedCredentialLiteral, code, "cdk/stack.py")
    assert [f.location.line for f in findings] == [7, 10]


# ---- Kubernetes objects in Terraform ---------------------------------------------------------


def test_kubernetes_manifest_secret_names_its_account() -> None:
    code = ('resource "kubernetes_manifest" "t" {\n  manifest = {\n    apiVersion = "v1"\n'
            '    kind = "Secret"\n    metadata = {\n      name = "deployer-token"\n'
            '      annotations = { "kubernetes.io/service-account.name" = "deployer" }\n'
            '    }\n    type = "kubernetes.io/service-account-token"\n  }\n}\n')
    (finding,) = run_rule(ServiceAccountTokenSecret, code, "infra/k8s.tf")
    assert finding.location.line == 9
    assert "`deployer`" in finding.message
    assert str(finding.lifetime) == "none"


def test_kubernetes_manifest_with_expression_type_is_quiet() -> None:
    code = ('resource "kubernetes_manifest" "t" {\n  manifest = {\n    apiVersion = "v1"\n'
            '    kind = "Secret"\n    metadata = { name = var.name }\n'
            "    type = var.secret_type\n  }\n}\n"
            'resource "kubernetes_manifest" "y" {\n'
            '  manifest = yamldecode(file("${path.module}/token.yaml"))\n}\n')
    assert run_rule(ServiceAccountTokenSecret, code, "infra/k8s.tf") == ()


def test_terraform_projected_token_product_and_severity() -> None:
    code = ('resource "kubernetes_pod" "p" {\n  metadata { name = "p" }\n  spec {\n'
            '    container {\n      name = "a"\n      image = "a:1"\n    }\n'
            '    volume {\n      name = "t"\n      projected {\n        sources {\n'
            "          service_account_token {\n            path = \"t\"\n"
            "            expiration_seconds = 60 * 60 * 24 * 7\n"
            "          }\n        }\n      }\n    }\n  }\n}\n")
    (finding,) = run_rule(ProjectedTokenLongExpiry, code, "infra/pod.tf")
    assert finding.location.line == 14
    assert (finding.severity.value, str(finding.lifetime)) == ("medium", "P7D")


# ---- LLC-IAC-009 rotation intervals in programs ----------------------------------------------


def test_cdk_rotation_turned_off_and_default_interval() -> None:
    code = ("from aws_cdk import Duration, Stack, aws_secretsmanager as sm\n\n"
            "class S(Stack):\n    def __init__(self, scope, id):\n"
            "        super().__init__(scope, id)\n"
            '        a = sm.Secret(self, "A")\n'
            '        a.add_rotation_schedule("R", rotation_lambda=fn)\n'
            '        b = sm.Secret(self, "B")\n'
            '        b.add_rotation_schedule("R", rotation_lambda=fn,\n'
            "            automatically_after=Duration.days(0))\n")
    (finding,) = run_rule(StoredSecretWithoutRotation, code, "cdk/stack.py")
    assert finding.location.line == 10
    assert str(finding.lifetime) == "static"


def test_pulumi_rotation_schedule_expression() -> None:
    code = ("import pulumi_aws as aws\n\n"
            's = aws.secretsmanager.Secret("s")\n'
            'aws.secretsmanager.SecretRotation("r", secret_id=s.id, rotation_lambda_arn=a,\n'
            '    rotation_rules={"schedule_expression": "rate(180 days)"})\n')
    (finding,) = run_rule(StoredSecretWithoutRotation, code, "infra/__main__.py")
    assert finding.location.line == 5
    assert "180 days" in finding.message


# ---- LLC-IAC-005 renewable tokens ------------------------------------------------------------


def test_renewable_short_ttl_is_low_and_lives_to_the_mount_max() -> None:
    code = 'resource "vault_token" "ci" {\n  policies = ["ci"]\n  ttl = "1h"\n}\n'
    (finding,) = run_rule(VaultTokenResource, code, "main.tf")
    assert finding.location.line == 3
    assert (finding.severity.value, str(finding.lifetime)) == ("low", "P32D")
    assert "768" in finding.message or "32 days" in finding.message


@pytest.mark.parametrize("body", [
    '  ttl = "1h"\n  renewable = false\n',
    '  ttl = "1h"\n  explicit_max_ttl = "24h"\n',
    '  ttl = "1h"\n  explicit_max_ttl = var.cap\n',
    "  ttl = var.ttl\n",
    '  role_name = vault_token_auth_backend_role.ci.role_name\n  ttl = "1h"\n',
])
def test_renewable_quiet_forms(body: str) -> None:
    code = f'resource "vault_token" "ci" {{\n  policies = ["ci"]\n{body}}}\n'
    assert run_rule(VaultTokenResource, code, "main.tf") == ()


def test_kubernetes_manifest_yamldecode_heredoc_keeps_lines() -> None:
    code = ('resource "kubernetes_manifest" "t" {\n  manifest = yamldecode(<<-EOT\n'
            "    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: ${var.name}\n"
            "    type: kubernetes.io/service-account-token\n  EOT\n  )\n}\n"
            'resource "kubernetes_manifest" "f" {\n'
            '  manifest = yamldecode(templatefile("${path.module}/t.yaml", {}))\n}\n')
    (finding,) = run_rule(ServiceAccountTokenSecret, code, "infra/k8s.tf")
    assert (finding.location.line, finding.location.column) == (7, 11)
    assert "`${var.name}`" in finding.message


def test_default_service_account_lists_a_token_secret_by_reference() -> None:
    code = ('resource "kubernetes_default_service_account" "d" {\n'
            '  metadata { namespace = "apps" }\n'
            '  secret {\n    name = "${kubernetes_secret.t.metadata.0.name}"\n  }\n}\n'
            'resource "kubernetes_secret" "t" {\n  metadata { name = "legacy" }\n'
            '  type = "kubernetes.io/service-account-token"\n}\n'
            'resource "kubernetes_default_service_account" "quiet" {\n'
            '  metadata { namespace = "web" }\n'
            '  secret { name = kubernetes_secret.cfg.metadata[0].name }\n}\n')
    (finding,) = run_rule(ServiceAccountTokenSecrets, code, "infra/sa.tf")
    assert finding.location.line == 3
    assert "`legacy`" in finding.message
