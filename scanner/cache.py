"""Per-file results cache (ruff style), so the second scan of an unchanged tree is near free.

Results are keyed by the file's (size, mtime in ns, inode) and the cache file itself by the
outlive version, the config, the enabled rules and today's date (suppressions expire by date).
It is JSON, never pickle: a cache directory inside a scanned repository is untrusted input, and
the stamp includes values an attacker cannot predict in someone else's checkout. It holds what
the outputs hold (redacted snippets and hashes), never a secret.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from scanner import __version__
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
from scanner.registry import RULES_PACKAGE

CACHE_DIR = ".outlive_cache"
CACHE_FORMAT = 1

Stamp = tuple[int, int, int]


def stamp_of(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def code_stamp() -> str:
    """Size and mtime of outlive's own modules and rules: an edited rule (an editable install,
    a development tree) invalidates the cache even when the version number did not change."""
    entries = []
    for package in (importlib.import_module("scanner"), importlib.import_module(RULES_PACKAGE)):
        for directory in package.__path__:
            for path in sorted(Path(directory).rglob("*.py")):
                st = path.stat()
                entries.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def cache_key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in (__version__, str(CACHE_FORMAT), code_stamp(), *parts):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def _loc(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.column, loc.end_line, loc.end_column]


def _finding_to(f: Finding) -> dict[str, Any]:
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
        "sp": None if f.suppression is None else [f.suppression.kind, f.suppression.justification],
        "no": list(f.notes),
    }


def _finding_from(d: dict[str, Any]) -> Finding:
    return Finding(
        location=Location(*d["l"]),
        rule_id=d["id"],
        rule_name=d["n"],
        category=Category(d["c"]),
        severity=Severity(d["s"]),
        precision=Precision(d["p"]),
        message=d["m"],
        snippet=d["sn"],
        fingerprint=d["fp"],
        owasp=tuple(d["o"]),
        lifetime=Lifetime(d["lt"]),
        fix=d["fx"],
        related=tuple(RelatedLocation(Location(*loc), msg) for loc, msg in d["r"]),
        suppression=None if d["sp"] is None else Suppression(*d["sp"]),
        notes=tuple(d["no"]),
    )


def _error_to(e: ScanError) -> list[Any]:
    return [e.path, e.message, e.level, e.kind, e.line]


class ResultCache:
    """Load once, look up per file, save once at the end of a scan."""

    def __init__(self, root: Path, key: str) -> None:
        self.directory = root / CACHE_DIR
        self.path = self.directory / f"results-{key}.json"
        self._entries: dict[str, Any] = {}
        self._dirty = False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("format") == CACHE_FORMAT:
            entries = data.get("files")
            if isinstance(entries, dict):
                self._entries = entries

    def get(self, rel: str, stamp: Stamp | None) -> tuple[tuple[Finding, ...],
                                                          tuple[ScanError, ...], int] | None:
        """Cached (findings, errors, size) of a file whose stamp has not changed."""
        entry = self._entries.get(rel)
        if stamp is None or not isinstance(entry, dict) or entry.get("stamp") != list(stamp):
            return None
        try:
            findings = tuple(_finding_from(d) for d in entry["findings"])
            errors = tuple(ScanError(*e) for e in entry["errors"])
        except (KeyError, TypeError, ValueError):
            return None  # a damaged entry is a miss, never an error
        return findings, errors, int(stamp[0])

    def put(
        self,
        rel: str,
        stamp: Stamp | None,
        findings: tuple[Finding, ...],
        errors: tuple[ScanError, ...],
    ) -> None:
        if stamp is None:
            return
        self._entries[rel] = {
            "stamp": list(stamp),
            "findings": [_finding_to(f) for f in findings],
            "errors": [_error_to(e) for e in errors],
        }
        self._dirty = True

    def save(self) -> None:
        """Write atomically; a read-only tree simply goes without a cache."""
        if not self._dirty:
            return
        tmp: Path | None = None
        try:
            self.directory.mkdir(exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# written by outlive\n*\n", encoding="utf-8")
            for old in self.directory.glob("results-*.json"):
                if old != self.path:
                    old.unlink(missing_ok=True)
            fd, name = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            tmp = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": CACHE_FORMAT, "files": self._entries}, handle)
            tmp.replace(self.path)
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink()
