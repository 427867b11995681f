"""The PY rules' library registries: ``CREDENTIAL_SLOTS`` (LLC-PY-005/006/007), ``VERIFIERS``
(LLC-PY-003) and ``CACHES`` (LLC-PY-011). Every row has an INVALID example that fires its rules
on the marked lines and a VALID look-alike that stays quiet, so a row nobody exercises, or a
rule that stopped reading its table, fails here."""

from __future__ import annotations

import pytest

from scanner.api import (
    BASE32_UPPER,
    BASE64,
    CACHES,
    CREDENTIAL_SLOTS,
    VERIFIERS,
    Cache,
    CredentialSlot,
    Verifier,
    fake_pem,
    fake_token,
)
from scanner.registry import all_rules
from scanner.testing import expected_lines, run_rule

_RULES = {rule.META.id: rule for rule in all_rules()}
#: Application code: not a test, fixture or example path (where name-only findings are info).
_APP = "app/service.py"

_KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=301)
_AWS_SECRET = fake_token("", 40, BASE64, seed=302)
_TOKEN = fake_token("", 40, seed=303)
_TOKEN2 = fake_token("", 32, seed=304)
_PASSWORD = fake_token("", 24, seed=305)
_OPENAI = fake_token("sk-proj-", 48, seed=306)
_ANTHROPIC = fake_token("sk-ant-api03-", 93, seed=307)
_STRIPE = fake_token("sk_live_", 24, seed=308)
_SLACK = fake_token("xoxb-", 48, seed=309)
_GITHUB = fake_token("ghp_", 36, seed=310)
_GITLAB = fake_token("glpat-", 20, seed=311)
_VAULT = fake_token("hvs.", 90, seed=312)
_SENDGRID = "SG." + fake_token("", 22, seed=313) + "." + fake_token("", 43, seed=314)
_HF = fake_token("hf_", 34, seed=315)
_DATABRICKS = fake_token("dapi", 32, "0123456789abcdef", seed=316)
_STORAGE = fake_token("", 86, BASE64, seed=317) + "=="
_PEM = fake_pem("PRIVATE KEY", 4, seed=318).replace("\n", "\\n")
_E005, _E006, _E007 = (
    "  # expect: LLC-PY-005\n",
    "  # expect: LLC-PY-006\n",
    "  # expect: LLC-PY-007\n",
)


def _lit(imports: str, call: str, literal: str, reference: str) -> tuple[str, str]:
    """(INVALID, VALID): ``call`` with a literal credential, and with one read from the env."""
    return (
        f"{imports}\nclient = {call.format(literal)}{_E005}",
        f"import os\n{imports}\nclient = {call.format(reference)}\n",
    )


_ENV = 'os.environ["SERVICE_CREDENTIAL"]'

#: Per CREDENTIAL_SLOTS key: (INVALID, VALID).
SLOTS: dict[str, tuple[str, str]] = {
    "boto3": (
        "import os\nimport boto3\n"
        f's3 = boto3.client("s3", aws_access_key_id="{_KEY_ID}"){_E005}'
        "sess = boto3.Session(aws_access_key_id=os.environ['K'],"
        f" aws_secret_access_key=os.environ['S']){_E006}",
        "import boto3\n"
        's3 = boto3.client("s3", region_name="eu-west-1")\n'
        "def scoped(creds):\n"
        '    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],\n'
        '                         aws_secret_access_key=creds["SecretAccessKey"],\n'
        '                         aws_session_token=creds["SessionToken"])\n',
    ),
    "azure.ClientSecretCredential": (
        "import os\nfrom azure.identity import ClientSecretCredential\n"
        f'a = ClientSecretCredential(TENANT, CLIENT, "{_TOKEN}"){_E005}'
        f"b = ClientSecretCredential(TENANT, CLIENT, os.environ['AZ_SECRET']){_E006}",
        "from azure.identity import DefaultAzureCredential, ClientSecretCredential\n"
        "cred = DefaultAzureCredential()\n"
        "def build(tenant, client, secret):\n"
        "    return ClientSecretCredential(tenant, client, secret)\n",
    ),
    "azure.CertificateCredential": _lit(
        "from azure.identity import CertificateCredential",
        'CertificateCredential(TENANT, CLIENT, "cert.pem", password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "azure.UsernamePasswordCredential": _lit(
        "from azure.identity import UsernamePasswordCredential",
        'UsernamePasswordCredential(CLIENT, "bot@corp.example", password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "azure.BlobServiceClient": _lit(
        "from azure.storage.blob import BlobServiceClient",
        "BlobServiceClient(ACCOUNT_URL, {})", f'"{_STORAGE}"', _ENV,
    ),
    "azure.from_connection_string": (
        "from azure.storage.queue import QueueClient\n"
        "q = QueueClient.from_connection_string(\n"
        f'    "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={_STORAGE}"{_E005}'
        '    , "jobs")\n',
        "import os\nfrom azure.storage.queue import QueueClient\n"
        'q = QueueClient.from_connection_string(os.environ["AZURE_STORAGE"], "jobs")\n',
    ),
    "google.service_account_info": (
        "import json, os\nfrom google.oauth2 import service_account\n"
        f'INFO = {{"type": "service_account", "private_key": "{_PEM}"}}\n'
        f"a = service_account.Credentials.from_service_account_info(INFO){_E005}"
        'b = service_account.Credentials.from_service_account_info(json.loads(os.environ["SA"]))'
        f"{_E006}",
        "from google.oauth2 import service_account\n"
        "def creds(info):\n"
        "    return service_account.Credentials.from_service_account_info(info)\n",
    ),
    "google.service_account_file": (
        "from google.cloud import bigquery\n"
        f'bq = bigquery.Client.from_service_account_json("deploy-key.json"){_E006}',
        "import google.auth\nfrom google.cloud import bigquery\n"
        "creds, project = google.auth.default()\n"
        "bq = bigquery.Client(credentials=creds, project=project)\n",
    ),
    "google.application_credentials": (
        f'import os\nos.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "/keys/sa.json"{_E006}',
        'import os\nos.environ["GOOGLE_CLOUD_PROJECT"] = "my-project"\n',
    ),
    "msal.ConfidentialClientApplication": _lit(
        "import msal", "msal.ConfidentialClientApplication(CLIENT_ID, {}, authority=AUTH)",
        f'"{_TOKEN}"', _ENV,
    ),
    "databricks.sql": _lit(
        "from databricks import sql",
        'sql.connect(server_hostname=HOST, http_path=PATH, access_token={})',
        f'"{_DATABRICKS}"', _ENV,
    ),
    "databricks.sdk": _lit(
        "from databricks.sdk import WorkspaceClient", "WorkspaceClient(host=HOST, token={})",
        f'"{_DATABRICKS}"', _ENV,
    ),
    "snowflake.connector": _lit(
        "import snowflake.connector",
        'snowflake.connector.connect(user="etl", password={}, account=ACCOUNT)',
        f'"{_PASSWORD}"', _ENV,
    ),
    "openai": _lit("from openai import OpenAI", "OpenAI(api_key={})", f'"{_OPENAI}"', _ENV),
    "openai.api_key": (
        f'import openai\nopenai.api_key = "{_OPENAI}"{_E005}',
        'import os\nimport openai\nopenai.api_key = os.environ["OPENAI_API_KEY"]\n',
    ),
    "anthropic": _lit(
        "import anthropic", "anthropic.Anthropic(api_key={})", f'"{_ANTHROPIC}"', _ENV
    ),
    "cohere": _lit("import cohere", "cohere.ClientV2({})", f'"{_TOKEN}"', _ENV),
    "mistralai": _lit("from mistralai import Mistral", "Mistral({})", f'"{_TOKEN2}"', _ENV),
    "huggingface_hub.login": _lit(
        "from huggingface_hub import login", "login({})", f'"{_HF}"', _ENV
    ),
    "huggingface_hub.HfApi": _lit(
        "from huggingface_hub import HfApi", "HfApi(ENDPOINT, {})", f'"{_HF}"', _ENV
    ),
    "huggingface_hub.InferenceClient": _lit(
        "from huggingface_hub import InferenceClient", "InferenceClient(MODEL, token={})",
        f'"{_HF}"', _ENV,
    ),
    "stripe.api_key": (
        f'import stripe\nstripe.api_key = "{_STRIPE}"{_E005}',
        'import os\nimport stripe\nstripe.api_key = os.environ["STRIPE_SECRET_KEY"]\n',
    ),
    "stripe.StripeClient": _lit(
        "from stripe import StripeClient", "StripeClient({})", f'"{_STRIPE}"', _ENV
    ),
    "twilio": _lit(
        "from twilio.rest import Client", 'Client("AC" + SID, {})', f'"{_TOKEN2}"', _ENV
    ),
    "sendgrid": _lit(
        "import sendgrid", "sendgrid.SendGridAPIClient({})", f'"{_SENDGRID}"', _ENV
    ),
    "slack_sdk": _lit("from slack_sdk import WebClient", "WebClient({})", f'"{_SLACK}"', _ENV),
    "slack_bolt": _lit(
        "from slack_bolt import App", "App(token={}, signing_secret=SIGNING)", f'"{_SLACK}"',
        _ENV,
    ),
    "github.Github": _lit("from github import Github", "Github({})", f'"{_GITHUB}"', _ENV),
    "github.Auth.Token": _lit(
        "from github import Auth", "Auth.Token({})", f'"{_GITHUB}"', _ENV
    ),
    "github.Auth.Login": _lit(
        "from github import Auth", 'Auth.Login("bot", {})', f'"{_PASSWORD}"', _ENV
    ),
    "gitlab": _lit(
        "import gitlab", 'gitlab.Gitlab("https://gitlab.example.com", private_token={})',
        f'"{_GITLAB}"', _ENV,
    ),
    "keycloak.KeycloakOpenID": _lit(
        "from keycloak import KeycloakOpenID",
        'KeycloakOpenID(server_url=URL, realm_name="ops", client_id="bot",'
        " client_secret_key={})",
        f'"{_TOKEN}"', _ENV,
    ),
    "keycloak.KeycloakAdmin": _lit(
        "from keycloak import KeycloakAdmin",
        'KeycloakAdmin(server_url=URL, username="admin", password={})', f'"{_PASSWORD}"', _ENV,
    ),
    "hvac": _lit("import hvac", 'hvac.Client(url=VAULT, token={})', f'"{_VAULT}"', _ENV),
    "authlib.OAuth2Session": _lit(
        "from authlib.integrations.requests_client import OAuth2Session",
        "OAuth2Session(CLIENT_ID, {})", f'"{_TOKEN}"', _ENV,
    ),
    "psycopg2": _lit(
        "import psycopg2", 'psycopg2.connect(host="db", user="app", password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "psycopg": _lit(
        "import psycopg", 'psycopg.connect(host="db", user="app", password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "pymysql": _lit(
        "import pymysql", 'pymysql.connect(host="db", user="app", password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "mysql.connector": _lit(
        "import mysql.connector", 'mysql.connector.connect(user="app", password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "asyncpg": _lit(
        "import asyncpg", 'asyncpg.create_pool(user="app", password={}, host="db")',
        f'"{_PASSWORD}"', _ENV,
    ),
    "redis": _lit(
        "import redis", 'redis.Redis(host="cache", port=6379, password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "pymongo": _lit(
        "from pymongo import MongoClient", 'MongoClient("mongo", username="app", password={})',
        f'"{_PASSWORD}"', _ENV,
    ),
    "url.sqlalchemy": _lit(
        "from sqlalchemy import create_engine", "create_engine({})",
        f'"postgresql://app:{_PASSWORD}@db/app"', 'f"postgresql://app:{os.environ[\'PW\']}@db"',
    ),
    "url.psycopg": _lit(
        "import psycopg2", "psycopg2.connect({})",
        f'"postgresql://app:{_PASSWORD}@db:5432/app"', _ENV,
    ),
    "url.redis": _lit(
        "import redis", "redis.from_url({})", f'"redis://:{_PASSWORD}@cache:6379/0"',
        '"redis://cache:6379/0"',
    ),
    "url.pymongo": _lit(
        "import pymongo", "pymongo.MongoClient({})",
        f'"mongodb://app:{_PASSWORD}@mongo:27017/app"', '"mongodb://mongo:27017/app"',
    ),
    "http.requests": (
        "import requests\n"
        f'r = requests.get(URL, headers={{"Authorization": "Bearer {_TOKEN}"}}){_E007}',
        "import requests\n"
        'r = requests.get(URL, headers={"Authorization": f"Bearer {get_token()}"})\n',
    ),
    "http.httpx": (
        "import httpx\n"
        f'client = httpx.Client(headers={{"X-API-Key": "{_TOKEN2}"}}){_E007}',
        'import os, httpx\nclient = httpx.Client(headers={"X-API-Key": os.environ["KEY"]})\n',
    ),
    "http.aiohttp": (
        "import aiohttp\n"
        f'session = aiohttp.ClientSession(headers={{"Authorization": "Token {_TOKEN}"}}){_E007}',
        "import aiohttp\n"
        'session = aiohttp.ClientSession(headers={"Accept": "application/json"})\n',
    ),
    "http.urllib": (
        "import urllib.request\n"
        "req = urllib.request.Request(URL, None,"
        f' {{"Authorization": "Bearer {_TOKEN}"}}){_E007}',
        "import urllib.request\n"
        'req = urllib.request.Request(URL, None, {"Authorization": "Bearer " + token})\n',
    ),
    "http.urllib3": (
        "import urllib3\n"
        f'pool = urllib3.PoolManager(headers={{"PRIVATE-TOKEN": "{_GITLAB}"}}){_E007}',
        'import urllib3\npool = urllib3.PoolManager(headers={"User-Agent": "bot/1.0"})\n',
    ),
    "basic.requests": (
        "from requests.auth import HTTPBasicAuth\n"
        f'auth = HTTPBasicAuth("deploy", "{_PASSWORD}"){_E007}',
        'import os\nfrom requests.auth import HTTPBasicAuth\n'
        'auth = HTTPBasicAuth("deploy", os.environ["DEPLOY_PASSWORD"])\n',
    ),
    "basic.httpx": (
        f'import httpx\nauth = httpx.BasicAuth("deploy", "{_PASSWORD}"){_E007}',
        'import httpx\nauth = httpx.BasicAuth("deploy", password)\n',
    ),
    "basic.aiohttp": (
        f'import aiohttp\nauth = aiohttp.BasicAuth("deploy", "{_PASSWORD}"){_E007}',
        'import aiohttp\nauth = aiohttp.BasicAuth("deploy", "<password>")\n',
    ),
    "header.authorization": (
        "import requests\n"
        "s = requests.Session()\n"
        f's.headers["Authorization"] = "Bearer {_TOKEN}"{_E007}',
        "import requests\n"
        "s = requests.Session()\n"
        's.headers["Authorization"] = "Bearer " + fetch_token()\n',
    ),
    "header.api_key": (
        "import requests\n"
        f'r = requests.post(URL, headers={{"X-Vault-Token": "{_TOKEN2}"}}){_E007}',
        "import requests\n"
        'r = requests.post(URL, headers={"X-Request-Id": "3f2b9c1d8e7a6b5c4d3e2f1a"})\n',
    ),
}

_E003 = "  # expect: LLC-PY-003\n"
#: Per VERIFIERS key: (INVALID, VALID).
DECODERS: dict[str, tuple[str, str]] = {
    "pyjwt": (
        "import jwt\n"
        f'claims = jwt.decode(tok, KEY, algorithms=["HS256"], options={{"verify_exp": False}})'
        f"{_E003}",
        "import jwt\n"
        'claims = jwt.decode(tok, KEY, algorithms=["HS256"], options={"require": ["exp"]})\n',
    ),
    "pyjwt.PyJWT": (
        "import jwt\n"
        "reader = jwt.PyJWT()\n"
        'claims = reader.decode(tok, KEY, algorithms=["HS256"],'
        f' options={{"verify_signature": False}}){_E003}',
        "import jwt\n"
        "reader = jwt.PyJWT()\n"
        'claims = reader.decode(tok, KEY, algorithms=["HS256"], leeway=30)\n',
    ),
    "python-jose": (
        "from jose import jwt\n"
        f'claims = jwt.decode(tok, KEY, options={{"verify_exp": False}}){_E003}',
        "from jose import jwt\n"
        'claims = jwt.decode(tok, KEY, algorithms=["RS256"], audience="api")\n',
    ),
    "jwcrypto": (
        "from jwcrypto import jwt\n"
        f"token = jwt.JWT(jwt=raw, key=KEY, check_claims=False){_E003}",
        "from jwcrypto import jwt\n"
        'token = jwt.JWT(jwt=raw, key=KEY, check_claims={"exp": None})\n'
        "unverified = jwt.JWT(jwt=raw, check_claims=False)\n",
    ),
    "authlib": (
        "from authlib.jose import jwt\n"
        "def user(tok, key):\n"
        f"    claims = jwt.decode(tok, key){_E003}"
        '    return claims["sub"]\n',
        "from authlib.jose import jwt\n"
        "def user(tok, key):\n"
        "    claims = jwt.decode(tok, key)\n"
        "    claims.validate()\n"
        '    return claims["sub"]\n',
    ),
    "authlib.JsonWebToken": (
        "from authlib.jose import JsonWebToken\n"
        'reader = JsonWebToken(["RS256"])\n'
        "def user(tok, key):\n"
        f"    claims = reader.decode(tok, key){_E003}"
        '    return claims["sub"]\n',
        "from authlib.jose import JsonWebToken\n"
        'reader = JsonWebToken(["RS256"])\n'
        "def user(tok, key):\n"
        "    claims = reader.decode(tok, key)\n"
        "    claims.validate(leeway=30)\n"
        '    return claims["sub"]\n',
    ),
}

_E011 = "  # expect: LLC-PY-011\n"
_FETCH = (
    "def get_api_token():\n"
    '    return requests.post(URL, data=FORM).json()["access_token"]\n'
)
#: Per CACHES key: (INVALID, VALID).
CACHE_ROWS: dict[str, tuple[str, str]] = {
    "functools.lru_cache": (
        f"import functools, requests\n@functools.lru_cache(maxsize=1){_E011}{_FETCH}",
        "import functools\n@functools.lru_cache\ndef get_tokenizer(name):\n"
        "    return load(name)\n",
    ),
    "cachetools.func": (
        f"import requests\nfrom cachetools.func import lru_cache\n@lru_cache(){_E011}{_FETCH}",
        "import requests\nfrom cachetools.func import ttl_cache\n@ttl_cache(ttl=300)\n"
        + _FETCH,
    ),
    "cachetools.func.ttl_cache": (
        "import requests\nfrom cachetools.func import ttl_cache\n"
        f"@ttl_cache(maxsize=1, ttl=7 * 86400){_E011}{_FETCH}",
        "import requests\nfrom cachetools.func import ttl_cache\n@ttl_cache(maxsize=1)\n"
        + _FETCH,
    ),
    "async_lru.alru_cache": (
        "import httpx\nfrom async_lru import alru_cache\n"
        f"@alru_cache(maxsize=1){_E011}"
        "async def get_access_token():\n"
        '    return (await httpx.AsyncClient().post(URL, data=FORM)).json()["access_token"]\n',
        "import httpx\nfrom async_lru import alru_cache\n"
        "@alru_cache(maxsize=1, ttl=600)\n"
        "async def get_access_token():\n"
        '    return (await httpx.AsyncClient().post(URL, data=FORM)).json()["access_token"]\n',
    ),
    "cachetools.cached": (
        f"import requests\nfrom cachetools import cached\n@cached(cache={{}}){_E011}{_FETCH}",
        "import requests\nfrom cachetools import cached, TTLCache\n"
        "@cached(cache=TTLCache(maxsize=1, ttl=600))\n" + _FETCH,
    ),
    "cachetools.TTLCache": (
        "from cachetools import TTLCache\n"
        f"TOKEN_CACHE = TTLCache(maxsize=64, ttl=30 * 86400){_E011}",
        "from cachetools import TTLCache\nTOKEN_CACHE = TTLCache(maxsize=64, ttl=3300)\n",
    ),
    "cachetools.Cache": (
        "import requests\nfrom cachetools import cached, LRUCache\n"
        f"@cached(LRUCache(maxsize=8)){_E011}{_FETCH}",
        "import requests\nfrom cachetools import cached, LRUCache\n"
        "@cached(LRUCache(maxsize=8))\ndef get_user(uid):\n    return requests.get(URL).json()\n",
    ),
    "django.cache": (
        "from django.core.cache import cache\n"
        f'cache.set("svc_access_token", tok, timeout=None){_E011}',
        "from django.core.cache import cache\n"
        'cache.set("svc_access_token", tok, timeout=3000)\n'
        'cache.set("homepage", html, timeout=None)\n',
    ),
    "redis": (
        "import redis\nr = redis.Redis()\n"
        f'r.set("oauth:access_token", tok){_E011}',
        "import redis\nr = redis.Redis()\n"
        'r.set("oauth:access_token", tok, ex=3300)\n'
        'r.set("page:views", 0)\n',
    ),
}


def _run(rule_id: str, code: str) -> tuple[tuple[int, ...], list[str]]:
    findings = run_rule(_RULES[rule_id], code, _APP)
    return tuple(sorted({f.location.line for f in findings})), [f.message for f in findings]


def _unique(keys: list[str]) -> None:
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_every_row_has_both_examples() -> None:
    for table, examples in (
        ([r.key for r in CREDENTIAL_SLOTS], SLOTS),
        ([r.key for r in VERIFIERS], DECODERS),
        ([r.key for r in CACHES], CACHE_ROWS),
    ):
        _unique(table)
        assert set(table) == set(examples)
        for key in table:
            invalid, valid = examples[key]
            assert "# expect:" in invalid, key
            assert "# expect:" not in valid, key


@pytest.mark.parametrize("row", CREDENTIAL_SLOTS, ids=lambda r: r.key)
def test_slot_invalid_fires_and_valid_is_quiet(row: CredentialSlot) -> None:
    invalid, valid = SLOTS[row.key]
    fired = False
    for rule_id in sorted(row.rules):
        expected = expected_lines(invalid, rule_id)
        lines, messages = _run(rule_id, invalid)
        assert lines == expected, (rule_id, messages)
        fired = fired or bool(expected)
        lines, messages = _run(rule_id, valid)
        assert lines == (), (rule_id, messages)
    assert fired


@pytest.mark.parametrize("row", VERIFIERS, ids=lambda r: r.key)
def test_verifier_invalid_fires_and_valid_is_quiet(row: Verifier) -> None:
    invalid, valid = DECODERS[row.key]
    lines, messages = _run("LLC-PY-003", invalid)
    assert lines == expected_lines(invalid, "LLC-PY-003") != (), messages
    assert _run("LLC-PY-003", valid) == ((), [])


@pytest.mark.parametrize("row", CACHES, ids=lambda r: r.key)
def test_cache_invalid_fires_and_valid_is_quiet(row: Cache) -> None:
    invalid, valid = CACHE_ROWS[row.key]
    lines, messages = _run("LLC-PY-011", invalid)
    assert lines == expected_lines(invalid, "LLC-PY-011") != (), messages
    assert _run("LLC-PY-011", valid) == ((), [])


def test_slot_rows_name_their_rules_and_a_credential() -> None:
    for row in CREDENTIAL_SLOTS:
        assert row.rules <= {"LLC-PY-005", "LLC-PY-006", "LLC-PY-007"}, row.key
        assert row.credential, row.key
        assert row.library, row.key
        assert row.calls or row.methods or row.names, row.key


def test_the_screen_reads_the_tables() -> None:
    """A new row gates itself: the ``ast`` pre-screen's call lists come from the tables."""
    from scanner.documents.python import sinkscreen

    for row in CREDENTIAL_SLOTS:
        if "LLC-PY-005" in row.rules and row.form in ("argument", "url", "key info"):
            assert row.calls <= sinkscreen.PY005_CALLS, row.key
        if row.form == "basic auth":
            assert row.calls <= sinkscreen.PY007_BASIC_AUTH, row.key
        if row.form == "header":
            assert row.names <= sinkscreen.PY007_HEADERS, row.key


#: New rows in other styles: an alias and a module constant, ``**`` of a settings dict, a
#: module alias, a URL with a user name. (A class attribute read through ``self`` and a
#: parameter default are not followed: the document resolves neither to a literal.)
VARIANTS = [
    "from twilio.rest import Client as Twilio\n"
    f'AUTH_TOKEN = "{_TOKEN2}"\n'
    f"c = Twilio(SID, AUTH_TOKEN){_E005}",  # reported at the call, the constant related
    "import redis\n"
    f'OPTS = {{"host": "cache", "password": "{_PASSWORD}"}}{_E005}'
    "r = redis.Redis(**OPTS)\n",
    "import snowflake.connector as sf\n"
    f'conn = sf.connect(user="etl", password="{_PASSWORD}", account=ACCOUNT){_E005}',
    f'import redis\nr = redis.from_url("rediss://default:{_PASSWORD}@cache:6380/0"){_E005}',
]
VARIANTS_VALID = [
    "from twilio.rest import Client as Twilio\n"
    "from django.conf import settings\n"
    "c = Twilio(settings.TWILIO_SID, settings.TWILIO_TOKEN)\n",
    'import os, redis\nOPTS = {"host": "cache", "password": os.environ["REDIS_PASSWORD"]}\n'
    "r = redis.Redis(**OPTS)\n",
    'import redis\nr = redis.from_url("redis://cache:6379/0", password=None)\n',
]


@pytest.mark.parametrize("code", VARIANTS)
def test_variant_fires(code: str) -> None:
    lines, messages = _run("LLC-PY-005", code)
    assert lines == expected_lines(code, "LLC-PY-005"), messages


@pytest.mark.parametrize("code", VARIANTS_VALID)
def test_variant_look_alike_is_quiet(code: str) -> None:
    assert _run("LLC-PY-005", code) == ((), [])
