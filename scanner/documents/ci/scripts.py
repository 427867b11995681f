"""Scripts in YAML scalars split into commands that keep their exact place in the file.

Every YAML CI system writes shell as scalars (GitHub ``run: |``, GitLab ``script:`` items,
CircleCI ``run: command:``), so this lives beside the model, not in one loader. The scalar's
value has lost its indentation, folding and quoting; each character is found again in the
source so that a command inside a block scalar reports on its own line and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scanner.documents import yaml as y
from scanner.documents.ci.model import Command, Script, Step, span_node
from scanner.documents.yaml import Node

#: The line breaks YAML itself counts, so line numbers agree with the parser's marks.
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_HEREDOC = re.compile(r"(?<!<)<<(?!<)-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
#: Shells whose line continuation is a backtick rather than a backslash.
_BACKTICK_SHELLS = ("pwsh", "powershell")


def source_lines(text: str) -> list[str]:
    """The file's lines as YAML counts them."""
    return _BREAK.split(text)


def char_positions(lines: Sequence[str], node: Node) -> list[tuple[int, int]] | None:
    """0-based ``(line, column)`` of every character of a scalar's value, or None when the
    value cannot be matched back to the source (an escape such as ``\\x41`` in quotes).

    Block, plain and folded scalars only drop whitespace between the characters they keep,
    so matching each non-space character to the next equal source character is exact.
    """
    value = y.scalar(node)
    if value is None:
        return None
    start, end = node.start_mark, node.end_mark
    end_line, end_column = int(end.line), int(end.column)
    style = getattr(node, "style", None)
    if style in ("|", ">"):
        line, column = int(start.line) + 1, 0
    elif style in ("'", '"'):
        line, column = int(start.line), int(start.column) + 1
    else:
        line, column = int(start.line), int(start.column)
    out: list[tuple[int, int]] = []
    for ch in value:
        if ch.isspace():
            out.append((line, column))
            continue
        while True:
            if line > end_line or (line == end_line and column >= end_column):
                return None
            if line >= len(lines):
                return None
            src = lines[line]
            if column >= len(src):
                line, column = line + 1, 0
                continue
            if src[column] == ch:
                break
            column += 1
        out.append((line, column))
        column += 1
    return out


def split_commands(script: Script, step: Step) -> tuple[Command, ...]:
    """The logical commands of a script, in order, each with its exact span."""
    lines = _lines(step)
    continuation = "`" if (script.shell or "").lower().startswith(_BACKTICK_SHELLS) else "\\"
    out: list[Command] = []
    for node in script.nodes:
        value = y.scalar(node)
        if value is None:
            continue
        positions = char_positions(lines, node)
        for pieces in _logical(value, continuation):
            out.append(_command(pieces, positions, node, step))
    return tuple(out)


def _lines(step: Step) -> list[str]:
    cache = step.job.pipeline.cache
    found = cache.get("lines")
    if not isinstance(found, list):
        found = source_lines(step.job.pipeline.doc.text)
        cache["lines"] = found
    return found


def _logical(value: str, continuation: str) -> list[list[tuple[int, int, str]]]:
    """Groups of ``(offset in value, end offset, joiner)`` pieces, one group per command."""
    physical: list[tuple[int, str]] = []
    offset = 0
    for raw in value.split("\n"):
        physical.append((offset, raw))
        offset += len(raw) + 1
    groups: list[list[tuple[int, int, str]]] = []
    i = 0
    while i < len(physical):
        start, raw = physical[i]
        i += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        group: list[tuple[int, int, str]] = []
        while True:
            lead = len(raw) - len(raw.lstrip())
            body = raw.rstrip()
            joined = body.endswith(continuation) and i < len(physical)
            if joined:
                body = body[: -len(continuation)].rstrip()
            group.append((start + lead, start + len(body), " " if group else ""))
            heredoc = _HEREDOC.search(body)
            if heredoc is not None:
                delimiter = heredoc.group(2)
                while i < len(physical):
                    start, raw = physical[i]
                    i += 1
                    group.append((start, start + len(raw.rstrip()), "\n"))
                    if raw.strip() == delimiter:
                        break
            if not joined:
                break
            start, raw = physical[i]
            i += 1
        groups.append(group)
    return groups


def _command(
    pieces: list[tuple[int, int, str]],
    positions: list[tuple[int, int]] | None,
    node: Node,
    step: Step,
) -> Command:
    text = ""
    marks: list[tuple[int, int, int]] = []
    first: tuple[int, int] | None = None
    last: tuple[int, int] | None = None
    value = y.scalar(node) or ""
    for begin, finish, joiner in pieces:
        text += joiner
        previous: tuple[int, int] | None = None
        for k in range(begin, finish):
            if positions is not None:
                here = positions[k]
                if previous is None or here != (previous[0], previous[1] + 1):
                    marks.append((len(text), here[0], here[1]))
                previous = here
                if first is None:
                    first = here
                last = here
            text += value[k]
    if first is None or last is None:
        start, end = node.start_mark, node.end_mark
        target = span_node(
            text, (int(start.line), int(start.column)), (int(end.line), int(end.column))
        )
        return Command(text, target, step, ())
    target = span_node(text, first, (last[0], last[1] + 1))
    return Command(text, target, step, tuple(marks))
