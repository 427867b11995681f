"""A hostile repository must not control outlive: no program run through git, no special file
read (FIFOs, devices, links to them), no config planted above the repository applied.

Every input is built here at run time. Shapes that hung or exhausted memory before run the
CLI in a subprocess with a timeout and a memory cap, so a regression fails instead of hanging
the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import git, isolate_git

from scanner.cli import main
from scanner.discovery import discover
from scanner.git import git_command
from scanner.reading import Refused, safe_read

pytestmark = pytest.mark.skipif(
    os.name == "nt" or not hasattr(os, "mkfifo"), reason="FIFOs and shell hooks are POSIX"
)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

KEY = "AKIA" + "Q7" * 8  # built at run time, not a real key
MEMORY_CAP = 2 << 30
SUBPROCESS_TIMEOUT = 45


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No repository above tmp_path, no user or system git config."""
    isolate_git(monkeypatch, tmp_path, tmp_path)


def put(path: Path, text: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"aws_access_key_id = {KEY}\n" if text is None else text, encoding="utf-8")
    return path


def new_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    return root


def scan_json(*args: str) -> tuple[int, dict, str]:
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "json", *args])
    assert "Traceback" not in res.stdout + res.stderr
    assert res.exit_code in (0, 1), res.stdout + res.stderr
    return res.exit_code, json.loads(res.stdout), res.stderr


def finding_paths(doc: dict) -> list[str]:
    return sorted({f["location"]["path"] for f in doc["findings"]})


def errors_of(doc: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in doc["errors"]:
        out.setdefault(error["path"], []).append(error["message"])
    return out


# -- 1. no program runs through git -------------------------------------------------------------


def hostile_git_config(repo: Path, marker: Path) -> None:
    """Point every program-naming key of .git/config (and every hook) at a marker script."""
    script = repo.parent / "payload.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat\n', encoding="utf-8")
    script.chmod(0o755)
    hooks = repo.parent / "hooks"
    hooks.mkdir()
    for hook in ("post-index-change", "pre-commit", "post-checkout", "reference-transaction"):
        shutil.copy(script, hooks / hook)
    with (repo / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(
            f"[core]\n\tfsmonitor = {script}\n\thooksPath = {hooks}\n\tpager = {script}\n"
            f"\tsshCommand = {script}\n\taskPass = {script}\n\talternateRefsCommand = {script}\n"
            f"[credential]\n\thelper = !{script}\n"
            f"[diff]\n\texternal = {script}\n"
            f'[diff "evil"]\n\ttextconv = {script}\n\tcommand = {script}\n'
            f'[filter "evil"]\n\tclean = {script}\n\tsmudge = {script}\n\trequired = true\n'
            f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {script}\n"
        )


@needs_git
def test_scan_runs_no_program_named_by_the_repository_git_config(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    put(repo / ".gitignore", "ignored.txt\n")
    put(repo / "tracked.txt")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "init")
    put(repo / "untracked.txt")
    put(repo / "ignored.txt")
    marker = tmp_path / "marker"
    hostile_git_config(repo, marker)
    os.chdir(repo)

    _, doc, _ = scan_json(".")

    assert not marker.exists(), marker.read_text()
    # git still listed the files: the ignored one is not scanned.
    assert finding_paths(doc) == ["tracked.txt", "untracked.txt"]


@needs_git
def test_git_command_disables_diff_textconv_filter_and_pager_programs(tmp_path: Path) -> None:
    """The helper later commands (--staged, --diff, --history) use: content commands too."""
    repo = new_repo(tmp_path / "repo")
    put(repo / ".gitattributes", "*.txt filter=evil diff=evil\n")
    put(repo / "a.txt", "one\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "init")
    marker = tmp_path / "marker"
    hostile_git_config(repo, marker)
    put(repo / "a.txt", "two\n")

    outputs = []
    for args in (
        ("diff",),
        ("diff", "--cached"),
        ("log", "-p"),
        ("show", "HEAD"),
        ("status", "--porcelain"),
        ("ls-files", "--cached", "--others", "--exclude-standard"),
    ):
        done = git_command(repo, *args)
        assert done is not None
        assert done.returncode == 0, (args, done.stderr)
        outputs.append(done.stdout.decode())

    assert not marker.exists(), marker.read_text()
    assert "+two" in outputs[0]  # the real diff, not a driver's
    assert "+one" in outputs[2]


# -- 2. every file read goes through the same checks ------------------------------------------


def _cap_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def scan_subprocess(cwd: Path, *args: str, git_timeout: float | None = None) -> tuple[int, dict]:
    """The CLI in a child with a timeout and a memory cap: a hang or /dev/zero read fails."""
    code = "import sys\n"
    if git_timeout is not None:
        code += f"import scanner.git as g\ng.GIT_TIMEOUT = {git_timeout}\n"
    code += "from scanner.cli import main\nmain(sys.argv[1:])\n"
    argv = [sys.executable, "-c", code, "scan", "--no-cache", "--jobs", "1", "--format", "json"]
    try:
        done = subprocess.run(
            [*argv, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_cap_memory,  # the cap applies to the child only
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the scan hung (no answer in {SUBPROCESS_TIMEOUT} s)")
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    return done.returncode, json.loads(done.stdout)


def test_special_files_outside_git_are_reported_never_read(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    put(tree / "secret.txt")
    os.mkfifo(tree / ".gitlab-ci.yml")  # read for its includes before the scan
    os.mkfifo(tree / "data.txt")
    (tree / ".gitignore").symlink_to("/dev/zero")
    (tree / "zero.py").symlink_to("/dev/zero")

    _, doc = scan_subprocess(tree, ".")

    assert finding_paths(doc) == ["secret.txt"]
    assert errors_of(doc) == {
        ".gitlab-ci.yml": ["not a regular file (a FIFO); skipped"],
        ".gitignore": [
            "not used as ignore rules: symbolic link out of the scan root",
            "symbolic link out of the scan root; skipped",
        ],
        "data.txt": ["not a regular file (a FIFO); skipped"],
        "zero.py": ["symbolic link out of the scan root; skipped"],
    }
    assert {(e["level"], e["kind"]) for e in doc["errors"]} == {("note", "skipped")}


def test_a_named_link_to_a_device_is_reported_not_dropped(tmp_path: Path) -> None:
    """Given by name (as pre-commit passes files), a link out of the tree is followed, so a
    link to a device must be refused for what it is; it was dropped without a word."""
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.yml")
    found = discover([tmp_path / "zero.py", tmp_path / "pipe.yml"], tmp_path, ())
    assert found.files == ()
    assert sorted((e.path, e.message, e.level, e.kind) for e in found.errors) == [
        ("pipe.yml", "not a regular file (a FIFO); skipped", "note", "skipped"),
        ("zero.py", "not a regular file (a character device); skipped", "note", "skipped"),
    ]


def test_fifo_gitignore_outside_git_does_not_hang(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    put(tree / "secret.txt")
    os.mkfifo(tree / ".gitignore")

    _, doc = scan_subprocess(tree, ".")

    assert finding_paths(doc) == ["secret.txt"]
    assert errors_of(doc)[".gitignore"] == [
        "not a regular file (a FIFO); skipped",
        "not used as ignore rules: not a regular file (a FIFO)",
    ]


@needs_git
def test_special_files_inside_git_are_reported_never_read(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    put(repo / "secret.txt")
    put(repo / "was-a-file.txt")
    put(repo / "ignored.txt")
    put(repo / ".git" / "info" / "exclude", "ignored.txt\n")
    git(repo, "add", "secret.txt", "was-a-file.txt")
    git(repo, "commit", "-q", "-m", "init")
    (repo / "was-a-file.txt").unlink()
    os.mkfifo(repo / "was-a-file.txt")  # tracked, now a FIFO on disk
    os.mkfifo(repo / ".gitlab-ci.yml")  # untracked: git skips it, the includes reader did not
    (repo / ".gitignore").symlink_to("/dev/zero")

    _, doc = scan_subprocess(repo, ".")

    assert finding_paths(doc) == ["secret.txt"]  # git's listing: ignored.txt stays out
    errors = errors_of(doc)
    assert errors["was-a-file.txt"] == ["not a regular file (a FIFO); skipped"]
    assert errors[".gitignore"] == ["symbolic link out of the scan root; skipped"]
    assert ".gitlab-ci.yml" not in errors  # git does not list an untracked FIFO


@needs_git
def test_fifo_gitignore_inside_git_times_out_git_and_walks(tmp_path: Path) -> None:
    """git blocks opening a FIFO .gitignore; the scan gives up on git, says so, and walks."""
    repo = new_repo(tmp_path / "repo")
    put(repo / "secret.txt")
    os.mkfifo(repo / ".gitignore")

    _, doc = scan_subprocess(repo, ".", git_timeout=1.5)

    assert finding_paths(doc) == ["secret.txt"]
    messages = [m for ms in errors_of(doc).values() for m in ms]
    assert any(m.startswith("git did not answer within") for m in messages), messages
    assert "not used as ignore rules: not a regular file (a FIFO)" in messages


@needs_git
@pytest.mark.parametrize("where", ["info/exclude", "core.excludesFile"])
def test_fifo_exclude_file_of_git_is_seen_before_git_blocks_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A FIFO as .git/info/exclude, or as the core.excludesFile the repository's config names,
    is found before git is asked (which would block until the timeout): a note, then a walk."""
    monkeypatch.setattr("scanner.git.GIT_TIMEOUT", 4.0)  # a regression costs 4 s, then fails
    repo = new_repo(tmp_path / "repo")
    put(repo / "secret.txt")
    if where == "info/exclude":
        fifo = repo / ".git" / "info" / "exclude"
        fifo.unlink(missing_ok=True)
    else:
        fifo = tmp_path / "excludes"
        git(repo, "config", "core.excludesFile", str(fifo))
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    os.chdir(repo)

    _, doc, _ = scan_json(".")

    assert finding_paths(doc) == ["secret.txt"]
    messages = [e["message"] for e in doc["errors"]]
    assert messages == [
        "git's exclude file is not a regular file (git would block reading it); "
        "listed the folder without git"
    ]


def test_safe_read_refuses_special_large_and_outside_files(tmp_path: Path) -> None:
    """The one reader's contract, for the cases no scan reaches by itself."""
    inside = tmp_path / "tree"
    put(inside / "ok.txt", "x" * 10)
    outside = put(tmp_path / "elsewhere.txt", "secret\n")
    (inside / "out.txt").symlink_to(outside)
    os.mkfifo(inside / "fifo")

    assert safe_read(inside / "ok.txt", 10) == b"x" * 10
    too_big = safe_read(inside / "ok.txt", 9)
    assert isinstance(too_big, Refused)
    assert "larger than max-file-size" in too_big.reason
    assert safe_read(inside / "out.txt", 100) == b"secret\n"  # no root: links are followed
    refused = safe_read(inside / "out.txt", 100, root=inside)
    assert refused == Refused("symbolic link out of the scan root")
    assert safe_read(inside / "fifo", 100) == Refused("not a regular file (a FIFO)")
    assert safe_read(Path("/dev/zero"), 100) == Refused("not a regular file (a character device)")
    assert safe_read(inside / "missing", 100) == Refused(
        "cannot read: No such file or directory", "unreadable"
    )


def test_explicit_config_that_is_a_fifo_is_a_sentence(tmp_path: Path) -> None:
    put(tmp_path / "a.txt")
    os.mkfifo(tmp_path / "outlive.toml")
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--config", "outlive.toml", "."])
    assert res.exit_code == 2
    assert "outlive.toml: not a regular file (a FIFO)" in res.stderr
    assert "Traceback" not in res.stderr


def test_special_config_files_are_passed_over_in_the_search(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    put(proj / "sub" / "a.txt")
    put(proj / "outlive.toml", 'fail-on = "critical"\n')
    os.mkfifo(proj / "sub" / "outlive.toml")
    (proj / "sub" / "pyproject.toml").symlink_to("/dev/zero")
    os.chdir(proj)
    res = CliRunner().invoke(main, ["scan", "--no-cache", "sub"])
    assert res.exit_code == 0, res.stdout + res.stderr  # the regular config above applied
    assert f"outlive: using config {proj / 'outlive.toml'}" in res.stderr


# -- 3. a config planted above the repository is not applied ----------------------------------

SILENCE = 'exclude = ["**"]\n'


@needs_git
def test_config_planted_above_a_git_repository_is_not_applied(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    put(shared / "outlive.toml", SILENCE)
    repo = new_repo(shared / "repo")
    put(repo / "sub" / "a.txt")
    for cwd, target in ((repo, "."), (repo / "sub", "."), (shared, "repo")):
        os.chdir(cwd)
        code, doc, _ = scan_json(target)
        assert code == 1, cwd
        assert len(doc["findings"]) == 1, cwd
        res = CliRunner().invoke(main, ["scan", "--no-cache", target])
        assert "using config" not in res.stderr, cwd


@needs_git
def test_config_inside_the_repository_is_applied_and_announced(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    put(shared / "outlive.toml", SILENCE)
    repo = new_repo(shared / "repo")
    put(repo / "sub" / "a.txt")
    put(repo / "outlive.toml", 'fail-on = "critical"\n')
    os.chdir(repo / "sub")  # from a subfolder: the search climbs to the repository's top
    res = CliRunner().invoke(main, ["scan", "--no-cache", "."])
    assert res.exit_code == 0, res.stdout + res.stderr  # fail-on = critical from the repo
    assert "a.txt" in res.stdout  # and not the planted exclude
    assert f"outlive: using config {repo / 'outlive.toml'}\n" in res.stderr


def test_config_above_the_scan_root_outside_git_is_not_applied(tmp_path: Path) -> None:
    put(tmp_path / "outlive.toml", SILENCE)
    proj = tmp_path / "proj"
    put(proj / "a.txt")
    os.chdir(proj)
    code, doc, _ = scan_json(".")
    assert code == 1
    assert finding_paths(doc) == ["a.txt"]
    # ...while one at the scan root itself is used.
    put(proj / "outlive.toml", 'fail-on = "critical"\n')
    res = CliRunner().invoke(main, ["scan", "--no-cache", "."])
    assert res.exit_code == 0
    assert f"outlive: using config {proj / 'outlive.toml'}\n" in res.stderr


def test_a_fifo_planted_as_the_baseline_is_an_error_not_a_hang(tmp_path: Path) -> None:
    """`baseline update` reads the default baseline of the repository: a FIFO there must not
    block the run (it did: the file was read with read_text)."""
    import os
    import subprocess
    import sys

    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    os.mkfifo(tmp_path / ".outlive-baseline.json")
    done = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "baseline", "update", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "OUTLIVE_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 2
    assert "not a regular file" in done.stderr
