"""LLC-IAC-005: a Vault token created by Terraform that is periodic, orphan or long-lived."""

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

_ROW = credential_resource("vault.token")
_DAY = 86400


class VaultTokenResource(IacRule):
    """## What it does
    Flags Terraform `resource "vault_token"` (`.tf` and `.tf.json`) when the token is
    periodic (`period` set: renewable forever), an orphan (`no_parent = true`: it survives
    the revocation of the token that made it), or long-lived: `ttl` absent or `"0"` on a
    renewable token without `explicit_max_ttl` (it then lives by the token mount's defaults,
    768 hours unless tuned), or a `ttl` above 24 hours that no `explicit_max_ttl` of 24 hours
    or less caps. Periodic and orphan tokens are high, long TTLs medium. A short `ttl` on a
    renewable token (`renewable` defaults to true) is low: without `explicit_max_ttl` its
    holder can renew it, `ttl` at a time, up to the token mount's maximum TTL
    (`max_lease_ttl`, 768 hours, 32 days, unless tuned), and with an `explicit_max_ttl` above
    24 hours up to that cap; `renew_min_lease`/`renew_increment` make Terraform itself renew it
    on every apply. `renewable = false`, an `explicit_max_ttl` of a day or less, or a
    `role_name` (whose token role bounds renewals; LLC-IAC-006 judges it) is quiet.

    ## Why is this bad?
    A token made by Terraform is written to its state and handed to whatever reads it; a
    periodic or orphan token never has to end, so it becomes the standing root of whatever
    its policies reach (OWASP NHI7 Long-Lived Secrets, NHI1 Improper Offboarding).

    ## Example
    ```hcl
    resource "vault_token" "app" {
      policies  = ["app"]
      period    = "24h"
      no_parent = true
    }
    ```

    Use instead:
    ```hcl
    resource "vault_kubernetes_auth_backend_role" "app" {
      role_name                        = "app"
      bound_service_account_names      = ["app"]
      bound_service_account_namespaces = ["prod"]
      token_ttl                        = 900
      token_max_ttl                    = 3600
    }
    ```

    ## References
    - Terraform vault_token: https://registry.terraform.io/providers/hashicorp/vault/latest/docs/resources/token
    - Vault, tokens (periodic and orphan tokens, TTLs): https://developer.hashicorp.com/vault/docs/concepts/tokens
    - Vault, token time-to-live and explicit max TTLs: https://developer.hashicorp.com/vault/docs/concepts/tokens#token-time-to-live-periodic-tokens-and-explicit-max-ttls
    - Vault, tune the lease TTL (768h default): https://developer.hashicorp.com/vault/docs/troubleshoot/tune-lease-ttl
    """

    META = RuleMeta(
        id="LLC-IAC-005",
        name="vault-token-resource",
        summary="Vault token resource that is periodic, orphan or long-lived",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=_ROW.owasp,
        fix=_ROW.fix,
        kinds=frozenset({FileKind.TERRAFORM, FileKind.PYTHON}),
        # `pulumi_vault`: Pulumi's `vault.Token` in a Python program.
        triggers=("vault_token", "pulumi_vault"),
    )

    VALID = [
        Valid('resource "vault_token" "bootstrap" {\n  policies         = ["bootstrap"]\n'
              '  ttl              = "15m"\n  explicit_max_ttl = "1h"\n'
              "  renewable        = false\n  num_uses         = 1\n}\n", path="main.tf"),
        Valid('resource "vault_token" "short" {\n  policies  = ["ci"]\n  ttl = "1h"\n'
              "  renewable = false\n}\n"
              'resource "vault_token" "capped" {\n  ttl = "72h"\n'
              '  explicit_max_ttl = "12h"\n}\n'
              'resource "vault_token" "bounded" {\n  ttl = "1h"\n'
              '  explicit_max_ttl = "4h"\n}\n', path="main.tf"),
        Valid('resource "vault_token_auth_backend_role" "r" {\n  role_name = "r"\n}\n'
              'data "vault_token" "x" {}\n'
              'resource "vault_token" "v" {\n  ttl = var.token_ttl\n}\n', path="main.tf"),
        Valid('{"resource": {"vault_token": {"t": {"ttl": "30m", "renewable": false}}}}\n',
              path="infra/vault.tf.json"),
        Valid('{"resource": {"vault_token": {"ci": {\n  "policies": ["ci"],\n'
              '  "ttl": "1h",\n  "explicit_max_ttl": "2h"}}}}\n', path="infra/ci.tf.json"),
        Valid('{"resource": {"vault_token": {"v": {"ttl": "${var.token_ttl}"}}},\n'
              ' "data": {"vault_token": {"x": {}}}}\n', path="infra/vars.tf.json"),
        # Pulumi programs in Python.
        Valid("import pulumi_vault as vault\n\n"
              'tok = vault.Token("ci", policies=["ci"], ttl="1h", renewable=False)\n',
              path="infra/__main__.py"),
        Valid("import pulumi_vault as vault\n\n"
              'tok = vault.Token("ci", policies=["ci"], ttl="24h", explicit_max_ttl="24h")\n',
              path="infra/__main__.py"),
        Valid("import pulumi_vault as vault\n\n"
              'role = vault.jwt.AuthBackendRole("gh", backend="jwt", role_name="gh",\n'
              '    token_ttl=900, user_claim="sub", role_type="jwt")\n', path="infra/__main__.py"),
    ]
    INVALID = [
        Invalid('resource "vault_token" "app" {\n  policies  = ["app"]\n'
                '  period    = "24h"  # expect: LLC-IAC-005\n  no_parent = true\n}\n',
                path="main.tf"),
        Invalid('resource "vault_token" "orphan" {\n  policies  = ["ops"]\n  ttl = "1h"\n'
                "  no_parent = true  # expect: LLC-IAC-005\n}\n", path="main.tf"),
        Invalid('resource "vault_token" "app" {  # expect: LLC-IAC-005\n'
                '  policies = ["app"]\n}\n', path="main.tf"),
        Invalid('resource "vault_token" "long" {\n  policies = ["app"]\n'
                '  ttl      = "8760h"  # expect: LLC-IAC-005\n}\n', path="main.tf"),
        Invalid('{"resource": {"vault_token": {"t": {\n'
                '  "policies": ["app"], "period": "768h"}}}}\n',
                path="infra/vault.tf.json", lines=(2,)),
        Invalid('{"resource": {"vault_token": {"orphan": {\n  "policies": ["ops"],\n'
                '  "ttl": "1h",\n  "no_parent": true}}}}\n',
                path="infra/orphan.tf.json", lines=(4,)),
        Invalid('{"resource": {"vault_token": {"long": {\n  "policies": ["app"],\n'
                '  "ttl": "8760h"}}}}\n', path="infra/long.tf.json", lines=(3,)),
        Invalid("import pulumi_vault as vault\n\n"
                'tok = vault.Token("agent", policies=["agent"],\n'
                '    period="768h")  # expect: LLC-IAC-005\n', path="infra/__main__.py"),
        Invalid("from pulumi_vault import Token\n\n"
                'Token("orphan", policies=["ci"], ttl="1h",\n'
                "      no_parent=True)  # expect: LLC-IAC-005\n", path="infra/__main__.py"),
        Invalid("import pulumi_vault as vault\n\n"
                'tok = vault.Token("ci", policies=["ci"],\n'
                '    ttl="720h")  # expect: LLC-IAC-005\n', path="infra/__main__.py"),
        # Renewable (the default) with a short TTL and no explicit_max_ttl: renewed up to the
        # mount's maximum.
        Invalid('resource "vault_token" "ci" {\n  policies = ["ci"]\n'
                '  ttl      = "1h"  # expect: LLC-IAC-005\n}\n'
                'resource "vault_token" "agent" {\n  ttl              = "2h"\n'
                '  explicit_max_ttl = "720h"  # expect: LLC-IAC-005\n}\n', path="vault.tf"),
        Invalid('{"resource": {"vault_token": {"ci": {\n  "policies": ["ci"],\n'
                '  "ttl": "24h", "renew_min_lease": 43200, "renew_increment": 86400}}}}\n',
                path="infra/renew.tf.json", lines=(3,)),
        Invalid("import pulumi_vault as vault\n\n"
                'tok = vault.Token("ci", policies=["ci"],\n'
                '    ttl="1h", renewable=True)  # expect: LLC-IAC-005\n',
                path="infra/__main__.py"),
    ]

    RESOURCE_TYPES = frozenset({"vault.token"})

    def check_resource(self, resource: Resource) -> None:
        period, orphan = resource.attr("period"), resource.attr("no_parent")
        ttl, cap = resource.attr("ttl"), resource.attr("explicit_max_ttl")
        if period is not None and seconds(period) != 0:
            self.report(
                period.node,
                "This Vault token is periodic: it renews forever, every period, with no "
                "maximum lifetime.",
                lifetime=Lifetime.never(),
            )
            return
        if is_true(orphan) and orphan is not None:
            self.report(
                orphan.node,
                "This Vault token is an orphan (no_parent): revoking the token that created "
                "it does not revoke it.",
                lifetime=_lifetime(seconds(ttl), seconds(cap)),
            )
            return
        if ttl is not None and ttl.reference:
            return
        capped = seconds(cap)
        if capped is not None and capped <= _DAY:
            return
        value = seconds(ttl)
        if ttl is None or value == 0:
            if is_false(resource.attr("renewable")) or cap is not None:
                return
            default = _ROW.default_seconds or 0
            self.report(
                resource.node,
                "This Vault token has no TTL and is renewable: it lives by the token mount's "
                f"defaults ({describe_duration(default)} unless tuned) and is renewed up to "
                "its maximum.",
                lifetime=Lifetime.seconds(default),
                severity=Severity.MEDIUM,
            )
        elif value is not None and value > _DAY:
            self.report(
                ttl.node,
                f"This Vault token lives for {describe_duration(value)}, more than a day.",
                lifetime=Lifetime.seconds(value),
                severity=Severity.MEDIUM,
            )
        elif value is not None and ttl is not None and not is_false(resource.attr("renewable")):
            self._renewable(resource, ttl, value, cap, capped)

    def _renewable(self, resource: Resource, ttl: Attr, value: int, cap: Attr | None,
                   capped: int | None) -> None:
        """A short TTL that renewals stretch: to ``explicit_max_ttl`` (above a day here), or
        without one to the token mount's maximum TTL."""
        if resource.has("role_name"):
            return  # the token role's token_max_ttl bounds renewals: LLC-IAC-006 reads it
        renewed = resource.has("renew_min_lease") or resource.has("renew_increment")
        by = " (and `renew_min_lease` makes Terraform renew it on every apply)" if renewed else ""
        if cap is not None:
            if capped is None:
                return  # a reference: the cap is set where it is written
            self.report(
                cap.node,
                f"This Vault token lives {describe_duration(value)} at a time but is renewable "
                f"up to its explicit_max_ttl of {describe_duration(capped)}{by}.",
                lifetime=Lifetime.seconds(capped),
                severity=Severity.LOW,
            )
            return
        default = _ROW.default_seconds or 0
        self.report(
            ttl.node,
            f"This Vault token lives {describe_duration(value)} at a time but is renewable "
            "with no explicit_max_ttl: its holder can renew it up to the token mount's maximum "
            f"TTL ({describe_duration(default)} unless tuned){by}; set `renewable = false` or "
            "an `explicit_max_ttl`.",
            lifetime=Lifetime.seconds(default),
            severity=Severity.LOW,
        )


def _lifetime(ttl: int | None, cap: int | None) -> Lifetime:
    known = [v for v in (ttl, cap) if v]
    return Lifetime.seconds(min(known)) if known else Lifetime.never()
