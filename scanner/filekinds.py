"""Decide what kind of file a path is, so that only the rules for that kind run on it.

``classify`` is pure and table-driven: the path decides first, then the first bytes (``head``)
where the path is ambiguous (a YAML file may be CloudFormation, Kubernetes or nothing special).
Every text file is scanned whatever its kind; the kind only adds structured rules on top.
"""

from __future__ import annotations

import enum
import fnmatch
import re
from collections.abc import Iterable
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
    KUBERNETES = "kubernetes"
    HELM = "helm"
    KUBECONFIG = "kubeconfig"
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    DEVCONTAINER = "devcontainer"
    ANSIBLE = "ansible"
    SERVERLESS = "serverless"
    MCP = "mcp"
    DOTENV = "dotenv"
    SHELL = "shell"
    TEXT = "text"


ALL_KINDS: frozenset[FileKind] = frozenset(FileKind)

#: Kinds whose content is YAML (or JSON, which the YAML composer reads with positions).
YAML_KINDS: frozenset[FileKind] = frozenset(
    {
        FileKind.GITHUB_ACTIONS,
        FileKind.GITLAB_CI,
        FileKind.CIRCLECI,
        FileKind.AZURE_PIPELINES,
        FileKind.BITBUCKET,
        FileKind.CLOUDFORMATION,
        FileKind.KUBERNETES,
        FileKind.HELM,
        FileKind.KUBECONFIG,
        FileKind.COMPOSE,
        FileKind.DEVCONTAINER,
        FileKind.ANSIBLE,
        FileKind.SERVERLESS,
        FileKind.MCP,
    }
)

# Exact basenames (lower-cased) that settle the kind by themselves.
_BASENAMES: dict[str, FileKind] = {
    ".gitlab-ci.yml": FileKind.GITLAB_CI,
    ".gitlab-ci.yaml": FileKind.GITLAB_CI,
    "bitbucket-pipelines.yml": FileKind.BITBUCKET,
    "bitbucket-pipelines.yaml": FileKind.BITBUCKET,
    "serverless.yml": FileKind.SERVERLESS,
    "serverless.yaml": FileKind.SERVERLESS,
    "mcp.json": FileKind.MCP,
    ".mcp.json": FileKind.MCP,
    "claude_desktop_config.json": FileKind.MCP,
    "makefile": FileKind.SHELL,
    "gnumakefile": FileKind.SHELL,
    "containerfile": FileKind.DOCKERFILE,
    ".devcontainer.json": FileKind.DEVCONTAINER,
    "chart.yaml": FileKind.HELM,
    "kubeconfig": FileKind.KUBECONFIG,
    ".env": FileKind.DOTENV,
}

# Glob patterns on the whole relative path (lower-cased, ``/``-separated), first match wins.
# ``**/`` prefixes also match at the root (see ``_glob``).
_PATH_GLOBS: tuple[tuple[str, FileKind], ...] = (
    ("**/.github/workflows/*.yml", FileKind.GITHUB_ACTIONS),
    ("**/.github/workflows/*.yaml", FileKind.GITHUB_ACTIONS),
    ("**/action.yml", FileKind.GITHUB_ACTIONS),
    ("**/action.yaml", FileKind.GITHUB_ACTIONS),
    ("**/.circleci/config.yml", FileKind.CIRCLECI),
    ("**/.circleci/config.yaml", FileKind.CIRCLECI),
    ("**/azure-pipelines*.yml", FileKind.AZURE_PIPELINES),
    ("**/azure-pipelines*.yaml", FileKind.AZURE_PIPELINES),
    ("**/*.gitlab-ci.yml", FileKind.GITLAB_CI),
    ("**/*.gitlab-ci.yaml", FileKind.GITLAB_CI),
    ("**/.gitlab/ci/*.yml", FileKind.GITLAB_CI),
    ("**/.gitlab/ci/*.yaml", FileKind.GITLAB_CI),
    ("**/.cursor/mcp.json", FileKind.MCP),
    ("**/.vscode/mcp.json", FileKind.MCP),
    ("**/.devcontainer/*.json", FileKind.DEVCONTAINER),
    ("**/jenkinsfile*", FileKind.JENKINSFILE),
    ("**/*.jenkinsfile", FileKind.JENKINSFILE),
    ("**/*.tf", FileKind.TERRAFORM),
    ("**/*.tfvars", FileKind.TERRAFORM),
    ("**/*.tf.json", FileKind.TERRAFORM),
    ("**/*.tfvars.json", FileKind.TERRAFORM),
    ("**/dockerfile*", FileKind.DOCKERFILE),
    ("**/*.dockerfile", FileKind.DOCKERFILE),
    ("**/containerfile*", FileKind.DOCKERFILE),
    ("**/docker-compose*.yml", FileKind.COMPOSE),
    ("**/docker-compose*.yaml", FileKind.COMPOSE),
    ("**/compose*.yml", FileKind.COMPOSE),
    ("**/compose*.yaml", FileKind.COMPOSE),
    ("**/.env.*", FileKind.DOTENV),
    ("**/*.env", FileKind.DOTENV),
    ("**/.kube/config", FileKind.KUBECONFIG),
    ("**/*.py", FileKind.PYTHON),
    ("**/*.pyi", FileKind.PYTHON),
    ("**/*.sh", FileKind.SHELL),
    ("**/*.bash", FileKind.SHELL),
    ("**/*.zsh", FileKind.SHELL),
    ("**/*.mk", FileKind.SHELL),
    # Helm: values files and templates of a chart directory.
    ("**/templates/*.yaml", FileKind.HELM),
    ("**/templates/*.yml", FileKind.HELM),
    ("**/templates/*.tpl", FileKind.HELM),
    ("**/values*.yaml", FileKind.HELM),
    ("**/values*.yml", FileKind.HELM),
    # Ansible: the conventional layout of playbooks and roles.
    ("**/playbooks/*.yml", FileKind.ANSIBLE),
    ("**/playbooks/*.yaml", FileKind.ANSIBLE),
    ("**/roles/*/tasks/*.yml", FileKind.ANSIBLE),
    ("**/roles/*/tasks/*.yaml", FileKind.ANSIBLE),
    ("**/roles/*/handlers/*.yml", FileKind.ANSIBLE),
    ("**/roles/*/handlers/*.yaml", FileKind.ANSIBLE),
)

_SHEBANG = re.compile(rb"\A#![ \t]*(?:/usr/bin/env[ \t]+(?:-S[ \t]+)?)?(?:\S*/)?(\w+)")
_PY_INTERPRETER = re.compile(r"^(?:python|pypy)[\d.]*$")
_SH_INTERPRETER = frozenset({"sh", "bash", "zsh", "dash", "ksh", "ash"})

# Content markers for YAML and JSON files the path alone does not settle.
_CFN_VERSION = re.compile(rb"[\"']?AWSTemplateFormatVersion[\"']?\s*:")
_CFN_RESOURCE_TYPE = re.compile(rb"[\"']?Type[\"']?\s*:\s*[\"']?(?:AWS|Alexa)::")
_SAM_TRANSFORM = re.compile(rb"Transform[\"']?\s*:\s*[\"']?AWS::Serverless")
# A key at a line start (YAML, pretty JSON) or after `{`/`,` (compact JSON, flow YAML).
_K8S_API_VERSION = re.compile(rb"(?m)(?:^|[{,])[ \t]*[\"']?apiVersion[\"']?\s*:")
_K8S_KIND = re.compile(rb"(?m)(?:^|[{,])[ \t]*[\"']?kind[\"']?\s*:\s*[\"']?(\w+)")
_ANSIBLE_PLAY = re.compile(rb"(?m)^-[ \t]+(?:name:.*\n[ \t]+)?hosts[ \t]*:")

_STRUCTURED_EXT = (".yml", ".yaml", ".json", ".template")


def _glob_regex(pattern: str) -> str:
    """fnmatch semantics (``*`` crosses ``/``); a ``**/`` prefix also matches at the root."""
    if pattern.startswith("**/"):
        return "(?:.*/)?" + fnmatch.translate(pattern[3:])[4:-3]
    return fnmatch.translate(pattern)[4:-3]


# All path globs in one alternation, tried once per file: the first that matches wins, as in
# the table (``lastindex`` names the group). About 40x faster than one fnmatch call per glob.
_PATH_REGEX = re.compile(
    "|".join(f"(?P<g{i}>{_glob_regex(p)})\\Z" for i, (p, _) in enumerate(_PATH_GLOBS)),
    re.DOTALL,
)


def classify(
    path: str,
    head: bytes = b"",
    gitlab_includes: Iterable[str] = (),
) -> FileKind:
    """Return the kind of the file at relative ``path`` whose first bytes are ``head``.

    ``gitlab_includes`` are the local files a root ``.gitlab-ci.yml`` includes: they are GitLab CI
    whatever their name. Every text file gets a kind (at least ``text``); binary detection is
    the job of discovery, not of this function.
    """
    rel = path.replace("\\", "/")
    while rel.startswith("./"):
        rel = rel[2:]
    lowered = rel.lower()
    if gitlab_includes and rel in set(gitlab_includes):
        return FileKind.GITLAB_CI
    base = PurePosixPath(lowered).name
    kind = _BASENAMES.get(base)
    if kind is not None:
        return kind
    match = _PATH_REGEX.match(lowered)
    if match is not None and match.lastgroup is not None:
        return _PATH_GLOBS[int(match.lastgroup[1:])][1]
    shebang = _SHEBANG.match(head)
    if shebang is not None and "." not in base:
        interpreter = shebang.group(1).decode("ascii", "replace")
        if _PY_INTERPRETER.match(interpreter):
            return FileKind.PYTHON
        if interpreter in _SH_INTERPRETER:
            return FileKind.SHELL
    if base.endswith(_STRUCTURED_EXT):
        return _classify_structured(head)
    return FileKind.TEXT


def _classify_structured(head: bytes) -> FileKind:
    if _CFN_VERSION.search(head) or _SAM_TRANSFORM.search(head) or _CFN_RESOURCE_TYPE.search(head):
        return FileKind.CLOUDFORMATION
    kind_match = _K8S_KIND.search(head)
    if kind_match is not None and _K8S_API_VERSION.search(head):
        if kind_match.group(1) == b"Config":
            return FileKind.KUBECONFIG
        return FileKind.KUBERNETES
    if _ANSIBLE_PLAY.search(head):
        return FileKind.ANSIBLE
    return FileKind.TEXT
