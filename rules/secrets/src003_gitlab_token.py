"""LLC-SRC-003: GitLab tokens, by prefix, with the lifetime each kind has."""

from __future__ import annotations

import re

from scanner.api import (
    ALL_KINDS,
    Category,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    catalogue,
    fake_token,
    looks_fake,
    shannon_entropy,
    standalone,
)

_BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_LOWER36 = "abcdefghijklmnopqrstuvwxyz0123456789"
_HEX = "0123456789abcdef"
# Self-managed instances may put their own prefix in front: SIE-glpat-... It is looked for
# behind a match, so every pattern starts with its literal prefix (RE2 skips to it quickly).
_INSTANCE = re.compile(r"[A-Za-z0-9]{1,20}-$")
_MIN_ENTROPY = 3.0  # bits per character, for the short legacy bodies
_RULE = "LLC-SRC-003"
# The formats are catalogue rows (scanner/secrets/providers.toml), one pattern each with
# no boundaries inside (standalone() checks them), and the literal each pattern starts with:
# a format absent from the file costs no regex pass.

_PAT = "glpat-" + fake_token("", 20, _BASE64URL, seed=31)
_ROUTABLE_PAT = ("glpat-" + fake_token("", 40, _BASE64URL, seed=32) + ".01"
                 + fake_token("", 7, _LOWER36, seed=33))
_DEPLOY = "gldt-" + fake_token("", 20, _BASE64URL, seed=34)
_RUNNER = ("glrt-t1_" + fake_token("", 30, _BASE64URL, seed=35) + ".01"
           + fake_token("", 7, _LOWER36, seed=36))
_REGISTRATION = "GR1348941" + fake_token("", 20, _BASE64URL, seed=37)
_TRIGGER = "glptt-" + fake_token("", 40, _HEX, seed=38)
_JOB = "glcbt-64_" + fake_token("", 20, _BASE64URL, seed=39)


class GitlabToken(TextRule):
    """## What it does
    Finds GitLab tokens by their documented prefixes in any text file: personal, project and
    group access tokens (`glpat-`, including the newer routable form), OAuth application
    secrets (`gloas-`), deploy tokens (`gldt-`), runner authentication and registration tokens
    (`glrt-`, `glrtr-`, `GR1348941`), pipeline trigger tokens (`glptt-`), CI/CD job tokens
    (`glcbt-`), feed, incoming-mail, Kubernetes-agent, workspace, SCIM and feature-flag tokens.
    An instance prefix in front (`SIE-glpat-...`) is part of the token. Placeholders, `$VAR`
    references and hand-made filler (`glpat-xxxx...`, repeated or sequential characters) are
    not reported.

    Severity follows the catalogue: critical for access tokens, OAuth secrets, runner
    authentication and deploy tokens; high for the others; low for a CI/CD job token, which
    dies with its job.

    ## Why is this bad?
    A GitLab access token works until its expiry date (up to a year, or never on instances
    older than 16.0), a runner token lets anyone pick up jobs and the secrets they carry, and
    trigger and deploy tokens rarely have an end date at all (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets).

    ## Example
    ```yaml
    release:
      script:
        - 'curl --header "PRIVATE-TOKEN: glpat-..." "$CI_API_V4_URL/projects"'
    ```

    Use instead:
    ```yaml
    release:
      id_tokens:
        VAULT_ID_TOKEN: { aud: https://vault.example.com }
      script:
        - 'curl -H "JOB-TOKEN: $CI_JOB_TOKEN" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/packages"'
    ```

    ## References
    - GitLab token prefixes: https://docs.gitlab.com/security/tokens/#token-prefixes
    - Access token expiry (16.0): https://docs.gitlab.com/user/profile/personal_access_tokens/#access-token-expiration
    - CI/CD job token: https://docs.gitlab.com/ci/jobs/ci_job_token/
    - gitleaks `gitlab-*` rules
    """

    META = RuleMeta(
        id=_RULE,
        name="gitlab-token",
        summary="GitLab token in a file (access, deploy, runner, trigger, OAuth and others)",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Revoke the token; in GitLab CI use CI_JOB_TOKEN or id_tokens (OIDC), and where a "
        "token is unavoidable an expiring project access token with minimal scopes.",
        kinds=ALL_KINDS,
        triggers=catalogue.triggers(_RULE),
    )

    VALID = [
        Valid('release:\n  script:\n    - \'curl -H "PRIVATE-TOKEN: $GITLAB_TOKEN" "$API"\'\n'
              '    - \'curl -H "JOB-TOKEN: $CI_JOB_TOKEN" "$API"\'\n', path=".gitlab-ci.yml"),
        Valid("GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx\n# or glpat-<your-token>\n"
              "RUNNER_TOKEN=glrt-XXXXXXXXXXXXXXXXXXXX\n", path="docs/runner.md"),
        Valid('if token.startswith(("glpat-", "gldt-")):\n    kind = "glpat-token-settings"\n'
              'name = "glpat-personal-access-tok"\n', path="app/tokens.py"),
        # Filler and sequences, as tests and docs write them.
        Valid(f"trigger: glptt-{'0' * 40}\nregistration: GR1348941{'a' * 20}\n"
              "pat: glpat-abcdefghijklmnopqrst\n", path="tests/fixtures/tokens.yml"),
        # Glued into a longer string.
        Valid(f"cache_key: x{_PAT}y\n", path="config.yml"),
    ]
    INVALID = [
        Invalid(f"variables:\n  PRIVATE_TOKEN: {_PAT}  # expect: LLC-SRC-003\n",
                path=".gitlab-ci.yml"),
        Invalid(f"GITLAB_TOKEN={_ROUTABLE_PAT}  # expect: LLC-SRC-003\n"
                f"DEPLOY_PASSWORD=SIE-{_DEPLOY}  # expect: LLC-SRC-003\n", path=".env"),
        Invalid(
            '[[runners]]\n  name = "build"\n'
            f'  token = "{_RUNNER}"  # expect: LLC-SRC-003\n'
            f'  # registered with {_REGISTRATION}  # expect: LLC-SRC-003\n',
            path="runner/config.toml",
        ),
        Invalid(f"curl -X POST -F token={_TRIGGER} -F ref=main \"$API\"  # expect: LLC-SRC-003\n"
                f"echo {_JOB} > job.txt  # expect: LLC-SRC-003\n", path="scripts/trigger.sh"),
    ]

    def check(self, doc: TextDocument) -> None:
        text = doc.text
        for compiled in catalogue.formats(_RULE):  # compiled on first use, then cached
            fmt, needle, pattern = compiled.format, compiled.needle, compiled.pattern
            if needle not in text:
                continue
            for match in pattern.finditer(text):
                start, end = match.start(), match.end()
                instance = _INSTANCE.search(text, max(0, start - 21), start)
                if instance is not None:
                    start = instance.start()
                if not standalone(text, start, end):
                    continue
                token = text[start:end]
                if self.context.is_placeholder(token) or not self._random(match.group()):
                    continue
                self.report(
                    Span(start, end),
                    f"{fmt.label} committed to a file: {fmt.why}.",
                    lifetime=fmt.lifetime,
                    value=token,
                    severity=fmt.severity,
                )

    @staticmethod
    def _random(token: str) -> bool:
        """The random part looks generated: not filler, and for short bodies, mixed."""
        body = token.split("-", 1)[1] if not token.startswith("GR1348941") else token[9:]
        body = body.split(".", 1)[0]
        if looks_fake(body):
            return False
        if len(body) > 26:
            return True
        classes = sum(any(test(c) for c in body)
                      for test in (str.islower, str.isupper, str.isdigit))
        return classes >= 2 and shannon_entropy(body) >= _MIN_ENTROPY
