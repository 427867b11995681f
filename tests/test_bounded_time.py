"""No input shape makes the scan of one file superlinear (issue 8, "bounded time per byte").

Each shape is built at run time at a size the old code took far longer than the timeout on
(measured: 30 s to minutes), and scanned in a child process, so a regression fails instead of
hanging the suite. The assertions are about the outcome: a report, the "not parsed" error, the
raw-text finding still found.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.api import BASE32_UPPER, fake_token
from scanner.documents import hcl

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=81)

#: Scans one file with every rule and prints its findings and errors as JSON.
CHILD = """
import json, sys
from pathlib import Path
from scanner.config import Config
from scanner.engine import Engine
from scanner.registry import all_rules
import datetime as dt
path = Path(sys.argv[1])
engine = Engine(all_rules(), Config(root=path.parent), today=dt.date(2026, 1, 1))
result = engine.scan_bytes(sys.argv[2], path.read_bytes())
print(json.dumps({
    "findings": [[f.rule_id, f.location.line, f.snippet] for f in result.findings],
    "errors": [e.message for e in result.errors],
}))
"""

TIMEOUT = 60


def scan_in_child(tmp_path: Path, rel: str, data: bytes) -> dict[str, list[object]]:
    target = tmp_path / "input"
    target.write_bytes(data)
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(target), rel],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"scanning {rel} ({len(data)} bytes) did not finish in {TIMEOUT} s")
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, list[object]] = json.loads(done.stdout)
    return result


def test_long_whitespace_in_a_suppression_comment(tmp_path: Path) -> None:
    # The trailer and argument regexes backtracked over the run: 32 KB took half a minute.
    line = '# outlive: ignore[LLC-SRC-001] reason="r"' + " " * 65536 + "x"
    args = "# outlive: ignore[LLC-SRC-001]" + " " * 65536 + "="
    data = f"{line}\n{args}\nkey = {KEY}\n".encode()
    result = scan_in_child(tmp_path, "notes.txt", data)
    errors = [str(e) for e in result["errors"]]
    assert any("cannot read 'x'" in e for e in errors), errors
    assert any("cannot read '='" in e for e in errors), errors
    assert [f[:2] for f in result["findings"]] == [["LLC-SRC-001", 3]]


def test_many_keys_in_one_file(tmp_path: Path) -> None:
    # Every secret was checked against every finding's snippet: quadratic in keys (about 80 s
    # here before). Lines padded with near-misses make each of those checks slow.
    # Distinct keys (copies of one key are one finding): the last four characters count.
    keys = [
        fake_token("AKIA", 12, BASE32_UPPER, seed=1000 + i)
        + "".join(BASE32_UPPER[(i >> (5 * j)) & 31] for j in range(4))
        for i in range(12000)
    ]
    padding = ("AKIA-" * 180)[:900]
    data = "".join(
        f"aws_access_key_id_{i} = {k}  # {padding}\n" for i, k in enumerate(keys)
    ).encode()
    result = scan_in_child(tmp_path, "keys.env", data)
    findings = result["findings"]
    assert len(findings) == len(keys)
    for (_, line, snippet), key in zip(sorted(findings, key=lambda f: f[1]), keys, strict=True):
        assert key not in snippet
        assert key[:4] + "…" in str(snippet), (line, snippet)


@pytest.mark.parametrize("run", [" " * 131072, "\n" * 131072, " \t\r\n\f" * 26000])
def test_long_whitespace_in_terraform(tmp_path: Path, run: str) -> None:
    # tree-sitter-hcl is quadratic in a whitespace run inside an expression.
    data = (
        f'variable "k" {{\n  default = "{KEY}"\n}}\n'
        f'resource "aws_iam_access_key" "ci" {{\n  user ={run}"ci"\n}}\n'
    ).encode()
    result = scan_in_child(tmp_path, "infra/main.tf", data)
    errors = [str(e) for e in result["errors"]]
    assert any("could not parse HCL" in e and "blank characters" in e for e in errors), errors
    assert ["LLC-SRC-001", 2] in [f[:2] for f in result["findings"]]


def test_terraform_with_ordinary_whitespace_still_parses() -> None:
    text = 'locals {\n' + "\n" * 100 + "  a =" + " " * hcl.MAX_WHITESPACE_RUN + '"x"\n}\n'
    doc = hcl.HclDocument("main.tf", text)
    assert doc.blocks[0].attributes["a"].literal == "x"


def test_hcl_parse_past_its_budget_is_cancelled_and_the_parser_reset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The backstop for shapes the pre-screen does not know: a zero budget cancels at the first
    # progress check, and the next file must not inherit the cancelled parse.
    monkeypatch.setattr(hcl, "MAX_WHITESPACE_RUN", 10**9)
    monkeypatch.setattr(hcl, "PARSE_SECONDS_BASE", -1.0)
    monkeypatch.setattr(hcl, "PARSE_SECONDS_PER_BYTE", 0.0)
    with pytest.raises(hcl.HclTooComplexError, match="time budget"):
        hcl.HclDocument("slow.tf", "a =" + " " * 20000 + "1\n")
    monkeypatch.setattr(hcl, "PARSE_SECONDS_BASE", 2.0)
    doc = hcl.HclDocument("next.tf", 'b = "y"\n')
    assert not doc.has_error
    assert doc.attributes["b"].literal == "y"


#: A JWT mint: a Python rule's sink, so LibCST would be asked to parse the file (one without a
#: sink is never handed to LibCST).
_MINT = "TOKEN = jwt.encode({'sub': 'bot'}, KEY)\n"


def test_deep_brackets_in_python(tmp_path: Path) -> None:
    # Ten lists 999 deep in a 20 KB file importing jwt: 54 s and 9 GB in LibCST before.
    nest = "x = " + "[" * 999 + "]" * 999 + "\n"
    data = f"import jwt\nKEY = '{KEY}'\n{_MINT}{nest * 10}".encode()
    result = scan_in_child(tmp_path, "deep.py", data)
    errors = [str(e) for e in result["errors"]]
    assert any("bracket nesting deeper than 100" in e for e in errors), errors
    assert ["LLC-SRC-001", 2] in [f[:2] for f in result["findings"]]


def test_many_bracket_nests_under_the_depth_cap_in_python(tmp_path: Path) -> None:
    # Each nest is under the cap, but together they cost LibCST gigabytes.
    nest = "x = " + "[" * 95 + "]" * 95 + "\n"
    data = f"import jwt\nKEY = '{KEY}'\n{_MINT}{nest * 300}".encode()
    result = scan_in_child(tmp_path, "nests.py", data)
    errors = [str(e) for e in result["errors"]]
    assert any("memory and time budget" in e for e in errors), errors
    assert ["LLC-SRC-001", 2] in [f[:2] for f in result["findings"]]


def test_deep_brackets_with_a_syntax_error_in_python(tmp_path: Path) -> None:
    # CPython refuses the text, so the tokenizer fallback decides: bare brackets count.
    data = f"import jwt\nKEY = '{KEY}'\n{_MINT}x = {'[' * 150}{']' * 150} +\n".encode()
    result = scan_in_child(tmp_path, "broken.py", data)
    errors = [str(e) for e in result["errors"]]
    assert any("bracket nesting deeper than 100" in e for e in errors), errors
    assert ["LLC-SRC-001", 2] in [f[:2] for f in result["findings"]]
