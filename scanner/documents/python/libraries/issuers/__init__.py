"""The issuers of non-expiring tokens: one table, read by the PY rules.

Each row is one way Python code issues a bearer credential (a JWT, a framework token or
session, a signed value, a signed URL or SAS, an STS or Vault session, an API token): how the
call or setting is recognised, the argument or setting that sets the lifetime (and its unit),
the library's default when nothing sets it, and the rule that reports it. A new library is one
row here and one VALID and one INVALID example in ``tests/test_python_issuers.py``.

Rows are data; the few helpers below match a call to its row and read its lifetime, so every
rule judges a lifetime the same way. A row with ``quiet`` is an issuer that is bounded by
design (a fixed lifetime the caller cannot change, or a server that rejects old tokens): it is
listed so that nobody adds a rule for it, and its VALID example holds the rules to silence.

The rows (``tokens``, ``cloud``, composed in ``table``) are data and load without LibCST; the
matching helpers (``match``) load on first use (module ``__getattr__``), so the ``ast`` sink
screen reads the rows without paying for LibCST.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from scanner.documents.python.libraries.issuers.model import NEVER, Issuer, SettingSite, Slot
from scanner.documents.python.libraries.issuers.table import (
    ISSUERS,
    issuers_of,
    methods_of,
    settings_of,
)

if TYPE_CHECKING:
    from scanner.documents.python.libraries.issuers.match import (
        APNS_CLAIMS,
        IssuerDoc,
        in_rejection_test,
        issuer_of,
        module_sites,
        proto_seconds,
        slot_value,
        turns_off,
    )

_MATCH = frozenset(
    {
        "APNS_CLAIMS", "IssuerDoc", "in_rejection_test", "issuer_of", "module_sites",
        "proto_seconds", "slot_value", "turns_off",
    }
)  # fmt: skip


def __getattr__(name: str) -> object:
    """Load a matching helper on first use and keep it (PEP 562)."""
    if name not in _MATCH:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.match"), name)
    globals()[name] = value
    return value


__all__ = [
    "APNS_CLAIMS",
    "ISSUERS",
    "NEVER",
    "Issuer",
    "IssuerDoc",
    "SettingSite",
    "Slot",
    "in_rejection_test",
    "issuer_of",
    "issuers_of",
    "methods_of",
    "module_sites",
    "proto_seconds",
    "settings_of",
    "slot_value",
    "turns_off",
]
