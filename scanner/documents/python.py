"""Python parsed with LibCST, plus the small analyses every Python rule shares.

LibCST's ``QualifiedNameProvider`` and ``ScopeProvider`` are exact but cost several times the
parse itself. Rules here need much less: which imported API a call refers to (through aliases and
function-level imports), and where a name's value came from within the module. Both are computed
by one cheap pass, only on the files the prefilter sends to LibCST, and only when a rule asks.
"""

from __future__ import annotations

import datetime
import enum
import math
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import TypeVar, cast

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from scanner.documents.cstwalk import walk
from scanner.documents.text import max_bracket_depth
from scanner.durations import clamp_seconds, parse_duration
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


# JWT encode functions and where their claims argument sits: (position, keyword).
_JWT_ENCODERS: dict[str, tuple[int, str]] = {
    "jwt.encode": (0, "payload"),  # PyJWT
    "jwt.api_jwt.encode": (0, "payload"),
    "jose.jwt.encode": (0, "claims"),  # python-jose
    "authlib.jose.jwt.encode": (1, "payload"),  # authlib: encode(header, payload, key)
}
_AUTHLIB_JWT = "authlib.jose.JsonWebToken"


class PythonDocument:
    """A parsed module with an import table and a lazy intra-module data-flow index."""

    def __init__(self, path: str, text: str, now: float | None = None) -> None:
        self.path = path
        self.text = text
        #: Scan time, the "now" of relative deadlines; one value for the whole scan.
        self.now = time.time() if now is None else now
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
        self._flow: _Flow | None = None

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
            walk(self.module, {}, {}, enter=indexer.on_visit, leave=indexer.on_leave)
            self._index = indexer.index
        return self._index

    @property
    def imports(self) -> dict[str, set[str]]:
        """Bound name -> imported qualified names, from a walk over statements only.

        The full index visits every node; most calls a rule looks at need only the imports, so
        these are collected on their own (a few percent of the nodes) and the index is built
        when a rule first follows a name.
        """
        found: dict[str, set[str]] | None = self.__dict__.get("_imports")
        if found is None:
            index = self._index
            found = index.imports if index is not None else _collect_imports(self.module)
            self.__dict__["_imports"] = found
        return found

    def imports_from(self, *modules: str) -> bool:
        """Whether anything is imported from one of ``modules`` (``"redis"``, ``"jwt.api_jwt"``).

        A cheap guard before following names: it needs the import table only.
        """
        return any(
            target == module or target.startswith(module + ".")
            for targets in self.imports.values()
            for target in targets
            for module in modules
        )

    def qualified_names(self, node: cst.CSTNode) -> frozenset[str]:
        """Qualified names an expression may refer to, through the module's imports.

        ``import jwt as j; j.encode`` gives ``{"jwt.encode"}``; ``from jose import jwt`` makes
        ``jwt.encode`` ``{"jose.jwt.encode"}``. A name that was never imported gives nothing.
        """
        dotted = dotted_name(node)
        if dotted is None:
            return frozenset()
        head, _, rest = dotted.partition(".")
        targets = self.imports.get(head)
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

    def single_value(
        self, name: cst.Name, at: cst.CSTNode | None = None
    ) -> cst.BaseExpression | None:
        """The one expression assigned to ``name``; None when there are several or none."""
        found = self.assignments(name.value, at or name)
        if len(found) != 1 or found[0].value is None:
            return None
        return found[0].value

    def resolve(
        self, expr: cst.BaseExpression, at: cst.CSTNode | None = None
    ) -> cst.BaseExpression:
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

    def jwt_claims(self, call: cst.Call) -> cst.BaseExpression | None:
        """The claims argument of a call that mints a JWT, or None for any other call.

        PyJWT ``jwt.encode(payload, ...)``, python-jose ``jwt.encode(claims, ...)``, authlib's
        ``jwt.encode(header, payload, key)`` and ``JsonWebToken(...).encode(...)``, under any
        import alias. Shared by the rules about a token's ``exp``.
        """
        slot = None
        for name in self.qualified_names(call.func):
            slot = _JWT_ENCODERS.get(name, slot)
        func = call.func
        if (
            slot is None
            and isinstance(func, cst.Attribute)
            and func.attr.value == "encode"
            and self.imports_from("authlib")
        ):
            base = self.resolve(func.value, call)
            if isinstance(base, cst.Call) and _AUTHLIB_JWT in self.qualified_names(base.func):
                slot = _JWT_ENCODERS["authlib.jose.jwt.encode"]
        return None if slot is None else call_argument(call, *slot)

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

    # -- fake-session building blocks (rules.md 2.2) ----------------------------------------

    @property
    def flow(self) -> _Flow:
        """Defs, calls, loops and the analyses on them: built only when a fake-session rule
        asks, from the index's node table (no extra walk of the tree)."""
        if self._flow is None:
            self._flow = _Flow(self)
        return self._flow

    def credential_source(
        self,
        expr: cst.BaseExpression,
        at: cst.CSTNode | None = None,
        *,
        within: cst.CSTNode | None = None,
    ) -> CredentialSource:
        """Where a credential comes from (rules.md 2.2 B): a literal, static config (a module
        constant, env, settings, a file, the keyring, a secret read once), a rotating chain, a
        federated platform source, a parameter, or unknown. Names, ``self.x`` attributes,
        dict fields, this module's functions' return values and, for a parameter, every call
        of its function in the module are followed. ``within`` is the loop the credential is
        used in: a secret-manager read inside it is not static.
        """
        return self.flow.source(expr, at or expr, within)

    def callable_def(
        self, expr: cst.BaseExpression | None, at: cst.CSTNode
    ) -> cst.FunctionDef | cst.Lambda | None:
        """The function of this module a call or callback refers to (``f``, ``self.m``,
        ``obj.m`` for ``obj = Cls()``, ``functools.partial(f)``, a lambda)."""
        return self.flow.callable_def(expr, at)

    def reachable_calls(self, root: cst.CSTNode, depth: int = 2) -> list[cst.Call]:
        """Calls ``root`` runs, and those of this module's functions it calls, ``depth`` deep."""
        return self.flow.reachable_calls(root, depth)

    def first_wait(self, calls: list[cst.Call]) -> cst.Call | None:
        """A sleep (``time``/``asyncio``/...), or a ``wait(timeout)``, among ``calls``."""
        return self.flow.first_wait(calls)

    def unbounded_loops(self, deadline_limit: int | None = None) -> list[cst.While | cst.For]:
        """Loops that run forever (rules.md 2.2 C); see ``_Flow.is_unbounded``."""
        return self.flow.unbounded_loops(deadline_limit)

    def recursions(self) -> list[tuple[cst.FunctionDef, cst.Call]]:
        """Functions that call themselves unconditionally, with the recursive call."""
        return self.flow.recursions()

    def schedules(self) -> list[Schedule]:
        """Re-arming timers, threads, asyncio tasks, ``schedule``/APScheduler/``sched``/Celery
        jobs, each with the function it runs (rules.md 2.2 C)."""
        return self.flow.schedules()

    def inside(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        """Whether ``node`` is ``outer`` or lexically within it."""
        return self.flow.inside(node, outer)

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        return self.flow.enclosing_function(node)

    def calls(self) -> list[cst.Call]:
        """Every call in the module, in source order."""
        return self.flow.ix.calls

    def value_of(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.BaseExpression:
        """The one expression behind a name or a ``self.x``/``obj.x`` attribute, ``None``
        placeholders aside (``self.s = None`` in ``__init__``, set for real later); else
        ``expr`` itself."""
        return self.flow.value_of(expr, at)

    def attribute_writes(self, name: str, attr: str, at: cst.CSTNode) -> list[cst.BaseExpression]:
        """Values assigned to ``name.attr`` (``client.token = ...``) in scopes ``at`` sees."""
        return self.flow.attribute_writes(name, attr, at)

    def strings(self, expr: cst.CSTNode, at: cst.CSTNode) -> list[str]:
        """String constants (f-string text included) an expression is built from."""
        return self.flow.strings(expr, at)

    @property
    def is_test_code(self) -> bool:
        """Test files (rules.md 2.3.5), whose findings rules downgrade to ``info``."""
        return is_test_path(self.path)


def _collect_imports(module: cst.Module) -> dict[str, set[str]]:
    """The import table from a walk over statements only (imports are statements).

    Reads the statement fields directly: LibCST's ``children`` rebuilds a node's child list
    on every access, which made this walk cost as much as the full index.
    """
    indexer = _Indexer()
    stack: list[object] = [module]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Import:
            indexer.visit_Import(node)  # type: ignore[arg-type]
        elif kind is cst.ImportFrom:
            indexer.visit_ImportFrom(node)  # type: ignore[arg-type]
        elif kind in _SMALL_STATEMENT_HOLDERS:
            stack.extend(node.body)  # type: ignore[attr-defined]
        elif kind in _COMPOUND_STATEMENTS:
            for field in ("body", "orelse", "handlers", "finalbody", "cases"):
                value = getattr(node, field, None)
                if isinstance(value, tuple | list):
                    stack.extend(value)
                elif value is not None:
                    stack.append(value)
    return indexer.index.imports


#: Nodes whose ``body`` is a sequence of statements or small statements.
_SMALL_STATEMENT_HOLDERS = frozenset(
    {cst.Module, cst.IndentedBlock, cst.SimpleStatementLine, cst.SimpleStatementSuite}
)
#: Nodes that hold suites under ``body``/``orelse``/``handlers``/``finalbody``/``cases``.
_COMPOUND_STATEMENTS = frozenset(
    {
        cst.If,
        cst.Else,
        cst.For,
        cst.While,
        cst.Try,
        cst.TryStar,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.Finally,
        cst.With,
        cst.FunctionDef,
        cst.ClassDef,
        cst.Match,
        cst.MatchCase,
    }
)


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
            result = left**right
            return result if isinstance(result, float) else None  # (-8) ** 0.5 is complex
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return None


def literal_number(node: cst.Integer | cst.Float) -> float:
    """A numeric literal as a float, never raising on a hostile one.

    A literal of more than 4,300 digits cannot be converted (``int()`` refuses it) and a
    400-digit one overflows a float: both are ``inf``, "far beyond any limit", which the
    duration folds clamp to ``MAX_SECONDS`` rather than failing the rule.
    """
    try:
        return float(node.evaluated_value)
    except (ValueError, SyntaxError, OverflowError, MemoryError):
        return math.inf


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
            self._scopes.append(cast(ScopeNode, node))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if type(original_node) in _SCOPE_TYPES:
            self._scopes.pop()
        super().on_leave(original_node)

    def _bind(
        self, name: str, value: cst.BaseExpression | None, *, parameter: bool = False
    ) -> None:
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
                    if isinstance(element, cst.DictElement):
                        key, value = string_value(element.key), element.value
                    else:
                        key, value = None, None
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


# -- fake-session building blocks (rules.md 2.2 B, C, D) ------------------------------------


class CredentialClass(enum.Enum):
    """Where a credential comes from, as rules.md 2.2 B classifies it."""

    LITERAL = "literal"  # a string constant in the code
    STATIC_CONFIG = "static-config"  # env, settings, a file, the keyring, a secret read once...
    ROTATING_CHAIN = "rotating-chain"  # stored, then replaced by each refresh response
    FEDERATED = "federated"  # platform-attested: projected token file, IMDS, default chain
    PARAMETER = "parameter"  # decided by a caller we cannot see (library code)
    UNKNOWN = "unknown"  # anything we cannot follow: never enough to report


_STORED_CLASSES = frozenset(
    {CredentialClass.LITERAL, CredentialClass.STATIC_CONFIG, CredentialClass.ROTATING_CHAIN}
)


@dataclass(frozen=True, slots=True)
class CredentialSource:
    """A credential's class, where it is written or read (for related locations), and how."""

    kind: CredentialClass
    node: cst.CSTNode | None = None
    description: str = ""
    value: str | None = None  # the string, for LITERAL

    @property
    def stored(self) -> bool:
        """A long-lived credential kept by the workload itself (literal, config, chain)."""
        return self.kind in _STORED_CLASSES


_UNKNOWN = CredentialSource(CredentialClass.UNKNOWN)
_PARAMETER = CredentialSource(CredentialClass.PARAMETER)

#: Strings that name a platform-attested source (rules.md 2.2 B, FEDERATED).
_FEDERATED_MARKERS = (
    "serviceaccount/token",
    "169.254.169.254",
    "169.254.170.2",
    "fd00:ec2::254",
    "metadata.google.internal",
    "azure_federated_token_file",
    "aws_web_identity_token_file",
    "aws_container_credentials",
    "actions_id_token_request",
    "identity_endpoint",
    "msi_endpoint",
    "id_token",
)
_FEDERATED_CALL_PREFIXES = (
    "google.auth.default",
    "google.auth.identity_pool",
    "google.auth.aws",
    "google.auth.compute_engine",
    "google.auth.impersonated_credentials",
    "azure.identity.DefaultAzureCredential",
    "azure.identity.ManagedIdentityCredential",
    "azure.identity.WorkloadIdentityCredential",
    "azure.identity.aio.DefaultAzureCredential",
    "azure.identity.aio.ManagedIdentityCredential",
    "azure.identity.aio.WorkloadIdentityCredential",
    "botocore.credentials.RefreshableCredentials",
    "botocore.credentials.InstanceMetadataProvider",
    "botocore.credentials.AssumeRoleWithWebIdentityProvider",
    "kubernetes.config.load_incluster_config",
    "kubernetes.config.incluster_config",
)
#: Loaders of an open file: a file source only when their argument is a file.
_LOADS = frozenset(
    {"json.load", "yaml.safe_load", "yaml.load", "tomllib.load", "tomli.load", "pickle.load"}
)
#: Loaders that take a path.
_PATH_LOADS = frozenset({"toml.load", "dotenv.dotenv_values", "dotenv.main.dotenv_values"})
_CONFIG_MODULES = frozenset(
    {"settings", "config", "conf", "configuration", "secrets", "credentials", "local_settings"}
)
_SETTINGS_BASES = frozenset({"pydantic.BaseSettings", "pydantic_settings.BaseSettings"})
_PASS_THROUGH_METHODS = frozenset(
    {"strip", "rstrip", "lstrip", "decode", "encode", "lower", "upper", "get_secret_value"}
)
_PASS_THROUGH_CALLS = frozenset(
    {"json.loads", "base64.b64decode", "base64.urlsafe_b64decode"}
)
_SECRET_MANAGER_METHODS = frozenset(
    {"get_secret_value", "access_secret_version", "read_secret_version", "get_secret"}
)
_CLOCKS = frozenset({"time.monotonic", "time.perf_counter", "time.time"})
_WAITS = frozenset(
    {"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep"}
)

Callable_ = cst.FunctionDef | cst.Lambda
LoopNode = cst.While | cst.For
_SourceKey = tuple[cst.CSTNode, cst.CSTNode, cst.CSTNode | None]


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


def is_test_path(path: str) -> bool:
    """Test code (rules.md 2.3.5): ``tests/``, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


_FLOW_KINDS: frozenset[type[cst.CSTNode]] = frozenset(
    {
        cst.Call,
        cst.FunctionDef,
        cst.ClassDef,
        cst.While,
        cst.For,
        cst.Global,
        cst.Assign,
        cst.AnnAssign,
        cst.WithItem,
        cst.Import,
        cst.ImportFrom,
    }
)


class _FlowIndex:
    """Defs, calls, loops and bindings the fake-session analyses need, read off the index's
    node table: no second walk of the tree (a LibCST walk costs about as much as the parse)."""

    def __init__(self, index: _Index) -> None:
        self.defs: dict[tuple[cst.CSTNode, str], list[cst.FunctionDef | cst.ClassDef]] = (
            defaultdict(list)
        )
        self.calls: list[cst.Call] = []
        self.loops: list[LoopNode] = []
        self.functions: list[cst.FunctionDef] = []
        self.globals: dict[cst.CSTNode, set[str]] = defaultdict(set)
        self.attr_writes: dict[tuple[cst.CSTNode, str, str], list[cst.BaseExpression]] = (
            defaultdict(list)
        )
        self.with_items: dict[tuple[cst.CSTNode, str], list[cst.WithItem]] = defaultdict(list)
        self.from_imports: dict[str, tuple[str, cst.ImportAlias]] = {}
        self.imported: dict[cst.CSTNode, set[str]] = defaultdict(set)  # names imports bind
        scope_of = index.scope_of
        for node in index.order:  # every node, in source order; exact types are cheap
            kind = type(node)
            if kind not in _FLOW_KINDS:
                continue
            if isinstance(node, cst.Call):
                self.calls.append(node)
            elif isinstance(node, cst.FunctionDef | cst.ClassDef):
                if isinstance(node, cst.FunctionDef):
                    self.functions.append(node)
                if node in scope_of:
                    self.defs[(scope_of[node], node.name.value)].append(node)
            elif isinstance(node, cst.While | cst.For):
                self.loops.append(node)
            elif isinstance(node, cst.Global) and node in scope_of:
                self.globals[scope_of[node]].update(n.name.value for n in node.names)
            elif isinstance(node, cst.Assign | cst.AnnAssign) and node in scope_of:
                self._attr_writes(node, scope_of[node])
            elif isinstance(node, cst.WithItem) and node in scope_of:
                if node.asname is not None and isinstance(node.asname.name, cst.Name):
                    self.with_items[(scope_of[node], node.asname.name.value)].append(node)
            elif isinstance(node, cst.Import | cst.ImportFrom):
                self._import(node, scope_of.get(node))

    def _attr_writes(self, node: cst.Assign | cst.AnnAssign, scope: cst.CSTNode) -> None:
        if node.value is None:
            return
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        else:
            targets = [node.target]
        for target in targets:
            if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
                key = (scope, target.value.value, target.attr.value)
                self.attr_writes[key].append(node.value)

    def _import(self, node: cst.Import | cst.ImportFrom, scope: cst.CSTNode | None) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = ""
        if isinstance(node, cst.ImportFrom):
            module = "." * len(node.relative)
            if node.module is not None:
                module += dotted_name(node.module) or ""
        for alias in node.names:
            bound: cst.BaseExpression = alias.name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                bound = alias.asname.name
            name = (dotted_name(bound) or "").split(".")[0]
            if not name:
                continue
            if scope is not None:
                self.imported[scope].add(name)
            if isinstance(node, cst.ImportFrom):
                self.from_imports[name] = (module, alias)


class _Flow:
    """The fake-session analyses of one document (credential sources, loops, schedules)."""

    def __init__(self, doc: PythonDocument) -> None:
        self.doc = doc
        self.ix = _FlowIndex(doc.index)
        self._schedules: list[Schedule] | None = None
        self._callers: dict[cst.CSTNode, list[cst.Call]] | None = None
        self._callees: dict[cst.CSTNode, Callable_ | None] = {}
        self._sources: dict[_SourceKey, CredentialSource] = {}
        self._active: set[_SourceKey] = set()
        self._last: dict[cst.CSTNode, int] = {}
        self._reach: dict[tuple[cst.CSTNode, int], list[cst.Call]] = {}

    # -- structure ----------------------------------------------------------------------

    def _last_order(self, node: cst.CSTNode) -> int:
        """Preorder number of the last node in ``node``'s subtree."""
        if node not in self._last:
            order = self.doc.index.order
            current = node
            while True:  # the index skips whitespace and punctuation nodes
                children = [c for c in current.children if c in order]
                if not children:
                    break
                current = children[-1]
            self._last[node] = self.doc.order_of(current)
        return self._last[node]

    def inside(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        """``node`` is ``outer`` or within it (preorder numbers, no parent map needed)."""
        if node is outer:
            return True
        position = self.doc.order_of(node)
        return self.doc.order_of(outer) < position <= self._last_order(outer)

    def path(self, root: cst.CSTNode, node: cst.CSTNode) -> list[cst.CSTNode]:
        """The nodes from ``root`` down to ``node`` (both included), or [] if not inside."""
        if not self.inside(node, root):
            return []
        target = self.doc.order_of(node)
        out = [root]
        current = root
        while current is not node:
            below = [c for c in current.children if self.doc.order_of(c) <= target]
            if not below:
                return []
            current = below[-1]
            out.append(current)
        return out

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        scope: cst.CSTNode = node
        while not isinstance(scope, cst.Module):
            scope = self.doc.scope_of(scope)
            if isinstance(scope, cst.FunctionDef):
                return scope
        return None

    def _scope_chain(self, at: cst.CSTNode) -> list[ScopeNode]:
        """Scopes whose names ``at`` can see, innermost first (class bodies only their own)."""
        scope: ScopeNode = self.doc.scope_of(at)
        chain = [scope]
        while not isinstance(scope, cst.Module):
            scope = self.doc.scope_of(scope)
            if not isinstance(scope, cst.ClassDef):
                chain.append(scope)
        return chain

    def lookup_def(self, name: str, at: cst.CSTNode) -> cst.FunctionDef | cst.ClassDef | None:
        for scope in self._scope_chain(at):
            if name in self.ix.imported.get(scope, ()):
                return None  # ``from x import name`` inside the function shadows ours
            found = self.ix.defs.get((scope, name))
            if found:
                return found[0] if len(found) == 1 else None
            if self.doc.index.assignments.get((scope, name)):
                return None  # rebound to something else
        return None

    def _shadowed_by_import(self, name: str, at: cst.CSTNode) -> bool:
        for scope in self._scope_chain(at):
            if name in self.ix.imported.get(scope, ()):
                return True
            if self.ix.defs.get((scope, name)) or self.doc.index.assignments.get((scope, name)):
                return False
        return False

    def _method(self, cls: cst.ClassDef, name: str) -> cst.FunctionDef | None:
        found = self.ix.defs.get((cls, name))
        if found and len(found) == 1 and isinstance(found[0], cst.FunctionDef):
            return found[0]
        return None

    def _self_class(self, name: cst.Name) -> cst.ClassDef | None:
        """The class of ``self`` (or ``cls``) when ``name`` is a method's first parameter."""
        for scope in self._scope_chain(name):
            if isinstance(scope, cst.FunctionDef):
                params = [*scope.params.posonly_params, *scope.params.params]
                owner = self.doc.scope_of(scope)
                if params and params[0].name.value == name.value:
                    static = any(
                        dotted_name(d.decorator) == "staticmethod" for d in scope.decorators
                    )
                    return owner if isinstance(owner, cst.ClassDef) and not static else None
                if isinstance(owner, cst.ClassDef):
                    return None
        return None

    def instance_class(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.ClassDef | None:
        """The local class ``expr`` is an instance of: ``self``, or ``x = Cls(...)``."""
        if isinstance(expr, cst.Name):
            cls = self._self_class(expr)
            if cls is not None:
                return cls
            value = self.doc.resolve(expr, at)
            if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                found = self.lookup_def(value.func.value, value)
                return found if isinstance(found, cst.ClassDef) else None
        return None

    def callable_def(
        self, expr: cst.BaseExpression | None, at: cst.CSTNode, _hops: int = 0
    ) -> Callable_ | None:
        """The function (or lambda) of this module an expression calls or passes as a callback."""
        if expr is None or _hops > 4:
            return None
        if _hops == 0:
            if expr not in self._callees:
                self._callees[expr] = self.callable_def(expr, at, 1)
            return self._callees[expr]
        if isinstance(expr, cst.Lambda):
            return expr
        if isinstance(expr, cst.Name):
            found = self.lookup_def(expr.value, at)
            if isinstance(found, cst.FunctionDef):
                return found
            if self._shadowed_by_import(expr.value, at):
                return None
            value = self.doc.resolve(expr, at)
            if value is not expr and isinstance(value, cst.Lambda | cst.Name | cst.Attribute):
                return self.callable_def(value, value, _hops + 1)
            return None
        if isinstance(expr, cst.Attribute):
            cls = self.instance_class(expr.value, at)
            if cls is not None:
                return self._method(cls, expr.attr.value)
            return None
        if isinstance(expr, cst.Call) and self.doc.qualified_names(expr.func) & {
            "functools.partial"
        }:
            return self.callable_def(call_argument(expr, 0, None), at, _hops + 1)
        return None

    def value_of(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.BaseExpression:
        for _ in range(8):
            if isinstance(expr, cst.Name):
                values = [b.value for b in self._bindings(expr.value, at)[1]]
            elif isinstance(expr, cst.Attribute):
                cls = self.instance_class(expr.value, at)
                if cls is None:
                    break
                values = list(self._member_writes(cls, expr.attr.value))
            else:
                break
            kept = [v for v in values if v is None or not _is_none_literal(v)]
            if len(kept) != 1 or kept[0] is None:
                break
            expr = at = kept[0]
        return expr

    def attribute_writes(self, name: str, attr: str, at: cst.CSTNode) -> list[cst.BaseExpression]:
        out: list[cst.BaseExpression] = []
        for scope in self._scope_chain(at):
            out.extend(self.ix.attr_writes.get((scope, name, attr), []))
        return out

    def _member_writes(self, cls: cst.ClassDef, attr: str) -> list[cst.BaseExpression]:
        """``self.attr = ...`` in the class's methods, else its class attribute."""
        values: list[cst.BaseExpression] = []
        for method in self.ix.functions:
            if self.doc.scope_of(method) is not cls:
                continue
            params = [*method.params.posonly_params, *method.params.params]
            if params:
                values.extend(self.ix.attr_writes.get((method, params[0].name.value, attr), []))
        if not values:
            values = [
                b.value
                for b in self.doc.index.assignments.get((cls, attr), [])
                if b.value is not None
            ]
        return values

    def _body_calls(self, root: cst.CSTNode) -> list[cst.Call]:
        """Calls run by ``root`` itself: nested definitions are not executed by it."""
        out: list[cst.Call] = []
        stack: list[cst.CSTNode] = list(root.children)
        if isinstance(root, cst.FunctionDef | cst.Lambda):
            stack = [root.body]
        elif isinstance(root, cst.While):
            stack = [root.test, root.body]
        elif isinstance(root, cst.For):
            stack = [root.iter, root.body]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                continue
            if isinstance(node, cst.Call):
                out.append(node)
            stack.extend(node.children)
        return out

    def reachable_calls(self, root: cst.CSTNode, depth: int = 2) -> list[cst.Call]:
        """Calls inside ``root``, and inside this module's functions it calls (rules.md 2.2 D)."""
        key = (root, depth)
        if key not in self._reach:
            self._reach[key] = self._reachable_calls(root, depth)
        return self._reach[key]

    def _reachable_calls(self, root: cst.CSTNode, depth: int) -> list[cst.Call]:
        out: list[cst.Call] = []
        seen: set[cst.CSTNode] = {root}
        frontier: list[tuple[cst.CSTNode, int]] = [(root, depth)]
        while frontier:
            node, left = frontier.pop()
            for call in self._body_calls(node):
                out.append(call)
                if left <= 0:
                    continue
                target = self.callable_def(call.func, call)
                if target is not None and target not in seen:
                    seen.add(target)
                    frontier.append((target, left - 1))
        return out

    def first_wait(self, calls: list[cst.Call]) -> cst.Call | None:
        """A sleep, or a ``wait`` with a timeout, among ``calls``."""
        for call in calls:
            names = self.doc.qualified_names(call.func)
            if names & _WAITS:
                return call
            if names & {"asyncio.wait_for"}:
                return call
            if names & {"asyncio.wait"}:
                continue
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value == "wait" and call.args:
                return call  # Event.wait(timeout), Condition.wait(timeout)
        return None

    # -- unbounded repetition (rules.md 2.2 C) --------------------------------------------

    def unbounded_loops(self, deadline_limit: int | None = None) -> list[LoopNode]:
        return [loop for loop in self.ix.loops if self.is_unbounded(loop, deadline_limit)]

    def is_unbounded(self, loop: LoopNode, deadline_limit: int | None = None) -> bool:
        """``while True``, ``while not stop.is_set()``, ``while self.running``, ``for _ in
        itertools.count()`` with no ``break`` or ``return`` that ends them in normal operation;
        and, when ``deadline_limit`` is given, ``while time.time() < start + D`` with ``D``
        above it. ``for _ in range(n)``, ``while attempt < n`` and short deadlines are bounded.
        """
        if isinstance(loop, cst.While):
            if not self._forever_test(loop.test, loop, deadline_limit):
                return False
        elif not self._endless_iterable(loop.iter):
            return False
        return not self._ends(loop)

    def _forever_test(
        self, test: cst.BaseExpression, loop: cst.While, deadline_limit: int | None
    ) -> bool:
        if isinstance(test, cst.Name) and test.value == "True":
            return True
        if isinstance(test, cst.Integer):
            return literal_number(test) != 0
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            return self._forever_test(test.left, loop, deadline_limit) and self._forever_test(
                test.right, loop, deadline_limit
            )
        if isinstance(test, cst.Comparison):
            if deadline_limit is None:
                return False
            span = self._deadline_span(test)
            return span is not None and span > deadline_limit
        return self._is_flag(test, loop.body)

    def _deadline_span(self, test: cst.Comparison) -> int | None:
        """``D`` in ``while now() < deadline`` with ``deadline = now() + D`` (seconds)."""
        if len(test.comparisons) != 1:
            return None
        target = test.comparisons[0]
        left, right = test.left, target.comparator
        if isinstance(target.operator, cst.GreaterThan | cst.GreaterThanEqual):
            left, right = right, left
        elif not isinstance(target.operator, cst.LessThan | cst.LessThanEqual):
            return None
        if not self._is_clock(left):
            return None
        limit = self.doc.resolve(right, test)
        if (
            isinstance(limit, cst.BinaryOperation)
            and isinstance(limit.operator, cst.Add)
            and self._is_clock(self.doc.resolve(limit.left, limit))
        ):
            return self.doc.fold_seconds(limit.right, limit)
        return None

    def _is_clock(self, expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Call):
            if self.doc.qualified_names(expr.func) & _CLOCKS:
                return True
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "time":
                return not expr.args  # loop.time()
        return self.doc.is_now(expr)

    def _is_flag(self, test: cst.BaseExpression, body: cst.CSTNode) -> bool:
        """A stop flag: ``not ev.is_set()``, ``not ev.wait(t)``, ``self.running``, ``running``."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
            if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute):
                return test.func.attr.value in ("is_set", "wait")
        elif isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute):
            return False
        if isinstance(test, cst.Name) and test.value not in ("False", "None"):
            values = [b.value for b in self._bindings(test.value, test)[1]]
            if not _only_booleans(values):
                return False  # a work queue (``while stack:``), not a stop flag
            return not _assigns(body, lambda t: isinstance(t, cst.Name) and t.value == test.value)
        if (
            isinstance(test, cst.Attribute)
            and isinstance(test.value, cst.Name)
            and test.value.value in ("self", "cls")
        ):
            attr = test.attr.value
            cls = self._self_class(test.value)
            if cls is None or not _only_booleans(list(self._member_writes(cls, attr))):
                return False
            return not _assigns(
                body,
                lambda t: isinstance(t, cst.Attribute)
                and t.attr.value == attr
                and isinstance(t.value, cst.Name)
                and t.value.value in ("self", "cls"),
            )
        return False

    def _is_stop_check(self, test: cst.BaseExpression, body: cst.CSTNode) -> bool:
        """``if stop.is_set(): break`` is the loop condition again, not an end of the session:
        ``ev.is_set()``, ``ev.wait(t)``, a stop flag, or their negations."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test = test.expression
        if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute):
            return test.func.attr.value in ("is_set", "wait")
        return self._is_flag(test, body)

    def _endless_iterable(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Call):
            return False
        names = self.doc.qualified_names(expr.func)
        if names & {"itertools.count", "itertools.cycle"}:
            return True
        if names & {"itertools.repeat"}:
            return len(expr.args) == 1 and expr.args[0].keyword is None
        if dotted_name(expr.func) == "iter" and len(expr.args) == 2:  # iter(int, 1)
            sentinel = expr.args[1].value
            return dotted_name(expr.args[0].value) == "int" and (
                isinstance(sentinel, cst.Integer) and literal_number(sentinel) != 0
            )
        return False

    def _ends(self, loop: LoopNode) -> bool:
        """A ``break`` or ``return`` that ends the loop in normal operation: not an exit on an
        error (in an ``except``), not a stop-flag check (which is the loop condition again)."""
        stack: list[tuple[cst.CSTNode, bool]] = [(loop.body, False)]
        while stack:
            node, nested = stack.pop()
            if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                continue
            if isinstance(node, cst.ExceptHandler | cst.ExceptStarHandler):
                continue
            if isinstance(node, cst.Return) or (isinstance(node, cst.Break) and not nested):
                return True
            if isinstance(node, cst.If) and self._is_stop_check(node.test, loop.body):
                if node.orelse is not None:
                    stack.append((node.orelse, nested))
                continue
            if isinstance(node, cst.While | cst.For):
                stack.append((node.body, True))  # its breaks end only itself
                if node.orelse is not None:
                    stack.append((node.orelse, nested))
                continue
            stack.extend((child, nested) for child in node.children)
        return False

    def recursions(self) -> list[tuple[cst.FunctionDef, cst.Call]]:
        """Functions that call themselves unconditionally: a loop written as recursion."""
        out: list[tuple[cst.FunctionDef, cst.Call]] = []
        seen: set[cst.FunctionDef] = set()
        for call in self.ix.calls:
            func = self.doc.scope_of(call)
            if not isinstance(func, cst.FunctionDef) or func in seen:
                continue
            if self.callable_def(call.func, call) is func and self._unconditional(call, func):
                # A ``return`` before the call is a base case: recursion with an exit
                # (redirects, tree walks), not a loop.
                position = self.doc.order_of(call)
                if any(
                    self.doc.order_of(r) < position
                    for r in _walk(func.body, cst.Return, skip_defs=True)
                ):
                    continue
                seen.add(func)
                out.append((func, call))
        return out

    def _unconditional(self, node: cst.CSTNode, func: cst.FunctionDef) -> bool:
        path = self.path(func, node)
        return bool(path) and not any(
            isinstance(
                step,
                cst.If | cst.While | cst.For | cst.ExceptHandler | cst.IfExp | cst.BooleanOperation,
            )
            for step in path[1:]
        )

    # -- scheduling (rules.md 2.2 C) ------------------------------------------------------

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

    # -- credential sources (rules.md 2.2 B) ----------------------------------------------

    def source(
        self, expr: cst.BaseExpression, at: cst.CSTNode, within: cst.CSTNode | None, depth: int = 0
    ) -> CredentialSource:
        """Classify a credential expression; memoised, and cycles (``x = x.strip()``) stop."""
        key = (expr, at, within)
        if key in self._sources:
            return self._sources[key]
        if depth > 16 or key in self._active:
            return _UNKNOWN
        self._active.add(key)
        try:
            found = self._source(expr, at, within, depth)
        finally:
            self._active.discard(key)
        self._sources[key] = found
        return found

    def _source(
        self, expr: cst.BaseExpression, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
            text = string_value(expr)
            if text is None:
                return _UNKNOWN
            if _federated_text(text):
                return CredentialSource(CredentialClass.FEDERATED, expr, "a platform token path")
            return CredentialSource(CredentialClass.LITERAL, expr, "a string literal", text)
        if isinstance(expr, cst.Name):
            return self._name_source(expr, at, within, depth)
        if isinstance(expr, cst.Attribute):
            return self._attribute_source(expr, at, within, depth)
        if isinstance(expr, cst.Subscript):
            if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
                return _UNKNOWN
            index = expr.slice[0].slice.value
            return self._keyed_source(expr.value, index, expr, at, within, depth)
        if isinstance(expr, cst.Call):
            return self._call_source(expr, at, within, depth)
        if isinstance(expr, cst.Await):
            return self.source(expr.expression, at, within, depth + 1)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            parts = [
                self.source(p, at, within, depth + 1)
                for p in (expr.left, expr.right)
                if not _is_none_literal(p)
            ]
            if parts and all(p.stored for p in parts):
                return parts[0]
            federated = [p for p in parts if p.kind is CredentialClass.FEDERATED]
            if federated:
                return federated[0]
        return _UNKNOWN

    def _bindings(self, name: str, at: cst.CSTNode) -> tuple[ScopeNode, list[Assignment]]:
        """Bindings of ``name`` seen from ``at`` and their scope: enclosing function scopes
        first, then the module's together with ``global`` writes from functions."""
        index = self.doc.index
        for scope in self._scope_chain(at):
            if isinstance(scope, cst.Module) or name in self.ix.globals.get(scope, ()):
                break
            found = index.assignments.get((scope, name))
            if found:
                return scope, list(found)
        module = self.doc.module
        merged = list(index.assignments.get((module, name), []))
        for writer, names in self.ix.globals.items():
            if name in names and isinstance(writer, cst.FunctionDef):
                merged.extend(
                    b for b in index.assignments.get((writer, name), []) if b.value is not None
                )
        return module, merged

    def _combine(
        self, values: list[cst.BaseExpression], within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        """Several writes of one variable: all stored (a rotating chain when the others take a
        refresh response), else unknown. ``None`` placeholders do not count."""
        stored: list[CredentialSource] = []
        rotating = False
        for value in values:
            if _is_none_literal(value):
                continue
            found = self.source(value, value, within, depth + 1)
            if found.stored:
                stored.append(found)
            elif _is_refresh_response(value):
                rotating = True
            elif found.kind is CredentialClass.PARAMETER and len(values) == 1:
                return found
            else:
                return _UNKNOWN
        if not stored:
            return _UNKNOWN
        first = stored[0]
        if rotating or first.kind is CredentialClass.ROTATING_CHAIN:
            suffix = ", then replaced by each refresh response"
            description = first.description
            if not description.endswith(suffix):
                description += suffix
            return CredentialSource(
                CredentialClass.ROTATING_CHAIN, first.node, description, first.value
            )
        return first

    def _name_source(
        self, expr: cst.Name, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        scope, bindings = self._bindings(expr.value, at)
        if not bindings:
            return self._imported_source(expr)
        if any(b.is_parameter for b in bindings):
            if len(bindings) == 1 and isinstance(scope, cst.FunctionDef):
                return self._parameter_source(expr.value, scope, within, depth)
            return _PARAMETER
        if any(b.value is None for b in bindings):
            return _UNKNOWN  # a loop variable, a ``with`` target, a ``del``...
        return self._combine([b.value for b in bindings if b.value is not None], within, depth)

    def _imported_source(self, expr: cst.Name) -> CredentialSource:
        """A constant imported from a settings module, or any UPPER_CASE imported constant."""
        found = self.ix.from_imports.get(expr.value)
        if found is None:
            return _UNKNOWN
        module, alias = found
        last = module.rstrip(".").rsplit(".", 1)[-1]
        original = dotted_name(alias.name) or expr.value
        if last in _CONFIG_MODULES or original.isupper():
            return CredentialSource(
                CredentialClass.STATIC_CONFIG,
                alias,
                f"the constant `{original}` imported from `{module}`",
            )
        return _UNKNOWN

    def callers(self, func: cst.FunctionDef) -> list[cst.Call]:
        """Calls of ``func`` in this module (``Cls(...)`` for an ``__init__``)."""
        if self._callers is None:
            callers: dict[cst.CSTNode, list[cst.Call]] = defaultdict(list)
            for call in self.ix.calls:
                target = self.callable_def(call.func, call)
                if target is not None:
                    callers[target].append(call)
                elif isinstance(call.func, cst.Name):
                    cls = self.lookup_def(call.func.value, call)
                    if isinstance(cls, cst.ClassDef):
                        init = self._method(cls, "__init__")
                        if init is not None:
                            callers[init].append(call)
            self._callers = callers
        return self._callers.get(func, [])

    def _parameter_source(
        self, name: str, func: cst.FunctionDef, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        """Follow a parameter to every call of its function in this module; all must agree."""
        positional = [*func.params.posonly_params, *func.params.params]
        param = next(
            (p for p in [*positional, *func.params.kwonly_params] if p.name.value == name), None
        )
        if param is None:
            return _PARAMETER
        position: int | None = positional.index(param) if param in positional else None
        if position is not None and isinstance(self.doc.scope_of(func), cst.ClassDef):
            position = position - 1 if position > 0 else None  # ``self`` is not passed
        callers = self.callers(func)
        handed = self._handed_arguments(func)
        if (not callers and not handed) or handed is None:
            return _PARAMETER
        sources = []
        for call in callers:
            if any(a.star for a in call.args):
                return _PARAMETER
            arg = call_argument(call, position, name)
            if arg is None:
                arg = param.default
            if arg is None:
                return _PARAMETER
            sources.append(self.source(arg, call, within, depth + 1))
        for args, kwargs, site in handed:
            arg = args[position] if position is not None and position < len(args) else None
            if arg is None:
                arg = kwargs.get(name, param.default)
            if arg is None:
                return _PARAMETER
            sources.append(self.source(arg, site, within, depth + 1))
        if all(s.stored for s in sources):
            return sources[0]
        return _PARAMETER

    def _handed_arguments(
        self, func: cst.FunctionDef
    ) -> list[tuple[list[cst.BaseExpression], dict[str, cst.BaseExpression], cst.Call]] | None:
        """Arguments a thread, timer, executor or scheduler passes to ``func``
        (``Thread(target=f, args=(rt,))``, ``pool.submit(f, rt)``, ``every(5).minutes.do(f,
        rt)``); None when some are not literal tuples, lists or dicts."""
        out = []
        for call in self.ix.calls:
            names = self.doc.qualified_names(call.func)
            method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
            args: cst.BaseExpression | None = None
            kwargs: cst.BaseExpression | None = None
            if names & {"threading.Thread", "multiprocessing.Process"}:
                target = call_argument(call, 1, "target")
                args, kwargs = call_argument(call, 3, "args"), call_argument(call, 4, "kwargs")
            elif names & {"threading.Timer"}:
                target = call_argument(call, 1, "function")
                args, kwargs = call_argument(call, 2, "args"), call_argument(call, 3, "kwargs")
            elif method in ("submit", "do"):
                target = call_argument(call, 0, None)
                positional = [a.value for a in call.args[1:] if a.keyword is None and not a.star]
                args = cst.Tuple([cst.Element(v) for v in positional])
            elif method == "add_job":
                target = call_argument(call, 0, "func")
                args = call_argument(call, None, "args")
                kwargs = call_argument(call, None, "kwargs")
            else:
                continue
            if target is None or self.callable_def(target, call) is not func:
                continue
            args = self.doc.resolve(args, call) if args is not None else None
            kwargs = self.doc.resolve(kwargs, call) if kwargs is not None else None
            if args is not None and not isinstance(args, cst.Tuple | cst.List):
                return None
            if kwargs is not None and not isinstance(kwargs, cst.Dict):
                return None
            values = [e.value for e in args.elements] if args is not None else []
            named: dict[str, cst.BaseExpression] = {}
            for element in kwargs.elements if kwargs is not None else ():
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is None:
                    return None
                named[key] = element.value
            out.append((values, named, call))
        return out

    def _attribute_source(
        self, expr: cst.Attribute, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        attr = expr.attr.value
        if any(n.startswith("django.conf.settings.") for n in self.doc.qualified_names(expr)):
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, f"the setting `{attr}`")
        base = expr.value
        if isinstance(base, cst.Name) and self._is_settings_module(base, at):
            return CredentialSource(
                CredentialClass.STATIC_CONFIG, expr, f"the setting `{base.value}.{attr}`"
            )
        cls = self.instance_class(base, at)
        if cls is not None:
            return self._member_source(cls, attr, base, within, depth)
        inner = self.source(base, at, within, depth + 1)
        if inner.kind in (CredentialClass.STATIC_CONFIG, CredentialClass.FEDERATED):
            return CredentialSource(inner.kind, inner.node, f"`{attr}` of {inner.description}")
        return _UNKNOWN

    def _is_settings_module(self, name: cst.Name, at: cst.CSTNode) -> bool:
        """``settings`` / ``config`` imported as a module (``from app import settings``)."""
        if self._bindings(name.value, at)[1]:
            return False
        found = self.ix.from_imports.get(name.value)
        heads = set(self.doc.index.imports.get(name.value, set()))
        if found is not None:
            heads.add(found[0] + "." + (dotted_name(found[1].name) or ""))
        return any(h.rstrip(".").rsplit(".", 1)[-1] in _CONFIG_MODULES for h in heads)

    def _member_source(
        self,
        cls: cst.ClassDef,
        attr: str,
        base: cst.BaseExpression,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """``self.x``: every write of ``x`` in the class's methods, or its class attribute."""
        if any(self.doc.qualified_names(b.value) & _SETTINGS_BASES for b in cls.bases):
            return CredentialSource(
                CredentialClass.STATIC_CONFIG,
                base,
                f"the settings field `{attr}`, read from the environment",
            )
        values = self._member_writes(cls, attr)
        if not values:
            return _UNKNOWN
        return self._combine(values, within, depth)

    def _keyed_source(
        self,
        base: cst.BaseExpression,
        key_expr: cst.BaseExpression,
        node: cst.CSTNode,
        at: cst.CSTNode,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """``base[key]`` and ``base.get(key)``: env reads, config entries, dict fields."""
        key = string_value(self.doc.resolve(key_expr, at))
        if self.doc.qualified_names(base) & {"os.environ"}:
            return _env_source(node, key)
        if isinstance(base, cst.Attribute) and base.attr.value == "config":
            owner = self.doc.resolve(base.value, at)
            owner_names = self.doc.qualified_names(owner)
            if isinstance(owner, cst.Call):
                owner_names = self.doc.qualified_names(owner.func)
            if any(n.startswith("flask.") for n in owner_names):
                return CredentialSource(
                    CredentialClass.STATIC_CONFIG, node, f"the application config entry `{key}`"
                )
        if key is not None:
            value = self.doc.dict_value(base, key, at)
            if value is not None:
                return self.source(value, value, within, depth + 1)
        inner = self.source(base, at, within, depth + 1)
        if inner.kind in (CredentialClass.STATIC_CONFIG, CredentialClass.ROTATING_CHAIN):
            what = f"the `{key}` entry of " if key else "an entry of "
            return CredentialSource(inner.kind, inner.node, what + inner.description)
        if inner.kind is CredentialClass.FEDERATED:
            return inner
        return _UNKNOWN

    def _call_source(
        self, expr: cst.Call, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        names = self.doc.qualified_names(expr.func)
        first = call_argument(expr, 0, None)
        if any(n.startswith(_FEDERATED_CALL_PREFIXES) for n in names):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform credential")
        if names & {"os.getenv", "os.environ.get", "decouple.config"}:
            key = string_value(self.doc.resolve(first, at)) if first is not None else None
            return _env_source(expr, key)
        if names & {"keyring.get_password", "keyring.get_credential"}:
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, "the OS keyring")
        if names & _LOADS:
            if first is not None and self._is_file(first, at):
                return self._file_source(expr, at)
            return self.source(first, at, within, depth + 1) if first is not None else _UNKNOWN
        if names & _PATH_LOADS or dotted_name(expr.func) == "open":
            return self._file_source(expr, at)
        if names & {"configparser.ConfigParser", "configparser.RawConfigParser"}:
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, "a configuration file")
        func = expr.func
        if isinstance(func, cst.Attribute) and self._federated_receiver(func.value, at):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform credential")
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in ("read", "read_text", "read_bytes", "readline", "readlines"):
                if self._is_file(func.value, at):
                    return self._file_source(expr, at)
                return _UNKNOWN
            if method == "get" and first is not None:
                return self._keyed_source(func.value, first, expr, at, within, depth)
            if method in _PASS_THROUGH_METHODS and not expr.args:
                return self.source(func.value, at, within, depth + 1)
            if method in _SECRET_MANAGER_METHODS and expr.args:
                if within is not None and self.inside(expr, within):
                    return _UNKNOWN  # read again each cycle: it may well be rotated
                return CredentialSource(
                    CredentialClass.STATIC_CONFIG, expr, "a secret-manager read done once"
                )
        if names & _PASS_THROUGH_CALLS or dotted_name(func) in ("str", "bytes"):
            return self.source(first, at, within, depth + 1) if first is not None else _UNKNOWN
        target = self.callable_def(func, expr)
        if isinstance(target, cst.FunctionDef):
            returns = [
                r.value
                for r in _walk(target.body, cst.Return, skip_defs=True)
                if r.value is not None
            ]
            return self._combine(returns, within, depth) if returns else _UNKNOWN
        if isinstance(func, cst.Name):
            cls = self.lookup_def(func.value, expr)
            if isinstance(cls, cst.ClassDef) and any(
                self.doc.qualified_names(b.value) & _SETTINGS_BASES for b in cls.bases
            ):
                return CredentialSource(
                    CredentialClass.STATIC_CONFIG, expr, "settings loaded from the environment"
                )
        return _UNKNOWN

    def _federated_receiver(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """``ManagedIdentityCredential().get_token(...)``, ``cred.get_token`` for such a
        ``cred``: a method of a platform credential object."""
        for _ in range(6):
            if isinstance(expr, cst.Name):
                value = self.doc.resolve(expr, at)
                if value is expr:
                    return False
                expr = value
            if isinstance(expr, cst.Call):
                names = self.doc.qualified_names(expr.func)
                if any(n.startswith(_FEDERATED_CALL_PREFIXES) for n in names):
                    return True
                expr = expr.func
            if isinstance(expr, cst.Attribute):
                expr = expr.value
            elif not isinstance(expr, cst.Name | cst.Call):
                return False
        return False

    def _is_file(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """An open file or a path: ``open(p)``, ``Path(p)``, ``with open(p) as fh``."""
        if isinstance(expr, cst.Call):
            names = self.doc.qualified_names(expr.func)
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "open":
                return self._is_file(expr.func.value, at)  # Path(p).open()
            return dotted_name(expr.func) == "open" or bool(
                names & {"pathlib.Path", "pathlib.PurePath", "io.open", "codecs.open"}
            )
        if isinstance(expr, cst.Name):
            for scope in self._scope_chain(at):
                items = self.ix.with_items.get((scope, expr.value))
                if items:
                    return all(self._is_file(i.item, i) for i in items)
            value = self.doc.resolve(expr, at)
            return value is not expr and self._is_file(value, value)
        if isinstance(expr, cst.BinaryOperation):  # Path(...) / "token.json"
            return self._is_file(expr.left, at)
        return False

    def _file_source(self, expr: cst.Call, at: cst.CSTNode) -> CredentialSource:
        texts = self.strings(expr, at)
        if any(_federated_text(t) for t in texts):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform token file")
        path = next((t for t in texts if "/" in t or "." in t), None)
        where = f"the file `{path}`" if path else "a file"
        return CredentialSource(CredentialClass.STATIC_CONFIG, expr, where)

    def strings(self, expr: cst.CSTNode, at: cst.CSTNode, depth: int = 0) -> list[str]:
        """String constants an expression is built from (names followed a few hops)."""
        out: list[str] = []
        stack: list[cst.CSTNode] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
                text = string_value(node)
                if text is not None:
                    out.append(text)
                    continue
            if isinstance(node, cst.FormattedStringText):
                out.append(node.value)
                continue
            if isinstance(node, cst.Name):
                if depth >= 4:
                    continue
                value = self.doc.resolve(node, at)
                if value is not node:
                    out.extend(self.strings(value, value, depth + 1))
                else:
                    for scope in self._scope_chain(at):
                        for item in self.ix.with_items.get((scope, node.value), []):
                            out.extend(self.strings(item.item, item, depth + 1))
                    default = self._parameter_default(node.value, at)
                    if default is not None:
                        out.extend(self.strings(default, default, depth + 1))
                continue
            stack.extend(node.children)
        return out

    def _parameter_default(self, name: str, at: cst.CSTNode) -> cst.BaseExpression | None:
        scope, bindings = self._bindings(name, at)
        if len(bindings) != 1 or not bindings[0].is_parameter:
            return None
        if not isinstance(scope, cst.FunctionDef | cst.Lambda):
            return None
        params = scope.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.name.value == name:
                return param.default
        return None


def _env_source(node: cst.CSTNode, key: str | None) -> CredentialSource:
    if key is not None and _federated_text(key):
        return CredentialSource(CredentialClass.FEDERATED, node, f"the platform variable `{key}`")
    what = f"the environment variable `{key}`" if key else "an environment variable"
    return CredentialSource(CredentialClass.STATIC_CONFIG, node, what)


def _federated_text(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in _FEDERATED_MARKERS)


def _is_none_literal(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _is_refresh_response(value: cst.BaseExpression) -> bool:
    """``tok["refresh_token"]``, ``tok.get("refresh_token", rt)``: a rotated refresh token."""
    for node in _walk(value, cst.SimpleString):
        text = string_value(node)
        if text is not None and "refresh" in text.lower():
            return True
    return any(
        isinstance(n, cst.Attribute) and "refresh" in n.attr.value.lower()
        for n in _walk(value, cst.Attribute)
    )


def _assigns(body: cst.CSTNode, matches: Callable[[cst.BaseExpression], bool]) -> bool:
    """Whether ``body`` rebinds a target that ``matches`` (plain, augmented, walrus, tuple
    unpacking, loop variable), or changes it in place (``queue.pop()``, ``del x[k]``): a
    stop flag is only ever reassigned, a work queue is emptied."""
    for node in _walk(body, cst.Assign):
        if any(matches(t) for target in node.targets for t in _unpacked(target.target)):
            return True
    for loop in _walk(body, cst.For):
        if any(matches(t) for t in _unpacked(loop.target)):
            return True
    for call in _walk(body, cst.Call):
        if isinstance(call.func, cst.Attribute) and matches(call.func.value):
            return True
    for delete in _walk(body, cst.Del):
        target = delete.target
        if isinstance(target, cst.Subscript) and matches(target.value):
            return True
    for aug in _walk(body, cst.AugAssign):
        if matches(aug.target):
            return True
    for ann in _walk(body, cst.AnnAssign):
        if matches(ann.target):
            return True
    return any(matches(walrus.target) for walrus in _walk(body, cst.NamedExpr))


def _only_booleans(values: list[cst.BaseExpression | None]) -> bool:
    """A stop flag is only ever ``True`` or ``False`` (``None`` aside)."""
    kept = [v for v in values if not (isinstance(v, cst.Name) and v.value == "None")]
    return bool(kept) and all(
        isinstance(v, cst.Name) and v.value in ("True", "False") for v in kept
    )


def _unpacked(target: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(target, cst.Tuple | cst.List):
        return [t for element in target.elements for t in _unpacked(element.value)]
    if isinstance(target, cst.StarredElement):
        return _unpacked(target.value)
    return [target]


_N = TypeVar("_N", bound=cst.CSTNode)
_DEFS = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def _walk(root: cst.CSTNode, kind: type[_N], *, skip_defs: bool = False) -> Iterator[_N]:
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            yield node
        if skip_defs and node is not root and isinstance(node, _DEFS):
            continue
        stack.extend(node.children)
