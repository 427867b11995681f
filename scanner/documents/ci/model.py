"""The CI model every CI system loads into: a pipeline of jobs, of steps, of commands.

CI rules ask "which step calls this action with a key", "which command publishes with a stored
token", "can this job mint an OIDC token instead": questions that are the same on GitHub,
GitLab, CircleCI, Azure Pipelines, Bitbucket and Jenkins. Each system's loader (``github.py``
today) builds these classes from its own syntax, so a rule written against them covers every
system that has a loader, and no rule re-walks a YAML shape.

The classes hold the YAML nodes they came from, so a rule reports on a node and the engine
turns it into an exact position. They are built once per file and never changed after the
loader returns (the back references ``Step.job`` and ``Job.pipeline`` are set by the loader).
Commands are split from scripts only when a rule asks for them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from scanner.documents import yaml as y
from scanner.documents.text import TextDocument
from scanner.documents.yaml import Node, YamlDocument

if TYPE_CHECKING:
    from scanner.documents.shell import SimpleCommand


class ValueKind(enum.Enum):
    """Where a configured value comes from, which decides how bad a credential in it is."""

    #: A constant written in the file: a credential here is readable by anyone with the repo.
    LITERAL = "literal"
    #: Read from the platform's secret store (``${{ secrets.X }}``): stored, long-lived.
    SECRET = "secret"  # noqa: S105 - the name of a value kind, not a password
    #: Computed at run time from anything else (``${{ vars.X }}``, a step output, ``$VAR``).
    EXPRESSION = "expression"
    #: Not a plain scalar: a mapping, a list or a tagged node.
    OTHER = "other"


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    """One ``key: value`` of an inputs or env mapping, with both nodes for reporting.

    ``refs`` names what the value's expressions read, in the system's own spelling
    (``secrets.AWS_KEY``, ``github.token``, ``vars.ROLE``), so a rule can tell a stored secret
    from the job's own ephemeral token without parsing expressions itself.
    """

    key: str
    key_node: Node
    value_node: Node
    kind: ValueKind = ValueKind.OTHER
    refs: tuple[str, ...] = ()

    @property
    def value(self) -> str | None:
        """The scalar text, or None for a mapping, a list or a tagged node."""
        return y.scalar(self.value_node)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Names of the stored secrets the value reads (``AWS_KEY`` of ``secrets.AWS_KEY``)."""
        return tuple(r.split(".", 1)[1] for r in self.refs if r.startswith("secrets."))


@dataclass(frozen=True, slots=True)
class Federation:
    """Whether a job can mint an OIDC token for keyless cloud access, and why.

    ``oidc`` is None where the file cannot say (a composite action runs with its caller's
    permissions). ``node`` is the setting that decided it, when there is one, for related
    locations; ``how`` is the system's switch, for messages ("add `permissions: id-token:
    write`").
    """

    oidc: bool | None
    reason: str
    how: str
    node: Node | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Command:
    """One logical shell command of a script: a line, with ``\\`` continuations and heredoc
    bodies joined, comments and blank lines left out.

    ``node`` covers the whole command in the file (a synthetic node with exact marks, even
    inside a ``run: |`` block), so rules report it like any other node; ``target(start, end)``
    narrows that to a slice of ``text``, such as one flag's value.
    """

    text: str
    node: Node
    step: Step = field(repr=False)
    #: ``(offset in text, line, column)``, 0-based, sorted: where each run of text starts.
    marks: tuple[tuple[int, int, int], ...] = field(repr=False, default=())
    #: ``[start, end)`` ranges of ``text`` the CI system substitutes before the shell runs,
    #: when the splitter knows them exactly (make's ``$(VAR)`` beside the shell's ``$$(cmd)``);
    #: None lets ``Script.expression`` find them.
    interpolations: tuple[tuple[int, int], ...] | None = field(repr=False, default=None)
    _simple: list[tuple[SimpleCommand, ...]] = field(init=False, repr=False, default_factory=list)

    @property
    def line(self) -> int:
        """1-based line of the command's first character."""
        return int(self.node.start_mark.line) + 1

    def simple(self) -> tuple[SimpleCommand, ...]:
        """The shell's simple commands in ``text`` (``scanner.documents.shell``), parsed once;
        word offsets are into ``text``, for ``target``."""
        if not self._simple:
            from scanner.documents.shell import is_shell, parse

            script = self.step.script
            if script is not None and not is_shell(script.shell):
                self._simple.append(())  # ``shell: python``: not shell text
                return ()
            expression = script.expression if script is not None else None
            found = self.interpolations if self.interpolations is not None else expression
            self._simple.append(parse(self.text, found))
        return self._simple[0]

    def target(self, start: int, end: int) -> Node:
        """A node covering ``text[start:end]``, to report on part of the command."""
        end = max(start + 1, min(end, len(self.text)))
        begin = self._position(start)
        finish = self._position(end - 1, after=True)
        return span_node(self.text[start:end], begin, finish)

    def _position(self, offset: int, *, after: bool = False) -> tuple[int, int]:
        if not self.marks:
            mark = self.node.start_mark
            return int(mark.line), int(mark.column)
        best = self.marks[0]
        for m in self.marks:
            if m[0] > offset:
                break
            best = m
        line, column = best[1], best[2] + max(0, offset - best[0])
        return line, column + (1 if after else 0)


@dataclass(frozen=True, slots=True, eq=False)
class Script:
    """The shell text of a step (``run:``, ``script:`` lines): its nodes, split on demand."""

    nodes: tuple[Node, ...]
    shell: str | None
    splitter: Callable[[Script, Step], tuple[Command, ...]] = field(repr=False)
    #: The CI system's own interpolation inside script text, which runs before the shell
    #: sees the script (GitHub ``${{ }}``, Azure ``$(NAME)`` macros, Groovy ``${...}``):
    #: the shell parser reads each match as one opaque word part, never as shell syntax.
    expression: re.Pattern[str] | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        return "\n".join(y.scalar(n) or "" for n in self.nodes)


@dataclass(frozen=True, slots=True, eq=False)
class Step:
    """One unit of work in a job: a call of a reusable action (GitHub action, CircleCI orb
    command, Azure task, Bitbucket pipe) with its inputs, or a script, with its env.
    """

    node: Node
    job_id: str
    index: int
    name: str | None
    uses: str | None
    uses_node: Node | None
    with_: dict[str, Entry]
    env: dict[str, Entry]
    script: Script | None
    #: Secrets a call of a reusable workflow passes on (GitHub job-level ``secrets:``), by
    #: the name the called workflow declares; ``secrets_inherit`` is the ``secrets: inherit``
    #: node, which passes every secret of the caller.
    secrets: dict[str, Entry] = field(default_factory=dict)
    secrets_inherit: Node | None = None
    job: Job = field(init=False, repr=False)
    _commands: list[tuple[Command, ...]] = field(init=False, repr=False, default_factory=list)

    @property
    def run(self) -> str | None:
        return self.script.text if self.script is not None else None

    @property
    def run_node(self) -> Node | None:
        return self.script.nodes[0] if self.script is not None and self.script.nodes else None

    def action(self) -> str | None:
        """``owner/repo`` (plus sub-path) of ``uses``, lower-cased, without ``@ref`` (or a
        Bitbucket pipe's ``:version``; ``docker://image:tag`` keeps its tag)."""
        if self.uses is None:
            return None
        name = self.uses.split("@", 1)[0].strip().lower()
        if "://" not in name and ":" in name.rsplit("/", 1)[-1]:
            name = name.rsplit(":", 1)[0]
        return name

    def commands(self) -> tuple[Command, ...]:
        """The script's commands, split once, the first time a rule asks."""
        if self.script is None:
            return ()
        if not self._commands:
            self._commands.append(self.script.splitter(self.script, self))
        return self._commands[0]

    def scoped_env(self) -> dict[str, Entry]:
        """The env this step runs with: pipeline, then job, then step (innermost wins)."""
        job = self.job
        return {**job.pipeline.env, **job.env, **self.env}


@dataclass(frozen=True, slots=True, eq=False)
class Job:
    """A job: steps on one runner, with its env, permissions, environment and federation."""

    job_id: str
    node: Node
    env: dict[str, Entry]
    permissions: Node | None
    steps: tuple[Step, ...]
    federation: Federation
    #: The deployment environment the job is bound to (``environment:``), if any.
    environment: str | None = None
    environment_node: Node | None = None
    #: Env of the job's container (GitHub ``container.env``), which the steps do not see.
    container_env: Mapping[str, Entry] = field(default_factory=dict)
    #: Secret-store groups the job is given (CircleCI workflow ``context:``), by name.
    contexts: tuple[str, ...] = ()
    pipeline: Pipeline = field(init=False, repr=False)


@dataclass(frozen=True, slots=True, eq=False)
class Pipeline:
    """One CI configuration file: its triggers, top-level env and permissions, and jobs.

    ``system`` names the CI system (``github``), so a rule can name that system's federation
    option in its message; ``kind`` says what the file is within it (``workflow``, ``action``).
    """

    system: str
    kind: str
    #: The file's document: YAML for the YAML systems, text for Jenkinsfiles and scripts.
    doc: YamlDocument | TextDocument
    root: Node | None
    env: dict[str, Entry]
    permissions: Node | None
    triggers: dict[str, Node]
    jobs: tuple[Job, ...]
    #: Derived facts computed on first use (the file's source lines), shared by its steps.
    cache: dict[str, object] = field(default_factory=dict, init=False, repr=False)

    def steps(self) -> Iterator[Step]:
        for job in self.jobs:
            yield from job.steps

    def commands(self) -> Iterator[Command]:
        for step in self.steps():
            yield from step.commands()


def link(pipeline: Pipeline) -> Pipeline:
    """Set the back references (``Job.pipeline``, ``Step.job``) once the tree is built."""
    for job in pipeline.jobs:
        object.__setattr__(job, "pipeline", pipeline)
        for step in job.steps:
            object.__setattr__(step, "job", job)
    return pipeline


def span_node(text: str, start: tuple[int, int], end: tuple[int, int]) -> Node:
    """A node with 0-based ``(line, column)`` marks: a reportable target inside a scalar."""
    begin = yaml.Mark("", 0, start[0], start[1], None, 0)
    finish = yaml.Mark("", 0, end[0], end[1], None, 0)
    return y.ScalarNode("tag:yaml.org,2002:str", text, begin, finish)
