"""GitLab's SAST report (``gl-sast-report.json``), schema 15.2.1, for ``artifacts: reports: sast:``.

GitLab shows each vulnerability in the merge request widget, the pipeline's Security tab and
the vulnerability report. What its schema and its ingestion ask for shapes the report:

- **Required fields.** ``version``, ``scan`` (``analyzer`` and ``scanner`` with id, name,
  version and vendor; ``start_time``/``end_time``; ``status``; ``type: sast``) and
  ``vulnerabilities``, each with ``id``, ``identifiers`` (at least one) and ``location``.
  The tests validate real output against the schema's required keys and enums (tests/data).
- **Identity.** GitLab keys a vulnerability on its *primary* identifier (the first) and its
  location (file, start and end line), so the first identifier is the rule id, the same for
  every finding of a rule, never a per-finding value (GitLab stores one row per distinct
  identifier). The OWASP NHI ids follow, typed ``owasp_nhi`` so they stay out of GitLab's
  OWASP Top 10 filter, which reads the type ``owasp``. ``scan.primary_identifiers`` is the
  schema's exhaustive list of the rules the analyzer may report: the rules this scan ran (a
  ``--select`` narrows it). ``id`` is a UUID derived from the fingerprint and the position,
  so the same scan always writes the same ids.
- **Timestamps** are required (``yyyy-mm-ddThh:mm:ss``, UTC), so this is the one format that
  carries the time: the time the report is written, or ``SOURCE_DATE_EPOCH`` when set (the
  reproducible-builds convention) for output that diffs cleanly.
- **No secret.** The description holds the finding's message and its redacted snippet, never
  ``raw_source_code_extract`` (GitLab documents that field as unsanitized source). File text
  sits in code blocks whose fence is longer than any backtick run inside, so it stays text.
- **Suppressed findings** (``--show-suppressed``) carry GitLab's only flag,
  ``flagged-as-likely-false-positive``, with the suppression's kind and reason.
"""

from __future__ import annotations

import datetime as dt
import json as _json
import os
import re
import uuid
from typing import Any

from scanner import __version__
from scanner.docs import OWASP_NHI, help_uri, owasp_url, project_url
from scanner.findings import Finding, Severity, json_safe, printable
from scanner.pipeline import ScanResult
from scanner.reporters.options import ReportOptions

SCHEMA_VERSION = "15.2.1"
SCHEMA_URI = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/sast-report-format.json"
)
#: The identifier types outlive writes: its rule ids, then the OWASP NHI Top 10 (2025) ids.
RULE_IDENTIFIER = "outlive_rule_id"
NHI_IDENTIFIER = "owasp_nhi"
#: Fixed namespace of the vulnerability ids (uuid5): the same finding always gets the same id.
_ID_NAMESPACE = uuid.UUID("4b1f2c9e-6a53-5d0e-9f61-0c7e3a2d8b15")
#: Schema limits: ``name`` 255 characters, ``solution`` 7,000, ``description`` 1 MiB.
MAX_NAME = 255
MAX_SOLUTION = 7_000
MAX_DESCRIPTION = 1_048_576
#: Related locations listed in a description; the rest are counted.
MAX_LISTED_RELATED = 20

_SEVERITY = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}
#: Scan errors become ``scan.messages``: GitLab's ``fatal`` means the scan halted, which an
#: outlive error (a rule that crashed, a malformed suppression) does not: the scan went on.
_MESSAGE_LEVEL = {"error": "warn", "warning": "warn", "note": "info"}
_BACKTICKS = re.compile("`+")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timestamp() -> str:
    """Now in UTC as the schema's ``yyyy-mm-ddThh:mm:ss``, or ``SOURCE_DATE_EPOCH``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        if epoch.isdigit()
        else dt.datetime.now(dt.timezone.utc)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def code_span(text: str) -> str:
    """``text`` as a Markdown code span nothing inside can close (CommonMark 6.1)."""
    text = printable(text)
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str) -> str:
    """A fenced code block nothing inside can close: the fence outruns every backtick run."""
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def rule_identifier(rule_id: str, name: str, url: str | None) -> dict[str, str]:
    ident = {"type": RULE_IDENTIFIER, "name": f"outlive {rule_id} {name}", "value": rule_id}
    if url:
        ident["url"] = url
    return ident


def nhi_identifier(nhi: str) -> dict[str, str]:
    return {
        "type": NHI_IDENTIFIER,
        "name": f"OWASP {nhi}:2025 {OWASP_NHI[nhi][0]}",
        "value": f"{nhi}:2025",
        "url": owasp_url(nhi),
    }


def description(finding: Finding) -> str:
    """The message, the redacted snippet, related locations, lifetime and (history) commit."""
    parts = [printable(finding.message)]
    if finding.snippet:
        lines = finding.snippet.split("\n")
        parts.append(code_block("\n".join(printable(line) for line in lines)))
    if finding.related:
        lines = [
            f"- {code_span(f'{r.location.path}:{r.location.line}')}: {printable(r.message)}"
            for r in finding.related[:MAX_LISTED_RELATED]
        ]
        more = len(finding.related) - len(lines)
        if more > 0:
            lines.append(f"- and {more} more")
        parts.append("Related locations:\n\n" + "\n".join(lines))
    parts.append(f"Lifetime: {finding.lifetime}.")
    commit = finding.commit
    if commit is not None:
        parts.append(f"Found in commit {code_span(commit.sha)} ({commit.author_date}).")
    for note in finding.notes:
        parts.append(printable(note))
    return clip("\n\n".join(parts), MAX_DESCRIPTION)


def _text(name: str, value: str) -> dict[str, str]:
    return {"name": name, "type": "text", "value": value}


def details(finding: Finding) -> dict[str, Any]:
    """The vulnerability page's detail fields (a schema ``named-list``): what outlive knows
    about the finding beyond the description, the fingerprint a baseline entry matches."""
    out = {
        "lifetime": _text("Lifetime", str(finding.lifetime)),
        "category": _text("Category", finding.category.value),
        "precision": _text("Precision", finding.precision.value),
        "fingerprint": _text("Fingerprint", finding.stable_fingerprint),
    }
    if finding.commit is not None:
        out["commit"] = {"name": "Commit", "type": "commit", "value": finding.commit.sha}
    return out


def vulnerability(
    finding: Finding, title: str, url: str | None, occurrence: int
) -> dict[str, Any]:
    loc = finding.location
    key = f"{finding.stable_fingerprint}\0{loc.path}\0{loc.line}\0{loc.column}\0{occurrence}"
    vuln: dict[str, Any] = {
        "id": str(uuid.uuid5(_ID_NAMESPACE, key)),
        # The rule's summary, not the message: the schema wants no finding-specific detail.
        "name": clip(title, MAX_NAME),
        "description": description(finding),
        "severity": _SEVERITY[finding.severity],
        "solution": clip(finding.fix, MAX_SOLUTION),
        "identifiers": [
            rule_identifier(finding.rule_id, finding.rule_name, url),
            *(nhi_identifier(o) for o in finding.owasp if o in OWASP_NHI),
        ],
        "location": {"file": loc.path, "start_line": loc.line, "end_line": loc.end_line},
    }
    if url:
        vuln["links"] = [{"name": f"outlive {finding.rule_id}", "url": url}]
    vuln["details"] = details(finding)
    if finding.suppression is not None:
        reason = finding.suppression.justification or "no reason given"
        vuln["flags"] = [
            {
                "type": "flagged-as-likely-false-positive",
                "origin": "outlive",
                "description": printable(
                    f"suppressed ({finding.suppression.kind}): {reason}"
                ),
            }
        ]
    return vuln


def build(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    home = project_url()
    urls = {r.META.id: help_uri(r, home) for r in result.rules}
    titles = {r.META.id: r.META.summary for r in result.rules}
    findings = [f for f in result.findings if options.show_suppressed or f.suppression is None]
    seen: dict[tuple[str, str, int, int], int] = {}
    vulnerabilities = []
    for f in findings:
        spot = (f.stable_fingerprint, f.location.path, f.location.line, f.location.column)
        seen[spot] = seen.get(spot, -1) + 1
        title = titles.get(f.rule_id) or f"{f.rule_id} {f.rule_name}"
        vulnerabilities.append(vulnerability(f, title, urls.get(f.rule_id), seen[spot]))
    tool: dict[str, Any] = {
        "id": "outlive",
        "name": "outlive",
        "version": __version__,
        "vendor": {"name": "outlive"},
    }
    if home:
        tool["url"] = home
    now = timestamp()
    scan: dict[str, Any] = {
        "analyzer": dict(tool),
        "scanner": dict(tool),
        "type": "sast",
        "start_time": now,
        "end_time": now,
        # An error-level scan error exits 2: the gate did not run to a verdict.
        "status": "failure" if any(e.level == "error" for e in result.errors) else "success",
        "primary_identifiers": [
            rule_identifier(r.META.id, r.META.name, urls[r.META.id])
            for r in sorted(result.rules, key=lambda r: r.META.id)
        ],
    }
    messages = [
        {
            "level": _MESSAGE_LEVEL.get(e.level, "warn"),
            "value": printable(f"{e.path}:{e.line}: {e.message}" if e.line else
                               f"{e.path}: {e.message}"),
        }
        for e in result.errors
    ]
    if messages:
        scan["messages"] = messages
    return {
        "schema": SCHEMA_URI,
        "version": SCHEMA_VERSION,
        "scan": scan,
        "vulnerabilities": vulnerabilities,
    }


def render(result: ScanResult, options: ReportOptions) -> str:
    text = _json.dumps(build(result, options), indent=2, ensure_ascii=False)
    return json_safe(text) + "\n"
