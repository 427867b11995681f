"""Mapping look-ups that honour YAML merge keys (``<<: *defaults``) on composed nodes.

The composer keeps ``<<`` as an ordinary key whose value is the anchored mapping (or a list
of them); only a constructor applies it. CircleCI and Bitbucket files lean on merges for
shared job and step settings, so their loaders read mappings through these helpers and see
the keys a merge brings in, with the nodes (and so the positions) where they are written.
Explicit keys win over merged ones, and an earlier mapping of a merge list over a later one,
as in YAML's merge-key specification.
"""

from __future__ import annotations

from collections.abc import Iterator

from scanner.documents import yaml as y
from scanner.documents.yaml import Node

_MERGE_TAG = "tag:yaml.org,2002:merge"
#: Merges nest (a merged mapping may merge another); deeper than this is a cycle or abuse.
_MAX_DEPTH = 16
#: Mappings one look-up may visit: merge lists of aliases would otherwise fan out
#: exponentially (a "billion laughs" of merges).
_MAX_VISITS = 2000


def _is_merge(key: Node) -> bool:
    return isinstance(key, y.ScalarNode) and (key.tag == _MERGE_TAG or key.value == "<<")


def pairs(node: Node | None) -> dict[str, tuple[Node, Node]]:
    """``key -> (key node, value node)`` of a mapping, merges applied, in source order."""
    return _pairs(node, 0, [0])


def _pairs(node: Node | None, depth: int, visits: list[int]) -> dict[str, tuple[Node, Node]]:
    out: dict[str, tuple[Node, Node]] = {}
    visits[0] += 1
    if not isinstance(node, y.MappingNode) or depth > _MAX_DEPTH or visits[0] > _MAX_VISITS:
        return out
    merged: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if not _is_merge(key):
            continue
        sources = value.value if isinstance(value, y.SequenceNode) else [value]
        for source in sources:
            for name, pair in _pairs(source, depth + 1, visits).items():
                merged.setdefault(name, pair)  # an earlier source wins
    out.update(merged)
    for key, value in node.value:
        if isinstance(key, y.ScalarNode) and not _is_merge(key):
            out.pop(str(key.value), None)
            out[str(key.value)] = (key, value)
    return out


def items(node: Node | None) -> Iterator[tuple[str, Node, Node]]:
    """``(key, key node, value node)`` of a mapping with scalar keys, merges applied."""
    for key, (key_node, value_node) in pairs(node).items():
        yield key, key_node, value_node


def get(node: Node | None, key: str) -> Node | None:
    """The value node of ``key``, written in the mapping or brought in by a merge."""
    found = pairs(node).get(key)
    return found[1] if found is not None else None


def get_key(node: Node | None, key: str) -> Node | None:
    """The key node of ``key``, for reporting on the key rather than its value."""
    found = pairs(node).get(key)
    return found[0] if found is not None else None
