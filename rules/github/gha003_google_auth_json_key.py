"""LLC-GHA-003: Google Cloud auth from a JSON service-account key."""

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
from scanner.api.ci.github_actions import (
    Origin,
    a,
    entry,
    federated_note,
    given,
    lifetime,
    origin,
    where,
)

_AUTH = "google-github-actions/auth"
_SETUP = "google-github-actions/setup-gcloud"
_OLD_SETUP = "googlecloudplatform/github-actions/setup-gcloud"  # the 2020 mono-repo action
#: The inputs that take the key, per action (setup-gcloud's only up to v0: deprecated there,
#: gone from v1, whose README sends authentication to google-github-actions/auth).
_KEY_INPUTS = {
    _AUTH: "credentials_json",
    _SETUP: "service_account_key",
    _OLD_SETUP: "service_account_key",
}
_KIND = credentials.by_id("gcp-service-account-key")

_WIF = """\
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ secrets.WIF_PROVIDER }}
          service_account: ${{ secrets.DEPLOY_SA }}
      - uses: google-github-actions/setup-gcloud@v2
"""


class GoogleAuthJsonKey(CiRule):
    """## What it does
    Flags `google-github-actions/auth` given `credentials_json`, and the legacy
    `google-github-actions/setup-gcloud@v0` (and its predecessor
    `GoogleCloudPlatform/github-actions/setup-gcloud`) given `service_account_key`: all
    authenticate with a service-account key file. The input is a key whatever fills it (a
    secret, a variable, a composite action's input, a step that fetched it from a secret
    manager), so any non-empty value fires; a literal key in the file is critical.

    It stays quiet on Workload Identity Federation (`workload_identity_provider` with
    `service_account`), even when those identifiers come from `secrets.*`, on empty inputs and
    on commented-out steps.

    ## Why is this bad?
    A service-account key never expires (unless an org policy sets an expiry) and works from
    anywhere until someone deletes it; google-github-actions/auth's README calls it a
    long-lived credential and recommends Workload Identity Federation, which exchanges the
    job's GitHub OIDC token for a short-lived access token (OWASP NHI6 Insecure Cloud
    Deployment Configurations, NHI7 Long-Lived Secrets).

    ## Example
    ```yaml
    - uses: google-github-actions/auth@v2
      with:
        credentials_json: ${{ secrets.GCP_SA_KEY }}
    ```

    Use instead:
    ```yaml
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ vars.WIF_PROVIDER }}  # projects/123/.../providers/gh
          service_account: deploy@my-project.iam.gserviceaccount.com
    ```

    ## References
    - google-github-actions/auth, inputs and the key warning: https://github.com/google-github-actions/auth
    - setup-gcloud v1 release notes (authentication moved to auth): https://github.com/google-github-actions/setup-gcloud/releases/tag/v1.0.0
    - Google Cloud, Workload Identity Federation with deployment pipelines: https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines
    """

    META = RuleMeta(
        id="LLC-GHA-003",
        name="google-auth-json-key",
        summary="Google auth from a JSON service-account key",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Create a workload identity pool and provider for GitHub (attribute condition on "
        "the repository), pass `workload_identity_provider` with `permissions: id-token: "
        "write`, then delete the key.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=(_AUTH, "/setup-gcloud"),
    )

    VALID = [
        Valid(_WIF),
        # An empty key input (a template) and a commented-out key.
        Valid(
            "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: google-github-actions/auth@v2\n        with:\n"
            "          credentials_json: ''\n"
            "          # credentials_json: ${{ secrets.GCP_SA_KEY }}\n"
            "          workload_identity_provider: ${{ vars.WIF_PROVIDER }}\n"
        ),
        # setup-gcloud v2 authenticated by an earlier auth step: no key input at all.
        Valid(
            "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: google-github-actions/setup-gcloud@v2\n"
            "        with:\n          project_id: my-project\n"
            "      - uses: some-org/gcp-report@v1\n"
            "        with:\n          credentials_json: ${{ secrets.REPORT_KEY }}\n"
        ),
    ]
    INVALID = [
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: google-github-actions/auth@v2\n        with:\n"
            "          credentials_json: ${{ secrets.GCP_SA_KEY }}  # expect: LLC-GHA-003\n"
        ),
        # Legacy setup-gcloud with the key, in a job that is switched off.
        Invalid(
            "jobs:\n  deploy:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: google-github-actions/setup-gcloud@v0\n        with:\n"
            "          project_id: my-project\n"
            "          service_account_key: ${{ secrets.GCP_KEY }}  # expect: LLC-GHA-003\n"
            "          export_default_credentials: true\n"
        ),
        # A key fetched at run time is still a key; OIDC permissions do not change that.
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
            "    permissions:\n      id-token: write\n    steps:\n"
            "      - id: k\n        run: echo v=... >> $GITHUB_OUTPUT\n"
            "      - uses: Google-GitHub-Actions/Auth@v1\n"
            "        with: {credentials_json: '${{ steps.k.outputs.v }}'}  # expect: LLC-GHA-003\n"
        ),
    ]

    def check_step(self, step: Step) -> None:
        action = step.action()
        if action not in _KEY_INPUTS:
            return
        name = _KEY_INPUTS[action]
        if not given(step, name):
            return
        key = entry(step, name)
        if key is None:
            return
        found = origin(key, self.context)
        if found is None:
            return
        source = "a value computed during the run" if found is Origin.COMPUTED else where(found)
        federated = federated_note(step.job)
        self.report(
            key.key_node,
            f"{action} authenticates with {a(_KIND.name)} from {source} instead of Workload "
            f"Identity Federation: the key lives until someone deletes it.{federated}",
            lifetime=lifetime(_KIND),
            value=key.value if found is Origin.LITERAL else None,
            severity=Severity.CRITICAL if found is Origin.LITERAL else None,
        )
