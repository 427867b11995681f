"""Root credentials followed through the code people write (issue 13, rules.md 2.2 B).

Each source shape is checked twice: the class the analysis gives the argument of a ``use(...)``
call, and end to end, feeding a refresh-token grant inside a ``while True`` loop that the FS
rules must report (and whose federated look-alike they must not). Secrets are fake and built at
run time.
"""

from __future__ import annotations

import importlib
import textwrap

import libcst as cst
import pytest

from scanner.api import CredentialClass, PythonDocument, Rule
from scanner.findings import Finding, Location
from scanner.testing import expected_lines, run_rule

C = CredentialClass


def doc_of(code: str, path: str = "app/example.py") -> PythonDocument:
    return PythonDocument(path, textwrap.dedent(code))


def credential(code: str) -> CredentialClass:
    """Class of the argument of the last ``use(...)`` call in ``code``."""
    doc = doc_of(code)
    call = [c for c in doc.calls() if isinstance(c.func, cst.Name) and c.func.value == "use"][-1]
    return doc.credential_source(call.args[0].value, call).kind


#: (id, code, class): each shape of root credential, read by the last ``use(...)``.
SHAPES: list[tuple[str, str, CredentialClass]] = [
    ("alias-chain", 'import os\nA = os.environ["RT"]\nB = A\nC_ = B\nuse(C_)', C.STATIC_CONFIG),
    ("annotated", 'import os\nRT: str = os.environ["RT"]\nuse(RT)', C.STATIC_CONFIG),
    (
        "tuple-unpack",
        'import os\nCID, RT = os.environ["CID"], os.environ["RT"]\nuse(RT)',
        C.STATIC_CONFIG,
    ),
    (
        "tuple-unpack-helper",
        "import os\ndef creds():\n    return os.getenv('CID'), os.getenv('RT')\n"
        "cid, rt = creds()\nuse(rt)",
        C.STATIC_CONFIG,
    ),
    (
        "unpack-split",
        'import os\nuser, rt = os.environ["CRM_AUTH"].split(":", 1)\nuse(rt)',
        C.STATIC_CONFIG,
    ),
    (
        "self-other-method",
        "import os\nclass Job:\n    def setup(self):\n        self.rt = os.environ['RT']\n"
        "    def run(self):\n        use(self.rt)",
        C.STATIC_CONFIG,
    ),
    (
        "self-property",
        "import os\nclass Job:\n    @property\n    def refresh_token(self):\n"
        "        return os.environ['RT']\n    def run(self):\n        use(self.refresh_token)",
        C.STATIC_CONFIG,
    ),
    (
        "self-cached-property",
        "import functools, os\nclass Job:\n    @functools.cached_property\n"
        "    def rt(self):\n        return open('/etc/crm/rt').read().strip()\n"
        "    def run(self):\n        use(self.rt)",
        C.STATIC_CONFIG,
    ),
    (
        "class-attribute-self",
        "import os\nclass Job:\n    RT = os.environ['RT']\n    def run(self):\n"
        "        use(self.RT)",
        C.STATIC_CONFIG,
    ),
    (
        "class-attribute-by-name",
        "import os\nclass Conf:\n    RT = os.environ['RT']\nuse(Conf.RT)",
        C.STATIC_CONFIG,
    ),
    (
        "inherited-class-attribute",
        "import os\nclass Base:\n    RT = os.environ['RT']\nclass Job(Base):\n"
        "    def run(self):\n        use(self.RT)",
        C.STATIC_CONFIG,
    ),
    (
        "attribute-of-attribute",
        "import os\nclass Conf:\n    def __init__(self):\n        self.rt = os.environ['RT']\n"
        "class Job:\n    def __init__(self):\n        self.conf = Conf()\n"
        "    def run(self):\n        use(self.conf.rt)",
        C.STATIC_CONFIG,
    ),
    (
        "dataclass-default",
        "import os\nfrom dataclasses import dataclass, field\n@dataclass\nclass Conf:\n"
        "    rt: str = field(default_factory=lambda: os.environ['RT'])\n"
        "conf = Conf()\nuse(conf.rt)",
        C.STATIC_CONFIG,
    ),
    (
        "nested-dict-constant",
        "import os\nCONFIG = {'crm': {'refresh_token': os.environ['RT']}}\n"
        "use(CONFIG['crm']['refresh_token'])",
        C.STATIC_CONFIG,
    ),
    (
        "dict-spread",
        "import os\nBASE = {'refresh_token': os.environ['RT']}\nFORM = {**BASE, 'x': 1}\n"
        "use(FORM['refresh_token'])",
        C.STATIC_CONFIG,
    ),
    (
        "settings-getattr",
        "from django.conf import settings\nuse(getattr(settings, 'CRM_REFRESH_TOKEN'))",
        C.STATIC_CONFIG,
    ),
    (
        "settings-module-relative",
        "from . import settings\nuse(settings.CRM_REFRESH_TOKEN)",
        C.STATIC_CONFIG,
    ),
    (
        "yaml-config-nested",
        "import yaml\nwith open('config.yml') as fh:\n    cfg = yaml.safe_load(fh)\n"
        "use(cfg['crm'].get('refresh_token'))",
        C.STATIC_CONFIG,
    ),
    (
        "json-config-path",
        "import json\nfrom pathlib import Path\n"
        "cfg = json.loads(Path('config.json').read_text())\nuse(cfg['refresh_token'])",
        C.STATIC_CONFIG,
    ),
    (
        "pydantic-settings",
        "from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\n"
        "class Settings(BaseSettings):\n    crm_refresh_token: SecretStr\n"
        "settings = Settings()\nuse(settings.crm_refresh_token.get_secret_value())",
        C.STATIC_CONFIG,
    ),
    (
        "pydantic-settings-cached-getter",
        "import functools\nfrom pydantic_settings import BaseSettings\n"
        "class Settings(BaseSettings):\n    crm_refresh_token: str\n"
        "@functools.lru_cache\ndef get_settings():\n    return Settings()\n"
        "use(get_settings().crm_refresh_token)",
        C.STATIC_CONFIG,
    ),
    (
        "dynaconf",
        "from dynaconf import Dynaconf\nsettings = Dynaconf(settings_files=['settings.toml'])\n"
        "use(settings.CRM_REFRESH_TOKEN)",
        C.STATIC_CONFIG,
    ),
    (
        "dynaconf-get",
        "from dynaconf import settings\nuse(settings.get('CRM_REFRESH_TOKEN'))",
        C.STATIC_CONFIG,
    ),
    (
        "configparser-subscript",
        "import configparser\ncp = configparser.ConfigParser()\ncp.read('crm.ini')\n"
        "use(cp['crm']['refresh_token'])",
        C.STATIC_CONFIG,
    ),
    (
        "configparser-get",
        "from configparser import ConfigParser\nparser = ConfigParser()\n"
        "parser.read('crm.ini')\nuse(parser.get('crm', 'refresh_token'))",
        C.STATIC_CONFIG,
    ),
    (
        "django-environ",
        "import environ\nenv = environ.Env()\nuse(env.str('CRM_REFRESH_TOKEN'))",
        C.STATIC_CONFIG,
    ),
    (
        "django-environ-call",
        "import environ\nenv = environ.Env()\nuse(env('CRM_REFRESH_TOKEN'))",
        C.STATIC_CONFIG,
    ),
    ("keyring", "import keyring\nuse(keyring.get_password('crm', 'rt'))", C.STATIC_CONFIG),
    (
        "decouple-config",
        "from decouple import config\nSECRET = config('CRM_CLIENT_SECRET')\nuse(SECRET)",
        C.STATIC_CONFIG,
    ),
    (
        "cli-config-file",
        "import json, sys\nconfig = json.load(open(sys.argv[1]))\nuse(config['secret'])",
        C.STATIC_CONFIG,
    ),
    (
        "aws-secrets-manager",
        "import boto3, json\nsm = boto3.client('secretsmanager')\n"
        "SECRET = json.loads(sm.get_secret_value(SecretId='crm')['SecretString'])\n"
        "use(SECRET['refresh_token'])",
        C.STATIC_CONFIG,
    ),
    (
        "aws-ssm-parameter",
        "import boto3\nssm = boto3.client('ssm')\n"
        "RT = ssm.get_parameter(Name='/crm/rt', WithDecryption=True)['Parameter']['Value']\n"
        "use(RT)",
        C.STATIC_CONFIG,
    ),
    (
        "gcp-secret-manager",
        "from google.cloud import secretmanager\n"
        "client = secretmanager.SecretManagerServiceClient()\n"
        "resp = client.access_secret_version(request={'name': NAME})\n"
        "RT = resp.payload.data.decode('UTF-8')\nuse(RT)",
        C.STATIC_CONFIG,
    ),
    (
        "azure-key-vault",
        "from azure.identity import DefaultAzureCredential\n"
        "from azure.keyvault.secrets import SecretClient\n"
        "vault = SecretClient(vault_url=URL, credential=DefaultAzureCredential())\n"
        "RT = vault.get_secret('crm-refresh-token').value\nuse(RT)",
        C.STATIC_CONFIG,
    ),
    (
        "hvac-kv",
        "import hvac\nclient = hvac.Client(url=URL)\n"
        "data = client.secrets.kv.v2.read_secret_version(path='crm')['data']['data']\n"
        "use(data['refresh_token'])",
        C.STATIC_CONFIG,
    ),
    (
        "parameter-default",
        "import os\ndef refresh(rt=os.environ['RT']):\n    use(rt)",
        C.STATIC_CONFIG,
    ),
    (
        "parameter-default-caller-omits",
        "import os\ndef refresh(url, rt=os.environ['RT']):\n    use(rt)\nrefresh(URL)",
        C.STATIC_CONFIG,
    ),
    (
        "partial-positional",
        "import functools, os\ndef refresh(rt):\n    use(rt)\n"
        "job = functools.partial(refresh, os.environ['RT'])\njob()",
        C.STATIC_CONFIG,
    ),
    (
        "partial-keyword-scheduled",
        "import os, schedule\nfrom functools import partial\ndef refresh(url, rt):\n"
        "    use(rt)\nschedule.every(50).minutes.do(partial(refresh, rt=os.getenv('RT')), URL)",
        C.STATIC_CONFIG,
    ),
    (
        "wrapper-function",
        "import os\ndef get_token():\n    return os.environ['T']\nuse(get_token())",
        C.STATIC_CONFIG,
    ),
    (
        "wrapper-with-key",
        "import os\ndef secret(name):\n    return os.environ[name].strip()\nuse(secret('CRM_RT'))",
        C.STATIC_CONFIG,
    ),
    (
        "wrapper-staticmethod",
        "import os\nclass Vault:\n    @staticmethod\n    def load():\n"
        "        return os.environ['RT']\nuse(Vault.load())",
        C.STATIC_CONFIG,
    ),
    (
        "wrapper-lru-cache",
        "import functools, os\n@functools.lru_cache(maxsize=1)\ndef rt():\n"
        "    return os.environ['RT']\nuse(rt())",
        C.STATIC_CONFIG,
    ),
    ("f-string", 'import os\nRT = os.environ["RT"]\nuse(f"Bearer {RT}")', C.STATIC_CONFIG),
    (
        "format",
        'import os\nRT = os.environ["RT"]\nuse("refresh_token={}".format(RT))',
        C.STATIC_CONFIG,
    ),
    ("percent", 'import os\nRT = os.environ["RT"]\nuse("rt=%s" % RT)', C.STATIC_CONFIG),
    ("concat", 'import os\nRT = os.environ["RT"]\nuse("rt=" + RT)', C.STATIC_CONFIG),
    (
        "basic-auth-header",
        "import base64, os\nCID = os.environ['CID']\nCS = os.environ['CS']\n"
        "use(base64.b64encode(f'{CID}:{CS}'.encode()).decode())",
        C.STATIC_CONFIG,
    ),
    (
        "kwargs-spread-caller",
        "import os\ndef refresh(rt):\n    use(rt)\nopts = {'rt': os.environ['RT']}\n"
        "refresh(**opts)",
        C.STATIC_CONFIG,
    ),
    (
        "decorator-injects",
        "import functools, os\ndef with_token(fn):\n    @functools.wraps(fn)\n"
        "    def wrapper(*args, **kwargs):\n"
        "        return fn(*args, rt=os.environ['RT'], **kwargs)\n    return wrapper\n"
        "@with_token\ndef refresh(url, rt):\n    use(rt)",
        C.STATIC_CONFIG,
    ),
    (
        "celery-delay",
        "import os\nfrom celery import shared_task\n@shared_task\ndef refresh(rt):\n"
        "    use(rt)\nrefresh.delay(os.environ['RT'])",
        C.STATIC_CONFIG,
    ),
    (
        "celery-apply-async",
        "import os\nfrom celery import shared_task\n@shared_task\ndef refresh(rt):\n"
        "    use(rt)\nrefresh.apply_async(kwargs={'rt': os.environ['RT']}, countdown=60)",
        C.STATIC_CONFIG,
    ),
    (
        "asyncio-to-thread",
        "import asyncio, os\ndef refresh(rt):\n    use(rt)\n"
        "async def main():\n    await asyncio.to_thread(refresh, os.environ['RT'])",
        C.STATIC_CONFIG,
    ),
    (
        "loop-call-later",
        "import asyncio, os\ndef refresh(rt):\n    use(rt)\n"
        "loop = asyncio.get_event_loop()\nloop.call_later(60, refresh, os.environ['RT'])",
        C.STATIC_CONFIG,
    ),
    (
        "cross-module-helper",
        "from .auth import load_refresh_token\nRT = load_refresh_token()\nuse(RT)",
        C.STATIC_CONFIG,
    ),
    (
        "cross-module-package-helper",
        "from app.credentials import get_client_secret\nCS = get_client_secret()\nuse(CS)",
        C.STATIC_CONFIG,
    ),
    (
        "cross-module-module-attribute",
        "from . import auth\nRT = auth.read_refresh_token()\nuse(RT)",
        C.STATIC_CONFIG,
    ),
    (
        "cross-module-constant",
        "from .auth import REFRESH_TOKEN\nuse(REFRESH_TOKEN)",
        C.STATIC_CONFIG,
    ),
]

#: Look-alikes: platform sources, callers we cannot see, values read again each time.
QUIET: list[tuple[str, str, CredentialClass]] = [
    (
        "federated-wrapper",
        "import os\nfrom pathlib import Path\ndef assertion():\n"
        "    return Path(os.environ['AWS_WEB_IDENTITY_TOKEN_FILE']).read_text()\n"
        "use(assertion())",
        C.FEDERATED,
    ),
    (
        "federated-class-attribute",
        "class Job:\n    TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token'\n"
        "    def run(self):\n        use(open(self.TOKEN_FILE).read())",
        C.FEDERATED,
    ),
    (
        "federated-property",
        "import google.auth\nclass Job:\n    @property\n    def creds(self):\n"
        "        return google.auth.default()[0]\n    def run(self):\n        use(self.creds)",
        C.FEDERATED,
    ),
    (
        "federated-partial",
        "import functools\nfrom azure.identity import ManagedIdentityCredential\n"
        "def refresh(cred):\n    use(cred)\n"
        "job = functools.partial(refresh, ManagedIdentityCredential())\njob()",
        C.FEDERATED,
    ),
    (
        "federated-tuple",
        "import os\nfrom pathlib import Path\n"
        "ROLE, TOKEN = os.environ['AWS_ROLE_ARN'], "
        "Path(os.environ['AWS_WEB_IDENTITY_TOKEN_FILE']).read_text()\nuse(TOKEN)",
        C.FEDERATED,
    ),
    ("parameter-no-caller", "def refresh(rt):\n    use(rt)", C.PARAMETER),
    ("parameter-default-none", "def refresh(rt=None):\n    use(rt)", C.PARAMETER),
    (
        "celery-task-no-caller",
        "from celery import shared_task\n@shared_task\ndef refresh(rt):\n    use(rt)",
        C.PARAMETER,
    ),
    (
        "decorator-unknown",
        "def with_token(fn):\n    def wrapper(*args, **kwargs):\n"
        "        return fn(*args, rt=lookup(), **kwargs)\n    return wrapper\n"
        "@with_token\ndef refresh(url, rt):\n    use(rt)",
        C.PARAMETER,
    ),
    (
        "cross-module-minted",
        "from .auth import get_access_token\nuse(get_access_token())",
        C.UNKNOWN,
    ),
    (
        "third-party-helper",
        "from requests_cache import load_refresh_token\nuse(load_refresh_token())",
        C.UNKNOWN,
    ),
    (
        "request-session",
        "from flask import session\nuse(session['refresh_token'])",
        C.UNKNOWN,
    ),
    (
        "tuple-unpack-unknown",
        "cid, rt = lookup()\nuse(rt)",
        C.UNKNOWN,
    ),
    ("f-string-unknown", "use(f'Bearer {lookup()}')", C.UNKNOWN),
    (
        "per-user-rows",
        "from app.models import Token\nfor row in Token.objects.all():\n    use(row.refresh_token)",
        C.UNKNOWN,
    ),
    (
        "interactive-password",
        "import getpass\nuse(getpass.getpass('Password: '))",
        C.UNKNOWN,
    ),
    (
        "dataclass-built-with-argument",
        "import os\nfrom dataclasses import dataclass\n@dataclass\nclass Conf:\n"
        "    rt: str = os.environ.get('RT', '')\n"
        "def run(user_rt):\n    conf = Conf(rt=user_rt)\n    use(conf.rt)",
        C.UNKNOWN,
    ),
    (
        "for-target",
        "import os\nfor name, rt in pairs():\n    use(rt)",
        C.UNKNOWN,
    ),
]


@pytest.mark.parametrize(("code", "expected"), [pytest.param(c, e, id=i) for i, c, e in SHAPES])
def test_shape_class(code: str, expected: CredentialClass) -> None:
    assert credential(code) is expected


@pytest.mark.parametrize(("code", "expected"), [pytest.param(c, e, id=i) for i, c, e in QUIET])
def test_look_alike_class(code: str, expected: CredentialClass) -> None:
    assert credential(code) is expected


# -- end to end: each shape feeding a refresh-token grant in an endless loop -----------------

_FS = ("LLC-FS-001", "LLC-FS-002", "LLC-FS-003")
#: What a line that reads or writes a root credential spells (the related location).
_READS = (
    "environ",
    "getenv",
    "open(",
    "settings",
    "keyring",
    "secret",
    "parameter",
    "Dynaconf",
    "ConfigParser",
    "Env(",
    "cp[",
    "parser",
    "env.",
    "env(",
    "_token(",
    "_secret(",
    "import",
    "return",
    "RT",
    "rt",
    "load",
    "crm_refresh_token",
    "read",
    "Settings",
    "TOKEN",
    "config(",
)


def as_refresh_loop(code: str) -> str:
    """``use(X)`` becomes a refresh-token grant of ``X`` in a ``while True`` loop."""
    lines = textwrap.dedent(code).splitlines()
    index = max(i for i, line in enumerate(lines) if line.lstrip().startswith("use("))
    line = lines[index]
    indent = line[: len(line) - len(line.lstrip())]
    expr = line.strip()[len("use(") : -1]
    lines[index : index + 1] = [
        f"{indent}while True:",
        f'{indent}    tok = requests.post(URL, data={{"grant_type": "refresh_token", '
        f'"refresh_token": {expr}}}).json()',
        f'{indent}    time.sleep(tok["expires_in"] - 60)',
    ]
    return "import requests, time\n" + "\n".join(lines) + "\n"


_FS_MODULES = (
    "outlive_rules.fakesession.fs001_stored_refresh_token_grant",
    "outlive_rules.fakesession.fs002_unbounded_token_refresh_loop",
    "outlive_rules.fakesession.fs003_background_session_keepalive",
)


def fs_rules() -> list[type[Rule]]:
    """The FS rules that report a stored refresh token and the loops that redeem it."""
    out: list[type[Rule]] = []
    for name in _FS_MODULES:
        module = importlib.import_module(name)
        out.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and getattr(getattr(value, "META", None), "id", None) in _FS
            and value.__module__ == name
        )
    return out


def fs_findings(code: str, path: str = "app/jobs/refresh.py") -> list[Finding]:
    out: list[Finding] = []
    for rule in fs_rules():
        out.extend(run_rule(rule, code, path))
    return out


@pytest.mark.parametrize("code", [pytest.param(c, id=i) for i, c, _ in SHAPES])
def test_shape_feeds_a_reported_fake_session(code: str) -> None:
    program = as_refresh_loop(code)
    findings = fs_findings(program)
    loop_rules = [f for f in findings if f.rule_id in ("LLC-FS-002", "LLC-FS-003")]
    assert loop_rules, program
    for finding in findings:
        assert finding.related, finding
        read = spelled(program, finding.related[0].location)
        assert not read.startswith("requests.post"), (read, finding.message)
        assert any(word in read for word in _READS), (read, finding.message)


def spelled(program: str, location: Location) -> str:
    """The text a location spans (its first line, for a multi-line span)."""
    line = program.splitlines()[location.line - 1]
    end = location.end_column - 1 if location.end_line == location.line else len(line)
    return str(line[location.column - 1 : end])


@pytest.mark.parametrize(
    "code",
    [pytest.param(c, id=i) for i, c, _ in QUIET],
)
def test_look_alike_stays_quiet(code: str) -> None:
    program = as_refresh_loop(code)
    assert fs_findings(program) == [], program


# -- the FS rules' INVALID examples, in other styles ------------------------------------------

#: (id, rule, code): each must fire exactly on its ``expect:`` lines.
STYLED: list[tuple[str, str, str]] = [
    # LLC-FS-001: a stored refresh token redeemed at a token endpoint.
    (
        "fs001-alias-tuple",
        "LLC-FS-001",
        "import os\nimport requests as rq\n"
        "CID, RT = os.environ['CRM_CID'], os.environ['CRM_RT']\nrefresh = RT\n"
        "def token():\n"
        "    return rq.post(URL, data={'grant_type': 'refresh_token',  # expect: LLC-FS-001\n"
        "                              'refresh_token': refresh, 'client_id': CID}).json()\n",
    ),
    (
        "fs001-class-attribute",
        "LLC-FS-001",
        "import os, requests\nclass CrmClient:\n    REFRESH = os.environ['CRM_RT']\n"
        "    def renew(self):\n"
        "        body = {'grant_type': 'refresh_token', 'refresh_token': self.REFRESH}\n"
        "        return requests.post(URL, data=body).json()  # expect: LLC-FS-001\n",
    ),
    (
        "fs001-settings-dict",
        "LLC-FS-001",
        "import yaml, requests\nwith open('config.yml') as fh:\n    CONF = yaml.safe_load(fh)\n"
        "OAUTH = CONF['crm']['oauth']\n"
        "def token():\n"
        "    return requests.post(URL, data={'grant_type': 'refresh_token',  "
        "# expect: LLC-FS-001\n"
        "                                    'refresh_token': OAUTH['refresh_token']})\n",
    ),
    (
        "fs001-kwargs-spread",
        "LLC-FS-001",
        "import os, requests\nBASE = {'grant_type': 'refresh_token'}\n"
        "def token(**extra):\n"
        "    form = {**BASE, 'refresh_token': os.environ['CRM_RT'], **extra}\n"
        "    return requests.post(URL, data=form)  # expect: LLC-FS-001\n",
    ),
    (
        "fs001-helper-decorator",
        "LLC-FS-001",
        "import functools, os, requests\n@functools.lru_cache(maxsize=1)\n"
        "def stored_rt():\n    return os.environ['CRM_RT'].strip()\n"
        "def with_rt(fn):\n    @functools.wraps(fn)\n    def inner(*a, **kw):\n"
        "        return fn(*a, rt=stored_rt(), **kw)\n    return inner\n"
        "@with_rt\ndef token(url, rt):\n"
        "    return requests.post(url, data={'grant_type': 'refresh_token',  "
        "# expect: LLC-FS-001\n"
        "                                    'refresh_token': rt})\n",
    ),
    # LLC-FS-002: an endless loop re-minting from a stored credential.
    (
        "fs002-self-property",
        "LLC-FS-002",
        "import os, time, requests\nclass Sync:\n    @property\n    def secret(self):\n"
        "        return os.environ['BILLING_CLIENT_SECRET']\n"
        "    def run(self):\n        while True:  # expect: LLC-FS-002\n"
        "            tok = requests.post(URL, data={'grant_type': 'client_credentials'},\n"
        "                                auth=(CID, self.secret)).json()\n"
        "            time.sleep(tok['expires_in'] - 30)\n",
    ),
    (
        "fs002-config-object",
        "LLC-FS-002",
        "import configparser, time, requests\ncp = configparser.ConfigParser()\n"
        "cp.read('/etc/sync/sync.ini')\nOAUTH = cp['oauth']\n"
        "while True:  # expect: LLC-FS-002\n"
        "    tok = requests.post(URL, data={'grant_type': 'refresh_token',\n"
        "                                   'refresh_token': OAUTH.get('refresh_token')}).json()\n"
        "    time.sleep(3000)\n",
    ),
    (
        "fs002-partial-recursion",
        "LLC-FS-002",
        "import functools, os, time, requests\n"
        "def refresh(url, secret):\n"
        "    requests.post(url, data={'grant_type': 'client_credentials',\n"
        "                             'client_secret': secret})\n"
        "mint = functools.partial(refresh, URL, os.getenv('SVC_SECRET'))\n"
        "def forever():\n    mint()\n    time.sleep(600)\n    forever()  # expect: LLC-FS-002\n",
    ),
    (
        "fs002-pydantic-fstring",
        "LLC-FS-002",
        "import base64, time, requests\nfrom pydantic_settings import BaseSettings\n"
        "class Settings(BaseSettings):\n    client_id: str\n    client_secret: str\n"
        "S = Settings()\n"
        "def basic():\n"
        "    raw = f'{S.client_id}:{S.client_secret}'.encode()\n"
        "    return 'Basic ' + base64.b64encode(raw).decode()\n"
        "while True:  # expect: LLC-FS-002\n"
        "    requests.post(URL, data={'grant_type': 'client_credentials',\n"
        "                             'client_secret': S.client_secret},\n"
        "                  headers={'Authorization': basic()})\n"
        "    time.sleep(1800)\n",
    ),
    # LLC-FS-003: a scheduler or thread keeping the session alive.
    (
        "fs003-thread-args",
        "LLC-FS-003",
        "import os, threading, time, requests\n"
        "def keep_fresh(rt):\n    while True:\n"
        "        requests.post(URL, data={'grant_type': 'refresh_token', 'refresh_token': rt})\n"
        "        time.sleep(3000)\n"
        "threading.Thread(target=keep_fresh, args=(os.environ['RT'],), daemon=True).start()  "
        "# expect: LLC-FS-003\n",
    ),
    (
        "fs003-schedule-partial",
        "LLC-FS-003",
        "import functools, os, time, schedule, requests\n"
        "def refresh(rt):\n"
        "    requests.post(URL, data={'grant_type': 'refresh_token', 'refresh_token': rt})\n"
        "schedule.every(50).minutes.do(functools.partial(refresh, os.environ['RT']))  "
        "# expect: LLC-FS-003\n",
    ),
    (
        "fs003-timer-self",
        "LLC-FS-003",
        "import threading, keyring, requests\nclass Keeper:\n"
        "    def __init__(self):\n        self.rt = keyring.get_password('crm', 'rt')\n"
        "    def tick(self):\n"
        "        requests.post(URL, data={'grant_type': 'refresh_token',\n"
        "                                 'refresh_token': self.rt})\n"
        "        threading.Timer(3000, self.tick).start()  # expect: LLC-FS-003\n"
        "Keeper().tick()\n",
    ),
    # LLC-FS-004: an auto-refreshing session seeded with a stored token.
    (
        "fs004-helper-dict",
        "LLC-FS-004",
        "import os\nfrom requests_oauthlib import OAuth2Session\n"
        "def stored_token():\n"
        "    return {'access_token': '', 'refresh_token': os.environ['CRM_RT']}\n"
        "TOKEN = stored_token()\n"
        "s = OAuth2Session(CID, token=TOKEN, auto_refresh_url=URL)  # expect: LLC-FS-004\n",
    ),
    (
        "fs004-class-attribute",
        "LLC-FS-004",
        "import json\nfrom requests_oauthlib import OAuth2Session\n"
        "class Crm:\n    TOKEN = json.load(open('token.json'))\n"
        "    def session(self):\n"
        "        return OAuth2Session(CID, token=self.TOKEN, auto_refresh_url=URL)  "
        "# expect: LLC-FS-004\n",
    ),
    (
        "fs004-self",
        "LLC-FS-004",
        "from django.conf import settings\n"
        "from authlib.integrations.requests_client import OAuth2Session\n"
        "class Crm:\n    def connect(self):\n"
        "        tok = {'access_token': '', 'refresh_token': settings.CRM_REFRESH_TOKEN}\n"
        "        self.http = OAuth2Session(CID, CS, token=tok, token_endpoint=URL)  "
        "# expect: LLC-FS-004\n",
    ),
    # LLC-FS-005: Google user credentials from a stored refresh token.
    (
        "fs005-settings-object",
        "LLC-FS-005",
        "from dynaconf import Dynaconf\nfrom google.oauth2.credentials import Credentials\n"
        "conf = Dynaconf(settings_files=['settings.toml'])\n"
        "creds = Credentials(None, refresh_token=conf.GOOGLE_RT,  # expect: LLC-FS-005\n"
        "                    token_uri=URI, client_id=CID, client_secret=CS)\n",
    ),
    (
        "fs005-class-attribute",
        "LLC-FS-005",
        "import os\nfrom google.oauth2 import credentials as gc\n"
        "class Export:\n    RT = os.environ['GOOGLE_RT']\n"
        "    def creds(self):\n"
        "        return gc.Credentials(None, refresh_token=self.RT,  # expect: LLC-FS-005\n"
        "                              token_uri=URI, client_id=CID, client_secret=CS)\n",
    ),
    (
        "fs005-helper-tuple",
        "LLC-FS-005",
        "import os\nfrom google.oauth2.credentials import Credentials\n"
        "def oauth():\n    return os.environ['GOOGLE_CID'], os.environ['GOOGLE_RT']\n"
        "cid, rt = oauth()\n"
        "creds = Credentials(None, refresh_token=rt,  # expect: LLC-FS-005\n"
        "                    token_uri=URI, client_id=cid, client_secret=CS)\n",
    ),
    # LLC-FS-006: a stored Microsoft refresh token redeemed with MSAL.
    (
        "fs006-self",
        "LLC-FS-006",
        "import msal\nfrom app import settings\nclass Mailer:\n"
        "    def __init__(self):\n        self.rt = settings.AAD_REFRESH_TOKEN\n"
        "        self.app = msal.PublicClientApplication(CID)\n"
        "    def token(self):\n"
        "        return self.app.acquire_token_by_refresh_token(self.rt, SCOPES)  "
        "# expect: LLC-FS-006\n",
    ),
    (
        "fs006-secret-store",
        "LLC-FS-006",
        "import json, boto3, msal\nsm = boto3.client('secretsmanager')\n"
        "AAD = json.loads(sm.get_secret_value(SecretId='aad')['SecretString'])\n"
        "app = msal.PublicClientApplication(CID)\n"
        "app.acquire_token_by_refresh_token(AAD['refresh_token'], SCOPES)  "
        "# expect: LLC-FS-006\n",
    ),
    (
        "fs006-parameter-default",
        "LLC-FS-006",
        "import os, msal\napp = msal.PublicClientApplication(CID)\n"
        "def token(rt=os.environ['AAD_RT']):\n"
        "    return app.acquire_token_by_refresh_token(rt, SCOPES)  # expect: LLC-FS-006\n",
    ),
    # LLC-FS-007: a Vault token renewed for ever.
    (
        "fs007-class-attribute",
        "LLC-FS-007",
        "import os, time, hvac\nclass Renewer:\n    TOKEN = os.environ['VAULT_TOKEN']\n"
        "    def run(self):\n        c = hvac.Client(url=U, token=self.TOKEN)\n"
        "        while True:  # expect: LLC-FS-007\n"
        "            c.auth.token.renew_self()\n            time.sleep(3600)\n",
    ),
    (
        "fs007-helper",
        "LLC-FS-007",
        "import time, hvac\nfrom pathlib import Path\n"
        "def vault_token():\n    return (Path.home() / '.vault-token').read_text().strip()\n"
        "c = hvac.Client(url=U, token=vault_token())\n"
        "while True:  # expect: LLC-FS-007\n    c.auth.token.renew_self()\n    time.sleep(600)\n",
    ),
    (
        "fs007-kwargs",
        "LLC-FS-007",
        "import os, time, hvac\nOPTS = {'url': U, 'token': os.environ['VAULT_TOKEN']}\n"
        "c = hvac.Client(**OPTS)\n"
        "while True:  # expect: LLC-FS-007\n    c.auth.token.renew_self()\n    time.sleep(600)\n",
    ),
]

#: (id, rule, code): look-alikes of the styled variants that must stay quiet.
STYLED_VALID: list[tuple[str, str, str]] = [
    (
        "fs001-class-attribute-parameter",
        "LLC-FS-001",
        "import requests\nclass CrmClient:\n    def __init__(self, rt):\n        self.rt = rt\n"
        "    def renew(self):\n"
        "        return requests.post(URL, data={'grant_type': 'refresh_token',\n"
        "                                        'refresh_token': self.rt})\n",
    ),
    (
        "fs001-decorator-session",
        "LLC-FS-001",
        "import functools, requests\nfrom flask import session\n"
        "def with_rt(fn):\n    @functools.wraps(fn)\n    def inner(*a, **kw):\n"
        "        return fn(*a, rt=session['refresh_token'], **kw)\n    return inner\n"
        "@with_rt\ndef token(url, rt):\n"
        "    return requests.post(url, data={'grant_type': 'refresh_token',\n"
        "                                    'refresh_token': rt})\n",
    ),
    (
        "fs002-property-federated",
        "LLC-FS-002",
        "import os, time, requests\nfrom pathlib import Path\nclass Sync:\n    @property\n"
        "    def assertion(self):\n"
        "        return Path(os.environ['AZURE_FEDERATED_TOKEN_FILE']).read_text()\n"
        "    def run(self):\n        while True:\n"
        "            requests.post(URL, data={'grant_type': 'client_credentials',\n"
        "                                     'client_assertion': self.assertion})\n"
        "            time.sleep(3000)\n",
    ),
    (
        "fs002-secret-read-each-cycle",
        "LLC-FS-002",
        "import time, boto3, requests\nsm = boto3.client('secretsmanager')\n"
        "while True:\n"
        "    secret = sm.get_secret_value(SecretId='svc')['SecretString']\n"
        "    requests.post(URL, data={'grant_type': 'client_credentials',\n"
        "                             'client_secret': secret})\n"
        "    time.sleep(3000)\n",
    ),
    (
        "fs002-cross-module-each-cycle",
        "LLC-FS-002",
        "import time, requests\nfrom .auth import load_client_secret\n"
        "while True:\n"
        "    requests.post(URL, data={'grant_type': 'client_credentials',\n"
        "                             'client_secret': load_client_secret()})\n"
        "    time.sleep(3000)\n",
    ),
    (
        "fs003-thread-args-parameter",
        "LLC-FS-003",
        "import threading, time, requests\n"
        "def keep_fresh(rt):\n    while True:\n"
        "        requests.post(URL, data={'grant_type': 'refresh_token', 'refresh_token': rt})\n"
        "        time.sleep(3000)\n"
        "def start(rt):\n"
        "    threading.Thread(target=keep_fresh, args=(rt,), daemon=True).start()\n",
    ),
    (
        "fs005-default-chain",
        "LLC-FS-005",
        "import google.auth\nclass Export:\n    @property\n    def creds(self):\n"
        "        return google.auth.default()[0]\n",
    ),
    (
        "fs006-parameter-default-none",
        "LLC-FS-006",
        "import msal\napp = msal.PublicClientApplication(CID)\n"
        "def token(rt=None):\n    return app.acquire_token_by_refresh_token(rt, SCOPES)\n",
    ),
    (
        "fs007-bounded",
        "LLC-FS-007",
        "import os, time, hvac\nOPTS = {'url': U, 'token': os.environ['VAULT_TOKEN']}\n"
        "c = hvac.Client(**OPTS)\n"
        "for _ in range(3):\n    c.auth.token.renew_self()\n    time.sleep(600)\n",
    ),
]


def _rule(rule_id: str) -> type[Rule]:
    for name in (*_FS_MODULES, *_OTHER_FS_MODULES):
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name:
                meta = getattr(value, "META", None)
                if getattr(meta, "id", None) == rule_id:
                    return value
    raise LookupError(rule_id)


_OTHER_FS_MODULES = (
    "outlive_rules.fakesession.fs004_oauth2_session_auto_refresh",
    "outlive_rules.fakesession.fs005_google_stored_user_refresh_token",
    "outlive_rules.fakesession.fs006_msal_refresh_token_redemption",
    "outlive_rules.fakesession.fs007_vault_token_renew_loop",
)


@pytest.mark.parametrize(("rule_id", "code"), [pytest.param(r, c, id=i) for i, r, c in STYLED])
def test_styled_invalid_fires_on_its_lines(rule_id: str, code: str) -> None:
    findings = run_rule(_rule(rule_id), code, "app/jobs/refresh.py")
    assert tuple(sorted({f.location.line for f in findings})) == expected_lines(code, rule_id), [
        (f.location.line, f.message) for f in findings
    ]


@pytest.mark.parametrize(
    ("rule_id", "code"), [pytest.param(r, c, id=i) for i, r, c in STYLED_VALID]
)
def test_styled_valid_stays_quiet(rule_id: str, code: str) -> None:
    findings = run_rule(_rule(rule_id), code, "app/jobs/refresh.py")
    assert findings == (), [(f.location.line, f.message) for f in findings]


@pytest.mark.parametrize(
    ("code", "read_line"),
    [
        # The line where the root credential is read, not the sink or an alias of it.
        ("import os\nCID, RT = os.environ['CID'], os.environ['RT']\nalias = RT\nuse(alias)", 2),
        (
            "import os\nclass Job:\n    RT = os.environ['RT']\n    def run(self):\n"
            "        use(self.RT)",
            3,
        ),
        (
            "from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n"
            "    crm_refresh_token: str\nuse(S().crm_refresh_token)",
            3,
        ),
        (
            "import functools, os\ndef refresh(rt):\n    use(rt)\n"
            "job = functools.partial(refresh, os.environ['RT'])\njob()",
            6,  # the loop takes two more lines than the ``use`` it replaces
        ),
    ],
)
def test_related_location_is_the_read(code: str, read_line: int) -> None:
    program = as_refresh_loop(code)
    findings = [f for f in fs_findings(program) if f.rule_id == "LLC-FS-002"]
    assert findings, program
    shift = 1  # as_refresh_loop adds one import line
    assert findings[0].related[0].location.line == read_line + shift


def test_stored_helper_names() -> None:
    from scanner.documents.python.crossmodule import same_project, stored_helper

    assert stored_helper("load_refresh_token")
    assert stored_helper("get_client_secret")
    assert stored_helper("read_crm_api_key")
    for name in (
        "get_access_token",
        "get_new_refresh_token",
        "load_federated_secret",
        "get_token",
        "get_credentials",
        "fetch_id_token",
        "get_settings",
    ):
        assert not stored_helper(name), name
    assert same_project(".auth", "app/jobs/sync.py")
    assert same_project("app.auth", "src/app/jobs/sync.py")
    assert not same_project("requests_oauthlib", "app/jobs/sync.py")
