"""LLC-PY-006: long-term cloud keys wired into code, even when read from env or a file."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from scanner.api import (
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Origin,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    SlotForm,
    Valid,
    dotted_name,
    slot_methods,
    slot_names,
    slot_params,
    string_value,
)

# The clients that take a long-term key: the CREDENTIAL_SLOTS registry's LLC-PY-006 rows.
_RULE = "LLC-PY-006"
_KEY_ID, _SECRET, _TOKEN = "aws_access_key_id", "aws_secret_access_key", "aws_session_token"
_SLOTS = slot_params(_RULE)
_BOTO = frozenset(call for call, params in _SLOTS.items() if _KEY_ID in params)
_AZURE_SECRET = frozenset(call for call, params in _SLOTS.items() if "client_secret" in params)
_KEY_FILE_METHODS = slot_methods(_RULE, SlotForm.KEY_FILE)
_KEY_INFO = slot_methods(_RULE, SlotForm.KEY_INFO)
#: Names whose attributes and items are application settings (catalogue 0.4 references).
_SETTINGS_ROOTS = frozenset({"settings", "config", "conf", "cfg", "CONFIG", "SETTINGS"})
_CONFIG_READERS = frozenset({"decouple.config", "django.conf.settings"})
(_GOOGLE_ENV,) = slot_names(_RULE, SlotForm.ENV_VAR)  # GOOGLE_APPLICATION_CREDENTIALS


class StaticCloudKey(PythonRule):
    """## What it does
    Flags code that authenticates to a cloud with a long-term key, wherever the key comes from:
    - boto3 (`client`, `resource`, `Session`) given `aws_access_key_id` and
      `aws_secret_access_key` read from the environment, a file or settings, with no
      `aws_session_token` (a key pair without a session token is an IAM-user key);
    - Google `Credentials.from_service_account_file(...)` / `from_service_account_json(...)`,
      `from_service_account_info(...)` fed from the environment or a file, and setting
      `GOOGLE_APPLICATION_CREDENTIALS` to a key file path;
    - azure-identity `ClientSecretCredential` whose secret is read from the environment, a file
      or settings.

    Literal keys are LLC-PY-005's; parameters and values of unknown origin are left alone.
    In test code (`tests/`, `test_*.py`, `conftest.py`) findings are informational: a test
    wiring a client to a stub or an emulator from its environment is not a deployment.

    ## Why is this bad?
    Moving a key from the code to an environment variable hides it but does not shorten it: an
    IAM-user key, a service-account key file or a client secret stays valid for months or years
    and is copied into every environment that runs the code (OWASP NHI7 Long-Lived Secrets,
    NHI6 Insecure Cloud Deployment Configurations). The platforms issue short-lived credentials
    to workloads without any stored key.

    ## Example
    ```python
    s3 = boto3.client(
        "s3",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )
    creds = service_account.Credentials.from_service_account_file("deploy-key.json")
    ```

    Use instead:
    ```python
    s3 = boto3.client("s3")                # IRSA, EKS Pod Identity, ECS task or instance role
    creds, project = google.auth.default()  # workload identity or metadata server
    ```

    ## References
    - IAM roles instead of long-term keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
    - GKE Workload Identity / workload identity federation: https://cloud.google.com/iam/docs/workload-identity-federation
    - Azure managed identities: https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-006",
        name="static-cloud-key",
        summary="Static long-term cloud key used in code (even from env or file)",
        category=Category.STATIC_SECRET,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI6"),
        fix="Drop the stored key: use the platform's workload identity (IRSA / EKS Pod "
        "Identity / task roles, GKE Workload Identity or federation, Azure Managed Identity).",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=(
            "boto3",
            "botocore",
            "aioboto3",
            "service_account",
            "google_application_credentials",
            "clientsecretcredential",
        ),
    )

    VALID = [
        Valid('import boto3\ns3 = boto3.client("s3", region_name="eu-west-1")\n'),
        # Temporary credentials (with a session token), parameters of a helper.
        Valid(
            "import os, boto3\n"
            "creds = sts.assume_role(RoleArn=ARN, RoleSessionName='job')['Credentials']\n"
            's3 = boto3.client("s3", aws_access_key_id=creds["AccessKeyId"],\n'
            '                  aws_secret_access_key=creds["SecretAccessKey"],\n'
            '                  aws_session_token=creds["SessionToken"])\n'
            "def make(key_id, secret):\n"
            '    return boto3.client("s3", aws_access_key_id=key_id,'
            " aws_secret_access_key=secret)\n"
        ),
        Valid(
            "import google.auth\n"
            "from azure.identity import DefaultAzureCredential, ClientSecretCredential\n"
            "creds, project = google.auth.default()\n"
            "cred = DefaultAzureCredential()\n"
            "def build(tenant, client, secret):\n"
            "    return ClientSecretCredential(tenant, client, secret)\n"
        ),
        # An unrelated environment variable; a service account built from a parameter.
        Valid(
            "import os\n"
            "from google.oauth2 import service_account\n"
            'os.environ["GOOGLE_CLOUD_PROJECT"] = "my-project"\n'
            "def creds(info):\n"
            "    return service_account.Credentials.from_service_account_info(info)\n"
        ),
        # Test code (rules.md 2.3.5): informational, like the other PY rules.
        Valid(
            "import os, boto3\n"
            "def test_upload(moto_server):\n"
            '    s3 = boto3.client("s3", endpoint_url=moto_server,\n'
            '                      aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
            '                      aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n',
            path="tests/integrations/test_s3.py",
        ),
    ]
    INVALID = [
        Invalid(
            "import os\n"
            "import boto3\n"
            "s3 = boto3.client(  # expect: LLC-PY-006\n"
            '    "s3",\n'
            '    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],\n'
            '    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],\n'
            ")\n"
        ),
        # Aliases, a function-level import, names bound to env reads and settings.
        Invalid(
            "from os import getenv\n"
            "from django.conf import settings\n"
            "KEY_ID = getenv('AWS_KEY_ID')\n"
            "def session():\n"
            "    import boto3 as aws\n"
            "    secret = settings.AWS_SECRET\n"
            "    return aws.Session(aws_access_key_id=KEY_ID,"
            " aws_secret_access_key=secret)  # expect: LLC-PY-006\n"
        ),
        Invalid(
            "from google.oauth2 import service_account as sa\n"
            "from google.cloud import storage\n"
            'creds = sa.Credentials.from_service_account_file("deploy-key.json")'
            "  # expect: LLC-PY-006\n"
            'client = storage.Client.from_service_account_json("key.json")'
            "  # expect: LLC-PY-006\n"
        ),
        Invalid(
            "import json, os\n"
            "from google.oauth2.service_account import Credentials\n"
            'info = json.loads(os.environ["GCP_SA_JSON"])\n'
            "creds = Credentials.from_service_account_info(info)  # expect: LLC-PY-006\n"
            'os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "/secrets/sa.json"'
            "  # expect: LLC-PY-006\n"
        ),
        Invalid(
            "import os\n"
            "from azure.identity import ClientSecretCredential\n"
            "cred = ClientSecretCredential(os.environ['AZURE_TENANT_ID'],"
            " os.environ['AZURE_CLIENT_ID'],  # expect: LLC-PY-006\n"
            "                              os.environ['AZURE_CLIENT_SECRET'])\n"
        ),
    ]

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_Call(self, node: cst.Call) -> None:
        names = self.doc.qualified_names(node.func)
        if not names.isdisjoint(_BOTO) or _has_aws_keyword(node):
            self._boto(node)
        elif not names.isdisjoint(_AZURE_SECRET):
            self._azure(node)
        elif isinstance(node.func, cst.Attribute) and any(n.startswith("google.") for n in names):
            method = node.func.attr.value
            if method in _KEY_FILE_METHODS:
                self.report(
                    node,
                    "Google credentials loaded from a service-account key file: the key is "
                    "valid until deleted, and the file is copied wherever the code runs.",
                    lifetime=Lifetime.static(),
                )
            elif method in _KEY_INFO:
                info = self.doc.argument(node, "info", 0)
                if info is not None and self.doc.origin(info, node) in (Origin.ENV, Origin.FILE):
                    self.report(
                        node,
                        "Google credentials built from a service-account key read at run time: "
                        "the key never expires, wherever it is stored.",
                        lifetime=Lifetime.static(),
                    )

    def visit_Assign(self, node: cst.Assign) -> None:
        """``os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "key.json"``."""
        for target in node.targets:
            sub = target.target
            if not (isinstance(sub, cst.Subscript) and len(sub.slice) == 1):
                continue
            index = sub.slice[0].slice
            if not (isinstance(index, cst.Index) and string_value(index.value) == _GOOGLE_ENV):
                continue
            if "os.environ" not in self.doc.qualified_names(sub.value):
                continue
            path = self.doc.literal_string(node.value)
            if path is not None and path[0].lower().endswith(".json"):
                self.report(
                    node,
                    "`GOOGLE_APPLICATION_CREDENTIALS` points at a key file: a service-account "
                    "key is valid until someone deletes it.",
                    lifetime=Lifetime.static(),
                )

    def _boto(self, node: cst.Call) -> None:
        key_id = self.doc.argument(node, _KEY_ID)
        secret = self.doc.argument(node, _SECRET)
        if key_id is None or secret is None or self.doc.has_argument(node, _TOKEN) is not False:
            return
        if not (self._is_reference(key_id, node) and self._is_reference(secret, node)):
            return
        self.report(
            node,
            "AWS client built from a static access key pair with no session token: an IAM-user "
            "key that works until someone deletes it; let the SDK use a role instead.",
            lifetime=Lifetime.static(),
        )

    def _azure(self, node: cst.Call) -> None:
        names = self.doc.qualified_names(node.func)
        position = next((_SLOTS[n]["client_secret"] for n in names if n in _AZURE_SECRET), 2)
        secret = self.doc.argument(node, "client_secret", position)
        if secret is not None and self._is_reference(secret, node):
            self.report(
                node,
                "Azure credential built from a client secret: service-principal secrets last "
                "up to two years; use a managed identity or workload identity federation.",
                lifetime=Lifetime.static(),
            )

    def _is_reference(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """Read from the environment, a file or application settings (not a literal)."""
        if self.doc.origin(expr, at) in (Origin.ENV, Origin.FILE):
            return True
        value = self.doc.resolve(expr, at)
        if isinstance(value, cst.Call):
            return self._is_config(value.func)
        base = value
        while isinstance(base, cst.Subscript):  # config["aws"]["secret"]
            base = base.value
        if isinstance(base, cst.Name):
            return base is not value and base.value in _SETTINGS_ROOTS
        if not isinstance(base, cst.Attribute):
            return False
        dotted = dotted_name(base)
        if dotted is None:
            return False
        parts = dotted.split(".")
        return parts[0] in _SETTINGS_ROOTS or "config" in parts[1:] or self._is_config(base)

    def _is_config(self, node: cst.BaseExpression) -> bool:
        return any(
            name == reader or name.startswith(reader + ".")
            for name in self.doc.qualified_names(node)
            for reader in _CONFIG_READERS
        )


def _has_aws_keyword(node: cst.Call) -> bool:
    return any(arg.keyword is not None and arg.keyword.value == _KEY_ID for arg in node.args)
