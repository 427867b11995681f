"""A typed walk over one subtree, for the analyses that search a function or loop body.

LibCST's visitors walk the whole module; these searches stay inside one node and can skip
nested definitions, which a body does not execute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

import libcst as cst

_N = TypeVar("_N", bound=cst.CSTNode)
_DEFS = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def walk_nodes(root: cst.CSTNode, kind: type[_N], *, skip_defs: bool = False) -> Iterator[_N]:
    """Nodes of type ``kind`` under ``root`` (itself included); ``skip_defs`` stays out of
    nested functions, lambdas and classes."""
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            yield node
        if skip_defs and node is not root and isinstance(node, _DEFS):
            continue
        stack.extend(node.children)
