"""Text output: the carets sit under the redacted snippet, where the secret shows as ``AKIA…``.

The location's columns count the original line; the snippet is the line with every secret
masked (and cut around the finding when long), so the carets must be drawn where the masked
text is, as wide as it is shown, not at the original column and width.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_pem, fake_token
from scanner.cli import main

KEY = fake_token("AKIA", 16, BASE32_UPPER, seed=301)
OTHER = fake_token("AKIA", 16, BASE32_UPPER, seed=302)
HEAD = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>LLC-[A-Z]+-\d{3}) ")
PREFIX = len("    1234 | ")


def blocks(tmp_path: Path, name: str, text: str) -> list[tuple[str, str, str]]:
    """(rule, snippet, underlined text) for each finding in ``name``."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(
        main, ["scan", "--no-cache", "--no-color", str(path)], catch_exceptions=False
    )
    assert res.exit_code == 1, res.output
    lines = res.stdout.splitlines()
    out = []
    for i, line in enumerate(lines):
        match = HEAD.match(line)
        if not match:
            continue
        snippet, carets = lines[i + 1], lines[i + 2]
        assert carets.startswith("         | "), carets
        start = carets.index("^")
        end = len(carets)
        assert set(carets[start:]) == {"^"}
        under = snippet[start:end]
        assert len(under) == end - start, f"carets run past the snippet:\n{snippet}\n{carets}"
        out.append((match["rule"], snippet[PREFIX:], under))
    return out


def only(found: list[tuple[str, str, str]], rule: str) -> tuple[str, str]:
    [(snippet, under)] = [(s, u) for r, s, u in found if r == rule]
    return snippet, under


def test_key_in_the_middle_of_a_line(tmp_path: Path) -> None:
    snippet, under = only(blocks(tmp_path, "a.env", f'X="{KEY}"  # deploy\n'), "LLC-SRC-001")
    assert snippet == 'X="AKIA…"  # deploy'
    assert under == "AKIA…"


def test_key_at_the_start_of_a_line(tmp_path: Path) -> None:
    _, under = only(blocks(tmp_path, "a.txt", f"{KEY} is the key\n"), "LLC-SRC-001")
    assert under == "AKIA…"


def test_key_after_tabs(tmp_path: Path) -> None:
    snippet, under = only(blocks(tmp_path, "a.env", f"\t\tKEY={KEY}\n"), "LLC-SRC-001")
    assert snippet == "  KEY=AKIA…"  # a tab shows as one space
    assert under == "AKIA…"


def test_second_key_of_a_line(tmp_path: Path) -> None:
    found = blocks(tmp_path, "a.env", f"A={OTHER} B={KEY}\n")
    unders = sorted(u for r, _, u in found if r == "LLC-SRC-001")
    assert unders == ["AKIA…", "AKIA…"]
    # The second finding's carets start after the first masked key, not at column 25.
    res = [s for r, s, _ in found]
    assert res[0] == res[1] == "A=AKIA… B=AKIA…"
    lines = (tmp_path / "a.env").read_text().splitlines()
    assert len(lines[0]) > len(res[0])


def test_code_finding_with_a_key_inside(tmp_path: Path) -> None:
    text = f"import jwt\n\n\ndef f(k):\n    return jwt.encode({{'kid': '{KEY}'}}, k)\n"
    found = blocks(tmp_path, "app/tokens.py", text)
    _, under = only(found, "LLC-PY-001")
    assert under == "jwt.encode({'kid': 'AKIA…'}, k)"
    _, under = only(found, "LLC-SRC-001")
    assert under == "AKIA…"


def test_multi_line_pem(tmp_path: Path) -> None:
    pem = fake_pem("RSA PRIVATE KEY", seed=31)
    found = blocks(tmp_path, "keys/deploy.txt", f"id={KEY} key: {pem}\n")
    snippet, under = only(found, "LLC-SRC-007")
    header, body = pem.splitlines()[0], pem.splitlines()[1]
    assert snippet == f"id=AKIA… key: {header}"  # the header is no secret; the body is not shown
    assert body[:16] not in snippet
    # Under the header, after the masked key, to the end of the line: the block goes on below.
    assert under == header
    _, under = only(found, "LLC-SRC-001")
    assert under == "AKIA…"


def test_long_line_whose_snippet_starts_with_an_ellipsis(tmp_path: Path) -> None:
    line = "x" * 300 + f" = '{KEY}' " + "y" * 300
    snippet, under = only(blocks(tmp_path, "a.txt", line + "\n"), "LLC-SRC-001")
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert under == "AKIA…"


@pytest.mark.parametrize("filler", [200, 2000])  # masked in the line, or a minified line
def test_long_line_with_keys_masked_before_the_finding(tmp_path: Path, filler: int) -> None:
    keys = [fake_token("AKIA", 16, BASE32_UPPER, seed=400 + i) for i in range(6)]
    line = "k=" + " ".join(keys) + " " + "z" * filler + f" last={KEY}"
    found = blocks(tmp_path, "a.txt", line + "\n")
    last = [(s, u) for r, s, u in found if r == "LLC-SRC-001" and "last=" in s]
    assert last, "the window follows the finding: its own key is in its snippet"
    for snippet, under in last:
        assert under == "AKIA…"
        assert snippet[snippet.index("last=") + 5 :].startswith("AKIA…")


def test_escaped_controls_before_the_key(tmp_path: Path) -> None:
    snippet, under = only(blocks(tmp_path, "a.env", f"\x1b\x07X={KEY}\n"), "LLC-SRC-001")
    assert snippet == "\\x1b\\x07X=AKIA…"
    assert under == "AKIA…"
