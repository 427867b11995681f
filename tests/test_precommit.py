"""A real pre-commit run of the hook this repository publishes in ``.pre-commit-hooks.yaml``.

The default test runs pre-commit itself in a temporary git repository, with the published hook
copied into a ``repo: local`` hook (``language: system``, so the ``outlive`` already installed
next to this Python runs). Everything else (entry, types, name, ...) is read from
``.pre-commit-hooks.yaml``, so drift in the manifest is caught here.

``pre-commit try-repo`` on this checkout is the fully real path (pre-commit pip-installs the
package into its own environment), but it took about 40 s with a cold cache (15 s warm) and needs
a package index on the network, so it only runs with ``OUTLIVE_TEST_TRY_REPO=1``.

The README's two pre-commit examples are run as written: the ``repo: local`` one always, the
``repo:`` + ``rev:`` one (against a clone of this checkout, tagged as the release will be) only
with ``OUTLIVE_TEST_TRY_REPO=1``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scanner.api import BASE32_UPPER, fake_token

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=61)
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(
        shutil.which("pre-commit", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}") is None,
        reason="pre-commit is not installed",
    ),
]


def _manifest_hook() -> dict:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))  # noqa: TID251 - not a scan
    [hook] = [h for h in hooks if h["id"] == "outlive"]
    return hook


def _env(home: Path, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PRE_COMMIT_HOME=str(home),
        PRE_COMMIT_COLOR="never",
        GIT_CEILING_DIRECTORIES=str(tmp.parent),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    env.pop("PRE_COMMIT", None)
    env.pop("SKIP", None)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which(args[0], path=env["PATH"]) or args[0]
    return subprocess.run(
        [exe, *args[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir()
    assert _run(["git", "init", "-q", "-b", "main"], path, env).returncode == 0
    (path / "bad.txt").write_text(f"aws_access_key_id = {KEY}\n", encoding="utf-8")
    (path / "good.txt").write_text("nothing to see here\n", encoding="utf-8")
    (path / "blob.bin").write_bytes(b"\0\x01" + KEY.encode())  # not text: never passed
    return path


def test_manifest_matches_the_cli() -> None:
    hook = _manifest_hook()
    assert hook["entry"].split()[0] == "outlive"
    assert hook["language"] == "python"
    assert "text" in hook["types"]


@pytest.fixture
def local_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    if shutil.which("outlive", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}") is None:
        pytest.skip("the outlive command is not installed next to this Python")
    env = _env(tmp_path / "pre-commit-home", tmp_path)
    repo = _repo(tmp_path / "repo", env)
    hook = {**_manifest_hook(), "language": "system"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    # JSON is YAML: pre-commit reads it as is.
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config, indent=2), encoding="utf-8")
    assert _run(["git", "add", ".pre-commit-config.yaml"], repo, env).returncode == 0
    return repo, env


def test_local_hook_on_files(local_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = local_repo
    bad = _run(["pre-commit", "run", "outlive", "--files", "bad.txt", "good.txt"], repo, env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.txt:1:" in bad.stdout
    assert "LLC-SRC-001" in bad.stdout
    assert KEY not in bad.stdout + bad.stderr
    good = _run(["pre-commit", "run", "outlive", "--files", "good.txt", "blob.bin"], repo, env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


def test_local_hook_on_staged_files_and_commit(local_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = local_repo
    assert _run(["git", "add", "good.txt", "blob.bin"], repo, env).returncode == 0
    clean = _run(["pre-commit", "run"], repo, env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert _run(["git", "add", "bad.txt"], repo, env).returncode == 0
    dirty = _run(["pre-commit", "run"], repo, env)
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "bad.txt:1:" in dirty.stdout
    # The installed git hook blocks the commit.
    assert _run(["pre-commit", "install"], repo, env).returncode == 0
    commit = _run(["git", "commit", "-q", "-m", "add key"], repo, env)
    assert commit.returncode != 0
    assert "bad.txt:1:" in commit.stdout + commit.stderr
    assert _run(["git", "rm", "-q", "--cached", "bad.txt"], repo, env).returncode == 0
    ok = _run(["git", "commit", "-q", "-m", "clean"], repo, env)
    assert ok.returncode == 0, ok.stdout + ok.stderr


@pytest.fixture(scope="session")
def try_repo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit store for the session, so the package is pip-installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.mark.skipif(
    os.environ.get("OUTLIVE_TEST_TRY_REPO") != "1",
    reason="try-repo pip-installs outlive (about 40 s, needs a package index); "
    "set OUTLIVE_TEST_TRY_REPO=1 to run it",
)
def test_try_repo(tmp_path: Path, try_repo_home: Path) -> None:
    env = {**_env(try_repo_home, tmp_path), "GIT_CEILING_DIRECTORIES": ""}
    if _run(["git", "rev-parse", "--git-dir"], ROOT, env).returncode != 0:
        pytest.skip(f"{ROOT} is not a git repository; try-repo needs one")
    repo = _repo(tmp_path / "repo", env)
    assert _run(["git", "add", "."], repo, env).returncode == 0
    args = ["pre-commit", "try-repo", str(ROOT), "outlive", "--files"]
    bad = _run([*args, "bad.txt", "good.txt"], repo, env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.txt:1:" in bad.stdout
    good = _run([*args, "good.txt", "blob.bin"], repo, env)
    assert good.returncode == 0, good.stdout + good.stderr


# -- the README's examples, verbatim ---------------------------------------------------------------

README = ROOT / "README.md"


def _readme_precommit_configs() -> list[str]:
    """The YAML blocks of the README's pre-commit section, as written."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n### pre-commit\n") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"^```yaml\n(.*?)^```$", section, re.M | re.S)


def _readme_config(kind: str) -> str:
    [config] = [c for c in _readme_precommit_configs() if ("repo: local" in c) == (kind == "local")]
    return config


def test_readme_local_hook_runs(tmp_path: Path) -> None:
    """The README's `repo: local` example works as written, on a machine with outlive."""
    if shutil.which("outlive", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}") is None:
        pytest.skip("the outlive command is not installed next to this Python")
    env = _env(tmp_path / "pre-commit-home", tmp_path)
    repo = _repo(tmp_path / "repo", env)
    (repo / ".pre-commit-config.yaml").write_text(_readme_config("local"), encoding="utf-8")
    bad = _run(["pre-commit", "run", "outlive", "--files", "bad.txt", "good.txt"], repo, env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.txt:1:" in bad.stdout
    good = _run(["pre-commit", "run", "outlive", "--files", "good.txt"], repo, env)
    assert good.returncode == 0, good.stdout + good.stderr


@pytest.mark.skipif(
    os.environ.get("OUTLIVE_TEST_TRY_REPO") != "1",
    reason="pre-commit pip-installs outlive from a clone (about 40 s, needs a package index); "
    "set OUTLIVE_TEST_TRY_REPO=1 to run it",
)
def test_readme_remote_hook_at_the_release_tag(tmp_path: Path, try_repo_home: Path) -> None:
    """The README's `repo:` + `rev:` example, with the URL of a clone tagged like a release."""
    env = {**_env(try_repo_home, tmp_path), "GIT_CEILING_DIRECTORIES": ""}
    if _run(["git", "rev-parse", "--git-dir"], ROOT, env).returncode != 0:
        pytest.skip(f"{ROOT} is not a git repository")
    config = yaml.safe_load(_readme_config("remote"))  # noqa: TID251 - not a scan
    [remote] = config["repos"]
    clone = tmp_path / "outlive"
    assert _run(["git", "clone", "-q", str(ROOT), str(clone)], tmp_path, env).returncode == 0
    if _run(["git", "rev-parse", "-q", "--verify", f"refs/tags/{remote['rev']}"], clone,
            env).returncode != 0:  # before the release is tagged: tag the clone, as it will be
        tagged = _run(["git", "tag", "-a", remote["rev"], "-m", "release"], clone, env)
        assert tagged.returncode == 0, tagged.stderr
    remote["repo"] = str(clone)
    repo = _repo(tmp_path / "repo", env)
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    bad = _run(["pre-commit", "run", "outlive", "--files", "bad.txt", "good.txt"], repo, env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.txt:1:" in bad.stdout
