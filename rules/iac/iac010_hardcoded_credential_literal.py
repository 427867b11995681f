"""LLC-IAC-010: a hard-coded credential literal in an IaC attribute."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from outlive_rules.iac.iac007_static_provider_credentials import PROVIDERS

from scanner.api import (
    ALNUM,
    BASE32_UPPER,
    BASE64,
    NOT_CREDENTIAL_KEY,
    Category,
    FileKind,
    HclBlock,
    HclDocument,
    HclValues,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    PythonDocument,
    RuleMeta,
    Severity,
    Valid,
    ValueOrigin,
    YamlDocument,
    ansible_yaml,
    catalogue,
    credential_format,
    fake_token,
    generated_secret,
    hcl_values,
    iac_inline,
    serverless_yaml,
    yamlnodes,
)
from scanner.api.iac_programs import literal_arguments

#: The catalogue's key names: the credential word ends the key (``DB_PASSWORD``, ``apiKey``).
_CREDENTIAL_KEY = re.compile(
    r"(?i)(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|"
    r"client[_-]?secret|credentials?|secret[_-]?key|secret[_-]?access[_-]?key)$"
)
#: Keys that hold a setting about a credential, not one (``password_length``: no match anyway).
_NOT_A_VALUE_KEY = re.compile(r"(?i)(?:_id|_name|_arn|_file|_path|_type|_version|_url)$")
#: User-data attributes: a boot script the instance metadata serves to anything on the host.
_USER_DATA = {
    "aws_instance": ("user_data",),
    "aws_launch_template": ("user_data",),
    "aws_launch_configuration": ("user_data",),
    "azurerm_linux_virtual_machine": ("custom_data", "user_data"),
    "azurerm_windows_virtual_machine": ("custom_data", "user_data"),
    "google_compute_instance": ("metadata_startup_script",),
}
#: Resources that store a secret value: the value is written in the code and the state.
_SECRET_VALUE = {
    "github_actions_secret": "plaintext_value",
    "github_actions_environment_secret": "plaintext_value",
    "github_actions_organization_secret": "plaintext_value",
    "github_dependabot_secret": "plaintext_value",
    "github_codespaces_secret": "plaintext_value",
    "aws_secretsmanager_secret_version": "secret_string",
    "azurerm_key_vault_secret": "value",
    "google_secret_manager_secret_version": "secret_data",
    "vault_generic_secret": "data_json",
}
_LAMBDA_TYPES = frozenset({"AWS::Lambda::Function", "AWS::Serverless::Function"})
_USER_DATA_TYPES = frozenset({"AWS::EC2::Instance", "AWS::EC2::LaunchTemplate",
                              "AWS::AutoScaling::LaunchConfiguration"})
_TASK_KEYWORDS = frozenset({"vars", "environment", "set_fact", "module_defaults"})

_TOKEN = fake_token("", 32, ALNUM, seed=1001)
_PASSWORD = fake_token("", 20, ALNUM + "!#%", seed=1002)
_AWS_SECRET = fake_token("", 40, BASE64, seed=1003)
_AKID = fake_token("AKIA", 16, BASE32_UPPER, seed=1004)
_GH_TOKEN = fake_token("ghp_", 36, ALNUM, seed=1005)
_SLACK = fake_token("xoxb-", 40, ALNUM, seed=1006)


def credential_key(key: str) -> bool:
    """A key named like a credential, that holds a credential (not its id, name or path)."""
    return bool(_CREDENTIAL_KEY.search(key)) and not NOT_CREDENTIAL_KEY.search(key) \
        and not _NOT_A_VALUE_KEY.search(key)


class HardcodedCredentialLiteral(IacRule):
    """## What it does
    Flags a credential written as a literal in infrastructure code: an attribute, variable
    default, local, module input or `.tfvars` value whose name ends in a credential word
    (`password`, `secret`, `token`, `api_key`, `access_key`, `private_key`, `client_secret`,
    `credentials`, also env-style `AWS_SECRET_ACCESS_KEY`) in Terraform; a CloudFormation
    property or `Parameters.*.Default`; an Ansible play, task or module argument, or a
    variable of a vars file (`group_vars/`, `host_vars/`, a role's `vars/` and `defaults/`,
    with or without a `.yml` suffix) or of a loose task file (`tasks/`, `handlers/`); a
    `serverless.yml` environment (`provider.environment`, `functions.*.environment`); a
    `config:` value of `Pulumi.<stack>.yaml` or `Pulumi.yaml` that is not `secure:`; a
    keyword argument (or a key of a dict or `*Args` object in one) of any Pulumi or CDK
    constructor in a Python program (`aws.rds.Instance(password="...")`), and any constant
    wrapped in CDK's `SecretValue.unsafe_plain_text` or Pulumi's `Output.secret`. The
    value must have a provider format (critical) or pass the same test LLC-SRC-014 applies
    (high): long enough, not a word, path, URL, number or placeholder, random-looking.
    Known sinks get their own message: Lambda environment variables, EC2 user data and other
    boot scripts (the exact line of the script), `aws_ssm_parameter` of type `String`,
    `github_actions_secret.plaintext_value` and other resources that store a secret value,
    SAM `Globals` environments, CloudFormation parameter defaults and Ansible arguments. A
    parameter's `NoEcho` and a task's `no_log` only hide the value from the console and the
    task output, not from the file, so they change the message, not the finding. These stay
    quiet: `var.x` (the default is judged where it is written), `random_password` results,
    data sources, `!Ref` and other intrinsics, `{{resolve:secretsmanager:...}}`, Jinja
    `{{ x }}`, Ansible Vault `!vault`, serverless `${ssm:...}`, `${env:...}`, `${self:...}`,
    Pulumi `config.require_secret(...)`/`config.get_secret(...)`, `RandomPassword(...).result`,
    CDK `SecretValue.secrets_manager(...)`.
    Provider and backend credentials are LLC-IAC-007's. A text rule that finds the same
    value on the same line gives way to this finding.

    ## Why is this bad?
    A literal credential in IaC is shared with everyone who can read the repository, is
    copied into state files, plans and CI logs, and keeps working until someone rotates it,
    which for a value written into code is rarely (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets). In a Lambda environment or user data it is also readable by anyone
    who can describe the function or the instance.

    ## Example
    ```hcl
    resource "aws_db_instance" "main" {
      engine   = "postgres"
      username = "app"
      password = "p4Zx...literal"
    }
    ```

    Use instead:
    ```hcl
    resource "aws_db_instance" "main" {
      engine                      = "postgres"
      username                    = "app"
      manage_master_user_password = true  # Secrets Manager creates and rotates it
    }
    ```

    ## References
    - Terraform, sensitive data in state: https://developer.hashicorp.com/terraform/language/state/sensitive-data
    - CloudFormation dynamic references: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
    - Serverless Framework variables (`${ssm:...}`): https://www.serverless.com/framework/docs/providers/aws/guide/variables
    - Ansible Vault: https://docs.ansible.com/ansible/latest/vault_guide/index.html
    """

    META = RuleMeta(
        id="LLC-IAC-010",
        name="hardcoded-credential-literal",
        summary="Hard-coded credential literal in an IaC attribute",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Reference a secret manager resolved at deploy time (`{{resolve:secretsmanager:"
        "...}}`, `${ssm:...}`, a data source, Ansible Vault), generate it (`random_password`, "
        "`manage_master_user_password`), or better, let the workload use its own identity.",
        kinds=frozenset({FileKind.TERRAFORM, FileKind.CLOUDFORMATION, FileKind.ANSIBLE,
                         FileKind.SERVERLESS, FileKind.PULUMI, FileKind.PYTHON}),
        triggers=("passw", "secret", "token", "api_key", "apikey", "api-key", "access_key",
                  "accesskey", "private_key", "privatekey", "credential", "user_data",
                  "userdata", "plaintext_value", "custom_data", "startup_script"),
    )

    VALID = [
        Valid('resource "random_password" "db" {\n  length = 32\n}\n'
              'resource "aws_db_instance" "main" {\n  username = "app"\n'
              "  password = random_password.db.result\n}\n", path="main.tf"),
        Valid('variable "db_password" {\n  type      = string\n  sensitive = true\n}\n'
              'module "db" {\n  source   = "./db"\n  password = var.db_password\n'
              '  password_secret_arn = "arn:aws:secretsmanager:eu-west-1:1:secret:db"\n}\n',
              path="main.tf"),
        Valid('resource "aws_ssm_parameter" "db" {\n  name  = "/app/db-password"\n'
              '  type  = "SecureString"\n  value = data.aws_secretsmanager_secret_version.db.'
              'secret_string\n}\nresource "github_actions_secret" "x" {\n'
              '  repository      = "app"\n  secret_name     = "API_TOKEN"\n'
              '  plaintext_value = "changeme"\n}\n', path="main.tf"),
        Valid("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  DbPassword:\n"
              "    Type: String\n    NoEcho: true\nResources:\n  Db:\n"
              "    Type: AWS::RDS::DBInstance\n    Properties:\n"
              "      MasterUserPassword: !Ref DbPassword\n",
              path="cfn/db.yaml"),
        Valid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Db:\n"
              "    Type: AWS::RDS::DBInstance\n    Properties:\n"
              "      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:pw}}'\n"
              "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
              "      Environment:\n        Variables:\n          API_TOKEN_PARAM: /app/token\n",
              path="cfn/app.yaml"),
        Valid('{"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {\n'
              '  "Description": "token signing key", "EnableKeyRotation": true}}}}\n',
              path="cfn/kms.json"),
        Valid('{"AWSTemplateFormatVersion": "2010-09-09",\n'
              ' "Parameters": {"DbPassword": {"Type": "String", "NoEcho": true}},\n'
              ' "Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {\n'
              '  "MasterUserPassword": {"Ref": "DbPassword"}}}}}\n', path="cfn/db-param.json"),
        Valid('{"Resources": {"Db": {"Type": "AWS::RDS::DBCluster", "Properties": {\n'
              '  "MasterUserPassword": '
              '"{{resolve:secretsmanager:prod/db:SecretString:password}}"}}}}\n',
              path="cfn/cluster.json"),
        Valid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Db:\n"
              "    Type: AWS::RDS::DBCluster\n    Properties:\n"
              "      ManageMasterUserPassword: true\n      MasterUsername: app\n",
              path="cfn/managed.yaml"),
        Valid('{"variable": {"db_password": {"type": "string", "sensitive": true}},\n'
              ' "resource": {"aws_db_instance": {"main": {\n'
              '  "username": "app", "password": "${var.db_password}"}}}}\n',
              path="infra/db.tf.json"),
        Valid('{"resource": {"aws_db_instance": {"main": {\n'
              '  "password": "${random_password.db.result}",\n'
              '  "manage_master_user_password": null}}}}\n', path="infra/random.tf.json"),
        Valid('{"resource": {"aws_ssm_parameter": {"db": {\n'
              '  "name": "/app/db-password", "type": "SecureString",\n'
              '  "value": "${data.aws_secretsmanager_secret_version.db.secret_string}"}}}}\n',
              path="infra/ssm.tf.json"),
        Valid('{"resource": {"aws_ssm_parameter": {"region": {\n'
              '  "name": "/app/region", "type": "String", "value": "eu-west-1"}}}}\n',
              path="infra/ssm_region.tf.json"),
        Valid('{"resource": [{"aws_ssm_parameter": {"token": {\n'
              '  "name": "/app/api-token", "type": "String",\n'
              '  "value": "${random_password.token.result}"}}}]}\n',
              path="infra/ssm_ref.tf.json"),
        Valid("- hosts: db\n  vars:\n    db_password: \"{{ vault_db_password }}\"\n"
              "  tasks:\n    - name: create user\n      community.postgresql.postgresql_user:\n"
              "        name: app\n        password: \"{{ db_password }}\"\n      no_log: true\n",
              path="playbooks/db.yml"),
        Valid("- hosts: all\n  vars:\n    api_token: !vault |\n"
              "      $ANSIBLE_VAULT;1.1;AES256\n      6231386438\n"
              "  tasks:\n    - ansible.builtin.debug:\n        msg: hi\n",
              path="playbooks/site.yml"),
        Valid("- hosts: web\n  tasks:\n    - name: token length\n      ansible.builtin.set_fact:\n"
              "        token_file: /etc/app/token\n        password_length: 32\n",
              path="playbooks/web.yml"),
        Valid("service: api\nprovider:\n  name: aws\n  environment:\n"
              "    API_KEY: ${ssm:/app/api-key}\n    DB_PASSWORD: ${env:DB_PASSWORD}\n",
              path="serverless.yml"),
        Valid("service: api\nprovider:\n  name: aws\nfunctions:\n  hello:\n"
              "    handler: handler.hello\n    environment:\n"
              "      STRIPE_SECRET: ${self:custom.stripeSecret}\n      TOKEN_TTL: '3600'\n",
              path="serverless.yml"),
        Valid("service: api\nprovider:\n  name: aws\n  environment:\n"
              "    SECRET_KEY: your-secret-key\n    ACCESS_TOKEN: xxxxxxxxxxxxxxxxxxxx\n",
              path="serverless.yml"),
        Valid("config:\n  aws:region: eu-west-1\n  app:dbPassword:\n"
              "    secure: v1:Zm9vYmFyYmF6:cXV4cXV1eGNvcmdlZ3JhdWx0\n", path="Pulumi.prod.yaml"),
        Valid("config:\n  app:apiToken: changeme\n  app:tokenTtl: '3600'\n"
              "  app:secretName: prod/api-token\n", path="infra/Pulumi.dev.yaml"),
        Valid("name: app\nruntime: python\nconfig:\n  dbPassword:\n    type: string\n"
              "    secret: true\n", path="Pulumi.yaml"),
        # Ansible vars files and loose task files.
        Valid("---\ndb_user: app\ndb_password: \"{{ vault_db_password }}\"\n"
              "api_token: \"{{ lookup('community.hashi_vault.hashi_vault',"
              " 'secret/app:token') }}\"\n",
              path="inventories/prod/group_vars/all.yml"),
        Valid("aws_access_key: AKIAIOSFODNN7EXAMPLE\naws_secret_key: !vault |\n"
              "  $ANSIBLE_VAULT;1.1;AES256\n  62313864386433616136\n"
              "db_password: changeme\n", path="group_vars/webservers"),
        Valid("---\napp_port: 8080\napp_password_length: 32\napp_token_file: /etc/app/token\n",
              path="roles/app/defaults/main.yml"),
        # Pulumi and CDK programs in Python.
        Valid("import pulumi\nimport pulumi_aws as aws\nimport pulumi_random as random\n\n"
              "config = pulumi.Config()\n"
              'password = random.RandomPassword("db", length=32, special=False)\n'
              'db = aws.rds.Instance("db", engine="postgres", username="app",\n'
              "    password=password.result)\n"
              'api = aws.ssm.Parameter("api", type="SecureString",\n'
              '    value=config.require_secret("apiToken"))\n', path="infra/__main__.py"),
        Valid("import pulumi\nimport pulumi_aws as aws\n\ncfg = pulumi.Config()\n"
              'fn = aws.lambda_.Function("api", runtime="python3.12",\n'
              "    environment=aws.lambda_.FunctionEnvironmentArgs(variables={\n"
              '        "API_TOKEN": cfg.get_secret("apiToken"),\n'
              '        "TOKEN_TTL": "3600",\n        "SECRET_NAME": "prod/api-token",\n'
              "    }))\n", path="infra/__main__.py"),
        Valid("from aws_cdk import SecretValue, Stack, aws_rds as rds\n\n"
              "class DbStack(Stack):\n    def __init__(self, scope, id):\n"
              "        super().__init__(scope, id)\n"
              '        rds.DatabaseInstance(self, "Db", engine=engine,\n'
              '            credentials=rds.Credentials.from_generated_secret("app"))\n'
              '        rds.DatabaseInstance(self, "Db2", engine=engine,\n'
              '            credentials=rds.Credentials.from_password("app",\n'
              '                SecretValue.secrets_manager("prod/db")))\n',
              path="cdk/stacks/db_stack.py"),
    ]
    INVALID = [
        Invalid('resource "aws_db_instance" "main" {\n  username = "app"\n'
                f'  password = "{_PASSWORD}"  # expect: LLC-IAC-010\n}}\n', path="main.tf"),
        Invalid('resource "aws_lambda_function" "api" {\n  function_name = "api"\n'
                "  environment {\n    variables = {\n"
                f'      SLACK_TOKEN = "{_SLACK}"  # expect: LLC-IAC-010\n'
                '      LOG_LEVEL   = "info"\n    }\n  }\n}\n', path="main.tf"),
        Invalid('resource "aws_instance" "web" {\n  ami = "ami-123"\n  user_data = <<-EOF\n'
                "    #!/bin/bash\n"
                f"    export AWS_ACCESS_KEY_ID={_AKID}  # expect: LLC-IAC-010\n"
                f"    export AWS_SECRET_ACCESS_KEY={_AWS_SECRET}  # expect: LLC-IAC-010\n"
                "  EOF\n}\n", path="main.tf"),
        Invalid(f'variable "api_token" {{\n  default = "{_TOKEN}"  # expect: LLC-IAC-010\n}}\n'
                'resource "github_actions_secret" "gh" {\n  repository = "app"\n'
                '  secret_name = "GH_TOKEN"\n'
                f'  plaintext_value = "{_GH_TOKEN}"  # expect: LLC-IAC-010\n}}\n', path="main.tf"),
        Invalid('{"variable": {"signing_secret": {\n'
                f'  "default": "{_TOKEN}"}}}},\n'
                ' "resource": {"aws_db_instance": {"main": {"password": "${random_password.db.'
                'result}"}}}}\n',
                path="infra/vars.tf.json", lines=(2,)),
        Invalid('resource "aws_launch_template" "w" {\n  user_data = base64encode(<<-EOF\n'
                "    #!/bin/bash\n    echo ${var.cluster} > /etc/cluster\n"
                f"    DATADOG_API_KEY={_TOKEN} ./install.sh  # expect: LLC-IAC-010\n"
                "  EOF\n  )\n}\n", path="main.tf"),
        Invalid(f'db_password = "{_PASSWORD}"  # expect: LLC-IAC-010\nregion = "eu-west-1"\n',
                path="envs/prod.tfvars"),
        Invalid('resource "aws_ssm_parameter" "token" {\n  name  = "/app/api-token"\n'
                '  type  = "String"\n'
                f'  value = "{_TOKEN}"  # expect: LLC-IAC-010\n}}\n', path="main.tf"),
        Invalid("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  DbPassword:\n"
                "    Type: String\n"
                f"    Default: {_PASSWORD}  # expect: LLC-IAC-010\n",
                path="cfn/db.yaml"),
        Invalid('{"resource": {"aws_ssm_parameter": {"token": {\n'
                '  "name": "/app/api-token",\n  "type": "String",\n'
                f'  "value": "{_TOKEN}"}}}}}}}}\n', path="infra/ssm_token.tf.json",
                lines=(4,)),
        Invalid('{\n  "resource": [\n    {"aws_ssm_parameter": {"db": {\n'
                '      "name": "/app/db-password",\n'
                f'      "insecure_value": "{_PASSWORD}"\n    }}}}}}\n  ]\n}}\n',
                path="infra/ssm_db.tf.json", lines=(5,)),
        Invalid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n"
                "    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n"
                "        Variables:\n"
                f"          API_TOKEN: {_TOKEN}  # expect: LLC-IAC-010\n",
                path="cfn/fn.yaml"),
        Invalid("Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n"
                "    Environment:\n      Variables:\n"
                f"        PARTNER_API_KEY: {_TOKEN}  # expect: LLC-IAC-010\n"
                "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
                "    Properties:\n      Handler: app.handler\n",
                path="sam/template.yaml"),
        Invalid('{"Resources": {"Db": {"Type": "AWS::RDS::DBCluster", "Properties": {\n'
                f'  "MasterUserPassword": "{_PASSWORD}"}}}}}}}}\n',
                path="cfn/db.json", lines=(2,)),
        Invalid('{\n  "Parameters": {\n    "ApiToken": {\n      "Type": "String",\n'
                f'      "Default": "{_TOKEN}"\n    }}\n  }},\n'
                '  "Resources": {"Role": {"Type": "AWS::IAM::Role"}}\n}\n',
                path="cfn/params.json", lines=(5,)),
        Invalid('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Fn": {\n'
                '  "Type": "AWS::Lambda::Function", "Properties": {"Environment": {\n'
                '    "Variables": {"LOG_LEVEL": "info",\n'
                f'      "SLACK_TOKEN": "{_SLACK}"}}}}}}}}}}}}\n',
                path="cfn/fn.json", lines=(4,)),
        Invalid('{"resource": {"aws_db_instance": {"main": {\n  "username": "app",\n'
                f'  "password": "{_PASSWORD}"}}}}}}}}\n',
                path="infra/db.tf.json", lines=(3,)),
        Invalid('{"resource": {"aws_lambda_function": {"api": {\n'
                '  "function_name": "api",\n  "environment": {"variables": {\n'
                f'    "SLACK_TOKEN": "{_SLACK}",\n    "LOG_LEVEL": "info"}}}}}}}}}}}}\n',
                path="infra/lambda.tf.json", lines=(4,)),
        Invalid("- hosts: db\n  vars:\n"
                f"    db_password: {_PASSWORD}  # expect: LLC-IAC-010\n"
                "  tasks:\n    - ansible.builtin.ping:\n",
                path="playbooks/db.yml"),
        Invalid("- hosts: localhost\n  tasks:\n    - name: upload\n"
                "      amazon.aws.s3_object:\n        bucket: b\n"
                f"        aws_access_key: {_AKID}  # expect: LLC-IAC-010\n"
                f"        aws_secret_key: {_AWS_SECRET}  # expect: LLC-IAC-010\n",
                path="playbooks/upload.yml"),
        Invalid("- name: set the token\n  ansible.builtin.set_fact:\n"
                f"    api_token: {_TOKEN}  # expect: LLC-IAC-010\n",
                path="roles/app/tasks/main.yml"),
        Invalid("service: api\nprovider:\n  name: aws\n  environment:\n"
                f"    AWS_SECRET_ACCESS_KEY: {_AWS_SECRET}  # expect: LLC-IAC-010\n",
                path="serverless.yml"),
        Invalid("service: api\nprovider:\n  name: aws\nfunctions:\n  hook:\n"
                "    handler: h.run\n    environment:\n"
                f"      SLACK_TOKEN: {_SLACK}  # expect: LLC-IAC-010\n",
                path="serverless.yml"),
        Invalid("service: api\nprovider:\n  name: aws\nresources:\n  Resources:\n    Db:\n"
                "      Type: AWS::RDS::DBInstance\n      Properties:\n"
                f"        MasterUserPassword: {_PASSWORD}  # expect: LLC-IAC-010\n",
                path="serverless.yml"),
        Invalid("config:\n  aws:region: eu-west-1\n"
                f"  app:dbPassword: {_PASSWORD}  # expect: LLC-IAC-010\n",
                path="Pulumi.prod.yaml"),
        Invalid("config:\n  app:stripe:\n    secure: v1:abc\n"
                f"  app:slackToken: {_SLACK}  # expect: LLC-IAC-010\n",
                path="infra/Pulumi.staging.yaml"),
        Invalid("name: app\nruntime: python\nconfig:\n  apiKey:\n"
                f"    default: {_TOKEN}  # expect: LLC-IAC-010\n", path="Pulumi.yaml"),
        Invalid("---\ndb_user: app\n"
                f"db_password: \"{_PASSWORD}\"  # expect: LLC-IAC-010\n",
                path="inventories/prod/group_vars/all.yml"),
        Invalid(f"ansible_user: deploy\naws_access_key: {_AKID}  # expect: LLC-IAC-010\n"
                f"aws_secret_key: {_AWS_SECRET}  # expect: LLC-IAC-010\n",
                path="inventory/host_vars/web1"),
        Invalid("---\nslack:\n  channel: '#deploys'\n"
                f"  token: {_SLACK}  # expect: LLC-IAC-010\n",
                path="roles/notify/vars/main.yml"),
        Invalid("- name: push the image\n  community.docker.docker_login:\n"
                "    username: ci\n"
                f"    password: {_PASSWORD}  # expect: LLC-IAC-010\n",
                path="tasks/registry.yml"),
        Invalid("import pulumi_aws as aws\n\n"
                'db = aws.rds.Instance("db", engine="postgres", username="app",\n'
                f'    password="{_PASSWORD}")  # expect: LLC-IAC-010\n',
                path="infra/__main__.py"),
        Invalid("import pulumi_aws as aws\n\n"
                'fn = aws.lambda_.Function("api", runtime="python3.12",\n'
                "    environment=aws.lambda_.FunctionEnvironmentArgs(variables={\n"
                f'        "GITHUB_TOKEN": "{_GH_TOKEN}",  # expect: LLC-IAC-010\n'
                "    }))\n", path="infra/__main__.py"),
        Invalid("from aws_cdk import SecretValue, Stack, aws_rds as rds\n\n"
                "class DbStack(Stack):\n    def __init__(self, scope, id):\n"
                "        super().__init__(scope, id)\n"
                '        rds.DatabaseInstance(self, "Db", engine=engine,\n'
                '            credentials=rds.Credentials.from_password("app",\n'
                f'                SecretValue.unsafe_plain_text("{_PASSWORD}")))'
                "  # expect: LLC-IAC-010\n", path="cdk/stacks/db_stack.py"),
    ]

    # ---- Terraform -------------------------------------------------------------------

    def check_python(self, doc: PythonDocument) -> None:
        """Pulumi and CDK programs: string constants given to any provider constructor, under
        a credential-named argument or key, or wrapped in ``SecretValue.unsafe_plain_text``
        / ``pulumi.Output.secret`` (which hide a value in the state, not in the code)."""
        for found in literal_arguments(doc):
            named = credential_key(found.key)
            if not named and not found.wrapped:
                continue
            owner = found.owner.split(".", 1)[-1]
            how = (" (marking it secret hides it in the state and the console, not in the "
                   "code)" if found.wrapped else "")
            self._judge(found.key if named else "secret", found.text, found.node,
                        f"`{found.key[:60]}` of `{owner[:80]}` is a literal credential in the "
                        f"program{how}: it is in the repository and every deployment; read "
                        "it with `config.require_secret(...)`, generate it "
                        "(`random.RandomPassword`) or let the service manage it")

    def check_hcl(self, doc: HclDocument) -> None:
        values = hcl_values(doc)
        tfvars = doc.path.lower().endswith(".tfvars")
        for name, attribute in doc.attributes.items():  # .tfvars: name = value
            if tfvars:
                self._hcl_pair(doc, values, name, attribute.node, attribute.expression,
                               "the `.tfvars` file")
        for block in doc.blocks:
            label = block.labels[0] if block.labels else ""
            if block.type == "provider" and label in PROVIDERS:
                continue  # LLC-IAC-007
            if block.type == "terraform":
                continue  # backends and cloud: LLC-IAC-007 (and other backends cannot vary)
            if block.type == "variable":
                self._variable(doc, values, block)
            elif block.type == "resource":
                self._resource(doc, values, block)
            else:
                self._body(doc, values, block, _where(block))

    def _variable(self, doc: HclDocument, values: HclValues, block: HclBlock) -> None:
        default = block.attributes.get("default")
        if default is None or not block.labels:
            return
        name = block.labels[0]
        if credential_key(name):
            self._hcl_value(doc, values, name, default.node, default.expression,
                            f'Variable "{name[:60]}" has a literal credential as its default: '
                            "every use of the module gets it, and it is in the repository and "
                            "the state")
        else:  # an object default: `default = { password = "..." }`
            self._hcl_pair(doc, values, name, default.node, default.expression,
                           f'the default of variable "{name[:60]}"')

    def _resource(self, doc: HclDocument, values: HclValues, block: HclBlock) -> None:
        native = block.labels[0] if block.labels else ""
        where = _where(block)
        for attribute_name in _USER_DATA.get(native, ()):
            attribute = block.attributes.get(attribute_name)
            if attribute is not None:
                self._user_data(doc, values, attribute.expression, where)
        stored = _SECRET_VALUE.get(native)
        if stored is not None and stored in block.attributes:
            attribute = block.attributes[stored]
            self._hcl_value(doc, values, "secret", attribute.node, attribute.expression,
                            f"`{where}` stores a literal secret in `{stored}`: it is in the "
                            "code and the state, and the secret store holds it in vain")
        if native == "aws_ssm_parameter":
            self._ssm(doc, values, block, where)
        if native == "aws_lambda_function":
            for env in block.blocks:
                if env.type == "environment":
                    self._body(doc, values, env, where, sink="lambda")
            return
        self._body(doc, values, block, where)

    def _ssm(self, doc: HclDocument, values: HclValues, block: HclBlock, where: str) -> None:
        kind = block.attributes.get("type")
        name = block.attributes.get("name")
        param = (name.literal if name is not None else None) or ""
        plain = kind is None or kind.literal == "String"
        for attr_name in ("value", "insecure_value"):
            attribute = block.attributes.get(attr_name)
            if attribute is None:
                continue
            key = param.rsplit("/", 1)[-1] or "secret"
            if not credential_key(key.replace("-", "_")) and credential_format(
                values.resolve(attribute.expression).constant or ""
            ) is None:
                continue
            how = "a plain `String` parameter" if plain else "a literal in the code and state"
            self._hcl_value(doc, values, key, attribute.node, attribute.expression,
                            f"`{where}` stores a credential as {how}: anyone who can read "
                            "the parameter, the code or the state has it")

    def _body(self, doc: HclDocument, values: HclValues, block: HclBlock, where: str,
              sink: str = "") -> None:
        for name, attribute in block.attributes.items():
            self._hcl_pair(doc, values, name, attribute.node, attribute.expression, where, sink)
        for nested in block.blocks:
            self._body(doc, values, nested, where, sink)

    def _hcl_pair(self, doc: HclDocument, values: HclValues, key: str, node: object,
                  expr: object, where: str, sink: str = "") -> None:
        """An attribute or object element: judge it if the key is a credential's, and look
        inside objects and calls (``jsonencode({password = ...})``) for more pairs."""
        if credential_key(key):
            if sink == "lambda":
                message = (f"Lambda environment variable `{key[:60]}` of `{where}` holds a "
                           "literal credential: anyone who can read the function's "
                           "configuration, the code or the state has it")
            else:
                message = (f"`{key[:60]}` in {where if where.startswith('the ') else f'`{where}`'}"
                           " is a literal credential: it is in the repository and the state, "
                           "and works until someone rotates it")
            self._hcl_value(doc, values, key, node, expr, message)
            return
        if not _may_nest_credentials(doc, expr):
            return  # no object element in it can be named like a credential: skip the walk
        for elem_key, elem_node, elem_value in _object_elements(doc, expr):
            self._hcl_pair(doc, values, elem_key, elem_node, elem_value, where, sink)

    def _hcl_value(self, doc: HclDocument, values: HclValues, key: str, node: object,
                   expr: object, message: str) -> None:
        resolved = values.resolve(expr)
        if resolved.origin is not ValueOrigin.LITERAL or resolved.via or resolved.text is None:
            return
        self._judge(key, resolved.text, node, message)

    def _user_data(self, doc: HclDocument, values: HclValues, expr: object, where: str
                   ) -> None:
        """The script's own strings: a heredoc or a quoted string, written here or through a
        local, wrapped or not (``base64encode(<<EOF ...)``); interpolated parts are
        references and never pass the judgement."""
        resolved = values.resolve(expr)
        if resolved.origin is ValueOrigin.LITERAL and resolved.node is not None:
            nodes = [resolved.node]
        else:
            nodes = list(_script_nodes(expr))
        for node in nodes:
            for key, value, start, end in _script_secrets(doc.source(node)):
                self._judge(key, value, iac_inline.hcl_span(doc, node, start, end),
                            f"The boot script of `{where}` sets `{key[:60]}` to a literal "
                            "credential: user data is readable by anything on the instance and "
                            "by anyone who can describe it; give the instance a role instead",
                            scripted=True)

    # ---- YAML front ends -------------------------------------------------------------

    def check_yaml(self, doc: YamlDocument) -> None:
        if doc.path.lower().rsplit("/", 1)[-1].startswith("pulumi."):
            for root in doc.roots:
                self._pulumi(root)
            return
        if doc.path.lower().endswith((".tf.json", ".tfvars.json")):
            for root in doc.roots:
                self._terraform_json(doc.path.lower().endswith(".tfvars.json"), root)
            return
        if ansible_yaml.vars_file(doc.path):
            for root in doc.roots:  # group_vars, host_vars, a role's vars and defaults
                self._ansible(root, "vars file")
            return
        for root in doc.roots:
            if serverless_yaml.is_serverless(root):
                self._serverless(doc, root)
            elif isinstance(yamlnodes.get(root, "Resources"), yamlnodes.MappingNode) or (
                isinstance(yamlnodes.get(root, "Parameters"), yamlnodes.MappingNode)
                and yamlnodes.get(root, "AWSTemplateFormatVersion") is not None
            ):
                self._cloudformation(doc, root)
            elif isinstance(root, yamlnodes.SequenceNode) or _tasks_file(root):
                self._ansible(root)

    def _terraform_json(self, tfvars: bool, root: yamlnodes.Node) -> None:
        """``.tf.json``: variable defaults, resources, modules, locals; ``${...}`` strings are
        interpolations (references)."""
        message = ("`{key}` in {where} is a literal credential: it is in the repository and the "
                   "state, and works until someone rotates it")
        if tfvars:
            for key, value in _yaml_pairs(root):
                self._json_value(key, value, message.format(key=key[:60],
                                                            where="the `.tfvars.json` file"))
            return
        for name, _, body in yamlnodes.items(yamlnodes.get(root, "variable")):
            default = yamlnodes.get(body, "default")
            if credential_key(name) and isinstance(default, yamlnodes.ScalarNode):
                self._json_value(name, default,
                                 f'Variable "{name[:60]}" has a literal credential as its '
                                 "default: every use of the module gets it, and it is in the "
                                 "repository and the state")
        for section in ("resource", "module", "locals", "data"):
            for key, value in _yaml_pairs(yamlnodes.get(root, section)):
                self._json_value(key, value, message.format(key=key[:60],
                                                            where=f"a `{section}` block"))
        resources = yamlnodes.get(root, "resource")
        for group in [resources, *yamlnodes.elements(resources)]:
            for label, _, body in yamlnodes.items(yamlnodes.get(group, "aws_ssm_parameter")):
                self._json_ssm(f"aws_ssm_parameter.{label}", body)

    def _json_ssm(self, where: str, body: yamlnodes.Node) -> None:
        """As ``_ssm`` for HCL: the parameter's name says what it holds, its value is judged
        whatever its type (a ``SecureString`` literal is still in the code and the state)."""
        kind = yamlnodes.scalar(yamlnodes.get(body, "type"))
        param = yamlnodes.scalar(yamlnodes.get(body, "name")) or ""
        plain = kind is None or kind == "String"
        key = param.rsplit("/", 1)[-1] or "secret"
        for attr_name in ("value", "insecure_value"):
            node = yamlnodes.get(body, attr_name)
            text = yamlnodes.scalar(node)
            if node is None or text is None or "${" in text:
                continue
            if not credential_key(key.replace("-", "_")) and credential_format(text) is None:
                continue
            how = "a plain `String` parameter" if plain else "a literal in the code and state"
            self._judge(key, text, node,
                        f"`{where}` stores a credential as {how}: anyone who can read the "
                        "parameter, the code or the state has it")

    def _json_value(self, key: str, value: yamlnodes.Node, message: str) -> None:
        text = yamlnodes.scalar(value)
        if text is not None and "${" not in text:
            self._judge(key, text, value, message)

    def _pulumi(self, root: yamlnodes.Node) -> None:
        """``config:`` of ``Pulumi.<stack>.yaml`` (``project:key: value``) and of
        ``Pulumi.yaml`` (``key: {default: value}``); ``secure:`` values are ciphertext."""
        for key, _, value in yamlnodes.items(yamlnodes.get(root, "config")):
            name = key.rsplit(":", 1)[-1]
            if not credential_key(name):
                continue
            written: yamlnodes.Node | None = value
            if isinstance(value, yamlnodes.MappingNode):
                if yamlnodes.get(value, "secure") is not None:
                    continue
                written = yamlnodes.get(value, "value") or yamlnodes.get(value, "default")
            self._yaml_value(name, written,
                             f"Pulumi config `{key[:60]}` is a literal credential in plain "
                             "text: set it with `pulumi config set --secret`, which stores it "
                             "encrypted (`secure:`)")

    def _serverless(self, doc: YamlDocument, root: yamlnodes.Node) -> None:
        for where, env in serverless_yaml.environments(root):
            for key, _, value in yamlnodes.items(env):
                if credential_key(key):
                    self._yaml_value(key, value,
                                     f"`{key[:60]}` in the {where} environment of "
                                     "`serverless.yml` is a literal credential: it is deployed "
                                     "into every function's configuration; use `${ssm:...}`")
        resources = serverless_yaml.resources(root)
        if resources is not None:
            self._cfn_resources(doc, resources)

    def _cloudformation(self, doc: YamlDocument, root: yamlnodes.Node) -> None:
        for name, _, body in yamlnodes.items(yamlnodes.get(root, "Parameters")):
            default = yamlnodes.get(body, "Default")
            if default is None or not credential_key(name):
                continue
            no_echo = (yamlnodes.scalar(yamlnodes.get(body, "NoEcho")) or "").lower() == "true"
            hidden = (" (`NoEcho` hides it from the console, not from the template)"
                      if no_echo else ", and without `NoEcho` the console shows it too")
            self._yaml_value(name, default,
                             f"Parameter `{name[:60]}` has a literal credential as its default: "
                             f"every stack made from the template gets it{hidden}")
        self._cfn_resources(doc, yamlnodes.get(root, "Resources"))
        env = yamlnodes.get(yamlnodes.get(yamlnodes.get(root, "Globals"), "Function"),
                            "Environment")
        for key, _, value in yamlnodes.items(yamlnodes.get(env, "Variables")):
            if credential_key(key):
                self._yaml_value(key, value,
                                 f"Lambda environment variable `{key[:60]}` (SAM `Globals`) "
                                 "holds a literal credential: every function of the template "
                                 "gets it, and anyone who can read their configuration has it")

    def _cfn_resources(self, doc: YamlDocument, resources: yamlnodes.Node | None) -> None:
        for name, _, body in yamlnodes.items(resources):
            kind = yamlnodes.scalar(yamlnodes.get(body, "Type")) or ""
            props = yamlnodes.get(body, "Properties")
            if kind in _LAMBDA_TYPES:
                variables = yamlnodes.get(yamlnodes.get(props, "Environment"), "Variables")
                for key, _, value in yamlnodes.items(variables):
                    if credential_key(key):
                        self._yaml_value(key, value,
                                         f"Lambda environment variable `{key[:60]}` of {name} "
                                         "holds a literal credential: anyone who can read the "
                                         "function's configuration has it")
            if kind in _USER_DATA_TYPES:
                self._cfn_user_data(doc, name, props)
            if kind == "AWS::SecretsManager::Secret":
                self._yaml_value("secret", yamlnodes.get(props, "SecretString"),
                                 f"{name} stores a literal `SecretString`: it is in the "
                                 "template, so the secret store holds it in vain")
            for key, value in _yaml_pairs(props, skip=("Variables",) if kind in _LAMBDA_TYPES
                                          else ()):
                self._yaml_value(key, value, f"`{key[:60]}` of {name} ({kind}) is a literal "
                                 "credential: it is in the template and every stack's "
                                 "configuration; use a `{{resolve:secretsmanager:...}}` "
                                 "reference")

    def _cfn_user_data(self, doc: YamlDocument, name: str, props: yamlnodes.Node | None
                       ) -> None:
        user_data = yamlnodes.get(props, "UserData")
        if user_data is None:  # a launch template nests it
            user_data = yamlnodes.get(yamlnodes.get(props, "LaunchTemplateData"), "UserData")
        for node in yamlnodes.walk(user_data) if user_data is not None else ():
            if not isinstance(node, yamlnodes.ScalarNode):
                continue
            source, offset = iac_inline.yaml_source(doc, node)
            for key, value, start, end in _script_secrets(source):
                self._judge(key, value, iac_inline.yaml_span(doc, offset + start, offset + end),
                            f"The user data of {name} sets `{key[:60]}` to a literal "
                            "credential: user data is readable by anything on the instance; "
                            "give the instance a role instead", scripted=True)

    def _ansible(self, root: yamlnodes.Node, what: str = "playbook") -> None:
        """Every credential-named scalar of plays, tasks, vars files and module arguments; a
        task's ``no_log`` covers its module's arguments (it hides them from the output only).
        A variables file is printed by nothing, so its message says nothing of ``no_log``."""
        seen: set[int] = set()
        stack: list[tuple[yamlnodes.Node, bool]] = [(root, False)]
        while stack:
            node, no_log = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yamlnodes.SequenceNode):
                stack.extend((item, no_log) for item in yamlnodes.elements(node))
                continue
            if not isinstance(node, yamlnodes.MappingNode):
                continue
            quiet = no_log or (yamlnodes.scalar(yamlnodes.get(node, "no_log")) or "").lower() \
                in ("true", "yes")
            for key, _, value in yamlnodes.items(node):
                if not isinstance(value, yamlnodes.ScalarNode):
                    stack.append((value, quiet))
                    continue
                if not credential_key(key):
                    continue
                logged = "" if quiet or what != "playbook" else (
                    " (and without `no_log: true` it is printed in the task output)")
                self._yaml_value(key, value, f"`{key[:60]}` is a literal credential in the "
                                 f"{what}: it is in the repository{logged}; use Ansible "
                                 "Vault (`ansible-vault encrypt_string`) or a lookup from a "
                                 "secret manager")

    def _yaml_value(self, key: str, value: yamlnodes.Node | None, message: str) -> None:
        text = yamlnodes.scalar(value)
        if text is None or value is None:
            return  # tagged (!Ref, !vault, !Sub), a mapping (Fn::...) or a list
        self._judge(key, text, value, message)

    # ---- the judgement ---------------------------------------------------------------

    def _judge(self, key: str, value: str, target: object, message: str, *,
               scripted: bool = False) -> None:
        stripped = value.strip()
        if not stripped or self.context.is_placeholder(stripped):
            return
        row = catalogue.classify(stripped)
        label = credential_format(stripped)
        if row is None and label is None:
            if not generated_secret(key, stripped, self.context.is_placeholder):
                return
            if scripted and not credential_key(key):
                return
        what = row.label if row is not None else label
        self.report(
            target,
            f"{message}{f' ({what})' if what else ''}.",
            lifetime=row.lifetime if row is not None else Lifetime.static(),
            value=stripped,
            severity=Severity.CRITICAL if what else Severity.HIGH,
        )


def _where(block: HclBlock) -> str:
    return " ".join([block.type, *(f'"{label}"' for label in block.labels)])


_ANY_CREDENTIAL_WORD = re.compile(r"(?i)pass|pwd|secret|token|key|credential")


def _may_nest_credentials(doc: HclDocument, expr: object) -> bool:
    """Whether an expression's text could hold an object element named like a credential:
    a cheap test on the source that spares walking the tree of every attribute."""
    text = doc.source(expr)
    return ("=" in text or ":" in text) and _ANY_CREDENTIAL_WORD.search(text) is not None


def _object_elements(doc: HclDocument, expr: object) -> Iterator[tuple[str, object, object]]:
    """``key = value`` elements of object literals in an expression, calls included."""
    stack: list[Any] = [expr]  # tree-sitter nodes (their binding ships partial stubs)
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", "")
        if kind == "object_elem":
            children = [c for c in node.named_children if c.type == "expression"]
            if len(children) == 2:
                key = doc.source(children[0]).strip().strip('"')
                yield key, node, children[1]
            continue
        if kind in ("expression", "collection_value", "object", "tuple", "function_call",
                    "function_arguments", "parenthesized_expression"):
            stack.extend(reversed(node.named_children))


def _script_nodes(expr: object) -> Iterator[object]:
    """Heredocs and quoted templates inside an expression, file paths of calls left out."""
    stack: list[Any] = [expr]  # tree-sitter nodes (their binding ships partial stubs)
    while stack:
        node = stack.pop()
        kind = getattr(node, "type", "")
        if kind in ("heredoc_template", "quoted_template", "string_lit"):
            yield node
            continue
        if kind == "function_call":
            ident = node.named_children[0] if node.named_child_count else None
            if ident is not None and ident.type == "identifier" and ident.text in (
                b"file", b"templatefile", b"filebase64"
            ):
                continue
        stack.extend(reversed(getattr(node, "named_children", ())))


def _yaml_pairs(node: yamlnodes.Node | None, skip: tuple[str, ...] = ()
                ) -> Iterator[tuple[str, yamlnodes.Node]]:
    """Credential-named scalar keys anywhere under ``node`` (nested maps, lists of maps),
    except under the keys ``skip`` names (a sink judged on its own)."""
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, yamlnodes.SequenceNode):
            stack.extend(yamlnodes.elements(item))
            continue
        for key, _, value in yamlnodes.items(item):
            if key in skip:
                continue
            if isinstance(value, yamlnodes.ScalarNode):
                if credential_key(key):
                    yield key, value
            elif yamlnodes.scalar(value) is None and not value.tag.startswith("!"):
                stack.append(value)


def _script_secrets(source: str) -> Iterator[tuple[str, str, int, int]]:
    """``NAME=value`` pairs and provider tokens in a script (user data)."""
    for found in iac_inline.assignments(source):
        if credential_key(found.key) or credential_format(found.value) is not None:
            yield found.key, found.value, found.start, found.end


def _tasks_file(root: yamlnodes.Node) -> bool:
    return isinstance(root, yamlnodes.MappingNode) and any(
        key in ("tasks", "vars", "hosts", "roles") for key, _, _ in yamlnodes.items(root))
