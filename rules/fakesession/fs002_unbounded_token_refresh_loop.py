"""LLC-FS-002: an endless loop that re-mints tokens from a long-lived credential."""

from __future__ import annotations

from scanner.api import (
    MINT_TRIGGERS,
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

#: What any fake-session sink needs in the file (rules.md 2.2 A): the mint table's gate words,
#: shared with LLC-FS-003.
SINK_TRIGGERS = MINT_TRIGGERS


class UnboundedTokenRefreshLoop(SinkGatedRule):
    """## What it does
    Flags a loop that never ends and re-mints tokens, on a timer, from a credential the
    workload stores: `while True`, `while 1`, `while not stop.is_set()`, `while self.running`,
    `for _ in itertools.count()`, or a function that calls itself, with a sleep or a
    `wait(timeout)`, reaching (directly or through this module's functions, two calls deep) a
    token grant: an OAuth refresh-token, client-credentials or password grant, an
    `OAuth2Session` refresh or fetch, Google `Credentials.refresh`, MSAL, STS on a client
    built from IAM-user keys, a Vault AppRole login or a GitHub App JWT exchange. The
    credential must be a literal, static configuration (constant, environment, settings, file,
    keyring, a secret read once) or a rotating chain seeded from one. A `break` or `return` in
    normal operation, `for _ in range(n)`, retry decorators, deadlines within
    `refresh_token_max_lifetime`, and credentials re-read each cycle from a platform source
    (projected token file, IMDS, `DefaultAzureCredential`, the AWS default chain) are not
    reported. A loop started in a background thread or task is reported by LLC-FS-003 at the
    scheduling call instead, and Vault token renewal by LLC-FS-007.

    ## Why is this bad?
    The access tokens look session-scoped, but the loop turns a long-lived credential into an
    endless supply of them: the session never ends, and whoever steals the refresh token,
    secret or key gets the same endless supply. Refreshing more often changes nothing; the
    root of the chain must be something the platform attests per task, or the chain must end
    (OWASP NHI7 Long-Lived Secrets, NHI4 Insecure Authentication).

    ## Example
    ```python
    RT = open("/etc/app/refresh_token").read().strip()
    while True:
        tok = requests.post(URL, data={"grant_type": "refresh_token", "refresh_token": RT}).json()
        RT = tok.get("refresh_token", RT)          # rotating chain, still endless
        set_bearer(tok["access_token"])
        time.sleep(tok["expires_in"] - 60)
    ```

    Use instead:
    ```python
    while not stop.is_set():
        assertion = Path(os.environ["AZURE_FEDERATED_TOKEN_FILE"]).read_text()  # re-read
        tok = app.acquire_token_for_client(scopes=SCOPES)  # app uses client_assertion
        stop.wait(tok["expires_in"] - 60)
    ```

    ## References
    - OAuth 2.0 Security Best Current Practice, refresh tokens: https://www.rfc-editor.org/rfc/rfc9700#section-4.14
    - Microsoft Entra workload identity federation: https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation
    - OWASP NHI7:2025 Long-Lived Secrets; NHI4:2025 Insecure Authentication
    """

    META = RuleMeta(
        id="LLC-FS-002",
        name="unbounded-token-refresh-loop",
        summary="Unbounded loop re-minting tokens from a long-lived credential",
        category=Category.FAKE_SESSION,
        severity=Severity.HIGH,
        precision=Precision.MEDIUM,
        owasp=("NHI7", "NHI4"),
        fix="Anchor each cycle in a platform-attested credential the platform rotates (projected "
        "service-account token file, IMDS, managed identity, OIDC ID token), or end the session: "
        "cap its total lifetime and require a fresh attested login after it.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=SINK_TRIGGERS,
    )

    VALID = [
        # rules.md 2.3.1: each cycle re-reads a platform-attested assertion.
        Valid(
            "import os, threading\n"
            "from pathlib import Path\n"
            "import msal\n"
            "stop = threading.Event()\n"
            "def assertion():\n"
            '    return Path(os.environ["AZURE_FEDERATED_TOKEN_FILE"]).read_text()\n'
            "app = msal.ConfidentialClientApplication(\n"
            '    CID, authority=AUTH, client_credential={"client_assertion": assertion})\n'
            "while not stop.is_set():\n"
            "    tok = app.acquire_token_for_client(scopes=SCOPES)\n"
            '    stop.wait(tok["expires_in"] - 60)\n'
        ),
        # rules.md 2.3.1: an absolute deadline within refresh_token_max_lifetime (8 hours).
        Valid(
            "import os, time, requests\n"
            'RT = os.environ["CRM_REFRESH_TOKEN"]\n'
            "deadline = time.monotonic() + 8 * 3600\n"
            "while time.monotonic() < deadline:\n"
            '    tok = requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": RT}).json()\n'
            '    time.sleep(tok["expires_in"] - 60)\n'
        ),
        # rules.md 2.3.2: bounded retries, by range() and by retry decorators.
        Valid(
            "import os, time, backoff, requests, tenacity\n"
            'RT = os.environ["CRM_REFRESH_TOKEN"]\n'
            "for attempt in range(3):\n"
            '    r = requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": RT})\n'
            "    if r.ok:\n"
            "        break\n"
            "    time.sleep(2 ** attempt)\n"
            "@tenacity.retry(stop=tenacity.stop_after_attempt(5), wait=tenacity.wait_fixed(2))\n"
            "def refresh():\n"
            '    return requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": RT})\n'
            "@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=4)\n"
            "def refresh_again():\n"
            "    return refresh()\n"
        ),
        # rules.md 2.3.3: STS through the default provider chain, with or without passing
        # the chain's (refreshed) keys on explicitly.
        Valid(
            "import time, boto3\n"
            'sts = boto3.client("sts")\n'
            "chain = boto3.Session().get_credentials()\n"
            'sts2 = boto3.client("sts", aws_access_key_id=chain.access_key,\n'
            "                    aws_secret_access_key=chain.secret_key)\n"
            "while True:\n"
            '    creds = sts.assume_role(RoleArn=ARN, RoleSessionName="sync")["Credentials"]\n'
            '    install(creds, sts2.get_caller_identity()["Arn"])\n'
            "    sts2.get_session_token(DurationSeconds=900)\n"
            "    time.sleep(3000)\n"
        ),
        # `while True` that ends once the refresh succeeds is a retry, not a session.
        Valid(
            "import os, time, requests\n"
            'RT = os.environ["CRM_REFRESH_TOKEN"]\n'
            "while True:\n"
            "    try:\n"
            '        tok = requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": RT}).json()\n'
            "        break\n"
            "    except requests.RequestException:\n"
            "        time.sleep(5)\n"
        ),
        # Recursion that counts down ends: a bounded retry, not a session.
        Valid(
            "import asyncio, os, requests\n"
            'RT = os.environ["CRM_RT"]\n'
            "async def refresh(left=3):\n"
            '    requests.post(URL, data={"grant_type": "refresh_token", "refresh_token": RT})\n'
            "    await asyncio.sleep(30)\n"
            "    if left:\n"
            "        return await refresh(left - 1)\n"
        ),
        # A loop run by a background thread is LLC-FS-003's finding (at the thread), not this.
        Valid(
            "import os, threading, time, requests\n"
            'RT = os.environ["CRM_REFRESH_TOKEN"]\n'
            "def keep_fresh():\n"
            "    while True:\n"
            '        requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": RT})\n'
            "        time.sleep(3000)\n"
            "threading.Thread(target=keep_fresh, daemon=True).start()\n"
        ),
    ]
    INVALID = [
        # The catalogue's example: a rotating chain seeded from a file.
        Invalid(
            "import time\n"
            "import requests\n"
            'RT = open("/etc/app/refresh_token").read().strip()\n'
            "while True:  # expect: LLC-FS-002\n"
            '    tok = requests.post(URL, data={"grant_type": "refresh_token", '
            '"refresh_token": RT}).json()\n'
            '    RT = tok.get("refresh_token", RT)\n'
            '    set_bearer(tok["access_token"])\n'
            '    time.sleep(tok["expires_in"] - 60)\n'
        ),
        # A client secret from the environment, through a helper, until a stop event (medium).
        Invalid(
            "import os, threading\n"
            "import requests as rq\n"
            'SECRET = os.getenv("BILLING_CLIENT_SECRET")\n'
            "stop = threading.Event()\n"
            "def fetch():\n"
            '    return rq.post(URL, data={"grant_type": "client_credentials"}, '
            "auth=(CID, SECRET)).json()\n"
            "def main():\n"
            "    while not stop.is_set():  # expect: LLC-FS-002\n"
            "        tok = fetch()\n"
            '        stop.wait(tok["expires_in"] - 30)\n'
        ),
        # A loop written as recursion, an aliased msal, the refresh token from a JSON file.
        Invalid(
            "import json, time\n"
            "import msal as m\n"
            "app = m.PublicClientApplication(CID, authority=AUTH)\n"
            'STATE = json.load(open("state.json"))\n'
            "def keep_fresh():\n"
            '    result = app.acquire_token_by_refresh_token(STATE["refresh_token"], scopes=S)\n'
            '    publish(result["access_token"])\n'
            "    time.sleep(3000)\n"
            "    keep_fresh()  # expect: LLC-FS-002\n"
        ),
        # itertools.count() and STS on a client built from IAM-user keys in a settings module.
        Invalid(
            "import itertools, time\n"
            "import boto3\n"
            "from app import settings\n"
            'sts = boto3.client("sts", aws_access_key_id=settings.AWS_KEY_ID,\n'
            "                   aws_secret_access_key=settings.AWS_SECRET)\n"
            "for _ in itertools.count():  # expect: LLC-FS-002\n"
            '    install(sts.get_session_token(DurationSeconds=3600)["Credentials"])\n'
            "    time.sleep(3300)\n"
        ),
        # Google user credentials held on `self`, refreshed while a flag stays set.
        Invalid(
            "import os, time\n"
            "from google.auth.transport.requests import Request\n"
            "from google.oauth2.credentials import Credentials as UserCreds\n"
            "class Exporter:\n"
            "    def __init__(self):\n"
            "        self.creds = UserCreds(None, refresh_token=os.environ['GOOGLE_RT'],\n"
            "                               token_uri=URI, client_id=CID, client_secret=CS)\n"
            "        self.running = True\n"
            "    def run(self):\n"
            "        while self.running:  # expect: LLC-FS-002\n"
            "            self.creds.refresh(Request())\n"
            "            upload(self.creds.token)\n"
            "            time.sleep(1800)\n"
        ),
        # Self-recursion after a sleep, written as `return await`: a loop without `while`.
        Invalid(
            "import asyncio, os, requests\n"
            'RT = os.environ["CRM_RT"]\n'
            "async def refresh():\n"
            '    requests.post(URL, data={"grant_type": "refresh_token", "refresh_token": RT})\n'
            "    await asyncio.sleep(3000)\n"
            "    return await refresh()  # expect: LLC-FS-002\n"
        ),
        # A GitHub App private key from a file, exchanged for installation tokens forever (low).
        Invalid(
            "import os, time\n"
            "import jwt, requests\n"
            'KEY = open("/etc/app/github-app.pem").read()\n'
            "def app_jwt():\n"
            "    now = int(time.time())\n"
            '    return jwt.encode({"iat": now, "exp": now + 540, "iss": APP_ID}, KEY, '
            'algorithm="RS256")\n'
            "def installation_token():\n"
            '    url = f"https://api.github.com/app/installations/{INST}/access_tokens"\n'
            '    r = requests.post(url, headers={"Authorization": f"Bearer {app_jwt()}"})\n'
            '    return r.json()["token"]\n'
            "while True:  # expect: LLC-FS-002\n"
            '    os.environ["GH_TOKEN"] = installation_token()\n'
            "    time.sleep(3000)\n"
        ),
    ]

    def check(self, analysis: Analysis) -> None:
        for keep in analysis.keep_alives:
            if keep.scheduled or keep.covered:
                continue
            reaches = self.live_reaches(keep, vault=False)
            if not reaches:
                continue
            first = reaches[0]
            label = first.sink.kind.label
            rotating = first.source.kind is CredentialClass.ROTATING_CHAIN
            message = (
                f"{describe(keep)} re-mints tokens forever from a stored {label} "
                f"({first.source.description}): the access tokens are short-lived but the "
                f"session never ends, and whoever copies the {label} gets the same endless "
                "supply" + ("; rotation only hands the chain on." if rotating else ".")
            )
            self.report_keep_alive(
                keep, reaches, message, severity_of({r.sink.kind for r in reaches})
            )
