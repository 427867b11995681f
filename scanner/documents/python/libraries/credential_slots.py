"""The ``CREDENTIAL_SLOTS`` table: where an SDK or HTTP client takes a standing credential.

One row per SDK, client or HTTP library: the calls (qualified names) or methods, the keyword
or position that holds the credential, what kind of credential it is and how long it lives,
and the rules that read the row (LLC-PY-005 literals, LLC-PY-006 long-term cloud keys from
anywhere, LLC-PY-007 HTTP headers and basic auth). Rows are plain data (no LibCST), so the
``ast`` pre-screen (``sinkscreen``) reads the same table and a new row gates itself. Each row
has an INVALID and a VALID example in ``tests/test_python_registries.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class SlotForm:
    """How a row's credential reaches the call (``CredentialSlot.form``)."""

    ARGUMENT = "argument"  # a keyword or position of the call (``api_key="..."``)
    URL = "url"  # a URL or DSN argument whose password part is the credential
    CONNECTION_STRING = "connection string"  # ``AccountKey=...`` in a connection string
    KEY_INFO = "key info"  # a service-account dict with ``private_key``
    KEY_FILE = "key file"  # a method loading a service-account key file
    MODULE_ATTRIBUTE = "module attribute"  # ``stripe.api_key = "..."``
    ENV_VAR = "environment variable"  # ``os.environ[NAME] = "key.json"``
    HTTP = "http"  # an HTTP call or client taking ``headers=`` and ``auth=``
    BASIC_AUTH = "basic auth"  # an auth object given a password
    HEADER = "header"  # a header name that carries a credential


PY005, PY006, PY007 = "LLC-PY-005", "LLC-PY-006", "LLC-PY-007"
STATIC = "static: valid until someone rotates or deletes it"
Params = tuple[tuple[str, int | None], ...]


@dataclass(frozen=True, slots=True)
class CredentialSlot:
    """One place a credential is handed to a library (see the module docstring)."""

    key: str
    library: str
    form: str
    rules: frozenset[str]
    credential: str  # what the slot holds, for readers of the table
    lifetime: str = STATIC
    calls: frozenset[str] = frozenset()  # qualified names of the function, class or method
    params: Params = ()  # (keyword, position or None for keyword-only)
    methods: frozenset[str] = frozenset()  # method names, on a receiver the rule may not resolve
    prefix: str = ""  # KEY_FILE / KEY_INFO / CONNECTION_STRING: the library's qualified prefix
    names: frozenset[str] = frozenset()  # MODULE_ATTRIBUTE / ENV_VAR / HEADER names
    low: frozenset[str] = frozenset()  # keywords whose credential dies with its job


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


def _kw(*keywords: str) -> Params:
    return tuple((k, None) for k in keywords)


def _row(
    key: str, library: str, calls: Iterable[str], params: Params, credential: str,
    rules: frozenset[str] = _s(PY005), low: frozenset[str] = frozenset(),
) -> CredentialSlot:
    return CredentialSlot(
        key=key, library=library, form=SlotForm.ARGUMENT, rules=rules, credential=credential,
        calls=frozenset(calls), params=params, low=low,
    )


_BOTO = (
    "boto3.client",
    "boto3.resource",
    "boto3.Session",
    "boto3.session.Session",
    "aioboto3.Session",
    "botocore.session.Session.create_client",
)
_AWS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
#: boto3's credential keywords, which LLC-PY-005 and LLC-PY-006 check on any call.
AWS_KEYWORDS = frozenset(_AWS)
_API_KEY = _kw("api_key")
_URL = (("url", 0), ("dsn", None))
_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
_PW = "a database password"

CREDENTIAL_SLOTS: tuple[CredentialSlot, ...] = (
    # --- clouds
    _row("boto3", "boto3, botocore, aioboto3", _BOTO, _kw(*_AWS),
         "an IAM-user access key pair", _s(PY005, PY006)),
    _row("azure.ClientSecretCredential", "azure-identity",
         ("azure.identity.ClientSecretCredential", "azure.identity.aio.ClientSecretCredential"),
         (("client_secret", 2),), "a service-principal client secret (up to two years)",
         _s(PY005, PY006)),
    _row("azure.CertificateCredential", "azure-identity",
         ("azure.identity.CertificateCredential",), _kw("password"),
         "a certificate's password"),
    _row("azure.UsernamePasswordCredential", "azure-identity",
         ("azure.identity.UsernamePasswordCredential",), (("password", 3),),
         "a user's password (ROPC)"),
    _row("azure.BlobServiceClient", "azure-storage-blob",
         ("azure.storage.blob.BlobServiceClient",), (("credential", 1),),
         "a storage account key or SAS"),
    CredentialSlot("azure.from_connection_string", "azure-storage, azure-servicebus, ...",
                   SlotForm.CONNECTION_STRING, _s(PY005), "an account or shared access key",
                   params=(("conn_str", 0),), methods=_s("from_connection_string"),
                   prefix="azure."),
    CredentialSlot("google.service_account_info", "google-auth", SlotForm.KEY_INFO,
                   _s(PY005, PY006), "a service-account private key",
                   calls=_s("google.oauth2.service_account.Credentials"
                            ".from_service_account_info",
                            "google.oauth2.service_account.IDTokenCredentials"
                            ".from_service_account_info"),
                   params=(("info", 0),), methods=_s("from_service_account_info"),
                   prefix="google."),
    CredentialSlot("google.service_account_file", "google-auth, google-cloud-*",
                   SlotForm.KEY_FILE, _s(PY006), "a service-account key file",
                   methods=_s("from_service_account_file", "from_service_account_json"),
                   prefix="google."),
    CredentialSlot("google.application_credentials", "google-auth", SlotForm.ENV_VAR,
                   _s(PY006), "a service-account key file path",
                   names=_s("GOOGLE_APPLICATION_CREDENTIALS")),
    _row("msal.ConfidentialClientApplication", "msal", ("msal.ConfidentialClientApplication",),
         (("client_credential", 1),), "a client secret"),
    _row("databricks.sql", "databricks-sql-connector", ("databricks.sql.connect",),
         _kw("access_token"), "a Databricks personal access token"),
    _row("databricks.sdk", "databricks-sdk", ("databricks.sdk.WorkspaceClient",
         "databricks.sdk.AccountClient"), _kw("token", "client_secret", "password"),
         "a Databricks personal access token or client secret"),
    _row("snowflake.connector", "snowflake-connector-python",
         ("snowflake.connector.connect",), _kw("password", "token"),
         "a Snowflake password"),
    # --- AI and SaaS APIs
    _row("openai", "openai", ("openai.OpenAI", "openai.AsyncOpenAI", "openai.AzureOpenAI",
         "openai.AsyncAzureOpenAI"), _API_KEY, "an OpenAI API key"),
    CredentialSlot("openai.api_key", "openai < 1", SlotForm.MODULE_ATTRIBUTE, _s(PY005),
                   "an OpenAI API key", names=_s("openai.api_key")),
    _row("anthropic", "anthropic", ("anthropic.Anthropic", "anthropic.AsyncAnthropic"),
         _API_KEY, "an Anthropic API key"),
    _row("cohere", "cohere", ("cohere.Client", "cohere.ClientV2"), (("api_key", 0),),
         "a Cohere API key"),
    _row("mistralai", "mistralai", ("mistralai.Mistral",), (("api_key", 0),),
         "a Mistral API key"),
    _row("huggingface_hub.login", "huggingface_hub", ("huggingface_hub.login",),
         (("token", 0),), "a Hugging Face access token"),
    _row("huggingface_hub.HfApi", "huggingface_hub", ("huggingface_hub.HfApi",),
         (("token", 1),), "a Hugging Face access token"),
    _row("huggingface_hub.InferenceClient", "huggingface_hub",
         ("huggingface_hub.InferenceClient",), _kw("token"), "a Hugging Face access token"),
    CredentialSlot("stripe.api_key", "stripe", SlotForm.MODULE_ATTRIBUTE, _s(PY005),
                   "a Stripe secret key", names=_s("stripe.api_key")),
    _row("stripe.StripeClient", "stripe", ("stripe.StripeClient",), (("api_key", 0),),
         "a Stripe secret key"),
    _row("twilio", "twilio", ("twilio.rest.Client",), (("password", 1),),
         "a Twilio auth token"),
    _row("sendgrid", "sendgrid", ("sendgrid.SendGridAPIClient",), (("api_key", 0),),
         "a SendGrid API key"),
    _row("slack_sdk", "slack_sdk", ("slack_sdk.WebClient", "slack_sdk.web.WebClient",
         "slack_sdk.web.async_client.AsyncWebClient"), (("token", 0),),
         "a Slack bot or user token"),
    _row("slack_bolt", "slack_bolt", ("slack_bolt.App", "slack_bolt.async_app.AsyncApp"),
         _kw("token", "signing_secret"), "a Slack bot token and signing secret"),
    _row("github.Github", "PyGithub", ("github.Github",),
         (("login_or_token", 0), ("password", 1)), "a GitHub personal access token"),
    _row("github.Auth.Token", "PyGithub", ("github.Auth.Token",), (("token", 0),),
         "a GitHub personal access token"),
    _row("github.Auth.Login", "PyGithub", ("github.Auth.Login",), (("password", 1),),
         "a GitHub password"),
    _row("gitlab", "python-gitlab", ("gitlab.Gitlab",),
         (("private_token", 1), ("oauth_token", 2), ("job_token", 3)),
         "a GitLab personal access token", low=_s("job_token")),
    _row("keycloak.KeycloakOpenID", "python-keycloak", ("keycloak.KeycloakOpenID",),
         (("client_secret_key", 3),), "a Keycloak client secret"),
    _row("keycloak.KeycloakAdmin", "python-keycloak", ("keycloak.KeycloakAdmin",),
         _kw("password", "client_secret_key"), "a Keycloak admin password or client secret"),
    _row("hvac", "hvac", ("hvac.Client",), (("token", 1),), "a Vault token"),
    _row("authlib.OAuth2Session", "authlib",
         ("authlib.integrations.requests_client.OAuth2Session",
          "authlib.integrations.httpx_client.OAuth2Client",
          "authlib.integrations.httpx_client.AsyncOAuth2Client"),
         (("client_secret", 1),), "an OAuth client secret"),
    # --- databases
    _row("psycopg2", "psycopg2", ("psycopg2.connect",), _kw("password"), _PW),
    _row("psycopg", "psycopg 3", ("psycopg.connect", "psycopg.AsyncConnection.connect"),
         _kw("password"), _PW),
    _row("pymysql", "PyMySQL", ("pymysql.connect",), _kw("password"), _PW),
    _row("mysql.connector", "mysql-connector-python", ("mysql.connector.connect",),
         _kw("password"), _PW),
    _row("asyncpg", "asyncpg", ("asyncpg.connect", "asyncpg.create_pool"), _kw("password"),
         _PW),
    _row("redis", "redis-py", ("redis.Redis", "redis.StrictRedis", "redis.asyncio.Redis"),
         _kw("password"), "a Redis password"),
    _row("pymongo", "pymongo", ("pymongo.MongoClient",), _kw("password"),
         "a MongoDB password"),
    CredentialSlot("url.sqlalchemy", "SQLAlchemy", SlotForm.URL, _s(PY005), _PW,
                   calls=_s("sqlalchemy.create_engine",
                            "sqlalchemy.ext.asyncio.create_async_engine"), params=_URL),
    CredentialSlot("url.psycopg", "psycopg2, psycopg 3, asyncpg", SlotForm.URL, _s(PY005), _PW,
                   calls=_s("psycopg2.connect", "psycopg.connect", "asyncpg.connect"),
                   params=_URL),
    CredentialSlot("url.redis", "redis-py", SlotForm.URL, _s(PY005), "a Redis password",
                   calls=_s("redis.from_url", "redis.Redis.from_url",
                            "redis.asyncio.from_url"), params=_URL),
    CredentialSlot("url.pymongo", "pymongo, motor", SlotForm.URL, _s(PY005), "a MongoDB password",
                   calls=_s("pymongo.MongoClient",
                            "motor.motor_asyncio.AsyncIOMotorClient"),
                   params=(("host", 0),)),
    # --- HTTP clients (LLC-PY-007): headers and auth of a call or a session
    CredentialSlot("http.requests", "requests", SlotForm.HTTP, _s(PY007),
                   "a bearer token, API key or basic-auth password",
                   calls=_s(*(f"requests.{v}" for v in _VERBS), "requests.Session",
                            "requests.session", "requests.sessions.Session",
                            "requests.Request"),
                   params=_kw("headers", "auth"), methods=_s(*_VERBS)),
    CredentialSlot("http.httpx", "httpx", SlotForm.HTTP, _s(PY007),
                   "a bearer token, API key or basic-auth password",
                   calls=_s(*(f"httpx.{v}" for v in _VERBS), "httpx.Client",
                            "httpx.AsyncClient"),
                   params=_kw("headers", "auth"), methods=_s("build_request")),
    CredentialSlot("http.aiohttp", "aiohttp", SlotForm.HTTP, _s(PY007),
                   "a bearer token, API key or basic-auth password",
                   calls=_s("aiohttp.ClientSession", "aiohttp.request"),
                   params=_kw("headers", "auth"), methods=_s("ws_connect")),
    CredentialSlot("http.urllib", "urllib.request", SlotForm.HTTP, _s(PY007),
                   "a bearer token or API key", calls=_s("urllib.request.Request"),
                   params=(("headers", 2),)),
    CredentialSlot("http.urllib3", "urllib3", SlotForm.HTTP, _s(PY007),
                   "a bearer token, API key or basic-auth password",
                   calls=_s("urllib3.PoolManager", "urllib3.request"),
                   params=_kw("headers", "auth"), methods=_s("urlopen")),
    CredentialSlot("basic.requests", "requests", SlotForm.BASIC_AUTH, _s(PY007),
                   "a basic-auth password",
                   calls=_s("requests.auth.HTTPBasicAuth", "requests.auth.HTTPDigestAuth",
                            "requests.auth.HTTPProxyAuth", "requests.HTTPBasicAuth"),
                   params=(("password", 1),)),
    CredentialSlot("basic.httpx", "httpx", SlotForm.BASIC_AUTH, _s(PY007), "a basic-auth password",
                   calls=_s("httpx.BasicAuth", "httpx.DigestAuth"), params=(("password", 1),)),
    CredentialSlot("basic.aiohttp", "aiohttp", SlotForm.BASIC_AUTH, _s(PY007),
                   "a basic-auth password", calls=_s("aiohttp.BasicAuth"),
                   params=(("password", 1),)),
    CredentialSlot("header.authorization", "RFC 6750, RFC 7617", SlotForm.HEADER, _s(PY007),
                   "a Bearer, Token, Basic, Bot or sso-key credential",
                   names=_s("authorization")),
    CredentialSlot("header.api_key", "any HTTP API", SlotForm.HEADER, _s(PY007),
                   "an API key or access token",
                   names=_s("x-api-key", "api-key", "apikey", "x-auth-token", "x-access-token",
                            "x-api-token", "private-token", "x-vault-token")),
)


def slot_rows(rule: str, form: str) -> tuple[CredentialSlot, ...]:
    """The rows of ``form`` that ``rule`` reads."""
    return tuple(r for r in CREDENTIAL_SLOTS if r.form == form and rule in r.rules)


def slot_params(rule: str, form: str = SlotForm.ARGUMENT) -> dict[str, dict[str, int | None]]:
    """Qualified call name -> {keyword: position} over ``rule``'s rows of ``form``."""
    table: dict[str, dict[str, int | None]] = {}
    for row in slot_rows(rule, form):
        for call in row.calls:
            table.setdefault(call, {}).update(row.params)
    return table


def slot_calls(rule: str, *forms: str) -> frozenset[str]:
    """Every qualified call name of ``rule``'s rows of ``forms``."""
    return frozenset(c for form in forms for r in slot_rows(rule, form) for c in r.calls)


def slot_names(rule: str, form: str) -> frozenset[str]:
    """Every name (module attribute, variable, header) of ``rule``'s rows of ``form``."""
    return frozenset(n for r in slot_rows(rule, form) for n in r.names)


def slot_methods(rule: str, form: str) -> frozenset[str]:
    """Every method name of ``rule``'s rows of ``form``."""
    return frozenset(m for r in slot_rows(rule, form) for m in r.methods)


def slot_low_keywords() -> frozenset[str]:
    """Keywords whose credential dies with its job (a GitLab CI job token)."""
    return frozenset(k for r in CREDENTIAL_SLOTS for k in r.low)


#: LLC-PY-007's header names, lower case: ``authorization`` and the API-key headers.
CREDENTIAL_HEADERS = slot_names(PY007, SlotForm.HEADER)
