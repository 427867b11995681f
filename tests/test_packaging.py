"""The wheel ships every package: pyproject lists packages by hand (``rules`` is shipped as
``outlive_rules``), so a new subpackage left out of the list would work in an editable checkout
and be missing from every real install."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in (("scanner", "scanner"), ("rules", "outlive_rules")):
        for init in (ROOT / top).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name, *parts)))
    assert sorted(found - listed) == []
    assert sorted(listed - found) == []
