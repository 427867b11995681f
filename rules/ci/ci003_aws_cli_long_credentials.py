"""LLC-CI-003: AWS CLI minting or configuring long-lived or over-long credentials."""

from __future__ import annotations

import re

from scanner.api import (
    BASE64,
    COMMAND_KINDS,
    Category,
    CiRule,
    Command,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    SimpleCommand,
    Step,
    Stored,
    Word,
    describe_duration,
    fake_token,
    invalid_in,
    session_severity,
    valid_in,
)
from scanner.api.ci.mint import ci_fix, flag, invocations, span, through, verbs

_KIND = "aws-access-key"
#: Global options of the AWS CLI that take a separate value (before the service name).
_GLOBAL_VALUED = frozenset(
    {
        "--region",
        "--profile",
        "--output",
        "--endpoint-url",
        "--query",
        "--color",
        "--ca-bundle",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--cli-binary-format",
    }
)
_ASSUME = ("assume-role", "assume-role-with-web-identity", "assume-role-with-saml")
#: AWS's default for ``get-session-token`` without ``--duration-seconds`` (12 hours).
_SESSION_TOKEN_DEFAULT = 43200
_KEY_SETTINGS = ("aws_access_key_id", "aws_secret_access_key")
_SECRET = fake_token("", 40, BASE64, seed=303)
#: Keys for another endpoint (MinIO, LocalStack, R2, Spaces) are not IAM user keys, and
#: OIDC to AWS is no fix for them.
_EMULATOR = re.compile(r"--endpoint-url|\bendpoint_url\b|localstack|\bminio", re.IGNORECASE)


class AwsCliLongCredentials(CiRule):
    """## What it does
    Flags AWS CLI commands, in any CI system's scripts and in shell scripts and Makefiles,
    that mint or install a long-lived AWS credential:
    - `aws iam create-access-key` (high): mints an IAM user access key that never expires;
    - `aws configure import --csv …` (medium): installs an IAM user's downloaded keys;
    - `aws configure set aws_access_key_id|aws_secret_access_key <value>` (medium; critical
      when the value is written in the file): stores a long-term key in the runner's
      profile. Placeholder values (`test`, `dummy`, as used with LocalStack) and a step
      that also sets `aws_session_token` (temporary STS credentials) or talks to another
      endpoint (`--endpoint-url`: MinIO, LocalStack, R2) stay quiet;
    - `aws sts get-session-token`: only an IAM user's long-term key can call it, and its
      session lasts 12 hours unless `--duration-seconds` says otherwise (medium above the
      `role_session_max_seconds` threshold, default one hour, low otherwise; an MFA
      `--serial-number`/`--token-code` means a person, and stays quiet);
    - `aws sts assume-role*` with `--duration-seconds` above that threshold (low; medium at
      four times the threshold, 14400 by default).

    Commented-out lines, `echo`ed text and sessions within the threshold are left alone.

    ## Why is this bad?
    An IAM user key works until someone deletes it, from anywhere, for anyone who copies it
    out of a log, an artifact or the runner's `~/.aws/credentials`. A session of many hours
    outlives the job that asked for it. Every CI system covered here can exchange its own
    short-lived OIDC token for a role session instead (OWASP NHI7 Long-Lived Secrets, NHI6
    Insecure Cloud Deployment Configurations).

    ## Example
    ```bash
    aws iam create-access-key --user-name ci-deployer > key.json
    aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"
    aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name ci --duration-seconds 43200
    ```

    Use instead:
    ```yaml
    # GitHub Actions
    permissions:
      id-token: write
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/ci
          aws-region: us-east-1
    ```
    ```yaml
    # GitLab CI
    deploy:
      id_tokens:
        AWS_TOKEN:
          aud: sts.amazonaws.com
      script:
        - >
          aws sts assume-role-with-web-identity --role-arn "$ROLE_ARN"
          --role-session-name "gitlab-$CI_JOB_ID" --web-identity-token "$AWS_TOKEN"
          --duration-seconds 900
    ```
    ```yaml
    # CircleCI (a job with a context gets $CIRCLE_OIDC_TOKEN_V2)
    - run: >
        aws sts assume-role-with-web-identity --role-arn "$ROLE_ARN"
        --role-session-name "circleci-$CIRCLE_BUILD_NUM"
        --web-identity-token "$CIRCLE_OIDC_TOKEN_V2" --duration-seconds 900
    ```
    ```yaml
    # Azure Pipelines: an AWS service connection using OIDC (AWS Toolkit for Azure DevOps)
    - task: AWSShellScript@1
      inputs:
        awsCredentials: aws-oidc-connection
        scriptType: inline
        inlineScript: aws s3 sync dist/ s3://my-bucket
    ```
    ```yaml
    # Bitbucket Pipelines
    - step:
        oidc: true
        script:
          - export AWS_ROLE_ARN=arn:aws:iam::123456789012:role/ci
          - export AWS_WEB_IDENTITY_TOKEN_FILE=$(pwd)/web-identity-token
          - echo "$BITBUCKET_STEP_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"
          - aws s3 sync dist/ s3://my-bucket
    ```
    ```groovy
    // Jenkins: an agent with an instance profile or IRSA role, or the AWS Credentials
    // plugin's role binding, never an IAM user key
    withAWS(role: 'ci-deploy', duration: 900) { sh 'aws s3 sync dist/ s3://my-bucket' }
    ```
    ```bash
    # Scripts run by hand: IAM Identity Center (SSO) sessions
    aws sso login --profile ci && aws s3 ls --profile ci
    ```

    ## References
    - AWS, IAM best practice "require workloads to use temporary credentials": https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
    - `get-session-token` durations (900 s to 36 h, default 12 h): https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
    - `assume-role-with-web-identity`: https://docs.aws.amazon.com/cli/latest/reference/sts/assume-role-with-web-identity.html
    - GitHub OIDC in AWS: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
    - GitLab OIDC in AWS: https://docs.gitlab.com/ci/cloud_services/aws/
    """

    META = RuleMeta(
        id="LLC-CI-003",
        name="aws-cli-long-credentials",
        summary="AWS CLI minting or configuring long-lived or over-long credentials",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI6"),
        fix="Exchange the CI system's OIDC token for a role session of 15 to 60 minutes "
        "(assume-role-with-web-identity or the platform's AWS integration) and delete the "
        "IAM user key.",
        kinds=COMMAND_KINDS,
        triggers=(
            "create-access-key",
            "get-session-token",
            "assume-role",
            "aws_access_key_id",
            "aws_secret_access_key",
            "configure import",
        ),
    )
    #: Only commands that mention a trigger are parsed and checked.
    COMMAND_WORDS = META.triggers

    VALID = [
        # OIDC done right: a web-identity session of 15 minutes.
        *valid_in(
            'aws sts assume-role-with-web-identity --role-arn "$ROLE_ARN" \\\n'
            '  --role-session-name ci --web-identity-token "$OIDC_TOKEN" --duration-seconds 900\n'
            "aws s3 sync dist/ s3://my-bucket\n",
            federated=True,
        ),
        # LocalStack's dummy keys, a session at the threshold, a commented-out key, an echo.
        *valid_in(
            "aws configure set aws_access_key_id test\n"
            "aws configure set aws_secret_access_key test\n"
            "aws --endpoint-url http://localhost:4566 s3 ls\n"
            "# aws iam create-access-key --user-name ci-deployer\n"
            'echo "run: aws iam create-access-key --user-name you"\n'
            'aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name ci'
            " --duration-seconds 3600\n"
        ),
        # Temporary credentials written to the profile: a session token goes with them.
        *valid_in(
            'CREDS=$(aws sts assume-role --role-arn "$ROLE_ARN" --role-session-name ci'
            " --query Credentials --output json)\n"
            'aws configure set aws_access_key_id "$(echo "$CREDS" | jq -r .AccessKeyId)"\n'
            'aws configure set aws_secret_access_key "$(echo "$CREDS" | jq -r .SecretAccessKey)"\n'
            'aws configure set aws_session_token "$(echo "$CREDS" | jq -r .SessionToken)"\n'
            "aws configure set region us-east-1\n"
            "aws iam list-access-keys --user-name ci-deployer\n"
        ),
    ]
    INVALID = [
        *invalid_in(
            "aws iam create-access-key --user-name ci-deployer > key.json  # expect: LLC-CI-003\n"
        ),
        # A stored key installed into the profile, then a 36-hour session from it.
        *invalid_in(
            'aws configure set aws_access_key_id "$AWS_KEY_ID"  # expect: LLC-CI-003\n'
            'aws configure set aws_secret_access_key "$AWS_SECRET"\n'
            "aws sts get-session-token --duration-seconds 129600 > s.json  # expect: LLC-CI-003\n",
            env={"AWS_KEY_ID": Stored("AWS_KEY_ID"), "AWS_SECRET": Stored("AWS_SECRET")},
        ),
        # A long role session across a line continuation, behind sudo and global options.
        *invalid_in(
            'sudo aws --region eu-west-1 sts assume-role --role-arn "$ROLE_ARN" \\\n'
            "  --role-session-name ci --duration-seconds=43200  # expect: LLC-CI-003\n"
        ),
        # A literal secret key in the file.
        *invalid_in(
            f"aws configure set profile.ci.aws_secret_access_key {_SECRET}  # expect: LLC-CI-003\n"
        ),
    ]

    def check_step(self, step: Step) -> None:
        """``aws configure set`` of a key: one finding per step (id and secret are a pair)."""
        sets: list[tuple[Command, str, Word]] = []
        for command in step.commands():
            for simple in invocations(command, "aws"):
                setting = _configure_set(simple)
                if setting is not None:
                    sets.append((command, *setting))
        if any(key.endswith("aws_session_token") for _, key, _ in sets):
            return  # temporary STS credentials, not a long-term key
        if any(_EMULATOR.search(command.text) for command in step.commands()):
            return  # an S3-compatible store or an emulator: not an IAM user key
        keys = [
            (command, key, value)
            for command, key, value in sets
            if key.rsplit(".", 1)[-1] in _KEY_SETTINGS and value.value
        ]
        keys = [k for k in keys if not (k[2].literal and self.context.is_placeholder(k[2].value))]
        if not keys:
            return
        command, key, value = keys[0]
        literals = [v.value for _, _, v in keys if v.literal]
        where = "written in the file" if literals else "read at run time"
        self.report(
            command.target(value.start, value.end),
            f"`aws configure set {key}` installs a long-term AWS access key ({where}) into "
            "the runner's profile: it never expires and works from anywhere it is copied."
            + ci_fix(command, _KIND),
            lifetime=Lifetime.static(),
            value=literals[0] if literals else None,
            secrets=literals[1:],
            severity=Severity.CRITICAL if literals else Severity.MEDIUM,
            related=[(c.target(v.start, v.end), f"`{k}` is set here too") for c, k, v in keys[1:]],
        )

    def check_command(self, command: Command) -> None:
        for simple in invocations(command, "aws"):
            service, operation = [*verbs(simple, 2, _GLOBAL_VALUED), "", ""][:2]
            if service == "iam" and operation == "create-access-key":
                self._access_key(command, simple)
            elif service == "sts" and operation == "get-session-token":
                self._session_token(command, simple)
            elif service == "sts" and operation in _ASSUME:
                self._assume(command, simple, operation)
            elif service == "configure" and operation == "import":
                self._import(command, simple)

    def _access_key(self, command: Command, simple: SimpleCommand) -> None:
        target = command.target(*through(simple, 2, _GLOBAL_VALUED))
        deleted = _deleted_later(command, simple)
        if deleted is not None:
            self.report(
                target,
                "`aws iam create-access-key` mints a long-term IAM user access key; a later "
                "`aws iam delete-access-key` deletes it at the end of the job, unless the run "
                "is cancelled or fails before it, and then the key lives on: run the delete "
                "whatever happens (`if: always()`, `after_script:`, a shell `trap ... EXIT`)."
                + ci_fix(command, _KIND),
                lifetime=Lifetime.static(),
                severity=Severity.LOW,
                related=[(deleted, "the key is deleted here")],
            )
            return
        self.report(
            target,
            "`aws iam create-access-key` mints a long-term IAM user access key: it never "
            "expires and outlives the job that printed it." + ci_fix(command, _KIND),
            lifetime=Lifetime.static(),
        )

    def _import(self, command: Command, simple: SimpleCommand) -> None:
        self.report(
            command.target(*through(simple, 2, _GLOBAL_VALUED)),
            "`aws configure import` installs the access keys of an IAM user's credentials CSV "
            "into the runner's profile: long-term keys that never expire." + ci_fix(command, _KIND),
            lifetime=Lifetime.static(),
            severity=Severity.MEDIUM,
        )

    def _session_token(self, command: Command, simple: SimpleCommand) -> None:
        if simple.has("--serial-number", "--token-code"):
            return  # an MFA code: a person at a terminal, not a workload
        given = flag(simple, "--duration-seconds")
        limit = self.context.thresholds.role_session_max_seconds
        if given is None:
            seconds: int | None = _SESSION_TOKEN_DEFAULT
            start, end = through(simple, 2, _GLOBAL_VALUED)
            how = "the 12-hour default session"
        else:
            seconds = _seconds(given[1])
            start, end = span(*given)
            how = (
                f"a session of {describe_duration(seconds)}"
                if seconds is not None
                else "a session of a length set at run time"
            )
        long = seconds is not None and seconds > limit
        self.report(
            command.target(start, end),
            f"`aws sts get-session-token` needs an IAM user's long-term key and hands out {how}"
            + (f", above the {limit}-second threshold" if long else "")
            + "."
            + ci_fix(command, _KIND),
            lifetime=Lifetime.seconds(seconds) if seconds is not None else Lifetime.unknown(),
            severity=Severity.MEDIUM if long else Severity.LOW,
        )

    def _assume(self, command: Command, simple: SimpleCommand, operation: str) -> None:
        given = flag(simple, "--duration-seconds")
        if given is None:
            return  # one hour, AWS's default
        seconds = _seconds(given[1])
        limit = self.context.thresholds.role_session_max_seconds
        severity = session_severity(seconds, limit) if seconds is not None else None
        if seconds is None or severity is None:
            return
        self.report(
            command.target(*span(*given)),
            f"`aws sts {operation}` asks for a session of {describe_duration(seconds)}, above "
            f"the {limit}-second threshold: the credentials outlive most jobs.",
            lifetime=Lifetime.seconds(seconds),
            severity=severity,
            fix="Lower `--duration-seconds` to the job's real duration (900 to 3600).",
        )


def _configure_set(simple: SimpleCommand) -> tuple[str, Word] | None:
    """``(setting, value)`` of ``aws configure set <setting> <value>``."""
    words = simple.positionals(*_GLOBAL_VALUED)
    if len(words) < 4 or [w.value for w in words[:2]] != ["configure", "set"]:
        return None
    return words[2].value.lower(), words[3]


def _deleted_later(command: Command, simple: SimpleCommand) -> object | None:
    """Where a later command of the same job runs ``aws iam delete-access-key`` for the user
    the key was created for (both without ``--user-name`` means the caller's own user)."""
    user = _user_name(simple)
    later = False
    for step in command.step.job.steps:
        for other in step.commands():
            if other is command:
                later = True
                continue
            if not later:
                continue
            for run in invocations(other, "aws"):
                if verbs(run, 2, _GLOBAL_VALUED) == ["iam", "delete-access-key"] and (
                    _user_name(run) == user
                ):
                    return other.target(*through(run, 2, _GLOBAL_VALUED))
    return None


def _user_name(simple: SimpleCommand) -> str | None:
    word = simple.option("--user-name")
    return word.value if word is not None else None


def _seconds(word: Word | None) -> int | None:
    """``--duration-seconds`` is an integer; anything else (a variable) is unknown."""
    if word is None or not word.literal or not word.value.isdigit():
        return None
    return int(word.value)
