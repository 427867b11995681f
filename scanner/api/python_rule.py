"""``PythonRule``, the base of the rules that read a Python file through LibCST.

A module of its own so that LibCST is imported when the first Python rule is, not by every rule:
``scanner.api.rule`` hands it out on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING

import libcst as cst

from scanner.api.rule import Rule, RuleContext

if TYPE_CHECKING:
    from scanner.documents.python import PythonDocument


class PythonRule(Rule, cst.BatchableCSTVisitor):
    """A LibCST visitor; all Python rules of a file share one batched visit."""

    DOCUMENT = "python"

    def __init__(self, context: RuleContext, doc: PythonDocument) -> None:
        Rule.__init__(self, context)
        cst.BatchableCSTVisitor.__init__(self)
        self.doc = doc

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        """LibCST's version runs ``inspect.getmembers`` per instance, that is per rule and per
        file (about 7 ms each); the method names depend only on the class, so cache them."""
        return {name: getattr(self, name) for name in _visitor_names(type(self))}


@cache
def _visitor_names(cls: type) -> tuple[str, ...]:
    names = []
    for name in dir(cls):
        if not name.startswith(("visit_", "leave_")):
            continue
        method = getattr(cls, name)
        if callable(method) and not getattr(method, "_is_no_op", False):
            names.append(name)
    return tuple(names)
