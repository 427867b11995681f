"""A read-only walk over a LibCST tree, several times cheaper than ``CSTNode.visit``.

LibCST's visitor protocol is built for transformers: visiting a node rebuilds it from its
visited children and re-validates it, even when nothing changed. Measured on 233 files of a real
``site-packages``, that rebuild was most of outlive's time. Rules here only read the tree, so this
walk reads each node's dataclass fields directly, in source order, skipping whitespace and
punctuation, and calls the same ``visit_<Node>``/``leave_<Node>`` methods. Iterative, so a deep
tree cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import libcst as cst

Hook = Callable[[cst.CSTNode], object]

# Fields that hold only whitespace, comments and punctuation: nothing a rule reads.
_SKIPPED_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "comma",
        "semicolon",
        "trailing_whitespace",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "whitespace",
    }
)
# Where the dataclass field order differs from source order, the order the Indexer relies on
# ("assigned before used") follows the source.
_SOURCE_ORDER: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "name", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "bases", "keywords", "body"),
    cst.IfExp: ("body", "test", "orelse"),
}
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
# isinstance() against LibCST's abstract base class is slow on the hot path; cache by type.
_IS_NODE: dict[type, bool] = {}


def _is_node(value: object) -> bool:
    cls = type(value)
    known = _IS_NODE.get(cls)
    if known is None:
        known = _IS_NODE[cls] = issubclass(cls, cst.CSTNode)
    return known


def _fields(cls: type[cst.CSTNode]) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        ordered = _SOURCE_ORDER.get(cls)
        if ordered is None:
            ordered = tuple(f.name for f in dataclasses.fields(cls))
        names = tuple(
            n for n in ordered if n not in _SKIPPED_FIELDS and not n.startswith("whitespace")
        )
        _FIELDS[cls] = names
    return names


def walk(
    root: cst.CSTNode,
    visits: Mapping[str, Sequence[Hook]],
    leaves: Mapping[str, Sequence[Hook]],
    enter: Hook | None = None,
    leave: Hook | None = None,
) -> None:
    """Call ``enter``, then ``visits[TypeName]`` hooks, on every node in source order, and the
    ``leaves`` hooks, then ``leave``, after its children."""
    leave_marker: Any = object()
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if item is leave_marker:
            node = stack.pop()
            for hook in leaves.get(type(node).__name__, ()):
                hook(node)
            if leave is not None:
                leave(node)
            continue
        node = item
        if enter is not None:
            enter(node)
        for hook in visits.get(type(node).__name__, ()):
            hook(node)
        stack.append(node)
        stack.append(leave_marker)
        children: list[cst.CSTNode] = []
        for name in _fields(type(node)):
            value = getattr(node, name)
            if _is_node(value):
                children.append(value)
            elif type(value) is tuple or type(value) is list:
                children.extend(v for v in value if _is_node(v))
        stack.extend(reversed(children))


def batched(root: cst.CSTNode, visitors: Iterable[cst.BatchableCSTVisitor]) -> None:
    """Drop-in for ``libcst.visit_batched`` on read-only visitors (return values ignored)."""
    visits: dict[str, list[Hook]] = {}
    leaves: dict[str, list[Hook]] = {}
    for visitor in visitors:
        for name, method in visitor.get_visitors().items():
            kind, _, node_type = name.partition("_")
            if "_" in node_type:
                raise ValueError(f"attribute visitor {name} is not supported by this walk")
            (visits if kind == "visit" else leaves).setdefault(node_type, []).append(method)
    walk(root, visits, leaves)
