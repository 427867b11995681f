"""LLC-IAC-002: an IAM role whose sessions may last longer than the threshold."""

from __future__ import annotations

from scanner.api import (
    Category,
    FileKind,
    HclDocument,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    Resource,
    RuleMeta,
    Severity,
    Valid,
    ValueOrigin,
    YamlDocument,
    credential_resource,
    describe_duration,
    parse_duration,
    yamlnodes,
)
from scanner.api.iac_lifetimes import seconds

_ROW = credential_resource("aws.iam.role")
#: Module inputs that set the role's session length in the common role modules
#: (terraform-aws-modules/iam ``iam-assumable-role*``, ``iam-role-for-service-accounts``).
_MODULE_INPUTS = ("max_session_duration", "role_max_session_duration")
#: Sessions this long or longer are medium (catalogue 0.5: 4 hours).
_MEDIUM_AT = 14400


class RoleSessionDuration(IacRule):
    """## What it does
    Flags IAM roles whose `max_session_duration` is above `role_session_max_seconds` (default
    3600): Terraform `aws_iam_role` (`.tf` and `.tf.json`), the same input of a role module
    call (HCL or `.tf.json`), CloudFormation `AWS::IAM::Role` `MaxSessionDuration` and Ansible
    `amazon.aws.iam_role` `max_session_duration`. Low above the threshold, medium at 4 hours
    or more. Values that come from variables or parameters are not known and are left alone.

    ## Why is this bad?
    Whoever assumes the role gets credentials that keep working for the whole session, even
    after the job that asked for them is done or the token leaked from its log (OWASP NHI7
    Long-Lived Secrets, NHI6). AWS allows up to 12 hours; the default is one.

    ## Example
    ```hcl
    resource "aws_iam_role" "batch" {
      assume_role_policy   = data.aws_iam_policy_document.batch.json
      max_session_duration = 43200
    }
    ```

    Use instead:
    ```hcl
    resource "aws_iam_role" "batch" {
      assume_role_policy = data.aws_iam_policy_document.batch.json
      # default: one-hour sessions; long jobs re-assume from their web identity token
    }
    ```

    ## References
    - AWS IAM, CreateRole `MaxSessionDuration` (3600 to 43200, default 3600): https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
    - Terraform aws_iam_role: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role
    """

    META = RuleMeta(
        id="LLC-IAC-002",
        name="role-session-duration",
        summary="IAM role session duration above the threshold",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.LOW,
        precision=Precision.VERY_HIGH,
        owasp=_ROW.owasp,
        fix=_ROW.fix,
        kinds=frozenset({FileKind.TERRAFORM, FileKind.CLOUDFORMATION, FileKind.ANSIBLE,
                         FileKind.PYTHON}),
        triggers=("max_session_duration", "maxsessionduration"),
    )

    VALID = [
        # A default within the threshold, and a variable with no default (fed at apply time).
        Valid('variable "session_seconds" {\n  type    = number\n  default = 3600\n}\n'
              'variable "long_session" {\n  type = number\n}\n'
              'resource "aws_iam_role" "a" {\n  max_session_duration = var.session_seconds\n}\n'
              'resource "aws_iam_role" "b" {\n  max_session_duration = var.long_session\n}\n',
              path="main.tf"),
        Valid('resource "aws_iam_role" "deploy" {\n  name = "deploy"\n'
              "  assume_role_policy = data.aws_iam_policy_document.gha.json\n}\n", path="main.tf"),
        Valid('resource "aws_iam_role" "deploy" {\n  max_session_duration = 3600\n}\n',
              path="main.tf"),
        Valid('resource "aws_iam_role" "batch" {\n'
              "  max_session_duration = var.max_session_duration\n}\n"
              'module "role" {\n  source = "./role"\n  max_session_duration = 3600\n}\n',
              path="main.tf"),
        Valid('{"resource": {"aws_iam_role": {"r": {"max_session_duration": 3600}}}}\n',
              path="infra/role.tf.json"),
        Valid("Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
              "      AssumeRolePolicyDocument: {}\n      MaxSessionDuration: 3600\n",
              path="cfn/role.yaml"),
        Valid("Parameters:\n  Session: {Type: Number}\nResources:\n  Role:\n"
              "    Type: AWS::IAM::Role\n    Properties:\n"
              "      MaxSessionDuration: !Ref Session\n", path="cfn/role.yaml"),
        Valid('{"Resources": {"Role": {"Type": "AWS::IAM::Role",\n'
              ' "Properties": {"AssumeRolePolicyDocument": {}}}}}\n', path="cfn/role.json"),
        Valid('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Deploy": {\n'
              '  "Type": "AWS::IAM::Role",\n'
              '  "Properties": {"MaxSessionDuration": 3600}}}}\n', path="cfn/deploy.json"),
        Valid('{"Parameters": {"Session": {"Type": "Number"}},\n'
              ' "Resources": {"Role": {"Type": "AWS::IAM::Role",\n'
              '  "Properties": {"MaxSessionDuration": {"Ref": "Session"}}}}}\n',
              path="cfn/param.json"),
        Valid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ci:\n"
              "    Type: AWS::IAM::Role\n    Properties:\n"
              "      AssumeRolePolicyDocument: {}\n"
              "      # MaxSessionDuration: 43200 (removed: one hour is enough)\n",
              path="cfn/ci.yaml"),
        Valid('{"resource": {"aws_iam_role": {"deploy": {\n'
              '  "name": "deploy",\n'
              '  "assume_role_policy": "${data.aws_iam_policy_document.gha.json}"}}}}\n',
              path="infra/deploy.tf.json"),
        Valid('{"resource": {"aws_iam_role": {"batch": {\n'
              '  "max_session_duration": "${var.max_session_duration}"}}}}\n',
              path="infra/batch.tf.json"),
        Valid("- hosts: localhost\n  tasks:\n    - amazon.aws.iam_role:\n        name: ci\n"
              "        max_session_duration: 3600\n", path="playbooks/iam.yml"),
        Valid("- hosts: localhost\n  tasks:\n    - amazon.aws.iam_role:\n        name: ci\n"
              '        max_session_duration: "{{ session_seconds }}"\n',
              path="playbooks/iam.yml"),
        Valid("- hosts: localhost\n  tasks:\n    - amazon.aws.iam_role:\n        name: ci\n"
              "        max_session_duration: 43200\n        state: absent\n",
              path="playbooks/iam.yml"),
        # Pulumi and CDK programs in Python.
        Valid("import pulumi_aws as aws\n\n"
              'role = aws.iam.Role("deploy", assume_role_policy=trust,\n'
              "                    max_session_duration=3600)\n", path="infra/__main__.py"),
        Valid("import pulumi_aws as aws\n\n"
              "MAX = config.get_int('session') or 3600\n"
              'role = aws.iam.Role("deploy", assume_role_policy=trust,\n'
              "                    max_session_duration=MAX)\n", path="infra/__main__.py"),
        Valid("from aws_cdk import Duration, Stack, aws_iam as iam\n\n"
              "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
              "        super().__init__(scope, id)\n"
              '        iam.Role(self, "Deploy",\n'
              '                 assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),\n'
              "                 max_session_duration=Duration.hours(1))\n",
              path="cdk/stacks/app_stack.py"),
        Valid('{"module": {"role": {"source": "./role", "max_session_duration": 3600}}}\n',
              path="infra/role_module.tf.json"),
        Valid('{"module": {"role": {\n  "source": "./role",\n'
              '  "max_session_duration": "${var.session_seconds}"}}}\n',
              path="infra/role_module.tf.json"),
        Valid('{"module": [{"ci_role": {\n'
              '  "source": "terraform-aws-modules/iam/aws//modules/iam-assumable-role",\n'
              '  "role_max_session_duration": 3600}}]}\n', path="infra/ci.tf.json"),
    ]
    INVALID = [
        # Through a default the file sets: a variable's, a parameter's (YAML and JSON).
        Invalid('variable "session_seconds" {\n  type    = number\n  default = 43200\n}\n'
                'resource "aws_iam_role" "ci" {\n  name = "ci"\n'
                "  max_session_duration = var.session_seconds  # expect: LLC-IAC-002\n}\n",
                path="main.tf"),
        Invalid("Parameters:\n  SessionSeconds: {Type: Number, Default: 21600}\nResources:\n"
                "  CiRole:\n    Type: AWS::IAM::Role\n    Properties:\n"
                "      AssumeRolePolicyDocument: {}\n"
                "      MaxSessionDuration: !Ref SessionSeconds  # expect: LLC-IAC-002\n",
                path="cfn/role.yaml"),
        Invalid('{"Parameters": {"S": {"Type": "Number", "Default": 43200}},\n'
                ' "Resources": {"Role": {"Type": "AWS::IAM::Role",\n'
                '  "Properties": {"MaxSessionDuration": {"Ref": "S"}}}}}\n',
                path="cfn/param-default.json", lines=(3,)),
        Invalid('resource "aws_iam_role" "batch" {\n'
                "  assume_role_policy   = data.aws_iam_policy_document.batch.json\n"
                "  max_session_duration = 43200  # expect: LLC-IAC-002\n}\n", path="main.tf"),
        Invalid('resource "aws_iam_role" "ops" {\n'
                "  max_session_duration = 7200  # expect: LLC-IAC-002\n}\n", path="main.tf"),
        Invalid('module "deploy_role" {\n'
                '  source = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"\n'
                "  max_session_duration = 28800  # expect: LLC-IAC-002\n}\n", path="main.tf"),
        Invalid('{"resource": {"aws_iam_role": {"r": {\n'
                '  "max_session_duration": 43200}}}}\n', path="infra/role.tf.json", lines=(2,)),
        Invalid("Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n"
                "      AssumeRolePolicyDocument: {}\n"
                "      MaxSessionDuration: 43200  # expect: LLC-IAC-002\n",
                path="cfn/role.yaml"),
        Invalid("Resources:\n  Ops:\n    Type: AWS::IAM::Role\n    Properties:\n"
                "      MaxSessionDuration: '14400'  # expect: LLC-IAC-002\n",
                path="cfn/ops.yaml"),
        Invalid('{"Resources": {"Role": {"Type": "AWS::IAM::Role",\n'
                ' "Properties": {"MaxSessionDuration": 36000}}}}\n',
                path="cfn/role.json", lines=(2,)),
        Invalid('{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n'
                '    "Batch": {\n      "Type": "AWS::IAM::Role",\n      "Properties": {\n'
                '        "MaxSessionDuration": 43200\n      }\n    }\n  }\n}\n',
                path="cfn/batch.json", lines=(7,)),
        Invalid('{"Resources": {"Ops": {"Type": "AWS::IAM::Role",\n'
                ' "Properties": {"MaxSessionDuration": "21600"}}}}\n',
                path="cfn/ops.json", lines=(2,)),
        Invalid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Analyst:\n"
                "    Type: 'AWS::IAM::Role'\n    Properties:\n"
                "      RoleName: analyst\n"
                "      MaxSessionDuration: 28800  # expect: LLC-IAC-002\n",
                path="cfn/analyst.yml"),
        Invalid('{\n  "resource": {\n    "aws_iam_role": {\n      "ops": {\n'
                '        "name": "ops",\n        "max_session_duration": 7200\n'
                '      }\n    }\n  }\n}\n', path="infra/ops.tf.json", lines=(6,)),
        Invalid('{"resource": [{"aws_iam_role": {"analyst": {\n'
                '  "assume_role_policy": "${data.aws_iam_policy_document.sso.json}",\n'
                '  "max_session_duration": 28800}}}]}\n',
                path="infra/analyst.tf.json", lines=(3,)),
        Invalid("- hosts: localhost\n  tasks:\n    - amazon.aws.iam_role:\n        name: ci\n"
                "        max_session_duration: 43200  # expect: LLC-IAC-002\n",
                path="playbooks/iam.yml"),
        Invalid("- hosts: localhost\n  tasks:\n    - name: ops role\n"
                "      community.aws.iam_role:\n        name: ops\n"
                "        max_session_duration: 21600  # expect: LLC-IAC-002\n",
                path="playbooks/ops.yml"),
        Invalid("- name: role\n  iam_role:\n    name: legacy\n"
                "    max_session_duration: 10800  # expect: LLC-IAC-002\n",
                path="roles/iam/tasks/main.yml"),
        Invalid("import pulumi_aws as aws\n\n"
                'role = aws.iam.Role("deploy", assume_role_policy=trust,\n'
                "                    max_session_duration=43200)  # expect: LLC-IAC-002\n",
                path="infra/__main__.py"),
        Invalid("from aws_cdk import Duration, Stack, aws_iam as iam\n\n"
                "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
                "        super().__init__(scope, id)\n"
                '        iam.Role(self, "Deploy", assumed_by=iam.AccountRootPrincipal(),\n'
                "                 max_session_duration=Duration.hours(12))"
                "  # expect: LLC-IAC-002\n",
                path="cdk/stacks/app_stack.py"),
        Invalid("import aws_cdk as cdk\nfrom aws_cdk import aws_iam as iam\n\n"
                "SESSION = 28800\n\n"
                "def build(stack):\n"
                '    iam.CfnRole(stack, "Ops", assume_role_policy_document=doc,\n'
                "                max_session_duration=SESSION)  # expect: LLC-IAC-002\n",
                path="cdk/stacks/app_stack.py"),
        Invalid('{"module": {"deploy_role": {\n'
                '  "source": "terraform-aws-modules/iam/aws//modules/iam-assumable-role",\n'
                '  "max_session_duration": 28800}}}\n', path="infra/deploy.tf.json",
                lines=(3,)),
        Invalid('{\n  "module": {\n    "irsa": {\n      "source": "./irsa",\n'
                '      "role_max_session_duration": 7200\n    }\n  }\n}\n',
                path="infra/irsa.tf.json", lines=(5,)),
        Invalid('{"module": [{"ops": {"source": "./role",\n'
                '  "max_session_duration": 43200}}]}\n', path="infra/ops_module.tf.json",
                lines=(2,)),
    ]

    RESOURCE_TYPES = frozenset({"aws.iam.role"})

    def check_hcl(self, doc: HclDocument) -> None:
        super().check_hcl(doc)
        for module in doc.iter_blocks("module"):
            for name in _MODULE_INPUTS:
                attribute = module.attribute(name)
                if attribute is None or attribute.literal is not None:
                    continue  # a quoted string is not what these inputs take
                value = parse_duration(attribute.source) if attribute.source.isdigit() else None
                if value is not None:
                    self._check(attribute.node, value, f"module {module.labels[0]!r}"
                                if module.labels else "a module")

    def check_yaml(self, doc: YamlDocument) -> None:
        # CloudFormation parameters with a `Default`: a `!Ref` to one gets that value unless
        # the stack is deployed with another.
        self._defaults = {
            name: default
            for root in doc.roots
            for name, _, body in yamlnodes.items(yamlnodes.get(root, "Parameters"))
            if (default := yamlnodes.get(body, "Default")) is not None
        }
        super().check_yaml(doc)
        if not doc.path.lower().endswith(".tf.json"):
            return
        for root in doc.roots:
            modules = yamlnodes.get(root, "module")
            for group in [modules, *yamlnodes.elements(modules)]:
                for label, _, body in yamlnodes.items(group):
                    for name in _MODULE_INPUTS:
                        node = yamlnodes.get(body, name)
                        # A JSON number, as in HCL: a quoted string or `${...}` is not read.
                        if not isinstance(node, yamlnodes.ScalarNode) or node.style \
                                or not str(node.value).isdigit():
                            continue
                        value = parse_duration(str(node.value))
                        key = yamlnodes.get_key(body, name)
                        if value is not None and key is not None:
                            # On the key, as the `.tf.json` resources are reported.
                            self._check(key, value, f"module {label!r}")

    def check_resource(self, resource: Resource) -> None:
        state = resource.attr("state")
        if state is not None and (state.text or "present") != "present":
            return
        attr = resource.attr("max_session_duration")
        if attr is None:
            return
        what = f"role {resource.name!r}" if resource.name else "this role"
        value = seconds(attr)
        if value is not None:
            self._check(attr.node, value, what)
            return
        # A default the file sets: a Terraform variable's, or a CloudFormation parameter's.
        if attr.origin is not None and attr.origin.origin is ValueOrigin.DEFAULT:
            constant = attr.constant
            value = parse_duration(constant) if constant and constant.isdigit() else None
            if value is not None:
                self._check(attr.node, value, what, via="the variable's default")
            return
        ref = _cfn_ref(attr.value)
        default = getattr(self, "_defaults", {}).get(ref) if ref else None
        text = yamlnodes.scalar(default)
        if default is not None and text is not None and text.isdigit():
            self._check(attr.node, int(text), what, via=f"the default of parameter `{ref}`",
                        related=[(default, "the default is set here")])

    def _check(
        self,
        node: object,
        value: int,
        what: str,
        via: str = "",
        related: list[tuple[object, str]] | None = None,
    ) -> None:
        limit = self.context.thresholds.role_session_max_seconds
        if value <= limit:
            return
        through = f" (through {via})" if via else ""
        self.report(
            node,
            f"Sessions of {what} may last {describe_duration(value)}{through}, above the "
            f"{describe_duration(limit)} threshold: credentials handed to a job keep working "
            "long after it is done.",
            lifetime=Lifetime.seconds(value),
            severity=Severity.MEDIUM if value >= _MEDIUM_AT else None,
            related=related or [],
        )


def _cfn_ref(node: object) -> str | None:
    """The parameter a CloudFormation `!Ref X` or `{"Ref": "X"}` names, else None."""
    if isinstance(node, yamlnodes.ScalarNode) and node.tag == "!Ref":
        return str(node.value)
    if isinstance(node, yamlnodes.MappingNode) and len(node.value) == 1:
        key, value = node.value[0]
        if yamlnodes.scalar(key) == "Ref":
            return yamlnodes.scalar(value)
    return None
