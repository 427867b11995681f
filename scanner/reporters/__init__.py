"""Output formats: each reporter turns a ``ScanResult`` into text; ``REPORTERS`` lists them."""

from __future__ import annotations

from collections.abc import Callable

from scanner.pipeline import ScanResult
from scanner.reporters import github, json, sarif, text
from scanner.reporters.options import ReportOptions

Reporter = Callable[[ScanResult, ReportOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json.render,
    "github": github.render,
    "sarif": sarif.render,
}

__all__ = ["REPORTERS", "ReportOptions", "Reporter"]
