"""LLC-JNK-001: a Jenkinsfile reaching AWS with static IAM-user keys."""

from __future__ import annotations

import re

from scanner.api import (
    BASE32_UPPER,
    BASE64,
    Category,
    CiRule,
    Entry,
    FileKind,
    Invalid,
    Job,
    Lifetime,
    Pipeline,
    Precision,
    RuleMeta,
    Severity,
    Step,
    Valid,
    ValueKind,
    credentials,
    fake_token,
    jenkins_bindings,
    parse_duration,
    session_severity,
)

_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=111)
_SECRET = fake_token("", 40, BASE64, seed=112)
_LONG_TERM_KEY = re.compile(r"\AAKIA[A-Z2-7]{16}\Z")
_AWS_KIND = "aws-access-key"
#: ``withCredentials`` bindings that hand out an AWS access key pair: the AWS Credentials
#: plugin's ``$class`` and its symbol.
_AWS_BINDINGS = (
    "withcredentials/amazonwebservicescredentialsbinding",
    "withcredentials/aws",
)
_IDENT = re.compile(r"\A[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?\Z")
#: A GString that is one interpolation and nothing else: ``"${name}"``, ``"$name"``.
_INTERPOLATION = re.compile(r"\A(?:\$\{\s*([\w.]+)\s*\}|\$([\w.]+))\Z")

_ROLE = """\
pipeline {
  agent { label 'aws-instance-profile' }
  stages {
    stage('Deploy') {
      steps {
        withAWS(role: 'deploy', roleAccount: '123456789012', duration: 900, region: 'eu-west-1') {
          sh 'terraform apply -auto-approve'
        }
      }
    }
  }
}
"""


class JenkinsStaticAwsCredentials(CiRule):
    """## What it does
    Flags a Jenkinsfile (or a pipeline `.groovy` file) that reaches AWS with an IAM user's
    access keys: a literal key in `environment {}` or `withEnv([...])` (critical); and, at
    medium, a key from the Jenkins credential store handed to the build:
    `withAWS(credentials: '<id>')` (Pipeline: AWS Steps), the AWS Credentials plugin's
    bindings `withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', ...]])` and
    `withCredentials([aws(...)])`, any other binding whose variable is `AWS_ACCESS_KEY_ID` or
    `AWS_SECRET_ACCESS_KEY`, and `environment { AWS_SECRET_ACCESS_KEY = credentials('id') }`.
    It fires even when a role is assumed too, since that only chains a role from a static key.
    A `withCredentials` call is reported once, at its first AWS binding, with the others (the
    secret half of a pair of `string` bindings) as related locations. A separate finding
    notes a `withAWS` `duration` above the `role_session_max_seconds` threshold (default one
    hour): low, medium above four times the threshold.

    `withAWS(role: ..., roleAccount: ...)` without `credentials`, `withAWS(region: ...)` and
    `withAWS(profile: ...)` are quiet: they use the agent's own identity (an instance profile,
    IRSA or Pod Identity role), which the file cannot see. So are placeholders (`test`,
    `dummy`, the AWS documentation keys), commented-out code, and other credentials.

    ## Why is this bad?
    An IAM user's access key never expires: stored in Jenkins, it is shared by every job
    that may read the credential, keeps working after the build ends, and is exfiltrated by
    any step that can print its environment; written in the Jenkinsfile, anyone with the
    repository has it. Jenkins has no built-in OIDC token, but an agent that runs with a
    cloud identity gets short-lived credentials from the platform, and `withAWS(role:)`
    narrows them per stage (OWASP NHI6 Insecure Cloud Deployment Configurations, NHI7
    Long-Lived Secrets).

    ## Example
    ```groovy
    stage('Deploy') {
      steps {
        withAWS(credentials: 'prod-deployer-keys', region: 'eu-west-1') {
          sh 'terraform apply -auto-approve'
        }
      }
    }
    ```

    Use instead:
    ```groovy
    // The agent runs with an instance profile (or IRSA / EKS Pod Identity role) that may
    // assume the deploy role; no key is stored anywhere.
    stage('Deploy') {
      steps {
        withAWS(role: 'deploy', roleAccount: '123456789012', duration: 900, region: 'eu-west-1') {
          sh 'terraform apply -auto-approve'
        }
      }
    }
    ```

    ## References
    - Pipeline: AWS Steps, `withAWS` (`credentials`, `role`, `roleAccount`, `duration`
      in seconds, default 3600; `useNode`): https://github.com/jenkinsci/pipeline-aws-plugin
    - AWS Credentials plugin, `AmazonWebServicesCredentialsBinding` (binds
      `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` by default):
      https://plugins.jenkins.io/aws-credentials
    - AWS, IAM roles for EC2 instead of long-term keys:
      https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html
    """

    META = RuleMeta(
        id="LLC-JNK-001",
        name="static-aws-credentials",
        summary="Jenkinsfile reaching AWS with static IAM-user keys",
        category=Category.CI_STATIC_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI6", "NHI7"),
        fix="Run the agents with an instance profile, IRSA or EKS Pod Identity role, assume a "
        "task role per stage with `withAWS(role: ..., roleAccount: ...)`, and delete the IAM "
        "user key from Jenkins.",
        kinds=frozenset({FileKind.JENKINSFILE}),
        triggers=("aws", "akia"),
    )

    VALID = [
        # Role-based withAWS on an agent with an instance profile, with a short session.
        Valid(_ROLE),
        # The agent's own identity (scripted pipeline): region and profile only.
        Valid(
            "node('ec2-fleet') {\n"
            "  stage('Sync') {\n"
            "    withAWS(region: 'us-east-1') {\n"
            "      sh 'aws s3 sync dist/ s3://site-bucket/'\n"
            "    }\n"
            "    withAWS(profile: 'deploy', useNode: true) { sh 'aws sts get-caller-identity' }\n"
            "  }\n"
            "}\n"
        ),
        # Commented-out keys and wrappers, with `//` and `/* */`.
        Valid(
            "pipeline {\n  agent any\n  environment {\n"
            f"    // AWS_ACCESS_KEY_ID = '{_KEY_ID}'\n"
            "    AWS_DEFAULT_REGION = 'eu-west-1'\n  }\n"
            "  stages {\n    stage('Deploy') {\n      steps {\n"
            "        /* withAWS(credentials: 'old-deployer-keys') {\n"
            "             sh 'terraform apply'\n           } */\n"
            "        withAWS(role: 'deploy') { sh 'terraform apply' }\n"
            "      }\n    }\n  }\n}\n"
        ),
        # Dummy keys for an emulator (localstack), and other bindings than AWS keys.
        Valid(
            "pipeline {\n  agent any\n  environment {\n"
            "    AWS_ACCESS_KEY_ID = 'test'\n    AWS_SECRET_ACCESS_KEY = 'test'\n"
            "    AWS_ENDPOINT_URL = 'http://localstack:4566'\n  }\n"
            "  stages {\n    stage('Test') {\n      steps {\n"
            "        withCredentials([string(credentialsId: 'sonar-token', variable: 'TOKEN')]) {\n"
            "          sh 'aws --endpoint-url $AWS_ENDPOINT_URL s3 mb s3://test'\n"
            "        }\n      }\n    }\n  }\n}\n"
        ),
        # Stored credentials that are not AWS keys.
        Valid(
            "pipeline {\n  agent any\n  environment {\n    NPM_TOKEN = credentials('npm')\n"
            "    AWS_REGION = 'eu-west-1'\n  }\n"
            "  stages {\n    stage('Publish') {\n      steps { sh 'npm publish' }\n    }\n  }\n}\n"
        ),
        # A session of exactly the threshold is fine.
        Valid(_ROLE.replace("duration: 900", "duration: 3600")),
    ]
    INVALID = [
        Invalid(
            "pipeline {\n  agent any\n  environment {\n"
            f"    AWS_ACCESS_KEY_ID = '{_KEY_ID}'  // expect: LLC-JNK-001\n"
            f"    AWS_SECRET_ACCESS_KEY = '{_SECRET}'  // expect: LLC-JNK-001\n"
            "  }\n"
            "  stages {\n    stage('Deploy') {\n      steps { sh 'aws s3 ls' }\n    }\n  }\n}\n"
        ),
        Invalid(
            "pipeline {\n  agent any\n  stages {\n    stage('Deploy') {\n      steps {\n"
            "        withAWS(credentials: 'prod-keys', region: 'eu-west-1') {"
            "  // expect: LLC-JNK-001\n"
            "          sh 'terraform apply -auto-approve'\n"
            "        }\n      }\n    }\n  }\n}\n"
        ),
        # Scripted pipeline: both spellings of the AWS Credentials binding.
        Invalid(
            "node {\n"
            "  stage('Publish') {\n"
            "    withCredentials([[$class: 'AmazonWebServicesCredentialsBinding',"
            "  // expect: LLC-JNK-001\n"
            "                      credentialsId: 'aws-publisher']]) {\n"
            "      sh 'aws s3 cp build.zip s3://artifacts/'\n"
            "    }\n"
            "    withCredentials([aws(credentialsId: 'aws-other', accessKeyVariable: 'AK',"
            "  // expect: LLC-JNK-001\n"
            "                         secretKeyVariable: 'SK')]) {\n"
            "      sh 'deploy.sh'\n"
            "    }\n"
            "  }\n"
            "}\n"
        ),
        # Stored keys bound to the AWS names, in `environment {}` and by a plain binding.
        Invalid(
            "pipeline {\n  agent any\n  environment {\n"
            "    AWS_ACCESS_KEY_ID = credentials('aws-key-id')  // expect: LLC-JNK-001\n"
            "    AWS_SECRET_ACCESS_KEY = credentials('aws-secret')\n  }\n"
            "  stages {\n    stage('Deploy') {\n      steps {\n"
            "        withCredentials([string(credentialsId: 'aws-secret-2',\n"
            "                                variable: 'AWS_SECRET_ACCESS_KEY')]) {"
            "  // expect: LLC-JNK-001\n"
            "          sh 'aws s3 ls'\n        }\n      }\n    }\n  }\n}\n"
        ),
        # A key pair bound as two plain strings: one finding for the wrapper, not one a half.
        Invalid(
            "node {\n"
            "  withCredentials([string(credentialsId: 'ci-key-id', variable: 'AWS_ACCESS_KEY_ID'),"
            "  // expect: LLC-JNK-001\n"
            "                   string(credentialsId: 'ci-secret', "
            "variable: 'AWS_SECRET_ACCESS_KEY')]) {\n"
            "    sh 'aws s3 sync dist/ s3://site/'\n"
            "  }\n"
            "}\n"
        ),
        # A shared library step whose credential id is a parameter with a default.
        Invalid(
            "def call(String credentialsId = 'awsCredentials') {\n"
            "  withCredentials([[$class: 'AmazonWebServicesCredentialsBinding',"
            "  // expect: LLC-JNK-001\n"
            "                    credentialsId: credentialsId]]) {\n"
            "    sh 'aws ecr get-login-password | docker login --password-stdin $REGISTRY'\n"
            "  }\n"
            "}\n",
            path="vars/ecrLogin.groovy",
        ),
        # Role chaining from a stored key, a twelve-hour session, and a literal key in withEnv.
        Invalid(
            "node {\n"
            "  withAWS(credentials: 'keys', role: 'admin', roleAccount: '123456789012',"
            "  // expect: LLC-JNK-001\n"
            "          duration: 43200) {  // expect: LLC-JNK-001\n"
            "    sh 'aws s3 ls'\n"
            "  }\n"
            f"  withEnv(['AWS_SECRET_ACCESS_KEY={_SECRET}']) {{  // expect: LLC-JNK-001\n"
            "    sh 'make deploy'\n"
            "  }\n"
            "}\n"
        ),
    ]

    def check_pipeline(self, pipeline: Pipeline) -> None:
        self._seen: set[int] = set()
        self._environment(list(pipeline.env.values()))

    def check_job(self, job: Job) -> None:
        self._environment(list(job.env.values()))

    def check_step(self, step: Step) -> None:
        self._literal_keys(list(step.env.values()))  # `withEnv([...])`
        action = step.action()
        if action == "withaws":
            self._with_aws(step)
        elif action is not None and action.startswith("withcredentials/"):
            self._bindings(step)

    def _environment(self, entries: list[Entry]) -> None:
        """An ``environment {}`` block: literal keys, and stored ones bound to AWS names."""
        self._literal_keys(entries)
        stored = [
            e
            for e in entries
            if e.kind is ValueKind.SECRET and id(e) not in self._seen and _is_aws_name(e.key)
        ]
        self._seen.update(id(e) for e in stored)
        if not stored:
            return
        first = stored[0]
        self.report(
            first.key_node,
            f"`{first.key} = credentials(...)` puts an IAM user's access key from the Jenkins "
            "credential store into the environment: a key that never expires.",
            lifetime=Lifetime.static(),
            related=[(e.key_node, f"`{e.key}` is bound here too") for e in stored[1:]],
            fix=_fix()[0].upper() + _fix()[1:] + ", instead of storing the key in Jenkins.",
        )

    def _literal_keys(self, entries: list[Entry]) -> None:
        for entry in entries:
            if entry.kind is not ValueKind.LITERAL or id(entry) in self._seen:
                continue  # the same entry is seen from each nested stage and wrapped step
            value = entry.value
            if not value or self.context.is_placeholder(value):
                continue
            if not (_is_aws_name(entry.key) or _LONG_TERM_KEY.match(value)):
                continue
            self._seen.add(id(entry))
            self.report(
                entry.key_node,
                f"`{entry.key}` is a literal AWS access key in the Jenkinsfile: a long-term "
                "credential readable by anyone with the repository.",
                lifetime=Lifetime.static(),
                value=value,
                severity=Severity.CRITICAL,
                fix="Revoke the key, then " + _fix() + ".",
            )

    def _bindings(self, step: Step) -> None:
        """One finding per ``withCredentials`` call, at its first binding of an AWS key; its
        other AWS bindings (the secret half of a pair of ``string`` bindings) are related."""
        group = jenkins_bindings(step) or (step,)
        found = [(s, hit) for s in group if (hit := _aws_binding(s)) is not None]
        if not found or found[0][0] is not step:
            return
        (_, (node, name)), rest = found[0], found[1:]
        ids = list(dict.fromkeys(i for s, _ in found if (i := _credential_id(s)) is not None))
        stored = f" ({_credentials(ids)})" if ids else ""
        if name is None:
            what = "the AWS access key pair"
        else:
            names = [n for _, (_, n) in found if n is not None]
            what = " and ".join(f"`{n}`" for n in dict.fromkeys(names))
        self.report(
            node,
            f"`withCredentials` binds {what} from the Jenkins credential store{stored}: an IAM "
            "user's access key that never expires.",
            lifetime=Lifetime.static(),
            related=[
                (n, f"`{label}` is bound here too" if label else "another AWS key binding")
                for _, (n, label) in rest
            ],
            fix=_fix()[0].upper() + _fix()[1:] + ", instead of binding a stored key.",
        )

    def _with_aws(self, step: Step) -> None:
        entry = step.with_.get("credentials")
        if entry is not None and entry.value != "":
            chained = (
                " (with `role`: role chaining from a static key)" if "role" in step.with_ else ""
            )
            ident = _shown_id(step, entry)
            named = f" ({_credentials([ident])})" if ident is not None else ""
            self.report(
                entry.key_node,
                f"`withAWS(credentials: ...)` authenticates with an IAM user's access key from "
                f"the Jenkins credential store{named}{chained}: a key that never expires.",
                lifetime=Lifetime.static(),
                fix=_fix()[0].upper() + _fix()[1:] + ", without `credentials`.",
            )
        self._long_session(step)

    def _long_session(self, step: Step) -> None:
        entry = step.with_.get("duration")
        if entry is None or entry.kind is not ValueKind.LITERAL or entry.value is None:
            return
        seconds = parse_duration(entry.value)
        limit = self.context.thresholds.role_session_max_seconds
        severity = session_severity(seconds, limit) if seconds is not None else None
        if seconds is None or severity is None:
            return
        self.report(
            entry.key_node,
            f"`withAWS` asks for a {seconds}-second session, above the {limit}-second "
            "threshold: the credentials outlive most builds.",
            lifetime=Lifetime.seconds(seconds),
            severity=severity,
            fix="Lower `duration` to the stage's real length (the default is 3600 seconds).",
        )


def _aws_binding(step: Step) -> tuple[object, str | None] | None:
    """Where a binding hands out an AWS key, and the variable it names (None for the AWS
    Credentials plugin's pair bindings); None for a binding of anything else."""
    if step.action() in _AWS_BINDINGS:
        return (step.uses_node if step.uses_node is not None else step.node), None
    for key, entry in step.with_.items():
        if key == "variable" or key.endswith("Variable"):
            name = entry.value
            if entry.kind is ValueKind.LITERAL and name and _is_aws_name(name):
                return entry.value_node, name
    return None


def _credential_id(step: Step) -> str | None:
    entry = step.with_.get("credentialsId", step.with_.get("0"))  # `aws('id')` too
    return _shown_id(step, entry) if entry is not None else None


def _shown_id(step: Step, entry: Entry) -> str | None:
    """The credential id as the message shows it: ``'id'`` when written out; a variable's
    single constant (a shared library's ``String credentialsId = 'aws'`` parameter default, a
    ``def id = 'aws'``) as ``'aws' from `credentialsId` ``; else the expression it comes from
    (never the expression as if it were the id)."""
    value = entry.value
    if not value:
        return None
    if entry.kind is ValueKind.LITERAL:
        return f"'{value}'"
    whole = _INTERPOLATION.match(value)
    variable = whole.group(1) or whole.group(2) if whole is not None else value
    if _IDENT.match(variable):
        name = re.escape(variable.rsplit(".", 1)[-1])
        constants = set(
            re.findall(
                rf"(?<![\w.]){name}\s*(?:=|\?:)\s*(?:[\w.]+\s*\?:\s*)?['\"]([\w.@/:-]+)['\"]",
                step.job.pipeline.doc.text,
            )
        )
        if len(constants) == 1:
            return f"'{constants.pop()}' from `{value}`"
    return f"id from `{value}`"


def _credentials(ids: list[str]) -> str:
    """``credential 'a'``, ``credentials 'a', 'b'``."""
    return ("credential " if len(ids) == 1 else "credentials ") + ", ".join(ids)


def _is_aws_name(name: str) -> bool:
    kind = credentials.for_env(name)
    return kind is not None and kind.id == _AWS_KIND


def _fix() -> str:
    return credentials.by_id(_AWS_KIND).fix("jenkins")
