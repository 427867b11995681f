"""The result model: what a rule found, where, how bad, for how long, and how to fix it.

Everything here is frozen so findings can cross process boundaries (``--jobs``) and be sorted
and compared without surprises. The raw secret value never lives in a ``Finding``: only its
fingerprint and a redacted snippet do.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick_rs


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
    #: An inline suppression's ``until=`` date (ISO), "" when it has none: --show-suppressed
    #: shows it.
    until: str = ""


@dataclass(frozen=True, slots=True)
class Commit:
    """The commit a history scan (``scan --history``) found a finding in.

    Kept out of the fingerprint on purpose: a key found in history and the same key in the
    work tree are one finding to the baseline, so one entry covers both.
    """

    sha: str
    author_date: str  # ISO 8601, as git prints ``%aI``


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
    #: Where the location's first line falls in ``snippet``: (start, end) in characters, end
    #: exclusive, or None when unknown (a finding built by hand). Masking a secret moves and
    #: shrinks what the columns point at, so the text format draws its carets from this.
    snippet_span: tuple[int, int] | None = None
    #: Set by a history scan only: the commit whose blob held the finding.
    commit: Commit | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.fingerprint)

    @property
    def stable_fingerprint(self) -> str:
        """The finding's one public fingerprint: JSON ``fingerprint``, SARIF
        ``partialFingerprints["outlive/v1"]`` and the baseline all carry it. A hash of path,
        rule and value hash, so it survives line moves and changes with any of the three."""
        return stable_fingerprint_of(self.location.path, self.rule_id, self.fingerprint)


def stable_fingerprint_of(path: str, rule_id: str, value_fingerprint: str) -> str:
    """``Finding.stable_fingerprint`` from its parts: a version 1 baseline, which stored the
    value hash, is converted with it to the form every output now shows."""
    return fingerprint(f"{path}\0{rule_id}\0{value_fingerprint}")


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
    import hashlib

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


# -- keeping file text harmless in output -------------------------------------------------------

#: A run of the characters API keys are made of (base64, base64url, hex, URL-encoding).
_TOKEN_RUN = re.compile(r"[A-Za-z0-9+/=_\-%~]{16,}")

#: Error messages quote file text; past this they are cut (after masking, never before).
ERROR_TEXT_MAX = 300


def _looks_secret(run: str) -> bool:
    """Letters and digits mixed like a random key: mixed case, or long (hex, lowercase tokens).

    Deliberately rough: it only runs on text quoted from a file into an error or a reason,
    where masking an identifier costs little and printing a key no rule knew costs a lot.
    """
    has_digit = has_upper = has_lower = False
    for char in run:
        if "0" <= char <= "9":
            has_digit = True
        elif "A" <= char <= "Z":
            has_upper = True
        elif "a" <= char <= "z":
            has_lower = True
    if not has_digit or not (has_upper or has_lower):
        return False
    return (has_upper and has_lower) or len(run) >= 32


def mask_generic(text: str) -> str:
    """Mask every key-like run (see ``_looks_secret``) as ``redact`` does: for a secret no rule
    matched, which an error message may still quote."""
    return _TOKEN_RUN.sub(
        lambda m: redact(m.group()) if _looks_secret(m.group()) else m.group(), text
    )


def clip(text: str, limit: int = ERROR_TEXT_MAX) -> str:
    """Cut a long message in the middle, keeping its end (the advice) readable."""
    if len(text) <= limit:
        return text
    tail = limit // 4
    return text[: limit - tail - 1] + "…" + text[len(text) - tail :]


class SecretMasker:
    """Every secret the rules found in one file, masked wherever it appears in a string.

    Messages, reasons, notes and error texts are built from the file, so they can quote a
    secret (a key name holding the key, a reason naming it, a parser error quoting the line).
    One Aho-Corasick automaton per file keeps this linear in the text, whatever the number of
    secrets; a multi-line secret (a PEM key) is also masked by its first line.
    """

    def __init__(self, secrets: Iterable[str | None]) -> None:
        pieces: dict[str, None] = {}
        for secret in secrets:
            if not secret:
                continue
            for piece in (secret, secret.splitlines()[0] if "\n" in secret else secret):
                if len(piece.strip()) >= 4:
                    pieces[piece] = None
        self._pieces = list(pieces)
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                self._pieces, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
            if self._pieces
            else None
        )
        self._seen: dict[str, str] = {}

    def mask(self, text: str) -> str:
        """``text`` with each secret replaced by its redacted prefix."""
        if self._automaton is None or not text:
            return text
        done = self._seen.get(text)
        if done is not None:
            return done
        out: list[str] = []
        pos = 0
        for index, start, end in self._automaton.find_matches_as_indexes(text):
            out.append(text[pos:start])
            out.append(redact(self._pieces[index]))
            pos = end
        out.append(text[pos:])
        masked = "".join(out)
        if len(self._seen) < 10_000:
            self._seen[text] = masked
        return masked

    def mask_quoted(self, text: str, limit: int = ERROR_TEXT_MAX) -> str:
        """For text that quotes the file freely (errors, reasons): known secrets, then anything
        key-like, then a length cap, in that order so a cut never exposes part of a key."""
        return clip(mask_generic(self.mask(text)), limit)


#: What must never reach a terminal raw: C0 controls and DEL, C1 controls (U+0080-U+009F, CSI
#: among them), bidi marks, embeddings, overrides and isolates, line and paragraph separators,
#: zero-width and other invisible format characters, and the BOM.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """File-derived text made safe for a terminal: controls shown as ``\\x1b``, ``\\r``,
    ``\\u202e`` so a scanned file cannot move the cursor, erase a line or reorder what is shown."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape_char, text)


#: The same characters less the C0 ones, which ``json.dumps`` already escapes.
_JSON_UNSAFE = re.compile(
    "[\\x7f-\\x9f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff]"
)


def json_safe(document: str) -> str:
    """JSON written with ``ensure_ascii=False`` keeps C1 and bidi controls raw; escape them
    (``\\u009b``) so a report printed to a terminal is as inert as text output. JSON emits
    such characters only inside strings, where the escape means the same character."""
    if _JSON_UNSAFE.search(document) is None:
        return document
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
