"""LLC-IAC-001: a long-term AWS access key declared in infrastructure code."""

from __future__ import annotations

from scanner.api import (
    Category,
    FileKind,
    HclBlock,
    HclDocument,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Valid,
    YamlDocument,
    yamlnodes,
)

_ANSIBLE_MODULES = frozenset(
    {
        "amazon.aws.iam_access_key",
        "community.aws.iam_access_key",
        "iam_access_key",
    }
)
_MESSAGE = (
    "Infrastructure code creates a long-term IAM access key{who}: a standing credential that "
    "never expires and lives on in state and outputs{extra}."
)


class AwsAccessKeyResource(IacRule):
    """## What it does
    Flags every declared long-term AWS access key: Terraform `resource "aws_iam_access_key"`
    (in `.tf` and `.tf.json`), CloudFormation `AWS::IAM::AccessKey`, and Ansible
    `amazon.aws.iam_access_key` tasks that are not `state: absent`. A key for the `root` user
    is critical. Keys declared `Inactive` are left alone. A Terraform key without `pgp_key`
    is noted, since its secret then sits in plain text in the state file.

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
        kinds=frozenset({FileKind.TERRAFORM, FileKind.CLOUDFORMATION, FileKind.ANSIBLE}),
        triggers=("aws_iam_access_key", "aws::iam::accesskey", "iam_access_key"),
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
        ),
        # Reading an existing key is not creating one; an inactive key cannot authenticate.
        Valid('data "aws_iam_access_keys" "ci" {\n  user = "ci"\n}\n'
              '# aws_iam_access_key was removed in favour of OIDC\n'),
        Valid('resource "aws_iam_access_key" "old" {\n  user   = "legacy"\n'
              '  status = "Inactive"\n}\n'),
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
    ]
    INVALID = [
        Invalid(
            'resource "aws_iam_user" "ci" {\n  name = "ci"\n}\n'
            'resource "aws_iam_access_key" "ci" {  # expect: LLC-IAC-001\n'
            "  user    = aws_iam_user.ci.name\n"
            '  pgp_key = "keybase:ci"\n'
            "}\n"
        ),
        Invalid('resource "aws_iam_access_key" "root" {  # expect: LLC-IAC-001\n'
                '  user = "root"\n}\n'),
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
    ]

    # -- Terraform HCL ----------------------------------------------------------------------

    def check_hcl(self, doc: HclDocument) -> None:
        for block in doc.resources("aws_iam_access_key"):
            self._terraform_key(block)

    def _terraform_key(self, block: HclBlock) -> None:
        status = block.attribute("status")
        if status is not None and (status.literal or "").lower() == "inactive":
            return
        user = block.attribute("user")
        is_root = user is not None and user.literal == "root"
        extra = (
            ""
            if block.attribute("pgp_key")
            else "; without `pgp_key` its secret is kept in plain text in the state"
        )
        self.report(
            block.node,
            _MESSAGE.format(who=" for the root user" if is_root else "", extra=extra),
            lifetime=Lifetime.static(),
            severity=Severity.CRITICAL if is_root else None,
        )

    # -- CloudFormation, .tf.json and Ansible -----------------------------------------------

    def check_yaml(self, doc: YamlDocument) -> None:
        for root in doc.roots:
            self._cloudformation(root)
            self._terraform_json(root)
            self._ansible(root)

    def _cloudformation(self, root: yamlnodes.Node) -> None:
        for name, key_node, resource in yamlnodes.items(yamlnodes.get(root, "Resources")):
            if yamlnodes.scalar(yamlnodes.get(resource, "Type")) != "AWS::IAM::AccessKey":
                continue
            props = yamlnodes.get(resource, "Properties")
            if (yamlnodes.scalar(yamlnodes.get(props, "Status")) or "").lower() == "inactive":
                continue
            user = yamlnodes.scalar(yamlnodes.get(props, "UserName"))
            self.report(
                key_node,
                _MESSAGE.format(who=" for the root user" if user == "root" else "",
                                extra=f" (resource {name})"),
                lifetime=Lifetime.static(),
                severity=Severity.CRITICAL if user == "root" else None,
            )

    def _terraform_json(self, root: yamlnodes.Node) -> None:
        resources = yamlnodes.get(root, "resource")
        for node in [resources, *yamlnodes.elements(resources)]:
            keys = yamlnodes.get(node, "aws_iam_access_key")
            for _, key_node, body in yamlnodes.items(keys):
                if (yamlnodes.scalar(yamlnodes.get(body, "status")) or "").lower() == "inactive":
                    continue
                user = yamlnodes.scalar(yamlnodes.get(body, "user"))
                self.report(
                    key_node,
                    _MESSAGE.format(who=" for the root user" if user == "root" else "", extra=""),
                    lifetime=Lifetime.static(),
                    severity=Severity.CRITICAL if user == "root" else None,
                )

    def _ansible(self, root: yamlnodes.Node) -> None:
        for node in yamlnodes.walk(root):
            for module, key_node, args in yamlnodes.items(node):
                if module not in _ANSIBLE_MODULES:
                    continue
                state = yamlnodes.scalar(yamlnodes.get(args, "state")) or "present"
                active = yamlnodes.scalar(yamlnodes.get(args, "active"))
                if state != "present" or (active or "").lower() in ("false", "no"):
                    continue
                self.report(key_node, _MESSAGE.format(who="", extra=""), lifetime=Lifetime.static())
