"""The credential-resources table and the IAC rules that read it (IAC-001..006, IAC-009)."""

from __future__ import annotations

import datetime as dt

import pytest
from outlive_rules.iac.iac001_aws_access_key_resource import AwsAccessKeyResource
from outlive_rules.iac.iac002_role_session_duration import RoleSessionDuration
from outlive_rules.iac.iac003_gcp_service_account_key import GcpServiceAccountKey
from outlive_rules.iac.iac004_entra_secret_end_date import EntraSecretEndDate
from outlive_rules.iac.iac005_vault_token_resource import VaultTokenResource
from outlive_rules.iac.iac006_vault_auth_role_unbounded import VaultAuthRoleUnbounded
from outlive_rules.iac.iac009_stored_secret_without_rotation import (
    StoredSecretWithoutRotation,
)

from scanner.api import Rule
from scanner.api.iac_lifetimes import relative_end, until
from scanner.config import Config, Thresholds
from scanner.documents.hcl import HclDocument
from scanner.documents.iac import TYPES, load_hcl
from scanner.documents.iac.credential_resources import (
    CREDENTIAL_RESOURCES,
    NONE,
    STATIC,
    credential_resource,
    for_rule,
)
from scanner.findings import Finding
from scanner.testing import run_rule

RULES: tuple[type[Rule], ...] = (
    AwsAccessKeyResource,
    RoleSessionDuration,
    GcpServiceAccountKey,
    EntraSecretEndDate,
    VaultTokenResource,
    VaultAuthRoleUnbounded,
    StoredSecretWithoutRotation,
)


def test_every_credential_row_names_a_type_of_the_vocabulary_once() -> None:
    canonicals = {row.canonical for row in TYPES}
    seen: set[str] = set()
    for row in CREDENTIAL_RESOURCES:
        assert row.canonical in canonicals, row.canonical
        assert row.canonical not in seen, row.canonical
        seen.add(row.canonical)
        assert row.natives, row.canonical
        assert row.default_lifetime in (STATIC, NONE) or row.default_lifetime.isdigit()
        assert row.default_source
        assert row.fix
        assert row.credential
        for attr in row.lifetime_attrs:
            assert attr == attr.lower(), (row.canonical, attr)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
def test_rules_take_owasp_and_their_types_from_the_table(rule: type[Rule]) -> None:
    rows = for_rule(rule.META.id)
    assert rows, rule.META.id
    assert {row.owasp for row in rows} == {rule.META.owasp}
    wanted = {row.canonical for row in rows} - {"aws.secretsmanager.rotation"}
    assert wanted <= set(getattr(rule, "RESOURCE_TYPES", ())), rule.META.id


def test_entra_password_default_is_two_years() -> None:
    assert credential_resource("azuread.application_password").default_seconds == 730 * 86400
    assert credential_resource("azuread.application_certificate").default_seconds is None


def _findings(rule: type[Rule], code: str, path: str = "infra/main.tf",
              **thresholds: int) -> tuple[Finding, ...]:
    return run_rule(rule, code, path, Config(thresholds=Thresholds(**thresholds)))


def test_timeadd_and_rfc3339_end_dates() -> None:
    doc = HclDocument(
        "main.tf",
        'resource "azuread_application_password" "p" {\n'
        '  end_date = timeadd(timestamp(), "8760h")\n}\n'
        'resource "azuread_application_password" "q" {\n'
        '  end_date = "2030-01-01T00:00:00Z"\n}\n',
    )
    first, second = load_hcl(doc)
    end = first.attr("end_date")
    assert end is not None
    assert relative_end(first, end) == 8760 * 3600
    fixed = second.attr("end_date")
    assert fixed is not None
    assert relative_end(second, fixed) is None
    now = dt.datetime(2029, 12, 31, tzinfo=dt.timezone.utc).timestamp()
    assert until(fixed, now) == 86400


def test_session_threshold_is_configurable() -> None:
    code = 'resource "aws_iam_role" "r" {\n  max_session_duration = 7200\n}\n'
    (finding,) = _findings(RoleSessionDuration, code)
    assert (finding.severity.value, str(finding.lifetime)) == ("low", "PT2H")
    assert (finding.location.line, finding.location.column) == (2, 3)
    assert _findings(RoleSessionDuration, code, role_session_max_seconds=7200) == ()


def test_entra_validity_threshold_is_configurable_and_rotation_lowers_severity() -> None:
    code = ('resource "azuread_application_password" "p" {\n'
            '  end_date_relative = "4320h"\n}\n')
    (finding,) = _findings(EntraSecretEndDate, code)
    assert (finding.severity.value, str(finding.lifetime)) == ("medium", "P180D")
    assert _findings(EntraSecretEndDate, code, credential_max_validity_days=180) == ()
    rotated = code.replace("}\n", "  rotate_when_changed = { r = time_rotating.r.id }\n}\n")
    (finding,) = _findings(EntraSecretEndDate, rotated)
    assert finding.severity.value == "low"


def test_entra_absent_end_date_uses_the_default_lifetime() -> None:
    (finding,) = _findings(
        EntraSecretEndDate,
        'resource "azuread_service_principal_password" "p" {\n'
        "  service_principal_id = azuread_service_principal.p.id\n}\n",
    )
    assert (finding.severity.value, str(finding.lifetime), finding.location.line) == (
        "high", "P730D", 1)


def test_past_end_date_is_quiet() -> None:
    assert _findings(
        EntraSecretEndDate,
        'resource "azuread_application_password" "p" {\n  end_date = "2001-01-01T00:00:00Z"\n}\n',
    ) == ()


def test_output_of_a_private_key_points_at_the_value() -> None:
    findings = _findings(
        GcpServiceAccountKey,
        'output "k" {\n  value = google_service_account_key.ci["a"].private_key\n}\n'
        'output "id" {\n  value = google_service_account_key.ci["a"].id\n}\n',
    )
    assert [(f.location.line, str(f.lifetime)) for f in findings] == [(2, "static")]


def test_uploaded_public_key_is_medium() -> None:
    (finding,) = _findings(
        GcpServiceAccountKey,
        'resource "google_service_account_key" "k" {\n'
        "  service_account_id = google_service_account.ci.name\n"
        '  public_key_data    = filebase64("k.pub")\n}\n',
    )
    assert finding.severity.value == "medium"


def test_vault_token_without_ttl_has_the_mount_default_lifetime() -> None:
    (finding,) = _findings(VaultTokenResource, 'resource "vault_token" "t" {\n}\n')
    assert (finding.severity.value, str(finding.lifetime)) == ("medium", "P32D")


def test_single_use_secret_ids_are_medium() -> None:
    (finding,) = _findings(
        VaultAuthRoleUnbounded,
        'resource "vault_approle_auth_backend_role" "r" {\n  role_name = "r"\n'
        "  secret_id_num_uses = 1\n}\n",
    )
    assert (finding.severity.value, str(finding.lifetime)) == ("medium", "none")


def test_secret_rotated_in_another_file_is_not_guessed_at() -> None:
    # A rotation naming a secret this file does not declare may rotate this file's secret.
    code = ('resource "aws_secretsmanager_secret" "s" {\n  name = "s"\n}\n'
            'resource "aws_secretsmanager_secret_rotation" "r" {\n'
            "  secret_id = module.secrets.arn\n}\n")
    assert _findings(StoredSecretWithoutRotation, code) == ()


def test_inline_rotation_of_the_old_provider_counts() -> None:
    code = ('resource "aws_secretsmanager_secret" "s" {\n  name = "s"\n'
            "  rotation_lambda_arn = aws_lambda_function.r.arn\n}\n")
    assert _findings(StoredSecretWithoutRotation, code) == ()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.META.id)
@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("infra/main.tf", 'resource "aws_iam_role" "r" {\n  max_session_duration = \n'
                          'resource "vault_token" {{{\n'),
        ("infra/main.tf.json", '{"resource": {"vault_token": [1, 2, {"t": null}]}}'),
        ("cfn/t.yaml", "Resources:\n  X:\n    Type: AWS::SecretsManager::Secret\n"
                       "    Properties: [1, 2]\n  Y:\n    Type: [AWS::IAM::Role]\n"),
        ("cfn/bad.yaml", "Resources: {X: {Type: AWS::IAM::Role, Properties: {{{\n"),
        ("playbooks/p.yml", "- hosts: all\n  tasks:\n    - amazon.aws.iam_role: free=form\n"
                            "    - gcp_iam_service_account_key: [1]\n"),
    ],
)
def test_malformed_input_never_crashes(rule: type[Rule], path: str, code: str) -> None:
    run_rule(rule, code, path)  # raises on a rule failure


def test_every_finding_has_a_lifetime() -> None:
    for rule in RULES:
        for example in rule.INVALID:
            for finding in run_rule(rule, example.code, example.path):
                assert str(finding.lifetime) != "", (rule.META.id, example.code)


def test_new_vocabulary_rows_resolve_per_front_end() -> None:
    from scanner.documents.iac.types import canonical

    assert canonical("terraform", "vault_kubernetes_auth_backend_role") == "vault.auth_backend_role"
    assert canonical("terraform-json", "vault_jwt_auth_backend_role") == "vault.auth_backend_role"
    assert canonical("ansible", "community.aws.iam_role") == "aws.iam.role"
    assert canonical("ansible", "gcp_iam_service_account_key") == "gcp.iam.service_account_key"


def test_iam_user_module_default_mints_a_key_at_its_source() -> None:
    findings = _findings(
        AwsAccessKeyResource,
        'module "u" {\n  source = "terraform-aws-modules/iam/aws//modules/iam-user"\n'
        '  name   = "u"\n}\n'
        'module "local" {\n  source = "./modules/iam-user"\n}\n',
    )
    assert [(f.location.line, str(f.lifetime)) for f in findings] == [(2, "static")]


def test_key_vault_secret_of_a_non_credential_is_quiet() -> None:
    code = ('resource "azurerm_key_vault_secret" "fqdn" {\n'
            '  name  = format("%s-fqdn", local.name)\n'
            "  value = azurerm_mysql_server.db.fqdn\n"
            "  key_vault_id = var.key_vault_id\n}\n"
            'resource "azurerm_key_vault_secret" "pw" {\n'
            '  name  = format("%s-login", local.name)\n'
            "  value = random_password.db.result\n}\n")
    assert [f.location.line for f in _findings(StoredSecretWithoutRotation, code)] == [6]
