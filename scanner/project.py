"""The project pre-pass: file kinds that other files of the tree decide, computed once per scan.

A file's kind is mostly its own path and first bytes (``filekinds.classify``), but not always:
a GitLab CI file may have any name once the root ``.gitlab-ci.yml`` includes it, an Azure
Pipelines template once a pipeline names it in ``template:`` (and, to come,
a chart directory's ``Chart.yaml`` makes its ``templates/`` Helm, a ``Pulumi.yaml`` makes its
stack files Pulumi). ``survey`` reads those deciding files once, before any file is scanned, and
returns ``ProjectFacts``: small, immutable and picklable, so every worker process classifies
with the same facts, and the result cache is keyed by them (``cache_part``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner.discovery import MAX_AUX_FILE_SIZE, Refused, safe_read
from scanner.filekinds import FileKind, classify


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """What the pre-pass learnt: each path whose kind another file decides."""

    #: ``(relative path, kind)`` pairs, sorted by path, one per path.
    decided: tuple[tuple[str, FileKind], ...] = ()

    @property
    def kinds(self) -> dict[str, FileKind]:
        """``decided`` as the mapping ``classify`` reads (build it once, not per file)."""
        return dict(self.decided)

    def cache_part(self) -> str:
        """The facts as one string for the cache key: other facts, other findings."""
        return ",".join(f"{rel}={kind.value}" for rel, kind in self.decided)


def survey(root: Path, files: Iterable[str] = ()) -> ProjectFacts:
    """The facts of the tree at ``root``; ``files`` are the discovered relative paths.

    The GitLab includes come from the root file whether or not it is among ``files``: a
    pre-commit run that passes only an included file must still scan it as GitLab CI. Facts
    that the file list alone decides (chart directories) are to read ``files``.
    """
    files = tuple(files)  # read twice below: a generator would leave Azure with nothing
    decided: dict[str, FileKind] = {}
    for rel in sorted(gitlab_includes(root, files)):
        decided.setdefault(rel, FileKind.GITLAB_CI)
    for rel in sorted(azure_templates(root, files)):
        decided.setdefault(rel, FileKind.AZURE_PIPELINES)
    return ProjectFacts(tuple(sorted(decided.items())))


#: Bound on the ``.gitlab-ci.yml`` files read for includes (a tree of vendored projects).
MAX_GITLAB_FILES = 200


def gitlab_includes(root: Path, files: Iterable[str] = ()) -> frozenset[str]:
    """Local files a ``.gitlab-ci.yml`` includes: they are GitLab CI too.

    The root's file is read whether or not it is among ``files``; a ``.gitlab-ci.yml`` deeper
    in the tree (a vendored project, a monorepo part scanned from the top) is its own
    project's root, so its ``local:`` paths are relative to its directory.
    """
    roots = [".gitlab-ci.yml"]
    roots += sorted(
        rel for rel in files
        if posixpath.basename(rel) in (".gitlab-ci.yml", ".gitlab-ci.yaml") and "/" in rel
    )[:MAX_GITLAB_FILES]
    out: set[str] = set()
    for ci_file in roots:
        # Read through the same checks as every scanned file: a FIFO or a link to /dev/zero
        # of that name must neither block the scan nor fill memory.
        data = safe_read(root / ci_file, MAX_AUX_FILE_SIZE, root=root)
        if isinstance(data, Refused):
            continue
        base = posixpath.dirname(ci_file)
        for line in data.decode("utf-8", errors="replace").splitlines():
            stripped = line.strip().lstrip("-").strip()
            if stripped.startswith("local:"):
                stripped = stripped[len("local:") :].strip()
            value = stripped.strip("'\"")
            if value.endswith((".yml", ".yaml")) and " " not in value and ":" not in value:
                target = posixpath.normpath(posixpath.join(base, value.lstrip("/")))
                if not target.startswith("../") and target not in ("..", "."):
                    out.add(target)
    return frozenset(out)


#: ``template: path.yml`` (a step, job, stage, variables or ``extends`` template), with the
#: path quoted or not; ``path@self`` is this repository, ``path@repo`` another one (left out,
#: as are ``${{ }}`` paths).
_AZURE_TEMPLATE = re.compile(
    r"^\s*(?:-\s*)?template:\s*(['\"]?)([^\s'\"#@${}]+\.ya?ml)(?:@self)?\1\s*(?:#.*)?$"
)
#: Bound on the Azure files read for templates, so a tree of thousands cannot slow the pre-pass.
MAX_AZURE_FILES = 500
#: Bounds on the unsettled YAML files read to sniff an Azure pipeline: how many, and how large
#: (a pipeline is a few KiB; a large YAML file is data, and is not read at all).
MAX_AZURE_SNIFFED = 1000
MAX_AZURE_SNIFFED_SIZE = 64 * 1024
_HEAD = 8192  # what the engine's classify sees (engine.HEAD_BYTES)


def azure_templates(root: Path, files: Iterable[str] = ()) -> frozenset[str]:
    """Local template files that Azure pipelines reference: they are Azure Pipelines too.

    The pipelines are the root ``azure-pipelines.yml`` (read whether or not it is among
    ``files``, as for GitLab), every file its path makes Azure, and the YAML files the path
    leaves open whose head ``classify`` sniffs as a pipeline (``eng/pipelines/ci.yml``).
    A path is relative to the file that names it, or with a leading ``/`` to the repository
    root; templates naming templates are followed.
    """
    files = tuple(files)
    pending = [n for n in ("azure-pipelines.yml", "azure-pipelines.yaml") if (root / n).is_file()]
    unsettled: list[str] = []
    for rel in files:
        if not rel.lower().endswith((".yml", ".yaml")):
            continue  # every Azure file is YAML; classifying all paths costs 12 us each
        kind = classify(rel)
        if kind is FileKind.AZURE_PIPELINES:
            pending.append(rel)
        elif kind is FileKind.TEXT:
            unsettled.append(rel)
    # Within the bound, the paths that say "pipeline" first (`eng/pipelines/`, `.pipelines/`).
    unsettled.sort(key=lambda rel: "pipeline" not in rel.lower())
    for rel in unsettled[:MAX_AZURE_SNIFFED]:
        data = safe_read(root / rel, MAX_AZURE_SNIFFED_SIZE, root=root)
        if isinstance(data, Refused):
            continue
        if classify(rel, data[:_HEAD]) is FileKind.AZURE_PIPELINES:
            pending.append(rel)
    present = frozenset(posixpath.normpath(f.replace("\\", "/")) for f in files)
    seen: set[str] = set()
    out: set[str] = set()
    while pending and len(seen) < MAX_AZURE_FILES:
        rel = posixpath.normpath(pending.pop().replace("\\", "/"))
        if rel in seen:
            continue
        seen.add(rel)
        data = safe_read(root / rel, MAX_AUX_FILE_SIZE, root=root)
        if isinstance(data, Refused):
            continue
        for line in data.decode("utf-8", errors="replace").splitlines():
            match = _AZURE_TEMPLATE.match(line)
            if match is None:
                continue
            target = _azure_target(root, rel, match.group(2), present)
            if target is not None:
                out.add(target)
                pending.append(target)
    return frozenset(out)


def _azure_target(root: Path, rel: str, ref: str, present: frozenset[str]) -> str | None:
    """The root-relative path ``ref`` (named in ``rel``) points at, None outside the root.

    A leading ``/`` is the repository root, which is the scan root only when the repository
    is scanned from its top: a scan from a parent directory (a tree of checkouts, a monorepo
    part) puts it at the nearest directory above ``rel`` that holds the template, else at
    the scan root.
    """
    if ref.startswith("/"):
        tail = ref.lstrip("/")
        base = posixpath.dirname(rel)
        target = posixpath.normpath(tail)
        while base:
            candidate = posixpath.normpath(posixpath.join(base, tail))
            if candidate in present or (root / candidate).is_file():
                target = candidate
                break
            base = posixpath.dirname(base)
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), ref))
    if target.startswith("../") or target in ("..", "."):
        return None
    return target
