"""Screen Python text with CPython's parser and tokenizer before LibCST parses it.

Kept apart from the engine, which only orchestrates: this is a pure check of the text (no
document, no rule), the C-parser screen that design.md 2b places beside the Python document.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings

from scanner.comments import cap_blank_runs

#: Real code stays far below this; past it LibCST's parse time grows quadratically (seconds at
#: two thousand links) until its native parser overflows the C stack.
MAX_PYTHON_DEPTH = 1000


def python_too_complex(text: str) -> str | None:
    """Screen Python text with CPython's parser before LibCST sees it.

    LibCST's native parser recurses once per link of an operator chain (``a.b.b...``,
    ``-...-1``, ``lambda: lambda: ...``, ``a or a or ...``) with no limit: two thousand links
    take seconds, ten thousand overflow the C stack and kill the process (SIGSEGV). CPython's
    parser fails cleanly on such text; an ``and``/``or`` chain, flat in its tree but nested in
    LibCST's, is measured by its length. Text CPython cannot parse (a syntax error, or syntax
    newer than the running interpreter, which LibCST may know) is bounded with the tokenizer.
    """
    brackets = _bracket_problem(text)
    if brackets is not None:
        return brackets
    too_deep = f"expressions nested or chained deeper than {MAX_PYTHON_DEPTH} levels; not parsed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning and the like are not ours to print
        try:
            tree = ast.parse(text)
        except (RecursionError, MemoryError):
            return "expressions nested or chained too deeply to parse safely"
        except (SyntaxError, ValueError):
            return too_deep if _longest_chain(text) > MAX_PYTHON_DEPTH else None
    # An explicit stack (this text may be deep); about a third of the cost of ast.parse.
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    push = stack.append
    while stack:
        node, depth = stack.pop()
        if depth > MAX_PYTHON_DEPTH or (
            isinstance(node, ast.BoolOp) and len(node.values) > MAX_PYTHON_DEPTH
        ):
            return too_deep
        depth += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _AST_LEAVES):
                        push((item, depth))
            elif isinstance(value, ast.AST) and not isinstance(value, _AST_LEAVES):
                push((value, depth))
    return None


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


def _bracket_problem(text: str) -> str | None:
    """Why LibCST must not parse ``text`` because of its brackets, or None.

    One tokenizer pass (brackets inside strings and comments do not count). Text that stops
    tokenizing is measured up to the stop, which is as far as LibCST would get too.
    """
    budget = BRACKET_LOAD_BASE + BRACKET_LOAD_PER_BYTE * len(text)
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


#: Operator and context singletons: leaves that need no visit.
_AST_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


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
