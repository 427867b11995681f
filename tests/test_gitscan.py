"""``scan --staged``, ``--diff BASE [--new-only]`` and ``--history`` on real git repositories.

Each test builds its repository at run time (``gitrepo``): a key committed and deleted later,
an index that differs from the work tree, a branch that adds a line next to an old key. Keys
are fake, built from ``fake_token``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from gitrepo import commit_all, git, isolate_git

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.gitscan import unquote

OLD_KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=161)
NEW_KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=162)
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch, tmp_path.parent, tmp_path)
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2024-03-01T10:00:00+00:00")
    monkeypatch.setenv("OUTLIVE_CACHE_DIR", str(tmp_path.parent / f"{tmp_path.name}-cache"))


def put(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def key_line(key: str) -> str:
    return f'AWS_ACCESS_KEY_ID = "{key}"\n'


def commit(root: Path, files: dict[str, str | None], date: str | None = None) -> str:
    """Write (or, for None, delete) ``files`` and commit them; the new commit's id."""
    if not (root / ".git").exists():
        git(root, "init", "-q")
    for rel, text in files.items():
        if text is None:
            (root / rel).unlink()
        else:
            put(root, rel, text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "c", *([f"--date={date}"] if date else []))
    return head(root)


def head(root: Path) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, check=True, text=True
    )
    return done.stdout.strip()


def scan(*args: str, code: int | None = None) -> Result:
    res = CliRunner().invoke(
        main, ["scan", "--no-cache", "--select", "LLC-SRC-001", *args], catch_exceptions=False
    )
    assert "internal error" not in res.stderr, res.stderr
    if code is not None:
        assert res.exit_code == code, (res.stdout, res.stderr)
    return res


def findings(*args: str) -> list[dict[str, Any]]:
    res = scan("--format", "json", *args)
    assert res.exit_code in (0, 1), res.stderr
    found: list[dict[str, Any]] = json.loads(res.stdout)["findings"]
    return found


# -- history ----------------------------------------------------------------------------------


def test_a_deleted_key_is_found_by_history_only(tmp_path: Path) -> None:
    commit(tmp_path, {"app.py": "x = 1\n"})
    added = commit(tmp_path, {"conf.py": key_line(OLD_KEY)}, date="2024-03-02T09:30:00+00:00")
    before = findings()  # the work tree while the key was there
    commit(tmp_path, {"conf.py": None})
    assert findings() == []
    scan(code=0)
    found = findings("--history")
    assert [(f["location"]["path"], f["location"]["line"]) for f in found] == [("conf.py", 1)]
    assert found[0]["commit"] == {"sha": added, "author_date": "2024-03-02T09:30:00+00:00"}
    # The same fingerprint as the work-tree scan: one baseline covers both.
    assert found[0]["fingerprint"] == before[0]["fingerprint"]
    assert "commit" not in before[0]
    text = scan("--history", code=1).stdout
    assert f"commit: {added} (2024-03-02T09:30:00+00:00)" in text
    assert OLD_KEY not in text


def test_a_baseline_made_on_the_work_tree_covers_the_history(tmp_path: Path) -> None:
    commit(tmp_path, {"conf.py": key_line(OLD_KEY)})
    res = CliRunner().invoke(
        main, ["baseline", "create"], catch_exceptions=False
    )
    assert res.exit_code == 0, res.stderr
    commit(tmp_path, {"conf.py": None})
    scan("--history", code=1)
    scan("--history", "--baseline", ".outlive-baseline.json", code=0)


def test_history_reports_each_key_at_the_first_commit_that_held_it(tmp_path: Path) -> None:
    first = commit(tmp_path, {"conf.py": key_line(OLD_KEY)})
    commit(tmp_path, {"conf.py": "# settings\n" + key_line(OLD_KEY)})  # moved, not new
    second = commit(tmp_path, {"conf.py": "# settings\n" + key_line(OLD_KEY) + key_line(NEW_KEY)})
    # A second copy in the same file is the same finding (reported once, as in a tree scan);
    # a copy in another file is a finding of its own.
    commit(tmp_path, {"conf.py": key_line(OLD_KEY) * 2 + key_line(NEW_KEY)})
    copied = commit(tmp_path, {"other.py": key_line(OLD_KEY)})
    found = findings("--history")
    assert sorted(
        (f["commit"]["sha"], f["location"]["path"], f["location"]["line"]) for f in found
    ) == sorted([(first, "conf.py", 1), (second, "conf.py", 3), (copied, "other.py", 1)])


def test_since_and_max_commits_limit_the_history(tmp_path: Path) -> None:
    commit(tmp_path, {"old.py": key_line(OLD_KEY)})
    mark = commit(tmp_path, {"app.py": "x = 1\n"})
    latest = commit(tmp_path, {"new.py": key_line(NEW_KEY)})
    assert {f["location"]["path"] for f in findings("--history")} == {"old.py", "new.py"}
    assert [f["commit"]["sha"] for f in findings("--history", "--since", mark)] == [latest]
    assert [f["location"]["path"] for f in findings("--history", "--max-commits", "1")] == [
        "new.py"
    ]
    assert findings("--history", "--max-commits", "2") == findings("--history", "--since", mark)


def test_history_skips_binary_and_huge_blobs_with_a_note(tmp_path: Path) -> None:
    put(tmp_path, "outlive.toml", "max-file-size = 1000\n")
    commit(tmp_path, {"big.py": "# pad\n" * 400 + key_line(OLD_KEY)})
    (tmp_path / "blob.bin").write_bytes(b"\0\1" + key_line(NEW_KEY).encode())
    commit_all(tmp_path)
    res = scan("--history", "--format", "json", code=0)
    doc = json.loads(res.stdout)
    assert doc["findings"] == []
    notes = {e["path"]: e["message"] for e in doc["errors"]}
    assert "larger than max-file-size" in notes["big.py"]
    assert notes["blob.bin"].startswith("binary file; skipped (commit ")


def test_history_of_a_folder_names_paths_from_the_root(tmp_path: Path) -> None:
    commit(tmp_path, {"svc/conf.py": key_line(OLD_KEY), "other/conf.py": key_line(NEW_KEY)})
    commit(tmp_path, {"svc/conf.py": None, "other/conf.py": None})
    assert [f["location"]["path"] for f in findings("--history", "svc")] == ["svc/conf.py"]


def test_history_sarif_names_the_commit(tmp_path: Path) -> None:
    added = commit(tmp_path, {"conf.py": key_line(OLD_KEY)})
    commit(tmp_path, {"conf.py": None})
    res = scan("--history", "--format", "sarif", code=1)
    result = json.loads(res.stdout)["runs"][0]["results"][0]
    assert result["properties"]["commitSha"] == added
    assert result["properties"]["authorDate"] == "2024-03-01T10:00:00+00:00"
    annotations = scan("--history", "--format", "github", code=1).stdout
    assert f"Found in commit {added} (2024-03-01T10:00:00+00:00)." in annotations


def test_history_of_a_merge_sees_the_branch_once(tmp_path: Path) -> None:
    commit(tmp_path, {"app.py": "x = 1\n"})
    git(tmp_path, "checkout", "-q", "-b", "feature")
    on_branch = commit(tmp_path, {"conf.py": key_line(OLD_KEY)})
    git(tmp_path, "checkout", "-q", "main")
    commit(tmp_path, {"other.py": "y = 2\n"})
    git(tmp_path, "merge", "-q", "--no-edit", "feature")
    assert [f["commit"]["sha"] for f in findings("--history")] == [on_branch]


def test_all_refs_reads_branches_head_does_not_reach(tmp_path: Path) -> None:
    commit(tmp_path, {"app.py": "x = 1\n"})
    git(tmp_path, "checkout", "-q", "-b", "experiment")
    on_branch = commit(tmp_path, {"conf.py": key_line(OLD_KEY)})
    git(tmp_path, "checkout", "-q", "main")
    assert findings("--history") == []
    assert [f["commit"]["sha"] for f in findings("--history", "--all-refs")] == [on_branch]


# -- staged -----------------------------------------------------------------------------------


def test_staged_reads_the_index_not_the_work_tree(tmp_path: Path) -> None:
    commit(tmp_path, {"app.py": "x = 1\n"})
    put(tmp_path, "conf.py", key_line(OLD_KEY))
    git(tmp_path, "add", "conf.py")
    put(tmp_path, "conf.py", "# cleaned in the work tree, not staged\n")
    found = findings("--staged")
    assert [(f["location"]["path"], f["location"]["line"]) for f in found] == [("conf.py", 1)]
    assert findings() == []  # the plain scan reads the work tree
    # A key in the work tree that is not staged is not what the commit will hold.
    put(tmp_path, "app.py", key_line(NEW_KEY))
    assert [f["location"]["path"] for f in findings("--staged")] == ["conf.py"]


def test_staged_with_nothing_staged_passes(tmp_path: Path) -> None:
    commit(tmp_path, {"conf.py": key_line(OLD_KEY)})
    res = scan("--staged", code=0)
    assert "no findings in 0 files" in res.stdout


def test_staged_in_a_new_repository_and_a_renamed_file(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    put(tmp_path, "a/conf.py", key_line(OLD_KEY))
    git(tmp_path, "add", "-A")
    assert [f["location"]["path"] for f in findings("--staged")] == ["a/conf.py"]
    commit_all(tmp_path)
    git(tmp_path, "mv", "a/conf.py", "b.py")
    assert [f["location"]["path"] for f in findings("--staged")] == ["b.py"]


# -- diff -------------------------------------------------------------------------------------


def test_diff_scans_changed_files_and_new_only_keeps_new_lines(tmp_path: Path) -> None:
    commit(tmp_path, {"conf.py": key_line(OLD_KEY), "untouched.py": key_line(OLD_KEY)})
    git(tmp_path, "checkout", "-q", "-b", "feature")
    commit(tmp_path, {"conf.py": key_line(OLD_KEY) + "x = 1\n"})
    git(tmp_path, "checkout", "-q", "main")
    commit(tmp_path, {"main_only.py": key_line(NEW_KEY)})  # main moved on: not in the PR
    git(tmp_path, "checkout", "-q", "feature")
    put(tmp_path, "conf.py", key_line(OLD_KEY) + "x = 1\n" + key_line(NEW_KEY))  # uncommitted
    every = findings("--diff", "main")
    assert sorted((f["location"]["path"], f["location"]["line"]) for f in every) == [
        ("conf.py", 1), ("conf.py", 3),
    ]
    new = findings("--diff", "main", "--new-only")
    assert [(f["location"]["path"], f["location"]["line"]) for f in new] == [("conf.py", 3)]
    scan("--diff", "main", "--new-only", "--format", "text", code=1)


def test_diff_with_no_change_passes(tmp_path: Path) -> None:
    commit(tmp_path, {"conf.py": key_line(OLD_KEY)})
    scan("--diff", "HEAD", code=0)
    scan("--diff", "HEAD", "--new-only", code=0)


def test_new_only_follows_a_renamed_file(tmp_path: Path) -> None:
    body = "".join(f"setting_{i} = {i}\n" for i in range(20))
    commit(tmp_path, {"old.py": key_line(OLD_KEY) + body})
    base = head(tmp_path)
    git(tmp_path, "mv", "old.py", "new.py")
    put(tmp_path, "new.py", key_line(OLD_KEY) + body + key_line(NEW_KEY))
    new = findings("--diff", base, "--new-only")
    assert [(f["location"]["path"], f["location"]["line"]) for f in new] == [("new.py", 22)]


def test_diff_runs_no_program_the_repository_names(tmp_path: Path) -> None:
    commit(tmp_path, {"conf.py": "x = 1\n"})
    put(tmp_path, "conf.py", "x = 1\n" + key_line(NEW_KEY))
    git(tmp_path, "add", "-A")
    # Only outlive runs git from here on: the test's own git would run these programs.
    marker = tmp_path.parent / f"{tmp_path.name}-ran"
    script = tmp_path.parent / f"{tmp_path.name}-evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    script.chmod(0o755)
    for key in ("diff.external", "diff.evil.textconv", "filter.evil.smudge",
                "filter.evil.clean", "core.fsmonitor"):
        git(tmp_path, "config", key, str(script))
    put(tmp_path, ".gitattributes", "* diff=evil filter=evil\n")
    assert len(findings("--diff", "HEAD", "--new-only")) == 1
    assert len(findings("--staged")) == 1
    assert findings("--history") == []  # nothing committed holds the key yet
    assert not marker.exists()


def test_a_repository_config_that_reshapes_output_changes_nothing(tmp_path: Path) -> None:
    """Colours, prefixes, quoting and ``log.follow`` come from the scanned repository's
    config; outlive asks git for the shapes it parses."""
    commit(tmp_path, {"svc/café b.py": "x = 1\n"})
    base = head(tmp_path)
    commit(tmp_path, {"svc/café b.py": "x = 1\n" + key_line(NEW_KEY)})
    for key, value in (("color.ui", "always"), ("color.diff", "always"), ("diff.noprefix", "true"),
                       ("diff.mnemonicPrefix", "true"), ("log.follow", "true"),
                       ("core.quotePath", "true"), ("diff.relative", "true")):
        git(tmp_path, "config", key, value)
    where = [("svc/café b.py", 2)]
    assert [(f["location"]["path"], f["location"]["line"]) for f in findings(
        "--diff", base, "--new-only")] == where
    assert [(f["location"]["path"], f["location"]["line"]) for f in findings(
        "--history", "svc/café b.py")] == where


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--staged",), "not inside one"),
        (("--history",), "not inside one"),
        (("--diff", "main"), "not inside one"),
    ],
)
def test_outside_git_is_a_sentence_and_exit_2(tmp_path: Path, args: tuple[str, ...],
                                              says: str) -> None:
    put(tmp_path, "conf.py", key_line(OLD_KEY))
    res = scan(*args, code=2)
    assert res.stderr.startswith("outlive: error: ")
    assert says in res.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--diff", "no-such-branch"), "--diff no-such-branch: no such commit"),
        (("--diff", "--help-me"), "takes a revision"),
        (("--history", "--since", "nope"), "--since nope: no such commit"),
        (("--new-only",), "give it with --diff"),
        (("--since", "HEAD"), "give it with --history"),
        (("--max-commits", "3"), "give it with --history"),
        (("--all-refs",), "give it with --history"),
        (("--staged", "--history"), "--staged and --history"),
        (("--staged", "-"), "not standard input"),
    ],
)
def test_usage_errors_are_sentences_and_exit_2(tmp_path: Path, args: tuple[str, ...],
                                               says: str) -> None:
    commit(tmp_path, {"app.py": "x = 1\n"})
    res = scan(*args, code=2)
    assert says in res.stderr, res.stderr
    assert "Traceback" not in res.stderr


def test_diff_without_a_merge_base_says_to_fetch_history(tmp_path: Path) -> None:
    commit(tmp_path, {"app.py": "x = 1\n"})
    git(tmp_path, "checkout", "-q", "--orphan", "other")
    commit(tmp_path, {"b.py": "y = 2\n"})
    res = scan("--diff", "main", code=2)
    assert "no merge base" in res.stderr
    assert "fetch-depth: 0" in res.stderr


def test_unquote_reads_git_quoted_names() -> None:
    assert unquote(b"b/plain.py") == b"b/plain.py"
    assert unquote(b'"b/tab\\there.py"') == b"b/tab\there.py"
    assert unquote(b'"b/caf\\303\\251.py"') == "b/café.py".encode()
    assert unquote(b'"b/q\\"uote\\\\.py"') == b'b/q"uote\\.py'


def test_history_in_worker_processes_matches_one_process(tmp_path: Path) -> None:
    files: dict[str, str | None] = {f"pkg/m{i}.py": f"value_{i} = {i}\n" for i in range(70)}
    files["pkg/m33.py"] = key_line(OLD_KEY)
    commit(tmp_path, files)
    commit(tmp_path, {"pkg/m33.py": None, "pkg/m34.py": key_line(NEW_KEY)})
    one = findings("--history", "--jobs", "1")
    assert [f["location"]["path"] for f in one] == ["pkg/m33.py", "pkg/m34.py"]
    assert findings("--history", "--jobs", "2") == one


def test_a_plain_pre_commit_hook_blocks_a_staged_key(tmp_path: Path) -> None:
    """``.git/hooks/pre-commit`` running ``outlive scan --staged`` (husky and lefthook run the
    same command): git itself runs it, with the index it is about to commit."""
    commit(tmp_path, {"app.py": "x = 1\n"})
    hook = tmp_path / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(
        f"#!/bin/sh\nexec {sys.executable} -m scanner.cli scan --staged --no-cache "
        "--select LLC-SRC-001\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    put(tmp_path, "conf.py", key_line(OLD_KEY))
    git(tmp_path, "add", "conf.py")
    blocked = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q",
         "-m", "add conf"],
        cwd=tmp_path, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )
    assert blocked.returncode != 0
    said = blocked.stdout + blocked.stderr  # git sends a hook's output to stderr
    assert "conf.py:1:" in said
    assert OLD_KEY not in said
    put(tmp_path, "conf.py", 'AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]\n')
    git(tmp_path, "add", "conf.py")
    git(tmp_path, "commit", "-q", "-m", "read it from the environment")


def test_an_empty_repository_has_no_history_and_no_diff_base(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    put(tmp_path, "conf.py", key_line(OLD_KEY))
    scan("--history", code=0)
    res = scan("--diff", "main", code=2)
    assert "no such commit" in res.stderr


def test_history_runs_the_secret_rules_unless_select_says_otherwise(tmp_path: Path) -> None:
    """A JWT minted without ``exp`` in deleted code is gone with it; a deleted key still works."""
    jwt_code = 'import jwt\n\ntoken = jwt.encode({"sub": "svc"}, KEY, algorithm="HS256")\n'
    commit(tmp_path, {"mint.py": jwt_code, "conf.py": key_line(OLD_KEY)})
    commit(tmp_path, {"mint.py": None, "conf.py": None})

    def rules_found(*args: str) -> set[str]:
        res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "json", *args])
        assert res.exit_code in (0, 1), res.stderr
        return {f["rule"] for f in json.loads(res.stdout)["findings"]}

    assert rules_found("--history") == {"LLC-SRC-001"}
    assert "LLC-PY-001" in rules_found("--history", "--select", "LLC-PY-001,LLC-SRC-001")
