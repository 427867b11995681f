"""Which Python rules could fire on a file, decided from CPython's ``ast`` before LibCST parses it.

The prefilter's trigger words are right but coarse: every module of an SQLAlchemy project
says ``sqlalchemy``, so LLC-PY-005's word gate sent 633 of SQLAlchemy's 668 files to LibCST,
which costs about fifteen times CPython's parser. The guard already parses each file with
``ast`` (for nesting); the same walk keeps the calls, imports and assignments, and a rule's
screen here asks whether the call or assignment its findings hang on occurs at all.

A screen is a necessary condition, never a judgement: it answers "maybe" whenever the rule
could report, and resolves names exactly as the document does (``names.qualified_names``:
imports only, relative imports bind nothing), over every import of the file, so it sees at
least what the rule sees. A rule without a screen here always runs. A screen that mirrors a
rule's call table must list every name of that table (``tests/test_ast_prescreen.py`` checks
the tables and compares findings with the screen on and off).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.documents.python.issuerscreen import (
    PY004_COOKIE_AGES,
    PY011_STORE_METHODS,
    WATCHED,
    fs004,
    may_name_a_token_cookie,
    may_store_forever,
    py001,
    py003,
    py004,
    py008,
    py012,
    sink_gated,
)
from scanner.documents.python.libraries.caches import CacheForm, cache_rows
from scanner.documents.python.libraries.credential_slots import (
    PY005,
    SlotForm,
    slot_calls,
    slot_names,
    slot_params,
)
from scanner.documents.python.textscreen import (  # the tables both screens read
    AWS_KEYWORDS,
    PY005_CALLS,
    PY005_CONNECTION_STRINGS,
    PY006_AWS_PAIR,
    PY006_AZURE,
    PY006_GOOGLE_ENV,
    PY006_GOOGLE_METHODS,
    PY007_BASIC_AUTH,
    PY007_HEADERS,
    PY011_CLASSES,
    PY011_CREDENTIAL_KEY,
    PY011_FETCHER,
    PY011_TOKEN_KEYS,
    constant_text,
)
from scanner.secrets.values import credential_shaped


@dataclass(frozen=True, slots=True)
class Facts:
    """What the screens read: resolved call names, keywords and assignment targets."""

    #: Qualified names (through the file's imports) of every called expression.
    called: frozenset[str]
    #: The same, only for calls that pass at least one argument.
    called_with_args: frozenset[str]
    #: Keyword names passed to any call.
    keywords: frozenset[str]
    #: Keyword names passed to a call whose callee resolves through an import, unless the
    #: value is a constant no credential check accepts (``_may_hold_secret``).
    resolved_keywords: frozenset[str]
    #: Attribute names assigned to (``stripe.api_key = ...`` gives ``api_key``).
    assigned_attributes: frozenset[str]
    #: Method names of calls on an attribute (``x.from_service_account_file(...)``).
    methods: frozenset[str]
    #: String keys of subscripts assigned to (``os.environ["X"] = ...`` gives ``X``).
    assigned_keys: frozenset[str]
    #: (name, qualified callee) of names assigned a call (``TOKEN_CACHE = TTLCache(...)``).
    call_results: frozenset[tuple[str, str]]
    #: Names of decorated functions.
    decorated: frozenset[str]
    #: Whether a dict literal holds a token key and ``expires_in``/``expires_at: None``.
    none_expiry_dict: bool
    #: Every qualified name an import binds (``import a.b`` binds ``a``).
    imported: frozenset[str]
    #: ``MARKERS`` found in string constants other than docstrings.
    markers: frozenset[str]
    #: Names assigned to (``X = ...``, ``X: T = ...``, tuple targets included).
    assigned_names: frozenset[str] = frozenset()
    #: String constants (other than docstrings) that are one of ``WATCHED``.
    strings: frozenset[str] = frozenset()
    #: Whether a ``set_cookie`` call may name a token or session cookie (LLC-PY-004) and an
    #: age keyword is passed somewhere in the file.
    token_cookie: bool = False
    #: Names called bare (``refresh_token()``), unresolved.
    bare_called: frozenset[str] = frozenset()
    #: Whether a call to one of LLC-PY-005's SDK calls may pass its credential as a literal.
    sdk_literal: bool = False
    #: Whether a credential header or an ``auth=`` pair may be given a literal (LLC-PY-007).
    header_literal: bool = False
    #: Whether a cache store write may keep a credential for ever (LLC-PY-011).
    store_write: bool = False

    def may_import(self, module: str) -> bool:
        """Whether a name the imports give can be ``module`` or inside it (an import of
        ``django`` can give ``django.core.cache.cache``; one of ``djangox`` cannot)."""
        return any(
            t == module or t.startswith(module + ".") or module.startswith(t + ".")
            for t in self.imported
        )


def may_fire(facts: Facts | None, rule_id: str) -> bool:
    """False only when ``rule_id`` has a screen and its sink cannot occur in this file."""
    if facts is None:
        return True
    check = SCREENS.get(rule_id)
    return check is None or check(facts)


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name (``syntax.dotted_name``), else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _import_table(imports: list[ast.Import | ast.ImportFrom]) -> dict[str, set[str]]:
    """``names.collect_imports`` over every import of the file (a superset of its walk)."""
    table: dict[str, set[str]] = {}
    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    table.setdefault(alias.asname, set()).add(alias.name)
                else:
                    head = alias.name.split(".")[0]
                    table.setdefault(head, set()).add(head)
        elif not node.level and node.module:
            for alias in node.names:
                if alias.name == "*":
                    continue
                bound = alias.asname or alias.name
                table.setdefault(bound, set()).add(f"{node.module}.{alias.name}")
    return table


#: String markers the screens ask about: a URL's scheme (``://``) and its ``@``
#: (``scheme://user:pass@host``, LLC-PY-005's ``_URL_PASSWORD``), and a DSN's ``password=``
#: (``_DSN_PASSWORD``). A literal joined from pieces with ``+`` still has each marker in one
#: piece (``"postgresql://u:" + "pw@host"``), so a marker is looked for piece by piece.
MARKERS = ("@", "://", "password=")
#: The marker of a string that names a credential header (``Authorization``, ``X-API-Key``).
HEADER = "header"
_LONGEST_HEADER = max(len(h) for h in PY007_HEADERS)
#: Node types the guard's walk keeps besides calls, imports and assignments.
KEPT: tuple[type[ast.AST], ...] = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Dict,
    ast.AnnAssign,
    ast.NamedExpr,
)


@dataclass(slots=True)
class Kept:
    """The nodes and string markers the guard's walk keeps for ``sink_facts``."""

    calls: list[ast.Call] = field(default_factory=list)
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    assigns: list[ast.Assign] = field(default_factory=list)
    others: list[ast.AST] = field(default_factory=list)
    markers: set[str] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)

    def string(self, value: str) -> None:
        """A string constant that is not a statement of its own (a docstring)."""
        whole = _refused_url(value)
        for marker in MARKERS:
            if marker in value and not (whole and marker != "password="):
                self.markers.add(marker)
        if len(value) <= _LONGEST_HEADER and value.lower() in PY007_HEADERS:
            self.markers.add(HEADER)
        if value in WATCHED:
            self.strings.add(value)


#: LLC-PY-005's ``_URL_PASSWORD`` (``tests/test_ast_prescreen.py`` holds them equal).
URL_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:([^@/\s]+)@")


def _refused_url(value: str) -> bool:
    """A whole ``scheme://user:pass@`` whose password ``credential_shaped`` refuses
    (``postgresql://scott:tiger@host``): its ``://`` and ``@`` are no marker. Joined after
    another piece, the rule's anchored match either stays this one or needs a ``://`` and an
    ``@`` in that piece (the password stops at ``/``); joined before one, it stays this one."""
    if "://" not in value or "@" not in value:
        return False
    match = URL_PASSWORD.match(value)
    return match is not None and not credential_shaped(match.group(1))


def _qualified(table: dict[str, set[str]], func: ast.expr) -> set[str]:
    """``names.qualified_names`` on the ``ast`` of a callee."""
    dotted = _dotted(func)
    if dotted is None:
        return set()
    head, _, rest = dotted.partition(".")
    targets = table.get(head)
    if not targets:
        return set()
    suffix = "." + rest if rest else ""
    return {t + suffix for t in targets}


def sink_facts(kept: Kept) -> Facts:
    """The facts of one module from the nodes the guard's walk kept."""
    calls, assigns = kept.calls, kept.assigns
    table = _import_table(kept.imports)
    called: set[str] = set()
    with_args: set[str] = set()
    keywords: set[str] = set()
    resolved_keywords: set[str] = set()
    methods: set[str] = set()
    cookies: list[ast.Call] = []
    bare: set[str] = set()
    sdk_literal = store_write = False
    for call in calls:
        func = call.func
        if isinstance(func, ast.Attribute):
            methods.add(func.attr)
            if func.attr == "set_cookie":
                cookies.append(call)
            elif func.attr in PY011_STORE_METHODS and not store_write:
                store_write = may_store_forever(call, func.attr)
        elif isinstance(func, ast.Name):
            bare.add(func.id)
        names = _qualified(table, func)
        words = {k.arg for k in call.keywords if k.arg is not None}
        keywords |= words
        if names:
            called |= names
            if not sdk_literal and not names.isdisjoint(PY005_ARGUMENT_CALLS):
                sdk_literal = _may_pass_a_literal(call, names)
            resolved_keywords |= {
                k.arg for k in call.keywords if k.arg is not None and _may_hold_secret(k.value)
            }
            if call.args or call.keywords:
                with_args |= names
    attributes: set[str] = set()
    keys: set[str] = set()
    results: set[tuple[str, str]] = set()
    assigned: set[str] = set()
    annotated = [o for o in kept.others if isinstance(o, ast.AnnAssign | ast.NamedExpr)]
    for node in (*assigns, *annotated):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name):
                assigned.add(target.id)
            elif isinstance(target, ast.Tuple | ast.List):
                assigned.update(e.id for e in target.elts if isinstance(e, ast.Name))
            if node.value is None:
                continue
            if isinstance(target, ast.Attribute):
                attributes.add(target.attr)
            elif isinstance(target, ast.Subscript):
                index = target.slice
                if isinstance(index, ast.Constant) and isinstance(index.value, str):
                    keys.add(index.value)
            elif isinstance(target, ast.Name) and isinstance(node.value, ast.Call):
                results.update((target.id, q) for q in _qualified(table, node.value.func))
    decorated: set[str] = set()
    none_expiry = False
    for other in kept.others:
        if isinstance(other, ast.FunctionDef | ast.AsyncFunctionDef):
            if other.decorator_list:
                decorated.add(other.name)
        elif isinstance(other, ast.Dict) and not none_expiry:
            none_expiry = _none_expiry(other)
    return Facts(
        frozenset(called),
        frozenset(with_args),
        frozenset(keywords),
        frozenset(resolved_keywords),
        frozenset(attributes),
        frozenset(methods),
        frozenset(keys),
        frozenset(results),
        frozenset(decorated),
        none_expiry,
        frozenset(t for targets in table.values() for t in targets),
        frozenset(kept.markers),
        frozenset(assigned),
        frozenset(kept.strings),
        any(may_name_a_token_cookie(c, assigned) for c in cookies)
        and not (
            PY004_COOKIE_AGES.isdisjoint(keywords) and PY004_COOKIE_AGES.isdisjoint(kept.strings)
        ),
        frozenset(bare),
        sdk_literal,
        _header_literal(kept, HEADER in kept.markers),
        store_write,
    )


def _literal_header_value(value: ast.expr) -> bool:
    """LLC-PY-007's ``_header``: ``literal_string`` reads a constant, a name bound to one or a
    ``+`` of those; a constant must look like a credential or ``<scheme> <credential>``."""
    if isinstance(value, ast.Constant):
        text = constant_text(value)
        return text is not None and (
            PY007_SCHEME.match(text.strip()) is not None or credential_shaped(text.strip())
        )
    return _joinable(value)


def _joinable(value: ast.expr) -> bool:
    """What ``literal_string`` may read as a string: a name (bound to one, perhaps), or a
    ``+`` of constants and names (a call or an attribute anywhere in it: no). Iterative: a
    chain may be thousands of links long."""
    if not isinstance(value, ast.Name | ast.BinOp):
        return False
    stack: list[ast.expr] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            stack.append(node.left)
            stack.append(node.right)
        elif not (
            isinstance(node, ast.Name)
            or (isinstance(node, ast.Constant) and constant_text(node) is not None)
        ):
            return False
    return True


def _is_header(key: ast.expr | None, named: bool) -> bool:
    """A credential header's name: a string constant, or (when one is spelled in the file)
    a name that may be bound to it."""
    if isinstance(key, ast.Constant):
        return isinstance(key.value, str) and key.value.lower() in PY007_HEADERS
    return named and isinstance(key, ast.Name)


def _header_literal(kept: Kept, named: bool) -> bool:
    """Where LLC-PY-007 reads a header or a password: a dict entry, a ``dict(...)`` keyword,
    ``headers[...] = ``, ``add_header``/``putheader``, or an ``auth=`` pair (a tuple, or a
    name bound to one) whose password may be a literal."""
    for node in kept.others:
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if _is_header(key, named) and _literal_header_value(value):
                    return True
    for call in kept.calls:
        for keyword in call.keywords:
            if keyword.arg is None:
                continue
            if keyword.arg.lower() in PY007_HEADERS and _literal_header_value(keyword.value):
                return True
            if keyword.arg == "auth":
                auth = keyword.value
                if isinstance(auth, ast.Name):
                    return True
                if (
                    isinstance(auth, ast.Tuple)
                    and len(auth.elts) == 2
                    and _literal_header_value(auth.elts[1])
                ):
                    return True
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("add_header", "putheader")
            and len(call.args) == 2
            and _is_header(call.args[0], named or isinstance(call.args[0], ast.Name))
            and _literal_header_value(call.args[1])
        ):
            return True
    for assign in kept.assigns:
        for target in assign.targets:
            if (
                isinstance(target, ast.Subscript)
                and _is_header(target.slice, named)
                and _literal_header_value(assign.value)
            ):
                return True
    return False


def _may_hold_secret(value: ast.expr) -> bool:
    """Whether a keyword's value can be what LLC-PY-005's secret-named-keyword check reports:
    anything but a constant, or a string ``credential_shaped(random=True)`` accepts (the very
    check the rule applies to it). ``password="tiger"`` in a test's ``connect()`` cannot."""
    if isinstance(value, ast.Constant):
        text = constant_text(value)
        return text is not None and credential_shaped(text, random=True)
    # ``literal_string`` reads a name bound to a literal or a ``+`` of such; an attribute, a
    # call, a subscript or an f-string is no literal, and the check does not report it.
    return _joinable(value)


def _may_pass_a_literal(call: ast.Call, names: set[str]) -> bool:
    """LLC-PY-005's ``_check`` of an SDK call's credential slots (``_CALLS``, every row of
    the names the call resolves to): ``literal_string`` reads a string or bytes constant, a
    name bound to one or a ``+`` of those; the constant must be ``credential_shaped``. A slot
    behind ``*args`` or ``**opts`` may hold anything."""
    if any(k.arg is None for k in call.keywords):
        return True
    params: dict[str, int | None] = {}
    for name in names & PY005_PARAMS.keys():
        params.update(PY005_PARAMS[name])
    by_keyword = {k.arg: k.value for k in call.keywords}
    for keyword, position in params.items():
        values = [by_keyword[keyword]] if keyword in by_keyword else []
        if position is not None:
            if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
                return True
            if position < len(call.args):
                values.append(call.args[position])
        for value in values:
            if isinstance(value, ast.Constant):
                text = constant_text(value)
                if text is not None and credential_shaped(text):
                    return True
            elif _joinable(value):
                return True
    return False


def _none_expiry(node: ast.Dict) -> bool:
    """LLC-PY-011's dict: a token key, and ``expires_in`` or ``expires_at`` set to None."""
    keys = {
        k.value: v
        for k, v in zip(node.keys, node.values, strict=True)
        if isinstance(k, ast.Constant) and isinstance(k.value, str)
    }
    if PY011_TOKEN_KEYS.isdisjoint(keys):
        return False
    return any(
        isinstance(v, ast.Constant) and v.value is None
        for k, v in keys.items()
        if k in ("expires_in", "expires_at")
    )


# -- the screens, one per rule whose trigger words are common -------------------------------

#: LLC-PY-005's ``_CALLS`` (a credential argument) and ``_SERVICE_ACCOUNT_INFO``.
PY005_ARGUMENT_CALLS = slot_calls(PY005, SlotForm.ARGUMENT)
PY005_PARAMS = slot_params(PY005)
PY005_KEY_INFO = slot_calls(PY005, SlotForm.KEY_INFO)
#: LLC-PY-005's ``_GENERIC_KEYWORD``: a secret-named keyword of any imported API.
PY005_GENERIC_KEYWORD = re.compile(
    r"(?i)(?:api_?key|secret|token|password|passwd|credential|private_key|client_secret)$"
)
#: LLC-PY-005's ``_MODULE_KEYS`` attributes (``stripe.api_key = "..."``).
PY005_MODULE_KEYS = frozenset(
    n.rsplit(".", 1)[-1] for n in slot_names(PY005, SlotForm.MODULE_ATTRIBUTE)
)


def _py005(facts: Facts) -> bool:
    """A literal credential passed to an SDK call, a DSN, or ``stripe.api_key = ...``."""
    hit = PY005_CALLS & facts.called_with_args
    markers = facts.markers
    if facts.sdk_literal or not hit.isdisjoint(PY005_KEY_INFO):
        return True
    if hit and (("://" in markers and "@" in markers) or "password=" in markers):
        return True  # a URL or DSN needs ``scheme://user:pass@`` or ``password=`` in a literal
    if not AWS_KEYWORDS.isdisjoint(facts.keywords):
        return True
    if not PY005_MODULE_KEYS.isdisjoint(facts.assigned_attributes):
        return True
    if any(PY005_GENERIC_KEYWORD.search(k) for k in facts.resolved_keywords):
        return True
    return any(  # LLC-PY-005's _CONNECTION_STRINGS rows: a prefix and a method
        n.startswith(row.prefix) and n.rsplit(".", 1)[-1] in row.methods
        for row in PY005_CONNECTION_STRINGS
        for n in facts.called_with_args
    )




def _py006(facts: Facts) -> bool:
    """boto3 given a stored key pair, azure-identity a client secret, a Google class a key
    file or key info, or the Google key-file variable set in ``os.environ``."""
    if not PY006_AZURE.isdisjoint(facts.called):
        return True
    if PY006_AWS_PAIR.issubset(facts.keywords | facts.strings):
        return True
    if not PY006_GOOGLE_METHODS.isdisjoint(facts.methods) and any(
        n.startswith("google.") for n in facts.called
    ):
        return True  # a key-file method on a Google class (``from_service_account_file``)
    return PY006_GOOGLE_ENV in facts.assigned_keys


def _py011(facts: Facts) -> bool:
    """A memoised credential fetcher, a long TTL cache named for a credential, a Django or
    redis cache write, or a token dict whose expiry is None."""
    if facts.none_expiry_dict:
        return True
    if any(PY011_FETCHER.match(name) for name in facts.decorated):
        return True
    if any(  # a cache object of the CACHES registry, named for a credential
        callee in PY011_CLASSES and PY011_CREDENTIAL_KEY.search(name)
        for name, callee in facts.call_results
    ):
        return True
    return facts.store_write and any(  # a write to a store of the CACHES registry
        not store.methods.isdisjoint(facts.methods)
        and facts.may_import(store.prefix.rstrip("."))  # both of _is_store's branches need it
        for store in cache_rows(CacheForm.STORE)
    )


def _py007(facts: Facts) -> bool:
    """A credential header or an ``auth=`` pair that may be given a literal, or a basic-auth
    class called."""
    return facts.header_literal or not PY007_BASIC_AUTH.isdisjoint(facts.called)


#: LLC-PY-007's ``_SCHEME`` (``tests/test_ast_prescreen.py`` holds them equal).
PY007_SCHEME = re.compile(r"(?i)^(?:bearer|token|basic|bot|sso-key)\s+(\S{16,})$")


SCREENS: dict[str, Callable[[Facts], bool]] = {
    # The FS rules built on ``SinkGatedRule`` (tests/test_ast_prescreen.py lists them).
    "LLC-FS-001": sink_gated,
    "LLC-FS-002": sink_gated,
    "LLC-FS-003": sink_gated,
    "LLC-FS-006": sink_gated,
    "LLC-FS-007": sink_gated,
    "LLC-FS-004": fs004,
    "LLC-PY-001": py001,
    "LLC-PY-002": py001,
    "LLC-PY-003": py003,
    "LLC-PY-004": py004,
    "LLC-PY-008": py008,
    "LLC-PY-012": py012,
    "LLC-PY-005": _py005,
    "LLC-PY-006": _py006,
    "LLC-PY-007": _py007,
    "LLC-PY-011": _py011,
}
