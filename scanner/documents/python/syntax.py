"""Pure helpers over LibCST nodes: names, literals, arguments.

No document, no index: each takes nodes and returns a value, so every floor of the Python
analysis (and the rules, through ``scanner.api``) can use them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import libcst as cst


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


def reads_open(expr: cst.BaseExpression) -> bool:
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


def is_none_literal(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"
