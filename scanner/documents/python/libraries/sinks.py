"""The ``SINKS`` table: every library call the fake-session analysis treats as a token sink.

One row per library call (rules.md 2.2 A). To teach the analysis a new sink, add its finder to
that library's module and one row here; the gate (``might_be_sink``) follows from the table.
"""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries import aws, github, google, http, msal, oauth, slack, vault
from scanner.documents.python.libraries.model import Sink, SinkKind, SinkSpec
from scanner.documents.python.view import DocumentView

K = SinkKind
SINKS: tuple[SinkSpec, ...] = (
    SinkSpec(
        "requests, httpx, urllib",
        frozenset({"post", "request", "Request", "urlopen"}),
        frozenset({K.REFRESH_GRANT, K.CLIENT_SECRET, K.PASSWORD, K.GITHUB_APP}),
        "an OAuth token request (grant_type refresh_token, client_credentials or password); "
        "a POST to GitHub's /app/installations/{id}/access_tokens with an RS256 App JWT",
        http.grant_sink,
        body=True,
    ),
    SinkSpec(
        "requests-oauthlib, authlib",
        frozenset({"refresh_token", "fetch_token", "fetch_access_token"}),
        frozenset({K.OAUTH_REFRESH, K.PASSWORD, K.CLIENT_SECRET}),
        "a session's refresh_token() or fetch_token() with a refresh token, password or secret",
        oauth.session_sink,
    ),
    SinkSpec(
        "google-auth",
        frozenset({"refresh"}),
        frozenset({K.GOOGLE_REFRESH}),
        "Credentials(refresh_token=...).refresh(request): a stored user refresh token",
        google.refresh_sink,
    ),
    SinkSpec(
        "msal",
        frozenset({"acquire_token_by_refresh_token"}),
        frozenset({K.MSAL_REFRESH}),
        "a stored Microsoft refresh token redeemed",
        msal.refresh_token_sink,
    ),
    SinkSpec(
        "msal",
        frozenset({"acquire_token_for_client"}),
        frozenset({K.MSAL_CLIENT}),
        "client credentials of a ConfidentialClientApplication (secret or certificate key)",
        msal.client_sink,
    ),
    SinkSpec(
        "boto3",
        frozenset({"get_session_token", "get_federation_token", "assume_role"}),
        frozenset({K.STS_KEY}),
        "an STS session from a client built with an explicit IAM-user key",
        aws.sts_sink,
    ),
    SinkSpec(
        "hvac",
        frozenset({"renew_self", "renew_self_token", "renew_token", "renew"}),
        frozenset({K.VAULT_RENEW}),
        "a Vault token renewed (auth.token.renew_self and friends)",
        vault.renew_sink,
    ),
    SinkSpec(
        "hvac",
        frozenset({"login", "auth_approle", "auth_userpass"}),
        frozenset({K.VAULT_LOGIN}),
        "a Vault login with a stored AppRole secret id or password",
        vault.login_sink,
    ),
    SinkSpec(
        "slack-sdk",
        frozenset({"oauth_v2_access"}),
        frozenset({K.SLACK_REFRESH}),
        "oauth.v2.access with grant_type refresh_token",
        slack.oauth_v2_access_sink,
    ),
    SinkSpec(
        "slack-sdk",
        frozenset({"tooling_tokens_rotate"}),
        frozenset({K.SLACK_REFRESH}),
        "tooling.tokens.rotate with a configuration refresh token",
        slack.tokens_rotate_sink,
    ),
    SinkSpec(
        "PyGithub",
        frozenset({"get_access_token"}),
        frozenset({K.GITHUB_APP}),
        "GithubIntegration(app_id, private_key).get_access_token",
        github.integration_sink,
    ),
)

#: Method names of every sink: a file none of whose calls uses one has no sink, and the
#: analysis (which needs the full name index) is skipped.
SINK_METHODS = frozenset(m for spec in SINKS for m in spec.methods)
_BODY_ROWS = tuple(spec for spec in SINKS if spec.body)
#: Each method name belongs to one method row: the first answer is the only one.
_BY_METHOD = {m: spec for spec in SINKS if not spec.body for m in spec.methods}


def might_be_sink(doc: DocumentView, call: cst.Call) -> bool:
    """A cheap test on the method name (imports only, no name index) before the analysis."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value in SINK_METHODS
    return any(n.rsplit(".", 1)[-1] in SINK_METHODS for n in doc.qualified_names(func))


def find_sink(doc: DocumentView, call: cst.Call) -> Sink | None:
    """The sink ``call`` is, if any: the body rows first (they read the payload of any
    request), then the one row of the called method."""
    method = http.method_of(doc, call)
    for spec in _BODY_ROWS:
        found = spec.find(doc, call, method)
        if found is not None:
            return found
    if method is None or not isinstance(call.func, cst.Attribute):
        return None
    row = _BY_METHOD.get(method)
    return None if row is None else row.find(doc, call, method)
