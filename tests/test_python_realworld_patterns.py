"""Real-world patterns of token refresh loops, keep-alive threads, periodic token jobs and
long-lived token minting (issue 13), each written here from scratch after a pattern seen in
public code: the ``seen`` field names the repository and file it was modelled on (nothing of
theirs is copied; every secret is fake and built at run time).

A case marks the lines a Python or fake-session rule must report (``# expect: LLC-...``); a
case without a marker must stay quiet under every PY and FS rule. The whole engine runs, so
the merge of one secret into one finding is part of what is checked.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import pytest

from scanner.api import ALNUM, fake_token
from scanner.config import Config
from scanner.engine import Engine
from scanner.registry import all_rules

_ENGINE = Engine(list(all_rules()), Config())
_MARK = re.compile(r"#\s*expect:\s*(LLC-[A-Z]+-\d+(?:\s*,\s*LLC-[A-Z]+-\d+)*)")
_RT = "1//0g" + fake_token("", 60, ALNUM + "-_", seed=1310)
_CS = "GOCSPX-" + fake_token("", 28, ALNUM, seed=1311)
_KC = fake_token("", 32, ALNUM, seed=1312)


@dataclass(frozen=True)
class Case:
    group: str
    seen: str  # the public file the pattern was modelled on
    code: str
    path: str = "app/worker.py"
    rules: tuple[str, ...] = ("LLC-FS-", "LLC-PY-")  # the families whose findings are checked


def _c(
    group: str,
    seen: str,
    code: str,
    path: str = "app/worker.py",
    rules: tuple[str, ...] = ("LLC-FS-", "LLC-PY-"),
) -> Case:
    return Case(group, seen, textwrap.dedent(code).lstrip("\n"), path, rules)


CASES: list[Case] = [
    # --- 1. Endless loops around a hand-written grant -------------------------------------
    _c("loop", "jitendragoswami202/angelonemg backend/auth/auto_token_generator.py", """
        import json, time
        import requests

        class Auth:
            def load_tokens(self):
                with open("tokens.json") as fh:
                    self.tokens = json.load(fh)

            def refresh_access_token(self):
                r = requests.post(TOKEN_URL, data={  # expect: LLC-FS-001
                    "grant_type": "refresh_token",
                    "refresh_token": self.tokens["refresh_token"]})
                return r.json()["access_token"]

        auth = Auth()
        auth.load_tokens()
        while True:  # expect: LLC-FS-002
            auth.refresh_access_token()
            time.sleep(3600)
        """),
    _c("loop", "Sandy29krish/Sandy_sniper-bot utils/auto_token_refresher.py", """
        import os, threading, time
        import requests

        stop_event = threading.Event()

        def perform_login():
            return requests.post(LOGIN_URL, data={"grant_type": "password",
                                 "username": os.environ["BROKER_USER"],
                                 "password": os.environ["BROKER_PASSWORD"]})

        def token_refresh_loop():
            while not stop_event.is_set():
                perform_login()
                time.sleep(900)

        threading.Thread(target=token_refresh_loop, daemon=True).start()  # expect: LLC-FS-003
        """),
    _c("loop", "patam2/Spotify-controller core/threads.py", """
        import os, threading, time
        import requests

        def _refresh():
            url = "https://accounts.spotify.com/api/token"
            return requests.post(url, data={  # expect: LLC-FS-001
                "grant_type": "refresh_token",
                "refresh_token": os.environ["SPOTIFY_REFRESH_TOKEN"]}).json()

        def start_refresher(controller):
            def worker():
                while True:
                    time.sleep(3559)
                    controller.token = _refresh()["access_token"]
            threading.Thread(target=worker, daemon=True).start()  # expect: LLC-FS-003
        """),
    _c("loop", "unai-ttxu/marathon-lb-sec token_renewal.py", """
        import os, threading, time
        import hvac

        class TokenRenewal(threading.Thread):  # expect: LLC-FS-007
            def __init__(self):
                super().__init__(daemon=True)
                self.vault = hvac.Client(url=VAULT_ADDR, token=os.environ["VAULT_TOKEN"])

            def run(self):
                while True:
                    self.vault.auth.token.renew_self()
                    time.sleep(45)
        """),
    _c("loop", "CarlosLabrado/localAudioRemote token_refresher.py", """
        from time import sleep
        from firebasetoken import FirebaseToken

        class TokenRefresher:
            def main(self):
                while True:
                    FirebaseToken.get_instance().get_user().refresh_token()
                    sleep(30.0)
        """),
    _c("loop", "supermegaelf/shop-bot bot/tasks/__init__.py (async variant)", """
        import asyncio, os
        import aiohttp

        RT = os.environ["PANEL_REFRESH_TOKEN"]

        async def update_token(session: aiohttp.ClientSession):
            body = {"grant_type": "refresh_token", "refresh_token": RT}
            async with session.post(PANEL_TOKEN_URL, data=body) as r:  # expect: LLC-FS-001
                return await r.json()

        async def keep_token(session):
            while True:  # expect: LLC-FS-002
                await update_token(session)
                await asyncio.sleep(300)
        """),
    _c("loop", "destination-earth/DestinE_ESA_CityNexus images/keycloak/README.md", """
        import os, time
        from keycloak import KeycloakOpenID

        kc = KeycloakOpenID(server_url=KC_URL, realm_name="desp", client_id="citynexus",
                            client_secret_key=os.environ["CITYNEXUS_CLIENT_SECRET"])
        while True:  # expect: LLC-FS-002
            token = kc.token(grant_type="client_credentials")
            time.sleep(240)
        """),
    _c("loop", "savinp/microservices-demo se-ec2-autorefresh.md (cron job re-assuming a role)", """
        import os, time
        import boto3

        sts = boto3.client("sts", aws_access_key_id=os.environ["BASE_KEY_ID"],  # expect: LLC-PY-006
                           aws_secret_access_key=os.environ["BASE_SECRET_KEY"])
        while True:  # expect: LLC-FS-002
            creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="ec2-s3-refresh")
            write_profile(creds["Credentials"])
            time.sleep(2700)
        """),
    _c("loop", "UltimatePea/wenyan-stdlib GITHUB_AUTHENTICATION.md (automate refresh)", """
        import time
        from github import GithubIntegration

        with open("/srv/bot/app.pem") as fh:
            KEY = fh.read()
        integration = GithubIntegration(APP_ID, KEY)
        while True:  # expect: LLC-FS-002
            token = integration.get_access_token(INSTALLATION_ID).token
            publish(token)
            time.sleep(3000)
        """),
    _c("loop", "rado-radoev/code_mashup python/.../TimerThread.py (repeating Timer, opaque job)",
       """
        from threading import Timer

        class Repeat(Timer):
            def run(self):
                while not self.finished.wait(self.interval):
                    self.function(*self.args, **self.kwargs)
        """),
    _c("loop", "Ace1928/eidosian_forge archive_forge/code/func__refresh_token.py", """
        def _refresh_token(self):
            self.token = self.oauth2_conn.refresh_token(self.token)
            self._write_token_to_file()
        """),
    # --- 2. One-shot grants from a stored refresh token ----------------------------------
    _c("stored-grant", "flsouto/fsup refresh-token.py", """
        import json
        from os import getenv
        import requests

        token = json.loads(open("token.json").read())
        payload = {
            "client_id": getenv("client_id"),
            "client_secret": getenv("client_secret"),
            "refresh_token": token["refresh_token"],
            "grant_type": "refresh_token",
        }
        r = requests.post(FREESOUND_TOKEN_URL, data=payload)  # expect: LLC-FS-001
        """),
    _c("stored-grant", "SsRick/googleAuth refreshtoken.py", f"""
        import requests

        data = {{"refresh_token": "{_RT}",
                "client_id": "887-app.apps.googleusercontent.com",
                "client_secret": "{_CS}",
                "grant_type": "refresh_token"}}
        r = requests.post(url=GOOGLE_TOKEN_URL, data=data)  # expect: LLC-FS-001
        """),
    _c("stored-grant", "Jestin-George312/mca-mini-backend test_refresh.py", """
        import os
        import requests
        from dotenv import load_dotenv

        load_dotenv()
        params = {"client_id": os.getenv("CLIENT_ID"), "client_secret": os.getenv("CLIENT_SECRET"),
                  "refresh_token": os.getenv("REFRESH_TOKEN"), "grant_type": "refresh_token"}
        response = requests.post(GOOGLE_TOKEN_URL, data=params)  # expect: LLC-FS-001
        """, path="scripts/refresh.py"),
    _c("stored-grant", "bporter816/benjaminporter.me spotify.py", """
        import os, requests

        SPOTIFY_REFRESH_TOKEN = os.environ["SPOTIFY_REFRESH_TOKEN"]
        body = {"grant_type": "refresh_token", "refresh_token": SPOTIFY_REFRESH_TOKEN,
                "client_id": os.environ["SPOTIFY_CLIENT_ID"]}
        r = requests.post("https://accounts.spotify.com/api/token", data=body)  # expect: LLC-FS-001
        """),
    _c("stored-grant", "iochoa808/SpotifyData src/Spotify.py", """
        import os
        from spotipy.oauth2 import SpotifyOAuth

        sp_oauth = SpotifyOAuth(client_id=os.environ["CLIENT_ID"],
                                client_secret=os.environ["CLIENT_SECRET"],
                                redirect_uri=REDIRECT, scope="user-read-recently-played")
        info = sp_oauth.refresh_access_token(os.environ["REFRESH_TOKEN"])  # expect: LLC-FS-001
        """),
    _c("stored-grant", "despair1/esi_wallet_tutorial refresh_token.py (per-row DB tokens)", """
        import requests
        import oauth_models

        def refresh_token(r_token):
            return requests.post(REFRESH_URL, auth=(CID, SECRET),
                                 data={"grant_type": "refresh_token",
                                       "refresh_token": r_token}).json()

        for row in oauth_models.Tokens.select():
            row.access_token = refresh_token(row.refresh_token)["access_token"]
            row.save()
        """),
    _c("stored-grant", "h-lopez/spoticli .history/auth_20200106153617.py (placeholder)", """
        from spotipy import util

        refresh_token = ...  # load the saved refresh token
        user_token = util.refresh_user_token(CID, CSECRET, refresh_token)
        """),
    _c("stored-grant", "Format string body (gap of issue 13): BODY.format(rt) from a file", """
        import requests

        BODY = "grant_type=refresh_token&refresh_token={}&client_id=ops"
        with open("/etc/ops/refresh_token") as fh:
            rt = fh.read().strip()
        r = requests.post(TOKEN_URL, data=BODY.format(rt))  # expect: LLC-FS-001
        """),
    _c("stored-grant", "Percent-built body (gap of issue 13) with keyword spreading", """
        import os, requests

        rt = os.environ["CRM_REFRESH_TOKEN"]
        OPTS = {"timeout": 10, "data": "grant_type=refresh_token&refresh_token=%s" % rt}
        r = requests.post(TOKEN_URL, **OPTS)  # expect: LLC-FS-001
        """),
    # --- 3. Periodic jobs in schedulers and task queues ----------------------------------
    _c("scheduler", "Idonij-e/school_management jobs/updater.py", """
        import requests
        from apscheduler.schedulers.background import BackgroundScheduler
        from django.conf import settings

        def schedule_token_refresh():
            requests.post(settings.LMS_TOKEN_URL, data={
                "grant_type": "client_credentials", "client_id": settings.LMS_CLIENT_ID,
                "client_secret": settings.LMS_CLIENT_SECRET})

        def start():
            scheduler = BackgroundScheduler()
            scheduler.add_job(schedule_token_refresh, "interval", minutes=5)  # expect: LLC-FS-003
            scheduler.start()
        """),
    _c("scheduler", "zhanghe06/migration_project schedules/schedule_token.py", """
        import time
        import schedule
        import requests
        from app import config

        def token():
            return requests.post(config.ERP_TOKEN_URL, data={
                "grant_type": "client_credentials", "client_id": config.ERP_CLIENT_ID,
                "client_secret": config.ERP_CLIENT_SECRET}).json()

        schedule.every(8).minutes.do(token)  # expect: LLC-FS-003

        def run():
            while True:
                schedule.run_pending()
                time.sleep(1)
        """),
    _c("scheduler", "ChestnutCMD/taro bot/utils/task_scheduler.py", """
        import schedule
        import requests

        def update_tokens():
            with open("/var/lib/bot/refresh_token") as fh:
                rt = fh.read().strip()
            form = {"grant_type": "refresh_token", "refresh_token": rt}
            requests.post(TOKEN_URL, data=form)  # expect: LLC-FS-001

        def daily_token_update():
            schedule.every().day.at("21:01").do(update_tokens)  # expect: LLC-FS-003
            while True:
                schedule.run_pending()
        """),
    _c("scheduler", "supermegaelf/shop-bot bot/tasks/__init__.py", """
        import asyncio, os
        import aioschedule
        import httpx

        async def update_panel_token():
            async with httpx.AsyncClient() as client:
                await client.post(PANEL_URL + "/api/admin/token", data={
                    "grant_type": "password", "username": "admin",
                    "password": os.environ["PANEL_PASSWORD"]})

        async def register():
            aioschedule.every(5).minutes.do(update_panel_token)  # expect: LLC-FS-003
            while True:
                await aioschedule.run_pending()
                await asyncio.sleep(1)
        """),
    _c("scheduler", "kiortir/uvicorn-unirock clock.py (no credential in the job)", """
        import requests
        from apscheduler.schedulers.blocking import BlockingScheduler

        sched = BlockingScheduler()

        @sched.scheduled_job("cron", hour=4)
        def update_token():
            requests.post("https://api.example.com/reload-tokens")
        """),
    _c("scheduler", "originexample (celery on_after_configure add_periodic_task)", """
        import os
        import requests
        from celery import Celery
        from celery.schedules import crontab

        app = Celery("sync")

        @app.task
        def refresh_partner_token():
            requests.post(PARTNER_TOKEN_URL, data={  # expect: LLC-FS-001
                "grant_type": "refresh_token",
                "refresh_token": os.environ["PARTNER_REFRESH_TOKEN"]})

        @app.on_after_configure.connect
        def setup_periodic_tasks(sender, **kwargs):
            every = crontab(minute="*/30")
            sender.add_periodic_task(every, refresh_partner_token.s())  # expect: LLC-FS-003
        """, path="app/tasks.py"),
    _c("scheduler", "ivanBasCub/Deep-Space-Industries settings/celery.py (task by name)", """
        from celery import Celery

        app = Celery("settings")
        app.conf.beat_schedule = {
            "refresh_tokens": {"task": "sso.tasks.tokens", "schedule": 600, "args": ()},
        }
        """),
    _c("scheduler", "zkhan93/tb-yt-uploader app/celery/__init__.py (crontab beat entry)", """
        from celery import Celery
        from celery.schedules import crontab

        app = Celery("hello", broker=BROKER_URL)
        app.conf.beat_schedule = {
            "refresh-token-every-30-min": {"task": "app.celery.tasks.all.check_auth",
                                           "schedule": crontab()},
        }
        """),
    _c("scheduler", "realsuayip/asu asu/celery.py (clears expired tokens, mints nothing)", """
        from datetime import timedelta
        from celery import Celery

        app = Celery("asu")
        app.conf.beat_schedule = {
            "auth-tokens": {"task": "asu.auth.tasks.clear_expired_oauth_tokens",
                            "schedule": timedelta(hours=24)},
        }
        """),
    _c("scheduler", "smartlgt/django-janus janus/tasks.py", """
        from celery import shared_task
        from oauth2_provider.models import clear_expired

        @shared_task
        def cleanup_token():
            clear_expired()
        """),
    _c("scheduler", "Streamlit secrets feeding a scheduled refresh (gap of issue 13)", """
        import requests
        import streamlit as st
        from apscheduler.schedulers.background import BackgroundScheduler

        def renew():
            return requests.post(TOKEN_URL, data={  # expect: LLC-FS-001
                                 "grant_type": "refresh_token",
                                 "refresh_token": st.secrets["oauth"]["refresh_token"]})

        sched = BackgroundScheduler()
        sched.add_job(renew, "interval", minutes=50)  # expect: LLC-FS-003
        sched.start()
        """, path="dashboard/app.py"),
    # --- 4. Timers that re-arm themselves ------------------------------------------------
    _c("timer", "ykhemani/vault-token-mgmt-demo README.md (Timer at half the TTL)", """
        import os, threading
        import hvac

        client = hvac.Client(url=VAULT_ADDR, token=os.environ["VAULT_TOKEN"])

        def renew():
            ttl = client.auth.token.renew_self()["auth"]["lease_duration"]
            threading.Timer(ttl / 2, renew).start()  # expect: LLC-FS-007
        """),
    _c("timer", "TokenManager(gettoken, expires_in) with a Timer (credential from the caller)", """
        from threading import Timer

        class TokenManager:
            def __init__(self, gettoken, expires_in):
                self._gettoken = gettoken
                self._expires_in = expires_in
                self._token = gettoken()
                self.timer = Timer(expires_in, self._refresh)

            def _refresh(self):
                self._token = self._gettoken()
                self.timer = Timer(self._expires_in, self._refresh)
                self.timer.start()
        """),
    # --- 5. Sessions that refresh themselves -------------------------------------------------
    _c("auto-session", "pwais/jupyter-extensions OauthRenew/README.md (token file from env)", """
        import json, os
        from requests_oauthlib import OAuth2Session

        with open(os.environ["OAUTH2_FILE"]) as fh:
            token = json.load(fh)
        OPTS = {"token": token, "auto_refresh_url": TOKEN_URL, "token_updater": save}
        session = OAuth2Session(CLIENT_ID, **OPTS)  # expect: LLC-FS-004
        """),
    _c("auto-session", "requests-oauthlib session for the signed-in user (web view)", """
        from flask import session
        from requests_oauthlib import OAuth2Session

        def calendar():
            s = OAuth2Session(CID, token=session["oauth_token"], auto_refresh_url=TOKEN_URL)
            return s.get(API).json()
        """),
    # --- 6. Microsoft, Google ------------------------------------------------------------
    _c("msal", "AzureAD/microsoft-authentication-library-for-js samples/msal-node-samples/"
       "refresh-token/index.js (Python port of the pattern)", """
        import os
        import msal

        app = msal.PublicClientApplication(CLIENT_ID, authority=AUTHORITY)
        result = app.acquire_token_by_refresh_token(  # expect: LLC-FS-006
            os.environ["MSGRAPH_TOKEN"], scopes=["Files.ReadWrite.All"])
        """),
    _c("msal", "jaypMarquez1/streamlit-example Auth.py (silent, then interactive)", """
        from msal import PublicClientApplication

        app = PublicClientApplication(CLIENT_ID, authority="https://login.microsoftonline.com")
        accounts = app.get_accounts()
        result = app.acquire_token_silent(["User.Read"], account=accounts[0]) if accounts else None
        if not result:
            result = app.acquire_token_interactive(scopes=["User.Read"])
        """),
    _c("google", "guruahn/vue-google-oauth2 backend-samples/python/main.py (code exchange)", """
        from google_auth_oauthlib.flow import Flow

        flow = Flow.from_client_secrets_file(SECRETS_FILE, SCOPES, redirect_uri="postmessage")
        flow.fetch_token(code=auth_code)
        credentials = flow.credentials
        """),
    _c("google", "berkowitze/cs-course hta/handin/get_creds.py (obtains, does not redeem)", """
        from oauth2client import client, file, tools

        store = file.Storage("credentials.json")
        flow = client.flow_from_clientsecrets("client_secret.json", SCOPES)
        creds = tools.run_flow(flow, store)
        with open("ref_tok.txt", "w") as f:
            f.write(creds.refresh_token)
        """),
    _c("google", "Google user credentials from a saved file, refreshed in a daemon loop", """
        import time
        from google.auth.transport.requests import Request
        from google.oauth2.credentials import Credentials

        path = "/srv/sheets/token.json"
        creds = Credentials.from_authorized_user_file(path, SCOPES)  # expect: LLC-FS-005
        while True:  # expect: LLC-FS-002
            creds.refresh(Request())
            push(creds.token)
            time.sleep(3000)
        """),
    # --- 7. Vault ------------------------------------------------------------------------
    _c("vault", "Zenodia/AgenticTA scripts/vault/TOKEN_RENEWAL_GUIDE.md (renewal daemon)", """
        import os, threading, time
        import hvac

        def _renew_periodically(interval=12 * 3600):
            client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])
            while True:
                client.auth.token.renew_self(increment="24h")
                time.sleep(interval)

        threading.Thread(target=_renew_periodically, daemon=True).start()  # expect: LLC-FS-007
        """),
    _c("vault", "Vault agent token sink re-read in a loop (platform-rotated)", """
        import time
        import hvac

        while True:
            with open("/vault/secrets/.vault-token") as fh:
                client = hvac.Client(url=VAULT_ADDR, token=fh.read().strip())
            client.auth.token.renew_self()
            time.sleep(600)
        """),
    # --- 8. GitHub Apps and STS ----------------------------------------------------------
    _c("github-app", "lansiquo/PR_Reviewer scripts/mint_installation_token.py (one shot)", """
        import os, time
        import jwt, requests

        now = int(time.time())
        app_jwt = jwt.encode({"iat": now - 60, "exp": now + 540, "iss": os.environ["APP_ID"]},
                             os.environ["GITHUB_APP_PRIVATE_KEY"], algorithm="RS256")
        r = requests.post(f"{API}/app/installations/{INSTALLATION}/access_tokens",
                          headers={"Authorization": f"Bearer {app_jwt}"})
        """),
    _c("github-app", "codedog-ai/codedog examples/github/github_app.py (empty key placeholder)",
       '''
        from github import Github

        private_key = """
        -----BEGIN RSA PRIVATE KEY-----
        -----END RSA PRIVATE KEY-----
        """
        client = Github(get_access_token(INSTALLATION_ID, get_jwt(private_key, APP_ID)))
        '''),
    _c("sts", "kyhau/aws-tools IAM/assume_role.py (default chain)", """
        import boto3

        sts_client = boto3.client("sts")
        creds = sts_client.assume_role(RoleArn=ROLE_ARN, RoleSessionName="s1",
                                       DurationSeconds=3600)["Credentials"]
        """),
    _c("sts", "rama2027/love creds.py (default chain, exported once)", """
        import os
        import boto3

        sts = boto3.client("sts")
        role = sts.assume_role(RoleArn=os.environ["IAM_ROLE"], RoleSessionName="love")
        os.environ["AWS_SESSION_TOKEN"] = role["Credentials"]["SessionToken"]
        """),
    _c("sts", "Ace1928/eidosian_forge .../func_create_assume_role_refresher.py (botocore)", """
        def create_assume_role_refresher(client, params):
            def refresh():
                creds = client.assume_role(**params)["Credentials"]
                return {"access_key": creds["AccessKeyId"], "token": creds["SessionToken"]}
            return refresh
        """),
    # --- 9. Tokens minted with a long or missing lifetime -----------------------------------
    _c("jwt", "riveromj/Foodie-App-Backend src/jwt_auth.py (the expiry left for later)", """
        import jwt

        def encode_token(user, key):
            return jwt.encode({"user": user}, key, algorithm="HS256")  # expect: LLC-PY-001
        """),
    _c("jwt", "koompi/fast-telegram test.py (one hour)", """
        from datetime import datetime, timedelta
        import jwt

        JWT_EXP_DELTA_SECONDS = 60 * 60
        payload = {"k": "v", "exp": datetime.utcnow() + timedelta(seconds=JWT_EXP_DELTA_SECONDS)}
        token = jwt.encode(payload, JWT_SECRET, "HS256")
        """),
    _c("jwt", "jeffhaskin/klingAPI-videoLipSycn 01_getAPIKey.py (30 minutes)", """
        import os, time
        import jwt

        def encode_jwt_token(ak, sk):
            payload = {"iss": ak, "exp": int(time.time()) + 1800, "nbf": int(time.time()) - 5}
            return jwt.encode(payload, sk, headers={"alg": "HS256", "typ": "JWT"})

        auth = encode_jwt_token(os.environ["KLING_AK"], os.environ["KLING_SK"])
        """),
    _c("jwt", "IllyaKartychak/group04092025 project/jwt/hw.py (500 seconds)", """
        import datetime
        import jwt

        now = datetime.datetime.now(datetime.timezone.utc)
        payload = {"sub": "4545", "iat": now, "exp": now + datetime.timedelta(seconds=500)}
        encoded = jwt.encode(payload=payload, key=JWT_SECRET, algorithm="HS256")
        """),
    _c("jwt", "wonder-phil/cse2102 flaskServerCaller/test/test.py (nine hours)", """
        from datetime import datetime, timedelta
        import jwt

        nine_hours = datetime.now() + timedelta(hours=9)
        token = jwt.encode({"jti": JTI, "user_id": 1, "exp": nine_hours}, KEY, algorithm="HS256")
        """),
    _c("jwt", "ASE-Kanak-App/ASE-kanak backend/app/auth/utils.py", """
        from datetime import datetime, timedelta
        import jwt

        def encode_token(user_id):
            payload = {"exp": datetime.utcnow() + timedelta(days=0, seconds=5),
                       "iat": datetime.utcnow(), "sub": user_id}
            return jwt.encode(payload, app.config["SECRET_KEY"], algorithm="HS256")
        """),
    _c("jwt", "ZihaoBAO/microservices-test auth-gateway/generate_token.py (python-jose)", """
        from datetime import datetime, timedelta
        from jose import jwt

        payload = {"sub": "user-123", "exp": datetime.utcnow() + timedelta(hours=1)}
        token = jwt.encode(payload, SECRET_KEY, algorithm="HS256")
        """),
    _c("jwt", "API key as a JWT for a year, lifetime in a class attribute (gap of issue 13)", """
        import datetime
        import jwt

        class Settings:
            API_KEY_TTL = datetime.timedelta(days=365)

        def create_api_key(user):
            payload = {"email": user.email,
                       "exp": datetime.datetime.now(datetime.timezone.utc) + Settings.API_KEY_TTL}
            return jwt.encode(payload, KEY, algorithm="HS256")  # expect: LLC-PY-002
        """),
    _c("jwt", "Lifetime from a helper's return value (gap of issue 13)", """
        import datetime
        import jwt

        def token_lifetime():
            return datetime.timedelta(days=90)

        def issue(uid):
            exp = datetime.datetime.utcnow() + token_lifetime()
            claims = {"sub": uid, "exp": exp}
            return jwt.encode(claims, KEY, algorithm="HS256")  # expect: LLC-PY-002
        """),
    _c("jwt", "Test that builds an expired token to check it is rejected", """
        import datetime
        import jwt
        import pytest

        def test_expired_token_is_rejected(client):
            past = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
            token = jwt.encode({"sub": "u1", "exp": past}, "test-key", algorithm="HS256")
            headers = {"Authorization": f"Bearer {token}"}
            assert client.get("/me", headers=headers).status_code == 401
        """, path="tests/test_auth.py"),
    _c("django-settings", "AlekseiKhatkevich/entropy simple_jwt_folder/production_settings.py", """
        from datetime import timedelta

        SIMPLE_JWT = {
            "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
            "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
        }
        """, path="project/settings.py"),
    _c("django-settings", "ducnd58233/doorable-service-iam doorable/settings/jwt.py", """
        from datetime import timedelta

        SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(minutes=30),
                      "REFRESH_TOKEN_LIFETIME": timedelta(days=1)}
        """, path="doorable/settings/jwt.py"),
    _c("django-settings", "elyas-hedayat/sibgar config/settings/jwt.py", """
        from datetime import timedelta

        SIMPLE_JWT = {"ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
                      "REFRESH_TOKEN_LIFETIME": timedelta(days=1)}
        """, path="config/settings/jwt.py"),
    _c("django-settings", "Sardorbekmaxmud/to_do config/jwt_settings.py (a year, in names)", """
        from datetime import timedelta

        ACCESS = timedelta(days=365)
        SIMPLE_JWT = {
            "ACCESS_TOKEN_LIFETIME": ACCESS,  # expect: LLC-PY-004
            "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
        }
        """, path="config/settings.py"),
    _c("itsdangerous", "Wenhao-Ma/Grumblr-DjangoWebApp grumblr/tokens.py (no max_age)", """
        from itsdangerous import URLSafeTimedSerializer as utsr

        class Token:
            def __init__(self, key):
                self.key = key

            def remove_validate_token(self, token):
                return utsr(self.key).loads(token)  # expect: LLC-PY-012
        """),
    _c("itsdangerous", "George15526/flask_blueprint user/token.py (max_age)", """
        from itsdangerous import URLSafeTimedSerializer

        def confirm_token(token, expiration=3600):
            serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"])
            return serializer.loads(token, salt=app.config["SALT"], max_age=expiration)
        """),
    _c("itsdangerous", "legionJP/web_app_flask flask_app/itsdangerous_token.py (60 seconds)", """
        from itsdangerous import URLSafeTimedSerializer

        s = URLSafeTimedSerializer(SECRET)
        token = s.dumps({"user_id": 1}, salt="verification")
        data = s.loads(token, max_age=60)
        """),
    _c("presigned", "billjacobi/s3presignedurls makesignedurl (seven days)", """
        import boto3
        from botocore.config import Config

        s3 = boto3.client("s3", config=Config(signature_version="s3v4"))
        url = s3.generate_presigned_url(ClientMethod="get_object",  # expect: LLC-PY-010
                                        Params={"Bucket": BUCKET, "Key": "README.md"},
                                        ExpiresIn=604800)
        """),
    _c("presigned", "jennielim/OCRExpenseTracker geturl.py (one hour)", """
        import boto3, secret

        s3 = boto3.client("s3", aws_access_key_id=secret.getAccessKey(),
                          aws_secret_access_key=secret.getSecretKey())
        url = s3.generate_presigned_url(ClientMethod="get_object",
                                        Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=3600)
        """),
    _c("presigned", "GNavneethGithub/test_project_01 tests/aws_s3_downloadable_link.py", """
        import boto3

        s3 = boto3.client("s3")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": B, "Key": K},
                                        ExpiresIn=3600)
        """),
    _c("presigned", "heyfredlynch/luit_black_python_homework Environment/generate_presigned_url.py",
       """
        import boto3

        s3 = boto3.client("s3")
        response = s3.generate_presigned_url("get_object", Params={"Bucket": B, "Key": K},
                                             ExpiresIn=300)
        """),
    _c("sdk-literal", "jasimdipu/fastapi_keycloak app/keycloak_auth.py (literal secret)", f"""
        from keycloak import KeycloakOpenID

        keycloak_openid = KeycloakOpenID(server_url=KC, client_id="myclient",
                                         realm_name="myrealm",
                                         client_secret_key="{_KC}")  # expect: LLC-PY-005
        """, rules=("LLC-FS-", "LLC-PY-", "LLC-SRC-")),
    _c("cross-module", "Sandy29krish/Sandy_sniper-bot (loop in a task module, mint in auth)", """
        import time
        from .auth import request_new_access_token

        def main():
            with open("/srv/app/refresh_token") as fh:
                refresh_token = fh.read().strip()
            while True:  # expect: LLC-FS-002
                request_new_access_token(refresh_token)
                time.sleep(3000)
        """, path="app/jobs/keepalive.py"),
    _c("cross-module", "A loop calling an imported helper with a token from the caller", """
        import time
        from .auth import request_new_access_token

        def main(session_token):
            while True:
                request_new_access_token(session_token)
                time.sleep(3000)
        """, path="app/jobs/keepalive.py"),
    _c("bounded", "Bounded retries around a refresh", """
        import os, time
        import requests

        for attempt in range(3):
            r = requests.post(TOKEN_URL, data={"grant_type": "refresh_token",  # expect: LLC-FS-001
                              "refresh_token": os.environ["RT"]})
            if r.ok:
                break
            time.sleep(2 ** attempt)
        """),
]


def _expected(code: str) -> set[tuple[str, int]]:
    out = set()
    for number, line in enumerate(code.splitlines(), 1):
        match = _MARK.search(line)
        if match:
            out |= {(rule.strip(), number) for rule in match.group(1).split(",")}
    return out


def _reported(case: Case) -> set[tuple[str, int]]:
    result = _ENGINE.scan_bytes(case.path, case.code.encode())
    return {
        (f.rule_id, f.location.line)
        for f in result.findings
        if f.rule_id.startswith(case.rules)
    }


def test_at_least_fifty_patterns() -> None:
    assert len(CASES) >= 50
    assert len({c.seen for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.group}:{i}" for i, c in enumerate(CASES)])
def test_pattern(case: Case) -> None:
    assert _reported(case) == _expected(case.code), case.seen
