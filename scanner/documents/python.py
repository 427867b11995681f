"""Python parsed with LibCST, plus the small analyses every Python rule shares.

LibCST's ``QualifiedNameProvider`` and ``ScopeProvider`` are exact but cost several times the
parse itself. Rules here need much less: which imported API a call refers to (through aliases and
function-level imports), and where a name's value came from within the module. Both are computed
by one cheap pass, only on the files the prefilter sends to LibCST, and only when a rule asks.
"""

from __future__ import annotations

import datetime
import enum
import time
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from scanner.documents.text import max_bracket_depth
from scanner.durations import parse_duration
from scanner.findings import Location

#: LibCST's native parser crashes the process on absurd nesting; CPython itself stops at 200.
MAX_NESTING = 1000

ScopeNode = cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef
# Exact-type set for the per-node hot path: isinstance on LibCST's ABCs costs far more.
_SCOPE_TYPES = frozenset({cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef})


class PythonParseError(ValueError):
    """The file is not Python that LibCST can parse; the message says where."""


class Origin(enum.Enum):
    """Where a value comes from, as far as one module can tell."""

    LITERAL = "literal"  # a constant in the code: string, number, dict of constants...
    ENV = "env"  # os.environ / os.getenv
    FILE = "file"  # read from a file at run time
    PARAMETER = "parameter"  # a function parameter: decided by the caller
    CALL = "call"  # the result of some other call
    UNKNOWN = "unknown"  # several assignments, or nothing we can follow


@dataclass(frozen=True, slots=True)
class Assignment:
    """One binding of a name in a scope, in source order."""

    name: str
    value: cst.BaseExpression | None  # None for parameters, loop targets, imports...
    order: int
    is_parameter: bool = False


@dataclass(frozen=True, slots=True)
class KeyWrite:
    """``name["key"] = value``, ``name.update(key=value)`` and friends, in source order."""

    key: str | None  # None when the key is not a string constant (or the update is opaque)
    value: cst.BaseExpression | None
    order: int
    node: cst.CSTNode


_ENV_READS = frozenset({"os.getenv", "os.environ.get", "os.environ.__getitem__", "os.environ"})
_FILE_READS = frozenset(
    {
        "json.load",
        "yaml.safe_load",
        "yaml.load",
        "tomllib.load",
        "tomli.load",
        "pathlib.Path.read_text",
        "pathlib.Path.read_bytes",
    }
)


class PythonDocument:
    """A parsed module with an import table and a lazy intra-module data-flow index."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        if max_bracket_depth(text, MAX_NESTING) > MAX_NESTING:
            raise PythonParseError(f"nesting deeper than {MAX_NESTING} levels; not parsed")
        try:
            self.module = cst.parse_module(text)
        except cst.ParserSyntaxError as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
            raise PythonParseError(
                f"line {exc.raw_line}, column {exc.raw_column + 1}: {message}"
            ) from None
        except RecursionError:
            raise PythonParseError("too deeply nested to parse") from None
        self._index: _Index | None = None
        self._positions: dict[cst.CSTNode, CodeRange] | None = None

    # -- positions ------------------------------------------------------------------------

    def locate(self, node: cst.CSTNode) -> Location:
        """Resolved once per file, and only for files with findings (design.md section 5)."""
        if self._positions is None:
            wrapper = cst.MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = dict(wrapper.resolve(PositionProvider))
        rng = self._positions[node]
        return Location(
            self.path, rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1
        )

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- names ----------------------------------------------------------------------------

    @property
    def index(self) -> _Index:
        if self._index is None:
            indexer = _Indexer()
            self.module.visit(indexer)
            self._index = indexer.index
        return self._index

    def qualified_names(self, node: cst.CSTNode) -> frozenset[str]:
        """Qualified names an expression may refer to, through the module's imports.

        ``import jwt as j; j.encode`` gives ``{"jwt.encode"}``; ``from jose import jwt`` makes
        ``jwt.encode`` ``{"jose.jwt.encode"}``. A name that was never imported gives nothing.
        """
        dotted = dotted_name(node)
        if dotted is None:
            return frozenset()
        head, _, rest = dotted.partition(".")
        targets = self.index.imports.get(head)
        if not targets:
            return frozenset()
        suffix = "." + rest if rest else ""
        return frozenset(t + suffix for t in targets)

    def is_call_to(self, call: cst.Call, names: Collection[str]) -> bool:
        return not self.qualified_names(call.func).isdisjoint(names)

    # -- data flow ------------------------------------------------------------------------

    def scope_of(self, node: cst.CSTNode) -> ScopeNode:
        return self.index.scope_of.get(node, self.module)

    def order_of(self, node: cst.CSTNode) -> int:
        return self.index.order.get(node, 1 << 60)

    def assignments(self, name: str, at: cst.CSTNode) -> list[Assignment]:
        """Bindings of ``name`` visible at ``at``: its own scope, else the module's."""
        scope = self.scope_of(at)
        found = self.index.assignments.get((scope, name))
        if found:
            return found
        return self.index.assignments.get((self.module, name), [])

    def single_value(self, name: cst.Name, at: cst.CSTNode | None = None) -> cst.BaseExpression | None:
        """The one expression assigned to ``name``; None when there are several or none."""
        found = self.assignments(name.value, at or name)
        if len(found) != 1 or found[0].value is None:
            return None
        return found[0].value

    def resolve(self, expr: cst.BaseExpression, at: cst.CSTNode | None = None) -> cst.BaseExpression:
        """Follow a ``Name`` through single assignments (a few hops) to the expression behind it."""
        seen = 0
        current = expr
        while isinstance(current, cst.Name) and seen < 8:
            value = self.single_value(current, at or current)
            if value is None:
                return current
            at = value
            current = value
            seen += 1
        return current

    def origin(self, expr: cst.BaseExpression, at: cst.CSTNode | None = None) -> Origin:
        """Classify where a value comes from: literal, environment, file, parameter, call."""
        if isinstance(expr, cst.Name):
            found = self.assignments(expr.value, at or expr)
            if len(found) != 1:
                return Origin.UNKNOWN
            if found[0].is_parameter:
                return Origin.PARAMETER
            if found[0].value is None:
                return Origin.UNKNOWN
            return self.origin(found[0].value, found[0].value)
        if is_literal(expr):
            return Origin.LITERAL
        names = self._call_or_subscript_names(expr)
        if names & _ENV_READS:
            return Origin.ENV
        if names & _FILE_READS or _reads_open(expr):
            return Origin.FILE
        if isinstance(expr, cst.Call | cst.Subscript | cst.Attribute):
            return Origin.CALL
        return Origin.UNKNOWN

    def _call_or_subscript_names(self, expr: cst.BaseExpression) -> frozenset[str]:
        if isinstance(expr, cst.Call):
            names = set(self.qualified_names(expr.func))
            for arg in expr.args:  # json.load(open(...)) and friends
                names |= self._call_or_subscript_names(arg.value)
            return frozenset(names)
        if isinstance(expr, cst.Subscript):
            base = self.qualified_names(expr.value)
            return frozenset(base | {n + ".__getitem__" for n in base})
        return frozenset()

    def dict_keys(self, expr: cst.BaseExpression, at: cst.CSTNode) -> frozenset[str] | None:
        """String keys of the dict an expression evaluates to at ``at``, or None if unknown.

        Follows a name to its one assignment and adds the keys written to it before ``at`` in
        the same scope (``d["exp"] = ...``, ``d.update(...)``, ``d.setdefault(...)``). Any
        ``**spread``, computed key or opaque update makes the answer unknown: rules then stay
        quiet, since precision wins over recall.
        """
        if isinstance(expr, cst.Name):
            found = self.assignments(expr.value, at)
            if len(found) != 1 or found[0].value is None:
                return None
            base = self.dict_keys(found[0].value, found[0].value)
            if base is None:
                return None
            keys = set(base)
            scope = self.scope_of(at)
            limit = self.order_of(at)
            for write in self.index.key_writes.get((scope, expr.value), []):
                if write.order >= limit:
                    continue
                if write.key is None:
                    return None
                keys.add(write.key)
            return frozenset(keys)
        return literal_dict_keys(expr)

    def dict_value(
        self, expr: cst.BaseExpression, key: str, at: cst.CSTNode
    ) -> cst.BaseExpression | None:
        """The expression stored under ``key`` in a dict (literal or built up before ``at``)."""
        if isinstance(expr, cst.Name):
            found = self.assignments(expr.value, at)
            if len(found) != 1 or found[0].value is None:
                return None
            value = self.dict_value(found[0].value, key, found[0].value)
            scope = self.scope_of(at)
            limit = self.order_of(at)
            for write in self.index.key_writes.get((scope, expr.value), []):
                if write.order < limit and write.key == key:
                    value = write.value
            return value
        if isinstance(expr, cst.Dict):
            result = None
            for element in expr.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == key:
                    result = element.value
            return result
        if isinstance(expr, cst.Call) and dotted_name(expr.func) == "dict":
            for arg in expr.args:
                if arg.keyword is not None and arg.keyword.value == key:
                    return arg.value
        return None

    # -- arguments ------------------------------------------------------------------------

    def argument(
        self, call: cst.Call, keyword: str, position: int | None = None
    ) -> cst.BaseExpression | None:
        """The value passed as ``keyword`` (or at ``position``), ``**dict`` literals included.

        ``f(**{"ttl": 5})`` and ``opts = {"ttl": 5}; f(**opts)`` both give the ``5``; an
        argument that cannot be seen (behind ``*args`` or an opaque ``**kwargs``) gives None.
        """
        found = call_argument(call, position, keyword)
        if found is not None:
            return found
        for arg in call.args:
            if arg.star == "**":
                value = self.dict_value(arg.value, keyword, call)
                if value is not None:
                    return value
        return None

    def has_argument(
        self, call: cst.Call, keyword: str, position: int | None = None
    ) -> bool | None:
        """Whether ``keyword`` (or the positional slot) is passed: True, False, or None if unsure.

        None when a ``*args`` could fill the slot or a ``**kwargs`` has keys we cannot list;
        rules that fire on a *missing* argument must treat None as "present".
        """
        index = 0
        unsure = False
        for arg in call.args:
            if arg.star == "*":
                if position is not None and index <= position:
                    unsure = True
                continue
            if arg.star == "**":
                keys = self.dict_keys(arg.value, call)
                if keys is None:
                    unsure = True
                elif keyword in keys:
                    return True
                continue
            if arg.keyword is None:
                if position is not None and index == position:
                    return True
                index += 1
            elif arg.keyword.value == keyword:
                return True
        return None if unsure else False

    def constructed_by(
        self, expr: cst.BaseExpression, names: Collection[str], at: cst.CSTNode | None = None
    ) -> cst.Call | None:
        """The call that built ``expr`` if it is one of ``names`` (``s = hvac.Client(); s``)."""
        value = self.resolve(expr, at or expr)
        if isinstance(value, cst.Call) and self.is_call_to(value, names):
            return value
        return None

    def calls_on(self, name: str, at: cst.CSTNode) -> list[tuple[str, cst.Call]]:
        """``name.method(...)`` calls in the scope of ``at``, as (method, call), in order."""
        scope = self.scope_of(at)
        out = []
        stack: list[cst.CSTNode] = [scope]
        while stack:
            node = stack.pop()
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and isinstance(node.func.value, cst.Name)
                and node.func.value.value == name
                and self.scope_of(node) is scope
            ):
                out.append((node.func.attr.value, node))
            stack.extend(node.children)
        out.sort(key=lambda item: self.order_of(item[1]))
        return out

    # -- literals -------------------------------------------------------------------------

    def literal_string(
        self, expr: cst.BaseExpression, at: cst.CSTNode | None = None
    ) -> tuple[str, cst.BaseExpression] | None:
        """A string constant behind ``expr``, and the node that spells it.

        Follows names through single assignments (``KEY = "..."; f(key=KEY)``) and joins
        ``"a" "b"`` and ``"a" + "b"``; f-strings, ``%``/``format`` and anything computed at run
        time give None. The node is where the literal is written, for the finding's location.
        """
        value = self.resolve(expr, at or expr)
        text = string_value(value)
        if text is not None:
            return text, value
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            left = self.literal_string(value.left, value)
            right = self.literal_string(value.right, value)
            if left is not None and right is not None:
                return left[0] + right[0], value
        return None

    # -- durations ------------------------------------------------------------------------

    def fold_seconds(
        self, expr: cst.BaseExpression, at: cst.CSTNode | None = None, *, strings: bool = False
    ) -> int | None:
        """A constant duration in seconds, or None when it cannot be known for certain.

        Understands numbers, names bound once (module constants, local variables), ``+ - * /
        // **`` and unary minus, ``timedelta(...)`` and ``relativedelta(...)`` under any import
        alias (a year is 365 days, a month 30), ``timedelta.max``, ``int()``/``float()``/
        ``round()``, ``.total_seconds()``; with ``strings=True`` also duration strings
        (``"8760h"``, ``"30d"``, ``"P1Y"``, ``"3600"``) for APIs that take them (Vault).
        """
        value = self._fold(expr, at or expr, strings, 0)
        if value is None or value != value or abs(value) > 1e15:
            return None
        return int(value)

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
        return None if value is None else int(value)

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
        return int(instant - time.time())

    def _fold(
        self, expr: cst.BaseExpression, at: cst.CSTNode, strings: bool, depth: int
    ) -> float | None:
        if depth > _MAX_FOLD_DEPTH:
            return None
        depth += 1
        if isinstance(expr, cst.Integer | cst.Float):
            return float(expr.evaluated_value)
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
            return None
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
        return None

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
            stamp = float(expr.evaluated_value)
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
            if value is None:
                return None
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


# -- duration folding tables ----------------------------------------------------------------

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
            return float(left**right)
    except (ZeroDivisionError, OverflowError):
        return None
    return None


# -- pure helpers ---------------------------------------------------------------------------


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a string literal without interpolation (implicit concatenation included)."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else value.decode("latin-1")
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        if left is None or right is None:
            return None
        return left + right
    return None


def is_literal(node: cst.CSTNode) -> bool:
    """A constant expression: strings, numbers, and containers made only of them."""
    if isinstance(node, cst.SimpleString | cst.Integer | cst.Float):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return string_value(node) is not None
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.Dict):
        return all(
            isinstance(e, cst.DictElement) and is_literal(e.key) and is_literal(e.value)
            for e in node.elements
        )
    if isinstance(node, cst.List | cst.Tuple | cst.Set):
        return all(isinstance(e, cst.Element) and is_literal(e.value) for e in node.elements)
    if isinstance(node, cst.UnaryOperation):
        return is_literal(node.expression)
    return False


def literal_dict_keys(node: cst.CSTNode) -> frozenset[str] | None:
    """Keys of a dict display or ``dict(k=...)`` call; None if any key is not a constant."""
    if isinstance(node, cst.Dict):
        keys: set[str] = set()
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return None  # **spread
            key = string_value(element.key)
            if key is None:
                return None
            keys.add(key)
        return frozenset(keys)
    if isinstance(node, cst.Call) and dotted_name(node.func) == "dict":
        keys = set()
        for arg in node.args:
            if arg.keyword is None:
                return None
            keys.add(arg.keyword.value)
        return frozenset(keys)
    return None


def call_argument(
    call: cst.Call, position: int | None, keyword: str | None
) -> cst.BaseExpression | None:
    """The argument passed at ``position`` (0-based, positional only) or as ``keyword``."""
    index = 0
    for arg in call.args:
        if arg.star:
            return None if keyword is None else _keyword_only(call, keyword)
        if arg.keyword is None:
            if position is not None and index == position:
                return arg.value
            index += 1
        elif keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None


def _keyword_only(call: cst.Call, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None


def _reads_open(expr: cst.BaseExpression) -> bool:
    """``open(...).read()``, ``json.load(open(...))``, ``Path(...).read_text()``."""
    for node in _iter_calls(expr):
        if dotted_name(node.func) == "open":
            return True
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in (
            "read",
            "read_text",
            "read_bytes",
            "readline",
        ):
            return True
    return False


def _iter_calls(expr: cst.BaseExpression) -> Iterator[cst.Call]:
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            yield node
        stack.extend(node.children)


# -- the index ------------------------------------------------------------------------------


@dataclass
class _Index:
    imports: dict[str, set[str]]
    assignments: dict[tuple[ScopeNode, str], list[Assignment]]
    key_writes: dict[tuple[ScopeNode, str], list[KeyWrite]]
    scope_of: dict[cst.CSTNode, ScopeNode]
    order: dict[cst.CSTNode, int]


class _Indexer(cst.CSTVisitor):
    """One pass: imports, bindings per scope, dict key writes, and each node's scope and order."""

    def __init__(self) -> None:
        self.index = _Index(
            imports=defaultdict(set),
            assignments=defaultdict(list),
            key_writes=defaultdict(list),
            scope_of={},
            order={},
        )
        self._scopes: list[ScopeNode] = []
        self._counter = 0

    # scope bookkeeping
    def on_visit(self, node: cst.CSTNode) -> bool:
        self._counter += 1
        if self._scopes:
            self.index.scope_of[node] = self._scopes[-1]
        self.index.order[node] = self._counter
        if type(node) in _SCOPE_TYPES:
            if isinstance(node, cst.FunctionDef | cst.ClassDef) and self._scopes:
                self._bind(node.name.value, None)
            self._scopes.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if type(original_node) in _SCOPE_TYPES:
            self._scopes.pop()
        super().on_leave(original_node)

    def _bind(self, name: str, value: cst.BaseExpression | None, *, parameter: bool = False) -> None:
        scope = self._scopes[-1]
        self.index.assignments[(scope, name)].append(
            Assignment(name, value, self._counter, is_parameter=parameter)
        )

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            key: str | None = None
            if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
                key = string_value(target.slice[0].slice.value)
            self._key_write(target.value.value, key, value, target)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    def _key_write(
        self, name: str, key: str | None, value: cst.BaseExpression | None, node: cst.CSTNode
    ) -> None:
        scope = self._scopes[-1]
        self.index.key_writes[(scope, name)].append(KeyWrite(key, value, self._counter, node))

    # imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.index.imports[alias.asname.name.value].add(full)
            else:
                head = full.split(".")[0]
                self.index.imports[head].add(head)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module)
        if module is None:
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            bound = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name.value
            self.index.imports[bound].add(f"{module}.{name}")

    # bindings
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            if isinstance(node.operator, cst.BitOrAssign) and isinstance(node.value, cst.Dict):
                for element in node.value.elements:
                    key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                    value = element.value if isinstance(element, cst.DictElement) else None
                    self._key_write(node.target.value, key, value, node)
            else:
                self._bind(node.target.value, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, None)

    def visit_Param(self, node: cst.Param) -> None:
        self._bind(node.name.value, None, parameter=True)

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._bind(item.name.value, None)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return
        method = func.attr.value
        name = func.value.value
        if method == "update":
            if len(node.args) == 1 and node.args[0].keyword is None:
                keys = literal_dict_keys(node.args[0].value)
                if keys is None:
                    self._key_write(name, None, None, node)
                else:
                    for key in keys:
                        self._key_write(name, key, None, node)
            else:
                for arg in node.args:
                    keyword = arg.keyword.value if arg.keyword is not None else None
                    self._key_write(name, keyword, arg.value, node)
        elif method == "setdefault" and node.args:
            self._key_write(
                name,
                string_value(node.args[0].value),
                node.args[1].value if len(node.args) > 1 else None,
                node,
            )
        elif method == "__setitem__" and node.args:
            self._key_write(name, string_value(node.args[0].value), None, node)
