"""Perpetual triggers of task queues: Celery (beat, ``add_periodic_task``, ``periodic_task``),
django-celery-beat, rq-scheduler, Huey, periodiq, arq, Django-Q (rules.md 2.2 C)."""

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

PERIODIC = Repeats.PERIODIC

ROWS = (
    Trigger(
        "Celery add_periodic_task",
        Shape.CALL,
        PERIODIC,
        "a Celery periodic task",
        gate=("celery",),
        methods=frozenset({"add_periodic_task"}),
        target=Arg(1, "sig"),
        examples=(
            Example.of(
                """
                import os, requests
                from celery import Celery
                app = Celery("sync")
                @app.task
                def refresh_crm():
                    TOKENS["crm"] = <<RT>>.json()
                @app.on_after_configure.connect
                def setup_periodic_tasks(sender, **kwargs):
                    sender.add_periodic_task(1800.0, refresh_crm.s())  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from celery import Celery
                app = Celery("sync")
                @app.task
                def refresh_crm():
                    TOKENS["crm"] = <<FED>>.json()
                @app.on_after_configure.connect
                def setup_periodic_tasks(sender, **kwargs):
                    sender.add_periodic_task(1800.0, refresh_crm.s())
                """,
            ),
        ),
    ),
    Trigger(
        "Celery @periodic_task",
        Shape.DECORATOR,
        PERIODIC,
        "a Celery periodic task",
        gate=("celery",),
        methods=frozenset({"periodic_task"}),
        examples=(
            Example.of(
                """
                import os, requests
                from datetime import timedelta
                from celery.decorators import periodic_task
                @periodic_task(run_every=timedelta(minutes=30))  # expect: LLC-FS-003
                def refresh_crm():
                    TOKENS["crm"] = <<CS>>.json()
                """,
                """
                import os, requests
                from datetime import timedelta
                from celery.decorators import periodic_task
                @periodic_task(run_every=timedelta(minutes=30))
                def refresh_crm():
                    TOKENS["crm"] = <<FED>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "Celery beat schedule",
        Shape.CONFIG,
        PERIODIC,
        "a Celery beat schedule entry",
        gate=("celery",),
        tables=frozenset({"beat_schedule"}),
        target=Arg(None, "task", string=True),
        examples=(
            Example.of(
                """
                import os, requests
                from celery import Celery
                app = Celery("sync")
                @app.task
                def refresh_crm():
                    TOKENS["crm"] = <<RT>>.json()
                app.conf.update(beat_schedule={
                    "crm": {"task": "sync.refresh_crm", "schedule": 1800.0},  # expect: LLC-FS-003
                })
                """,
                """
                import os, requests
                from celery import Celery
                app = Celery("sync")
                @app.task
                def refresh_crm():
                    TOKENS["crm"] = <<FED>>.json()
                app.conf.update(beat_schedule={
                    "crm": {"task": "sync.refresh_crm", "schedule": 1800.0},
                })
                """,
            ),
        ),
    ),
    Trigger(
        "django-celery-beat PeriodicTask",
        Shape.CALL,
        PERIODIC,
        "a django-celery-beat periodic task",
        gate=("django_celery_beat",),
        methods=frozenset({"create", "get_or_create", "update_or_create"}),
        chain=frozenset({"django_celery_beat.models.PeriodicTask"}),
        target=Arg(None, "task", string=True),
        bounds=(Bound("one_off", BoundKind.TRUE),),
        examples=(
            Example.of(
                """
                import os, requests
                from django_celery_beat.models import IntervalSchedule, PeriodicTask
                def refresh_crm():
                    TOKENS["crm"] = <<RT>>.json()
                def install():
                    every = IntervalSchedule.objects.create(every=30, period=MINUTES)
                    PeriodicTask.objects.get_or_create(  # expect: LLC-FS-003
                        name="crm", task="sync.tasks.refresh_crm", interval=every)
                """,
                """
                import os, requests
                from django_celery_beat.models import IntervalSchedule, PeriodicTask
                def refresh_crm():
                    TOKENS["crm"] = <<RT>>.json()
                def install():
                    every = IntervalSchedule.objects.create(every=30, period=MINUTES)
                    PeriodicTask.objects.get_or_create(
                        name="crm", task="sync.tasks.refresh_crm", interval=every, one_off=True)
                """,
            ),
        ),
    ),
    Trigger(
        "rq-scheduler schedule",
        Shape.CALL,
        PERIODIC,
        "an rq-scheduler repeating job",
        gate=("rq_scheduler",),
        methods=frozenset({"schedule"}),
        target=Arg(1, "func"),
        when=(AnyKeyword(frozenset({"interval"})),),
        bounds=(Bound("repeat", BoundKind.COUNT),),
        examples=(
            Example.of(
                """
                import os, requests
                from datetime import datetime
                from rq_scheduler import Scheduler
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                scheduler = Scheduler(connection=REDIS)
                scheduler.schedule(datetime.utcnow(), refresh, interval=1800)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from datetime import datetime
                from rq_scheduler import Scheduler
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                scheduler = Scheduler(connection=REDIS)
                scheduler.schedule(datetime.utcnow(), refresh, interval=1800, repeat=3)
                """,
            ),
        ),
    ),
    Trigger(
        "rq-scheduler cron",
        Shape.CALL,
        PERIODIC,
        "an rq-scheduler cron job",
        gate=("rq_scheduler",),
        methods=frozenset({"cron"}),
        target=Arg(1, "func"),
        bounds=(Bound("repeat", BoundKind.COUNT),),
        examples=(
            Example.of(
                """
                import os, requests
                from rq_scheduler import Scheduler
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                Scheduler(connection=REDIS).cron("*/30 * * * *", func=refresh)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from rq_scheduler import Scheduler
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                Scheduler(connection=REDIS).cron("*/30 * * * *", func=refresh, repeat=2)
                """,
            ),
        ),
    ),
    Trigger(
        "Huey periodic_task",
        Shape.DECORATOR,
        PERIODIC,
        "a Huey periodic task",
        gate=("huey",),
        methods=frozenset({"periodic_task"}),
        examples=(
            Example.of(
                """
                import os, requests
                from huey import RedisHuey, crontab
                huey = RedisHuey("sync")
                @huey.periodic_task(crontab(minute="*/30"))  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
                """
                import os, requests
                from huey import RedisHuey, crontab
                huey = RedisHuey("sync")
                @huey.task()
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "Dramatiq periodiq",
        Shape.DECORATOR,
        PERIODIC,
        "a periodiq periodic actor",
        gate=("periodiq",),
        methods=frozenset({"actor"}),
        when=(AnyKeyword(frozenset({"periodic"})),),
        examples=(
            Example.of(
                """
                import os, requests, dramatiq
                from periodiq import cron
                @dramatiq.actor(periodic=cron("*/30 * * * *"))  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                """,
                """
                import os, requests, dramatiq
                from periodiq import cron
                @dramatiq.actor(max_retries=3)
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "arq cron",
        Shape.CALL,
        PERIODIC,
        "an arq cron job",
        names=frozenset({"arq.cron", "arq.cron.cron"}),
        target=Arg(0, "coroutine"),
        examples=(
            Example.of(
                """
                import os, requests
                from arq import cron
                async def refresh(ctx):
                    TOKENS["crm"] = <<RT>>.json()
                class WorkerSettings:
                    cron_jobs = [cron(refresh, minute={0, 30})]  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from arq import cron
                async def refresh(ctx):
                    TOKENS["crm"] = <<FED>>.json()
                class WorkerSettings:
                    cron_jobs = [cron(refresh, minute={0, 30})]
                """,
            ),
        ),
    ),
    Trigger(
        "Django-Q schedule",
        Shape.CALL,
        PERIODIC,
        "a Django-Q schedule",
        names=frozenset({"django_q.tasks.schedule"}),
        target=Arg(0, "func", string=True),
        when=(Named("repeating_schedule_type"),),
        bounds=(Bound("repeats", BoundKind.COUNT),),
        examples=(
            Example.of(
                """
                import os, requests
                from django_q.models import Schedule
                from django_q.tasks import schedule
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                schedule("sync.tasks.refresh", schedule_type=Schedule.HOURLY)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from django_q.models import Schedule
                from django_q.tasks import schedule
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                schedule("sync.tasks.refresh", schedule_type=Schedule.HOURLY, repeats=4)
                """,
            ),
        ),
    ),
)
