"""Matching a call to its issuer row and reading its lifetime: the LibCST side of the table.

Apart from the package's ``__init__`` so that the rows (``table``) load without LibCST.
"""


from __future__ import annotations

import re
from collections.abc import Collection
from typing import Protocol

import libcst as cst

from scanner.documents.python.libraries.issuers.model import Issuer, SettingSite, Slot
from scanner.documents.python.libraries.issuers.table import issuers_of


class IssuerDoc(Protocol):
    """What the helpers need of a Python document (``PythonDocument`` satisfies it)."""

    def qualified_names(self, node: cst.CSTNode) -> frozenset[str]: ...

    def imports_from(self, *modules: str) -> bool: ...

    def resolve(
        self, expr: cst.BaseExpression, at: cst.CSTNode | None = None
    ) -> cst.BaseExpression: ...

    def argument(
        self, call: cst.Call, keyword: str, position: int | None = None
    ) -> cst.BaseExpression | None: ...

    def has_argument(
        self, call: cst.Call, keyword: str, position: int | None = None
    ) -> bool | None: ...

    def dict_value(
        self, expr: cst.BaseExpression, key: str, at: cst.CSTNode
    ) -> cst.BaseExpression | None: ...

    def dict_keys(self, expr: cst.BaseExpression, at: cst.CSTNode) -> frozenset[str] | None: ...

    def constructed_by(
        self, expr: cst.BaseExpression, names: Collection[str], at: cst.CSTNode | None = None
    ) -> cst.Call | None: ...

    @property
    def is_test_code(self) -> bool: ...

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None: ...

    def code(self, node: cst.CSTNode) -> str: ...


#: Settings and config modules: ``settings.py``, ``local_settings.py``, ``config.py``,
#: ``default_config.py``, ``settings/production.py``, ``config/base.py``.
_SETTINGS_NAME = re.compile(r"(?i)(?:^|[_.-])(?:settings|config|configuration|conf)(?:[_.-]|$)")
_SETTINGS_DIRS = frozenset({"settings", "config", "configs", "conf", "configuration"})


def module_sites(path: str, text: str) -> frozenset[SettingSite]:
    """Where an UPPERCASE module-level constant of this file is written (``Issuer.sites``).

    Any module's constant is the application's own; in a settings module, or a module that
    loads itself into Flask's config (``from_object(__name__)``), it is also the framework's.
    """
    parts = path.replace("\\", "/").split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    settings = (
        _SETTINGS_NAME.search(stem) is not None
        or not _SETTINGS_DIRS.isdisjoint(p.lower() for p in parts[:-1])
        or "from_object(__name__)" in text
    )
    if settings:
        return frozenset({SettingSite.CONSTANT, SettingSite.SETTINGS_MODULE})
    return frozenset({SettingSite.CONSTANT})


def issuer_of(doc: IssuerDoc, call: cst.Call, rule: str) -> Issuer | None:
    """The row of ``rule`` that ``call`` matches, or None."""
    func = call.func
    name = (
        func.attr.value
        if isinstance(func, cst.Attribute)
        else (func.value if isinstance(func, cst.Name) else None)
    )
    if name is None:
        return None
    qualified: frozenset[str] | None = None
    for row in issuers_of(rule):
        # A bare name may be an alias (``from jwt import encode as sign``): ask its qualified name.
        if row.calls and (isinstance(func, cst.Name) or name in _last(row.calls)):
            if qualified is None:
                qualified = doc.qualified_names(func)
            if qualified & row.calls:
                return row
        if name not in row.methods or not isinstance(func, cst.Attribute):
            continue
        if row.gate and not doc.imports_from(*row.gate):
            continue
        if row.managers and not _manager(func.value, row.managers):
            continue
        if row.receivers and doc.constructed_by(func.value, row.receivers, call) is None:
            continue
        return row
    return None


def _last(names: frozenset[str]) -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in names)


def _manager(receiver: cst.BaseExpression, managers: frozenset[str]) -> bool:
    return isinstance(receiver, cst.Attribute) and receiver.attr.value in managers


def slot_value(
    doc: IssuerDoc, call: cst.Call, slot: Slot
) -> tuple[bool | None, cst.BaseExpression | None]:
    """Whether ``slot`` is passed (None: cannot tell), and its value when it can be seen."""
    if slot.in_dict is not None:
        data = doc.argument(call, "data", slot.in_dict)
        if data is None:
            return None, None
        keys = doc.dict_keys(data, call)
        if keys is None:
            return None, None
        if slot.keyword not in keys:
            return False, None
        return True, doc.dict_value(data, slot.keyword, call)
    value = doc.argument(call, slot.keyword, slot.position)
    if value is not None:
        return True, value
    return doc.has_argument(call, slot.keyword, slot.position), None


def turns_off(doc: IssuerDoc, row: Issuer, value: cst.BaseExpression) -> bool:
    """Whether ``value`` is one of the row's "no expiry" values (``False``, ``None``, ``0``)."""
    if not row.never:
        return False
    resolved = doc.resolve(value, value)
    if isinstance(resolved, cst.Name):
        return resolved.value in row.never
    if isinstance(resolved, cst.Integer):
        return resolved.value in row.never
    if isinstance(resolved, cst.SimpleString):
        return resolved.evaluated_value in row.never
    return False


def proto_seconds(doc: IssuerDoc, value: cst.BaseExpression) -> cst.BaseExpression | None:
    """``Duration(seconds=N)`` or ``{"seconds": N}``: the ``N`` (protobuf durations)."""
    resolved = doc.resolve(value, value)
    if isinstance(resolved, cst.Call):
        return doc.argument(resolved, "seconds")
    if isinstance(resolved, cst.Dict):
        return doc.dict_value(resolved, "seconds", resolved)
    return None


_REJECTION_WORDS = ("raises", "assertraises", "reject", "invalid", "expired", "401", "403")


def in_rejection_test(doc: IssuerDoc, node: cst.CSTNode) -> bool:
    """A test function that builds a token to check it is refused (``pytest.raises``, 401...).

    Such a token is long-lived on purpose and never leaves the test: quiet.
    """
    if not doc.is_test_code:
        return False
    function = doc.enclosing_function(node)
    if function is None:
        return False
    text = doc.code(function).lower()
    return any(word in text for word in _REJECTION_WORDS)


# APNs provider tokens: exactly these claims (rules.md: quiet, bounded by the server).
APNS_CLAIMS = frozenset({"iss", "iat"})
