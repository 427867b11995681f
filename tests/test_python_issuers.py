"""The issuer table (``libraries/issuers/``): every row fires on its INVALID example and stays
quiet on its VALID look-alike, and the PY rules' INVALID shapes are found in other styles too."""

from __future__ import annotations

import pytest

from scanner.api import ISSUERS, Issuer
from scanner.registry import all_rules
from scanner.testing import expected_lines, run_rule

_RULES = {rule.META.id: rule for rule in all_rules()}

#: Per row key: (INVALID, VALID). A quiet row has no INVALID (None): it is bounded by design.
ROWS: dict[str, tuple[str | None, str]] = {
    "pyjwt": (
        'import jwt\ntok = jwt.encode({"sub": "bot"}, KEY)  # expect: LLC-PY-001\n',
        'import jwt, time\ntok = jwt.encode({"sub": "bot", "exp": time.time() + 300}, KEY)\n',
    ),
    "pyjwt.PyJWT": (
        "import jwt\n"
        "encoder = jwt.PyJWT()\n"
        'tok = encoder.encode({"sub": "bot"}, KEY)  # expect: LLC-PY-001\n',
        "import jwt, time\n"
        "encoder = jwt.PyJWT()\n"
        'tok = encoder.encode({"sub": "bot", "exp": time.time() + 60}, KEY)\n',
    ),
    "python-jose": (
        "from jose import jwt\n"
        'tok = jwt.encode({"sub": "bot"}, KEY, algorithm="HS256")  # expect: LLC-PY-001\n',
        "from jose import jwt\n"
        'tok = jwt.encode({"sub": "bot", "exp": EXP}, KEY, algorithm="HS256")\n',
    ),
    "authlib": (
        "from authlib.jose import jwt\n"
        'tok = jwt.encode({"alg": "HS256"}, {"sub": "bot"}, KEY)  # expect: LLC-PY-001\n',
        "from authlib.jose import jwt\n"
        'tok = jwt.encode({"alg": "HS256"}, {"sub": "bot", "exp": EXP}, KEY)\n',
    ),
    "authlib.JsonWebToken": (
        "from authlib.jose import JsonWebToken\n"
        'signer = JsonWebToken(["RS256"])\n'
        'tok = signer.encode({"alg": "RS256"}, {"sub": "x"}, KEY)  # expect: LLC-PY-001\n',
        "from authlib.jose import JsonWebToken\n"
        'signer = JsonWebToken(["RS256"])\n'
        'tok = signer.encode({"alg": "RS256"}, {"sub": "x", "exp": EXP}, KEY)\n',
    ),
    "jwcrypto": (
        "import json\n"
        "from jwcrypto import jwt\n"
        'token = jwt.JWT(header={"alg": "RS256"},  # expect: LLC-PY-001\n'
        '                claims=json.dumps({"sub": "worker"}))\n',
        "import json, time\n"
        "from jwcrypto import jwt\n"
        'token = jwt.JWT(header={"alg": "RS256"},\n'
        '                claims=json.dumps({"sub": "worker", "exp": int(time.time()) + 300}))\n',
    ),
    "python_jwt": (
        "import python_jwt\n"
        'tok = python_jwt.generate_jwt({"sub": "bot"}, KEY, "PS256")  # expect: LLC-PY-001\n',
        "import datetime, python_jwt\n"
        'tok = python_jwt.generate_jwt({"sub": "bot"}, KEY, "PS256",'
        " datetime.timedelta(minutes=5))\n",
    ),
    "gehirn-jwt": (
        "from jwt import JWT\n"
        "issuer = JWT()\n"
        'tok = issuer.encode({"iss": "svc"}, KEY, "RS256")  # expect: LLC-PY-001\n',
        "from jwt import JWT\n"
        "issuer = JWT()\n"
        'tok = issuer.encode({"iss": "svc", "exp": EXP}, KEY, "RS256")\n',
    ),
    "apns": (
        None,
        "import time, jwt\n"
        'provider = jwt.encode({"iss": TEAM_ID, "iat": int(time.time())}, P8_KEY,\n'
        '                      algorithm="ES256", headers={"kid": KEY_ID})\n',
    ),
    "firebase": (
        None,
        "from firebase_admin import auth\ncustom = auth.create_custom_token(uid)\n",
    ),
    "flask-jwt-extended.access": (
        'app.config["JWT_ACCESS_TOKEN_EXPIRES"] = False  # expect: LLC-PY-004\n',
        "from datetime import timedelta\n"
        'app.config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=15)\n',
    ),
    "flask-jwt-extended.refresh": (
        "class Config:\n    JWT_REFRESH_TOKEN_EXPIRES = False  # expect: LLC-PY-004\n",
        "from datetime import timedelta\n"
        "class Config:\n"
        "    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=7)\n",
    ),
    "flask-jwt-extended.create_access_token": (
        "from flask_jwt_extended import create_access_token\n"
        "tok = create_access_token(identity=u, expires_delta=False)  # expect: LLC-PY-004\n",
        "from datetime import timedelta\n"
        "from flask_jwt_extended import create_access_token\n"
        "tok = create_access_token(identity=u, expires_delta=timedelta(minutes=10))\n",
    ),
    "flask-jwt-extended.create_refresh_token": (
        "import flask_jwt_extended as fje\n"
        "tok = fje.create_refresh_token(identity=u, expires_delta=False)"
        "  # expect: LLC-PY-004\n",
        "import flask_jwt_extended as fje\ntok = fje.create_refresh_token(identity=u)\n",
    ),
    "simplejwt.access": (
        "from datetime import timedelta\n"
        'SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(days=7)}  # expect: LLC-PY-004\n',
        "from datetime import timedelta\n"
        'SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(minutes=5)}\n',
    ),
    "simplejwt.refresh": (
        "from datetime import timedelta\n"
        'SIMPLE_JWT = {"REFRESH_TOKEN_LIFETIME": timedelta(days=365)}  # expect: LLC-PY-004\n',
        "from datetime import timedelta\n"
        'SIMPLE_JWT = {"REFRESH_TOKEN_LIFETIME": timedelta(days=1)}\n',
    ),
    "drf-authtoken": (
        "from rest_framework.authtoken.models import Token\n"
        "token, _ = Token.objects.get_or_create(user=bot)  # expect: LLC-PY-004\n",
        "from knox.models import AuthToken\ninstance, token = AuthToken.objects.create(user=bot)\n",
    ),
    "knox": (
        'REST_KNOX = {"TOKEN_TTL": None}  # expect: LLC-PY-004\n',
        "from datetime import timedelta\n"
        'REST_KNOX = {"TOKEN_TTL": timedelta(hours=1)}\n'
        'CACHE = {"TOKEN_TTL": None}\n',
    ),
    "fastapi-jwt-auth.access": (
        "from pydantic import BaseModel\n"
        "class Settings(BaseModel):\n"
        "    authjwt_access_token_expires: bool = False  # expect: LLC-PY-004\n",
        "from pydantic import BaseModel\n"
        "class Settings(BaseModel):\n"
        "    authjwt_access_token_expires: int = 900\n",
    ),
    "fastapi-jwt-auth.refresh": (
        "class Settings(BaseModel):\n"
        "    authjwt_refresh_token_expires = 365 * 86400  # expect: LLC-PY-004\n",
        "class Settings(BaseModel):\n    authjwt_refresh_token_expires = 7 * 86400\n",
    ),
    "fastapi-jwt-auth.create": (
        "from fastapi_jwt_auth import AuthJWT\n"
        "def login(Authorize: AuthJWT):\n"
        "    return Authorize.create_access_token(subject=u, expires_time=False)"
        "  # expect: LLC-PY-004\n",
        "from fastapi_jwt_auth import AuthJWT\n"
        "def login(Authorize: AuthJWT):\n"
        "    return Authorize.create_access_token(subject=u, expires_time=600)\n",
    ),
    "fastapi-users.jwt": (
        "from fastapi_users.authentication import JWTStrategy\n"
        "def strategy():\n"
        "    return JWTStrategy(secret=SECRET, lifetime_seconds=None)  # expect: LLC-PY-004\n",
        "from fastapi_users.authentication import JWTStrategy\n"
        "def strategy():\n"
        "    return JWTStrategy(secret=SECRET, lifetime_seconds=3600)\n",
    ),
    "fastapi-users.stored": (
        "from fastapi_users.authentication import RedisStrategy\n"
        "def strategy():\n"
        "    return RedisStrategy(redis)  # expect: LLC-PY-004\n",
        "from fastapi_users.authentication import RedisStrategy\n"
        "def strategy():\n"
        "    return RedisStrategy(redis, lifetime_seconds=3600)\n",
    ),
    "fastapi-template.access": (
        "ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 8  # expect: LLC-PY-004\n",
        "ACCESS_TOKEN_EXPIRE_MINUTES = 30\n",
    ),
    "fastapi-template.refresh": (
        "REFRESH_TOKEN_EXPIRE_MINUTES = 60 * 24 * 365  # expect: LLC-PY-004\n",
        "REFRESH_TOKEN_EXPIRE_MINUTES = 60 * 24 * 7\n",
    ),
    "fastapi-template.refresh-days": (
        "REFRESH_TOKEN_EXPIRE_DAYS = 90  # expect: LLC-PY-004\n",
        "REFRESH_TOKEN_EXPIRE_DAYS = 7\n",
    ),
    "flask-session": (
        "from datetime import timedelta\n"
        'app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=365)  # expect: LLC-PY-004\n',
        "from datetime import timedelta\n"
        'app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=8)\n',
    ),
    "django-session": (
        "class Production(Configuration):\n"
        "    SESSION_COOKIE_AGE = 60 * 60 * 24 * 365  # expect: LLC-PY-004\n",
        "class Production(Configuration):\n    SESSION_COOKIE_AGE = 60 * 60 * 24 * 14\n",
    ),
    "django-session.browser-close": (None, "SESSION_EXPIRE_AT_BROWSER_CLOSE = False\n"),
    "gitlab.access_tokens": (
        "import gitlab\n"
        "gl = gitlab.Gitlab(URL, private_token=ADMIN)\n"
        'pat = gl.personal_access_tokens.create({"name": "ci", "scopes": ["api"]})'
        "  # expect: LLC-PY-004\n",
        "import gitlab, datetime\n"
        "gl = gitlab.Gitlab(URL, private_token=ADMIN)\n"
        "soon = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()\n"
        'pat = project.access_tokens.create({"name": "ci", "scopes": ["api"],'
        ' "expires_at": soon})\n',
    ),
    "github.installation": (
        None,
        "from github import GithubIntegration\n"
        "integration = GithubIntegration(APP_ID, PRIVATE_KEY)\n"
        "token = integration.get_access_token(INSTALLATION_ID).token\n",
    ),
    "k8s.token_request": (
        "from kubernetes import client\n"
        "spec = client.V1TokenRequestSpec(audiences=['api'],"
        " expiration_seconds=86400 * 365)  # expect: LLC-PY-004\n",
        "from kubernetes import client\n"
        "spec = client.V1TokenRequestSpec(audiences=['api'], expiration_seconds=600)\n",
    ),
    "sts.assume_role": (
        "import boto3\n"
        'sts = boto3.client("sts")\n'
        "sts.assume_role(RoleArn=A, RoleSessionName='x', DurationSeconds=43200)"
        "  # expect: LLC-PY-008\n",
        "import boto3\n"
        'sts = boto3.client("sts")\n'
        "sts.assume_role(RoleArn=A, RoleSessionName='x', DurationSeconds=900)\n",
    ),
    "sts.user_key": (
        'import boto3\nboto3.client("sts").get_session_token()  # expect: LLC-PY-008\n',
        'import boto3\nboto3.client("iam").get_session_token()\n',
    ),
    "gcp.generate_access_token": (
        "from google.cloud import iam_credentials_v1\n"
        "from google.protobuf import duration_pb2\n"
        "iam = iam_credentials_v1.IAMCredentialsClient()\n"
        "tok = iam.generate_access_token(name=SA, scope=SCOPES,  # expect: LLC-PY-008\n"
        "                                lifetime=duration_pb2.Duration(seconds=43200))\n",
        "from google.cloud import iam_credentials_v1\n"
        "from google.protobuf import duration_pb2\n"
        "iam = iam_credentials_v1.IAMCredentialsClient()\n"
        "tok = iam.generate_access_token(name=SA, scope=SCOPES,\n"
        "                                lifetime=duration_pb2.Duration(seconds=900))\n",
    ),
    "hvac.create_token": (
        "import hvac\n"
        "client = hvac.Client()\n"
        'client.auth.token.create(policies=["ci"], ttl="0")  # expect: LLC-PY-009\n',
        "import hvac\n"
        "client = hvac.Client()\n"
        'client.auth.token.create(policies=["ci"], ttl="15m", explicit_max_ttl="1h")\n',
    ),
    "hvac.approle": (
        "import hvac\n"
        "client = hvac.Client()\n"
        'client.auth.approle.create_or_update_approle("etl", token_policies=["etl"])'
        "  # expect: LLC-PY-009\n",
        "import hvac\n"
        "client = hvac.Client()\n"
        'client.auth.approle.create_or_update_approle("etl", token_policies=["etl"],'
        ' secret_id_ttl="10m", secret_id_num_uses=1)\n',
    ),
    "s3.presigned_url": (
        'url = s3.generate_presigned_url("get_object", Params=p, ExpiresIn=30 * 86400)'
        "  # expect: LLC-PY-010\n",
        'url = s3.generate_presigned_url("get_object", Params=p, ExpiresIn=600)\n',
    ),
    "s3.presigned_post": (
        'post = s3.generate_presigned_post("b", "k", ExpiresIn=604800)  # expect: LLC-PY-010\n',
        'post = s3.generate_presigned_post("b", "k", ExpiresIn=300)\n',
    ),
    "gcs.signed_url": (
        "from datetime import timedelta\n"
        "url = blob.generate_signed_url(expiration=timedelta(days=7))  # expect: LLC-PY-010\n",
        "from datetime import timedelta\n"
        'url = blob.generate_signed_url(version="v4", expiration=timedelta(minutes=15))\n',
    ),
    "azure.sas": (
        "from datetime import datetime, timedelta\n"
        "from azure.storage.blob import generate_account_sas\n"
        "sas = generate_account_sas(ACCOUNT, account_key=KEY,  # expect: LLC-PY-010\n"
        "                           expiry=datetime.utcnow() + timedelta(days=365))\n",
        "from datetime import datetime, timedelta\n"
        "from azure.storage.blob import generate_blob_sas\n"
        "sas = generate_blob_sas(ACCOUNT, C, B, user_delegation_key=UDK,\n"
        "                        expiry=datetime.utcnow() + timedelta(minutes=30))\n",
    ),
    "itsdangerous": (
        "from itsdangerous import URLSafeTimedSerializer\n"
        "data = URLSafeTimedSerializer(SECRET).loads(tok)  # expect: LLC-PY-012\n",
        "from itsdangerous import URLSafeTimedSerializer\n"
        "data = URLSafeTimedSerializer(SECRET).loads(tok, max_age=900)\n",
    ),
    "django.signing.loads": (
        "from django.core import signing\n"
        "value = signing.loads(token, max_age=None)  # expect: LLC-PY-012\n",
        "from django.core import signing\nvalue = signing.loads(token, max_age=3600)\n",
    ),
    "django.signing.TimestampSigner": (
        "from django.core.signing import TimestampSigner\n"
        "signer = TimestampSigner()\n"
        "uid = signer.unsign(token)  # expect: LLC-PY-012\n",
        "from datetime import timedelta\n"
        "from django.core.signing import TimestampSigner\n"
        "signer = TimestampSigner()\n"
        "uid = signer.unsign(token, max_age=timedelta(hours=1))\n",
    ),
}


def _run(rule_id: str, code: str, path: str | None = None) -> tuple[tuple[int, ...], list[str]]:
    findings = run_rule(_RULES[rule_id], code, path)
    return tuple(sorted({f.location.line for f in findings})), [f.message for f in findings]


def test_every_row_has_examples_and_a_source() -> None:
    keys = [row.key for row in ISSUERS]
    assert len(keys) == len(set(keys))
    assert set(ROWS) == set(keys)
    for row in ISSUERS:
        assert row.source.startswith("https://"), row.key
        assert (ROWS[row.key][0] is None) == bool(row.quiet), row.key


@pytest.mark.parametrize("row", ISSUERS, ids=lambda r: r.key)
def test_row_invalid_fires(row: Issuer) -> None:
    invalid = ROWS[row.key][0]
    if invalid is None:
        pytest.skip("bounded by design: quiet")
    lines, messages = _run(row.rule, invalid)
    expected = expected_lines(invalid, row.rule)
    assert expected
    assert lines == expected, messages


@pytest.mark.parametrize("row", ISSUERS, ids=lambda r: r.key)
def test_row_valid_is_quiet(row: Issuer) -> None:
    lines, messages = _run(row.rule, ROWS[row.key][1])
    assert lines == (), messages


# -- the PY rules' INVALID shapes, in other styles --------------------------------------------

#: (rule, code): each a variant of one of the rule's INVALID examples, in another style.
VARIANTS_INVALID = [
    # PY-001: alias and an intermediate variable; a helper that builds the claims; **opts.
    (
        "LLC-PY-001",
        "import jwt as j\n"
        'base = {"sub": "bot"}\n'
        "claims = base\n"
        "tok = j.encode(claims, KEY)  # expect: LLC-PY-001\n",
    ),
    (
        "LLC-PY-001",
        "import jwt\n"
        "class Minter:\n"
        "    def mint(self, key):\n"
        '        claims = dict(sub="svc")\n'
        '        claims["scope"] = "deploy"\n'
        "        return jwt.encode(claims, key)  # expect: LLC-PY-001\n",
    ),
    (
        "LLC-PY-001",
        "from jwt import encode\n"
        'opts = {"algorithm": "HS256"}\n'
        'tok = encode({"sub": "svc"}, KEY, **opts)  # expect: LLC-PY-001\n',
    ),
    # PY-002: a settings constant; a class attribute; a helper returning now + delta.
    (
        "LLC-PY-002",
        "import time, jwt\n"
        "TTL = 90 * 86400\n"
        'opts = {"algorithm": "HS256"}\n'
        'tok = jwt.encode(payload={"sub": "x", "exp": time.time() + TTL}, key=KEY, **opts)'
        "  # expect: LLC-PY-002\n",
    ),
    (
        "LLC-PY-002",
        "from datetime import datetime, timedelta\n"
        "from jose import jwt as jose_jwt\n"
        "LIFETIME = timedelta(days=365)\n"
        "expires = datetime.utcnow() + LIFETIME\n"
        'claims = {"sub": "x"}\n'
        'claims["exp"] = expires\n'
        "tok = jose_jwt.encode(claims, KEY)  # expect: LLC-PY-002\n",
    ),
    (
        "LLC-PY-002",
        "import python_jwt, datetime\n"
        'tok = python_jwt.generate_jwt({"sub": "x"}, KEY, "PS256",'
        " lifetime=datetime.timedelta(days=3650))  # expect: LLC-PY-002\n",
    ),
    # PY-004: config object update; settings dict with an alias; class attribute via constant.
    ("LLC-PY-004", "app.config.update(JWT_ACCESS_TOKEN_EXPIRES=False)  # expect: LLC-PY-004\n"),
    (
        "LLC-PY-004",
        "from typing import Any\n"
        "REST_KNOX: dict[str, Any] = {\n"
        '    "AUTH_HEADER_PREFIX": "Bearer",\n'
        '    "TOKEN_TTL": None,  # expect: LLC-PY-004\n'
        "}\n",
    ),
    (
        "LLC-PY-004",
        "from django.conf import settings\n"
        'settings.REST_KNOX = {"TOKEN_TTL": None}  # expect: LLC-PY-004\n',
    ),
    (
        "LLC-PY-004",
        "import datetime as d\n"
        "FOREVER = d.timedelta(days=3650)\n"
        "SIMPLE_JWT = dict(ACCESS_TOKEN_LIFETIME=FOREVER)  # expect: LLC-PY-004\n",
    ),
    (
        "LLC-PY-004",
        "from flask_jwt_extended import create_access_token as issue\n"
        'opts = {"expires_delta": False}\n'
        "def login(u):\n"
        "    return issue(identity=u, **opts)  # expect: LLC-PY-004\n",
    ),
    # PY-008: **opts, a class attribute client, a session client.
    (
        "LLC-PY-008",
        "import boto3\n"
        'sts = boto3.client("sts")\n'
        'opts = {"DurationSeconds": 12 * 3600}\n'
        "sts.assume_role(RoleArn=A, RoleSessionName='x', **opts)  # expect: LLC-PY-008\n",
    ),
    (
        "LLC-PY-008",
        "import boto3 as b3\n"
        "HOURS = 6\n"
        "sts = b3.session.Session().client('sts')\n"
        "sts.assume_role(RoleArn=A, RoleSessionName='x',  # expect: LLC-PY-008\n"
        "                DurationSeconds=HOURS * 3600)\n",
    ),
    (
        "LLC-PY-008",
        "from boto3 import client\n"
        "def creds():\n"
        "    sts = client('sts')\n"
        "    return sts.get_federation_token(Name='bot')  # expect: LLC-PY-008\n",
    ),
    # Patterns seen in public code (written anew): a config class turning both expiries off,
    # the pre-9 fastapi-users JWTAuthentication, an AppRole with secret_id_ttl "0".
    (
        "LLC-PY-004",
        "class Config:\n"
        "    JWT_ACCESS_TOKEN_EXPIRES = False  # expect: LLC-PY-004\n"
        "    JWT_REFRESH_TOKEN_EXPIRES = False  # expect: LLC-PY-004\n",
    ),
    (
        "LLC-PY-004",
        "from fastapi_users.authentication import JWTAuthentication\n"
        "auth = JWTAuthentication(secret=S, lifetime_seconds=None,"
        ' tokenUrl="auth/jwt/login")  # expect: LLC-PY-004\n',
    ),
    (
        "LLC-PY-009",
        "import hvac\n"
        "def setup(client: hvac.Client) -> None:\n"
        "    client.auth.approle.create_or_update_approle(  # expect: LLC-PY-009\n"
        '        role_name="api", token_policies=["api"], token_ttl="1h",'
        ' secret_id_ttl="0")\n',
    ),
    # PY-010: **opts, a settings constant, a helper function.
    (
        "LLC-PY-010",
        'opts = {"ExpiresIn": 14 * 86400}\n'
        'url = s3.generate_presigned_url("get_object", Params=p, **opts)  # expect: LLC-PY-010\n',
    ),
    (
        "LLC-PY-010",
        "def link(s3, key):\n"
        "    ttl = 30 * 86400\n"
        '    return s3.generate_presigned_url("get_object", {"Key": key}, ttl)'
        "  # expect: LLC-PY-010\n",
    ),
    (
        "LLC-PY-010",
        "import datetime\n"
        "from azure.storage.blob import generate_blob_sas as sas\n"
        "YEAR = datetime.timedelta(days=365)\n"
        "def share(blob):\n"
        "    return sas(A, C, blob, account_key=K,  # expect: LLC-PY-010\n"
        "               expiry=datetime.datetime.now(datetime.timezone.utc) + YEAR)\n",
    ),
]

#: Look-alikes of the variants: the same styles with a short lifetime, or unknowable.
VARIANTS_VALID = [
    (
        "LLC-PY-001",
        "import jwt as j, time\n"
        'base = {"sub": "bot", "exp": time.time() + 60}\n'
        "claims = base\n"
        "tok = j.encode(claims, KEY)\n",
    ),
    (
        "LLC-PY-001",
        'import jwt\ndef mint(extra):\n    return jwt.encode({"sub": "svc", **extra}, KEY)\n',
    ),
    (
        "LLC-PY-001",
        "from jwt import encode\n"
        'opts = {"algorithm": "HS256"}\n'
        'tok = encode({"sub": "svc", "exp": EXP}, KEY, **opts)\n',
    ),
    (
        "LLC-PY-002",
        "import time, jwt\n"
        "TTL = 600\n"
        'opts = {"algorithm": "HS256"}\n'
        'tok = jwt.encode(payload={"sub": "x", "exp": time.time() + TTL}, key=KEY, **opts)\n',
    ),
    (
        "LLC-PY-002",
        "import python_jwt, datetime\n"
        'tok = python_jwt.generate_jwt({"sub": "x"}, KEY, "PS256",'
        " lifetime=datetime.timedelta(minutes=5))\n",
    ),
    (
        "LLC-PY-004",
        'import os\napp.config.update(JWT_ACCESS_TOKEN_EXPIRES=int(os.environ["TTL"]))\n',
    ),
    (
        "LLC-PY-004",
        "import datetime as d\n"
        "SHORT = d.timedelta(minutes=5)\n"
        "SIMPLE_JWT = dict(ACCESS_TOKEN_LIFETIME=SHORT)\n",
    ),
    (
        "LLC-PY-004",
        "from flask_jwt_extended import create_access_token as issue\n"
        "def login(u, **opts):\n"
        "    return issue(identity=u, **opts)\n",
    ),
    (
        "LLC-PY-008",
        "import boto3\n"
        'sts = boto3.client("sts")\n'
        'opts = {"DurationSeconds": 900}\n'
        "sts.assume_role(RoleArn=A, RoleSessionName='x', **opts)\n",
    ),
    (
        "LLC-PY-008",
        "import boto3\n"
        "sts = boto3.client('sts')\n"
        "sts.assume_role_with_web_identity(RoleArn=A, RoleSessionName='x',"
        " WebIdentityToken=open(TOKEN_FILE).read())\n",
    ),
    (
        "LLC-PY-010",
        'opts = {"ExpiresIn": 300}\n'
        'url = s3.generate_presigned_url("get_object", Params=p, **opts)\n',
    ),
    (
        "LLC-PY-010",
        "def link(s3, key, ttl):\n"
        '    return s3.generate_presigned_url("get_object", {"Key": key}, ttl)\n',
    ),
    # A knox TTL read from the environment; an AppRole call on the project's own wrapper.
    (
        "LLC-PY-004",
        "import os\n"
        "from datetime import timedelta\n"
        'TTL = int(os.environ.get("TOKEN_TTL_SECONDS", "0"))\n'
        'REST_KNOX = {"TOKEN_TTL": None if TTL == 0 else timedelta(seconds=TTL)}\n',
    ),
    (
        "LLC-PY-009",
        "import hvac\n"
        "vault = VaultAdmin(hvac.Client())\n"
        'vault.create_or_update_approle("ci", ["ci"], ttl="1h")\n',
    ),
    # A test that builds a long-lived token to check that it is rejected: informational only.
    (
        "LLC-PY-001",
        "import jwt, pytest\n"
        "def test_token_without_exp_is_rejected(client):\n"
        '    tok = jwt.encode({"sub": "x"}, KEY)\n'
        "    with pytest.raises(Unauthorized):\n"
        "        client.check(tok)\n",
    ),
]


@pytest.mark.parametrize(("rule_id", "code"), VARIANTS_INVALID)
def test_variant_fires(rule_id: str, code: str) -> None:
    lines, messages = _run(rule_id, code)
    assert lines == expected_lines(code, rule_id), messages


@pytest.mark.parametrize(("rule_id", "code"), VARIANTS_VALID)
def test_variant_look_alike_is_quiet(rule_id: str, code: str) -> None:
    path = "tests/test_tokens.py" if "def test_" in code else None
    lines, messages = _run(rule_id, code, path)
    assert lines == (), messages
