"""Typed views of CI configurations over composed YAML, so CI rules read jobs and steps.

A rule asks for ``steps()`` and gets each step's ``uses``, ``with`` and ``env`` with their nodes,
instead of re-walking the YAML shape of every CI system itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.documents import yaml as y
from scanner.documents.yaml import Node, YamlDocument


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``key: value`` of a mapping, with both nodes for reporting."""

    key: str
    key_node: Node
    value_node: Node

    @property
    def value(self) -> str | None:
        return y.scalar(self.value_node)


def _entries(node: Node | None) -> dict[str, Entry]:
    return {k: Entry(k, kn, vn) for k, kn, vn in y.items(node)}


@dataclass(frozen=True, slots=True)
class Step:
    """A GitHub Actions step (or composite-action step)."""

    node: Node
    job_id: str
    uses: str | None
    uses_node: Node | None
    with_: dict[str, Entry]
    env: dict[str, Entry]
    run: str | None
    run_node: Node | None

    def action(self) -> str | None:
        """``owner/repo`` (plus sub-path) of ``uses``, lower-cased, without ``@ref``."""
        if self.uses is None:
            return None
        return self.uses.split("@", 1)[0].strip().lower()


@dataclass(frozen=True, slots=True)
class Job:
    job_id: str
    node: Node
    env: dict[str, Entry]
    permissions: Node | None
    steps: tuple[Step, ...]


class GithubWorkflow:
    """A workflow file (``jobs:``) or an action metadata file (``runs.steps``)."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        root = doc.roots[0] if doc.roots else None
        self.root = root
        self.env = _entries(y.get(root, "env"))
        self.permissions = y.get(root, "permissions")
        jobs: list[Job] = []
        for job_id, _, job_node in y.items(y.get(root, "jobs")):
            steps = tuple(_steps(job_id, y.get(job_node, "steps")))
            jobs.append(
                Job(
                    job_id,
                    job_node,
                    _entries(y.get(job_node, "env")),
                    y.get(job_node, "permissions"),
                    steps,
                )
            )
        runs = y.get(root, "runs")
        composite = y.get(runs, "steps")
        if runs is not None and composite is not None:
            jobs.append(Job("(composite action)", runs, {}, None, tuple(_steps("", composite))))
        self.jobs: tuple[Job, ...] = tuple(jobs)

    def steps(self) -> Iterator[Step]:
        for job in self.jobs:
            yield from job.steps


def _steps(job_id: str, steps_node: Node | None) -> Iterator[Step]:
    for step in y.elements(steps_node):
        if not isinstance(step, y.MappingNode):
            continue
        uses_node = y.get(step, "uses")
        run_node = y.get(step, "run")
        yield Step(
            node=step,
            job_id=job_id,
            uses=y.scalar(uses_node),
            uses_node=uses_node,
            with_=_entries(y.get(step, "with")),
            env=_entries(y.get(step, "env")),
            run=y.scalar(run_node),
            run_node=run_node,
        )
