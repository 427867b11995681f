"""Credential sources (rules.md 2.2 B): literal, static config, rotating chain, federated.

A root credential is followed to where it is read or written: names (tuple unpacking
included), ``self.x`` attributes set in any method, properties, class attributes (inherited
ones too), dataclass field defaults, module constants, dict, settings and config-object
lookups, secret stores read once, strings built around it (f-strings, ``format``, ``%``, ``+``,
``join``, base64), this module's helper functions and, for a parameter, every call site
(``arguments``); helpers imported from this project are judged by name (``crossmodule``).
The tables of readers are in ``settings``. Unknown is never enough to report.
"""

from __future__ import annotations

import libcst as cst

import scanner.documents.python.settings as tables
from scanner.documents.python.credential import CredentialClass, CredentialSource
from scanner.documents.python.fold import Durations
from scanner.documents.python.readers import Readers, env_source, federated_text
from scanner.documents.python.syntax import (
    call_argument,
    dotted_name,
    is_none_literal,
    string_value,
)
from scanner.documents.python.walk import walk_nodes

__all__ = ["CredentialClass", "CredentialSource", "Sources"]

_UNKNOWN = CredentialSource(CredentialClass.UNKNOWN)
_PARAMETER = CredentialSource(CredentialClass.PARAMETER)
_FEDERATED_CALL_PREFIXES = tables.FEDERATED_CALL_PREFIXES

_SourceKey = tuple[cst.CSTNode, cst.CSTNode, cst.CSTNode | None]


class Sources(Readers):
    """The flow, plus the memoised classification of credential expressions."""

    def __init__(self, doc: Durations) -> None:
        super().__init__(doc)
        self._sources: dict[_SourceKey, CredentialSource] = {}
        self._active: set[_SourceKey] = set()

    def source(
        self, expr: cst.BaseExpression, at: cst.CSTNode, within: cst.CSTNode | None, depth: int = 0
    ) -> CredentialSource:
        """Classify a credential expression; memoised, and cycles (``x = x.strip()``) stop."""
        key = (expr, at, within)
        if key in self._sources:
            return self._sources[key]
        if depth > 24 or key in self._active:
            return _UNKNOWN
        self._active.add(key)
        try:
            found = self._source(expr, at, within, depth)
        finally:
            self._active.discard(key)
        self._sources[key] = found
        return found

    def _source(
        self, expr: cst.BaseExpression, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
            text = string_value(expr)
            if text is None:
                return self._composed(expr, _interpolated(expr), at, within, depth)
            if federated_text(text):
                return CredentialSource(CredentialClass.FEDERATED, expr, "a platform token path")
            return CredentialSource(CredentialClass.LITERAL, expr, "a string literal", text)
        if isinstance(expr, cst.FormattedString):
            return self._composed(expr, _interpolated(expr), at, within, depth)
        if isinstance(expr, cst.Name):
            return self._name_source(expr, at, within, depth)
        if isinstance(expr, cst.Attribute):
            return self._member_access(expr.value, expr.attr.value, expr, at, within, depth)
        if isinstance(expr, cst.Subscript):
            if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
                return _UNKNOWN
            index = expr.slice[0].slice.value
            return self._keyed_source(expr.value, index, expr, at, within, depth)
        if isinstance(expr, cst.Call):
            return self._call_source(expr, at, within, depth)
        if isinstance(expr, cst.Await):
            return self.source(expr.expression, at, within, depth + 1)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.operator, cst.Add):
                return self._composed(expr, [expr.left, expr.right], at, within, depth)
            if isinstance(expr.operator, cst.Modulo) and _is_text(expr.left):
                right = expr.right
                pieces = (
                    [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
                )
                return self._composed(expr, pieces, at, within, depth)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            parts = [
                self.source(p, at, within, depth + 1)
                for p in (expr.left, expr.right)
                if not is_none_literal(p)
            ]
            if parts and all(p.stored for p in parts):
                return parts[0]
            federated = [p for p in parts if p.kind is CredentialClass.FEDERATED]
            if federated:
                return federated[0]
        return _UNKNOWN

    def _composed(
        self,
        whole: cst.BaseExpression,
        parts: list[cst.BaseExpression],
        at: cst.CSTNode,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """A string built from parts (``f"Bearer {rt}"``, ``"rt=" + rt``, ``fmt % rt``): the
        first stored part that is not a literal, else a platform part; literals alone are a
        literal (joined), and anything else is unknown."""
        federated = None
        texts: list[str] = []
        for part in parts:
            if _is_text(part):
                texts.append(string_value(part) or "")
                continue
            found = self.source(part, at, within, depth + 1)
            if found.stored and found.kind is not CredentialClass.LITERAL:
                return found
            if found.kind is CredentialClass.LITERAL and found.value is not None:
                texts.append(found.value)
                continue
            if found.kind is CredentialClass.FEDERATED:
                federated = federated or found
                continue
            return federated or _UNKNOWN
        if federated is not None:
            return federated
        if parts and len(texts) == len(parts):
            text = "".join(texts)
            return CredentialSource(CredentialClass.LITERAL, whole, "a string literal", text)
        return _UNKNOWN

    def _combine(
        self,
        values: list[cst.BaseExpression | CredentialSource],
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """Several writes of one variable: all stored (a rotating chain when the others take a
        refresh response), else unknown. ``None`` placeholders do not count."""
        stored: list[CredentialSource] = []
        rotating = False
        federated = 0
        for value in values:
            if isinstance(value, CredentialSource):
                found = value
            elif is_none_literal(value):
                continue
            else:
                found = self.source(value, value, within, depth + 1)
            if found.stored:
                stored.append(found)
            elif not isinstance(value, CredentialSource) and _is_refresh_response(value):
                rotating = True
            elif len(values) == 1 and found.kind in (
                CredentialClass.PARAMETER,
                CredentialClass.FEDERATED,
            ):
                return found
            elif found.kind is CredentialClass.FEDERATED:
                federated += 1
                first_federated = found
            else:
                return _UNKNOWN
        if federated and not stored:
            return first_federated if federated == len(values) else _UNKNOWN
        if not stored or federated:
            return _UNKNOWN
        first = stored[0]
        if rotating or first.kind is CredentialClass.ROTATING_CHAIN:
            suffix = ", then replaced by each refresh response"
            description = first.description
            if not description.endswith(suffix):
                description += suffix
            return CredentialSource(
                CredentialClass.ROTATING_CHAIN, first.node, description, first.value
            )
        return first

    def _name_source(
        self, expr: cst.Name, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        scope, bindings = self._bindings(expr.value, at)
        if not bindings:
            return self._imported_source(expr)
        if any(b.is_parameter for b in bindings):
            if len(bindings) == 1 and isinstance(scope, cst.FunctionDef):
                return self._parameter_source(expr.value, scope, within, depth)
            return _PARAMETER
        values: list[cst.BaseExpression | CredentialSource] = []
        for binding in bindings:
            if binding.value is not None:
                values.append(binding.value)
            elif binding.unpacked is not None:
                values.append(
                    self._element_source(binding.unpacked, binding.element, within, depth)
                )
            else:
                return _UNKNOWN  # a loop variable, a ``with`` target, a ``del``...
        return self._combine(values, within, depth)

    def _element_source(
        self, rhs: cst.BaseExpression, element: int, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        """One name of ``a, b = rhs``: the element a helper returns, or an element of a
        stored value (``user, rt = os.environ["X"].split(":")``)."""
        if isinstance(rhs, cst.Call):
            target = self.callable_def(rhs.func, rhs)
            if isinstance(target, cst.FunctionDef):
                picked: list[cst.BaseExpression | CredentialSource] = []
                for ret in walk_nodes(target.body, cst.Return, skip_defs=True):
                    value = ret.value
                    if isinstance(value, cst.Tuple) and element < len(value.elements):
                        picked.append(value.elements[element].value)
                    elif value is not None:
                        picked.append(value)
                return self._combine(picked, within, depth) if picked else _UNKNOWN
        found = self.source(rhs, rhs, within, depth + 1)
        if found.kind in (CredentialClass.STATIC_CONFIG, CredentialClass.FEDERATED):
            return CredentialSource(found.kind, found.node, f"a part of {found.description}")
        return _UNKNOWN

    def _imported_source(self, expr: cst.Name) -> CredentialSource:
        """A constant imported from a settings module, or any UPPER_CASE imported constant."""
        found = self.ix.from_imports.get(expr.value)
        if found is None:
            return _UNKNOWN
        module, alias = found
        last = module.rstrip(".").rsplit(".", 1)[-1]
        original = dotted_name(alias.name) or expr.value
        if (
            last in tables.CONFIG_MODULES
            or original.isupper()
            or original in tables.CONFIG_MODULES
            or self.doc.qualified_names(expr) & tables.CONFIG_SINGLETONS
        ):
            return CredentialSource(
                CredentialClass.STATIC_CONFIG,
                alias,
                f"the constant `{original}` imported from `{module}`",
            )
        return _UNKNOWN

    def _parameter_source(
        self, name: str, func: cst.FunctionDef, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        """Follow a parameter to every call site of its function in this module (or to its
        default when nothing here calls it); all must agree."""
        values, complete = self.parameter_value(func, name)
        if not complete or not values:
            return _PARAMETER
        sources = [self.source(value, site, within, depth + 1) for value, site in values]
        if all(s.stored for s in sources):
            return sources[0]
        if all(s.kind is CredentialClass.FEDERATED for s in sources):
            return sources[0]
        return _PARAMETER

    def _member_access(
        self,
        base: cst.BaseExpression,
        attr: str,
        node: cst.CSTNode,
        at: cst.CSTNode,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """``base.attr`` (or ``getattr(base, "attr")``): a setting, a member of a local class
        or instance, or an attribute of a config object."""
        names = self.doc.qualified_names(base)
        if names & tables.CONFIG_SINGLETONS or (
            isinstance(base, cst.Name) and self._is_settings_module(base, at)
        ):
            where = dotted_name(base) or "settings"
            return CredentialSource(
                CredentialClass.STATIC_CONFIG, node, f"the setting `{where}.{attr}`"
            )
        cls = self.instance_class(base, at) or self.class_named(base, at)
        if cls is not None:
            return self._member_source(cls, attr, base, within, depth)
        if attr == "config" and self._flask_app(base, at):
            return CredentialSource(CredentialClass.STATIC_CONFIG, node, "the application config")
        inner = self.source(base, at, within, depth + 1)
        if inner.kind in (CredentialClass.STATIC_CONFIG, CredentialClass.FEDERATED):
            return CredentialSource(inner.kind, inner.node, f"`{attr}` of {inner.description}")
        return _UNKNOWN

    def _is_settings_module(self, name: cst.Name, at: cst.CSTNode) -> bool:
        """``settings`` / ``config`` imported as a module (``from app import settings``)."""
        if self._bindings(name.value, at)[1]:
            return False
        found = self.ix.from_imports.get(name.value)
        heads = set(self.doc.index.imports.get(name.value, set()))
        if found is not None:
            heads.add(found[0] + "." + (dotted_name(found[1].name) or ""))
        return any(h.rstrip(".").rsplit(".", 1)[-1] in tables.CONFIG_MODULES for h in heads)

    def _member_source(
        self,
        cls: cst.ClassDef,
        attr: str,
        base: cst.BaseExpression,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """``self.x``: every write of ``x`` in the class's methods, its property, or its class
        attribute (a local base class's too); a settings class's field is configuration."""
        for owner in self.local_bases(cls):
            if any(self.doc.qualified_names(b.value) & tables.SETTINGS_BASES for b in owner.bases):
                return CredentialSource(
                    CredentialClass.STATIC_CONFIG,
                    _field_node(cls, attr) or base,
                    f"the settings field `{attr}`, read from the environment",
                )
        values: list[cst.BaseExpression | CredentialSource] = list(self._member_writes(cls, attr))
        passed = self.field_arguments(cls, attr)
        if passed is None:
            return _UNKNOWN  # a dataclass or model built with arguments we cannot read
        values.extend(passed)
        if not values:
            return _UNKNOWN
        return self._combine(values, within, depth)

    def _keyed_source(
        self,
        base: cst.BaseExpression,
        key_expr: cst.BaseExpression,
        node: cst.CSTNode,
        at: cst.CSTNode,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """``base[key]`` and ``base.get(key)``: env reads, config entries, dict fields."""
        key = string_value(self.doc.resolve(key_expr, at))
        base_names = self.doc.qualified_names(base)
        if base_names & {"os.environ"}:
            return env_source(node, key)
        if base_names & tables.CONFIG_SINGLETONS:  # st.secrets["RT"], settings["RT"]
            where = f"{dotted_name(base) or 'settings'}[{key!r}]" if key else dotted_name(base)
            return CredentialSource(CredentialClass.STATIC_CONFIG, node, f"the setting `{where}`")
        if key is not None:
            value = self.doc.dict_value(base, key, at)
            if value is None and isinstance(base, cst.Name):
                passed = self.value_of(base, at)  # ``conf`` given ``CONF`` at its one call
                if passed is not base:
                    value = self.doc.dict_value(passed, key, passed)
            if value is not None:
                return self.source(value, value, within, depth + 1)
        inner = self.source(base, at, within, depth + 1)
        if inner.kind in (CredentialClass.STATIC_CONFIG, CredentialClass.ROTATING_CHAIN):
            what = f"the `{key}` entry of " if key else "an entry of "
            return CredentialSource(inner.kind, inner.node, what + inner.description)
        if inner.kind is CredentialClass.FEDERATED:
            return inner
        return _UNKNOWN

    def _call_source(
        self, expr: cst.Call, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        names = self.doc.qualified_names(expr.func)
        first = call_argument(expr, 0, None)
        func = expr.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if any(n.startswith(_FEDERATED_CALL_PREFIXES) for n in names):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform credential")
        if names & tables.ENV_READS:
            key = string_value(self.doc.resolve(first, at)) if first is not None else None
            return env_source(expr, key)
        if names & {"keyring.get_password", "keyring.get_credential"}:
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, "the OS keyring")
        if names & tables.LOADS:
            if first is not None and self._is_file(first, at):
                return self._file_source(expr, at)
            return self.source(first, at, within, depth + 1) if first is not None else _UNKNOWN
        if names & tables.PATH_LOADS or dotted_name(func) == "open":
            return self._file_source(expr, at)
        if names & tables.CONFIG_OBJECTS:
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, "a configuration object")
        if names & tables.FIELD_SPECIFIERS:
            return self._field_default(expr, within, depth)
        if dotted_name(func) == "getattr" and len(expr.args) >= 2:
            attr = string_value(self.doc.resolve(expr.args[1].value, at))
            if attr is None:
                return _UNKNOWN
            return self._member_access(expr.args[0].value, attr, expr, at, within, depth)
        if isinstance(func, cst.Attribute) and self._federated_receiver(func.value, at):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform credential")
        if method is not None and isinstance(func, cst.Attribute):
            found = self._method_source(expr, func, method, first, at, within, depth)
            if found is not None:
                return found
        if names & tables.PASS_THROUGH_CALLS or dotted_name(func) in ("str", "bytes"):
            return self.source(first, at, within, depth + 1) if first is not None else _UNKNOWN
        target = self.callable_def(func, expr)
        if isinstance(target, cst.FunctionDef):
            returns: list[cst.BaseExpression | CredentialSource] = [
                r.value
                for r in walk_nodes(target.body, cst.Return, skip_defs=True)
                if r.value is not None
            ]
            return self._combine(returns, within, depth) if returns else _UNKNOWN
        if isinstance(target, cst.Lambda):
            return self.source(target.body, target.body, within, depth + 1)
        cls = self.class_named(func, expr)
        if cls is not None and any(
            self.doc.qualified_names(b.value) & tables.SETTINGS_BASES
            for owner in self.local_bases(cls)
            for b in owner.bases
        ):
            return CredentialSource(
                CredentialClass.STATIC_CONFIG, expr, "settings loaded from the environment"
            )
        if isinstance(func, cst.Name) and not self._bindings(func.value, expr)[1]:
            return self._imported_helper(func.value, expr, within)
        if isinstance(func, cst.Name):
            inner = self.source(func, expr, within, depth + 1)  # env = environ.Env(); env("X")
            if inner.kind is CredentialClass.STATIC_CONFIG:
                return inner
        return _UNKNOWN

    def _method_source(
        self,
        expr: cst.Call,
        func: cst.Attribute,
        method: str,
        first: cst.BaseExpression | None,
        at: cst.CSTNode,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource | None:
        """``x.method(...)``: file reads, ``get``, pass-through and text methods, secret-store
        reads, ``fmt.format(...)``, ``sep.join([...])``, helpers of an imported module."""
        receiver = func.value
        if method in ("read", "read_text", "read_bytes", "readline", "readlines"):
            return self._file_source(expr, at) if self._is_file(receiver, at) else _UNKNOWN
        if method == "get" and first is not None:
            return self._keyed_source(receiver, first, expr, at, within, depth)
        if method in tables.PASS_THROUGH_METHODS and not expr.args:
            return self.source(receiver, at, within, depth + 1)
        if method == "format" and _is_text(receiver):
            values = [a.value for a in expr.args if not a.star]
            return self._composed(expr, values, at, within, depth)
        if method == "join" and _is_text(receiver) and first is not None:
            items = self.doc.resolve(first, at)
            if isinstance(items, cst.List | cst.Tuple):
                return self._composed(expr, [e.value for e in items.elements], at, within, depth)
            return _UNKNOWN
        if method in tables.SECRET_STORE_METHODS and expr.args:
            if within is not None and self.inside(expr, within):
                return _UNKNOWN  # read again each cycle: it may well be rotated
            return CredentialSource(
                CredentialClass.STATIC_CONFIG, expr, "a secret-store read done once"
            )
        if method in tables.SPLIT_METHODS:
            inner = self.source(receiver, at, within, depth + 1)
            return inner if inner.kind is not CredentialClass.LITERAL else _UNKNOWN
        if isinstance(receiver, cst.Name) and self._config_object(receiver, at):
            return CredentialSource(
                CredentialClass.STATIC_CONFIG, expr, f"the configuration read `{method}(...)`"
            )
        if (
            isinstance(receiver, cst.Name)
            and not self._bindings(receiver.value, at)[1]
            and receiver.value in self.ix.from_imports
            and self.class_named(receiver, at) is None
        ):
            return self._imported_helper(receiver.value, expr, within, method)
        return None

    def _field_default(
        self, expr: cst.Call, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        """``field(default=...)``/``field(default_factory=...)`` of a dataclass or model."""
        default = call_argument(expr, 0, "default")
        if default is not None:
            return self.source(default, default, within, depth + 1)
        factory = call_argument(expr, None, "default_factory")
        if isinstance(factory, cst.Lambda):
            return self.source(factory.body, factory.body, within, depth + 1)
        if factory is not None:
            target = self.callable_def(factory, expr)
            if isinstance(target, cst.FunctionDef):
                returns: list[cst.BaseExpression | CredentialSource] = [
                    r.value
                    for r in walk_nodes(target.body, cst.Return, skip_defs=True)
                    if r.value is not None
                ]
                return self._combine(returns, within, depth) if returns else _UNKNOWN
        return _UNKNOWN


def _is_refresh_response(value: cst.BaseExpression) -> bool:
    """``tok["refresh_token"]``, ``tok.get("refresh_token", rt)``: a rotated refresh token."""
    for node in walk_nodes(value, cst.SimpleString):
        text = string_value(node)
        if text is not None and "refresh" in text.lower():
            return True
    return any(
        isinstance(n, cst.Attribute) and "refresh" in n.attr.value.lower()
        for n in walk_nodes(value, cst.Attribute)
    )


def _interpolated(expr: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The parts of an f-string (text parts as strings), or of implicitly joined f-strings."""
    if isinstance(expr, cst.ConcatenatedString):
        return [*_interpolated(expr.left), *_interpolated(expr.right)]
    if isinstance(expr, cst.FormattedString):
        out: list[cst.BaseExpression] = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringExpression):
                out.append(part.expression)
            elif isinstance(part, cst.FormattedStringText):
                out.append(cst.SimpleString(repr(part.value)))
        return out
    return [expr]


def _is_text(expr: cst.BaseExpression) -> bool:
    """A string literal (no interpolation)."""
    return string_value(expr) is not None


def _field_node(cls: cst.ClassDef, attr: str) -> cst.CSTNode | None:
    """The declaration of a settings field (``token: SecretStr``) in the class body."""
    for statement in cls.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.AnnAssign | cst.Assign)
                    and isinstance(target := _first_target(small), cst.Name)
                    and target.value == attr
                ):
                    return small
    return None


def _first_target(node: cst.AnnAssign | cst.Assign) -> cst.BaseExpression:
    return node.target if isinstance(node, cst.AnnAssign) else node.targets[0].target
