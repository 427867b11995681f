"""The fake-session building blocks of ``PythonDocument`` (rules.md 2.2 B, C, D)."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from scanner.api import CredentialClass, PythonDocument

C = CredentialClass


def doc_of(code: str) -> PythonDocument:
    return PythonDocument("app/example.py", textwrap.dedent(code))


def credential(code: str) -> CredentialClass:
    """Class of the argument of the last ``use(...)`` call in ``code``."""
    doc = doc_of(code)
    call = [c for c in doc.calls() if isinstance(c.func, cst.Name) and c.func.value == "use"][-1]
    return doc.credential_source(call.args[0].value, call).kind


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('use("1//0gAbC")', C.LITERAL),
        ('import os\nRT = os.environ["RT"]\nuse(RT)', C.STATIC_CONFIG),
        ('from os import environ as env\nuse(env.get("RT"))', C.STATIC_CONFIG),
        ('import os\ndef f():\n    use(os.getenv("RT", ""))', C.STATIC_CONFIG),
        ('import json\nuse(json.load(open("t.json"))["refresh_token"])', C.STATIC_CONFIG),
        (
            'import json\nwith open("t.json") as fh:\n    TOK = json.load(fh)\n'
            'use(TOK["refresh_token"])',
            C.STATIC_CONFIG,
        ),
        ('from pathlib import Path\nuse(Path("/etc/rt").read_text().strip())', C.STATIC_CONFIG),
        ("from app.settings import CRM_TOKEN\nuse(CRM_TOKEN)", C.STATIC_CONFIG),
        ("from django.conf import settings\nuse(settings.CRM_TOKEN)", C.STATIC_CONFIG),
        ('import keyring\nuse(keyring.get_password("a", "b"))', C.STATIC_CONFIG),
        # A parameter is followed to every call of its function in the module.
        ('import os\ndef go(rt):\n    use(rt)\ngo(os.environ["RT"])', C.STATIC_CONFIG),
        ("def go(rt):\n    use(rt)", C.PARAMETER),
        ('import os\ndef go(rt):\n    use(rt)\ngo(os.environ["RT"])\ngo(user.rt)', C.PARAMETER),
        (
            "import os\nclass C:\n    def __init__(self, rt):\n        self.rt = rt\n"
            "    def run(self):\n        use(self.rt)\n"
            'C(os.environ["RT"])',
            C.STATIC_CONFIG,
        ),
        # A helper's return value.
        (
            'import json\ndef load():\n    with open("t.json") as fh:\n'
            '        return json.load(fh)["rt"]\nuse(load())',
            C.STATIC_CONFIG,
        ),
        # Rotating: stored first, then each response's refresh token.
        (
            'import os\nRT = os.environ["RT"]\nwhile True:\n    tok = post(RT).json()\n'
            '    RT = tok["refresh_token"]\n    use(RT)',
            C.ROTATING_CHAIN,
        ),
        # Platform-attested sources.
        (
            'import os\nfrom pathlib import Path\n'
            'use(Path(os.environ["AZURE_FEDERATED_TOKEN_FILE"]).read_text())',
            C.FEDERATED,
        ),
        ('use(open("/var/run/secrets/kubernetes.io/serviceaccount/token").read())', C.FEDERATED),
        ("import google.auth\nuse(google.auth.default())", C.FEDERATED),
        (
            "from azure.identity import WorkloadIdentityCredential as W\n"
            "cred = W()\nuse(cred.get_token(AUDIENCE).token)",
            C.FEDERATED,
        ),
        # Not followable: the request's session, a call result, a loop variable.
        ('from flask import session\nuse(session["refresh_token"])', C.UNKNOWN),
        ("import requests\nuse(requests.post(U).json()['refresh_token'])", C.UNKNOWN),
        ("for rt in tokens:\n    use(rt)", C.UNKNOWN),
        ('import os\nRT = os.environ["A"]\nRT = compute()\nuse(RT)', C.UNKNOWN),
    ],
)
def test_credential_source(code: str, expected: CredentialClass) -> None:
    assert credential(code) is expected


def test_secret_manager_read_is_static_only_outside_the_loop() -> None:
    doc = doc_of(
        """
        import boto3
        sm = boto3.client("secretsmanager")
        ONCE = sm.get_secret_value(SecretId="a")["SecretString"]
        while True:
            each = sm.get_secret_value(SecretId="a")["SecretString"]
            use(ONCE, each)
        """
    )
    loop = doc.unbounded_loops()[0]
    use = doc.calls()[-1]
    once, each = (a.value for a in use.args)
    assert doc.credential_source(once, use, within=loop).kind is C.STATIC_CONFIG
    assert doc.credential_source(each, use, within=loop).kind is C.UNKNOWN


def loop_heads(code: str, limit: int | None = None) -> list[str]:
    doc = doc_of(code)
    return [
        doc.code(loop.test if isinstance(loop, cst.While) else loop.iter).strip()
        for loop in doc.unbounded_loops(limit)
    ]


@pytest.mark.parametrize(
    ("code", "unbounded"),
    [
        ("while True:\n    tick()", True),
        ("while 1:\n    tick()", True),
        ("while True:\n    if done():\n        break", False),
        ("while True:\n    return tick()", False),
        # Leaving on an error, or on the stop flag, does not end the session.
        ("while True:\n    try:\n        tick()\n    except E:\n        break", True),
        ("while True:\n    if stop.is_set():\n        break\n    tick()", True),
        ("while not stop.is_set():\n    tick()", True),
        ("while not stop.wait(60):\n    tick()", True),
        ("RUNNING = True\nwhile RUNNING:\n    tick()", True),
        ("running = True\nwhile running:\n    running = tick()", False),
        # Work queues empty themselves.
        ("stack = [root]\nwhile stack:\n    stack.pop()", False),
        ("pending = jobs()\nwhile pending:\n    done, pending = wait(pending)", False),
        ("import itertools\nfor _ in itertools.count():\n    tick()", True),
        ("for _ in iter(int, 1):\n    tick()", True),
        ("for _ in range(3):\n    tick()", False),
        ("while attempt < 3:\n    tick()", False),
    ],
)
def test_unbounded_loops(code: str, unbounded: bool) -> None:
    assert bool(loop_heads(code)) is unbounded


def test_self_flag_must_be_a_boolean() -> None:
    code = """
    class W:
        def __init__(self):
            self.running = True
            self.buffer = []
        def run(self):
            while self.running:
                tick()
        def flush(self):
            while self.buffer:
                send()
    """
    assert loop_heads(code) == ["self.running"]


def test_deadline_loops_against_the_limit() -> None:
    code = """
    import time
    short = time.monotonic() + 8 * 3600
    long = time.time() + 365 * 86400
    while time.monotonic() < short:
        tick()
    while long > time.time():
        tick()
    """
    assert loop_heads(code, limit=30 * 86400) == ["long > time.time()"]
    assert loop_heads(code) == []  # no limit given: comparisons are bounded


def test_recursions() -> None:
    doc = doc_of(
        """
        import time
        def forever():
            refresh()
            time.sleep(60)
            forever()
        def walk(node):
            if node.leaf:
                return node
            return walk(node.child)
        def retry():
            try:
                return refresh()
            except E:
                retry()
        def shadowed():
            from other import shadowed
            shadowed()
        """
    )
    assert [f.name.value for f, _ in doc.recursions()] == ["forever"]


def test_schedules() -> None:
    doc = doc_of(
        """
        import asyncio, sched, threading
        import schedule
        from apscheduler.schedulers.background import BackgroundScheduler
        def rearm():
            threading.Timer(60, rearm).start()
        def once():
            pass
        threading.Timer(5, once).start()
        threading.Thread(target=once, daemon=True).start()
        schedule.every(5).minutes.do(once)
        s = BackgroundScheduler()
        s.add_job(once, "interval", minutes=5)
        s.add_job(once, "date", run_date=WHEN)
        async def task():
            pass
        async def main():
            asyncio.create_task(task())
        class Refresher(threading.Thread):
            def run(self):
                pass
        """
    )
    found = [(s.description, getattr(s.target, "name", None), s.periodic) for s in doc.schedules()]
    names = [(d, t.value if t else None, p) for d, t, p in found]
    assert ("a re-arming `threading.Timer`", "rearm", True) in names
    assert ("a `threading.Timer`", "once", False) in names
    assert ("a background thread", "once", False) in names
    assert ("a `schedule` job", "once", True) in names
    assert ("an APScheduler interval or cron job", "once", True) in names
    assert ("a background asyncio task", "task", False) in names
    assert ("the thread class `Refresher`", "run", False) in names
    assert len(names) == 7  # the "date" job runs once


def test_inside_and_reachability() -> None:
    doc = doc_of(
        """
        def inner():
            while True:
                mint()
        def helper():
            inner()
        while True:
            helper()
        """
    )
    inner_loop, outer_loop = doc.unbounded_loops()
    assert not doc.inside(outer_loop, inner_loop)
    assert not doc.inside(inner_loop, outer_loop)
    mint = next(c for c in doc.calls() if doc.code(c) == "mint()")
    assert doc.inside(mint, inner_loop)
    assert mint in doc.reachable_calls(outer_loop, depth=2)
    assert mint not in doc.reachable_calls(outer_loop, depth=1)


def test_fixture_expectations_shape() -> None:
    """The demo service's fake session is found where the demo's table says (a smoke test)."""
    from pathlib import Path

    from scanner.config import Config
    from scanner.engine import Engine
    from scanner.registry import select_rules

    path = Path(__file__).resolve().parent.parent / "fixtures/demo-repo/app/ledger_sync.py"
    engine = Engine(select_rules(["LLC-FS"]), Config())
    result = engine.scan_bytes("app/ledger_sync.py", path.read_bytes())
    # The same rows as this file's in tests/test_fixture_expectations.py's EXPECTED table.
    expected = {(37, "LLC-FS-001"), (63, "LLC-FS-003")}
    assert {(f.location.line, f.rule_id) for f in result.findings} == expected
