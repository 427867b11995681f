"""LLC-FS-001: a refresh-token grant redeemed from a stored refresh token."""

from __future__ import annotations

from scanner.api import (
    ALNUM,
    FS001_KINDS,
    Analysis,
    Category,
    CredentialClass,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    Reach,
    RuleMeta,
    Severity,
    SinkGatedRule,
    Valid,
    fake_token,
    is_placeholder_literal,
    minted_clause,
    related,
    sink_source,
)

# A Google-style user refresh token, built at import time (catalogue 0.4).
_RT = "1//0g" + fake_token("", 60, ALNUM + "-_", seed=11)


class StoredRefreshTokenGrant(SinkGatedRule):
    """## What it does
    Flags an OAuth refresh-token grant whose refresh token is stored by the workload itself:
    an HTTP POST (`requests`, `httpx`, `aiohttp`, `urllib`) with
    `{"grant_type": "refresh_token", "refresh_token": ...}`, requests-oauthlib or authlib
    `OAuth2Session.refresh_token(...)` / `fetch_token(grant_type="refresh_token")` (or the
    session's seeded `token`, authlib's `ensure_active_token`), Slack's
    `oauth_v2_access(grant_type="refresh_token")` and `tooling_tokens_rotate`, auth0-python's
    `GetToken.refresh_token`, python-keycloak's `KeycloakOpenID.refresh_token` and spotipy's
    `refresh_access_token` (the mint-operation table, `libraries/sinks.py`, names the rows and
    what each mints for how long; an urlencoded body string counts as much as a dict). The
    refresh token must come from a literal or static configuration: a module constant, an
    environment variable, a settings module, a file
    (`json.load(open(...))`), the keyring or a secret read once. Names, `self.x` attributes,
    dict fields, this module's helper functions and, for parameters, every call of the
    function in the module are followed; a refresh token from the current request's session,
    a caller we cannot see or a previous response is left alone. Google and MSAL refresh
    tokens have their own rules (LLC-FS-005, LLC-FS-006). Findings in test code are `info`.

    ## Why is this bad?
    A refresh token is a user's delegated grant. Kept in an environment variable or a file, it
    becomes the machine's standing credential: the access tokens it mints expire in minutes,
    but whoever copies the refresh token can mint them for as long as the grant lives, often
    months or for ever with sliding expiry, and a human's access is being used by a machine
    (OWASP NHI7 Long-Lived Secrets, NHI10 Human Use of NHI).

    ## Example
    ```python
    import os
    import requests

    REFRESH_TOKEN = os.environ["CRM_REFRESH_TOKEN"]

    def access_token():
        r = requests.post(TOKEN_URL, data={"grant_type": "refresh_token",
                                           "refresh_token": REFRESH_TOKEN,
                                           "client_id": CID, "client_secret": CSECRET})
        return r.json()["access_token"]
    ```

    Use instead:
    ```python
    from azure.identity import DefaultAzureCredential  # or workload identity, IMDS, ...

    credential = DefaultAzureCredential()

    def access_token():
        return credential.get_token("https://crm.example.com/.default").token
    ```

    ## References
    - RFC 6749 section 6, refreshing an access token: https://www.rfc-editor.org/rfc/rfc6749#section-6
    - OAuth 2.0 Security Best Current Practice, refresh tokens: https://www.rfc-editor.org/rfc/rfc9700#section-4.14
    - OWASP NHI7:2025 Long-Lived Secrets; NHI10:2025 Human Use of NHI
    """

    META = RuleMeta(
        id="LLC-FS-001",
        name="stored-refresh-token-grant",
        summary="Refresh-token grant from a stored refresh token",
        category=Category.FAKE_SESSION,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI10"),
        fix="Give the workload its own identity (managed identity, workload identity federation "
        "or client credentials with a federated assertion); if a user grant is unavoidable, keep "
        "the refresh token in a vault with rotation and revocation and cap its absolute lifetime.",
        kinds=frozenset({FileKind.PYTHON}),
        # Every sink this rule knows spells `refresh_token` (the grant type, the keyword or
        # the method), but spotipy's `refresh_access_token` and authlib's `ensure_active_token`.
        triggers=("refresh_token", "refresh_access_token", "ensure_active_token"),
    )

    VALID = [
        # rules.md 2.3.4: a web app refreshing the signed-in user's own session token.
        Valid(
            "from flask import session\n"
            "import requests\n"
            "def refresh_view():\n"
            '    rt = session["refresh_token"]\n'
            '    r = requests.post(TOKEN_URL, data={"grant_type": "refresh_token", '
            '"refresh_token": rt})\n'
            '    session["access_token"] = r.json()["access_token"]\n'
        ),
        # Library code: the refresh token is a constructor parameter nobody in the module sets.
        Valid(
            "import requests\n"
            "class CrmClient:\n"
            "    def __init__(self, refresh_token):\n"
            "        self._refresh_token = refresh_token\n"
            "    def _renew(self):\n"
            "        body = {'grant_type': 'refresh_token', 'refresh_token': self._refresh_token}\n"
            "        return requests.post(self.token_url, data=body).json()\n"
        ),
        # A placeholder is not a credential.
        Valid(
            "import requests\n"
            'requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": "<your-refresh-token>"})\n'
        ),
        # rules.md 2.3.5: test code is reported at `info` only.
        Valid(
            "import os, requests\n"
            "def test_refresh():\n"
            '    rt = os.environ["TEST_REFRESH_TOKEN"]\n'
            '    requests.post(URL, data={"grant_type": "refresh_token", "refresh_token": rt})\n',
            path="tests/test_refresh.py",
        ),
        # The refresh token of a login that just happened (not stored), and a client-credentials
        # grant (no refresh token at all: LLC-FS-002 covers it inside a loop).
        Valid(
            "import requests\n"
            "def login(user, password):\n"
            '    tok = requests.post(URL, data={"grant_type": "password", "username": user, '
            '"password": password}).json()\n'
            '    return requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": tok["refresh_token"]}).json()\n'
            'requests.post(URL, data={"grant_type": "client_credentials", '
            '"client_secret": SECRET})\n'
        ),
        # Google and MSAL refresh tokens belong to LLC-FS-005 and LLC-FS-006.
        Valid(
            "import os, msal\n"
            "app = msal.PublicClientApplication(CID)\n"
            'app.acquire_token_by_refresh_token(os.environ["AAD_RT"], scopes=S)\n'
        ),
    ]
    INVALID = [
        # An urlencoded body string POSTed by aiohttp to Xero's token endpoint; spotipy.
        Invalid(
            "import os\n"
            "import aiohttp\n"
            'RT = os.environ["XERO_REFRESH_TOKEN"]\n'
            "async def renew(session: aiohttp.ClientSession):\n"
            '    body = "grant_type=refresh_token&refresh_token=" + RT\n'
            "    return await session.post(XERO_TOKEN_URL, data=body)  # expect: LLC-FS-001\n"
            "from spotipy.oauth2 import SpotifyOAuth\n"
            "from app.settings import SPOTIFY_REFRESH_TOKEN as SAVED\n"
            "tok = SpotifyOAuth(CID, CS, CB).refresh_access_token(SAVED)  # expect: LLC-FS-001\n"
        ),
        Invalid(
            "import os\n"
            "import requests\n"
            'REFRESH_TOKEN = os.environ["CRM_REFRESH_TOKEN"]\n'
            "def access_token():\n"
            '    r = requests.post(TOKEN_URL, data={"grant_type": "refresh_token",  '
            "# expect: LLC-FS-001\n"
            '                                       "refresh_token": REFRESH_TOKEN,\n'
            '                                       "client_id": CID, "client_secret": CS})\n'
            '    return r.json()["access_token"]\n'
        ),
        # Aliased httpx, the form built up over two statements, the token from a JSON file.
        Invalid(
            "import json\n"
            "import httpx as hx\n"
            'with open("/etc/crm/oauth.json") as fh:\n'
            "    CREDS = json.load(fh)\n"
            "def token():\n"
            '    form = {"grant_type": "refresh_token", "client_id": CREDS["client_id"]}\n'
            '    form["refresh_token"] = CREDS["refresh_token"]\n'
            '    return hx.post(URL, data=form).json()["access_token"]  # expect: LLC-FS-001\n'
        ),
        # A literal refresh token through an aliased requests-oauthlib session (high).
        Invalid(
            "from requests_oauthlib import OAuth2Session as Sess\n"
            f'RT = "{_RT}"\n'
            "oauth = Sess(CLIENT_ID)\n"
            "tok = oauth.refresh_token(TOKEN_URL, refresh_token=RT)  # expect: LLC-FS-001\n"
        ),
        # The parameter is followed to the module's only caller, which reads the keyring.
        Invalid(
            "import keyring\n"
            "from urllib import parse, request\n"
            "def redeem(rt):\n"
            '    body = parse.urlencode({"grant_type": "refresh_token", "refresh_token": rt})\n'
            "    return request.urlopen(request.Request(URL, data=body.encode()))  "
            "# expect: LLC-FS-001\n"
            'redeem(keyring.get_password("crm", "refresh-token"))\n'
        ),
        # Slack token rotation, with the refresh token from the environment.
        Invalid(
            "import os\n"
            "from slack_sdk import WebClient\n"
            "resp = WebClient().oauth_v2_access(  # expect: LLC-FS-001\n"
            '    client_id=CID, client_secret=CS, grant_type="refresh_token",\n'
            '    refresh_token=os.getenv("SLACK_REFRESH_TOKEN"))\n'
        ),
        # authlib's fetch_token with a refresh grant, the token from Django settings.
        Invalid(
            "from django.conf import settings\n"
            "from authlib.integrations.requests_client import OAuth2Session\n"
            "client = OAuth2Session(settings.CRM_CLIENT_ID, settings.CRM_CLIENT_SECRET)\n"
            "token = client.fetch_token(URL, grant_type='refresh_token',  # expect: LLC-FS-001\n"
            "                           refresh_token=settings.CRM_REFRESH_TOKEN)\n"
        ),
    ]

    def check(self, analysis: Analysis) -> None:
        for sink in analysis.sinks:
            if sink.kind not in FS001_KINDS:
                continue
            source = sink_source(self.doc, sink, None)
            if not source.stored or is_placeholder_literal(source, self.context.is_placeholder):
                continue
            keep = analysis.keep_alive_for(sink.call)
            severity = Severity.HIGH if source.kind is CredentialClass.LITERAL else None
            if self.doc.is_test_code:
                severity = Severity.INFO
            message = (
                f"Refresh-token grant from a stored {sink.kind.label} ({source.description}): "
                "the workload keeps a user-delegated grant as its standing credential, so "
                "whoever copies it can mint access tokens for as long as the grant lives"
                + minted_clause([sink])
                + (f", and {keep.how} repeats it for ever." if keep is not None else ".")
            )
            secrets = [source.value] if source.value else []
            self.report(
                sink.call,
                message,
                lifetime=Lifetime.never() if keep is not None else Lifetime.unknown(),
                severity=severity,
                related=related([Reach(sink, source)], keep, sink.call, sinks=False),
                secrets=secrets,
            )
