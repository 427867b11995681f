"""Constant durations and deadlines folded from code: ``timedelta(days=3650)``, ``now + TTL``.

The rules about token lifetimes ask in seconds; anything not certain is None, and infinite or
huge values are clamped (``scanner.durations``).
"""

from __future__ import annotations

import datetime
import math

import libcst as cst

from scanner.documents.python.syntax import dotted_name, literal_number, string_value
from scanner.documents.python.values import Values
from scanner.durations import clamp_seconds, parse_duration

_MAX_FOLD_DEPTH = 24
_TIMEDELTA = frozenset({"datetime.timedelta"})
_TIMEDELTA_MAX = frozenset({"datetime.timedelta.max"})
#: timedelta's positional order, with each unit in seconds.
_TIMEDELTA_UNITS: tuple[tuple[str, float], ...] = (
    ("days", 86400.0),
    ("seconds", 1.0),
    ("microseconds", 1e-6),
    ("milliseconds", 1e-3),
    ("minutes", 60.0),
    ("hours", 3600.0),
    ("weeks", 604800.0),
)
_RELATIVEDELTA = frozenset({"dateutil.relativedelta.relativedelta", "pendulum.duration"})
#: Plural (relative) fields only: relativedelta(year=2099) sets a field, it adds nothing.
_RELATIVEDELTA_UNITS: tuple[tuple[str, float], ...] = (
    ("years", 365 * 86400.0),
    ("months", 30 * 86400.0),
    ("weeks", 604800.0),
    ("days", 86400.0),
    ("hours", 3600.0),
    ("minutes", 60.0),
    ("seconds", 1.0),
    ("microseconds", 1e-6),
)
_NOW_CALLS = frozenset(
    {
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "time.time",
        "arrow.utcnow",
        "arrow.now",
        "django.utils.timezone.now",
        "pendulum.now",
    }
)
#: Calls that keep "now" now: int(time.time()), calendar.timegm(now.utctimetuple()).
_TRANSPARENT_CALLS = frozenset({"int", "float", "round", "math.floor", "math.ceil",
                                "calendar.timegm", "time.mktime"})
_TRANSPARENT_METHODS = frozenset({"timestamp", "timetuple", "utctimetuple", "astimezone"})
_HARMLESS_REPLACE = frozenset({"microsecond", "second", "tzinfo"})
_DATETIME_CONSTRUCTORS = frozenset({"datetime.datetime", "datetime.date"})
_DATETIME_MAX = frozenset({"datetime.datetime.max", "datetime.date.max"})
_DATETIME_MAX_TIMESTAMP = 253402300799.0  # 9999-12-31T23:59:59Z
_EPOCH_FLOOR = 1_000_000_000.0  # 2001-09-09: smaller integers are not Unix timestamps


def _arithmetic(operator: cst.BaseBinaryOp, left: float, right: float) -> float | None:
    try:
        if isinstance(operator, cst.Add):
            return left + right
        if isinstance(operator, cst.Subtract):
            return left - right
        if isinstance(operator, cst.Multiply):
            return left * right
        if isinstance(operator, cst.Divide):
            return left / right
        if isinstance(operator, cst.FloorDivide):
            return float(left // right)
        if isinstance(operator, cst.Power) and abs(right) <= 64:
            result = left**right
            return result if isinstance(result, float) else None  # (-8) ** 0.5 is complex
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return None


class Durations(Values):
    """Values, plus duration folding; ``now`` is the scan time, the "now" of deadlines."""

    now: float

    def fold_seconds(
        self, expr: cst.BaseExpression, at: cst.CSTNode | None = None, *, strings: bool = False
    ) -> int | None:
        """A constant duration in seconds, or None when it cannot be known for certain.

        Understands numbers, names bound once (module constants, local variables), ``+ - * /
        // **`` and unary minus, ``timedelta(...)`` and ``relativedelta(...)`` under any import
        alias (a year is 365 days, a month 30), ``timedelta.max``, ``int()``/``float()``/
        ``round()``, ``.total_seconds()``; with ``strings=True`` also duration strings
        (``"8760h"``, ``"30d"``, ``"P1Y"``, ``"3600"``) for APIs that take them (Vault).
        Infinite or huge values are clamped to ``MAX_SECONDS`` (longer than any limit); NaN and
        negative infinity are unknown.
        """
        value = self._fold(expr, at or expr, strings, 0)
        return None if value is None else clamp_seconds(value)

    def is_now(self, expr: cst.BaseExpression, at: cst.CSTNode | None = None) -> bool:
        """``datetime.now(...)``, ``utcnow()``, ``time.time()``, ``int(time.time())``, and so on."""
        return self._offset(expr, at or expr, 0, now_only=True) == 0

    def fold_offset(self, expr: cst.BaseExpression, at: cst.CSTNode | None = None) -> int | None:
        """Seconds between now and ``expr`` when it is ``<now> + <duration>``, else None.

        ``datetime.now(timezone.utc) + timedelta(days=3650)``, ``int(time.time()) + 3600``,
        ``(utcnow() + TTL).timestamp()``, ``arrow.utcnow().shift(days=30)``, and names bound to
        any of these (``now = datetime.now(); exp = now + timedelta(hours=1)``) all fold.
        """
        value = self._offset(expr, at or expr, 0, now_only=False)
        return None if value is None else clamp_seconds(value)

    def fold_deadline(
        self, expr: cst.BaseExpression, at: cst.CSTNode | None = None, *, epoch: bool = False
    ) -> int | None:
        """Seconds from scan time until the instant ``expr`` names, or None if unknown.

        Relative forms go through ``fold_offset``; absolute ones are constant datetimes
        (``datetime(2099, 1, 1)``, ``datetime.max``) and, with ``epoch=True`` (JWT ``exp``,
        GCS ``expiration``), integer Unix timestamps after 2001. Naive datetimes count as UTC.
        The result is negative for an instant already past.
        """
        at = at or expr
        offset = self.fold_offset(expr, at)
        if offset is not None:
            return offset
        instant = self._instant(expr, at, epoch, 0)
        if instant is None:
            return None
        return clamp_seconds(instant - self.now)

    def _fold(
        self, expr: cst.BaseExpression, at: cst.CSTNode, strings: bool, depth: int
    ) -> float | None:
        if depth > _MAX_FOLD_DEPTH:
            return None
        depth += 1
        if isinstance(expr, cst.Integer | cst.Float):
            return literal_number(expr)
        if isinstance(expr, cst.Name):
            found = self.assignments(expr.value, at)
            if len(found) != 1 or found[0].value is None:
                return None
            value = found[0].value
            return self._fold(value, value, strings, depth)
        if isinstance(expr, cst.UnaryOperation):
            inner = self._fold(expr.expression, at, strings, depth)
            if inner is None:
                return None
            if isinstance(expr.operator, cst.Minus):
                return -inner
            return inner if isinstance(expr.operator, cst.Plus) else None
        if isinstance(expr, cst.BinaryOperation):
            left = self._fold(expr.left, at, strings, depth)
            right = self._fold(expr.right, at, strings, depth) if left is not None else None
            if left is None or right is None:
                return None
            return _arithmetic(expr.operator, left, right)
        if isinstance(expr, cst.Attribute):
            if self.qualified_names(expr) & _TIMEDELTA_MAX:
                return float(999_999_999 * 86400)
            held = self.class_attribute(expr)  # Settings.TTL
            return None if held is None else self._fold(held, held, strings, depth)
        if isinstance(expr, cst.Call):
            return self._fold_call(expr, at, strings, depth)
        if strings:
            text = string_value(expr)
            if text is not None:
                parsed = parse_duration(text)
                return None if parsed is None else float(parsed)
        return None

    def _fold_call(
        self, call: cst.Call, at: cst.CSTNode, strings: bool, depth: int
    ) -> float | None:
        names = self.qualified_names(call.func)
        units: tuple[tuple[str, float], ...] | None = None
        if names & _TIMEDELTA:
            units = _TIMEDELTA_UNITS
        elif names & _RELATIVEDELTA:
            units = _RELATIVEDELTA_UNITS
        if units is not None:
            return self._fold_units(call, units, at, strings, depth)
        simple = dotted_name(call.func)
        if simple in ("int", "float", "round") and len(call.args) == 1 and not call.args[0].star:
            return self._fold(call.args[0].value, at, strings, depth)
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "total_seconds" and not call.args:
            return self._fold(func.value, at, strings, depth)
        returned = self.returned_value(call)  # token_ttl(): a helper returning a constant
        return None if returned is None else self._fold(returned, returned, strings, depth)

    def _fold_units(
        self,
        call: cst.Call,
        units: tuple[tuple[str, float], ...],
        at: cst.CSTNode,
        strings: bool,
        depth: int,
    ) -> float | None:
        total = 0.0
        index = 0
        scale = dict(units)
        for arg in call.args:
            if arg.star:
                return None
            if arg.keyword is None:
                if units is _RELATIVEDELTA_UNITS or index >= len(units):
                    return None  # relativedelta(dt1, dt2) is a difference of dates
                factor = units[index][1]
                index += 1
            else:
                found = scale.get(arg.keyword.value)
                if found is None:
                    return None  # relativedelta(year=...) sets an absolute field
                factor = found
            value = self._fold(arg.value, at, False, depth)
            if value is None:
                return None
            total += value * factor
        return total

    def _offset(
        self, expr: cst.BaseExpression, at: cst.CSTNode, depth: int, *, now_only: bool
    ) -> float | None:
        """Seconds ahead of now (0 for now itself); ``now_only`` accepts only now itself."""
        if depth > _MAX_FOLD_DEPTH:
            return None
        depth += 1
        if isinstance(expr, cst.Name):
            found = self.assignments(expr.value, at)
            if len(found) != 1 or found[0].value is None:
                return None
            value = found[0].value
            return self._offset(value, value, depth, now_only=now_only)
        if isinstance(expr, cst.BinaryOperation) and not now_only:
            if isinstance(expr.operator, cst.Add):
                left = self._offset(expr.left, at, depth, now_only=False)
                if left is not None:
                    right = self._fold(expr.right, at, False, depth)
                    return None if right is None else left + right
                right = self._offset(expr.right, at, depth, now_only=False)
                if right is not None:
                    left = self._fold(expr.left, at, False, depth)
                    return None if left is None else left + right
                return None
            if isinstance(expr.operator, cst.Subtract):
                left = self._offset(expr.left, at, depth, now_only=False)
                right = self._fold(expr.right, at, False, depth) if left is not None else None
                return None if left is None or right is None else left - right
            return None
        if not isinstance(expr, cst.Call):
            return None
        if self.qualified_names(expr.func) & _NOW_CALLS:
            return 0.0
        func = expr.func
        simple = dotted_name(func)
        inner: cst.BaseExpression | None = None
        if (simple in _TRANSPARENT_CALLS or self.qualified_names(func) & _TRANSPARENT_CALLS) and (
            len(expr.args) == 1 and not expr.args[0].star
        ):
            inner = expr.args[0].value  # int(time.time()), calendar.timegm(now.timetuple())
        elif isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in _TRANSPARENT_METHODS or (
                method == "replace"
                and all(a.keyword is not None and a.keyword.value in _HARMLESS_REPLACE
                        for a in expr.args)
            ):
                inner = func.value  # now.timestamp(), now.replace(microsecond=0)
            elif method in ("shift", "add") and not now_only:  # arrow / pendulum
                base = self._offset(func.value, at, depth, now_only=False)
                shift = self._fold_units(expr, _RELATIVEDELTA_UNITS, at, False, depth)
                return None if base is None or shift is None else base + shift
        if inner is None:
            return None
        return self._offset(inner, at, depth, now_only=now_only)

    def _instant(
        self, expr: cst.BaseExpression, at: cst.CSTNode, epoch: bool, depth: int
    ) -> float | None:
        """A constant instant as a Unix timestamp: ``datetime(2099, 1, 1)``, ``datetime.max``."""
        if depth > _MAX_FOLD_DEPTH:
            return None
        depth += 1
        if isinstance(expr, cst.Name):
            found = self.assignments(expr.value, at)
            if len(found) != 1 or found[0].value is None:
                return None
            value = found[0].value
            return self._instant(value, value, epoch, depth)
        if isinstance(expr, cst.Attribute):
            if self.qualified_names(expr) & _DATETIME_MAX:
                return _DATETIME_MAX_TIMESTAMP
            return None
        if isinstance(expr, cst.Integer | cst.Float):
            stamp = literal_number(expr)
            return stamp if epoch and stamp >= _EPOCH_FLOOR else None
        if isinstance(expr, cst.BinaryOperation) and isinstance(
            expr.operator, cst.Add | cst.Subtract
        ):
            base = self._instant(expr.left, at, epoch, depth)
            delta = self._fold(expr.right, at, False, depth) if base is not None else None
            if base is None or delta is None:
                return None
            return base + delta if isinstance(expr.operator, cst.Add) else base - delta
        if not isinstance(expr, cst.Call):
            return None
        names = self.qualified_names(expr.func)
        if names & _DATETIME_CONSTRUCTORS:
            return self._datetime_literal(expr, at, depth)
        func = expr.func
        if dotted_name(func) in ("int", "float", "round") and len(expr.args) == 1:
            return self._instant(expr.args[0].value, at, epoch, depth)
        if isinstance(func, cst.Attribute) and func.attr.value == "timestamp" and not expr.args:
            return self._instant(func.value, at, False, depth)
        return None

    def _datetime_literal(self, call: cst.Call, at: cst.CSTNode, depth: int) -> float | None:
        fields = ("year", "month", "day", "hour", "minute", "second")
        values = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0}
        for index, arg in enumerate(call.args):
            if arg.star:
                return None
            name = arg.keyword.value if arg.keyword is not None else None
            if name is None:
                if index >= len(fields):
                    continue  # microseconds, tzinfo
                name = fields[index]
            if name not in fields:
                continue  # tzinfo=..., microsecond=...
            value = self._fold(arg.value, at, False, depth)
            if value is None or not math.isfinite(value):
                return None  # datetime(1e999, 1, 1) is no date
            values[name] = int(value)
        if "year" not in values:
            return None
        try:
            moment = datetime.datetime(
                values["year"],
                values["month"],
                values["day"],
                values["hour"],
                values["minute"],
                values["second"],
                tzinfo=datetime.timezone.utc,
            )
        except (ValueError, OverflowError):
            return None
        return moment.timestamp()
