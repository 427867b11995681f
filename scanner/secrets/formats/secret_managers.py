"""Secret-manager and platform tokens (LLC-SRC-010): the keys to the other keys.

Group 1 is the token; the surrounding classes stand in for ``\\b``, which RE2 applies to ASCII
word characters only, like the formats themselves. Their expiry is chosen at creation and is
often "never" (https://developer.hashicorp.com/vault/docs/concepts/tokens), so every row's
lifetime is unknown.
"""

from __future__ import annotations

from scanner.findings import Lifetime, Severity
from scanner.secrets.formats import Format

_FIX = ("Revoke the token (for Vault: `vault token revoke -accessor`) and authenticate to the "
        "secret manager with the workload's own identity (Vault JWT or Kubernetes auth, "
        "Terraform Cloud dynamic credentials, OIDC service-account identities).")
_B = r"(?:^|[^A-Za-z0-9_.-])"
_E = r"(?:[^A-Za-z0-9_-]|$)"
_GITLEAKS = "https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml"


def _row(id: str, provider: str, label: str, anchors: tuple[str, ...], pattern: str,
         severity: Severity, source: str, mixed_below: int = 0) -> Format:
    return Format(id=id, provider=provider, label=label, anchors=anchors, pattern=pattern,
                  lifetime=Lifetime.unknown(), owasp=("NHI2", "NHI7"), severity=severity,
                  fix=_FIX, rule="LLC-SRC-010", mixed_below=mixed_below, source=source)


_VAULT = "https://developer.hashicorp.com/vault/docs/concepts/tokens"

FORMATS = (
    # Vault 1.10+: service tokens are ~95 characters; a dev-server or short-form root token is
    # "hvs." plus 24 base62 characters. Batch tokens are longer still.
    _row("vault-service-token", "HashiCorp Vault", "HashiCorp Vault service token", ("hvs.",),
         _B + r"(hvs\.(?:[A-Za-z0-9_-]{90,120}|[A-Za-z0-9]{24}))" + _E, Severity.CRITICAL,
         _VAULT, mixed_below=40),
    _row("vault-batch-token", "HashiCorp Vault", "HashiCorp Vault batch token", ("hvb.",),
         _B + r"(hvb\.[A-Za-z0-9_-]{138,300})" + _E, Severity.HIGH, _VAULT),
    _row("terraform-cloud-token", "HashiCorp", "Terraform Cloud / Enterprise API token",
         (".atlasv1.",), _B + r"((?i:[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,70}))" + _E,
         Severity.CRITICAL,_GITLEAKS),
    # Doppler: personal, CLI, service (optionally naming its config), service-account, SCIM,
    # audit tokens.
    _row("doppler-token", "Doppler", "Doppler token",
         ("dp.pt.", "dp.ct.", "dp.st.", "dp.sa.", "dp.scim.", "dp.audit."),
         _B + r"(dp\.(?:pt|ct|sa|scim|audit|st(?:\.[a-z0-9_-]{2,35})?)\.[A-Za-z0-9]{40,44})"
         + _E, Severity.CRITICAL, "https://docs.doppler.com/docs/service-accounts"),
    _row("1password-service-account-token", "1Password", "1Password service-account token",
         ("ops_eyj",), _B + r"(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})", Severity.CRITICAL, _GITLEAKS),
    _row("digitalocean-token", "DigitalOcean", "DigitalOcean token",
         ("dop_v1_", "doo_v1_", "dor_v1_"), _B + r"(do[por]_v1_[a-f0-9]{64})" + _E,
         Severity.CRITICAL, _GITLEAKS),
    _row("grafana-service-account-token", "Grafana", "Grafana service-account token",
         ("glsa_",), _B + r"(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})" + _E, Severity.HIGH,
         _GITLEAKS),
    _row("grafana-cloud-token", "Grafana", "Grafana Cloud access-policy token", ("glc_eyj",),
         _B + r"(glc_eyJ[A-Za-z0-9+/]{32,400}={0,2})", Severity.HIGH, _GITLEAKS),
    _row("pulumi-token", "Pulumi", "Pulumi access token", ("pul-",),
         _B + r"(pul-[a-f0-9]{40})" + _E, Severity.CRITICAL, _GITLEAKS),
)
