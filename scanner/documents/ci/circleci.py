"""CircleCI ``.circleci/config.yml`` loaded into the CI model.

What is CircleCI's own is read here: jobs and their ``steps:`` (``checkout``, ``run``, orb
commands such as ``aws-cli/setup``), reusable ``commands:`` expanded where a job calls them,
with the call's parameters put in place of ``<< parameters.x >>`` in the inputs and env of the
steps they feed (so a key passed at the call site is seen, and reported, at the call site),
executors' and images' ``environment:``, and the contexts workflows give each job. Orb jobs
that a workflow invokes (``aws-ecr/build_and_push_image: {...}``) become one-step jobs, so
their parameters are step inputs like any orb command's.

CircleCI issues every job an OIDC token (``$CIRCLE_OIDC_TOKEN``, ``$CIRCLE_OIDC_TOKEN_V2``):
the documentation used to say "in jobs that use at least one context", and since 2023 says
the tokens are simply available (circleci/circleci-docs#8046; the aws-cli orb removed its
"context required" note in CircleCI-Public/aws-cli-orb#197), so ``Job.federation`` is True
for every job, whatever its contexts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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

#: CircleCI's config interpolation, resolved before the shell runs: ``<< parameters.x >>``,
#: ``<< pipeline.git.branch >>``, ``<< matrix.os >>``, ``<<include(scripts/x.sh)>>``. A
#: heredoc (``cat <<EOF``) never matches: the name must be one of these.
EXPRESSION = re.compile(r"<<\s*(?:(?:parameters|pipeline|matrix)\.[\w.-]+|include\([^)]*\))\s*>>")
_REF = re.compile(r"<<\s*((?:parameters|pipeline|matrix)\.[\w.-]+)\s*>>")
_PARAMETER = re.compile(r"^\s*<<\s*parameters\.([\w-]+)\s*>>\s*$")
_ENV_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
#: Steps CircleCI itself defines (``deploy`` is the deprecated ``run``); any other name is a
#: reusable command or an orb command, and a reusable command may reuse a name of these.
BUILTIN_STEPS = frozenset(
    {
        "checkout",
        "run",
        "deploy",
        "when",
        "unless",
        "setup_remote_docker",
        "save_cache",
        "restore_cache",
        "store_artifacts",
        "store_test_results",
        "persist_to_workspace",
        "attach_workspace",
        "add_ssh_keys",
    }
)
#: Keys of a workflow's job entry that configure the invocation, not the job's parameters.
_INVOCATION_KEYS = frozenset(
    {"context", "requires", "filters", "name", "matrix", "type", "pre-steps", "post-steps"}
)
#: Reusable commands calling reusable commands: deeper than this is a cycle or abuse.
_MAX_EXPANSION = 8
_HOW = (
    "use the OIDC token CircleCI gives every job (`$CIRCLE_OIDC_TOKEN_V2`) with a cloud role "
    "that trusts CircleCI's OIDC provider (for AWS: `role_arn` on the aws-cli orb's `setup`)"
)
FEDERATION = Federation(
    True,
    "CircleCI issues `$CIRCLE_OIDC_TOKEN` and `$CIRCLE_OIDC_TOKEN_V2` to every job "
    "(no context needed since 2023; CircleCI server from v4.4)",
    _HOW,
)

Scope = dict[str, Entry]


def classify(node: Node | None) -> tuple[ValueKind, tuple[str, ...]]:
    """A value's kind and what it reads: ``parameters.x``/``pipeline.x`` for ``<< >>``,
    ``env.NAME`` for a ``$NAME`` the orb or the shell expands (contexts and project settings
    hold CircleCI's stored secrets, and the file reads them only by name)."""
    text = y.scalar(node)
    if text is None:
        return ValueKind.OTHER, ()
    refs = [r.group(1) for r in _REF.finditer(text)]
    refs += [f"env.{r.group(1)}" for r in _ENV_REF.finditer(text)]
    if refs or EXPRESSION.search(text):
        return ValueKind.EXPRESSION, tuple(dict.fromkeys(refs))
    return ValueKind.LITERAL, ()


def entries(node: Node | None, scope: Scope | None = None) -> dict[str, Entry]:
    """A mapping of parameters or env, each value classified.

    A value that is exactly ``<< parameters.x >>`` of a reusable command becomes the entry
    the call gave for ``x`` (its nodes at the call site), or the parameter's default.
    """
    out: dict[str, Entry] = {}
    for key, key_node, value_node in m.items(node):
        text = y.scalar(value_node)
        match = _PARAMETER.match(text) if text is not None and scope else None
        given = scope.get(match.group(1)) if match is not None and scope else None
        if given is not None:
            out[key] = Entry(key, given.key_node, given.value_node, given.kind, given.refs)
            continue
        kind, refs = classify(value_node)
        out[key] = Entry(key, key_node, value_node, kind, refs)
    return out


def env_list(node: Node | None, scope: Scope | None = None) -> dict[str, Entry]:
    """``environment:`` as a mapping, or as a list of ``NAME=value`` (older configs)."""
    if isinstance(node, y.SequenceNode):
        out: dict[str, Entry] = {}
        for item in node.value:
            if isinstance(item, y.MappingNode):
                out.update(entries(item, scope))
        return out
    return entries(node, scope)


class _Config:
    """One config file's reusable parts, and the expansion of steps that call them."""

    def __init__(self, root: Node | None) -> None:
        self.root = root
        self.commands = dict(_named(m.get(root, "commands")))
        self.executors = dict(_named(m.get(root, "executors")))

    def steps(
        self, job_id: str, node: Node | None, shell: str | None, scope: Scope, start: int = 0
    ) -> list[Step]:
        """The steps of ``node``, reusable commands expanded, indexed from ``start``."""
        out: list[Step] = []
        self._expand(job_id, node, shell, scope, out, (), start)
        return out

    def _expand(
        self,
        job_id: str,
        node: Node | None,
        shell: str | None,
        scope: Scope,
        out: list[Step],
        calls: tuple[str, ...],
        base: int,
    ) -> None:
        for element in y.elements(node):
            name, name_node, body = _step_call(element)
            if name is None or name_node is None:
                continue
            if name in ("when", "unless"):
                self._expand(job_id, m.get(body, "steps"), shell, scope, out, calls, base)
            elif name in self.commands and name not in ("run", "checkout"):
                if name in calls or len(calls) >= _MAX_EXPANSION:
                    continue
                command = self.commands[name]
                inner = _call_scope(command, body, scope)
                steps = m.get(command, "steps")
                self._expand(job_id, steps, shell, inner, out, (*calls, name), base)
            elif name in ("run", "deploy"):
                out.append(_run_step(job_id, base + len(out), element, body, shell, scope))
            else:
                orb = "/" in name
                out.append(
                    Step(
                        node=element,
                        job_id=job_id,
                        index=base + len(out),
                        name=None if orb else name,
                        uses=name if orb else None,
                        uses_node=name_node if orb else None,
                        with_=entries(body, scope),
                        env={},
                        script=None,
                    )
                )

    def executor_of(self, job: Node) -> Node | None:
        """The executor a job names (``executor: x`` or ``executor: {name: x}``), if local."""
        ref = m.get(job, "executor")
        name = y.scalar(ref)
        if name is None:
            name = y.scalar(m.get(ref, "name"))
        return self.executors.get(name) if name is not None else None


def _named(node: Node | None) -> list[tuple[str, Node]]:
    return [(key, value) for key, _, value in m.items(node)]


def _step_call(element: Node) -> tuple[str | None, Node | None, Node | None]:
    """``(step name, its node, its body)`` of a step: ``checkout`` or ``{name: body}``."""
    text = y.scalar(element)
    if text is not None:
        return text.strip(), element, None
    pairs = [(k, kn, v) for k, kn, v in m.items(element)]
    if len(pairs) != 1:
        return None, None, None
    name, name_node, body = pairs[0]
    return name, name_node, body


def _call_scope(command: Node, call: Node | None, outer: Scope) -> Scope:
    """The parameters a reusable command runs with: the call's values, else the defaults."""
    scope: Scope = {}
    given = entries(call, outer) if isinstance(call, y.MappingNode) else {}
    for name, key_node, spec in m.items(m.get(command, "parameters")):
        if name in given:
            scope[name] = given[name]
            continue
        default = m.get(spec, "default")
        if default is not None:
            kind, refs = classify(default)
            scope[name] = Entry(name, key_node, default, kind, refs)
    return scope


def _run_step(
    job_id: str, index: int, element: Node, body: Node | None, shell: str | None, scope: Scope
) -> Step:
    if y.scalar(body) is not None and body is not None:
        command_node: Node | None = body
        name = None
        env: dict[str, Entry] = {}
    else:
        command_node = m.get(body, "command")
        name = y.scalar(m.get(body, "name"))
        env = env_list(m.get(body, "environment"), scope)
        shell = y.scalar(m.get(body, "shell")) or shell
    script = None
    if command_node is not None and y.scalar(command_node) is not None:
        script = Script((command_node,), shell, split_commands, EXPRESSION)
    return Step(
        node=element,
        job_id=job_id,
        index=index,
        name=name,
        uses=None,
        uses_node=None,
        with_={},
        env=env,
        script=script,
    )


def _defaults(job: Node, passed: set[str]) -> Scope:
    """A job's parameter defaults, for ``<< parameters.x >>`` in its own steps; a parameter
    some workflow passes stays an expression (each invocation may pass another value)."""
    scope: Scope = {}
    for name, key_node, spec in m.items(m.get(job, "parameters")):
        default = m.get(spec, "default")
        if default is not None and name not in passed:
            kind, refs = classify(default)
            scope[name] = Entry(name, key_node, default, kind, refs)
    return scope


def _images_env(holder: Node | None) -> tuple[dict[str, Entry], dict[str, Entry]]:
    """``environment:`` of the primary image (the steps see it) and of service images."""
    primary: dict[str, Entry] = {}
    services: dict[str, Entry] = {}
    for i, image in enumerate(y.elements(m.get(holder, "docker"))):
        (primary if i == 0 else services).update(env_list(m.get(image, "environment")))
    return primary, services


@dataclass(frozen=True, slots=True)
class _Invocations:
    """What the workflows say about jobs: contexts and the parameters passed, per job
    name, and each invocation of an orb job."""

    contexts: dict[str, list[str]]
    passed: dict[str, set[str]]
    orb_jobs: list[_OrbCall]


def _invocations(root: Node | None) -> _Invocations:
    contexts: dict[str, list[str]] = {}
    passed: dict[str, set[str]] = {}
    orb_jobs: list[_OrbCall] = []
    for workflow_name, _, workflow in m.items(m.get(root, "workflows")):
        if workflow_name == "version":
            continue
        for entry in y.elements(m.get(workflow, "jobs")):
            name, name_node, body = _step_call(entry)
            if name is None or name_node is None:
                continue
            found = contexts.setdefault(name, [])
            ctx = m.get(body, "context")
            given = [t for t in (y.scalar(v) for v in [ctx, *y.elements(ctx)]) if t is not None]
            found.extend(t for t in given if t not in found)
            params = passed.setdefault(name, set())
            params.update(k for k, _, _ in m.items(body) if k not in _INVOCATION_KEYS)
            if "/" in name:
                holder = body if body is not None else entry
                orb_jobs.append(_OrbCall(name, name_node, holder, tuple(given)))
    return _Invocations(contexts, passed, orb_jobs)


@dataclass(frozen=True, slots=True)
class _OrbCall:
    name: str
    name_node: Node
    body: Node
    contexts: tuple[str, ...]


def _job(config: _Config, job_id: str, node: Node, calls: _Invocations) -> Job:
    executor = config.executor_of(node)
    executor_primary, executor_services = _images_env(executor)
    primary, services = _images_env(node)
    env = {
        **env_list(m.get(executor, "environment")),
        **executor_primary,
        **primary,
        **env_list(m.get(node, "environment")),
    }
    shell = y.scalar(m.get(node, "shell")) or y.scalar(m.get(executor, "shell"))
    scope = _defaults(node, calls.passed.get(job_id, set()))
    steps = config.steps(job_id, m.get(node, "steps"), shell, scope)
    return Job(
        job_id=job_id,
        node=node,
        env=env,
        permissions=None,
        steps=tuple(steps),
        federation=FEDERATION,
        container_env={**executor_services, **services},
        contexts=tuple(calls.contexts.get(job_id, ())),
    )


def _orb_job(config: _Config, call: _OrbCall) -> Job:
    """A workflow's invocation of an orb job: its parameters as one step's inputs, with
    its ``pre-steps`` and ``post-steps`` around it."""
    body = call.body
    job_id = y.scalar(m.get(body, "name")) or call.name
    params = {k: e for k, e in entries(body).items() if k not in _INVOCATION_KEYS}
    pre = config.steps(job_id, m.get(body, "pre-steps"), None, {})
    invocation = Step(
        node=body,
        job_id=job_id,
        index=len(pre),
        name=None,
        uses=call.name,
        uses_node=call.name_node,
        with_=params,
        env={},
        script=None,
    )
    post = config.steps(job_id, m.get(body, "post-steps"), None, {}, start=len(pre) + 1)
    return Job(
        job_id=job_id,
        node=body,
        env={},
        permissions=None,
        steps=(*pre, invocation, *post),
        federation=FEDERATION,
        contexts=call.contexts,
    )


def load(doc: YamlDocument) -> Pipeline | None:
    """The loader row for ``.circleci/config.yml``: None when the file is not a mapping."""
    root = doc.roots[0] if doc.roots else None
    if not isinstance(root, y.MappingNode):
        return None
    config = _Config(root)
    calls = _invocations(root)
    jobs = [
        _job(config, job_id, node, calls)
        for job_id, _, node in m.items(m.get(root, "jobs"))
        if isinstance(node, y.MappingNode)
    ]
    jobs.extend(_orb_job(config, call) for call in calls.orb_jobs)
    workflows = {
        key: key_node for key, key_node, _ in m.items(m.get(root, "workflows")) if key != "version"
    }
    return link(
        Pipeline(
            system="circleci",
            kind="config",
            doc=doc,
            root=root,
            env={},
            permissions=None,
            triggers=workflows,
            jobs=tuple(jobs),
        )
    )
