"""Machine output, format version 1 (documented in the README and, as a JSON Schema, in
docs/report.schema.json, which tests/test_report_schema.py holds to the real output; fields are
only ever added within a version)."""

from __future__ import annotations

import json as _json
from typing import Any

from scanner import __version__
from scanner.findings import Finding, Location, json_safe
from scanner.pipeline import ScanResult
from scanner.reporters.options import ReportOptions

FORMAT_VERSION = 1


def _loc(loc: Location) -> dict[str, Any]:
    return {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    out = _finding_fields(finding)
    if finding.commit is not None:  # a history scan's finding: only then, so others keep shape
        out["commit"] = {"sha": finding.commit.sha, "author_date": finding.commit.author_date}
    return out


def _finding_fields(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "precision": finding.precision.value,
        "message": finding.message,
        "location": _loc(finding.location),
        "snippet": finding.snippet,
        # The same value as SARIF's partialFingerprints["outlive/v1"] and the baseline's.
        "fingerprint": finding.stable_fingerprint,
        "owasp": list(finding.owasp),
        "lifetime": finding.lifetime.value,
        "fix": finding.fix,
        "related": [{"location": _loc(r.location), "message": r.message} for r in finding.related],
        "notes": list(finding.notes),
        "suppression": (
            None
            if finding.suppression is None
            else {"kind": finding.suppression.kind, "reason": finding.suppression.justification}
        ),
    }


def render(result: ScanResult, options: ReportOptions) -> str:
    findings = [f for f in result.findings if options.show_suppressed or f.suppression is None]
    doc = {
        "version": FORMAT_VERSION,
        "tool": {"name": "outlive", "version": __version__},
        "findings": [finding_dict(f) for f in findings],
        "errors": [
            {
                "path": e.path,
                "line": e.line or None,
                "level": e.level,
                "kind": e.kind,
                "message": e.message,
            }
            for e in result.errors
        ],
        "stats": {
            "files_scanned": result.stats.files_scanned,
            "files_skipped": result.stats.files_skipped,
            "skipped_by_reason": dict(result.stats.skipped_by_reason),
            "bytes_scanned": result.stats.bytes_scanned,
            "rules_enabled": len(result.rules),
            "findings": len(result.active),
            "suppressed": len(result.findings) - len(result.active),
        },
    }
    return json_safe(_json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
