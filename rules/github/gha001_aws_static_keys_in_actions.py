"""LLC-GHA-001: configure-aws-credentials fed with static access keys."""

from __future__ import annotations

import re

from scanner.api import (
    BASE32_UPPER,
    Category,
    CiRule,
    Entry,
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
    session_severity,
)

_ACTION = "aws-actions/configure-aws-credentials"
_KEY_INPUTS = ("aws-access-key-id", "aws-secret-access-key")
_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=21)

#: A context property read in an expression: ``env.X`` or ``steps.ID.outputs.X``.
_RUNTIME = re.compile(r"^(env|steps)\.")


def _source(step: Step, entry: Entry) -> Entry | None:
    """The entry that decides where a key input comes from, or None when it holds no stored
    key: ``${{ env.X }}`` resolves through the step's env (a secret or a literal there is
    what the input gets), and a value set during the run (an env var no ``env:`` of the
    step's scope defines, a step output) is what an earlier configure-aws-credentials step
    or an OIDC-capable job exports, not a stored key."""
    if entry.kind is not ValueKind.EXPRESSION or not entry.refs:
        return entry
    if not all(_RUNTIME.match(r) for r in entry.refs):
        return entry  # `inputs.*`, `vars.*`, `matrix.*`: as before
    scoped = step.scoped_env()
    runtime = False
    for ref in entry.refs:
        if ref.startswith("env."):
            defined = scoped.get(ref.split(".", 1)[1])
            if defined is not None and defined.kind is not ValueKind.EXPRESSION:
                return defined  # a secret, a literal or a mapping: judged as before
            if defined is not None and any(not _RUNTIME.match(r) for r in defined.refs):
                return defined
        runtime = True
    if runtime and (step.job.federation.oidc or _minted_before(step)):
        return None
    return entry


def _minted_before(step: Step) -> bool:
    """Whether an earlier step of the job sets AWS credentials during the run: a
    configure-aws-credentials step exports ``AWS_*`` to ``GITHUB_ENV`` (and as outputs).
    When that step took a static key itself, it is the one reported."""
    for earlier in step.job.steps:
        if earlier is step:
            return False
        if earlier.action() == _ACTION:
            return True
    return False


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
    `${{ secrets.* }}`, are critical. `${{ env.X }}` is judged by the `env:` entry it reads;
    an env var no `env:` of the step's scope defines, or a step output, is set during the
    run, and is quiet when the job can mint an OIDC token or an earlier
    configure-aws-credentials step exported it (role chaining from federated credentials).
    A separate finding notes a `role-duration-seconds` above the `role_session_max_seconds`
    threshold (default one hour): low, medium above four times it.

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

    ## Fix
    `outlive fix` replaces the key inputs with `role-to-assume:
    arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME` (a placeholder to fill in) and grants the job
    `permissions: id-token: write` (with `contents: read` when permissions were implicit, or
    the workflow's permissions copied when the job had none of its own). With
    `role-to-assume` already set, only the keys go. Composite actions and `read-all`
    permissions are left to you.

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
        # A second configure-aws-credentials step reads the keys the first one (OIDC)
        # exported to GITHUB_ENV: set during the run, not stored.
        Valid(
            _OIDC + "      - uses: aws-actions/configure-aws-credentials@v4\n"
            "        with:\n"
            "          aws-access-key-id: ${{ env.AWS_ACCESS_KEY_ID }}\n"
            "          aws-secret-access-key: ${{ env.AWS_SECRET_ACCESS_KEY }}\n"
            "          aws-session-token: ${{ env.AWS_SESSION_TOKEN }}\n"
            "          role-to-assume: arn:aws:iam::210987654321:role/deploy\n"
            "          aws-region: us-east-1\n"
        ),
        # The same chaining through step outputs, in a composite action.
        Valid(
            "name: chain\nruns:\n  using: composite\n  steps:\n"
            "    - id: base\n      uses: aws-actions/configure-aws-credentials@v4\n"
            "      with: {role-to-assume: '${{ inputs.role }}', output-credentials: true}\n"
            "    - uses: aws-actions/configure-aws-credentials@v4\n      with:\n"
            "        aws-access-key-id: ${{ steps.base.outputs.aws-access-key-id }}\n"
            "        aws-secret-access-key: ${{ steps.base.outputs.aws-secret-access-key }}\n"
            "        role-to-assume: ${{ inputs.target-role }}\n",
            path="action.yml",
        ),
    ]
    INVALID = [
        # `env.X` that the job's env fills from a stored secret is that secret.
        Invalid(
            "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
            "    env:\n      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
            "      AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
            "    steps:\n"
            "      - uses: aws-actions/configure-aws-credentials@v4\n"
            "        with:\n"
            "          aws-access-key-id: ${{ env.AWS_ACCESS_KEY_ID }}  # expect: LLC-GHA-001\n"
            "          aws-secret-access-key: ${{ env.AWS_SECRET_ACCESS_KEY }}\n"
        ),
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
        given = []
        for k in _KEY_INPUTS:
            if k in step.with_ and step.with_[k].value != "":
                source = _source(step, step.with_[k])
                if source is not None:
                    given.append((step.with_[k], source))
        if not given:
            return
        first = given[0][0]
        literals = [
            s.value for _, s in given if s.kind is ValueKind.LITERAL and s.value is not None
        ]
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
            related=[(e.key_node, f"`{e.key}` is set here too") for e, _ in given[1:]]
            + [(s.key_node, f"`{e.key}` reads `{s.key}`, set here") for e, s in given if s != e],
        )

    def _long_session(self, step: Step) -> None:
        entry = step.with_.get("role-duration-seconds")
        if entry is None or entry.value is None:
            return
        seconds = parse_duration(entry.value)
        limit = self.context.thresholds.role_session_max_seconds
        severity = None if seconds is None else session_severity(seconds, limit)
        if seconds is None or severity is None:
            return
        self.report(
            entry.key_node,
            f"Role session of {seconds} seconds requested, above the {limit}-second threshold: "
            "the credentials outlive most jobs.",
            lifetime=Lifetime.seconds(seconds),
            severity=severity,
            fix="Lower `role-duration-seconds` to the job's real duration "
            "(the default is one hour).",
        )
