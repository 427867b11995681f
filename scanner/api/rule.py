"""The rule contract: metadata, examples, base classes and ``report()``.

A rule never computes a column, reads a file or prints: it hands the node (or text span) it
found to ``report()``, with the raw value only so the engine can fingerprint and redact it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from scanner.config import Thresholds
from scanner.filekinds import ALL_KINDS, FileKind
from scanner.findings import Category, Lifetime, Precision, Severity
from scanner.project import ProjectFacts
from scanner.rulemeta import OWASP_IDS, RuleMeta

if TYPE_CHECKING:
    from scanner.secrets import Pattern
if TYPE_CHECKING:  # the parsers load when a file needs them, not when a rule is defined
    from scanner.api.python_rule import PythonRule
    from scanner.documents.ci import Command, Job, Pipeline, Step
    from scanner.documents.hcl import HclDocument
    from scanner.documents.iac import Resource
    from scanner.documents.python import PythonDocument
    from scanner.documents.text import TextDocument
    from scanner.documents.yaml import YamlDocument

__all__ = [
    "ALL_KINDS",
    "OWASP_IDS",
    "Category",
    "CiRule",
    "FileKind",
    "IacRule",
    "Invalid",
    "Lifetime",
    "Precision",
    "PythonRule",
    "Report",
    "Rule",
    "RuleContext",
    "RuleMeta",
    "Severity",
    "TextRule",
    "Valid",
    "YamlRule",
]


def __getattr__(name: str) -> object:
    """``PythonRule`` subclasses LibCST's visitor, so it is defined (and LibCST imported) on
    first use: a scan that runs no Python rule never imports LibCST."""
    if name == "PythonRule":
        from scanner.api.python_rule import PythonRule

        return PythonRule
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class Valid:
    """An example that must give no finding from its rule."""

    code: str
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Invalid:
    """An example that must fire on exactly the lines marked ``expect: <rule id>``.

    Formats without comments (JSON) list the lines in ``lines`` instead.
    """

    code: str
    path: str | None = None
    lines: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule may know beyond the file: thresholds and allowlists from the config."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    placeholder_words: tuple[str, ...] = ()
    #: Compiled with RE2 (``compile_allowlist``): linear time on a repository's values.
    allowlist: tuple[Pattern, ...] = ()
    #: Scan time as a Unix timestamp: expiries (`se=`, `exp`) are measured from it.
    now: float = field(default_factory=time.time)
    #: What other files of the tree say (local modules, federated ServiceAccounts): read it
    #: through ``scanner.api.iac_crossfile``.
    project: ProjectFacts = field(default_factory=ProjectFacts)

    def is_placeholder(self, value: str) -> bool:
        """A value that is clearly not a real credential (catalogue 0.4) or allowlisted."""
        if any(p.search(value) for p in self.allowlist):
            return True
        from scanner.secrets import is_placeholder

        return is_placeholder(value, self.placeholder_words)


Target = object  # a LibCST node, a YAML node, a tree-sitter node or a text Span


@dataclass(frozen=True, slots=True)
class Report:
    """What a rule said about one place; the engine turns it into a ``Finding``."""

    target: Target
    message: str
    lifetime: Lifetime
    value: str | None = None
    severity: Severity | None = None
    related: tuple[tuple[Target, str], ...] = ()
    secrets: tuple[str, ...] = ()
    fix: str | None = None


class Rule:
    """Base of every rule. Subclass one of the kind-specific bases below, not this."""

    META: ClassVar[RuleMeta]
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()
    #: The document this rule reads, a key of ``scanner.documents.BUILDERS``: ``text``,
    #: ``python``, ``yaml``, ``ci`` (the CI model) or ``iac``. The engine builds it once per file
    #: for all the rules that name it, and never for a file no selected rule needs it on.
    DOCUMENT: ClassVar[str] = "text"

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.reports: list[Report] = []

    def report(
        self,
        target: Target,
        message: str,
        *,
        lifetime: Lifetime,
        value: str | None = None,
        severity: Severity | None = None,
        related: Sequence[tuple[Target, str]] = (),
        secrets: Sequence[str] = (),
        fix: str | None = None,
    ) -> None:
        """Record a finding on ``target``.

        ``value`` is the matched credential or the flagged expression: it is fingerprinted and
        redacted, never printed. ``secrets`` lists further values to redact from snippets (a
        secret key next to an access key id). ``severity`` overrides the rule's default.
        """
        self.reports.append(
            Report(
                target=target,
                message=message,
                lifetime=lifetime,
                value=value,
                severity=severity,
                related=tuple(related),
                secrets=tuple(secrets),
                fix=fix,
            )
        )


class TextRule(Rule):
    """Runs on the raw text of every file of its kinds (all text files by default)."""

    DOCUMENT = "text"

    def check(self, doc: TextDocument) -> None:
        raise NotImplementedError


class YamlRule(Rule):
    """Runs on the composed YAML (or JSON) of files of its kinds."""

    DOCUMENT = "yaml"

    def check(self, doc: YamlDocument) -> None:
        raise NotImplementedError


class CiRule(Rule):
    """Runs on the CI model (``documents/ci``), whatever the CI system: override the hooks at
    the level the rule reasons about.

    For each CI file the base calls ``check_pipeline`` once, then, in file order, ``check_job``
    per job, ``check_step`` per step of that job and ``check_command`` per command of that
    step's script. Scripts are split into commands only for a rule that overrides
    ``check_command``.
    """

    DOCUMENT = "ci"
    #: Lower-case words one of which a command's text must contain for ``check_command`` to see
    #: it (``("login",)``); empty: every command. A script with none of them is not even split
    #: into commands, so a rule about ``docker login`` pays for no shell parse elsewhere.
    COMMAND_WORDS: ClassVar[tuple[str, ...]] = ()

    def check_ci(self, pipeline: Pipeline) -> None:
        """Walk one pipeline of any CI system through the hooks."""
        cls = type(self)
        commands = cls.check_command is not CiRule.check_command
        words = cls.COMMAND_WORDS
        self.check_pipeline(pipeline)
        for job in pipeline.jobs:
            self.check_job(job)
            for step in job.steps:
                self.check_step(step)
                if not commands or step.script is None:
                    continue
                if words and not _mentions(step.script.text, words):
                    continue
                for command in step.commands():
                    if not words or _mentions(command.text, words):
                        self.check_command(command)

    def check_pipeline(self, pipeline: Pipeline) -> None:
        """The whole file: triggers, top-level env and permissions."""

    def check_job(self, job: Job) -> None:
        """One job: its env, permissions, environment and ``federation``."""

    def check_step(self, step: Step) -> None:
        """One step: the action it uses with its inputs, its env, its script."""

    def check_command(self, command: Command) -> None:
        """One logical shell command of a step's script, with its exact span."""


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


class IacRule(Rule):
    """Runs on declared resources of every IaC front end, through ``check_resource``.

    A rule lists the canonical types it wants in ``RESOURCE_TYPES`` (``documents/iac/types.py``)
    and gets each such resource, whether Terraform, ``.tf.json``, CloudFormation or Ansible
    declared it (Pulumi and CDK programs in Python too). ``check_hcl``, ``check_yaml`` and
    ``check_python`` are what the engine calls per parsed file; they
    load the resources with the front ends' loaders and hand on the wanted ones. A rule that needs
    what the model does not hold (provider blocks) overrides them and calls ``super()``.
    """

    DOCUMENT = "iac"
    #: Canonical resource types this rule is given; empty gives it none.
    RESOURCE_TYPES: ClassVar[frozenset[str]] = frozenset()

    def check_resource(self, resource: Resource) -> None:
        """One declared resource of a type in ``RESOURCE_TYPES``."""

    def check_hcl(self, doc: HclDocument) -> None:
        """A ``.tf`` or ``.tfvars`` file."""
        if self.RESOURCE_TYPES:
            from scanner.documents.iac import load_hcl

            self._check_resources(load_hcl(doc))

    def check_yaml(self, doc: YamlDocument) -> None:
        """A CloudFormation template (YAML or JSON), a ``.tf.json`` file or Ansible YAML."""
        if self.RESOURCE_TYPES:
            from scanner.documents.iac import load_yaml

            self._check_resources(load_yaml(doc))

    def check_python(self, doc: PythonDocument) -> None:
        """A Pulumi program or CDK app in Python (only files that import ``pulumi_*`` or
        ``aws_cdk`` get here)."""
        if self.RESOURCE_TYPES:
            from scanner.documents.iac import load_python

            self._check_resources(load_python(doc))

    def _check_resources(self, resources: Sequence[Resource]) -> None:
        for resource in resources:
            if resource.type in self.RESOURCE_TYPES:
                self.check_resource(resource)
