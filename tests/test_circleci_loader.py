"""The CircleCI loader: jobs, steps, reusable commands, contexts and federation, at exact
positions."""

from __future__ import annotations

import time

from scanner.api import Pipeline, RuleContext, Stored, ValueKind
from scanner.api.ci_examples import render
from scanner.documents.ci import LOADERS, circleci, load_pipeline, merged
from scanner.documents.yaml import YamlDocument
from scanner.filekinds import FileKind
from scanner.findings import Location

CONFIG = """\
version: 2.1
orbs:
  aws-cli: circleci/aws-cli@4.1
defaults: &defaults
  docker:
    - image: cimg/base:current
      environment:
        PRIMARY: one
    - image: postgres:16
      environment:
        POSTGRES_PASSWORD: pw
  environment:
    FROM_ANCHOR: a
executors:
  py:
    docker:
      - image: cimg/python:3.12
    environment:
      EXEC: e
commands:
  deploy:
    parameters:
      key:
        type: string
        default: $AWS_ACCESS_KEY_ID
      bucket:
        type: string
    steps:
      - aws-cli/setup:
          aws_access_key_id: << parameters.key >>
          region: us-east-1
      - run:
          name: sync
          command: aws s3 sync . s3://<< parameters.bucket >>
          environment:
            BUCKET: << parameters.bucket >>
jobs:
  build:
    <<: *defaults
    steps:
      - checkout
      - run: echo "hi <<pipeline.git.branch>>"
      - when:
          condition: true
          steps:
            - run: |
                cat <<EOF > x
                y
                EOF
                make \\
                  all
  ship:
    executor: py
    environment:
      JOB: j
    steps:
      - deploy:
          key: SOMEVALUE
          bucket: b1
      - deploy:
          bucket: b2
      - aws-cli/setup
workflows:
  main:
    jobs:
      - build
      - ship:
          context: [aws, other]
          requires: [build]
      - aws-ecr/build_and_push_image:
          name: push
          context: ecr
          aws-access-key-id: MY_KEY
          pre-steps:
            - run: echo pre
  nightly:
    jobs:
      - ship:
          context: nightly
"""


def load(text: str = CONFIG) -> Pipeline:
    pipeline = circleci.load(YamlDocument(".circleci/config.yml", text))
    assert pipeline is not None
    return pipeline


def where(pipeline: Pipeline, node: object) -> tuple[int, int, int, int]:
    loc: Location = pipeline.doc.locate(node)
    return loc.line, loc.column, loc.end_line, loc.end_column


def test_jobs_steps_and_orb_commands() -> None:
    p = load()
    assert (p.system, p.kind) == ("circleci", "config")
    assert list(p.triggers) == ["main", "nightly"]
    assert [j.job_id for j in p.jobs] == ["build", "ship", "push"]
    build, ship, _push = p.jobs
    assert [s.name for s in build.steps] == ["checkout", None, None]
    assert [s.action() for s in ship.steps] == [
        "aws-cli/setup",
        None,
        "aws-cli/setup",
        None,
        "aws-cli/setup",
    ]
    assert [s.index for s in ship.steps] == [0, 1, 2, 3, 4]
    assert all(s.job is j for j in p.jobs for s in j.steps)
    bare = ship.steps[4]
    assert (bare.uses, bare.with_) == ("aws-cli/setup", {})
    assert where(p, bare.uses_node) == (62, 9, 62, 22)


def test_reusable_commands_take_the_call_sites_parameters() -> None:
    ship = load().jobs[1]
    first, sync1, second, sync2 = ship.steps[:4]
    given = first.with_["aws_access_key_id"]
    assert (given.value, given.kind) == ("SOMEVALUE", ValueKind.LITERAL)
    assert where(ship.pipeline, given.key_node)[:2] == (58, 11)
    assert first.with_["region"].value == "us-east-1"
    default = second.with_["aws_access_key_id"]
    assert (default.value, default.kind, default.refs) == (
        "$AWS_ACCESS_KEY_ID",
        ValueKind.EXPRESSION,
        ("env.AWS_ACCESS_KEY_ID",),
    )
    assert where(ship.pipeline, default.value_node)[:2] == (25, 18)
    assert (sync1.name, sync1.env["BUCKET"].value, sync2.env["BUCKET"].value) == (
        "sync",
        "b1",
        "b2",
    )
    # Script text keeps the interpolation: the shell parser reads it as one opaque word.
    (command,) = sync1.commands()
    assert command.text == "aws s3 sync . s3://<< parameters.bucket >>"
    assert where(ship.pipeline, command.node) == (34, 20, 34, 62)
    assert sync1.script is not None
    assert sync1.script.expression is circleci.EXPRESSION


def test_env_from_executors_images_merges_and_jobs() -> None:
    build, ship, _ = load().jobs
    assert {k: e.value for k, e in build.env.items()} == {"PRIMARY": "one", "FROM_ANCHOR": "a"}
    assert list(build.container_env) == ["POSTGRES_PASSWORD"]
    assert {k: e.value for k, e in ship.env.items()} == {"EXEC": "e", "JOB": "j"}
    assert all(e.kind is ValueKind.LITERAL for e in ship.env.values())


def test_commands_keep_exact_positions_through_when_and_heredocs() -> None:
    p = load()
    build = p.jobs[0]
    echo = build.steps[1].commands()[0]
    assert (echo.text, where(p, echo.node)) == (
        'echo "hi <<pipeline.git.branch>>"',
        (42, 14, 42, 47),
    )
    heredoc, make = build.steps[2].commands()
    assert where(p, heredoc.node) == (47, 17, 49, 20)
    assert (make.text, where(p, make.node)) == ("make all", (50, 17, 51, 22))


def test_contexts_and_orb_jobs_from_workflows() -> None:
    build, ship, push = load().jobs
    assert build.contexts == ()
    assert ship.contexts == ("aws", "other", "nightly")
    assert push.contexts == ("ecr",)
    pre, call = push.steps
    assert [c.text for c in pre.commands()] == ["echo pre"]
    assert call.action() == "aws-ecr/build_and_push_image"
    assert list(call.with_) == ["aws-access-key-id"]


def test_every_job_can_mint_an_oidc_token() -> None:
    for job in load().jobs:
        assert job.federation.oidc is True
        assert "CIRCLE_OIDC_TOKEN_V2" in job.federation.reason
        assert "role_arn" in job.federation.how


def test_expression_classification() -> None:
    def kind(value: str) -> tuple[ValueKind, tuple[str, ...]]:
        doc = YamlDocument("c.yml", f"k: {value}\n")
        return circleci.classify(merged.get(doc.roots[0], "k"))

    assert kind("'<< pipeline.parameters.region >>'") == (
        ValueKind.EXPRESSION,
        ("pipeline.parameters.region",),
    )
    assert kind("${AWS_SECRET_ACCESS_KEY}") == (
        ValueKind.EXPRESSION,
        ("env.AWS_SECRET_ACCESS_KEY",),
    )
    assert kind("plain") == (ValueKind.LITERAL, ())
    assert kind("[a, b]") == (ValueKind.OTHER, ())
    assert circleci.EXPRESSION.search("cat <<EOF > f") is None
    assert circleci.EXPRESSION.search("x <<include(scripts/a.sh)>>") is not None


def test_recursive_commands_and_odd_shapes_do_not_loop() -> None:
    text = (
        "version: 2.1\ncommands:\n  a:\n    steps: [b]\n  b:\n    steps: [a, {run: echo b}]\n"
        "jobs:\n  j:\n    steps: [a, {run: {command: echo j, shell: /bin/sh}}, {x: 1, y: 2}]\n"
        "  k: not-a-mapping\nworkflows:\n  version: 2\n"
    )
    (job,) = load(text).jobs
    assert [s.run for s in job.steps] == ["echo b", "echo j"]
    assert job.steps[1].script is not None
    assert job.steps[1].script.shell == "/bin/sh"
    assert circleci.load(YamlDocument("c.yml", "- a\n")) is None
    assert circleci.load(YamlDocument("c.yml", "")) is None


def test_merge_keys_are_bounded() -> None:
    levels = ["a0: &a0 {k: v}"]
    for i in range(1, 30):
        prev = f"*a{i - 1}"
        levels.append(f"a{i}: &a{i} {{<<: [{prev}, {prev}, {prev}]}}")
    levels.append("top: {<<: *a29, own: 1}")
    doc = YamlDocument("m.yml", "\n".join(levels) + "\n")
    start = time.perf_counter()
    found = merged.pairs(merged.get(doc.roots[0], "top"))
    assert time.perf_counter() - start < 1.0
    assert "own" in found


def test_loader_row_and_rendered_examples() -> None:
    assert LOADERS[FileKind.CIRCLECI].document == "yaml"
    script = 'aws s3 ls  # expect: X\ncat <<EOF > f\nx\nEOF\ndocker login -p "$PW" r \\\n  --x\n'
    text = render("circleci", script, {"A": "lit", "B": Stored("B")}, federated=True)
    p = load_pipeline(FileKind.CIRCLECI, YamlDocument(".circleci/config.yml", text))
    assert p is not None
    (job,) = p.jobs
    assert job.contexts == ("deploy",)
    assert job.env["A"].value == "lit"
    lines = text.splitlines()
    commands = list(p.commands())
    assert [c.text.split()[0] for c in commands] == ["aws", "cat", "docker"]
    for command in commands:
        line, column, _, _ = where(p, command.node)
        assert lines[line - 1][column - 1 :].startswith(command.text.split(" ")[0])
    assert "expect: X" in lines[where(p, commands[0].node)[0] - 1]


def test_the_rule_base_walks_circleci_pipelines() -> None:
    from scanner.api import CiRule, Command

    seen: list[str] = []

    class Walk(CiRule):
        def check_command(self, command: Command) -> None:
            seen.append(command.text)

    Walk(RuleContext()).check_ci(load())
    assert seen[:3] == ['echo "hi <<pipeline.git.branch>>"', "cat <<EOF > x\ny\nEOF", "make all"]


def test_job_parameters_a_workflow_passes_stay_expressions() -> None:
    text = (
        "version: 2.1\njobs:\n  deploy:\n    parameters:\n"
        "      role: {type: string, default: ''}\n"
        "      region: {type: string, default: eu-west-1}\n"
        "    docker: [{image: cimg/base:current}]\n    steps:\n"
        "      - aws-cli/setup:\n          role_arn: << parameters.role >>\n"
        "          region: << parameters.region >>\n"
        "workflows:\n  main:\n    jobs:\n"
        "      - deploy:\n          role: arn:aws:iam::123456789012:role/ci\n"
    )
    (job,) = load(text).jobs
    (setup,) = job.steps
    role, region = setup.with_["role_arn"], setup.with_["region"]
    assert (role.kind, role.refs) == (ValueKind.EXPRESSION, ("parameters.role",))
    assert (region.kind, region.value) == (ValueKind.LITERAL, "eu-west-1")


# LLC-CCI-001 on shapes triage found in real configs.


def _cci(text: str, *others: str) -> list[tuple[int, str, str]]:
    """``(line, rule, severity)`` of LLC-CCI-001 and ``others`` scanned together."""
    from scanner.config import Config
    from scanner.engine import Engine
    from scanner.registry import get_rule

    rules = [get_rule(r) for r in ("LLC-CCI-001", *others)]
    engine = Engine(rules, Config())  # type: ignore[arg-type]
    result = engine.scan_bytes(".circleci/config.yml", text.encode())
    return sorted((f.location.line, f.rule_id, f.severity.value) for f in result.findings)


_JOB = "version: 2.1\n{top}jobs:\n  deploy:\n{executor}    steps:\n      - checkout\n{steps}"
_DOCKER = "    docker: [{image: cimg/aws:2024.03}]\n"


def test_aws_tools_with_nothing_to_authenticate_them_are_low() -> None:
    for command in ("aws s3 sync dist s3://b", "eksctl create cluster -f c.yaml", "cdk deploy"):
        text = _JOB.format(top="", executor=_DOCKER, steps=f"      - run: {command}\n")
        assert _cci(text) == [(7, "LLC-CCI-001", "low")], command
    steps = "      - run: aws s3 sync dist s3://b\n"
    quiet = [
        # A runner of the organisation's own, directly or through an executor.
        _JOB.format(
            top="",
            executor="    machine: true\n    resource_class: acme/deployers\n",
            steps=steps,
        ),
        _JOB.format(
            top="executors:\n  own:\n    machine: true\n    resource_class: acme/linux\n",
            executor="    executor: own\n",
            steps=steps,
        ),
        # The job's OIDC token, the aws-cli orb with a role, a key pair it sets itself.
        _JOB.format(
            top="",
            executor=_DOCKER,
            steps="      - run: aws sts assume-role-with-web-identity --role-arn $R"
            " --role-session-name ci --web-identity-token $CIRCLE_OIDC_TOKEN_V2 > c.json\n" + steps,
        ),
        _JOB.format(
            top="orbs:\n  aws-cli: circleci/aws-cli@4.1\n",
            executor=_DOCKER,
            steps="      - aws-cli/setup:\n          role_arn: arn:aws:iam::1:role/ci\n" + steps,
        ),
        _JOB.format(top="", executor=_DOCKER, steps="      - run: export AWS_PROFILE=ci\n" + steps),
    ]
    for text in quiet:
        assert _cci(text) == [], text
    # A hosted machine executor (`resource_class: large`) is CircleCI's.
    hosted = _JOB.format(
        top="", executor="    machine: true\n    resource_class: large\n", steps=steps
    )
    assert _cci(hosted) == [(8, "LLC-CCI-001", "low")]


def test_session_duration_grades_like_every_ci_rule() -> None:
    top = "orbs:\n  aws-cli: circleci/aws-cli@4.1\n"
    for seconds, expected in (("3600", []), ("7200", ["low"]), ("43200", ["medium"])):
        steps = (
            "      - aws-cli/setup:\n          role_arn: arn:aws:iam::1:role/ci\n"
            f"          session_duration: '{seconds}'\n"
        )
        got = _cci(_JOB.format(top=top, executor=_DOCKER, steps=steps))
        assert [s for _, _, s in got] == expected, seconds


def test_lines_ci_003_owns_are_not_reported_again() -> None:
    steps = (
        "      - run: |\n"
        '          aws configure set aws_access_key_id "$AWS_ACCESS_KEY_ID"\n'
        '          aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"\n'
        "          aws s3 sync dist s3://b\n"
    )
    got = _cci(_JOB.format(top="", executor=_DOCKER, steps=steps), "LLC-CI-003")
    assert [(line, rule) for line, rule, _ in got] == [(8, "LLC-CI-003")]
