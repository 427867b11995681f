"""The Jenkins loader: declarative and scripted pipelines, Groovy strings with exact positions,
credential wrappers, and broken files that still give what parsed."""

from __future__ import annotations

import random

import pytest

from scanner.api.ci_examples import Stored, render
from scanner.documents.ci import LOADERS, Pipeline, ValueKind, jenkins
from scanner.documents.ci.groovy import Source, decode, parse
from scanner.documents.text import TextDocument
from scanner.filekinds import FileKind, classify

DECLARATIVE = """\
pipeline {
  agent any
  environment {
    REGION = 'eu-west-1'
    DEPLOY = credentials('deploy-creds')
    TAG = "v${env.BUILD_NUMBER}"
  }
  stages {
    stage('Build') {
      environment { GOFLAGS = '-mod=mod' }
      steps {
        sh 'make build'
        bat "dir"
      }
    }
    stage('Checks') {
      environment { LEVEL = 'outer' }
      parallel {
        stage('Unit') { steps { sh label: 'unit', script: 'make test' } }
        stage('Lint') {
          stages {
            stage('Go') { steps { powershell 'Get-ChildItem' } }
          }
        }
      }
    }
    stage('Ship') {
      steps { pwsh(script: 'Write-Output ok') }
      post { always { sh 'make clean' } }
    }
  }
  post { failure { sh 'notify' } }
}
"""

SCRIPTED = """\
node('linux') {
  checkout scm
  stage('Build') {
    sh 'make'
  }
  parallel a: { stage('A') { sh 'run a' } }, b: { sh 'run b' }
}
"""


def load(text: str, path: str = "Jenkinsfile") -> Pipeline:
    pipeline = jenkins.load(TextDocument(path, text))
    assert pipeline is not None
    return pipeline


def source_at(text: str, node: object) -> str:
    """The file text a single-line node covers."""
    start, end = node.start_mark, node.end_mark  # type: ignore[attr-defined]
    assert start.line == end.line
    return text.split("\n")[start.line][start.column : end.column]


def test_registered_as_a_text_loader() -> None:
    assert LOADERS[FileKind.JENKINSFILE].document == "text"
    assert LOADERS[FileKind.JENKINSFILE].load is jenkins.load


def test_declarative_stages_are_flattened_into_jobs() -> None:
    pipeline = load(DECLARATIVE)
    assert pipeline.system == "jenkins"
    assert pipeline.kind == "declarative"
    jobs = {job.job_id: job for job in pipeline.jobs}
    assert list(jobs) == ["Build", "Unit", "Go", "Ship", jenkins.LOOSE_JOB]
    assert [s.script.shell for s in jobs["Build"].steps if s.script] == ["sh", "bat"]
    assert jobs["Unit"].steps[0].name == "unit"
    assert jobs["Unit"].steps[0].run == "make test"
    assert jobs["Go"].steps[0].script is not None
    assert jobs["Go"].steps[0].script.shell == "powershell"
    assert [s.run for s in jobs["Ship"].steps] == ["Write-Output ok", "make clean"]
    assert [s.run for s in jobs[jenkins.LOOSE_JOB].steps] == ["notify"]
    # A stage's environment reaches its nested stages; every job has an index per step.
    assert jobs["Go"].env["LEVEL"].value == "outer"
    assert "GOFLAGS" not in jobs["Go"].env
    assert [s.index for s in jobs["Ship"].steps] == [0, 1]
    assert all(s.job is jobs["Ship"] for s in jobs["Ship"].steps)
    for job in pipeline.jobs:
        assert job.federation.oidc is None
        assert "OIDC" in job.federation.reason


def test_environment_entries_are_classified() -> None:
    pipeline = load(DECLARATIVE)
    env = pipeline.env
    assert env["REGION"].kind is ValueKind.LITERAL
    assert env["REGION"].value == "eu-west-1"
    assert env["DEPLOY"].kind is ValueKind.SECRET
    assert env["DEPLOY"].refs == ("credentials.deploy-creds",)
    # A username-and-password credential also binds _USR and _PSW.
    assert env["DEPLOY_PSW"].refs == ("credentials.deploy-creds",)
    assert env["TAG"].kind is ValueKind.EXPRESSION
    assert env["TAG"].refs == ("env.BUILD_NUMBER",)
    assert source_at(DECLARATIVE, env["REGION"].key_node) == "REGION"
    assert source_at(DECLARATIVE, env["REGION"].value_node) == "'eu-west-1'"
    build = next(s for s in pipeline.steps() if s.run == "make build")
    assert build.scoped_env()["GOFLAGS"].value == "-mod=mod"
    assert build.scoped_env()["REGION"].value == "eu-west-1"


def test_scripted_pipeline() -> None:
    pipeline = load(SCRIPTED)
    assert pipeline.kind == "scripted"
    jobs = {job.job_id: [s.run for s in job.steps] for job in pipeline.jobs}
    assert jobs == {"Build": ["make"], "A": ["run a"], jenkins.LOOSE_JOB: ["run b"]}


@pytest.mark.parametrize(
    ("literal", "value", "gstring"),
    [
        (r"'a \\ b \' c'", "a \\ b ' c", False),
        (r'"a \\ b \" c \$HOME"', 'a \\ b " c $HOME', True),
        (r"'tab\tnew\nline \u00e9'", "tab\tnew\nline \u00e9", False),
        ("'''one\n  two \\\\\n  three'''", "one\n  two \\\n  three", False),
        ("'''\\\nfirst'''", "first", False),
        ('"""x ${a.b { it }} y"""', "x ${a.b { it }} y", True),
        ("'no $interp here'", "no $interp here", False),
    ],
)
def test_groovy_strings_decode(literal: str, value: str, gstring: bool) -> None:
    text = f"x = {literal}\n"
    source = Source(text)
    root = parse(source.data)
    node = _first_string(root)
    decoded = decode(source, node)
    assert decoded is not None
    assert decoded.value == value
    assert decoded.gstring is gstring
    assert len(decoded.offsets) == len(decoded.value)


def _first_string(node: object) -> object:
    stack = [node]
    while stack:
        current = stack.pop(0)
        if current.type in ("string_literal", "character_literal"):  # type: ignore[attr-defined]
            return current
        stack.extend(current.children)  # type: ignore[attr-defined]
    raise AssertionError("no string")


def test_gstring_interpolations_are_the_expression_and_escapes_are_shell() -> None:
    text = (
        "node {\n"
        '  sh "curl -u \\$USER:\\$TOKEN ${env.URL} $BUILD_ID/x"\n'
        "  sh 'echo $HOME ${NOT_GROOVY}'\n"
        "}\n"
    )
    first, second = load(text).steps()
    assert first.run == "curl -u $USER:$TOKEN ${env.URL} $BUILD_ID/x"
    assert first.script is not None
    assert first.script.expression is not None
    assert first.script.expression.search("$USER") is None
    assert first.script.expression.search("${env.URL}") is not None
    (command,) = first.commands()
    assert [command.text[a:b] for a, b in command.interpolations or ()] == [
        "${env.URL}",
        "$BUILD_ID",
    ]
    words = [w for simple in command.simple() for w in simple.words]
    assert "TOKEN" in {v for w in words for v in w.variables}
    assert second.script is not None
    assert second.script.expression is None
    assert second.commands()[0].interpolations == ()


def test_commands_keep_their_exact_place() -> None:
    script = (
        "aws s3 cp \\\n  build/ s3://bucket/  # expect: LLC-X-001\n"
        "echo 'quoted' \\\\ done\n"
        'docker login -u me -p "$PW" registry.example.com\n'
    )
    text = render("jenkins", script, {"PW": Stored("REGISTRY_PW"), "MODE": "it's"})
    pipeline = load(text)
    lines = text.split("\n")
    commands = list(pipeline.commands())
    assert [c.text for c in commands] == [
        "aws s3 cp build/ s3://bucket/  # expect: LLC-X-001",
        "echo 'quoted' \\\\ done",  # the shell's own text: render doubled each backslash
        'docker login -u me -p "$PW" registry.example.com',
    ]
    assert lines[commands[0].node.start_mark.line].strip() == "aws s3 cp \\\\"
    assert "# expect: LLC-X-001" in lines[commands[0].node.end_mark.line]
    assert commands[1].line == commands[0].line + 2
    login = commands[2]
    start = login.text.index('"$PW"')
    assert source_at(text, login.target(start, start + 5)) == '"$PW"'
    quoted = commands[1]
    cut = quoted.text.index("\\")
    assert source_at(text, quoted.target(cut, len(quoted.text))) == "\\\\\\\\ done"
    assert pipeline.env["PW"].kind is ValueKind.SECRET
    assert pipeline.env["MODE"].value == "it's"


def test_positions_are_character_columns_after_non_ascii_text() -> None:
    text = "// caf\u00e9 \u2713\nnode { sh 'd\u00e9ploy --now' }\n"
    (command,) = load(text).commands()
    at = command.text.index("--now")
    assert source_at(text, command.target(at, at + 5)) == "--now"


WRAPPERS = """\
pipeline {
  agent any
  stages {
    stage('Deploy') {
      steps {
        withCredentials([
            usernamePassword(credentialsId: 'registry', usernameVariable: 'REG_USER',
                             passwordVariable: 'REG_PASS'),
            string(credentialsId: 'api-token', variable: 'TOKEN'),
            [$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'aws-keys'],
            aws(credentialsId: 'aws-other', accessKeyVariable: 'AK', secretKeyVariable: 'SK'),
        ]) {
          sh 'echo inside'
          docker.withRegistry('https://registry.example.com', 'registry') {
            sh 'docker push app'
          }
        }
        withAWS(credentials: 'deployer-keys', region: 'eu-west-1') {
          sh 'terraform apply'
        }
        withAWS(role: 'deploy', roleAccount: '123456789012', duration: 900) {
          sh 'aws s3 ls'
        }
        withEnv(['MODE=fast', "TAG=${env.BUILD_ID}"]) {
          sh 'make'
        }
        sh 'outside'
      }
    }
  }
}
"""


def test_with_credentials_bindings_are_steps_and_bind_env() -> None:
    pipeline = load(WRAPPERS)
    steps = list(pipeline.steps())
    uses = [s.uses for s in steps if s.uses]
    assert uses == [
        "withCredentials/usernamePassword",
        "withCredentials/string",
        "withCredentials/AmazonWebServicesCredentialsBinding",
        "withCredentials/aws",
        "docker.withRegistry",
        "withAWS",
        "withAWS",
        "withEnv",
    ]
    inside = next(s for s in steps if s.run == "echo inside")
    env = inside.scoped_env()
    assert set(env) == {
        "REG_USER",
        "REG_PASS",
        "TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AK",
        "SK",
    }
    assert env["TOKEN"].kind is ValueKind.SECRET
    assert env["TOKEN"].refs == ("credentials.api-token",)
    assert env["AWS_ACCESS_KEY_ID"].refs == ("credentials.aws-keys",)
    assert source_at(WRAPPERS, env["TOKEN"].value_node) == "'api-token'"
    assert [w.uses for w in jenkins.wrappers(inside)][-1] == "withCredentials/aws"
    push = next(s for s in steps if s.run == "docker push app")
    assert [w.uses for w in jenkins.wrappers(push)][-1] == "docker.withRegistry"
    registry = next(s for s in steps if s.uses == "docker.withRegistry")
    assert registry.with_["credentialsId"].value == "registry"
    assert registry.with_["url"].value == "https://registry.example.com"
    aws = next(s for s in steps if s.uses == "withCredentials/aws")
    assert aws.with_["credentialsId"].value == "aws-other"
    assert source_at(WRAPPERS, aws.uses_node) == "aws"
    outside = next(s for s in steps if s.run == "outside")
    assert outside.scoped_env() == {}
    assert jenkins.wrappers(outside) == ()


def test_with_aws_and_with_env() -> None:
    steps = list(load(WRAPPERS).steps())
    keyed = next(s for s in steps if s.run == "terraform apply")
    env = keyed.scoped_env()
    assert env["AWS_SECRET_ACCESS_KEY"].refs == ("credentials.deployer-keys",)
    assert source_at(WRAPPERS, env["AWS_SECRET_ACCESS_KEY"].key_node) == "credentials"
    role = next(s for s in steps if s.uses == "withAWS" and "role" in s.with_)
    assert role.with_["duration"].value == "900"
    assert role.with_["duration"].kind is ValueKind.LITERAL
    assert next(s for s in steps if s.run == "aws s3 ls").scoped_env() == {}
    made = next(s for s in steps if s.run == "make").scoped_env()
    assert made["MODE"].kind is ValueKind.LITERAL
    assert made["MODE"].value == "fast"
    assert source_at(WRAPPERS, made["MODE"].key_node) == "MODE"
    assert source_at(WRAPPERS, made["MODE"].value_node) == "fast"
    assert made["TAG"].kind is ValueKind.EXPRESSION
    assert made["TAG"].refs == ("env.BUILD_ID",)


@pytest.mark.parametrize(
    ("body", "runs"),
    [
        # Shapes tree-sitter-groovy 0.1.2 loses (bench/groovy_parsers.py).
        ("string(name: 'V', defaultValue: '')\n    sh 'a'", ["a"]),
        (
            "try {\n      sh 'a'\n    } catch (e) {\n      sh 'b'\n    } finally { sh 'c' }",
            ["a", "b", "c"],
        ),
        (
            "switch (env.X) {\n      case 'p': sh 'a'; break\n      default: sh 'b'\n    }",
            ["a", "b"],
        ),
        ("['p', 'q'].each { n -> sh \"make ${n}\" }", ["make ${n}"]),
        ("v = sh script: 'a', returnStdout: true\n    sh 'b'", ["a", "b"]),
        ("def out = sh(\n      script: 'a',\n      returnStdout: true\n    ).trim()", ["a"]),
        ("if (x) { sh 'a' } else if (y) { sh 'b' } else { sh 'c' }", ["a", "b", "c"]),
        ("sh 'a' + 'b'\n    sh(script: cmd)", [None, None]),
        ("def re = /a\\/b/\n    def d = $/x/y/$\n    sh 'a'", ["a"]),
        ("sh 'a'; sh 'b'", ["a", "b"]),
    ],
)
def test_scripted_statements(body: str, runs: list[str | None]) -> None:
    text = f"node {{\n  stage('s') {{\n    {body}\n  }}\n}}\n"
    pipeline = load(text)
    assert [j.job_id for j in pipeline.jobs] == ["s"]
    assert [s.run for s in pipeline.steps() if s.uses is None] == runs


def test_comments_are_not_steps() -> None:
    text = (
        "pipeline {\n  agent any\n  // environment { AWS_ACCESS_KEY_ID = 'x' }\n"
        "  stages {\n    stage('a') {\n      steps {\n"
        "        // sh 'commented'\n        /* sh 'blocked'\n"
        "        withAWS(credentials: 'k') {} */\n"
        "        sh 'real' // sh 'trailing'\n      }\n    }\n  }\n}\n"
    )
    pipeline = load(text)
    assert [s.run for s in pipeline.steps()] == ["real"]
    assert pipeline.env == {}


@pytest.mark.parametrize(
    "broken",
    [
        # An unclosed stage: the rest of the file nests inside it, but every step is found.
        DECLARATIVE.replace("steps { sh label", "steps {{ sh label", 1),
        DECLARATIVE[: len(DECLARATIVE) // 2],
        DECLARATIVE.replace("stages {", "stages {{{", 1),
    ],
)
def test_malformed_groovy_keeps_what_parsed(broken: str) -> None:
    pipeline = load(broken)
    assert "make build" in [s.run for s in pipeline.steps()]
    assert pipeline.env["REGION"].value == "eu-west-1"


def test_nothing_to_load() -> None:
    assert jenkins.load(TextDocument("Jenkinsfile", "")) is None
    assert jenkins.load(TextDocument("Jenkinsfile", "// just a comment\n")) is None
    assert jenkins.load(TextDocument("Jenkinsfile", "def x = 1\nprintln x\n")) is None


def test_never_crashes_on_garbage() -> None:
    rng = random.Random(11)  # noqa: S311 - fuzzing, not cryptography
    alphabet = "pipeline{}()[]'\"$\\/\n sh stage withAWS environment = : , credentials('x') */"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        pipeline = jenkins.load(TextDocument("Jenkinsfile", text))
        if pipeline is not None:
            for command in pipeline.commands():
                assert command.node.start_mark.line >= 0
    for deep in (
        "node {" * 5000 + "sh 'x'" + "}" * 5000,
        "f(" * 5000,
        "[" * 5000,
        '"${' * 5000,
        "'" * 5001,
        "/*" + "x" * 1000,
    ):
        jenkins.load(TextDocument("Jenkinsfile", deep))


def test_shared_library_steps_with_a_receiver() -> None:
    text = "def call(Map c) {\n  steps.sh \"deploy ${c.env}\"\n  script.bat 'dir'\n}\n"
    runs = [s.run for s in load(text, "vars/deploy.groovy").steps()]
    assert runs == ["deploy ${c.env}", "dir"]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("Jenkinsfile", FileKind.JENKINSFILE),
        ("ci/Jenkinsfile.release", FileKind.JENKINSFILE),
        ("deploy.jenkinsfile", FileKind.JENKINSFILE),
        ("jenkins/release.groovy", FileKind.JENKINSFILE),
        (".jenkins/nightly.groovy", FileKind.JENKINSFILE),
        ("vars/deployApp.groovy", FileKind.JENKINSFILE),
        ("src/main/groovy/App.groovy", FileKind.TEXT),
        ("src/main/groovy/jenkins/model/View.groovy", FileKind.TEXT),
        # A library's `vars/` and `.jenkins/` anywhere (scanned from above, a monorepo part),
        # flat `vars/` only; `jenkins/` at the root only.
        ("lib/vars/helper.groovy", FileKind.JENKINSFILE),
        ("services/x/vars/deploy.groovy", FileKind.JENKINSFILE),
        ("repo/.jenkins/nightly.groovy", FileKind.JENKINSFILE),
        ("vars/deep/helper.groovy", FileKind.TEXT),
        ("core/src/main/resources/jenkins/install/Setup.groovy", FileKind.TEXT),
    ],
)
def test_groovy_files_jenkins_reads(path: str, kind: FileKind) -> None:
    assert classify(path) is kind


# -- JNK-001 on what triage found: one finding per wrapper, the id shown, graded sessions --

TWO_STRINGS = """\
node {
  withCredentials([string(credentialsId: 'k', variable: 'AWS_ACCESS_KEY_ID'),
                   string(credentialsId: 's', variable: 'AWS_SECRET_ACCESS_KEY'),
                   string(credentialsId: 'slack', variable: 'SLACK_TOKEN')]) {
    sh 'aws s3 ls'
  }
  withCredentials([string(credentialsId: 'k2', variable: 'AWS_ACCESS_KEY_ID')]) {
    sh 'aws s3 ls'
  }
}
"""


def _jnk001(code: str, path: str = "Jenkinsfile") -> list[object]:
    from outlive_rules.jenkins.jnk001_static_aws_credentials import JenkinsStaticAwsCredentials

    from scanner.testing import run_rule

    return list(run_rule(JenkinsStaticAwsCredentials, code, path))


def test_bindings_of_one_wrapper_are_grouped() -> None:
    steps = load(TWO_STRINGS).jobs[0].steps
    first, second, slack, other = (s for s in steps if s.uses and "withCredentials" in s.uses)
    assert jenkins.bindings(first) == (first, second, slack)
    assert jenkins.bindings(slack) == (first, second, slack)
    assert jenkins.bindings(other) == (other,)
    assert jenkins.bindings(steps[-1]) == ()  # the sh step


def test_a_key_pair_of_string_bindings_is_one_finding() -> None:
    from scanner.findings import Finding

    found = [f for f in _jnk001(TWO_STRINGS) if isinstance(f, Finding)]
    assert [f.location.line for f in found] == [2, 7]
    pair = found[0]
    assert "`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`" in pair.message
    assert "credentials 'k', 's'" in pair.message
    assert [(r.location.line, r.message) for r in pair.related] == [
        (3, "`AWS_SECRET_ACCESS_KEY` is bound here too")
    ]
    assert "'k2'" in found[1].message
    assert not found[1].related


@pytest.mark.parametrize(
    ("argument", "shown"),
    [
        ("'awsCredentials'", "(credential 'awsCredentials')"),
        ("credentialsId", "(credential 'awsCredentials' from `credentialsId`)"),
        ('"${credentialsId}"', "(credential 'awsCredentials' from `${credentialsId}`)"),
        ("config.awsId", "(credential id from `config.awsId`)"),
    ],
)
def test_the_message_shows_the_credential_id_not_the_argument(argument: str, shown: str) -> None:
    from scanner.findings import Finding

    code = (
        "def call(Map config = [:], String credentialsId = 'awsCredentials') {\n"
        "  withCredentials([[$class: 'AmazonWebServicesCredentialsBinding',\n"
        f"                    credentialsId: {argument}]]) {{\n"
        "    sh 'aws s3 ls'\n"
        "  }\n"
        f"  withAWS(credentials: {argument}) {{ sh 'aws s3 ls' }}\n"
        "}\n"
    )
    found = [f for f in _jnk001(code, "vars/deploy.groovy") if isinstance(f, Finding)]
    assert len(found) == 2
    for finding in found:
        assert shown in finding.message
        assert "`credentialsId` from" not in finding.message


@pytest.mark.parametrize(
    ("duration", "severity"), [(3600, None), (3601, "low"), (14400, "low"), (14401, "medium")]
)
def test_with_aws_sessions_are_graded_like_every_other_session(
    duration: int, severity: str | None
) -> None:
    from scanner.findings import Finding

    code = f"node {{\n  withAWS(role: 'deploy', duration: {duration}) {{ sh 'make' }}\n}}\n"
    found = [f for f in _jnk001(code) if isinstance(f, Finding)]
    assert [f.severity.value for f in found] == ([severity] if severity else [])
