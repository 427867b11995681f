"""LLC-GHA-007: hashicorp/vault-action authenticating with a stored token or secret."""

from __future__ import annotations

from scanner.api import (
    Category,
    CiRule,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    credentials,
)
from scanner.api.ci.github_actions import (
    STANDING,
    Origin,
    entry,
    federated_note,
    given,
    lives,
    origin,
    where,
)

_ACTION = "hashicorp/vault-action"
_TOKEN = credentials.by_id("vault-token")
#: Auth method -> the input holding its standing secret. All of them live until revoked
#: (`jwtPrivateKey` is a key the workflow signs its own JWTs with, instead of GitHub's OIDC).
_SECRETS: dict[str, str] = {
    "token": "token",
    "approle": "secretId",
    "userpass": "password",
    "ldap": "password",
    "github": "githubToken",
    "jwt": "jwtPrivateKey",
    "cert": "clientKey",  # TLS certificate auth: the client key is the credential
}
_WHAT = {
    "token": "a Vault token",
    "approle": "an AppRole secret ID",
    "userpass": "a userpass password",
    "ldap": "an LDAP password",
    "github": "a GitHub personal access token (Vault's github auth)",
    "jwt": "a stored private key that signs its own JWTs",
    "cert": "a stored TLS client key (cert auth)",
}

_JWT = """\
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: hashicorp/vault-action@v3
        with:
          url: https://vault.example.com:8200
          method: jwt
          role: deploy
          jwtGithubAudience: https://vault.example.com
          secrets: secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID
"""


class VaultActionStaticAuth(CiRule):
    """## What it does
    Flags `hashicorp/vault-action` authenticating with a standing secret: `token` (the
    default `method: token`), `method: approle` with `secretId`, `method: userpass` or
    `ldap` with `password`, `method: github` with `githubToken` (a personal access token),
    `method: jwt` with `jwtPrivateKey` (the workflow signs its own JWTs with a stored key
    instead of using GitHub's OIDC token), and `method: cert` with `clientKey`. The secret
    from `secrets.*`, a variable or an input is high; a literal is critical. `roleId` alone
    is an identifier and is not reported.

    It stays quiet on `method: jwt` with a `role` (GitHub OIDC), on `kubernetes`, `aws`,
    `gcp` and `azure` methods (the runner's own identity), on a token computed during the run
    (minted by an earlier OIDC login), on the job's own `GITHUB_TOKEN` for github auth, and on
    commented-out steps. A job with `if: false` is still reported.

    ## Why is this bad?
    A Vault token stored for CI is periodic, orphan or long-TTL by construction (a root token
    never expires), and an AppRole secret ID lives forever unless the role sets
    `secret_id_ttl`: the key to every other secret the role can read, copied into GitHub.
    Vault's JWT auth accepts the job's GitHub OIDC token instead, bound to the repository's
    claims, and returns a token that lives minutes (OWASP NHI6 Insecure Cloud Deployment
    Configurations, NHI7 Long-Lived Secrets).

    ## Example
    ```yaml
    - uses: hashicorp/vault-action@v3
      with:
        url: https://vault.example.com:8200
        token: ${{ secrets.VAULT_TOKEN }}
        secrets: secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID
    ```

    Use instead:
    ```yaml
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: hashicorp/vault-action@v3
        with:
          url: https://vault.example.com:8200
          method: jwt
          role: deploy
          secrets: secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID
    ```

    ## References
    - hashicorp/vault-action, authentication methods and inputs: https://github.com/hashicorp/vault-action
    - Vault, JWT/OIDC auth with GitHub Actions: https://developer.hashicorp.com/vault/tutorials/app-integration/github-actions
    - Vault, AppRole `secret_id_ttl`: https://developer.hashicorp.com/vault/api-docs/auth/approle
    """

    META = RuleMeta(
        id="LLC-GHA-007",
        name="vault-action-static-auth",
        summary="hashicorp/vault-action authenticating with a static token or AppRole secret",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Enable Vault's JWT auth for GitHub's issuer, bind a role to the repository's "
        "claims (`bound_claims`, `bound_audiences`) with a token TTL of minutes, and use "
        "`method: jwt` with `role` under `permissions: id-token: write`.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=(_ACTION,),
    )

    VALID = [
        Valid(_JWT),
        # A token minted by an earlier OIDC login, and AWS auth from the runner's role.
        Valid(
            "jobs:\n  a:\n    runs-on: [self-hosted, aws]\n    steps:\n"
            "      - id: login\n        run: ./vault-oidc-login.sh\n"
            "      - uses: hashicorp/vault-action@v3\n        with:\n"
            "          url: ${{ vars.VAULT_ADDR }}\n"
            "          token: ${{ steps.login.outputs.token }}\n"
            "          secrets: secret/data/app key\n"
            "      - uses: hashicorp/vault-action@v3\n        with:\n"
            "          url: ${{ vars.VAULT_ADDR }}\n          method: aws\n          role: ci\n"
            "          secrets: secret/data/app key\n"
        ),
        # AppRole with only its role id, and the old token step commented out.
        Valid(
            "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: hashicorp/vault-action@v2\n        with:\n"
            "          url: https://vault.example.com\n          method: approle\n"
            "          roleId: ${{ secrets.VAULT_ROLE_ID }}\n"
            "          # secretId: ${{ secrets.VAULT_SECRET_ID }}\n"
            "          secrets: secret/data/app key\n"
        ),
    ]
    INVALID = [
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: hashicorp/vault-action@v3\n        with:\n"
            "          url: https://vault.example.com:8200\n"
            "          token: ${{ secrets.VAULT_TOKEN }}  # expect: LLC-GHA-007\n"
            "          secrets: secret/data/ci/aws accessKey | AWS_ACCESS_KEY_ID\n"
        ),
        # AppRole with its secret ID, in a job that is switched off.
        Invalid(
            "jobs:\n  deploy:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: HashiCorp/Vault-Action@v2.8.0\n        with:\n"
            "          url: https://vault.example.com\n          method: AppRole\n"
            "          roleId: ${{ secrets.VAULT_ROLE_ID }}\n"
            "          secretId: ${{ secrets.VAULT_SECRET_ID }}  # expect: LLC-GHA-007\n"
            "          secrets: secret/data/app key\n"
        ),
        # userpass with a literal password, and github auth with a stored PAT.
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: hashicorp/vault-action@v3\n        with:\n"
            "          url: https://vault.example.com\n          method: userpass\n"
            "          username: ci\n"
            "          password: Tr0ub4dor-and-3-horses  # expect: LLC-GHA-007\n"
            "          secrets: secret/data/app key\n"
            "      - uses: hashicorp/vault-action@v3\n        with:\n"
            "          url: https://vault.example.com\n          method: github\n"
            "          githubToken: ${{ secrets.VAULT_GH_PAT }}  # expect: LLC-GHA-007\n"
            "          secrets: secret/data/app key\n"
        ),
    ]

    def check_step(self, step: Step) -> None:
        if step.action() != _ACTION:
            return
        method_entry = entry(step, "method")
        method = ((method_entry.value if method_entry else None) or "token").strip().lower()
        if "${{" in method:
            method = "token"  # unknown at scan time: the token input decides
        if method not in _SECRETS:
            return
        name = _SECRETS[method]
        if not given(step, name):
            return
        value = entry(step, name)
        if value is None:
            return
        found = origin(value, self.context)
        if found is None or found not in STANDING:
            return
        federated = federated_note(step.job)
        lasts = lives(_TOKEN) if method == "token" else "lives until someone revokes it"
        self.report(
            value.key_node,
            f"vault-action authenticates with {_WHAT[method]} from {where(found)}, which "
            f"{lasts}, instead of Vault JWT auth with the job's OIDC token.{federated}",
            lifetime=Lifetime.static(),
            value=value.value if found is Origin.LITERAL else None,
            severity=Severity.CRITICAL if found is Origin.LITERAL else None,
        )
