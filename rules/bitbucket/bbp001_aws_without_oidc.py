"""LLC-BBP-001: Bitbucket Pipelines cloud access without `oidc: true`."""

from __future__ import annotations

import re

from scanner.api import (
    BASE32_UPPER,
    BASE64,
    Category,
    CiRule,
    Command,
    Entry,
    FileKind,
    Invalid,
    Job,
    Lifetime,
    Pipeline,
    Precision,
    RuleContext,
    RuleMeta,
    Severity,
    Step,
    Valid,
    ValueKind,
    credential_format,
    credential_shaped,
    credentials,
    fake_token,
    is_known_example,
    yamlnodes,
)
from scanner.api.ci.aws_script import AWS_AUTH, EMULATORS, get_merged, implicit_cli, key_use

_AWS = credentials.by_id("aws-access-key")
_FEDERATION = _AWS.fix("bitbucket")
#: The pipes' switch to OIDC (with `oidc: true` on the step) instead of a key pair.
_PIPE_ROLE = "AWS_OIDC_ROLE_ARN"
#: Atlassian's AWS pipes read the key pair from the step's variables unless they are given
#: keys or `AWS_OIDC_ROLE_ARN`.
_AWS_PIPES = re.compile(r"^atlassian/aws-[a-z0-9-]+$")
_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=71)
_SECRET = fake_token("", 40, BASE64, seed=72).replace("=", "A")

_OIDC = """\
image: amazon/aws-cli:2.17.0
pipelines:
  default:
    - step:
        name: deploy
        oidc: true
        script:
          - export AWS_REGION=us-east-1
          - export AWS_ROLE_ARN=arn:aws:iam::123456789012:role/bitbucket-deploy
          - export AWS_WEB_IDENTITY_TOKEN_FILE=$(pwd)/web-identity-token
          - echo $BITBUCKET_STEP_OIDC_TOKEN > $(pwd)/web-identity-token
          - aws s3 sync dist s3://example-bucket
"""


def _given(entry: Entry) -> bool:
    """A variable that hands something over: not an empty template value."""
    return entry.kind is not ValueKind.LITERAL or (entry.value or "").strip() != ""


def _computed(entry: Entry, made: set[str]) -> bool:
    """A pipe variable read from names the step's own script set before the pipe (the
    session `aws sts assume-role-with-web-identity` returned), not repository variables."""
    names = [r.removeprefix("env.") for r in entry.refs]
    return entry.kind is ValueKind.EXPRESSION and bool(names) and all(n in made for n in names)


def _self_hosted(step: yamlnodes.Node | None) -> bool:
    """``runs-on: [self.hosted, linux]``: the runner may have an instance role."""
    node = get_merged(step, "runs-on")
    labels = [yamlnodes.scalar(node)] if yamlnodes.scalar(node) else []
    labels += [yamlnodes.scalar(e) for e in yamlnodes.elements(node)]
    return any(label is not None and "self.hosted" in label for label in labels)


def _emulator_services(root: yamlnodes.Node | None) -> set[str | None]:
    """Names of ``definitions: services:`` that run a local emulator (LocalStack, MinIO)."""
    out: set[str | None] = set(EMULATORS)
    services = yamlnodes.get(yamlnodes.get(root, "definitions"), "services")
    for name, _, service in yamlnodes.items(services):
        image = yamlnodes.get(service, "image")
        text = yamlnodes.scalar(image) or yamlnodes.scalar(yamlnodes.get(image, "name")) or ""
        if any(e in text.lower() for e in EMULATORS):
            out.add(name)
    return out


class AwsWithoutOidc(CiRule):
    """## What it does
    Flags Bitbucket Pipelines steps that reach AWS with an IAM user's access key instead of
    the step's OIDC token:
    - a `pipe:` (the `atlassian/aws-*` pipes and any other) given `AWS_ACCESS_KEY_ID` or
      `AWS_SECRET_ACCESS_KEY` in its `variables:`, unless the step has `oidc: true` and the
      pipe gets `AWS_OIDC_ROLE_ARN`; an `atlassian/aws-*` pipe given neither keys nor
      `AWS_OIDC_ROLE_ARN`, which reads the key pair from the repository or deployment
      variables (medium);
    - a `script:` that reads `$AWS_ACCESS_KEY_ID` / `$AWS_SECRET_ACCESS_KEY` (repository,
      workspace or deployment variables) or exports them from another variable, in a step
      without `oidc: true` (one finding per step);
    - an image pulled from ECR with `aws: {access-key: ..., secret-key: ...}` instead of
      `aws: {oidc-role: ...}`;
    - a step without `oidc: true` that calls AWS (`aws s3 sync`, `sam deploy`, `cdk deploy`,
      `eksctl create`) with nothing in the file to authenticate it: on Bitbucket's hosted
      runners only the repository or workspace key pair can (low; quiet on `runs-on:
      self.hosted` runners, which may have an instance role).

    Pipe variables the step's script set itself before the pipe (the session `aws sts
    assume-role-with-web-identity` returned for `$BITBUCKET_STEP_OIDC_TOKEN`) are not stored
    keys. `aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"` and a registry
    login given its password are LLC-CI-003's and LLC-CI-001's lines, not reported again.

    A key written in the file (a pipe variable, `export AWS_SECRET_ACCESS_KEY=...`,
    `aws configure set aws_access_key_id ...`, an image's `access-key`) is critical whether
    or not the step has `oidc: true`. Dummy keys for emulators (`test`, the AWS documentation
    key) and session credentials a step computes (`$(... | jq -r .AccessKeyId)`) are not
    reported.

    ## Why is this bad?
    An IAM user's access key never expires: kept as a repository or workspace variable, it
    reaches every step that can read it, and anyone who copies it keeps AWS access until it
    is revoked. With `oidc: true` a step gets `$BITBUCKET_STEP_OIDC_TOKEN`, which AWS
    exchanges for a role session scoped to that step (OWASP NHI6 Insecure Cloud Deployment
    Configurations, NHI7 Long-Lived Secrets).

    ## Example
    ```yaml
    pipelines:
      default:
        - step:
            script:
              - pipe: atlassian/aws-s3-deploy:1.1.0
                variables:
                  AWS_ACCESS_KEY_ID: $AWS_ACCESS_KEY_ID
                  AWS_SECRET_ACCESS_KEY: $AWS_SECRET_ACCESS_KEY
                  AWS_DEFAULT_REGION: us-east-1
                  S3_BUCKET: example-bucket
                  LOCAL_PATH: dist
    ```

    Use instead:
    ```yaml
    pipelines:
      default:
        - step:
            oidc: true
            script:
              - pipe: atlassian/aws-s3-deploy:1.1.0
                variables:
                  AWS_OIDC_ROLE_ARN: arn:aws:iam::123456789012:role/bitbucket-deploy
                  AWS_DEFAULT_REGION: us-east-1
                  S3_BUCKET: example-bucket
                  LOCAL_PATH: dist
    ```

    ## References
    - Bitbucket, deploy on AWS using Bitbucket Pipelines OpenID Connect: https://support.atlassian.com/bitbucket-cloud/docs/deploy-on-aws-using-bitbucket-pipelines-openid-connect/
    - Bitbucket, integrate Pipelines with resource servers using OIDC: https://support.atlassian.com/bitbucket-cloud/docs/integrate-pipelines-with-resource-servers-using-oidc/
    - AWS Partner Network, Bitbucket Pipelines and OpenID Connect: https://aws.amazon.com/blogs/apn/using-bitbucket-pipelines-and-openid-connect-to-deploy-to-amazon-s3/
    """

    META = RuleMeta(
        id="LLC-BBP-001",
        name="aws-without-oidc",
        summary="Bitbucket Pipelines cloud access without `oidc: true`",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Add the workspace's Bitbucket OIDC identity provider to AWS IAM, trust it in a "
        "role pinned to the workspace audience and repository UUID, set `oidc: true` on the "
        "step (`AWS_OIDC_ROLE_ARN` for the atlassian/aws-* pipes), and delete the IAM user key.",
        kinds=frozenset({FileKind.BITBUCKET}),
        triggers=("aws", "eksctl", "cdk", "sam"),
    )

    VALID = [
        Valid(_OIDC),
        # A pipe with OIDC, in an anchored step reused by two sections.
        Valid(
            "definitions:\n  steps:\n    - step: &deploy\n        name: deploy\n"
            "        oidc: true\n        script:\n"
            "          - pipe: atlassian/aws-s3-deploy:1.1.0\n            variables:\n"
            f"              {_PIPE_ROLE}: arn:aws:iam::123456789012:role/bitbucket\n"
            "              AWS_DEFAULT_REGION: us-east-1\n"
            "              S3_BUCKET: example-bucket\n"
            "pipelines:\n  default:\n    - step: *deploy\n"
            "  branches:\n    main:\n      - step: *deploy\n"
        ),
        # Dummy keys for localstack, then the CLI reading them.
        Valid(
            "pipelines:\n  default:\n    - step:\n        services: [localstack]\n"
            "        script:\n"
            "          - export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n"
            "          - aws --endpoint-url http://localhost:4566 s3 mb s3://it\n"
            '          - echo "key id: $AWS_ACCESS_KEY_ID"\n'
            "definitions:\n  services:\n    localstack:\n      image: localstack/localstack:3\n"
            "      variables:\n        AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n"
        ),
        # Commented out, quoted so the shell reads nothing, and session credentials computed
        # by the step from its OIDC token.
        Valid(
            "pipelines:\n  default:\n    - step:\n        oidc: true\n        script:\n"
            "          # - pipe: atlassian/aws-s3-deploy:1.1.0\n"
            "          #   variables: {AWS_ACCESS_KEY_ID: $AWS_KEY}\n"
            "          - echo '$AWS_ACCESS_KEY_ID is not read here'\n"
            "          - CREDS=$(aws sts assume-role-with-web-identity --role-arn $ROLE"
            " --role-session-name ci --web-identity-token $BITBUCKET_STEP_OIDC_TOKEN)\n"
            '          - export AWS_ACCESS_KEY_ID=$(echo "$CREDS"'
            " | jq -r .Credentials.AccessKeyId)\n"
            '          - aws s3 ls --region "$AWS_REGION"\n'
        ),
        # The step's own web-identity session handed to a pipe (not repository variables).
        Valid(
            "pipelines:\n  default:\n    - step:\n        oidc: true\n        script:\n"
            "          - export AWS_ACCESS_KEY_ID=$(aws sts assume-role-with-web-identity"
            " --role-arn $ROLE --role-session-name ci"
            " --web-identity-token $BITBUCKET_STEP_OIDC_TOKEN | jq -r .Credentials.AccessKeyId)\n"
            "          - export AWS_SECRET_ACCESS_KEY=$(aws sts assume-role-with-web-identity"
            " --role-arn $ROLE --role-session-name ci"
            " --web-identity-token $BITBUCKET_STEP_OIDC_TOKEN"
            " | jq -r .Credentials.SecretAccessKey)\n"
            "          - pipe: atlassian/aws-s3-deploy:1.1.0\n            variables:\n"
            "              AWS_ACCESS_KEY_ID: $AWS_ACCESS_KEY_ID\n"
            "              AWS_SECRET_ACCESS_KEY: $AWS_SECRET_ACCESS_KEY\n"
            "              AWS_SESSION_TOKEN: $AWS_SESSION_TOKEN\n"
            "              S3_BUCKET: example-bucket\n"
        ),
        # `aws configure set` of a stored key is LLC-CI-003's line; the CLI on a self-hosted
        # runner (it may have an instance role), against LocalStack, or without signing.
        Valid(
            "pipelines:\n  default:\n    - step:\n        script:\n"
            '          - aws configure set aws_access_key_id "$AWS_ACCESS_KEY_ID"\n'
            '          - aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"\n'
            "          - aws s3 sync dist s3://example-bucket\n"
            "    - step:\n        runs-on: [self.hosted, linux]\n"
            "        script: [aws s3 sync dist s3://example-bucket]\n"
            "    - step:\n        services: [s3]\n"
            "        script: [aws s3 mb s3://fixtures, aws --version]\n"
            "    - step:\n        script: [aws s3 ls --no-sign-request s3://noaa-ghcn-pds/]\n"
            "definitions:\n  services:\n    s3:\n      image: localstack/localstack:3\n"
        ),
        # An ECR image pulled with the step's OIDC role.
        Valid(
            "pipelines:\n  default:\n    - step:\n        oidc: true\n        image:\n"
            "          name: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ci:1\n"
            "          aws:\n            oidc-role: arn:aws:iam::123456789012:role/ecr-pull\n"
            "        script: [make test]\n"
        ),
    ]
    INVALID = [
        Invalid(
            "pipelines:\n  default:\n    - step:\n        script:\n"
            "          - pipe: atlassian/aws-s3-deploy:1.1.0\n            variables:\n"
            "              AWS_ACCESS_KEY_ID: $AWS_KEY  # expect: LLC-BBP-001\n"
            "              AWS_SECRET_ACCESS_KEY: $AWS_SECRET\n"
            "              S3_BUCKET: example-bucket\n"
        ),
        # Scripts reading the stored keys: one finding per step, and a literal export.
        Invalid(
            "pipelines:\n  default:\n    - step:\n        name: sync\n        script:\n"
            '          - terraform apply -var "access_key=$AWS_ACCESS_KEY_ID"'
            "  # expect: LLC-BBP-001\n"
            '          - terraform apply -var "secret_key=$AWS_SECRET_ACCESS_KEY"\n'
            "          - aws s3 sync dist s3://example-bucket\n"
            "    - step:\n        name: literal\n        script:\n"
            f"          - export AWS_SECRET_ACCESS_KEY='{_SECRET}'  # expect: LLC-BBP-001\n"
        ),
        # An anchored step without OIDC used twice (one finding), and a merge that turns
        # OIDC off for a step whose anchor had it.
        Invalid(
            "definitions:\n  steps:\n    - step: &build\n        name: build\n"
            "        script:\n"
            "          - export AWS_ACCESS_KEY_ID=$CI_KEY_ID  # expect: LLC-BBP-001\n"
            "          - make release\n"
            "    - step: &deploy\n        name: deploy\n        oidc: true\n        script:\n"
            "          - pipe: atlassian/aws-ecr-push-image:2.4.0\n            variables:\n"
            "              AWS_ACCESS_KEY_ID: $ECR_KEY  # expect: LLC-BBP-001\n"
            "              IMAGE_NAME: app\n"
            "pipelines:\n  default:\n    - step: *build\n    - step: *deploy\n"
            "  branches:\n    main:\n      - step: *build\n      - step:\n"
            "          <<: *deploy\n          oidc: false\n"
        ),
        # An AWS pipe with neither keys nor a role reads the repository's key pair.
        Invalid(
            "pipelines:\n  branches:\n    main:\n      - step:\n          oidc: true\n"
            "          script:\n"
            "            - pipe: atlassian/aws-lambda-deploy:1.8.0  # expect: LLC-BBP-001\n"
            "              variables:\n                FUNCTION_NAME: api\n"
            "                COMMAND: update\n                ZIP_FILE: api.zip\n"
            "            - pipe: atlassian/slack-notify:2.0.0\n"
            "              variables:\n                WEBHOOK_URL: $SLACK_WEBHOOK\n"
        ),
        # The AWS CLI with nothing in the file to authenticate it on a hosted runner: the
        # repository's key pair (low, once per step), even in an anchored step reused.
        Invalid(
            "definitions:\n  steps:\n    - step: &deploy\n        name: deploy\n"
            "        script:\n          - npm run build\n"
            "          - aws s3 sync dist s3://example-bucket  # expect: LLC-BBP-001\n"
            "          - aws cloudfront create-invalidation --distribution-id $CF --paths '/*'\n"
            "pipelines:\n  default:\n    - step: *deploy\n"
            "  branches:\n    main:\n      - step:\n          <<: *deploy\n"
            "          runs-on: [linux]\n"
        ),
        # An ECR image pulled with stored keys, and a literal key given to the CLI.
        Invalid(
            "image:\n  name: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ci:1\n  aws:\n"
            "    access-key: $AWS_ACCESS_KEY  # expect: LLC-BBP-001\n"
            "    secret-key: $AWS_SECRET_KEY\n"
            "pipelines:\n  custom:\n    rotate:\n      - step:\n          oidc: true\n"
            "          script:\n"
            f"            - aws configure set aws_access_key_id {_KEY_ID}  # expect: LLC-BBP-001\n"
        ),
    ]

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._seen: set[tuple[int, int, int, int]] = set()
        #: Per step (a Bitbucket job): AWS key names its script set itself, and those it
        #: set to a value of its own (not copied from a stored variable).
        self._assigned: dict[int, set[str]] = {}
        self._made: dict[int, set[str]] = {}
        #: Service names that run an emulator (`definitions: services:` images).
        self._services: set[str | None] = set()
        #: Steps (Bitbucket jobs) already reported for reading the stored keys.
        self._read_reported: set[int] = set()

    def check_pipeline(self, pipeline: Pipeline) -> None:
        self._seen.clear()
        self._assigned.clear()
        self._made.clear()
        self._read_reported.clear()
        self._services = _emulator_services(pipeline.root)
        if pipeline.root is not None:
            for node in yamlnodes.walk(pipeline.root):
                self._image_aws(yamlnodes.get(node, "aws"))

    def check_job(self, job: Job) -> None:
        """The AWS CLI run with nothing in the file to authenticate it (low): on Bitbucket's
        hosted runners only repository, workspace or deployment variables can."""
        if job.federation.oidc is True or _self_hosted(job.node):
            return
        listed = yamlnodes.elements(get_merged(job.node, "services"))
        services = {yamlnodes.scalar(s) for s in listed}
        if services & self._services:
            return
        for step in job.steps:
            action = step.action()
            if action is not None and (
                _AWS_PIPES.match(action) or any(k in AWS_AUTH for k in step.with_)
            ):
                return  # the pipe's finding is the step's
        target = implicit_cli((c for step in job.steps for c in step.commands()), tools=True)
        if target is None:
            return
        self._once(
            target,
            f"Step `{job.job_id}` calls AWS without `oidc: true` and with nothing in the file "
            "to authenticate it: on Bitbucket's hosted runners that can only be "
            "`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` from the repository, workspace or "
            f"deployment variables, a long-term IAM user key. Instead, {_FEDERATION}.",
            severity=Severity.LOW,
        )

    def check_step(self, step: Step) -> None:
        action = step.action()
        if action is None:
            return
        keys = [
            e
            for k, e in step.with_.items()
            if (credentials.for_input(action, k) is _AWS or credentials.for_env(k) is _AWS)
            and _given(e)
        ]
        role = _PIPE_ROLE in step.with_ and _given(step.with_[_PIPE_ROLE])
        made = self._made.get(id(step.job), set())
        if keys and all(_computed(e, made) for e in keys):
            return  # the session the step's own script put in those variables
        keys = [e for e in keys if not _computed(e, made)]
        if not keys:
            if _AWS_PIPES.match(action) and not role and step.uses_node is not None:
                self._once(
                    step.uses_node,
                    f"The pipe `{action}` gets neither keys nor `{_PIPE_ROLE}`, so it "
                    "authenticates with the `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` of "
                    f"the repository or deployment variables: {_FEDERATION}, and pass "
                    f"`{_PIPE_ROLE}` to the pipe.",
                    severity=Severity.MEDIUM,
                )
            return
        literals = [v for v in (self._literal(e) for e in keys) if v is not None]
        oidc = step.job.federation.oidc is True
        if not literals and oidc and role:
            return
        if literals:
            message = (
                f"The pipe `{action}` gets a literal AWS access key written in "
                "bitbucket-pipelines.yml: a long-term credential readable by anyone with the "
                "repository."
            )
        elif oidc:
            message = (
                f"The step has `oidc: true`, but the pipe `{action}` still gets a stored "
                f"long-term AWS access key and no `{_PIPE_ROLE}`: pass the role instead."
            )
        else:
            message = (
                f"The pipe `{action}` authenticates with a stored long-term AWS access key "
                f"instead of Bitbucket OIDC: {_FEDERATION}."
            )
        self._once(
            keys[0].key_node,
            message,
            value=literals[0] if literals else None,
            secrets=literals[1:],
            severity=Severity.CRITICAL if literals else None,
            related=[(e.key_node, f"`{e.key}` is set here too") for e in keys[1:]],
        )

    def check_command(self, command: Command) -> None:
        job = command.step.job
        own = self._assigned.setdefault(id(job), set())
        use = key_use(command, own, self._literal_text)
        made = self._made.setdefault(id(job), set())
        made.update(use.made)
        made.difference_update(name for name, _ in use.copied)
        for name, word, value in use.literals:
            self._once(
                command.target(word.start, word.end),
                f"`{name}` is set to a literal AWS access key in the script: a long-term "
                "credential readable by anyone with the repository.",
                value=value,
                severity=Severity.CRITICAL,
            )
        if job.federation.oidc is True or id(job) in self._read_reported:
            return
        for name, word in use.copied:
            self._read_reported.add(id(job))
            self._once(
                command.target(word.start, word.end),
                f"`{name}` is set from a stored long-term AWS access key "
                f"(`${word.variables[0]}`) in a step without `oidc: true`: {_FEDERATION}.",
            )
            return
        if use.reads:
            self._read_reported.add(id(job))
            first = use.reads[0]
            self._once(
                command.target(first.start, first.end),
                "The script reads a stored long-term AWS access key (a repository, workspace "
                f"or deployment variable) in a step without `oidc: true`: {_FEDERATION}.",
            )

    def _image_aws(self, aws: yamlnodes.Node | None) -> None:
        if not isinstance(aws, yamlnodes.MappingNode) or yamlnodes.get(aws, "oidc-role"):
            return
        given: list[tuple[yamlnodes.Node, str]] = []
        for key in ("access-key", "secret-key"):
            text = yamlnodes.scalar(yamlnodes.get(aws, key))
            key_node = yamlnodes.get_key(aws, key)
            if text is not None and text.strip() and key_node is not None:
                given.append((key_node, text.strip()))
        if not given:
            return
        literals = [t for _, t in given if "$" not in t and self._literal_text(t) is not None]
        self._once(
            given[0][0],
            "The image is pulled from ECR with "
            + ("a literal AWS access key" if literals else "a stored long-term AWS access key")
            + "; use `aws: {oidc-role: <role ARN>}` with `oidc: true` on the step instead.",
            value=literals[0] if literals else None,
            secrets=literals[1:],
            severity=Severity.CRITICAL if literals else None,
            related=[(k, "set here too") for k, _ in given[1:]],
        )

    def _literal(self, entry: Entry) -> str | None:
        if entry.kind is not ValueKind.LITERAL or entry.value is None:
            return None
        return self._literal_text(entry.value.strip())

    def _literal_text(self, value: str) -> str | None:
        """The value when it is a key written in the file (not a dummy or a name)."""
        if not value or self.context.is_placeholder(value) or is_known_example(value):
            return None
        if credential_format(value) is not None or credential_shaped(value, 16, random=True):
            return value
        return None

    def _once(
        self,
        node: object,
        message: str,
        *,
        value: str | None = None,
        secrets: list[str] | None = None,
        severity: Severity | None = None,
        related: list[tuple[object, str]] | None = None,
    ) -> None:
        """Report each place once: an anchored step's lines repeat in every step using it."""
        start, end = getattr(node, "start_mark", None), getattr(node, "end_mark", None)
        if start is not None and end is not None:
            where = (int(start.line), int(start.column), int(end.line), int(end.column))
            if where in self._seen:
                return
            self._seen.add(where)
        self.report(
            node,
            message,
            lifetime=Lifetime.static(),
            value=value,
            secrets=secrets or (),
            severity=severity,
            related=related or (),
        )
