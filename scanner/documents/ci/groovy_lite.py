"""A tolerant reader of the Groovy that Jenkinsfiles are written in: tokens, then calls with
their arguments and closures, by bracket structure alone.

Why not tree-sitter-groovy, which ``groovy.parse`` also offers: measured by
``bench/groovy_parsers.py``, grammar 0.1.2 turns common pipeline code into ``ERROR`` nodes
that lose the calls inside (an empty ``''`` string anywhere, ``sh 'x'`` inside ``try {}``,
``switch`` or a closure with parameters, ``v = sh script: 'x'``), so whole stages vanish.
A pipeline is mostly calls and closures; reading them needs exact tokens (strings, GStrings
with nested ``${...}``, comments) and bracket matching, not the rest of Groovy's grammar, so
this reader never fails on statements it does not understand: it keeps their calls.

The tree it returns has the shape the loader reads from tree-sitter (``type``, ``children``,
``named_children``, offsets), with character offsets (``CHAR_OFFSETS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The offsets of this tree's nodes are characters (tree-sitter's are bytes).
CHAR_OFFSETS = True
#: Brackets nested deeper than this are skipped, not read: the reader must not hit Python's
#: recursion limit on hostile input, and no pipeline comes near it.
MAX_DEPTH = 100

_SPACE = re.compile(r"(?:[ \t\f\r]+|\\\r?\n|//[^\n]*|/\*.*?(?:\*/|\Z))+", re.S)
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER = re.compile(r"\d[\w.]*")
_OPERATOR = re.compile(
    r"\?\.|\*\.|\.\.|->|==~|=~|==|!=|<=|>=|&&|\|\||\?:|<<|>>|\+\+|--|\+=|-=|[-+*/%=<>!&|^~?:;,.(){}\[\]@#\\]"
)
#: After these tokens a ``/`` starts a slashy string rather than dividing.
_SLASHY_AFTER_TEXT = "( , = : [ { ! & | ? ; -> return ~ + == != =~ ==~ && ||"
_SLASHY_AFTER = frozenset(_SLASHY_AFTER_TEXT.split())
#: Words that start a statement but are not calls taking juxtaposed arguments.
_KEYWORD_TEXT = (
    "def return new if else for while try catch finally switch case default throw import "
    "package class interface enum static final private public protected in instanceof as "
    "assert break continue void"
)
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())
#: GStrings inside ``${...}`` inside GStrings deeper than this are read as plain text.
_MAX_NESTING = 16
_OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass(eq=False, slots=True)
class Node:
    """One node of the tree: a token (``identifier``, ``string_literal``, ``(``) or a
    construct (``method_invocation``, ``argument_list``, ``closure``, ``map_item``...)."""

    type: str
    start_byte: int
    end_byte: int
    children: list[Node] = field(default_factory=list)
    is_named: bool = True

    @property
    def named_children(self) -> list[Node]:
        return [c for c in self.children if c.is_named]


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "id", "str", "num", "op", "nl"
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The tokens of ``text``, comments and blanks dropped, line breaks kept."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        space = _SPACE.match(text, i)
        if space is not None:
            i = space.end()
            continue
        ch = text[i]
        if ch == "\n":
            out.append(Token("nl", "\n", i, i + 1))
            i += 1
            continue
        if ch in "'\"":
            end = _string_end(text, i)
            out.append(Token("str", text[i:end], i, end))
            i = end
            continue
        if text.startswith("$/", i):
            end = _dollar_slashy_end(text, i)
            out.append(Token("str", text[i:end], i, end))
            i = end
            continue
        if ch == "/" and (not out or out[-1].text in _SLASHY_AFTER or out[-1].kind == "nl"):
            slashy = _slashy_end(text, i)
            if slashy is not None:
                out.append(Token("str", text[i:slashy], i, slashy))
                i = slashy
                continue
        for kind, pattern in (("id", _IDENT), ("num", _NUMBER), ("op", _OPERATOR)):
            match = pattern.match(text, i)
            if match is not None:
                out.append(Token(kind, match.group(), i, match.end()))
                i = match.end()
                break
        else:
            out.append(Token("op", ch, i, i + 1))
            i += 1
    return out


def _string_end(text: str, i: int, depth: int = 0) -> int:
    """End offset of the quoted string starting at ``i`` (the end of the line or file when
    it is not closed)."""
    quote = text[i]
    triple = text.startswith(quote * 3, i)
    j = i + (3 if triple else 1)
    n = len(text)
    gstring = quote == '"'
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if triple and text.startswith(quote * 3, j):
            return j + 3
        if not triple and c == quote:
            return j + 1
        if not triple and c == "\n":
            return j
        if gstring and c == "$" and text.startswith("${", j) and depth < _MAX_NESTING:
            j = _code_end(text, j + 2, depth + 1)
            continue
        j += 1
    return n


def _code_end(text: str, i: int, nesting: int) -> int:
    """Offset just past the ``}`` closing a ``${`` whose code starts at ``i``."""
    depth = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            i = _string_end(text, i, nesting)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _slashy_end(text: str, i: int) -> int | None:
    """End of a ``/regex/`` slashy string on one line, or None (a division after all)."""
    j = i + 1
    n = len(text)
    if j < n and text[j] in "/*= \n":
        return None
    while j < n and text[j] != "\n":
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "/":
            return j + 1
        j += 1
    return None


def _dollar_slashy_end(text: str, i: int) -> int:
    end = text.find("/$", i + 2)
    return len(text) if end < 0 else end + 2


class _Reader:
    """Calls, closures, arguments and assignments from the token list."""

    def __init__(self, toks: list[Token]) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def at(self, text: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok is not None and tok.kind == "op" and tok.text == text

    def leaf(self, tok: Token) -> Node:
        kind = {"id": "identifier", "str": "string_literal", "num": "decimal_integer_literal"}
        if tok.kind == "id" and tok.text in ("true", "false"):
            return Node(tok.text, tok.start, tok.end)
        if tok.kind in kind:
            return Node(kind[tok.kind], tok.start, tok.end)
        return Node(tok.text, tok.start, tok.end, is_named=False)

    # statements ------------------------------------------------------------------------

    def statements(self, parent: Node, close: str | None) -> None:
        """Statements up to ``close`` (consumed) or the end of the tokens."""
        while True:
            tok = self.peek()
            if tok is None:
                return
            if tok.kind == "nl" or (tok.kind == "op" and tok.text in (";", ",", ":", "->")):
                self.i += 1
                continue
            if tok.kind == "op" and tok.text in ")]}":
                self.i += 1
                if close is not None and tok.text == close:
                    parent.children.append(self.leaf(tok))
                    return
                continue  # a stray closer: skip it
            before = self.i
            node = self.statement()
            if node is not None:
                parent.children.append(node)
            if self.i == before:
                self.i += 1

    def statement(self) -> Node | None:
        tok = self.peek()
        assert tok is not None  # noqa: S101 - statements() checked it
        # `X = value`, `def X = value`, `String X = value`
        for offset in (0, 1):
            name = self.peek(offset)
            if (
                name is not None
                and name.kind == "id"
                and self.at("=", offset + 1)
                and (offset == 0 or (tok.kind == "id" and tok.text not in _KEYWORDS - {"def"}))
            ):
                self.i += offset + 2
                value = self.value(line=True, statement=True)  # `v = sh script: 'x'`
                start = self.toks[self.i - 1].end if value is None else value.end_byte
                node = Node("assignment_expression", name.start, start, [self.leaf(name)])
                node.children.append(Node("=", name.end, name.end, is_named=False))
                if value is not None:
                    node.children.append(value)
                return node
        return self.value(line=True, statement=True)

    # values ----------------------------------------------------------------------------

    def value(self, *, line: bool, statement: bool = False) -> Node | None:
        """One argument or right-hand side: items up to ``,`` or a closer (or the end of the
        line when ``line``); a single item is returned as itself, several as ``expression``."""
        items: list[Node] = []
        start = self.peek()
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.kind == "nl":
                previous = self.toks[self.i - 1] if self.i else None
                continues = (
                    previous is not None and previous.kind == "op" and (previous.text not in ")]}")
                )
                nxt = self.peek(1)
                chained = nxt is not None and nxt.kind == "op" and nxt.text in (".", "?.")
                if line and not continues and not chained:
                    break
                self.i += 1
                continue
            if tok.kind == "op" and tok.text in (",", ")", "]", "}", ";"):
                break
            if tok.kind == "op" and tok.text == ":" and (statement or not items):
                break  # `case 'a':` ends a statement; `k: v` is read by argument()
            before = self.i
            item = self.primary(statement=statement and not items)
            if item is not None:
                items.append(item)
            if self.i == before:
                self.i += 1
        if not items:
            return None
        if len(items) == 1:
            return items[0]
        end = self.toks[self.i - 1].end
        return Node("expression", start.start if start else items[0].start_byte, end, items)

    def primary(self, *, statement: bool) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "op" and tok.text in _OPEN:
            node = self.bracket(tok)
        elif tok.kind == "id" and tok.text not in _KEYWORDS | {"true", "false", "null"}:
            node = self.call_or_name(statement=statement)
        elif tok.kind == "id" and tok.text in ("if", "for", "while", "switch", "catch"):
            # `if (...) { ... }`: read the condition and the block as a call, so its
            # closure is walked like any other.
            node = self.call_or_name(statement=False)
        else:
            self.i += 1
            return self.leaf(tok) if tok.kind in ("str", "num", "id") else None
        return self.postfix(node)

    def postfix(self, node: Node | None) -> Node | None:
        """``x.name(...)`` chains: each call wraps the previous value as its receiver."""
        while node is not None and (self.at(".") or self.at("?.") or self.at("*.")):
            name = self.peek(1)
            if name is None or name.kind != "id":
                break
            dot = self.peek()
            assert dot is not None  # noqa: S101 - at() saw it
            self.i += 2
            call = Node(
                "method_invocation",
                node.start_byte,
                name.end,
                [node, self.leaf(dot), self.leaf(name)],
            )
            if not self.arguments(call, juxt=False) and not self.closure(call):
                call.type = "field_access"
            node = call
        return node

    def call_or_name(self, *, statement: bool) -> Node:
        """A name chain and what follows it: ``(args)``, a closure, juxtaposed arguments."""
        first = self.peek()
        assert first is not None  # noqa: S101 - primary() saw it
        self.i += 1
        node = Node("method_invocation", first.start, first.end, [self.leaf(first)])
        while (self.at(".") or self.at("?.")) and (nxt := self.peek(1)) and nxt.kind == "id":
            dot = self.peek()
            assert dot is not None  # noqa: S101 - at() saw it
            node.children.extend([self.leaf(dot), self.leaf(nxt)])
            node.end_byte = nxt.end
            self.i += 2
        called = self.arguments(node, juxt=False)
        if not called and statement and self.juxtaposed():
            called = self.arguments(node, juxt=True)
        if self.closure(node):
            called = True
        if not called:
            if len(node.children) == 1:
                return node.children[0]
            node.type = "field_access"
        return node

    def juxtaposed(self) -> bool:
        """Whether the next token, on the same line, starts a juxtaposed argument."""
        tok = self.peek()
        if tok is None or tok.kind == "nl":
            return False
        if tok.kind in ("str", "num"):
            return True
        if tok.kind == "id":
            return tok.text not in ("in", "instanceof", "as")
        return tok.kind == "op" and tok.text == "["

    def arguments(self, call: Node, *, juxt: bool) -> bool:
        """``(a, k: v)`` or, when ``juxt``, ``a, k: v`` to the end of the statement."""
        if not juxt and not self.at("("):
            return False
        start = self.peek()
        assert start is not None  # noqa: S101 - checked above or by juxtaposed()
        args = Node("argument_list", start.start, start.end)
        if not juxt:
            args.children.append(self.leaf(start))
            self.i += 1
            if self.depth >= MAX_DEPTH:
                call.children.append(self.skip(start))
                return True
        self.depth += 1
        try:
            while True:
                tok = self.peek()
                if tok is None:
                    break
                if not juxt and tok.kind == "nl":
                    self.i += 1
                    continue
                if tok.kind == "op" and tok.text == ")":
                    if not juxt:
                        args.children.append(self.leaf(tok))
                        self.i += 1
                    break
                if juxt and (tok.kind == "nl" or (tok.kind == "op" and tok.text in "]};{")):
                    break
                if tok.kind == "op" and tok.text == ",":
                    self.i += 1
                    if juxt:
                        while self.peek() is not None and self.peek().kind == "nl":  # type: ignore[union-attr]
                            self.i += 1
                    continue
                if tok.kind == "op" and tok.text in "]}":
                    break
                before = self.i
                item = self.argument(line=juxt)
                if item is not None:
                    args.children.append(item)
                if self.i == before:
                    self.i += 1
        finally:
            self.depth -= 1
        args.end_byte = self.toks[self.i - 1].end if self.i else start.end
        call.children.append(args)
        call.end_byte = max(call.end_byte, args.end_byte)
        return True

    def argument(self, *, line: bool = False) -> Node | None:
        """``key: value`` (a map item) or a value; juxtaposed arguments end with the line."""
        key = self.peek()
        if key is not None and key.kind in ("id", "str", "num") and self.at(":", 1):
            self.i += 2
            value = self.value(line=line)
            item = Node("map_item", key.start, key.end, [self.leaf(key)])
            item.children.append(Node(":", key.end, key.end, is_named=False))
            if value is not None:
                item.children.append(value)
                item.end_byte = value.end_byte
            return item
        return self.value(line=line)

    def closure(self, call: Node) -> bool:
        """A ``{ ... }`` right after a call (on its line), as the call's closure."""
        if not self.at("{"):
            return False
        tok = self.peek()
        assert tok is not None  # noqa: S101 - at() saw it
        block = self.bracket(tok)
        call.children.append(block)
        call.end_byte = block.end_byte
        return True

    def bracket(self, tok: Token) -> Node:
        """``{...}`` (closure), ``[...]`` (list or map) or ``(...)``."""
        self.i += 1
        if self.depth >= MAX_DEPTH:
            return self.skip(tok)
        self.depth += 1
        try:
            if tok.text == "{":
                node = Node("closure", tok.start, tok.end, [self.leaf(tok)])
                self.parameters()
                self.statements(node, "}")
            else:
                node = self.sequence(tok)
        finally:
            self.depth -= 1
        node.end_byte = self.toks[self.i - 1].end
        return node

    def parameters(self) -> None:
        """Skip a closure's ``a, b ->`` parameter list."""
        j = self.i
        toks = self.toks
        while j < len(toks) and (toks[j].kind in ("id", "nl") or toks[j].text == ","):
            j += 1
        if j < len(self.toks) and self.toks[j].text == "->":
            self.i = j + 1

    def sequence(self, tok: Token) -> Node:
        close = _OPEN[tok.text]
        node = Node(
            "array_literal" if tok.text == "[" else "parenthesized_expression", tok.start, tok.end
        )
        node.children.append(self.leaf(tok))
        while True:
            cur = self.peek()
            if cur is None:
                break
            if cur.kind == "nl" or (cur.kind == "op" and cur.text == ","):
                self.i += 1
                continue
            if cur.kind == "op" and cur.text in ")]}":
                if cur.text == close:
                    node.children.append(self.leaf(cur))
                    self.i += 1
                break
            before = self.i
            item = self.argument()
            if item is not None:
                node.children.append(item)
            if self.i == before:
                self.i += 1
        if tok.text == "[" and any(c.type == "map_item" for c in node.children):
            node.type = "map_literal"
        return node

    def skip(self, tok: Token) -> Node:
        """Pass over a too-deep bracket without reading it (iteratively)."""
        depth = 1
        while self.i < len(self.toks) and depth:
            cur = self.toks[self.i]
            if cur.kind == "op" and cur.text in _OPEN:
                depth += 1
            elif cur.kind == "op" and cur.text in ")]}":
                depth -= 1
            self.i += 1
        return Node("skipped", tok.start, self.toks[self.i - 1].end)


def parse(text: str) -> Node:
    """The tree of ``text``: never raises on any input."""
    toks = tokens(text)
    root = Node("program", 0, len(text))
    reader = _Reader(toks)
    reader.statements(root, None)
    return root
