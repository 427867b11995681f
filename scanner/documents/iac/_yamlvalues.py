"""Shared by the YAML-based loaders: YAML key/value pairs into ``Attr``s."""

from __future__ import annotations

from collections.abc import Callable

from scanner.documents import yaml as yamlnodes
from scanner.documents.iac.model import Attr


def attrs(body: yamlnodes.Node | None, is_reference: Callable[[yamlnodes.Node], bool]
          ) -> dict[str, Attr]:
    """A mapping's entries by key (last one wins, as ``yamlnodes.get`` reads them)."""
    out: dict[str, Attr] = {}
    for name, key_node, value in yamlnodes.items(body):
        out[name] = Attr(name, key_node, value, yamlnodes.scalar(value), is_reference(value))
    return out
