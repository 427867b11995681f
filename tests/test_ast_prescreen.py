"""The ``ast`` sink screen changes which files reach LibCST, never what is found.

Every rule's VALID and INVALID examples, and every fixture file, are scanned with the screen on
and off: findings and errors must be identical. The screens' copies of rule call tables must
hold every name of the rule's own table, and a file whose only trigger is an import no sink
uses must not be parsed by LibCST.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Sequence
from pathlib import Path

import pytest

from scanner import engine as engine_module
from scanner.api.rule import Invalid, Rule, Valid
from scanner.config import Config
from scanner.documents.python import sinkscreen, textscreen
from scanner.documents.python.guard import screen
from scanner.engine import Engine, FileResult
from scanner.registry import all_rules
from scanner.testing import default_path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 1, 1)
RULES = all_rules()
PYTHON_RULES = [r for r in RULES if r.DOCUMENT == "python"]


def _scan(rules: Sequence[type[Rule]], rel: str, data: bytes, *, prescreen: bool) -> FileResult:
    engine = Engine(rules, Config(), today=TODAY)
    engine.ast_prescreen = prescreen
    return engine.scan_bytes(rel, data)


def _same(rules: Sequence[type[Rule]], rel: str, data: bytes) -> None:
    on = _scan(rules, rel, data, prescreen=True)
    off = _scan(rules, rel, data, prescreen=False)
    assert on.findings == off.findings, rel
    assert on.errors == off.errors, rel


EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.META.id}-{kind}-{i}")
    for rule in RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for i, example in enumerate(examples)
    if rule.DOCUMENT in ("python", "iac")
]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_examples_alone_and_with_every_rule(rule: type[Rule], example: Valid | Invalid) -> None:
    rel = example.path or default_path(rule)
    data = example.code.encode("utf-8")
    _same([rule], rel, data)
    _same(RULES, rel, data)


def test_fixtures() -> None:
    files = [
        p
        for p in sorted((ROOT / "fixtures").rglob("*"))
        if p.is_file() and not p.is_symlink() and ".git" not in p.parts
    ]
    assert files
    for path in files:
        _same(RULES, path.relative_to(ROOT / "fixtures").as_posix(), path.read_bytes())


def test_screen_tables_hold_the_rules_tables() -> None:
    py005 = importlib.import_module("rules.python.py005_hardcoded_sdk_credential")
    assert set(py005._CALLS) | set(py005._URL_CALLS) | py005._SERVICE_ACCOUNT_INFO <= (
        sinkscreen.PY005_CALLS
    )
    assert set(py005._AWS) == sinkscreen.AWS_KEYWORDS
    assert py005._GENERIC_KEYWORD.pattern == sinkscreen.PY005_GENERIC_KEYWORD.pattern
    assert {k.rsplit(".", 1)[1] for k in py005._MODULE_KEYS} == sinkscreen.PY005_MODULE_KEYS
    py006 = importlib.import_module("rules.python.py006_static_cloud_key")
    assert py006._AZURE_SECRET == sinkscreen.PY006_AZURE
    assert set(py006._KEY_FILE_METHODS) | set(py006._KEY_INFO) == sinkscreen.PY006_GOOGLE_METHODS
    assert {py006._KEY_ID, py006._SECRET} == sinkscreen.PY006_AWS_PAIR
    google_env = py006._GOOGLE_ENV
    envs = {google_env} if isinstance(google_env, str) else set(google_env)
    assert envs == {sinkscreen.PY006_GOOGLE_ENV}
    py005_rows = getattr(py005, "_CONNECTION_STRINGS", ())
    assert set(py005_rows) <= set(sinkscreen.PY005_CONNECTION_STRINGS)
    assert set(sinkscreen.SCREENS) <= {r.META.id for r in PYTHON_RULES}


SQLALCHEMY_MODEL = (
    "from sqlalchemy import Column, Integer, String\n"
    "from sqlalchemy.orm import declarative_base\n"
    "Base = declarative_base()\n"
    "class User(Base):\n"
    "    __tablename__ = 'users'\n"
    "    id = Column(Integer, primary_key=True)\n"
    "    token = Column(String(64))\n"
)


def test_a_model_file_never_reaches_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    import scanner.documents.python as python_package

    real = python_package.PythonDocument

    def spy(path: str, text: str, now: float | None = None) -> object:
        parsed.append(path)
        return real(path, text, now)

    monkeypatch.setattr(python_package, "PythonDocument", spy)
    data = SQLALCHEMY_MODEL.encode()
    assert _scan(PYTHON_RULES, "app/models.py", data, prescreen=True).findings == ()
    assert parsed == []
    _scan(PYTHON_RULES, "app/models.py", data, prescreen=False)
    assert parsed == ["app/models.py"]


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        # Aliases, function-level imports, a DSN and a module key: the screen says maybe.
        (
            "U = 'postgresql://app:'\ndef f():\n    import sqlalchemy as sa\n"
            "    sa.create_engine(f'{U}pw@h')\n",
            "LLC-PY-005",
        ),
        (
            "from sqlalchemy.ext.asyncio import create_async_engine as mk\nmk(U, x='password=b')\n",
            "LLC-PY-005",
        ),
        ("import stripe\nstripe.api_key = K\n", "LLC-PY-005"),
        ("import x\nx.anything(password=P)\n", "LLC-PY-005"),
        ("s = get_session()\ns.create_client('s3', aws_access_key_id=K)\n", "LLC-PY-005"),
        ("import os\nos.environ['GOOGLE_APPLICATION_CREDENTIALS'] = 'k.json'\n", "LLC-PY-006"),
        (
            "from google.oauth2 import service_account as sa\n"
            "sa.Credentials.from_service_account_file(path)\n",
            "LLC-PY-006",
        ),
        (
            "import boto3\n"
            "boto3.client('s3', **{'aws_access_key_id': K, 'aws_secret_access_key': S})\n",
            "LLC-PY-006",
        ),
    ],
)
def test_screen_keeps_every_possible_sink(code: str, rule: str) -> None:
    assert screen(code).may_fire(rule)


@pytest.mark.parametrize(
    "code",
    [
        SQLALCHEMY_MODEL,
        "from .engine import create_engine\ncreate_engine(URL)\n",  # relative: not resolved
        "import sqlalchemy\nsqlalchemy.text('select 1')\n",
    ],
)
def test_screen_drops_files_without_a_sink(code: str) -> None:
    verdict = screen(code)
    assert not verdict.may_fire("LLC-PY-005")
    assert verdict.may_fire("LLC-FS-005")  # no screen: always runs


def test_unparsable_text_runs_every_rule() -> None:
    verdict = screen("import sqlalchemy\ndef f(:\n")
    assert verdict.facts is None
    assert verdict.may_fire("LLC-PY-005")


def test_engine_reads_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTLIVE_AST_PRESCREEN", "0")
    assert not Engine(PYTHON_RULES, Config()).ast_prescreen
    monkeypatch.delenv("OUTLIVE_AST_PRESCREEN")
    assert engine_module.Engine(PYTHON_RULES, Config()).ast_prescreen


def test_py011_tables() -> None:
    py011 = importlib.import_module("rules.python.py011_credential_cache_never_expires")
    assert py011._TOKEN_KEYS == sinkscreen.PY011_TOKEN_KEYS
    assert py011._FETCHER.pattern == sinkscreen.PY011_FETCHER.pattern
    assert py011._CREDENTIAL_KEY.pattern == sinkscreen.PY011_CREDENTIAL_KEY.pattern


@pytest.mark.parametrize(
    "code",
    [
        "from functools import lru_cache\n@lru_cache\ndef get_token():\n    return 1\n",
        "import cachetools\nTOKEN_CACHE = cachetools.TTLCache(1, 10)\n",
        "import django\ndjango.core.cache.cache.set('token', v, None)\n",
        "from django.core.cache import caches\ncaches['x'].set('token', v, None)\n",
        "import redis\nr = redis.Redis()\nr.set('token', v)\n",
        "d = {'access_token': t, 'expires_in': None}\n",
    ],
)
def test_py011_screen_keeps_its_sinks(code: str) -> None:
    assert screen(code).may_fire("LLC-PY-011")


@pytest.mark.parametrize(
    "code",
    [
        "from functools import lru_cache\n@lru_cache\ndef parse(token):\n    return 1\n",
        "import djangox\nx.set('token', 1)\n",
        "d = {'access_token': t, 'expires_in': 3600}\n",
        "import sgqlc.types\naccess_token = sgqlc.types.Field(String)\n",  # a generated schema
        "engine = create_engine('postgresql://u:p@h/db')\n",  # not imported: no DSN sink
    ],
)
def test_py011_screen_drops(code: str) -> None:
    verdict = screen(code)
    assert not verdict.may_fire("LLC-PY-011")
    assert not verdict.may_fire("LLC-PY-005")


def test_py005_dsn_needs_a_marker() -> None:
    assert not screen("import sqlalchemy as sa\nsa.create_engine(URL)\n").may_fire("LLC-PY-005")
    assert screen("import sqlalchemy as sa\nsa.create_engine('x://u:' + P + '@h')\n").may_fire(
        "LLC-PY-005"
    )
    docstring = '"""postgresql://u:p@h"""\nimport sqlalchemy as sa\nsa.create_engine(URL)\n'
    assert not screen(docstring).may_fire("LLC-PY-005")


def test_py007_tables() -> None:
    py007 = importlib.import_module("rules.python.py007_static_bearer_token")
    assert py007._KEY_HEADERS | {"authorization"} == sinkscreen.PY007_HEADERS
    assert py007._BASIC_AUTH == sinkscreen.PY007_BASIC_AUTH


@pytest.mark.parametrize(
    "code",
    [
        "import requests\nrequests.get(U, headers={'Authorization': T})\n",
        "import requests\nh = dict(Authorization=T)\nrequests.get(U, headers=h)\n",
        "import requests\ns = requests.Session()\ns.headers['X-API-Key'] = K\n",
        "import requests\nrequests.get(U, auth=('u', P))\n",
        "from requests.auth import HTTPBasicAuth as B\nB('u', P)\n",
        "import urllib.request as r\nq = r.Request(U)\nq.add_header('Private-Token', K)\n",
    ],
)
def test_py007_screen_keeps_its_sinks(code: str) -> None:
    assert screen(code).may_fire("LLC-PY-007")


def test_py007_screen_drops_a_plain_client() -> None:
    code = '"""Authorization: see docs."""\nimport requests\nrequests.get(U, timeout=5)\n'
    assert not screen(code).may_fire("LLC-PY-007")


def _python_texts() -> list[str]:
    texts = [
        e.code for r in RULES for e in (*r.VALID, *r.INVALID) if isinstance(e, Valid | Invalid)
    ]
    texts += [p.read_text("utf-8", "replace") for p in (ROOT / "fixtures").rglob("*.py")]
    texts += [p.read_text("utf-8") for p in (ROOT / "scanner").rglob("*.py")]
    return texts


def test_text_screens_are_weaker_than_the_ast_screens() -> None:
    """A text screen may only say no where the ``ast`` screen says no too."""
    for text in _python_texts():
        verdict = screen(text)
        for rule_id in textscreen.TEXT_SCREENS:
            if verdict.facts is not None and verdict.may_fire(rule_id):
                assert textscreen.text_may_fire(rule_id, text), (rule_id, text[:200])


#: Random-looking, no provider's shape (built at run time, as fixture secrets are).
_SHAPED = "Xk29aPq7" + "Lm3Zt8Rw" + "0Vb5Nc4H"


@pytest.mark.parametrize(
    "code",
    [
        "import x\nx.f(password  # a comment\n  =v)\n",
        "import x\nx.f(API_KEY \\\n = v)\n",
        "import x\nx.f(a,  # the key\n  token=t)\n",  # a comment hides the line's end
        f"import x\nx.f(token='{_SHAPED}')\n",  # a literal the credential check accepts
        "import x\nx.f(token='a' 'b')\n",  # implicit concatenation: not a plain literal
        "import x\nx.f(\n    token='t'\n    if a else b,\n)\n",
        "from sqlalchemy import create_engine as mk\nmk(f'postgresql://{u}:{p}@{h}/db')\n",
        "from sqlalchemy import create_engine as mk\nmk('postgresql://u:' + 'pw' '\\x40h')\n",
        # A refused URL beside another URL's pieces: those still count.
        "import sqlalchemy as sa\nsa.create_engine('postgresql://scott:tiger@h')\n"
        "OTHER = 'mysql://u:' + PW + '@h'\n",
        "try: import mysql.connector\nexcept ImportError: pass\nmysql.connector.connect(u)\n",
        "import os, \\\n    psycopg2\npsycopg2.connect(dsn)\n",
        "import x\nx.f(token=(a + b))\n",  # parenthesized: may join literals
        "import openai\nopenai.api_key: str = KEY\n",
        "import boto3\nboto3.client('s3',\n    aws_access_key_id=K)\n",
    ],
)
def test_py005_text_screen_keeps(code: str) -> None:
    assert textscreen.text_may_fire("LLC-PY-005", code)


@pytest.mark.parametrize(
    "code",
    [
        # A URL call given no URL with a password: the only ``@`` is a decorator's.
        "import sqlalchemy as sa\ne = sa.create_engine('sqlite://')\n"
        "@event.listens_for(e, 'connect')\ndef on(c, r):\n    pass\n",
        # Plain literals the credential check refuses, and assignment statements.
        "import x\nx.f(password='tiger', token=None, api_token=3)\ntoken = other()\n"
        "password = get()\nself.secret = s\n",
        "import x\nx.f(\n    password='tiger'\n    user='scott',\n)\n",
        # A database named in a comment or a dialect module, not imported: no call resolves.
        "# works with mysql too\nimport sqlalchemy\nconn.connect()\n",
        "from sqlalchemy.dialects import mysql\nmysql.connect(u)\n",
        "if password == token:\n    pass\n",
        # Values no literal can be: an attribute, a call, a subscript, an f-string.
        "import x\nx.f(token=self.t, password=get(), secret=env['S'] + s, api_key=f'{k}')\n",
        # AWS key names outside a call, and a module key compared, not assigned.
        "aws_access_key_id = os.environ['A']\nif openai.api_key == k:\n    pass\n",
        # The only URL has a password no check accepts; an e-mail's @ is no URL's.
        "import sqlalchemy as sa\ne = sa.create_engine(\n"
        "    'postgresql+asyncpg://scott:tiger@localhost/test'\n)\nuser = 'jack@bean.com'\n",
    ],
)
def test_py005_text_screen_drops(code: str) -> None:
    assert not textscreen.text_may_fire("LLC-PY-005", code)
    verdict = screen(code)
    assert verdict.facts is None or not verdict.may_fire("LLC-PY-005")


def test_py005_text_screen_drops_a_model() -> None:
    assert not textscreen.text_may_fire("LLC-PY-005", SQLALCHEMY_MODEL.replace("token", "name"))


def test_a_test_password_too_plain_to_report_keeps_the_file_from_libcst(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``connect(password="tiger")``: the secret-named keyword holds a constant the rule's own
    value check refuses, so the screen says no; a shaped value still reaches the rule."""
    parsed: list[str] = []
    import scanner.documents.python as python_package

    real = python_package.PythonDocument

    def spy(path: str, text: str, now: float | None = None) -> object:
        parsed.append(path)
        return real(path, text, now)

    monkeypatch.setattr(python_package, "PythonDocument", spy)
    # Any imported call: the secret-named keyword path (no row of the SDK table names it).
    plain = (
        "import sqlalchemy\nfrom sqlalchemy.testing import fixture_connect\n\n"
        'conn = fixture_connect(user="scott", password="tiger")\n'
    )
    assert _scan(PYTHON_RULES, "app/db.py", plain.encode(), prescreen=True).findings == ()
    assert parsed == []
    shaped = plain.replace("tiger", "Zq8" + "x7Lm2Pw9Rt4Vb6Nc")
    found = _scan(PYTHON_RULES, "app/db.py", shaped.encode(), prescreen=True).findings
    assert [f.rule_id for f in found] == ["LLC-PY-005"]
    assert parsed == ["app/db.py"]


def test_a_url_call_without_a_url_or_dsn_literal_is_screened_out() -> None:
    """``create_engine(url)`` can only report a password in a literal: ``scheme://...@`` or
    ``password=`` must be in some string of the file (an ``=`` or an e-mail's ``@`` is not)."""
    from scanner.documents.python.guard import screen

    plain = (
        "import sqlalchemy as sa\n\nengine = sa.create_engine(url, echo=True)\n"
        "OPTS = 'a=b'\nOWNER = 'dba@example.org'\n"
    )
    assert not screen(plain).may_fire("LLC-PY-005")
    dsn = plain + "URL = 'postgresql://app:'\n"
    assert screen(dsn).may_fire("LLC-PY-005")


# -- the screens read from the issuer, verifier and mint tables (``issuerscreen``) -----------

_ISSUER_KEEPS = [
    ("LLC-PY-001", "from jwt import encode as sign\nsign(claims, KEY)\n"),
    (
        "LLC-PY-001",
        "from authlib.jose import JsonWebToken\nJsonWebToken(['HS256']).encode(h, p, k)\n",
    ),
    ("LLC-PY-002", "import jose.jwt as j\nj.encode(claims, KEY)\n"),
    ("LLC-PY-003", "import jwt\njwt.decode(t, KEY, options=o)\n"),
    ("LLC-PY-004", "SIMPLE_JWT = dict(ACCESS_TOKEN_LIFETIME=x)\n"),
    ("LLC-PY-004", "app.config['JWT_ACCESS_TOKEN_EXPIRES'] = False\n"),
    ("LLC-PY-004", "class Config:\n    JWT_ACCESS_TOKEN_EXPIRES: bool = False\n"),
    ("LLC-PY-004", "INSTALLED_APPS = ['rest_framework.authtoken']\n"),
    ("LLC-PY-004", "NAME = 'sessionid'\nresp.set_cookie(NAME, v, **{'max_age': 10**9})\n"),
    ("LLC-PY-004", "resp.set_cookie('a' + 'uth', v, max_age=AGE)\n"),
    ("LLC-PY-004", "resp.set_cookie(key='jwt', value=v, expires=WHEN)\n"),
    ("LLC-PY-008", "import boto3\nc = boto3.client(service_name='sts')\nc.get_session_token()\n"),
    ("LLC-PY-012", "from itsdangerous import URLSafeTimedSerializer as S\nS(k).loads(t)\n"),
    ("LLC-PY-012", "from django.core import signing\nsigning.loads(v, **{'max_age': None})\n"),
    ("LLC-FS-002", "def loop():\n    while True:\n        tok = refresh_access_token()\n"),
    ("LLC-FS-003", "import requests\nrequests.post(TOKEN_URL, data=d)\n"),
    ("LLC-FS-004", "import dropbox as d\nd.Dropbox(oauth2_refresh_token=RT, app_key=K)\n"),
    ("LLC-FS-004", "from requests_oauthlib import OAuth2Session as S\nS(c, token=t)\n"),
    ("LLC-FS-004", "from authlib.integrations.requests_client import OAuth2Session\n"
                   "OAuth2Session(c, s, token=t)\n"),
    ("LLC-PY-007", "import requests\nrequests.get(U, headers={'Authorization': TOKEN})\n"),
    ("LLC-PY-007", f"import httpx\nhttpx.get(U, headers={{'X-API-Key': '{_SHAPED}'}})\n"),
    ("LLC-PY-007", f"s.headers['authorization'] = 'Bearer {_SHAPED}'\n"),
    ("LLC-PY-007", "H = 'Authorization'\nheaders = {H: 'Bearer ' + T}\n"),
    ("LLC-PY-007", "req.add_header(NAME, TOKEN)\n"),
    ("LLC-PY-007", "import requests\nrequests.get(U, auth=('bot', PASSWORD))\n"),
    ("LLC-PY-007", "import requests\nrequests.get(U, auth=CREDS)\n"),
    ("LLC-PY-011", "from django.core.cache import cache\ncache.set('api_token', t, None)\n"),
    (
        "LLC-PY-011",
        "from django.core.cache import cache\ncache.set(key='token', value=t, timeout=N)\n",
    ),
    ("LLC-PY-011", "from django.core.cache import cache\ncache.set(f'{u}:token', t, **o)\n"),
    ("LLC-PY-011", "import redis\nr = redis.Redis()\nr.set(TOKEN_KEY, t)\n"),
    ("LLC-PY-011", "import redis\nr = redis.Redis()\nr.hset('h', 'access_token', t)\n"),
    ("LLC-PY-005", "from openai import OpenAI\nOpenAI(api_key=KEY)\n"),
    ("LLC-PY-005", "from openai import OpenAI\nOpenAI(**opts)\n"),
    ("LLC-PY-005", f"from openai import OpenAI\nOpenAI(api_key=b'{_SHAPED}')\n"),
    (
        "LLC-PY-005",
        f"from sqlalchemy import create_engine\ncreate_engine('postgresql://u:' + '{_SHAPED}@h')\n",
    ),
]


@pytest.mark.parametrize(("rule", "code"), _ISSUER_KEEPS)
def test_table_screens_keep_every_possible_sink(rule: str, code: str) -> None:
    assert screen(code).may_fire(rule)


_ISSUER_DROPS = [
    ("LLC-PY-004", "response.set_cookie('theme', 'dark', max_age=10**9)\n"),
    ("LLC-PY-004", "response.set_cookie(settings.SESSION_COOKIE_NAME, v, max_age=10**9)\n"),
    ("LLC-PY-004", "def f(key):\n    response.set_cookie(key, max_age=10**9)\n"),
    ("LLC-PY-004", "DEFAULTS = {'session_cookie_age': 10**9}\n"),  # not the setting's spelling
    ("LLC-PY-012", "from django.core import signing\nsigning.loads(v)\n"),  # explicit row
    ("LLC-PY-012", "class TimestampSigner:\n    pass\nTimestampSigner(k).unsign(v)\n"),
    ("LLC-PY-008", "import boto3\nboto3.client('s3').get_session_token()\n"),
    ("LLC-PY-001", "import jwt\njwt.decode(t, KEY, algorithms=['HS256'])\n"),
    ("LLC-PY-003", "import jwt\njwt.encode(claims, KEY)\n"),
    ("LLC-FS-002", "import jwt\nwhile True:\n    jwt.decode(t, KEY)\n"),
    ("LLC-PY-005", "from openai import OpenAI\nOpenAI(api_key='z', base_url=URL)\n"),
    ("LLC-PY-005", "import sqlalchemy\nsqlalchemy.create_engine('postgresql://scott:tiger@h/db')\n"),
    ("LLC-PY-005", "import x\nx.connect(password=settings.DB_PASSWORD, token=get())\n"),
    ("LLC-PY-006", "from google.cloud import storage\nstorage.Client(project=P).bucket('b')\n"),
    ("LLC-PY-006", "import boto3\nboto3.client('s3', aws_access_key_id=K)\n"),  # half a pair
    ("LLC-FS-004", "import requests\nrequests.post(URL, data={'refresh_token': RT})\n"),
    ("LLC-PY-011", "from django.core.cache import cache\ncache.set('api_token', t, 300)\n"),
    ("LLC-PY-011", "from django.core.cache import cache\ncache.set(page_key, html, None)\n"),
    ("LLC-PY-011", "import redis\nr = redis.Redis()\nr.set('token', t, ex=300)\n"),
    ("LLC-PY-011", "from django.core.cache import cache\ncache.set(k, v, timeout=settings.T)\n"),
    ("LLC-PY-007", "import httpx\nhttpx.get(U, headers={'Authorization': f'Bearer {self.t}'})\n"),
    ("LLC-PY-007", "import httpx\nhttpx.get(U, auth=self.auth, headers={'Accept': 'a/b'})\n"),
    ("LLC-PY-007", "s.headers['Authorization'] = 'Bearer ' + get_token()\n"),
]


@pytest.mark.parametrize(("rule", "code"), _ISSUER_DROPS)
def test_table_screens_drop_what_the_rule_cannot_report(rule: str, code: str) -> None:
    assert not screen(code).may_fire(rule)
    spec = next(r for r in PYTHON_RULES if r.META.id == rule)
    assert not _scan([spec], "app/service.py", code.encode(), prescreen=False).findings


def test_issuer_screen_copies_hold_the_rules_constants() -> None:
    from scanner.documents.python import issuerscreen

    py004 = importlib.import_module("rules.python.py004_token_lifetime_too_long")
    assert py004._COOKIE_NAME.pattern == issuerscreen.PY004_COOKIE_NAME.pattern
    assert {py004._DRF_TOKEN_AUTH, py004._DRF_AUTHTOKEN_APP} == issuerscreen.PY004_DRF
    assert set(py004._SETTINGS) == issuerscreen.PY004_SETTINGS
    py003 = importlib.import_module("rules.python.py003_jwt_expiry_verification_disabled")
    assert set(py003._OPTION_ROWS) | set(py003._VALIDATE_ROWS) == set(issuerscreen.PY003_ROWS)
    py005 = importlib.import_module("rules.python.py005_hardcoded_sdk_credential")
    assert py005._URL_PASSWORD.pattern == sinkscreen.URL_PASSWORD.pattern
    py007 = importlib.import_module("rules.python.py007_static_bearer_token")
    assert py007._SCHEME.pattern == sinkscreen.PY007_SCHEME.pattern
    fs004 = importlib.import_module("rules.fakesession.fs004_oauth2_session_auto_refresh")
    assert fs004._REQUESTS_OAUTHLIB == issuerscreen.FS004_REQUESTS_OAUTHLIB
    assert fs004._AUTHLIB_SESSIONS == issuerscreen.OAUTH_SESSION_CLASSES
    oauth = importlib.import_module("scanner.documents.python.libraries.oauth")
    assert oauth.OAUTH_SESSION_CLASSES == issuerscreen.OAUTH_SESSION_CLASSES
    sink_gated = {
        r.META.id for r in PYTHON_RULES if "SinkGatedRule" in {c.__name__ for c in r.__mro__}
    }
    assert sink_gated == {k for k, v in sinkscreen.SCREENS.items() if v is issuerscreen.sink_gated}


# -- the text screens of LLC-PY-006, LLC-PY-007 and LLC-PY-011 --------------------------------

_TEXT_KEEPS = [
    ("LLC-PY-006", "import os\nos.environ['GOOGLE_APPLICATION_CREDENTIALS'] = 'k.json'\n"),
    (
        "LLC-PY-006",
        "from google.oauth2 import service_account as sa\n"
        "sa.Credentials.from_service_account_file(p)\n",
    ),
    (
        "LLC-PY-006",
        "import boto3\nboto3.client('s3', aws_access_key_id=a, aws_secret_access_key=b)\n",
    ),
    ("LLC-PY-006", "from azure.identity import ClientSecretCredential as C\nC(t, c, s)\n"),
    ("LLC-PY-007", "import requests\nrequests.get(u, headers={'X-Api-Key': K})\n"),
    ("LLC-PY-007", "req.add_header(NAME, VALUE)\n"),
    ("LLC-PY-007", "import requests\nrequests.get(u, auth = CREDS)\n"),
    ("LLC-PY-007", "from requests.auth import HTTPBasicAuth as B\nB(user, PASSWORD)\n"),
    ("LLC-PY-011", "from functools import lru_cache\n@lru_cache\ndef get_token():\n    pass\n"),
    ("LLC-PY-011", "import cachetools\nTOKENS = cachetools.TTLCache(1, 10**9)\n"),
    ("LLC-PY-011", "from django.core.cache import cache\ncache.set('to' + 'ken', t, None)\n"),
    ("LLC-PY-011", "def f():\n    return {'access_token': t, 'expires_in': None}\n"),
]


@pytest.mark.parametrize(("rule", "code"), _TEXT_KEEPS)
def test_text_screens_keep_what_the_ast_screens_keep(rule: str, code: str) -> None:
    assert screen(code).may_fire(rule)
    assert textscreen.text_may_fire(rule, code)


_TEXT_DROPS = [
    ("LLC-PY-006", "import boto3\nboto3.client('s3', region_name=R)\n"),
    ("LLC-PY-007", "import requests\nrequests.get(u, timeout=5)\n"),
    ("LLC-PY-011", "from functools import lru_cache\n@lru_cache\ndef get_user():\n    pass\n"),
    ("LLC-PY-011", "from django.core.cache import cache\ncache.set(page, html, None)\n"),
]


@pytest.mark.parametrize(("rule", "code"), _TEXT_DROPS)
def test_text_screens_drop_what_no_rule_reports(rule: str, code: str) -> None:
    assert not textscreen.text_may_fire(rule, code)
    spec = next(r for r in PYTHON_RULES if r.META.id == rule)
    assert not _scan([spec], "app/service.py", code.encode(), prescreen=False).findings
