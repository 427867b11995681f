"""Files in UTF-16/UTF-32 with a byte-order mark are decoded, not skipped as binary (issue 8).

Windows tools (PowerShell's ``Out-File``, Visual Studio, ``reg export``) write ``.env``, ``.ps1``
and ``.config`` files in UTF-16 with a mark; a key inside must be found, at the line and column
(in characters) it has in the decoded text. Without a mark nothing is guessed.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_token
from scanner.cli import main
from scanner.config import Config
from scanner.discovery import SourceFile, read_file
from scanner.engine import Engine
from scanner.registry import all_rules

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=808)

BOMS = {
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-32-le": b"\xff\xfe\x00\x00",
    "utf-32-be": b"\x00\x00\xfe\xff",
}

#: (path, third line with the key, 1-based column of the key in characters). Each line 3 has
#: non-ASCII before the key (an astral emoji is two UTF-16 units and four UTF-8 bytes), so a
#: column counted in bytes or code units would be wrong.
FILES = {
    ".env": ("# ünïcode config\nREGION=eu\nAWS_ACCESS_KEY_ID={key} # 🔑\n", 19),
    "deploy.ps1": ("# Ärger\n$x = 1\n$env:AWS_KEY = \"{key}\" # 🔑 ü\n", 17),
    "app/settings.py": ("# ö\nimport os\n_ключ = '🔑'; K = \"{key}\"\n", 19),
    "web.config": (
        "<?xml version='1.0'?>\n<configuration>\n  <add key=\"ü🔑\" value=\"{key}\"/>\n",
        24,
    ),
    "appsettings.json": ("{{\n  \"a\": \"é\",\n  \"🔑\": \"{key}\"\n}}\n", 9),
}


def encode(text: str, codec: str) -> bytes:
    return BOMS[codec] + text.encode(codec)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(all_rules(), Config())


@pytest.mark.parametrize("codec", list(BOMS))
@pytest.mark.parametrize("rel", list(FILES))
def test_key_found_at_its_character_position(engine, tmp_path, rel, codec) -> None:
    template, column = FILES[rel]
    text = template.format(key=KEY)
    assert text.splitlines()[2][column - 1 :].startswith(KEY)  # the table itself is right
    path = tmp_path / "f"
    path.write_bytes(encode(text, codec))
    data, problem = read_file(SourceFile(rel, path), 1 << 20)
    assert problem is None, problem  # not "binary file; skipped"
    assert data is not None
    result = engine.scan_bytes(rel, data)
    keys = [f for f in result.findings if f.rule_id == "LLC-SRC-001"]
    assert [(f.location.line, f.location.column) for f in keys] == [(3, column)]
    assert keys[0].location.end_column == column + len(KEY)
    assert KEY not in keys[0].snippet
    assert not [e for e in result.errors if e.kind in ("encoding", "rule")], result.errors


def test_python_rules_see_decoded_utf16(engine) -> None:
    """Classification and the prefilter get UTF-8 bytes: a Python rule's trigger still fires."""
    code = (
        "import jwt\n\n"
        "def check(token):\n"
        "    return jwt.decode(token, 'k', algorithms=['HS256'], options={'verify_exp': False})\n"
    )
    plain = engine.scan_bytes("auth.py", code.encode("utf-8"))
    rules = sorted(f.rule_id for f in plain.findings)
    assert rules  # the example is one some Python rule reports
    for codec in BOMS:
        wide = engine.scan_bytes("auth.py", encode(code, codec))
        assert sorted(f.rule_id for f in wide.findings) == rules, codec


def test_classification_reads_decoded_head(engine) -> None:
    """A CloudFormation template is known by its head, not its name: the head is decoded."""
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  CiKey:\n"
        "    Type: AWS::IAM::AccessKey\n"
        "    Properties:\n"
        "      UserName: !Ref CiUser\n"
    )
    plain = engine.scan_bytes("stacks/ci-user.yaml", template.encode("utf-8"))
    assert [(f.rule_id, f.location.line) for f in plain.findings] == [("LLC-IAC-001", 3)]
    for codec in BOMS:
        wide = engine.scan_bytes("stacks/ci-user.yaml", encode(template, codec))
        assert [(f.rule_id, f.location.line) for f in wide.findings] == [("LLC-IAC-001", 3)]


def test_utf16_without_bom_is_binary(tmp_path) -> None:
    """No mark, no guessing: NUL-laden UTF-16 stays a skipped binary file."""
    path = tmp_path / ".env"
    path.write_bytes(f"AWS_ACCESS_KEY_ID={KEY}\n".encode("utf-16-le"))
    data, problem = read_file(SourceFile(".env", path), 1 << 20)
    assert data is None
    assert problem is not None
    assert problem.message == "binary file; skipped"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_invalid_utf16_degrades_with_encoding_error(engine, codec) -> None:
    """A lone surrogate and an odd trailing byte become U+FFFD; the key is still found."""
    unit = 2
    lone = "\ud800".encode(codec, "surrogatepass")
    data = (
        BOMS[codec]
        + "x = 1\n".encode(codec)
        + lone
        + f"\nK={KEY}\n".encode(codec)
        + b"\x41"  # half a code unit
    )
    assert len(data) % unit == 1
    result = engine.scan_bytes(".env", data)
    errors = [e for e in result.errors if e.kind == "encoding"]
    assert len(errors) == 1
    assert "not valid UTF-16" in errors[0].message
    assert "offset 14" in errors[0].message  # the lone surrogate, counted with the mark
    keys = [f for f in result.findings if f.rule_id == "LLC-SRC-001"]
    assert [(f.location.line, f.location.column) for f in keys] == [(3, 3)]


def test_invalid_utf32_degrades_with_encoding_error(engine) -> None:
    data = BOMS["utf-32-le"] + b"\xff\xff\xff\x7f" + f"\nK={KEY}\n".encode("utf-32-le")
    result = engine.scan_bytes(".env", data)
    assert [e.kind for e in result.errors] == ["encoding"]
    assert "not valid UTF-32 LE" in result.errors[0].message
    keys = [f for f in result.findings if f.rule_id == "LLC-SRC-001"]
    assert [(f.location.line, f.location.column) for f in keys] == [(2, 3)]


def test_cli_reports_utf16_key(tmp_path, monkeypatch) -> None:
    """End to end: discovery lets the file through and the JSON report has the position."""
    template, column = FILES["deploy.ps1"]
    (tmp_path / "deploy.ps1").write_bytes(encode(template.format(key=KEY), "utf-16-le"))
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(
        main, ["scan", "--no-cache", "--jobs", "1", "--format", "json", "."],
        catch_exceptions=False,
    )
    data = json.loads(res.stdout)
    found = [
        (f["location"]["path"], f["location"]["line"], f["location"]["column"], f["rule"])
        for f in data["findings"]
    ]
    assert found == [("deploy.ps1", 3, column, "LLC-SRC-001")]
    assert data["errors"] == []
    assert KEY not in res.stdout
