"""LLC-SRC-002: GitHub tokens, graded by how long each kind lives."""

from __future__ import annotations

import base64
import json

from scanner.api import (
    ALL_KINDS,
    Category,
    Invalid,
    Precision,
    RuleMeta,
    SecretFormat,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    catalogue,
    crc32_base62,
    fake_token,
    has_crc32_base62,
    looks_fake,
    standalone,
)

# The formats, their lifetimes and the documentation behind them are catalogue rows
# (scanner/secrets/providers.toml). No boundaries in the patterns: ``standalone`` checks
# them, so a token glued to more token characters (a longer identifier) is not one.
_RULE = "LLC-SRC-002"
_CLASSIC_BODY = 36  # 30 random base62 characters and a 6-character CRC32 checksum
_LONG_REFRESH_BODY = 76  # ghr_ refresh tokens also come 80 characters long, checksum unknown


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
        id=_RULE,
        name="github-token",
        summary="GitHub token in a file (personal, OAuth, app refresh, user or installation)",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7", "NHI10"),
        fix=catalogue.get("github-classic-pat").fix,
        kinds=ALL_KINDS,
        triggers=catalogue.triggers(_RULE),
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
        for row, match in catalogue.find(text, _RULE):
            start, end = match.start(), match.end()
            if not standalone(text, start, end):
                continue
            token = match.group()
            if self.context.is_placeholder(token):
                continue
            if row.validator == "not-filler":
                parts = token[len("github_pat_") :].split("_")
                if any(looks_fake(p) for p in parts):
                    continue
            elif row.validator == "crc32-base62":
                body = token[4:]
                if len(body) == _CLASSIC_BODY:
                    if not has_crc32_base62(body):
                        continue
                elif (row.id != "github-app-refresh-token" or len(body) != _LONG_REFRESH_BODY
                      or looks_fake(body)):
                    continue
            self._report(Span(start, end), token, row)

    def _report(self, span: Span, token: str, row: SecretFormat) -> None:
        severity = None  # the rule's default, high: months, or no end at all
        if row.seconds is not None:
            short = row.seconds <= self.context.thresholds.access_token_max_lifetime
            severity = Severity.LOW if short else Severity.MEDIUM
        self.report(span, f"{row.label} committed to a file: {row.why}.",
                    lifetime=row.lifetime, value=token, severity=severity, fix=row.fix)
