"""LLC-FS-007: a Vault token kept alive for ever by a renew-self loop."""

from __future__ import annotations

from scanner.api import (
    Analysis,
    Category,
    FileKind,
    Invalid,
    Precision,
    RuleMeta,
    Severity,
    SinkGatedRule,
    Valid,
    describe,
)


class VaultTokenRenewLoop(SinkGatedRule):
    """## What it does
    Flags an endless loop (`while True`, `while not stop.wait(t)`, `while self.running`,
    `itertools.count()`, a self-calling function) or a background scheduler (re-arming
    timer, thread, asyncio task, `schedule`, APScheduler, Celery) that reaches hvac's
    `client.auth.token.renew_self()`, `client.renew_token()` or `client.auth.token.renew()`
    on a client whose token is stored: `hvac.Client(token=...)` from a literal, the
    environment, a file or settings; `client.token = ...`; an AppRole or userpass login with a
    stored secret; or no token at all, which makes hvac read `VAULT_TOKEN`. Clients that log
    in through a platform method (Kubernetes, JWT/OIDC, AWS, GCP, Azure) and clients passed in
    from elsewhere are not reported. The Python side only: shell `vault token renew` loops
    are for the CI rules.

    ## Why is this bad?
    A periodic Vault token renewed on a timer never expires: its TTL resets on every renewal
    and there is no maximum TTL to stop it. The application has turned a short-lived token
    into a permanent one, and whoever copies it from the environment or the file keeps a
    working Vault token for ever (OWASP NHI7 Long-Lived Secrets, NHI1 Improper Offboarding).

    ## Example
    ```python
    c = hvac.Client(url=U, token=os.environ["VAULT_TOKEN"])
    while True:
        c.auth.token.renew_self()
        time.sleep(3600)
    ```

    Use instead:
    ```python
    # Vault Agent auto-auth (method "kubernetes") renews and re-authenticates for the app,
    # with token_max_ttl bounding the session; the app only reads the agent's sink.
    c = hvac.Client(url="http://127.0.0.1:8100")
    secret = c.secrets.kv.v2.read_secret_version(path="app/db")
    ```

    ## References
    - Vault tokens, periodic tokens and TTLs: https://developer.hashicorp.com/vault/docs/concepts/tokens
    - Vault Agent auto-auth: https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth
    - OWASP NHI7:2025 Long-Lived Secrets; NHI1:2025 Improper Offboarding
    """

    META = RuleMeta(
        id="LLC-FS-007",
        name="vault-token-renew-loop",
        summary="Perpetual Vault token through a renew-self loop",
        category=Category.FAKE_SESSION,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Authenticate with a platform method (Kubernetes, JWT/OIDC, cloud IAM) through "
        "Vault Agent, with `token_max_ttl` bounding the session; do not give apps periodic "
        "tokens to renew.",
        kinds=frozenset({FileKind.PYTHON}),
        # Every Vault sink of this rule is one of these method calls.
        triggers=("renew_self", "renew_token", "auth.token.renew"),
    )

    VALID = [
        # The catalogue's negative: each cycle logs in again with the projected SA token.
        Valid(
            "import time, hvac\n"
            'c = hvac.Client(url="https://vault.internal:8200")\n'
            "while True:\n"
            '    jwt = open("/var/run/secrets/kubernetes.io/serviceaccount/token").read()\n'
            '    c.auth.kubernetes.login(role="app", jwt=jwt)\n'
            "    c.auth.token.renew_self()\n"
            "    time.sleep(600)\n"
        ),
        # Vault Agent does the renewing; the app renews once at start-up, not in a loop.
        Valid(
            "import os, hvac\n"
            'c = hvac.Client(url="http://127.0.0.1:8100")\n'
            'secret = c.secrets.kv.v2.read_secret_version(path="app/db")\n'
            'boot = hvac.Client(url=U, token=os.environ["VAULT_TOKEN"])\n'
            "boot.auth.token.renew_self()\n"
        ),
        # Bounded renewals, and a client handed in by the caller (library code).
        Valid(
            "import os, time, hvac\n"
            'c = hvac.Client(url=U, token=os.environ["VAULT_TOKEN"])\n'
            "for _ in range(3):\n"
            "    c.auth.token.renew_self()\n"
            "    time.sleep(60)\n"
            "def keepalive(client, stop):\n"
            "    while not stop.wait(60):\n"
            "        client.auth.token.renew_self()\n"
        ),
        # A placeholder token in a sample.
        Valid(
            "import time, hvac\n"
            'c = hvac.Client(url=U, token="changeme")\n'
            "while True:\n"
            "    c.auth.token.renew_self()\n"
            "    time.sleep(3600)\n"
        ),
    ]
    INVALID = [
        # The catalogue's example.
        Invalid(
            "import os, time, hvac\n"
            'c = hvac.Client(url=U, token=os.environ["VAULT_TOKEN"])\n'
            "while True: c.auth.token.renew_self(); time.sleep(3600)  # expect: LLC-FS-007\n"
        ),
        # Aliased import, the token from the CLI's token file, until a stop event.
        Invalid(
            "import threading\n"
            "from pathlib import Path\n"
            "import hvac as hv\n"
            'TOKEN = Path("/home/svc/.vault-token").read_text().strip()\n'
            "client = hv.Client(url=VAULT_ADDR, token=TOKEN)\n"
            "stop = threading.Event()\n"
            "while not stop.wait(600):  # expect: LLC-FS-007\n"
            '    client.auth.token.renew_self(increment="1h")\n'
        ),
        # No token argument: hvac reads VAULT_TOKEN; a re-arming timer renews it.
        Invalid(
            "import threading\n"
            "from hvac import Client\n"
            "vault = Client(url=VAULT_ADDR)\n"
            "def renew():\n"
            "    vault.auth.token.renew_self()\n"
            "    threading.Timer(1800, renew).start()  # expect: LLC-FS-007\n"
            "renew()\n"
        ),
        # An AppRole login with a secret_id from a file, then renewed for ever.
        Invalid(
            "import itertools, time, hvac\n"
            "c = hvac.Client(url=U)\n"
            'c.auth.approle.login(role_id=ROLE, secret_id=open("/etc/app/secret-id").read())\n'
            "for _ in itertools.count():  # expect: LLC-FS-007\n"
            "    c.auth.token.renew_self()\n"
            "    time.sleep(1200)\n"
        ),
        # Held on `self`, the token from Django settings, in a daemon thread's loop.
        Invalid(
            "import threading, time, hvac\n"
            "from django.conf import settings\n"
            "class Renewer:\n"
            "    def __init__(self):\n"
            "        self.client = hvac.Client(url=settings.VAULT_ADDR, "
            "token=settings.VAULT_TOKEN)\n"
            "        self.running = True\n"
            "    def _run(self):\n"
            "        while self.running:\n"
            "            self.client.renew_token()\n"
            "            time.sleep(300)\n"
            "    def start(self):\n"
            "        threading.Thread(target=self._run, daemon=True).start()  "
            "# expect: LLC-FS-007\n"
        ),
    ]

    def check(self, analysis: Analysis) -> None:
        for keep in analysis.keep_alives:
            if keep.covered:
                continue
            reaches = self.live_reaches(keep, vault=True)
            if not reaches:
                continue
            first = reaches[0]
            message = (
                f"{describe(keep)} renews a stored Vault token for ever "
                f"({first.sink.via}{first.source.description}): a periodic token renewed on a "
                "timer never expires, "
                "so whoever copies it keeps a working Vault token."
            )
            self.report_keep_alive(keep, reaches, message, None)
