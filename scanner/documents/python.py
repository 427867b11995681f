"""Python parsed with LibCST, plus the small analyses every Python rule shares.

LibCST's ``QualifiedNameProvider`` and ``ScopeProvider`` are exact but cost several times the
parse itself. Rules here need much less: which imported API a call refers to (through aliases and
function-level imports), and where a name's value came from within the module. Both are computed
by one cheap pass, only on the files the prefilter sends to LibCST, and only when a rule asks.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from scanner.documents.text import max_bracket_depth
from scanner.findings import Location

#: LibCST's native parser crashes the process on absurd nesting; CPython itself stops at 200.
MAX_NESTING = 1000

ScopeNode = cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef


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
        if isinstance(node, cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef):
            if isinstance(node, cst.FunctionDef | cst.ClassDef) and self._scopes:
                self._bind(node.name.value, None)
            self._scopes.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef):
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
                    key = arg.keyword.value if arg.keyword is not None else None
                    self._key_write(name, key, arg.value, node)
        elif method == "setdefault" and node.args:
            self._key_write(
                name,
                string_value(node.args[0].value),
                node.args[1].value if len(node.args) > 1 else None,
                node,
            )
        elif method == "__setitem__" and node.args:
            self._key_write(name, string_value(node.args[0].value), None, node)
