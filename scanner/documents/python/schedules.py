"""Scheduling (rules.md 2.2 C): timers, threads, tasks and job schedulers that re-run a function."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from scanner.documents.python.flow import Callable_, Flow
from scanner.documents.python.fold import Durations
from scanner.documents.python.syntax import call_argument, dotted_name, string_value


@dataclass(frozen=True, slots=True)
class Schedule:
    """A construct that runs ``target`` again and again in the background (rules.md 2.2 C).

    ``periodic`` constructs repeat by themselves (a re-arming timer, an interval job); the
    others (a thread, an asyncio task) only keep a session alive if ``target`` loops forever.
    """

    site: cst.CSTNode
    target: Callable_
    description: str
    periodic: bool


class Schedules(Flow):
    """The flow, plus the background schedules of the module."""

    def __init__(self, doc: Durations) -> None:
        super().__init__(doc)
        self._schedules: list[Schedule] | None = None

    def schedules(self) -> list[Schedule]:
        if self._schedules is None:
            self._schedules = self._find_schedules()
        return self._schedules

    def _imports(self, prefix: str) -> bool:
        return self.doc.imports_from(prefix)

    def _find_schedules(self) -> list[Schedule]:
        out: list[Schedule] = []
        aps = self._imports("apscheduler")
        for call in self.ix.calls:
            found = self._schedule_of(call, aps)
            if found is not None:
                out.append(found)
        for func in self.ix.functions:
            for decorator in func.decorators:
                found = self._decorated_schedule(decorator, func, aps)
                if found is not None:
                    out.append(found)
        for cls in (n for (_, _), defs in self.ix.defs.items() for n in defs):
            if not isinstance(cls, cst.ClassDef):
                continue
            for base in cls.bases:
                if self.doc.qualified_names(base.value) & {
                    "threading.Thread",
                    "multiprocessing.Process",
                }:
                    run = self._method(cls, "run")
                    if run is not None:
                        label = f"the thread class `{cls.name.value}`"
                        out.append(Schedule(base, run, label, False))
        out.extend(self._celery_beat())
        return out

    def _schedule_of(self, call: cst.Call, aps: bool) -> Schedule | None:
        names = self.doc.qualified_names(call.func)
        method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
        enclosing = self.enclosing_function(call)
        if names & {"threading.Timer"}:
            target = self.callable_def(call_argument(call, 1, "function"), call)
            if target is None:
                return None
            rearm = target is enclosing
            label = "a re-arming `threading.Timer`" if rearm else "a `threading.Timer`"
            return Schedule(call, target, label, rearm)
        if names & {"threading.Thread", "multiprocessing.Process"}:
            target = self.callable_def(call_argument(call, 1, "target"), call)
            kind = "thread" if names & {"threading.Thread"} else "process"
            return None if target is None else Schedule(call, target, f"a background {kind}", False)
        if method == "do" and self._chain_calls(call.func, {"schedule.every"}):
            target = self.callable_def(call_argument(call, 0, "job_func"), call)
            return None if target is None else Schedule(call, target, "a `schedule` job", True)
        if method in ("add_job", "scheduled_job") and aps:
            trigger = call_argument(call, 1, "trigger")
            if self._repeating_trigger(trigger):
                target = self.callable_def(call_argument(call, 0, "func"), call)
                if target is not None:
                    return Schedule(call, target, "an APScheduler interval or cron job", True)
            return None
        if method in ("enter", "enterabs") and self._imports("sched"):
            target = self.callable_def(call_argument(call, 2, "action"), call)
            if target is not None and target is enclosing:
                return Schedule(call, target, "a re-entering `sched` event", True)
            return None
        if method in ("call_later", "call_at") and self._imports("asyncio"):
            target = self.callable_def(call_argument(call, 1, None), call)
            if target is not None and target is enclosing:
                return Schedule(call, target, "a re-arming `call_later` callback", True)
            return None
        if (names & {"asyncio.create_task", "asyncio.ensure_future"}) or (
            method in ("create_task", "ensure_future") and self._imports("asyncio")
        ):
            coro = call_argument(call, 0, "coro")
            if isinstance(coro, cst.Call):
                target = self.callable_def(coro.func, coro)
                if target is not None:
                    return Schedule(call, target, "a background asyncio task", False)
            return None
        if method == "add_periodic_task" and self._imports("celery"):
            sig = call_argument(call, 1, "sig")
            if (
                isinstance(sig, cst.Call)
                and isinstance(sig.func, cst.Attribute)
                and sig.func.attr.value in ("s", "si", "signature")
            ):
                sig = sig.func.value
            target = self.callable_def(sig, call)
            if target is not None:
                return Schedule(call, target, "a Celery periodic task", True)
        return None

    def _decorated_schedule(
        self, decorator: cst.Decorator, func: cst.FunctionDef, aps: bool
    ) -> Schedule | None:
        expr = decorator.decorator
        if not isinstance(expr, cst.Call):
            return None
        if (
            aps
            and isinstance(expr.func, cst.Attribute)
            and expr.func.attr.value == "scheduled_job"
            and self._repeating_trigger(call_argument(expr, 0, "trigger"))
        ):
            return Schedule(decorator, func, "an APScheduler interval or cron job", True)
        names = self.doc.qualified_names(expr.func)
        if any(n.startswith("celery") and n.endswith(".periodic_task") for n in names):
            return Schedule(decorator, func, "a Celery periodic task", True)
        return None

    def _repeating_trigger(self, trigger: cst.BaseExpression | None) -> bool:
        if trigger is None:
            return False
        text = string_value(self.doc.resolve(trigger))
        if text is not None:
            return text in ("interval", "cron")
        if isinstance(trigger, cst.Call):
            return any(
                n.startswith("apscheduler") and n.endswith(("IntervalTrigger", "CronTrigger"))
                for n in self.doc.qualified_names(trigger.func)
            )
        return False

    def _chain_calls(self, expr: cst.BaseExpression, names: set[str]) -> bool:
        """Whether a method chain (``schedule.every(5).minutes.do``) starts with a call to one
        of ``names``."""
        node: cst.CSTNode = expr
        while isinstance(node, cst.Attribute | cst.Call):
            if isinstance(node, cst.Call):
                if self.doc.qualified_names(node.func) & names:
                    return True
                node = node.func
            else:
                node = node.value
        return False

    def _celery_beat(self) -> list[Schedule]:
        """``app.conf.beat_schedule = {"x": {"task": "pkg.mod.refresh", ...}}`` for a task here."""
        if not self._imports("celery"):
            return []
        out: list[Schedule] = []
        for assignment in self.doc.index.order:
            if not isinstance(assignment, cst.Assign):
                continue
            target = assignment.targets[0].target
            name = dotted_name(target) or ""
            if not name.lower().endswith("beat_schedule") or not isinstance(
                assignment.value, cst.Dict
            ):
                continue
            for entry in assignment.value.elements:
                if not isinstance(entry, cst.DictElement) or not isinstance(entry.value, cst.Dict):
                    continue
                for field_ in entry.value.elements:
                    if not isinstance(field_, cst.DictElement):
                        continue
                    task = string_value(field_.value)
                    if string_value(field_.key) != "task" or not task:
                        continue
                    func = self.lookup_def(task.rsplit(".", 1)[-1], self.doc.module)
                    if isinstance(func, cst.FunctionDef):
                        out.append(Schedule(field_, func, "a Celery beat schedule entry", True))
        return out
