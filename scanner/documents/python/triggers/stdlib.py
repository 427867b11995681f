"""Perpetual triggers of the standard library: timers, threads, processes, executors, ``sched``,
asyncio tasks and callbacks, and ``SIGALRM`` timers (rules.md 2.2 C)."""

from __future__ import annotations

from scanner.documents.python.triggers.model import Arg, Example, Named, Repeats, Shape, Trigger

ONCE, PERIODIC = Repeats.IF_LOOPS, Repeats.PERIODIC

ROWS = (
    Trigger(
        "threading.Timer",
        Shape.CALL,
        ONCE,
        "a `threading.Timer`",
        names=frozenset({"threading.Timer"}),
        target=Arg(1, "function"),
        rearmed="a re-arming `threading.Timer`",
        examples=(
            # A `finally:` that reschedules: the timer re-arms whether the mint failed or not.
            Example.of(
                """
                import os, threading, requests
                def refresh():
                    try:
                        TOKENS["crm"] = <<RT>>.json()
                    finally:
                        threading.Timer(3000, refresh).start()  # expect: LLC-FS-003
                refresh()
                """,
                """
                import os, threading, requests
                def refresh(runs=0):
                    TOKENS["crm"] = <<RT>>.json()
                    if runs < 3:  # a fixed number of runs
                        threading.Timer(3000, refresh, args=(runs + 1,)).start()
                refresh()
                """,
            ),
        ),
    ),
    Trigger(
        "threading.Thread",
        Shape.CALL,
        ONCE,
        "a background thread",
        names=frozenset({"threading.Thread"}),
        target=Arg(1, "target"),
        examples=(
            Example.of(
                """
                import os, time, threading, requests
                class Keeper:
                    def _loop(self):
                        while True:
                            self.token = <<CS>>.json()
                            time.sleep(3000)
                    def start(self):
                        threading.Thread(target=self._loop).start()  # expect: LLC-FS-003
                """,
                """
                import os, time, threading, requests
                class Keeper:
                    def _loop(self):
                        for _ in range(3):
                            self.token = <<CS>>.json()
                            time.sleep(3000)
                    def start(self):
                        threading.Thread(target=self._loop).start()
                """,
            ),
        ),
    ),
    Trigger(
        "Thread or Process subclass",
        Shape.SUBCLASS,
        ONCE,
        "the thread class `{name}`",
        names=frozenset({"threading.Thread", "multiprocessing.Process"}),
        target=Arg(None, "run"),
        examples=(
            Example.of(
                """
                import os, threading, requests
                class Refresher(threading.Thread):  # expect: LLC-FS-003
                    def __init__(self):
                        super().__init__(daemon=True)
                        self.stop = threading.Event()
                    def run(self):
                        while not self.stop.is_set():
                            TOKENS["crm"] = <<RT>>.json()
                            self.stop.wait(3000)
                """,
                """
                import os, threading, requests
                class Refresher(threading.Thread):
                    def __init__(self):
                        super().__init__(daemon=True)
                        self.stop = threading.Event()
                    def run(self):
                        while not self.stop.is_set():
                            TOKENS["crm"] = <<FED>>.json()
                            self.stop.wait(3000)
                """,
            ),
        ),
    ),
    Trigger(
        "multiprocessing.Process",
        Shape.CALL,
        ONCE,
        "a background process",
        names=frozenset({"multiprocessing.Process", "multiprocessing.context.Process"}),
        target=Arg(1, "target"),
        examples=(
            Example.of(
                """
                import os, time, requests
                from multiprocessing import Process
                def worker():
                    while 1:
                        publish(<<RT>>.json())
                        time.sleep(3000)
                Process(target=worker, daemon=True).start()  # expect: LLC-FS-003
                """,
                """
                import os, time, requests
                from multiprocessing import Process
                def worker():
                    attempt = 0
                    while attempt < 5:
                        publish(<<RT>>.json())
                        attempt += 1
                        time.sleep(30)
                Process(target=worker, daemon=True).start()
                """,
            ),
        ),
    ),
    Trigger(
        "concurrent.futures submit",
        Shape.CALL,
        ONCE,
        "an executor job",
        gate=("concurrent.futures",),
        methods=frozenset({"submit"}),
        target=Arg(0, "fn"),
        examples=(
            Example.of(
                """
                import os, time, requests
                from concurrent.futures import ThreadPoolExecutor
                POOL = ThreadPoolExecutor(max_workers=2)
                def keep_fresh():
                    while True:
                        CACHE["t"] = <<CS>>.json()
                        time.sleep(1800)
                POOL.submit(keep_fresh)  # expect: LLC-FS-003
                """,
                """
                import os, time, requests
                from concurrent.futures import ThreadPoolExecutor
                POOL = ThreadPoolExecutor(max_workers=2)
                def keep_fresh():
                    deadline = time.monotonic() + 3600
                    while time.monotonic() < deadline:
                        CACHE["t"] = <<CS>>.json()
                        time.sleep(1800)
                POOL.submit(keep_fresh)
                """,
            ),
        ),
    ),
    Trigger(
        "asyncio run_in_executor",
        Shape.CALL,
        ONCE,
        "an executor job",
        gate=("asyncio",),
        methods=frozenset({"run_in_executor"}),
        target=Arg(1, "func"),
        examples=(
            Example.of(
                """
                import asyncio, os, time, requests
                def keep_fresh():
                    while True:
                        CACHE["t"] = <<RT>>.json()
                        time.sleep(1800)
                async def main():
                    loop = asyncio.get_running_loop()
                    loop.run_in_executor(None, keep_fresh)  # expect: LLC-FS-003
                """,
                """
                import asyncio, os, time, requests
                def keep_fresh():
                    while True:
                        CACHE["t"] = <<RT>>.json()
                        break
                async def main():
                    loop = asyncio.get_running_loop()
                    loop.run_in_executor(None, keep_fresh)
                """,
            ),
        ),
    ),
    Trigger(
        "sched",
        Shape.CALL,
        ONCE,
        "a `sched` event",
        gate=("sched",),
        methods=frozenset({"enter", "enterabs"}),
        target=Arg(2, "action"),
        rearmed="a re-entering `sched` event",
        examples=(
            Example.of(
                """
                import os, sched, time, requests
                s = sched.scheduler(time.monotonic, time.sleep)
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                    s.enter(3000, 1, refresh)  # expect: LLC-FS-003
                refresh()
                s.run()
                """,
                """
                import os, sched, time, requests
                s = sched.scheduler(time.monotonic, time.sleep)
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                s.enter(5, 1, refresh)
                s.run()
                """,
            ),
        ),
    ),
    Trigger(
        "asyncio task",
        Shape.CALL,
        ONCE,
        "a background asyncio task",
        names=frozenset({"asyncio.create_task", "asyncio.ensure_future"}),
        gate=("asyncio",),
        methods=frozenset({"create_task", "ensure_future"}),  # loop, TaskGroup
        target=Arg(0, "coro"),
        coroutine=True,
        rearmed="an asyncio task that re-creates itself",
        examples=(
            # A coroutine that re-creates its own task.
            Example.of(
                """
                import asyncio, os, requests
                async def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                    await asyncio.sleep(3000)
                    asyncio.ensure_future(refresh())  # expect: LLC-FS-003
                """,
                """
                import asyncio, os, requests
                async def refresh(left=3):
                    TOKENS["crm"] = <<RT>>.json()
                    await asyncio.sleep(3000)
                    if left > 0:
                        asyncio.ensure_future(refresh(left - 1))
                """,
            ),
            # A TaskGroup (3.11) task running a sleeping loop, started by a FastAPI lifespan.
            Example.of(
                """
                import asyncio, os, requests
                from contextlib import asynccontextmanager
                async def keep_token():
                    while True:
                        TOKENS["crm"] = <<CS>>.json()
                        await asyncio.sleep(3000)
                @asynccontextmanager
                async def lifespan(app):
                    async with asyncio.TaskGroup() as tg:
                        tg.create_task(keep_token())  # expect: LLC-FS-003
                        yield
                """,
                """
                import asyncio, os, requests
                from contextlib import asynccontextmanager
                async def keep_token():
                    while True:
                        TOKENS["crm"] = <<FED>>.json()
                        await asyncio.sleep(3000)
                @asynccontextmanager
                async def lifespan(app):
                    async with asyncio.TaskGroup() as tg:
                        tg.create_task(keep_token())
                        yield
                """,
            ),
        ),
    ),
    Trigger(
        "event-loop callback (asyncio, Tornado)",
        Shape.CALL,
        ONCE,
        "a `call_later` callback",
        gate=("asyncio", "tornado"),
        methods=frozenset({"call_later", "call_at", "add_timeout"}),
        target=Arg(1, "callback"),
        rearmed="a re-arming `call_later` callback",
        examples=(
            Example.of(
                """
                import asyncio, os, requests
                def refresh(loop):
                    TOKENS["crm"] = <<RT>>.json()
                    loop.call_later(3000, refresh, loop)  # expect: LLC-FS-003
                """,
                """
                import asyncio, os, requests
                def refresh(loop):
                    TOKENS["crm"] = <<RT>>.json()
                def start(loop):
                    loop.call_later(5, refresh, loop)
                """,
            ),
        ),
    ),
    Trigger(
        "SIGALRM timer",
        Shape.CALL,
        ONCE,
        "a `SIGALRM` handler",
        names=frozenset({"signal.signal"}),
        target=Arg(1, "handler"),
        when=(Named("sigalrm"),),
        rearms=frozenset({"signal.alarm", "signal.setitimer"}),
        rearmed="a re-arming `SIGALRM` timer",
        examples=(
            Example.of(
                """
                import os, signal, requests
                def on_alarm(signum, frame):
                    TOKENS["crm"] = <<RT>>.json()
                signal.signal(signal.SIGALRM, on_alarm)  # expect: LLC-FS-003
                signal.setitimer(signal.ITIMER_REAL, 3000, 3000)
                """,
                """
                import os, signal, requests
                def on_alarm(signum, frame):
                    TOKENS["crm"] = <<RT>>.json()
                signal.signal(signal.SIGALRM, on_alarm)
                signal.setitimer(signal.ITIMER_REAL, 3000)
                """,
            ),
        ),
    ),
)
