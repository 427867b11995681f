"""The generated ``_providers_parsed`` module is ``providers.toml`` parsed, made from its bytes.

It exists so that a scan does not pay tomllib's 30-90 ms on the table; like the rule index it
must be current, or the table's rows would silently come from TOML again (correct, but slow).
"""

from __future__ import annotations

import sys

from scanner.secrets import _providers_parsed, table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_generated_module_matches_the_table() -> None:
    text = table.TABLE.read_bytes()
    assert table.digest(text) == _providers_parsed.DIGEST, (
        "providers.toml changed: run python -m scanner.secrets.table"
    )
    assert tomllib.loads(text.decode("utf-8")) == _providers_parsed.DATA


def test_other_bytes_are_parsed_as_toml() -> None:
    text = b'[[format]]\nid = "x"\n'
    assert table.parsed(text) == {"format": [{"id": "x"}]}
