"""A baseline users can maintain: update adds and prunes, audit asks on a real terminal,
--fail-on-unaudited gates, and detect-secrets / gitleaks records import where they map."""

from __future__ import annotations

import hashlib
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scanner.api import BASE32_UPPER, fake_token
from scanner.baseline import DEFAULT_BASELINE, BaselineError, Entry, load
from scanner.baseline_import import GITLEAKS, ForeignItem, comparable
from scanner.cli import main

KEY_A = fake_token("AKIA", 16, BASE32_UPPER, seed=161)
KEY_B = fake_token("AKIA", 16, BASE32_UPPER, seed=162)
KEY_C = fake_token("AKIA", 16, BASE32_UPPER, seed=163)
ROOT = Path(__file__).resolve().parent.parent
EXCLUDE = '[".cache/**", ".secrets.baseline"]'
#: The same flagged code in functions of their own: identical findings that share one key.
JWT_CALL = '\n\ndef mint_{i}(user, key):\n    return jwt.encode({{"sub": user}}, key)\n'


def write_calls(root: Path, n: int) -> None:
    text = "import jwt\n" + "".join(JWT_CALL.format(i=i) for i in range(n))
    (root / "tokens.py").write_text(text, encoding="utf-8")


def cli(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OUTLIVE_CACHE_DIR", str(tmp_path / ".cache"))
    # The detect-secrets record holds SHA-1s under `hashed_secret`, which LLC-SRC-014 reads
    # as secrets (reported to the rule's owner); these tests keep it out of the scan.
    (tmp_path / "outlive.toml").write_text(f"exclude = {EXCLUDE}\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"first = 1\naws = {KEY_A}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"aws = {KEY_B}\n", encoding="utf-8")
    return tmp_path


def doc(repo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo / DEFAULT_BASELINE).read_text(encoding="utf-8"))
    return data


def by_path(repo: Path) -> dict[str, dict[str, Any]]:
    return {r["path"]: r for r in doc(repo)["results"]}


def set_fields(repo: Path, path: str, **fields: str) -> None:
    data = doc(repo)
    for item in data["results"]:
        if item["path"] == path:
            item.update(fields)
    (repo / DEFAULT_BASELINE).write_text(json.dumps(data), encoding="utf-8")


def create() -> None:
    result = cli("baseline", "create")
    assert result.exit_code == 0, result.stderr


# -- update ------------------------------------------------------------------------------------


def test_update_adds_prunes_and_keeps_reasons_and_verdicts(repo: Path) -> None:
    create()
    set_fields(repo, "a.txt", reason="rotated; kept for a replay test", verdict="true-positive")
    (repo / "b.txt").write_text("aws = read from the vault\n", encoding="utf-8")  # fixed
    (repo / "c.txt").write_text(f"aws = {KEY_C}\n", encoding="utf-8")  # new
    write_calls(repo, 2)  # new, twice
    result = cli("baseline", "update")
    assert result.exit_code == 0, result.stderr
    assert "2 added (3 new findings), 1 pruned (no finding left), 1 unchanged" in result.stderr
    assert "3 entries now" in result.stderr
    entries = by_path(repo)
    assert set(entries) == {"a.txt", "tokens.py", "c.txt"}
    assert entries["a.txt"]["reason"] == "rotated; kept for a replay test"
    assert entries["a.txt"]["verdict"] == "true-positive"
    assert entries["tokens.py"]["count"] == 2
    assert "reason" not in entries["c.txt"]
    assert "verdict" not in entries["c.txt"]
    assert KEY_C not in (repo / DEFAULT_BASELINE).read_text(encoding="utf-8")
    # Everything current is known now.
    assert cli("scan", "--baseline", DEFAULT_BASELINE).exit_code == 0


def test_update_raises_and_lowers_counts(repo: Path) -> None:
    write_calls(repo, 1)
    create()
    write_calls(repo, 3)
    result = cli("baseline", "update")
    assert "1 with more findings" in result.stderr
    assert by_path(repo)["tokens.py"]["count"] == 3
    write_calls(repo, 1)
    result = cli("baseline", "update")
    assert "1 with fewer findings left" in result.stderr
    assert by_path(repo)["tokens.py"]["count"] == 1


def test_update_no_add_only_narrows(repo: Path) -> None:
    create()
    (repo / "c.txt").write_text(f"aws = {KEY_C}\n", encoding="utf-8")
    result = cli("baseline", "update", "--no-add")
    assert result.exit_code == 0
    assert "added" not in result.stderr
    assert set(by_path(repo)) == {"a.txt", "b.txt"}


def test_a_bad_verdict_is_refused(repo: Path) -> None:
    create()
    set_fields(repo, "a.txt", verdict="maybe")
    with pytest.raises(BaselineError, match="`verdict` must be true-positive or false-positive"):
        load(repo / DEFAULT_BASELINE)
    assert cli("scan", "--baseline", DEFAULT_BASELINE).exit_code == 2


# -- audit -------------------------------------------------------------------------------------


def test_audit_refuses_without_a_terminal(repo: Path) -> None:
    create()
    result = cli("baseline", "audit", stdin="t\nreal\n")
    assert result.exit_code == 2
    assert "standard input is not one" in result.stderr
    assert "--verdict" in result.stderr
    assert "verdict" not in (repo / DEFAULT_BASELINE).read_text(encoding="utf-8")


def test_audit_verdict_needs_a_reason(repo: Path) -> None:
    create()
    result = cli("baseline", "audit", "--verdict", "false-positive")
    assert result.exit_code == 2
    assert "--verdict and --reason go together" in result.stderr


def test_audit_non_interactive_marks_only_unaudited_entries(repo: Path) -> None:
    create()
    set_fields(repo, "a.txt", reason="accepted in review")
    result = cli(
        "baseline", "audit", "--verdict", "false-positive", "--reason", "sample keys of the docs"
    )
    assert result.exit_code == 0, result.stderr
    assert "marked 1 entry" in result.stderr
    entries = by_path(repo)
    assert entries["a.txt"] == {**entries["a.txt"], "reason": "accepted in review"}
    assert "verdict" not in entries["a.txt"]
    assert entries["b.txt"]["verdict"] == "false-positive"
    assert entries["b.txt"]["reason"] == "sample keys of the docs"
    again = cli("baseline", "audit", "--verdict", "false-positive", "--reason", "x")
    assert "nothing to audit" in again.stderr


class Terminal:
    """``outlive`` run on a real pseudo-terminal (stdin, stdout and stderr), as a user runs it."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scanner.cli", *args],
            cwd=cwd,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"did not see {text!r}; saw:\n{self.seen}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                assert chunk, f"terminal closed before {text!r}; saw:\n{self.seen}"
                self.seen += chunk.decode("utf-8", "replace")
        return self.seen

    def send(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def close(self) -> int:
        code = self.proc.wait(timeout=60)
        while True:  # drain what is left
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.seen += chunk.decode("utf-8", "replace")
        os.close(self.master)
        return code


def test_audit_on_a_terminal_saves_answers_and_quits(repo: Path) -> None:
    (repo / "c.txt").write_text(f"aws = {KEY_C}\n", encoding="utf-8")
    create()
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    term = Terminal(["baseline", "audit"], repo, env)
    try:
        term.expect("[1/3] a.txt LLC-SRC-001")
        term.expect("[q]uit")
        term.send("t")
        term.expect("Why?")
        term.send("a live key; rotation tracked in SEC-12")
        term.expect("[2/3] b.txt")
        term.send("x")  # not an answer: asked again
        term.expect("Error: 'x' is not one of")
        term.send("f")
        term.expect("Why?")
        term.send("the AWS docs' sample key")
        term.expect("[3/3] c.txt")
        term.send("q")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    shown = term.seen
    assert "AKIA…" in shown  # the redacted snippet, never the key
    for key in (KEY_A, KEY_B, KEY_C):
        assert key not in shown
        assert key[4:] not in shown
    assert "audited 2 of 3 unaudited entries" in shown
    assert "1 left" in shown
    entries = by_path(repo)
    assert entries["a.txt"]["verdict"] == "true-positive"
    assert entries["a.txt"]["reason"] == "a live key; rotation tracked in SEC-12"
    assert entries["b.txt"]["verdict"] == "false-positive"
    assert "verdict" not in entries["c.txt"]
    # The next audit starts with what is left.
    term = Terminal(["baseline", "audit"], repo, env)
    try:
        term.expect("[1/1] c.txt LLC-SRC-001")
        term.expect("[q]uit")
        os.write(term.master, b"\x04")  # Ctrl-D: saves and stops
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    assert "audited 0 of 1 unaudited entry" in term.seen


def test_audit_skips_stale_entries_and_says_so(repo: Path) -> None:
    create()
    (repo / "b.txt").write_text("aws = from the vault\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    term = Terminal(["baseline", "audit"], repo, env)
    try:
        term.expect("[1/1] a.txt")
        term.send("s")
        assert term.close() == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    assert "1 entry has no current finding" in term.seen


# -- --fail-on-unaudited ------------------------------------------------------------------------


def test_fail_on_unaudited(repo: Path) -> None:
    create()
    assert cli("scan", "--baseline", DEFAULT_BASELINE).exit_code == 0
    result = cli("scan", "--baseline", DEFAULT_BASELINE, "--fail-on-unaudited")
    assert result.exit_code == 1
    assert "hides 2 findings through entries with neither reason nor verdict" in result.stderr
    set_fields(repo, "a.txt", reason="accepted in review")
    set_fields(repo, "b.txt", verdict="false-positive")
    assert cli("scan", "--baseline", DEFAULT_BASELINE, "--fail-on-unaudited").exit_code == 0
    shown = cli("scan", "--baseline", DEFAULT_BASELINE, "--show-suppressed", "--no-color")
    assert "suppressed (external): accepted in review" in shown.stdout
    assert "suppressed (external): false positive: recorded in the baseline" in shown.stdout
    # The config's baseline counts too, and --exit-zero still wins for upload-only jobs.
    set_fields(repo, "b.txt", verdict="")
    (repo / "outlive.toml").write_text(
        f'exclude = {EXCLUDE}\nbaseline = "{DEFAULT_BASELINE}"\n', encoding="utf-8"
    )
    result = cli("scan", "--fail-on-unaudited", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"] == []
    assert cli("scan", "--fail-on-unaudited", "--exit-zero").exit_code == 0


def test_fail_on_unaudited_without_a_baseline_changes_nothing(repo: Path) -> None:
    assert cli("scan", "--fail-on-unaudited").exit_code == 1  # the findings themselves
    (repo / "a.txt").unlink()
    (repo / "b.txt").unlink()
    assert cli("scan", "--fail-on-unaudited").exit_code == 0


# -- import ------------------------------------------------------------------------------------


def sha1(value: str) -> str:
    return hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


def secrets_baseline(results: dict[str, list[dict[str, object]]]) -> str:
    return json.dumps(
        {"version": "1.5.0", "plugins_used": [], "filters_used": [], "results": results}
    )


def ds(
    line: int, value: str, kind: str = "AWS Access Key", **extra: object
) -> dict[str, object]:
    return {"type": kind, "filename": "x", "hashed_secret": sha1(value), "is_verified": False,
            "line_number": line, **extra}


def test_import_detect_secrets(repo: Path) -> None:
    (repo / "moved.txt").write_text(f"\n\n\naws = {KEY_C}\n", encoding="utf-8")
    (repo / "quiet.txt").write_text("nothing here\n", encoding="utf-8")
    record = repo / ".secrets.baseline"
    record.write_text(
        secrets_baseline(
            {
                "a.txt": [ds(2, KEY_A, is_secret=False)],  # maps, with its audit answer
                "b.txt": [ds(1, KEY_C)],  # same line, another value: the key changed
                "./moved.txt": [ds(1, KEY_C, "Secret Keyword")],  # the line moved: by value
                "quiet.txt": [ds(1, "hunter2", "Secret Keyword")],
                "gone.txt": [ds(3, KEY_B)],
            }
        ),
        encoding="utf-8",
    )
    result = cli("baseline", "import", str(record))
    assert result.exit_code == 0, result.stderr
    assert "2 of 5 detect-secrets items mapped to outlive findings" in result.stderr
    assert "2 entries added" in result.stderr
    assert "b.txt:1 (detect-secrets AWS Access Key): an outlive finding on line 1, but no " \
        "value there hashes to the recorded secret" in result.stderr
    assert "quiet.txt:1 (detect-secrets Secret Keyword): outlive reports nothing" in result.stderr
    assert "gone.txt:3" in result.stderr
    entries = by_path(repo)
    assert set(entries) == {"a.txt", "moved.txt"}
    assert entries["a.txt"]["verdict"] == "false-positive"
    assert entries["a.txt"]["reason"] == "detect-secrets audit: not a secret"
    assert "verdict" not in entries["moved.txt"]
    text = (repo / DEFAULT_BASELINE).read_text(encoding="utf-8")
    assert sha1(KEY_A) not in text
    assert KEY_A not in text
    # The imported entries hide their findings; b.txt's changed key stays new.
    result = cli("scan", "--baseline", DEFAULT_BASELINE, "--format", "json")
    assert [f["location"]["path"] for f in json.loads(result.stdout)["findings"]] == ["b.txt"]


def test_import_merges_into_an_existing_baseline_keeping_reasons(repo: Path) -> None:
    create()
    set_fields(repo, "a.txt", reason="ours")
    record = repo / ".secrets.baseline"
    record.write_text(
        secrets_baseline({"a.txt": [ds(2, KEY_A, is_secret=True)]}), encoding="utf-8"
    )
    result = cli("baseline", "import", str(record))
    assert result.exit_code == 0, result.stderr
    assert "0 entries added" in result.stderr
    entries = by_path(repo)
    assert entries["a.txt"]["reason"] == "ours"
    assert entries["a.txt"]["verdict"] == "true-positive"
    assert set(entries) == {"a.txt", "b.txt"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


def test_import_gitleaksignore(repo: Path) -> None:
    git(repo, "init", "-q")
    git(repo, "add", "a.txt", "b.txt")
    git(repo, "commit", "-q", "-m", "keys")
    sha = git(repo, "rev-parse", "HEAD")
    (repo / "b.txt").write_text(f"# moved down a line\naws = {KEY_B}\n", encoding="utf-8")
    (repo / "c.txt").write_text(f"aws = {KEY_C}\n", encoding="utf-8")
    record = repo / ".gitleaksignore"
    record.write_text(
        "# accepted findings\n"
        "a.txt:aws-access-token:2\n"
        f"{sha}:b.txt:generic-api-key:1\n"  # line 1 then, line 2 now: matched by its text
        f"{'f' * 40}:c.txt:aws-access-token:1\n"  # a commit this clone lacks
        "c.txt:github-pat:1\n"  # a rule of another family on that line
        "a.txt:aws-access-token:1\n",  # nothing on line 1
        encoding="utf-8",
    )
    result = cli("baseline", "import", str(record), "--output", "known.json")
    assert result.exit_code == 0, result.stderr
    assert "2 of 5 gitleaks items mapped" in result.stderr
    assert "c.txt:1 (gitleaks github-pat): no outlive finding of a comparable rule" in (
        result.stderr
    )
    assert "ffffffffffff:c.txt:1 (gitleaks aws-access-token): commit ffffffffffff" in (
        result.stderr
    )
    assert "a.txt:1 (gitleaks aws-access-token)" in result.stderr
    entries = {e.path: e for e in load(repo / "known.json")}
    assert set(entries) == {"a.txt", "b.txt"}
    assert all(not e.audited for e in entries.values())  # gitleaks records no reason
    result = cli("scan", "--baseline", "known.json", "--format", "json")
    assert [f["location"]["path"] for f in json.loads(result.stdout)["findings"]] == ["c.txt"]
    assert cli("scan", "--baseline", "known.json", "a.txt", "--fail-on-unaudited").exit_code == 1


def test_a_commit_line_edited_since_does_not_map(repo: Path) -> None:
    git(repo, "init", "-q")
    git(repo, "add", "b.txt")
    git(repo, "commit", "-q", "-m", "key")
    sha = git(repo, "rev-parse", "HEAD")
    (repo / "b.txt").write_text(f"aws = {KEY_C}\n", encoding="utf-8")  # another key now
    (repo / ".gitleaksignore").write_text(f"{sha}:b.txt:aws-access-token:1\n", encoding="utf-8")
    result = cli("baseline", "import", ".gitleaksignore")
    assert "0 of 1 gitleaks item mapped" in result.stderr
    assert "is no longer in the work tree (edited or removed since)" in result.stderr


def test_import_refuses_what_it_cannot_read(repo: Path) -> None:
    (repo / "bad.json").write_text('{"results": []}', encoding="utf-8")
    result = cli("baseline", "import", "bad.json")
    assert result.exit_code == 2
    assert "not a detect-secrets baseline" in result.stderr
    (repo / ".gitleaksignore").write_text("just words\n", encoding="utf-8")
    result = cli("baseline", "import", ".gitleaksignore")
    assert result.exit_code == 2
    assert ".gitleaksignore:1: not a gitleaks fingerprint" in result.stderr
    result = cli("baseline", "import", "missing.json")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not (repo / DEFAULT_BASELINE).exists()


def test_comparable_families() -> None:
    aws = comparable(ForeignItem(GITLEAKS, "a", 1, "aws-access-token"))
    assert aws("LLC-SRC-001")
    assert aws("LLC-PY-005")
    assert aws("LLC-SRC-014")
    assert not aws("LLC-SRC-002")
    assert not aws("LLC-PY-001")
    unknown = comparable(ForeignItem(GITLEAKS, "a", 1, "some-new-rule"))
    assert unknown("LLC-SRC-022")
    assert unknown("LLC-IAC-010")
    assert not unknown("LLC-GHA-001")


def test_entry_is_audited_by_reason_or_verdict() -> None:
    assert not Entry("p", "r", "f").audited
    assert not Entry("p", "r", "f", reason="  ").audited
    assert Entry("p", "r", "f", reason="why").audited
    assert Entry("p", "r", "f", verdict="false-positive").audited


def test_import_counts_lines_as_the_scan_does(repo: Path) -> None:
    # A form feed or a record separator is no line break to the scan (nor to detect-secrets).
    (repo / "c.txt").write_text(f"page one\x0c still line one\x1e\naws = {KEY_C}\n", "utf-8")
    record = repo / ".secrets.baseline"
    record.write_text(secrets_baseline({"c.txt": [ds(2, KEY_C)]}), encoding="utf-8")
    result = cli("baseline", "import", str(record))
    assert "1 of 1 detect-secrets item mapped" in result.stderr


def test_a_second_secret_on_the_line_does_not_stand_for_the_finding(repo: Path) -> None:
    # detect-secrets recorded a value outlive does not report; the finding beside it is not it.
    (repo / "c.txt").write_text(f'aws = {KEY_C}  note = "Zq8vL2pXr7TnW4sK"\n', "utf-8")
    record = repo / ".secrets.baseline"
    record.write_text(
        secrets_baseline({"c.txt": [ds(1, "Zq8vL2pXr7TnW4sK", "Base64 High Entropy String")]}),
        encoding="utf-8",
    )
    result = cli("baseline", "import", str(record))
    assert "0 of 1 detect-secrets item mapped" in result.stderr
