"""LLC-IAC-009: stored secrets and keys without expiry or rotation."""

from __future__ import annotations

import re

import libcst as cst

from scanner.api import (
    Category,
    FileKind,
    FrontEnd,
    HclDocument,
    IacRule,
    Invalid,
    Lifetime,
    Precision,
    PythonDocument,
    Resource,
    RuleContext,
    RuleMeta,
    Severity,
    Valid,
    YamlDocument,
    credential_resource,
    describe_duration,
)
from scanner.api.iac_lifetimes import (
    expression,
    is_false,
    nested,
    relative_end,
    seconds,
    until,
)

_SECRET = "aws.secretsmanager.secret"
_ROTATION = "aws.secretsmanager.rotation"
_KEY_VAULT = ("azurerm.key_vault_secret", "azurerm.key_vault_key")
_STORAGE = "azurerm.storage_account"
_ROW = credential_resource(_SECRET)
_DAY = 86400
#: Rotation more than this many days apart is flagged (catalogue: 90, as AWS Config's
#: ``secretsmanager-rotation-enabled-check`` default and CIS).
_ROTATION_MAX_DAYS = 90
#: Front ends whose resources come from Python programs (LibCST nodes).
_PYTHON = (FrontEnd.PULUMI, FrontEnd.CDK)
#: CDK database methods that rotate the database's secret, wherever it was declared.
_DB_ROTATIONS = frozenset({"add_rotation_single_user", "add_rotation_multi_user"})
_RATE = re.compile(r"rate\(\s*(\d+)\s+days?\s*\)", re.IGNORECASE)
#: A Key Vault secret is a credential when its name or value says so: vaults also hold
#: usernames, FQDNs and tenant ids, which have nothing to expire.
_CREDENTIAL_WORDS = re.compile(
    r"(?i)passw|pwd|secret|token|key|credential|connection_?string|sas|cert|private"
)


class StoredSecretWithoutRotation(IacRule):
    """## What it does
    Flags stored secrets that never expire or never rotate: Terraform
    `azurerm_key_vault_secret` and `azurerm_key_vault_key` without `expiration_date`, or with
    one more than `credential_max_validity_days` (default 90) away; `aws_secretsmanager_secret`
    with no `aws_secretsmanager_secret_rotation` in the same file naming it, and
    CloudFormation `AWS::SecretsManager::Secret` with no `AWS::SecretsManager::RotationSchedule`
    in the template; rotations more than 90 days apart (`automatically_after_days`,
    `rate(N days)`); and `azurerm_storage_account` whose `shared_access_key_enabled` is absent
    or `true` (low: account keys work until regenerated, and the default is on). A rotation
    that names a secret this file does not declare (a variable, a module output) leaves the
    file's secrets alone: it may be theirs. Pulumi programs in Python (`aws.secretsmanager.
    Secret` without a `SecretRotation` whose `secret_id` is that secret) and CDK apps
    (`secretsmanager.Secret` without `add_rotation_schedule` or a `RotationSchedule` for it)
    read the same, and so do their intervals: Pulumi's `rotation_rules` (a dict or a
    `SecretRotationRotationRulesArgs`, `automatically_after_days` or `schedule_expression`) and
    CDK's `automatically_after=Duration.days(N)` (absent, CDK's default is 30 days; `Duration.
    days(0)` writes no rotation rules at all, so the secret never rotates by itself). An RDS
    or DocumentDB `add_rotation_single_user`/`add_rotation_multi_user` in the file may rotate
    any of its secrets, so it leaves them alone.

    ## Why is this bad?
    A secret nobody rotates is as old as the system: every copy ever made of it (a laptop, a
    CI variable, a log) still works (OWASP NHI7 Long-Lived Secrets, NHI1 Improper Offboarding).

    ## Example
    ```hcl
    resource "azurerm_key_vault_secret" "api" {
      name         = "api-key"
      value        = var.api_key
      key_vault_id = azurerm_key_vault.main.id
    }
    ```

    Use instead:
    ```hcl
    resource "azurerm_key_vault_secret" "api" {
      name            = "api-key"
      value           = var.api_key
      key_vault_id    = azurerm_key_vault.main.id
      expiration_date = timeadd(time_rotating.api.id, "720h")
    }
    ```

    ## References
    - Terraform azurerm_key_vault_secret: https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault_secret
    - Terraform aws_secretsmanager_secret_rotation: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/secretsmanager_secret_rotation
    - Azure Storage, prevent Shared Key authorization: https://learn.microsoft.com/en-us/azure/storage/common/shared-key-authorization-prevent
    """

    META = RuleMeta(
        id="LLC-IAC-009",
        name="stored-secret-without-rotation",
        summary="Stored secret or key without expiry or rotation",
        category=Category.IAC_LONG_LIVED_CREDENTIAL,
        severity=Severity.MEDIUM,
        precision=Precision.MEDIUM,
        owasp=_ROW.owasp,
        fix=_ROW.fix,
        kinds=frozenset({FileKind.TERRAFORM, FileKind.CLOUDFORMATION, FileKind.PYTHON}),
        triggers=("azurerm_key_vault_secret", "azurerm_key_vault_key", "secretsmanager",
                  "azurerm_storage_account"),
    )

    VALID = [
        # The public half of a key pair kept in Key Vault: nothing secret to expire.
        Valid('resource "tls_private_key" "vm" {\n  algorithm = "RSA"\n}\n'
              'resource "azurerm_key_vault_secret" "vm_pub" {\n  name = "vm-ssh-private-key-pub"\n'
              "  value = tls_private_key.vm.public_key_openssh\n"
              "  key_vault_id = azurerm_key_vault.kv.id\n}\n", path="main.tf"),
        Valid('resource "azurerm_key_vault_secret" "api" {\n  name = "api-key"\n'
              "  value = var.api_key\n  key_vault_id = azurerm_key_vault.main.id\n"
              '  expiration_date = timeadd(time_rotating.api.id, "720h")\n}\n', path="main.tf"),
        Valid('resource "aws_secretsmanager_secret" "db" {\n  name = "db"\n}\n'
              'resource "aws_secretsmanager_secret_rotation" "db" {\n'
              "  secret_id           = aws_secretsmanager_secret.db.id\n"
              "  rotation_lambda_arn = aws_lambda_function.rotate.arn\n"
              "  rotation_rules {\n    automatically_after_days = 30\n  }\n}\n", path="main.tf"),
        Valid('resource "azurerm_storage_account" "sa" {\n  name = "sa"\n'
              "  shared_access_key_enabled = false\n}\n"
              'resource "azurerm_key_vault_key" "k" {\n  name = "k"\n'
              "  expiration_date = var.key_expiry\n}\n", path="main.tf"),
        Valid('resource "aws_secretsmanager_secret" "db" {\n  name = "db"\n}\n'
              'resource "aws_secretsmanager_secret_rotation" "other" {\n'
              "  secret_id = var.secret_arn\n"
              '  rotation_rules {\n    schedule_expression = "rate(30 days)"\n  }\n}\n',
              path="main.tf"),
        Valid('{"resource": {"azurerm_storage_account": {"sa": {\n'
              '  "name": "sa", "shared_access_key_enabled": false}}}}\n',
              path="infra/storage.tf.json"),
        Valid("Resources:\n  Db:\n    Type: AWS::SecretsManager::Secret\n"
              "    Properties:\n      GenerateSecretString: {PasswordLength: 32}\n"
              "  DbRotation:\n    Type: AWS::SecretsManager::RotationSchedule\n"
              "    Properties:\n      SecretId: !Ref Db\n"
              "      RotationRules: {AutomaticallyAfterDays: 30}\n",
              path="cfn/db.yaml"),
        Valid("Resources:\n  Role:\n    Type: AWS::IAM::Role\n"
              "# AWS::SecretsManager::Secret lives in the shared stack\n",
              path="cfn/app.yaml"),
        Valid('{"Resources": {"S": {"Type": "AWS::SecretsManager::Secret"},\n'
              ' "R": {"Type": "AWS::SecretsManager::RotationSchedule",\n'
              '  "Properties": {"SecretId": {"Ref": "S"},\n'
              '   "RotationRules": {"ScheduleExpression": "rate(7 days)"}}}}}\n',
              path="cfn/db.json"),
        Valid('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {\n'
              '  "Db": {"Type": "AWS::SecretsManager::Secret",\n'
              '   "Properties": {"GenerateSecretString": {"PasswordLength": 32}}},\n'
              '  "DbRotation": {"Type": "AWS::SecretsManager::RotationSchedule",\n'
              '   "Properties": {"SecretId": {"Ref": "Db"},\n'
              '    "RotationRules": {"AutomaticallyAfterDays": 30}}}}}\n',
              path="cfn/rotated.json"),
        Valid('{"Resources": {"Role": {"Type": "AWS::IAM::Role",\n'
              '  "Properties": {"Description": "reads AWS::SecretsManager::Secret values"}}}}\n',
              path="cfn/reader.json"),
        Valid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n"
              "    Type: AWS::SecretsManager::Secret\n  ApiRotation:\n"
              "    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n"
              "      SecretId: !Ref Api\n      RotationLambdaARN: !GetAtt Rotator.Arn\n"
              "      RotationRules:\n        ScheduleExpression: rate(30 days)\n",
              path="cfn/api.yaml"),
        Valid('{"resource": {"aws_secretsmanager_secret": {"db": {"name": "db"}},\n'
              ' "aws_secretsmanager_secret_rotation": {"db": {\n'
              '  "secret_id": "${aws_secretsmanager_secret.db.id}",\n'
              '  "rotation_rules": {"automatically_after_days": 30}}}}}\n',
              path="infra/secrets.tf.json"),
        Valid('{"resource": {"azurerm_key_vault_secret": {"api": {\n'
              '  "name": "api-key", "value": "${var.api_key}",\n'
              '  "expiration_date": "${timeadd(time_rotating.api.id, \\"720h\\")}"}}}}\n',
              path="infra/kv.tf.json"),
        # Pulumi and CDK programs in Python.
        Valid("import pulumi_aws as aws\n\n"
              'secret = aws.secretsmanager.Secret("api-token")\n'
              'aws.secretsmanager.SecretRotation("rot", secret_id=secret.id,\n'
              "    rotation_lambda_arn=fn.arn,\n"
              '    rotation_rules={"automatically_after_days": 30})\n', path="infra/__main__.py"),
        Valid("from aws_cdk import Duration, Stack, aws_secretsmanager as sm\n\n"
              "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
              "        super().__init__(scope, id)\n"
              '        self.token = sm.Secret(self, "Token")\n'
              '        self.token.add_rotation_schedule("Rotate", rotation_lambda=fn,\n'
              "            automatically_after=Duration.days(30))\n",
              path="cdk/stacks/app_stack.py"),
        Valid("from aws_cdk import Stack, aws_rds as rds, aws_secretsmanager as sm\n\n"
              "class DbStack(Stack):\n    def __init__(self, scope, id):\n"
              "        super().__init__(scope, id)\n"
              '        creds = sm.Secret(self, "DbCreds")\n'
              '        db = rds.DatabaseInstance(self, "Db", engine=engine,\n'
              "            credentials=rds.Credentials.from_secret(creds))\n"
              "        db.add_rotation_single_user()\n", path="cdk/stacks/app_stack.py"),
        Valid("import pulumi_aws as aws\n\n"
              'token = aws.secretsmanager.Secret("api-token")\n'
              'aws.secretsmanager.SecretRotation("token", secret_id=token.id,\n'
              "    rotation_lambda_arn=fn.arn,\n"
              "    rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(\n"
              '        schedule_expression="rate(30 days)"))\n', path="infra/__main__.py"),
    ]
    INVALID = [
        Invalid('resource "azurerm_key_vault_secret" "api" {  # expect: LLC-IAC-009\n'
                '  name = "api-key"\n  value = var.api_key\n'
                "  key_vault_id = azurerm_key_vault.main.id\n}\n", path="main.tf"),
        Invalid('resource "azurerm_key_vault_key" "k" {\n  name = "k"\n'
                '  expiration_date = "2099-12-31T00:00:00Z"  # expect: LLC-IAC-009\n}\n',
                path="main.tf"),
        Invalid('resource "aws_secretsmanager_secret" "api" {  # expect: LLC-IAC-009\n'
                '  name = "api"\n}\n', path="main.tf"),
        Invalid('resource "aws_secretsmanager_secret" "db" {\n  name = "db"\n}\n'
                'resource "aws_secretsmanager_secret_rotation" "db" {\n'
                "  secret_id = aws_secretsmanager_secret.db.id\n  rotation_rules {\n"
                "    automatically_after_days = 365  # expect: LLC-IAC-009\n  }\n}\n",
                path="main.tf"),
        Invalid('resource "azurerm_storage_account" "sa" {  # expect: LLC-IAC-009\n'
                '  name = "sa"\n  account_tier = "Standard"\n}\n', path="main.tf"),
        Invalid('{"resource": {"azurerm_key_vault_secret": {\n'
                '  "s": {"name": "api-token", "value": "${var.v}"}}}}\n',
                path="infra/kv.tf.json", lines=(2,)),
        Invalid("Resources:\n  ApiKey:  # expect: LLC-IAC-009\n"
                "    Type: AWS::SecretsManager::Secret\n"
                "    Properties:\n      Name: api-key\n", path="cfn/api.yaml"),
        Invalid("Resources:\n  Db:\n    Type: AWS::SecretsManager::Secret\n"
                "  DbRotation:\n    Type: AWS::SecretsManager::RotationSchedule\n"
                "    Properties:\n      SecretId: !Ref Db\n      RotationRules:\n"
                "        AutomaticallyAfterDays: 180  # expect: LLC-IAC-009\n",
                path="cfn/db.yaml"),
        Invalid("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
                "  Token:  # expect: LLC-IAC-009\n    Type: 'AWS::SecretsManager::Secret'\n"
                "    Properties:\n      Name: !Sub ${AWS::StackName}-token\n"
                "      SecretString: '{{resolve:ssm:/bootstrap/token}}'\n",
                path="cfn/token.yml"),
        Invalid('{\n  "Resources": {\n    "ApiKey": {\n'
                '      "Type": "AWS::SecretsManager::Secret",\n'
                '      "Properties": {"Name": "api-key"}\n    }\n  }\n}\n',
                path="cfn/api.json", lines=(3,)),
        Invalid('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {\n'
                '  "Db": {"Type": "AWS::SecretsManager::Secret"},\n'
                '  "DbRotation": {"Type": "AWS::SecretsManager::RotationSchedule",\n'
                '   "Properties": {"SecretId": {"Ref": "Db"},\n'
                '    "RotationRules": {"AutomaticallyAfterDays": 365}}}}}\n',
                path="cfn/db.json", lines=(5,)),
        Invalid('{"resource": {"aws_secretsmanager_secret": {\n'
                '  "api": {"name": "api"}}}}\n', path="infra/sm.tf.json", lines=(2,)),
        Invalid('{"resource": {"azurerm_storage_account": {\n'
                '  "sa": {"name": "sa", "account_tier": "Standard"}}}}\n',
                path="infra/storage.tf.json", lines=(2,)),
        Invalid('{"Resources": {\n  "Token": {"Type": "AWS::SecretsManager::Secret",\n'
                '            "Properties": {"Name": "token"}}}}\n',
                path="cfn/token.json", lines=(2,)),
        Invalid("import pulumi_aws as aws\n\n"
                'secret = aws.secretsmanager.Secret("api-token")  # expect: LLC-IAC-009\n'
                'aws.secretsmanager.SecretVersion("v", secret_id=secret.id,\n'
                "    secret_string=token)\n", path="infra/__main__.py"),
        Invalid("from aws_cdk import Stack, aws_secretsmanager as secretsmanager\n\n"
                "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
                "        super().__init__(scope, id)\n"
                '        secretsmanager.Secret(self, "ApiKey")  # expect: LLC-IAC-009\n',
                path="cdk/stacks/app_stack.py"),
        Invalid("from aws_cdk import Duration, Stack, aws_secretsmanager as sm\n\n"
                "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
                "        super().__init__(scope, id)\n"
                '        a = sm.Secret(self, "A")\n'
                '        b = sm.Secret(self, "B")  # expect: LLC-IAC-009\n'
                '        a.add_rotation_schedule("R", rotation_lambda=fn,\n'
                "            automatically_after=Duration.days(365))  # expect: LLC-IAC-009\n",
                path="cdk/stacks/app_stack.py"),
        Invalid("import pulumi_aws as aws\n\n"
                'token = aws.secretsmanager.Secret("api-token")\n'
                'aws.secretsmanager.SecretRotation("token", secret_id=token.id,\n'
                "    rotation_lambda_arn=fn.arn,\n"
                "    rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(\n"
                "        automatically_after_days=365))  # expect: LLC-IAC-009\n",
                path="infra/__main__.py"),
        Invalid("from aws_cdk import Duration, Stack, aws_secretsmanager as sm\n\n"
                "class AppStack(Stack):\n    def __init__(self, scope, id):\n"
                "        super().__init__(scope, id)\n"
                '        db = sm.Secret(self, "Db")\n'
                '        db.add_rotation_schedule("R",\n'
                "            hosted_rotation=sm.HostedRotation.postgre_sql_single_user(),\n"
                "            automatically_after=Duration.days(0))  # expect: LLC-IAC-009\n",
                path="cdk/stacks/db_stack.py"),
    ]

    RESOURCE_TYPES = frozenset({_SECRET, _ROTATION, *_KEY_VAULT, _STORAGE})

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self._file: list[Resource] = []

    def check_hcl(self, doc: HclDocument) -> None:
        self._file = []
        super().check_hcl(doc)
        self._rotations()

    def check_yaml(self, doc: YamlDocument) -> None:
        self._file = []
        super().check_yaml(doc)
        self._rotations()

    def check_python(self, doc: PythonDocument) -> None:
        self._file = []
        super().check_python(doc)
        if any(isinstance(call.func, cst.Attribute) and call.func.attr.value in _DB_ROTATIONS
               for call in doc.calls()):
            self._file = []  # a database's managed rotation may rotate any secret here
        self._rotations()

    def check_resource(self, resource: Resource) -> None:
        if resource.type in _KEY_VAULT:
            self._key_vault(resource)
        elif resource.type == _STORAGE:
            self._storage(resource)
        else:
            self._file.append(resource)

    def _key_vault(self, resource: Resource) -> None:
        what = credential_resource(resource.type or "").credential
        expiry = resource.attr("expiration_date")
        is_key = resource.type == "azurerm.key_vault_key"
        if expiry is None:
            if is_key and any(True for _ in nested(resource, "rotation_policy")):
                return
            if not is_key and not _holds_credential(resource):
                return
            self.report(
                resource.node,
                f"This {what} has no expiration_date"
                + (" or rotation_policy" if is_key else "")
                + ": it never expires, and nothing makes anyone rotate it.",
                lifetime=Lifetime.never(),
                # An encryption key authenticates nobody: rotating it is hygiene.
                severity=Severity.LOW if is_key else None,
            )
            return
        left = relative_end(resource, expiry)
        if left is None:
            left = until(expiry, self.context.now)
        limit = self.context.thresholds.credential_max_validity_days
        if left is not None and left > limit * _DAY:
            self.report(
                expiry.node,
                f"This {what} expires in {describe_duration(left)}, beyond the {limit}-day "
                "limit.",
                lifetime=Lifetime.seconds(left),
            )

    def _storage(self, resource: Resource) -> None:
        enabled = resource.attr("shared_access_key_enabled")
        if enabled is not None and (enabled.reference or is_false(enabled)):
            return
        self.report(
            enabled.node if enabled is not None else resource.node,
            "Shared Key access is "
            + ("on" if enabled is not None else "on by default (shared_access_key_enabled)")
            + ": the storage account keys, and SAS signed with them, work until someone "
            "regenerates the keys.",
            lifetime=Lifetime.static(),
            severity=Severity.LOW,
        )

    def _rotations(self) -> None:
        secrets = [r for r in self._file if r.type == _SECRET]
        rotations = [r for r in self._file if r.type == _ROTATION]
        self._file = []
        rotated: set[str] = set()
        unknown = False
        for rotation in rotations:
            self._interval(rotation)
            target = _rotated_secret(rotation, {s.name for s in secrets})
            if target is None:
                unknown = True
            else:
                rotated.add(target)
        if unknown:
            return  # a rotation of a secret declared elsewhere (or not known): may be theirs
        for secret in secrets:
            if secret.name in rotated or secret.has("rotation_lambda_arn"):
                continue
            if secret.front_end in _PYTHON and secret.has("rotation_rules"):
                continue
            if any(True for _ in nested(secret, "rotation_rules")):
                continue
            self.report(
                secret.node,
                f"Secrets Manager secret {secret.name!r} has no rotation configured: it "
                "keeps its first value until someone changes it by hand.",
                lifetime=Lifetime.static(),
            )

    def _interval(self, rotation: Resource) -> None:
        after = rotation.attr("automatically_after")  # CDK: a Duration, in seconds
        every = seconds(after) if rotation.front_end is FrontEnd.CDK else None
        if after is not None and every == 0:
            self.report(after.node, "`Duration.days(0)` turns automatic rotation off: CDK "
                        "writes no rotation rules, so the secret rotates only when someone "
                        "asks.", lifetime=Lifetime.static())
        if after is not None and every is not None and every > _ROTATION_MAX_DAYS * _DAY:
            self.report(after.node, f"This secret rotates every {every // _DAY} days, more "
                        f"than every {_ROTATION_MAX_DAYS}.", lifetime=Lifetime.seconds(every))
        for key, node, text in nested(rotation, _rules_name(rotation)):
            days: int | None = None
            if key.lower() in ("automatically_after_days", "automaticallyafterdays"):
                days = int(text) if text is not None and text.isdigit() else None
            elif key.lower() in ("schedule_expression", "scheduleexpression") and text:
                match = _RATE.search(text)
                days = int(match.group(1)) if match else None
            if days is not None and days > _ROTATION_MAX_DAYS:
                self.report(
                    node,
                    f"This secret rotates every {days} days, more than every "
                    f"{_ROTATION_MAX_DAYS}.",
                    lifetime=Lifetime.seconds(days * _DAY),
                )


def _holds_credential(secret: Resource) -> bool:
    """A secret whose name or value names a credential (not a username or an FQDN).

    The name counts by its quoted text (``format("%s-password", ...)``), the value by the
    identifiers it reads (``random_password.db.result``, ``var.smtp_password``); plumbing
    names (``key_vault_id``, ``each.key``, ``secret_prefix``) say nothing.
    """
    value = secret.attr("value")
    value_text = expression(secret, value) if value is not None else None
    if value_text is not None and _PUBLIC_HALF.search(value_text):
        return False  # a public key or its fingerprint, whatever the name: nothing to rotate
    name = secret.attr("name")
    if name is not None:
        quoted = " ".join(re.findall(r'"([^"]*)"', expression(secret, name) or ""))
        if _CREDENTIAL_WORDS.search(quoted or name.literal or ""):
            return True
    for token in re.findall(r"[A-Za-z_][\w-]*", value_text or ""):
        if token.lower() not in _PLUMBING and _CREDENTIAL_WORDS.search(token):
            return True
    return False


#: The public half of a generated key pair (``tls_private_key.x.public_key_openssh``).
_PUBLIC_HALF = re.compile(r"\.public_key_(?:openssh|pem|fingerprint)")
_PLUMBING = frozenset({"key", "keys", "keyvault", "keyvaults", "key_vault", "key_vault_id",
                       "keyvault_id", "keyvault_key", "lz_key", "secret_prefix", "secrets"})


def _rules_name(rotation: Resource) -> str:
    return "RotationRules" if rotation.front_end is FrontEnd.CLOUDFORMATION else "rotation_rules"


def _rotated_secret(rotation: Resource, names: set[str]) -> str | None:
    """The name of the file's secret a rotation rotates, or None when it names another."""
    attr = rotation.attr("secret_id")
    if rotation.front_end in _PYTHON:
        attr = attr or rotation.attr("secret")
        origin = attr.origin if attr is not None else None
        return origin.text if origin is not None and origin.text in names else None
    if attr is None:
        return None
    if rotation.front_end is FrontEnd.CLOUDFORMATION:
        value = attr.value
        ref = getattr(value, "value", None)
        if getattr(value, "tag", "") == "!Ref" and isinstance(ref, str):
            return ref if ref in names else None
        if isinstance(ref, list) and len(ref) == 1:
            key, target = ref[0]
            if getattr(key, "value", None) == "Ref" and getattr(target, "value", None) in names:
                return str(target.value)
        return None
    text = expression(rotation, attr) or ""
    match = re.search(r"\baws_secretsmanager_secret\.([A-Za-z_][\w-]*)", text)
    return match.group(1) if match and match.group(1) in names else None
