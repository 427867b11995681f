"""The credential resources of IaC, as data: what each one mints and how long it lives.

``types.py`` is the vocabulary (a canonical type and its native names per front end); this table
says, for the types that create a credential or set a credential's lifetime, what the IAC rules
need to know: which attributes set the lifetime, what the lifetime is when they are absent, the
OWASP NHI ids and the federated or short-lived replacement. Rows are keyed by canonical type, so
native names live in one place (``natives`` reads them from ``types.py``) and a front end added
there is covered here without an edit. Defaults are what the provider or service does when the
attribute is left out, with the source in ``default_source``; the rules quote them in messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scanner.documents.iac.types import TYPES, ResourceType

#: ``default_lifetime`` values that are not durations (the ``Lifetime`` vocabulary).
STATIC = "static"  # no built-in expiry: lives until someone revokes it
NONE = "none"  # renewable or periodic without end


@dataclass(frozen=True, slots=True)
class CredentialResource:
    """One credential-bearing resource type."""

    canonical: str
    rule: str
    #: What it is, for messages ("Entra ID application password").
    credential: str
    #: Canonical attribute names that set the lifetime (or switch the credential off).
    lifetime_attrs: tuple[str, ...]
    #: ``static``, ``none`` or seconds as a decimal string, when ``lifetime_attrs`` are absent.
    default_lifetime: str
    default_source: str
    owasp: tuple[str, ...]
    fix: str

    @property
    def type(self) -> ResourceType:
        return _TYPES[self.canonical]

    @property
    def natives(self) -> Mapping[str, tuple[str, ...]]:
        """Native type names per front end (from ``types.py``)."""
        return self.type.natives

    @property
    def default_seconds(self) -> int | None:
        """The default lifetime in seconds, None when it is ``static`` or ``none``."""
        return int(self.default_lifetime) if self.default_lifetime.isdigit() else None


_TYPES = MappingProxyType({row.canonical: row for row in TYPES})
_DAY = 86400

_AWS_FIX = (
    "Delete the IAM user and its key; grant access through roles assumed with OIDC federation, "
    "IRSA or IAM Roles Anywhere."
)
_ENTRA_FIX = (
    "Use a federated identity credential (azuread_application_federated_identity_credential) "
    "or a managed identity; if a secret is unavoidable, at most 90 days with time_rotating "
    "driving rotate_when_changed."
)
_VAULT_AUTH_FIX = (
    "Let each workload log in with an auth method bound to its identity (JWT/OIDC, Kubernetes, "
    "AWS, GCP) and get a short, bounded token; for AppRole, short-TTL single-use SecretIDs "
    "delivered response-wrapped."
)

CREDENTIAL_RESOURCES: tuple[CredentialResource, ...] = (
    CredentialResource(
        "aws.iam.access_key", "LLC-IAC-001", "long-term IAM access key", ("status",), STATIC,
        "IAM access keys have no expiry (AWS IAM user guide, access keys)",
        ("NHI7", "NHI1"), _AWS_FIX,
    ),
    CredentialResource(
        "aws.iam.role", "LLC-IAC-002", "IAM role session", ("max_session_duration",),
        str(3600), "MaxSessionDuration defaults to 3600 s, valid 3600 to 43200 (IAM CreateRole)",
        ("NHI7", "NHI6"),
        "Keep the one-hour default and re-assume the role per task; long jobs refresh from "
        "their attested source (web identity token file, IMDS) instead of one long session.",
    ),
    CredentialResource(
        "gcp.iam.service_account_key", "LLC-IAC-003", "user-managed service-account key",
        ("public_key_data",), STATIC,
        "user-managed keys carry no expiry unless the organization policy "
        "constraints/iam.serviceAccountKeyExpiryHours is enforced (CIS GCP 1.4 quotes "
        "'10 years from creation')",
        ("NHI7", "NHI1"),
        "Use Workload Identity Federation (or GKE Workload Identity, or service-account "
        "impersonation) and enforce constraints/iam.disableServiceAccountKeyCreation.",
    ),
    *(
        CredentialResource(
            canonical, "LLC-IAC-004", what, ("end_date", "end_date_relative"), str(730 * _DAY),
            "without end_date the azuread provider lets Entra ID pick the end date: two years "
            "(terraform-provider-azuread issue 1424); end_date_relative is deprecated in "
            "azuread v3, not removed (Pulumi azuread v6 migration guide)",
            ("NHI7", "NHI1"), _ENTRA_FIX,
        )
        for canonical, what in (
            ("azuread.application_password", "Entra ID application password"),
            ("azuread.service_principal_password", "Entra ID service-principal password"),
        )
    ),
    *(
        CredentialResource(
            canonical, "LLC-IAC-004", what, ("end_date", "end_date_relative"), STATIC,
            "without end_date the certificate's own validity applies (not known from the file)",
            ("NHI7", "NHI1"), _ENTRA_FIX,
        )
        for canonical, what in (
            ("azuread.application_certificate", "Entra ID application certificate"),
            ("azuread.service_principal_certificate", "Entra ID service-principal certificate"),
        )
    ),
    CredentialResource(
        "vault.token", "LLC-IAC-005", "Vault token",
        ("ttl", "explicit_max_ttl", "period", "no_parent", "renewable"), str(768 * 3600),
        "without ttl a token gets the token mount's default TTL, 768h unless tuned, and "
        "renews up to its max (Vault docs, tune lease TTL)",
        ("NHI7", "NHI1"),
        "Don't hand out tokens from IaC: configure an auth method (Kubernetes, AWS, JWT) so each "
        "workload logs in and gets a bounded token.",
    ),
    CredentialResource(
        "vault.approle_auth_backend_role", "LLC-IAC-006", "AppRole SecretID",
        ("secret_id_ttl", "secret_id_num_uses", "bind_secret_id", "token_ttl", "token_max_ttl",
         "token_period", "token_explicit_max_ttl"), NONE,
        "secret_id_ttl defaults to unset, and 0 lets a SecretID never expire (Vault AppRole "
        "API docs)",
        ("NHI7", "NHI4"), _VAULT_AUTH_FIX,
    ),
    CredentialResource(
        "vault.token_auth_backend_role", "LLC-IAC-006", "Vault token role",
        ("orphan", "token_period", "token_ttl", "token_max_ttl", "token_explicit_max_ttl"),
        str(768 * 3600), "tokens get the mount's default TTL, 768h unless tuned",
        ("NHI7", "NHI4"), _VAULT_AUTH_FIX,
    ),
    CredentialResource(
        "vault.auth_backend_role", "LLC-IAC-006", "Vault auth role token",
        ("token_period", "token_ttl", "token_max_ttl", "token_explicit_max_ttl"),
        str(768 * 3600), "tokens get the mount's default TTL, 768h unless tuned",
        ("NHI7", "NHI4"), _VAULT_AUTH_FIX,
    ),
    *(
        CredentialResource(
            canonical, "LLC-IAC-009", what, ("expiration_date",), NONE,
            "a Key Vault object without expiration_date never expires (Azure Key Vault, "
            "object attributes 'exp')",
            ("NHI7", "NHI1"),
            "Set expiration_date (at most 90 days, driven by time_rotating) and automate "
            "rotation; better, let the consumer use its managed identity instead of a secret.",
        )
        for canonical, what in (
            ("azurerm.key_vault_secret", "Key Vault secret"),
            ("azurerm.key_vault_key", "Key Vault key"),
        )
    ),
    CredentialResource(
        "aws.secretsmanager.secret", "LLC-IAC-009", "Secrets Manager secret",
        ("rotation_rules", "rotation_lambda_arn"), STATIC,
        "a secret has no rotation until a rotation is configured for it (Secrets Manager "
        "RotateSecret)",
        ("NHI7", "NHI1"),
        "Configure rotation (aws_secretsmanager_secret_rotation, at most every 90 days), or "
        "let the consumer authenticate with its role (RDS IAM auth, managed master passwords).",
    ),
    CredentialResource(
        "aws.secretsmanager.rotation", "LLC-IAC-009", "Secrets Manager rotation",
        ("rotation_rules",), STATIC, "rotation_rules.automatically_after_days is required",
        ("NHI7", "NHI1"), "Rotate at most every 90 days.",
    ),
    CredentialResource(
        "azurerm.storage_account", "LLC-IAC-009", "storage account shared key",
        ("shared_access_key_enabled",), STATIC,
        "shared_access_key_enabled defaults to true; account keys never expire (azurerm "
        "storage_account docs)",
        ("NHI7", "NHI1"),
        "Set shared_access_key_enabled = false and grant data access with Entra ID roles "
        "(storage_use_azuread on the provider) and user-delegation SAS.",
    ),
)

_BY_CANONICAL = MappingProxyType({row.canonical: row for row in CREDENTIAL_RESOURCES})


def credential_resource(canonical: str) -> CredentialResource:
    """The row of a canonical type (KeyError if it creates no credential)."""
    return _BY_CANONICAL[canonical]


def for_rule(rule_id: str) -> tuple[CredentialResource, ...]:
    """The rows a rule checks, in table order."""
    return tuple(row for row in CREDENTIAL_RESOURCES if row.rule == rule_id)
