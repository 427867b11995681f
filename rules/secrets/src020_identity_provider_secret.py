"""LLC-SRC-020: identity provider tokens and OAuth client secrets (Okta, Adobe, ...)."""

from __future__ import annotations

from scanner.api import Invalid, ProviderRule, Valid, fake_token, provider_meta

_RULE = "LLC-SRC-020"
_URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_HEX = "0123456789abcdef"

_OKTA = "00" + fake_token("", 40, _URLSAFE, seed=2001)
_ADOBE = "p8e-" + fake_token("", 32, seed=2002)
_INTRA = "s-s4t2ud-" + fake_token("", 64, _HEX, seed=2003)


class IdentityProviderSecret(ProviderRule):
    """## What it does
    Finds identity-provider credentials in any text file: Okta API tokens (`SSWS 00...` in
    an Authorization header, or a 42-character `00...` value assigned to a name holding
    `okta`; they expire only after 30 days unused), Adobe OAuth client secrets (`p8e-`, no
    expiry) and 42 Intra client secrets (`s-s4t2ud-`, `s-s4t2af-`). Google OAuth client
    secrets (`GOCSPX-`) and refresh tokens (`1//0`) are reported by LLC-SRC-006, Microsoft
    Entra client secrets by LLC-SRC-011.

    The Okta keyword row needs the word `okta` within 25 characters before the assignment,
    so this rule's precision is medium; every other row has a unique prefix.

    ## Why is this bad?
    An identity provider's admin token or client secret mints tokens for people and
    applications: whoever holds it can create users, reset factors or act as the
    application, for as long as the secret is not rotated (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets).

    ## Example
    ```bash
    OKTA_API_TOKEN=00...
    ```

    Use instead:
    ```python
    # an Okta service app: private-key JWT for scoped, one-hour access tokens
    client = OktaClient({"orgUrl": ORG_URL, "authorizationMode": "PrivateKey",
                         "clientId": CLIENT_ID, "scopes": ["okta.users.read"],
                         "privateKey": secret_manager.read("okta/service-app-key")})
    ```

    ## References
    - Okta API tokens: https://developer.okta.com/docs/guides/create-an-api-token/main/
    - Adobe server-to-server credentials: https://developer.adobe.com/developer-console/docs/guides/authentication/ServerToServerAuthentication/implementation
    - gitleaks `okta-access-token`, `adobe-client-secret`, `intra42-client-secret`
    """

    META = provider_meta(
        _RULE, "identity-provider-secret",
        "Identity provider token or OAuth client secret in a file (Okta, Adobe, 42 Intra)",
        "Revoke the token or rotate the client secret; use private-key JWT clients or "
        "workload identity federation, and a secret manager for what must be stored.",
    )

    VALID = [
        Valid('okta_token = os.environ["OKTA_API_TOKEN"]\n', path="app/okta.py"),
        Valid(f"OKTA_API_TOKEN=00{'x' * 40}\nADOBE_CLIENT_SECRET=p8e-<client-secret>\n",
              path=".env.example"),
        # A 00-token with no Okta keyword nearby is not provably Okta's.
        Valid(f"build_id = {_OKTA}\n", path="ci/build.properties"),
    ]
    INVALID = [
        Invalid(f"OKTA_API_TOKEN={_OKTA}  # expect: {_RULE}\n"
                f"ADOBE_CLIENT_SECRET={_ADOBE}  # expect: {_RULE}\n", path=".env"),
        Invalid(f'curl -H "Authorization: SSWS {_OKTA}" https://acme.okta.com/api/v1/users'
                f"  # expect: {_RULE}\n", path="scripts/users.sh"),
        Invalid(f"intra:\n  client_secret: {_INTRA}  # expect: {_RULE}\n", path="config/42.yml"),
    ]
