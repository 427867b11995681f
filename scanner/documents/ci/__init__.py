"""CI configurations as one model (``model.py``), with one loader per CI system.

``LOADERS`` is the only place that knows which file kind a loader reads, and from which
floor-1 document (``yaml`` for the YAML systems; ``text`` for Jenkinsfiles, shell scripts and
Makefiles, which their loaders parse themselves): adding a CI system is a loader module that
builds a ``Pipeline`` and one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scanner.documents.ci import (
    azure,
    bitbucket,
    circleci,
    docker,
    github,
    gitlab,
    jenkins,
    shellfiles,
)
from scanner.documents.ci.azure import AzurePipeline, VariableGroup
from scanner.documents.ci.github import GithubWorkflow
from scanner.documents.ci.gitlab import GitlabJob
from scanner.documents.ci.model import (
    Command,
    Entry,
    Federation,
    Job,
    Pipeline,
    Script,
    Step,
    ValueKind,
)
from scanner.documents.yaml import YamlDocument
from scanner.filekinds import FileKind


@dataclass(frozen=True, slots=True)
class Loader:
    """How one CI system's files become a pipeline.

    ``document`` names the floor-1 document the loader is given (``scanner.documents.BUILDERS``:
    a ``YamlDocument`` for ``yaml``, a ``TextDocument`` for ``text``); ``load`` returns None
    when the file holds no pipeline (a YAML list, an empty Jenkinsfile).
    """

    document: str
    load: Callable[[Any], Pipeline | None]


#: File kind -> its loader.
LOADERS: dict[FileKind, Loader] = {
    FileKind.GITHUB_ACTIONS: Loader("yaml", github.load),
    FileKind.CIRCLECI: Loader("yaml", circleci.load),
    FileKind.BITBUCKET: Loader("yaml", bitbucket.load),
    FileKind.GITLAB_CI: Loader("yaml", gitlab.load),
    FileKind.AZURE_PIPELINES: Loader("yaml", azure.load),
    FileKind.JENKINSFILE: Loader("text", jenkins.load),
    FileKind.SHELL: Loader("text", shellfiles.load),
    FileKind.DOCKERFILE: Loader("text", docker.load),
}


def load_pipeline(kind: FileKind, doc: YamlDocument) -> Pipeline | None:
    """The pipeline of a YAML CI file, or None for a kind no YAML loader reads."""
    loader = LOADERS.get(kind)
    if loader is None or loader.document != "yaml":
        return None
    return loader.load(doc)


__all__ = [
    "LOADERS",
    "AzurePipeline",
    "Command",
    "Entry",
    "Federation",
    "GithubWorkflow",
    "GitlabJob",
    "Job",
    "Loader",
    "Pipeline",
    "Script",
    "Step",
    "ValueKind",
    "VariableGroup",
    "load_pipeline",
]
