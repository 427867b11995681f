"""A Dockerfile as instructions with exact positions: the document LLC-DCK rules read.

Each instruction keeps its keyword, its ``--flags`` (``--from=build``, ``--chown``,
``--mount=type=secret``), its argument text with line continuations joined and its heredoc
bodies, plus marks that map every offset of that text back to the file, so a finding on one
``ENV`` value or one ``COPY`` source points at that word. ``RUN`` text is what the CI loader
(``documents/ci/docker.py``) hands to the shared shell document, so ``RUN docker login -p $X``
reaches the same command rules as a CI step.

Why a hand parser and not ``tree-sitter-dockerfile`` (0.2.0 on PyPI, an abi3 manylinux wheel
of 50 kB; measured in ``bench/dockerfile_parsers.py``): the grammar has no ``# escape=``
directive, so a Windows Dockerfile with `` ` `` continuations is an error from its first
continued line on; it fails on the legacy ``ENV NAME value with spaces`` form, which Docker
still accepts; and it gave a tree with errors on 111 of 219 real Dockerfiles (docker-library's
``RUN`` continuation lines that start with ``[ -z ... ]`` read as an exec-form array), where
the hand parser read all 2,620 instructions. Docker's own syntax is line-based and small
(directives, comments, continuations, ``--flags``, JSON exec form, heredocs), and the shell
inside ``RUN`` goes to tree-sitter-bash anyway. It costs 16 to 56 us per instruction, noise
next to the shell parse.

The reader never raises: an unknown or malformed instruction is kept as written and skipped
by the rules.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from scanner.documents.yaml import Node, ScalarNode

_DIRECTIVE = re.compile(r"^#[ \t]*([A-Za-z][\w-]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
_INSTRUCTION = re.compile(r"^[ \t]*([A-Za-z]+)(?=[ \t]|$)[ \t]*")
_BREAK = re.compile(r"\r\n|\r|\n")
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][\w.-]*)\2")
_FLAG = re.compile(r"--([A-Za-z][\w-]*)(?:=(\S*))?")
#: Instructions whose arguments may open heredocs (BuildKit's Dockerfile 1.4 syntax).
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A ``<<NAME`` body: its delimiter, the body text (lines between the marker line and
    the delimiter line) and the file offset where the body starts."""

    name: str
    body: str
    start: int
    strip_tabs: bool
    #: File offset just past the delimiter line's text.
    end: int


@dataclass(frozen=True, slots=True)
class DWord:
    """One whitespace-separated argument: its value (quotes and escapes removed) and its
    ``[start, end)`` in the instruction's ``text``."""

    value: str
    start: int
    end: int
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Pair:
    """``NAME=value`` of ``ENV``/``ARG``/``LABEL`` (``value`` None: an ``ARG`` without default)."""

    name: str
    name_start: int
    name_end: int
    value: str | None
    value_start: int
    value_end: int
    #: The value contains ``$NAME`` / ``${NAME}``: Docker substitutes it at build time.
    reference: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Instruction:
    """One instruction. ``text`` is its argument text after the keyword (continuations joined
    as Docker joins them: the escape and line break removed); ``pieces`` are the
    ``(file start, file end, joiner)`` runs of the file that make up ``text``; ``args`` is
    where the arguments start in ``text`` once the ``--flags`` are read."""

    keyword: str
    line: int
    start: int
    end: int
    text: str
    pieces: tuple[tuple[int, int, str], ...]
    flags: tuple[tuple[str, str | None, int, int], ...]
    args: int
    heredocs: tuple[Heredoc, ...]
    stage: int
    doc: Dockerfile = field(repr=False)

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` (``""`` for a bare ``--name``), or None."""
        for flag, value, _, _ in self.flags:
            if flag == name:
                return value if value is not None else ""
        return None

    def flag_values(self, name: str) -> list[str]:
        return [v or "" for f, v, _, _ in self.flags if f == name]

    @property
    def arguments(self) -> str:
        return self.text[self.args :]

    def words(self) -> tuple[DWord, ...]:
        """The arguments split as Docker splits them (quotes group, the escape escapes)."""
        return tuple(_split(self.text, self.args, self.doc.escape))

    def exec_form(self) -> list[tuple[str, int, int]] | None:
        """The JSON array of ``RUN ["a", "b"]``, ``CMD [...]``: each string with its ``[start,
        end)`` in ``text`` (inside the quotes); None for the shell form."""
        return _exec_form(self.text, self.args)

    def pairs(self) -> tuple[Pair, ...]:
        """``ENV``/``ARG``/``LABEL`` pairs, in both ``ENV`` syntaxes (``A=1 B="x y"`` and
        the legacy ``ENV A value with spaces``)."""
        return tuple(_pairs(self))

    def node(self) -> Node:
        """The whole instruction in the file."""
        return self.doc.node(self.start, self.end)

    def keyword_node(self) -> Node:
        return self.doc.node(self.start, self.start + len(self.keyword))

    def target(self, start: int, end: int) -> Node:
        """A node covering ``text[start:end]``."""
        end = max(start + 1, min(end, len(self.text)))
        return span_node(
            self.text[start:end],
            self.doc.at(self.file_offset(start)),
            self.doc.at(self.file_offset(end - 1) + 1),
        )

    def file_offset(self, offset: int) -> int:
        """The file offset of ``text[offset]``."""
        size = 0
        best = self.start
        for begin, finish, joiner in self.pieces:
            size += len(joiner)
            if offset < size:
                return begin
            if offset < size + (finish - begin):
                return begin + (offset - size)
            size += finish - begin
            best = finish
        return best


@dataclass(frozen=True, slots=True)
class Stage:
    """A ``FROM`` and what follows it up to the next ``FROM``."""

    index: int
    image: str
    alias: str | None
    instruction: Instruction | None


class Dockerfile:
    """The parsed file. ``instructions`` are in file order; ``stages`` one per ``FROM``
    (instructions before the first ``FROM``, global ``ARG``s, are stage -1)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._starts = [0, *(m.end() for m in _BREAK.finditer(text))]
        self.directives: dict[str, str] = {}
        self.escape = "\\"
        self.instructions: tuple[Instruction, ...] = ()
        self.stages: tuple[Stage, ...] = ()
        self._parse()

    def at(self, offset: int) -> tuple[int, int]:
        """0-based ``(line, column)`` of a file offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def node(self, start: int, end: int) -> Node:
        return span_node(self.text[start:end], self.at(start), self.at(max(start, end)))

    def of(self, *keywords: str) -> Iterator[Instruction]:
        for instruction in self.instructions:
            if instruction.keyword in keywords:
                yield instruction

    def stage_of(self, instruction: Instruction) -> Stage | None:
        for stage in self.stages:
            if stage.index == instruction.stage:
                return stage
        return None

    def _parse(self) -> None:
        lines: list[tuple[int, str]] = []
        offset = 0
        for match in _BREAK.finditer(self.text + "\n"):
            lines.append((offset, self.text[offset : match.start()]))
            offset = match.end()
            if offset >= len(self.text):
                break
        i = 0
        # Parser directives: `# name=value` lines at the very top, before anything else.
        while i < len(lines):
            directive = _DIRECTIVE.match(lines[i][1].strip())
            if directive is None:
                break
            self.directives[directive.group(1).lower()] = directive.group(2)
            i += 1
        if self.directives.get("escape") == "`":
            self.escape = "`"
        out: list[Instruction] = []
        stages: list[Stage] = []
        stage = -1
        while i < len(lines):
            start, raw = lines[i]
            i += 1
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            head = _INSTRUCTION.match(raw)
            if head is None:
                continue  # not an instruction: Docker fails the build; we skip the line
            keyword = head.group(1).upper()
            pieces: list[tuple[int, int, str]] = []
            begin = start + head.end()
            body, more = self._continued(raw[head.end() :])
            pieces.append((begin, begin + len(body), ""))
            end = begin + len(body)
            while more and i < len(lines):
                start, raw = lines[i]
                i += 1
                if not raw.strip() or raw.lstrip().startswith("#"):
                    continue  # comments and blank lines inside a continued instruction
                body, more = self._continued(raw)
                pieces.append((start, start + len(body), ""))
                end = start + len(body)
            text = "".join(self.text[b:e] for b, e, _ in pieces)
            heredocs: list[Heredoc] = []
            if keyword in _HEREDOC_INSTRUCTIONS and "<<" in text:
                for marker in _HEREDOC.finditer(text):
                    doc, i = _heredoc(
                        self.text, lines, i, marker.group(3), bool(marker.group(1))
                    )
                    if doc is not None:
                        heredocs.append(doc)
                        end = max(end, doc.end)
            flags, args = _flags(text)
            if keyword == "FROM":
                stage += 1
            first = pieces[0][0] - (head.end() - head.start(1))
            instruction = Instruction(
                keyword,
                self.at(first)[0] + 1,
                first,
                end,
                text,
                tuple(pieces),
                tuple(flags),
                args,
                tuple(heredocs),
                stage,
                self,
            )
            out.append(instruction)
            if keyword == "FROM":
                words = [w.value for w in instruction.words()]
                alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
                stages.append(Stage(stage, words[0] if words else "", alias, instruction))
        self.instructions = tuple(out)
        self.stages = tuple(stages)

    def _continued(self, raw: str) -> tuple[str, bool]:
        """A physical line's text and whether it continues (ends with the escape)."""
        body = raw.rstrip()
        if body.endswith(self.escape) and not body.endswith(self.escape * 2):
            return body[: -len(self.escape)], True
        return raw.rstrip("\r"), False


def _heredoc(
    text: str, lines: list[tuple[int, str]], i: int, name: str, strip_tabs: bool
) -> tuple[Heredoc | None, int]:
    """The body of ``<<name`` starting at physical line ``i``, and the line after it."""
    if i >= len(lines):
        return None, i
    first = lines[i][0]
    for j in range(i, len(lines)):
        start, raw = lines[j]
        content = raw.lstrip("\t") if strip_tabs else raw
        if content.rstrip("\r") == name:
            body = "" if j == i else _slice(text, lines, i, j)
            return Heredoc(name, body, first, strip_tabs, start + len(raw)), j + 1
    body = _slice(text, lines, i, len(lines))
    end = lines[-1][0] + len(lines[-1][1])
    return Heredoc(name, body, first, strip_tabs, end), len(lines)


def _slice(text: str, lines: list[tuple[int, str]], i: int, j: int) -> str:
    """Physical lines ``i`` to ``j`` (exclusive) as the file has them, so that offsets into
    the body plus ``Heredoc.start`` are file offsets."""
    return text[lines[i][0] : lines[j - 1][0] + len(lines[j - 1][1])]


def _flags(text: str) -> tuple[list[tuple[str, str | None, int, int]], int]:
    """Leading ``--name[=value]`` flags of an instruction, and where its arguments start."""
    out: list[tuple[str, str | None, int, int]] = []
    k = len(text) - len(text.lstrip())
    while text.startswith("--", k):
        match = _FLAG.match(text, k)
        if match is None:
            break
        out.append((match.group(1).lower(), match.group(2), match.start(), match.end()))
        k = match.end()
        while k < len(text) and text[k] in " \t":
            k += 1
    return out, k


def _split(text: str, start: int, escape: str) -> Iterator[DWord]:
    k = start
    n = len(text)
    while k < n:
        while k < n and text[k] in " \t\r\n":
            k += 1
        if k >= n:
            return
        begin = k
        value: list[str] = []
        quote: str | None = None
        quoted = False
        while k < n:
            ch = text[k]
            if quote is None and ch in " \t\r\n":
                break
            if ch == escape and k + 1 < n and quote != "'":
                value.append(text[k + 1])
                k += 2
                continue
            if quote is None and ch in "'\"":
                quote, quoted = ch, True
            elif ch == quote:
                quote = None
            else:
                value.append(ch)
            k += 1
        yield DWord("".join(value), begin, k, quoted)


def _exec_form(text: str, start: int) -> list[tuple[str, int, int]] | None:
    rest = text[start:].strip()
    if not rest.startswith("[") or not rest.endswith("]"):
        return None
    try:
        values = json.loads(rest)
    except ValueError:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    out: list[tuple[str, int, int]] = []
    k = text.index("[", start) + 1
    for value in values:
        quote = text.find('"', k)
        if quote < 0:
            return None
        close = quote + 1
        while close < len(text) and text[close] != '"':
            close += 2 if text[close] == "\\" else 1
        out.append((value, quote + 1, close))
        k = close + 1
    return out


_REFERENCE = re.compile(r"\$(?:\{[A-Za-z_]\w*|[A-Za-z_])")


def _pairs(instruction: Instruction) -> Iterator[Pair]:
    words = instruction.words()
    if not words:
        return
    text = instruction.text
    if instruction.keyword == "ENV" and "=" not in text[words[0].start : words[0].end]:
        # Legacy `ENV NAME value with spaces`: the rest of the line is the value.
        first, rest = words[0], words[1:]
        if not rest:
            return
        raw = text[rest[0].start : rest[-1].end]
        yield Pair(
            first.value,
            first.start,
            first.end,
            " ".join(w.value for w in rest),
            rest[0].start,
            rest[-1].end,
            bool(_REFERENCE.search(raw)),
        )
        return
    for word in words:
        raw = text[word.start : word.end]
        eq = raw.find("=")
        if eq <= 0:
            if instruction.keyword == "ARG":
                yield Pair(word.value, word.start, word.end, None, word.end, word.end)
            continue
        name = raw[:eq].strip("\"'")
        value = word.value[len(name) + 1 :] if word.value.startswith(name + "=") else ""
        yield Pair(
            name,
            word.start,
            word.start + eq,
            value,
            word.start + eq + 1,
            word.end,
            bool(_REFERENCE.search(raw[eq + 1 :])),
        )


def span_node(text: str, start: tuple[int, int], end: tuple[int, int]) -> Node:
    """A node with 0-based ``(line, column)`` marks, as the CI model's ``span_node`` (not
    imported from there: ``documents/ci`` imports this module)."""
    begin = yaml.Mark("", 0, start[0], start[1], None, 0)
    finish = yaml.Mark("", 0, end[0], end[1], None, 0)
    return ScalarNode("tag:yaml.org,2002:str", text, begin, finish)


def parse(path: str, text: str) -> Dockerfile:
    """The Dockerfile at ``path`` (never raises)."""
    return Dockerfile(path, text)
