"""Output formats: each reporter turns a ``ScanResult`` into text; ``REPORTERS`` lists them."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from scanner.reporters.options import ReportOptions

if TYPE_CHECKING:
    from scanner.pipeline import ScanResult

Reporter = Callable[["ScanResult", ReportOptions], str]


class _Reporters(Mapping[str, Reporter]):
    """Format name -> its reporter's ``render``, the module imported when that format is
    asked for (SARIF's object model costs more to import than a small scan does)."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules

    def __getitem__(self, name: str) -> Reporter:
        module = importlib.import_module(f"scanner.reporters.{self._modules[name]}")
        render: Reporter = module.render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REPORTERS: Mapping[str, Reporter] = _Reporters(
    {"text": "text", "json": "json", "github": "github", "sarif": "sarif", "gitlab": "gitlab"}
)

__all__ = ["REPORTERS", "ReportOptions", "Reporter"]
