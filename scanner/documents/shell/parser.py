"""bash through tree-sitter-bash, flattened into ``Word`` / ``SimpleCommand``.

tree-sitter gives byte offsets into what it parsed; ``_Builder`` turns them into character
offsets of the caller's text and reads every value from that text, so a CI interpolation
masked before parsing (``${{ secrets.PW }}`` -> ``%%%%``) is reported as written.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

import tree_sitter
import tree_sitter_bash

from scanner.documents.shell.words import SimpleCommand, Word, basename, unwrap

TsNode = Any  # tree_sitter.Node; typed loosely because the binding ships partial stubs

#: What a CI interpolation becomes before parsing: not a name character (``$A${{ x }}``
#: must still read ``A``), not a quote, blank, operator or glob, so the match stays one
#: opaque part of the word it is in.
FILLER = "%"

#: Text longer than this is not parsed (a generated script of megabytes is not a command).
MAX_CHARS = 2_000_000

_EXPANSIONS = frozenset({"simple_expansion", "expansion", "arithmetic_expansion"})
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_VARIABLE = frozenset({"variable_name", "special_variable_name"})
_DECLARATIONS = frozenset({"declaration_command", "unset_command"})
#: What can follow ``<<EOF`` on its line: the rest of the pipeline or list.
_FOLLOWERS = frozenset({"pipeline", "list", "command"})
_SKIP = frozenset({"comment", "heredoc_start", "heredoc_end", "heredoc_body", "file_descriptor"})
_UNQUOTED_ESCAPE = re.compile(r"\\(\n|.)", re.S)
_DQ_ESCAPE = re.compile(r"\\([$`\"\\\n])")
_ANSI = re.compile(
    r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)", re.S
)
_ANSI_SIMPLE = {
    "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
    "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}

_PARSER: tree_sitter.Parser | None = None


def _parser() -> tree_sitter.Parser:
    global _PARSER
    if _PARSER is None:
        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER


def spans(text: str, expression: re.Pattern[str] | Sequence[tuple[int, int]] | None) -> list[
    tuple[int, int]
]:
    """The ``[start, end)`` ranges of CI interpolations in ``text``."""
    if expression is None:
        return []
    if isinstance(expression, re.Pattern):
        return [(m.start(), m.end()) for m in expression.finditer(text) if m.end() > m.start()]
    return sorted((s, e) for s, e in expression if 0 <= s < e <= len(text))


def parse(
    text: str, expression: re.Pattern[str] | Sequence[tuple[int, int]] | None = None
) -> tuple[SimpleCommand, ...]:
    """Every simple command of ``text`` in source order: those inside ``$(...)`` too, and
    those of a ``sh -c '...'`` script written without escapes (``docker exec c sh -c '...'``).

    ``expression`` is the CI system's interpolation regex (``Script.expression``), or the
    exact ranges when the caller knows them (make's ``$(VAR)`` beside the shell's
    ``$(cmd)``). Never raises: text that does not parse yields the commands that did.
    """
    if not text.strip() or len(text) > MAX_CHARS:
        return ()
    found = spans(text, expression)
    masked = _mask(text, found)
    out = _walk(text, masked, found)
    for start, end in [r for c in out if (r := _inline_script(c)) is not None]:
        padded = " " * start + masked[start:end] + " " * (len(text) - end)
        out.extend(_walk(text, padded, found))
    return tuple(sorted(out, key=lambda c: c.start))


def _mask(text: str, found: list[tuple[int, int]]) -> str:
    """``text`` with each interpolation replaced by as many ``FILLER`` characters."""
    if not found:
        return text
    pieces: list[str] = []
    last = 0
    for start, end in found:
        if start < last:
            continue
        pieces.append(text[last:start])
        pieces.append(FILLER * (end - start))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _walk(text: str, parsed: str, found: list[tuple[int, int]]) -> list[SimpleCommand]:
    """The commands of ``parsed`` (``text`` masked, same length), values read from ``text``.

    A line cut out of a compound command (``--token) TOKEN="$2" ;;`` of a ``case``,
    ``deploy() {``) does not parse; it is parsed again inside the smallest frame that
    completes it, so its words are read as the shell reads them (``TOKEN="$2"`` an
    assignment, not a program). The frame's own text yields no command.
    """
    tree = _tree(parsed)
    if tree is None:
        return []
    prefix = ""
    if tree.root_node.has_error:
        for before, after in _frames(parsed):
            framed = _tree(before + parsed + after)
            if framed is not None and not framed.root_node.has_error:
                tree, prefix = framed, before
                break
    data = (prefix + parsed).encode("utf-8", "surrogatepass")
    builder = _Builder(text, prefix + parsed, data, found, len(prefix))
    with contextlib.suppress(RecursionError):  # absurd nesting: keep what was built
        builder.statement(tree.root_node)
    return [c for c in builder.out if c.start < len(text) and c.end > 0]


def _tree(parsed: str) -> Any:  # noqa: ANN401 - tree_sitter.Tree, loosely typed
    try:
        return _parser().parse(parsed.encode("utf-8", "surrogatepass"))
    except Exception:  # a binding failure must cost this command's words, not the scan
        return None


#: A ``case`` item's pattern at the start of a line: ``--token)``, ``linux*|darwin*)``.
_CASE_ITEM = re.compile(r"\s*\(?\s*[^\s()<>&;|`$]+(?:\s*\|\s*[^\s()<>&;|`$]+)*\s*\)")


def _frames(parsed: str) -> list[tuple[str, str]]:
    """Text to put around a line that does not parse alone, most likely first."""
    out: list[tuple[str, str]] = []
    tail = parsed.rstrip()
    if _CASE_ITEM.match(parsed):
        out.append(("case x in\n", "\nesac" if tail.endswith(";;") else "\n;;\nesac"))
    if tail.endswith("{"):
        out.append(("", "\n}"))
    if tail.endswith("then"):
        out.append(("", "\ntrue\nfi"))
    if tail.endswith("do"):
        out.append(("", "\ntrue\ndone"))
    if tail.endswith("in") and re.match(r"\s*case\b", parsed):
        out.append(("", "\nesac"))
    if tail.endswith(("&&", "||", "|")):
        out.append(("", " true"))
    if re.match(r"\s*(?:elif|else)\b", parsed):
        out.append(("if true; then true\n", "\nfi" if tail.endswith("fi") else "\ntrue\nfi"))
    return out


#: Programs whose ``-c`` argument is itself a script: ``bash -c '...'``, also as the command
#: another program runs (``docker exec c sh -c "..."``, ``ssh host bash -c "..."``).
_SCRIPT_RUNNERS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash"})


def _inline_script(command: SimpleCommand) -> tuple[int, int] | None:
    """The range of the script a ``sh -c`` word runs, when it is written without escapes
    (so offsets inside it are offsets in the text), else None."""
    words = command.words
    for i in range(command.program_index, len(words) - 2):
        if basename(words[i].value) not in _SCRIPT_RUNNERS:
            continue
        flag = words[i + 1].value
        if not (flag.startswith("-") and not flag.startswith("--") and "c" in flag):
            continue
        script = words[i + 2]
        quote = script.text[:1] if script.text[:1] in ("'", '"') else ""
        if script.text != quote + script.value + quote:
            return None
        return script.start + len(quote), script.end - len(quote)
    return None


class _Builder:
    """One parse's walk: builds the commands into ``out`` as it meets them."""

    def __init__(
        self,
        text: str,
        parsed: str,
        data: bytes,
        masks: list[tuple[int, int]],
        shift: int = 0,
    ) -> None:
        self.text = text
        self.masks = masks
        self.out: list[SimpleCommand] = []
        #: Characters of frame text before ``text`` in what was parsed (see ``_walk``).
        self.shift = shift
        self._chars: list[int] | None = None
        if len(data) != len(parsed):
            chars: list[int] = []
            for index, ch in enumerate(parsed):
                chars.extend([index] * len(ch.encode("utf-8", "surrogatepass")))
            chars.append(len(parsed))
            self._chars = chars

    # -- offsets -----------------------------------------------------------------------------

    def pos(self, byte: int) -> int:
        """The offset in ``text`` of a byte offset in what was parsed."""
        if self._chars is None:
            if not self.shift:
                return byte  # ASCII, no frame: the common case, kept cheap
            char = byte
        else:
            char = self._chars[min(byte, len(self._chars) - 1)]
        return max(0, min(len(self.text), char - self.shift))

    def span(self, node: TsNode) -> tuple[int, int]:
        return self.pos(node.start_byte), self.pos(node.end_byte)

    def slice(self, node: TsNode) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    # -- statements --------------------------------------------------------------------------

    def statement(
        self, node: TsNode, piped_from: SimpleCommand | None = None
    ) -> SimpleCommand | None:
        """Build the commands under ``node``; the last one, which feeds a following ``|``."""
        kind = node.type
        if kind == "command":
            return self.command(node, piped_from)
        if kind in _DECLARATIONS:
            return self.declaration(node, piped_from)
        if kind in ("variable_assignment", "variable_assignments"):
            return self.bare(node)
        if kind == "redirected_statement":
            return self.redirected(node, piped_from)
        if kind == "pipeline":
            last = piped_from
            for child in node.named_children:
                last = self.statement(child, last) or last
            return last
        if kind in _SKIP:
            return None
        if kind == "ERROR":
            return self.error(node)
        last = None
        for child in node.named_children:
            found = self.statement(child, piped_from)
            if found is not None:
                last, piped_from = found, None
        return last

    def command(
        self,
        node: TsNode,
        piped_from: SimpleCommand | None,
        heredoc: Word | None = None,
    ) -> SimpleCommand | None:
        words: list[Word] = []
        assignments: list[tuple[str, Word]] = []
        for child in node.named_children:
            kind = child.type
            if kind == "variable_assignment":
                assignments.append(self.assignment(child)[0])
            elif kind == "herestring_redirect":
                fed = [c for c in child.named_children if c.type not in _SKIP]
                if fed:
                    heredoc = self.word(fed[-1])
            elif kind.endswith("_redirect"):
                self.statement(child)
            elif kind != "comment":
                words.append(self.word(child))
        return self.make(node, words, assignments, piped_from, heredoc)

    def make(
        self,
        node: TsNode,
        words: Sequence[Word],
        assignments: Iterable[tuple[str, Word]],
        piped_from: SimpleCommand | None,
        heredoc: Word | None,
    ) -> SimpleCommand | None:
        start, end = self.span(node)
        # tree-sitter fills a missing command (``a &&`` at the end) with a zero-width node.
        words = [w for w in words if w.end > w.start]
        assignments = list(assignments)
        argv = _strip_reserved(tuple(words))
        if not argv and not assignments:
            return None
        if argv and len(argv) < len(words):
            start = argv[0].start
        program, env = unwrap(argv)
        made = SimpleCommand(
            argv,
            (*assignments, *env),
            start,
            end,
            self.text[start:end],
            piped_from,
            heredoc.value if heredoc is not None else None,
            heredoc,
            program,
        )
        self.out.append(made)
        return made

    def declaration(
        self, node: TsNode, piped_from: SimpleCommand | None
    ) -> SimpleCommand | None:
        """``export A=1 B``, ``declare -x A=1``, ``local``, ``readonly``, ``unset``: the
        keyword is the program, each ``A=1`` both a word and an assignment."""
        words: list[Word] = []
        assignments: list[tuple[str, Word]] = []
        for child in node.children:
            if not child.is_named:
                if child.type.isalpha() and not words:
                    start, end = self.span(child)
                    words.append(Word(child.type, child.type, start, end))
                continue
            if child.type == "variable_assignment":
                assignment, whole = self.assignment(child)
                assignments.append(assignment)
                words.append(whole)
            elif child.type.endswith("_redirect"):
                self.statement(child)
            elif child.type != "comment":
                words.append(self.word(child))
        return self.make(node, words, assignments, piped_from, None)

    def bare(self, node: TsNode) -> SimpleCommand | None:
        """``A=1`` (or ``A=1 B=2``) alone: a command with no words."""
        children = [node] if node.type == "variable_assignment" else node.named_children
        assignments = [
            self.assignment(c)[0] for c in children if c.type == "variable_assignment"
        ]
        return self.make(node, (), assignments, None, None)

    def redirected(self, node: TsNode, piped_from: SimpleCommand | None) -> SimpleCommand | None:
        """A statement with redirections: a heredoc or herestring feeds its command; a
        pipeline written after ``<<EOF`` (``cat <<EOF | kubectl apply -f -``) reads it."""
        body = node.child_by_field_name("body")
        heredoc: Word | None = None
        after: list[TsNode] = []
        for child in node.named_children:
            if child is body or (body is not None and child.start_byte == body.start_byte
                                 and child.type == body.type):
                continue
            if child.type == "heredoc_redirect":
                for part in child.named_children:
                    if part.type == "heredoc_body":
                        heredoc = self.heredoc(part)
                    elif part.type in _FOLLOWERS or part.type.endswith("statement"):
                        after.append(part)
                    elif part.type not in _SKIP:
                        self.statement(part)
            elif child.type == "herestring_redirect":
                fed = [c for c in child.named_children if c.type not in _SKIP]
                if fed:
                    heredoc = self.word(fed[-1])
            else:
                self.statement(child)
        last: SimpleCommand | None
        if body is None:
            last = None
        elif body.type == "command":
            last = self.command(body, piped_from, heredoc)
        else:
            last = self.statement(body, piped_from)
        for part in after:
            if part.type == "pipeline":
                feeder = last
                for child in part.named_children:
                    feeder = self.statement(child, feeder) or feeder
                last = feeder
            else:
                last = self.statement(part) or last
        return last

    def error(self, node: TsNode) -> SimpleCommand | None:
        """A region tree-sitter could not parse: its intact statements, and a command made
        of a dangling ``command_name`` and the words after it (``then echo x`` of a line
        cut out of an ``if``)."""
        last: SimpleCommand | None = None
        words: list[Word] = []
        begin: TsNode | None = None
        finish: TsNode | None = None

        def flush() -> None:
            nonlocal words, begin, last
            argv = _strip_reserved(tuple(words))
            if begin is not None and argv and finish is not None:
                start = argv[0].start
                _, end = self.span(finish)
                program, env = unwrap(argv)
                made = SimpleCommand(
                    argv, env, start, end, self.text[start:end], None, None, None, program
                )
                self.out.append(made)
                last = made
            words, begin = [], None

        for child in node.children:
            if child.type == "command_name":
                flush()
                begin = finish = child
                words.append(self.word(child))
            elif begin is not None and child.is_named and child.type in _WORDISH:
                words.append(self.word(child))
                finish = child
            else:
                flush()
                if child.is_named:
                    last = self.statement(child) or last
        flush()
        return last

    # -- words -------------------------------------------------------------------------------

    def assignment(self, node: TsNode) -> tuple[tuple[str, Word], Word]:
        """``(name, value word)`` of ``NAME=value``, and the whole ``NAME=value`` as a word."""
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        start, end = self.span(node)
        name = self.slice(name_node) if name_node is not None else ""
        value = self.word(value_node) if value_node is not None else Word("", "", end, end)
        prefix = self.text[start : value.start if value_node is not None else end]
        whole = Word(
            self.text[start:end],
            prefix + value.value,
            start,
            end,
            value.literal,
            value.variables,
            value.expressions,
            value.substitutions,
        )
        return (name, value), whole

    def heredoc(self, node: TsNode) -> Word:
        start, end = self.span(node)
        variables: list[str] = []
        substitutions: list[SimpleCommand] = []
        literal = self._collect(node, variables, substitutions, False)
        expressions = self._expressions(start, end)
        text = self.text[start:end]
        return Word(
            text,
            text,
            start,
            end,
            literal and not expressions,
            tuple(dict.fromkeys(variables)),
            expressions,
            tuple(substitutions),
        )

    def word(self, node: TsNode) -> Word:
        start, end = self.span(node)
        variables: list[str] = []
        substitutions: list[SimpleCommand] = []
        literal = self._collect(node, variables, substitutions, False)
        expressions = self._expressions(start, end)
        return Word(
            self.text[start:end],
            self.value(node),
            start,
            end,
            literal and not expressions,
            tuple(dict.fromkeys(variables)),
            expressions,
            tuple(sorted(substitutions, key=lambda c: c.start)),
        )

    def _expressions(self, start: int, end: int) -> tuple[str, ...]:
        return tuple(self.text[s:e] for s, e in self.masks if s < end and e > start)

    def _collect(
        self,
        node: TsNode,
        variables: list[str],
        substitutions: list[SimpleCommand],
        expanding: bool,
    ) -> bool:
        """Gather the variables read and commands run inside a word; False if it expands."""
        kind = node.type
        if kind in _SUBSTITUTIONS:
            mark = len(self.out)
            for child in node.named_children:
                self.statement(child)
            substitutions.extend(self.out[mark:])
            return False
        if kind in _VARIABLE and expanding:
            variables.append(self.slice(node))
            return False
        literal = kind not in _EXPANSIONS
        expanding = expanding or not literal
        for child in node.named_children:
            if not self._collect(child, variables, substitutions, expanding):
                literal = False
        return literal

    def value(self, node: TsNode) -> str:
        """The word with quotes and escapes removed, expansions kept as written."""
        kind = node.type
        raw = self.slice(node)
        if kind == "raw_string":
            return raw[1:-1] if len(raw) >= 2 and raw.endswith("'") else raw[1:]
        if kind == "ansi_c_string":
            inner = raw[2:-1] if len(raw) >= 3 and raw.endswith("'") else raw[2:]
            return _ANSI.sub(_ansi_escape, inner)
        if kind == "word":
            return _UNQUOTED_ESCAPE.sub(r"\1", raw).replace("\\\n", "") if "\\" in raw else raw
        if kind == "string_content":
            return _DQ_ESCAPE.sub(_dq_escape, raw) if "\\" in raw else raw
        if kind in _EXPANSIONS or kind in _SUBSTITUTIONS or node.child_count == 0:
            return raw
        children = node.children
        if kind == "string":
            children = [c for c in children if c.type != '"']
        out: list[str] = []
        at = self.pos(node.start_byte)
        if kind == "string" and raw.startswith('"'):
            at += 1
        for child in children:
            start, end = self.span(child)
            if start > at:
                gap = self.text[at:start]
                out.append(_DQ_ESCAPE.sub(_dq_escape, gap) if kind == "string" else gap)
            out.append(self.value(child))
            at = max(at, end)
        tail_end = self.pos(node.end_byte) - (1 if kind == "string" and raw.endswith('"') else 0)
        if tail_end > at:
            gap = self.text[at:tail_end]
            out.append(_DQ_ESCAPE.sub(_dq_escape, gap) if kind == "string" else gap)
        return "".join(out)


#: Named nodes that can be a word of a command (for commands rebuilt from an ERROR region).
_WORDISH = frozenset({
    "word", "string", "raw_string", "ansi_c_string", "concatenation", "number",
    "simple_expansion", "expansion", "command_substitution", "translated_string",
    "arithmetic_expansion",
})


#: Words that open or close a compound command: a line cut out of one (``then x``,
#: ``do x``, ``a) x ;;``) starts with them where tree-sitter expected a command name.
_RESERVED = frozenset({
    "if", "then", "elif", "else", "fi", "do", "done", "while", "until", "case", "esac",
    "{", "}", "!", "in", "select",
})


def _strip_reserved(argv: tuple[Word, ...]) -> tuple[Word, ...]:
    """``argv`` without the reserved words and case pattern (``a)``) leading it."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word.text in _RESERVED:
            i += 1
        elif i + 1 < len(argv) and argv[i + 1].text == ")" and argv[i].literal:
            i += 2
        elif (
            word.text.endswith(")") and "(" not in word.text and word.literal
            and i + 1 < len(argv)
        ):
            i += 1
        else:
            break
    return argv[i:] if i else argv


def _dq_escape(match: re.Match[str]) -> str:
    ch = match.group(1)
    return "" if ch == "\n" else ch


def _ansi_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    head = code[0]
    if head in "xuU" and len(code) > 1:
        try:
            return chr(int(code[1:], 16))
        except (ValueError, OverflowError):
            return match.group(0)
    if head.isdigit():
        return chr(int(code, 8) & 0xFF)
    if head == "c" and len(code) == 2:
        return chr(ord(code[1]) & 0x1F)
    return _ANSI_SIMPLE.get(code, match.group(0))
