"""LLC-SRC-010: secret-manager and platform tokens, the keys to the other keys."""

from __future__ import annotations

import re

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    BASE64,
    Category,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    catalogue,
    compile_pattern,
    fake_token,
)

_HEX = "0123456789abcdef"
_LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


_RULE = "LLC-SRC-010"
# The formats are catalogue rows (scanner/secrets/providers.toml). Group 1 is
# the token; the patterns carry their own boundaries, so every row runs (no literal guard).

# Legacy (pre-1.10) Vault service tokens, "s." plus 24 base62 characters, are too generic to
# match alone: they need "vault" on the same line (VAULT_TOKEN=, X-Vault-Token:, vault login).
_LEGACY_VAULT = compile_pattern(r"(?:^|[^A-Za-z0-9_.-])(s\.[A-Za-z0-9]{24})(?:[^A-Za-z0-9_.-]|$)")
_VAULT_CONTEXT = re.compile(r"(?i)vault")
_MIXED = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"))


def _is_mixed(token: str) -> bool:
    """Upper case, lower case and digits: what a random base62 token has and a word has not."""
    return all(p.search(token) for p in _MIXED)


_VAULT = fake_token("hvs.", 92, ALNUM + "_-", seed=101)
_VAULT_SHORT = fake_token("hvs.", 24, ALNUM, seed=102)
_VAULT_LEGACY = fake_token("s.", 24, ALNUM, seed=103)
_TFC = fake_token("", 14, _LOWER_ALNUM, seed=104) + ".atlasv1." + fake_token("", 67, _LOWER_ALNUM,
                                                                              seed=105)
_DOPPLER = fake_token("dp.st.prd.", 43, ALNUM, seed=106)
_DOPPLER_SA = fake_token("dp.sa.", 43, ALNUM, seed=107)
_OP = "ops_eyJ" + fake_token("", 300, BASE64, seed=108)
_DO = fake_token("dop_v1_", 64, _HEX, seed=109)
_GRAFANA = fake_token("glsa_", 32, ALNUM, seed=110) + "_" + fake_token("", 8, _HEX, seed=111)


class SecretManagerToken(TextRule):
    """## What it does
    Finds tokens of secret managers and infrastructure platforms in any text file: HashiCorp
    Vault service (`hvs.`) and batch (`hvb.`) tokens, legacy Vault tokens (`s.` plus 24
    characters, only with "vault" on the same line), Terraform Cloud/Enterprise API tokens
    (`.atlasv1.`), Doppler personal, CLI, service, service-account, SCIM and audit tokens
    (`dp.pt.`, `dp.ct.`, `dp.st.`, `dp.sa.`, ...), 1Password service-account tokens (`ops_eyJ`),
    DigitalOcean tokens (`dop_v1_`, `doo_v1_`, `dor_v1_`), Grafana service-account and Cloud
    tokens (`glsa_`, `glc_`) and Pulumi access tokens (`pul-`). References such as
    `$(vault write ...)` or `${VAULT_TOKEN}` never match.

    ## Why is this bad?
    These tokens are the keys to the other keys: a Vault or Doppler token reads every secret its
    policy allows, a Terraform Cloud token reads state files full of credentials and plans
    with the workspace's cloud access. Their expiry is chosen when they are created and is
    often "never" (root, periodic and orphan Vault tokens; tokens without an expiry date), so
    a leaked one keeps opening the vault for as long as nobody revokes it (OWASP NHI2 Secret
    Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```bash
    export VAULT_TOKEN=hvs.CAESIJ...
    export DOPPLER_TOKEN=dp.st.prd.Xw...
    ```

    Use instead:
    ```bash
    # a short-lived Vault token from the CI job's own identity (JWT auth), nothing stored
    export VAULT_TOKEN="$(vault write -field=token auth/jwt/login role=ci jwt="$CI_JOB_JWT_V2")"
    ```

    ## References
    - Vault token types and prefixes: https://developer.hashicorp.com/vault/docs/concepts/tokens
    - Vault JWT/OIDC auth for CI: https://developer.hashicorp.com/vault/docs/auth/jwt
    - Terraform Cloud dynamic provider credentials: https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials
    - Doppler service accounts and identities: https://docs.doppler.com/docs/service-accounts
    - gitleaks rules `vault-service-token`, `vault-batch-token`, `hashicorp-tf-api-token`,
      `doppler-api-token`, `1password-service-account-token`, `digitalocean-pat`,
      `grafana-service-account-token`, `pulumi-api-token`: https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml
    """

    META = RuleMeta(
        id=_RULE,
        name="secret-manager-token",
        summary="Secret-manager or platform token (Vault, Terraform Cloud, Doppler, 1Password, "
        "DigitalOcean, Grafana, Pulumi) in a file",
        category=Category.STATIC_SECRET,
        severity=Severity.CRITICAL,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Revoke the token (for Vault: `vault token revoke -accessor`) and authenticate to the "
        "secret manager with the workload's own identity (Vault JWT or Kubernetes auth, Terraform "
        "Cloud dynamic credentials, OIDC service-account identities).",
        kinds=ALL_KINDS,
        # The formats' anchors, and "vault" for legacy tokens, which need it on their line.
        triggers=(*catalogue.triggers(_RULE), "vault"),
    )

    VALID = [
        Valid('VAULT_TOKEN=$(vault write -field=token auth/jwt/login role=ci jwt="$CI_JWT")\n'
              "DOPPLER_TOKEN=${DOPPLER_TOKEN}\n", path="scripts/deploy.sh"),
        Valid('vault:\n  token: "{{ vault_token }}"\n  addr: https://vault.internal:8200\n',
              path="deploy/values.yaml"),
        Valid('token = os.environ["VAULT_TOKEN"]  # looks like hvs.XXXXXXXXXXXXXXXXXXXXXXXX\n',
              path="app/settings.py"),
        Valid("DOPPLER_TOKEN=dp.st.dev.changeme\nVAULT_TOKEN=hvs.<your-token>\n",
              path=".env.example"),
        # "s." plus 24 characters without "vault" nearby is not a Vault token; nor is a word.
        Valid(f"session = {_VAULT_LEGACY}\nnote: vault s.abcdefghijklmnopqrstuvwx\n",
              path="notes.txt"),
        # Dev-server root token given by name, and a Vault response accessor (not a token).
        Valid("VAULT_DEV_ROOT_TOKEN_ID=root\naccessor: hvs.accessor\n", path="docker/.env"),
    ]
    INVALID = [
        Invalid(f"export VAULT_TOKEN={_VAULT}  # expect: LLC-SRC-010\n", path="scripts/ci.sh"),
        Invalid(f'client = hvac.Client(url=URL, token="{_VAULT_SHORT}")  # expect: LLC-SRC-010\n'
                f'headers = {{"X-Vault-Token": "{_VAULT_LEGACY}"}}  # expect: LLC-SRC-010\n',
                path="app/vault.py"),
        Invalid(f'credentials "app.terraform.io" {{\n'
                f'  token = "{_TFC}"  # expect: LLC-SRC-010\n}}\n', path=".terraformrc"),
        Invalid(f"env:\n  DOPPLER_TOKEN: {_DOPPLER}  # expect: LLC-SRC-010\n"
                f"  DOPPLER_SA: {_DOPPLER_SA}  # expect: LLC-SRC-010\n"
                f"  OP_SERVICE_ACCOUNT_TOKEN: {_OP}  # expect: LLC-SRC-010\n",
                path="deploy/values.yaml"),
        Invalid(f'{{\n  "do_token": "{_DO}",\n  "grafana": "{_GRAFANA}"\n}}\n',
                path="config/platform.json", lines=(2, 3)),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        for compiled in catalogue.formats(_RULE):  # compiled on first use, then cached
            fmt, pattern = compiled.format, compiled.pattern
            for match in pattern.finditer(text):
                token = match.group(1)
                if self.context.is_placeholder(token):
                    continue
                if len(token) < fmt.mixed_below and not _is_mixed(token.split(".", 1)[1]):
                    continue
                self._found(Span(match.start(1), match.end(1)), fmt.label, token, fmt.severity)
        if "s." not in text:
            return
        for match in _LEGACY_VAULT.finditer(text):
            token = match.group(1)
            line = doc.line_text(doc.position(match.start(1))[0])
            if not _VAULT_CONTEXT.search(line) or not _is_mixed(token[2:]):
                continue
            if self.context.is_placeholder(token):
                continue
            self._found(Span(match.start(1), match.end(1)), "Legacy HashiCorp Vault token",
                        token, Severity.CRITICAL)

    def _found(self, span: Span, label: str, token: str, severity: Severity) -> None:
        self.report(
            span,
            f"{label} in a file: it opens every secret or resource its policy reaches, and its "
            "expiry was chosen at creation (often never), so it works until someone revokes it.",
            lifetime=Lifetime.unknown(),
            value=token,
            severity=severity,
        )
