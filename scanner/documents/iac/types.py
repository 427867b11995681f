"""Canonical resource types and their native names per front end, as data.

One row per canonical type: the names each front end uses for it, and the attributes whose
native spelling differs between front ends (a rule asks for ``user``; CloudFormation calls it
``UserName``). Adding a front end to a type, or a type to the model, is a row here; the loaders
read ``by_native`` and never list names themselves. Front ends are named by ``FrontEnd`` values;
``terraform-json`` shares Terraform's names. Rows beyond ``aws.iam.access_key`` are the types
the planned IAC rules (catalogue section 7) name, so their loaders need no new plumbing.
What a credential type mints and how long it lives (lifetime attributes, defaults, OWASP ids,
the fix) is ``credential_resources.py``, keyed by these canonical names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

TF = "terraform"
CFN = "cloudformation"
ANSIBLE = "ansible"
#: Python programs: qualified class names, through the program's import aliases.
PULUMI = "pulumi"
CDK = "cdk"

#: Front ends that spell resource and attribute names as another one does.
_SAME_NAMES = {"terraform-json": TF}


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A canonical type: native names per front end, and canonical -> native attribute names."""

    canonical: str
    natives: Mapping[str, tuple[str, ...]]
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


TYPES: tuple[ResourceType, ...] = (
    ResourceType(
        "aws.iam.access_key",
        {
            TF: ("aws_iam_access_key",),
            CFN: ("AWS::IAM::AccessKey",),
            # The legacy short name is what playbooks written before collections use.
            ANSIBLE: ("amazon.aws.iam_access_key", "community.aws.iam_access_key",
                      "iam_access_key"),
            PULUMI: ("pulumi_aws.iam.AccessKey",),
            CDK: ("aws_cdk.aws_iam.AccessKey", "aws_cdk.aws_iam.CfnAccessKey"),
        },
        {"user": {CFN: "UserName", ANSIBLE: "user_name"}, "status": {CFN: "Status"}},
    ),
    ResourceType(
        "aws.iam.role",
        {TF: ("aws_iam_role",), CFN: ("AWS::IAM::Role",),
         ANSIBLE: ("amazon.aws.iam_role", "community.aws.iam_role", "iam_role"),
         PULUMI: ("pulumi_aws.iam.Role",),
         CDK: ("aws_cdk.aws_iam.Role", "aws_cdk.aws_iam.CfnRole")},
        {
            "max_session_duration": {CFN: "MaxSessionDuration"},
            "assume_role_policy": {CFN: "AssumeRolePolicyDocument",
                                   ANSIBLE: "assume_role_policy_document"},
        },
    ),
    ResourceType(
        "aws.iam.openid_connect_provider",
        {TF: ("aws_iam_openid_connect_provider",), CFN: ("AWS::IAM::OIDCProvider",)},
        {"url": {CFN: "Url"}, "client_id_list": {CFN: "ClientIdList"}},
    ),
    ResourceType(
        "aws.secretsmanager.secret",
        {TF: ("aws_secretsmanager_secret",), CFN: ("AWS::SecretsManager::Secret",),
         PULUMI: ("pulumi_aws.secretsmanager.Secret",),
         CDK: ("aws_cdk.aws_secretsmanager.Secret", "aws_cdk.aws_secretsmanager.CfnSecret")},
    ),
    ResourceType(
        "aws.secretsmanager.rotation",
        {TF: ("aws_secretsmanager_secret_rotation",),
         CFN: ("AWS::SecretsManager::RotationSchedule",),
         PULUMI: ("pulumi_aws.secretsmanager.SecretRotation",),
         CDK: ("aws_cdk.aws_secretsmanager.RotationSchedule",
               "aws_cdk.aws_secretsmanager.CfnRotationSchedule")},
        {"secret_id": {CFN: "SecretId"}, "rotation_rules": {CFN: "RotationRules"}},
    ),
    ResourceType(
        "gcp.iam.service_account_key",
        {TF: ("google_service_account_key",),
         ANSIBLE: ("google.cloud.gcp_iam_service_account_key", "gcp_iam_service_account_key"),
         PULUMI: ("pulumi_gcp.serviceaccount.Key",)},
    ),
    ResourceType(
        "gcp.iam.workload_identity_pool_provider",
        {TF: ("google_iam_workload_identity_pool_provider",)},
    ),
    ResourceType("azuread.application_password",
                 {TF: ("azuread_application_password",),
                  PULUMI: ("pulumi_azuread.ApplicationPassword",)}),
    ResourceType("azuread.service_principal_password",
                 {TF: ("azuread_service_principal_password",),
                  PULUMI: ("pulumi_azuread.ServicePrincipalPassword",)}),
    ResourceType("azuread.application_certificate", {TF: ("azuread_application_certificate",)}),
    ResourceType("azuread.service_principal_certificate",
                 {TF: ("azuread_service_principal_certificate",)}),
    ResourceType("azurerm.key_vault_secret", {TF: ("azurerm_key_vault_secret",)}),
    ResourceType("azurerm.key_vault_key", {TF: ("azurerm_key_vault_key",)}),
    ResourceType("azurerm.storage_account", {TF: ("azurerm_storage_account",)}),
    ResourceType("vault.token", {TF: ("vault_token",), PULUMI: ("pulumi_vault.Token",)}),
    ResourceType("vault.approle_auth_backend_role", {TF: ("vault_approle_auth_backend_role",)}),
    ResourceType("vault.token_auth_backend_role", {TF: ("vault_token_auth_backend_role",)}),
    # The other auth methods' roles share the token_* fields (Vault's tokenutil).
    ResourceType(
        "vault.auth_backend_role",
        {TF: ("vault_jwt_auth_backend_role", "vault_kubernetes_auth_backend_role",
              "vault_aws_auth_backend_role", "vault_gcp_auth_backend_role",
              "vault_azure_auth_backend_role", "vault_cert_auth_backend_role",
              "vault_oci_auth_backend_role", "vault_alicloud_auth_backend_role")},
    ),
)


def _index() -> Mapping[str, Mapping[str, ResourceType]]:
    out: dict[str, dict[str, ResourceType]] = {}
    for row in TYPES:
        for front_end, names in row.natives.items():
            for name in names:
                out.setdefault(front_end, {})[name] = row
    return MappingProxyType({k: MappingProxyType(v) for k, v in out.items()})


_BY_NATIVE = _index()
_BY_CANONICAL = MappingProxyType({row.canonical: row for row in TYPES})


def _names_of(front_end: str) -> str:
    return _SAME_NAMES.get(front_end, front_end)


def by_native(front_end: str) -> Mapping[str, ResourceType]:
    """Native type name -> row, for one front end (what a loader looks names up in)."""
    return _BY_NATIVE.get(_names_of(front_end), MappingProxyType({}))


def canonical(front_end: str, native_type: str) -> str | None:
    row = by_native(front_end).get(native_type)
    return row.canonical if row is not None else None


def native_attribute(canonical_type: str | None, front_end: str, name: str) -> str:
    """The native spelling of a canonical attribute name (itself when no row renames it)."""
    row = _BY_CANONICAL.get(canonical_type) if canonical_type is not None else None
    if row is None:
        return name
    return row.attributes.get(name, {}).get(_names_of(front_end), name)
