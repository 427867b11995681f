"""Decide what kind of file a path is, so that only the rules for that kind run on it.

Everything outlive knows about a kind is one ``KindSpec`` row of ``KINDS``: the names and path
globs that settle it, the shebang interpreters and content sniff for the files a path leaves
open, the syntax its structured rules read, its comment syntax and where a rule example of that
kind pretends to live. ``classify`` is pure and reads only that table: the path decides first,
then the first bytes (``head``) where the path is ambiguous (a YAML file may be CloudFormation,
Kubernetes or nothing special). Kinds that another file decides (the files a ``.gitlab-ci.yml``
includes) come in from the project pre-pass (``scanner.project``) as ``decided``. Every text
file is scanned whatever its kind; the kind only adds structured rules on top.
"""

from __future__ import annotations

import enum
import fnmatch
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath


class FileKind(enum.Enum):
    """The kinds of design.md section 4."""

    PYTHON = "python"
    GITHUB_ACTIONS = "github-actions"
    GITLAB_CI = "gitlab-ci"
    CIRCLECI = "circleci"
    AZURE_PIPELINES = "azure-pipelines"
    BITBUCKET = "bitbucket"
    JENKINSFILE = "jenkinsfile"
    TERRAFORM = "terraform"
    CLOUDFORMATION = "cloudformation"
    IAM_POLICY = "iam-policy"
    KUBERNETES = "kubernetes"
    HELM = "helm"
    KUBECONFIG = "kubeconfig"
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    DEVCONTAINER = "devcontainer"
    ANSIBLE = "ansible"
    SERVERLESS = "serverless"
    PULUMI = "pulumi"  # Pulumi.yaml and Pulumi.<stack>.yaml (project and stack config)
    MCP = "mcp"
    DOTENV = "dotenv"
    SHELL = "shell"
    TEXT = "text"


ALL_KINDS: frozenset[FileKind] = frozenset(FileKind)


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One file kind: how a path or its first bytes are recognised, and how the file is read.

    ``names`` are exact lower-cased base names; ``globs`` match the whole lower-cased relative
    path (``*`` crosses ``/`` but ``[!/]*`` does not; a ``**/`` prefix also matches at the
    root). ``interpreters``
    matches a shebang's interpreter in a file without an extension; ``sniff`` reads the head of
    a ``.yml``/``.yaml``/``.json``/``.template`` file no path rule settled. ``syntax`` names the
    floor-1 parser structured rules get (``scanner.documents.BUILDERS``), ``comments`` the
    comment syntax of ``scanner.comment_syntaxes`` (empty: the file name's suffix decides), and
    ``example`` is where a rule example without a path lives (``scanner.testing``).
    """

    kind: FileKind
    example: str
    names: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    interpreters: re.Pattern[str] | None = None
    sniff: Callable[[bytes], bool] | None = None
    syntax: str = "text"
    comments: str = ""
    #: Kinds whose content sniff overrides this row's path match: a ``templates/`` file is Helm
    #: by its path, unless its head says CloudFormation (stacks often live in ``templates/``).
    yields_to: tuple[FileKind, ...] = ()


# Content markers for YAML and JSON files the path alone does not settle.
_CFN_VERSION = re.compile(rb"[\"']?AWSTemplateFormatVersion[\"']?\s*:")
_CFN_RESOURCE_TYPE = re.compile(rb"[\"']?Type[\"']?\s*:\s*[\"']?(?:AWS|Alexa)::")
_SAM_TRANSFORM = re.compile(rb"Transform[\"']?\s*:\s*[\"']?AWS::Serverless")
# A key at a line start (YAML, pretty JSON) or after `{`/`,` (compact JSON, flow YAML).
_K8S_API_VERSION = re.compile(rb"(?m)(?:^|[{,])[ \t]*[\"']?apiVersion[\"']?\s*:")
_K8S_KIND = re.compile(rb"(?m)(?:^|[{,])[ \t]*[\"']?kind[\"']?\s*:\s*[\"']?(\w+)")
_ANSIBLE_PLAY = re.compile(rb"(?m)^-[ \t]+(?:name:.*\n[ \t]+)?hosts[ \t]*:")
# An included task file: a top-level list whose item calls a module by its collection name
# (`ansible.builtin.copy:`) or includes tasks, roles or playbooks.
_ANSIBLE_TASK = re.compile(
    rb"(?m)^-[ \t]+(?:name:.*\n[ \t]+)?(?:(?:ansible\.(?:builtin|posix|windows)|"
    rb"community\.[a-z_]+|amazon\.aws|kubernetes\.core)\.[a-z_]+|"
    rb"(?:include|import)_(?:tasks|role|playbook))[ \t]*:"
)


def _is_cloudformation(head: bytes) -> bool:
    # Each pattern needs its literal (a resource type or a transform needs ``::``): a
    # substring test is far cheaper than ``re`` trying the optional quote at every position.
    if b"AWSTemplateFormatVersion" not in head and b"::" not in head:
        return False
    return bool(
        _CFN_VERSION.search(head) or _SAM_TRANSFORM.search(head) or _CFN_RESOURCE_TYPE.search(head)
    )


@lru_cache(maxsize=1)
def _kube_kind(head: bytes) -> bytes | None:
    """The first ``kind:`` of a head that has an ``apiVersion`` too, else None.

    Both Kubernetes rows ask it of the same head; the search costs about 0.2 ms on 8 KiB, so
    the last answer is kept (a ``bytes`` caches its hash, and the same object compares at once).
    """
    if b"kind" not in head or b"apiVersion" not in head:
        return None  # both keys are literals of the patterns: no search without them
    match = _K8S_KIND.search(head)
    if match is None or not _K8S_API_VERSION.search(head):
        return None
    return match.group(1)


# A kubeconfig's own sections; Skaffold and other tools also write `kind: Config`.
_KUBECONFIG_KEY = re.compile(rb"(?m)^[\"']?(?:users|clusters|contexts|current-context)[\"']?\s*:")


def _is_kubeconfig(head: bytes) -> bool:
    return _kube_kind(head) == b"Config" and _KUBECONFIG_KEY.search(head) is not None


def _is_kubernetes(head: bytes) -> bool:
    return _kube_kind(head) is not None and not _is_kubeconfig(head)


# A standalone IAM policy JSON file that can only be a web-identity trust policy: a JSON object
# with a `Statement` and the `sts:AssumeRoleWithWebIdentity` action in its head. Identity
# policies and other trust policies stay text: no rule reads them as policies.
_IAM_STATEMENT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\{[\s\S]*\"Statement\"\s*:")


def _is_iam_trust_policy(head: bytes) -> bool:
    return b"assumerolewithwebidentity" in head.lower() and _IAM_STATEMENT.match(head) is not None


# The first line of content (after blank lines, comments, directives and `---`) opens a list:
# a task list or a play, never a Kubernetes object, a template or a pipeline.
_FIRST_CONTENT = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:#[^\n]*|%[^\n]*|---[ \t]*)?\r?\n)*")


def _top_level_list(head: bytes) -> bool:
    rest = head[_FIRST_CONTENT.match(head).end():]  # type: ignore[union-attr]
    return rest.startswith((b"- ", b"-\n", b"-\r\n", b"[")) or rest == b"-"


#: A literal each Ansible pattern's match contains (the play's ``hosts``, a task's module).
_ANSIBLE_WORDS = (
    b"hosts", b"ansible.", b"community.", b"amazon.aws", b"kubernetes.core", b"include_",
    b"import_",
)  # fmt: skip


def _is_ansible(head: bytes) -> bool:
    if not any(word in head for word in _ANSIBLE_WORDS):
        return False
    return _ANSIBLE_PLAY.search(head) is not None or _ANSIBLE_TASK.search(head) is not None


# An Azure pipeline under a name its path does not settle (`.pipelines/ci.yml`,
# `eng/pipelines/pr.yml`): a top-level pipeline key (`trigger`, `pr`, `pool`, `parameters`,
# ...), top-level work, and a marker no other CI system writes (`- task: Name@N`, `vmImage:`,
# a `template:` file, `$(Build.*)`-style predefined variables, `${{ parameters.x }}`). Drone
# and Woodpecker have top-level `trigger:` and `steps:` but no marker; a GitLab file's
# `include: - template:` and the top-level keys of Kubernetes, GitHub, GitLab, CircleCI and
# Compose files refuse the file outright.
_AZP_TOP = re.compile(
    rb"(?m)^(?:trigger|pr|pool|parameters|variables|resources|schedules)[ \t]*:"
)
_AZP_WORK = re.compile(rb"(?m)^(?:steps|jobs|stages|extends)[ \t]*:")
_AZP_MARKER = re.compile(
    rb"(?m)^[ \t]*-?[ \t]*(?:task[ \t]*:[ \t]*['\"]?[A-Za-z][\w.-]*@\d+|vmImage[ \t]*:"
    rb"|template[ \t]*:[ \t]*['\"]?[^\s'\"#]+\.ya?ml\b)"
    rb"|\$\((?:Build|System|Agent|Pipeline)\.\w|\$\{\{[ \t]*parameters\."
)
_AZP_OTHER = re.compile(
    rb"(?m)^(?:apiVersion|kind|on|\"on\"|'on'|runs-on|image|include|services|workflow|"
    rb"workflows|default|version|orbs)[ \t]*:"
)


def _is_azure_pipeline(head: bytes) -> bool:
    return bool(
        _AZP_TOP.search(head)
        and _AZP_WORK.search(head)
        and _AZP_MARKER.search(head)
        and not _AZP_OTHER.search(head)
    )


def _yml(*stems: str) -> tuple[str, ...]:
    """Each glob stem with both YAML suffixes."""
    return tuple(f"{stem}.{ext}" for stem in stems for ext in ("yml", "yaml"))


_K = FileKind

#: One row per kind. Rows are in the order their globs are tried, and the first glob that
#: matches wins, so the specific paths (``.github/workflows/``, ``jenkinsfile*``) come before
#: the general ones (``*.py``, ``templates/*.yaml``, ``values*.yaml``); sniffs run in this order
#: too (CloudFormation before Kubernetes before Ansible). Names are exact and never overlap.
KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        _K.GITHUB_ACTIONS,
        ".github/workflows/example.yml",
        globs=(*_yml("**/.github/workflows/*"), *_yml("**/action")),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.CIRCLECI,
        ".circleci/config.yml",
        globs=_yml("**/.circleci/config"),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.AZURE_PIPELINES,
        "azure-pipelines.yml",
        # `azure-pipeline*` takes the singular too (`build/azure-pipeline.pr.yml`); the
        # `.azure-pipelines/` directory and `.vsts-ci.yml` are Azure's own names. Directories
        # other tools use as well (`.pipelines/`, `eng/pipelines/`) are left to the sniff, and
        # their templates to the pre-pass (`scanner.project.azure_templates`).
        globs=_yml("**/azure-pipeline*", "**/.azure-pipelines/*", "**/.vsts-ci"),
        sniff=_is_azure_pipeline,
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.GITLAB_CI,
        ".gitlab-ci.yml",
        names=_yml(".gitlab-ci"),
        globs=(*_yml("**/*.gitlab-ci"), *_yml("**/.gitlab/ci/*")),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.MCP,
        ".mcp.json",
        names=("mcp.json", ".mcp.json", "claude_desktop_config.json"),
        globs=("**/.cursor/mcp.json", "**/.vscode/mcp.json"),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.DEVCONTAINER,
        ".devcontainer/devcontainer.json",
        names=(".devcontainer.json",),
        globs=("**/.devcontainer/*.json",),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.JENKINSFILE,
        "Jenkinsfile",
        # Pipeline scripts kept as `.groovy` where only Jenkins reads them: a `.jenkins/`
        # directory anywhere, a shared library's global steps (`vars/`, flat, anywhere: a
        # library in a monorepo part or scanned from above) and a root `jenkins/` directory
        # (only there: `src/main/resources/jenkins/` is Jenkins core's own Groovy). Other
        # `.groovy` files stay text: their head is not sniffed for `pipeline {`.
        globs=(
            "**/jenkinsfile*",
            "**/*.jenkinsfile",
            "jenkins/*.groovy",
            "**/.jenkins/*.groovy",
            "**/vars/[!/]*.groovy",
        ),
        comments="groovy",
    ),
    KindSpec(
        _K.TERRAFORM,
        "infra/main.tf",
        globs=("**/*.tf", "**/*.tfvars", "**/*.tf.json", "**/*.tfvars.json"),
        syntax="hcl",  # a `.tf.json` is JSON: see syntax_of
        comments="hcl",
    ),
    KindSpec(
        _K.DOCKERFILE,
        "Dockerfile",
        names=("containerfile",),
        globs=("**/dockerfile*", "**/*.dockerfile", "**/containerfile*"),
        comments="dockerfile",
    ),
    KindSpec(
        _K.COMPOSE,
        "docker-compose.yml",
        globs=_yml("**/docker-compose*", "**/compose*"),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.DOTENV,
        ".env",
        names=(".env",),
        globs=("**/.env.*", "**/*.env"),
        comments="dotenv",
    ),
    KindSpec(
        _K.CLOUDFORMATION,
        "infra/template.yaml",
        sniff=_is_cloudformation,
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.IAM_POLICY,
        "iam/trust-policy.json",
        sniff=_is_iam_trust_policy,
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.KUBECONFIG,
        "kubeconfig",
        names=("kubeconfig",),
        globs=("**/.kube/config",),
        sniff=_is_kubeconfig,
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.KUBERNETES,
        "k8s/deployment.yaml",
        # kustomize's own file names: a kustomization need not carry `apiVersion`/`kind`.
        names=(*_yml("kustomization"), "kustomization"),
        sniff=_is_kubernetes,
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.PYTHON,
        "app/example.py",
        globs=("**/*.py", "**/*.pyi"),
        interpreters=re.compile(r"^(?:python|pypy)[\d.]*$"),
        syntax="python",
        comments="python",
    ),
    KindSpec(
        _K.SHELL,
        "scripts/deploy.sh",
        names=("makefile", "gnumakefile"),
        globs=("**/*.sh", "**/*.bash", "**/*.zsh", "**/*.mk"),
        interpreters=re.compile(r"^(?:sh|bash|zsh|dash|ksh|ash)$"),
        comments="shell",
    ),
    KindSpec(
        _K.HELM,
        "chart/values.yaml",
        names=("chart.yaml",),
        # The values files and templates of a chart directory.
        globs=(*_yml("**/templates/*"), "**/templates/*.tpl", *_yml("**/values*")),
        syntax="yaml",
        comments="helm",
        yields_to=(_K.CLOUDFORMATION,),
    ),
    KindSpec(
        _K.ANSIBLE,
        "playbooks/site.yml",
        # The conventional layout of playbooks and roles, inventory variables (`group_vars/`,
        # `host_vars/`: a file per group or host, YAML with or without a suffix, or a
        # directory of them), role variables, loose task and handler files; then a play's
        # `- hosts:` or a task list of Ansible modules in the head. A Kubernetes object, a
        # CloudFormation template or an Azure pipeline in `tasks/` is what its content says.
        globs=(
            *_yml("**/playbooks/*", "**/roles/*/tasks/*", "**/roles/*/handlers/*"),
            *_yml("**/group_vars/*", "**/host_vars/*"),
            "**/group_vars/[!/.]*", "**/group_vars/[!/]*/[!/.]*",
            "**/host_vars/[!/.]*", "**/host_vars/[!/]*/[!/.]*",
            *_yml("**/roles/*/vars/*", "**/roles/*/defaults/*"),
            *_yml("**/tasks/[!/]*", "**/handlers/[!/]*"),
        ),
        sniff=_is_ansible,
        yields_to=(_K.CLOUDFORMATION, _K.KUBERNETES, _K.AZURE_PIPELINES),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.SERVERLESS,
        "serverless.yml",
        names=_yml("serverless"),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.PULUMI,
        "Pulumi.prod.yaml",
        names=_yml("pulumi"),
        globs=("**/pulumi.[!/]*.yaml", "**/pulumi.[!/]*.yml"),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(
        _K.BITBUCKET,
        "bitbucket-pipelines.yml",
        names=_yml("bitbucket-pipelines"),
        syntax="yaml",
        comments="yaml",
    ),
    KindSpec(_K.TEXT, "config/settings.txt"),
)

#: Each kind's row.
SPECS: dict[FileKind, KindSpec] = {spec.kind: spec for spec in KINDS}

#: Kinds whose content is YAML (or JSON, which the YAML composer reads with positions).
YAML_KINDS: frozenset[FileKind] = frozenset(s.kind for s in KINDS if s.syntax == "yaml")

#: Kinds whose files hold shell commands that CI command rules (``LLC-CI-*``) read: every CI
#: system's configuration, shell scripts and Makefiles (``SHELL``), and Dockerfiles, whose
#: ``RUN`` instructions are shell run into an image layer.
COMMAND_KINDS: frozenset[FileKind] = frozenset(
    {
        FileKind.GITHUB_ACTIONS,
        FileKind.GITLAB_CI,
        FileKind.CIRCLECI,
        FileKind.AZURE_PIPELINES,
        FileKind.BITBUCKET,
        FileKind.JENKINSFILE,
        FileKind.SHELL,
        FileKind.DOCKERFILE,
    }
)

#: Only files with these suffixes are sniffed: the markers mean something in YAML and JSON only.
SNIFFED_SUFFIXES = (".yml", ".yaml", ".json", ".template")

_BASENAMES: dict[str, FileKind] = {name: spec.kind for spec in KINDS for name in spec.names}
_PATH_GLOBS: tuple[tuple[str, FileKind], ...] = tuple(
    (glob, spec.kind) for spec in KINDS for glob in spec.globs
)
_INTERPRETERS = tuple((s.interpreters, s.kind) for s in KINDS if s.interpreters is not None)
_SNIFFS = tuple((s.sniff, s.kind) for s in KINDS if s.sniff is not None)
_SHEBANG = re.compile(rb"\A#![ \t]*(?:/usr/bin/env[ \t]+(?:-S[ \t]+)?)?(?:\S*/)?(\w+)")


def _check_table() -> None:
    """A second row for a kind, or a name in two rows, would silently shadow the other."""
    if len(SPECS) != len(KINDS) or set(SPECS) != set(FileKind):
        raise ValueError("KINDS needs exactly one row per FileKind")
    names = [name for spec in KINDS for name in spec.names]
    if len(set(names)) != len(names) or any(n != n.lower() for n in names):
        raise ValueError("KINDS names must be lower-case and in one row each")


_check_table()


def _glob_regex(pattern: str) -> str:
    """fnmatch semantics (``*`` crosses ``/``); a ``**/`` prefix also matches at the root, and
    ``[!/]*`` stays within one path segment (a flat directory: a library's ``vars/``), and
    ``[!/.]*`` within one segment without a dot (a file with no suffix: ``group_vars/all``)."""
    prefix = ""
    if pattern.startswith("**/"):
        prefix, pattern = "(?:.*/)?", pattern[3:]
    parts = _SEGMENT.split(pattern)
    return prefix + "".join(
        fnmatch.translate(part)[4:-3] if i % 2 == 0 else ("[^/.]*" if part else "[^/]*")
        for i, part in enumerate(parts)
    )


_SEGMENT = re.compile(r"\[!/(\.?)\]\*")


@lru_cache(maxsize=1)
def _path_regex() -> re.Pattern[str]:
    """All path globs in one alternation, tried once per file: the first that matches wins, as
    in the table (``lastgroup`` names the group). About 40x faster than one fnmatch call per
    glob; compiled on the first ``classify`` (5-10 ms), which a warm scan never makes."""
    return re.compile(
        "|".join(f"(?P<g{i}>{_glob_regex(p)})\\Z" for i, (p, _) in enumerate(_PATH_GLOBS)),
        re.DOTALL,
    )


def classify(
    path: str,
    head: bytes = b"",
    decided: Mapping[str, FileKind] | Collection[str] = (),
) -> FileKind:
    """Return the kind of the file at relative ``path`` whose first bytes are ``head``.

    ``decided`` holds the paths whose kind another file settles (``ProjectFacts.kinds``); a
    plain collection of paths stands for the local files a root ``.gitlab-ci.yml`` includes,
    which are GitLab CI whatever their name. Every text file gets a kind (at least ``text``);
    binary detection is the job of discovery, not of this function.
    """
    rel = path.replace("\\", "/")
    while rel.startswith("./"):
        rel = rel[2:]
    if decided:
        if isinstance(decided, Mapping):
            settled = decided.get(rel)
            if settled is not None:
                return settled
        elif rel in decided:
            return FileKind.GITLAB_CI
    lowered = rel.lower()
    base = lowered.rstrip("/").rsplit("/", 1)[-1]  # PurePosixPath(lowered).name, 3x cheaper
    if base == "." or "/./" in lowered:
        base = PurePosixPath(lowered).name  # the one spelling where they differ
    kind = _BASENAMES.get(base)
    if kind is not None:
        return kind
    match = _path_regex().match(lowered)
    if match is not None and match.lastgroup is not None:
        kind = _PATH_GLOBS[int(match.lastgroup[1:])][1]
        if head and base.endswith(SNIFFED_SUFFIXES) and not _top_level_list(head):
            for other in SPECS[kind].yields_to:
                sniff = SPECS[other].sniff
                if sniff is not None and sniff(head):
                    return other
        return kind
    shebang = _SHEBANG.match(head)
    if shebang is not None and "." not in base:
        interpreter = shebang.group(1).decode("ascii", "replace")
        for pattern, interpreted in _INTERPRETERS:
            if pattern.match(interpreter):
                return interpreted
    if base.endswith(SNIFFED_SUFFIXES):
        for sniff, sniffed in _SNIFFS:
            if sniff(head):
                return sniffed
    return FileKind.TEXT


def syntax_of(kind: FileKind, path: str) -> str:
    """The floor-1 syntax of a file of ``kind`` at ``path``: its row's, except that a JSON file
    of an HCL kind (``main.tf.json``) is JSON, which the YAML composer reads with positions."""
    syntax = SPECS[kind].syntax
    if syntax == "hcl" and path.lower().endswith(".json"):
        return "yaml"
    return syntax
