"""GitHub Actions loaded into the CI model: workflows (``jobs:``) and composite actions
(``runs.steps``).

Everything GitHub-specific about reading a file is here: where jobs, steps and env sit, that
``${{ }}`` is the only interpolation in a value, and how ``permissions:`` decides whether a
job may request an OIDC token. Rules see only the model.
"""

from __future__ import annotations

import re

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

COMPOSITE_JOB = "(composite action)"
_HOW = "grant `permissions: id-token: write` to this job"
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
#: A context property read inside an expression: ``secrets.X``, ``secrets['X']``, ``github.token``.
_REF = re.compile(
    r"\b(secrets|vars|github|env|inputs|steps|needs|matrix|jobs|runner|strategy)"
    r"(?:\.([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])"
)


def classify(node: Node | None) -> tuple[ValueKind, tuple[str, ...]]:
    """A value's kind and the context properties its ``${{ }}`` expressions read."""
    text = y.scalar(node)
    if text is None:
        return ValueKind.OTHER, ()
    if "${{" not in text:
        return ValueKind.LITERAL, ()
    refs: list[str] = []
    for expression in _EXPRESSION.finditer(text):
        for m in _REF.finditer(expression.group(1)):
            ref = f"{m.group(1)}.{m.group(2) or m.group(3)}"
            if ref not in refs:
                refs.append(ref)
    if any(r.startswith("secrets.") for r in refs):
        return ValueKind.SECRET, tuple(refs)
    return ValueKind.EXPRESSION, tuple(refs)


def entries(node: Node | None) -> dict[str, Entry]:
    """A mapping of inputs or env, each value classified."""
    out = {}
    for key, key_node, value_node in y.items(node):
        kind, refs = classify(value_node)
        out[key] = Entry(key, key_node, value_node, kind, refs)
    return out


class GithubWorkflow(Pipeline):
    """The pipeline of a workflow file or an action metadata file (``action.yml``).

    Constructed from the composed YAML, as the engine has always done; it is a ``Pipeline``,
    so rules written against the model read it directly.
    """

    __slots__ = ()

    def __init__(self, doc: YamlDocument) -> None:
        root = doc.roots[0] if doc.roots else None
        permissions = y.get(root, "permissions")
        shell = _default_shell(root)
        jobs: list[Job] = []
        for job_id, _, job_node in y.items(y.get(root, "jobs")):
            jobs.append(_job(job_id, job_node, permissions, _default_shell(job_node) or shell))
        runs = y.get(root, "runs")
        composite = y.get(runs, "steps")
        is_action = runs is not None
        if runs is not None and composite is not None:
            federation = Federation(
                None,
                "a composite action runs with the permissions of the workflow that calls it",
                _HOW,
            )
            steps = _steps(COMPOSITE_JOB, composite, None)
            jobs.append(Job(COMPOSITE_JOB, runs, {}, None, steps, federation))
        super().__init__(
            system="github",
            kind="action" if is_action else "workflow",
            doc=doc,
            root=root,
            env=entries(y.get(root, "env")),
            permissions=permissions,
            triggers=_triggers(y.get(root, "on")),
            jobs=tuple(jobs),
        )
        link(self)


def load(doc: YamlDocument) -> Pipeline:
    """The loader row for GitHub Actions files."""
    return GithubWorkflow(doc)


def _job(job_id: str, node: Node, workflow_permissions: Node | None, shell: str | None) -> Job:
    permissions = y.get(node, "permissions")
    environment_node = y.get(node, "environment")
    environment = y.scalar(environment_node)
    if environment is None:
        environment = y.scalar(y.get(environment_node, "name"))
    return Job(
        job_id=job_id,
        node=node,
        env=entries(y.get(node, "env")),
        permissions=permissions,
        steps=_call(job_id, node) or _steps(job_id, y.get(node, "steps"), shell),
        federation=federation(permissions, workflow_permissions),
        environment=environment,
        environment_node=environment_node,
        container_env=entries(y.get(y.get(node, "container"), "env")),
    )


def _call(job_id: str, node: Node) -> tuple[Step, ...]:
    """A job that calls a reusable workflow (job-level ``uses:``) as its one step: ``uses``
    is the workflow reference, ``with_`` its inputs, ``secrets`` what it is handed, so the
    rules that read steps see what the call passes on."""
    uses_node = y.get(node, "uses")
    uses = y.scalar(uses_node)
    if uses is None or not uses.strip():
        return ()
    secrets_node = y.get(node, "secrets")
    inherit = y.scalar(secrets_node)
    call = Step(
        node=node,
        job_id=job_id,
        index=0,
        name=y.scalar(y.get(node, "name")),
        uses=uses,
        uses_node=uses_node,
        with_=entries(y.get(node, "with")),
        env={},
        script=None,
        secrets=entries(secrets_node),
        secrets_inherit=(
            secrets_node if inherit is not None and inherit.strip() == "inherit" else None
        ),
    )
    return (call,)


def _steps(job_id: str, steps_node: Node | None, shell: str | None) -> tuple[Step, ...]:
    out = []
    for index, step in enumerate(y.elements(steps_node)):
        if not isinstance(step, y.MappingNode):
            continue
        uses_node = y.get(step, "uses")
        run_node = y.get(step, "run")
        script = None
        if run_node is not None:
            script = Script(
                (run_node,),
                y.scalar(y.get(step, "shell")) or shell,
                split_commands,
                expression=_EXPRESSION,
            )
        out.append(
            Step(
                node=step,
                job_id=job_id,
                index=index,
                name=y.scalar(y.get(step, "name")),
                uses=y.scalar(uses_node),
                uses_node=uses_node,
                with_=entries(y.get(step, "with")),
                env=entries(y.get(step, "env")),
                script=script,
            )
        )
    return tuple(out)


def federation(job: Node | None, workflow: Node | None) -> Federation:
    """Whether a job's token may request an OIDC token: job ``permissions:`` replace the
    workflow's; without either, the default token has no ``id-token`` access."""
    source, where = (job, "job") if job is not None else (workflow, "workflow")
    if source is None:
        return Federation(
            False,
            "no `permissions:` at job or workflow level, and the default has no `id-token: write`",
            _HOW,
        )
    text = y.scalar(source)
    if text is not None:
        if text.strip() == "write-all":
            return Federation(True, f"`permissions: write-all` at {where} level", _HOW, source)
        return Federation(
            False,
            f"`permissions: {text.strip()}` at {where} level has no `id-token: write`",
            _HOW,
            source,
        )
    granted = y.scalar(y.get(source, "id-token"))
    if granted is not None and granted.strip() == "write":
        return Federation(
            True,
            f"`id-token: write` in the {where}'s permissions",
            _HOW,
            y.get_key(source, "id-token"),
        )
    replaced = " (they replace the workflow's)" if where == "job" and workflow is not None else ""
    return Federation(
        False,
        f"the {where}'s `permissions:`{replaced} do not grant `id-token: write`",
        _HOW,
        source,
    )


def _triggers(node: Node | None) -> dict[str, Node]:
    text = y.scalar(node)
    if text is not None and node is not None:
        return {text: node}
    if isinstance(node, y.SequenceNode):
        return {str(e.value): e for e in node.value if y.scalar(e) is not None}
    return {key: key_node for key, key_node, _ in y.items(node)}


def _default_shell(node: Node | None) -> str | None:
    return y.scalar(y.get(y.get(y.get(node, "defaults"), "run"), "shell"))
