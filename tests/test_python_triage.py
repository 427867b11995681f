"""False positives the triage of real repositories found in the PY rules, and their neighbours.

Each shape is written anew after one seen in public code: a digest-auth test on RFC 2069's
sample (httpx), a framework's own defaults table (Flask's ``default_config``). The rules must
stay quiet there and keep firing on the configurations they exist for.
"""

from __future__ import annotations

import base64

import pytest

from scanner.api import BASE64, Severity, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.registry import all_rules
from scanner.testing import expected_lines, run_rule

_RULES = {rule.META.id: rule for rule in all_rules()}
_KEY = fake_token("", 20, seed=71)
_SECRET = fake_token("", 40, BASE64, seed=72)
_GITHUB = fake_token("ghp_", 36, seed=73)


def _lines(rule_id: str, code: str, path: str) -> tuple[int, ...]:
    return tuple(sorted({f.location.line for f in run_rule(_RULES[rule_id], code, path)}))


def _severities(rule_id: str, code: str, path: str) -> list[Severity]:
    """Every finding's severity, info included (``run_rule`` leaves info out)."""
    result = Engine([_RULES[rule_id]], Config()).scan_bytes(path, code.encode())
    return [f.severity for f in result.findings if f.rule_id == rule_id]


# -- LLC-PY-005/006/007: test paths and published samples ---------------------------------------

#: (rule, path, code) that must be quiet at every severity above info.
QUIET = [
    # httpx's RFC 2069 test: the published Mufasa sample, in a test.
    (
        "LLC-PY-007",
        "tests/test_auth.py",
        "import httpx\n"
        "def test_digest_auth_rfc_2069():\n"
        '    auth = httpx.DigestAuth(username="Mufasa", password="CircleOfLife")\n',
    ),
    # The same samples in application code and docs, in both header spellings.
    (
        "LLC-PY-007",
        "src/client.py",
        "import requests\n"
        "from requests.auth import HTTPDigestAuth\n"
        'r = requests.get(URL, auth=HTTPDigestAuth("Mufasa", "Circle Of Life"))\n'
        'r = requests.get(URL, headers={"Authorization": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="})\n'
        'r = requests.get(URL, headers={"Authorization": "Bearer mF_9.B5f-4.1JqM"})\n',
    ),
    # A basic header whose password is a common one, decoded.
    (
        "LLC-PY-007",
        "src/client.py",
        "import requests\n"
        f'H = {{"Authorization": "Basic {base64.b64encode(b"admin:password123").decode()}"}}\n'
        "r = requests.get(URL, headers=H)\n",
    ),
    # AWS's documentation keys anywhere.
    (
        "LLC-PY-005",
        "src/storage.py",
        "import boto3\n"
        's3 = boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",\n'
        '                  aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")\n',
    ),
    # A conftest fixture wiring boto3 to moto from the environment.
    (
        "LLC-PY-006",
        "tests/conftest.py",
        "import os, boto3, pytest\n"
        "@pytest.fixture\n"
        "def s3():\n"
        '    return boto3.client("s3", aws_access_key_id=os.environ["KEY"],\n'
        '                        aws_secret_access_key=os.environ["SECRET"])\n',
    ),
]


@pytest.mark.parametrize(("rule_id", "path", "code"), QUIET)
def test_quiet(rule_id: str, path: str, code: str) -> None:
    assert _lines(rule_id, code, path) == ()


def test_value_found_by_name_is_info_in_tests_docs_and_examples() -> None:
    code = (
        "import httpx\n"
        f'auth = httpx.DigestAuth(username="bot", password="{_KEY}")\n'
        f'r = httpx.get(URL, headers={{"X-API-Key": "{_KEY}Z"}})\n'
    )
    for path in ("tests/test_client.py", "docs/snippets/auth.py", "examples/client.py"):
        assert _severities("LLC-PY-007", code, path) == [Severity.INFO] * 2, path
    assert _severities("LLC-PY-007", code, "src/client.py") == [Severity.HIGH] * 2
    sdk = f'import boto3\ns3 = boto3.client("s3", aws_secret_access_key="{_SECRET}")\n'
    assert _severities("LLC-PY-005", sdk, "tests/test_s3.py") == [Severity.INFO]
    assert _severities("LLC-PY-005", sdk, "src/s3.py") == [Severity.HIGH]


def test_provider_format_keeps_its_severity_in_tests() -> None:
    code = (
        "import requests\n"
        + f'r = requests.get(API, headers={{"Authorization": "token {_GITHUB}"}})\n'
    )
    assert _severities("LLC-PY-007", code, "tests/test_api.py") == [Severity.CRITICAL]


def test_basic_header_with_a_real_looking_password_fires() -> None:
    header = base64.b64encode(f"deploy:{_KEY}".encode()).decode()
    code = (
        "import requests\n"
        + f'r = requests.get(URL, headers={{"Authorization": "Basic {header}"}})\n'
    )
    assert _lines("LLC-PY-007", code, "src/client.py") == (2,)


# -- LLC-PY-004: a setting counts only where the framework reads it -----------------------------

_FLASK_DEFAULTS = (
    "from datetime import timedelta\n"
    "class Flask(App):\n"
    "    default_config = ImmutableDict(\n"
    "        {\n"
    '            "DEBUG": None,\n'
    '            "PERMANENT_SESSION_LIFETIME": timedelta(days=31),\n'
    '            "SESSION_COOKIE_NAME": "session",\n'
    "        }\n"
    "    )\n"
)

#: (path, code): quiet.
PY004_QUIET = [
    ("src/flask/app.py", _FLASK_DEFAULTS),
    # A module constant outside a settings module; a helper's dict; a local variable.
    (
        "app/views.py",
        "from datetime import timedelta\n"
        "PERMANENT_SESSION_LIFETIME = timedelta(days=365)\n"
        "def defaults():\n"
        '    return {"JWT_ACCESS_TOKEN_EXPIRES": False}\n'
        "def build():\n"
        "    SESSION_COOKIE_AGE = 365 * 86400\n"
        "    return SESSION_COOKIE_AGE\n",
    ),
    # simplejwt reads only settings.SIMPLE_JWT; expected values in a test's dict.
    (
        "mysite/settings.py",
        "from datetime import timedelta\nACCESS_TOKEN_LIFETIME = timedelta(days=30)\n",
    ),
    ("app/checks.py", 'EXPECTED = {"SESSION_COOKIE_AGE": 365 * 86400, "TOKEN_TTL": None}\n'),
]

#: (path, code): fires on the ``expect`` lines.
PY004_FIRES = [
    (
        "mysite/settings.py",
        "SESSION_COOKIE_AGE = 365 * 86400  # expect: LLC-PY-004\n",
    ),
    (
        "config/base.py",
        "from datetime import timedelta\n"
        "PERMANENT_SESSION_LIFETIME = timedelta(days=90)  # expect: LLC-PY-004\n",
    ),
    (
        "instance/default_config.py",
        "JWT_ACCESS_TOKEN_EXPIRES = False  # expect: LLC-PY-004\n",
    ),
    # Flask loading the module itself into its config.
    (
        "app.py",
        "JWT_ACCESS_TOKEN_EXPIRES = False  # expect: LLC-PY-004\n"
        "app = Flask(__name__)\n"
        "app.config.from_object(__name__)\n",
    ),
    # A constant copied into the config object where it is not a setting itself.
    (
        "app/factory.py",
        "from datetime import timedelta\n"
        "PERMANENT_SESSION_LIFETIME = timedelta(days=365)\n"
        "def create_app():\n"
        "    app = Flask(__name__)\n"
        '    app.config["PERMANENT_SESSION_LIFETIME"] = PERMANENT_SESSION_LIFETIME'
        "  # expect: LLC-PY-004\n"
        "    return app\n",
    ),
    (
        "app/factory.py",
        "from datetime import timedelta\n"
        "class Config:\n"
        "    def __init__(self):\n"
        "        self.PERMANENT_SESSION_LIFETIME = timedelta(days=90)  # expect: LLC-PY-004\n",
    ),
    (
        "app/__init__.py",
        "app.config.update(\n"
        "    dict(\n"
        "        SECRET_KEY=KEY,\n"
        "        JWT_ACCESS_TOKEN_EXPIRES=False,  # expect: LLC-PY-004\n"
        "    )\n"
        ")\n",
    ),
    (
        "mysite/settings/base.py",
        "from datetime import timedelta\n"
        "SIMPLE_JWT = {}\n"
        'SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] = timedelta(days=30)  # expect: LLC-PY-004\n',
    ),
    (
        "api/views.py",
        "from datetime import timedelta\n"
        "@override_settings(SESSION_COOKIE_AGE=365 * 86400)  # expect: LLC-PY-004\n"
        "def handler():\n"
        "    pass\n"
        "@override_settings(REST_KNOX={'TOKEN_TTL': None})  # expect: LLC-PY-004\n"
        "def other():\n"
        "    pass\n",
    ),
    # The FastAPI tutorial's constant lives in main.py: the application's own.
    ("main.py", "ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 30  # expect: LLC-PY-004\n"),
    # Django tests mutate settings; the finding stays (graded info in tests).
    (
        "app/setup.py",
        "from django.conf import settings\n"
        "settings.SESSION_COOKIE_AGE = 365 * 86400  # expect: LLC-PY-004\n",
    ),
]


@pytest.mark.parametrize(("path", "code"), PY004_QUIET)
def test_py004_quiet_outside_configuration(path: str, code: str) -> None:
    assert _lines("LLC-PY-004", code, path) == ()


@pytest.mark.parametrize(("path", "code"), PY004_FIRES)
def test_py004_fires_in_configuration(path: str, code: str) -> None:
    assert _lines("LLC-PY-004", code, path) == expected_lines(code, "LLC-PY-004")
