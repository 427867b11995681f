"""CI configurations as one model (``model.py``), with one loader per CI system.

``LOADERS`` is the only place that knows which file kind a loader reads: adding a CI system is
a loader module that builds a ``Pipeline`` and one row here. GitHub Actions is the first.
"""

from __future__ import annotations

from collections.abc import Callable

from scanner.documents.ci import github
from scanner.documents.ci.github import GithubWorkflow
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

#: File kind -> the loader that builds its pipeline from the composed YAML.
LOADERS: dict[FileKind, Callable[[YamlDocument], Pipeline]] = {
    FileKind.GITHUB_ACTIONS: github.load,
}


def load_pipeline(kind: FileKind, doc: YamlDocument) -> Pipeline | None:
    """The pipeline of a CI file, or None for a kind no loader reads yet."""
    loader = LOADERS.get(kind)
    return loader(doc) if loader is not None else None


__all__ = [
    "LOADERS",
    "Command",
    "Entry",
    "Federation",
    "GithubWorkflow",
    "Job",
    "Pipeline",
    "Script",
    "Step",
    "ValueKind",
    "load_pipeline",
]
