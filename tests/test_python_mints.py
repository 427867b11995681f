"""The mint-operation registry (``libraries/sinks.SINKS``): every row held to an INVALID example
(a stored root credential feeding it, reported by the FS rule that owns that kind, on the
marked line) and a VALID look-alike (a federated source, the default chain, a bounded retry, a
one-shot call where the rule needs a loop, a credential from the caller) that no FS rule
reports. The examples are written in different styles on purpose: aliases, helpers, settings,
``self``, urlencoded strings, async clients.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from scanner.documents.python import PythonDocument
from scanner.documents.python.libraries.sinks import MINT_TRIGGERS, ROWS, find_sink
from scanner.registry import all_rules
from scanner.testing import expected_lines, run_rule

FS_RULES = {r.META.id: r for r in all_rules() if r.META.id.startswith("LLC-FS-")}

L = "while True:  # expect: LLC-FS-002\n"
S = "    time.sleep(3000)\n"

#: row id -> (INVALID, VALID). The INVALID example marks the line its owning rule reports.
CASES: dict[str, tuple[str, str]] = {
    "http.refresh_token_grant": (
        "import os\nimport aiohttp\n"
        'RT = os.environ["XERO_REFRESH_TOKEN"]\n'
        "async def renew(session: aiohttp.ClientSession):\n"
        '    body = f"grant_type=refresh_token&refresh_token={RT}&client_id={CID}"\n'
        '    async with session.post("https://identity.xero.com/connect/token", '
        "data=body) as r:  # expect: LLC-FS-001\n"
        "        return await r.json()\n",
        "import aiohttp\n"
        "async def renew(session: aiohttp.ClientSession, rt: str):\n"
        '    body = f"grant_type=refresh_token&refresh_token={rt}&client_id={CID}"\n'
        '    async with session.post("https://identity.xero.com/connect/token", '
        "data=body) as r:\n"
        "        return await r.json()\n",
    ),
    "http.client_credentials_grant": (
        "import os, time\nimport urllib3\n"
        "pool = urllib3.PoolManager()\n"
        'SECRET = os.environ["BILLING_CLIENT_SECRET"]\n'
        + L
        + '    r = pool.request("POST", "https://auth.example.com/oauth2/token",\n'
        '        fields={"grant_type": "client_credentials", "client_id": CID, '
        '"client_secret": SECRET})\n' + S,
        "import os, time\nimport urllib3\n"
        "pool = urllib3.PoolManager()\n"
        'SECRET = os.environ["BILLING_CLIENT_SECRET"]\n'
        "for attempt in range(3):\n"
        '    r = pool.request("POST", "https://auth.example.com/oauth2/token",\n'
        '        fields={"grant_type": "client_credentials", "client_id": CID, '
        '"client_secret": SECRET})\n' + S,
    ),
    "http.password_grant": (
        "import threading\nimport requests\nfrom django.conf import settings\n"
        "stop = threading.Event()\n"
        "def login():\n"
        '    form = {"grant_type": "password", "username": settings.SVC_USER}\n'
        '    form["password"] = settings.SVC_PASSWORD\n'
        '    return requests.request("POST", settings.TOKEN_URL, data=form).json()\n'
        "while not stop.is_set():  # expect: LLC-FS-002\n"
        '    stop.wait(login()["expires_in"])\n',
        "import requests\nfrom django.conf import settings\n"
        "def login(username, password):\n"
        '    form = {"grant_type": "password", "username": username, "password": password}\n'
        '    return requests.request("POST", settings.TOKEN_URL, data=form).json()\n',
    ),
    "http.jwt_bearer_grant": (
        "import time\nimport jwt, requests\n"
        'KEY = open("/etc/sf/server.key").read()\n'
        "def assertion():\n"
        '    claims = {"iss": CID, "sub": USER, "aud": AUD, "exp": int(time.time()) + 180}\n'
        '    return jwt.encode(claims, KEY, algorithm="RS256")\n'
        "def token():\n"
        '    url = "https://login.salesforce.com/services/oauth2/token"\n'
        '    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"\n'
        '    return requests.post(url, data={"grant_type": grant, "assertion": assertion()})\n'
        + L
        + "    use(token().json())\n"
        + S,
        "import time\nimport requests\n"
        "def token():\n"
        '    jwt_ = open("/var/run/secrets/tokens/sf-token").read()\n'
        '    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"\n'
        '    return requests.post(URL, data={"grant_type": grant, "assertion": jwt_})\n'
        "while True:\n"
        "    use(token().json())\n" + S,
    ),
    "http.github_app_installation": (
        "import os, time\nimport httpx, jwt\n"
        'PEM = os.environ["GH_APP_KEY"]\n'
        "client = httpx.Client()\n"
        "def refresh():\n"
        '    app = jwt.encode({"iss": APP, "exp": int(time.time()) + 500}, PEM, '
        'algorithm="RS256")\n'
        '    url = f"https://api.github.com/app/installations/{INST}/access_tokens"\n'
        '    return client.post(url, headers={"Authorization": f"Bearer {app}"}).json()\n'
        "class Worker:\n"
        "    def run(self):\n"
        "        while True:  # expect: LLC-FS-002\n"
        "            self.token = refresh()\n"
        "            time.sleep(3000)\n",
        "import os, time\nimport httpx, jwt\n"
        'PEM = os.environ["GH_APP_KEY"]\n'
        "def refresh():\n"
        '    app = jwt.encode({"iss": APP, "exp": int(time.time()) + 500}, PEM, '
        'algorithm="RS256")\n'
        '    url = f"https://api.github.com/app/installations/{INST}/access_tokens"\n'
        '    return httpx.post(url, headers={"Authorization": f"Bearer {app}"}).json()\n'
        'print(refresh()["token"][:4])\n',
    ),
    "requests_oauthlib.refresh_token": (
        "import json\nfrom requests_oauthlib import OAuth2Session\n"
        'TOKEN = json.load(open("/srv/crm/token.json"))\n'
        "crm = OAuth2Session(CID, token=TOKEN)\n"
        "fresh = crm.refresh_token(TOKEN_URL, client_id=CID)  # expect: LLC-FS-001\n",
        "from flask import session\nfrom requests_oauthlib import OAuth2Session\n"
        "def view():\n"
        '    crm = OAuth2Session(CID, token=session["oauth_token"])\n'
        "    return crm.refresh_token(TOKEN_URL, client_id=CID)\n",
    ),
    "requests_oauthlib.fetch_token": (
        "import os, time\nfrom oauthlib.oauth2 import BackendApplicationClient\n"
        "from requests_oauthlib import OAuth2Session\n"
        "oauth = OAuth2Session(client=BackendApplicationClient(client_id=CID))\n"
        + L
        + "    tok = oauth.fetch_token(token_url=URL, client_id=CID,\n"
        '                            client_secret=os.environ["API_SECRET"])\n' + S,
        "import time\nfrom flask import request\n"
        "from requests_oauthlib import OAuth2Session\n"
        "oauth = OAuth2Session(CID, redirect_uri=CB)\n"
        "def callback():\n"
        "    return oauth.fetch_token(URL, authorization_response=request.url)\n",
    ),
    "authlib.refresh_token": (
        "from django.conf import settings\n"
        "from authlib.integrations.httpx_client import AsyncOAuth2Client\n"
        "async def renew():\n"
        "    async with AsyncOAuth2Client(CID, CS) as client:\n"
        "        return await client.refresh_token(URL, "
        "refresh_token=settings.CRM_RT)  # expect: LLC-FS-001\n",
        "from authlib.integrations.httpx_client import AsyncOAuth2Client\n"
        "async def renew(client: AsyncOAuth2Client, user):\n"
        "    return await client.refresh_token(URL, refresh_token=user.refresh_token)\n",
    ),
    "authlib.fetch_token": (
        "import os, time\n"
        "from authlib.integrations.requests_client import OAuth2Session\n"
        'client = OAuth2Session(CID, os.getenv("REPORTS_SECRET"))\n'
        + L
        + '    client.fetch_token(URL, grant_type="client_credentials")\n'
        + S,
        "import time\nfrom authlib.integrations.requests_client import OAuth2Session\n"
        'client = OAuth2Session(CID, os.getenv("REPORTS_SECRET"))\n'
        "for _ in range(2):\n"
        '    client.fetch_token(URL, grant_type="client_credentials")\n' + S,
    ),
    "authlib.ensure_active_token": (
        "import json\n"
        "from authlib.integrations.requests_client import OAuth2Session\n"
        'with open("/etc/app/oauth.json") as fh:\n'
        "    SAVED = json.load(fh)\n"
        "client = OAuth2Session(CID, CS, token=SAVED)\n"
        "client.ensure_active_token()  # expect: LLC-FS-001\n",
        "from flask import session\n"
        "from authlib.integrations.requests_client import OAuth2Session\n"
        "def view():\n"
        '    client = OAuth2Session(CID, CS, token=session["token"])\n'
        "    client.ensure_active_token()\n",
    ),
    "google.user_credentials_refresh": (
        "import time\nfrom google.auth.transport.requests import Request\n"
        "from google.oauth2.credentials import Credentials\n"
        'creds = Credentials.from_authorized_user_file("token.json", SCOPES)  '
        "# expect: LLC-FS-005\n"
        "creds.refresh(Request())\n",
        "import google.auth\nfrom google.auth.transport.requests import Request\n"
        "creds, _ = google.auth.default(scopes=SCOPES)\n"
        "creds.refresh(Request())\n",
    ),
    "google.service_account_refresh": (
        "import time\nfrom google.auth.transport.requests import Request\n"
        "from google.oauth2 import service_account\n"
        "creds = service_account.Credentials.from_service_account_file("
        '"/etc/gcp/sa-key.json")\n' + L + "    creds.refresh(Request())\n"
        "    push(creds.token)\n" + S,
        "import time\nimport google.auth\nfrom google.auth.transport.requests import Request\n"
        "creds, _ = google.auth.default()\n"
        "while True:\n"
        "    creds.refresh(Request())\n"
        "    push(creds.token)\n" + S,
    ),
    "msal.refresh_token": (
        "import os, msal\n"
        "app = msal.PublicClientApplication(CID)\n"
        'app.acquire_token_by_refresh_token(os.environ["AAD_RT"], '
        "scopes=S)  # expect: LLC-FS-006\n",
        "import msal\napp = msal.PublicClientApplication(CID)\n"
        "acct = app.get_accounts()[0]\n"
        "app.acquire_token_silent(S, account=acct)\n",
    ),
    "msal.client_credentials": (
        "import os, time, msal\n"
        "app = msal.ConfidentialClientApplication(CID, authority=AUTH,\n"
        '    client_credential=os.environ["AAD_CLIENT_SECRET"])\n'
        + L
        + "    tok = app.acquire_token_for_client(scopes=S)\n"
        + S,
        "import os, time, msal\n"
        "def assertion():\n"
        '    return open(os.environ["AZURE_FEDERATED_TOKEN_FILE"]).read()\n'
        "app = msal.ConfidentialClientApplication(CID, authority=AUTH,\n"
        '    client_credential={"client_assertion": assertion})\n'
        "while True:\n"
        "    tok = app.acquire_token_for_client(scopes=S)\n" + S,
    ),
    "msal.username_password": (
        "import os, time\nimport msal as m\n"
        "app = m.PublicClientApplication(CID, authority=AUTH)\n"
        "def token():\n"
        "    return app.acquire_token_by_username_password(\n"
        '        os.environ["SVC_USER"], os.environ["SVC_PASSWORD"], scopes=S)\n'
        + L
        + "    send(token())\n"
        + S,
        "import os, time\nimport msal as m\n"
        "app = m.PublicClientApplication(CID, authority=AUTH)\n"
        "for _ in range(3):\n"
        "    app.acquire_token_by_username_password(\n"
        '        os.environ["SVC_USER"], os.environ["SVC_PASSWORD"], scopes=S)\n' + S,
    ),
    "azure_identity.client_secret": (
        "import os, time\nfrom azure.identity import ClientSecretCredential\n"
        "cred = ClientSecretCredential(TENANT, CID, os.environ['AZURE_CLIENT_SECRET'])\n"
        + L
        + '    tok = cred.get_token("https://graph.microsoft.com/.default")\n'
        + S,
        "import time\nfrom azure.identity import DefaultAzureCredential\n"
        "cred = DefaultAzureCredential()\n"
        "while True:\n"
        '    tok = cred.get_token("https://graph.microsoft.com/.default")\n' + S,
    ),
    "azure_identity.username_password": (
        "import time\nfrom azure.identity import UsernamePasswordCredential\n"
        "from app.config import settings\n"
        "class Sync:\n"
        "    def __init__(self):\n"
        "        self.cred = UsernamePasswordCredential(CID, settings.USER, "
        "settings.PASSWORD)\n"
        "    def loop(self):\n"
        "        while True:  # expect: LLC-FS-002\n"
        '            self.cred.get_token("https://graph.microsoft.com/.default")\n'
        "            time.sleep(3000)\n",
        "import time\nfrom azure.identity import ManagedIdentityCredential\n"
        "class Sync:\n"
        "    def __init__(self):\n"
        "        self.cred = ManagedIdentityCredential()\n"
        "    def loop(self):\n"
        "        while True:\n"
        '            self.cred.get_token("https://graph.microsoft.com/.default")\n'
        "            time.sleep(3000)\n",
    ),
    "azure_identity.certificate": (
        "import time\nfrom azure.identity import CertificateCredential\n"
        'cred = CertificateCredential(TENANT, CID, certificate_path="/etc/app/sp.pem")\n'
        + L
        + '    cred.get_token("https://vault.azure.net/.default")\n'
        + S,
        "import time\nfrom azure.identity import WorkloadIdentityCredential\n"
        "cred = WorkloadIdentityCredential()\n"
        "while True:\n"
        '    cred.get_token("https://vault.azure.net/.default")\n' + S,
    ),
    "boto3.get_session_token": (
        "import os, time, boto3\n"
        'sts = boto3.client("sts", aws_access_key_id=os.environ["KEY_ID"],\n'
        '                   aws_secret_access_key=os.environ["KEY_SECRET"])\n'
        + L
        + '    install(sts.get_session_token(DurationSeconds=43200)["Credentials"])\n'
        + S,
        "import time, boto3\n"
        'sts = boto3.client("sts")\n'
        "while True:\n"
        '    install(sts.get_session_token(DurationSeconds=3600)["Credentials"])\n' + S,
    ),
    "boto3.get_federation_token": (
        "import time, boto3\nfrom app import settings\n"
        "session = boto3.Session(aws_access_key_id=settings.KEY_ID,\n"
        "                        aws_secret_access_key=settings.KEY_SECRET)\n"
        'sts = session.client("sts")\n'
        + L
        + '    sts.get_federation_token(Name="uploader", DurationSeconds=129600)\n'
        + S,
        "import time, boto3\n"
        'sts = boto3.Session().client("sts")\n'
        "for _ in range(2):\n"
        '    sts.get_federation_token(Name="uploader")\n' + S,
    ),
    "boto3.assume_role": (
        "import time, boto3\nfrom django.conf import settings\n"
        "class Rotator:\n"
        "    def __init__(self):\n"
        '        self.sts = boto3.client("sts", aws_access_key_id=settings.AWS_ID,\n'
        "                                aws_secret_access_key=settings.AWS_SECRET)\n"
        "        self.running = True\n"
        "    def run(self):\n"
        "        while self.running:  # expect: LLC-FS-002\n"
        '            self.sts.assume_role(RoleArn=ARN, RoleSessionName="rot")\n'
        "            time.sleep(3000)\n"
        "    def stop(self):\n"
        "        self.running = False\n",
        "import time, boto3\n"
        "class Rotator:\n"
        "    def __init__(self):\n"
        '        self.sts = boto3.client("sts")\n'
        "        self.running = True\n"
        "    def run(self):\n"
        "        while self.running:\n"
        '            self.sts.assume_role(RoleArn=ARN, RoleSessionName="rot")\n'
        "            time.sleep(3000)\n"
        "    def stop(self):\n"
        "        self.running = False\n",
    ),
    "hvac.token_renew": (
        "import time, hvac\n"
        'client = hvac.Client(url=VAULT, token=open("/etc/vault/token").read())\n'
        "while True:  # expect: LLC-FS-007\n"
        "    client.auth.token.renew_self(increment=3600)\n"
        "    time.sleep(1800)\n",
        "import time, hvac\n"
        "client = hvac.Client(url=VAULT)\n"
        "while True:\n"
        '    jwt_ = open("/var/run/secrets/kubernetes.io/serviceaccount/token").read()\n'
        '    client.auth.kubernetes.login("app", jwt_)\n'
        "    time.sleep(1800)\n",
    ),
    "hvac.approle_login": (
        "import os, time, hvac\n"
        "client = hvac.Client(url=VAULT)\n"
        + L
        + '    client.auth.approle.login(role_id=ROLE, secret_id=os.environ["SECRET_ID"])\n'
        + S,
        "import os, time, hvac\n"
        "client = hvac.Client(url=VAULT)\n"
        "for attempt in range(3):\n"
        '    client.auth.approle.login(role_id=ROLE, secret_id=os.environ["SECRET_ID"])\n' + S,
    ),
    "hvac.userpass_login": (
        "import time, hvac\nfrom app.settings import VAULT_PASSWORD\n"
        "client = hvac.Client(url=VAULT)\n"
        + L
        + '    client.auth.userpass.login(username="svc", password=VAULT_PASSWORD)\n'
        + S,
        "import time, hvac\n"
        "def login(client: hvac.Client, password: str):\n"
        '    client.auth.userpass.login(username="svc", password=password)\n',
    ),
    "hvac.ldap_login": (
        "import os, time, hvac\n"
        "client = hvac.Client(url=VAULT)\n"
        + L
        + '    client.auth.ldap.login(username="svc", password=os.environ["LDAP_PW"])\n'
        + S,
        "import os, time, hvac\n"
        "client = hvac.Client(url=VAULT)\n"
        'client.auth.ldap.login(username="svc", password=os.environ["LDAP_PW"])\n',
    ),
    "pygithub.integration_access_token": (
        "import time\nfrom github import Auth, GithubIntegration\n"
        'KEY = open("/etc/app/app.pem").read()\n'
        "gi = GithubIntegration(auth=Auth.AppAuth(APP_ID, KEY))\n"
        + L
        + "    publish(gi.get_access_token(INSTALLATION).token)\n"
        + S,
        "from github import Auth, GithubIntegration\n"
        'KEY = open("/etc/app/app.pem").read()\n'
        "gi = GithubIntegration(auth=Auth.AppAuth(APP_ID, KEY))\n"
        "publish(gi.get_access_token(INSTALLATION).token)\n",
    ),
    "pygithub.installation_auth": (
        "import os, time\nfrom github import Auth, Github\n"
        'app = Auth.AppAuth(APP_ID, os.environ["GH_APP_PRIVATE_KEY"])\n'
        + L
        + "    gh = Github(auth=app.get_installation_auth(INSTALLATION))\n"
        "    sync(gh)\n" + S,
        "import os\nfrom github import Auth, Github\n"
        'app = Auth.AppAuth(APP_ID, os.environ["GH_APP_PRIVATE_KEY"])\n'
        "gh = Github(auth=app.get_installation_auth(INSTALLATION))\n"
        "sync(gh)\n",
    ),
    "githubkit.installation_access_token": (
        "import os, time\nfrom githubkit import AppAuthStrategy, GitHub\n"
        'github = GitHub(AppAuthStrategy(APP_ID, os.environ["APP_KEY"]))\n'
        + L
        + "    github.rest.apps.create_installation_access_token(INSTALLATION)\n"
        + S,
        "import os\nfrom githubkit import AppAuthStrategy, GitHub\n"
        'github = GitHub(AppAuthStrategy(APP_ID, os.environ["APP_KEY"]))\n'
        "github.rest.apps.create_installation_access_token(INSTALLATION)\n",
    ),
    "slack.oauth_v2_access_refresh": (
        "from slack_sdk import WebClient\nfrom django.conf import settings\n"
        "client = WebClient()\n"
        "def rotate():\n"
        "    return client.oauth_v2_access(  # expect: LLC-FS-001\n"
        '        client_id=CID, client_secret=CS, grant_type="refresh_token",\n'
        "        refresh_token=settings.SLACK_REFRESH_TOKEN)\n",
        "from slack_sdk import WebClient\n"
        "def rotate(installation):\n"
        "    return WebClient().oauth_v2_access(\n"
        '        client_id=CID, client_secret=CS, grant_type="refresh_token",\n'
        "        refresh_token=installation.bot_refresh_token)\n",
    ),
    "slack.tooling_tokens_rotate": (
        "import os\nfrom slack_sdk import WebClient\n"
        "resp = WebClient().tooling_tokens_rotate(  # expect: LLC-FS-001\n"
        '    refresh_token=os.environ["SLACK_CONFIG_REFRESH_TOKEN"])\n',
        "from slack_sdk import WebClient\n"
        "def rotate(store):\n"
        "    return WebClient().tooling_tokens_rotate(refresh_token=store.refresh_token)\n",
    ),
    "auth0.client_credentials": (
        "import os, time\nfrom auth0.authentication import GetToken\n"
        'gt = GetToken(DOMAIN, CID, client_secret=os.environ["AUTH0_CLIENT_SECRET"])\n'
        + L
        + '    tok = gt.client_credentials("https://api.example.com")\n'
        + S,
        "import os, time\nfrom auth0.authentication import GetToken\n"
        "gt = GetToken(DOMAIN, CID, client_assertion_signing_key=open(KEYFILE).read())\n"
        "for _ in range(3):\n"
        '    tok = gt.client_credentials("https://api.example.com")\n' + S,
    ),
    "auth0.refresh_token": (
        "import os\nfrom auth0.authentication import GetToken\n"
        "gt = GetToken(DOMAIN, CID, client_secret=CS)\n"
        'tok = gt.refresh_token(os.environ["AUTH0_RT"])  # expect: LLC-FS-001\n',
        "from auth0.authentication import GetToken\n"
        "def renew(user):\n"
        "    return GetToken(DOMAIN, CID, client_secret=CS).refresh_token(user.rt)\n",
    ),
    "auth0.password_login": (
        "import time\nfrom auth0.authentication import GetToken\nfrom app import config\n"
        "gt = GetToken(DOMAIN, CID, client_secret=CS)\n"
        + L
        + "    gt.login(config.BOT_USER, config.BOT_PASSWORD, realm=REALM)\n"
        + S,
        "from auth0.authentication import GetToken\n"
        "def sign_in(form):\n"
        "    return GetToken(DOMAIN, CID).login(form.user, form.password, realm=REALM)\n",
    ),
    "keycloak.token": (
        "import os, time\nfrom keycloak import KeycloakOpenID\n"
        'kc = KeycloakOpenID(server_url=KC, realm_name="ops", client_id="bot",\n'
        '                    client_secret_key=os.environ["KC_SECRET"])\n'
        + L
        + '    tok = kc.token(grant_type="client_credentials")\n'
        + S,
        "import time\nfrom keycloak import KeycloakOpenID\n"
        'kc = KeycloakOpenID(server_url=KC, realm_name="ops", client_id="bot")\n'
        "def sign_in(user, password):\n"
        "    return kc.token(user, password)\n",
    ),
    "keycloak.refresh_token": (
        "from keycloak import KeycloakOpenID\nfrom app.settings import KC_REFRESH_TOKEN\n"
        'kc = KeycloakOpenID(server_url=KC, realm_name="ops", client_id="bot")\n'
        "tok = kc.refresh_token(KC_REFRESH_TOKEN)  # expect: LLC-FS-001\n",
        "from keycloak import KeycloakOpenID\n"
        'kc = KeycloakOpenID(server_url=KC, realm_name="ops", client_id="bot")\n'
        "def renew(request):\n"
        '    return kc.refresh_token(request.session["refresh_token"])\n',
    ),
    "spotipy.refresh_access_token": (
        "import os\nfrom spotipy.oauth2 import SpotifyOAuth\n"
        "auth = SpotifyOAuth(CID, CS, REDIRECT)\n"
        'tok = auth.refresh_access_token(os.environ["SPOTIFY_RT"])  # expect: LLC-FS-001\n',
        "from spotipy.oauth2 import SpotifyOAuth\n"
        "auth = SpotifyOAuth(CID, CS, REDIRECT)\n"
        "def renew(user):\n"
        "    return auth.refresh_access_token(user.refresh_token)\n",
    ),
    "simple_salesforce.password_login": (
        "import os, time\nfrom simple_salesforce import Salesforce\n"
        + L
        + '    sf = Salesforce(username=USER, password=os.environ["SF_PASSWORD"],\n'
        '                    security_token=os.environ["SF_TOKEN"])\n'
        "    sf.Lead.get(LEAD_ID)\n" + S,
        "import time\nfrom simple_salesforce import Salesforce\n"
        "while True:\n"
        "    sf = Salesforce(instance=INSTANCE, session_id=fetch_session_id())\n"
        "    sf.Lead.get(LEAD_ID)\n" + S,
    ),
    "dropbox.refresh_session": (
        "import os\nimport dropbox\n"
        "dbx = dropbox.Dropbox(app_key=KEY, app_secret=SECRET,  # expect: LLC-FS-004\n"
        '                      oauth2_refresh_token=os.environ["DROPBOX_RT"])\n',
        "import dropbox\n"
        "def client(user):\n"
        "    return dropbox.Dropbox(app_key=KEY, oauth2_refresh_token=user.refresh_token)\n",
    ),
    "boxsdk.oauth2_session": (
        "import json\nfrom boxsdk import Client, OAuth2\n"
        'saved = json.load(open("/srv/box/tokens.json"))\n'
        'auth = OAuth2(CID, CS, access_token=None, refresh_token=saved["refresh_token"])  '
        "# expect: LLC-FS-004\n"
        "client = Client(auth)\n",
        "from boxsdk import Client, OAuth2\n"
        "def client(user):\n"
        "    return Client(OAuth2(CID, CS, refresh_token=user.box_refresh_token))\n",
    ),
    "databricks.oauth_m2m": (
        "import os, time\nfrom databricks.sdk import WorkspaceClient\n"
        "def workspace():\n"
        "    return WorkspaceClient(host=HOST, client_id=CID,\n"
        '                           client_secret=os.environ["DATABRICKS_CLIENT_SECRET"])\n'
        + L
        + "    workspace().jobs.run_now(job_id=JOB)\n"
        + S,
        "import time\nfrom databricks.sdk import WorkspaceClient\n"
        "def workspace():\n"
        "    return WorkspaceClient()\n"
        "while True:\n"
        "    workspace().jobs.run_now(job_id=JOB)\n" + S,
    ),
    "kubernetes.token_request": (
        "import time\nfrom kubernetes import client, config\n"
        'config.load_kube_config(config_file="/etc/kube/admin.conf")\n'
        "core = client.CoreV1Api()\n"
        + L
        + '    core.create_namespaced_service_account_token("builder", "ci", BODY)\n'
        + S,
        "import time\nfrom kubernetes import client, config\n"
        "config.load_incluster_config()\n"
        "core = client.CoreV1Api()\n"
        "while True:\n"
        '    core.create_namespaced_service_account_token("builder", "ci", BODY)\n' + S,
    ),
}


def test_every_row_has_examples() -> None:
    assert set(CASES) == set(ROWS)


def _rule_of(code: str) -> str:
    rules = {r for r in FS_RULES if expected_lines(code, r)}
    assert len(rules) == 1, rules
    return rules.pop()


def _rows_found(code: str) -> set[str]:
    doc = PythonDocument("app.py", code, now=0.0)
    return {s.row for s in (find_sink(doc, c) for c in doc.calls()) if s is not None}


@pytest.mark.parametrize("row", sorted(CASES))
def test_invalid_example_is_reported_by_its_rule(row: str) -> None:
    invalid, _ = CASES[row]
    assert row in _rows_found(invalid), _rows_found(invalid)
    rule_id = _rule_of(invalid)
    lowered = invalid.lower()
    assert any(t.lower() in lowered for t in ROWS[row].triggers), "the row's gate misses it"
    rule = FS_RULES[rule_id]
    assert any(t.lower() in lowered for t in rule.META.triggers), f"{rule_id}'s gate misses it"
    findings = run_rule(rule, invalid)
    lines = tuple(sorted({f.location.line for f in findings}))
    assert lines == expected_lines(invalid, rule_id), [
        (f.location.line, f.message) for f in findings
    ]


@pytest.mark.parametrize("row", sorted(CASES))
def test_valid_look_alike_is_quiet(row: str) -> None:
    _, valid = CASES[row]
    for rule in FS_RULES.values():
        found = run_rule(rule, valid)
        assert found == (), [(f.rule_id, f.location.line, f.message) for f in found]


def test_findings_name_what_is_minted_and_for_how_long() -> None:
    invalid, _ = CASES["spotipy.refresh_access_token"]
    (finding,) = run_rule(FS_RULES["LLC-FS-001"], invalid)
    assert "a Spotify access token (PT1H)" in finding.message


def test_the_gate_is_operation_words_not_library_names() -> None:
    """SQLAlchemy's ``session`` once sent 633 of its 668 files to LibCST: no trigger may be a
    library's bare name."""
    for word in ("session", "hvac", "msal", "boto3", "requests", "google", "authlib"):
        assert word not in MINT_TRIGGERS


#: More styles for some rows (class attributes, aliases, settings dicts, helpers, async loops):
#: a row that matched only its own example would fail here.
VARIANTS: list[tuple[str, str]] = [
    (
        "dropbox.refresh_session",
        "import os\nimport dropbox\n"
        "class Backup:\n"
        '    RT = os.environ["DROPBOX_RT"]\n'
        "    def client(self):\n"
        "        return dropbox.Dropbox(oauth2_refresh_token=self.RT,  # expect: LLC-FS-004\n"
        "                               app_key=KEY, app_secret=SECRET)\n",
    ),
    (
        "auth0.client_credentials",
        "import time\nfrom auth0.authentication.get_token import GetToken as GT\n"
        "from app.settings import CONFIG\n"
        'client = GT(CONFIG["auth0"]["domain"], CONFIG["auth0"]["id"],\n'
        '            client_secret=CONFIG["auth0"]["secret"])\n'
        "def token():\n"
        '    return client.client_credentials(AUDIENCE)["access_token"]\n'
        "while True:  # expect: LLC-FS-002\n"
        "    use(token())\n"
        "    time.sleep(3600)\n",
    ),
    (
        "keycloak.refresh_token",
        "import os\nfrom keycloak import KeycloakOpenID\n"
        "def stored():\n"
        '    return os.environ["KC_RT"]\n'
        'kc = KeycloakOpenID(server_url=KC, realm_name="ops", client_id="bot")\n'
        "tok = kc.refresh_token(stored())  # expect: LLC-FS-001\n",
    ),
    (
        "http.refresh_token_grant",
        "import asyncio, os\nimport httpx\n"
        'RT = os.getenv("OKTA_RT")\n'
        "async def keep():\n"
        "    async with httpx.AsyncClient() as http:\n"
        "        while True:  # expect: LLC-FS-002\n"
        '            r = await http.post("https://acme.okta.com/oauth2/default/v1/token",\n'
        '                                data={"grant_type": "refresh_token", '
        '"refresh_token": RT})\n'
        '            await asyncio.sleep(r.json()["expires_in"] - 60)\n',
    ),
    (
        "azure_identity.client_secret",
        "import os, threading\nfrom azure.identity import ClientSecretCredential as CSC\n"
        "class Poller:\n"
        "    def __init__(self):\n"
        '        self.cred = CSC(TENANT, CID, client_secret=os.environ["AZ_SECRET"])\n'
        "        self._stop = threading.Event()\n"
        "    def run(self):\n"
        "        while not self._stop.is_set():  # expect: LLC-FS-002\n"
        "            self.cred.get_token(SCOPE)\n"
        "            self._stop.wait(1800)\n",
    ),
]


@pytest.mark.parametrize(
    ("row", "code"), VARIANTS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(VARIANTS)]
)
def test_variants_in_other_styles(row: str, code: str) -> None:
    assert row in _rows_found(code), _rows_found(code)
    rule_id = _rule_of(code)
    rule = FS_RULES[rule_id]
    meta = replace(rule.META, triggers=tuple(sorted({*rule.META.triggers, *MINT_TRIGGERS})))
    findings = run_rule(type(rule.__name__, (rule,), {"META": meta}), code)
    found = [(f.location.line, f.message) for f in findings]
    assert tuple(sorted({f.location.line for f in findings})) == expected_lines(code, rule_id), (
        found
    )


def test_http_grant_names_the_provider_and_lifetime() -> None:
    code = VARIANTS[3][1]
    doc = PythonDocument("app.py", code, now=0.0)
    (sink,) = [s for s in (find_sink(doc, c) for c in doc.calls()) if s is not None]
    assert sink.minted == "an Okta access token (PT1H)"
