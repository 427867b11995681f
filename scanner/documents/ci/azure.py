"""Azure Pipelines loaded into the CI model: ``azure-pipelines*.yml`` and the local template
files they reference.

Everything Azure-specific about reading a file is here:

- the three shapes of a pipeline: ``steps:`` at the root (one implicit job, ``__default``),
  ``jobs:`` (``job`` and ``deployment``, whose steps sit under ``strategy: <runOnce|rolling|
  canary>: <hook>: steps``), and ``stages: - stage: jobs:``; a job inside a stage is named
  ``Stage.Job``;
- variables in both forms (a mapping; a list of ``name``/``value``, ``group`` and ``template``
  items), at pipeline, stage and job level: ``Pipeline.env`` holds the pipeline's, ``Job.env``
  the stage's and then the job's (the job's win), and ``AzurePipeline.groups`` the variable
  groups each job sees;
- conditional insertion (``${{ if ... }}:`` / ``${{ each ... }}:``) as keys of a mapping or
  items of a list, whose content is read as if it were there unconditionally;
- steps: ``script``/``bash``/``pwsh``/``powershell`` are scripts; ``task: Name@N`` has its
  ``inputs:`` as ``with_``, and the inline script inputs of the script tasks (AzureCLI, Bash,
  PowerShell, AzurePowerShell, CmdLine) are scripts too.

Value kinds. Azure has no ``secrets.`` context: a secret is a variable whose value lives in the
pipeline's settings or in a variable group (possibly linked to Key Vault). So a reference to a
variable (the ``$(X)`` macro, ``variables.X``/``variables['X']`` in ``${{ }}`` and ``$[ ]``)
that no ``variables:`` or ``matrix:`` of the file defines, that no script sets with
``##vso[task.setvariable]`` and that is not one of Azure's predefined variables
(``System.AccessToken``, ``Build.SourceBranch``, ...) or a step's output (``step.var``) is
``ValueKind.SECRET``, with the ref ``secrets.X``; any other reference is ``EXPRESSION``, with
the ref ``variables.X`` (``parameters.X`` for template parameters). A variable defined as
another reference takes that reference's kind. Templates the file includes may define
variables the loader cannot see; they count as stored.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

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

DEFAULT_JOB = "__default"
_REASON = "the YAML cannot tell whether a service connection uses workload identity federation"
_HOW = "convert the service connection to workload identity federation"

#: Program names a script runs bare as ``$(name)``: a shell substitution, not a macro (Azure
#: leaves a macro of an unknown variable as written, so the shell then runs it).
_BARE_COMMANDS = (
    "pwd|date|whoami|hostname|nproc|uname|id|ls|tty|arch|logname|umask|mktemp|true|false|"
    "groups|users|env|printenv|tput|ps|jobs|dirs|times"
)
_MACRO = rf"\$\((?!(?:{_BARE_COMMANDS})\))([A-Za-z_][\w.\-]*)\)"
_TEMPLATE = r"\$\{\{.*?\}\}"
_RUNTIME = r"\$\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
#: Azure's interpolations, as ``Script.expression``: template ``${{ }}``, runtime ``$[ ]``
#: and the ``$(name)`` macro, all replaced before the shell sees the script.
EXPRESSION = re.compile(f"{_TEMPLATE}|{_RUNTIME}|{_MACRO}", re.S)
_MACRO_ONLY = re.compile(_MACRO)
_CONTEXT_REF = re.compile(
    r"\b(variables|parameters)(?:\.([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])"
)
_SETVARIABLE = re.compile(r"##vso\[task\.setvariable\b[^\]]*?\bvariable=([\w.\-]+)", re.I)
#: First segments of Azure's predefined variables (``System.AccessToken``, ``Build.BuildId``).
_PREDEFINED = frozenset(
    {
        "agent",
        "build",
        "system",
        "pipeline",
        "environment",
        "release",
        "resources",
        "strategy",
        "checks",
        "common",
        "deployment",
        "tf_build",
    }
)
_SHELL_KEYS: dict[str, str | None] = {
    "script": None,
    "bash": "bash",
    "pwsh": "pwsh",
    "powershell": "powershell",
}
#: Task inputs naming an Azure Resource Manager service connection.
_CONNECTION_INPUTS = (
    "azuresubscription",
    "connectedservicenamearm",
    "azureresourcemanagerconnection",
    "connectedservicename",
    "azureservicename",
)
#: AzureCLI's ``scriptType`` input -> the shell it runs the inline script in.
_SCRIPT_TYPES = {"bash": "bash", "pscore": "pwsh", "ps": "powershell", "batch": "cmd"}
_MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class VariableGroup:
    """A ``- group: name`` item: variables (often secrets) stored outside the file.

    ``node`` is the group name's node; ``scope`` is ``pipeline``, ``stage`` or ``job``.
    """

    name: str
    node: Node
    scope: str


class AzurePipeline(Pipeline):
    """The pipeline of an Azure Pipelines file (``system="azure"``), with its variable groups.

    ``groups`` maps each job id to the variable groups its steps see (the pipeline's, its
    stage's and its own, in that order), and ``""`` to the pipeline's own groups.
    """

    __slots__ = ("groups",)
    groups: Mapping[str, tuple[VariableGroup, ...]]


def load(doc: YamlDocument) -> Pipeline | None:
    """The loader row for Azure Pipelines files; None when the root is not a mapping."""
    root = doc.roots[0] if doc.roots else None
    if not isinstance(root, y.MappingNode):
        return None
    known = _Definitions(root)
    groups: dict[str, tuple[VariableGroup, ...]] = {}
    env, own = _variables(y.get(root, "variables"), known, "pipeline")
    groups[""] = own
    jobs: list[Job] = []
    if y.get(root, "steps") is not None:
        jobs.append(_job(DEFAULT_JOB, root, y.get(root, "steps"), {}, known, own))
        groups[DEFAULT_JOB] = own
    for job_node in _elements(y.get(root, "jobs")):
        _add_job(job_node, None, {}, own, known, jobs, groups)
    for stage in _elements(y.get(root, "stages")):
        stage_id = y.scalar(y.get(stage, "stage"))
        if stage_id is None:
            continue  # a stage template: its file is read on its own
        stage_env, stage_groups = _variables(y.get(stage, "variables"), known, "stage")
        for job_node in _elements(y.get(stage, "jobs")):
            _add_job(job_node, stage_id, stage_env, own + stage_groups, known, jobs, groups)
    base = posixpath.basename(doc.path.replace("\\", "/")).lower()
    pipeline = AzurePipeline(
        system="azure",
        kind="pipeline" if base.startswith("azure-pipelines") else "template",
        doc=doc,
        root=root,
        env=env,
        permissions=None,
        triggers=_triggers(root),
        jobs=tuple(jobs),
    )
    object.__setattr__(pipeline, "groups", groups)
    return link(pipeline)


class _Definitions:
    """What the file itself defines: variables (case-insensitive, as Azure treats them), the
    names scripts set at run time, and step names (the prefixes of output variables)."""

    def __init__(self, root: Node) -> None:
        self.values: dict[str, Node] = {}
        self.runtime: set[str] = set()
        self.steps: set[str] = set()
        for node in y.walk(root):
            if isinstance(node, y.MappingNode):
                for key, _, value in y.items(node):
                    if key == "variables":
                        for (name, _, defined), group in _variable_items(value):
                            if group is None:
                                self.values.setdefault(name.casefold(), defined)
                    elif key == "matrix":
                        for _, _, leg in y.items(value):
                            for name, _, defined in y.items(leg):
                                self.values.setdefault(name.casefold(), defined)
                    elif key == "name" and _is_step(node):
                        self.steps.add((y.scalar(value) or "").casefold())
            text = y.scalar(node)
            if text is not None and "##vso[" in text:
                self.runtime.update(m.group(1).casefold() for m in _SETVARIABLE.finditer(text))

    def resolve(
        self, name: str, seen: frozenset[str] = frozenset()
    ) -> tuple[ValueKind, tuple[str, ...]]:
        """What a reference to variable ``name`` reads: SECRET and ``secrets.name`` for a
        variable stored outside the file, else EXPRESSION and ``variables.name``, followed by
        the refs of the value the file defines it as. A variable defined as itself
        (``X: $(X)``, directly or through others) is stored outside the file too."""
        folded = name.casefold()
        head = folded.split(".", 1)[0]
        own = (f"variables.{name}",)
        if head in _PREDEFINED or folded in self.runtime:
            return ValueKind.EXPRESSION, own
        if "." in folded and head in self.steps:
            return ValueKind.EXPRESSION, own
        value = self.values.get(folded)
        if value is None or folded in seen:
            return ValueKind.SECRET, (f"secrets.{name}",)
        if len(seen) >= _MAX_DEPTH:
            return ValueKind.EXPRESSION, own
        kind, refs = self.classify(value, seen | {folded})
        return (ValueKind.SECRET if kind is ValueKind.SECRET else ValueKind.EXPRESSION), (
            own + refs
        )

    def classify(
        self, node: Node | None, seen: frozenset[str] = frozenset()
    ) -> tuple[ValueKind, tuple[str, ...]]:
        """A value's kind and what its expressions read (``secrets.X``, ``variables.X``)."""
        text = y.scalar(node)
        if text is None:
            return ValueKind.OTHER, ()
        if not any(m in text for m in ("$(", "${{", "$[")):
            return ValueKind.LITERAL, ()
        refs: list[str] = []
        secret = False
        found = False
        for match in EXPRESSION.finditer(text):
            found = True
            names: list[tuple[str, str]] = []
            if match.group(1) is not None:
                names.append(("variables", match.group(1)))
            else:
                for m in _CONTEXT_REF.finditer(match.group(0)):
                    names.append((m.group(1), m.group(2) or m.group(3)))
            for context, name in names:
                read: tuple[str, ...] = (f"parameters.{name}",)
                kind = ValueKind.EXPRESSION
                if context == "variables":
                    kind, read = self.resolve(name, seen)
                secret = secret or kind is ValueKind.SECRET
                refs.extend(r for r in read if r not in refs)
        if not found:
            return ValueKind.LITERAL, ()
        return (ValueKind.SECRET if secret else ValueKind.EXPRESSION), tuple(refs)

    def entries(self, node: Node | None) -> dict[str, Entry]:
        out = {}
        for key, key_node, value_node in _mapping_items(node):
            kind, refs = self.classify(value_node)
            out[key] = Entry(key, key_node, value_node, kind, refs)
        return out


def _is_step(node: Node) -> bool:
    return any(k in _SHELL_KEYS or k == "task" for k, _, _ in y.items(node))


def _is_insertion(key: str) -> bool:
    return key.lstrip().startswith("${{")


def _mapping_items(node: Node | None, depth: int = 0) -> Iterator[tuple[str, Node, Node]]:
    """A mapping's items, with those under ``${{ if }}:`` keys spliced in."""
    for key, key_node, value in y.items(node):
        if _is_insertion(key):
            if depth < _MAX_DEPTH:
                yield from _mapping_items(value, depth + 1)
            continue
        yield key, key_node, value


def _elements(node: Node | None, depth: int = 0) -> Iterator[Node]:
    """A list's items, with the items under ``- ${{ if }}:`` entries spliced in."""
    for element in y.elements(node):
        keys = [k for k, _, _ in y.items(element)]
        if keys and all(_is_insertion(k) for k in keys):
            if depth < _MAX_DEPTH:
                for _, _, value in y.items(element):
                    yield from _elements(value, depth + 1)
            continue
        yield element


def _variable_items(
    node: Node | None, depth: int = 0
) -> Iterator[tuple[tuple[str, Node, Node], Node | None]]:
    """``((name, name node, value node), None)`` per variable, ``(..., group node)`` per
    ``- group:`` item (the name is the group's), in both of Azure's forms."""
    if isinstance(node, y.MappingNode):
        for item in _mapping_items(node, depth):
            yield item, None
        return
    for element in _elements(node, depth):
        group = y.get(element, "group")
        name_node = y.get(element, "name")
        name = y.scalar(name_node)
        if group is not None and y.scalar(group):
            yield (y.scalar(group) or "", group, group), group
        elif name is not None and name_node is not None:
            yield (name, name_node, y.get(element, "value") or element), None


def _variables(
    node: Node | None, known: _Definitions, scope: str
) -> tuple[dict[str, Entry], tuple[VariableGroup, ...]]:
    env: dict[str, Entry] = {}
    groups: list[VariableGroup] = []
    for (name, name_node, value_node), group in _variable_items(node):
        if group is not None:
            groups.append(VariableGroup(name, group, scope))
            continue
        kind, refs = known.classify(value_node)
        env[name] = Entry(name, name_node, value_node, kind, refs)
    return env, tuple(groups)


def _add_job(
    node: Node,
    stage_id: str | None,
    stage_env: dict[str, Entry],
    inherited: tuple[VariableGroup, ...],
    known: _Definitions,
    jobs: list[Job],
    groups: dict[str, tuple[VariableGroup, ...]],
) -> None:
    name_node = y.get(node, "job")
    if name_node is None:
        name_node = y.get(node, "deployment")
    if name_node is None:
        return  # a job template: its file is read on its own
    name = y.scalar(name_node) or f"job{len(jobs) + 1}"
    job_id = f"{stage_id}.{name}" if stage_id is not None else name
    job_env, own = _variables(y.get(node, "variables"), known, "job")
    steps = y.get(node, "steps")
    hooks: list[Node] = [] if steps is None else [steps]
    for _, _, strategy in y.items(y.get(node, "strategy")):
        for hook, _, body in y.items(strategy):
            if hook == "on":
                hooks.extend(s for _, _, b in y.items(body) if (s := y.get(b, "steps")))
            elif (s := y.get(body, "steps")) is not None:
                hooks.append(s)
    jobs.append(_job(job_id, node, hooks, {**stage_env, **job_env}, known, inherited + own))
    groups[job_id] = inherited + own


def _job(
    job_id: str,
    node: Node,
    steps_nodes: Node | list[Node] | None,
    env: dict[str, Entry],
    known: _Definitions,
    groups: tuple[VariableGroup, ...],
) -> Job:
    nodes = steps_nodes if isinstance(steps_nodes, list) else [steps_nodes]
    steps: list[Step] = []
    for steps_node in nodes:
        for element in _elements(steps_node):
            step = _step(job_id, len(steps), element, known)
            if step is not None:
                steps.append(step)
    environment_node = y.get(node, "environment")
    environment = y.scalar(environment_node)
    if environment is None:
        environment = y.scalar(y.get(environment_node, "name"))
    return Job(
        job_id=job_id,
        node=node,
        env=env,
        permissions=None,
        steps=tuple(steps),
        federation=_federation(steps),
        environment=environment,
        environment_node=environment_node,
        contexts=tuple(dict.fromkeys(g.name for g in groups)),
    )


def _step(job_id: str, index: int, node: Node, known: _Definitions) -> Step | None:
    if not isinstance(node, y.MappingNode) or y.get(node, "template") is not None:
        return None
    script = None
    for key, shell in _SHELL_KEYS.items():
        script_node = y.get(node, key)
        if script_node is not None:
            script = Script((script_node,), shell, split_commands, expression=EXPRESSION)
            break
    task_node = y.get(node, "task")
    task = y.scalar(task_node)
    inputs = y.get(node, "inputs")
    if task is not None and script is None:
        script = _task_script(task, inputs)
    return Step(
        node=node,
        job_id=job_id,
        index=index,
        name=y.scalar(y.get(node, "displayName")) or y.scalar(y.get(node, "name")),
        uses=task,
        uses_node=task_node if task is not None else None,
        with_=known.entries(inputs),
        env=known.entries(y.get(node, "env")),
        script=script,
    )


def _input(inputs: Node | None, name: str) -> Node | None:
    """A task input by name, case-insensitively (as the agent reads them)."""
    found = None
    for key, _, value in _mapping_items(inputs):
        if key.lower() == name.lower():
            found = value
    return found


def _flag(inputs: Node | None, name: str) -> str:
    return (y.scalar(_input(inputs, name)) or "").strip().lower()


def _task_script(task: str, inputs: Node | None) -> Script | None:
    """The inline script of a script task, with the shell it runs in."""
    name = task.split("@", 1)[0].strip().lower()
    shell: str | None
    if name == "azurecli":
        node = _input(inputs, "inlineScript")
        if _flag(inputs, "scriptLocation") == "scriptpath":
            return None
        shell = _SCRIPT_TYPES.get(_flag(inputs, "scriptType"))
    elif name in ("bash", "shellscript"):
        node, shell = _input(inputs, "script"), "bash"
    elif name == "cmdline":
        node, shell = _input(inputs, "script"), None
    elif name in ("powershell", "azurepowershell"):
        node = _input(inputs, "script" if name == "powershell" else "Inline")
        shell = "pwsh" if _flag(inputs, "pwsh") == "true" else "powershell"
    else:
        return None
    if node is None or y.scalar(node) is None or _flag(inputs, "targetType") == "filepath":
        return None
    return Script((node,), shell, split_commands, expression=EXPRESSION)


def _federation(steps: list[Step]) -> Federation:
    """Unknown: federation is a property of the service connection, which lives outside the
    file; the first service connection a step names is the related location."""
    for step in steps:
        for key, entry in step.with_.items():
            if key.lower() in _CONNECTION_INPUTS:
                name = entry.value or key
                return Federation(
                    None,
                    f"{_REASON} (`{name}` is configured in Azure DevOps)",
                    _HOW,
                    entry.value_node,
                )
    return Federation(None, _REASON, _HOW)


def _triggers(root: Node) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for key in ("trigger", "pr", "schedules"):
        node = y.get(root, key)
        if node is not None and (y.scalar(node) or "").strip().lower() != "none":
            out[key] = node
    return out


def macros(text: str) -> Iterator[re.Match[str]]:
    """The ``$(name)`` macros of a text (group 1 is the variable's name)."""
    return _MACRO_ONLY.finditer(text)
