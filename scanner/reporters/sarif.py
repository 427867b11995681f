"""SARIF 2.1.0, valid against the official schema and uploadable to GitHub code scanning as is.

Objects are built with ``sarif_om`` and serialized by walking the attrs fields, dropping values
equal to their defaults: sarif-om uses ``-1`` sentinels that would otherwise be emitted as
invalid properties (style.md 3.9).
"""

from __future__ import annotations

import json
from typing import Any

import attr
import sarif_om as om

from scanner import __version__
from scanner.api.rule import Rule
from scanner.docs import (
    OWASP_NHI,
    PROJECT_URL,
    docstring,
    help_uri,
    owasp_url,
    rule_markdown,
    what_it_does,
)
from scanner.findings import Finding, Location, json_safe
from scanner.pipeline import ScanResult
from scanner.reporters.options import ReportOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TAXONOMY = "OWASP NHI Top 10"
_NOTIFICATION_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def to_sarif_dict(obj: object) -> Any:  # noqa: ANN401 - JSON-shaped, any depth
    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(obj)):  # type: ignore[arg-type]
            value, default = getattr(obj, field.name), field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if value is not None and value != default:
                out[field.metadata.get("schema_property_name", field.name)] = to_sarif_dict(value)
        return out
    if isinstance(obj, dict):
        return {k: to_sarif_dict(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_sarif_dict(v) for v in obj]
    return obj


def _descriptor(rule: type[Rule]) -> om.ReportingDescriptor:
    meta = rule.META
    tags = ["security", meta.category.value, *(f"external/owasp-nhi/{o}" for o in meta.owasp)]
    return om.ReportingDescriptor(
        id=meta.id,
        name=meta.name,
        short_description=om.MultiformatMessageString(text=meta.summary),
        full_description=om.MultiformatMessageString(text=what_it_does(rule)),
        help=om.MultiformatMessageString(
            text=f"{docstring(rule)}\n\nSession-scoped fix: {meta.fix}",
            markdown=rule_markdown(rule),
        ),
        help_uri=help_uri(rule),
        default_configuration=om.ReportingConfiguration(level=meta.severity.sarif_level),
        relationships=[
            om.ReportingDescriptorRelationship(
                target=om.ReportingDescriptorReference(
                    id=o,
                    index=list(OWASP_NHI).index(o),
                    tool_component=om.ToolComponentReference(name=TAXONOMY, index=0),
                ),
                kinds=["superset" if i == 0 else "relevant"],
            )
            for i, o in enumerate(meta.owasp)
        ],
        properties={
            "tags": tags,
            "precision": meta.precision.value,
            "security-severity": meta.severity.security_severity,
            "owasp-nhi": {
                "primary": f"{meta.owasp[0]}:2025",
                "secondary": [f"{o}:2025" for o in meta.owasp[1:]],
            },
        },
    )


def _taxonomy() -> om.ToolComponent:
    return om.ToolComponent(
        name=TAXONOMY,
        version="2025",
        organization="OWASP",
        information_uri="https://owasp.org/www-project-non-human-identities-top-10/",
        short_description=om.MultiformatMessageString(
            text="OWASP Top 10 risks of non-human identities, 2025 edition"
        ),
        is_comprehensive=True,
        taxa=[
            om.ReportingDescriptor(
                id=nhi,
                name=title,
                short_description=om.MultiformatMessageString(text=f"{nhi}:2025 {title}"),
                help_uri=owasp_url(nhi),
            )
            for nhi, (title, _) in OWASP_NHI.items()
        ],
    )


def _physical(loc: Location, snippet: str | None = None) -> om.PhysicalLocation:
    region = om.Region(
        start_line=loc.line,
        start_column=loc.column,
        end_line=loc.end_line,
        end_column=max(loc.end_column, 1),
        snippet=om.ArtifactContent(text=snippet) if snippet else None,
    )
    return om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(uri=_uri(loc.path), uri_base_id="%SRCROOT%"),
        region=region,
    )


def _uri(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    # A file name that is not UTF-8 reaches us surrogate-escaped (os.fsdecode): its bad bytes
    # become %XX, the URI spelling of the very bytes in the file name, which UTF-8 can carry.
    path = "".join(
        f"%{ord(ch) - 0xDC00:02X}" if "\udc80" <= ch <= "\udcff" else ch for ch in path
    )
    return path.replace(" ", "%20")


def _result(finding: Finding, index: dict[str, int]) -> om.Result:
    result = om.Result(
        rule_id=finding.rule_id,
        rule_index=index[finding.rule_id],
        level=finding.severity.sarif_level,
        message=om.Message(
            text=f"{finding.message} Lifetime: {finding.lifetime}. Fix: {finding.fix}"
        ),
        locations=[om.Location(physical_location=_physical(finding.location, finding.snippet))],
        partial_fingerprints={"outlive/v1": finding.stable_fingerprint},
        properties={
            "lifetime": finding.lifetime.value,
            "category": finding.category.value,
            "nhi": list(finding.owasp),
            "precision": finding.precision.value,
            "severity": finding.severity.value,
        },
    )
    if finding.related:
        result.related_locations = [
            om.Location(
                id=i,
                physical_location=_physical(r.location),
                message=om.Message(text=r.message),
            )
            for i, r in enumerate(finding.related)
        ]
    if finding.suppression is not None:
        result.suppressions = [
            om.Suppression(
                kind=finding.suppression.kind,
                justification=finding.suppression.justification,
            )
        ]
    return result


def build(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    rules = sorted(result.rules, key=lambda r: r.META.id)
    index = {r.META.id: i for i, r in enumerate(rules)}
    findings = [f for f in result.findings if options.show_suppressed or f.suppression is None]
    notifications = [
        om.Notification(
            message=om.Message(text=f"{e.path}: {e.message}"),
            level=_NOTIFICATION_LEVEL.get(e.level, "warning"),
            locations=[
                om.Location(
                    physical_location=om.PhysicalLocation(
                        artifact_location=om.ArtifactLocation(
                            uri=_uri(e.path), uri_base_id="%SRCROOT%"
                        ),
                        region=om.Region(start_line=e.line) if e.line else None,
                    )
                )
            ],
            descriptor=om.ReportingDescriptorReference(id=f"outlive/{e.kind}"),
        )
        for e in result.errors
    ]
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="outlive",
                version=__version__,
                semantic_version=__version__,
                information_uri=PROJECT_URL,
                rules=[_descriptor(r) for r in rules],
                supported_taxonomies=[om.ToolComponentReference(name=TAXONOMY, index=0)],
            )
        ),
        taxonomies=[_taxonomy()],
        results=[_result(f, index) for f in findings],
        invocations=[
            om.Invocation(
                execution_successful=not any(e.level == "error" for e in result.errors),
                tool_execution_notifications=notifications or None,
            )
        ],
        column_kind="unicodeCodePoints",
    )
    if options.sarif_absolute:
        run.original_uri_base_ids = {
            "%SRCROOT%": om.ArtifactLocation(uri=result.root.resolve().as_uri() + "/")
        }
    log = om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    data: dict[str, Any] = to_sarif_dict(log)
    # sarif-om's default level is "warning", so the walk drops it; a missing level would make
    # viewers fall back to the rule's default level, wrong for a per-finding severity.
    for finding, emitted in zip(findings, data["runs"][0].get("results", []), strict=True):
        emitted["level"] = finding.severity.sarif_level
    # Same for a rule whose default severity maps to "warning" (medium).
    descriptors = data["runs"][0]["tool"]["driver"].get("rules", [])
    for rule, descriptor in zip(rules, descriptors, strict=True):
        descriptor.setdefault("defaultConfiguration", {})["level"] = rule.META.severity.sarif_level
    return data


def render(result: ScanResult, options: ReportOptions) -> str:
    return json_safe(json.dumps(build(result, options), indent=2, ensure_ascii=False)) + "\n"
