"""The perpetual-trigger registry (issue 13, rules.md 2.2 C): every row's INVALID example is
reported by LLC-FS-002/003 on its marked lines, its VALID look-alike stays quiet, and the rows
never widen a rule's prefilter. Plus variants of the FS-002/FS-003 examples in other styles."""

from __future__ import annotations

import pytest
from outlive_rules.fakesession.fs002_unbounded_token_refresh_loop import (
    UnboundedTokenRefreshLoop,
)
from outlive_rules.fakesession.fs003_background_session_keepalive import (
    BackgroundSessionKeepalive,
)

from scanner.api import Invalid, PythonDocument, Valid
from scanner.documents.python.schedules import named_conditions
from scanner.documents.python.triggers import TRIGGERS, Example, Named, Trigger
from scanner.testing import run_example

#: Imported directly, not through the registry: other rules may be mid-edit.
FS_RULES = [UnboundedTokenRefreshLoop, BackgroundSessionKeepalive]


def _findings(
    code: str, kind: type[Valid] | type[Invalid]
) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    found: set[tuple[int, str]] = set()
    expected: set[tuple[int, str]] = set()
    for rule in FS_RULES:
        run = run_example(rule, kind(code))
        found |= {(f.location.line, rule.META.id) for f in run.findings}
        for finding in run.findings:  # reported at the trigger, pointing at credential and mint
            notes = " | ".join(r.message for r in finding.related)
            assert "comes from here" in notes or "starts here" in notes, notes
            assert "minted" in notes, notes
        if kind is Invalid:
            expected |= {(line, rule.META.id) for line in run.expected}
    return found, expected


def _check(example: Example) -> None:
    found, expected = _findings(example.invalid, Invalid)
    assert expected, "an INVALID example must mark a line with expect:"
    assert found == expected, example.invalid
    quiet, _ = _findings(example.valid, Valid)
    assert quiet == set(), example.valid


ROW_CASES = [
    pytest.param(row, example, id=f"{row.mechanism}-{i}")
    for row in TRIGGERS
    for i, example in enumerate(row.examples)
]


@pytest.mark.parametrize(("row", "example"), ROW_CASES)
def test_triggers_row_examples(row: Trigger, example: Example) -> None:
    _check(example)
    # The row itself recognises its example (not a neighbouring row).
    doc = PythonDocument("app/jobs.py", example.invalid)
    assert row.mechanism in {s.mechanism for s in doc.schedules()}


def test_triggers_every_row_has_examples_and_known_conditions() -> None:
    assert len(TRIGGERS) >= 20
    assert len({row.mechanism for row in TRIGGERS}) == len(TRIGGERS)
    for row in TRIGGERS:
        assert row.examples, row.mechanism
        assert row.names or (row.methods and row.gate) or row.tables, row.mechanism
        for condition in row.when:
            if isinstance(condition, Named):
                assert condition.name in named_conditions(), row.mechanism


def test_triggers_do_not_widen_the_prefilter() -> None:
    """A trigger row never becomes a rule trigger: a file that merely imports ``celery`` or
    ``apscheduler`` does not reach LibCST for that reason (the sink words decide)."""
    gates = {g for row in TRIGGERS for g in row.gate} | {
        n.split(".")[0] for row in TRIGGERS for n in row.names
    }
    for rule in FS_RULES:
        assert not gates & {t.lower() for t in rule.META.triggers}, rule.META.id


def test_triggers_quiet_without_a_sink() -> None:
    code = (
        "import threading, time\nfrom celery import Celery\napp = Celery('x')\n"
        "def loop():\n    while True:\n        time.sleep(1)\n"
        "threading.Thread(target=loop).start()\n"
    )
    assert _findings(code, Valid)[0] == set()


# -- variants of the FS-002 / FS-003 examples in other styles (issue 13) ---------------------

VARIANTS = [
    # FS-003, re-arming timer: an aliased module, the timer armed by a helper in `finally:`.
    Example.of(
        """
        import os
        import threading as th
        import requests as http
        STORED_RT = os.environ["CRM_REFRESH_TOKEN"]
        def _arm():
            th.Timer(3000, refresh).start()  # expect: LLC-FS-003
        def refresh():
            try:
                http.post(URL, data={"grant_type": "refresh_token", "refresh_token": STORED_RT})
            finally:
                _arm()
        """,
        """
        import os
        import threading as th
        import requests as http
        STORED_RT = os.environ["CRM_REFRESH_TOKEN"]
        def _arm():
            th.Timer(3000, refresh).start()
        def refresh():
            try:
                http.post(URL, data={"grant_type": "refresh_token", "refresh_token": STORED_RT})
            except http.RequestException:
                _arm()  # retried only on failure: bounded by success
        """,
    ),
    # FS-003, thread on a loop: the secret on a class attribute, the target through partial.
    Example.of(
        """
        import functools, os, threading, time, requests
        class Sync:
            SECRET = os.environ["CRM_SECRET"]
            def loop(self, url):
                while True:
                    requests.post(url, data={"grant_type": "client_credentials",
                                             "client_secret": self.SECRET})
                    time.sleep(3000)
            def start(self):
                worker = functools.partial(self.loop, URL)
                threading.Thread(target=worker, daemon=True).start()  # expect: LLC-FS-003
        """,
        """
        import functools, os, threading, time, requests
        class Sync:
            SECRET = os.environ["CRM_SECRET"]
            def loop(self, url):
                for _ in range(3):
                    requests.post(url, data={"grant_type": "client_credentials",
                                             "client_secret": self.SECRET})
                    time.sleep(3000)
            def start(self):
                worker = functools.partial(self.loop, URL)
                threading.Thread(target=worker, daemon=True).start()
        """,
    ),
    # FS-003, schedule job: settings module, intermediate variables, a helper doing the mint.
    Example.of(
        """
        import requests, schedule
        from django.conf import settings
        def _mint(password):
            form = {"grant_type": "password", "username": "svc", "password": password}
            return requests.post(settings.TOKEN_URL, data=form).json()
        def refresh():
            TOKENS["svc"] = _mint(settings.SVC_PASSWORD)
        job = schedule.every(50).minutes
        job.do(refresh)  # expect: LLC-FS-003
        """,
        """
        import requests, schedule
        from django.conf import settings
        def _mint(password):
            form = {"grant_type": "password", "username": "svc", "password": password}
            return requests.post(settings.TOKEN_URL, data=form).json()
        def refresh():
            TOKENS["svc"] = _mint(settings.SVC_PASSWORD)
        job = schedule.every(50).minutes.until("18:30")
        job.do(refresh)
        """,
    ),
    # FS-003, APScheduler decorator with a config object holding the client secret.
    Example.of(
        """
        import msal
        from apscheduler.schedulers.background import BackgroundScheduler
        from app.config import Config
        sched = BackgroundScheduler()
        app = msal.ConfidentialClientApplication(Config.CID, client_credential=Config.SECRET)
        @sched.scheduled_job("interval", minutes=45)  # expect: LLC-FS-003
        def renew():
            TOKENS["graph"] = app.acquire_token_for_client(scopes=GRAPH)
        """,
        """
        import msal
        from apscheduler.schedulers.background import BackgroundScheduler
        from app.config import Config
        sched = BackgroundScheduler()
        app = msal.ConfidentialClientApplication(Config.CID, client_credential=Config.SECRET)
        @sched.scheduled_job("interval", minutes=45, end_date=Config.CUTOVER)
        def renew():
            TOKENS["graph"] = app.acquire_token_for_client(scopes=GRAPH)
        """,
    ),
    # FS-003, asyncio task: a method of `self` on a loop, started with loop.create_task.
    Example.of(
        """
        import asyncio, os, requests
        class Keeper:
            def __init__(self):
                self.rt = os.environ["CRM_RT"]
            async def _run(self):
                while True:
                    tok = requests.post(URL, data={"grant_type": "refresh_token",
                                                   "refresh_token": self.rt}).json()
                    self.rt = tok["refresh_token"]
                    await asyncio.sleep(tok["expires_in"] - 60)
            def start(self, loop):
                loop.create_task(self._run())  # expect: LLC-FS-003
        """,
        """
        import asyncio, os, requests
        class Keeper:
            def __init__(self, rt):
                self.rt = rt
            async def _run(self):
                while True:
                    tok = requests.post(URL, data={"grant_type": "refresh_token",
                                                   "refresh_token": self.rt}).json()
                    self.rt = tok["refresh_token"]
                    await asyncio.sleep(tok["expires_in"] - 60)
            def start(self, loop):
                loop.create_task(self._run())
        """,
    ),
    # FS-002, endless loop: self-recursion after a sleep, written as `return await`.
    Example.of(
        """
        import asyncio, os, requests
        RT = os.environ["CRM_RT"]
        async def refresh():
            TOKENS["crm"] = requests.post(URL, data={"grant_type": "refresh_token",
                                                     "refresh_token": RT}).json()
            await asyncio.sleep(3000)
            return await refresh()  # expect: LLC-FS-002
        """,
        """
        import asyncio, os, requests
        RT = os.environ["CRM_RT"]
        async def refresh(left):
            TOKENS["crm"] = requests.post(URL, data={"grant_type": "refresh_token",
                                                     "refresh_token": RT}).json()
            await asyncio.sleep(3000)
            if left:
                return await refresh(left - 1)
        """,
    ),
    # FS-002, endless loop: a `while running` flag on a config dict and a helper for the mint.
    Example.of(
        """
        import os, time, requests
        CONF = {"client_secret": os.environ["CRM_SECRET"], "url": URL}
        running = True
        def mint():
            return requests.post(CONF["url"], data={"grant_type": "client_credentials",
                                                    "client_secret": CONF["client_secret"]})
        while running:  # expect: LLC-FS-002
            mint()
            time.sleep(3000)
        """,
        """
        import os, time, requests
        CONF = {"client_secret": os.environ["CRM_SECRET"], "url": URL}
        running = True
        def mint():
            return requests.post(CONF["url"], data={"grant_type": "client_credentials",
                                                    "client_secret": CONF["client_secret"]})
        while running:
            mint()
            time.sleep(3000)
            running = not done()
        """,
    ),
]


@pytest.mark.parametrize("example", VARIANTS, ids=lambda e: e.invalid.splitlines()[1][:40])
def test_triggers_variants(example: Example) -> None:
    _check(example)
