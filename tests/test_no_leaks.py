"""Issue 8: outlive never prints a secret, never lets a scanned file write control bytes to the
terminal, and prints the same bytes for the same tree.

Every hostile input is built here at run time; the fake keys come from ``fake_token``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api.fakes import ALNUM, fake_token
from scanner.cli import main
from scanner.findings import SecretMasker, clip, json_safe, mask_generic, printable

FORMATS = ["text", "json", "sarif", "github", "gitlab"]


def _scan(root: Path, *args: str) -> tuple[str, str, int]:
    result = CliRunner().invoke(
        main,
        ["scan", str(root), "--no-cache", "--jobs", "1", "--show-suppressed", *args],
        catch_exceptions=False,
    )
    return result.stdout, result.stderr, result.exit_code


# -- 1. no secret in any output -----------------------------------------------------------------


def _leaky_tree(root: Path) -> dict[str, str]:
    """Files whose secrets reach messages, reasons and errors, not just snippets."""
    secrets = {
        # Found by LLC-SRC-005, quoted by the error about the malformed suppression before it.
        "quoted_found": fake_token("sk_live_", 24, ALNUM, seed=801),
        # No rule knows this one: only the generic masker stands between it and the error.
        "quoted_unknown": fake_token("", 30, ALNUM, seed=802),
        # A found key that the suppression's own reason names.
        "in_reason": fake_token("sk_live_", 24, ALNUM, seed=803),
        # A found key that another rule's message quotes as a key name.
        "in_key_name": fake_token("sk_live_", 24, ALNUM, seed=804),
    }
    value = fake_token("", 32, ALNUM, seed=805)
    files = {
        "app.js": '/* outlive: ignore[LLC-SRC-005] reason="test key" */ '
        f'const key = "{secrets["quoted_found"]}";\n',
        "conf.py": '# outlive: ignore[LLC-SRC-001] reason="r" '
        f'{secrets["quoted_unknown"]}\nx = 1\n',
        "pay.env": f"STRIPE={secrets['in_reason']}  # outlive: ignore[LLC-SRC-005] "
        f'reason="{secrets["in_reason"]} is a revoked test key"\n',
        "keys.env": f"STRIPE={secrets['in_key_name']}\n"
        f'{secrets["in_key_name"]}_secret="{value}"\n',
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return secrets


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_in_any_output(tmp_path: Path, fmt: str) -> None:
    secrets = _leaky_tree(tmp_path)
    stdout, stderr, code = _scan(tmp_path, "--format", fmt)
    assert code == 1  # findings; the malformed suppressions are warnings
    out = stdout + stderr
    leaked = [what for what, secret in secrets.items() if secret in out]
    assert not leaked, f"printed whole in {fmt} output"
    # The places that used to leak are still reported, masked.
    assert "cannot read" in out
    if fmt != "github":  # annotations leave suppressed findings out
        assert "revoked test key" in out
    assert "_secret" in out
    assert secrets["quoted_found"][:4] + "…" in out


def test_rule_message_masks_a_secret_found_elsewhere_in_the_file(tmp_path: Path) -> None:
    secrets = _leaky_tree(tmp_path)
    stdout, _, _ = _scan(tmp_path, "--format", "json")
    messages = [f["message"] for f in json.loads(stdout)["findings"]]
    key_name = secrets["in_key_name"]
    assert any(f"`{key_name[:4]}…_secret`" in m for m in messages), messages


def test_masker_units() -> None:
    key = fake_token("sk_live_", 24, ALNUM, seed=806)
    pem = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + fake_token("", 64, ALNUM, seed=807)
    masker = SecretMasker([key, None, "", "abc", pem])
    assert masker.mask(f"`{key}` and `{key}x`") == "`sk_l…` and `sk_l…x`"
    assert pem.splitlines()[0] not in masker.mask("begins " + pem.splitlines()[0])
    assert masker.mask("abc stays") == "abc stays"  # too short to be a secret
    # Quoted text: unknown keys masked, prose, paths and URLs kept, length capped after masking.
    unknown = fake_token("", 40, ALNUM, seed=808)
    assert mask_generic(f"near {unknown}!") == f"near {unknown[:4]}…!"
    prose = "see https://github.com/org/repo/issues/123 in deploy/values.yaml, LLC-SRC-001"
    assert mask_generic(prose) == prose
    long = "cannot read '" + " ".join([unknown] * 2000) + "': write reason=..."
    clipped = masker.mask_quoted(long)
    assert len(clipped) <= 300
    assert unknown not in clipped
    assert clipped.endswith("': write reason=...")
    assert clip("short") == "short"


# -- 2. no control character reaches the terminal -----------------------------------------------

_COLOR = re.compile(r"\x1b\[(?:[0-9;]*)m")
#: Everything a terminal may act on, C1 controls and bidi controls included.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: A CR would end the line for the scan (and the snippet), so CR goes in a file name instead.
_HOSTILE = "\x1b[2K\x08\x07\x9b\u202e\u2066"


def _control_tree(root: Path) -> None:
    key = fake_token("sk_live_", 24, ALNUM, seed=809)
    # A file name with an ESC, and a snippet carrying cursor and bidi controls.
    (root / "evil\x1b[2K\r.env").write_text(f"STRIPE={key}\n", encoding="utf-8")
    (root / "snip.env").write_text(f"STRIPE={key} {_HOSTILE}tail\n", encoding="utf-8")
    # A malformed suppression, so stderr gets an error line quoting the controls.
    (root / "sup\x1b]0;x\x07.py").write_text(
        f"x = 1  # outlive: ignore[LLC-SRC-005] reason=\"r\" {_HOSTILE}\n", encoding="utf-8"
    )


def test_text_output_has_no_raw_control_characters(tmp_path: Path) -> None:
    _control_tree(tmp_path)
    stdout, stderr, _ = _scan(tmp_path, "--format", "text", "--color")
    assert _COLOR.search(stdout), "the test expects outlive's own colors in the output"
    for stream in (_COLOR.sub("", stdout), stderr):
        found = _CONTROL.findall(stream)
        assert not found, f"raw control characters reach the terminal: {found!r}"
    assert "evil\\x1b[2K\\r.env" in stdout
    assert "\\x1b[2K\\x08\\x07\\x9b\\u202e\\u2066tail" in stdout
    assert "sup\\x1b]0;x\\x07.py:1" in stderr


def test_caret_stays_under_the_column_after_escapes(tmp_path: Path) -> None:
    key = fake_token("sk_live_", 24, ALNUM, seed=810)
    (tmp_path / "a.env").write_text(f"\x1b\tX={key}\n", encoding="utf-8")
    stdout, _, _ = _scan(tmp_path, "--format", "text", "--no-color")
    lines = stdout.splitlines()
    row = next(i for i, line in enumerate(lines) if "| \\x1b X=" in line)
    assert lines[row + 1].index("^") == lines[row].index("sk_l")


def test_github_annotations_escape_controls(tmp_path: Path) -> None:
    _control_tree(tmp_path)
    key = fake_token("sk_live_", 24, ALNUM, seed=811)
    (tmp_path / "new\nline%.env").write_text(f"STRIPE={key}\n", encoding="utf-8")
    stdout, _, _ = _scan(tmp_path, "--format", "github")
    assert not _CONTROL.findall(stdout)
    lines = stdout.splitlines()
    assert lines
    assert all(line.startswith("::") for line in lines)  # no value started a line of its own
    assert any("file=new%0Aline%25.env" in line for line in lines)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_escape_controls(tmp_path: Path, fmt: str) -> None:
    _control_tree(tmp_path)
    stdout, _, _ = _scan(tmp_path, "--format", fmt)
    assert not _CONTROL.findall(stdout)
    # Escaped, not dropped: the document still holds the very characters.
    assert any(_HOSTILE + "tail" in text for text in _strings(json.loads(stdout)))


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


def test_printable_and_json_safe_units() -> None:
    assert printable("plain – text …") == "plain – text …"
    assert printable("a\x1b[2Kb\r\n\t\x7f\x85\u202e\u2069\ufeff") == (
        "a\\x1b[2Kb\\r\\n\\t\\x7f\\x85\\u202e\\u2069\\ufeff"
    )
    doc = json.dumps({"k": "\x9b\u202e\u2028x"}, ensure_ascii=False)
    safe = json_safe(doc)
    assert not _CONTROL.findall(safe)
    assert json.loads(safe) == json.loads(doc)


# -- 3. the same bytes for the same tree --------------------------------------------------------


def _deadline_tree(root: Path) -> None:
    """Absolute deadlines, each measured against the scan clock by some rule."""
    key = fake_token("", 40, ALNUM, seed=812)
    (root / "mint.py").write_text(
        "import datetime\n\nimport jwt\n\n"
        f'KEY = "{key}"\n'
        'token = jwt.encode({"sub": "svc", "exp": datetime.datetime(2099, 1, 1, 7, 13, 5)}, KEY)\n',
        encoding="utf-8",
    )
    far = int(dt.datetime(2091, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc).timestamp())
    claims = json.dumps({"sub": "svc-account", "role": "service", "exp": far}).encode()

    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    jwt_literal = ".".join(
        [part(b'{"alg":"HS256","typ":"JWT"}'), part(claims), fake_token("", 43, ALNUM, seed=813)]
    )
    sig = fake_token("", 43, ALNUM, seed=814)
    (root / "deploy.env").write_text(
        f"SERVICE_TOKEN={jwt_literal}\n"
        "BACKUP_URL=https://acct.blob.core.windows.net/b/db.bak"
        f"?sv=2022-11-02&se=2093-05-06T07:08:09Z&sr=b&sp=r&sig={sig}%3D\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("shift", [7, 4 * 60 + 31])
def test_output_is_the_same_a_little_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shift: int
) -> None:
    _deadline_tree(tmp_path)
    # Mid-morning of today, so a shift of minutes stays within the same day.
    base = dt.datetime.combine(dt.date.today(), dt.time(9, 59, 1)).timestamp()
    outputs = []
    for at in (base, base + shift):
        monkeypatch.setattr(time, "time", lambda at=at: at)
        stdout, _, _ = _scan(tmp_path, "--format", "json")
        outputs.append(stdout)
    lifetimes = {f["rule"]: f["lifetime"] for f in json.loads(outputs[0])["findings"]}
    assert lifetimes.get("LLC-PY-002", "").startswith("P"), lifetimes  # measured from the clock
    assert {"LLC-SRC-011", "LLC-SRC-012"} <= set(lifetimes), lifetimes
    assert outputs[0] == outputs[1]
