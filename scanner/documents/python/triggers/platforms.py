"""Perpetual triggers of workflow engines (Airflow, Prefect, Dagster, Temporal), serverless timers
(Azure Functions, Chalice, Modal), event loops (Twisted, Tornado, gevent, trio and anyio) and
framework hooks (fastapi-utils ``repeat_every``) (rules.md 2.2 C)."""

from __future__ import annotations

from scanner.documents.python.triggers.model import (
    AnyKeyword,
    Arg,
    Bound,
    BoundKind,
    Example,
    Named,
    Repeats,
    Shape,
    Trigger,
)

ONCE, PERIODIC = Repeats.IF_LOOPS, Repeats.PERIODIC
_PY_OPERATORS = frozenset(
    {
        "airflow.operators.python.PythonOperator",
        "airflow.operators.python_operator.PythonOperator",
        "airflow.providers.standard.operators.python.PythonOperator",
    }
)

ROWS = (
    Trigger(
        "Airflow PythonOperator",
        Shape.CALL,
        PERIODIC,
        "a scheduled Airflow task",
        names=_PY_OPERATORS,
        target=Arg(None, "python_callable"),
        when=(Named("scheduled_dag"),),
        examples=(
            Example.of(
                """
                import os, requests
                from airflow import DAG
                from airflow.operators.python import PythonOperator
                def refresh():
                    return <<RT>>.json()["access_token"]
                with DAG("crm_sync", schedule="*/30 * * * *", catchup=False):
                    PythonOperator(task_id="refresh", python_callable=refresh)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from airflow import DAG
                from airflow.operators.python import PythonOperator
                def refresh():
                    return <<RT>>.json()["access_token"]
                with DAG("crm_backfill", schedule=None):
                    PythonOperator(task_id="refresh", python_callable=refresh)
                """,
            ),
        ),
    ),
    Trigger(
        "Airflow @task",
        Shape.DECORATOR,
        PERIODIC,
        "a scheduled Airflow task",
        names=frozenset({"airflow.decorators.task", "airflow.sdk.task"}),
        when=(Named("scheduled_dag"),),
        examples=(
            Example.of(
                """
                import os, requests
                from airflow.decorators import dag, task
                @dag(schedule="@hourly", catchup=False)
                def crm_sync():
                    @task  # expect: LLC-FS-003
                    def refresh():
                        return <<CS>>.json()["access_token"]
                    refresh()
                crm_sync()
                """,
                """
                import os, requests
                from airflow.decorators import dag, task
                @dag(schedule="@once")
                def crm_sync():
                    @task
                    def refresh():
                        return <<CS>>.json()["access_token"]
                    refresh()
                crm_sync()
                """,
            ),
        ),
    ),
    Trigger(
        "Prefect serve / deploy",
        Shape.CALL,
        PERIODIC,
        "a scheduled Prefect deployment",
        gate=("prefect",),
        methods=frozenset({"serve", "deploy", "to_deployment"}),
        target=Arg(None, None, receiver=True),
        when=(AnyKeyword(frozenset({"interval", "cron", "rrule", "schedule", "schedules"})),),
        examples=(
            Example.of(
                """
                import os, requests
                from prefect import flow
                @flow
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                if __name__ == "__main__":
                    refresh.serve(name="crm", interval=1800)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from prefect import flow
                @flow
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                if __name__ == "__main__":
                    refresh.serve(name="crm")
                """,
            ),
        ),
    ),
    Trigger(
        "Dagster ScheduleDefinition",
        Shape.CALL,
        PERIODIC,
        "a Dagster schedule",
        names=frozenset({"dagster.ScheduleDefinition"}),
        target=Arg(None, "job"),
        examples=(
            Example.of(
                """
                import os, requests
                from dagster import ScheduleDefinition, job, op
                @op
                def refresh_op():
                    return <<RT>>.json()["access_token"]
                @job
                def refresh_job():
                    refresh_op()
                crm = ScheduleDefinition(  # expect: LLC-FS-003
                    job=refresh_job, cron_schedule="*/30 * * * *")
                """,
                """
                import os, requests
                from dagster import ScheduleDefinition, job, op
                @op
                def refresh_op():
                    return <<FED>>.json()["access_token"]
                @job
                def refresh_job():
                    refresh_op()
                crm = ScheduleDefinition(job=refresh_job, cron_schedule="*/30 * * * *")
                """,
            ),
        ),
    ),
    Trigger(
        "Dagster @schedule",
        Shape.DECORATOR,
        PERIODIC,
        "a Dagster schedule",
        names=frozenset({"dagster.schedule"}),
        target=Arg(None, "job"),
        examples=(
            Example.of(
                """
                import os, requests
                from dagster import RunRequest, schedule
                @schedule(cron_schedule="*/30 * * * *", target="*")  # expect: LLC-FS-003
                def crm_tick(context):
                    TOKENS["crm"] = <<CS>>.json()
                    return RunRequest()
                """,
                """
                import os, requests
                from dagster import RunRequest, schedule
                @schedule(cron_schedule="*/30 * * * *", target="*")
                def crm_tick(context):
                    TOKENS["crm"] = <<FED>>.json()
                    return RunRequest()
                """,
            ),
        ),
    ),
    Trigger(
        "Temporal workflow",
        Shape.DECORATOR,
        ONCE,
        "a Temporal workflow run",
        names=frozenset({"temporalio.workflow.run"}),
        rearms=frozenset({"temporalio.workflow.continue_as_new"}),
        rearmed="a Temporal workflow that continues as new",
        examples=(
            # A workflow looping on `workflow.sleep`, minting in an activity.
            Example.of(
                """
                import os, requests
                from datetime import timedelta
                from temporalio import activity, workflow
                @activity.defn
                def refresh_crm():
                    return <<RT>>.json()["access_token"]
                @workflow.defn
                class TokenKeeper:
                    @workflow.run  # expect: LLC-FS-003
                    async def run(self):
                        while True:
                            await workflow.execute_activity(refresh_crm, start_to_close_timeout=T30)
                            await workflow.sleep(3000)
                """,
                """
                import os, requests
                from datetime import timedelta
                from temporalio import activity, workflow
                @activity.defn
                def refresh_crm():
                    return <<RT>>.json()["access_token"]
                @workflow.defn
                class TokenKeeper:
                    @workflow.run
                    async def run(self):
                        for _ in range(3):
                            await workflow.execute_activity(refresh_crm, start_to_close_timeout=T30)
                            await workflow.sleep(3000)
                """,
            ),
            # `continue_as_new` starts the same workflow again: an endless chain of runs.
            Example.of(
                """
                import os, requests
                from temporalio import activity, workflow
                @activity.defn
                def refresh_crm():
                    return <<CS>>.json()["access_token"]
                @workflow.defn
                class TokenKeeper:
                    @workflow.run  # expect: LLC-FS-003
                    async def run(self):
                        await workflow.execute_activity(refresh_crm, start_to_close_timeout=TIMEOUT)
                        await workflow.sleep(3000)
                        workflow.continue_as_new()
                """,
                """
                import os, requests
                from temporalio import activity, workflow
                @activity.defn
                def refresh_crm():
                    return <<CS>>.json()["access_token"]
                @workflow.defn
                class TokenKeeper:
                    @workflow.run
                    async def run(self):
                        await workflow.execute_activity(refresh_crm, start_to_close_timeout=TIMEOUT)
                """,
            ),
        ),
    ),
    Trigger(
        "Azure Functions timer",
        Shape.DECORATOR,
        PERIODIC,
        "an Azure Functions timer trigger",
        gate=("azure.functions",),
        methods=frozenset({"timer_trigger", "schedule"}),
        examples=(
            Example.of(
                """
                import os, requests
                import azure.functions as func
                app = func.FunctionApp()
                @app.timer_trigger(schedule="0 */30 * * * *", arg_name="t")  # expect: LLC-FS-003
                def refresh(timer: func.TimerRequest) -> None:
                    TOKENS["crm"] = <<RT>>.json()
                """,
                """
                import os, requests
                import azure.functions as func
                app = func.FunctionApp()
                @app.timer_trigger(schedule="0 */30 * * * *", arg_name="timer")
                def refresh(timer: func.TimerRequest) -> None:
                    TOKENS["crm"] = <<FED>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "Chalice schedule",
        Shape.DECORATOR,
        PERIODIC,
        "a Chalice scheduled Lambda",
        gate=("chalice",),
        methods=frozenset({"schedule"}),
        examples=(
            Example.of(
                """
                import os, requests
                from chalice import Chalice, Rate
                app = Chalice(app_name="crm-sync")
                @app.schedule(Rate(30, unit=Rate.MINUTES))  # expect: LLC-FS-003
                def refresh(event):
                    TOKENS["crm"] = <<CS>>.json()
                """,
                """
                import os, requests
                from chalice import Chalice, Rate
                app = Chalice(app_name="crm-sync")
                @app.schedule(Rate(30, unit=Rate.MINUTES))
                def refresh(event):
                    TOKENS["crm"] = <<FED>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "Modal schedule",
        Shape.DECORATOR,
        PERIODIC,
        "a Modal scheduled function",
        gate=("modal",),
        methods=frozenset({"function"}),
        when=(AnyKeyword(frozenset({"schedule"})),),
        examples=(
            Example.of(
                """
                import os, requests, modal
                app = modal.App("crm-sync")
                @app.function(schedule=modal.Period(minutes=30))  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
                """
                import os, requests, modal
                app = modal.App("crm-sync")
                @app.function(timeout=60)
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "Twisted LoopingCall",
        Shape.CALL,
        PERIODIC,
        "a Twisted `LoopingCall`",
        names=frozenset({"twisted.internet.task.LoopingCall"}),
        target=Arg(0, "f"),
        examples=(
            Example.of(
                """
                import os, requests
                from twisted.internet import task
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                task.LoopingCall(refresh).start(3000)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from twisted.internet import task
                def refresh():
                    TOKENS["crm"] = <<FED>>.json()
                task.LoopingCall(refresh).start(3000)
                """,
            ),
        ),
    ),
    Trigger(
        "Twisted callLater",
        Shape.CALL,
        ONCE,
        "a Twisted `callLater`",
        gate=("twisted",),
        methods=frozenset({"callLater"}),
        target=Arg(1, None),
        rearmed="a re-arming Twisted `callLater`",
        examples=(
            Example.of(
                """
                import os, requests
                from twisted.internet import reactor
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                    reactor.callLater(3000, refresh)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from twisted.internet import reactor
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                reactor.callLater(5, refresh)
                """,
            ),
        ),
    ),
    Trigger(
        "Tornado PeriodicCallback",
        Shape.CALL,
        PERIODIC,
        "a Tornado `PeriodicCallback`",
        names=frozenset({"tornado.ioloop.PeriodicCallback"}),
        target=Arg(0, "callback"),
        examples=(
            Example.of(
                """
                import os, requests
                from tornado.ioloop import PeriodicCallback
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                PeriodicCallback(refresh, 3000 * 1000).start()  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from tornado.ioloop import PeriodicCallback
                def refresh():
                    TOKENS["crm"] = <<FED>>.json()
                PeriodicCallback(refresh, 3000 * 1000).start()
                """,
            ),
        ),
    ),
    Trigger(
        "Tornado spawn_callback",
        Shape.CALL,
        ONCE,
        "a Tornado background callback",
        gate=("tornado",),
        methods=frozenset({"spawn_callback", "add_callback"}),
        target=Arg(0, "callback"),
        examples=(
            Example.of(
                """
                import asyncio, os, requests
                from tornado.ioloop import IOLoop
                async def keep_token():
                    while True:
                        TOKENS["crm"] = <<RT>>.json()
                        await asyncio.sleep(3000)
                IOLoop.current().spawn_callback(keep_token)  # expect: LLC-FS-003
                """,
                """
                import asyncio, os, requests
                from tornado.ioloop import IOLoop
                async def keep_token():
                    while True:
                        TOKENS["crm"] = <<FED>>.json()
                        await asyncio.sleep(3000)
                IOLoop.current().spawn_callback(keep_token)
                """,
            ),
        ),
    ),
    Trigger(
        "gevent / eventlet spawn",
        Shape.CALL,
        ONCE,
        "a background greenlet",
        names=frozenset(
            {"gevent.spawn", "gevent.Greenlet.spawn", "eventlet.spawn", "eventlet.spawn_n"}
        ),
        target=Arg(0, "run"),
        examples=(
            Example.of(
                """
                import os, requests, gevent
                def keep_token():
                    while True:
                        TOKENS["crm"] = <<CS>>.json()
                        gevent.sleep(3000)
                gevent.spawn(keep_token)  # expect: LLC-FS-003
                """,
                """
                import os, requests, gevent
                def keep_token():
                    for _ in range(2):
                        TOKENS["crm"] = <<CS>>.json()
                        gevent.sleep(3000)
                gevent.spawn(keep_token)
                """,
            ),
        ),
    ),
    Trigger(
        "gevent / eventlet spawn_later",
        Shape.CALL,
        ONCE,
        "a delayed greenlet",
        names=frozenset({"gevent.spawn_later", "eventlet.spawn_after"}),
        target=Arg(1, "run"),
        rearmed="a re-arming `spawn_later` greenlet",
        examples=(
            Example.of(
                """
                import os, requests, gevent
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                    gevent.spawn_later(3000, refresh)  # expect: LLC-FS-003
                """,
                """
                import os, requests, gevent
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                gevent.spawn_later(5, refresh)
                """,
            ),
        ),
    ),
    Trigger(
        "trio / anyio task group",
        Shape.CALL,
        ONCE,
        "a task-group task",
        gate=("trio", "anyio"),
        methods=frozenset({"start_soon", "start"}),
        target=Arg(0, "func"),
        examples=(
            Example.of(
                """
                import os, requests, anyio
                async def keep_token():
                    while True:
                        TOKENS["crm"] = <<RT>>.json()
                        await anyio.sleep(3000)
                async def main():
                    async with anyio.create_task_group() as tg:
                        tg.start_soon(keep_token)  # expect: LLC-FS-003
                """,
                """
                import os, requests, anyio
                async def keep_token():
                    with anyio.move_on_after(3600):
                        while True:
                            TOKENS["crm"] = <<FED>>.json()
                            await anyio.sleep(3000)
                async def main():
                    async with anyio.create_task_group() as tg:
                        tg.start_soon(keep_token)
                """,
            ),
        ),
    ),
    Trigger(
        "fastapi-utils repeat_every",
        Shape.DECORATOR,
        PERIODIC,
        "a `repeat_every` task",
        names=frozenset(
            {
                "fastapi_utils.tasks.repeat_every",
                "fastapi_restful.tasks.repeat_every",
                "fastapi_utilities.repeat_every",
                "fastapi_utilities.repeat_at",
                "fastapi_utilities.repeat.repeat_every",
                "fastapi_utilities.repeat.repeat_at",
            }
        ),
        bounds=(Bound("max_repetitions", BoundKind.COUNT),),
        examples=(
            Example.of(
                """
                import os, requests
                from fastapi import FastAPI
                from fastapi_utils.tasks import repeat_every
                app = FastAPI()
                @app.on_event("startup")
                @repeat_every(seconds=1800)  # expect: LLC-FS-003
                def refresh() -> None:
                    TOKENS["crm"] = <<CS>>.json()
                """,
                """
                import os, requests
                from fastapi import FastAPI
                from fastapi_utils.tasks import repeat_every
                app = FastAPI()
                @app.on_event("startup")
                @repeat_every(seconds=1800, max_repetitions=3)
                def refresh() -> None:
                    TOKENS["crm"] = <<CS>>.json()
                """,
            ),
        ),
    ),
)
