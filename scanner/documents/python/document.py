"""Python parsed with LibCST, plus the small analyses every Python rule shares.

LibCST's ``QualifiedNameProvider`` and ``ScopeProvider`` are exact but cost several times the
parse itself. Rules here need much less: which imported API a call refers to (through aliases and
function-level imports), and where a name's value came from within the module. Both are computed
by one cheap pass, only on the files the prefilter sends to LibCST, and only when a rule asks.

The document is the top floor of this package: names, bindings, values and folding are its base
classes, and the flow analyses (loops, schedules, credential sources) are built on demand from
those floors, never from this class.
"""

from __future__ import annotations

import time

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from scanner.documents.python.bindings import Index
from scanner.documents.python.fold import Durations
from scanner.documents.python.loops import Loops
from scanner.documents.python.schedules import Schedule, Schedules
from scanner.documents.python.sources import CredentialSource, Sources
from scanner.documents.text import max_bracket_depth
from scanner.findings import Location
from scanner.secrets.paths import is_test_path as is_test_path  # one copy of path classes

#: LibCST's native parser crashes the process on absurd nesting; CPython itself stops at 200.
MAX_NESTING = 1000


class PythonParseError(ValueError):
    """The file is not Python that LibCST can parse; the message says where."""




class _Flow(Loops, Schedules, Sources):
    """Every flow analysis of one document, over one shared flow index and its caches."""


class PythonDocument(Durations):
    """A parsed module with an import table and a lazy intra-module data-flow index."""

    def __init__(self, path: str, text: str, now: float | None = None) -> None:
        self.path = path
        self.text = text
        #: Scan time, the "now" of relative deadlines; one value for the whole scan.
        self.now = time.time() if now is None else now
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
        self._index: Index | None = None
        self._positions: dict[cst.CSTNode, CodeRange] | None = None
        self._flow: _Flow | None = None

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

    # -- fake-session building blocks (rules.md 2.2) ----------------------------------------

    @property
    def flow(self) -> _Flow:
        """Defs, calls, loops and the analyses on them: built only when a fake-session rule
        asks, from the index's node table (no extra walk of the tree)."""
        if self._flow is None:
            self._flow = _Flow(self)
        return self._flow

    def credential_source(
        self,
        expr: cst.BaseExpression,
        at: cst.CSTNode | None = None,
        *,
        within: cst.CSTNode | None = None,
    ) -> CredentialSource:
        """Where a credential comes from (rules.md 2.2 B): a literal, static config (a module
        constant, env, settings, a file, the keyring, a secret read once), a rotating chain, a
        federated platform source, a parameter, or unknown. Names, ``self.x`` attributes,
        dict fields, this module's functions' return values and, for a parameter, every call
        of its function in the module are followed. ``within`` is the loop the credential is
        used in: a secret-manager read inside it is not static.
        """
        return self.flow.source(expr, at or expr, within)

    def callable_def(
        self, expr: cst.BaseExpression | None, at: cst.CSTNode
    ) -> cst.FunctionDef | cst.Lambda | None:
        """The function of this module a call or callback refers to (``f``, ``self.m``,
        ``obj.m`` for ``obj = Cls()``, ``functools.partial(f)``, a lambda)."""
        return self.flow.callable_def(expr, at)

    def reachable_calls(self, root: cst.CSTNode, depth: int = 2) -> list[cst.Call]:
        """Calls ``root`` runs, and those of this module's functions it calls, ``depth`` deep."""
        return self.flow.reachable_calls(root, depth)

    def first_wait(self, calls: list[cst.Call]) -> cst.Call | None:
        """A sleep (``time``/``asyncio``/...), or a ``wait(timeout)``, among ``calls``."""
        return self.flow.first_wait(calls)

    def unbounded_loops(self, deadline_limit: int | None = None) -> list[cst.While | cst.For]:
        """Loops that run forever (rules.md 2.2 C); see ``_Flow.is_unbounded``."""
        return self.flow.unbounded_loops(deadline_limit)

    def recursions(self) -> list[tuple[cst.FunctionDef, cst.Call]]:
        """Functions that call themselves unconditionally, with the recursive call."""
        return self.flow.recursions()

    def schedules(self) -> list[Schedule]:
        """Re-arming timers, threads, asyncio tasks, ``schedule``/APScheduler/``sched``/Celery
        jobs, each with the function it runs (rules.md 2.2 C)."""
        return self.flow.schedules()

    def inside(self, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
        """Whether ``node`` is ``outer`` or lexically within it."""
        return self.flow.inside(node, outer)

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        return self.flow.enclosing_function(node)

    def calls(self) -> list[cst.Call]:
        """Every call in the module, in source order."""
        return self.flow.ix.calls

    def value_of(self, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.BaseExpression:
        """The one expression behind a name or a ``self.x``/``obj.x`` attribute, ``None``
        placeholders aside (``self.s = None`` in ``__init__``, set for real later); else
        ``expr`` itself."""
        return self.flow.value_of(expr, at)

    def attribute_writes(self, name: str, attr: str, at: cst.CSTNode) -> list[cst.BaseExpression]:
        """Values assigned to ``name.attr`` (``client.token = ...``) in scopes ``at`` sees."""
        return self.flow.attribute_writes(name, attr, at)

    def strings(self, expr: cst.CSTNode, at: cst.CSTNode) -> list[str]:
        """String constants (f-string text included) an expression is built from."""
        return self.flow.strings(expr, at)

    @property
    def is_test_code(self) -> bool:
        """Test files (rules.md 2.3.5), whose findings rules downgrade to ``info``."""
        return is_test_path(self.path)
