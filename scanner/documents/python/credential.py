"""What the credential-source analysis answers: a class (rules.md 2.2 B) and where it is read.

Kept apart from the analysis so that its floors (``sources``, ``readers``) share one model.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import libcst as cst


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
