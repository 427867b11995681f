"""Token endpoints by URL shape: which provider an HTTP grant is POSTed to, and what it mints.

A hand-written token request names its grant in the body (``grant_type=...``); the URL says
whose token it is and for how long. Each row is one provider's token endpoint: URL fragments
that must all appear (lower-cased), the provider, and its access token's default lifetime
(ISO 8601), with where that is documented. ``token_endpoint`` reads the strings a URL
expression is built from (literals, f-string text, constants followed by the document).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TokenEndpoint:
    """One provider's token endpoint."""

    provider: str
    fragments: tuple[str, ...]
    lifetime: str
    source: str


ENDPOINTS: tuple[TokenEndpoint, ...] = (
    TokenEndpoint(
        "Microsoft Entra ID",
        ("login.microsoftonline.com", "/token"),
        "PT1H",
        "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens (60-90 min)",
    ),
    TokenEndpoint(
        "Google",
        ("oauth2.googleapis.com/token",),
        "PT1H",
        "https://developers.google.com/identity/protocols/oauth2 (expires_in 3599)",
    ),
    TokenEndpoint(
        "Google",
        ("accounts.google.com/o/oauth2/token",),
        "PT1H",
        "https://developers.google.com/identity/protocols/oauth2",
    ),
    TokenEndpoint(
        "Keycloak",
        ("/protocol/openid-connect/token",),
        "PT5M",
        "https://www.keycloak.org/docs/latest/server_admin/ (Access Token Lifespan, 5 min)",
    ),
    TokenEndpoint(
        "Okta",
        ("/oauth2/", "/v1/token"),
        "PT1H",
        "https://developer.okta.com/docs/guides/refresh-tokens/main/ (access token 1 h)",
    ),
    TokenEndpoint(
        "Auth0",
        ("auth0.com", "/oauth/token"),
        "PT24H",
        "https://auth0.com/docs/secure/tokens/access-tokens/update-access-token-lifetime",
    ),
    TokenEndpoint(
        "Salesforce",
        ("/services/oauth2/token",),
        "PT2H",
        "https://help.salesforce.com/s/articleView?id=sf.admin_sessions.htm (session timeout)",
    ),
    TokenEndpoint(
        "GitHub",
        ("github.com/login/oauth/access_token",),
        "PT8H",
        "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens",
    ),
    TokenEndpoint(
        "Dropbox",
        ("api.dropbox", "/oauth2/token"),
        "PT4H",
        "https://developers.dropbox.com/oauth-guide (short-lived tokens, 4 h)",
    ),
    TokenEndpoint(
        "Spotify",
        ("accounts.spotify.com/api/token",),
        "PT1H",
        "https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens",
    ),
    TokenEndpoint(
        "Zoom",
        ("zoom.us/oauth/token",),
        "PT1H",
        "https://developers.zoom.us/docs/integrations/oauth/ (access token 1 h)",
    ),
    TokenEndpoint(
        "Xero",
        ("identity.xero.com/connect/token",),
        "PT30M",
        "https://developer.xero.com/documentation/guides/oauth2/auth-flow/ (30 min)",
    ),
    TokenEndpoint(
        "HubSpot",
        ("hubapi.com", "/oauth/"),
        "PT30M",
        "https://developers.hubspot.com/docs/api/oauth-quickstart-guide (expires_in 1800)",
    ),
    TokenEndpoint(
        "LinkedIn",
        ("linkedin.com/oauth/v2/accesstoken",),
        "P60D",
        "https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens",
    ),
    TokenEndpoint(
        "X (Twitter)",
        ("api.twitter.com/2/oauth2/token",),
        "PT2H",
        "https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token",
    ),
    TokenEndpoint(
        "X (Twitter)",
        ("api.x.com/2/oauth2/token",),
        "PT2H",
        "https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/user-access-token",
    ),
    TokenEndpoint(
        "Box",
        ("api.box.com/oauth2/token",),
        "PT1H",
        "https://developer.box.com/guides/authentication/tokens/access-tokens/ (60 min)",
    ),
    TokenEndpoint(
        "Databricks",
        ("/oidc/v1/token",),
        "PT1H",
        "https://docs.databricks.com/aws/en/dev-tools/auth/oauth-m2m (valid for one hour)",
    ),
    TokenEndpoint(
        "an OAuth 2.0 server",
        ("/oauth2/token",),
        "",
        "RFC 6749 section 3.2",
    ),
    TokenEndpoint(
        "an OAuth 2.0 server",
        ("/oauth/token",),
        "",
        "RFC 6749 section 3.2",
    ),
    TokenEndpoint(
        "an OAuth 2.0 server",
        ("/connect/token",),
        "",
        "RFC 6749 section 3.2",
    ),
)

#: Words any endpoint URL holds: cheap to test before matching every row.
TOKEN_URL_WORDS = ("token",)


def token_endpoint(strings: list[str]) -> TokenEndpoint | None:
    """The first row whose fragments all appear in the URL's strings, if any."""
    text = "".join(strings).lower()
    if "token" not in text:
        return None
    for row in ENDPOINTS:
        if all(f in text for f in row.fragments):
            return row
    return None
