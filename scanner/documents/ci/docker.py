"""Dockerfiles as pipelines, so every CI command rule reads their ``RUN`` instructions too.

A ``RUN docker login -p $X`` or ``RUN aws configure set aws_secret_access_key ...`` is the same
command as in a CI step, and worse: the build runs it into an image layer. Loading a Dockerfile
into the CI model (``system="docker"``, a system of its own: a build is not a CI job, has no
OIDC switch, and messages must not name a CI system's fix) lets ``check_command`` rules cover it
with no code of their own. Each build stage (``FROM``) is a job; each ``RUN`` a step whose env
is what that ``RUN`` sees: the stage's ``ENV`` and ``ARG``-with-default values written so far
(literal unless they read ``$OTHER``), and the ``ENV`` of the stage it builds ``FROM``. An
``ARG`` without a default is a ``--build-arg`` from outside, like a secret-store value, so it
is not in the env and the command rules read ``$NAME`` as supplied from outside.

Commands: the shell form is one command (continuations joined, ``--mount``/``--network``
flags left out); a bare ``RUN <<EOF`` heredoc is a script, one command per logical line of its
body; ``RUN cmd <<EOF`` keeps the heredoc fed to ``cmd``; the exec form ``RUN ["a", "b"]`` is
written as the shell line ``a b`` with each word at its place in the JSON array.
"""

from __future__ import annotations

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
from scanner.documents.dockerfile import Dockerfile, Instruction, Pair
from scanner.documents.text import TextDocument
from scanner.documents.yaml import Node

FEDERATION = Federation(
    None,
    "a Dockerfile build runs with the build arguments and secrets its caller passes; "
    "the file cannot say whether that caller federates",
    "pass credentials as BuildKit secrets (`RUN --mount=type=secret,id=...`), never as "
    "`ARG`/`ENV`, and let the running container use its platform's workload identity",
)
#: The key of the parsed Dockerfile in ``Pipeline.cache``.
CACHE_KEY = "dockerfile"
_PLAIN = re.compile(r"^[\w@%+=:,./-]+$")
_REF = re.compile(r"\$\{?([A-Za-z_]\w*)")
_SHEBANG = re.compile(r"\A#!\s*(\S+)(?:\s+(\S+))?")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})

Group = list[tuple[int, int, str]]


def load(doc: TextDocument) -> Pipeline | None:
    """The loader row for ``FileKind.DOCKERFILE``."""
    dockerfile = Dockerfile(doc.path, doc.text)
    return pipeline_of(doc, dockerfile)


def dockerfile_of(pipeline: Pipeline) -> Dockerfile | None:
    """The parsed Dockerfile behind a ``docker`` pipeline (for the LLC-DCK rules)."""
    found = pipeline.cache.get(CACHE_KEY)
    return found if isinstance(found, Dockerfile) else None


def pipeline_of(doc: TextDocument, dockerfile: Dockerfile) -> Pipeline | None:
    if not dockerfile.instructions:
        return None
    jobs: list[Job] = []
    finals: dict[str, dict[str, Entry]] = {}
    for stage in dockerfile.stages:
        env: dict[str, Entry] = {}
        envs: dict[str, Entry] = {}  # ENV only: what a later `FROM <this stage>` inherits
        if stage.image.lower() in finals:
            env.update(finals[stage.image.lower()])
            envs.update(finals[stage.image.lower()])
        shell = "/bin/sh -c"
        job_id = stage.alias or f"stage {stage.index}"
        steps: list[Step] = []
        for instruction in dockerfile.instructions:
            if instruction.stage != stage.index or instruction.keyword == "FROM":
                continue
            if instruction.keyword in ("ENV", "ARG"):
                for pair in instruction.pairs():
                    if pair.value is not None:
                        env[pair.name] = _entry(instruction, pair)
                        if instruction.keyword == "ENV":
                            envs[pair.name] = env[pair.name]
                    elif instruction.keyword == "ARG":
                        env.pop(pair.name, None)
            elif instruction.keyword == "SHELL":
                words = instruction.exec_form()
                if words:
                    shell = " ".join(w for w, _, _ in words)
            elif instruction.keyword == "RUN":
                steps.append(_step(instruction, job_id, len(steps), dict(env), shell))
        if stage.alias:
            finals[stage.alias.lower()] = envs
        node = stage.instruction.node() if stage.instruction is not None else doc_node(doc)
        jobs.append(Job(job_id, node, {}, None, tuple(steps), FEDERATION))
    if not jobs:
        return None
    pipeline = link(Pipeline("docker", "dockerfile", doc, None, {}, None, {}, tuple(jobs)))
    pipeline.cache[CACHE_KEY] = dockerfile
    return pipeline


def doc_node(doc: TextDocument) -> Node:
    return span_node(doc.text[:0], (0, 0), (0, 0))


def _entry(instruction: Instruction, pair: Pair) -> Entry:
    key = instruction.target(pair.name_start, pair.name_end)
    where = instruction.target(pair.value_start, max(pair.value_end, pair.value_start + 1))
    value = span_node(
        pair.value or "",
        (int(where.start_mark.line), int(where.start_mark.column)),
        (int(where.end_mark.line), int(where.end_mark.column)),
    )
    refs = tuple(_REF.findall(instruction.text[pair.value_start : pair.value_end]))
    kind = ValueKind.EXPRESSION if pair.reference else ValueKind.LITERAL
    return Entry(pair.name, key, value, kind, refs)


def _step(
    instruction: Instruction, job_id: str, index: int, env: dict[str, Entry], shell: str
) -> Step:
    node = instruction.node()

    def split(script: Script, step: Step) -> tuple[Command, ...]:
        return tuple(_commands(instruction, step))

    script = Script((node,), shell, split)
    name = f"RUN (line {instruction.line})"
    return Step(node, job_id, index, name, None, None, {}, env, script)


def _commands(instruction: Instruction, step: Step) -> list[Command]:
    doc = instruction.doc
    words = instruction.exec_form()
    if words is not None:
        return [_exec_command(instruction, words, step)]
    group = _tail(instruction, instruction.args)
    rest = _HEREDOC_MARKERS.sub("", instruction.arguments).strip()
    if instruction.heredocs and not rest:
        out: list[Command] = []
        for heredoc in instruction.heredocs:
            shebang = _SHEBANG.match(heredoc.body)
            if shebang is not None and not _is_shell(shebang):
                continue  # `#!/usr/bin/env python3`: not shell text
            for pieces in _logical(heredoc.body, "\\"):
                out.append(_command(doc, [(heredoc.start + b, heredoc.start + e, j)
                                          for b, e, j in pieces], step))
        return out
    for heredoc in instruction.heredocs:
        group.append((heredoc.start, heredoc.end, "\n"))
    if not group or not "".join(doc.text[b:e] for b, e, _ in group).strip():
        return []
    return [_command(doc, group, step)]


_HEREDOC_MARKERS = re.compile(r"<<-?([\"']?)[A-Za-z_][\w.-]*\1")


def _is_shell(shebang: re.Match[str]) -> bool:
    program = shebang.group(1).rsplit("/", 1)[-1]
    if program == "env" and shebang.group(2):
        program = shebang.group(2).rsplit("/", 1)[-1]
    return program in _SHELLS


def _tail(instruction: Instruction, offset: int) -> Group:
    """The file pieces of ``instruction.text[offset:]``."""
    out: Group = []
    size = 0
    for begin, finish, joiner in instruction.pieces:
        size += len(joiner)
        length = finish - begin
        if size + length <= offset:
            size += length
            continue
        skip = max(0, offset - size)
        out.append((begin + skip, finish, joiner if out else ""))
        size += length
    return out


def _command(doc: Dockerfile, group: Group, step: Step) -> Command:
    """One command of the file pieces in ``group``, with a mark where each piece starts."""
    text = ""
    marks: list[tuple[int, int, int]] = []
    for begin, end, joiner in group:
        text += joiner
        marks.append((len(text), *doc.at(begin)))
        text += doc.text[begin:end]
    first, last = group[0][0], group[-1][1]
    node = span_node(text, doc.at(first), doc.at(max(first, last)))
    return Command(text, node, step, tuple(marks))


def _exec_command(
    instruction: Instruction, words: list[tuple[str, int, int]], step: Step
) -> Command:
    """``RUN ["a", "b c"]`` as the shell line ``a 'b c'``, each word marked at its place."""
    text = ""
    marks: list[tuple[int, int, int]] = []
    for value, start, _ in words:
        if text:
            text += " "
        if _PLAIN.match(value):
            marks.append((len(text), *instruction.doc.at(instruction.file_offset(start))))
            text += value
        else:
            text += "'"
            marks.append((len(text), *instruction.doc.at(instruction.file_offset(start))))
            text += value.replace("'", "'\\''") + "'"
    node = instruction.node()
    return Command(text, node, step, tuple(marks))
