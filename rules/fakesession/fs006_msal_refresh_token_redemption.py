"""LLC-FS-006: MSAL redeeming a stored refresh token."""

from __future__ import annotations

from scanner.api import (
    Analysis,
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    Reach,
    RuleMeta,
    Severity,
    SinkGatedRule,
    SinkKind,
    Valid,
    is_placeholder_literal,
    minted_clause,
    related,
    sink_source,
)


class MsalRefreshTokenRedemption(SinkGatedRule):
    """## What it does
    Flags MSAL's `acquire_token_by_refresh_token(refresh_token, scopes)` when the refresh
    token is a literal or static configuration: a constant, an environment variable, pydantic
    or Django settings, a file, the keyring, a secret read once, or a parameter whose every
    caller in the module passes one of these. Refresh tokens from a sign-in that just happened
    or from a caller we cannot see are not reported. Inside an endless loop or scheduler the
    finding is `high` (LLC-FS-002 or LLC-FS-003 reports the loop itself).

    ## Why is this bad?
    MSAL offers this method to migrate refresh tokens obtained elsewhere into its cache, not
    as a steady-state credential. A stored Microsoft refresh token is a person's delegated
    grant: whoever copies it gets that person's access for as long as the grant lives, and
    each redemption extends it (OWASP NHI7 Long-Lived Secrets, NHI4 Insecure Authentication).

    ## Example
    ```python
    app.acquire_token_by_refresh_token(
        os.environ["AAD_RT"], scopes=["https://graph.microsoft.com/.default"]
    )
    ```

    Use instead:
    ```python
    from azure.identity import ManagedIdentityCredential  # or WorkloadIdentityCredential

    token = ManagedIdentityCredential().get_token("https://graph.microsoft.com/.default")
    ```

    ## References
    - MSAL Python, `acquire_token_by_refresh_token`: https://msal-python.readthedocs.io/en/latest/#msal.ClientApplication.acquire_token_by_refresh_token
    - Microsoft Entra workload identity federation: https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation
    - OWASP NHI7:2025 Long-Lived Secrets; NHI4:2025 Insecure Authentication
    """

    META = RuleMeta(
        id="LLC-FS-006",
        name="msal-refresh-token-redemption",
        summary="MSAL refresh-token redemption from a stored refresh token",
        category=Category.FAKE_SESSION,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI4"),
        fix="Use a managed identity or workload identity federation (a `client_assertion` read "
        "from `AZURE_FEDERATED_TOKEN_FILE`) instead of a stored refresh token.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("acquire_token_by_refresh_token",),
    )

    VALID = [
        # The catalogue's negative: MSAL's own cache for an interactively signed-in user.
        Valid(
            "import msal\n"
            "app = msal.PublicClientApplication(CID, authority=AUTH)\n"
            "accounts = app.get_accounts()\n"
            "result = app.acquire_token_silent(SCOPES, account=accounts[0])\n"
            "# acquire_token_by_refresh_token is only mentioned in this comment\n"
        ),
        # The refresh token of a sign-in that just happened, not a stored one.
        Valid(
            "import msal\n"
            "app = msal.ConfidentialClientApplication(CID, client_credential=CERT)\n"
            "def callback(code):\n"
            "    result = app.acquire_token_by_authorization_code(code, SCOPES)\n"
            '    return app.acquire_token_by_refresh_token(result["refresh_token"], SCOPES)\n'
        ),
        # A migration helper whose refresh token is a parameter nobody in the module passes.
        Valid(
            "def migrate(app, legacy_refresh_token):\n"
            "    return app.acquire_token_by_refresh_token(legacy_refresh_token, SCOPES)\n"
        ),
        # rules.md 2.3.5: test code is only `info`.
        Valid(
            "import os, msal\n"
            "def test_redeem():\n"
            "    app = msal.PublicClientApplication(CID)\n"
            '    assert app.acquire_token_by_refresh_token(os.environ["RT"], SCOPES)\n',
            path="tests/test_msal.py",
        ),
    ]
    INVALID = [
        Invalid(
            "import os, msal\n"
            "app = msal.PublicClientApplication(CID, authority=AUTH)\n"
            "app.acquire_token_by_refresh_token(  # expect: LLC-FS-006\n"
            '    os.environ["AAD_RT"], scopes=["https://graph.microsoft.com/.default"])\n'
        ),
        # Aliased import, the refresh token in a JSON file read by a helper.
        Invalid(
            "import json\n"
            "from msal import ConfidentialClientApplication as CCA\n"
            "def stored_refresh_token():\n"
            '    with open("/var/lib/mailer/aad.json") as fh:\n'
            '        return json.load(fh)["refresh_token"]\n'
            "app = CCA(CID, client_credential=SECRET, authority=AUTH)\n"
            "tok = app.acquire_token_by_refresh_token(stored_refresh_token(), SCOPES)  "
            "# expect: LLC-FS-006\n"
        ),
        # pydantic settings (environment), redeemed in an endless loop: high.
        Invalid(
            "import time, msal\n"
            "from pydantic_settings import BaseSettings\n"
            "class Settings(BaseSettings):\n"
            "    aad_refresh_token: str\n"
            "settings = Settings()\n"
            "app = msal.PublicClientApplication(CID)\n"
            "while True:\n"
            "    tok = app.acquire_token_by_refresh_token(  # expect: LLC-FS-006\n"
            "        settings.aad_refresh_token, scopes=SCOPES)\n"
            '    time.sleep(tok["expires_in"] - 120)\n'
        ),
        # Held on `self`, set from the module's only construction, from the keyring.
        Invalid(
            "import keyring, msal\n"
            "class Mailer:\n"
            "    def __init__(self, refresh_token):\n"
            "        self.app = msal.PublicClientApplication(CID)\n"
            "        self.refresh_token = refresh_token\n"
            "    def token(self):\n"
            "        return self.app.acquire_token_by_refresh_token(  # expect: LLC-FS-006\n"
            "            self.refresh_token, SCOPES)\n"
            'mailer = Mailer(keyring.get_password("mailer", "aad-refresh-token"))\n'
        ),
    ]

    def check(self, analysis: Analysis) -> None:
        for sink in analysis.sinks:
            if sink.kind is not SinkKind.MSAL_REFRESH:
                continue
            source = sink_source(self.doc, sink, None)
            if not source.stored or is_placeholder_literal(source, self.context.is_placeholder):
                continue
            keep = analysis.keep_alive_for(sink.call)
            severity = Severity.HIGH if keep is not None else None
            message = (
                "MSAL redeems a stored refresh token "
                f"({source.description}): a person's delegated grant is the workload's "
                "standing credential, and whoever copies it gets the same access"
                + minted_clause([sink])
                + (f"; {keep.how} redeems it for ever." if keep is not None else ".")
            )
            self.report(
                sink.call,
                message,
                lifetime=Lifetime.never() if keep is not None else Lifetime.unknown(),
                severity=Severity.INFO if self.doc.is_test_code else severity,
                related=related([Reach(sink, source)], keep, sink.call, sinks=False),
                secrets=[source.value] if source.value else [],
            )
