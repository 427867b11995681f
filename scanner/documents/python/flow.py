"""The structure the fake-session analyses walk: defs, calls, loops, callees, reachability.

The flow sees the document only through its lower floors (``Durations``: names, bindings,
values, folding), so no analysis here imports the document class. Read off the index's node
table: no second walk of the tree.
"""

from __future__ import annotations

from collections import defaultdict

import libcst as cst

from scanner.documents.python.bindings import Assignment, Index, ScopeNode
from scanner.documents.python.fold import Durations
from scanner.documents.python.syntax import (
    call_argument,
    dotted_name,
    is_none_literal,
    string_value,
)
from scanner.documents.python.walk import walk_nodes

_WAITS = frozenset(
    {"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep"}
)

#: Decorators that make a method read like an attribute.
_PROPERTIES = frozenset({"property", "cached_property", "cached_attribute", "lazy_property"})

Callable_ = cst.FunctionDef | cst.Lambda
LoopNode = cst.While | cst.For


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


class FlowIndex:
    """Defs, calls, loops and bindings the fake-session analyses need, read off the index's
    node table: no second walk of the tree (a LibCST walk costs about as much as the parse)."""

    def __init__(self, index: Index) -> None:
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


class Flow:
    """Structure shared by the loop, schedule and credential-source analyses of one document."""

    def __init__(self, doc: Durations) -> None:
        self.doc = doc
        self.ix = FlowIndex(doc.index)
        self._callers: dict[cst.CSTNode, list[cst.Call]] | None = None
        self._callees: dict[cst.CSTNode, Callable_ | None] = {}
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

    def instance_class(
        self, expr: cst.BaseExpression, at: cst.CSTNode, _hops: int = 0
    ) -> cst.ClassDef | None:
        """The local class ``expr`` is an instance of: ``self``, ``x = Cls(...)``, or
        ``self.conf`` for ``self.conf = Cls(...)``."""
        value: cst.BaseExpression | None = None
        if isinstance(expr, cst.Name):
            cls = self._self_class(expr)
            if cls is not None:
                return cls
            value = self.doc.resolve(expr, at)
        elif isinstance(expr, cst.Call):
            value = expr  # Settings().token
        elif isinstance(expr, cst.Attribute) and _hops < 3:
            owner = self.instance_class(expr.value, at, _hops + 1)
            if owner is not None:
                kept = [
                    v for v in self._member_writes(owner, expr.attr.value) if not is_none_literal(v)
                ]
                value = kept[0] if len(kept) == 1 else None
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
            found = self.lookup_def(value.func.value, value)
            return found if isinstance(found, cst.ClassDef) else None
        return None

    def class_named(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.ClassDef | None:
        """The local class a bare name refers to (``Conf`` in ``Conf.RT``, ``Vault.load()``)."""
        if isinstance(expr, cst.Name):
            found = self.lookup_def(expr.value, at)
            return found if isinstance(found, cst.ClassDef) else None
        return None

    def local_bases(self, cls: cst.ClassDef) -> list[cst.ClassDef]:
        """``cls`` and the classes of this module it inherits from (a few levels)."""
        out = [cls]
        for current in out:
            if len(out) > 6:
                break
            for base in current.bases:
                found = self.class_named(base.value, current)
                if found is not None and found not in out:
                    out.append(found)
        return out

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
            if value is not expr and isinstance(
                value, cst.Lambda | cst.Name | cst.Attribute | cst.Call
            ):
                return self.callable_def(value, value, _hops + 1)
            return None
        if isinstance(expr, cst.Attribute):
            cls = self.instance_class(expr.value, at) or self.class_named(expr.value, at)
            if cls is not None:
                for owner in self.local_bases(cls):
                    method = self._method(owner, expr.attr.value)
                    if method is not None:
                        return method
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
            kept = [v for v in values if v is None or not is_none_literal(v)]
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
        """``self.attr = ...`` in the class's methods, else what its property returns, else its
        class attribute; the first of these the class or a local base class has."""
        memo: dict[tuple[cst.ClassDef, str], list[cst.BaseExpression]]
        memo = self.__dict__.setdefault("_members", {})
        if (cls, attr) not in memo:
            memo[(cls, attr)] = next(
                (v for v in (self._own_member_writes(o, attr) for o in self.local_bases(cls)) if v),
                [],
            )
        return memo[(cls, attr)]

    def _own_member_writes(self, cls: cst.ClassDef, attr: str) -> list[cst.BaseExpression]:
        values: list[cst.BaseExpression] = []
        for method in self.ix.functions:
            if self.doc.scope_of(method) is not cls:
                continue
            params = [*method.params.posonly_params, *method.params.params]
            if params:
                values.extend(self.ix.attr_writes.get((method, params[0].name.value, attr), []))
        if values:
            return values
        getter = self._method(cls, attr)
        if getter is not None and any(
            (dotted_name(d.decorator) or "").rsplit(".", 1)[-1] in _PROPERTIES
            for d in getter.decorators
        ):
            return [
                r.value
                for r in walk_nodes(getter.body, cst.Return, skip_defs=True)
                if r.value is not None
            ]
        return [
            b.value for b in self.doc.index.assignments.get((cls, attr), []) if b.value is not None
        ]

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
