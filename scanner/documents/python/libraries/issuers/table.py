"""The issuer table and its lookups by rule: data only, no LibCST.

Apart from the matching helpers in ``__init__`` so that the ``ast`` sink screen
(``sinkscreen``) reads the very rows the rules match on without importing LibCST.
"""

from __future__ import annotations

from scanner.documents.python.libraries.issuers.cloud import CLOUD_ROWS, SIGNER_ROWS
from scanner.documents.python.libraries.issuers.model import Issuer
from scanner.documents.python.libraries.issuers.tokens import FRAMEWORK_ROWS, JWT_ROWS

ISSUERS: tuple[Issuer, ...] = JWT_ROWS + FRAMEWORK_ROWS + CLOUD_ROWS + SIGNER_ROWS


def issuers_of(rule: str) -> tuple[Issuer, ...]:
    """The rows one rule reports (quiet rows left out)."""
    return tuple(row for row in ISSUERS if row.rule == rule and not row.quiet)


def settings_of(rule: str) -> dict[str, Issuer]:
    """Settings keys of a rule's rows."""
    return {key: row for row in issuers_of(rule) for key in row.settings}


def methods_of(rule: str) -> frozenset[str]:
    """Every method and called name a rule's rows answer for (a cheap first gate)."""
    out: set[str] = set()
    for row in issuers_of(rule):
        out |= row.methods
        out |= {name.rsplit(".", 1)[-1] for name in row.calls}
    return frozenset(out)
