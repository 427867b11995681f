"""Bad input degrades into scan errors, never a crash (design.md section 9).

Every case is one file in a fresh tree. Each must give a scan error in all three channels (a
stderr line in text mode, ``errors`` in json, a ``toolExecutionNotification`` in SARIF), the
raw-text rules must still run where the file is readable, and the exit code is the one the
findings give (1 with findings, 0 without), never 2 and never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main

KEY_ID = fake_token("AKIA", 16, BASE32_UPPER, seed=77)
KEY_LINE = f"aws_access_key_id = {KEY_ID}\n"


@dataclass(frozen=True)
class Case:
    files: dict[str, bytes]
    error_path: str
    error_text: str
    findings: tuple[tuple[str, int, str], ...] = ()  # (path, line, rule)
    config: str | None = None
    unreadable: str | None = None
    links: dict[str, str] = field(default_factory=dict)


def b(text: str) -> bytes:
    return text.encode("utf-8")


CASES = {
    "binary": Case(
        {"blob.bin": b"\x7fELF\x00\x01\x02" + b(KEY_LINE)},
        "blob.bin",
        "binary file",
    ),
    "non-utf8": Case(
        {"notes.txt": b"caf\xe9 cr\xe8me \xff\xfe\n" + b(KEY_LINE)},
        "notes.txt",
        "not valid UTF-8",
        (("notes.txt", 2, "LLC-SRC-001"),),
    ),
    "nul-after-8kib": Case(
        {"dump.txt": b"x" * 9000 + b"\x00\n" + b(KEY_LINE)},
        "dump.txt",
        "NUL",
        (("dump.txt", 2, "LLC-SRC-001"),),
    ),
    "malformed-python": Case(
        {"app.py": b("import jwt\n\ndef token(:\n    return jwt.encode({}, 'k')\n" + KEY_LINE)},
        "app.py",
        "could not parse Python",
        (("app.py", 5, "LLC-SRC-001"),),
    ),
    "malformed-workflow": Case(
        {
            ".github/workflows/deploy.yml": b(
                "jobs:\n  deploy: [\n    - uses: aws-actions/configure-aws-credentials@v4\n"
                f"      env: {{ KEY: {KEY_ID} }}\n"
            )
        },
        ".github/workflows/deploy.yml",
        "could not parse YAML",
        ((".github/workflows/deploy.yml", 4, "LLC-SRC-001"),),
    ),
    "malformed-hcl": Case(
        {
            "main.tf": b(
                'resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n\n'
                'resource "aws_iam_user" "ci" {\n  name = "ci"\n'
            )
        },
        "main.tf",
        "HCL syntax error",
        (("main.tf", 1, "LLC-IAC-001"),),
    ),
    "malformed-cloudformation-json": Case(
        {
            "stack.json": b(
                '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n'
                '    "Key": {"Type": "AWS::IAM::AccessKey",\n'
                f'      "Metadata": {{"id": "{KEY_ID}"}}\n'
            )
        },
        "stack.json",
        "could not parse JSON",
        (("stack.json", 5, "LLC-SRC-001"),),
    ),
    "deep-yaml": Case(
        {
            ".github/workflows/deep.yml": b(
                KEY_LINE + "# configure-aws-credentials\njobs: " + "[" * 50000
            )
        },
        ".github/workflows/deep.yml",
        "nesting deeper",
        ((".github/workflows/deep.yml", 1, "LLC-SRC-001"),),
    ),
    "deep-python": Case(
        {"deep.py": b(f"import jwt\nKEY = '{KEY_ID}'\nx = " + "(" * 50000 + "\n")},
        "deep.py",
        "nesting deeper",
        (("deep.py", 2, "LLC-SRC-001"),),
    ),
    "long-python-chain": Case(
        {"chain.py": b(f"import jwt\nKEY = '{KEY_ID}'\nx = a" + ".b" * 30000 + "\n")},
        "chain.py",
        "could not parse Python",
        (("chain.py", 2, "LLC-SRC-001"),),
    ),
    "too-large": Case(
        {"big.txt": b(KEY_LINE) + b"y" * 4000},
        "big.txt",
        "larger than max-file-size",
        config="max-file-size = 1024\n",
    ),
    "unreadable": Case(
        {"secret.txt": b(KEY_LINE), "other.txt": b(KEY_LINE)},
        "secret.txt",
        "permission denied",
        (("other.txt", 1, "LLC-SRC-001"),),
        unreadable="secret.txt",
    ),
    "broken-symlink": Case(
        {"ok.txt": b"nothing to see\n"},
        "dangling.txt",
        "broken symbolic link",
        links={"dangling.txt": "missing-target.txt"},
    ),
}


@pytest.fixture(params=sorted(CASES), ids=sorted(CASES))
def case(request, tmp_path, monkeypatch) -> Case:
    case = CASES[request.param]
    for name, data in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, target in case.links.items():
        (tmp_path / name).symlink_to(tmp_path / target)
    if case.config is not None:
        (tmp_path / "outlive.toml").write_text(case.config, encoding="utf-8")
    if case.unreadable is not None:
        # Tests run as root, where chmod 000 still reads: simulate the failing read instead.
        # Every read goes through os.open (scanner.discovery.safe_read).
        blocked = (tmp_path / case.unreadable).resolve()
        real = os.open

        def os_open(path: str | os.PathLike[str], flags: int, *args: int, **kw: int) -> int:
            if Path(path).resolve() == blocked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, flags, *args, **kw)

        monkeypatch.setattr(os, "open", os_open)
    monkeypatch.chdir(tmp_path)
    return case


def scan(*args: str):
    return CliRunner().invoke(
        main, ["scan", "--no-cache", "--jobs", "1", *args, "."], catch_exceptions=False
    )


def test_text(case):
    res = scan()
    assert res.exit_code == (1 if case.findings else 0), res.output
    assert "Traceback" not in res.stderr
    lines = [line for line in res.stderr.splitlines() if case.error_path in line]
    assert lines, res.stderr
    assert any(case.error_text in line for line in lines), lines
    assert all(line.startswith("outlive: ") for line in res.stderr.splitlines())
    for path, line, rule in case.findings:
        assert f"{path}:{line}:" in res.stdout
        assert rule in res.stdout


def test_json(case):
    res = scan("--format", "json")
    assert res.exit_code == (1 if case.findings else 0)
    data = json.loads(res.stdout)
    found = {(f["location"]["path"], f["location"]["line"], f["rule"]) for f in data["findings"]}
    assert found == set(case.findings)
    errors = [e for e in data["errors"] if e["path"] == case.error_path]
    assert errors, data["errors"]
    assert any(case.error_text in e["message"] for e in errors)
    assert all(e["level"] in ("warning", "note") for e in data["errors"])
    assert res.stderr == ""  # machine formats carry errors in the report only


def test_sarif(case):
    res = scan("--format", "sarif")
    assert res.exit_code == (1 if case.findings else 0)
    run = json.loads(res.stdout)["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    mine = [
        n
        for n in notes
        if n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == case.error_path
    ]
    assert mine, notes
    assert any(case.error_text in n["message"]["text"] for n in mine)
    assert run["invocations"][0]["executionSuccessful"] is True
    assert len(run["results"]) == len(case.findings)


def test_everything_at_once(tmp_path, monkeypatch):
    """All the bad files in one tree: one scan, every error reported, no crash."""
    expected_errors = set()
    expected_findings = set()
    for name, case in CASES.items():
        if case.config or case.unreadable:
            continue
        root = tmp_path / name
        for rel, data in case.files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for rel, target in case.links.items():
            (root / rel).symlink_to(root / target)
        expected_errors.add(f"{name}/{case.error_path}")
        expected_findings |= {(f"{name}/{p}", line, r) for p, line, r in case.findings}
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "json", "."],
                             catch_exceptions=False)
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert {e["path"] for e in data["errors"]} >= expected_errors
    found = {(f["location"]["path"], f["location"]["line"], f["rule"]) for f in data["findings"]}
    assert found == expected_findings


DEEP_PYTHON = {
    "parens.py": "x = " + "(" * 50000 + "\n",
    "attribute_chain.py": "x = a" + ".b" * 20000 + "\n",
    "unary_chain.py": "x = " + "-" * 20000 + "1\n",
    "lambda_chain.py": "x = " + "lambda: " * 20000 + "1\n",
    "or_chain.py": "x = " + "a or " * 20000 + "1\n",
    "binary_chain.py": "x = " + "1 + " * 20000 + "1\n",
    # CPython cannot parse this one at all, so only the tokenizer bound stops LibCST.
    "broken_or_chain.py": "x = " + "a or " * 12000 + "1\ndef broken(:\n",
}


def test_deep_python_does_not_kill_the_process(tmp_path):
    """LibCST's native parser overflows the C stack on long chains (SIGSEGV) or takes minutes:
    run in a child process, so a regression fails this test instead of killing the test run.
    Each file mints a JWT, so a Python rule's sink is there and LibCST would be asked to parse
    it (a file with no sink is never handed to LibCST, deep or not)."""
    mint = "TOKEN = jwt.encode({'sub': 'bot'}, KEY)\n"
    for name, source in DEEP_PYTHON.items():
        text = f"import jwt\nKEY = '{KEY_ID}'\n{mint}{source}"
        (tmp_path / name).write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "scan", "--no-cache", "--jobs", "1", "--format",
         "json", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    found = sorted((f["location"]["path"], f["rule"]) for f in data["findings"])
    assert found == sorted((name, "LLC-SRC-001") for name in DEEP_PYTHON)
    errors = {e["path"]: e["message"] for e in data["errors"]}
    assert sorted(errors) == sorted(DEEP_PYTHON)
    assert all(m.startswith("could not parse Python") for m in errors.values()), errors
    assert "Traceback" not in proc.stderr


def test_yaml_alias_bomb(tmp_path, monkeypatch):
    """A billion-laughs workflow parses (nodes are shared) and is walked in bounded time."""
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    workflow = "\n".join(rows) + (
        "\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
        "        with:\n          aws-access-key-id: ${{ secrets.KEY }}\n"
    )
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bomb.yml").write_text(workflow, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["scan", "--no-cache", "--format", "json", "."],
                             catch_exceptions=False)
    assert res.exit_code == 1
    assert [f["rule"] for f in json.loads(res.stdout)["findings"]] == ["LLC-GHA-001"]
