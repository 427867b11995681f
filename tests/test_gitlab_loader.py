"""The GitLab CI loader: jobs, templates, extends, merge keys, references, defaults,
variables and ID tokens, at exact positions."""

from __future__ import annotations

from scanner.api import (
    Category,
    CiRule,
    Command,
    FileKind,
    Lifetime,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Stored,
    ValueKind,
    invalid_in,
    valid_in,
)
from scanner.api.ci_examples import render
from scanner.config import Config
from scanner.documents.ci import LOADERS, load_pipeline
from scanner.documents.ci.gitlab import GitlabJob, classify, load
from scanner.documents.yaml import YamlDocument
from scanner.engine import Engine
from scanner.findings import Location

PIPELINE = """\
stages: [build, deploy]
variables:
  REGION: eu-west-1
  PASSWORD:
    value: $DEPLOY_PASSWORD
    description: from the project settings
default:
  image: python:3.12
  before_script:
    - echo default-before
  id_tokens:
    VAULT_ID_TOKEN:
      aud: https://vault.example.com
.base: &base
  services:
    - postgres:16
    - name: localstack/localstack:3
      alias: aws
  variables:
    FROM_BASE: "1"
.deploy:
  extends: .base
  script:
    - echo template
  after_script:
    - echo template-after
.steps:
  setup:
    - echo setup-one
    - echo setup-two
build:
  <<: *base
  stage: build
  inherit:
    default: [image]
  script:
    - !reference [.steps, setup]
    - |
      make \\
        all
    - "echo \\"$REGION\\""
deploy:
  extends: [.deploy]
  environment:
    name: production
  variables:
    LITERAL: plain
    BRACED: ${REGION}
    ESCAPED: $$HOME
    RAW:
      value: $NOT_EXPANDED
      expand: false
  secrets:
    DB_PASSWORD:
      vault: db/password@ops
      token: $VAULT_ID_TOKEN
pages:
  inherit:
    variables: false
    default: false
  script: mkdocs build
.hidden_job:
  script: [echo never]
"""


def pipeline(text: str = PIPELINE, path: str = ".gitlab-ci.yml") -> Pipeline:
    loaded = load(YamlDocument(path, text))
    assert loaded is not None
    return loaded


def where(p: Pipeline, node: object) -> tuple[int, int, int, int]:
    loc: Location = p.doc.locate(node)
    return loc.line, loc.column, loc.end_line, loc.end_column


def job(p: Pipeline, name: str) -> GitlabJob:
    (found,) = [j for j in p.jobs if j.job_id == name]
    assert isinstance(found, GitlabJob)
    return found


def test_jobs_are_the_top_level_mappings_that_are_not_keywords_or_templates() -> None:
    p = pipeline()
    assert (p.system, p.kind) == ("gitlab", "pipeline")
    assert [j.job_id for j in p.jobs] == ["build", "deploy", "pages"]
    assert all(j.pipeline is p for j in p.jobs)
    assert all(s.job is j for j in p.jobs for s in j.steps)
    assert where(p, job(p, "deploy").key_node) == (42, 1, 42, 7)
    assert p.permissions is None
    assert p.triggers == {}


def test_steps_are_the_script_sections_with_defaults() -> None:
    p = pipeline()
    build, deploy, pages = (job(p, n) for n in ("build", "deploy", "pages"))
    # `inherit: default: [image]` keeps the default image but not its before_script.
    assert [s.name for s in build.steps] == ["script"]
    assert build.image == "python:3.12"
    assert [s.name for s in deploy.steps] == ["before_script", "script", "after_script"]
    assert [s.index for s in deploy.steps] == [0, 1, 2]
    assert [s.run for s in deploy.steps] == [
        "echo default-before",
        "echo template",
        "echo template-after",
    ]
    assert all(s.script is not None and s.script.expression is None for s in deploy.steps)
    assert all(s.uses is None and s.with_ == {} for s in deploy.steps)
    assert [s.name for s in pages.steps] == ["script"]
    assert pages.image is None


def test_commands_keep_their_place_through_references_and_block_scalars() -> None:
    p = pipeline()
    commands = job(p, "build").steps[0].commands()
    assert [c.text for c in commands] == [
        "echo setup-one",
        "echo setup-two",
        "make all",
        'echo "$REGION"',
    ]
    assert [where(p, c.node) for c in commands] == [
        (29, 7, 29, 21),
        (30, 7, 30, 21),
        (39, 7, 40, 12),
        (41, 8, 41, 24),
    ]
    echo = commands[3]
    start = echo.text.index("$REGION")
    assert where(p, echo.target(start, start + 7)) == (41, 15, 41, 22)


def test_merge_keys_and_extends_bring_template_settings() -> None:
    p = pipeline()
    build, deploy = job(p, "build"), job(p, "deploy")
    assert build.services == ("postgres:16", "localstack/localstack:3")
    assert deploy.services == build.services  # .deploy extends .base
    assert build.env["FROM_BASE"].value == "1"
    assert deploy.env["FROM_BASE"].value == "1"
    assert deploy.extends == (".deploy",)
    assert where(p, deploy.steps[1].script.nodes[0]) == (24, 7, 24, 20)  # type: ignore[union-attr]
    assert (deploy.environment, build.environment) == ("production", None)


def test_variables_are_classified() -> None:
    p = pipeline()
    env = job(p, "deploy").env
    assert (env["REGION"].kind, env["REGION"].value) == (ValueKind.LITERAL, "eu-west-1")
    assert (env["PASSWORD"].kind, env["PASSWORD"].refs) == (
        ValueKind.EXPRESSION,
        ("$DEPLOY_PASSWORD",),
    )
    assert where(p, env["PASSWORD"].value_node) == (5, 12, 5, 28)
    assert where(p, env["PASSWORD"].key_node) == (4, 3, 4, 11)
    assert (env["BRACED"].kind, env["BRACED"].refs) == (ValueKind.EXPRESSION, ("$REGION",))
    assert (env["ESCAPED"].kind, env["ESCAPED"].refs) == (ValueKind.LITERAL, ())
    assert (env["RAW"].kind, env["RAW"].value) == (ValueKind.LITERAL, "$NOT_EXPANDED")
    assert env["LITERAL"].kind is ValueKind.LITERAL
    assert set(p.env) == {"REGION", "PASSWORD"}
    # `inherit: variables: false` drops the pipeline's variables.
    assert job(p, "pages").env == {}
    assert classify(None) == (ValueKind.OTHER, ())
    doc = YamlDocument(".gitlab-ci.yml", "a: 'x $A-${B} $$C $A'\n")
    value = doc.roots[0].value[0][1]
    assert classify(value) == (ValueKind.EXPRESSION, ("$A", "$B"))


def test_federation_is_id_tokens_from_the_job_or_default() -> None:
    p = pipeline()
    deploy, build, pages = job(p, "deploy"), job(p, "build"), job(p, "pages")
    assert deploy.federation.oidc is True
    assert "`default:`" in deploy.federation.reason
    assert deploy.federation.node is not None
    assert where(p, deploy.federation.node) == (11, 3, 11, 12)
    assert deploy.id_tokens.keys() == {"VAULT_ID_TOKEN"}
    assert deploy.secrets.keys() == {"DB_PASSWORD"}
    assert where(p, deploy.secrets["DB_PASSWORD"]) == (54, 5, 54, 16)
    # Inheriting only `image` from default, and nothing at all, both drop the ID tokens.
    assert build.federation.oidc is False
    assert pages.federation.oidc is False
    assert "add `id_tokens:`" in pages.federation.how

    own = pipeline("deploy:\n  id_tokens:\n    AWS: {aud: sts.amazonaws.com}\n  script: [x]\n")
    assert own.jobs[0].federation.oidc is True
    assert "the job" in own.jobs[0].federation.reason
    empty = pipeline("deploy:\n  id_tokens: {}\n  script: [x]\n")
    assert empty.jobs[0].federation.oidc is False


def test_what_the_file_cannot_see_leaves_federation_undecided() -> None:
    remote = pipeline("deploy:\n  extends: .from-another-file\n  script: [x]\n")
    (j,) = remote.jobs
    assert isinstance(j, GitlabJob)
    assert (j.federation.oidc, j.missing) == (None, (".from-another-file",))
    assert "`.from-another-file`" in j.federation.reason
    twice = pipeline(
        ".t:\n  extends: .gone\ndeploy:\n  extends: .t\n  script: [x]\n"
        "other:\n  extends: .t\n  script: [y]\n"
    )
    assert [getattr(j, "missing", None) for j in twice.jobs] == [(".gone",), (".gone",)]
    included = pipeline("deploy:\n  script: [x]\n", path=".gitlab/ci/deploy.yml")
    assert included.kind == "include"
    assert included.jobs[0].federation.oidc is None
    assert "included" in included.jobs[0].federation.reason
    ref = pipeline("deploy:\n  script:\n    - !reference [.elsewhere, script]\n    - echo\n")
    assert [c.text for c in ref.commands()] == ["echo"]
    assert ref.jobs[0].federation.oidc is None


def test_multi_level_extends_merge_deeply_and_lists_replace() -> None:
    p = pipeline(
        ".a:\n  variables: {A: a, B: a}\n  script: [echo a]\n  id_tokens:\n    T: {aud: x}\n"
        ".b:\n  extends: .a\n  variables: {B: b}\n"
        ".c:\n  variables: {C: c}\n  script: [echo c]\n"
        "job:\n  extends: [.b, .c]\n  variables: {D: d}\n"
    )
    (j,) = p.jobs
    assert {k: e.value for k, e in j.env.items()} == {"A": "a", "B": "b", "C": "c", "D": "d"}
    assert [c.text for c in p.commands()] == ["echo c"]
    assert j.federation.oidc is True


def test_extends_cycles_and_deep_chains_terminate() -> None:
    p = pipeline(".a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script: [x]\n")
    assert [c.text for c in p.commands()] == ["x"]
    chain = "".join(f".t{i}:\n  extends: .t{i + 1}\n" for i in range(40))
    deep = pipeline(chain + ".t40:\n  script: [deep]\njob:\n  extends: .t0\n")
    assert [c.text for c in deep.commands()] == []  # beyond GitLab's 11 levels
    loop = pipeline(".r:\n  s: !reference [.r, s]\njob:\n  script: !reference [.r, s]\n")
    assert list(loop.commands()) == []


def test_files_without_a_configuration() -> None:
    assert load(YamlDocument(".gitlab-ci.yml", "")) is None
    assert load(YamlDocument(".gitlab-ci.yml", "- a\n- b\n")) is None
    spec = pipeline("spec:\n  inputs:\n    stage: {default: test}\n---\njob:\n  script: [x]\n")
    assert [j.job_id for j in spec.jobs] == ["job"]
    odd = pipeline("job: not-a-mapping\nother:\n  script: {a: 1}\nthird:\n  script: [{a: 1}, ok]\n")
    assert [j.job_id for j in odd.jobs] == ["other", "third"]
    assert [c.text for c in odd.commands()] == ["ok"]


def test_deprecated_top_level_defaults() -> None:
    p = pipeline("image: ruby:3\nbefore_script: [bundle install]\njob:\n  script: [rake]\n")
    (j,) = p.jobs
    assert isinstance(j, GitlabJob)
    assert j.image == "ruby:3"
    assert [c.text for c in p.commands()] == ["bundle install", "rake"]


def test_loader_row() -> None:
    assert LOADERS[FileKind.GITLAB_CI].document == "yaml"
    doc = YamlDocument(".gitlab-ci.yml", "job:\n  script: [x]\n")
    loaded = load_pipeline(FileKind.GITLAB_CI, doc)
    assert loaded is not None
    assert loaded.system == "gitlab"


class _EveryCommand(CiRule):
    """A rule reporting each command, to see the loader through the engine."""

    META = RuleMeta(
        id="LLC-GLC-999",
        name="every-command",
        summary="every command",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.LOW,
        precision=Precision.LOW,
        owasp=("NHI7",),
        fix="none",
        kinds=frozenset({FileKind.GITLAB_CI}),
        triggers=(),  # a test rule: every file
    )

    def check_command(self, command: Command) -> None:
        if "expect:" in command.text:
            self.report(command.node, command.text, lifetime=Lifetime.static())


def _lines(text: str, path: str) -> tuple[int, ...]:
    result = Engine([_EveryCommand], Config()).scan_bytes(path, text.encode("utf-8"))
    assert not result.errors, result.errors
    return tuple(f.location.line for f in result.findings)


def test_multi_system_examples_load_through_the_engine() -> None:
    script = 'aws s3 sync . s3://b  # expect: LLC-GLC-999\nif true; then\n  echo "$X"\nfi\n'
    env = {"A": "lit", "B": Stored("NAME")}
    for example in (
        *invalid_in(script, env=env, systems=["gitlab"]),
        *invalid_in(script, federated=True, systems=["gitlab"]),
    ):
        assert example.path == ".gitlab-ci.yml"
        expected = tuple(
            n for n, line in enumerate(example.code.splitlines(), 1) if "expect:" in line
        )
        assert _lines(example.code, example.path or "") == expected
    (valid,) = valid_in("echo hi", systems=["gitlab"])
    assert _lines(valid.code, ".gitlab-ci.yml") == ()
    federated = pipeline(render("gitlab", "echo hi", federated=True))
    assert federated.jobs[0].federation.oidc is True


def test_hostile_alias_graphs_load_in_bounded_time() -> None:
    import time

    fan = ["s0: &s0 [echo, echo, echo, echo, echo, echo, echo, echo, echo, echo]"]
    for i in range(1, 12):
        fan.append(f"s{i}: &s{i} [" + ", ".join([f"*s{i - 1}"] * 10) + "]")
    laughs = ["a0: &a0 {script: [echo x], variables: {V: x}}"]
    for i in range(1, 25):
        laughs.append(f"a{i}: &a{i}\n  <<: [*a{i - 1}]\n  s: [*a{i - 1}, *a{i - 1}]")
    refs = ".r0:\n  s: [echo]\n" + "".join(
        f".r{i}:\n  s: [!reference [.r{i - 1}, s], !reference [.r{i - 1}, s]]\n"
        for i in range(1, 30)
    )
    for text in (
        "\n".join(fan) + "\njob:\n  script: *s11\n",
        "\n".join(fan[:5]) + "\njob:\n  script: *s4\n",
        "\n".join(laughs) + "\njob:\n  <<: *a24\n  script: [*a24, x]\n",
        refs + "job:\n  script: !reference [.r29, s]\n",
        "a: &a\n  b: *a\n  <<: *a\n  script: [x]\n",
    ):
        started = time.perf_counter()
        p = pipeline(text)
        lines = sum(len(s.script.nodes) for s in p.steps() if s.script is not None)
        assert time.perf_counter() - started < 2.0
        assert lines <= 10_000
    assert lines == 1  # the recursive mapping's own script


def test_references_and_merge_keys_inside_settings() -> None:
    p = pipeline(
        ".vars:\n  variables: &common\n    REGION: eu-west-1\n    STAGE: prod\n"
        ".tokens:\n  id_tokens:\n    VAULT_ID_TOKEN: {aud: https://vault.example.com}\n"
        "a:\n  variables: !reference [.vars, variables]\n"
        "  id_tokens: !reference [.tokens, id_tokens]\n  script: [x]\n"
        "b:\n  variables:\n    <<: *common\n    STAGE: dev\n"
        "    ONE: !reference [.vars, variables, REGION]\n  script: [y]\n"
    )
    a, b = (job(p, n) for n in ("a", "b"))
    assert {k: e.value for k, e in a.env.items()} == {"REGION": "eu-west-1", "STAGE": "prod"}
    assert a.federation.oidc is True
    assert a.id_tokens.keys() == {"VAULT_ID_TOKEN"}
    assert {k: e.value for k, e in b.env.items()} == {
        "REGION": "eu-west-1",
        "STAGE": "dev",
        "ONE": "eu-west-1",
    }
    assert where(p, b.env["REGION"].value_node) == (3, 13, 3, 22)
    assert b.federation.oidc is False


def test_nested_references_and_hooks() -> None:
    p = pipeline(
        "default:\n  hooks:\n    pre_get_sources_script: [git config --global x y]\n"
        ".a:\n  s: [one, !reference [.b, s]]\n.b:\n  s: [two]\n"
        "job:\n  script: [!reference [.a, s], three]\n"
        "bare:\n  inherit: {default: false}\n  script: [four]\n"
    )
    job_, bare = p.jobs
    assert [(s.name, s.run) for s in job_.steps] == [
        ("pre_get_sources_script", "git config --global x y"),
        ("script", "one\ntwo\nthree"),
    ]
    assert [s.name for s in bare.steps] == ["script"]
    assert where(p, job_.steps[0].script.nodes[0]) == (3, 30, 3, 53)  # type: ignore[union-attr]
