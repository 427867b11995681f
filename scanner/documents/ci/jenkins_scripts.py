"""Groovy strings turned into what the CI model holds: a ``sh`` step's commands with exact
marks and GString interpolations, and the refs a GString value reads.

Split from ``jenkins.py`` (which walks the tree) because it is the part that knows how a
decoded string maps back to the file: ``scripts.py`` groups the lines into commands, this
module hands it the position of every decoded character.
"""

from __future__ import annotations

import re

import scanner.documents.ci.scripts as scripts
from scanner.documents.ci.groovy import GroovyString
from scanner.documents.ci.model import Command, Script, Step

_REF = re.compile(r"\b(env|params|currentBuild)\.([A-Za-z_]\w*)")
_BARE = re.compile(r"\$\{?\s*([A-Za-z_]\w*)\s*\}?\Z")


def refs(decoded: GroovyString) -> tuple[str, ...]:
    """What a GString's interpolations read, in Jenkins' spelling (``env.X``, ``params.X``)."""
    refs: list[str] = []
    for text in decoded.expressions():
        found = [f"{m.group(1)}.{m.group(2)}" for m in _REF.finditer(text)]
        bare = _BARE.match(text)
        if not found and bare is not None:
            found = [f"env.{bare.group(1)}"]
        for ref in found:
            if ref not in refs:
                refs.append(ref)
    return tuple(refs)


def expression(decoded: GroovyString) -> re.Pattern[str] | None:
    """A pattern matching exactly this GString's interpolations, longest first, so an escaped
    ``\\$X`` (a shell variable once Groovy is done) is left to the shell."""
    texts = sorted(set(decoded.expressions()), key=len, reverse=True)
    if not texts:
        return None
    parts = [re.escape(t) + (r"(?![\w])" if not t.startswith("${") else "") for t in texts]
    return re.compile("|".join(parts))


def split(
    positions: tuple[tuple[int, int], ...],
    interpolations: tuple[tuple[int, int], ...],
    script: Script,
    step: Step,
) -> tuple[Command, ...]:
    """The commands of a decoded Groovy string, each character at its place in the file, with
    the GString interpolations as exact ``Command.interpolations``."""
    continuation = "`" if (script.shell or "").startswith(("pwsh", "powershell")) else "\\"
    out: list[Command] = []
    for node in script.nodes:
        value = str(node.value)
        for pieces in scripts._logical(value, continuation):
            command = scripts._command(pieces, list(positions), node, step)
            out.append(
                Command(
                    command.text,
                    command.node,
                    step,
                    command.marks,
                    _in_command(pieces, interpolations),
                )
            )
    return tuple(out)


def _in_command(
    pieces: list[tuple[int, int, str]], interpolations: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    """The interpolations that fall in a command, as offsets in its text (pieces are joined
    as ``scripts._command`` joins them)."""
    where: dict[int, int] = {}
    length = 0
    for begin, finish, joiner in pieces:
        length += len(joiner)
        for k in range(begin, finish):
            where[k] = length
            length += 1
    out = []
    for start, end in interpolations:
        if start in where and end - 1 in where:
            out.append((where[start], where[end - 1] + 1))
    return tuple(out)
