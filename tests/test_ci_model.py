"""The CI model and its GitHub loader: what CI rules will read, at exact positions."""

from __future__ import annotations

from scanner.api import CiRule, Command, Job, Pipeline, RuleContext, Step, ValueKind
from scanner.documents.ci import LOADERS, GithubWorkflow, load_pipeline
from scanner.documents.yaml import YamlDocument
from scanner.filekinds import FileKind
from scanner.findings import Location

WORKFLOW = """\
name: release
on:
  push:
    tags: ["v*"]
  workflow_dispatch:
permissions:
  contents: read
env:
  REGION: eu-west-1
  SHARED: from-workflow
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      SHARED: from-job
    steps:
      - uses: actions/checkout@v4
        with:
          token: ${{ secrets['GH_PAT'] }}
      - name: publish
        run: |
          echo start
          # twine upload --password x
          twine upload \\
            --repository pypi dist/*

          cat <<EOF > ~/.pypirc
          [pypi]
          EOF
          docker login -p "$PASS" ghcr.io
        env:
          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}
          SHARED: from-step
          ROLE: ${{ vars.ROLE }}
          ON: "true"
          NESTED: {a: 1}
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: production
    permissions:
      id-token: write
    container:
      image: node:22
      env:
        NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
    steps:
      - run: uv publish
      - shell: pwsh
        run: >
          Write-Output `
            done
"""


def load(text: str, path: str = ".github/workflows/w.yml") -> Pipeline:
    return GithubWorkflow(YamlDocument(path, text))


def where(pipeline: Pipeline, node: object) -> tuple[int, int, int, int]:
    loc: Location = pipeline.doc.locate(node)
    return loc.line, loc.column, loc.end_line, loc.end_column


def test_the_workflow_is_a_pipeline_of_jobs_and_steps() -> None:
    p = load(WORKFLOW)
    assert isinstance(p, Pipeline)
    assert (p.system, p.kind) == ("github", "workflow")
    assert list(p.triggers) == ["push", "workflow_dispatch"]
    assert [j.job_id for j in p.jobs] == ["build", "deploy"]
    assert [s.action() for s in p.steps()] == ["actions/checkout", None, None, None]
    assert all(s.job is j for j in p.jobs for s in j.steps)
    assert all(j.pipeline is p for j in p.jobs)
    publish = p.jobs[0].steps[1]
    assert (publish.name, publish.index, publish.job_id) == ("publish", 1, "build")


def test_values_are_classified_with_what_they_read() -> None:
    p = load(WORKFLOW)
    checkout, publish = p.jobs[0].steps[:2]
    token = checkout.with_["token"]
    assert (token.kind, token.refs, token.secrets) == (
        ValueKind.SECRET,
        ("secrets.GH_PAT",),
        ("GH_PAT",),
    )
    env = publish.env
    assert env["TWINE_PASSWORD"].kind is ValueKind.SECRET
    assert (env["ROLE"].kind, env["ROLE"].refs) == (ValueKind.EXPRESSION, ("vars.ROLE",))
    assert (env["ON"].kind, env["ON"].value) == (ValueKind.LITERAL, "true")
    assert (env["NESTED"].kind, env["NESTED"].value) == (ValueKind.OTHER, None)
    assert where(p, env["TWINE_PASSWORD"].key_node) == (32, 11, 32, 25)
    assert p.jobs[1].container_env["NPM_TOKEN"].secrets == ("NPM_TOKEN",)


def test_env_scopes_nest_innermost_first() -> None:
    p = load(WORKFLOW)
    scoped = p.jobs[0].steps[1].scoped_env()
    assert scoped["SHARED"].value == "from-step"
    assert scoped["REGION"].value == "eu-west-1"
    assert p.jobs[0].steps[0].scoped_env()["SHARED"].value == "from-job"


def test_federation_follows_github_permissions() -> None:
    p = load(WORKFLOW)
    build, deploy = p.jobs
    assert build.federation.oidc is False
    assert "workflow" in build.federation.reason
    assert deploy.federation.oidc is True
    assert deploy.federation.node is not None
    assert where(p, deploy.federation.node)[:2] == (42, 7)
    assert (deploy.environment, build.environment) == ("production", None)

    def oidc(text: str) -> bool | None:
        return load(text).jobs[0].federation.oidc

    job = "jobs:\n  a:\n    runs-on: x\n"
    assert oidc("permissions:\n  id-token: write\n" + job) is True
    assert oidc("permissions: write-all\n" + job) is True
    assert oidc("permissions: read-all\n" + job) is False
    assert oidc(job) is False
    # Job-level permissions replace the workflow's, they do not add to them.
    replaced = load(
        "permissions:\n  id-token: write\n" + job + "    permissions:\n      contents: read\n"
    )
    assert replaced.jobs[0].federation.oidc is False
    assert "replace" in replaced.jobs[0].federation.reason


def test_composite_action_steps_and_undecided_federation() -> None:
    p = load(
        "name: setup\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n",
        path="action.yml",
    )
    assert p.kind == "action"
    (job,) = p.jobs
    assert job.federation.oidc is None
    assert [c.text for c in p.commands()] == ["echo hi"]


def test_commands_of_a_block_scalar_have_exact_positions() -> None:
    p = load(WORKFLOW)
    commands = p.jobs[0].steps[1].commands()
    texts = [c.text for c in commands]
    assert texts == [
        "echo start",
        "twine upload --repository pypi dist/*",
        "cat <<EOF > ~/.pypirc\n[pypi]\nEOF",
        'docker login -p "$PASS" ghcr.io',
    ]
    assert [where(p, c.node) for c in commands] == [
        (22, 11, 22, 21),
        (24, 11, 25, 37),
        (27, 11, 29, 14),
        (30, 11, 30, 42),
    ]
    login = commands[3]
    start = login.text.index("$PASS")
    assert where(p, login.target(start, start + 5)) == (30, 28, 30, 33)
    twine = commands[1]
    start = twine.text.index("--repository")
    assert where(p, twine.target(start, start + 12)) == (25, 13, 25, 25)
    assert commands[0].line == 22


def test_plain_folded_and_backtick_continued_scripts() -> None:
    p = load(WORKFLOW)
    plain, folded = p.jobs[1].steps
    (uv,) = plain.commands()
    assert (uv.text, where(p, uv.node)) == ("uv publish", (48, 14, 48, 24))
    (pwsh,) = folded.commands()
    assert pwsh.text == "Write-Output done"
    assert where(p, pwsh.node) == (51, 11, 52, 17)
    quoted = load('jobs:\n  a:\n    steps:\n      - run: "echo \\"$X\\""\n')
    (echo,) = quoted.commands()
    assert echo.text == 'echo "$X"'
    assert where(quoted, echo.node) == (4, 15, 4, 26)


def test_the_rule_base_walks_the_hooks_in_order() -> None:
    calls: list[str] = []

    class Walk(CiRule):
        def check_pipeline(self, pipeline: Pipeline) -> None:
            calls.append(f"pipeline:{pipeline.kind}")

        def check_job(self, job: Job) -> None:
            calls.append(f"job:{job.job_id}")

        def check_step(self, step: Step) -> None:
            calls.append(f"step:{step.index}")

        def check_command(self, command: Command) -> None:
            calls.append(f"command:{command.text.split()[0]}")

    text = (
        "jobs:\n  a:\n    steps:\n      - run: |\n          one\n          two\n"
        "      - uses: x/y@v1\n  b: {}\n"
    )
    Walk(RuleContext()).check_ci(load(text))
    assert calls == [
        "pipeline:workflow",
        "job:a",
        "step:0",
        "command:one",
        "command:two",
        "step:1",
        "job:b",
    ]


def test_scripts_are_split_only_for_rules_that_read_commands() -> None:
    class StepsOnly(CiRule):
        def check_step(self, step: Step) -> None:
            pass

    p = load(WORKFLOW)
    StepsOnly(RuleContext()).check_ci(p)
    assert all(not s._commands for s in p.steps())


def test_loader_rows() -> None:
    assert FileKind.GITHUB_ACTIONS in LOADERS
    doc = YamlDocument("w.yml", "jobs: {}\n")
    assert isinstance(load_pipeline(FileKind.GITHUB_ACTIONS, doc), Pipeline)
    assert load_pipeline(FileKind.PYTHON, doc) is None


def test_a_reusable_workflow_call_is_one_step_with_its_inputs_and_secrets() -> None:
    text = (
        "on: push\njobs:\n  release:\n"
        "    uses: my-org/shared/.github/workflows/release.yml@v2\n"
        "    with:\n      dry-run: false\n"
        "    secrets:\n      github-token: ${{ secrets.ORG_BOT_PAT }}\n"
        "      job-token: ${{ secrets.GITHUB_TOKEN }}\n"
        "  lint:\n    uses: ./.github/workflows/lint.yml\n    secrets: inherit\n"
    )
    release, lint = load(text).jobs
    (call,) = release.steps
    assert call.uses == "my-org/shared/.github/workflows/release.yml@v2"
    assert call.action() == "my-org/shared/.github/workflows/release.yml"
    assert list(call.with_) == ["dry-run"]
    assert call.script is None
    assert not call.env
    token = call.secrets["github-token"]
    assert token.kind is ValueKind.SECRET
    assert token.secrets == ("ORG_BOT_PAT",)
    assert token.key_node.start_mark.line == 7
    assert call.secrets_inherit is None
    assert call.job is release
    (inherited,) = lint.steps
    assert inherited.secrets == {}
    assert inherited.secrets_inherit is not None
