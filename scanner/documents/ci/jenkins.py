"""Jenkinsfiles loaded into the CI model: declarative and scripted pipelines.

The reader is ``groovy_lite`` (tokens, then calls and closures by bracket structure), not
tree-sitter-groovy. ``bench/groovy_parsers.py`` measured both through this loader: on 17
labelled shapes the grammar (0.1.2) got 12 right and ``groovy_lite`` 17; on 479 real files
(jenkinsci/pipeline-examples and the pipeline-model-definition test pipelines) they agree on
453 with identical command positions, and in every one of the 26 others the grammar lost
stages or steps that ``groovy_lite`` read correctly (an empty ``''`` string turns the whole
file into an ``ERROR``; ``sh`` inside ``try {}``, ``switch`` or a closure with parameters
disappears; ``v = sh script: 'x'`` swallows the next stage). The grammar is about twice as
fast (about 4,500 against 2,400 files a second), which does not matter next to the rules. Both
trees have the same shape, so ``load_with(doc, "tree-sitter")`` stays for the bench; strings
are decoded by ``groovy.decode`` either way, since the grammar does not decode them.

The model, and why:

- One ``Job`` per ``stage`` that does work: nested ``stages {}``, ``parallel {}``,
  ``matrix {}`` and scripted ``parallel a: {...}`` are flattened to their leaf stages, and a
  stage's ``environment {}`` reaches its nested stages (``Job.env``). Steps outside any stage
  (scripted ``node { sh ... }``, a pipeline-level ``post {}``) form one job, ``(pipeline)``.
- A ``Step`` per ``sh``/``bat``/``powershell``/``pwsh`` call, given as a string or as
  ``script:``; its ``Script`` has the decoded text (Groovy escapes done), exact marks for every
  character, and, for a GString, its ``${...}``/``$x`` interpolations as exact
  ``Command.interpolations`` (and a ``Script.expression`` matching exactly those texts): an
  escaped ``\\$X`` reaches the shell as ``$X``, a shell variable, and is not one of them.
- Wrappers (``withCredentials``, ``withAWS``, ``docker.withRegistry``, any ``with*`` call with
  a block, ``sshagent``) are Steps too, before the steps they wrap: ``uses`` names the wrapper
  (``withAWS``; one step per binding of ``withCredentials``, ``withCredentials/aws``,
  ``withCredentials/AmazonWebServicesCredentialsBinding``...) and ``with_`` holds its named
  arguments. The variables a wrapper binds are in the ``env`` of every step inside it, as
  ``ValueKind.SECRET`` entries whose refs are ``credentials.<id>`` and whose value node is the
  ``credentialsId`` argument, so ``Step.scoped_env()`` answers "what does this ``sh`` see"
  and a report on the value lands on the wrapper; ``wrappers(step)`` gives the wrapper steps
  around a step.
- ``environment { X = credentials('id') }`` is ``SECRET`` (refs ``credentials.id``), a
  constant string ``LITERAL``, a GString ``EXPRESSION`` (refs ``env.X``/``params.X`` as
  written; a bare ``$X`` reads the environment, so it is ``env.X``).
- ``Job.federation`` is unknown: Jenkins has no built-in OIDC token, and the agent's instance
  role (what a role-based ``withAWS`` uses) is not in the file.

A syntax error costs only what it breaks: an unclosed block swallows what follows it (its
steps are still found), a stray closer is skipped, and no input raises. A file over
``MAX_CHARS`` is not read as a pipeline (raw-text rules still run on it). ``*.groovy`` files
are read only when the file-kind table says Jenkinsfile.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import scanner.documents.ci.groovy as groovy
import scanner.documents.ci.groovy_lite as groovy_lite
import scanner.documents.ci.jenkins_scripts as jenkins_scripts
from scanner.documents.ci.groovy import Call, GroovyString, Source, TsNode
from scanner.documents.ci.model import (
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
from scanner.documents.text import TextDocument
from scanner.documents.yaml import Node

LOOSE_JOB = "(pipeline)"
#: Larger files are not read as pipelines: reading costs about 2.5 s per MB (real
#: Jenkinsfiles are a few KB), and the scan must stay bounded on generated Groovy.
MAX_CHARS = 1_000_000
SHELL_STEPS = ("sh", "bat", "powershell", "pwsh")
#: Block steps that are not ``with*`` but bind credentials for the steps inside.
_WRAPPERS = ("sshagent",)
#: How a shared library's classes call a pipeline step (``steps.sh '...'``).
_RECEIVERS = ("steps.", "script.", "this.")
_AWS_BINDINGS = ("aws", "AmazonWebServicesCredentialsBinding")
_AWS_DEFAULTS = (
    ("accessKeyVariable", "AWS_ACCESS_KEY_ID"),
    ("secretKeyVariable", "AWS_SECRET_ACCESS_KEY"),
)
_FEDERATION = Federation(
    None,
    "Jenkins has no built-in OIDC token, and the agent's instance role is not in the file",
    "run the agent with an instance role (or IRSA) and assume a role per stage with "
    "`withAWS(role: ..., roleAccount: ...)`",
)


def load(doc: TextDocument) -> Pipeline | None:
    """The loader row for Jenkinsfiles: None when the file holds no pipeline at all."""
    return load_with(doc, "lite")


def load_with(doc: TextDocument, parser: str) -> Pipeline | None:
    """The pipeline as read by ``parser``: ``lite`` (``groovy_lite``, the loader's) or
    ``tree-sitter`` (kept for ``bench/groovy_parsers.py``)."""
    if parser == "tree-sitter":
        source = Source(doc.text)
        try:
            root = groovy.parse(source.data)
        except groovy.GroovyTooComplexError:
            return None
    else:
        if len(doc.text) > MAX_CHARS:
            return None
        source = Source(doc.text, char_offsets=True)
        root = groovy_lite.parse(doc.text)
    builder = _Builder(doc, source)
    builder.walk(root, None, {}, (), 0)
    jobs = builder.jobs()
    if not jobs and not builder.env:
        return None
    pipeline = Pipeline(
        system="jenkins",
        kind="declarative" if builder.declarative else "scripted",
        doc=doc,
        root=builder.node(root),
        env=builder.env,
        permissions=None,
        triggers={},
        jobs=tuple(jobs),
    )
    link(pipeline)
    pipeline.cache["jenkins.wrappers"] = builder.wrapped
    pipeline.cache["jenkins.bindings"] = builder.bindings
    return pipeline


def wrappers(step: Step) -> tuple[Step, ...]:
    """The wrapper steps (``withAWS``, ``withCredentials/...``) around a step, outermost first."""
    found = step.job.pipeline.cache.get("jenkins.wrappers")
    if not isinstance(found, dict):
        return ()
    out = found.get(id(step), ())
    return out if isinstance(out, tuple) else ()


def bindings(step: Step) -> tuple[Step, ...]:
    """All the binding steps of the ``withCredentials`` call ``step`` is a binding of, in
    order (``step`` among them), so that a rule reports a wrapper once, not once per binding;
    empty for any other step."""
    found = step.job.pipeline.cache.get("jenkins.bindings")
    if not isinstance(found, dict):
        return ()
    out = found.get(id(step), ())
    return out if isinstance(out, tuple) else ()


@dataclass(eq=False)
class _Stage:
    name: str
    node: Node
    parent: _Stage | None
    env: dict[str, Entry] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    nested: bool = False

    def scoped_env(self) -> dict[str, Entry]:
        outer = self.parent.scoped_env() if self.parent is not None else {}
        return {**outer, **self.env}


class _Builder:
    """One walk over the tree, collecting stages, steps and environment in file order."""

    def __init__(self, doc: TextDocument, source: Source) -> None:
        self.doc = doc
        self.source = source
        self.env: dict[str, Entry] = {}
        self.stages: list[_Stage] = []
        self.loose: _Stage | None = None
        self.declarative = False
        self.wrapped: dict[int, tuple[Step, ...]] = {}
        self.bindings: dict[int, tuple[Step, ...]] = {}

    # positions -------------------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        line, column = self.doc.position(offset)
        return line - 1, column - 1

    def span(self, start: int, end: int, text: str | None = None) -> Node:
        value = self.source.text[start:end] if text is None else text
        return span_node(value, self.position(start), self.position(end))

    def node(self, ts: TsNode, text: str | None = None) -> Node:
        start, end = self.source.span(ts)
        return self.span(start, end, text)

    # the walk --------------------------------------------------------------------------

    def walk(
        self,
        node: TsNode,
        stage: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
        depth: int,
    ) -> None:
        if depth > groovy.MAX_DEPTH:
            return
        for child in node.children:
            kind = child.type
            if kind in groovy.COMMENTS:
                continue
            if kind in groovy.CALLS:
                found = groovy.call(self.source, child)
                if found is not None:
                    self.call(found, stage, bound, around, depth + 1)
                    continue
            elif kind == "identifier" and self.source.of(child) == "pipeline":
                self.declarative = True  # `pipeline {` that the grammar could not close
            self.walk(child, stage, bound, around, depth + 1)

    def call(
        self,
        found: Call,
        stage: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
        depth: int,
    ) -> None:
        name = found.name
        if name.startswith(_RECEIVERS) and name.split(".", 1)[1] in SHELL_STEPS:
            name = name.split(".", 1)[1]  # `steps.sh` in a shared library's classes
        if found.receiver is not None:
            self.walk_node(found.receiver, stage, bound, around, depth)
        if name == "pipeline" and found.closure is not None:
            self.declarative = True
        elif name == "stage" and found.closure is not None:
            self.stage(found, stage, bound, around, depth)
            return
        elif name == "environment" and found.closure is not None and not found.positional:
            target = stage.env if stage is not None else self.env
            target.update(self.environment(found.closure))
            return
        elif name in SHELL_STEPS and found.closure is None:
            self.shell_step(found, name, stage, bound, around)
            return
        elif found.closure is not None and self.is_wrapper(name):
            self.wrapper(found, stage, bound, around, depth)
            return
        for arg in found.positional:
            self.walk_node(arg, stage, bound, around, depth)
        for _, value in found.named.values():
            self.walk_node(value, stage, bound, around, depth)
        if found.closure is not None:
            self.walk(found.closure, stage, bound, around, depth)

    def walk_node(
        self,
        node: TsNode,
        stage: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
        depth: int,
    ) -> None:
        """Walk ``node`` itself (a call) or what it contains."""
        if node.type in groovy.CALLS:
            found = groovy.call(self.source, node)
            if found is not None:
                self.call(found, stage, bound, around, depth + 1)
                return
        self.walk(node, stage, bound, around, depth + 1)

    @staticmethod
    def is_wrapper(name: str) -> bool:
        last = name.rsplit(".", 1)[-1]
        return (last.startswith("with") and len(last) > 4 and last[4].isupper()) or (
            last in _WRAPPERS
        )

    # stages ----------------------------------------------------------------------------

    def stage(
        self,
        found: Call,
        parent: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
        depth: int,
    ) -> None:
        label = self.string(found.positional[0]) if found.positional else None
        if label is None and "name" in found.named:
            label = self.string(found.named["name"][1])
        name = label.value if label is not None else "stage"
        if parent is not None:
            parent.nested = True
        current = _Stage(name, self.node(found.node), parent)
        self.stages.append(current)
        if found.closure is not None:
            self.walk(found.closure, current, bound, around, depth)

    def jobs(self) -> list[Job]:
        out = []
        for stage in [*self.stages, *([self.loose] if self.loose is not None else [])]:
            if stage.nested and not stage.steps:
                continue
            out.append(
                Job(
                    job_id=stage.name,
                    node=stage.node,
                    env=stage.scoped_env(),
                    permissions=None,
                    steps=tuple(stage.steps),
                    federation=_FEDERATION,
                )
            )
        return out

    def target(self, stage: _Stage | None, node: Node) -> _Stage:
        """The stage a step belongs to: its own, or the job of steps outside any stage."""
        if stage is not None:
            return stage
        if self.loose is None:
            self.loose = _Stage(LOOSE_JOB, node, None)
        return self.loose

    def add(self, target: _Stage, step: Step, around: tuple[Step, ...]) -> None:
        target.steps.append(step)
        if around:
            self.wrapped[id(step)] = around

    # environment -----------------------------------------------------------------------

    def environment(self, closure: TsNode) -> dict[str, Entry]:
        out: dict[str, Entry] = {}
        stack = list(groovy.children(closure))
        while stack:
            child = stack.pop(0)
            if child.type == "expression_statement":
                stack[:0] = list(groovy.children(child))
                continue
            if child.type != "assignment_expression":
                continue
            parts = list(groovy.children(child))
            if len(parts) != 2 or parts[0].type != "identifier":
                continue
            key = self.source.of(parts[0])
            entry = self.entry(key, self.node(parts[0]), parts[1])
            out[key] = entry
            if entry.kind is ValueKind.SECRET:
                # A username-and-password credential also sets X_USR and X_PSW.
                for suffix in ("_USR", "_PSW"):
                    name = key + suffix
                    out[name] = Entry(
                        name, entry.key_node, entry.value_node, entry.kind, entry.refs
                    )
        return out

    def entry(self, key: str, key_node: Node, value: TsNode) -> Entry:
        """A value classified: stored credential, constant, or computed at run time."""
        decoded = self.string(value)
        if decoded is not None:
            node = self.node(value, decoded.value)
            if decoded.literal:
                return Entry(key, key_node, node, ValueKind.LITERAL)
            return Entry(key, key_node, node, ValueKind.EXPRESSION, jenkins_scripts.refs(decoded))
        node = self.node(value)
        if value.type in groovy.CALLS:
            found = groovy.call(self.source, value)
            if found is not None and found.name == "credentials" and found.positional:
                ident = self.string(found.positional[0])
                if ident is not None and ident.literal:
                    return Entry(
                        key, key_node, node, ValueKind.SECRET, (f"credentials.{ident.value}",)
                    )
        if value.type.endswith(("integer_literal", "floating_point_literal")) or value.type in (
            "true",
            "false",
        ):
            return Entry(key, key_node, node, ValueKind.LITERAL)
        if value.type in ("array_literal", "map_literal", "closure"):
            return Entry(key, key_node, node, ValueKind.OTHER)
        return Entry(key, key_node, node, ValueKind.EXPRESSION)

    def string(self, node: TsNode) -> GroovyString | None:
        return groovy.decode(self.source, node)

    # steps -----------------------------------------------------------------------------

    def shell_step(
        self,
        found: Call,
        shell: str,
        stage: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
    ) -> None:
        script_node = found.positional[0] if found.positional else None
        if script_node is None and "script" in found.named:
            script_node = found.named["script"][1]
        script = None
        decoded = self.string(script_node) if script_node is not None else None
        if decoded is not None and script_node is not None:
            positions = tuple(self.position(o) for o in decoded.offsets)
            script = Script(
                (self.node(script_node, decoded.value),),
                shell,
                functools.partial(jenkins_scripts.split, positions, decoded.interpolations),
                jenkins_scripts.expression(decoded),
            )
        label = self.string(found.named["label"][1]) if "label" in found.named else None
        with_ = {
            key: self.entry(key, self.node(k), v)
            for key, (k, v) in found.named.items()
            if key != "script"
        }
        node = self.node(found.node)
        target = self.target(stage, node)
        step = Step(
            node=node,
            job_id=target.name,
            index=len(target.steps),
            name=label.value if label is not None else None,
            uses=None,
            uses_node=None,
            with_=with_,
            env=dict(bound),
            script=script,
        )
        self.add(target, step, around)

    def wrapper(
        self,
        found: Call,
        stage: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
        depth: int,
    ) -> None:
        inner = dict(bound)
        chain = around
        if found.name == "withCredentials" and found.positional:
            steps: list[Step] = []
            for binding in groovy.children(found.positional[0]):
                step, variables = self.binding(binding, stage, bound, around)
                if step is not None:
                    steps.append(step)
                    chain = (*chain, step)
                    inner.update(variables)
            for step in steps:
                self.bindings[id(step)] = tuple(steps)
        else:
            with_ = self.arguments(found)
            step = self.wrapper_step(
                found.node, found.name, found.name_node, with_, stage, bound, around
            )
            chain = (*chain, step)
            inner.update(self.wrapper_env(found, with_))
        if found.closure is not None:
            self.walk(found.closure, stage, inner, chain, depth)

    def wrapper_step(
        self,
        ts: TsNode,
        uses: str,
        uses_node: TsNode,
        with_: dict[str, Entry],
        stage: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
    ) -> Step:
        node = self.node(ts)
        target = self.target(stage, node)
        step = Step(
            node=node,
            job_id=target.name,
            index=len(target.steps),
            name=None,
            uses=uses,
            uses_node=self.node(uses_node),
            with_=with_,
            env=dict(bound),
            script=None,
        )
        self.add(target, step, around)
        return step

    def arguments(self, found: Call) -> dict[str, Entry]:
        """Named arguments (also from a single ``[k: v]`` map), and positional ones by role."""
        named = dict(found.named)
        positional = list(found.positional)
        if len(positional) == 1 and positional[0].type == "map_literal":
            named.update(groovy.map_items(self.source, positional[0]))
            positional = []
        out = {key: self.entry(key, self.node(k), v) for key, (k, v) in named.items()}
        roles = (
            ("url", "credentialsId")
            if found.name.endswith((".withRegistry", ".withServer"))
            else ()
        )
        for index, arg in enumerate(positional):
            key = roles[index] if index < len(roles) else str(index)
            out[key] = self.entry(key, self.node(arg), arg)
        return out

    def wrapper_env(self, found: Call, with_: dict[str, Entry]) -> dict[str, Entry]:
        """What ``withAWS(credentials:)`` and ``withEnv([...])`` put in the block's env."""
        out: dict[str, Entry] = {}
        if found.name == "withAWS":
            creds = with_.get("credentials")
            if creds is not None and creds.kind is ValueKind.LITERAL and creds.value:
                refs = (f"credentials.{creds.value}",)
                if "role" not in with_ and "federatedUserId" not in with_:
                    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
                        out[name] = Entry(
                            name, creds.key_node, creds.value_node, ValueKind.SECRET, refs
                        )
        elif found.name == "withEnv" and found.positional:
            for item in groovy.children(found.positional[0]):
                decoded = self.string(item)
                if decoded is None or "=" not in decoded.value:
                    continue
                cut = decoded.value.index("=")
                key = decoded.value[:cut]
                rest = GroovyString(
                    decoded.value[cut + 1 :],
                    decoded.offsets[cut + 1 :],
                    decoded.start,
                    decoded.end,
                    decoded.gstring,
                    tuple((a - cut - 1, b - cut - 1) for a, b in decoded.interpolations if a > cut),
                )
                key_node = self.span(
                    decoded.offsets[0],
                    decoded.offsets[cut - 1] + 1 if cut else decoded.offsets[0] + 1,
                    key,
                )
                end = decoded.offsets[-1] + 1
                begin = decoded.offsets[cut + 1] if cut + 1 < len(decoded.offsets) else end
                value_node = self.span(begin, end, rest.value)
                kind = ValueKind.LITERAL if rest.literal else ValueKind.EXPRESSION
                out[key] = Entry(key, key_node, value_node, kind, jenkins_scripts.refs(rest))
        return out

    def binding(
        self,
        node: TsNode,
        stage: _Stage | None,
        bound: dict[str, Entry],
        around: tuple[Step, ...],
    ) -> tuple[Step | None, dict[str, Entry]]:
        """One ``withCredentials`` binding: its step, and the variables it binds."""
        if node.type == "map_literal":
            items = groovy.map_items(self.source, node)
            cls = items.get("$class")
            decoded = self.string(cls[1]) if cls is not None else None
            if decoded is None or cls is None:
                return None, {}
            kind, kind_node = decoded.value, cls[1]
            with_ = {
                k: self.entry(k, self.node(kn), v) for k, (kn, v) in items.items() if k != "$class"
            }
        elif node.type in groovy.CALLS:
            found = groovy.call(self.source, node)
            if found is None:
                return None, {}
            kind, kind_node = found.name, found.name_node
            with_ = self.arguments(found)
        else:
            return None, {}
        step = self.wrapper_step(
            node, f"withCredentials/{kind}", kind_node, with_, stage, bound, around
        )
        ident = with_.get("credentialsId")
        if ident is None:
            return step, {}
        refs = (f"credentials.{ident.value}",) if ident.kind is ValueKind.LITERAL else ident.refs
        variables: dict[str, Entry] = {}
        names = [
            (key, entry)
            for key, entry in with_.items()
            if (key == "variable" or key.endswith("Variable")) and entry.value
        ]
        if kind in _AWS_BINDINGS:
            for key, default in _AWS_DEFAULTS:
                if key not in with_:
                    where = self.node(kind_node, default)
                    names.append((key, Entry(key, where, where, ValueKind.LITERAL)))
        for _, entry in names:
            name = entry.value
            if name and entry.kind is ValueKind.LITERAL:
                variables[name] = Entry(
                    name, entry.value_node, ident.value_node, ValueKind.SECRET, refs
                )
        return step, variables
