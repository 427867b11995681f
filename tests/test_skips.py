"""No silent skips (issue 9): submodules, FIFOs, sockets, links, ignored files, link loops.

Whatever discovery meets and does not scan is a note (or a warning) naming the path and the
reason, in JSON ``errors``, SARIF ``toolExecutionNotifications``, on stderr and in the text
summary's counts; a checked-out submodule is scanned as part of the checkout. Trees are built
at run time: real git repositories and submodules, ``os.mkfifo``, a Unix socket, symlinks.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gitrepo import commit_all, git, isolate_git

from scanner import discovery
from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.discovery import GITIGNORED_DIR, GITIGNORED_FILE, SUBMODULE_NOT_CHECKED_OUT

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=92)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symlinks")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch, tmp_path.parent, tmp_path)


def put(root: Path, rel: str, text: str | None = None) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"aws_key = {KEY}\n" if text is None else text, encoding="utf-8")
    return path


def new_repo(root: Path, files: dict[str, str | None]) -> Path:
    for rel, text in files.items():
        put(root, rel, text)
    git(root, "init", "-q")
    commit_all(root)
    return root


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def scan(*args: str, fmt: str = "json", code: int | None = None) -> Result:
    res = invoke("scan", "--no-cache", "--select", "LLC-SRC-001", "--format", fmt, *args)
    assert "internal error" not in res.stderr, res.stderr
    if code is not None:
        assert res.exit_code == code, res.stdout + res.stderr
    return res


def found(res: Result) -> list[str]:
    return sorted(f["location"]["path"] for f in json.loads(res.stdout)["findings"])


def notes(res: Result) -> dict[str, str]:
    return {e["path"]: e["message"] for e in json.loads(res.stdout)["errors"]}


def summary(res: Result) -> str:
    return res.stdout.strip().splitlines()[-1]


# -- submodules ---------------------------------------------------------------------------------


@pytest.fixture
def superproject(tmp_path: Path) -> Path:
    """super/ with sub/ (a submodule) holding sub/inner/ (a submodule of the submodule)."""
    inner = new_repo(tmp_path / "inner-src", {"deep.txt": None})
    lib = new_repo(tmp_path / "lib-src", {"keys.txt": None, "clean.txt": "nothing here\n"})
    git(lib, "submodule", "add", "-q", str(inner), "inner")
    commit_all(lib)
    top = new_repo(tmp_path / "super", {"main.txt": "nothing here either\n"})
    git(top, "submodule", "add", "-q", str(lib), "sub")
    git(top, "submodule", "update", "-q", "--init", "--recursive")
    commit_all(top)
    return top


@needs_git
def test_a_key_in_a_submodule_is_found(superproject: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(superproject)
    res = scan(".", code=1)
    assert found(res) == ["sub/inner/deep.txt", "sub/keys.txt"]
    assert json.loads(res.stdout)["errors"] == []
    stats = json.loads(res.stdout)["stats"]
    assert stats["files_scanned"] == 6  # .gitmodules x2, main, keys, clean, deep
    assert stats["files_skipped"] == 0
    assert found(scan("sub", code=1)) == ["sub/inner/deep.txt", "sub/keys.txt"]


@needs_git
def test_submodules_deeper_than_the_limit_are_reported(
    superproject: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scanner.git.MAX_SUBMODULE_DEPTH", 1)
    monkeypatch.chdir(superproject)
    res = scan(".", code=1)
    assert found(res) == ["sub/keys.txt"]
    assert notes(res)["sub/inner"].startswith("submodule nested too deep")
    assert json.loads(res.stdout)["stats"]["skipped_by_reason"] == {"submodule too deep": 1}


@needs_git
def test_a_submodule_not_checked_out_is_reported(
    superproject: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "clone", "-q", str(superproject), "clone")  # no --recurse-submodules
    clone = tmp_path / "clone"
    assert (clone / "sub").is_dir()
    assert not any((clone / "sub").iterdir())
    monkeypatch.chdir(clone)
    res = scan(".", code=0)
    assert notes(res) == {"sub": SUBMODULE_NOT_CHECKED_OUT}
    assert json.loads(res.stdout)["errors"][0]["level"] == "note"
    assert json.loads(res.stdout)["stats"]["skipped_by_reason"] == {"submodule not checked out": 1}
    text = scan(".", fmt="text", code=0)
    assert summary(text) == "no findings in 2 files; 1 skipped (1 submodule not checked out)."
    assert "git submodule update --init" in text.stderr
    log = json.loads(scan(".", fmt="sarif", code=0).stdout)
    told = [
        n["message"]["text"]
        for n in log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    ]
    assert told == [f"sub: {SUBMODULE_NOT_CHECKED_OUT}"]


# -- FIFOs, sockets, links ----------------------------------------------------------------------


def make_socket(path: Path) -> None:
    """A Unix socket file at ``path`` (bound by a relative name: socket paths are short)."""
    here = Path.cwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(here)


def special_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    put(tree, "real.txt")
    put(tree, "real-dir/x.txt")
    put(tmp_path, "outside/secret.txt")
    put(tmp_path, "outside/dir/more.txt")
    os.mkfifo(tree / "pipe")
    make_socket(tree / "sock")
    (tree / "dangling.txt").symlink_to("nowhere.txt")
    (tree / "loop").symlink_to("loop")
    (tree / "out.txt").symlink_to(tmp_path / "outside/secret.txt")
    (tree / "outdir").symlink_to(tmp_path / "outside/dir", target_is_directory=True)
    (tree / "indir").symlink_to("real-dir", target_is_directory=True)  # scanned where it lies
    (tree / "devnull").symlink_to(os.devnull)
    return tree


@posix_only
def test_fifos_sockets_and_links_met_in_a_walk_are_each_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = special_tree(tmp_path)
    monkeypatch.chdir(tree)
    res = scan(".", code=1)
    assert found(res) == ["real-dir/x.txt", "real.txt"]
    assert notes(res) == {
        "pipe": "not a regular file (a FIFO); skipped",
        "sock": "not a regular file (a socket); skipped",
        "dangling.txt": "broken symbolic link; skipped",
        "loop": "symbolic link loop; skipped",
        "out.txt": discovery.LINK_OUT_OF_ROOT,
        "outdir": discovery.LINK_OUT_OF_ROOT,
        "devnull": discovery.LINK_OUT_OF_ROOT,
    }
    stats = json.loads(res.stdout)["stats"]
    assert stats["files_skipped"] == 7
    assert stats["skipped_by_reason"] == {
        "link out of the tree": 3, "FIFO": 1, "broken link": 1, "link loop": 1, "socket": 1,
    }
    text = scan(".", fmt="text", code=1)
    assert summary(text).endswith(
        " in 2 files; 7 skipped (3 link out of the tree, 1 FIFO, 1 broken link, 1 link loop, "
        "1 socket)."
    )
    for path in ("pipe", "sock", "dangling.txt", "loop", "out.txt", "outdir", "devnull"):
        assert f": {path}: " in text.stderr, path


@needs_git
@posix_only
def test_links_git_lists_are_each_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a work tree git lists files and symbolic links (never a FIFO or a socket, which a
    repository cannot hold): each link that leads to no scannable file is reported."""
    tree = special_tree(tmp_path)
    git(tree, "init", "-q")
    monkeypatch.chdir(tree)
    res = scan(".", code=1)
    assert found(res) == ["real-dir/x.txt", "real.txt"]
    assert notes(res) == {
        "dangling.txt": "broken symbolic link; skipped",
        "loop": "symbolic link loop; skipped",
        "out.txt": discovery.LINK_OUT_OF_ROOT,
        "outdir": discovery.LINK_OUT_OF_ROOT,
        "devnull": discovery.LINK_OUT_OF_ROOT,
    }


@posix_only
def test_a_device_named_on_the_command_line_is_reported() -> None:
    res = scan(os.devnull, code=0)
    assert [e["message"] for e in json.loads(res.stdout)["errors"]] == [
        "not a regular file (a character device); skipped"
    ]
    assert json.loads(res.stdout)["stats"]["skipped_by_reason"] == {"device": 1}


# -- a symbolic link loop named on the command line ---------------------------------------------


@posix_only
@pytest.mark.parametrize("in_git", [False, True], ids=["plain", "git"])
def test_a_link_loop_on_the_command_line_is_a_warning_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool
) -> None:
    """``ln -s loop loop; outlive scan loop``: a loop holds no bytes, so nothing can hide in
    it; it is reported like a broken link met in a walk and the exit code follows the findings."""
    put(tmp_path, "app/real.txt")
    (tmp_path / "app/loop").symlink_to("loop")
    if in_git:
        git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path / "app")
    text = scan("loop", fmt="text", code=0)
    where = "app/loop" if in_git else "loop"
    assert f"outlive: warning: {where}: symbolic link loop; skipped" in text.stderr
    assert summary(text) == "no findings in 0 files; 1 skipped (1 link loop)."
    res = scan("loop", "real.txt", code=1)
    assert found(res) == ["app/real.txt" if in_git else "real.txt"]
    assert [e["kind"] for e in json.loads(res.stdout)["errors"]] == ["unreadable"]
    sarif = json.loads(scan("loop", fmt="sarif", code=0).stdout)
    told = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"].endswith("symbolic link loop; skipped") for n in told] == [True]
    # A path *through* the loop names nothing that exists: a usage error, still a sentence.
    through = scan("loop/x.txt", code=2)
    assert "loop/x.txt" in through.stderr
    assert "Traceback" not in through.stderr


# -- .gitignore outside a git work tree ---------------------------------------------------------


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """``git archive`` of a repository whose tracked CI workflow matches its own .gitignore,
    then ``npm install`` run in the export (an ignored node_modules/)."""
    repo = tmp_path / "repo"
    put(repo, ".gitignore", "*.yml\nnode_modules/\n*.log\n")
    put(repo, "app.txt")
    put(repo, ".github/workflows/ci.yml")
    git(repo, "init", "-q")
    git(repo, "add", ".gitignore", "app.txt")
    git(repo, "add", "-f", ".github/workflows/ci.yml")  # tracked although ignored
    git(repo, "commit", "-q", "-m", "c")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD"],
        cwd=repo, check=True, capture_output=True, stdin=subprocess.DEVNULL,
    ).stdout
    export = tmp_path / "export"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # The "data" filter where this Python has it (3.10.12+): no link or path out of export.
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(export, **safe)  # noqa: S202 - an archive this test just made
    put(export, "node_modules/pkg/index.js")
    put(export, "node_modules/pkg/lib/more.js")
    return export


@needs_git
def test_outside_git_each_file_or_folder_a_gitignore_hid_is_reported(
    exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(exported)
    assert (exported / ".github/workflows/ci.yml").is_file()
    res = scan(".", code=1)
    assert found(res) == ["app.txt"]
    # One note per pruned folder (not one per file inside it), one per ignored file.
    assert notes(res) == {
        ".github/workflows/ci.yml": GITIGNORED_FILE, "node_modules": GITIGNORED_DIR,
    }
    assert json.loads(res.stdout)["stats"]["skipped_by_reason"] == {"ignored by .gitignore": 2}
    text = scan(".", fmt="text", code=1)
    assert summary(text).endswith(" in 2 files; 2 skipped (2 ignored by .gitignore).")
    assert "--no-gitignore" in text.stderr
    everything = scan("--no-gitignore", ".", code=1)
    assert found(everything) == [
        ".github/workflows/ci.yml", "app.txt", "node_modules/pkg/index.js",
        "node_modules/pkg/lib/more.js",
    ]
    assert json.loads(everything.stdout)["errors"] == []


@needs_git
def test_what_the_config_excludes_is_not_reported_as_hidden(
    exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(exported, "outlive.toml", 'exclude = ["node_modules/"]\n')
    monkeypatch.chdir(exported)
    assert notes(scan(".", code=1)) == {".github/workflows/ci.yml": GITIGNORED_FILE}


@needs_git
def test_in_a_work_tree_ignored_untracked_files_are_not_part_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = new_repo(tmp_path / "repo", {".gitignore": "node_modules/\n.env\n", "app.txt": None})
    put(repo, "node_modules/pkg/index.js")
    put(repo, ".env")
    monkeypatch.chdir(repo)
    res = scan(".", code=1)
    assert found(res) == ["app.txt"]
    assert json.loads(res.stdout)["errors"] == []  # not in the repository: nothing skipped
    assert summary(scan(".", fmt="text", code=1)).endswith(" in 2 files.")
    assert found(scan("--no-gitignore", ".", code=1)) == [
        ".env", "app.txt", "node_modules/pkg/index.js",
    ]


# -- stderr: the first notes, then a count by reason --------------------------------------------


@posix_only
def test_stderr_lists_ten_notes_then_counts_the_rest_by_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    for i in range(12):
        path = tree / f"b{i:02}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0\1\2")
    for i in range(3):
        put(tree, f"z{i}.log")
    put(tree, ".gitignore", "*.log\n")
    (tree / "a-dangling").symlink_to("nowhere")
    monkeypatch.chdir(tree)
    res = scan(".", fmt="text", code=0)
    lines = res.stderr.splitlines()
    listed = [line for line in lines if line.startswith("outlive: note: b")]
    assert len(listed) == 10
    assert "outlive: warning: a-dangling: broken symbolic link; skipped" in lines
    assert lines[-1] == (
        "outlive: note: 5 more notes not listed (3 ignored by .gitignore, 2 binary); "
        "--format json lists them all"
    )
    assert summary(res) == (
        "no findings in 1 file; 16 skipped (12 binary, 3 ignored by .gitignore, 1 broken link)."
    )

