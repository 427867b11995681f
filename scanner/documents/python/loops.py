"""Unbounded repetition (rules.md 2.2 C): loops that run forever, and recursion as a loop."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from scanner.documents.python.flow import Flow, LoopNode
from scanner.documents.python.syntax import dotted_name, literal_number
from scanner.documents.python.walk import walk_nodes

_CLOCKS = frozenset({"time.monotonic", "time.perf_counter", "time.time"})


class Loops(Flow):
    """The flow, plus which of its loops and recursions never end in normal operation."""

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
                lambda t: (
                    isinstance(t, cst.Attribute)
                    and t.attr.value == attr
                    and isinstance(t.value, cst.Name)
                    and t.value.value in ("self", "cls")
                ),
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
                    self.doc.order_of(r) < position and not self.inside(call, r)
                    for r in walk_nodes(func.body, cst.Return, skip_defs=True)
                ):  # ``return await refresh()`` after a sleep is the loop itself
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


def _assigns(body: cst.CSTNode, matches: Callable[[cst.BaseExpression], bool]) -> bool:
    """Whether ``body`` rebinds a target that ``matches`` (plain, augmented, walrus, tuple
    unpacking, loop variable), or changes it in place (``queue.pop()``, ``del x[k]``): a
    stop flag is only ever reassigned, a work queue is emptied."""
    for node in walk_nodes(body, cst.Assign):
        if any(matches(t) for target in node.targets for t in _unpacked(target.target)):
            return True
    for loop in walk_nodes(body, cst.For):
        if any(matches(t) for t in _unpacked(loop.target)):
            return True
    for call in walk_nodes(body, cst.Call):
        if isinstance(call.func, cst.Attribute) and matches(call.func.value):
            return True
    for delete in walk_nodes(body, cst.Del):
        target = delete.target
        if isinstance(target, cst.Subscript) and matches(target.value):
            return True
    for aug in walk_nodes(body, cst.AugAssign):
        if matches(aug.target):
            return True
    for ann in walk_nodes(body, cst.AnnAssign):
        if matches(ann.target):
            return True
    return any(matches(walrus.target) for walrus in walk_nodes(body, cst.NamedExpr))


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
