"""Scheduling (rules.md 2.2 C): timers, threads, tasks and job schedulers that re-run a function.

The mechanisms are rows of ``triggers.TRIGGERS``; this module only reads them: it matches a row's
callee, decorator, base class or schedule table, resolves the target it names, checks the row's
conditions and bounds, and decides whether a run-once mechanism is re-armed by its own target.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from scanner.documents.python.flow import Callable_, Flow
from scanner.documents.python.fold import Durations
from scanner.documents.python.syntax import call_argument, dotted_name, string_value
from scanner.documents.python.triggers import (
    BY_NAME,
    TRIGGERS,
    Arg,
    BoundKind,
    Condition,
    Named,
    Repeats,
    Shape,
    Trigger,
    TriggerKind,
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A construct that runs ``target`` again and again in the background (rules.md 2.2 C).

    ``periodic`` constructs repeat by themselves (a re-arming timer, an interval job); the
    others (a thread, an asyncio task) only keep a session alive if ``target`` loops forever.
    ``mechanism`` names the registry row.
    """

    site: cst.CSTNode
    target: Callable_
    description: str
    periodic: bool
    mechanism: str = ""


#: Methods that wrap a task into a signature or a deferred call (Celery ``refresh.s()``).
_SIGNATURES = frozenset({"s", "si", "signature", "delay", "apply_async"})
_ALARMS = frozenset({"SIGALRM", "SIGVTALRM", "SIGPROF"})
_DAG_SCHEDULES = ("schedule", "schedule_interval", "timetable")


def _last_name(expr: cst.BaseExpression) -> str | None:
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    if isinstance(expr, cst.Name):
        return expr.value
    return None


class Schedules(Flow):
    """The flow, plus the background schedules of the module."""

    def __init__(self, doc: Durations) -> None:
        super().__init__(doc)
        self._schedules: list[Schedule] | None = None
        self._gates: dict[tuple[str, ...], bool] = {}
        self._dag: bool | None = None

    def schedules(self) -> list[Schedule]:
        if self._schedules is None:
            self._schedules = self._find_schedules()
        return self._schedules

    # -- matching rows --------------------------------------------------------------------

    def _gated(self, row: Trigger) -> bool:
        if not row.gate:
            return True
        if row.gate not in self._gates:
            self._gates[row.gate] = self.doc.imports_from(*row.gate)
        return self._gates[row.gate]

    def _matches(self, row: Trigger, expr: cst.BaseExpression) -> bool:
        """``expr`` (a callee, decorator or base) is the row's: by qualified name, or by a
        method name on anything once the gate is imported, or a name imported from the gate."""
        names = self.doc.qualified_names(expr)
        if names & row.names:
            return True
        if not row.methods or _last_name(expr) not in row.methods or not self._gated(row):
            return False
        if isinstance(expr, cst.Attribute):
            return True
        return any(n.startswith(g + ".") for n in names for g in row.gate)

    def _candidates(self, expr: cst.BaseExpression) -> list[Trigger]:
        """Rows that may match ``expr``: by its last name, or its imported name's
        (``from threading import Thread as T``)."""
        keys = {_last_name(expr)}
        if isinstance(expr, cst.Name):
            keys |= {n.rsplit(".", 1)[-1] for n in self.doc.qualified_names(expr)}
        rows: list[Trigger] = []
        for key in keys:
            rows.extend(r for r in BY_NAME.get(key or "", ()) if r not in rows)
        return rows

    def _find_schedules(self) -> list[Schedule]:
        out: list[Schedule] = []
        decorators: set[cst.CSTNode] = set()
        for func in self.ix.functions:
            for decorator in func.decorators:
                expr = decorator.decorator
                decorators.add(expr)
                head = expr.func if isinstance(expr, cst.Call) else expr
                for row in self._candidates(head):
                    if row.shape is Shape.DECORATOR and self._matches(row, head):
                        found = self._decorated(row, decorator, func)
                        if found is not None:
                            out.append(found)
                            break
        for call in self.ix.calls:
            if call in decorators:
                continue
            for row in self._candidates(call.func):
                if row.shape is Shape.CALL and self._matches(row, call.func):
                    found = self._called(row, call)
                    if found is not None:
                        out.append(found)
                        break
        out.extend(self._subclasses())
        out.extend(self._tables())
        return out

    def _called(self, row: Trigger, call: cst.Call) -> Schedule | None:
        if row.chain and not self._chain_has(call.func, row.chain):
            return None
        if not all(self._holds(c, call) for c in row.when) or self._bounded(row, call):
            return None
        target = self._target(row, row.target, call)
        return None if target is None else self._schedule(row, call, target)

    def _decorated(
        self, row: Trigger, decorator: cst.Decorator, func: cst.FunctionDef
    ) -> Schedule | None:
        expr = decorator.decorator
        call = expr if isinstance(expr, cst.Call) else None
        if not all(self._holds(c, call) for c in row.when):
            return None
        if call is not None and self._bounded(row, call):
            return None
        target: Callable_ | None = func
        if call is not None and row.target.keyword and row.target.position is None:
            named = self._target(row, row.target, call)
            target = named or func
        return None if target is None else self._schedule(row, decorator, target)

    def _subclasses(self) -> list[Schedule]:
        rows = [r for r in TRIGGERS if r.shape is Shape.SUBCLASS]
        out: list[Schedule] = []
        for (_, _), defs in self.ix.defs.items():
            for cls in defs:
                if not isinstance(cls, cst.ClassDef):
                    continue
                for base in cls.bases:
                    row = next((r for r in rows if self._matches(r, base.value)), None)
                    method = None if row is None else self._method(cls, row.target.keyword or "")
                    if row is not None and method is not None:
                        label = row.description.format(name=cls.name.value)
                        out.append(Schedule(base, method, label, False, row.mechanism))
        return out

    def _tables(self) -> list[Schedule]:
        """Schedule tables: ``app.conf.beat_schedule = {...}``, ``conf.update(beat_schedule=
        {...})``, ``JOBS = [{...}]``, each entry naming a task of this module by its path."""
        rows = [r for r in TRIGGERS if r.shape is Shape.CONFIG and self._gated(r)]
        if not rows:
            return []
        tables: list[tuple[Trigger, cst.BaseExpression]] = []
        for node in self.doc.index.order:
            if isinstance(node, cst.Assign | cst.AnnAssign) and node.value is not None:
                if isinstance(node, cst.Assign):
                    targets = [t.target for t in node.targets]
                else:
                    targets = [node.target]
                names = [(dotted_name(t) or "").lower() for t in targets]
                for row in rows:
                    if any(n.endswith(tuple(row.tables)) for n in names if n):
                        tables.append((row, node.value))
            elif isinstance(node, cst.Call):
                for arg in node.args:
                    if arg.keyword is None:
                        continue
                    for row in rows:
                        if arg.keyword.value.lower() in row.tables:
                            tables.append((row, arg.value))
        out: list[Schedule] = []
        for row, table in tables:
            for entry in _entries(table):
                found = self._entry(row, entry)
                if found is not None:
                    out.append(found)
        return out

    def _entry(self, row: Trigger, entry: cst.Dict) -> Schedule | None:
        fields = {string_value(e.key): e for e in entry.elements if isinstance(e, cst.DictElement)}
        for condition in row.when:
            if isinstance(condition, TriggerKind):
                item = fields.get(condition.at.keyword)
                if not self._trigger_kind(condition, None if item is None else item.value):
                    return None
        site = fields.get(row.target.keyword)
        if site is None:
            return None
        target = self._callable(site.value, site, string=row.target.string, coroutine=False)
        if target is None:
            return None
        return Schedule(site, target, row.description, True, row.mechanism)

    def _schedule(self, row: Trigger, site: cst.CSTNode, target: Callable_) -> Schedule:
        periodic = row.repeats is Repeats.PERIODIC
        label = row.description
        if not periodic and self._rearmed(row, site, target):
            periodic, label = True, row.rearmed or row.description
        return Schedule(site, target, label, periodic, row.mechanism)

    # -- targets ----------------------------------------------------------------------------

    def _target(self, row: Trigger, spec: Arg, call: cst.Call) -> Callable_ | None:
        if spec.receiver:
            expr = call.func.value if isinstance(call.func, cst.Attribute) else None
        else:
            expr = call_argument(call, spec.position, spec.keyword)
        if expr is None:
            return None
        return self._callable(expr, call, string=spec.string, coroutine=row.coroutine)

    def _callable(
        self, expr: cst.BaseExpression, at: cst.CSTNode, *, string: bool, coroutine: bool
    ) -> Callable_ | None:
        """The function an argument names: a reference, ``functools.partial``, a lambda, a
        Celery signature (``f.s()``), a coroutine call (``f()``), or a dotted path string."""
        found = self.callable_def(expr, at)
        if found is not None:
            return found
        if isinstance(expr, cst.Call):
            func = expr.func
            if isinstance(func, cst.Attribute) and func.attr.value in _SIGNATURES:
                return self.callable_def(func.value, at)
            return self.callable_def(func, at) if coroutine else None
        if string:
            text = string_value(self.doc.resolve(expr, at))
            if text:
                name = re.split(r"[.:]", text)[-1]
                func_def = self.lookup_def(name, self.doc.module)
                return func_def if isinstance(func_def, cst.FunctionDef) else None
        return None

    # -- conditions and bounds --------------------------------------------------------------

    def _holds(self, condition: Condition, call: cst.Call | None) -> bool:
        """Whether a row's condition holds on its call (``None``: a bare decorator)."""
        if isinstance(condition, Named):
            return _NAMED[condition.name](self, call)
        if call is None:
            return isinstance(condition, TriggerKind) and condition.absent
        if isinstance(condition, TriggerKind):
            spec = condition.at
            return self._trigger_kind(condition, call_argument(call, spec.position, spec.keyword))
        return any(
            a.keyword is not None and a.keyword.value in condition.names and not _is_none(a.value)
            for a in call.args
        )

    def _trigger_kind(self, condition: TriggerKind, expr: cst.BaseExpression | None) -> bool:
        if expr is None:
            return condition.absent
        value = self.doc.resolve(expr)
        text = string_value(value)
        if text is not None:
            return text in condition.values
        if isinstance(value, cst.Call):
            name = (dotted_name(value.func) or "").rsplit(".", 1)[-1]
            return bool(condition.classes) and name.endswith(condition.classes)
        return False

    def _bounded(self, row: Trigger, call: cst.Call) -> bool:
        """A bound of the row on the call, or on a trigger object passed to it (APScheduler's
        ``IntervalTrigger(end_date=...)``)."""
        holders = [call]
        for arg in call.args:
            value = self.doc.resolve(arg.value, call)
            if isinstance(value, cst.Call):
                holders.append(value)
        for bound in row.bounds:
            if bound.kind is BoundKind.CHAIN:
                if self._chain_method(call.func, bound.name):
                    return True
                continue
            for holder in holders:
                given = call_argument(holder, None, bound.name)
                if given is None or _is_none(given):
                    continue
                value = self.doc.resolve(given, holder)
                if bound.kind is BoundKind.SET:
                    return True
                if bound.kind is BoundKind.TRUE and isinstance(value, cst.Name):
                    return value.value == "True"
                if bound.kind is BoundKind.COUNT and isinstance(value, cst.Integer):
                    return int(value.evaluated_value) > 0
        return False

    def _chain(self, expr: cst.BaseExpression) -> list[cst.CSTNode]:
        """The receiver chain under a callee, through names bound to a chain: for
        ``job = schedule.every(5).minutes; job.do``, the nodes down to ``schedule.every``."""
        out: list[cst.CSTNode] = []
        node: cst.CSTNode = expr
        for _ in range(32):
            if isinstance(node, cst.Name):
                value = self.doc.resolve(node)
                if value is node or not isinstance(value, cst.Attribute | cst.Call):
                    break
                node = value
            elif isinstance(node, cst.Attribute | cst.Call):
                node = node.func if isinstance(node, cst.Call) else node.value
            else:
                break
            out.append(node)
        return out

    def _chain_has(self, expr: cst.BaseExpression, names: frozenset[str]) -> bool:
        """The receiver chain (``schedule.every(5).minutes.do``, ``Model.objects.create``)
        passes through a call or name with one of ``names``."""
        return any(
            isinstance(n, cst.Attribute | cst.Name) and self.doc.qualified_names(n) & names
            for n in self._chain(expr)
        )

    def _chain_method(self, expr: cst.BaseExpression, method: str) -> bool:
        """A call of ``method`` in the receiver chain (``.until(...)``)."""
        return any(
            isinstance(n, cst.Call)
            and isinstance(n.func, cst.Attribute)
            and n.func.attr.value == method
            for n in self._chain(expr)
        )

    # -- re-arming --------------------------------------------------------------------------

    def _rearmed(self, row: Trigger, site: cst.CSTNode, target: Callable_) -> bool:
        """A run-once mechanism repeats when its target reaches the same trigger call again (a
        timer re-armed in its callback, or in a ``finally:``, or by a helper), or one of the
        row's re-arm calls (``continue_as_new``, ``signal.alarm``), unless a counter or an
        ``except`` guards it (a bounded retry)."""
        if self._reaches_unguarded(target, site, row.rearms, 2):
            return True
        if row.rearms and isinstance(site, cst.Call):  # a re-arm next to the trigger
            scope = self.enclosing_function(site)
            for call in self.ix.calls:
                if (
                    call is not site
                    and self.enclosing_function(call) is scope
                    and self.doc.qualified_names(call.func) & row.rearms
                    and _repeating_itimer(call)
                ):
                    return True
        return False

    def _reaches_unguarded(
        self, root: Callable_, site: cst.CSTNode, rearms: frozenset[str], depth: int
    ) -> bool:
        """``root`` runs ``site`` (or a re-arm call) on a path no counter or ``except``
        guards, directly or through this module's functions ``depth`` calls deep."""
        for call in self._body_calls(root):
            if self._guarded(call):
                continue
            if call is site or (rearms and self.doc.qualified_names(call.func) & rearms):
                return True
            if depth > 0:
                helper = self.callable_def(call.func, call)
                if (
                    helper is not None
                    and helper is not root
                    and self._reaches_unguarded(helper, site, rearms, depth - 1)
                ):
                    return True
        return False

    def _guarded(self, call: cst.Call) -> bool:
        func = self.enclosing_function(call)
        if func is None:
            return False
        for step in self.path(func, call)[1:]:
            if isinstance(step, cst.ExceptHandler | cst.ExceptStarHandler):
                return True
            if isinstance(step, cst.If | cst.While) and _compares(step.test):
                return True
        return False

    # -- named conditions -------------------------------------------------------------------

    def _sigalrm(self, call: cst.Call | None) -> bool:
        signum = None if call is None else call_argument(call, 0, "signalnum")
        name = dotted_name(signum) if signum is not None else None
        return name is not None and name.rsplit(".", 1)[-1] in _ALARMS

    def _scheduled_dag(self, call: cst.Call | None) -> bool:
        """The module defines an Airflow DAG with a schedule (``None`` and ``"@once"`` run it
        at most once; a DAG with no schedule argument is left out, its default differs between
        Airflow 2 and 3)."""
        if self._dag is None:
            self._dag = False
            for node in self.ix.calls:
                names = self.doc.qualified_names(node.func)
                if not any(
                    n.startswith("airflow") and n.rsplit(".", 1)[-1] in ("DAG", "dag")
                    for n in names
                ):
                    continue
                for key in _DAG_SCHEDULES:
                    value = call_argument(node, None, key)
                    if (
                        value is not None
                        and not _is_none(value)
                        and string_value(self.doc.resolve(value)) != "@once"
                    ):
                        self._dag = True
        return self._dag

    def _repeating_schedule_type(self, call: cst.Call | None) -> bool:
        """Django-Q: a ``schedule_type`` other than ``ONCE`` (the default)."""
        value = None if call is None else call_argument(call, None, "schedule_type")
        if value is None:
            return False
        text = string_value(value) or dotted_name(value) or ""
        return text.rsplit(".", 1)[-1] not in ("ONCE", "O")

    def _rocketry_start(self, call: cst.Call | None) -> bool:
        """Rocketry: a start condition (``every("10 minutes")``, ``"daily"``, ``cron(...)``)."""
        return call is not None and call_argument(call, 0, "start_cond") is not None


_NAMED: dict[str, Callable[[Schedules, cst.Call | None], bool]] = {
    "sigalrm": Schedules._sigalrm,
    "scheduled_dag": Schedules._scheduled_dag,
    "repeating_schedule_type": Schedules._repeating_schedule_type,
    "rocketry_start": Schedules._rocketry_start,
}


def named_conditions() -> frozenset[str]:
    """The ``Named`` conditions the rows may use (a test holds every row to them)."""
    return frozenset(_NAMED)


def _entries(table: cst.BaseExpression) -> list[cst.Dict]:
    """The entry dicts of a schedule table: the values of a dict, or the items of a list."""
    if isinstance(table, cst.Dict):
        return [
            e.value
            for e in table.elements
            if isinstance(e, cst.DictElement) and isinstance(e.value, cst.Dict)
        ]
    if isinstance(table, cst.List | cst.Tuple):
        return [e.value for e in table.elements if isinstance(e.value, cst.Dict)]
    return []


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _compares(test: cst.BaseExpression) -> bool:
    """A counter or limit test (``runs < 3``, ``left > 0``): a bounded re-arm."""
    if isinstance(test, cst.BooleanOperation):
        return _compares(test.left) or _compares(test.right)
    return isinstance(test, cst.Comparison) and any(
        isinstance(
            c.operator,
            cst.LessThan | cst.LessThanEqual | cst.GreaterThan | cst.GreaterThanEqual,
        )
        for c in test.comparisons
    )


def _repeating_itimer(call: cst.Call) -> bool:
    """``signal.setitimer(which, first, interval)`` with an interval: repeats by itself."""
    interval = call_argument(call, 2, "interval")
    if interval is None:
        return False
    return not (isinstance(interval, cst.Integer | cst.Float) and not float(interval.value))


__all__ = ["Schedule", "Schedules", "named_conditions"]
