"""LLC-PY-005: a credential literal handed to an SDK or client constructor."""

from __future__ import annotations

import re

import libcst as cst

from scanner.api import (
    AWS_KEYWORDS,
    BASE32_UPPER,
    BASE64,
    Category,
    Evidence,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    SlotForm,
    Valid,
    credential_format,
    credential_shaped,
    dotted_name,
    fake_pem,
    fake_token,
    is_known_example,
    sample_severity,
    slot_calls,
    slot_low_keywords,
    slot_names,
    slot_params,
    slot_rows,
)

# Where each SDK takes a credential: the CREDENTIAL_SLOTS registry (keyword -> position,
# None for keyword-only; URL and DSN arguments; service-account dicts; module attributes).
_Params = dict[str, int | None]
_RULE = "LLC-PY-005"
_AWS: _Params = dict.fromkeys(sorted(AWS_KEYWORDS))
_CALLS: dict[str, _Params] = slot_params(_RULE)
#: APIs that take a URL or DSN string whose password part is the credential.
_URL_CALLS: dict[str, _Params] = slot_params(_RULE, SlotForm.URL)
_SERVICE_ACCOUNT_INFO = slot_calls(_RULE, SlotForm.KEY_INFO)
_MODULE_KEYS = slot_names(_RULE, SlotForm.MODULE_ATTRIBUTE)
_CONNECTION_STRINGS = slot_rows(_RULE, SlotForm.CONNECTION_STRING)
_GENERIC_KEYWORD = re.compile(
    r"(?i)(?:api_?key|secret|token|password|passwd|credential|private_key|client_secret)$"
)
_URL_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:([^@/\s]+)@")
_DSN_PASSWORD = re.compile(r"(?:^|\s)password=(\S+)")
_CONNECTION_KEY = re.compile(r"(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/=]{20,})")
_LOW_SEVERITY_PARAMS = slot_low_keywords()  # GitLab CI job tokens die with the job
#: Rule examples pretend to sit in ``app/example.py``, an example path (``sample_severity``).
_APP = "app/client.py"

_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=11)
_SECRET = fake_token("", 40, BASE64, seed=12)
_OPENAI = fake_token("sk-proj-", 48, seed=13)
_VAULT = fake_token("hvs.", 90, seed=14)
_AZURE = fake_token("", 34, seed=15)
_STORAGE = fake_token("", 86, BASE64, seed=16) + "=="
_PEM = fake_pem("PRIVATE KEY", 4, seed=17).replace("\n", "\\n")


class HardcodedSdkCredential(PythonRule):
    """## What it does
    Flags a credential written in the code and passed to a cloud SDK or API client: boto3
    `aws_access_key_id` / `aws_secret_access_key`, `hvac.Client(token=...)`, azure-identity
    `ClientSecretCredential`, a storage connection string with `AccountKey=`, a Google
    service-account dict with `private_key`, `msal` client secrets, OpenAI / Anthropic / Cohere /
    Mistral / Hugging Face / Slack / GitHub / GitLab / Stripe / Twilio / SendGrid tokens,
    Keycloak client secrets, Databricks and Snowflake credentials, database and redis passwords
    (also in a URL: SQLAlchemy, psycopg, asyncpg, redis, MongoDB), `stripe.api_key = "..."`,
    and, for any other imported API, a keyword named like a secret (`api_key`, `token`,
    `password`, `client_secret`, ...) whose value looks random. The SDKs and where they take a
    credential are the `CREDENTIAL_SLOTS` registry
    (`scanner/documents/python/libraries/credential_slots.py`).

    Only literals count, including module constants that hold one; environment reads,
    parameters, settings, placeholders (`"<your-key>"`, `"changeme"`, AWS's documentation
    keys) and published sample keys (the Azurite storage emulator's) are not reported. Values
    of at least 16 characters or of a known provider format qualify; a known format
    (`AKIA...`, `ghp_...`, `sk_live_...`, a private key) is critical, wherever it is. A value
    known only by the parameter it is passed as is reported at `info` in tests, fixtures,
    examples and docs, as LLC-SRC-014 does there.

    ## Why is this bad?
    A credential in source code is copied into every clone, fork, build cache and backup, and it
    does not expire: rotating it means finding every copy (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets).

    ## Example
    ```python
    s3 = boto3.client("s3", aws_access_key_id="AKIA...", aws_secret_access_key="...")
    ```

    Use instead:
    ```python
    s3 = boto3.client("s3")  # default chain: IRSA, EKS Pod Identity, instance role, SSO
    ```

    ## References
    - boto3 credentials: https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html
    - Azure DefaultAzureCredential: https://learn.microsoft.com/python/api/azure-identity/azure.identity.defaultazurecredential
    - Google application default credentials: https://cloud.google.com/docs/authentication/application-default-credentials
    - OWASP NHI2:2025 Secret Leakage
    """

    META = RuleMeta(
        id="LLC-PY-005",
        name="hardcoded-sdk-credential",
        summary="Hard-coded credential passed to an SDK or client constructor",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Remove the literal and rotate it now; resolve credentials from the platform "
        "(boto3 default chain, google.auth.default(), DefaultAzureCredential) or fetch "
        "short-lived ones from a secret manager at run time.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=(
            "boto3",
            "botocore",
            "aioboto3",
            "azure",
            "google.oauth2",
            "msal",
            "openai",
            "anthropic",
            "import cohere",
            "from cohere",
            "mistralai",
            "huggingface_hub",
            "slack_sdk",
            "slack_bolt",
            "import github",
            "github import",
            "import gitlab",
            "gitlab import",
            "hvac",
            "import stripe",
            "from stripe",
            "psycopg",
            "pymysql",
            "mysql.connector",
            "sqlalchemy",
            "authlib",
            # CREDENTIAL_SLOTS rows added with the registry (issue 13)
            "twilio",
            "sendgrid",
            "keycloak",
            "databricks",
            "snowflake.connector",
            "asyncpg",
            "import redis",
            "from redis",
            "pymongo",
            "motor.motor_asyncio",
        ),
    )

    VALID = [
        Valid(
            'import boto3\ns3 = boto3.client("s3")\n',
            path=_APP,
        ),
        # Environment reads, parameters and settings are references, not literals (PY-006).
        Valid(
            "import os\n"
            "import boto3, hvac\n"
            "def make(key_id, secret):\n"
            '    s3 = boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)\n'
            '    vault = hvac.Client(url=URL, token=os.environ["VAULT_TOKEN"])\n'
            "    return s3, vault\n",
            path=_APP,
        ),
        # Placeholders and AWS's documentation keys.
        Valid(
            "import boto3\n"
            "from openai import OpenAI\n"
            's3 = boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",\n'
            '                  aws_secret_access_key="<your-secret-access-key>")\n'
            'client = OpenAI(api_key="sk-your-api-key-here")\n'
            'local = OpenAI(base_url="http://localhost:8000/v1", api_key="sk-no-key-required")\n'
            'named = OpenAI(api_key="OPENAI_API_KEY")\n',
            path=_APP,
        ),
        # Short or low-entropy values; a non-secret keyword; a reassigned constant.
        Valid(
            "import psycopg2\n"
            "from anthropic import Anthropic\n"
            'conn = psycopg2.connect(host="db", user="app", password="postgres")\n'
            'KEY = "placeholder"\n'
            "if PROD:\n"
            "    KEY = load_key()\n"
            "client = Anthropic(api_key=KEY)\n"
            'engine_url = "postgresql://app@db/app"\n',
            path=_APP,
        ),
        # Found by its parameter alone, in a test; the Azurite emulator's published key.
        Valid(
            "import boto3\n"
            "from openai import OpenAI\n"
            "from azure.storage.blob import BlobServiceClient\n"
            "def test_client(stub):\n"
            f'    ai = OpenAI(api_key="{_AZURE}", base_url=stub.url)\n'
            f'    s3 = boto3.client("s3", aws_secret_access_key="{_SECRET}")\n'
            "    blob = BlobServiceClient.from_connection_string(\n"
            '        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"\n'
            '        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"\n'
            '        "K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1"\n'
            "    )\n",
            path="tests/test_clients.py",
        ),
        Valid(
            "from transformers import AutoTokenizer\n"
            "import boto3\n"
            'tok = AutoTokenizer.from_pretrained("bert-base-uncased", pad_token="[PAD]")\n',
            path=_APP,
        ),
    ]
    INVALID = [
        Invalid(
            "import boto3\n"
            f's3 = boto3.client("s3", aws_access_key_id="{_KEY_ID}",  # expect: LLC-PY-005\n'
            f'                  aws_secret_access_key="{_SECRET}")  # expect: LLC-PY-005\n',
            path=_APP,
        ),
        # Aliased imports, a module constant and a function-level import.
        Invalid(
            f'VAULT_TOKEN = "{_VAULT}"\n'
            "def vault():\n"
            "    import hvac as vault_lib\n"
            '    return vault_lib.Client(url="https://vault:8200", token=VAULT_TOKEN)'
            "  # expect: LLC-PY-005\n",
            path=_APP,
        ),
        Invalid(
            "from openai import OpenAI as Client\n"
            "from azure.identity import ClientSecretCredential as Cred\n"
            f'ai = Client(api_key="{_OPENAI}")  # expect: LLC-PY-005\n'
            f'cred = Cred(TENANT, CLIENT_ID, "{_AZURE}")  # expect: LLC-PY-005\n',
            path=_APP,
        ),
        Invalid(
            "from google.oauth2 import service_account\n"
            "INFO = {\n"
            '    "type": "service_account",\n'
            f'    "private_key": "{_PEM}",\n'
            '    "client_email": "ci@project.iam.gserviceaccount.com",\n'
            "}\n"
            "creds = service_account.Credentials.from_service_account_info(INFO)"
            "  # expect: LLC-PY-005\n",
            path=_APP,
        ),
        Invalid(
            "import stripe\n"
            "from azure.storage.blob import BlobServiceClient\n"
            "import sqlalchemy as sa\n"
            f'stripe.api_key = "sk_live_{_AZURE}"  # expect: LLC-PY-005\n'
            "blob = BlobServiceClient.from_connection_string(\n"
            '    "DefaultEndpointsProtocol=https;AccountName=acct;"\n'
            f'    "AccountKey={_STORAGE}"  # expect: LLC-PY-005\n'
            ")\n"
            f'engine = sa.create_engine("postgresql://app:{_AZURE}@db/app")'
            "  # expect: LLC-PY-005\n",
            path=_APP,
        ),
        # A provider format keeps its severity in a test.
        Invalid(
            "from openai import OpenAI\n"
            "def test_live():\n"
            f'    ai = OpenAI(api_key="{_OPENAI}")  # expect: LLC-PY-005\n',
            path="tests/test_live.py",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not node.args:
            return
        names = self.doc.qualified_names(node.func)
        params = next((_CALLS[n] for n in names if n in _CALLS), None)
        if params is None and _has_aws_keyword(node):
            params = _AWS  # session.client(...), get_session().create_client(...)
        if params is not None:
            for keyword, position in params.items():
                self._check(node, keyword, position, random=False)
        elif names:
            for arg in node.args:
                if arg.keyword is not None and _GENERIC_KEYWORD.search(arg.keyword.value):
                    self._check(node, arg.keyword.value, None, random=True)
        url_params = next((_URL_CALLS[n] for n in names if n in _URL_CALLS), None)
        if url_params is not None:
            self._url(node, url_params)
        if any(
            n.startswith(row.prefix) and n.rsplit(".", 1)[-1] in row.methods
            for row in _CONNECTION_STRINGS
            for n in names
        ):
            self._connection_string(node)
        if not names.isdisjoint(_SERVICE_ACCOUNT_INFO):
            self._service_account_info(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``stripe.api_key = "sk_live_..."``."""
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and not _MODULE_KEYS.isdisjoint(
                self.doc.qualified_names(target.target)
            ):
                found = self.doc.literal_string(node.value)
                if found is not None and credential_shaped(found[0]):
                    name = dotted_name(target.target) or "api_key"
                    self._report(node.value, found, f"assigned to `{name}`")

    # -- checks -----------------------------------------------------------------------------

    def _check(self, node: cst.Call, keyword: str, position: int | None, *, random: bool) -> None:
        value = self.doc.argument(node, keyword, position)
        if value is None:
            return
        found = self.doc.literal_string(value)
        if found is None or not credential_shaped(found[0], random=random):
            return
        severity = Severity.LOW if keyword in _LOW_SEVERITY_PARAMS else None
        self._report(value, found, f"passed as `{keyword}` to `{self._callee(node)}`", severity)

    def _url(self, node: cst.Call, params: _Params) -> None:
        value = next(
            (v for k, p in params.items() if (v := self.doc.argument(node, k, p)) is not None),
            None,
        )
        found = self.doc.literal_string(value) if value is not None else None
        if found is None or value is None:
            return
        match = _URL_PASSWORD.match(found[0]) or _DSN_PASSWORD.search(found[0])
        if match and credential_shaped(match.group(1)):
            phrase = f"passed as the URL's password to `{self._callee(node)}`"
            self._report(value, (match.group(1), found[1]), phrase)

    def _connection_string(self, node: cst.Call) -> None:
        value = self.doc.argument(node, "conn_str", 0)
        found = self.doc.literal_string(value) if value is not None else None
        match = _CONNECTION_KEY.search(found[0]) if found is not None else None
        if value is not None and found is not None and match and credential_shaped(match.group(1)):
            phrase = f"passed in a connection string to `{self._callee(node)}`"
            self._report(
                value,
                (match.group(1), found[1]),
                phrase,
                Severity.CRITICAL,
                kind="Azure account key",
            )

    def _service_account_info(self, node: cst.Call) -> None:
        info = self.doc.argument(node, "info", 0)
        if info is None:
            return
        key = self.doc.dict_value(info, "private_key", node)
        found = self.doc.literal_string(key) if key is not None else None
        if found is not None and credential_format(found[0]) == "private key":
            phrase = f"passed as a service-account `private_key` to `{self._callee(node)}`"
            self._report(node, found, phrase)

    def _report(
        self,
        target: cst.CSTNode,
        found: tuple[str, cst.BaseExpression],
        phrase: str,
        severity: Severity | None = None,
        *,
        kind: str | None = None,
    ) -> None:
        value, literal = found
        if self.context.is_placeholder(value) or is_known_example(value):
            return
        label = credential_format(value)
        if severity is None:
            severity = Severity.CRITICAL if label else Severity.HIGH
        if not label and severity is not Severity.CRITICAL:
            # Found by its parameter alone: sample data in tests, fixtures, examples and docs.
            severity = sample_severity(self.doc.path, Evidence.NAME) or severity
        kind = kind or label or "credential"
        literal = _piece(literal, value)
        inside = _inside(literal, target)
        related = [] if inside else [(literal, "the literal is defined here")]
        self.report(
            literal if inside else target,
            f"Hard-coded {kind} {phrase}: it is in every copy of the code and "
            "never expires; rotate it and load credentials from the platform.",
            lifetime=Lifetime.static(),
            value=value,
            severity=severity,
            related=related,
        )

    def _callee(self, node: cst.Call) -> str:
        names = sorted(self.doc.qualified_names(node.func))
        return names[0] if names else (dotted_name(node.func) or "the client")


def _has_aws_keyword(node: cst.Call) -> bool:
    return any(arg.keyword is not None and arg.keyword.value in _AWS for arg in node.args)


def _piece(literal: cst.BaseExpression, value: str) -> cst.BaseExpression:
    """The part of an implicitly concatenated string that holds ``value``, for its line."""
    while isinstance(literal, cst.ConcatenatedString):
        left, right = literal.left, literal.right
        if isinstance(left, cst.SimpleString) and value in str(left.evaluated_value):
            return left
        if not isinstance(right, cst.ConcatenatedString | cst.SimpleString):
            break
        literal = right
    return literal


def _inside(literal: cst.CSTNode, target: cst.CSTNode) -> bool:
    """The literal is the target itself or part of it (not a constant defined elsewhere)."""
    stack = [target]
    while stack:
        node = stack.pop()
        if node is literal:
            return True
        stack.extend(node.children)
    return False
