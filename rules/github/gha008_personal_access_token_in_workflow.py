"""LLC-GHA-008: a personal access token where the job token or an app token would do."""

from __future__ import annotations

import re
from collections.abc import Mapping

from scanner.api import (
    Category,
    CiRule,
    Command,
    Entry,
    FileKind,
    Invalid,
    Job,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    credentials,
    yamlnodes,
)
from scanner.api.ci.github_actions import Origin, lifetime, origin

_PAT = credentials.by_id("github-pat")
_SLOT_KINDS = frozenset({"github-job-token", "github-pat"})
#: Inputs of any action whose name says it takes a GitHub token.
_TOKEN_INPUTS = frozenset(
    {"github_token", "github-token", "repo-token", "repo_token", "gh_token", "gh-token"}
)
#: Secret names that say "personal access token" (the catalogue's heuristic), for inputs
#: named just `token` of actions the table does not know.
_PAT_NAME = re.compile(
    r"(?i)(^|_)(PAT|PERSONAL_ACCESS_TOKEN|BOT_TOKEN|RELEASE_TOKEN|ADMIN_TOKEN)($|_)"
    r"|(^|_)(GH|GITHUB)(_[A-Z0-9]+)*_(TOKEN|PAT)$"
)
#: Words naming another service's token (`SLACK_BOT_TOKEN`): the heuristic stays off them.
_OTHER_SERVICE = re.compile(
    r"(?i)SLACK|DISCORD|TELEGRAM|TEAMS|MATTERMOST|NPM|PYPI|CARGO|NUGET|GEM|DOCKER|QUAY|"
    r"CODECOV|COVERALLS|SONAR|SNYK|SENTRY|VERCEL|NETLIFY|CLOUDFLARE|HEROKU|AWS|AZURE|GCP|"
    r"GOOGLE|GITLAB|BITBUCKET|JIRA|LINEAR|CHROMATIC|CODACY|OPENAI|ANTHROPIC|HF_|HUGGING"
)
#: Names a reusable workflow declares for a GitHub token it is handed (`secrets:` of the
#: call), beyond the token inputs above; `*_TOKEN` names count when the secret's says PAT.
_PASSED_TOKENS = frozenset({"pr-token", "pr_token", "push-token", "push_token"})
#: Env entries that hold a GitHub token only on the action that reads them (not table rows:
#: as plain env names they are too generic).
_ACTION_ENV = {
    "mislav/bump-homebrew-formula-action": frozenset({"COMMITTER_TOKEN"}),
    "contributor-assistant/github-action": frozenset({"PERSONAL_ACCESS_TOKEN"}),
}
#: A stored secret used as the password of a GitHub remote URL.
_REMOTE = re.compile(
    r"https?://(?:[^\s'\"@/]*:)?\$\{\{\s*secrets\.([A-Za-z_]\w*)\s*\}\}@[\w.-]*github[\w.-]*"
)
#: Origins that mean a stored GitHub credential (literals are the secret rules' business;
#: an input of a composite action usually defaults to `github.token`).
_STORED = frozenset({Origin.SECRET, Origin.VARIABLE})

_APP = """\
jobs:
  sync:
    runs-on: ubuntu-latest
    steps:
      - id: app
        uses: actions/create-github-app-token@v2
        with:
          app-id: ${{ vars.APP_ID }}
          private-key: ${{ secrets.APP_PRIVATE_KEY }}
          repositories: other-repo
      - uses: actions/checkout@v4
        with:
          repository: my-org/other-repo
          token: ${{ steps.app.outputs.token }}
"""


class PersonalAccessTokenInWorkflow(CiRule):
    """## What it does
    Flags a stored secret (or configuration variable) handed to a place that takes a GitHub
    token: the `token` of `actions/checkout`, `peter-evans/create-pull-request`,
    `softprops/action-gh-release` and the other actions of the credential-kinds table, an
    input named `github_token`/`github-token`/`repo-token` of any action, a `GH_TOKEN` or
    `GITHUB_TOKEN` env entry at any level, or the password of a GitHub remote URL
    (`https://x-access-token:${{ secrets.X }}@github.com/...`), `COMMITTER_TOKEN` of
    mislav/bump-homebrew-formula-action and `PERSONAL_ACCESS_TOKEN` of
    contributor-assistant/github-action, and a secret a job passes to a reusable workflow
    (`secrets:` of a job-level `uses:`) under a token name (`github-token`, `pr-token`,
    `GH_PAT`, or a `*_TOKEN` holding a PAT-named secret). GitHub reserves secret names
    starting with `GITHUB_`, so any such secret is a token someone stored: a personal access
    token, or an OAuth token acting as a person. An input named only `token` of an action the
    table does not know is reported when the secret's name says PAT (`GH_PAT`, `BOT_TOKEN`,
    `RELEASE_TOKEN`, `ADMIN_TOKEN`, `*_GITHUB_TOKEN`). Medium: whether the job token would do
    is a judgment (a cross-repository push needs more than it), which the fix answers with a
    GitHub App.

    It stays quiet on the job token (`${{ secrets.GITHUB_TOKEN }}`, `${{ github.token }}`),
    on installation tokens from `actions/create-github-app-token` or any other step output,
    on a composite action's `inputs.token` (which usually defaults to `github.token`), on
    literals (the secret rules report those), and on commented-out steps. A job with
    `if: false` is still reported.

    ## Why is this bad?
    A personal access token acts as the person who made it, across every repository they can
    reach, and a classic one may never expire: when the pipeline leaks it, the attacker is
    that person until someone notices. `GITHUB_TOKEN` is scoped to the repository by
    `permissions:` and expires with the job; a GitHub App installation token is scoped to
    chosen repositories and permissions and expires after one hour (OWASP NHI7 Long-Lived
    Secrets, NHI10 Human Use of NHI in reverse: a human's identity doing a machine's work,
    NHI5 Overprivileged NHI).

    ## Example
    ```yaml
    - uses: actions/checkout@v4
      with:
        token: ${{ secrets.GH_PAT }}
    ```

    Use instead:
    ```yaml
    - id: app
      uses: actions/create-github-app-token@v2
      with:
        app-id: ${{ vars.APP_ID }}
        private-key: ${{ secrets.APP_PRIVATE_KEY }}
        repositories: other-repo
    - uses: actions/checkout@v4
      with:
        token: ${{ steps.app.outputs.token }}
    ```

    ## References
    - GitHub, automatic token authentication (`GITHUB_TOKEN`): https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication
    - actions/create-github-app-token: https://github.com/actions/create-github-app-token
    - GitHub, naming secrets (`GITHUB_` is reserved): https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#naming-your-secrets
    """

    META = RuleMeta(
        id="LLC-GHA-008",
        name="personal-access-token-in-workflow",
        summary="Personal access token used where a job or app token would do",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.MEDIUM,
        owasp=("NHI7", "NHI10", "NHI5"),
        fix="Use `GITHUB_TOKEN` with an explicit `permissions:` block; for other repositories "
        "mint an installation token with actions/create-github-app-token (`repositories:` "
        "and `permission-*` inputs, one-hour lifetime), then revoke the personal token.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=("secrets.", "secrets["),
    )
    #: Only commands holding a `${{ secrets.X }}` can hold one in a remote URL.
    COMMAND_WORDS = ("secrets",)

    VALID = [
        Valid(_APP),
        # The job token, in every spelling, in slots and env.
        Valid(
            "jobs:\n  release:\n    runs-on: ubuntu-latest\n"
            "    permissions:\n      contents: write\n"
            "    env:\n      GH_TOKEN: ${{ github.token }}\n"
            "    steps:\n      - uses: actions/checkout@v4\n"
            "        with:\n          token: ${{ secrets.GITHUB_TOKEN }}\n"
            "      - uses: softprops/action-gh-release@v2\n"
            "        with:\n          token: ${{ secrets.github_token }}\n"
            "      - run: git push "
            "https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/o/r\n"
        ),
        # A reusable workflow's declared secret: callers often pass their GITHUB_TOKEN.
        Valid(
            "on:\n  workflow_call:\n    secrets:\n      token:\n        required: true\n"
            "jobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n        with:\n"
            "          token: ${{ secrets.token }}\n"
        ),
        # A composite action's input, another service's token, a commented-out PAT.
        Valid(
            "name: release\ninputs:\n  token:\n    default: ${{ github.token }}\n"
            "runs:\n  using: composite\n  steps:\n"
            "    - uses: actions/checkout@v4\n      with:\n        token: ${{ inputs.token }}\n"
            "    - uses: codecov/codecov-action@v5\n"
            "      with:\n        token: ${{ secrets.CODECOV_TOKEN }}\n"
            "    # - uses: peter-evans/create-pull-request@v7\n"
            "    #   with: { token: ${{ secrets.GH_PAT }} }\n",
            path="action.yml",
        ),
        # A reusable workflow handed the job token, another service's tokens, or everything.
        Valid(
            "on: push\njobs:\n  release:\n"
            "    uses: my-org/shared/.github/workflows/release.yml@v2\n"
            "    secrets:\n      github-token: ${{ secrets.GITHUB_TOKEN }}\n"
            "      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
            "      token: ${{ secrets.CODECOV_TOKEN }}\n"
            "      deploy-token: ${{ secrets.DEPLOY_KEY }}\n"
            "  lint:\n    uses: ./.github/workflows/lint.yml\n    secrets: inherit\n"
        ),
    ]
    INVALID = [
        # A reusable workflow handed a PAT, under a token name or a PAT-named secret.
        Invalid(
            "on: push\njobs:\n  release:\n"
            "    uses: my-org/shared/.github/workflows/release.yml@v2\n"
            "    with:\n      dry-run: false\n"
            "    secrets:\n"
            "      github-token: ${{ secrets.ORG_BOT_PAT }}  # expect: LLC-GHA-008\n"
            "      pr-token: ${{ secrets.RELEASER }}  # expect: LLC-GHA-008\n"
            "      ACTIONS_TOKEN: ${{ secrets.ACTIONS_BOT_TOKEN }}  # expect: LLC-GHA-008\n"
        ),
        # Token slots of actions the table knows, and an env entry one action reads.
        Invalid(
            "jobs:\n  rebase:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: peter-evans/rebase@v3\n"
            "        with: {token: '${{ secrets.REBASE_TOKEN }}'}  # expect: LLC-GHA-008\n"
            "      - uses: mislav/bump-homebrew-formula-action@v3\n        env:\n"
            "          COMMITTER_TOKEN: ${{ secrets.COMMITTER_TOKEN }}  # expect: LLC-GHA-008\n"
        ),
        Invalid(
            "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "        with:\n          token: ${{ secrets.GH_PAT }}  # expect: LLC-GHA-008\n"
        ),
        # gh through GH_TOKEN at workflow level, and a PAT in a push URL, in an `if: false` job.
        Invalid(
            "on: push\nenv:\n  GH_TOKEN: ${{ secrets.RELEASE_BOT }}  # expect: LLC-GHA-008\n"
            "jobs:\n  tag:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: |\n          gh release create v1\n"
            "          git push https://x-access-token:${{ secrets.PAT }}@github.com/o/r  "
            "# expect: LLC-GHA-008\n"
        ),
        # A token-named input of any action, and a PAT-named secret in an unknown action.
        Invalid(
            "jobs:\n  pr:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: some-org/label-sync@v1\n        with:\n"
            "          github-token: ${{ secrets.ORG_ADMIN }}  # expect: LLC-GHA-008\n"
            "      - uses: some-org/bump@v2\n        with:\n"
            "          token: ${{ secrets.BOT_TOKEN }}  # expect: LLC-GHA-008\n"
            "      - uses: peter-evans/create-pull-request@v7\n"
            "        with: { token: '${{ vars.PR_TOKEN }}' }  # expect: LLC-GHA-008\n"
        ),
    ]

    def check_pipeline(self, pipeline: Pipeline) -> None:
        # A reusable workflow's declared secrets are whatever each caller passes, often its
        # own GITHUB_TOKEN: this file cannot tell a PAT from the job token there.
        declared = yamlnodes.get(
            yamlnodes.get(yamlnodes.get(pipeline.root, "on"), "workflow_call"), "secrets"
        )
        self._passed = {name.upper() for name, _, _ in yamlnodes.items(declared)}
        self._env(pipeline.env)

    def check_job(self, job: Job) -> None:
        self._env(job.env)

    def check_step(self, step: Step) -> None:
        self._env(step.env)
        action = step.action()
        for name, value in step.with_.items():
            if self._slot(action, name, value):
                self._stored(value, f"`{name}` of {action}")
        for name, value in step.env.items():
            if action is not None and name.upper() in _ACTION_ENV.get(action, ()):
                self._stored(value, f"`{name}` of {action}")
        for name, value in step.secrets.items():
            if self._passed_token(name, value):
                self._stored(value, f"Secret `{name}` passed to {action}")

    @classmethod
    def _passed_token(cls, name: str, value: Entry) -> bool:
        """Whether a secret a reusable-workflow call passes on is a GitHub token, by the
        name the called workflow gives it or, for a generic `*_TOKEN`, by the secret's."""
        upper = name.upper().replace("-", "_")
        kind = credentials.for_env(upper)
        if kind is not None:
            return kind.id in _SLOT_KINDS
        if _OTHER_SERVICE.search(upper) or (
            value.secrets and all(_OTHER_SERVICE.search(s) for s in value.secrets)
        ):
            return False
        if cls._slot(None, name, value) or name.lower() in _PASSED_TOKENS:
            return True
        if _PAT_NAME.search(upper):
            return True
        return upper.endswith("TOKEN") and any(
            _PAT_NAME.search(s) and not _OTHER_SERVICE.search(s) for s in value.secrets
        )

    def check_command(self, command: Command) -> None:
        for match in _REMOTE.finditer(command.text):
            if not self._standing(match.group(1)):
                continue
            self._report(
                command.target(match.start(), match.end()),
                f"A git remote URL authenticates with `secrets.{match.group(1)}`",
            )

    @staticmethod
    def _slot(action: str | None, name: str, value: Entry) -> bool:
        if action is not None:
            kind = credentials.for_input(action, name)
            if kind is not None:
                return kind.id in _SLOT_KINDS
        lowered = name.lower()
        if lowered in _TOKEN_INPUTS:
            return True
        if lowered != "token" or (action and _OTHER_SERVICE.search(action)):
            return False  # `token` of slackapi/slack-github-action is Slack's
        return any(_PAT_NAME.search(s) and not _OTHER_SERVICE.search(s) for s in value.secrets)

    def _env(self, env: Mapping[str, Entry]) -> None:
        for name, value in env.items():
            kind = credentials.for_env(name)
            if kind is not None and kind.id in _SLOT_KINDS:
                self._stored(value, f"`{name}`")

    def _stored(self, value: Entry, where: str) -> None:
        found = origin(value, self.context)
        if found not in _STORED:
            return
        names = [s for s in value.secrets if self._standing(s)]
        if found is Origin.SECRET and not names:
            return
        ref = (
            f"secrets.{names[0]}"
            if names
            else next((r for r in value.refs if r.startswith("vars.")), "a variable")
        )
        self._report(value.key_node, f"{where} gets `{ref}`")

    def _standing(self, secret: str) -> bool:
        """A secret this file's own store holds, other than the job token."""
        if credentials.is_ephemeral("github", f"secrets.{secret}"):
            return False
        return secret.upper() not in getattr(self, "_passed", set())

    def _report(self, target: object, what: str) -> None:
        self.report(
            target,
            f"{what}: a stored GitHub token (a personal access token or a person's OAuth "
            "token) that acts as its owner and may never expire, where the job's "
            "`GITHUB_TOKEN` or a GitHub App installation token (one hour) would do.",
            lifetime=lifetime(_PAT),
        )
