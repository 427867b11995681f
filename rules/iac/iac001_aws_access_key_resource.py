"""LLC-IAC-001: a long-term AWS access key declared in infrastructure code."""

from __future__ import annotations

import re

from scanner.api import (
    Attr,
    Category,
    FileKind,
    FrontEnd,
    HclDocument,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    Resource,
    RuleMeta,
    Severity,
    Valid,
)
from scanner.api.iac_crossfile import (
    ModuleCredential,
    fed_by,
    key_inputs,
    local_module,
    module_value,
    on_by_default,
    related,
    where,
)

#: Module inputs that make an IAM user module mint an access key (terraform-aws-modules/iam
#: ``iam-user``: ``create_iam_access_key``; other user modules: ``create_access_key``).
_MODULE_INPUTS = ("create_iam_access_key", "create_access_key")
#: Module sources whose key input defaults to true (terraform-aws-modules/iam ``iam-user``,
#: ``create_iam_access_key`` before v6 and ``create_access_key`` since, both ``default =
#: true``): a call that leaves the input out mints a key too.
_KEY_BY_DEFAULT = re.compile(
    r"^(?:registry\.terraform\.io/)?terraform-aws-modules/iam/aws//modules/iam-user$"
    r"|terraform-aws-modules/terraform-aws-iam(?:\.git)?//modules/iam-user(?:\?|$)"
)

_MESSAGE = (
    "Infrastructure code creates a long-term IAM access key{who}: a standing credential that "
    "never expires and lives on in state and outputs{extra}."
)


class AwsAccessKeyResource(IacRule):
    """## What it does
    Flags every declared long-term AWS access key: Terraform `resource "aws_iam_access_key"`
    (in `.tf` and `.tf.json`), CloudFormation `AWS::IAM::AccessKey`, and Ansible
    `amazon.aws.iam_access_key` tasks that are not `state: absent`, Pulumi
    `aws.iam.AccessKey` and CDK `iam.AccessKey`/`iam.CfnAccessKey` in Python programs, and
    module calls whose input makes the module create a key (`create_iam_access_key = true`,
    `create_access_key = true`), at the input, or leaves out the input of a module whose
    default creates one (terraform-aws-modules `iam-user`), at its `source`. When the module
    is in the tree (`source = "../../modules/iam-user"`), its own files decide: an input that
    its `aws_iam_access_key` resource's `count` reads, or a key it creates by default, is
    reported at the call with that resource as a related location. A key for the
    `root` user is critical. Keys declared `Inactive` are left alone. A Terraform key without
    `pgp_key` is noted, since its secret then sits in plain text in the state file.

    ## Why is this bad?
    An access key created by IaC is a standing credential by design: it has no expiry, it is
    copied into state files, outputs and CI variables, and it outlives the people and the
    pipelines that created it (OWASP NHI7 Long-Lived Secrets, NHI1 Improper Offboarding).

    ## Example
    ```hcl
    resource "aws_iam_user" "ci" { name = "ci" }
    resource "aws_iam_access_key" "ci" { user = aws_iam_user.ci.name }
    ```

    Use instead:
    ```hcl
    resource "aws_iam_openid_connect_provider" "github" {
      url            = "https://token.actions.githubusercontent.com"
      client_id_list = ["sts.amazonaws.com"]
    }
    # ...and an aws_iam_role whose trust policy pins aud and sub to the repository
    ```

    ## References
    - Terraform aws_iam_access_key: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_access_key
    - AWS, IAM best practice "require workloads to use temporary credentials": https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
    """

    META = RuleMeta(
        id="LLC-IAC-001",
        name="aws-access-key-resource",
        summary="Long-term AWS access key declared in IaC",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Delete the IAM user and its key; grant access through roles assumed with OIDC "
        "federation, IRSA or IAM Roles Anywhere.",
        kinds=frozenset({FileKind.TERRAFORM, FileKind.CLOUDFORMATION, FileKind.ANSIBLE,
                         FileKind.PYTHON}),
        # `accesskey`: Pulumi `aws.iam.AccessKey`, CDK `iam.AccessKey`/`iam.CfnAccessKey`.
        triggers=("aws_iam_access_key", "aws::iam::accesskey", "iam_access_key",
                  "create_access_key", "modules/iam-user", "accesskey",
                  # a local module (`source = "./..."`), whose own files may mint a key
                  '"./', '"../'),
    )

    VALID = [
        Valid(
            'resource "aws_iam_openid_connect_provider" "gha" {\n'
            '  url            = "https://token.actions.githubusercontent.com"\n'
            '  client_id_list = ["sts.amazonaws.com"]\n'
            "}\n"
            'resource "aws_iam_role" "deploy" {\n'
            '  name               = "gha-deploy"\n'
            "  assume_role_policy = data.aws_iam_policy_document.gha.json\n"
            "}\n"
        , path="main.tf"),
        # Reading an existing key is not creating one; an inactive key cannot authenticate.
        Valid('data "aws_iam_access_keys" "ci" {\n  user = "ci"\n}\n'
              '# aws_iam_access_key was removed in favour of OIDC\n', path="main.tf"),
        Valid('resource "aws_iam_access_key" "old" {\n  user   = "legacy"\n'
              '  status = "Inactive"\n}\n', path="main.tf"),
        Valid('module "ci_user" {\n'
              '  source                = "terraform-aws-modules/iam/aws//modules/iam-user"\n'
              "  create_iam_access_key = false\n"
              "  create_access_key     = var.with_key\n}\n"
              'module "off" {\n'
              '  source      = "terraform-aws-modules/iam/aws//modules/iam-user"\n'
              "  create_user = false\n}\n", path="main.tf"),
        Valid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Role:\n"
            "    Type: AWS::IAM::Role\n    Properties:\n"
            "      AssumeRolePolicyDocument: {}\n"
            "# AWS::IAM::AccessKey resources are not allowed here\n",
            path="cfn/roles.yaml",
        ),
        Valid(
            "- hosts: localhost\n  tasks:\n    - name: remove the old key\n"
            "      amazon.aws.iam_access_key:\n        user_name: ci\n"
            "        id: AKIAOLDKEY\n        state: absent\n",
            path="playbooks/rotate.yml",
        ),
        # A key switched off, and a templated state: neither is known to leave a live key.
        Valid("- hosts: localhost\n  tasks:\n    - amazon.aws.iam_access_key:\n"
              "        user_name: ci\n        active: false\n", path="playbooks/freeze.yml"),
        Valid("- hosts: localhost\n  tasks:\n    - amazon.aws.iam_access_key_info:\n"
              "        user_name: ci\n    - amazon.aws.iam_access_key:\n"
              "        user_name: ci\n        state: '{{ key_state }}'\n",
              path="playbooks/audit.yml"),
        Valid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  GitHubOidc:\n"
              "    Type: AWS::IAM::OIDCProvider\n    Properties:\n"
              "      Url: https://token.actions.githubusercontent.com\n"
              "      ClientIdList: [sts.amazonaws.com]\n", path="cfn/oidc.yaml"),
        Valid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  CiUser:\n"
              "    Type: AWS::IAM::User\n    Properties:\n      UserName: ci\n"
              "  OldKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n"
              "      UserName: !Ref CiUser\n      Status: Inactive\n", path="cfn/user.yaml"),
        Valid('{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {\n'
              '   "Oidc": {"Type": "AWS::IAM::OIDCProvider",\n'
              '            "Properties": {"Url": "https://token.actions.githubusercontent.com",\n'
              '                           "ClientIdList": ["sts.amazonaws.com"]}}}}\n',
              path="cfn/oidc.json"),
        Valid('{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {\n'
              '   "Old": {"Type": "AWS::IAM::AccessKey",\n'
              '           "Properties": {"UserName": "legacy", "Status": "Inactive"}}}}\n',
              path="cfn/inactive.json"),
        Valid('{"Resources": {"Deployer": {"Type": "AWS::IAM::Role", "Properties": {\n'
              '  "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}}}}\n',
              path="cfn/role.json"),
        Valid('{"data": {"aws_iam_access_keys": {"ci": {"user": "ci"}}}}\n',
              path="infra/keys.tf.json"),
        Valid('{"resource": {"aws_iam_access_key": {"old": {\n'
              '  "user": "legacy", "status": "Inactive"}}}}\n', path="infra/old.tf.json"),
        Valid('{"resource": {"aws_iam_openid_connect_provider": {"gha": {\n'
              '  "url": "https://token.actions.githubusercontent.com",\n'
              '  "client_id_list": ["sts.amazonaws.com"]}}}}\n', path="infra/oidc.tf.json"),
        # Pulumi and CDK programs in Python: roles instead of keys, an inactive key.
        Valid("import pulumi_aws as aws\n\n"
              'role = aws.iam.Role("deploy", assume_role_policy=policy.json)\n'
              "# aws.iam.AccessKey was replaced by OIDC\n", path="infra/__main__.py"),
        Valid("from pulumi_aws import iam\n\n"
              'old = iam.AccessKey("old", user="legacy", status="Inactive")\n',
              path="infra/__main__.py"),
        Valid("from aws_cdk import Stack, aws_iam as iam\n\n"
              "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
              "        super().__init__(scope, id)\n"
              '        user = iam.User(self, "Legacy")\n'
              '        iam.AccessKey(self, "Old", user=user,\n'
              "                      status=iam.AccessKeyStatus.INACTIVE)\n",
              path="cdk/stacks/app_stack.py"),
    ]
    INVALID = [
        Invalid(
            'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n'
            'resource "aws_iam_access_key" "ci" {  # expect: LLC-IAC-001\n'
            "  user    = aws_iam_user.ci.name\n"
            '  pgp_key = "keybase:ci"\n'
            "}\n"
        , path="main.tf"),
        Invalid('resource "aws_iam_access_key" "root" {  # expect: LLC-IAC-001\n'
                '  user = "root"\n}\n', path="main.tf"),
        Invalid('module "ci_user" {\n'
                '  source                = "terraform-aws-modules/iam/aws//modules/iam-user"\n'
                '  name                  = "ci"\n'
                "  create_iam_access_key = true  # expect: LLC-IAC-001\n}\n", path="main.tf"),
        Invalid('module "uploader" {\n'
                '  source  = "terraform-aws-modules/iam/aws//modules/iam-user"  '
                "# expect: LLC-IAC-001\n"
                '  version = "~> 5.0"\n  name    = "uploader"\n}\n', path="main.tf"),
        Invalid(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
            "  CiKey:  # expect: LLC-IAC-001\n"
            "    Type: AWS::IAM::AccessKey\n"
            "    Properties:\n      UserName: !Ref CiUser\n",
            path="cfn/ci-user.yaml",
        ),
        Invalid(
            '{"AWSTemplateFormatVersion": "2010-09-09",\n'
            ' "Resources": {\n'
            '   "DeployKey": {"Type": "AWS::IAM::AccessKey",\n'
            '                 "Properties": {"UserName": {"Ref": "Deployer"}}}}}\n',
            path="cfn/stack.json",
            lines=(3,),
        ),
        Invalid(
            '{"resource": {"aws_iam_access_key": {\n'
            '  "bot": {"user": "${aws_iam_user.bot.name}"}}}}\n',
            path="infra/keys.tf.json",
            lines=(2,),
        ),
        Invalid(
            "- hosts: localhost\n  tasks:\n    - name: key for the ci user\n"
            "      amazon.aws.iam_access_key:  # expect: LLC-IAC-001\n"
            "        user_name: ci\n        state: present\n",
            path="playbooks/ci.yml",
        ),
        Invalid("- hosts: all\n  tasks:\n"
                "    - iam_access_key:  # expect: LLC-IAC-001\n        user_name: deploy\n",
                path="playbooks/deploy.yml"),
        Invalid("- name: mint a key\n  amazon.aws.iam_access_key:  # expect: LLC-IAC-001\n"
                "    user_name: '{{ user }}'\n    active: true\n  register: key\n",
                path="roles/aws/tasks/main.yml"),
        Invalid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bot:\n"
                "    Type: AWS::IAM::User\n"
                "  BotKey:  # expect: LLC-IAC-001\n    Type: AWS::IAM::AccessKey\n"
                "    Properties:\n      UserName: !Ref Bot\n      Status: Active\n"
                "Outputs:\n  Secret:\n    Value: !GetAtt BotKey.SecretAccessKey\n",
                path="cfn/bot.yaml"),
        Invalid("Transform: AWS::Serverless-2016-10-31\nResources:\n"
                "  UploaderKey:  # expect: LLC-IAC-001\n    Type: AWS::IAM::AccessKey\n"
                "    Properties:\n      Serial: 1\n      UserName: uploader\n",
                path="template.yaml"),
        Invalid('{\n  "Resources": {\n    "CiUser": {"Type": "AWS::IAM::User"},\n'
                '    "CiKey": {\n      "Type": "AWS::IAM::AccessKey",\n'
                '      "Properties": {"UserName": {"Ref": "CiUser"}}\n    }\n  }\n}\n',
                path="cfn/ci.template.json", lines=(4,)),
        Invalid('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"K": {\n'
                '  "Type": "AWS::IAM::AccessKey", "Properties": {"UserName": "root"}}}}\n',
                path="cfn/root.json", lines=(1,)),
        Invalid('{\n  "resource": {\n    "aws_iam_access_key": {\n      "deploy": {\n'
                '        "user": "${aws_iam_user.deploy.name}",\n'
                '        "pgp_key": "keybase:ops"\n      }\n    }\n  }\n}\n',
                path="infra/deploy.tf.json", lines=(4,)),
        Invalid('{"resource": {"aws_iam_access_key": {"root": {"user": "root"}}}}\n',
                path="infra/root.tf.json", lines=(1,)),
        Invalid("import pulumi\nimport pulumi_aws as aws\n\n"
                'user = aws.iam.User("ci")\n'
                'key = aws.iam.AccessKey("ci-key", user=user.name)  # expect: LLC-IAC-001\n'
                'pulumi.export("secret", key.secret)\n', path="infra/__main__.py"),
        Invalid("from pulumi_aws import iam\n\n"
                "root_key = iam.AccessKey(  # expect: LLC-IAC-001\n"
                '    "root", args=iam.AccessKeyArgs(user="root"))\n', path="infra/__main__.py"),
        Invalid("from aws_cdk import Stack, aws_iam as iam\n\n"
                "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
                "        super().__init__(scope, id)\n"
                '        user = iam.User(self, "Ci")\n'
                '        iam.AccessKey(self, "CiKey", user=user)  # expect: LLC-IAC-001\n'
                '        iam.CfnAccessKey(self, "L1Key", user_name="ci")  # expect: LLC-IAC-001\n',
                path="cdk/stacks/app_stack.py"),
    ]

    RESOURCE_TYPES = frozenset({"aws.iam.access_key"})

    def check_hcl(self, doc: HclDocument) -> None:
        super().check_hcl(doc)
        for module in doc.iter_blocks("module"):
            name = module.labels[0] if module.labels else ""
            # A module in the tree says which of its inputs mint the key, and where.
            found = local_module(self.context, doc.path, module, "aws.iam.access_key")
            # A key the call makes inactive cannot authenticate.
            local = found and tuple(
                m for m in found if (module_value(m, module, "status") or "").lower() != "inactive"
            )
            if found and not local:
                continue
            names = dict.fromkeys((*_MODULE_INPUTS, *key_inputs(local or ())))
            inputs = [module.attribute(n) for n in names]
            asked = False
            for input_name, attribute in zip(names, inputs, strict=True):
                if attribute is not None and attribute.source.strip() == "true":
                    minted = fed_by(local or (), input_name)
                    self.report(
                        attribute.node,
                        f"Module {name!r} is asked to create a long-term IAM access key "
                        f"(`{input_name} = true`{_at(minted)}): a standing credential that "
                        "never expires and lives on in state and outputs.",
                        lifetime=Lifetime.static(),
                        related=related(minted, "access key"),
                    )
                    asked = True
            source = module.attribute("source")
            if source is None or asked:
                continue
            if local:
                minted = [m for m in local if on_by_default(m, module)]
                if minted:
                    self.report(
                        source.node,
                        f"Module {name!r} creates a long-term IAM access key by default "
                        f"(`{minted[0].native}.{minted[0].name}`, {where(minted[0])}): a "
                        "standing credential that never expires and lives on in state and "
                        "outputs.",
                        lifetime=Lifetime.static(),
                        related=related(minted, "access key"),
                    )
                continue
            if (
                all(a is None for a in inputs)
                and _KEY_BY_DEFAULT.search(source.literal or "")
                and not any(
                    (a := module.attribute(off)) is not None and a.source.strip() == "false"
                    for off in ("create", "create_user")
                )
            ):
                self.report(
                    source.node,
                    f"Module {name!r} creates a long-term IAM access key by default (its "
                    "create_access_key input defaults to true): a standing credential that "
                    "never expires and lives on in state and outputs.",
                    lifetime=Lifetime.static(),
                )

    def check_resource(self, resource: Resource) -> None:
        if resource.front_end is FrontEnd.ANSIBLE:
            self._ansible(resource)
            return
        if (_literal(resource.attr("status")) or "").lower() == "inactive":
            return
        is_root = _literal(resource.attr("user")) == "root"
        if resource.front_end is FrontEnd.TERRAFORM:
            extra = (
                ""
                if resource.has("pgp_key")
                else "; without `pgp_key` its secret is kept in plain text in the state"
            )
        elif resource.front_end is FrontEnd.CLOUDFORMATION:
            extra = f" (resource {resource.name})"
        else:
            extra = ""
        self.report(
            resource.node,
            _MESSAGE.format(who=" for the root user" if is_root else "", extra=extra),
            lifetime=Lifetime.static(),
            severity=Severity.CRITICAL if is_root else None,
        )

    def _ansible(self, task: Resource) -> None:
        # A templated state or flag is not known to leave an active key: only literal text
        # (or the module's default, present) counts.
        state = _text(task.attr("state")) or "present"
        active = _text(task.attr("active"))
        if state != "present" or (active or "").lower() in ("false", "no"):
            return
        self.report(task.node, _MESSAGE.format(who="", extra=""), lifetime=Lifetime.static())


def _at(minted: list[ModuleCredential]) -> str:
    """Where the module mints it, for the message: the first resource the input feeds."""
    return f" feeds `{minted[0].native}.{minted[0].name}`, {where(minted[0])}" if minted else ""


def _literal(attr: Attr | None) -> str | None:
    return attr.literal if attr is not None else None


def _text(attr: Attr | None) -> str | None:
    return attr.text if attr is not None else None
