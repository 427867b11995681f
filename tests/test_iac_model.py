"""The IaC model: loaders per front end, literal/reference classification, canonical types."""

from __future__ import annotations

import ast
from pathlib import Path

from scanner.api import FrontEnd, IacRule, Resource, RuleContext
from scanner.documents import iac
from scanner.documents.hcl import HclDocument
from scanner.documents.iac import TYPES, load_hcl, load_yaml
from scanner.documents.iac.types import by_native, canonical, native_attribute
from scanner.documents.yaml import YamlDocument

HCL = """\
resource "aws_iam_access_key" "ci" {
  user    = aws_iam_user.ci.name
  status  = "Active"
  pgp_key = "keybase:${var.who}"
  count   = 2
  enabled = true
  tags    = { team = "infra" }
  script  = <<EOT
plain
EOT
}
resource "aws_unknown_thing" "x" {}
data "aws_iam_access_keys" "d" { user = "ci" }
provider "aws" { region = "eu-west-1" }
"""

CFN = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  CiKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref CiUser
      Status: Active
      Serial: {"Fn::GetAtt": [User, Serial]}
  Other:
    Type: Custom::Thing
  NoType: {}
"""

TFJSON = (
    '{"resource": {"aws_iam_access_key": {"bot": '
    '{"user": "${aws_iam_user.b.name}", "status": "Active"}}}}'
)

ANSIBLE = """\
- hosts: localhost
  tasks:
    - name: key for ci
      amazon.aws.iam_access_key:
        user_name: ci
        state: "{{ key_state }}"
    - block:
        - iam_access_key: user_name=legacy
    - ansible.builtin.debug: {msg: hi}
"""


def test_terraform_loader_reads_managed_resources_with_value_classes() -> None:
    doc = HclDocument("main.tf", HCL)
    resources = load_hcl(doc)
    assert [(r.native_type, r.name, r.type) for r in resources] == [
        ("aws_iam_access_key", "ci", "aws.iam.access_key"),
        ("aws_unknown_thing", "x", None),
    ]
    key = resources[0]
    assert key.front_end is FrontEnd.TERRAFORM
    assert key.node is doc.blocks[0].node
    attrs = key.attrs
    assert attrs["user"].reference
    assert attrs["user"].literal is None
    assert attrs["status"].literal == "Active"
    assert not attrs["status"].reference
    assert attrs["pgp_key"].reference
    assert attrs["pgp_key"].text is None
    assert attrs["count"].literal == "2"
    assert attrs["enabled"].literal == "true"
    assert not attrs["tags"].reference
    assert attrs["tags"].text is None
    assert not attrs["script"].reference  # a heredoc without interpolation is constant
    assert doc.locate(attrs["status"].node).line == 3


def test_terraform_load_is_shared_per_document() -> None:
    doc = HclDocument("main.tf", HCL)
    assert load_hcl(doc) is load_hcl(doc)


def test_cloudformation_loader_keeps_intrinsics_as_references() -> None:
    doc = YamlDocument("stack.yaml", CFN)
    resources = load_yaml(doc)
    assert [(r.name, r.type) for r in resources] == [
        ("CiKey", "aws.iam.access_key"),
        ("Other", None),
    ]
    key = resources[0]
    assert key.front_end is FrontEnd.CLOUDFORMATION
    assert doc.locate(key.node).line == 3  # the logical id
    user = key.attr("user")  # the canonical name of CloudFormation's UserName
    assert user is not None
    assert user.name == "UserName"
    assert user.reference
    status = key.attr("status")
    assert status is not None
    assert status.literal == "Active"
    assert key.attrs["Serial"].reference


def test_cloudformation_json_long_form_reference() -> None:
    doc = YamlDocument(
        "stack.json",
        '{"Resources": {"K": {"Type": "AWS::IAM::AccessKey",'
        ' "Properties": {"UserName": {"Ref": "U"}, "Path": {"Other": 1}}}}}',
    )
    (key,) = load_yaml(doc)
    assert key.attrs["UserName"].reference
    assert not key.attrs["Path"].reference


def test_terraform_json_loader() -> None:
    doc = YamlDocument("keys.tf.json", TFJSON)
    (key,) = load_yaml(doc)
    assert (key.front_end, key.type, key.name) == (
        FrontEnd.TERRAFORM_JSON,
        "aws.iam.access_key",
        "bot",
    )
    user, status = key.attr("user"), key.attr("status")
    assert user is not None
    assert user.reference
    assert user.literal is None
    assert status is not None
    assert status.literal == "Active"


def test_ansible_loader_finds_known_modules_anywhere() -> None:
    doc = YamlDocument("playbooks/ci.yml", ANSIBLE)
    resources = load_yaml(doc)
    assert [(r.native_type, r.name, r.front_end) for r in resources] == [
        ("amazon.aws.iam_access_key", "key for ci", FrontEnd.ANSIBLE),
        ("iam_access_key", "", FrontEnd.ANSIBLE),
    ]
    first, legacy = resources
    user = first.attr("user")  # the canonical name of the module's user_name
    assert user is not None
    assert user.literal == "ci"
    state = first.attr("state")
    assert state is not None
    assert state.reference
    assert state.text == "{{ key_state }}"
    assert legacy.attrs == {}  # free-form arguments


def test_types_table_names_each_native_type_once_per_front_end() -> None:
    seen: dict[tuple[str, str], str] = {}
    for row in TYPES:
        assert "." in row.canonical, row.canonical
        for front_end, names in row.natives.items():
            for name in names:
                assert (front_end, name) not in seen, (front_end, name)
                seen[(front_end, name)] = row.canonical
        for renames in row.attributes.values():
            assert set(renames) <= set(row.natives), row.canonical
    assert len({row.canonical for row in TYPES}) == len(TYPES)
    assert canonical("terraform-json", "aws_iam_access_key") == "aws.iam.access_key"
    assert "AWS::IAM::AccessKey" in by_native("cloudformation")
    assert native_attribute("aws.iam.access_key", "terraform", "user") == "user"
    assert native_attribute(None, "cloudformation", "user") == "user"


class _Collect(IacRule):
    RESOURCE_TYPES = frozenset({"aws.iam.access_key"})

    def __init__(self) -> None:
        super().__init__(RuleContext())
        self.seen: list[Resource] = []

    def check_resource(self, resource: Resource) -> None:
        self.seen.append(resource)


def test_adapters_hand_on_only_the_wanted_types() -> None:
    rule = _Collect()
    rule.check_hcl(HclDocument("main.tf", HCL))
    rule.check_yaml(YamlDocument("stack.yaml", CFN))
    rule.check_yaml(YamlDocument("keys.tf.json", TFJSON))
    rule.check_yaml(YamlDocument("playbooks/ci.yml", ANSIBLE))
    assert [r.front_end for r in rule.seen] == [
        FrontEnd.TERRAFORM,
        FrontEnd.CLOUDFORMATION,
        FrontEnd.TERRAFORM_JSON,
        FrontEnd.ANSIBLE,
        FrontEnd.ANSIBLE,
    ]


def test_a_rule_without_resource_types_loads_nothing() -> None:
    class Bare(IacRule):
        pass

    doc = HclDocument("main.tf", HCL)
    Bare(RuleContext()).check_hcl(doc)
    assert doc not in iac._HCL


def test_iac_documents_import_no_higher_floor() -> None:
    root = Path(__file__).resolve().parents[1] / "scanner" / "documents" / "iac"
    banned = ("scanner.api", "scanner.engine", "scanner.registry", "rules", "outlive_rules")
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(banned), (path.name, name)
