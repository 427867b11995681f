"""What a value is: where it comes from, the keys of a dict, the arguments of a call, a literal.

Built on the bindings: a name is followed through its single assignment, a dict through the
keys written to it before the point asked about.
"""

from __future__ import annotations

import enum
from collections.abc import Collection

import libcst as cst

from scanner.documents.python.bindings import Bindings
from scanner.documents.python.libraries.jwt import AUTHLIB_JWT, JWT_ENCODERS
from scanner.documents.python.syntax import (
    call_argument,
    dotted_name,
    is_literal,
    literal_dict_keys,
    reads_open,
    string_value,
)
from scanner.documents.python.walk import walk_nodes


class Origin(enum.Enum):
    """Where a value comes from, as far as one module can tell."""

    LITERAL = "literal"  # a constant in the code: string, number, dict of constants...
    ENV = "env"  # os.environ / os.getenv
    FILE = "file"  # read from a file at run time
    PARAMETER = "parameter"  # a function parameter: decided by the caller
    CALL = "call"  # the result of some other call
    UNKNOWN = "unknown"  # several assignments, or nothing we can follow


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


class Values(Bindings):
    """Bindings, plus the value questions rules ask about expressions and calls."""

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
        if names & _FILE_READS or reads_open(expr):
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
        if isinstance(expr, cst.Dict):
            out: set[str] = set()
            for element in expr.elements:
                if isinstance(element, cst.StarredDictElement):
                    spread = self.dict_keys(element.value, at)  # {**base, "k": v}
                    if spread is None:
                        return None
                    out |= spread
                    continue
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is None:
                    return None
                out.add(key)
            return frozenset(out)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            left, right = self.dict_keys(expr.left, at), self.dict_keys(expr.right, at)
            return None if left is None or right is None else left | right
        return literal_dict_keys(expr)

    def jwt_claims(self, call: cst.Call) -> cst.BaseExpression | None:
        """The claims argument of a call that mints a JWT, or None for any other call.

        PyJWT ``jwt.encode(payload, ...)``, python-jose ``jwt.encode(claims, ...)``, authlib's
        ``jwt.encode(header, payload, key)`` and ``JsonWebToken(...).encode(...)``, under any
        import alias. Shared by the rules about a token's ``exp``.
        """
        slot = None
        for name in self.qualified_names(call.func):
            slot = JWT_ENCODERS.get(name, slot)
        func = call.func
        if (
            slot is None
            and isinstance(func, cst.Attribute)
            and func.attr.value == "encode"
            and self.imports_from("authlib")
        ):
            base = self.resolve(func.value, call)
            if isinstance(base, cst.Call) and AUTHLIB_JWT in self.qualified_names(base.func):
                slot = JWT_ENCODERS["authlib.jose.jwt.encode"]
        return None if slot is None else call_argument(call, *slot)

    def dict_value(
        self, expr: cst.BaseExpression, key: str, at: cst.CSTNode, _depth: int = 0
    ) -> cst.BaseExpression | None:
        """The expression stored under ``key`` in a dict (literal or built up before ``at``):
        displays, ``dict(...)``, ``{**base}`` spreads, ``a | b`` and nested lookups."""
        if isinstance(expr, cst.Name):
            found = self.assignments(expr.value, at)
            if len(found) != 1 or found[0].value is None or _depth > 6:
                return None
            value = self.dict_value(found[0].value, key, found[0].value, _depth + 1)
            scope = self.scope_of(at)
            limit = self.order_of(at)
            for write in self.index.key_writes.get((scope, expr.value), []):
                if write.order < limit and write.key == key:
                    value = write.value
            return value
        if isinstance(expr, cst.Dict):
            result = None
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    if string_value(element.key) == key:
                        result = element.value
                elif _depth < 4:  # {**base, ...}: what base holds, unless written after
                    spread = self.dict_value(element.value, key, at, _depth + 1)
                    result = spread if spread is not None else result
            return result
        if isinstance(expr, cst.Call) and dotted_name(expr.func) == "dict":
            result = None
            for arg in expr.args:
                if arg.keyword is not None:
                    if arg.keyword.value == key:
                        result = arg.value
                elif _depth < 4:  # dict(base, k=v), dict(**base)
                    spread = self.dict_value(arg.value, key, at, _depth + 1)
                    result = spread if spread is not None else result
            return result
        if _depth >= 4:
            return None
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            right = self.dict_value(expr.right, key, at, _depth + 1)
            return right if right is not None else self.dict_value(expr.left, key, at, _depth + 1)
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name):
            returned = self._returned(expr.func.value, at)  # TOKEN = stored_token()
            if returned is None:
                return None
            return self.dict_value(returned, key, returned, _depth + 1)
        inner = _keyed(expr)
        if inner is not None:  # CONFIG["crm"]["refresh_token"], CONFIG["crm"].get("rt")
            base, inner_key = inner
            held = self.dict_value(base, inner_key, at, _depth + 1)
            if held is not None:
                return self.dict_value(held, key, held, _depth + 1)
        return None

    def _returned(self, name: str, at: cst.CSTNode) -> cst.BaseExpression | None:
        """What a helper of this module returns, when it has one ``return`` with a value and
        the name is not rebound."""
        scope = self.scope_of(at)
        defs = self.index.functions.get((scope, name)) or self.index.functions.get(
            (self.module, name)
        )
        if not defs or len(defs) != 1 or len(self.assignments(name, at)) != 1:
            return None
        returns = [r.value for r in walk_nodes(defs[0].body, cst.Return, skip_defs=True)]
        return returns[0] if len(returns) == 1 else None

    def class_attribute(self, expr: cst.BaseExpression) -> cst.BaseExpression | None:
        """``Settings.TTL`` for a class of this module with one ``TTL = ...`` in its body."""
        if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name)):
            return None
        owner = expr.value.value
        for statement in self.module.body:
            if isinstance(statement, cst.ClassDef) and statement.name.value == owner:
                found = self.index.assignments.get((statement, expr.attr.value), [])
                return found[0].value if len(found) == 1 else None
        return None

    def returned_value(self, call: cst.Call) -> cst.BaseExpression | None:
        """What ``helper()`` returns, for a helper of this module with one ``return``."""
        if not isinstance(call.func, cst.Name) or call.args:
            return None
        return self._returned(call.func.value, call)

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


def _keyed(expr: cst.BaseExpression) -> tuple[cst.BaseExpression, str] | None:
    """``base["key"]`` or ``base.get("key")`` with a constant key, as (base, key)."""
    if isinstance(expr, cst.Subscript):
        if len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
            key = string_value(expr.slice[0].slice.value)
            if key is not None:
                return expr.value, key
        return None
    if (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value == "get"
        and expr.args
        and expr.args[0].keyword is None
    ):
        key = string_value(expr.args[0].value)
        if key is not None:
            return expr.func.value, key
    return None
