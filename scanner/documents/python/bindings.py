"""Bindings per scope, dict key writes, and each node's scope and source order: one pass.

The index is built the first time a rule follows a name, never for files whose rules need only
the import table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

import libcst as cst

from scanner.documents.cstwalk import walk
from scanner.documents.python.names import Names, add_import, add_import_from
from scanner.documents.python.syntax import literal_dict_keys, string_value

ScopeNode = cst.Module | cst.FunctionDef | cst.Lambda | cst.ClassDef
# Exact-type set for the per-node hot path: isinstance on LibCST's ABCs costs far more.
SCOPE_TYPES = frozenset({cst.Module, cst.FunctionDef, cst.Lambda, cst.ClassDef})


@dataclass(frozen=True, slots=True)
class Assignment:
    """One binding of a name in a scope, in source order."""

    name: str
    value: cst.BaseExpression | None  # None for parameters, loop targets, imports...
    order: int
    is_parameter: bool = False
    #: For ``a, b = rhs`` with an opaque ``rhs``: the whole right-hand side and this name's
    #: position in the target (``value`` stays None, so single-value questions stay unsure).
    unpacked: cst.BaseExpression | None = None
    element: int = 0


@dataclass(frozen=True, slots=True)
class KeyWrite:
    """``name["key"] = value``, ``name.update(key=value)`` and friends, in source order."""

    key: str | None  # None when the key is not a string constant (or the update is opaque)
    value: cst.BaseExpression | None
    order: int
    node: cst.CSTNode


@dataclass
class Index:
    imports: dict[str, set[str]]
    assignments: dict[tuple[ScopeNode, str], list[Assignment]]
    key_writes: dict[tuple[ScopeNode, str], list[KeyWrite]]
    scope_of: dict[cst.CSTNode, ScopeNode]
    order: dict[cst.CSTNode, int]
    #: Function definitions by (scope, name): what a call of a local helper returns.
    functions: dict[tuple[ScopeNode, str], list[cst.FunctionDef]] = field(
        default_factory=lambda: defaultdict(list)
    )


class Indexer(cst.CSTVisitor):
    """One pass: imports, bindings per scope, dict key writes, and each node's scope and order."""

    def __init__(self) -> None:
        self.index = Index(
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
        if type(node) in SCOPE_TYPES:
            if isinstance(node, cst.FunctionDef | cst.ClassDef) and self._scopes:
                self._bind(node.name.value, None)
                if isinstance(node, cst.FunctionDef):
                    self.index.functions[(self._scopes[-1], node.name.value)].append(node)
            self._scopes.append(cast(ScopeNode, node))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if type(original_node) in SCOPE_TYPES:
            self._scopes.pop()
        super().on_leave(original_node)

    def _bind(
        self,
        name: str,
        value: cst.BaseExpression | None,
        *,
        parameter: bool = False,
        unpacked: cst.BaseExpression | None = None,
        element: int = 0,
    ) -> None:
        scope = self._scopes[-1]
        self.index.assignments[(scope, name)].append(
            Assignment(name, value, self._counter, parameter, unpacked, element)
        )

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value)
        elif isinstance(target, cst.Tuple | cst.List):
            self._bind_unpacked(target, value)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            key: str | None = None
            if len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
                key = string_value(target.slice[0].slice.value)
            self._key_write(target.value.value, key, value, target)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    def _bind_unpacked(
        self, target: cst.Tuple | cst.List, value: cst.BaseExpression | None
    ) -> None:
        """``a, b = x, y`` binds each name to its element; ``a, b = f()`` keeps ``f()`` and
        the position, so that the credential analysis can look into what ``f`` returns."""
        elements = target.elements
        starred = any(isinstance(e, cst.StarredElement) for e in elements)
        if (
            isinstance(value, cst.Tuple | cst.List)
            and not starred
            and len(value.elements) == len(elements)
            and not any(isinstance(e, cst.StarredElement) for e in value.elements)
        ):
            for element, item in zip(elements, value.elements, strict=True):
                self._bind_target(element.value, item.value)
            return
        for position, element in enumerate(elements):
            inner = element.value
            if isinstance(inner, cst.Name) and value is not None and not starred:
                self._bind(inner.value, None, unpacked=value, element=position)
            else:
                self._bind_target(inner, None)

    def _key_write(
        self, name: str, key: str | None, value: cst.BaseExpression | None, node: cst.CSTNode
    ) -> None:
        scope = self._scopes[-1]
        self.index.key_writes[(scope, name)].append(KeyWrite(key, value, self._counter, node))

    # imports

    # imports
    def visit_Import(self, node: cst.Import) -> None:
        add_import(self.index.imports, node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        add_import_from(self.index.imports, node)

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


class Bindings(Names):
    """Names, plus the index: which values a name is bound to where."""

    _index: Index | None

    @property
    def index(self) -> Index:
        if self._index is None:
            indexer = Indexer()
            walk(self.module, {}, {}, enter=indexer.on_visit, leave=indexer.on_leave)
            self._index = indexer.index
        return self._index

    def _import_table(self) -> dict[str, set[str]]:
        index = self._index
        return index.imports if index is not None else super()._import_table()

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
