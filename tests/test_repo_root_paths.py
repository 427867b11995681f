"""Paths relative to the repository root, whatever the working directory (issue 9).

A baseline created at the root must match a scan run from ``app/``, and SARIF from a subfolder
must give URIs GitHub maps onto the repository: inside a git work tree every format names a
file by its path from the repository's top (the superproject's, for a submodule). Outside git
the rule stays: the working directory when everything scanned is inside it, else the scanned
paths' common parent. Every repository here is a real ``git init``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gitrepo import commit_all, git, isolate_git

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=91)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No repository above tmp_path counts, and no user or system git config leaks in."""
    isolate_git(monkeypatch, tmp_path.parent, tmp_path)


def put(root: Path, rel: str, text: str | None = None) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"aws_key = {KEY}\n" if text is None else text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    put(root, "app/settings.py")
    put(root, "app/deep/more.txt")
    put(root, "lib/other.txt")
    git(root, "init", "-q")
    commit_all(root)
    return root


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def scan(*args: str, fmt: str = "json", code: int = 1) -> str:
    res = invoke("scan", "--no-cache", "--select", "LLC-SRC-001", "--format", fmt, *args)
    assert res.exit_code == code, res.stdout + res.stderr
    return res.stdout


def paths(out: str) -> list[str]:
    return sorted(f["location"]["path"] for f in json.loads(out)["findings"])


def test_json_paths_from_a_subfolder_match_the_root(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    from_root = paths(scan("app"))
    whole_from_root = paths(scan("."))
    monkeypatch.chdir(repo / "app")
    assert paths(scan(".")) == from_root == ["app/deep/more.txt", "app/settings.py"]
    assert paths(scan("..")) == whole_from_root
    assert paths(scan()) == from_root  # no path: the working directory
    monkeypatch.chdir(repo / "app" / "deep")
    assert paths(scan("more.txt")) == ["app/deep/more.txt"]  # a file named one by one
    assert paths(scan("../../lib/other.txt", "more.txt")) == ["app/deep/more.txt", "lib/other.txt"]


def test_every_format_names_the_file_from_the_repository_root(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "app" / "deep")
    assert scan(".", fmt="text").startswith("app/deep/more.txt:1:")
    assert "file=app/deep/more.txt," in scan(".", fmt="github")


def test_a_repository_scanned_from_outside_is_named_from_its_root(
    repo: Path, tmp_path: Path
) -> None:
    assert Path.cwd() == tmp_path  # the folder holding the repository, not a work tree
    assert paths(scan("repo")) == ["app/deep/more.txt", "app/settings.py", "lib/other.txt"]
    assert paths(scan("repo/app")) == ["app/deep/more.txt", "app/settings.py"]


def test_baseline_created_at_the_root_hides_everything_from_a_subfolder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    res = invoke("baseline", "create", "--output", str(repo.parent / "baseline.json"))
    assert res.exit_code == 0, res.stderr
    recorded = json.loads((repo.parent / "baseline.json").read_text(encoding="utf-8"))
    assert "app/settings.py" in json.dumps(recorded)
    for cwd, target in ((repo / "app", "."), (repo / "app" / "deep", "../.."), (repo, "app")):
        monkeypatch.chdir(cwd)
        out = scan("--baseline", str(repo.parent / "baseline.json"), target, code=0)
        assert json.loads(out)["findings"] == [], cwd
        shown = scan(
            "--baseline", str(repo.parent / "baseline.json"), "--show-suppressed", target, code=0
        )
        assert {f["suppression"]["kind"] for f in json.loads(shown)["findings"]} == {"external"}
    # A baseline made from the subfolder is the same file as one made at the root.
    monkeypatch.chdir(repo / "app")
    res = invoke("baseline", "create", "--output", str(repo.parent / "from-app.json"), "..")
    assert res.exit_code == 0, res.stderr
    assert (repo.parent / "from-app.json").read_bytes() == (
        repo.parent / "baseline.json"
    ).read_bytes()


def test_sarif_uris_are_the_same_from_a_subfolder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    at_root = json.loads(scan("app", fmt="sarif"))["runs"][0]
    absolute_at_root = json.loads(scan("--sarif-absolute", "app", fmt="sarif"))["runs"][0]
    monkeypatch.chdir(repo / "app")
    in_app = json.loads(scan(".", fmt="sarif"))["runs"][0]
    absolute_in_app = json.loads(scan("--sarif-absolute", ".", fmt="sarif"))["runs"][0]
    uris = sorted(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in in_app["results"]
    )
    assert uris == ["app/deep/more.txt", "app/settings.py"]
    assert in_app["results"] == at_root["results"]
    # The absolute base is the repository's top from anywhere in it.
    base = absolute_in_app["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == repo.resolve().as_uri() + "/"
    assert absolute_at_root["originalUriBaseIds"] == absolute_in_app["originalUriBaseIds"]


def test_config_at_the_root_applies_from_a_subfolder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The config search climbs to the root; its globs stay relative to its folder."""
    root_config = 'exclude = ["app/deep/"]\n[per-path-ignores]\n"lib/**" = ["LLC-SRC"]\n'
    put(repo, "outlive.toml", root_config)
    put(repo, "app/outlive.toml", '[per-path-ignores]\n"legacy/**" = ["LLC-SRC-001"]\n')
    put(repo, "app/legacy/old.txt")
    monkeypatch.chdir(repo / "app")
    # The nearest config (app/outlive.toml) wins; its glob is relative to app/.
    assert paths(scan(".")) == ["app/deep/more.txt", "app/settings.py"]
    (repo / "app" / "outlive.toml").unlink()
    assert paths(scan(".")) == ["app/legacy/old.txt", "app/settings.py"]
    assert paths(scan("..")) == ["app/legacy/old.txt", "app/settings.py"]  # lib/ ignored


def test_one_cache_folder_per_repository_whatever_the_working_directory(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    args = ("scan", "--cache-dir", str(cache), "--select", "LLC-SRC-001", "--format", "json")
    monkeypatch.chdir(repo)
    first = invoke(*args, "app")
    monkeypatch.chdir(repo / "app")
    second = invoke(*args, ".")
    assert first.exit_code == second.exit_code == 1
    assert first.stdout == second.stdout
    folders = sorted(p.name for p in cache.iterdir() if p.is_dir())
    assert len(folders) == 1, folders


def test_inside_a_submodule_paths_are_the_superprojects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A submodule's checkout is part of the superproject's: `sub/...` from anywhere."""
    lib = tmp_path / "lib-src"
    put(lib, "keys.txt")
    git(lib, "init", "-q")
    commit_all(lib)
    top = tmp_path / "super"
    put(top, "main.txt")
    put(top, "outlive.toml", 'exclude = ["sub/ignored.txt"]\n')
    git(top, "init", "-q")
    git(top, "submodule", "add", "-q", str(lib), "sub")
    commit_all(top)
    put(top, "sub/ignored.txt")
    monkeypatch.chdir(top)
    everything = paths(scan("."))
    assert everything == ["main.txt", "sub/keys.txt"]
    assert paths(scan("sub")) == ["sub/keys.txt"]
    monkeypatch.chdir(top / "sub")
    # The superproject's config applies inside the submodule too (sub/ignored.txt excluded).
    assert paths(scan(".")) == ["sub/keys.txt"]
    assert paths(scan("..")) == everything


def test_outside_git_paths_follow_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    put(tree, "sub/a.txt")
    put(tmp_path, "elsewhere/b.txt")
    monkeypatch.chdir(tree)
    assert paths(scan(".")) == ["sub/a.txt"]
    monkeypatch.chdir(tree / "sub")
    assert paths(scan(".")) == ["a.txt"]  # no repository: relative to the working directory
    # Outside the working directory: relative to the scanned paths' common parent.
    assert paths(scan(str(tmp_path / "elsewhere"))) == ["b.txt"]
    assert paths(scan(str(tmp_path / "elsewhere"), ".")) == ["elsewhere/b.txt", "tree/sub/a.txt"]
