"""The project pre-pass: file kinds that other files of the tree decide, computed once per scan.

A file's kind is mostly its own path and first bytes (``filekinds.classify``), but not always:
a GitLab CI file may have any name once the root ``.gitlab-ci.yml`` includes it (and, to come,
a chart directory's ``Chart.yaml`` makes its ``templates/`` Helm, a ``Pulumi.yaml`` makes its
stack files Pulumi). ``survey`` reads those deciding files once, before any file is scanned, and
returns ``ProjectFacts``: small, immutable and picklable, so every worker process classifies
with the same facts, and the result cache is keyed by them (``cache_part``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner.discovery import MAX_AUX_FILE_SIZE, Refused, safe_read
from scanner.filekinds import FileKind


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
    decided: dict[str, FileKind] = {}
    for rel in sorted(gitlab_includes(root)):
        decided.setdefault(rel, FileKind.GITLAB_CI)
    return ProjectFacts(tuple(sorted(decided.items())))


def gitlab_includes(root: Path) -> frozenset[str]:
    """Local files the root ``.gitlab-ci.yml`` includes: they are GitLab CI too."""
    # Read through the same checks as every scanned file: a FIFO or a link to /dev/zero of
    # that name must neither block the scan nor fill memory (discovery reports it as skipped).
    data = safe_read(root / ".gitlab-ci.yml", MAX_AUX_FILE_SIZE, root=root)
    if isinstance(data, Refused):
        return frozenset()
    text = data.decode("utf-8", errors="replace")
    out = set()
    for line in text.splitlines():
        stripped = line.strip().lstrip("-").strip()
        if stripped.startswith("local:"):
            stripped = stripped[len("local:") :].strip()
        value = stripped.strip("'\"")
        if value.endswith((".yml", ".yaml")) and " " not in value and ":" not in value:
            out.add(value.lstrip("/"))
    return frozenset(out)
