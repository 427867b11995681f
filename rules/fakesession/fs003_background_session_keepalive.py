"""LLC-FS-003: a background thread, task or scheduler that keeps a session alive forever."""

from __future__ import annotations

from outlive_rules.fakesession.fs002_unbounded_token_refresh_loop import SINK_TRIGGERS

from scanner.api import (
    Analysis,
    Category,
    CredentialClass,
    FileKind,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    SinkGatedRule,
    Valid,
    describe,
    severity_of,
)


class BackgroundSessionKeepalive(SinkGatedRule):
    """## What it does
    Flags the perpetual trigger that keeps a fake session alive in the background, from the
    trigger registry (`scanner/documents/python/triggers/`, about fifty mechanisms): a timer,
    `sched` event, `call_later`/`callLater`/`spawn_later` callback, `SIGALRM` handler or asyncio
    task that re-arms itself (also from a `finally:` or a helper); a thread, process, executor
    job, asyncio/trio/anyio task, greenlet or Temporal workflow whose target loops forever (as
    LLC-FS-002 defines it) or continues as new; and the jobs that repeat by themselves:
    `schedule`, `aioschedule`, APScheduler 3 and 4, Flask-APScheduler, python-telegram-bot's
    `JobQueue`, discord.py `tasks.loop`, Celery beat, `add_periodic_task` and
    `@periodic_task`, django-celery-beat, rq-scheduler, Huey, periodiq, arq, Django-Q,
    Rocketry, timeloop, aiocron, scheduled Airflow DAGs, Prefect `serve(interval=...)`,
    Dagster schedules, Azure Functions and Chalice timers, Modal schedules, Twisted
    `LoopingCall`, Tornado `PeriodicCallback` and fastapi-utils `repeat_every`. It fires when
    the scheduled function reaches (two calls deep, and through a Temporal activity or
    `to_thread`) a token grant whose credential is stored: a literal, static configuration or
    a rotating chain seeded from one. When a thread runs an endless loop, this rule reports the
    thread and points at the loop; LLC-FS-002 then stays quiet. Bounded runs (`repeat=3`,
    `max_repetitions`, `end_date`, `.until(...)`, `one_off=True`, a re-arm under a counter or
    only in an `except`) are not reported, nor are federated sources (`google.auth.default()`,
    managed identity, projected token files) or Vault renewal (LLC-FS-007's). Schedules
    declared outside Python (`serverless.yml`, Zappa settings, `function.json`, Kubernetes
    `CronJob`s) are not followed into the handler.

    ## Why is this bad?
    A hand-rolled keep-alive makes a long-lived credential the root of a session that never
    ends: the tokens in use expire quickly, but the scheduler mints new ones for as long as
    the process lives, and whoever copies the stored refresh token, secret or key can do the
    same (OWASP NHI7 Long-Lived Secrets, NHI4 Insecure Authentication).

    ## Example
    ```python
    def _refresh():
        global TOKEN
        TOKEN = oauth.refresh_token(TOKEN_URL, refresh_token=STORED_RT)["access_token"]
        threading.Timer(3000, _refresh).start()
    _refresh()
    ```

    Use instead:
    ```python
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=SCOPES)  # workload identity, refreshed lazily
    session = AuthorizedSession(credentials)
    ```

    ## References
    - Google Cloud, workload identity federation: https://cloud.google.com/iam/docs/workload-identity-federation
    - Azure managed identities: https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/overview
    - OWASP NHI7:2025 Long-Lived Secrets; NHI4:2025 Insecure Authentication
    """

    META = RuleMeta(
        id="LLC-FS-003",
        name="background-session-keepalive",
        summary="Background thread or scheduler that keeps a session alive forever",
        category=Category.FAKE_SESSION,
        severity=Severity.HIGH,
        precision=Precision.MEDIUM,
        owasp=("NHI7", "NHI4"),
        fix="Drop the hand-rolled keep-alive: let the platform SDK's credential provider "
        "refresh lazily from an attested source (workload identity, managed identity, IMDS), "
        "or end the background session with the task.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=SINK_TRIGGERS,
    )

    VALID = [
        # The catalogue's negative: the scheduled refresh uses the default (federated) chain.
        Valid(
            "import google.auth\n"
            "from google.auth.transport.requests import Request\n"
            "from google.oauth2 import service_account\n"
            "from apscheduler.schedulers.background import BackgroundScheduler\n"
            "creds, _ = google.auth.default(scopes=SCOPES)\n"
            "def rotate_cache():\n"
            "    creds.refresh(Request())\n"
            "scheduler = BackgroundScheduler()\n"
            'scheduler.add_job(rotate_cache, "interval", minutes=5)\n'
        ),
        # rules.md 2.3.3: managed identity, workload identity, DefaultAzureCredential and the
        # Kubernetes in-cluster config refresh themselves; a grant whose secret is the
        # workload identity's own token is federated.
        Valid(
            "import schedule, requests\n"
            "from azure.identity import (DefaultAzureCredential, ManagedIdentityCredential,\n"
            "                            WorkloadIdentityCredential)\n"
            "from kubernetes import config\n"
            "config.load_incluster_config()\n"
            "cred = ManagedIdentityCredential() if ON_AZURE else DefaultAzureCredential()\n"
            "def graph_token():\n"
            '    CACHE["graph"] = cred.get_token("https://graph.microsoft.com/.default")\n'
            "def exchange():\n"
            "    wi = WorkloadIdentityCredential().get_token(AUDIENCE).token\n"
            '    requests.post(URL, data={"grant_type": "client_credentials", '
            '"client_secret": wi})\n'
            "schedule.every(30).minutes.do(graph_token)\n"
            "schedule.every(30).minutes.do(exchange)\n"
        ),
        # One-shot constructs: a timer that does not re-arm, an APScheduler "date" job, and a
        # thread whose loop is bounded.
        Valid(
            "import os, threading, requests\n"
            "from apscheduler.schedulers.background import BackgroundScheduler\n"
            'RT = os.environ["CRM_REFRESH_TOKEN"]\n'
            "def refresh_once():\n"
            '    requests.post(URL, data={"grant_type": "refresh_token", "refresh_token": RT})\n'
            "def warm_up():\n"
            "    for _ in range(3):\n"
            "        refresh_once()\n"
            "threading.Timer(5, refresh_once).start()\n"
            "threading.Thread(target=warm_up).start()\n"
            'BackgroundScheduler().add_job(refresh_once, "date", run_date=WHEN)\n'
        ),
        # Bounded: a fixed number of runs, and a re-arm only while a counter allows it.
        Valid(
            "import os, threading, requests\n"
            "from fastapi_utils.tasks import repeat_every\n"
            "@repeat_every(seconds=1800, max_repetitions=3)\n"
            "def refresh():\n"
            '    requests.post(URL, data={"grant_type": "refresh_token",\n'
            '                             "refresh_token": os.environ["CRM_RT"]})\n'
            "def rearm(left=3):\n"
            "    refresh()\n"
            "    if left > 0:\n"
            "        threading.Timer(3000, rearm, args=(left - 1,)).start()\n"
        ),
        # rules.md 2.3.1: each cycle presents a fresh platform assertion, not a stored secret.
        Valid(
            "import threading, time, requests\n"
            "def exchange():\n"
            "    while True:\n"
            '        assertion = open("/var/run/secrets/tokens/azure-identity-token").read()\n'
            '        requests.post(URL, data={"grant_type": "client_credentials",\n'
            '                                 "client_assertion_type": JWT_BEARER,\n'
            '                                 "client_assertion": assertion})\n'
            "        time.sleep(3000)\n"
            "threading.Thread(target=exchange, daemon=True).start()\n"
        ),
    ]
    INVALID = [
        # The catalogue's example: a re-arming timer around a stored refresh token.
        Invalid(
            "import os, threading\n"
            "from requests_oauthlib import OAuth2Session\n"
            'STORED_RT = os.environ["CRM_REFRESH_TOKEN"]\n'
            "oauth = OAuth2Session(CLIENT_ID)\n"
            "TOKEN = None\n"
            "def _refresh():\n"
            "    global TOKEN\n"
            '    TOKEN = oauth.refresh_token(TOKEN_URL, refresh_token=STORED_RT)["access_token"]\n'
            "    threading.Timer(3000, _refresh).start()  # expect: LLC-FS-003\n"
            "_refresh()\n"
        ),
        # A daemon thread (aliased import) running an endless loop on a rotating chain that
        # starts in a JSON file.
        Invalid(
            "import json, time\n"
            "from threading import Thread as T\n"
            "import requests\n"
            "class Sync:\n"
            "    def __init__(self, path):\n"
            "        with open(path) as fh:\n"
            '            self.rt = json.load(fh)["refresh_token"]\n'
            "    def _loop(self):\n"
            "        while True:\n"
            '            tok = requests.post(URL, data={"grant_type": "refresh_token",\n'
            '                                           "refresh_token": self.rt}).json()\n'
            '            self.rt = tok["refresh_token"]\n'
            '            time.sleep(tok["expires_in"] - 60)\n'
            "    def start(self):\n"
            "        T(target=self._loop, daemon=True).start()  # expect: LLC-FS-003\n"
            'Sync("/etc/sync/token.json").start()\n'
        ),
        # `schedule` (aliased) running a password grant with a password from the environment.
        Invalid(
            "import os, time\n"
            "import schedule as sch\n"
            "import requests\n"
            "def refresh():\n"
            '    requests.post(URL, data={"grant_type": "password", "username": "svc",\n'
            '                             "password": os.environ["SVC_PASSWORD"]})\n'
            "sch.every(50).minutes.do(refresh)  # expect: LLC-FS-003\n"
            "while True:\n"
            "    sch.run_pending()\n"
            "    time.sleep(1)\n"
        ),
        # APScheduler interval job on an MSAL app holding a client secret from a config module.
        Invalid(
            "import msal\n"
            "from apscheduler.schedulers.background import BackgroundScheduler\n"
            "from app.config import CLIENT_SECRET\n"
            "app = msal.ConfidentialClientApplication(CID, client_credential=CLIENT_SECRET)\n"
            "def renew():\n"
            '    TOKENS["graph"] = app.acquire_token_for_client(scopes=GRAPH)\n'
            "scheduler = BackgroundScheduler()\n"
            'scheduler.add_job(renew, "interval", minutes=45)  # expect: LLC-FS-003\n'
        ),
        # An asyncio task with a sleeping loop; authlib's client secret from the keyring.
        Invalid(
            "import asyncio, keyring\n"
            "from authlib.integrations.httpx_client import AsyncOAuth2Client\n"
            'secret = keyring.get_password("svc", "client-secret")\n'
            "client = AsyncOAuth2Client(CID, secret, token_endpoint=URL)\n"
            "async def keep_token():\n"
            "    while True:\n"
            "        tok = await client.fetch_token(URL)\n"
            '        await asyncio.sleep(tok["expires_in"] - 60)\n'
            "async def main():\n"
            "    asyncio.create_task(keep_token())  # expect: LLC-FS-003\n"
            "    await serve()\n"
        ),
        # fastapi-utils: a startup hook that repeats a client-credentials mint forever.
        Invalid(
            "import os, requests\n"
            "from fastapi import FastAPI\n"
            "from fastapi_utils.tasks import repeat_every\n"
            "app = FastAPI()\n"
            '@app.on_event("startup")\n'
            "@repeat_every(seconds=1800)  # expect: LLC-FS-003\n"
            "def refresh():\n"
            '    TOKENS["crm"] = requests.post(URL, data={"grant_type": "client_credentials",\n'
            '                                             "client_secret": os.environ["CS"]})\n'
        ),
        # A Celery beat entry pointing at a task of this module.
        Invalid(
            "import os\n"
            "import requests\n"
            "from celery import Celery\n"
            'app = Celery("sync")\n'
            "@app.task\n"
            "def refresh_crm():\n"
            '    requests.post(URL, data={"grant_type": "refresh_token",\n'
            '                             "refresh_token": os.environ["CRM_RT"]})\n'
            "app.conf.beat_schedule = {\n"
            '    "refresh-crm": {"task": "sync.refresh_crm", "schedule": 1800.0},  '
            "# expect: LLC-FS-003\n"
            "}\n"
        ),
    ]

    def check(self, analysis: Analysis) -> None:
        for keep in analysis.keep_alives:
            if not keep.scheduled:
                continue
            reaches = self.live_reaches(keep, vault=False)
            if not reaches:
                continue
            first = reaches[0]
            label = first.sink.kind.label
            rotating = first.source.kind is CredentialClass.ROTATING_CHAIN
            message = (
                f"{describe(keep)} keeps a session alive forever by re-minting tokens from a "
                f"stored {label} ({first.source.description}): the tokens in use are "
                f"short-lived, but whoever copies the {label} can mint them just as endlessly"
                + ("; rotation only hands the chain on." if rotating else ".")
            )
            self.report_keep_alive(
                keep, reaches, message, severity_of({r.sink.kind for r in reaches})
            )
