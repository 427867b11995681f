"""LLC-SRC-016: code hosting and CI/CD tokens (Atlassian, Bitbucket, CircleCI, Buildkite, ...)."""

from __future__ import annotations

from scanner.api import Invalid, ProviderRule, Valid, fake_token, provider_meta

_RULE = "LLC-SRC-016"
_URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
_HEX = "0123456789abcdef"

_ATLASSIAN = "ATATT3" + fake_token("", 186, _URLSAFE, seed=1601)
_BITBUCKET = "ATBB" + fake_token("", 32, seed=1602)
_CIRCLE = "CCIPAT_" + fake_token("", 22, seed=1603) + "_" + fake_token("", 40, _HEX, seed=1604)
_CIRCLE_PRJ = "CCIPRJ_" + fake_token("", 22, seed=1605) + "_" + fake_token("", 40, _HEX, seed=1606)
_BUILDKITE = "bkua_" + fake_token("", 40, _HEX, seed=1607)
_SONAR = "sqp_" + fake_token("", 40, _HEX, seed=1608)
_PREFECT = "pnu_" + fake_token("", 36, seed=1609)


class CiPlatformToken(ProviderRule):
    """## What it does
    Finds tokens of code hosting and CI/CD services in any text file, by their prefixes:
    Atlassian API tokens (`ATATT3`, a year at most since December 2024), Bitbucket app
    passwords (`ATBB`, no expiry) and Data Center HTTP access tokens (`BBDC-`), CircleCI
    personal and project API tokens (`CCIPAT_`, `CCIPRJ_`, no expiry), Buildkite API access
    tokens (`bkua_`), SonarQube tokens (`squ_`, `sqp_`, `sqa_`), Sourcegraph (`sgp_`),
    Harness (`pat.`, `sat.`), TeamCity access tokens, Prefect Cloud API keys (`pnu_`) and
    Infracost API keys (`ico-`). GitHub and GitLab tokens have their own rules (LLC-SRC-002,
    LLC-SRC-003), package registries theirs (LLC-SRC-008).

    A CircleCI project token inside a status-badge URL is what CircleCI tells users to put in
    a README (a Status-scoped token) and is not reported. Placeholders and filler are skipped.

    ## Why is this bad?
    A CI token reads the organization's code and build logs, starts pipelines and, through
    them, reaches every secret the pipelines hold; most of these tokens live until someone
    revokes them (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```bash
    curl -H "Circle-Token: CCIPAT_..." https://circleci.com/api/v2/me
    ```

    Use instead:
    ```bash
    # inside the job: the OIDC token CircleCI issues for cloud access, no stored API token
    aws sts assume-role-with-web-identity --role-arn "$ROLE_ARN" \
      --web-identity-token "$CIRCLE_OIDC_TOKEN_V2" --role-session-name ci
    ```

    ## References
    - CircleCI API tokens: https://circleci.com/docs/managing-api-tokens/
    - Atlassian API token expiry: https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
    - Buildkite API access tokens: https://buildkite.com/docs/apis/managing-api-tokens
    - SonarQube tokens: https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/
    - gitleaks `atlassian-api-token`, `sourcegraph-access-token`, `harness-api-key`,
      `prefect-api-token`, `infracost-api-token`
    """

    META = provider_meta(
        _RULE, "ci-platform-token",
        "Code hosting or CI/CD token in a file (Atlassian, Bitbucket, CircleCI, Buildkite, ...)",
        "Revoke the token; let jobs use the CI system's OIDC token or job token, and give "
        "what remains a scoped token with an expiry from the secret store.",
    )

    VALID = [
        Valid("env:\n  SONAR_TOKEN: ${{ secrets.SONAR_TOKEN }}\n"
              "  CIRCLE_TOKEN: $CIRCLE_TOKEN\n", path=".github/workflows/ci.yml"),
        Valid("[![CircleCI](https://dl.circleci.com/status-badge/img/gh/acme/app/tree/main.svg"
              f"?style=svg&circle-token={_CIRCLE_PRJ})](https://dl.circleci.com/status-badge/"
              "redirect/gh/acme/app/tree/main)\n", path="README.md"),
        Valid(f"BITBUCKET_APP_PASSWORD=ATBB{'x' * 32}\nSONAR_TOKEN=sqp_<your-token>\n",
              path=".env.example"),
    ]
    INVALID = [
        Invalid(f"JIRA_API_TOKEN={_ATLASSIAN}  # expect: {_RULE}\n"
                f"BITBUCKET_APP_PASSWORD={_BITBUCKET}  # expect: {_RULE}\n", path=".env"),
        Invalid(f'curl -H "Circle-Token: {_CIRCLE}" https://circleci.com/api/v2/me'
                f"  # expect: {_RULE}\n", path="scripts/ci.sh"),
        Invalid(f"steps:\n  - command: make scan\n    env:\n      SONAR_TOKEN: {_SONAR}"
                f"  # expect: {_RULE}\n      BUILDKITE_API_TOKEN: {_BUILDKITE}  # expect: {_RULE}\n"
                f"      PREFECT_API_KEY: {_PREFECT}  # expect: {_RULE}\n",
                path=".buildkite/pipeline.yml"),
    ]
