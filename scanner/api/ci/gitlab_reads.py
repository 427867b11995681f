"""Shell variables a GitLab job's scripts read, with the exact span of each ``$NAME``.

GitLab never expands ``$VAR`` in a script: the shell does, so a read is a shell word's
variable (``scanner.documents.shell``), which leaves out single-quoted text and comments. The
GitLab rules ask which credential variables a job reads and which it sets itself first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.api import Command, Job, SimpleCommand, Word, yamlnodes


@dataclass(frozen=True, slots=True)
class Read:
    """``$name`` read at ``text[start:end]`` of ``command``."""

    name: str
    command: Command
    start: int
    end: int
    #: For ``NAME=$OTHER``: the value as written, which the job copies into ``name``.
    copied_from: str | None = None

    def node(self) -> yamlnodes.Node:
        return self.command.target(self.start, self.end)

    @property
    def key(self) -> tuple[int, int]:
        """Where it is in the file, to report a line shared by several jobs once."""
        mark = self.node().start_mark
        return int(mark.line), int(mark.column)


@dataclass(frozen=True, slots=True)
class Assignment:
    """``name=value`` (prefix, ``env``, ``export``): ``computed`` when the value is a
    command's output or a constant, so the job makes the value itself."""

    name: str
    word: Word
    computed: bool


def words(command: SimpleCommand) -> Iterator[Word]:
    """Every word the shell expands: argv, prefix assignments not among them, a heredoc."""
    spans = [(w.start, w.end) for w in command.words]
    yield from command.words
    for _, word in command.assignments:
        if not any(start <= word.start < end for start, end in spans):
            yield word
    if command.heredoc_word is not None:
        yield command.heredoc_word


def reads(command: Command, simple: SimpleCommand) -> Iterator[Read]:
    """The variables ``simple`` reads, in order, each with the span of its ``$`` form."""
    for word in words(simple):
        text = command.text[word.start : word.end]
        for name in dict.fromkeys(word.variables):
            pattern = r"\$\{?[#!]?" + re.escape(name) + r"(?![A-Za-z0-9_])\}?"
            for m in re.finditer(pattern, text):
                yield Read(name, command, word.start + m.start(), word.start + m.end())


def assignments(simple: SimpleCommand) -> Iterator[Assignment]:
    for name, word in simple.assignments:
        computed = bool(word.substitutions) or word.literal or not word.variables
        yield Assignment(name, word, computed)


def job_commands(job: Job) -> Iterator[tuple[Command, SimpleCommand]]:
    """Each simple command of the job's scripts, in the order the runner runs them."""
    for step in job.steps:
        for command in step.commands():
            for simple in command.simple():
                yield command, simple


@dataclass(frozen=True, slots=True)
class _Mark:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Place:
    """A reportable span with YAML-style 0-based marks."""

    start_mark: _Mark
    end_mark: _Mark


_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def source_lines(text: str) -> list[str]:
    """The file's lines as YAML counts them (its marks' line numbers)."""
    return _BREAK.split(text)


def place_in_scalar(
    lines: list[str], node: yamlnodes.Node, start: int, end: int
) -> yamlnodes.Node | Place:
    """``value[start:end]`` of a scalar node as a span of the file, when the value's line
    holding it appears verbatim in the source (plain, literal-block and escape-free quoted
    scalars); else the whole node."""
    value = yamlnodes.scalar(node) or ""
    head = value.rfind("\n", 0, start) + 1
    tail = value.find("\n", start)
    text = value[head : tail if tail != -1 else len(value)]
    first = int(node.start_mark.line)
    for number in range(first, min(int(node.end_mark.line), len(lines) - 1) + 1):
        source = lines[number]
        from_column = int(node.start_mark.column) if number == first else 0
        column = source.find(text, from_column) if text else -1
        if column != -1 and value.count("\n", 0, head) <= number - first:
            begin = column + (start - head)
            return Place(_Mark(number, begin), _Mark(number, begin + (end - start)))
    return node
