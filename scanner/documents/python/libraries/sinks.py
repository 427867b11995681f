"""The ``SINKS`` table: every mint operation the fake-session analysis knows, one row each.

A row names a library call that turns a root credential into fresh tokens (rules.md 2.2 A),
what it consumes, what it issues and for how long, and the FS rule that owns a finding on it.
To teach the analysis a new mint operation, add one row: most SDKs need only
``clients.client_sink`` (the client class and the argument that holds the credential); the gate
(``might_be_sink``, ``MINT_TRIGGERS``) follows from the table.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from scanner.documents.python.crossmodule import mint_helper
from scanner.documents.python.libraries import (
    aws,
    github,
    google,
    http,
    kube,
    msal,
    oauth,
    providers,
    slack,
    vault,
)
from scanner.documents.python.libraries.clients import client_sink
from scanner.documents.python.libraries.model import Sink, SinkFinder, SinkKind, SinkSpec
from scanner.documents.python.view import DocumentView

K = SinkKind
_AT = "an OAuth access token"
_FS1, _FS2, _FS4, _FS5, _FS6, _FS7 = (
    "LLC-FS-001",
    "LLC-FS-002",
    "LLC-FS-004",
    "LLC-FS-005",
    "LLC-FS-006",
    "LLC-FS-007",
)


def _row(
    id: str,
    library: str,
    methods: set[str],
    mints: set[SinkKind],
    grant: str,
    find: SinkFinder,
    issues: str,
    lifetime: str,
    consumes: str,
    rule: str,
    triggers: tuple[str, ...],
    body: bool = False,
) -> SinkSpec:
    return SinkSpec(
        id=id,
        library=library,
        methods=frozenset(methods),
        mints=frozenset(mints),
        grant=grant,
        find=find,
        issues=issues,
        lifetime=lifetime,
        consumes=consumes,
        rule=rule,
        triggers=tuple(t.lower() for t in triggers),  # the prefilter reads lower case
        body=body,
    )


_HTTP = {"post", "request", "Request", "urlopen"}
_STS = "an STS session (AccessKeyId, SecretAccessKey, SessionToken)"
_AZ = "an Entra ID access token"
_BOUND = "a bound service-account token"

SINKS: tuple[SinkSpec, ...] = (
    # --- OAuth token endpoints written by hand (any HTTP client; the URL names the provider)
    _row("http.refresh_token_grant", "requests, httpx, aiohttp, urllib, urllib3", _HTTP,
         {K.REFRESH_GRANT}, "POST grant_type=refresh_token", http.grant_sink, _AT, "PT1H",
         "a stored refresh token", _FS1, ("grant_type",), body=True),
    _row("http.client_credentials_grant", "requests, httpx, aiohttp, urllib, urllib3", _HTTP,
         {K.CLIENT_SECRET}, "POST grant_type=client_credentials (body or basic auth)",
         http.grant_sink, _AT, "PT1H", "a client secret", _FS2, ("grant_type",), body=True),
    _row("http.password_grant", "requests, httpx, aiohttp, urllib, urllib3", _HTTP,
         {K.PASSWORD}, "POST grant_type=password (ROPC)", http.grant_sink, _AT, "PT1H",
         "a person's password", _FS2, ("grant_type",), body=True),
    _row("http.jwt_bearer_grant", "requests, httpx, aiohttp, urllib, urllib3", _HTTP,
         {K.JWT_BEARER}, "POST grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with an "
         "assertion signed by a stored private key (RFC 7523)", http.grant_sink, _AT, "PT1H",
         "a private signing key", _FS2, ("jwt-bearer",), body=True),
    _row("http.github_app_installation", "requests, httpx", _HTTP, {K.GITHUB_APP},
         "POST /app/installations/{id}/access_tokens with an RS256 App JWT", http.grant_sink,
         "a GitHub App installation token", "PT1H", "the App's private key", _FS2,
         ("/access_tokens",), body=True),
    # --- OAuth client libraries
    _row("requests_oauthlib.refresh_token", "requests-oauthlib", {"refresh_token"},
         {K.OAUTH_REFRESH}, "OAuth2Session.refresh_token(url, refresh_token=...)",
         oauth.session_sink_of("requests_oauthlib"), _AT, "PT1H", "a stored refresh token",
         _FS1, ("refresh_token",)),
    _row("requests_oauthlib.fetch_token", "requests-oauthlib", {"fetch_token"},
         {K.OAUTH_REFRESH, K.PASSWORD, K.CLIENT_SECRET},
         "OAuth2Session.fetch_token(url, client_secret=... | password=...)",
         oauth.session_sink_of("requests_oauthlib"), _AT, "PT1H",
         "a client secret, password or refresh token", _FS2, ("fetch_token",)),
    _row("authlib.refresh_token", "authlib", {"refresh_token"}, {K.OAUTH_REFRESH},
         "OAuth2Session / AsyncOAuth2Client.refresh_token(url, refresh_token=...)",
         oauth.session_sink_of("authlib"), _AT, "PT1H", "a stored refresh token", _FS1,
         ("refresh_token",)),
    _row("authlib.fetch_token", "authlib", {"fetch_token", "fetch_access_token"},
         {K.OAUTH_REFRESH, K.PASSWORD, K.CLIENT_SECRET},
         "OAuth2Session(client_id, client_secret).fetch_token(url, grant_type=...)",
         oauth.session_sink_of("authlib"), _AT, "PT1H",
         "a client secret, password or refresh token", _FS2, ("fetch_token", "fetch_access_token")),
    _row("authlib.ensure_active_token", "authlib", {"ensure_active_token"}, {K.OAUTH_REFRESH},
         "OAuth2Session(token=...).ensure_active_token(): refresh when expired",
         oauth.ensure_active_sink, _AT, "PT1H", "the seeded refresh token", _FS1,
         ("ensure_active_token",)),
    # --- Google
    _row("google.user_credentials_refresh", "google-auth", {"refresh"}, {K.GOOGLE_REFRESH},
         "Credentials(refresh_token=...) / from_authorized_user_info|file(...).refresh(request)",
         google.refresh_sink, "a Google OAuth access token", "PT1H",
         "a Google user refresh token", _FS5, ("google.oauth2",)),
    _row("google.service_account_refresh", "google-auth", {"refresh"}, {K.GOOGLE_SA_KEY},
         "service_account.Credentials.from_service_account_file|info(...).refresh(request)",
         google.service_account_sink, "a Google OAuth access token", "PT1H",
         "a service-account key (no expiry unless rotated)", _FS2, ("from_service_account_",)),
    # --- Microsoft
    _row("msal.refresh_token", "msal", {"acquire_token_by_refresh_token"}, {K.MSAL_REFRESH},
         "acquire_token_by_refresh_token(rt, scopes)", msal.refresh_token_sink, _AZ, "PT1H",
         "a Microsoft refresh token (90 days, sliding)", _FS6,
         ("acquire_token_by_refresh_token",)),
    _row("msal.client_credentials", "msal", {"acquire_token_for_client"}, {K.MSAL_CLIENT},
         "ConfidentialClientApplication(client_credential=secret|{private_key}).acquire_token_for_client",
         msal.client_sink, _AZ, "PT1H", "a client secret or certificate key", _FS2,
         ("acquire_token_for_client",)),
    _row("msal.username_password", "msal", {"acquire_token_by_username_password"}, {K.PASSWORD},
         "acquire_token_by_username_password(user, password, scopes) (ROPC)",
         msal.username_password_sink, _AZ, "PT1H", "a person's password", _FS2,
         ("acquire_token_by_username_password",)),
    _row("azure_identity.client_secret", "azure-identity", {"get_token", "get_token_info"},
         {K.CLIENT_SECRET}, "ClientSecretCredential(tenant, client_id, secret).get_token(scope)",
         client_sink(["azure.identity.ClientSecretCredential"], K.CLIENT_SECRET, "ctor",
                     ((2, "client_secret"),)),
         _AZ, "PT1H", "a client secret (up to 2 years)", _FS2, ("ClientSecretCredential",)),
    _row("azure_identity.username_password", "azure-identity", {"get_token", "get_token_info"},
         {K.PASSWORD}, "UsernamePasswordCredential(client_id, user, password).get_token(scope)",
         client_sink(["azure.identity.UsernamePasswordCredential"], K.PASSWORD, "ctor",
                     ((2, "password"),)),
         _AZ, "PT1H", "a person's password", _FS2, ("UsernamePasswordCredential",)),
    _row("azure_identity.certificate", "azure-identity", {"get_token", "get_token_info"},
         {K.CERTIFICATE_KEY},
         "CertificateCredential(tenant, client_id, certificate_path|certificate_data).get_token",
         client_sink(["azure.identity.CertificateCredential"], K.CERTIFICATE_KEY, "ctor",
                     ((2, "certificate_path"), (None, "certificate_data")),
                     file="certificate file"),
         _AZ, "PT1H", "a certificate's private key", _FS2, ("CertificateCredential",)),
    # --- AWS STS from an IAM user's key
    _row("boto3.get_session_token", "boto3", {"get_session_token"}, {K.STS_KEY},
         "sts.get_session_token() on a client built with an explicit key", aws.sts_sink, _STS,
         "PT12H", "an IAM user's access key (no expiry)", _FS2, ("aws_secret_access_key",)),
    _row("boto3.get_federation_token", "boto3", {"get_federation_token"}, {K.STS_KEY},
         "sts.get_federation_token(Name=...) on a client built with an explicit key",
         aws.sts_sink, _STS, "PT12H", "an IAM user's access key (no expiry)", _FS2,
         ("aws_secret_access_key",)),
    _row("boto3.assume_role", "boto3", {"assume_role"}, {K.STS_KEY},
         "sts.assume_role(RoleArn=...) on a client or Session built with an explicit key",
         aws.sts_sink, _STS, "PT1H", "an IAM user's access key (no expiry)", _FS2,
         ("aws_secret_access_key",)),
    # --- HashiCorp Vault
    _row("hvac.token_renew", "hvac", {"renew_self", "renew_self_token", "renew_token", "renew"},
         {K.VAULT_RENEW}, "auth.token.renew_self() and friends", vault.renew_sink,
         "the same Vault token, extended", "the token's TTL (periodic: for ever)",
         "a Vault token", _FS7, ("renew_self", "renew_token", "auth.token.renew")),
    _row("hvac.approle_login", "hvac", {"login", "auth_approle"}, {K.VAULT_LOGIN},
         "auth.approle.login(role_id, secret_id)", vault.login_sink_of("approle"),
         "a Vault token", "the role's token_ttl", "an AppRole secret id", _FS2, ("approle",)),
    _row("hvac.userpass_login", "hvac", {"login", "auth_userpass"}, {K.VAULT_LOGIN},
         "auth.userpass.login(username, password)", vault.login_sink_of("userpass"),
         "a Vault token", "the mount's token_ttl", "a Vault password", _FS2, ("userpass",)),
    _row("hvac.ldap_login", "hvac", {"login"}, {K.VAULT_LOGIN},
         "auth.ldap|okta|radius.login(username, password)",
         vault.login_sink_of("ldap", "okta", "radius"), "a Vault token", "the mount's token_ttl",
         "a directory password", _FS2, ("auth.ldap", "auth.okta", "auth.radius")),
    # --- GitHub Apps
    _row("pygithub.integration_access_token", "PyGithub", {"get_access_token"}, {K.GITHUB_APP},
         "GithubIntegration(app_id, key | auth=Auth.AppAuth(...)).get_access_token(id)",
         github.integration_sink, "a GitHub App installation token", "PT1H",
         "the App's private key", _FS2, ("GithubIntegration",)),
    _row("pygithub.installation_auth", "PyGithub", {"get_installation_auth"}, {K.GITHUB_APP},
         "Auth.AppAuth(app_id, key).get_installation_auth(id): re-minted when expired",
         github.installation_auth_sink, "a GitHub App installation token", "PT1H",
         "the App's private key", _FS2, ("get_installation_auth",)),
    _row("githubkit.installation_access_token", "githubkit",
         {"create_installation_access_token", "async_create_installation_access_token"},
         {K.GITHUB_APP}, "GitHub(AppAuthStrategy(app_id, key)).rest.apps"
         ".create_installation_access_token(id)", github.githubkit_sink,
         "a GitHub App installation token", "PT1H", "the App's private key", _FS2,
         ("AppAuthStrategy",)),
    # --- Slack
    _row("slack.oauth_v2_access_refresh", "slack-sdk", {"oauth_v2_access"}, {K.SLACK_REFRESH},
         "oauth.v2.access with grant_type refresh_token", slack.oauth_v2_access_sink,
         "a rotated Slack bot/user token", "PT12H", "a Slack refresh token (xoxe-)", _FS1,
         ("oauth_v2_access",)),
    _row("slack.tooling_tokens_rotate", "slack-sdk", {"tooling_tokens_rotate"},
         {K.SLACK_REFRESH}, "tooling.tokens.rotate with a configuration refresh token",
         slack.tokens_rotate_sink, "a Slack configuration token", "PT12H",
         "a Slack configuration refresh token", _FS1, ("tooling_tokens_rotate",)),
    # --- Identity providers' SDKs
    _row("auth0.client_credentials", "auth0-python", {"client_credentials"}, {K.CLIENT_SECRET},
         "GetToken(domain, client_id, client_secret=...).client_credentials(audience)",
         client_sink(["auth0.GetToken"], K.CLIENT_SECRET, "ctor", ((2, "client_secret"),),
                     unless=("client_assertion_signing_key",)),
         "an Auth0 access token", "PT24H", "a client secret", _FS2, ("GetToken",)),
    _row("auth0.refresh_token", "auth0-python", {"refresh_token"}, {K.REFRESH_GRANT},
         "GetToken(...).refresh_token(refresh_token)",
         client_sink(["auth0.GetToken"], K.REFRESH_GRANT, "call", ((0, "refresh_token"),)),
         "an Auth0 access token", "PT24H", "a stored refresh token", _FS1, ("GetToken",)),
    _row("auth0.password_login", "auth0-python", {"login"}, {K.PASSWORD},
         "GetToken(...).login(username, password, ...) (ROPC / password-realm)",
         client_sink(["auth0.GetToken"], K.PASSWORD, "call", ((1, "password"),)),
         "an Auth0 access token", "PT24H", "a person's password", _FS2, ("GetToken",)),
    _row("keycloak.token", "python-keycloak", {"token"}, {K.PASSWORD, K.CLIENT_SECRET},
         "KeycloakOpenID(...).token(username, password) or grant_type client_credentials",
         providers.keycloak_token_sink, "a Keycloak access token", "PT5M",
         "a password or client secret", _FS2, ("KeycloakOpenID",)),
    _row("keycloak.refresh_token", "python-keycloak", {"refresh_token"}, {K.REFRESH_GRANT},
         "KeycloakOpenID(...).refresh_token(refresh_token)",
         client_sink(["keycloak.KeycloakOpenID"], K.REFRESH_GRANT, "call",
                     ((0, "refresh_token"),)),
         "a Keycloak access token", "PT5M", "a stored refresh token", _FS1, ("KeycloakOpenID",)),
    _row("spotipy.refresh_access_token", "spotipy", {"refresh_access_token"}, {K.REFRESH_GRANT},
         "SpotifyOAuth(...).refresh_access_token(refresh_token)",
         client_sink(["spotipy.SpotifyOAuth", "spotipy.SpotifyPKCE"], K.REFRESH_GRANT, "call",
                     ((0, "refresh_token"),)),
         "a Spotify access token", "PT1H", "a stored refresh token", _FS1,
         ("refresh_access_token",)),
    # --- SaaS clients that log in or refresh by themselves
    _row("simple_salesforce.password_login", "simple-salesforce",
         {"Salesforce", "SalesforceLogin"}, {K.PASSWORD},
         "Salesforce(username=, password=, security_token=) / SalesforceLogin(...)",
         client_sink(["simple_salesforce.Salesforce", "simple_salesforce.SalesforceLogin"],
                     K.PASSWORD, "self", ((None, "password"),)),
         "a Salesforce session id", "PT2H", "a person's password and security token", _FS2,
         ("security_token", "SalesforceLogin")),
    _row("dropbox.refresh_session", "dropbox", {"Dropbox", "DropboxTeam"}, {K.AUTO_SESSION},
         "Dropbox(oauth2_refresh_token=..., app_key=...): refreshes itself when expired",
         client_sink(["dropbox.Dropbox", "dropbox.DropboxTeam"], K.AUTO_SESSION, "self",
                     ((None, "oauth2_refresh_token"),)),
         "a Dropbox short-lived access token", "PT4H", "a stored refresh token", _FS4,
         ("oauth2_refresh_token",)),
    _row("boxsdk.oauth2_session", "boxsdk", {"OAuth2"}, {K.AUTO_SESSION},
         "boxsdk OAuth2(client_id, client_secret, refresh_token=...): refreshes itself",
         client_sink(["boxsdk.OAuth2"], K.AUTO_SESSION, "self", ((None, "refresh_token"),)),
         "a Box access token", "PT1H", "a stored refresh token (60 days, single use)", _FS4,
         ("refresh_token",)),
    _row("databricks.oauth_m2m", "databricks-sdk", {"WorkspaceClient", "AccountClient"},
         {K.CLIENT_SECRET},
         "WorkspaceClient(host=, client_id=, client_secret=): OAuth M2M, re-minted hourly",
         client_sink(["databricks.WorkspaceClient", "databricks.AccountClient"],
                     K.CLIENT_SECRET, "self", ((None, "client_secret"),)),
         "a Databricks OAuth token", "PT1H", "a service principal's OAuth secret", _FS2,
         ("client_secret",)),
    _row("kubernetes.token_request", "kubernetes", {"create_namespaced_service_account_token"},
         {K.KUBE_CREDENTIAL}, "CoreV1Api().create_namespaced_service_account_token(name, ns, "
         "V1TokenRequest(...)) from a kubeconfig", kube.token_request_sink, _BOUND, "PT1H",
         "the kubeconfig's token or client key", _FS2,
         ("create_namespaced_service_account_token",)),
)  # fmt: skip

#: Method names of every sink: a file none of whose calls uses one has no sink, and the
#: analysis (which needs the full name index) is skipped.
SINK_METHODS = frozenset(m for spec in SINKS for m in spec.methods)
#: Words one of which a file must contain for any row to apply (the FS rules' text gate).
MINT_TRIGGERS = tuple(sorted({t for spec in SINKS for t in spec.triggers}))
ROWS = {spec.id: spec for spec in SINKS}
_BODY_ROWS = tuple(spec for spec in SINKS if spec.body)
_BODY_FINDERS = tuple(dict.fromkeys(spec.find for spec in _BODY_ROWS))
#: The method rows of each name, in table order: the first that claims a call wins.
_BY_METHOD: dict[str, tuple[SinkSpec, ...]] = {}
for _spec in SINKS:
    if not _spec.body:
        for _m in _spec.methods:
            _BY_METHOD[_m] = (*_BY_METHOD.get(_m, ()), _spec)


def might_be_sink(doc: DocumentView, call: cst.Call) -> bool:
    """A cheap test on the method name (imports only, no name index) before the analysis."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value in SINK_METHODS
    if isinstance(func, cst.Name) and mint_helper(func.value):
        return True  # a project helper that mints by its name (``keepalive.helper_sinks``)
    return any(n.rsplit(".", 1)[-1] in SINK_METHODS for n in doc.qualified_names(func))


def find_sink(doc: DocumentView, call: cst.Call) -> Sink | None:
    """The sink ``call`` is, if any, with what it mints: the body rows first (they read the
    payload of any request), then the rows of the called method or constructor."""
    method = http.method_of(doc, call)
    for finder in _BODY_FINDERS:
        found = finder(doc, call, method)
        if found is not None:
            row = next(s for s in _BODY_ROWS if found.kind in s.mints)
            return _graded(found, row)
    for name in _called_names(doc, call):
        for row in _BY_METHOD.get(name, ()):
            found = row.find(doc, call, name)
            if found is not None:
                return _graded(found, row)
    return None


def _called_names(doc: DocumentView, call: cst.Call) -> list[str]:
    """The method called, or for a bare name, the classes and functions it may be."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return [func.attr.value]
    return list(dict.fromkeys(n.rsplit(".", 1)[-1] for n in doc.qualified_names(func)))


def _graded(sink: Sink, row: SinkSpec) -> Sink:
    """``sink`` with its row, and what it mints unless the finder knew better (the URL)."""
    issued = sink.issued or row.issues
    lifetime = sink.lifetime if sink.issued else row.lifetime
    return replace(sink, issued=issued, lifetime=lifetime, row=row.id)
