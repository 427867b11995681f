"""Screen Python text with CPython's parser and tokenizer before LibCST parses it.

Kept apart from the engine, which only orchestrates: this is a pure check of the text (no
document, no rule), the C-parser screen that design.md 2b places beside the Python document.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings

from scanner.comments import cap_blank_runs
from scanner.documents.python.sinkscreen import KEPT as _KEPT
from scanner.documents.python.sinkscreen import Facts, Kept, may_fire, sink_facts

__all__ = ["Facts", "Screen", "python_too_complex", "screen"]

#: Real code stays far below this; past it LibCST's parse time grows quadratically (seconds at
#: two thousand links) until its native parser overflows the C stack.
MAX_PYTHON_DEPTH = 1000


def python_too_complex(text: str) -> str | None:
    """Why LibCST must not parse ``text``, or None (see ``screen``; the last text is cached)."""
    return screen(text).problem


def screen(text: str) -> Screen:
    """The C-parser screen of one text, computed once: the builder and the engine both ask.

    A one-entry cache keyed by the string object: the engine screens a file, then the Python
    document builder checks the same text before LibCST, and a worker scans one file at a time.
    """
    global _LAST
    last = _LAST
    if last is not None and last[0] is text:
        return last[1]
    result = _screen(text)
    _LAST = (text, result)
    return result


_LAST: tuple[str, Screen] | None = None


class Screen:
    """The guard's verdict on one text: the sink facts, and why LibCST must not parse it.

    The bracket and chain checks run the pure-Python tokenizer, several times the cost of
    ``ast.parse``: they run only when asked (``problem``), that is for a file some rule's
    sink may occur in, just before LibCST would parse it.
    """

    __slots__ = ("_chain", "_pending", "_problem", "_text", "_tree", "facts")

    def __init__(
        self,
        text: str,
        problem: str | None,
        facts: Facts | None = None,
        *,
        chain: bool = False,
        tree: ast.AST | None = None,
    ) -> None:
        self._text = text
        self._problem: str | bool | None = False  # False: not computed yet
        self._chain = chain  # CPython refused the text: the tokenizer bounds its chains
        self._tree = tree  # CPython's tree: its depth is measured when LibCST is about to run
        self.facts = facts
        self._pending = problem

    @property
    def problem(self) -> str | None:
        """Why LibCST must not parse this text, or None."""
        if self._problem is False:
            found = _bracket_problem(self._text, parsed=self._tree is not None) or self._pending
            if found is None and self._chain and _longest_chain(self._text) > MAX_PYTHON_DEPTH:
                found = _TOO_DEEP
            if found is None and self._tree is not None and _too_deep(self._tree):
                found = _TOO_DEEP
            self._tree = None
            self._problem = found
        return self._problem  # type: ignore[return-value]

    def may_fire(self, rule_id: str) -> bool:
        """False only when ``rule_id`` has a sink screen and its sink cannot occur here."""
        return may_fire(self.facts, rule_id)


_TOO_DEEP = f"expressions nested or chained deeper than {MAX_PYTHON_DEPTH} levels; not parsed"


def _screen(text: str) -> Screen:
    """Screen Python text with CPython's parser before LibCST sees it.

    LibCST's native parser recurses once per link of an operator chain (``a.b.b...``,
    ``-...-1``, ``lambda: lambda: ...``, ``a or a or ...``) with no limit: two thousand links
    take seconds, ten thousand overflow the C stack and kill the process (SIGSEGV). CPython's
    parser fails cleanly on such text; an ``and``/``or`` chain, flat in its tree but nested in
    LibCST's, is measured by its length. Text CPython cannot parse (a syntax error, or syntax
    newer than the running interpreter, which LibCST may know) is bounded with the tokenizer.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning and the like are not ours to print
        try:
            tree = ast.parse(text)
        except (RecursionError, MemoryError):
            return Screen(text, "expressions nested or chained too deeply to parse safely")
        except (SyntaxError, ValueError):
            return Screen(text, None, chain=True)
    # One pass over the tree keeps the calls, imports, assignments and strings the sink
    # screens read. An explicit stack (the tree may be deep); only fields that can hold nodes
    # are read (``_CHILDREN``), and depth is not tracked here: ``_too_deep`` measures it only
    # for a file LibCST is about to parse, which few files are.
    kept = Kept()
    calls, imports, assigns, others = kept.calls, kept.imports, kept.assigns, kept.others
    statements: set[int] = set()  # string statements (docstrings): no value can name them
    stack: list[object] = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    children = _CHILDREN
    kept_kinds = _KEPT
    string = kept.string
    while stack:
        node = pop()
        kind = node.__class__
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            if value.__class__ is str and id(node) not in statements:
                string(value)
            continue
        if kind is ast.Call:
            calls.append(node)  # type: ignore[arg-type]
        elif kind is ast.Import or kind is ast.ImportFrom:
            imports.append(node)  # type: ignore[arg-type]
            continue
        elif kind is ast.Assign:
            assigns.append(node)  # type: ignore[arg-type]
        elif kind is ast.Expr:
            statements.add(id(node.value))  # type: ignore[attr-defined]
        elif kind in kept_kinds:
            others.append(node)  # type: ignore[arg-type]
        fields = children.get(kind)
        if fields is None:
            fields = children[kind] = _child_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend(value)
            elif value is not None:
                push(value)
    return Screen(text, None, sink_facts(kept), tree=tree)


#: Fields that never hold a node worth visiting: names, flags, operator singletons, and the
#: aliases of imports (the import table reads them from the import itself).
_NOT_CHILDREN = frozenset(
    {
        "ctx", "op", "ops", "id", "attr", "arg", "name", "asname", "module", "level", "kind",
        "type_comment", "conversion", "is_async", "simple", "lineno", "tag", "rest",
        "kwd_attrs", "names",
    }
)  # fmt: skip
#: Per node class, the fields the walk reads (filled on first sight of a class; a class
#: without ``_fields`` (``None``, a string in a list) has none).
_CHILDREN: dict[type, tuple[str, ...]] = {ast.Constant: (), ast.MatchSingleton: ()}


def _child_fields(kind: type) -> tuple[str, ...]:
    return tuple(f for f in getattr(kind, "_fields", ()) if f not in _NOT_CHILDREN)


def _too_deep(tree: ast.AST) -> bool:
    """Whether the tree nests deeper than ``MAX_PYTHON_DEPTH``, or holds an ``and``/``or``
    chain longer than that (flat in CPython's tree, nested in LibCST's). The fields the facts
    walk reads (``_CHILDREN``), with a depth per node."""
    nodes: list[object] = [tree]
    depths = [0]
    children = _CHILDREN
    while nodes:
        node = nodes.pop()
        depth = depths.pop()
        kind = node.__class__
        if depth > MAX_PYTHON_DEPTH or (
            kind is ast.BoolOp and len(node.values) > MAX_PYTHON_DEPTH  # type: ignore[attr-defined]
        ):
            return True
        fields = children.get(kind)
        if fields is None:
            fields = children[kind] = _child_fields(kind)
        depth += 1
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                nodes.extend(value)
                depths.extend([depth] * len(value))
            elif value is not None:
                nodes.append(value)
                depths.append(depth)
    return False


#: LibCST's parse costs about 7 microseconds and 1 KB of memory per token per enclosing bracket
#: (measured on libcst 1.9: ``[[[...]]]`` 100 deep takes 70 ms and 10 MB, 200 deep 0.3 s and
#: 40 MB, both quadratic; ten lists 999 deep took 54 s and 9 GB). Real code nests brackets 2 to 5
#: deep; CPython's own parser stops at 200. 100 keeps a wide margin over real code.
MAX_BRACKET_DEPTH = 100

#: The same cost summed over the file: the bracket depth of every token, added up. Real code
#: measures 0.03 to 0.12 per byte of source (LibCST itself then takes about 4 us and 500 bytes
#: per byte); this budget of one per byte, plus a constant for small files, bounds a file to
#: about three times that: roughly 1.5 KB of memory and 10 us per byte of source.
BRACKET_LOAD_PER_BYTE = 1.0
BRACKET_LOAD_BASE = 50_000


#: What the bound below skips: comments and string literals (triple-quoted first), whose
#: brackets the tokenizer does not count either; and the brackets themselves.
_LEXEMES = re.compile(
    r"#[^\n]*"
    r"|\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'"
    r"|\"(?:\\[\s\S]|[^\"\\\n])*\"|'(?:\\[\s\S]|[^'\\\n])*'"
    r"|[()\[\]{}]"
)


#: From Python 3.12 the tokenizer is native (and fast), and an f-string's expressions are
#: tokens, which the lexemes above would read as string: the bound is for 3.11.
_FAST_BOUND = sys.version_info < (3, 12)


def _brackets_within_budget(text: str, budget: float) -> bool:
    """True when the brackets are surely within both limits, without the tokenizer: no
    nesting deeper than ``MAX_BRACKET_DEPTH`` and, as a bound on the load (the tokens inside
    each pair, summed), the characters inside each pair summed within ``budget``. For text
    CPython parsed, so that the lexemes above are its strings and comments."""
    opened: list[int] = []
    load = 0
    for match in _LEXEMES.finditer(text):
        char = match.group()
        if char == "(" or char == "[" or char == "{":
            opened.append(match.start())
            if len(opened) > MAX_BRACKET_DEPTH:
                return False
        elif (char == ")" or char == "]" or char == "}") and opened:
            load += match.start() - opened.pop()
            if load > budget:
                return False
    return not opened


def _bracket_problem(text: str, parsed: bool = False) -> str | None:
    """Why LibCST must not parse ``text`` because of its brackets, or None.

    One tokenizer pass (brackets inside strings and comments do not count). Text that stops
    tokenizing is measured up to the stop, which is as far as LibCST would get too. Text
    CPython parsed (``parsed``) is first bounded without the tokenizer, which real code
    always passes; only text the bound cannot clear is tokenized, for the exact verdict.
    """
    budget = BRACKET_LOAD_BASE + BRACKET_LOAD_PER_BYTE * len(text)
    if parsed and _FAST_BOUND and _brackets_within_budget(text, budget):
        return None
    depth = load = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP:
                if token.string in ("(", "[", "{"):
                    depth += 1
                    if depth > MAX_BRACKET_DEPTH:
                        return (
                            f"bracket nesting deeper than {MAX_BRACKET_DEPTH} levels "
                            f"(line {token.start[0]}); not parsed"
                        )
                elif token.string in (")", "]", "}") and depth:
                    depth -= 1
            load += depth
            if load > budget:
                return (
                    "too many deeply bracketed tokens for the Python parser's memory and time "
                    f"budget (line {token.start[0]}); not parsed"
                )
    except (tokenize.TokenError, SyntaxError):
        pass
    return None


_CHAIN_WORDS = frozenset({"and", "or", "not", "lambda", "if", "else", "await", "in", "is"})
_FLAT_OPS = frozenset({",", ":", ";", ")", "]", "{", "}", "=", "->"})
_OPENERS = frozenset({",", "(", "[", "{", ":", "="})
_UNARY = frozenset({"-", "+", "~", "*", "**"})


def _longest_chain(text: str) -> int:
    """Operators in the longest logical line: a bound on expression depth without a parse.

    Calls and subscripts count (``a()()``), bare brackets do not (``[(1, 2), (3, 4)]`` is flat).
    """
    if len(text) <= MAX_PYTHON_DEPTH:
        return 0
    longest = count = 0
    previous: tokenize.TokenInfo | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(cap_blank_runs(text)).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                longest, count = max(longest, count), 0
            elif token.type == tokenize.OP and token.string not in _FLAT_OPS:
                trailer = previous is not None and (
                    previous.type in (tokenize.NAME, tokenize.STRING)
                    or previous.string in (")", "]")
                )
                leading = previous is not None and previous.string in _OPENERS
                if token.string in ("(", "[") and not trailer:
                    pass  # a bare bracket: a tuple or list, flat
                elif token.string in _UNARY and leading:
                    pass  # the sign of an item, as in [-1, -2]
                else:
                    count += 1
            elif token.type == tokenize.NAME and token.string in _CHAIN_WORDS:
                count += 1
            previous = token
    except (tokenize.TokenError, SyntaxError):
        pass  # the count so far still bounds what LibCST would see before the same error
    return max(longest, count)
