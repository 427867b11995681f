"""What the command line tells a reporter beyond the results themselves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReportOptions:
    show_suppressed: bool = False
    color: bool = False
    sarif_absolute: bool = False
    fail_on: str = "low"
    #: ``--sarif-category``: the GitHub code scanning category of the SARIF run
    #: (``runs[0].automationDetails.id``), already validated; None leaves it to the uploader.
    sarif_category: str | None = None
