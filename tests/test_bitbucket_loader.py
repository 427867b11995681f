"""The Bitbucket Pipelines loader: one job per step, anchors and merges, pipes, OIDC."""

from __future__ import annotations

from scanner.api import Pipeline, ValueKind
from scanner.api.ci_examples import render
from scanner.documents.ci import LOADERS, bitbucket, load_pipeline
from scanner.documents.yaml import YamlDocument
from scanner.filekinds import FileKind
from scanner.findings import Location

CONFIG = """\
image: atlassian/default-image:4
definitions:
  steps:
    - step: &deploy
        name: Deploy
        oidc: true
        script:
          - pipe: atlassian/aws-s3-deploy:1.1.0
            variables:
              AWS_DEFAULT_REGION: us-east-1
              AWS_OIDC_ROLE_ARN: arn:aws:iam::123456789012:role/bb
              S3_BUCKET: b
pipelines:
  default:
    - step:
        name: Build
        script:
          - export A=1
          - |
            aws s3 ls \\
              --recursive
          - pipe: atlassian/aws-s3-deploy:1.1.0
            variables:
              AWS_ACCESS_KEY_ID: $AWS_KEY
          - echo done
        after-script:
          - echo after
    - parallel:
        - step:
            script: [make test]
        - step:
            script: [make lint]
    - step: *deploy
  branches:
    main:
      - stage:
          name: prod
          steps:
            - step:
                <<: *deploy
                name: Prod
                oidc: false
                deployment: production
      - step: *deploy
  custom:
    manual:
      - variables:
          - name: X
      - parallel:
          fail-fast: true
          steps:
            - step:
                script:
                  - echo custom
"""


def load(text: str = CONFIG) -> Pipeline:
    pipeline = bitbucket.load(YamlDocument("bitbucket-pipelines.yml", text))
    assert pipeline is not None
    return pipeline


def where(pipeline: Pipeline, node: object) -> tuple[int, int, int, int]:
    loc: Location = pipeline.doc.locate(node)
    return loc.line, loc.column, loc.end_line, loc.end_column


def test_one_job_per_step_in_every_section() -> None:
    p = load()
    assert (p.system, p.kind) == ("bitbucket", "pipelines")
    assert list(p.triggers) == ["default", "branches.main", "custom.manual"]
    assert [j.job_id for j in p.jobs] == [
        "default/Build",
        "default/step 2",
        "default/step 3",
        "default/Deploy",
        "branches.main/Prod",
        "custom.manual/step 1",
    ]
    assert all(s.job is j for j in p.jobs for s in j.steps)
    assert all(j.pipeline is p for j in p.jobs)


def test_script_lines_group_and_pipes_are_steps() -> None:
    build = load().jobs[0]
    assert [s.action() for s in build.steps] == [None, "atlassian/aws-s3-deploy", None, None]
    assert [s.index for s in build.steps] == [0, 1, 2, 3]
    lines, pipe, done, after = build.steps
    assert [c.text for c in lines.commands()] == ["export A=1", "aws s3 ls --recursive"]
    assert pipe.uses == "atlassian/aws-s3-deploy:1.1.0"
    key = pipe.with_["AWS_ACCESS_KEY_ID"]
    assert (key.kind, key.refs) == (ValueKind.EXPRESSION, ("env.AWS_KEY",))
    assert [c.text for c in after.commands()] == ["echo after"]
    assert done.run == "echo done"


def test_commands_have_exact_positions() -> None:
    p = load()
    export, aws = p.jobs[0].steps[0].commands()
    assert where(p, export.node) == (18, 13, 18, 23)
    assert where(p, aws.node) == (20, 13, 21, 26)
    flow = p.jobs[1].steps[0].commands()[0]
    assert (flow.text, where(p, flow.node)) == ("make test", (30, 22, 30, 31))


def test_anchors_load_once_and_merges_override() -> None:
    p = load()
    deploy, prod = p.jobs[3], p.jobs[4]
    # `- step: *deploy` in two sections is one step of the file.
    assert sum(1 for j in p.jobs if j.node is deploy.node) == 1
    assert where(p, deploy.node)[0] == 4
    assert deploy.federation.oidc is True
    assert deploy.federation.node is not None
    assert where(p, deploy.federation.node)[:2] == (6, 9)
    (pipe,) = deploy.steps
    assert pipe.with_["AWS_OIDC_ROLE_ARN"].kind is ValueKind.LITERAL
    # `<<: *deploy` brings the anchored script; `oidc: false` overrides the anchor's switch.
    assert prod.federation.oidc is False
    assert "oidc: false" in prod.federation.reason
    assert prod.environment == "production"
    assert prod.steps[0].node is pipe.node


def test_federation_without_oidc() -> None:
    build = load().jobs[0]
    assert build.federation.oidc is False
    assert "oidc: true" in build.federation.how
    assert build.federation.node is None


def test_pipe_versions_are_stripped_by_action() -> None:
    text = (
        "pipelines:\n  default:\n    - step:\n        script:\n"
        "          - pipe: Atlassian/AWS-ECR-Push-Image:2.4.0\n"
        "          - pipe: docker://acme/pipe:1.0\n"
        "          - pipe: atlassian/trigger-pipeline\n"
    )
    steps = load(text).jobs[0].steps
    assert [s.action() for s in steps] == [
        "atlassian/aws-ecr-push-image",
        "docker://acme/pipe:1.0",
        "atlassian/trigger-pipeline",
    ]


def test_odd_shapes() -> None:
    assert bitbucket.load(YamlDocument("b.yml", "- a\n")) is None
    assert bitbucket.load(YamlDocument("b.yml", "")) is None
    text = (
        "pipelines:\n  default:\n    - step: oops\n    - other: 1\n    - step:\n        script: x\n"
    )
    (job,) = load(text).jobs
    assert job.steps == ()


def test_loader_row_and_rendered_examples() -> None:
    assert LOADERS[FileKind.BITBUCKET].document == "yaml"
    script = 'aws s3 ls  # expect: X\ncat <<EOF > f\nx\nEOF\ndocker login -p "$PW" r \\\n  --x\n'
    for federated in (False, True):
        text = render("bitbucket", script, {"A": "lit"}, federated=federated)
        p = load_pipeline(FileKind.BITBUCKET, YamlDocument("bitbucket-pipelines.yml", text))
        assert p is not None
        (job,) = p.jobs
        assert job.federation.oidc is federated
        lines = text.splitlines()
        commands = list(p.commands())
        assert [c.text.split()[0] for c in commands] == ["export", "aws", "cat", "docker"]
        for command in commands:
            line, column, _, _ = where(p, command.node)
            assert lines[line - 1][column - 1 :].startswith(command.text.split(" ")[0])
        assert "expect: X" in lines[where(p, commands[1].node)[0] - 1]


# LLC-BBP-001 on shapes triage found in real pipelines.


def _bbp(text: str, *others: str) -> list[tuple[int, str, str]]:
    """``(line, rule, severity)`` of LLC-BBP-001 and ``others`` scanned together."""
    from scanner.config import Config
    from scanner.engine import Engine
    from scanner.registry import get_rule

    rules = [get_rule(r) for r in ("LLC-BBP-001", *others)]
    result = Engine(rules, Config()).scan_bytes("bitbucket-pipelines.yml", text.encode())  # type: ignore[arg-type]
    return sorted((f.location.line, f.rule_id, f.severity.value) for f in result.findings)


_ASSUME = (
    "$(aws sts assume-role-with-web-identity --role-arn $ROLE --role-session-name ci"
    " --web-identity-token $BITBUCKET_STEP_OIDC_TOKEN"
)


def test_a_pipe_given_the_session_its_step_assumed_is_quiet() -> None:
    text = (
        "pipelines:\n  default:\n    - step:\n        oidc: true\n        script:\n"
        f"          - export CREDS={_ASSUME})\n"
        '          - export AWS_ACCESS_KEY_ID=$(echo "$CREDS" | jq -r .Credentials.AccessKeyId)\n'
        '          - export AWS_SECRET_ACCESS_KEY=$(echo "$CREDS"'
        " | jq -r .Credentials.SecretAccessKey)\n"
        '          - export AWS_SESSION_TOKEN=$(echo "$CREDS" | jq -r .Credentials.SessionToken)\n'
        "          - pipe: atlassian/aws-ecs-deploy:1.12.0\n            variables:\n"
        "              AWS_ACCESS_KEY_ID: $AWS_ACCESS_KEY_ID\n"
        "              AWS_SECRET_ACCESS_KEY: ${AWS_SECRET_ACCESS_KEY}\n"
        "              AWS_SESSION_TOKEN: $AWS_SESSION_TOKEN\n"
        "              CLUSTER_NAME: prod\n"
    )
    assert _bbp(text) == []
    # A key copied from a repository variable is still a stored key, OIDC or not.
    copied = text.replace(
        'export AWS_SECRET_ACCESS_KEY=$(echo "$CREDS" | jq -r .Credentials.SecretAccessKey)',
        "export AWS_SECRET_ACCESS_KEY=$PROD_SECRET",
    )
    assert _bbp(copied) == [(13, "LLC-BBP-001", "high")]


def test_the_aws_cli_alone_on_a_hosted_runner_is_low() -> None:
    step = "pipelines:\n  default:\n    - step:\n{extra}        script:\n{lines}"
    cli = "          - aws s3 sync dist s3://b\n          - aws s3 ls s3://b\n"
    assert _bbp(step.format(extra="", lines=cli)) == [(5, "LLC-BBP-001", "low")]
    quiet = [
        step.format(extra="        oidc: true\n", lines=cli),
        step.format(
            extra="        runs-on:\n          - self.hosted\n          - linux\n", lines=cli
        ),
        step.format(extra="        runs-on: self.hosted\n", lines=cli),
        step.format(
            extra="",
            lines="          - export AWS_WEB_IDENTITY_TOKEN_FILE=$(pwd)/token\n"
            "          - export AWS_ROLE_ARN=$ROLE\n" + cli,
        ),
        step.format(extra="", lines="          - export AWS_PROFILE=ci\n" + cli),
        step.format(extra="", lines="          - aws --endpoint-url http://localhost:4566 s3 ls\n"),
        step.format(extra="", lines="          - sam build\n          - cdk synth\n"),
    ]
    for text in quiet:
        assert _bbp(text) == [], text
    tools = step.format(extra="", lines="          - sam build\n          - sam deploy\n")
    assert _bbp(tools) == [(6, "LLC-BBP-001", "low")]
    # A step whose pipe already gets the finding: one per step.
    pipe = step.format(
        extra="",
        lines=cli + "          - pipe: atlassian/aws-s3-deploy:1.1.0\n"
        "            variables: {S3_BUCKET: b}\n",
    )
    assert _bbp(pipe) == [(7, "LLC-BBP-001", "medium")]


def test_lines_ci_003_and_ci_001_own_are_not_reported_again() -> None:
    text = (
        "pipelines:\n  default:\n    - step:\n        script:\n"
        '          - aws configure set aws_access_key_id "$AWS_ACCESS_KEY_ID"\n'
        '          - aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"\n'
        "          - aws s3 sync dist s3://b\n"
        "    - step:\n        script:\n"
        "          - docker login -u AWS -p $(aws ecr get-login-password)"
        " 123456789012.dkr.ecr.us-east-1.amazonaws.com\n"
        "    - step:\n        script:\n"
        "          - aws sts get-session-token --duration-seconds 129600 > s.json\n"
        "          - aws s3 ls s3://b\n"
    )
    got = _bbp(text, "LLC-CI-003", "LLC-CI-001")
    assert [(line, rule) for line, rule, _ in got] == [
        (5, "LLC-CI-003"),
        (10, "LLC-CI-001"),
        (13, "LLC-CI-003"),
        (14, "LLC-BBP-001"),
    ]
