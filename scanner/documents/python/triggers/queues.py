"""Perpetual triggers of in-process job schedulers: ``schedule``, APScheduler 3 and 4,
Flask-APScheduler, Rocketry, timeloop, aiocron (rules.md 2.2 C). Task queues are in ``tasks``."""

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
    TriggerKind,
)

PERIODIC = Repeats.PERIODIC
_APS_REPEATING = ("IntervalTrigger", "CronTrigger", "CalendarIntervalTrigger")
_INTERVAL_OR_CRON = frozenset({"interval", "cron"})

ROWS = (
    Trigger(
        "schedule",
        Shape.CALL,
        PERIODIC,
        "a `schedule` job",
        gate=("schedule",),
        methods=frozenset({"do"}),
        chain=frozenset({"schedule.every"}),
        target=Arg(0, "job_func"),
        bounds=(Bound("until", BoundKind.CHAIN),),
        examples=(
            Example.of(
                """
                import os, time, requests
                from schedule import every, run_pending
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                every(50).minutes.do(refresh)  # expect: LLC-FS-003
                """,
                """
                import os, time, requests
                from schedule import every, run_pending
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                every(50).minutes.until("18:30").do(refresh)
                """,
            ),
        ),
    ),
    Trigger(
        "aioschedule",
        Shape.CALL,
        PERIODIC,
        "an `aioschedule` job",
        gate=("aioschedule",),
        methods=frozenset({"do"}),
        chain=frozenset({"aioschedule.every"}),
        target=Arg(0, "job_func"),
        bounds=(Bound("until", BoundKind.CHAIN),),
        examples=(
            Example.of(
                """
                import asyncio, os, requests
                import aioschedule
                async def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                async def register():
                    aioschedule.every(5).minutes.do(refresh)  # expect: LLC-FS-003
                    while True:
                        await aioschedule.run_pending()
                        await asyncio.sleep(1)
                """,
                """
                import asyncio, os, requests
                import aioschedule
                async def refresh():
                    TOKENS["crm"] = <<FED>>.json()
                async def register():
                    aioschedule.every(5).minutes.do(refresh)
                    while True:
                        await aioschedule.run_pending()
                        await asyncio.sleep(1)
                """,
            ),
        ),
    ),
    Trigger(
        "python-telegram-bot JobQueue",
        Shape.CALL,
        PERIODIC,
        "a `JobQueue` repeating job",
        gate=("telegram",),
        methods=frozenset({"run_repeating", "run_daily", "run_monthly"}),
        target=Arg(0, "callback"),
        bounds=(Bound("last", BoundKind.SET),),
        examples=(
            Example.of(
                """
                import os, requests
                from telegram.ext import Application
                async def refresh(context):
                    context.bot_data["crm"] = <<RT>>.json()
                app = Application.builder().token(BOT).build()
                app.job_queue.run_repeating(refresh, interval=1800, first=0)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from telegram.ext import Application
                async def refresh(context):
                    context.bot_data["crm"] = <<RT>>.json()
                app = Application.builder().token(BOT).build()
                app.job_queue.run_repeating(refresh, interval=1800, first=0, last=3600)
                """,
            ),
        ),
    ),
    Trigger(
        "python-telegram-bot run_once",
        Shape.CALL,
        Repeats.IF_LOOPS,
        "a `JobQueue` job",
        gate=("telegram",),
        methods=frozenset({"run_once"}),
        target=Arg(0, "callback"),
        rearmed="a `JobQueue` job that re-queues itself",
        examples=(
            Example.of(
                """
                import os, requests
                from telegram.ext import ContextTypes
                async def refresh(context: ContextTypes.DEFAULT_TYPE):
                    context.bot_data["crm"] = <<CS>>.json()
                    context.job_queue.run_once(refresh, 1800)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from telegram.ext import ContextTypes
                async def refresh(context: ContextTypes.DEFAULT_TYPE):
                    context.bot_data["crm"] = <<CS>>.json()
                async def start(update, context: ContextTypes.DEFAULT_TYPE):
                    context.job_queue.run_once(refresh, 5)
                """,
            ),
        ),
    ),
    Trigger(
        "discord.py tasks.loop",
        Shape.DECORATOR,
        PERIODIC,
        "a discord.py background loop",
        names=frozenset({"discord.ext.tasks.loop"}),
        bounds=(Bound("count", BoundKind.COUNT),),
        examples=(
            Example.of(
                """
                import os, requests
                from discord.ext import tasks
                @tasks.loop(minutes=30)  # expect: LLC-FS-003
                async def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
                """
                import os, requests
                from discord.ext import tasks
                @tasks.loop(minutes=30, count=3)
                async def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "schedule @repeat",
        Shape.DECORATOR,
        PERIODIC,
        "a `schedule` job",
        names=frozenset({"schedule.repeat"}),
        examples=(
            Example.of(
                """
                import os, requests
                import schedule
                @schedule.repeat(schedule.every(50).minutes)  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                """,
                """
                import os, requests
                import schedule
                @schedule.repeat(schedule.every(50).minutes)
                def refresh():
                    TOKENS["crm"] = <<FED>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "APScheduler 3 add_job",
        Shape.CALL,
        PERIODIC,
        "an APScheduler interval or cron job",
        gate=("apscheduler",),
        methods=frozenset({"add_job"}),
        target=Arg(0, "func", string=True),  # a callable or "package.module:function"
        when=(TriggerKind(Arg(1, "trigger"), _INTERVAL_OR_CRON, _APS_REPEATING),),
        bounds=(Bound("end_date", BoundKind.SET),),
        examples=(
            Example.of(
                """
                import os, requests
                from apscheduler.schedulers.background import BackgroundScheduler
                from apscheduler.triggers.interval import IntervalTrigger
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                every_45 = IntervalTrigger(minutes=45)
                BackgroundScheduler().add_job(refresh, trigger=every_45)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from apscheduler.schedulers.background import BackgroundScheduler
                from apscheduler.triggers.interval import IntervalTrigger
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                every_45 = IntervalTrigger(minutes=45, end_date=LAUNCH_END)
                BackgroundScheduler().add_job(refresh, trigger=every_45)
                """,
            ),
        ),
    ),
    Trigger(
        "APScheduler 3 @scheduled_job",
        Shape.DECORATOR,
        PERIODIC,
        "an APScheduler interval or cron job",
        gate=("apscheduler",),
        methods=frozenset({"scheduled_job"}),
        when=(TriggerKind(Arg(0, "trigger"), _INTERVAL_OR_CRON, _APS_REPEATING),),
        bounds=(Bound("end_date", BoundKind.SET),),
        examples=(
            Example.of(
                """
                import os, requests
                from apscheduler.schedulers.blocking import BlockingScheduler
                sched = BlockingScheduler()
                @sched.scheduled_job("cron", minute="*/30")  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                """,
                """
                import os, requests
                from apscheduler.schedulers.blocking import BlockingScheduler
                sched = BlockingScheduler()
                @sched.scheduled_job("date", run_date=WHEN)
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "APScheduler 4 add_schedule",
        Shape.CALL,
        PERIODIC,
        "an APScheduler schedule",
        gate=("apscheduler",),
        methods=frozenset({"add_schedule"}),
        target=Arg(0, "func_or_task_id"),
        when=(TriggerKind(Arg(1, "trigger"), frozenset(), _APS_REPEATING),),
        bounds=(Bound("end_time", BoundKind.SET),),
        examples=(
            Example.of(
                """
                import os, requests
                from apscheduler import AsyncScheduler
                from apscheduler.triggers.interval import IntervalTrigger
                async def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                async def main():
                    async with AsyncScheduler() as scheduler:
                        every_45 = IntervalTrigger(minutes=45)
                        await scheduler.add_schedule(refresh, every_45)  # expect: LLC-FS-003
                        await scheduler.run_until_stopped()
                """,
                """
                import os, requests
                from apscheduler import AsyncScheduler
                from apscheduler.triggers.date import DateTrigger
                async def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                async def main():
                    async with AsyncScheduler() as scheduler:
                        once = DateTrigger(WHEN)
                        await scheduler.add_schedule(refresh, once)
                        await scheduler.run_until_stopped()
                """,
            ),
        ),
    ),
    Trigger(
        "Flask-APScheduler @task",
        Shape.DECORATOR,
        PERIODIC,
        "a Flask-APScheduler interval or cron job",
        gate=("flask_apscheduler",),
        methods=frozenset({"task"}),
        when=(TriggerKind(Arg(0, "trigger"), _INTERVAL_OR_CRON, _APS_REPEATING),),
        bounds=(Bound("end_date", BoundKind.SET),),
        examples=(
            Example.of(
                """
                import os, requests
                from flask_apscheduler import APScheduler
                scheduler = APScheduler()
                @scheduler.task("interval", id="crm", minutes=45)  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
                """
                import os, requests
                from flask_apscheduler import APScheduler
                scheduler = APScheduler()
                @scheduler.task("interval", id="crm", minutes=45, end_date=LAUNCH_END)
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "Flask-APScheduler add_job",
        Shape.CALL,
        PERIODIC,
        "a Flask-APScheduler interval or cron job",
        gate=("flask_apscheduler",),
        methods=frozenset({"add_job"}),
        target=Arg(1, "func"),
        when=(TriggerKind(Arg(None, "trigger"), _INTERVAL_OR_CRON, _APS_REPEATING),),
        bounds=(Bound("end_date", BoundKind.SET),),
        examples=(
            Example.of(
                """
                import os, requests
                from flask_apscheduler import APScheduler
                scheduler = APScheduler()
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                scheduler.add_job("crm", refresh, trigger="cron")  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from flask_apscheduler import APScheduler
                scheduler = APScheduler()
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                scheduler.add_job("crm", refresh, trigger="date", run_date=WHEN)
                """,
            ),
        ),
    ),
    Trigger(
        "Flask-APScheduler JOBS",
        Shape.CONFIG,
        PERIODIC,
        "a Flask-APScheduler job in `JOBS`",
        gate=("flask_apscheduler",),
        tables=frozenset({"jobs"}),
        target=Arg(None, "func", string=True),
        when=(TriggerKind(Arg(None, "trigger"), _INTERVAL_OR_CRON),),
        examples=(
            Example.of(
                """
                import os, requests
                from flask_apscheduler import APScheduler
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                class Config:
                    JOBS = [
                        {"func": "app.jobs:refresh", "trigger": "interval"},  # expect: LLC-FS-003
                    ]
                """,
                """
                import os, requests
                from flask_apscheduler import APScheduler
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                class Config:
                    JOBS = [{"id": "crm", "func": "app.jobs:refresh", "trigger": "date"}]
                """,
            ),
        ),
    ),
    Trigger(
        "Rocketry",
        Shape.DECORATOR,
        PERIODIC,
        "a Rocketry task",
        gate=("rocketry",),
        methods=frozenset({"task"}),
        when=(Named("rocketry_start"),),
        examples=(
            Example.of(
                """
                import os, requests
                from rocketry import Rocketry
                from rocketry.conds import every
                app = Rocketry()
                @app.task(every("30 minutes"))  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
                """
                import os, requests
                from rocketry import Rocketry
                app = Rocketry()
                @app.task()
                def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "timeloop",
        Shape.DECORATOR,
        PERIODIC,
        "a timeloop job",
        gate=("timeloop",),
        methods=frozenset({"job"}),
        when=(AnyKeyword(frozenset({"interval"})),),
        examples=(
            Example.of(
                """
                import os, requests
                from datetime import timedelta
                from timeloop import Timeloop
                tl = Timeloop()
                @tl.job(interval=timedelta(minutes=30))  # expect: LLC-FS-003
                def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                """,
                """
                import os, requests
                from datetime import timedelta
                from timeloop import Timeloop
                tl = Timeloop()
                @tl.job(interval=timedelta(minutes=30))
                def refresh():
                    TOKENS["crm"] = <<FED>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "aiocron",
        Shape.DECORATOR,
        PERIODIC,
        "an aiocron job",
        names=frozenset({"aiocron.crontab"}),
        examples=(
            Example.of(
                """
                import os, requests, aiocron
                @aiocron.crontab("*/30 * * * *")  # expect: LLC-FS-003
                async def refresh():
                    TOKENS["crm"] = <<RT>>.json()
                """,
                """
                import os, requests, aiocron
                @aiocron.crontab("*/30 * * * *")
                async def refresh():
                    TOKENS["crm"] = <<FED>>.json()
                """,
            ),
        ),
    ),
    Trigger(
        "aiocron call",
        Shape.CALL,
        PERIODIC,
        "an aiocron job",
        names=frozenset({"aiocron.crontab"}),
        target=Arg(None, "func"),
        examples=(
            Example.of(
                """
                import os, requests
                from aiocron import crontab
                async def refresh():
                    TOKENS["crm"] = <<CS>>.json()
                JOB = crontab("*/30 * * * *", func=refresh, start=True)  # expect: LLC-FS-003
                """,
                """
                import os, requests
                from aiocron import crontab
                async def refresh():
                    TOKENS["crm"] = <<FED>>.json()
                JOB = crontab("*/30 * * * *", func=refresh, start=True)
                """,
            ),
        ),
    ),
)
