"""HCL (Terraform) through tree-sitter-hcl: exact attribute positions, errors tolerated.

tree-sitter keeps parsing past a syntax error and marks the broken region, so a half-written
``.tf`` file still has its intact blocks checked; python-hcl2 gives no positions and stops at the
first error (measurements in the README). Positions from tree-sitter are byte columns; they are
turned into character columns here, the one place that converts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import tree_sitter
import tree_sitter_hcl

from scanner.findings import Location

TsNode = Any  # tree_sitter.Node; typed loosely because the binding ships partial stubs

_PARSER: tree_sitter.Parser | None = None


def _parser() -> tree_sitter.Parser:
    global _PARSER
    if _PARSER is None:
        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
    return _PARSER


#: tree-sitter-hcl lexes whitespace one character per token and its external scanner re-reads
#: the rest of the run for each, so a run of n blanks costs n**2 (64 KB of spaces after ``=``
#: took a minute). A file whose longest run is at most this costs at most about 4x a normal
#: file per byte (measured: 0.5 s/MB on realistic modules, 2 s/MB with 512-character runs
#: everywhere); real Terraform has no run near it (indentation, a few blank lines).
MAX_WHITESPACE_RUN = 512

#: tree-sitter's own whitespace (``iswspace`` in its scanner) in ASCII; other Unicode blanks
#: were measured linear. A plain ``+`` run, so this search is linear itself.
_WHITESPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")

#: Backstop for shapes the pre-screen does not know: a parse that outlives this many seconds
#: plus this many per byte (about 40x the measured rate) is cancelled. Time-based, so it only
#: decides for inputs already pathological; the pre-screen is what keeps output deterministic.
PARSE_SECONDS_BASE = 2.0
PARSE_SECONDS_PER_BYTE = 20e-6


class HclTooComplexError(ValueError):
    """A file tree-sitter-hcl cannot parse in time proportional to its size; not parsed."""


def _screen(text: str) -> None:
    """Refuse text with a whitespace run tree-sitter-hcl would take quadratic time over."""
    for run in _WHITESPACE_RUN.finditer(text):
        if run.end() - run.start() > MAX_WHITESPACE_RUN:
            line = text.count("\n", 0, run.start()) + 1
            raise HclTooComplexError(
                f"a run of {run.end() - run.start()} blank characters from line {line}, "
                f"more than the {MAX_WHITESPACE_RUN} the HCL parser handles in bounded time"
            )


def _parse(data: bytes) -> tree_sitter.Tree:
    """Parse with a deadline proportional to the size; the parser is reset if it is hit."""
    parser = _parser()
    deadline = time.monotonic() + PARSE_SECONDS_BASE + PARSE_SECONDS_PER_BYTE * len(data)

    def read(offset: int, _point: object) -> bytes:
        return data[offset : offset + 65536]

    def too_late(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline

    try:
        return parser.parse(read, progress_callback=too_late)
    except ValueError:
        # A cancelled parse is resumed by the next call unless the parser is reset.
        parser.reset()
        raise HclTooComplexError(
            f"the HCL parser did not finish within its time budget for {len(data)} bytes"
        ) from None


@dataclass(frozen=True, slots=True)
class HclAttribute:
    """``name = expression`` inside a block body."""

    name: str
    node: TsNode
    expression: TsNode
    #: The string value when the expression is a plain quoted string with no ``${...}``.
    literal: str | None
    #: The expression's source text.
    source: str


@dataclass(frozen=True, slots=True)
class HclBlock:
    """``type "label" "label" { ... }`` with its attributes and nested blocks."""

    type: str
    labels: tuple[str, ...]
    node: TsNode
    attributes: dict[str, HclAttribute] = field(default_factory=dict)
    blocks: tuple[HclBlock, ...] = ()

    def attribute(self, name: str) -> HclAttribute | None:
        return self.attributes.get(name)


class HclDocument:
    """A parsed ``.tf``/``.tfvars`` file: top-level blocks and attributes."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._bytes = text.encode("utf-8", "surrogateescape")
        _screen(text)
        tree = _parse(self._bytes)
        self._root = tree.root_node
        self.has_error: bool = bool(self._root.has_error)
        self.error_line: int | None = _first_error_line(self._root) if self.has_error else None
        body = _child_of_type(self._root, "body")
        self.blocks: tuple[HclBlock, ...] = ()
        self.attributes: dict[str, HclAttribute] = {}
        if body is not None:
            self.blocks, self.attributes = self._read_body(body)
        self._line_starts: list[int] | None = None

    def source(self, node: TsNode) -> str:
        return self._bytes[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def iter_blocks(self, block_type: str | None = None) -> Iterator[HclBlock]:
        """Top-level blocks, optionally of one type (``resource``, ``provider``, ...)."""
        for block in self.blocks:
            if block_type is None or block.type == block_type:
                yield block

    def resources(self, resource_type: str) -> Iterator[HclBlock]:
        for block in self.iter_blocks("resource"):
            if block.labels and block.labels[0] == resource_type:
                yield block

    def locate(self, node: TsNode) -> Location:
        start_line, start_col = node.start_point
        end_line, end_col = node.end_point
        return Location(
            self.path,
            start_line + 1,
            self._char_column(start_line, start_col) + 1,
            end_line + 1,
            self._char_column(end_line, end_col) + 1,
        )

    def _char_column(self, row: int, byte_col: int) -> int:
        if self._line_starts is None:
            starts = [0]
            pos = self._bytes.find(b"\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = self._bytes.find(b"\n", pos + 1)
            self._line_starts = starts
        if row >= len(self._line_starts):
            return byte_col
        start = self._line_starts[row]
        return len(self._bytes[start : start + byte_col].decode("utf-8", "replace"))

    def _read_body(self, body: TsNode) -> tuple[tuple[HclBlock, ...], dict[str, HclAttribute]]:
        blocks: list[HclBlock] = []
        attributes: dict[str, HclAttribute] = {}
        for child in body.named_children:
            if child.type == "attribute":
                attr = self._read_attribute(child)
                if attr is not None:
                    attributes[attr.name] = attr
            elif child.type == "block":
                blocks.append(self._read_block(child))
        return tuple(blocks), attributes

    def _read_attribute(self, node: TsNode) -> HclAttribute | None:
        ident = _child_of_type(node, "identifier")
        expr = _child_of_type(node, "expression")
        if ident is None or expr is None:
            return None
        return HclAttribute(
            name=self.source(ident),
            node=node,
            expression=expr,
            literal=self._literal_string(expr),
            source=self.source(expr),
        )

    def _read_block(self, node: TsNode) -> HclBlock:
        ident = _child_of_type(node, "identifier")
        labels: list[str] = []
        for child in node.named_children:
            if child.type == "string_lit":
                labels.append(self._template_text(child) or "")
            elif child.type == "identifier" and child is not ident and not labels and ident:
                labels.append(self.source(child))
        body = _child_of_type(node, "body")
        blocks: tuple[HclBlock, ...] = ()
        attributes: dict[str, HclAttribute] = {}
        if body is not None:
            blocks, attributes = self._read_body(body)
        return HclBlock(
            type=self.source(ident) if ident is not None else "",
            labels=tuple(labels),
            node=node,
            attributes=attributes,
            blocks=blocks,
        )

    def _literal_string(self, expr: TsNode) -> str | None:
        node = expr
        while node.type in ("expression", "literal_value") and node.named_child_count == 1:
            node = node.named_children[0]
        if node.type != "string_lit":
            return None
        return self._template_text(node)

    def _template_text(self, string_lit: TsNode) -> str | None:
        """Text of a quoted string, or None if it interpolates (``${...}``, ``%{...}``)."""
        parts: list[str] = []
        for child in string_lit.named_children:
            if child.type == "template_literal":
                parts.append(self.source(child))
            elif child.type in ("quoted_template_start", "quoted_template_end"):
                continue
            else:
                return None
        return "".join(parts)


def _child_of_type(node: TsNode, node_type: str) -> TsNode | None:
    for child in node.named_children:
        if child.type == node_type:
            return child
    return None


def _first_error_line(root: TsNode) -> int | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            return int(node.start_point[0]) + 1
        if node.has_error:
            stack.extend(reversed(node.children))
    return None
