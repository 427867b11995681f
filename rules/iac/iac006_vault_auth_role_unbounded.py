"""LLC-IAC-006: a Vault auth role that issues non-expiring SecretIDs or long-lived tokens."""

from __future__ import annotations

from scanner.api import (
    Attr,
    Category,
    FileKind,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    Resource,
    RuleMeta,
    Severity,
    Valid,
    credential_resource,
    describe_duration,
)
from scanner.api.iac_lifetimes import is_false, is_true, seconds

_APPROLE = "vault.approle_auth_backend_role"
_TOKEN_ROLE = "vault.token_auth_backend_role"
_ROW = credential_resource(_APPROLE)
_DAY = 86400


class VaultAuthRoleUnbounded(IacRule):
    """## What it does
    Flags Terraform Vault auth roles (`.tf` and `.tf.json`) that hand out credentials with no
    end: a `vault_approle_auth_backend_role` whose `secret_id_ttl` is absent or `0` (its
    SecretIDs never expire; high, medium when `secret_id_num_uses` limits each SecretID), and
    on any auth role (AppRole, JWT/OIDC, Kubernetes, AWS, GCP, Azure, cert, token roles) a
    `token_period` (periodic tokens, renewable forever) or a `token_ttl`/`token_max_ttl` above
    24 hours that no `token_explicit_max_ttl` of a day or less caps (medium). A token role with
    `orphan = true` is medium too. Roles with `bind_secret_id = false` have no SecretID.

    Fact checked for this rule: Vault's AppRole API documents `secret_id_ttl` as unset by
    default, and "a value of zero will allow the SecretID to not expire".

    ## Why is this bad?
    A SecretID that never expires is a static password for the role: copied into a CI
    variable or a config file, it mints fresh tokens for years (OWASP NHI7 Long-Lived Secrets,
    NHI4 Insecure Authentication). Periodic tokens never reach a maximum lifetime.

    ## Example
    ```hcl
    resource "vault_approle_auth_backend_role" "ci" {
      role_name      = "ci"
      token_policies = ["ci"]
    }
    ```

    Use instead:
    ```hcl
    resource "vault_jwt_auth_backend_role" "ci" {
      role_name       = "ci"
      role_type       = "jwt"
      user_claim      = "sub"
      bound_claims    = { repository = "org/app" }
      token_policies  = ["ci"]
      token_ttl       = 900
      token_max_ttl   = 3600
    }
    ```

    ## References
    - Vault AppRole API (secret_id_ttl, secret_id_num_uses): https://developer.hashicorp.com/vault/api-docs/auth/approle
    - Terraform vault_approle_auth_backend_role: https://registry.terraform.io/providers/hashicorp/vault/latest/docs/resources/approle_auth_backend_role
    - Vault, periodic tokens: https://developer.hashicorp.com/vault/docs/concepts/tokens#periodic-tokens
    """

    META = RuleMeta(
        id="LLC-IAC-006",
        name="vault-auth-role-unbounded",
        summary="Vault auth role issuing non-expiring SecretIDs or long-lived tokens",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=_ROW.owasp,
        fix=_ROW.fix,
        kinds=frozenset({FileKind.TERRAFORM}),
        triggers=("_auth_backend_role", "vault_cert_auth_backend"),
    )

    VALID = [
        Valid('resource "vault_approle_auth_backend_role" "ci" {\n  role_name = "ci"\n'
              "  secret_id_ttl      = 600\n  secret_id_num_uses = 1\n"
              "  token_ttl          = 900\n  token_max_ttl      = 3600\n}\n"),
        Valid('resource "vault_kubernetes_auth_backend_role" "app" {\n  role_name = "app"\n'
              '  bound_service_account_names = ["app"]\n  token_ttl = 3600\n}\n'
              'resource "vault_approle_auth_backend_role" "nosecret" {\n  role_name = "n"\n'
              "  bind_secret_id = false\n  secret_id_bound_cidrs = [\"10.0.0.0/8\"]\n}\n"),
        Valid('resource "vault_token_auth_backend_role" "r" {\n  role_name = "r"\n'
              "  orphan = false\n  token_max_ttl = 86400\n}\n"
              'resource "vault_approle_auth_backend_role" "v" {\n  role_name = "v"\n'
              "  secret_id_ttl = var.secret_ttl\n  token_period = var.period\n}\n"),
        Valid('resource "vault_jwt_auth_backend_role" "gh" {\n  role_name = "gh"\n'
              "  token_ttl = 172800\n  token_explicit_max_ttl = 3600\n}\n"),
        Valid('{"resource": {"vault_approle_auth_backend_role": {"r": {\n'
              '  "role_name": "r", "secret_id_ttl": 300}}}}\n', path="infra/vault.tf.json"),
        Valid('{"resource": {"vault_kubernetes_auth_backend_role": {"app": {\n'
              '  "role_name": "app",\n  "bound_service_account_names": ["app"],\n'
              '  "token_ttl": 3600}}}}\n', path="infra/k8s.tf.json"),
        Valid('{"resource": {"vault_approle_auth_backend_role": {"n": {\n'
              '  "role_name": "n", "bind_secret_id": false, "token_max_ttl": 86400}}}}\n',
              path="infra/nosecret.tf.json"),
    ]
    INVALID = [
        Invalid('resource "vault_approle_auth_backend_role" "ci" {  # expect: LLC-IAC-006\n'
                '  role_name      = "ci"\n  token_policies = ["ci"]\n}\n'),
        Invalid('resource "vault_approle_auth_backend_role" "ci" {\n  role_name = "ci"\n'
                "  secret_id_ttl      = 0  # expect: LLC-IAC-006\n"
                "  secret_id_num_uses = 0\n  token_ttl = 900\n}\n"),
        Invalid('resource "vault_approle_auth_backend_role" "svc" {\n  role_name = "svc"\n'
                "  secret_id_ttl = 3600\n"
                "  token_period  = 86400  # expect: LLC-IAC-006\n}\n"),
        Invalid('resource "vault_kubernetes_auth_backend_role" "app" {\n  role_name = "app"\n'
                "  token_ttl     = 86400\n"
                "  token_max_ttl = 2592000  # expect: LLC-IAC-006\n}\n"),
        Invalid('resource "vault_token_auth_backend_role" "ops" {\n  role_name = "ops"\n'
                "  orphan    = true  # expect: LLC-IAC-006\n}\n"),
        Invalid('{"resource": {"vault_jwt_auth_backend_role": {"r": {\n'
                '  "role_name": "r", "token_ttl": 604800}}}}\n',
                path="infra/vault.tf.json", lines=(2,)),
        Invalid('{"resource": {"vault_approle_auth_backend_role": {"ci": {\n'
                '  "role_name": "ci",\n  "token_policies": ["ci"]}}}}\n',
                path="infra/approle.tf.json", lines=(1,)),
        Invalid('{"resource": {"vault_approle_auth_backend_role": {"svc": {\n'
                '  "role_name": "svc",\n  "secret_id_ttl": 3600,\n'
                '  "token_period": 86400}}}}\n', path="infra/svc.tf.json", lines=(4,)),
    ]

    RESOURCE_TYPES = frozenset({_APPROLE, _TOKEN_ROLE, "vault.auth_backend_role"})

    def check_resource(self, resource: Resource) -> None:
        if resource.type == _APPROLE:
            self._secret_id(resource)
        if resource.type == _TOKEN_ROLE:
            orphan = resource.attr("orphan")
            if orphan is not None and is_true(orphan):
                self.report(
                    orphan.node,
                    "This token role makes orphan tokens: revoking their parent does not "
                    "revoke them.",
                    lifetime=Lifetime.unknown(),
                )
        self._tokens(resource)

    def _secret_id(self, role: Resource) -> None:
        if is_false(role.attr("bind_secret_id")):
            return
        ttl = role.attr("secret_id_ttl")
        if ttl is not None and (ttl.reference or seconds(ttl) != 0):
            return
        uses = seconds(role.attr("secret_id_num_uses"))
        limited = uses is not None and uses > 0
        self.report(
            ttl.node if ttl is not None else role.node,
            f"SecretIDs of AppRole {role.name!r} never expire ("
            + ("secret_id_ttl = 0" if ttl is not None else "no secret_id_ttl")
            + "): a SecretID copied into a CI variable or a config file keeps minting tokens"
            + (f" for its {uses} uses." if limited else " for as long as the role exists."),
            lifetime=Lifetime.never(),
            severity=Severity.MEDIUM if limited else Severity.HIGH,
        )

    def _tokens(self, role: Resource) -> None:
        period = role.attr("token_period")
        value = seconds(period)
        if period is not None and value:
            self.report(
                period.node,
                f"Role {role.name!r} issues periodic tokens (token_period "
                f"{describe_duration(value)}): renewed every period, they never reach a "
                "maximum lifetime.",
                lifetime=Lifetime.never(),
            )
            return
        cap = seconds(role.attr("token_explicit_max_ttl"))
        if cap is not None and 0 < cap <= _DAY:
            return
        longest: tuple[int, Attr] | None = None
        for name in ("token_max_ttl", "token_ttl"):
            attr = role.attr(name)
            ttl = seconds(attr)
            if attr is not None and ttl is not None and ttl > _DAY:
                longest = (ttl, attr)
                break
        if longest is not None:
            ttl, attr = longest
            self.report(
                attr.node,
                f"Role {role.name!r} issues tokens that live for {describe_duration(ttl)} "
                f"({attr.name}), more than a day.",
                lifetime=Lifetime.seconds(ttl),
            )
