"""The rule contract: metadata, examples, base classes and ``report()``.

A rule never computes a column, reads a file or prints: it hands the node (or text span) it
found to ``report()``, with the raw value only so the engine can fingerprint and redact it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import ClassVar

import libcst as cst

from scanner.config import Thresholds
from scanner.documents.ci import Command, Job, Pipeline, Step
from scanner.documents.hcl import HclDocument
from scanner.documents.iac import Resource, load_hcl, load_python, load_yaml
from scanner.documents.python import PythonDocument
from scanner.documents.text import TextDocument
from scanner.documents.yaml import YamlDocument
from scanner.filekinds import ALL_KINDS, FileKind
from scanner.findings import Category, Lifetime, Precision, Severity
from scanner.secrets import Pattern, is_placeholder

#: OWASP Non-Human Identities Top 10 (2025) ids a rule may name.
OWASP_IDS = tuple(f"NHI{n}" for n in range(1, 11))
_ID = re.compile(r"^LLC-(PY|FS|SRC|CI|GHA|GLC|CCI|AZP|BBP|JNK|IAC|K8S|DCK|AGT)-\d{3}$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a rule is, independent of any file: the registry validates every field."""

    id: str
    name: str
    summary: str
    category: Category
    severity: Severity
    precision: Precision
    owasp: tuple[str, ...]
    fix: str
    kinds: frozenset[FileKind] = ALL_KINDS
    #: Literal strings (case-insensitive) without which the rule cannot fire on a file.
    #: Empty means "always run" and needs a comment at the rule saying why.
    triggers: tuple[str, ...] = ()
    #: Optional second gate: when set, one of these must occur too. For rules whose import
    #: triggers are common (``requests``, ``lru_cache``) but which can only fire where a
    #: credential word appears, this keeps most files away from LibCST.
    requires: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        """Metadata mistakes, as sentences (checked by the registry and the tests)."""
        out = []
        if not _ID.match(self.id):
            out.append(f"id {self.id!r} is not of the form LLC-FAMILY-NNN")
        if not _NAME.match(self.name):
            out.append(f"name {self.name!r} is not kebab-case")
        if not self.owasp or any(o not in OWASP_IDS for o in self.owasp):
            out.append(f"owasp {self.owasp!r} must be NHI1..NHI10 ids, primary first")
        if len(set(self.owasp)) != len(self.owasp):
            out.append("owasp ids repeat")
        if not self.summary or not self.fix:
            out.append("summary and fix must not be empty")
        if any(t != t.lower() or not t for t in (*self.triggers, *self.requires)):
            out.append("triggers and requires must be non-empty lower-case strings")
        if self.requires and not self.triggers:
            out.append("requires narrows triggers, so it needs triggers")
        if not self.kinds:
            out.append("kinds must not be empty")
        return out

    @property
    def family(self) -> str:
        return self.id.split("-")[1]


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

    def is_placeholder(self, value: str) -> bool:
        """A value that is clearly not a real credential (catalogue 0.4) or allowlisted."""
        if any(p.search(value) for p in self.allowlist):
            return True
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


class PythonRule(Rule, cst.BatchableCSTVisitor):
    """A LibCST visitor; all Python rules of a file share one batched visit."""

    DOCUMENT = "python"

    def __init__(self, context: RuleContext, doc: PythonDocument) -> None:
        Rule.__init__(self, context)
        cst.BatchableCSTVisitor.__init__(self)
        self.doc = doc

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        """LibCST's version runs ``inspect.getmembers`` per instance, that is per rule and per
        file (about 7 ms each); the method names depend only on the class, so cache them."""
        return {name: getattr(self, name) for name in _visitor_names(type(self))}


@cache
def _visitor_names(cls: type) -> tuple[str, ...]:
    names = []
    for name in dir(cls):
        if not name.startswith(("visit_", "leave_")):
            continue
        method = getattr(cls, name)
        if callable(method) and not getattr(method, "_is_no_op", False):
            names.append(name)
    return tuple(names)


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
            self._check_resources(load_hcl(doc))

    def check_yaml(self, doc: YamlDocument) -> None:
        """A CloudFormation template (YAML or JSON), a ``.tf.json`` file or Ansible YAML."""
        if self.RESOURCE_TYPES:
            self._check_resources(load_yaml(doc))

    def check_python(self, doc: PythonDocument) -> None:
        """A Pulumi program or CDK app in Python (only files that import ``pulumi_*`` or
        ``aws_cdk`` get here)."""
        if self.RESOURCE_TYPES:
            self._check_resources(load_python(doc))

    def _check_resources(self, resources: Sequence[Resource]) -> None:
        for resource in resources:
            if resource.type in self.RESOURCE_TYPES:
                self.check_resource(resource)
