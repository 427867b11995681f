"""SARIF 2.1.0, valid against the official schema and uploadable to GitHub code scanning as is.

Objects are built with ``sarif_om`` and serialized by walking the attrs fields, dropping values
equal to their defaults: sarif-om uses ``-1`` sentinels that would otherwise be emitted as
invalid properties (style.md 3.9).

What GitHub code scanning documents ("SARIF support for code scanning" and its limits table)
shapes the log:

- **Severity per result.** GitHub reads ``security-severity`` from the rule's descriptor only,
  so one descriptor per rule would show a critical ``AKIA`` key and an ``info`` documentation
  key of the same rule alike. Each rule has its default-severity descriptor under its own id
  (``LLC-SRC-001``); a finding whose severity differs from the default points at a descriptor
  with the SARIF hierarchical id ``LLC-SRC-001/info``, which carries that severity's
  ``security-severity`` and level (``ruleId`` and ``ruleIndex`` agree). A per-result
  ``security-severity`` property would be ignored. The fingerprint does not depend on the id.
- **Limits.** At most 25,000 results per run and 1,000 related locations per result (the
  "location per result" limit, which GitHub counts over ``relatedLocations``; a result has one
  ``locations`` entry): past them GitHub rejects the whole upload. The most severe results are
  kept, deterministically, and a ``toolExecutionNotification`` says how many were left out; the
  exit code is computed from the scan, not from this log, so it still counts every finding.
  ``shortDescription`` and ``fullDescription`` are cut to 1,024 characters, ``name`` to 255.
- **Messages.** ``message.text`` opens with one plain sentence of at most 120 characters (GitHub
  shows only the first sentence where space is short), then the detail, the related locations
  as embedded links ``[text](id)`` (GitHub links them to ``relatedLocations[].id``), the
  lifetime and the fix. ``\\``, ``[`` and ``]`` in the text are backslash-escaped, as CodeQL
  does, so file-derived text can never form a link.
- **URIs** are relative references percent-encoded per RFC 3986 (see ``uri``).
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
from collections.abc import Sequence
from typing import Any

import attr
import click
import sarif_om as om

from scanner import __version__
from scanner.docs import (
    OWASP_NHI,
    docstring,
    help_uri,
    owasp_url,
    project_url,
    rule_markdown,
    what_it_does,
)
from scanner.findings import Finding, Location, Precision, Severity, json_safe
from scanner.pipeline import ScanResult
from scanner.reporters.options import ReportOptions
from scanner.rulemeta import RuleSpec

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TAXONOMY = "OWASP NHI Top 10"
_NOTIFICATION_LEVEL = {"error": "error", "warning": "warning", "note": "note"}

#: GitHub code scanning's hard limits: a log over any of them is rejected whole.
MAX_RESULTS = 25_000
MAX_RELATED_LOCATIONS = 1_000
#: GitHub's length limits for reportingDescriptor fields.
MAX_DESCRIPTION = 1_024
MAX_NAME = 255
#: The opening sentence of ``message.text``: GitHub's title for the alert.
MAX_HEADLINE = 120
#: Related locations linked from the message; the rest are still in ``relatedLocations``.
MAX_LINKED = 10

#: SARIF levels. ``none`` is for results whose kind is not ``fail`` (SARIF 3.27.10) and is not
#: among the levels GitHub documents, so an ``info`` finding is a ``note``.
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_PRECISION_ORDER = (Precision.VERY_HIGH, Precision.HIGH, Precision.MEDIUM, Precision.LOW)


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


# -- URIs ---------------------------------------------------------------------------------------

#: Characters a path segment may hold unencoded (RFC 3986 ``pchar`` less ``%``), plus ``/``.
_PATH_SAFE = "/!$&'()*+,;=:@"


#: A byte of a non-UTF-8 file name as ``os.fsdecode`` spells it, or any other lone surrogate.
_SURROGATE = re.compile("[\ud800-\udfff]")


def uri(path: str) -> str:
    """A report path as an RFC 3986 relative reference, relative to ``%SRCROOT%``.

    Everything outside ``pchar`` is percent-encoded as UTF-8 (``%``, ``#``, ``?``, space,
    ``[``, ``]``, backslash, controls, non-ASCII); ``/`` separates segments. A file name that
    is not UTF-8 reaches us surrogate-escaped (``os.fsdecode``): each bad byte becomes U+FFFD
    (``%EF%BF%BD``), not the exact ``%XX``. The exact form is valid RFC 3986, but GitHub's
    ``upload-sarif`` runs ``decodeURIComponent`` on every URI and a non-UTF-8 escape makes the
    whole upload fail, losing every other result; with U+FFFD only that file's alert cannot be
    linked, and a notification (``outlive/non-utf8-name``) says so. A ``:`` in the first
    segment is encoded as ``%3A`` (RFC 3986 4.2: ``a:b`` would read as scheme ``a``);
    ``./a:b`` would also do, but a leading dot-segment is one more thing for a consumer to
    normalise before matching the path against the repository, while every consumer
    percent-decodes.
    """
    while path.startswith("./"):
        path = path[2:]
    path = _SURROGATE.sub("\ufffd", path)
    raw = path.encode("utf-8", "replace")
    encoded = urllib.parse.quote_from_bytes(raw, safe=_PATH_SAFE)
    first, sep, rest = encoded.partition("/")
    return first.replace(":", "%3A") + sep + rest


# -- text ---------------------------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary and marked with ``…``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def escape(text: str) -> str:
    """Plain message text with ``\\``, ``[`` and ``]`` escaped (SARIF 3.11.6, as CodeQL emits
    them): no file-derived text can then be taken for an embedded link."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.")


def _scan_top_level(text: str, stops: tuple[str, ...]) -> tuple[int, str] | None:
    """The first of ``stops`` that occurs outside backticks and brackets, with its index."""
    depth, code = 0, False
    for i, char in enumerate(text):
        if char == "`":
            code = not code
        elif code:
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            for stop in stops:
                if text.startswith(stop, i):
                    return i, stop
    return None


def _first_sentence(text: str) -> tuple[str, str]:
    pos = 0
    while True:
        found = _scan_top_level(text[pos:], (". ", "? ", "! "))
        if found is None:
            return text, ""
        end = pos + found[0] + 1
        if not text[:end].endswith(_ABBREVIATIONS):
            return text[:end], text[end:].strip()
        pos = end


def _drop_parentheticals(text: str) -> str:
    out, depth, code = [], 0, False
    for char in text:
        if char == "`" and depth == 0:
            code = not code
        if not code and char == "(":
            depth += 1
            continue
        if not code and char == ")" and depth:
            depth -= 1
            continue
        if depth == 0:
            out.append(char)
    return re.sub(r"\s+([,.;:])", r"\1", " ".join("".join(out).split()))


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;:")
    return text if text.endswith((".", "?", "!")) else text + "."


def headline(message: str) -> tuple[str, str]:
    """The finding's message as one plain opening sentence of at most ``MAX_HEADLINE``
    characters, and the detail to follow it; nothing of the message is lost.

    The first sentence when it is short enough; else its lead clause (before ``: ``, ``; ``
    or `` — ``), the rest becoming the detail; else that clause without its parentheses; else
    cut at a word. When the opening is shortened the detail repeats the whole message.
    """
    message = " ".join(message.split())
    if not message:
        return "", ""
    first, rest = _first_sentence(message)
    first = _sentence(first)
    if len(first) <= MAX_HEADLINE:
        return first, rest and _sentence(rest)
    found = _scan_top_level(first, (": ", "; ", " — "))
    if found is not None:
        clause = first[: found[0]]
        tail = first[found[0] + len(found[1]) :].strip()
        head = _sentence(clause)
        if len(head) <= MAX_HEADLINE and tail:
            tail = tail[0].upper() + tail[1:]
            return head, " ".join(part for part in (_sentence(tail), rest) if part)
        first = clause
    short = _sentence(_drop_parentheticals(first))
    if len(short) > MAX_HEADLINE:
        short = clip(short, MAX_HEADLINE)
    return short, message


# -- descriptors --------------------------------------------------------------------------------


def descriptor_id(rule_id: str, severity: Severity, default: Severity) -> str:
    """``LLC-SRC-001`` at the rule's default severity, ``LLC-SRC-001/info`` otherwise."""
    return rule_id if severity is default else f"{rule_id}/{severity.value}"


def _descriptor(rule: RuleSpec, severity: Severity, home: str | None) -> om.ReportingDescriptor:
    meta = rule.META
    tags = ["security", meta.category.value, *(f"external/owasp-nhi/{o}" for o in meta.owasp)]
    summary = meta.summary
    if severity is not meta.severity:
        summary = f"{summary} (reported at {severity.value} severity)"
    properties: dict[str, Any] = {"tags": tags, "precision": meta.precision.value}
    if severity is Severity.INFO:
        # No security-severity: GitHub would show any score above 0.0 as at least "low". An
        # info finding (a documentation key) is a recommendation, not a vulnerability.
        properties["problem.severity"] = "recommendation"
    else:
        properties["security-severity"] = severity.security_severity
    properties["owasp-nhi"] = {
        "primary": f"{meta.owasp[0]}:2025",
        "secondary": [f"{o}:2025" for o in meta.owasp[1:]],
    }
    return om.ReportingDescriptor(
        id=descriptor_id(meta.id, severity, meta.severity),
        name=clip(meta.name, MAX_NAME),
        short_description=om.MultiformatMessageString(text=clip(summary, MAX_DESCRIPTION)),
        full_description=om.MultiformatMessageString(
            text=clip(what_it_does(rule), MAX_DESCRIPTION)
        ),
        help=om.MultiformatMessageString(
            text=f"{docstring(rule)}\n\nSession-scoped fix: {meta.fix}",
            markdown=rule_markdown(rule),
        ),
        help_uri=help_uri(rule, home),
        default_configuration=om.ReportingConfiguration(level=_LEVEL[severity]),
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
        properties=properties,
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


# -- results ------------------------------------------------------------------------------------


def _physical(loc: Location, snippet: str | None = None) -> om.PhysicalLocation:
    region = om.Region(
        start_line=loc.line,
        start_column=loc.column,
        end_line=loc.end_line,
        end_column=max(loc.end_column, 1),
        snippet=om.ArtifactContent(text=snippet) if snippet else None,
    )
    return om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(uri=uri(loc.path), uri_base_id="%SRCROOT%"),
        region=region,
    )


def message_text(finding: Finding) -> str:
    """The opening sentence, the detail, links to the related locations, lifetime and fix."""
    head, detail = headline(finding.message)
    parts = [escape(text) for text in (head, detail) if text]
    related = finding.related[:MAX_RELATED_LOCATIONS]
    if related:
        links = [
            f"[{escape(clip(r.message, MAX_HEADLINE) or 'here')}]({i})"
            for i, r in enumerate(related[:MAX_LINKED])
        ]
        more = len(finding.related) - len(links)
        tail = f" and {more} more" if more > 0 else ""
        parts.append(f"Related: {'; '.join(links)}{tail}.")
    parts.append(escape(f"Lifetime: {finding.lifetime}."))
    parts.append(escape(_sentence(f"Fix: {finding.fix}")))
    return " ".join(parts)


def _result(finding: Finding, rule_id: str, rule_index: int) -> om.Result:
    result = om.Result(
        rule_id=rule_id,
        rule_index=rule_index,
        level=_LEVEL[finding.severity],
        message=om.Message(text=message_text(finding)),
        locations=[om.Location(physical_location=_physical(finding.location, finding.snippet))],
        partial_fingerprints={"outlive/v1": finding.stable_fingerprint},
        properties={
            "lifetime": finding.lifetime.value,
            "category": finding.category.value,
            "nhi": list(finding.owasp),
            "precision": finding.precision.value,
            "severity": finding.severity.value,
            "rule": finding.rule_id,
        },
    )
    if finding.commit is not None:  # a history scan: the commit that first held it
        result.properties["commitSha"] = finding.commit.sha
        result.properties["authorDate"] = finding.commit.author_date
    if finding.related:
        result.related_locations = [
            om.Location(
                id=i,
                physical_location=_physical(r.location),
                message=om.Message(text=r.message),
            )
            for i, r in enumerate(finding.related[:MAX_RELATED_LOCATIONS])
        ]
    if finding.suppression is not None:
        result.suppressions = [
            om.Suppression(
                kind=finding.suppression.kind,
                justification=finding.suppression.justification,
            )
        ]
    return result


def most_severe(findings: Sequence[Finding], limit: int) -> tuple[list[Finding], int]:
    """At most ``limit`` findings, in their report order: active before suppressed, then by
    severity, then precision, then report order. Returns them and how many were left out."""
    if len(findings) <= limit:
        return list(findings), 0
    ranked = sorted(
        range(len(findings)),
        key=lambda i: (
            findings[i].suppression is not None,
            -findings[i].severity.rank,
            _PRECISION_ORDER.index(findings[i].precision),
            i,
        ),
    )
    keep = set(ranked[:limit])
    return [f for i, f in enumerate(findings) if i in keep], len(findings) - limit


def _notifications(
    result: ScanResult, findings: Sequence[Finding], left_out: int, total: int
) -> list[om.Notification]:
    notifications = [
        om.Notification(
            message=om.Message(text=f"{e.path}: {e.message}"),
            level=_NOTIFICATION_LEVEL.get(e.level, "warning"),
            locations=[
                om.Location(
                    physical_location=om.PhysicalLocation(
                        artifact_location=om.ArtifactLocation(
                            uri=uri(e.path), uri_base_id="%SRCROOT%"
                        ),
                        region=om.Region(start_line=e.line) if e.line else None,
                    )
                )
            ],
            descriptor=om.ReportingDescriptorReference(id=f"outlive/{e.kind}"),
        )
        for e in result.errors
    ]
    for path in sorted({f.location.path for f in findings if _SURROGATE.search(f.location.path)}):
        notifications.append(
            om.Notification(
                message=om.Message(
                    text=f"{path}: the file name is not valid UTF-8, so its SARIF URI shows each "
                    "bad byte as U+FFFD and code scanning cannot link its alerts to the file; "
                    "rename it (--format json keeps the exact name)."
                ),
                level="warning",
                descriptor=om.ReportingDescriptorReference(id="outlive/non-utf8-name"),
            )
        )
    if left_out:
        notifications.append(
            om.Notification(
                message=om.Message(
                    text=f"This log holds the {MAX_RESULTS:,} most severe of {total:,} results: "
                    f"GitHub code scanning rejects a run with more than {MAX_RESULTS:,}, so "
                    f"{left_out:,} of the least severe were left out. The exit code counts "
                    "every finding; --format json lists them all."
                ),
                level="warning",
                descriptor=om.ReportingDescriptorReference(id="outlive/sarif-limit"),
            )
        )
    return notifications


# -- the log ------------------------------------------------------------------------------------


def category_id(category: str) -> str:
    """``runs[0].automationDetails.id`` for a GitHub category: GitHub takes everything before
    the last ``/`` as the category (the rest is a run id it ignores), so ``NAME`` becomes
    ``NAME/``, as ``upload-sarif``'s ``category`` input does."""
    return category if category.endswith("/") else category + "/"


#: Controls, invisible format characters (bidi, zero-width), line separators, and the lone
#: surrogates of an argument that was not UTF-8.
_NOT_IN_CATEGORY = ("Cc", "Cf", "Cs", "Zl", "Zp")


def category_problem(category: str) -> str | None:
    """Why ``category`` cannot be a GitHub code scanning category, or None when it can."""
    if not category.strip().strip("/"):
        return "it is empty"
    bad = next((c for c in category if unicodedata.category(c) in _NOT_IN_CATEGORY), None)
    if bad is not None and unicodedata.category(bad) == "Cs":
        return "it is not valid UTF-8"
    if bad is not None:
        return f"it contains the control character U+{ord(bad):04X}"
    if category != category.strip():
        return "it starts or ends with white space"
    return None


def check_category(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """The ``--sarif-category`` callback: a usage error (exit 2) for a name GitHub cannot use."""
    if value is None:
        return None
    problem = category_problem(value)
    if problem is not None:
        raise click.BadParameter(
            f"{problem}: give a name such as `backend` or `frontend/node-20`, one per "
            "monorepo part or matrix job."
        )
    return value


def build(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    rules = {r.META.id: r for r in result.rules}
    shown = [f for f in result.findings if options.show_suppressed or f.suppression is None]
    findings, left_out = most_severe(shown, MAX_RESULTS)
    variants = {
        (f.rule_id, f.severity)
        for f in findings
        if f.rule_id in rules and f.severity is not rules[f.rule_id].META.severity
    }
    entries = sorted(
        [(rid, r.META.severity) for rid, r in rules.items()] + list(variants),
        key=lambda e: descriptor_id(e[0], e[1], rules[e[0]].META.severity),
    )
    home = project_url()
    descriptors = [_descriptor(rules[rid], severity, home) for rid, severity in entries]
    ids = [d.id for d in descriptors]
    index = {d: i for i, d in enumerate(ids)}

    def rule_of(finding: Finding) -> tuple[str, int]:
        rule = rules.get(finding.rule_id)
        rid = descriptor_id(finding.rule_id, finding.severity, rule.META.severity if rule
                            else finding.severity)
        return rid, index.get(rid, -1)

    notifications = _notifications(result, findings, left_out, len(shown))
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="outlive",
                version=__version__,
                semantic_version=__version__,
                information_uri=home,
                rules=descriptors,
                supported_taxonomies=[om.ToolComponentReference(name=TAXONOMY, index=0)],
            )
        ),
        taxonomies=[_taxonomy()],
        results=[_result(f, *rule_of(f)) for f in findings],
        invocations=[
            om.Invocation(
                execution_successful=not any(e.level == "error" for e in result.errors),
                tool_execution_notifications=notifications or None,
            )
        ],
        column_kind="unicodeCodePoints",
    )
    if options.sarif_category is not None:
        run.automation_details = om.RunAutomationDetails(id=category_id(options.sarif_category))
    if options.sarif_absolute:
        run.original_uri_base_ids = {
            "%SRCROOT%": om.ArtifactLocation(uri=result.root.resolve().as_uri() + "/")
        }
    log = om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    data: dict[str, Any] = to_sarif_dict(log)
    # sarif-om's default level is "warning", so the walk drops it; a missing level would make
    # viewers fall back to the rule's default level, wrong for a per-finding severity.
    for finding, emitted in zip(findings, data["runs"][0].get("results", []), strict=True):
        emitted["level"] = _LEVEL[finding.severity]
    # Same for a descriptor whose severity maps to "warning" (medium).
    emitted_rules = data["runs"][0]["tool"]["driver"].get("rules", [])
    for (_, severity), descriptor in zip(entries, emitted_rules, strict=True):
        descriptor.setdefault("defaultConfiguration", {})["level"] = _LEVEL[severity]
    return data


def render(result: ScanResult, options: ReportOptions) -> str:
    return json_safe(json.dumps(build(result, options), indent=2, ensure_ascii=False)) + "\n"
