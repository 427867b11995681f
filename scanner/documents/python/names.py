"""The module's import table and the qualified names it gives expressions (design.md 5).

Our own small table instead of LibCST's ``QualifiedNameProvider``: rules ask
``doc.qualified_names(node)`` and get ``"jwt.encode"`` for ``import jwt as j; j.encode``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import libcst as cst

from scanner.documents.python.syntax import dotted_name


def add_import(imports: dict[str, set[str]], node: cst.Import) -> None:
    """Record what ``import a.b`` / ``import a.b as c`` binds."""
    for alias in node.names:
        full = dotted_name(alias.name)
        if full is None:
            continue
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            imports[alias.asname.name.value].add(full)
        else:
            head = full.split(".")[0]
            imports[head].add(head)


def add_import_from(imports: dict[str, set[str]], node: cst.ImportFrom) -> None:
    """Record what ``from a import b`` binds (relative and star imports bind nothing we follow)."""
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
        imports[bound].add(f"{module}.{name}")


def collect_imports(module: cst.Module) -> dict[str, set[str]]:
    """The import table from a walk over statements only (imports are statements).

    Reads the statement fields directly: LibCST's ``children`` rebuilds a node's child list
    on every access, which made this walk cost as much as the full index.
    """
    imports: dict[str, set[str]] = defaultdict(set)
    stack: list[object] = [module]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is cst.Import:
            add_import(imports, node)  # type: ignore[arg-type]
        elif kind is cst.ImportFrom:
            add_import_from(imports, node)  # type: ignore[arg-type]
        elif kind in _SMALL_STATEMENT_HOLDERS:
            stack.extend(node.body)  # type: ignore[attr-defined]
        elif kind in _COMPOUND_STATEMENTS:
            for field in ("body", "orelse", "handlers", "finalbody", "cases"):
                value = getattr(node, field, None)
                if isinstance(value, tuple | list):
                    stack.extend(value)
                elif value is not None:
                    stack.append(value)
    return imports


#: Nodes whose ``body`` is a sequence of statements or small statements.
_SMALL_STATEMENT_HOLDERS = frozenset(
    {cst.Module, cst.IndentedBlock, cst.SimpleStatementLine, cst.SimpleStatementSuite}
)
#: Nodes that hold suites under ``body``/``orelse``/``handlers``/``finalbody``/``cases``.
_COMPOUND_STATEMENTS = frozenset(
    {
        cst.If,
        cst.Else,
        cst.For,
        cst.While,
        cst.Try,
        cst.TryStar,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.Finally,
        cst.With,
        cst.FunctionDef,
        cst.ClassDef,
        cst.Match,
        cst.MatchCase,
    }
)


class Names:
    """The lowest floor of a Python document: the parsed module and its import table."""

    module: cst.Module
    #: The file's path relative to the scan root (which package a relative import is in).
    path: str = ""

    @property
    def imports(self) -> dict[str, set[str]]:
        """Bound name -> imported qualified names, from a walk over statements only.

        The full index visits every node; most calls a rule looks at need only the imports, so
        these are collected on their own (a few percent of the nodes) and the index is built
        when a rule first follows a name.
        """
        found: dict[str, set[str]] | None = self.__dict__.get("_imports")
        if found is None:
            found = self._import_table()
            self.__dict__["_imports"] = found
        return found

    def _import_table(self) -> dict[str, set[str]]:
        """The table from the statements; a floor that already walked every node reuses its own."""
        return collect_imports(self.module)

    def imports_from(self, *modules: str) -> bool:
        """Whether anything is imported from one of ``modules`` (``"redis"``, ``"jwt.api_jwt"``).

        A cheap guard before following names: it needs the import table only.
        """
        return any(
            target == module or target.startswith(module + ".")
            for targets in self.imports.values()
            for target in targets
            for module in modules
        )

    def qualified_names(self, node: cst.CSTNode) -> frozenset[str]:
        """Qualified names an expression may refer to, through the module's imports.

        ``import jwt as j; j.encode`` gives ``{"jwt.encode"}``; ``from jose import jwt`` makes
        ``jwt.encode`` ``{"jose.jwt.encode"}``. A name that was never imported gives nothing.
        """
        dotted = dotted_name(node)
        if dotted is None:
            return frozenset()
        head, _, rest = dotted.partition(".")
        targets = self.imports.get(head)
        if not targets:
            return frozenset()
        suffix = "." + rest if rest else ""
        return frozenset(t + suffix for t in targets)

    def is_call_to(self, call: cst.Call, names: Collection[str]) -> bool:
        return not self.qualified_names(call.func).isdisjoint(names)
