"""What the library models and the keep-alive analysis need of a Python document.

A protocol, so that ``libraries/`` and ``keepalive`` (analyses) never import the document class:
``PythonDocument`` satisfies it, and mypy checks that where a rule hands its document over.
"""

from __future__ import annotations

from typing import Protocol

import libcst as cst

from scanner.documents.python.schedules import Schedule
from scanner.documents.python.sources import CredentialSource


class DocumentView(Protocol):
    """The document's questions the fake-session analysis asks (see ``PythonDocument``)."""

    @property
    def module(self) -> cst.Module: ...

    path: str

    def code(self, node: cst.CSTNode) -> str: ...

    def imports_from(self, *modules: str) -> bool: ...

    def qualified_names(self, node: cst.CSTNode) -> frozenset[str]: ...

    def resolve(
        self, expr: cst.BaseExpression, at: cst.CSTNode | None = None
    ) -> cst.BaseExpression: ...

    def argument(
        self, call: cst.Call, keyword: str, position: int | None = None
    ) -> cst.BaseExpression | None: ...

    def dict_keys(self, expr: cst.BaseExpression, at: cst.CSTNode) -> frozenset[str] | None: ...

    def dict_value(
        self, expr: cst.BaseExpression, key: str, at: cst.CSTNode
    ) -> cst.BaseExpression | None: ...

    def credential_source(
        self,
        expr: cst.BaseExpression,
        at: cst.CSTNode | None = None,
        *,
        within: cst.CSTNode | None = None,
    ) -> CredentialSource: ...

    def callable_def(
        self, expr: cst.BaseExpression | None, at: cst.CSTNode
    ) -> cst.FunctionDef | cst.Lambda | None: ...

    def reachable_calls(self, root: cst.CSTNode, depth: int = 2) -> list[cst.Call]: ...

    def first_wait(self, calls: list[cst.Call]) -> cst.Call | None: ...

    def unbounded_loops(self, deadline_limit: int | None = None) -> list[cst.While | cst.For]: ...

    def recursions(self) -> list[tuple[cst.FunctionDef, cst.Call]]: ...

    def schedules(self) -> list[Schedule]: ...

    def inside(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool: ...

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None: ...

    def calls(self) -> list[cst.Call]: ...

    def value_of(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.BaseExpression: ...

    def attribute_writes(
        self, name: str, attr: str, at: cst.CSTNode
    ) -> list[cst.BaseExpression]: ...

    def strings(self, expr: cst.CSTNode, at: cst.CSTNode) -> list[str]: ...
