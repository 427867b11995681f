"""Pulumi and CDK programs in Python as IaC resources: the loader, the gate, the rules."""

from __future__ import annotations

import time

import pytest
from outlive_rules.iac.iac001_aws_access_key_resource import AwsAccessKeyResource
from outlive_rules.iac.iac002_role_session_duration import RoleSessionDuration
from outlive_rules.iac.iac009_stored_secret_without_rotation import StoredSecretWithoutRotation
from outlive_rules.iac.iac010_hardcoded_credential_literal import HardcodedCredentialLiteral

from scanner.documents import Documents, Source
from scanner.documents.iac import FrontEnd, Origin, load_python
from scanner.documents.python import PythonDocument
from scanner.filekinds import FileKind, classify
from scanner.findings import ScanError
from scanner.testing import run_rule


def _resources(code: str) -> list[tuple[str, str | None, str, dict[str, str | None]]]:
    doc = PythonDocument("infra/__main__.py", code)
    return [(r.front_end.value, r.type, r.name, {k: a.text for k, a in r.attrs.items()})
            for r in load_python(doc)]


@pytest.mark.parametrize(
    "code",
    [
        'import pulumi_aws as aws\naws.iam.AccessKey("k", user="ci")\n',
        'from pulumi_aws import iam\niam.AccessKey("k", user="ci")\n',
        'from pulumi_aws.iam import AccessKey\nAccessKey("k", user="ci")\n',
        'import pulumi_aws\npulumi_aws.iam.AccessKey("k", user="ci")\n',
        'import pulumi_aws as aws\naws.iam.AccessKey("k", aws.iam.AccessKeyArgs(user="ci"))\n',
        'import pulumi_aws as aws\nU = "ci"\naws.iam.AccessKey(resource_name="k", args='
        "aws.iam.AccessKeyArgs(user=U))\n",
    ],
)
def test_pulumi_aliases_and_args(code: str) -> None:
    assert _resources(code) == [("pulumi", "aws.iam.access_key", "k", {"user": "ci"})]


def test_cdk_constructs_durations_and_enums() -> None:
    found = _resources(
        "from aws_cdk import Duration, aws_iam as iam\n"
        'iam.AccessKey(self, "K", user=u, status=iam.AccessKeyStatus.INACTIVE)\n'
        'iam.CfnAccessKey(self, "L1", user_name="bob")\n'
        'iam.Role(self, "R", assumed_by=p, max_session_duration=Duration.hours(12))\n'
        'iam.Role(self, "M", assumed_by=p, max_session_duration=Duration.minutes(n))\n'
    )
    assert found == [
        ("cdk", "aws.iam.access_key", "K", {"user": None, "status": "INACTIVE"}),
        ("cdk", "aws.iam.access_key", "L1", {"user_name": "bob", "user": "bob"}),
        ("cdk", "aws.iam.role", "R", {"assumed_by": None, "max_session_duration": "43200"}),
        ("cdk", "aws.iam.role", "M", {"assumed_by": None, "max_session_duration": None}),
    ]


def test_cdk_l1_properties_read_by_canonical_names() -> None:
    code = ("from aws_cdk import aws_iam as iam\n"
            'iam.CfnAccessKey(self, "K", user_name="root")\n')
    (finding,) = run_rule(AwsAccessKeyResource, code, "stack.py")
    assert finding.severity.value == "critical"


def test_other_libraries_and_text_are_not_resources() -> None:
    assert _resources(
        "from mylib.iam import AccessKey\nimport pulumi_aws as aws\n"
        'AccessKey("k", user="root")\n'
        '# aws.iam.AccessKey("old", user="ci")\n'
        'doc = "aws.iam.AccessKey(...) is not allowed"\n'
        'aws.iam.User("ci")\n'
    ) == []


def test_references_between_resources() -> None:
    doc = PythonDocument(
        "stack.py",
        "from aws_cdk import aws_secretsmanager as sm\nimport pulumi_aws as aws\n"
        'a = aws.secretsmanager.Secret("a")\n'
        'aws.secretsmanager.SecretRotation("r", secret_id=a.id)\n'
        "class Stack:\n    def __init__(self):\n"
        '        self.s = sm.Secret(self, "S")\n'
        '        self.s.add_rotation_schedule("R")\n',
    )
    resources = load_python(doc)
    rotations = [r for r in resources if r.type == "aws.secretsmanager.rotation"]
    assert [(r.front_end, r.name) for r in rotations] == [(FrontEnd.PULUMI, "r"),
                                                           (FrontEnd.CDK, "")]
    origins = [(r.attr("secret_id") or r.attr("secret")) for r in rotations]
    assert [(o.origin.origin, o.origin.text) for o in origins if o and o.origin] == [
        (Origin.RESOURCE, "a"), (Origin.RESOURCE, "S")]


def _docs(path: str, text: str) -> tuple[Documents, list[ScanError]]:
    errors: list[ScanError] = []
    return Documents(Source(path, text, classify(path, text.encode()[:512]), time.time()),
                     errors), errors


def test_iac_document_gate_never_parses_other_python() -> None:
    docs, _ = _docs("app/main.py", "import boto3\nclient = boto3.client('iam')\n")
    assert docs.get("iac") is None
    assert "python" not in docs._built  # the text check kept LibCST away
    docs, _ = _docs("infra/__main__.py", "import pulumi_aws as aws\n")
    built = docs.get("iac")
    assert built is not None
    assert isinstance(built.doc, PythonDocument)


def test_broken_program_is_a_scan_error_not_a_crash() -> None:
    docs, errors = _docs("infra/__main__.py", "import pulumi_aws as aws\naws.iam.AccessKey(\n")
    assert docs.get("iac") is None
    assert errors
    assert "could not parse Python" in errors[0].message


def test_rules_fire_on_programs_with_positions() -> None:
    code = ("import pulumi_aws as aws\n\n"
            "key = aws.iam.AccessKey(\n"
            '    "ci", user="root")\n'
            'role = aws.iam.Role("r", assume_role_policy=doc,\n'
            "                    max_session_duration=43200)\n")
    (key,) = run_rule(AwsAccessKeyResource, code, "infra/__main__.py")
    assert (key.location.line, key.location.column, key.severity.value) == (3, 7, "critical")
    (role,) = run_rule(RoleSessionDuration, code, "infra/__main__.py")
    assert (role.location.line, role.location.column) == (6, 21)


def test_database_rotation_quiets_unrotated_secrets() -> None:
    code = ("from aws_cdk import aws_secretsmanager as sm\n"
            'creds = sm.Secret(self, "Db")\n')
    assert len(run_rule(StoredSecretWithoutRotation, code, "stack.py")) == 1
    assert run_rule(StoredSecretWithoutRotation, code + "db.add_rotation_single_user()\n",
                    "stack.py") == ()


def test_pulumi_config_kind_and_secure_values() -> None:
    assert classify("Pulumi.prod.yaml") is FileKind.PULUMI
    assert classify("infra/Pulumi.yaml") is FileKind.PULUMI
    assert classify("infra/pulumi/values.yaml") is not FileKind.PULUMI
    secure = "config:\n  app:dbPassword:\n    secure: v1:AAABBBCCCDDDEEEFFFGGGHHH\n"
    assert run_rule(HardcodedCredentialLiteral, secure, "Pulumi.prod.yaml") == ()
    literal = "config:\n  app:dbPassword: " + "tR7vQ2mLp9" + "xZ4wNk8sJd\n"
    (finding,) = run_rule(HardcodedCredentialLiteral, literal, "Pulumi.prod.yaml")
    assert finding.location.line == 2
