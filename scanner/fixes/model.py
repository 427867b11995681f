"""What a fixer gets and gives back: one file's findings in, its new text and verdicts out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scanner.config import Config
from scanner.findings import Finding


@dataclass(slots=True)
class FileFix:
    """The fix of one file: the new text (None when nothing changed), which findings the
    change removes, which it cannot fix (with the reason), and notes for the user (the
    placeholder to fill in, the setting to make on PyPI)."""

    path: str
    text: str
    new_text: str | None = None
    fixed: list[Finding] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


#: A fixer: the file's path and text, the findings of its rules there, and the config (for
#: thresholds). It fills ``FileFix`` and never raises for a finding it cannot fix.
Fixer = Callable[[FileFix, Sequence[Finding], Config], None]


def at(finding: Finding, line0: int, column0: int) -> bool:
    """Whether a finding starts at a 0-based ``(line, column)`` (a YAML mark)."""
    return finding.location.line == line0 + 1 and finding.location.column == column0 + 1
