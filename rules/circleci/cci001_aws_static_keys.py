"""LLC-CCI-001: CircleCI AWS access through static keys instead of OIDC."""

from __future__ import annotations

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
    parse_duration,
    session_severity,
    yamlnodes,
)
from scanner.api.ci.aws_script import AWS_AUTH, implicit_cli, key_use
from scanner.api.ci.circleci_executors import emulated, self_hosted

_AWS = credentials.by_id("aws-access-key")
_FEDERATION = _AWS.fix("circleci")
#: Orb parameters that carry the key pair, and the ones that switch to OIDC, with hyphens
#: read as underscores: the aws-cli orb spells them `aws_access_key_id` from v4 and
#: `aws-access-key-id` in v3, and the other AWS orbs (aws-ecr, aws-s3, ...) follow one or
#: the other.
_KEY_PARAMS = frozenset({"aws_access_key_id", "aws_secret_access_key"})
_ROLE_PARAMS = frozenset({"role_arn"})
_DURATION_PARAMS = frozenset({"session_duration"})
#: The aws-cli orb's command that configures credentials; without `role_arn` it writes the
#: key pair its parameters default to (`$AWS_ACCESS_KEY_ID`, `$AWS_SECRET_ACCESS_KEY`).
_SETUP = "aws-cli/setup"
_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=61)
_SECRET = fake_token("", 40, BASE64, seed=62).replace("=", "A")

_OIDC = """\
version: 2.1
orbs:
  aws-cli: circleci/aws-cli@4.1
jobs:
  deploy:
    docker:
      - image: cimg/base:current
    steps:
      - aws-cli/setup:
          role_arn: arn:aws:iam::123456789012:role/circleci-deploy
          role_session_name: deploy
          session_duration: "900"
      - run: aws s3 sync dist s3://example-bucket
workflows:
  main:
    jobs:
      - deploy
"""


def _norm(name: str) -> str:
    return name.lower().replace("-", "_")


def _given(entry: Entry) -> bool:
    """A parameter that hands something over: not an empty template value."""
    return entry.kind is not ValueKind.LITERAL or (entry.value or "").strip() != ""


def _orb_names(root: yamlnodes.Node | None) -> dict[str, str]:
    """Orb alias -> the orb's registry name: `aws: circleci/aws-cli@4.1` gives `aws-cli`."""
    out: dict[str, str] = {}
    for alias, _, ref in yamlnodes.items(yamlnodes.get(root, "orbs")):
        text = yamlnodes.scalar(ref)
        if text is not None and "/" in text:
            out[alias] = text.split("@", 1)[0].split("/", 1)[1].strip().lower()
    return out


class AwsStaticKeys(CiRule):
    """## What it does
    Flags CircleCI configurations that reach AWS with an IAM user's access key:
    - an orb command or orb job (`aws-cli/setup`, `aws-ecr/build_and_push_image`, ...) given
      `aws_access_key_id` / `aws_secret_access_key` (v3 spelling `aws-access-key-id`),
      directly or through a reusable command's parameters (high; critical when the value is
      a literal key);
    - `aws-cli/setup` with neither keys nor `role_arn`, which configures the key pair its
      parameters default to, `$AWS_ACCESS_KEY_ID` and `$AWS_SECRET_ACCESS_KEY` (medium);
    - a literal AWS key in an `environment:` map of a job, executor, image or `run` step, or
      in a docker image's `aws_auth` (critical); `aws_auth` with stored keys instead of
      `oidc_role_arn` (high);
    - a `session_duration` above the `role_session_max_seconds` threshold (low; medium
      above four times it);
    - a `run` script that writes a literal key (critical), or reads `$AWS_ACCESS_KEY_ID` /
      `$AWS_SECRET_ACCESS_KEY` (or copies another variable into them) in a job that assumes
      no web-identity role and does not use its OIDC token (high, once per job);
    - a `run` script calling AWS (`aws s3 sync`, `eksctl create`, `sam deploy`, `cdk
      deploy`) in such a job with nothing in the config to authenticate it, no AWS orb and
      no runner resource class (`<namespace>/<name>`): CircleCI's hosted executors have no
      instance role, so the call can only use a context's or the project's key pair (low).

    `aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"` and a registry login
    given its password are LLC-CI-003's and LLC-CI-001's lines, not reported again here.

    Dummy keys for emulators (`test`, the AWS documentation's example key) and `$VAR`
    references in `environment:` are not literal keys.

    ## Why is this bad?
    An IAM user's access key never expires: kept in a context or in project settings, it is
    readable by every job given that context and keeps working long after the job. CircleCI
    gives every job an OIDC token (`$CIRCLE_OIDC_TOKEN_V2`) that AWS exchanges for a role
    session lasting about as long as the job, so no key needs to exist (OWASP NHI6 Insecure
    Cloud Deployment Configurations, NHI7 Long-Lived Secrets).

    ## Example
    ```yaml
    orbs:
      aws-cli: circleci/aws-cli@4.1
    jobs:
      deploy:
        docker: [{image: cimg/base:current}]
        steps:
          - aws-cli/setup:
              aws_access_key_id: $AWS_ACCESS_KEY_ID
              aws_secret_access_key: $AWS_SECRET_ACCESS_KEY
    ```

    Use instead:
    ```yaml
    orbs:
      aws-cli: circleci/aws-cli@4.1
    jobs:
      deploy:
        docker: [{image: cimg/base:current}]
        steps:
          - aws-cli/setup:
              role_arn: arn:aws:iam::123456789012:role/circleci-deploy
              role_session_name: deploy
    ```

    ## References
    - CircleCI, using OpenID Connect tokens in jobs: https://circleci.com/docs/openid-connect-tokens/
    - circleci/aws-cli orb, `setup` with `role_arn` (web identity): https://circleci.com/developer/orbs/orb/circleci/aws-cli
    - CircleCI, docker `aws_auth` and `oidc_role_arn`: https://circleci.com/docs/private-images/
    """

    META = RuleMeta(
        id="LLC-CCI-001",
        name="aws-static-keys",
        summary="CircleCI AWS access through static keys instead of OIDC",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Add CircleCI's OIDC provider (https://oidc.circleci.com/org/<org-id>) to AWS IAM, "
        "trust it in a role pinned to the project's claims, pass `role_arn` to the aws-cli "
        "orb's `setup`, and remove the keys from contexts and project settings.",
        kinds=frozenset({FileKind.CIRCLECI}),
        triggers=("aws", "eksctl", "cdk", "sam"),
    )

    VALID = [
        Valid(_OIDC),
        # v3 spelling of the same, and a web-identity command with a one-hour session.
        Valid(
            "version: 2.1\norbs:\n  aws-cli: circleci/aws-cli@3.1\njobs:\n  deploy:\n"
            "    docker: [{image: cimg/base:current}]\n    steps:\n"
            "      - aws-cli/setup:\n"
            "          role-arn: arn:aws:iam::123456789012:role/circleci\n"
            "          aws-region: AWS_REGION\n"
            "      - aws-cli/assume-role-with-web-identity:\n"
            "          role-arn: arn:aws:iam::123456789012:role/circleci\n"
            "          session-duration: '3600'\n"
        ),
        # Dummy keys for localstack, in the job and the service image, and a doc example key.
        Valid(
            "version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/python:3.12\n"
            "      - image: localstack/localstack:3\n"
            "        environment:\n          AWS_ACCESS_KEY_ID: test\n"
            "          AWS_SECRET_ACCESS_KEY: test\n"
            "    environment:\n      AWS_ACCESS_KEY_ID: test\n      AWS_SECRET_ACCESS_KEY: test\n"
            "      AWS_ENDPOINT_URL: http://localhost:4566\n"
            "    steps:\n      - run:\n          command: pytest tests/integration\n"
            "          environment:\n            AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n"
        ),
        # Commented-out keys, an empty template value, and an env read (not a literal).
        Valid(
            "version: 2.1\norbs:\n  aws-cli: circleci/aws-cli@4.1\njobs:\n  deploy:\n"
            "    docker: [{image: cimg/base:current}]\n"
            "    environment:\n      AWS_ACCESS_KEY_ID: ${DEPLOY_KEY}\n"
            "    steps:\n"
            "      # - aws-cli/setup:\n      #     aws_access_key_id: AWS_KEY\n"
            "      - aws-cli/setup:\n          aws_access_key_id: ''\n"
            "          role_arn: arn:aws:iam::123456789012:role/circleci\n"
        ),
        # Scripts reading the session credentials a web-identity role or the job's OIDC
        # token gave them.
        Valid(
            "version: 2.1\norbs:\n  aws-cli: circleci/aws-cli@4.1\njobs:\n  a:\n"
            "    docker: [{image: cimg/aws:2024.03}]\n    steps:\n"
            "      - aws-cli/setup:\n          role_arn: arn:aws:iam::123456789012:role/ci\n"
            '      - run: test -n "$AWS_ACCESS_KEY_ID" && aws s3 ls\n'
            "  b:\n    docker: [{image: cimg/aws:2024.03}]\n    steps:\n"
            "      - run: |\n"
            '          CREDS=$(aws sts assume-role-with-web-identity --role-arn "$ROLE" \\\n'
            '            --role-session-name ci --web-identity-token "$CIRCLE_OIDC_TOKEN_V2")\n'
            '          echo "export AWS_ACCESS_KEY_ID=$(jq -r .Credentials.AccessKeyId'
            ' <<<"$CREDS")" >> "$BASH_ENV"\n'
            '      - run: aws s3 cp dist "s3://$BUCKET" --recursive --sse "$AWS_ACCESS_KEY_ID"\n'
        ),
        # `aws configure set` of a stored key is LLC-CI-003's line; the CLI on a runner of
        # the organisation's own (a `<namespace>/<name>` resource class) may use its role;
        # commands that call no AWS API; a LocalStack service.
        Valid(
            "version: 2.1\njobs:\n  configure:\n    docker: [{image: cimg/aws:2024.03}]\n"
            "    steps:\n      - run: |\n"
            '          aws configure set aws_access_key_id "$AWS_ACCESS_KEY_ID"\n'
            '          aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"\n'
            "          aws s3 sync dist s3://example-bucket\n"
            "  runner:\n    machine: true\n    resource_class: example-org/deployers\n"
            "    steps:\n      - run: aws s3 sync dist s3://example-bucket\n"
            "  offline:\n    docker: [{image: cimg/aws:2024.03}]\n    steps:\n"
            "      - run: aws --version && sam build && cdk synth && eksctl version\n"
            "      - run: aws s3 ls --no-sign-request s3://noaa-ghcn-pds/\n"
            "  integration:\n    docker:\n      - image: cimg/python:3.12\n"
            "      - image: localstack/localstack:3\n"
            "    steps:\n      - run: aws s3 mb s3://fixtures\n"
        ),
        # An ECR image pulled with OIDC, through an executor and an anchor.
        Valid(
            "version: 2.1\nimage: &ecr\n"
            "  image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ci:1\n"
            "  aws_auth:\n    oidc_role_arn: arn:aws:iam::123456789012:role/ecr-pull\n"
            "executors:\n  ecr:\n    docker:\n      - *ecr\n"
            "jobs:\n  build:\n    executor: ecr\n    steps: [checkout]\n"
        ),
    ]
    INVALID = [
        Invalid(
            "version: 2.1\norbs:\n  aws-cli: circleci/aws-cli@4.1\njobs:\n  deploy:\n"
            "    docker: [{image: cimg/base:current}]\n    steps:\n"
            "      - aws-cli/setup:\n"
            "          aws_access_key_id: $AWS_ACCESS_KEY_ID  # expect: LLC-CCI-001\n"
            "          aws_secret_access_key: $AWS_SECRET_ACCESS_KEY\n"
            "workflows:\n  main:\n    jobs:\n      - deploy:\n          context: aws-keys\n"
        ),
        # v3 hyphen spelling through a reusable command called twice: reported once, where
        # the parameter's default names the stored key; a bare setup under another alias.
        Invalid(
            "version: 2.1\norbs:\n  aws: circleci/aws-cli@3.1\ncommands:\n  login:\n"
            "    parameters:\n"
            "      key-var:  # expect: LLC-CCI-001\n"
            "        type: env_var_name\n        default: DEPLOY_AWS_KEY\n"
            "    steps:\n      - aws/setup:\n"
            "          aws-access-key-id: << parameters.key-var >>\n"
            "jobs:\n  a:\n    docker: [{image: cimg/base:current}]\n    steps: [login]\n"
            "  b:\n    docker: [{image: cimg/base:current}]\n    steps:\n      - login\n"
            "      - aws/setup  # expect: LLC-CCI-001\n"
        ),
        # Literal keys in an anchored environment merged into a job, and a long session.
        Invalid(
            "version: 2.1\nshared: &aws\n  environment:\n"
            f"    AWS_ACCESS_KEY_ID: {_KEY_ID}  # expect: LLC-CCI-001\n"
            f"    AWS_SECRET_ACCESS_KEY: '{_SECRET}'  # expect: LLC-CCI-001\n"
            "jobs:\n  deploy:\n    <<: *aws\n    docker: [{image: cimg/base:current}]\n"
            "    steps:\n      - aws-cli/setup:\n"
            "          role_arn: arn:aws:iam::123456789012:role/circleci\n"
            "          session_duration: '43200'  # expect: LLC-CCI-001\n"
        ),
        # An orb job invoked from a workflow, and an ECR image pulled with stored keys.
        Invalid(
            "version: 2.1\norbs:\n  aws-ecr: circleci/aws-ecr@8.2\njobs:\n  test:\n"
            "    docker:\n      - image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ci:1\n"
            "        aws_auth:\n"
            "          aws_access_key_id: $ECR_KEY_ID  # expect: LLC-CCI-001\n"
            "          aws_secret_access_key: $ECR_SECRET\n"
            "    steps: [checkout]\n"
            "workflows:\n  main:\n    jobs:\n      - aws-ecr/build-and-push-image:\n"
            "          repo: app\n"
            "          aws-access-key-id: ECR_PUSH_KEY  # expect: LLC-CCI-001\n"
            "          aws-secret-access-key: ECR_PUSH_SECRET\n"
        ),
        # Scripts reading the stored keys (one finding per job) and writing a literal one.
        Invalid(
            "version: 2.1\njobs:\n  deploy:\n    docker: [{image: cimg/aws:2024.03}]\n"
            "    steps:\n      - run: |\n"
            '          terraform apply -var "access_key=$AWS_ACCESS_KEY_ID"'
            "  # expect: LLC-CCI-001\n"
            '          terraform apply -var "secret_key=$AWS_SECRET_ACCESS_KEY"\n'
            "      - run: aws s3 sync dist s3://example-bucket\n"
            "  rotate:\n    docker: [{image: cimg/aws:2024.03}]\n    steps:\n"
            f"      - run: export AWS_SECRET_ACCESS_KEY='{_SECRET}'  # expect: LLC-CCI-001\n"
        ),
        # AWS called with nothing in the config to authenticate it, on a hosted executor:
        # a context's or the project's key pair (low, once per job); an hours-long session.
        Invalid(
            "version: 2.1\nexecutors:\n  hosted:\n    machine:\n"
            "      image: ubuntu-2204:current\n    resource_class: large\n"
            "jobs:\n  deploy:\n    executor: hosted\n    steps:\n      - checkout\n"
            "      - run: |\n          sam build\n"
            "          sam deploy --stack-name api  # expect: LLC-CCI-001\n"
            "          aws s3 sync dist s3://example-bucket\n"
            "  cluster:\n    docker: [{image: cimg/aws:2024.03}]\n    steps:\n"
            "      - run: eksctl create cluster -f cluster.yaml  # expect: LLC-CCI-001\n"
            "  long:\n    docker: [{image: cimg/aws:2024.03}]\n    steps:\n"
            "      - aws-cli/assume-role-with-web-identity:\n"
            "          role_arn: arn:aws:iam::123456789012:role/circleci\n"
            "          session_duration: '21600'  # expect: LLC-CCI-001\n"
        ),
        # A literal key passed to a reusable command at its call site.
        Invalid(
            "version: 2.1\norbs:\n  aws-cli: circleci/aws-cli@4.1\ncommands:\n  login:\n"
            "    parameters:\n      key: {type: string, default: $AWS_ACCESS_KEY_ID}\n"
            "    steps:\n      - aws-cli/setup:\n"
            "          aws_access_key_id: << parameters.key >>\n"
            "jobs:\n  a:\n    docker: [{image: cimg/base:current}]\n    steps:\n"
            f"      - login:\n          key: {_KEY_ID}  # expect: LLC-CCI-001\n"
        ),
    ]

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._seen: set[tuple[int, int, int, int]] = set()
        self._orbs: dict[str, str] = {}
        self._root: yamlnodes.Node | None = None
        #: Per job: AWS key names its scripts set themselves.
        self._own: dict[int, set[str]] = {}
        #: Jobs whose scripts may read session credentials (a web-identity role, the OIDC
        #: token, keys written to `$BASH_ENV`), and jobs already reported for reading keys.
        self._sessions: set[int] = set()
        self._read_reported: set[int] = set()

    def check_pipeline(self, pipeline: Pipeline) -> None:
        for state in (self._seen, self._own, self._sessions, self._read_reported):
            state.clear()
        self._orbs = _orb_names(pipeline.root)
        self._root = pipeline.root
        for section in ("jobs", "executors"):
            for _, _, holder in yamlnodes.items(yamlnodes.get(pipeline.root, section)):
                for image in yamlnodes.elements(yamlnodes.get(holder, "docker")):
                    self._aws_auth(yamlnodes.get(image, "aws_auth"))

    def check_job(self, job: Job) -> None:
        for entry in (*job.env.values(), *job.container_env.values()):
            self._literal_env(entry)
        if any(self._session(step) for step in job.steps):
            self._sessions.add(id(job))
        else:
            self._implicit(job)

    def _implicit(self, job: Job) -> None:
        """AWS called from `run` with nothing in the config to authenticate it (low):
        CircleCI's hosted executors have no instance role, so only the key pair of a context
        or the project's environment variables can."""
        if self_hosted(self._root, job.node) or emulated(self._root, job):
            return
        env = [*job.env.values(), *(e for step in job.steps for e in step.env.values())]
        if any(e.key in AWS_AUTH and _given(e) for e in env):
            return
        for step in job.steps:
            action = step.action()
            if action is None:
                continue
            alias, _, command = action.partition("/")
            if self._orbs.get(alias, alias).startswith("aws") and command != "install":
                return  # an AWS orb's own credentials, judged on its step
        target = implicit_cli((c for step in job.steps for c in step.commands()), tools=True)
        if target is None:
            return
        self._once(
            target,
            f"Job `{job.job_id}` calls AWS with no `aws-cli/setup` `role_arn` and no use of "
            "`$CIRCLE_OIDC_TOKEN_V2`: on CircleCI's hosted executors that can only be "
            "`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` from a context or the project's "
            f"environment variables, a long-term IAM user key. Instead, {_FEDERATION}.",
            severity=Severity.LOW,
        )

    def check_command(self, command: Command) -> None:
        job = command.step.job
        use = key_use(command, self._own.setdefault(id(job), set()), self._literal_text)
        for name, word, value in use.literals:
            self._once(
                command.target(word.start, word.end),
                f"`{name}` is set to a literal AWS access key in the script: a long-term "
                f"credential readable by anyone with the repository. Instead, {_FEDERATION}.",
                value=value,
                severity=Severity.CRITICAL,
            )
        if id(job) in self._sessions or id(job) in self._read_reported:
            return
        for name, word in use.copied:
            self._read_reported.add(id(job))
            self._once(
                command.target(word.start, word.end),
                f"`{name}` is set from a stored long-term AWS access key "
                f"(`${word.variables[0]}`); instead, {_FEDERATION}.",
            )
            return
        if use.reads:
            self._read_reported.add(id(job))
            first = use.reads[0]
            self._once(
                command.target(first.start, first.end),
                "The script reads a stored long-term AWS access key (a context or project "
                f"environment variable); instead, {_FEDERATION}.",
            )

    def _session(self, step: Step) -> bool:
        """A step after which the job's scripts may hold session credentials."""
        action = step.action()
        if action is not None:
            command = action.partition("/")[2]
            if _norm(command) == "assume_role_with_web_identity":
                return True
            if any(_norm(k) in _ROLE_PARAMS and _given(e) for k, e in step.with_.items()):
                return True
        run = step.run or ""
        return "CIRCLE_OIDC_TOKEN" in run or (
            "BASH_ENV" in run and any(name in run for name in _AWS.env)
        )

    def check_step(self, step: Step) -> None:
        for entry in step.env.values():
            self._literal_env(entry)
        action = step.action()
        if action is None:
            return
        alias, _, command = action.partition("/")
        canonical = f"{self._orbs.get(alias, alias)}/{command}"
        params = {_norm(k): e for k, e in step.with_.items()}
        keys = [
            e
            for k, e in step.with_.items()
            if (_norm(k) in _KEY_PARAMS or credentials.for_input(canonical, k) is _AWS)
            and _given(e)
        ]
        role = any(_norm(k) in _ROLE_PARAMS and _given(e) for k, e in step.with_.items())
        if keys:
            self._keys(step, keys, role=role)
        elif canonical == _SETUP and not role and step.uses_node is not None:
            self._once(
                step.uses_node,
                f"`{step.uses}` without `role_arn` configures the static key pair its "
                "parameters default to (`$AWS_ACCESS_KEY_ID`, `$AWS_SECRET_ACCESS_KEY`); "
                f"instead, {_FEDERATION}.",
                severity=Severity.MEDIUM,
            )
        for name, entry in params.items():
            if name in _DURATION_PARAMS:
                self._long_session(entry)

    def _keys(self, step: Step, keys: list[Entry], *, role: bool) -> None:
        literals = [v for v in (self._literal(e) for e in keys) if v is not None]
        chained = " (with `role_arn`: a role chained from a static key)" if role else ""
        if literals:
            message = (
                f"`{step.uses}` gets a literal AWS access key written in the config{chained}: "
                "a long-term credential readable by anyone with the repository."
            )
        else:
            message = (
                f"`{step.uses}` authenticates with a stored long-term AWS access key{chained}; "
                f"instead, {_FEDERATION}."
            )
        first = keys[0]
        self._once(
            first.key_node,
            message,
            value=literals[0] if literals else None,
            secrets=literals[1:],
            severity=Severity.CRITICAL if literals else None,
            related=[(e.key_node, f"`{e.key}` is set here too") for e in keys[1:]],
        )

    def _literal_env(self, entry: Entry) -> None:
        if credentials.for_env(entry.key) is not _AWS:
            return
        value = self._literal(entry)
        if value is None:
            return
        self._once(
            entry.key_node,
            f"`{entry.key}` is a literal AWS access key in the CircleCI config: a long-term "
            f"credential readable by anyone with the repository. Instead, {_FEDERATION}.",
            value=value,
            severity=Severity.CRITICAL,
        )

    def _aws_auth(self, auth: yamlnodes.Node | None) -> None:
        if yamlnodes.get(auth, "oidc_role_arn") is not None:
            return
        given: list[tuple[object, str]] = []
        for key in ("aws_access_key_id", "aws_secret_access_key"):
            node = yamlnodes.get(auth, key)
            text = yamlnodes.scalar(node)
            key_node = yamlnodes.get_key(auth, key)
            if text is not None and text.strip() and key_node is not None:
                given.append((key_node, text.strip()))
        if not given:
            return
        literals = [t for _, t in given if "$" not in t and self._literal_text(t) is not None]
        self._once(
            given[0][0],
            "The docker image is pulled with "
            + ("a literal AWS access key" if literals else "a stored long-term AWS access key")
            + " in `aws_auth`; give it `oidc_role_arn` instead, so the pull uses the job's "
            "CircleCI OIDC token.",
            value=literals[0] if literals else None,
            secrets=literals[1:],
            severity=Severity.CRITICAL if literals else None,
            related=[(k, "set here too") for k, _ in given[1:]],
        )

    def _long_session(self, entry: Entry) -> None:
        if entry.value is None:
            return
        seconds = parse_duration(entry.value.strip())
        limit = self.context.thresholds.role_session_max_seconds
        severity = session_severity(seconds, limit) if seconds is not None else None
        if seconds is None or severity is None:
            return
        self._once(
            entry.key_node,
            f"Role session of {seconds} seconds requested, above the {limit}-second threshold: "
            "the credentials outlive most jobs.",
            lifetime=Lifetime.seconds(seconds),
            severity=severity,
            fix="Lower `session_duration` to the job's real duration (the orb's default is "
            "one hour).",
        )

    def _literal(self, entry: Entry) -> str | None:
        """The value when it is a key written in the file (not a reference or a dummy)."""
        if entry.kind is not ValueKind.LITERAL or entry.value is None:
            return None
        return self._literal_text(entry.value.strip())

    def _literal_text(self, value: str) -> str | None:
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
        lifetime: Lifetime | None = None,
        value: str | None = None,
        secrets: list[str] | None = None,
        severity: Severity | None = None,
        related: list[tuple[object, str]] | None = None,
        fix: str | None = None,
    ) -> None:
        """Report each place once: a reusable command's steps repeat in every job calling it."""
        start, end = getattr(node, "start_mark", None), getattr(node, "end_mark", None)
        if start is not None and end is not None:
            where = (int(start.line), int(start.column), int(end.line), int(end.column))
            if where in self._seen:
                return
            self._seen.add(where)
        self.report(
            node,
            message,
            lifetime=lifetime or Lifetime.static(),
            value=value,
            secrets=secrets or (),
            severity=severity,
            related=related or (),
            fix=fix,
        )
