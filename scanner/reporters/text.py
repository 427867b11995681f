"""Human output: one block per finding, the lifetime and fix always shown, then a summary.

Paths, snippets, messages and reasons come from the scanned tree, so every one goes through
``printable``: a file must not be able to move the cursor, erase a finding from the screen or
reorder a line with bidi controls. The only escape sequences written raw are outlive's colors.
"""

from __future__ import annotations

from collections import Counter

from scanner.findings import Finding, Severity, printable
from scanner.pipeline import ScanResult
from scanner.reporters.options import ReportOptions

_COLORS = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_RESET = "\033[0m"
_ORDER = [s for s in Severity]


def _block(finding: Finding, options: ReportOptions) -> list[str]:
    loc = finding.location
    sev = finding.severity.value
    if options.color:
        sev = f"{_COLORS[finding.severity]}{sev}{_RESET}"
    owasp = ",".join(finding.owasp)
    path = printable(loc.path)
    head = f"{path}:{loc.line}:{loc.column}: {finding.rule_id} {sev} [{owasp}] " + printable(
        finding.message
    )
    lines = [head]
    if finding.snippet:
        # A tab shows as one space so the caret stays under the column; other controls are
        # escaped, and the caret moves right by the width the escapes before it added.
        raw = finding.snippet.replace("\t", " ")
        snippet = printable(raw)
        lines.append(f"    {loc.line:>4} | {snippet}")
        width = max(1, (loc.end_column - loc.column) if loc.end_line == loc.line else 1)
        caret_col = loc.column - 1
        if finding.snippet.startswith("…"):
            caret_col = min(caret_col, 41)
        if snippet != raw:
            caret_col += len(printable(raw[:caret_col])) - len(raw[:caret_col])
        lines.append("         | " + " " * caret_col + "^" * min(width, 60))
    lines.append(f"    lifetime: {printable(str(finding.lifetime))}")
    lines.append(f"    fix: {printable(finding.fix)}")
    for related in finding.related:
        r = related.location
        where = f"{printable(r.path)}:{r.line}:{r.column}"
        lines.append(f"    see {where}: {printable(related.message)}")
    for note in finding.notes:
        lines.append(f"    note: {printable(note)}")
    if finding.suppression is not None:
        lines.append(
            f"    suppressed ({finding.suppression.kind}): "
            + printable(finding.suppression.justification)
        )
    return lines


def render(result: ScanResult, options: ReportOptions) -> str:
    out: list[str] = []
    shown = [f for f in result.findings if options.show_suppressed or f.suppression is None]
    for finding in shown:
        out.extend(_block(finding, options))
        out.append("")
    active = result.active
    by_sev = Counter(f.severity for f in active)
    by_cat = Counter(f.category.value for f in active)
    suppressed = len(result.findings) - len(active)
    stats = result.stats
    if active:
        sev_part = ", ".join(f"{by_sev[s]} {s.value}" for s in _ORDER if by_sev[s])
        cat_part = ", ".join(f"{n} {c}" for c, n in sorted(by_cat.items()))
        summary = f"{len(active)} finding{'s' if len(active) != 1 else ''} ({sev_part}; {cat_part})"
    else:
        summary = "no findings"
    summary += f" in {stats.files_scanned} file{'s' if stats.files_scanned != 1 else ''}"
    if suppressed:
        summary += f"; {suppressed} suppressed"
    out.append(summary + ".")
    return "\n".join(out) + "\n"
