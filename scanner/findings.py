"""The result model: what a rule found, where, how bad, for how long, and how to fix it.

Everything here is frozen so findings can cross process boundaries (``--jobs``) and be sorted
and compared without surprises. The raw secret value never lives in a ``Finding``: only its
fingerprint and a redacted snippet do.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """Severity scale of rules.md 0.2; ``rank`` orders it for ``--fail-on``."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def sarif_level(self) -> str:
        return _SARIF_LEVEL[self]

    @property
    def security_severity(self) -> str:
        return _SECURITY_SEVERITY[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}
_SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "none",
}
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}


class Precision(enum.Enum):
    """How sure a rule is that a hit is real (SARIF ``properties.precision``)."""

    VERY_HIGH = "very-high"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Category(enum.Enum):
    """The five kinds of long-lived credential of design.md section 1."""

    STATIC_SECRET = "static-secret"  # noqa: S105 - a category name, not a secret
    NON_EXPIRING_TOKEN = "non-expiring-token"  # noqa: S105
    FAKE_SESSION = "fake-session"
    CI_STATIC_CREDENTIAL = "ci-static-credential"
    IAC_LONG_LIVED_CREDENTIAL = "iac-long-lived-credential"


@dataclass(frozen=True, slots=True)
class Lifetime:
    """How long a credential keeps working: the product's signature field.

    ``static`` is a key with no built-in expiry (it lives until someone revokes it), ``none`` is
    a token minted with no end at all, a duration is ISO 8601 (``P3650D``), ``unknown`` when
    the value cannot be known statically.
    """

    value: str

    @classmethod
    def static(cls) -> Lifetime:
        return cls("static")

    @classmethod
    def never(cls) -> Lifetime:
        return cls("none")

    @classmethod
    def unknown(cls) -> Lifetime:
        return cls("unknown")

    @classmethod
    def seconds(cls, seconds: int) -> Lifetime:
        return cls(iso_duration(seconds))

    def __str__(self) -> str:
        return self.value


def iso_duration(seconds: int) -> str:
    """Format seconds as a compact ISO 8601 duration (days, then time parts)."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out = "P"
    if days:
        out += f"{days}D"
    if hours or minutes or secs or not days:
        out += "T"
        if hours:
            out += f"{hours}H"
        if minutes:
            out += f"{minutes}M"
        if secs or (not hours and not minutes):
            out += f"{secs}S"
    return out


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A region of a file: 1-based line and column, ``end_column`` exclusive (as in SARIF)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class RelatedLocation:
    """A second place that explains a finding (the stored secret, the loop, the key line)."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is hidden: an inline comment (``inSource``) or the baseline (``external``)."""

    kind: str  # "inSource" | "external"
    justification: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One reported problem. Sorting follows the output contract: path, line, column, rule."""

    location: Location
    rule_id: str
    rule_name: str
    category: Category
    severity: Severity
    precision: Precision
    message: str
    snippet: str
    fingerprint: str
    owasp: tuple[str, ...]
    lifetime: Lifetime
    fix: str
    related: tuple[RelatedLocation, ...] = ()
    suppression: Suppression | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.fingerprint)

    @property
    def stable_fingerprint(self) -> str:
        """Path, rule and value hash: stable across line moves (SARIF ``outlive/v1``)."""
        return fingerprint(f"{self.location.path}\0{self.rule_id}\0{self.fingerprint}")


@dataclass(frozen=True, slots=True, order=True)
class ScanError:
    """A file the scan could not fully read or parse, or a rule that failed.

    ``level`` is ``error`` (a rule crashed, a suppression is malformed: exit 2), ``warning``
    (a file was only partly analysed) or ``note`` (a file was skipped on purpose).
    """

    path: str
    message: str
    level: str = "warning"
    kind: str = "parse"
    line: int = 0


def fingerprint(value: str) -> str:
    """SHA-256 of a value, truncated: identifies a secret without revealing it."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def redact(value: str) -> str:
    """Keep a short prefix so a human can find the value, never enough to use it."""
    value = value.strip()
    if len(value) >= 16:
        keep = 4
    elif len(value) >= 8:
        keep = 2
    else:
        keep = 0
    return value[:keep] + "…"
