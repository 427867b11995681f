"""Credentials inside a larger value (EC2 user data, a heredoc script), with exact positions.

A user-data script that exports ``AWS_SECRET_ACCESS_KEY=...`` has the secret on its own line,
not on the attribute's: LLC-IAC-010 reports that line, where the text rules would report the
same value, so the engine keeps one finding. ``assignments`` finds ``NAME=value`` and
``NAME: value`` pairs; ``hcl_span`` and ``yaml_span`` turn a slice of a node's source into a
reportable target with the document's own kind of position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from scanner.documents.hcl import HclDocument, TsNode
from scanner.documents.yaml import Node, YamlDocument

_ASSIGNMENT = re.compile(
    r"(?m)(?:^|[\s;'\"(])(?:export\s+|set\s+|\$env:)?([A-Za-z_][A-Za-z0-9_.-]{0,80})"
    r"[ \t]*(?:=|:)[ \t]*[\"']?([^\s\"'`;|&<>()]{1,300})"
)


@dataclass(frozen=True, slots=True)
class Assignment:
    key: str
    value: str
    #: Character offsets of the value in the scanned text.
    start: int
    end: int


def assignments(text: str) -> Iterator[Assignment]:
    for match in _ASSIGNMENT.finditer(text):
        yield Assignment(match.group(1), match.group(2), match.start(2), match.end(2))


@dataclass(frozen=True, slots=True)
class HclSpan:
    """A region of an HCL file with tree-sitter-style points (row, byte column)."""

    start_point: tuple[int, int]
    end_point: tuple[int, int]


def hcl_span(doc: HclDocument, node: TsNode, start: int, end: int) -> HclSpan:
    """The slice ``[start, end)`` (characters) of ``doc.source(node)`` as a target."""
    source = doc.source(node)
    return HclSpan(_point(node, source, start), _point(node, source, end))


def _point(node: TsNode, source: str, offset: int) -> tuple[int, int]:
    before = source[:offset]
    newlines = before.count("\n")
    line_part = before[before.rfind("\n") + 1 :]
    row = int(node.start_point[0]) + newlines
    column = len(line_part.encode("utf-8", "surrogateescape"))
    if not newlines:
        column += int(node.start_point[1])
    return row, column


def yaml_span(doc: YamlDocument, start: int, end: int) -> Node:
    """The characters ``[start, end)`` of ``doc.text`` as a node with 0-based marks."""
    text = doc.text

    def mark(offset: int) -> yaml.Mark:
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1)
        return yaml.Mark("", offset, line, column, None, 0)

    return yaml.ScalarNode("tag:yaml.org,2002:str", text[start:end], mark(start), mark(end))


def yaml_source(doc: YamlDocument, node: Node) -> tuple[str, int]:
    """A node's source text in the document and where it starts (character offset)."""
    start, end = int(node.start_mark.index), int(node.end_mark.index)
    return doc.text[start:end], start
