"""Groovy as the Jenkins loader needs it: calls with their arguments and closures, and string
literals decoded with the place of every character.

``call``, ``map_item`` and ``decode`` read any tree of the tree-sitter shape: the loader's own
(``groovy_lite``, character offsets) or tree-sitter-groovy's (``parse``, byte offsets, kept for
``bench/groovy_parsers.py``, which measured why the loader does not use it). ``decode`` reads
each literal's source itself, since neither tree decodes strings: Groovy escapes,
backslash-newline continuations, and ``${...}``/``$name`` interpolations, with each decoded
character mapped to the offset it came from.

Positions are character offsets into the text; tree-sitter's byte offsets are converted here
(``Source``), the one place that does it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

TsNode = Any  # tree_sitter.Node; typed loosely because the binding ships partial stubs

#: Backstop as in ``documents/hcl.py``: a parse taking longer than this plus this per byte is
#: cancelled and the file gets no pipeline (raw-text rules still run on it).
PARSE_SECONDS_BASE = 2.0
PARSE_SECONDS_PER_BYTE = 20e-6
#: Deeper nesting than this is not walked: no real pipeline comes near it, and the walk
#: must not hit Python's recursion limit on hostile input.
MAX_DEPTH = 200

CALLS = ("method_invocation", "juxt_function_call")
STRINGS = ("string_literal", "character_literal")
COMMENTS = ("line_comment", "block_comment", "comment", "groovy_doc")

_ESCAPES = {
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "s": " ",
    "t": "\t",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "$": "$",
}

_parser: Any = None


class GroovyTooComplexError(ValueError):
    """A file the parser did not finish within its time budget; not parsed."""


def parse(data: bytes) -> TsNode:
    """The root node of ``data``, with a deadline proportional to its size."""
    global _parser
    import tree_sitter
    import tree_sitter_groovy

    if _parser is None:
        _parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_groovy.language()))
    parser = _parser
    deadline = time.monotonic() + PARSE_SECONDS_BASE + PARSE_SECONDS_PER_BYTE * len(data)

    def read(offset: int, _point: object) -> bytes:
        return data[offset : offset + 65536]

    def too_late(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline

    try:
        return parser.parse(read, progress_callback=too_late).root_node
    except ValueError:
        parser.reset()
        raise GroovyTooComplexError(
            f"the Groovy parser did not finish within its time budget for {len(data)} bytes"
        ) from None


class Source:
    """The text of a file with its UTF-8 bytes, converting tree-sitter byte offsets (or not:
    ``char_offsets`` for the trees of ``groovy_lite``, whose offsets are characters)."""

    def __init__(self, text: str, *, char_offsets: bool = False) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self._chars: list[int] | None = None
        if not char_offsets and len(self.data) != len(text):
            chars: list[int] = []
            for index, ch in enumerate(text):
                chars.extend([index] * len(ch.encode("utf-8", "surrogatepass")))
            chars.append(len(text))
            self._chars = chars

    def offset(self, byte: int) -> int:
        """The character offset of a byte offset."""
        if self._chars is None:
            return byte
        return self._chars[min(byte, len(self._chars) - 1)]

    def span(self, node: TsNode) -> tuple[int, int]:
        return self.offset(node.start_byte), self.offset(node.end_byte)

    def of(self, node: TsNode) -> str:
        start, end = self.span(node)
        return self.text[start:end]


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args) { closure }`` in any of Groovy's spellings (``sh 'x'``, ``sh('x')``,
    ``sh script: 'x'``, ``docker.withRegistry(...) {}``).

    ``name`` is the dotted callee when it is a plain chain of names (``docker.withRegistry``),
    else the last name (``trim`` of ``sh(...).trim()``, whose receiver is ``receiver``).
    """

    node: TsNode
    name: str
    name_node: TsNode
    positional: tuple[TsNode, ...]
    named: dict[str, tuple[TsNode, TsNode]]
    closure: TsNode | None
    receiver: TsNode | None


def call(source: Source, node: TsNode) -> Call | None:
    """The call a ``method_invocation``/``juxt_function_call`` node makes, if it names one."""
    names: list[TsNode] = []
    receiver = None
    positional: list[TsNode] = []
    named: dict[str, tuple[TsNode, TsNode]] = {}
    closure = None
    for child in node.children:
        kind = child.type
        if kind == "identifier" and not positional and not named and closure is None:
            names.append(child)
        elif kind == "field_access" and not names and _chain(child) is not None:
            names.extend(_chain(child) or ())
        elif kind == "argument_list":
            for arg in child.named_children:
                if arg.type == "map_item":
                    item = map_item(source, arg)
                    if item is not None:
                        named.setdefault(item[0], (item[1], item[2]))
                elif arg.type == "closure" and closure is None:
                    closure = arg
                elif arg.type not in COMMENTS:
                    positional.append(arg)
        elif kind == "closure":
            closure = child
        elif kind in (".", "?.", "*."):
            continue
        elif not names and child.is_named:
            receiver = child
    if not names:
        return None
    if receiver is not None:
        names = names[-1:]
    name = ".".join(source.of(n) for n in names)
    return Call(node, name, names[-1], tuple(positional), named, closure, receiver)


def _chain(node: TsNode) -> list[TsNode] | None:
    """The identifiers of a plain ``a.b.c`` field access, or None for anything else."""
    if node.type == "identifier":
        return [node]
    if node.type != "field_access":
        return None
    out: list[TsNode] = []
    for child in node.children:
        if child.type == ".":
            continue
        part = _chain(child)
        if part is None:
            return None
        out.extend(part)
    return out


def map_item(source: Source, node: TsNode) -> tuple[str, TsNode, TsNode] | None:
    """``(key, key node, value node)`` of a ``key: value`` item (a quoted key is decoded)."""
    children = [c for c in node.named_children if c.type not in COMMENTS]
    if len(children) < 2:
        return None
    key_node, value = children[0], children[-1]
    if key_node.type in STRINGS:
        decoded = decode(source, key_node)
        key = decoded.value if decoded is not None else source.of(key_node)
    else:
        key = source.of(key_node)
    return key, key_node, value


def map_items(source: Source, node: TsNode) -> dict[str, tuple[TsNode, TsNode]]:
    """The items of a ``[k: v, ...]`` map literal."""
    out: dict[str, tuple[TsNode, TsNode]] = {}
    for child in node.named_children:
        if child.type == "map_item":
            item = map_item(source, child)
            if item is not None:
                out.setdefault(item[0], (item[1], item[2]))
    return out


def children(node: TsNode) -> Iterator[TsNode]:
    """The named children of a node, comments left out."""
    for child in node.named_children:
        if child.type not in COMMENTS:
            yield child


@dataclass(frozen=True, slots=True)
class GroovyString:
    """A string literal's value after Groovy has read it, with where each character came from.

    ``offsets[i]`` is the character offset in the file of ``value[i]`` (an escape maps to its
    backslash). ``interpolations`` are the GString ``${...}``/``$name`` parts, kept verbatim in
    ``value``, as ``(start, end)`` slices of ``value``; ``gstring`` says whether the quotes
    interpolate at all (double quotes, slashy strings).
    """

    value: str
    offsets: tuple[int, ...]
    start: int
    end: int
    gstring: bool
    interpolations: tuple[tuple[int, int], ...] = ()

    @property
    def literal(self) -> bool:
        """No interpolation: the value is a constant written in the file."""
        return not self.interpolations

    def expressions(self) -> tuple[str, ...]:
        return tuple(self.value[a:b] for a, b in self.interpolations)


_DELIMITERS = (("'''", False), ('"""', True), ("$/", True), ("'", False), ('"', True), ("/", True))


def decode(source: Source, node: TsNode) -> GroovyString | None:
    """The string literal ``node`` decoded, or None for anything that is not one."""
    if node.type not in STRINGS:
        return None
    start, end = source.span(node)
    raw = source.text[start:end]
    found = next(((o, g) for o, g in _DELIMITERS if raw.startswith(o)), None)
    if found is None:
        return None
    opener, gstring = found
    closer = "/$" if opener == "$/" else opener
    body_start = start + len(opener)
    body_end = end - len(closer) if raw.endswith(closer) and len(raw) >= 2 * len(opener) else end
    text = source.text
    value: list[str] = []
    offsets: list[int] = []
    interpolations: list[tuple[int, int]] = []
    i = body_start
    slashy = opener in ("/", "$/")
    while i < body_end:
        ch = text[i]
        if ch == "\\" and not slashy and i + 1 < body_end:
            nxt = text[i + 1]
            if nxt == "\n":  # a continuation: Groovy drops the backslash and the line break
                i += 2
                continue
            if nxt == "u" and i + 6 <= body_end and _is_hex(text[i + 2 : i + 6]):
                value.append(chr(int(text[i + 2 : i + 6], 16)))
                offsets.append(i)
                i += 6
                continue
            if nxt in _ESCAPES:
                value.append(_ESCAPES[nxt])
                offsets.append(i)
                i += 2
                continue
        if ch == "\\" and opener == "/" and i + 1 < body_end and text[i + 1] == "/":
            value.append("/")
            offsets.append(i)
            i += 2
            continue
        if ch == "$" and gstring:
            if opener == "$/" and i + 1 < body_end and text[i + 1] in "$/":
                value.append(text[i + 1])
                offsets.append(i)
                i += 2
                continue
            length = _interpolation(text, i, body_end)
            if length:
                interpolations.append((len(value), len(value) + length))
                value.extend(text[i : i + length])
                offsets.extend(range(i, i + length))
                i += length
                continue
        value.append(ch)
        offsets.append(i)
        i += 1
    return GroovyString("".join(value), tuple(offsets), start, end, gstring, tuple(interpolations))


def _is_hex(text: str) -> bool:
    return len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text)


def _interpolation(text: str, i: int, end: int) -> int:
    """Length of the ``${...}`` or ``$a.b`` interpolation at ``text[i]``, 0 if there is none."""
    if i + 1 >= end:
        return 0
    nxt = text[i + 1]
    if nxt == "{":
        depth = 0
        j = i + 1
        quote = ""
        while j < end:
            c = text[j]
            if quote:
                if c == "\\":
                    j += 2
                    continue
                if c == quote:
                    quote = ""
            elif c in "'\"":
                quote = c
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return j + 1 - i
            j += 1
        return 0
    if not (nxt.isalpha() or nxt == "_"):
        return 0
    j = i + 1
    while True:
        while j < end and (text[j].isalnum() or text[j] == "_"):
            j += 1
        if j + 1 < end and text[j] == "." and (text[j + 1].isalpha() or text[j + 1] == "_"):
            j += 1
            continue
        return j - i
