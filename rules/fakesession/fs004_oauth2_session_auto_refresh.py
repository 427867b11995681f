"""LLC-FS-004: an OAuth2 session that refreshes itself from a stored refresh token."""

from __future__ import annotations

import libcst as cst

from scanner.api import (
    ALNUM,
    OAUTH_SESSION_CLASSES,
    Category,
    CredentialClass,
    CredentialSource,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    Sink,
    Valid,
    auto_session,
    credential_note,
    fake_token,
    is_placeholder_literal,
)

_REQUESTS_OAUTHLIB = frozenset(
    {"requests_oauthlib.OAuth2Session", "requests_oauthlib.oauth2_session.OAuth2Session"}
)
_AUTHLIB_SESSIONS = OAUTH_SESSION_CLASSES

_RT = fake_token("", 48, ALNUM, seed=21)


class Oauth2SessionAutoRefresh(PythonRule):
    """## What it does
    Flags a requests-oauthlib `OAuth2Session(client_id, token=T, auto_refresh_url=U, ...)`, or
    an authlib `OAuth2Session` / `OAuth2Client` / `AsyncOAuth2Client` with `token=T` and a
    `token_endpoint`, when `T` carries a stored refresh token: a dict whose `"refresh_token"`
    is a literal or static configuration, or a token loaded whole from a file, the
    environment or settings (`json.load(open("token.json"))`). Imports under any alias, names,
    `self.x` attributes and helper functions of the module are followed. A token taken from
    the current request's session (an interactive user's own login) is not reported. SDK
    clients that refresh themselves the same way are rows of the mint-operation table
    (`libraries/sinks.py`, kind `AUTO_SESSION`): `dropbox.Dropbox(oauth2_refresh_token=...)`
    and boxsdk's `OAuth2(..., refresh_token=...)`; the finding names what they mint and for
    how long (a Dropbox access token, four hours; a Box access token, one hour).

    ## Why is this bad?
    Such a session refreshes itself on every call made after the access token expires, so it
    is a fake session even without a loop: it lasts as long as the stored refresh token, and
    with a `token_updater` / `update_token` that saves each rotated token, for ever. The
    refresh token is usually a human's delegated grant copied onto a server (OWASP NHI7
    Long-Lived Secrets, NHI10 Human Use of NHI).

    ## Example
    ```python
    token = json.load(open("token.json"))
    s = OAuth2Session(CID, token=token, auto_refresh_url=TOKEN_URL,
                      auto_refresh_kwargs={"client_id": CID, "client_secret": CS},
                      token_updater=save)
    ```

    Use instead:
    ```python
    from oauthlib.oauth2 import BackendApplicationClient  # the service's own identity

    s = OAuth2Session(client=BackendApplicationClient(client_id=CID))
    s.fetch_token(TOKEN_URL, client_assertion=federated_assertion(),
                  client_assertion_type=JWT_BEARER)
    ```

    ## References
    - requests-oauthlib, refreshing tokens: https://requests-oauthlib.readthedocs.io/en/latest/oauth2_workflow.html#refreshing-tokens
    - authlib, auto-update token: https://docs.authlib.org/en/latest/client/oauth2.html#auto-update-token
    - OWASP NHI7:2025 Long-Lived Secrets; NHI10:2025 Human Use of NHI
    """

    META = RuleMeta(
        id="LLC-FS-004",
        name="oauth2-session-auto-refresh",
        summary="OAuth2 auto-refresh session seeded with a stored refresh token",
        category=Category.FAKE_SESSION,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI10"),
        fix="For server-to-server access use the client-credentials grant with a federated "
        "assertion (or managed/workload identity) instead of a copied user refresh token; if a "
        "user grant is required, keep it in a vault and bound its absolute lifetime.",
        kinds=frozenset({FileKind.PYTHON}),
        # What a self-refreshing session needs spelled out: its refresh URL or a refresh token
        # (not the library's name, which every OAuth module imports).
        triggers=("auto_refresh_url", "token_endpoint", "oauth2_refresh_token", "refresh_token"),
    )

    VALID = [
        # A Dropbox client for the user who is signed in, with their own refresh token.
        Valid(
            "import dropbox\n"
            "def client(user):\n"
            "    return dropbox.Dropbox(oauth2_refresh_token=user.dropbox_refresh_token, "
            "app_key=KEY)\n"
        ),
        # rules.md 2.3.4: a Flask view refreshing the signed-in user's own token.
        Valid(
            "from flask import session\n"
            "from requests_oauthlib import OAuth2Session\n"
            "def profile():\n"
            '    s = OAuth2Session(CID, token=session["oauth_token"], '
            "auto_refresh_url=TOKEN_URL,\n"
            "                      token_updater=lambda t: session.update(oauth_token=t))\n"
            '    return s.get(API + "/me").json()\n'
        ),
        # No auto-refresh: the session stops working when the access token expires.
        Valid(
            "import json\n"
            "from requests_oauthlib import OAuth2Session\n"
            'token = json.load(open("token.json"))\n'
            "s = OAuth2Session(CID, token=token)\n"
        ),
        # A token dict without a refresh token cannot refresh, and library code whose token is
        # a parameter is left to its callers.
        Valid(
            "from authlib.integrations.requests_client import OAuth2Session\n"
            's1 = OAuth2Session(CID, CS, token={"access_token": AT, "token_type": "Bearer"},\n'
            "                   token_endpoint=URL)\n"
            "def client_for(token):\n"
            "    return OAuth2Session(CID, CS, token=token, token_endpoint=URL)\n"
        ),
        # A placeholder refresh token in a sample configuration.
        Valid(
            "from requests_oauthlib import OAuth2Session\n"
            's = OAuth2Session(CID, token={"access_token": "", '
            '"refresh_token": "changeme"},\n'
            "                  auto_refresh_url=URL)\n"
        ),
    ]
    INVALID = [
        # A Dropbox client built in a helper from a refresh token the script keeps in a file.
        Invalid(
            "import os\n"
            "import dropbox\n"
            'TOKEN_FILE = os.path.expanduser("~/.dropbox_refresh_token")\n'
            "def client():\n"
            "    with open(TOKEN_FILE) as fh:\n"
            "        rt = fh.read().strip()\n"
            "    return dropbox.Dropbox(oauth2_refresh_token=rt, app_key=KEY, "
            "app_secret=SECRET)  # expect: LLC-FS-004\n"
        ),
        # boxsdk's OAuth2 seeded from a settings module.
        Invalid(
            "from boxsdk import Client, OAuth2\n"
            "from app import settings\n"
            "auth = OAuth2(settings.BOX_ID, settings.BOX_SECRET,  # expect: LLC-FS-004\n"
            "              refresh_token=settings.BOX_REFRESH_TOKEN)\n"
            "box = Client(auth)\n"
        ),
        # The catalogue's example: a token file and a token_updater that saves each rotation.
        Invalid(
            "import json\n"
            "from requests_oauthlib import OAuth2Session\n"
            'token = json.load(open("token.json"))\n'
            "s = OAuth2Session(CID, token=token, auto_refresh_url=TOKEN_URL,  "
            "# expect: LLC-FS-004\n"
            '                  auto_refresh_kwargs={"client_id": CID, "client_secret": CS},\n'
            "                  token_updater=save)\n"
        ),
        # Aliased import, a literal refresh token in a module constant.
        Invalid(
            "import requests_oauthlib as ro\n"
            "TOKEN = {\n"
            '    "access_token": "",\n'
            f'    "refresh_token": "{_RT}",\n'
            '    "expires_in": -30,\n'
            "}\n"
            "crm = ro.OAuth2Session(CID, token=TOKEN, auto_refresh_url=URL)  "
            "# expect: LLC-FS-004\n"
        ),
        # authlib, the refresh token from the environment, held on `self`.
        Invalid(
            "import os\n"
            "from authlib.integrations.requests_client import OAuth2Session as Session\n"
            "class Crm:\n"
            "    def __init__(self):\n"
            '        self.token = {"access_token": "", "refresh_token": os.environ["CRM_RT"]}\n'
            "        self.http = Session(CID, CS, token=self.token, token_endpoint=URL,  "
            "# expect: LLC-FS-004\n"
            "                            update_token=self.save)\n"
        ),
        # authlib's async httpx client, the token read by a helper from a YAML file.
        Invalid(
            "import yaml\n"
            "from authlib.integrations.httpx_client import AsyncOAuth2Client\n"
            "def load_token():\n"
            '    with open("/srv/app/oauth.yaml") as fh:\n'
            '        return yaml.safe_load(fh)["token"]\n'
            "client = AsyncOAuth2Client(CID, CS, token=load_token(), "
            "token_endpoint=URL)  # expect: LLC-FS-004\n"
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        names = self.doc.qualified_names(node.func)
        sink = auto_session(self.doc, node)
        if sink is not None:
            self._report_client(node, sink)
            return
        if names & _REQUESTS_OAUTHLIB:
            # ``doc.argument`` also sees keywords spread from a dict (``**OPTS``).
            refresh_url = self.doc.argument(node, "auto_refresh_url", 2)
            updater = self.doc.argument(node, "token_updater", 8)
            token = self.doc.argument(node, "token", 6)
        elif any(n.startswith("authlib.") and n.endswith(_AUTHLIB_SESSIONS) for n in names):
            refresh_url = self.doc.argument(node, "token_endpoint")
            updater = self.doc.argument(node, "update_token")
            token = self.doc.argument(node, "token")
        else:
            return
        if refresh_url is None or token is None or _is_none(refresh_url):
            return
        source = self._refresh_token(token, node)
        if source is None:
            return
        saved = updater is not None and not _is_none(updater)
        message = (
            f"OAuth2 session auto-refreshes from a stored refresh token ({source.description}): "
            "it renews itself on every call after the access token expires, so the session "
            "lasts as long as the stored grant"
            + (", and the token updater keeps that for ever." if saved else ".")
        )
        self.report(
            node,
            message,
            lifetime=Lifetime.never() if saved else Lifetime.unknown(),
            severity=Severity.INFO if self.doc.is_test_code else None,
            related=(
                [(source.node, credential_note(source, "refresh token"))] if source.node else []
            ),
            secrets=[source.value] if source.value else [],
        )

    def _report_client(self, node: cst.Call, sink: Sink) -> None:
        """An SDK client of the ``SINKS`` table that refreshes itself (Dropbox, Box)."""
        if sink.expr is None:
            return
        source = self.doc.credential_source(sink.expr, sink.at)
        if not source.stored or is_placeholder_literal(source, self.context.is_placeholder):
            return
        message = (
            f"SDK client auto-refreshes from a stored refresh token ({source.description}): "
            f"it mints {sink.minted or 'a fresh access token'} whenever the last one expires, "
            "so the session lasts as long as the stored grant."
        )
        self.report(
            node,
            message,
            lifetime=Lifetime.unknown(),
            severity=Severity.INFO if self.doc.is_test_code else None,
            related=(
                [(source.node, credential_note(source, "refresh token"))] if source.node else []
            ),
            secrets=[source.value] if source.value else [],
        )

    def _refresh_token(self, token: cst.BaseExpression, at: cst.Call) -> CredentialSource | None:
        inner = self.doc.dict_value(token, "refresh_token", at)
        if inner is None:
            value = self.doc.value_of(token, at)
            if value is not token:
                inner = self.doc.dict_value(value, "refresh_token", value)
        if inner is not None:
            source = self.doc.credential_source(inner)
        else:
            source = self.doc.credential_source(token, at)
            if source.kind is CredentialClass.LITERAL:
                return None  # a literal that is not a token dict
        if not source.stored or is_placeholder_literal(source, self.context.is_placeholder):
            return None
        return source


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"
