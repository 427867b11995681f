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


#: Carets past this many would run off most terminals; the location says where it ends.
MAX_CARETS = 60


def _carets(finding: Finding) -> str:
    """The caret line under a finding's snippet.

    The snippet is masked (a secret shows as ``AKIA…``) and may be cut (``…`` first), so the
    location's columns do not point into it: the engine records where they fall
    (``snippet_span``) and the carets go there, as wide as what is shown. A tab shows as one
    space and other controls as escapes (``\\x1b``), so both ends move by the width the
    escapes before them add. A finding without a span (built by hand) falls back on its
    columns.
    """
    loc = finding.location
    raw = finding.snippet.replace("\t", " ")
    if finding.snippet_span is not None:
        start, end = finding.snippet_span
    else:
        start = loc.column - 1
        if finding.snippet.startswith("…"):
            start = min(start, 41)
        end = start + max(1, (loc.end_column - loc.column) if loc.end_line == loc.line else 1)
    start = max(0, min(start, len(raw)))
    end = max(start + 1, end)
    shown_start = len(printable(raw[:start]))
    width = len(printable(raw[start:end])) if end <= len(raw) else end - start
    return " " * shown_start + "^" * max(1, min(width, MAX_CARETS))


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
        lines.append(f"    {loc.line:>4} | {printable(finding.snippet.replace(chr(9), ' '))}")
        lines.append("         | " + _carets(finding))
    if finding.commit is not None:
        # A history finding: the commit that first held it (the key outlives its deletion).
        commit = finding.commit
        lines.append(f"    commit: {printable(commit.sha)} ({printable(commit.author_date)})")
    lines.append(f"    lifetime: {printable(str(finding.lifetime))}")
    lines.append(f"    fix: {printable(finding.fix)}")
    for related in finding.related:
        r = related.location
        where = f"{printable(r.path)}:{r.line}:{r.column}"
        lines.append(f"    see {where}: {printable(related.message)}")
    for note in finding.notes:
        lines.append(f"    note: {printable(note)}")
    if finding.suppression is not None:
        until = finding.suppression.until
        lines.append(
            f"    suppressed ({finding.suppression.kind}): "
            + printable(finding.suppression.justification)
            + (f" (until {printable(until)})" if until else "")
        )
    return lines


def finding_block(finding: Finding, options: ReportOptions) -> list[str]:
    """The lines one finding shows (``baseline audit`` shows each entry's finding so)."""
    return _block(finding, options)


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
    if stats.files_skipped:
        # Every path met and not scanned is counted, by reason: "no findings" never hides a
        # submodule that was not checked out or a folder a .gitignore kept out.
        summary += f"; {stats.files_skipped} skipped"
        if stats.skipped_by_reason:
            summary += " (" + ", ".join(f"{n} {why}" for why, n in stats.skipped_by_reason) + ")"
    if suppressed:
        summary += f"; {suppressed} suppressed"
    out.append(summary + ".")
    return "\n".join(out) + "\n"
