"""Bitbucket Pipelines ``bitbucket-pipelines.yml`` loaded into the CI model.

Bitbucket's shape is read here: the ``pipelines:`` sections (``default``, ``branches``,
``tags``, ``pull-requests``, ``bookmarks``, ``custom``), each a list of ``step:``,
``parallel:`` and ``stage:`` items, steps shared through ``definitions:`` anchors (``*deploy``)
and merges (``<<: *deploy``), and a step's ``script:`` and ``after-script:`` items: shell
lines, or ``pipe:`` calls whose ``variables:`` are the pipe's inputs.

Each Bitbucket step runs in its own container and asks for its own OIDC token (``oidc:
true`` gives it ``$BITBUCKET_STEP_OIDC_TOKEN``), so each step is one ``Job`` of the model,
and its script lines and pipes are that job's steps. A step that several sections reuse
through one anchor is loaded once: it is the same text, with the same federation.
"""

from __future__ import annotations

import re

import scanner.documents.ci.merged as m
from scanner.documents import yaml as y
from scanner.documents.ci.model import (
    Entry,
    Federation,
    Job,
    Pipeline,
    Script,
    Step,
    ValueKind,
    link,
)
from scanner.documents.ci.scripts import split_commands
from scanner.documents.yaml import Node, YamlDocument

_ENV_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
#: Sections of ``pipelines:`` that map a branch, tag or name pattern to a list of items.
_PATTERNED = ("branches", "tags", "pull-requests", "bookmarks", "custom")
_HOW = (
    "add `oidc: true` to the step and assume a role that trusts Bitbucket's OIDC provider "
    "(`AWS_OIDC_ROLE_ARN` for the atlassian/aws-* pipes; `AWS_ROLE_ARN` and "
    "`AWS_WEB_IDENTITY_TOKEN_FILE` holding `$BITBUCKET_STEP_OIDC_TOKEN` for the AWS CLI)"
)
_TRUE = ("true", "yes", "on")


def classify(node: Node | None) -> tuple[ValueKind, tuple[str, ...]]:
    """A value's kind and the variables it reads (``env.NAME`` for ``$NAME``: repository,
    workspace and deployment variables, secured or not, all reach a step by name)."""
    text = y.scalar(node)
    if text is None:
        return ValueKind.OTHER, ()
    refs = tuple(dict.fromkeys(f"env.{r.group(1)}" for r in _ENV_REF.finditer(text)))
    if refs:
        return ValueKind.EXPRESSION, refs
    return ValueKind.LITERAL, ()


def entries(node: Node | None) -> dict[str, Entry]:
    """A pipe's ``variables:``, each value classified."""
    out: dict[str, Entry] = {}
    for key, key_node, value_node in m.items(node):
        kind, refs = classify(value_node)
        out[key] = Entry(key, key_node, value_node, kind, refs)
    return out


def federation(step: Node) -> Federation:
    """A step can request an OIDC token only with ``oidc: true`` on that step."""
    node = m.get(step, "oidc")
    text = (y.scalar(node) or "").strip().lower()
    if node is not None and text in _TRUE:
        return Federation(True, "`oidc: true` on the step", _HOW, m.get_key(step, "oidc"))
    if node is not None:
        return Federation(False, f"`oidc: {text}` on the step", _HOW, m.get_key(step, "oidc"))
    return Federation(False, "the step has no `oidc: true`", _HOW)


def _script_steps(job_id: str, items: list[Node], start: int) -> list[Step]:
    """Runs of shell lines become one script step each; each ``pipe:`` is a step of its own."""
    out: list[Step] = []
    lines: list[Node] = []

    def flush() -> None:
        if lines:
            script = Script(tuple(lines), None, split_commands)
            out.append(_step(job_id, start + len(out), lines[0], script=script))
            lines.clear()

    for item in items:
        if y.scalar(item) is not None:
            lines.append(item)
            continue
        pipe = m.get(item, "pipe")
        if y.scalar(pipe) is None:
            continue
        flush()
        out.append(
            _step(
                job_id,
                start + len(out),
                item,
                uses=pipe,
                with_=entries(m.get(item, "variables")),
            )
        )
    flush()
    return out


def _step(
    job_id: str,
    index: int,
    node: Node,
    *,
    script: Script | None = None,
    uses: Node | None = None,
    with_: dict[str, Entry] | None = None,
) -> Step:
    return Step(
        node=node,
        job_id=job_id,
        index=index,
        name=None,
        uses=y.scalar(uses),
        uses_node=uses,
        with_=with_ or {},
        env={},
        script=script,
    )


def _job(job_id: str, step: Node) -> Job:
    main = _script_steps(job_id, list(y.elements(m.get(step, "script"))), 0)
    after = _script_steps(job_id, list(y.elements(m.get(step, "after-script"))), len(main))
    deployment = m.get(step, "deployment")
    return Job(
        job_id=job_id,
        node=step,
        env={},
        permissions=None,
        steps=(*main, *after),
        federation=federation(step),
        environment=y.scalar(deployment),
        environment_node=deployment,
    )


class _Walk:
    """The steps of every section, in file order, each step node once."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self._seen: set[int] = set()

    def items(self, label: str, node: Node | None) -> None:
        for item in y.elements(node):
            for key, _, value in m.items(item):
                if key == "step":
                    self.step(label, value)
                elif key == "parallel":
                    inner = m.get(value, "steps") if isinstance(value, y.MappingNode) else value
                    self.items(label, inner)
                elif key == "stage":
                    self.items(label, m.get(value, "steps"))

    def step(self, label: str, node: Node) -> None:
        if not isinstance(node, y.MappingNode) or id(node) in self._seen:
            return
        self._seen.add(id(node))
        name = y.scalar(m.get(node, "name"))
        number = sum(1 for j in self.jobs if j.job_id.startswith(f"{label}/")) + 1
        self.jobs.append(_job(f"{label}/{name or f'step {number}'}", node))


def load(doc: YamlDocument) -> Pipeline | None:
    """The loader row for ``bitbucket-pipelines.yml``: None when the file is not a mapping."""
    root = doc.roots[0] if doc.roots else None
    if not isinstance(root, y.MappingNode):
        return None
    sections = m.get(root, "pipelines")
    walk = _Walk()
    triggers: dict[str, Node] = {}
    for section, key_node, value in m.items(sections):
        if section in _PATTERNED:
            for pattern, pattern_node, items in m.items(value):
                label = f"{section}.{pattern}"
                triggers[label] = pattern_node
                walk.items(label, items)
        else:
            triggers[section] = key_node
            walk.items(section, value)
    return link(
        Pipeline(
            system="bitbucket",
            kind="pipelines",
            doc=doc,
            root=root,
            env={},
            permissions=None,
            triggers=triggers,
            jobs=tuple(walk.jobs),
        )
    )
