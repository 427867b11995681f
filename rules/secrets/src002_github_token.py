"""LLC-SRC-002: GitHub tokens, graded by how long each kind lives."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from scanner.api import (
    ALL_KINDS,
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
    compile_pattern,
    crc32_base62,
    fake_token,
    has_crc32_base62,
    looks_fake,
    standalone,
)

# Group "kind" names the format. No boundaries in the pattern: ``standalone`` checks them, so
# a token glued to more token characters (a longer identifier) is not one.
_TOKEN = compile_pattern(
    # Stateless installation token (rolled out from 2026-04-27): ghs_<app id>_<JWT>, ~520 chars.
    r"(?P<stateless>ghs_[0-9]{1,12}_eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
    r"|(?P<fine>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
    r"|(?P<classic>gh[pousr]_[A-Za-z0-9]{36,80})"
)
_CLASSIC_BODY = 36  # 30 random base62 characters and a 6-character CRC32 checksum
_LONG_REFRESH_BODY = 76  # ghr_ refresh tokens also come 80 characters long, checksum unknown
_MIN_ENTROPY = 3.5  # bits per character for bodies without a checksum


@dataclass(frozen=True, slots=True)
class _Kind:
    label: str
    lifetime: Lifetime
    #: Seconds the token lives, when GitHub fixes it; None when it can be unlimited.
    seconds: int | None
    why: str
    fix: str | None = None


_APP_FIX = (
    "Revoke it and mint the token at run time from the GitHub App (installation tokens last "
    "1 h); never store app tokens in files."
)
_KINDS = {
    "ghp": _Kind(
        "GitHub classic personal access token",
        Lifetime.unknown(),
        None,
        "it acts as a person on every repository they can reach and may have been created "
        "with no expiry",
    ),
    "github_pat": _Kind(
        "GitHub fine-grained personal access token",
        Lifetime.unknown(),
        None,
        "it acts as a person and lives until the expiry chosen at creation (up to a year, or "
        "none where the organisation allows it)",
    ),
    "gho": _Kind(
        "GitHub OAuth app access token",
        Lifetime.never(),
        None,
        "OAuth app tokens do not expire; they work until revoked or unused for a year",
        "Revoke the OAuth grant; use a GitHub App whose user tokens expire after 8 hours, or "
        "the job's GITHUB_TOKEN in Actions.",
    ),
    "ghr": _Kind(
        "GitHub App refresh token",
        Lifetime.seconds(15_897_600),
        None,
        "it mints new user-to-server tokens for six months",
        "Revoke the app authorization and keep refresh tokens in a secret manager, never in "
        "a file.",
    ),
    "ghu": _Kind(
        "GitHub App user-to-server token",
        Lifetime.seconds(8 * 3600),
        8 * 3600,
        "it expires 8 hours after it was issued, and is usable by any reader until then",
        _APP_FIX,
    ),
    "ghs": _Kind(
        "GitHub App installation token",
        Lifetime.seconds(3600),
        3600,
        "it expires one hour after it was issued (a job's GITHUB_TOKEN when the job ends), "
        "and is usable by any reader until then",
        _APP_FIX,
    ),
}


def _classic(body: str) -> str:
    """A classic-format token body: 30 characters and their CRC32 checksum."""
    return body + crc32_base62(body)


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Fixtures: bodies from fake_token, checksums computed here, so no token literal is stored.
_PAT = "ghp_" + _classic(fake_token("", 30, seed=21))
_OAUTH = "gho_" + _classic(fake_token("", 30, seed=22))
_REFRESH = "ghr_" + _classic(fake_token("", 30, seed=23))
_USER = "ghu_" + _classic(fake_token("", 30, seed=24))
_INSTALL = "ghs_" + _classic(fake_token("", 30, seed=25))
_FINE = "github_pat_" + fake_token("", 22, seed=26) + "_" + fake_token("", 59, seed=27)
_STATELESS = (
    "ghs_123456_"
    + _b64({"alg": "RS256", "typ": "JWT"})
    + "."
    + _b64({"iss": "github", "aud": "123456", "exp": 1_800_003_600, "iat": 1_800_000_000})
    + "."
    + fake_token("", 86, seed=28)
)
_BAD_CHECKSUM = "ghp_" + fake_token("", 36, seed=29)


class GithubToken(TextRule):
    """## What it does
    Finds GitHub tokens in any text file and grades each by how long it lives: classic
    (`ghp_`) and fine-grained (`github_pat_`) personal access tokens, OAuth app tokens
    (`gho_`), GitHub App refresh tokens (`ghr_`), user-to-server tokens (`ghu_`, 8 hours) and
    installation tokens (`ghs_`, 1 hour, including the longer stateless `ghs_<app id>_<JWT>`
    form). Classic-format tokens end with a CRC32 checksum of their random part; a string
    whose checksum fails is not a token GitHub issued (hand-made test data, documentation) and
    is not reported.

    Severity follows the lifetime: high for personal access tokens, OAuth tokens and refresh
    tokens, which work for months or for ever; medium for user-to-server tokens (8 hours,
    above the `access_token_max_lifetime` threshold of 1 hour); low for installation tokens,
    which expire within the hour and are most likely dead by the time the file is read.

    ## Why is this bad?
    A personal access token is a person's identity handed to a machine: it reaches every
    repository its owner can, it outlives the job that needed it, and it keeps working after
    the owner leaves, unless someone remembers to revoke it (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets, NHI10 Human Use of NHI).

    ## Example
    ```yaml
    env:
      GH_TOKEN: ghp_...   # a personal access token in the workflow file
    ```

    Use instead:
    ```yaml
    permissions: { contents: write }
    steps:
      - uses: actions/create-github-app-token@v2
        id: app
        with: { app-id: "${{ vars.APP_ID }}", private-key: "${{ secrets.APP_KEY }}" }
      - run: gh release create "$TAG"
        env: { GH_TOKEN: "${{ steps.app.outputs.token }}" }
    ```

    ## References
    - Token formats and checksum: https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
    - Installation tokens (1 hour) and the stateless `ghs_` format: https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
    - User-to-server (8 hours) and refresh tokens (6 months): https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
    - gitleaks `github-pat`, `github-fine-grained-pat`, `github-oauth`, `github-app-token`,
      `github-refresh-token`
    """

    META = RuleMeta(
        id="LLC-SRC-002",
        name="github-token",
        summary="GitHub token in a file (personal, OAuth, app refresh, user or installation)",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7", "NHI10"),
        fix="Revoke the token; in Actions use the job's GITHUB_TOKEN with least `permissions:`, "
        "elsewhere a GitHub App installation token (1 h) instead of a personal access token.",
        kinds=ALL_KINDS,
        triggers=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    )

    VALID = [
        Valid("steps:\n  - run: gh pr list\n    env:\n"
              "      GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n", path=".github/workflows/ci.yml"),
        # Right shape, wrong checksum: not a token GitHub issued.
        Valid(f'GH_TOKEN = "{_BAD_CHECKSUM}"\n', path="tests/test_client.py"),
        Valid("export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
              "export GH_TOKEN=ghp_<your-token>\n", path="docs/setup.md"),
        Valid('token = os.environ["GH_TOKEN"]  # a classic PAT: "ghp_" + 36 characters\n'
              'if token.startswith(("ghp_", "github_pat_")):\n    warn()\n', path="app/auth.py"),
        # Glued into a longer identifier, or a fine-grained shape made of a repeated filler.
        Valid(f"id: x{_PAT}\nref: {_PAT}0\n", path="notes.txt"),
        Valid("GITHUB_PAT=github_pat_11AAAAAAAAAAAAAAAAAAAA_"
              + "A" * 59 + "\n", path=".env"),
    ]
    INVALID = [
        Invalid(f'GH_TOKEN = "{_PAT}"  # expect: LLC-SRC-002\n', path="scripts/release.py"),
        Invalid(f"GITHUB_PAT={_FINE}  # expect: LLC-SRC-002\n", path=".env"),
        Invalid(
            "env:\n"
            f"  APP_TOKEN: {_STATELESS}  # expect: LLC-SRC-002\n"
            f"  USER_TOKEN: {_USER}  # expect: LLC-SRC-002\n"
            f"  INSTALL: {_INSTALL}  # expect: LLC-SRC-002\n",
            path="deploy/values.yaml",
        ),
        Invalid(
            f'{{\n  "access_token": "{_OAUTH}",\n  "refresh_token": "{_REFRESH}"\n}}\n',
            path="config/github-oauth.json",
            lines=(2, 3),
        ),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        for match in _TOKEN.finditer(text):
            start, end = match.start(), match.end()
            if not standalone(text, start, end):
                continue
            token = match.group()
            if self.context.is_placeholder(token):
                continue
            if match.group("stateless"):
                kind = "ghs"
            elif match.group("fine"):
                kind = "github_pat"
                parts = token[len("github_pat_") :].split("_")
                if any(looks_fake(p) for p in parts):
                    continue
            else:
                kind = token[:3]
                body = token[4:]
                if len(body) == _CLASSIC_BODY:
                    if not has_crc32_base62(body):
                        continue
                elif kind != "ghr" or len(body) != _LONG_REFRESH_BODY or looks_fake(body):
                    continue
            self._report(Span(start, end), token, _KINDS[kind])

    def _report(self, span: Span, token: str, kind: _Kind) -> None:
        severity = None  # the rule's default, high: months, or no end at all
        if kind.seconds is not None:
            short = kind.seconds <= self.context.thresholds.access_token_max_lifetime
            severity = Severity.LOW if short else Severity.MEDIUM
        self.report(span, f"{kind.label} committed to a file: {kind.why}.",
                    lifetime=kind.lifetime, value=token, severity=severity, fix=kind.fix)
