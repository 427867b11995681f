"""Shell scripts and Makefiles as pipelines, so every CI command rule reads them too.

A ``deploy.sh`` or a ``make release`` recipe runs the same ``twine upload -p ...`` as a CI
step, often called from one; loading them into the CI model (``system="shell"``) lets
``check_command`` rules cover them with no code of their own. A script is one job with one
step; a Makefile has one job per target with a recipe, its recipe lines the commands.

Commands are split from the file text directly (no YAML scalar to map back), with the same
grouping as ``scripts.py`` (continuations joined, heredoc bodies kept, comments left out), and
keep exact marks. In a recipe, make reads ``$$`` as the shell's ``$`` and expands ``$(VAR)``,
``${VAR}`` and ``$@``-style variables before the shell runs: the command text has ``$`` for
``$$`` (marks keep the positions exact), and the make references are the command's
``interpolations``, one opaque word part each for the shell parser.
"""

from __future__ import annotations

import bisect
import re

from scanner.documents.ci.model import (
    Command,
    Entry,
    Federation,
    Job,
    Pipeline,
    Script,
    Step,
    ValueKind,
    link,
    span_node,
)
from scanner.documents.ci.scripts import _logical
from scanner.documents.text import TextDocument
from scanner.documents.yaml import Node

FEDERATION = Federation(
    None,
    "a script runs with the credentials of whoever runs it; the file cannot say whether "
    "that is a CI job with OIDC federation",
    "run it from a CI job that federates (GitHub `permissions: id-token: write`, GitLab "
    "`id_tokens:`) and let the cloud CLI read the job's short-lived token",
)
#: A make variable reference as the Script's expression, for rules scanning raw recipe text.
#: The commands carry the exact ranges (``Command.interpolations``), which tell ``$(VAR)``
#: from the shell's ``$$(cmd)``.
MAKE_EXPRESSION = re.compile(r"(?<!\$)\$(?:\([^()$]*\)|\{[^{}$]*\}|[@<^+?*%|])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MAKEFILES = ("makefile", "gnumakefile")
_ASSIGN = re.compile(
    r"^(?P<export>(?:(?:export|override|private)\s+)*)"
    r"(?P<name>[A-Za-z_.][\w.-]*)\s*(?P<op>::?=|:::=|\?=|\+=|!=|=)[ \t]*(?P<value>.*)$"
)
_TARGET = re.compile(r"^(?P<targets>[^:#=\t][^:#=]*?)\s*(?P<colons>::?)(?!=)(?P<rest>.*)$")
_DIRECTIVE = re.compile(
    r"^\s*(?:ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|vpath|unexport"
    r"|export|override|undefine)\b"
)

Group = list[tuple[int, int, str]]


def load(doc: TextDocument) -> Pipeline | None:
    """The loader row for ``FileKind.SHELL``: a Makefile by name, else a shell script."""
    base = doc.path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if base in _MAKEFILES or base.endswith(".mk"):
        return _makefile(doc)
    return _script(doc, base)


class _Lines:
    """0-based ``(line, column)`` of file offsets, with the line breaks ``TextDocument``
    counts."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def node(self, text: str, start: int, end: int) -> Node:
        return span_node(text[start:end], self.at(start), self.at(end))


def _script(doc: TextDocument, base: str) -> Pipeline | None:
    text = doc.text
    if not text.strip():
        return None
    lines = _Lines(text)
    node = lines.node(text, 0, len(text))
    groups = _logical(text, "\\")

    def split(script: Script, step: Step) -> tuple[Command, ...]:
        return tuple(_command(text, lines, g, step, make=False) for g in groups)

    step = Step(node, base, 0, None, None, None, {}, {}, Script((node,), "bash", split))
    job = Job(base, node, {}, None, (step,), FEDERATION)
    return link(Pipeline("shell", "script", doc, None, {}, None, {}, (job,)))


def _makefile(doc: TextDocument) -> Pipeline | None:
    text = doc.text
    lines = _Lines(text)
    physical: list[tuple[int, str]] = []
    offset = 0
    for raw in text.split("\n"):
        physical.append((offset, raw.rstrip("\r")))
        offset += len(raw) + 1
    env: dict[str, Entry] = {}
    targets: list[tuple[str, int, int, list[Group]]] = []
    current: tuple[str, int, int, list[Group]] | None = None
    i = 0
    in_define = False
    while i < len(physical):
        start, raw = physical[i]
        i += 1
        if in_define:
            in_define = raw.strip() != "endef"
            continue
        if raw.startswith("\t"):
            group: Group = []
            while True:
                lead = 0
                if not group:
                    lead = len(raw) - len(raw.lstrip("\t @-+"))
                else:
                    lead = len(raw) - len(raw.lstrip())
                end = len(raw.rstrip())
                joined = raw.rstrip().endswith("\\") and i < len(physical)
                if joined:
                    end = len(raw.rstrip()[:-1].rstrip())
                group.append((start + lead, start + max(lead, end), " " if group else ""))
                if not joined:
                    break
                start, raw = physical[i]
                i += 1
            if current is not None:
                first = text[group[0][0] : group[0][1]]
                if first.strip() and not first.lstrip().startswith("#"):
                    current[3].append(group)
                    current = (current[0], current[1], start + len(raw), current[3])
                    targets[-1] = current
            continue
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        # A make line continued with a backslash: read it as one.
        whole = raw
        while whole.rstrip().endswith("\\") and i < len(physical):
            whole = whole.rstrip()[:-1] + " " + physical[i][1].strip()
            i += 1
        if stripped.startswith("define ") or stripped == "define":
            in_define = True
            current = None
            continue
        assignment = _ASSIGN.match(whole)
        if assignment is not None:
            current = None
            if "export" in assignment.group("export").split():
                name = assignment.group("name")
                key_start = start + assignment.start("name")
                value = assignment.group("value").strip()
                value_start = start + assignment.start("value")
                key_node = lines.node(text, key_start, key_start + len(name))
                value_node = span_node(
                    value, lines.at(value_start), lines.at(value_start + len(value))
                )
                kind = ValueKind.EXPRESSION if "$" in value else ValueKind.LITERAL
                env[name] = Entry(name, key_node, value_node, kind)
            continue
        if _DIRECTIVE.match(whole):
            continue  # conditionals inside a rule keep its recipe going
        target = _TARGET.match(whole)
        if target is None:
            current = None
            continue
        names = target.group("targets").strip()
        rest = target.group("rest")
        if "=" in rest.split(";", 1)[0]:
            current = None  # a target-specific variable, not a rule
            continue
        current = (names, start, start + len(raw), [])
        targets.append(current)
        if ";" in rest and "\n" not in rest and whole == raw:
            begin = start + target.start("rest") + rest.index(";") + 1
            finish = start + len(raw.rstrip())
            while begin < finish and text[begin] in " \t@-+":
                begin += 1
            if begin < finish:
                current[3].append([(begin, finish, "")])
    jobs: list[Job] = []
    for names, begin, finish, groups in targets:
        if not groups or (names.startswith(".") and names.upper() == names):
            continue
        jobs.append(_target_job(doc, lines, names, begin, finish, groups))
    if not jobs and not env:
        return None
    return link(Pipeline("shell", "makefile", doc, None, env, None, {}, tuple(jobs)))


def _target_job(
    doc: TextDocument, lines: _Lines, names: str, begin: int, finish: int, groups: list[Group]
) -> Job:
    text = doc.text
    node = lines.node(text, begin, finish)
    recipe = tuple(lines.node(text, g[0][0], g[-1][1]) for g in groups)

    def split(script: Script, step: Step) -> tuple[Command, ...]:
        return tuple(_command(text, lines, g, step, make=True) for g in groups)

    script = Script(recipe, "sh", split, expression=MAKE_EXPRESSION)
    step = Step(node, names, 0, None, None, None, {}, {}, script)
    return Job(names, node, {}, None, (step,), FEDERATION)


def _command(text: str, lines: _Lines, group: Group, step: Step, *, make: bool) -> Command:
    """One command of ``group``'s pieces of ``text``, with a mark wherever the command text
    stops following the file (a joined continuation, a ``$$`` read as ``$``)."""
    out: list[str] = []
    size = 0
    marks: list[tuple[int, int, int]] = []
    interpolations: list[tuple[int, int]] = []
    for begin, end, joiner in group:
        out.append(joiner)
        size += len(joiner)
        marks.append((size, *lines.at(begin)))
        if not make:
            out.append(text[begin:end])
            size += end - begin
            continue
        k = begin
        while k < end:
            ch = text[k]
            if ch != "$" or k + 1 >= end:
                out.append(ch)
                size += 1
                k += 1
                continue
            after = text[k + 1]
            if after == "$":
                out.append("$")
                size += 1
                k += 2
                marks.append((size, *lines.at(k)))
                continue
            close = _reference_end(text, k, end)
            interpolations.append((size, size + close - k))
            out.append(text[k:close])
            size += close - k
            k = close
    command_text = "".join(out)
    first, last = group[0][0], group[-1][1]
    node = span_node(command_text, lines.at(first), lines.at(max(first, last)))
    return Command(
        command_text,
        node,
        step,
        tuple(marks),
        tuple(interpolations) if make else None,
    )


def _reference_end(text: str, k: int, end: int) -> int:
    """The end of the make reference starting with the ``$`` at ``k``: ``$(...)`` and
    ``${...}`` with nesting, else ``$`` and one character (``$@``, ``$X``)."""
    opener = text[k + 1]
    if opener not in "({":
        return k + 2
    closer = ")" if opener == "(" else "}"
    depth = 0
    j = k + 1
    while j < end:
        if text[j] == opener:
            depth += 1
        elif text[j] == closer:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return end
