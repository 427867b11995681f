"""GitHub tokens (LLC-SRC-002): one row per prefix, graded by how long each kind lives.

Lifetimes follow GitHub's documentation, which settled a disagreement between the rules that
used to keep their own copies (AGT-001 called ``ghp_`` and ``ghr_`` never-expiring):
- classic PATs (``ghp_``) expire on the date chosen at creation, and "No expiration" is one of
  the choices, so the lifetime of a found token is unknown;
- fine-grained PATs (``github_pat_``) have an expiry chosen at creation (up to a year, or none
  where the organisation allows it): unknown;
- OAuth app tokens (``gho_``) do not expire; GitHub revokes them after a year unused;
- GitHub App refresh tokens (``ghr_``) expire after six months (``refresh_token_expires_in``
  is 15,897,600 seconds), user-to-server tokens (``ghu_``) after 8 hours, installation tokens
  (``ghs_``) after one hour.
"""

from __future__ import annotations

from scanner.findings import Lifetime, Severity
from scanner.secrets.formats import Format

_RULE = "LLC-SRC-002"
_OWASP = ("NHI2", "NHI7", "NHI10")
_FIX = ("Revoke the token; in Actions use the job's GITHUB_TOKEN with least `permissions:`, "
        "elsewhere a GitHub App installation token (1 h) instead of a personal access token.")
_APP_FIX = (
    "Revoke it and mint the token at run time from the GitHub App (installation tokens last "
    "1 h); never store app tokens in files."
)
_PATS = "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens"
_REFRESH = "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens"
_INSTALLATION = "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app"
_OAUTH = "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps"
#: The 30 random base62 characters and the 6-character CRC32 checksum of classic formats.
_CLASSIC = r"_[A-Za-z0-9]{36,80}"

FORMATS = (
    # Stateless installation token (rolled out from 2026-04-27): ghs_<app id>_<JWT>, ~520 chars.
    # Listed first: the rule's alternation tries rows in this order.
    Format(
        id="github-installation-token-stateless",
        provider="GitHub",
        label="GitHub App installation token",
        anchors=("ghs_",),
        pattern=r"ghs_[0-9]{1,12}_eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        lifetime=Lifetime.seconds(3600),
        seconds=3600,
        owasp=_OWASP,
        severity=Severity.HIGH,
        fix=_APP_FIX,
        rule=_RULE,
        why="it expires one hour after it was issued (a job's GITHUB_TOKEN when the job ends), "
        "and is usable by any reader until then",
        validator="jwt-shape",
        source=_INSTALLATION,
    ),
    Format(
        id="github-fine-grained-pat",
        provider="GitHub",
        label="GitHub fine-grained personal access token",
        anchors=("github_pat_",),
        pattern=r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        lifetime=Lifetime.unknown(),
        owasp=_OWASP,
        severity=Severity.HIGH,
        fix=_FIX,
        rule=_RULE,
        why="it acts as a person and lives until the expiry chosen at creation (up to a year, "
        "or none where the organisation allows it)",
        validator="not-filler",
        source=_PATS,
    ),
    # Classic PATs may be created with "No expiration" (managing-your-personal-access-tokens).
    Format(
        id="github-classic-pat",
        provider="GitHub",
        label="GitHub classic personal access token",
        anchors=("ghp_",),
        pattern=r"ghp" + _CLASSIC,
        lifetime=Lifetime.unknown(),
        owasp=_OWASP,
        severity=Severity.HIGH,
        fix=_FIX,
        rule=_RULE,
        why="it acts as a person on every repository they can reach and may have been created "
        "with no expiry",
        validator="crc32-base62",
        source=_PATS,
    ),
    Format(
        id="github-oauth-token",
        provider="GitHub",
        label="GitHub OAuth app access token",
        anchors=("gho_",),
        pattern=r"gho" + _CLASSIC,
        lifetime=Lifetime.never(),
        owasp=_OWASP,
        severity=Severity.HIGH,
        fix="Revoke the OAuth grant; use a GitHub App whose user tokens expire after 8 hours, "
        "or the job's GITHUB_TOKEN in Actions.",
        rule=_RULE,
        why="OAuth app tokens do not expire; they work until revoked or unused for a year",
        validator="crc32-base62",
        source=_OAUTH,
    ),
    Format(
        id="github-user-to-server-token",
        provider="GitHub",
        label="GitHub App user-to-server token",
        anchors=("ghu_",),
        pattern=r"ghu" + _CLASSIC,
        lifetime=Lifetime.seconds(8 * 3600),
        seconds=8 * 3600,
        owasp=_OWASP,
        severity=Severity.HIGH,
        fix=_APP_FIX,
        rule=_RULE,
        why="it expires 8 hours after it was issued, and is usable by any reader until then",
        validator="crc32-base62",
        source=_REFRESH,
    ),
    Format(
        id="github-installation-token",
        provider="GitHub",
        label="GitHub App installation token",
        anchors=("ghs_",),
        pattern=r"ghs" + _CLASSIC,
        lifetime=Lifetime.seconds(3600),
        seconds=3600,
        owasp=_OWASP,
        severity=Severity.HIGH,
        fix=_APP_FIX,
        rule=_RULE,
        why="it expires one hour after it was issued (a job's GITHUB_TOKEN when the job ends), "
        "and is usable by any reader until then",
        validator="crc32-base62",
        source=_INSTALLATION,
    ),
    # "The refresh token expires after six months" (refreshing-user-access-tokens); GitHub's
    # response gives refresh_token_expires_in = 15897600 seconds (184 days).
    Format(
        id="github-app-refresh-token",
        provider="GitHub",
        label="GitHub App refresh token",
        anchors=("ghr_",),
        pattern=r"ghr" + _CLASSIC,
        lifetime=Lifetime.seconds(15_897_600),
        owasp=_OWASP,
        severity=Severity.HIGH,
        fix="Revoke the app authorization and keep refresh tokens in a secret manager, never "
        "in a file.",
        rule=_RULE,
        why="it mints new user-to-server tokens for six months",
        validator="crc32-base62",
        source=_REFRESH,
    ),
)
