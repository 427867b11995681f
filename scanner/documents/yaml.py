"""YAML (and JSON) composed into nodes that keep their line and column marks.

``yaml.compose_all`` builds the node graph without constructing Python objects: custom tags such
as CloudFormation's ``!Ref`` stay plain nodes, no Python tag can execute anything, and every node
keeps its marks for exact positions. libyaml's composer is used where available (about 8x faster
than the pure-Python one); it crashes on absurd nesting, so that is refused before parsing.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from scanner.documents.text import max_bracket_depth
from scanner.findings import Location

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing: slower, same result
    _Loader = yaml.SafeLoader

Node = yaml.Node
ScalarNode = yaml.ScalarNode
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode

#: libyaml recurses natively per nesting level; far below where it was measured to crash.
MAX_NESTING = 2000
#: Bound on the nodes any walk visits, so a graph of aliases cannot make a walk explode.
MAX_WALK_NODES = 200_000


class YamlError(ValueError):
    """The text is not YAML (or JSON) we can compose; the message says where and why."""


class YamlDocument:
    """All documents of a YAML stream (``---`` separated) as node trees with marks."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        if max_bracket_depth(text, MAX_NESTING) > MAX_NESTING:
            raise YamlError(f"nesting deeper than {MAX_NESTING} levels; not parsed")
        try:
            roots = list(yaml.compose_all(text, Loader=_Loader))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            raise YamlError(f"{where}{exc.problem or exc.context or 'invalid YAML'}") from None
        except yaml.YAMLError as exc:
            raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
        self.roots: tuple[Node, ...] = tuple(r for r in roots if r is not None)

    def locate(self, node: Node) -> Location:
        """Exact region of a node; marks are 0-based, the contract is 1-based."""
        start, end = node.start_mark, node.end_mark
        return Location(self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def get(node: Node | None, key: str) -> Node | None:
    """The value node of ``key`` in a mapping node (last one wins, as in YAML loaders)."""
    if not isinstance(node, MappingNode):
        return None
    found = None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            found = v
    return found


def get_key(node: Node | None, key: str) -> Node | None:
    """The key node itself, for reporting on the key rather than its value."""
    if not isinstance(node, MappingNode):
        return None
    found = None
    for k, _ in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            found = k
    return found


def items(node: Node | None) -> Iterator[tuple[str, Node, Node]]:
    """``(key, key_node, value_node)`` of a mapping with scalar keys."""
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode):
                yield str(k.value), k, v


def elements(node: Node | None) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        yield from node.value


def scalar(node: Node | None) -> str | None:
    """The text of a plain scalar, or None for anything else (tags like ``!Ref`` included)."""
    if isinstance(node, ScalarNode) and node.tag.startswith("tag:yaml.org,2002:"):
        return str(node.value)
    return None


def is_literal_string(node: Node | None) -> bool:
    """A scalar that is a plain value, not a reference such as ``!Ref`` or ``!Sub``."""
    return scalar(node) is not None


def walk(root: Node) -> Iterator[Node]:
    """Every node once (aliases are shared nodes: visited once), bounded in count."""
    seen: set[int] = set()
    stack = [root]
    while stack and len(seen) < MAX_WALK_NODES:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                stack.append(v)
                stack.append(k)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
