"""How a file's findings and scan errors are written into the cache, and read back.

Kept apart from :mod:`scanner.cache`, which owns where the cache lives and who may touch it
(directories opened without following links, the MAC, the lock): this is only the mapping
between :class:`Finding`/:class:`ScanError` and the compact JSON of an entry. Reading
checks every field, so an entry of the wrong shape raises :class:`DamagedEntryError` (the
cache treats it as a miss), never an exception later in a reporter.
"""

from __future__ import annotations

from typing import Any

from scanner.findings import (
    Category,
    Finding,
    Lifetime,
    Location,
    Precision,
    RelatedLocation,
    ScanError,
    Severity,
    Suppression,
)

_MAX_INT = 2**63  # mtimes in ns are past 2**60
_LEVELS = frozenset({"error", "warning", "note"})
_SUPPRESSION_KINDS = frozenset({"inSource", "external"})
_CATEGORIES = {c.value: c for c in Category}
_SEVERITIES = {s.value: s for s in Severity}
_PRECISIONS = {p.value: p for p in Precision}


def _loc(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.column, loc.end_line, loc.end_column]


def finding_to(f: Finding) -> dict[str, Any]:
    """``f`` as a cache entry's JSON object (short keys: a cache holds many)."""
    return {
        "l": _loc(f.location),
        "id": f.rule_id,
        "n": f.rule_name,
        "c": f.category.value,
        "s": f.severity.value,
        "p": f.precision.value,
        "m": f.message,
        "sn": f.snippet,
        "fp": f.fingerprint,
        "o": list(f.owasp),
        "lt": f.lifetime.value,
        "fx": f.fix,
        "r": [[_loc(r.location), r.message] for r in f.related],
        "sp": None if f.suppression is None else _suppression_to(f.suppression),
        "no": list(f.notes),
        "ss": None if f.snippet_span is None else list(f.snippet_span),
    }


def _suppression_to(s: Suppression) -> list[str]:
    """``[kind, justification]``, plus ``until`` when the directive has one."""
    return [s.kind, s.justification, s.until] if s.until else [s.kind, s.justification]


def error_to(e: ScanError) -> list[Any]:
    return [e.path, e.message, e.level, e.kind, e.line]


class DamagedEntryError(Exception):
    """An entry of the wrong shape: the caller treats it as a miss."""


def _str(value: object) -> str:
    if type(value) is not str:
        raise DamagedEntryError
    return value


def _int(value: object, low: int = 0) -> int:
    if type(value) is not int or not low <= value < _MAX_INT:
        raise DamagedEntryError
    return value


def _list(value: object, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        raise DamagedEntryError
    return value


def _enum(table: dict[str, Any], value: object) -> Any:  # noqa: ANN401 - one of the enums
    member = table.get(_str(value))
    if member is None:
        raise DamagedEntryError
    return member


def _location_from(value: object) -> Location:
    path, line, column, end_line, end_column = _list(value, 5)
    return Location(_str(path), _int(line, 1), _int(column, 1), _int(end_line, 1),
                    _int(end_column))


def finding_from(d: object, rel: str, rule_ids: frozenset[str] | None) -> Finding:
    if type(d) is not dict:
        raise DamagedEntryError
    location = _location_from(d.get("l"))
    rule_id = _str(d.get("id"))
    if location.path != rel or (rule_ids is not None and rule_id not in rule_ids):
        raise DamagedEntryError
    related = []
    for item in _list(d.get("r")):
        loc, message = _list(item, 2)
        related.append(RelatedLocation(_location_from(loc), _str(message)))
    sp = d.get("sp")
    suppression = None
    if sp is not None:
        parts = _list(sp)
        if len(parts) not in (2, 3) or _str(parts[0]) not in _SUPPRESSION_KINDS:
            raise DamagedEntryError
        until = _str(parts[2]) if len(parts) == 3 else ""
        suppression = Suppression(parts[0], _str(parts[1]), until)
    if "ss" not in d:  # written before snippet spans existed: a miss, so carets stay right
        raise DamagedEntryError
    span = None
    if d["ss"] is not None:
        low, high = _list(d["ss"], 2)
        span = (_int(low), _int(high))
    return Finding(
        location=location,
        rule_id=rule_id,
        rule_name=_str(d.get("n")),
        category=_enum(_CATEGORIES, d.get("c")),
        severity=_enum(_SEVERITIES, d.get("s")),
        precision=_enum(_PRECISIONS, d.get("p")),
        message=_str(d.get("m")),
        snippet=_str(d.get("sn")),
        fingerprint=_str(d.get("fp")),
        owasp=tuple(_str(o) for o in _list(d.get("o"))),
        lifetime=Lifetime(_str(d.get("lt"))),
        fix=_str(d.get("fx")),
        related=tuple(related),
        suppression=suppression,
        notes=tuple(_str(n) for n in _list(d.get("no"))),
        snippet_span=span,
    )


def error_from(value: object, rel: str) -> ScanError:
    path, message, level, kind, line = _list(value, 5)
    if path != rel or level not in _LEVELS:
        raise DamagedEntryError
    return ScanError(_str(path), _str(message), _str(level), _str(kind), _int(line))
