"""Credential sources (rules.md 2.2 B): literal, static config, rotating chain, federated.

Names, ``self.x`` attributes, dict fields, return values of this module's functions and, for a
parameter, every call of its function are followed; unknown is never enough to report.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import libcst as cst

from scanner.documents.python.flow import Flow
from scanner.documents.python.fold import Durations
from scanner.documents.python.syntax import (
    call_argument,
    dotted_name,
    is_none_literal,
    string_value,
)
from scanner.documents.python.walk import walk_nodes


class CredentialClass(enum.Enum):
    """Where a credential comes from, as rules.md 2.2 B classifies it."""

    LITERAL = "literal"  # a string constant in the code
    STATIC_CONFIG = "static-config"  # env, settings, a file, the keyring, a secret read once...
    ROTATING_CHAIN = "rotating-chain"  # stored, then replaced by each refresh response
    FEDERATED = "federated"  # platform-attested: projected token file, IMDS, default chain
    PARAMETER = "parameter"  # decided by a caller we cannot see (library code)
    UNKNOWN = "unknown"  # anything we cannot follow: never enough to report


_STORED_CLASSES = frozenset(
    {CredentialClass.LITERAL, CredentialClass.STATIC_CONFIG, CredentialClass.ROTATING_CHAIN}
)


@dataclass(frozen=True, slots=True)
class CredentialSource:
    """A credential's class, where it is written or read (for related locations), and how."""

    kind: CredentialClass
    node: cst.CSTNode | None = None
    description: str = ""
    value: str | None = None  # the string, for LITERAL

    @property
    def stored(self) -> bool:
        """A long-lived credential kept by the workload itself (literal, config, chain)."""
        return self.kind in _STORED_CLASSES


_UNKNOWN = CredentialSource(CredentialClass.UNKNOWN)
_PARAMETER = CredentialSource(CredentialClass.PARAMETER)

#: Strings that name a platform-attested source (rules.md 2.2 B, FEDERATED).
_FEDERATED_MARKERS = (
    "serviceaccount/token",
    "169.254.169.254",
    "169.254.170.2",
    "fd00:ec2::254",
    "metadata.google.internal",
    "azure_federated_token_file",
    "aws_web_identity_token_file",
    "aws_container_credentials",
    "actions_id_token_request",
    "identity_endpoint",
    "msi_endpoint",
    "id_token",
)
_FEDERATED_CALL_PREFIXES = (
    "google.auth.default",
    "google.auth.identity_pool",
    "google.auth.aws",
    "google.auth.compute_engine",
    "google.auth.impersonated_credentials",
    "azure.identity.DefaultAzureCredential",
    "azure.identity.ManagedIdentityCredential",
    "azure.identity.WorkloadIdentityCredential",
    "azure.identity.aio.DefaultAzureCredential",
    "azure.identity.aio.ManagedIdentityCredential",
    "azure.identity.aio.WorkloadIdentityCredential",
    "botocore.credentials.RefreshableCredentials",
    "botocore.credentials.InstanceMetadataProvider",
    "botocore.credentials.AssumeRoleWithWebIdentityProvider",
    "kubernetes.config.load_incluster_config",
    "kubernetes.config.incluster_config",
)
#: Loaders of an open file: a file source only when their argument is a file.
_LOADS = frozenset(
    {"json.load", "yaml.safe_load", "yaml.load", "tomllib.load", "tomli.load", "pickle.load"}
)
#: Loaders that take a path.
_PATH_LOADS = frozenset({"toml.load", "dotenv.dotenv_values", "dotenv.main.dotenv_values"})
_CONFIG_MODULES = frozenset(
    {"settings", "config", "conf", "configuration", "secrets", "credentials", "local_settings"}
)
_SETTINGS_BASES = frozenset({"pydantic.BaseSettings", "pydantic_settings.BaseSettings"})
_PASS_THROUGH_METHODS = frozenset(
    {"strip", "rstrip", "lstrip", "decode", "encode", "lower", "upper", "get_secret_value"}
)
_PASS_THROUGH_CALLS = frozenset(
    {"json.loads", "base64.b64decode", "base64.urlsafe_b64decode"}
)
_SECRET_MANAGER_METHODS = frozenset(
    {"get_secret_value", "access_secret_version", "read_secret_version", "get_secret"}
)
_CLOCKS = frozenset({"time.monotonic", "time.perf_counter", "time.time"})

_SourceKey = tuple[cst.CSTNode, cst.CSTNode, cst.CSTNode | None]


class Sources(Flow):
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
        if depth > 16 or key in self._active:
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
                return _UNKNOWN
            if _federated_text(text):
                return CredentialSource(CredentialClass.FEDERATED, expr, "a platform token path")
            return CredentialSource(CredentialClass.LITERAL, expr, "a string literal", text)
        if isinstance(expr, cst.Name):
            return self._name_source(expr, at, within, depth)
        if isinstance(expr, cst.Attribute):
            return self._attribute_source(expr, at, within, depth)
        if isinstance(expr, cst.Subscript):
            if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
                return _UNKNOWN
            index = expr.slice[0].slice.value
            return self._keyed_source(expr.value, index, expr, at, within, depth)
        if isinstance(expr, cst.Call):
            return self._call_source(expr, at, within, depth)
        if isinstance(expr, cst.Await):
            return self.source(expr.expression, at, within, depth + 1)
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

    def _combine(
        self, values: list[cst.BaseExpression], within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        """Several writes of one variable: all stored (a rotating chain when the others take a
        refresh response), else unknown. ``None`` placeholders do not count."""
        stored: list[CredentialSource] = []
        rotating = False
        for value in values:
            if is_none_literal(value):
                continue
            found = self.source(value, value, within, depth + 1)
            if found.stored:
                stored.append(found)
            elif _is_refresh_response(value):
                rotating = True
            elif found.kind is CredentialClass.PARAMETER and len(values) == 1:
                return found
            else:
                return _UNKNOWN
        if not stored:
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
        if any(b.value is None for b in bindings):
            return _UNKNOWN  # a loop variable, a ``with`` target, a ``del``...
        return self._combine([b.value for b in bindings if b.value is not None], within, depth)

    def _imported_source(self, expr: cst.Name) -> CredentialSource:
        """A constant imported from a settings module, or any UPPER_CASE imported constant."""
        found = self.ix.from_imports.get(expr.value)
        if found is None:
            return _UNKNOWN
        module, alias = found
        last = module.rstrip(".").rsplit(".", 1)[-1]
        original = dotted_name(alias.name) or expr.value
        if last in _CONFIG_MODULES or original.isupper():
            return CredentialSource(
                CredentialClass.STATIC_CONFIG,
                alias,
                f"the constant `{original}` imported from `{module}`",
            )
        return _UNKNOWN

    def _parameter_source(
        self, name: str, func: cst.FunctionDef, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        """Follow a parameter to every call of its function in this module; all must agree."""
        positional = [*func.params.posonly_params, *func.params.params]
        param = next(
            (p for p in [*positional, *func.params.kwonly_params] if p.name.value == name), None
        )
        if param is None:
            return _PARAMETER
        position: int | None = positional.index(param) if param in positional else None
        if position is not None and isinstance(self.doc.scope_of(func), cst.ClassDef):
            position = position - 1 if position > 0 else None  # ``self`` is not passed
        callers = self.callers(func)
        handed = self._handed_arguments(func)
        if (not callers and not handed) or handed is None:
            return _PARAMETER
        sources = []
        for call in callers:
            if any(a.star for a in call.args):
                return _PARAMETER
            arg = call_argument(call, position, name)
            if arg is None:
                arg = param.default
            if arg is None:
                return _PARAMETER
            sources.append(self.source(arg, call, within, depth + 1))
        for args, kwargs, site in handed:
            arg = args[position] if position is not None and position < len(args) else None
            if arg is None:
                arg = kwargs.get(name, param.default)
            if arg is None:
                return _PARAMETER
            sources.append(self.source(arg, site, within, depth + 1))
        if all(s.stored for s in sources):
            return sources[0]
        return _PARAMETER

    def _handed_arguments(
        self, func: cst.FunctionDef
    ) -> list[tuple[list[cst.BaseExpression], dict[str, cst.BaseExpression], cst.Call]] | None:
        """Arguments a thread, timer, executor or scheduler passes to ``func``
        (``Thread(target=f, args=(rt,))``, ``pool.submit(f, rt)``, ``every(5).minutes.do(f,
        rt)``); None when some are not literal tuples, lists or dicts."""
        out = []
        for call in self.ix.calls:
            names = self.doc.qualified_names(call.func)
            method = call.func.attr.value if isinstance(call.func, cst.Attribute) else None
            args: cst.BaseExpression | None = None
            kwargs: cst.BaseExpression | None = None
            if names & {"threading.Thread", "multiprocessing.Process"}:
                target = call_argument(call, 1, "target")
                args, kwargs = call_argument(call, 3, "args"), call_argument(call, 4, "kwargs")
            elif names & {"threading.Timer"}:
                target = call_argument(call, 1, "function")
                args, kwargs = call_argument(call, 2, "args"), call_argument(call, 3, "kwargs")
            elif method in ("submit", "do"):
                target = call_argument(call, 0, None)
                positional = [a.value for a in call.args[1:] if a.keyword is None and not a.star]
                args = cst.Tuple([cst.Element(v) for v in positional])
            elif method == "add_job":
                target = call_argument(call, 0, "func")
                args = call_argument(call, None, "args")
                kwargs = call_argument(call, None, "kwargs")
            else:
                continue
            if target is None or self.callable_def(target, call) is not func:
                continue
            args = self.doc.resolve(args, call) if args is not None else None
            kwargs = self.doc.resolve(kwargs, call) if kwargs is not None else None
            if args is not None and not isinstance(args, cst.Tuple | cst.List):
                return None
            if kwargs is not None and not isinstance(kwargs, cst.Dict):
                return None
            values = [e.value for e in args.elements] if args is not None else []
            named: dict[str, cst.BaseExpression] = {}
            for element in kwargs.elements if kwargs is not None else ():
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is None:
                    return None
                named[key] = element.value
            out.append((values, named, call))
        return out

    def _attribute_source(
        self, expr: cst.Attribute, at: cst.CSTNode, within: cst.CSTNode | None, depth: int
    ) -> CredentialSource:
        attr = expr.attr.value
        if any(n.startswith("django.conf.settings.") for n in self.doc.qualified_names(expr)):
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, f"the setting `{attr}`")
        base = expr.value
        if isinstance(base, cst.Name) and self._is_settings_module(base, at):
            return CredentialSource(
                CredentialClass.STATIC_CONFIG, expr, f"the setting `{base.value}.{attr}`"
            )
        cls = self.instance_class(base, at)
        if cls is not None:
            return self._member_source(cls, attr, base, within, depth)
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
        return any(h.rstrip(".").rsplit(".", 1)[-1] in _CONFIG_MODULES for h in heads)

    def _member_source(
        self,
        cls: cst.ClassDef,
        attr: str,
        base: cst.BaseExpression,
        within: cst.CSTNode | None,
        depth: int,
    ) -> CredentialSource:
        """``self.x``: every write of ``x`` in the class's methods, or its class attribute."""
        if any(self.doc.qualified_names(b.value) & _SETTINGS_BASES for b in cls.bases):
            return CredentialSource(
                CredentialClass.STATIC_CONFIG,
                base,
                f"the settings field `{attr}`, read from the environment",
            )
        values = self._member_writes(cls, attr)
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
        if self.doc.qualified_names(base) & {"os.environ"}:
            return _env_source(node, key)
        if isinstance(base, cst.Attribute) and base.attr.value == "config":
            owner = self.doc.resolve(base.value, at)
            owner_names = self.doc.qualified_names(owner)
            if isinstance(owner, cst.Call):
                owner_names = self.doc.qualified_names(owner.func)
            if any(n.startswith("flask.") for n in owner_names):
                return CredentialSource(
                    CredentialClass.STATIC_CONFIG, node, f"the application config entry `{key}`"
                )
        if key is not None:
            value = self.doc.dict_value(base, key, at)
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
        if any(n.startswith(_FEDERATED_CALL_PREFIXES) for n in names):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform credential")
        if names & {"os.getenv", "os.environ.get", "decouple.config"}:
            key = string_value(self.doc.resolve(first, at)) if first is not None else None
            return _env_source(expr, key)
        if names & {"keyring.get_password", "keyring.get_credential"}:
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, "the OS keyring")
        if names & _LOADS:
            if first is not None and self._is_file(first, at):
                return self._file_source(expr, at)
            return self.source(first, at, within, depth + 1) if first is not None else _UNKNOWN
        if names & _PATH_LOADS or dotted_name(expr.func) == "open":
            return self._file_source(expr, at)
        if names & {"configparser.ConfigParser", "configparser.RawConfigParser"}:
            return CredentialSource(CredentialClass.STATIC_CONFIG, expr, "a configuration file")
        func = expr.func
        if isinstance(func, cst.Attribute) and self._federated_receiver(func.value, at):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform credential")
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in ("read", "read_text", "read_bytes", "readline", "readlines"):
                if self._is_file(func.value, at):
                    return self._file_source(expr, at)
                return _UNKNOWN
            if method == "get" and first is not None:
                return self._keyed_source(func.value, first, expr, at, within, depth)
            if method in _PASS_THROUGH_METHODS and not expr.args:
                return self.source(func.value, at, within, depth + 1)
            if method in _SECRET_MANAGER_METHODS and expr.args:
                if within is not None and self.inside(expr, within):
                    return _UNKNOWN  # read again each cycle: it may well be rotated
                return CredentialSource(
                    CredentialClass.STATIC_CONFIG, expr, "a secret-manager read done once"
                )
        if names & _PASS_THROUGH_CALLS or dotted_name(func) in ("str", "bytes"):
            return self.source(first, at, within, depth + 1) if first is not None else _UNKNOWN
        target = self.callable_def(func, expr)
        if isinstance(target, cst.FunctionDef):
            returns = [
                r.value
                for r in walk_nodes(target.body, cst.Return, skip_defs=True)
                if r.value is not None
            ]
            return self._combine(returns, within, depth) if returns else _UNKNOWN
        if isinstance(func, cst.Name):
            cls = self.lookup_def(func.value, expr)
            if isinstance(cls, cst.ClassDef) and any(
                self.doc.qualified_names(b.value) & _SETTINGS_BASES for b in cls.bases
            ):
                return CredentialSource(
                    CredentialClass.STATIC_CONFIG, expr, "settings loaded from the environment"
                )
        return _UNKNOWN

    def _federated_receiver(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """``ManagedIdentityCredential().get_token(...)``, ``cred.get_token`` for such a
        ``cred``: a method of a platform credential object."""
        for _ in range(6):
            if isinstance(expr, cst.Name):
                value = self.doc.resolve(expr, at)
                if value is expr:
                    return False
                expr = value
            if isinstance(expr, cst.Call):
                names = self.doc.qualified_names(expr.func)
                if any(n.startswith(_FEDERATED_CALL_PREFIXES) for n in names):
                    return True
                expr = expr.func
            if isinstance(expr, cst.Attribute):
                expr = expr.value
            elif not isinstance(expr, cst.Name | cst.Call):
                return False
        return False

    def _is_file(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """An open file or a path: ``open(p)``, ``Path(p)``, ``with open(p) as fh``."""
        if isinstance(expr, cst.Call):
            names = self.doc.qualified_names(expr.func)
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "open":
                return self._is_file(expr.func.value, at)  # Path(p).open()
            return dotted_name(expr.func) == "open" or bool(
                names & {"pathlib.Path", "pathlib.PurePath", "io.open", "codecs.open"}
            )
        if isinstance(expr, cst.Name):
            for scope in self._scope_chain(at):
                items = self.ix.with_items.get((scope, expr.value))
                if items:
                    return all(self._is_file(i.item, i) for i in items)
            value = self.doc.resolve(expr, at)
            return value is not expr and self._is_file(value, value)
        if isinstance(expr, cst.BinaryOperation):  # Path(...) / "token.json"
            return self._is_file(expr.left, at)
        return False

    def _file_source(self, expr: cst.Call, at: cst.CSTNode) -> CredentialSource:
        texts = self.strings(expr, at)
        if any(_federated_text(t) for t in texts):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform token file")
        path = next((t for t in texts if "/" in t or "." in t), None)
        where = f"the file `{path}`" if path else "a file"
        return CredentialSource(CredentialClass.STATIC_CONFIG, expr, where)


def _env_source(node: cst.CSTNode, key: str | None) -> CredentialSource:
    if key is not None and _federated_text(key):
        return CredentialSource(CredentialClass.FEDERATED, node, f"the platform variable `{key}`")
    what = f"the environment variable `{key}`" if key else "an environment variable"
    return CredentialSource(CredentialClass.STATIC_CONFIG, node, what)


def _federated_text(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in _FEDERATED_MARKERS)


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
