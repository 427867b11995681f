"""What a rule is, as plain data: ``RuleMeta``, and ``RuleSpec``, what every consumer of rule
metadata reads.

Kept apart from ``api/rule.py`` (the base classes, which need LibCST for ``PythonRule``) so that
the registry's index, ``outlive rules``, SARIF descriptors and the prefilter can hold a rule's
metadata without importing any rule body or parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from scanner.filekinds import ALL_KINDS, FileKind
from scanner.findings import Category, Precision, Severity

#: OWASP Non-Human Identities Top 10 (2025) ids a rule may name.
OWASP_IDS = tuple(f"NHI{n}" for n in range(1, 11))
_ID = re.compile(r"^LLC-(PY|FS|SRC|CI|GHA|GLC|CCI|AZP|BBP|JNK|IAC|K8S|DCK|AGT)-\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a rule is, independent of any file: the registry validates every field."""

    id: str
    name: str
    summary: str
    category: Category
    severity: Severity
    precision: Precision
    owasp: tuple[str, ...]
    fix: str
    kinds: frozenset[FileKind] = ALL_KINDS
    #: Literal strings (case-insensitive) without which the rule cannot fire on a file.
    #: Empty means "always run" and needs a comment at the rule saying why.
    triggers: tuple[str, ...] = ()
    #: Optional second gate: when set, one of these must occur too. For rules whose import
    #: triggers are common (``requests``, ``lru_cache``) but which can only fire where a
    #: credential word appears, this keeps most files away from LibCST.
    requires: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        """Metadata mistakes, as sentences (checked by the registry and the tests)."""
        out = []
        if not _ID.match(self.id):
            out.append(f"id {self.id!r} is not of the form LLC-FAMILY-NNN")
        if not _NAME.match(self.name):
            out.append(f"name {self.name!r} is not kebab-case")
        if not self.owasp or any(o not in OWASP_IDS for o in self.owasp):
            out.append(f"owasp {self.owasp!r} must be NHI1..NHI10 ids, primary first")
        if len(set(self.owasp)) != len(self.owasp):
            out.append("owasp ids repeat")
        if not self.summary or not self.fix:
            out.append("summary and fix must not be empty")
        if any(t != t.lower() or not t for t in (*self.triggers, *self.requires)):
            out.append("triggers and requires must be non-empty lower-case strings")
        if self.requires and not self.triggers:
            out.append("requires narrows triggers, so it needs triggers")
        if not self.kinds:
            out.append("kinds must not be empty")
        return out

    @property
    def family(self) -> str:
        return self.id.split("-")[1]


class RuleSpec(Protocol):
    """A rule as its metadata's readers see it: a rule class, or the registry's ``RuleInfo``
    (the same fields from the index, without importing the rule). ``__doc__`` is the rule's
    documentation on both."""

    @property
    def META(self) -> RuleMeta: ...  # noqa: N802 - the rule classes' own attribute name

    @property
    def DOCUMENT(self) -> str: ...  # noqa: N802
