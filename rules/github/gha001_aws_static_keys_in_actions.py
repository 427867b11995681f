"""LLC-GHA-001: configure-aws-credentials fed with static access keys."""

from __future__ import annotations

from scanner.api import (
    BASE32_UPPER,
    Category,
    CiRule,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    ValueKind,
    fake_token,
    parse_duration,
)

_ACTION = "aws-actions/configure-aws-credentials"
_KEY_INPUTS = ("aws-access-key-id", "aws-secret-access-key")
_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=21)

_OIDC = """\
name: deploy
on: push
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/gha-deploy
          aws-region: us-east-1
"""


class AwsStaticKeys(CiRule):
    """## What it does
    Flags a step using `aws-actions/configure-aws-credentials` (any version) that receives
    `aws-access-key-id` or `aws-secret-access-key`. It fires even when `role-to-assume` is also
    set, since that only chains a role from a static key. Literal key values, instead of
    `${{ secrets.* }}`, are critical. A separate low finding notes a `role-duration-seconds`
    above the `role_session_max_seconds` threshold (default one hour).

    ## Why is this bad?
    The job authenticates with an IAM user's access key stored as a repository secret: a
    credential that never expires, is shared by every workflow that can read the secret, and
    keeps working after the job ends. GitHub's OIDC provider gives each job a token that
    AWS exchanges for credentials lasting only as long as the job (OWASP NHI6 Insecure Cloud
    Deployment Configurations, NHI7 Long-Lived Secrets).

    ## Example
    ```yaml
    - uses: aws-actions/configure-aws-credentials@v4
      with:
        aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}
        aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
        aws-region: us-east-1
    ```

    Use instead:
    ```yaml
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/gha-deploy
          aws-region: us-east-1
    ```

    ## References
    - configure-aws-credentials, OIDC and the long-term credentials warning: https://github.com/aws-actions/configure-aws-credentials
    - GitHub, configuring OpenID Connect in AWS: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
    """

    META = RuleMeta(
        id="LLC-GHA-001",
        name="aws-static-keys-in-actions",
        summary="configure-aws-credentials with static access keys",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Trust GitHub's OIDC provider in an IAM role pinned to this repository (aud and "
        "sub), then use `role-to-assume` with `permissions: id-token: write` and delete the "
        "IAM user key.",
        kinds=frozenset({FileKind.GITHUB_ACTIONS}),
        triggers=("configure-aws-credentials",),
    )

    VALID = [
        Valid(_OIDC),
        Valid(
            _OIDC.replace(
                "aws-region: us-east-1",
                "aws-region: us-east-1\n          role-duration-seconds: 900",
            )
        ),
        # Another action's inputs, and keys that only appear in a comment.
        Valid(
            "jobs:\n  sync:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: jakejarvis/s3-sync-action@v0.5.1\n"
            "        env:\n          AWS_REGION: us-east-1\n"
            "      # - uses: aws-actions/configure-aws-credentials@v1\n"
            "      #   with: { aws-access-key-id: ${{ secrets.KEY }} }\n"
        ),
        # Empty inputs (a template left blank) hand over nothing.
        Valid(
            "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: aws-actions/configure-aws-credentials@v4\n"
            "        with:\n          aws-access-key-id: ''\n"
            "          role-to-assume: arn:aws:iam::123456789012:role/ci\n"
        ),
    ]
    INVALID = [
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: aws-actions/configure-aws-credentials@v4\n"
            "        with:\n"
            "          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}  # expect: LLC-GHA-001\n"
            "          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
            "          aws-region: us-east-1\n"
        ),
        # Role chaining from a static key, in a composite action, with a long session.
        Invalid(
            "name: setup\nruns:\n  using: composite\n  steps:\n"
            "    - uses: AWS-Actions/Configure-AWS-Credentials@main\n"
            "      with:\n"
            "        aws-secret-access-key: ${{ inputs.secret }}  # expect: LLC-GHA-001\n"
            "        role-to-assume: ${{ inputs.role }}\n"
            "        role-duration-seconds: 43200  # expect: LLC-GHA-001\n",
            path="action.yml",
        ),
        Invalid(
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: aws-actions/configure-aws-credentials@v2\n"
            f"        with: {{aws-access-key-id: {_KEY_ID},  # expect: LLC-GHA-001\n"
            "                aws-region: eu-west-1}\n"
        ),
    ]

    def check_step(self, step: Step) -> None:
        if step.action() != _ACTION:
            return
        self._static_keys(step)
        self._long_session(step)

    def _static_keys(self, step: Step) -> None:
        given = [
            step.with_[k] for k in _KEY_INPUTS if k in step.with_ and step.with_[k].value != ""
        ]
        if not given:
            return
        first = given[0]
        literals = [e.value for e in given if e.kind is ValueKind.LITERAL and e.value is not None]
        chained = (
            " (with `role-to-assume`: role chaining from a static key)"
            if ("role-to-assume" in step.with_)
            else ""
        )
        if literals:
            message = (
                f"configure-aws-credentials gets a literal AWS key in the workflow file"
                f"{chained}: a long-term credential readable by anyone with the repository."
            )
        else:
            message = (
                f"configure-aws-credentials authenticates with a stored long-term AWS "
                f"access key{chained} instead of GitHub OIDC federation."
            )
        self.report(
            first.key_node,
            message,
            lifetime=Lifetime.static(),
            value=literals[0] if literals else None,
            secrets=literals[1:],
            severity=Severity.CRITICAL if literals else None,
            related=[(e.key_node, f"`{e.key}` is set here too") for e in given[1:]],
        )

    def _long_session(self, step: Step) -> None:
        entry = step.with_.get("role-duration-seconds")
        if entry is None or entry.value is None:
            return
        seconds = parse_duration(entry.value)
        limit = self.context.thresholds.role_session_max_seconds
        if seconds is None or seconds <= limit:
            return
        self.report(
            entry.key_node,
            f"Role session of {seconds} seconds requested, above the {limit}-second threshold: "
            "the credentials outlive most jobs.",
            lifetime=Lifetime.seconds(seconds),
            severity=Severity.LOW,
            fix="Lower `role-duration-seconds` to the job's real duration "
            "(the default is one hour).",
        )
