"""Where a scan is anchored: the scan root every reported path is relative to, and the config
file that applies to the scanned paths.

Kept out of :mod:`scanner.cli` (options in, exit code out) and out of :mod:`scanner.pipeline`
(which is handed a root through its config): deciding the root and finding the config is a
question about the paths and the git work trees around them, asked before any scan starts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from scanner.config import config_and_top
from scanner.discovery import resolve_path
from scanner.git import MAX_SUBMODULE_DEPTH, repository_root


def scan_root(paths: Sequence[Path]) -> Path:
    """The folder every reported path (text, JSON, GitHub, SARIF, baseline) is relative to.

    Inside a git work tree it is the repository's top (the outermost one: a submodule's files
    are the superproject's ``sub/...``), whatever the working directory: a baseline made at the
    root then matches a scan run from ``app/``, and SARIF URIs map onto the repository. Outside
    git: the working directory when everything given is inside it, else the given paths'
    common parent. Paths are resolved without failing on a symbolic link loop.
    """
    resolved = [resolve_path(p) for p in paths]
    common = common_dir(resolved)
    top = repository_root(common)
    if top is not None:
        top = resolve_path(top)
        if all(p == top or top in p.parents for p in resolved):
            return top
    cwd = Path.cwd().resolve()
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    return common


def common_dir(paths: Sequence[Path]) -> Path:
    """The deepest folder holding every path (resolved here, so a loop is not an error)."""
    resolved = [resolve_path(p) for p in paths]
    dirs = [p if p.is_dir() else p.parent for p in resolved]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def nearest_config(start: Path, root: Path) -> Path | None:
    """``find_config``, carried on across submodule boundaries up to ``root``.

    ``find_config`` stops at the git top level of ``start``; inside a submodule that is the
    submodule's, while the scan root (and the config a scan from the root would use) is the
    superproject's. The search goes on from the submodule's parent folder, never above root.
    """
    here, top_root = start, resolve_path(root)
    for _ in range(MAX_SUBMODULE_DEPTH + 1):
        found, top = config_and_top(here, root)
        if found is not None:
            return found
        if top is None:
            return None
        top = resolve_path(top)
        if top == top_root or top_root not in top.parents:
            return None
        here = top.parent
    return None
