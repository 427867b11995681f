"""Discovery: git file lists, the .gitignore walk, explicit files, symlinks, relative paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import git, isolate_git

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=51)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No git repository above tmp_path counts, and no user git config leaks in."""
    isolate_git(monkeypatch, tmp_path.parent, tmp_path)


def put(root: Path, rel: str, text: str | None = None) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"aws = {KEY}\n" if text is None else text, encoding="utf-8")
    return path


def scanned(*args: str) -> tuple[list[str], dict]:
    result = CliRunner().invoke(
        main,
        ["scan", "--select", "LLC-SRC-001", "--format", "json", *args],
        catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    doc = json.loads(result.stdout)
    return sorted({f["location"]["path"] for f in doc["findings"]}), doc


@needs_git
def test_git_work_tree_lists_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    put(tmp_path, ".gitignore", "ignored.txt\nbuild/\n*.log\n")
    put(tmp_path, "tracked.txt")
    put(tmp_path, "sub/tracked.txt")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "init")
    put(tmp_path, "untracked.txt")
    put(tmp_path, "ignored.txt")
    put(tmp_path, "build/out.txt")
    put(tmp_path, "sub/debug.log")
    assert scanned(".")[0] == ["sub/tracked.txt", "tracked.txt", "untracked.txt"]
    # A scan of a subfolder lists that folder only.
    assert scanned("sub")[0] == ["sub/tracked.txt"]


@needs_git
def test_git_listing_ignores_a_tracked_file_deleted_from_disk(tmp_path: Path) -> None:
    put(tmp_path, "kept.txt")
    put(tmp_path, "gone.txt")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "init")
    (tmp_path / "gone.txt").unlink()
    paths, doc = scanned(".")
    assert paths == ["kept.txt"]
    assert doc["errors"] == []


@needs_git
def test_git_tracked_file_matching_gitignore_is_still_scanned(tmp_path: Path) -> None:
    put(tmp_path, "forced.txt")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "init")
    put(tmp_path, ".gitignore", "forced.txt\n")  # ignored after the fact: git still tracks it
    assert scanned(".")[0] == ["forced.txt"]


def test_walk_outside_git_honours_root_gitignore_and_skips_dot_git(tmp_path: Path) -> None:
    put(tmp_path, ".gitignore", "secret.txt\ndist/\n*.bak\n!keep.bak\n")
    put(tmp_path, "a.txt")
    put(tmp_path, "secret.txt")
    put(tmp_path, "nested/secret.txt")
    put(tmp_path, "dist/bundle.txt")
    put(tmp_path, "x.bak")
    put(tmp_path, "keep.bak")
    put(tmp_path, ".git/config")  # not a repository: git refuses it, the walk skips it
    put(tmp_path, "sub/.git/objects/x")
    put(tmp_path, "__pycache__/m.txt")
    paths, _ = scanned(".")
    assert paths == ["a.txt", "keep.bak"]


@needs_git
def test_explicit_files_are_scanned_even_if_ignored(tmp_path: Path) -> None:
    put(tmp_path, ".gitignore", "ignored.txt\n")
    put(tmp_path, "tracked.txt", "nothing here\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "init")
    put(tmp_path, "ignored.txt")
    put(tmp_path, "new/untracked.txt")
    assert scanned(".")[0] == ["new/untracked.txt"]
    assert scanned("ignored.txt", "tracked.txt")[0] == ["ignored.txt"]


def test_config_exclude_applies_to_explicit_files(tmp_path: Path) -> None:
    put(tmp_path, "outlive.toml", 'exclude = ["fixtures/", "*.sample"]\n')
    put(tmp_path, "fixtures/creds.txt")
    put(tmp_path, "conf/app.sample")
    put(tmp_path, "conf/app.txt")
    # As pre-commit passes them: file names relative to the repository root.
    paths, _ = scanned("fixtures/creds.txt", "conf/app.sample", "conf/app.txt")
    assert paths == ["conf/app.txt"]
    assert scanned("./fixtures/creds.txt")[0] == []


def _symlink(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except OSError as exc:  # pragma: no cover - Windows without the privilege
        pytest.skip(f"cannot create symbolic links here: {exc}")


@pytest.mark.parametrize("in_git", [False, pytest.param(True, marks=needs_git)])
def test_symlinks_out_of_the_root_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool
) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    put(outside, "secret.txt")
    put(outside, "dir/secret.txt")
    put(root, "real.txt")
    put(root, "sub/inner.txt")
    _symlink(root / "link.txt", outside / "secret.txt")
    _symlink(root / "linkdir", outside / "dir")
    _symlink(root / "inside-link.txt", root / "sub/inner.txt")
    _symlink(root / "broken.txt", root / "nowhere.txt")
    if in_git:
        git(root, "init", "-q")
    monkeypatch.chdir(root)
    paths, doc = scanned(".")
    # A link inside the root is its target: scanned once, under the target's name.
    assert paths == ["real.txt", "sub/inner.txt"]
    notes = {e["path"]: e["message"] for e in doc["errors"]}
    assert "out of the scan root" in notes["link.txt"]
    assert "broken" in notes["broken.txt"]
    assert str(tmp_path) not in json.dumps(doc)


def test_output_paths_are_relative_with_slashes(tmp_path: Path) -> None:
    put(tmp_path, "a/b/c/deep.txt")
    put(tmp_path, "top.txt")
    for args in ([], ["."], ["a"], ["./a/b/c/deep.txt"], [str(tmp_path / "a")]):
        paths, doc = scanned(*args)
        assert all("\\" not in p and not p.startswith(("/", "./")) for p in paths), paths
        assert str(tmp_path) not in json.dumps(doc)
    assert scanned()[0] == ["a/b/c/deep.txt", "top.txt"]
    assert scanned("a")[0] == ["a/b/c/deep.txt"]
    assert scanned("./a/b/c/deep.txt")[0] == ["a/b/c/deep.txt"]
    assert scanned(str(tmp_path / "a"))[0] == ["a/b/c/deep.txt"]


def test_paths_relative_to_the_working_directory_from_a_subfolder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(tmp_path, "a/b/deep.txt")
    monkeypatch.chdir(tmp_path / "a")
    assert scanned(".")[0] == ["b/deep.txt"]
    assert scanned("b/deep.txt")[0] == ["b/deep.txt"]


def test_binary_and_oversized_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(b"\0\x01" + f"aws = {KEY}\n".encode())
    put(tmp_path, "big.txt", f"aws = {KEY}\n" + "x" * 4096)
    put(tmp_path, "small.txt")
    put(tmp_path, "outlive.toml", "max-file-size = 2048\n")
    paths, doc = scanned(".")
    assert paths == ["small.txt"]
    skipped = {e["path"] for e in doc["errors"] if e["kind"] == "skipped"}
    assert skipped == {"blob.bin", "big.txt"}
