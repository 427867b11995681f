"""Span edits on a file's text, placed by the YAML marks the CI model holds.

A fix never re-dumps YAML: a dump drops comments, reorders keys and rewrites quoting, so a
"mechanical" fix would become a diff of the whole file. Each change is a replacement of an
exact ``[start, end)`` range of the original text, computed from the marks of the nodes the
rule reported; everything outside those ranges stays byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.documents import yaml as y
from scanner.documents.yaml import Node


class FixRefusedError(Exception):
    """This occurrence has no mechanical fix; the message says why, for the user."""


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


def apply(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit applied; overlapping edits are refused, not guessed at."""
    out: list[str] = []
    position = 0
    for edit in sorted(set(edits)):
        if edit.start < position:
            raise FixRefusedError("two changes of this fix overlap; fix it by hand")
        out.append(text[position : edit.start])
        out.append(edit.new)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


class Lines:
    """Offsets of a text's lines, to turn ``(line, column)`` marks into string offsets.

    Marks count characters (libyaml and PyYAML alike), so the offset is the line's start
    plus the column, also after non-ASCII text.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def offset(self, line: int, column: int) -> int:
        """The offset of a 0-based ``(line, column)``."""
        if line >= len(self.starts):
            return len(self.text)
        return min(self.starts[line] + column, len(self.text))

    def start_of(self, node: Node) -> int:
        return self.offset(node.start_mark.line, node.start_mark.column)

    def end_of(self, node: Node) -> int:
        return self.offset(node.end_mark.line, node.end_mark.column)

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def line_end(self, offset: int) -> int:
        """The offset just past the newline that ends the line holding ``offset``."""
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end + 1

    def indent_of(self, node: Node) -> str:
        """The text before ``node`` on its line, when that is only spaces (else refused)."""
        start = self.start_of(node)
        before = self.text[self.line_start(start) : start]
        if before.strip(" -"):
            raise FixRefusedError("the mapping does not start its own line; fix it by hand")
        return " " * len(before)


def content_end(lines: Lines, node: Node) -> int:
    """Where a value's own text ends. A block mapping's or sequence's end mark is where the
    next token starts (the next key, on a later line), so its end is its last leaf's."""
    while not is_flow(node) and isinstance(node, y.MappingNode | y.SequenceNode) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, y.MappingNode) else last
    return lines.end_of(node)


def through_line(lines: Lines, end: int, start: int) -> int:
    """The offset past the line holding ``end`` (a block scalar's end is already there)."""
    return end if end == lines.line_start(end) and end > start else lines.line_end(end)


def is_flow(node: Node | None) -> bool:
    return bool(getattr(node, "flow_style", False))


def entry_span(lines: Lines, mapping: Node, key: Node, value: Node) -> tuple[int, int]:
    """The range that removing one ``key: value`` of ``mapping`` deletes.

    In a block mapping: the whole lines from the key to the end of its value (a trailing
    comment goes with it). In a flow mapping: the entry and the comma after it, or before
    it when it is the last entry.
    """
    start, end = lines.start_of(key), content_end(lines, value)
    if not is_flow(mapping):
        begin = lines.line_start(start)
        if lines.text[begin:start].strip(" -"):
            raise FixRefusedError("an input shares its line with other keys; fix it by hand")
        if lines.text[begin:start].strip():
            raise FixRefusedError("the entry starts a sequence item; fix it by hand")
        return begin, through_line(lines, end, start)
    text = lines.text
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == ",":
        after += 1
        while after < len(text) and text[after] in " \t":
            after += 1
        return start, after
    before = start
    while before > 0 and text[before - 1] in " \t\n":
        before -= 1
    if before > 0 and text[before - 1] == ",":
        return before - 1, end
    return start, end


def value_span(lines: Lines, value: Node) -> tuple[int, int]:
    return lines.start_of(value), lines.end_of(value)


def insert_entries(lines: Lines, mapping: Node, entries: list[tuple[str, str]]) -> Edit:
    """An edit adding ``key: value`` entries at the end of an existing mapping."""
    rendered = [f"{key}: {value}" for key, value in entries]
    if is_flow(mapping):
        end = lines.end_of(mapping)
        close = lines.text.rfind("}", lines.start_of(mapping), end)
        if close < 0:
            raise FixRefusedError("a flow mapping without its closing brace; fix it by hand")
        opening = lines.start_of(mapping) + 1
        inner = lines.text[opening:close]
        if not inner.strip():  # `{}` becomes `{ key: value }`
            return Edit(opening, close, " " + ", ".join(rendered) + " ")
        at = opening + len(inner.rstrip())  # after the last entry, before any space
        return Edit(at, at, ", " + ", ".join(rendered))
    pairs = list(y.items(mapping))
    if not pairs:
        raise FixRefusedError("an empty block mapping; fix it by hand")
    indent = lines.indent_of(pairs[0][1])
    _, last_key, last_value = pairs[-1]
    end = content_end(lines, last_value)
    at = through_line(lines, end, lines.start_of(last_key))
    block = "".join(f"{indent}{r}\n" for r in rendered)
    if at == len(lines.text) and not lines.text.endswith("\n"):
        block = "\n" + block.rstrip("\n")
    return Edit(at, at, block)
