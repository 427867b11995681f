"""Real git repositories for tests: one way to run git, isolated from the user's config.

Several test modules build repositories (discovery, repo-root paths, skips, hostile trees);
they share these helpers so that every one runs git the same way: no user or system config,
no signing prompt, a fixed branch name, local submodule clones allowed, stdin closed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

_GIT = (
    "git",
    "-c", "user.name=t",
    "-c", "user.email=t@example.invalid",
    "-c", "commit.gpgsign=false",
    "-c", "init.defaultBranch=main",
    "-c", "protocol.file.allow=always",
)  # fmt: skip


def git(cwd: Path, *args: str) -> None:
    """Run git in ``cwd``; a failure fails the test with git's own output."""
    subprocess.run(
        [*_GIT, *args], cwd=cwd, check=True, capture_output=True, stdin=subprocess.DEVNULL
    )


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "c")


def isolate_git(monkeypatch: pytest.MonkeyPatch, ceiling: Path, cwd: Path) -> None:
    """No repository at or above ``ceiling`` counts and no user or system git config leaks
    in; the test then runs in ``cwd``."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(ceiling))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.chdir(cwd)
