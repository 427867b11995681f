"""LLC-GHA-009: a GitHub App installation token left valid after the job."""

from __future__ import annotations

from scanner.api import (
    Category,
    CiRule,
    FileKind,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    credentials,
)
from scanner.api.ci.github_actions import entry, lifetime

_ACTION = "actions/create-github-app-token"
_KIND = credentials.by_id("github-app-token")
_TRUE = frozenset({"true", "yes", "on", "1"})

_STEP = """\
jobs:
  sync:
    runs-on: ubuntu-latest
    steps:
      - id: app
        uses: actions/create-github-app-token@v2
        with:
          client-id: ${{ vars.APP_CLIENT_ID }}
          private-key: ${{ secrets.APP_PRIVATE_KEY }}
"""


class GithubAppTokenKeptAlive(CiRule):
    """## What it does
    Flags `actions/create-github-app-token` with `skip-token-revoke: true`: the action then
    leaves the installation token valid after the job instead of revoking it in its post step.
    A second, low finding notes `owner:` without `repositories:`, which asks for a token to
    every repository the app is installed on in that account.

    It stays quiet on the default (the token is revoked when the job ends), on
    `skip-token-revoke` set from an expression (decided at run time), on `owner` together
    with `repositories`, and on commented-out steps. A job with `if: false` is still
    reported.

    ## Why is this bad?
    An installation token works for one hour from its creation, whatever the job does. The
    action revokes it when the job ends, so a token that leaked into a log, an artifact or a
    cache is dead by the time anyone finds it; with `skip-token-revoke` it keeps working for
    the rest of the hour, with every permission the app grants (OWASP NHI7 Long-Lived
    Secrets, NHI5 Overprivileged NHI for a token to every repository).

    ## Example
    ```yaml
    - uses: actions/create-github-app-token@v2
      with:
        app-id: ${{ vars.APP_ID }}
        private-key: ${{ secrets.APP_PRIVATE_KEY }}
        skip-token-revoke: true
    ```

    Use instead:
    ```yaml
    - uses: actions/create-github-app-token@v2
      with:
        app-id: ${{ vars.APP_ID }}
        private-key: ${{ secrets.APP_PRIVATE_KEY }}
        owner: my-org
        repositories: the-one-repo
    ```

    ## References
    - actions/create-github-app-token, `skip-token-revoke`, `owner` and `repositories`: https://github.com/actions/create-github-app-token
    - GitHub, installation access tokens expire after one hour: https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
    - zizmor `github-app`: https://docs.zizmor.sh/audits/#github-app
    """

    META = RuleMeta(
        id="LLC-GHA-009",
        name="github-app-token-kept-alive",
        summary="GitHub App token kept alive past the job",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.VERY_HIGH,
        owasp=("NHI7", "NHI5"),
        fix="Remove `skip-token-revoke` so the action revokes the token when the job ends, "
        "and scope it with `repositories:` and `permission-*` inputs to what the job needs.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=(_ACTION,),
    )

    VALID = [
        Valid(_STEP),
        Valid(
            _STEP + "          owner: my-org\n          repositories: |\n            repo-a\n"
            "            repo-b\n          skip-token-revoke: false\n"
        ),
        # Decided at run time, and a commented-out switch.
        Valid(
            _STEP + "          skip-token-revoke: ${{ inputs.keep }}\n"
            "          # skip-token-revoke: true\n"
        ),
    ]
    INVALID = [
        Invalid(_STEP + "          skip-token-revoke: true  # expect: LLC-GHA-009\n"),
        # Every repository of the owner, in a job that is switched off.
        Invalid(
            _STEP.replace("    runs-on:", "    if: false\n    runs-on:")
            + "          owner: my-org  # expect: LLC-GHA-009\n"
            "          skip-token-revoke: 'true'  # expect: LLC-GHA-009\n"
        ),
        Invalid(
            "runs:\n  using: composite\n  steps:\n"
            "    - uses: Actions/Create-GitHub-App-Token@v1\n      with:\n"
            "        app-id: ${{ inputs.app-id }}\n        private-key: ${{ inputs.key }}\n"
            "        skip-token-revoke: True  # expect: LLC-GHA-009\n",
            path="action.yml",
        ),
    ]

    def check_step(self, step: Step) -> None:
        if step.action() != _ACTION:
            return
        skip = entry(step, "skip-token-revoke")
        if skip is not None and (skip.value or "").strip().lower() in _TRUE:
            self.report(
                skip.key_node,
                "create-github-app-token is told not to revoke its installation token: it "
                "stays valid for up to an hour after it was created, past the end of the job.",
                lifetime=lifetime(_KIND),
            )
        owner = entry(step, "owner")
        repositories = entry(step, "repositories")
        if (
            owner is not None
            and (owner.value or "").strip()
            and (repositories is None or not (repositories.value or "").strip())
        ):
            self.report(
                owner.key_node,
                "`owner` without `repositories` asks for a token to every repository the app "
                "is installed on in that account.",
                lifetime=lifetime(_KIND),
                severity=Severity.LOW,
                fix="List the repositories the job needs in `repositories:` and narrow "
                "permissions with `permission-*` inputs.",
            )
