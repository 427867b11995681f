"""GitHub Actions workflow commands: annotations on the pull request's changed lines.

Every value comes partly from the scanned tree, so each is escaped twice over: the runner's
own escapes (``%``, CR and LF as ``%25 %0D %0A``, and ``:`` ``,`` in properties), which also
keep a value from ending the command or starting a new one, then ``printable`` for the other
control characters, which would otherwise reach the job log raw.
"""

from __future__ import annotations

from scanner.findings import Severity, printable
from scanner.pipeline import ScanResult
from scanner.reporters.options import ReportOptions

_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def _escape_data(value: str) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return printable(value)


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: ScanResult, options: ReportOptions) -> str:
    lines = []
    for f in result.findings:
        if f.suppression is not None:
            continue
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
        lines.append(f"::{_COMMAND[f.severity]} {','.join(props)}::{_escape_data(message)}")
    for e in result.errors:
        level = "error" if e.level == "error" else "warning" if e.level == "warning" else "notice"
        where = f"file={_escape_property(e.path)}" + (f",line={e.line}" if e.line else "")
        lines.append(f"::{level} {where},title=outlive scan error::{_escape_data(e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
