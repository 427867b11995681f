"""GitHub Actions: workflow commands for annotations, and a Markdown job summary.

Annotations. GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (50
per job) and drops the rest without a word, in the order they were printed. So the most severe
are printed first (a rule or usage error first of all: it is why the run exits 2), then by
path and line, at most what GitHub shows of each level, and one last ``::notice`` says how many
more there are and where to see them all: nobody should read "3 errors" on a pull request that
has thirty.

Every value comes partly from the scanned tree, so each is escaped twice over: the runner's
own escapes (``%``, CR and LF as ``%25 %0D %0A``, and ``:`` ``,`` in properties), which also
keep a value from ending the command or starting a new one, then ``printable`` for the other
control characters, which would otherwise reach the job log raw.

Job summary (``$GITHUB_STEP_SUMMARY``): Markdown that GitHub renders as HTML on the run's
page, so every string from the tree goes into a code span long enough to hold it, where
nothing (``<img>``, ``[a](b)``, ``@user``, an autolink) is markup. It holds redacted data only,
as every output does: paths, rule ids, lifetimes, counts; never a snippet or a message.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from scanner.findings import Finding, ScanError, Severity, printable
from scanner.pipeline import ScanResult
from scanner.reporters.options import ReportOptions

_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}
_ERROR_COMMAND = {"error": "error", "warning": "warning"}  # a scan note is a notice
_LEVELS = ("error", "warning", "notice")

#: Annotations of each level GitHub shows per step (actions/toolkit, "problem matchers",
#: Limitations); past it they are dropped. The overflow notice takes one notice slot.
ANNOTATIONS_PER_LEVEL = 10
#: Findings listed one by one in the job summary; the table by rule counts every one.
SUMMARY_TOP = 20


def _escape_data(value: str) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(value)


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _finding_command(f: Finding) -> str:
    loc = f.location
    props = [
        f"file={_escape_property(loc.path)}",
        f"line={loc.line}",
        f"col={loc.column}",
    ]
    if loc.end_line == loc.line:
        props.append(f"endColumn={loc.end_column}")
    else:
        props.append(f"endLine={loc.end_line}")
    props.append(f"title={_escape_property(f'{f.rule_id} {f.rule_name}')}")
    message = f"{f.message} (lifetime: {f.lifetime}; {', '.join(f.owasp)}) Fix: {f.fix}"
    if f.commit is not None:  # a history finding: the file may be gone from the checkout
        message += f" Found in commit {f.commit.sha} ({f.commit.author_date})."
    return f"::{_COMMAND[f.severity]} {','.join(props)}::{_escape_data(message)}"


def _error_command(e: ScanError) -> str:
    level = _ERROR_COMMAND.get(e.level, "notice")
    where = f"file={_escape_property(e.path)}" + (f",line={e.line}" if e.line else "")
    return f"::{level} {where},title=outlive scan error::{_escape_data(e.message)}"


def by_severity(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first, then in report order (path, line, column, rule)."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f.sort_key))


def _candidates(result: ScanResult) -> list[tuple[str, str, bool]]:
    """Every annotation as (level, command, is_finding), in the order they should be shown."""
    findings = by_severity(result.active)
    out: list[tuple[str, str, bool]] = []
    for level in _LEVELS:
        errors = [e for e in result.errors if _ERROR_COMMAND.get(e.level, "notice") == level]
        # An error-level scan error (a failing rule, a usage error) explains an exit 2: it
        # goes before the findings; warnings and notes of the scan go after them.
        if level == "error":
            out.extend((level, _error_command(e), False) for e in errors)
        out.extend((level, _finding_command(f), True) for f in findings
                   if _COMMAND[f.severity] == level)
        if level != "error":
            out.extend((level, _error_command(e), False) for e in errors)
    return out


def render(result: ScanResult, options: ReportOptions) -> str:
    candidates = _candidates(result)
    per_level = Counter(level for level, _, _ in candidates)
    overflow = any(n > ANNOTATIONS_PER_LEVEL for n in per_level.values())
    budget = {level: ANNOTATIONS_PER_LEVEL for level in _LEVELS}
    if overflow:
        budget["notice"] -= 1  # the closing notice is one of the ten
    lines: list[str] = []
    left_findings = left_errors = 0
    for level, command, is_finding in candidates:
        if budget[level] > 0:
            budget[level] -= 1
            lines.append(command)
        elif is_finding:
            left_findings += 1
        else:
            left_errors += 1
    if left_findings or left_errors:
        lines.append(_overflow_notice(left_findings, left_errors, len(result.active)))
    return "\n".join(lines) + ("\n" if lines else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _overflow_notice(findings: int, errors: int, total: int) -> str:
    parts = []
    if findings:
        parts.append(f"{_plural(findings, 'more finding')} of {total}")
    if errors:
        parts.append(_plural(errors, "more scan message"))
    message = (
        f"{' and '.join(parts)} not shown as annotations: GitHub shows "
        f"{ANNOTATIONS_PER_LEVEL} errors, {ANNOTATIONS_PER_LEVEL} warnings and "
        f"{ANNOTATIONS_PER_LEVEL} notices per step, most severe first here. See them all in "
        "the job summary, with `outlive scan --format text`, or in code scanning by uploading "
        "`outlive scan --format sarif`."
    )
    return f"::notice title=outlive%3A more findings::{_escape_data(message)}"


# -- job summary --------------------------------------------------------------------------------

_BACKTICKS = re.compile("`+")


def code(text: str) -> str:
    """``text`` as a Markdown code span that nothing inside can end or turn into markup.

    Controls are escaped first (``printable``); the fence is one backtick longer than the
    longest run inside, padded with spaces when the text starts or ends with one (CommonMark
    6.1); a ``|`` is written ``\\|`` because GitHub splits table cells on pipes before it
    parses code spans (the escape is removed inside the span, GFM 4.10).
    """
    text = printable(text).replace("|", "\\|")
    longest = max((len(m.group()) for m in _BACKTICKS.finditer(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def summary(result: ScanResult, options: ReportOptions) -> str:
    """The Markdown job summary: totals, a table by rule and severity, the top findings."""
    active = by_severity(result.active)
    suppressed = len(result.findings) - len(result.active)
    stats = result.stats
    by_sev = Counter(f.severity for f in active)
    out = ["## outlive", ""]
    if active:
        sev_part = ", ".join(f"{by_sev[s]} {s.value}" for s in Severity if by_sev[s])
        out.append(f"**{_plural(len(active), 'finding')}** ({sev_part}) "
                   f"in {_plural(stats.files_scanned, 'file')}.")
    else:
        out.append(f"**No findings** in {_plural(stats.files_scanned, 'file')}.")
    extras = []
    if suppressed:
        extras.append(f"{suppressed} suppressed or baselined (`--show-suppressed` lists them)")
    problems = sum(1 for e in result.errors if e.level in ("error", "warning"))
    if problems:
        extras.append(f"{problems} scan error{'' if problems == 1 else 's'} or warnings "
                      "(the step's log lists them)")
    if extras:
        out += ["", "; ".join(extras) + "."]
    if not active:
        return "\n".join(out) + "\n"
    levels = [s for s in Severity if by_sev[s]]
    out += ["", "| rule | " + " | ".join(s.value for s in levels) + " | total |",
            "|---|" + "---:|" * (len(levels) + 1)]
    per_rule: dict[tuple[str, str], Counter[Severity]] = {}
    for f in active:
        per_rule.setdefault((f.rule_id, f.rule_name), Counter())[f.severity] += 1
    ordered = sorted(per_rule.items(), key=lambda kv: ([-kv[1][s] for s in levels], kv[0]))
    for (rule_id, name), counts in ordered:
        cells = " | ".join(str(counts[s]) if counts[s] else "" for s in levels)
        out.append(f"| {code(rule_id)} {code(name)} | {cells} | {sum(counts.values())} |")
    top = active[:SUMMARY_TOP]
    out += ["", f"### {'Top findings' if len(active) > len(top) else 'Findings'}", "",
            "| severity | location | rule | lifetime |", "|---|---|---|---|"]
    for f in top:
        where = code(f"{f.location.path}:{f.location.line}")
        out.append(f"| {f.severity.value} | {where} | {code(f.rule_id)} | "
                   f"{code(str(f.lifetime))} |")
    if len(active) > len(top):
        out += ["", f"{_plural(len(active) - len(top), 'more finding')}: "
                "`outlive scan --format text` lists every one."]
    return "\n".join(out) + "\n"
