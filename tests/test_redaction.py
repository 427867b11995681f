"""No output, report, baseline or cache ever holds a secret, whole or in a usable piece.

Secrets are planted at run time (no token literal in this file). Every format is checked,
suppressed findings included, as are stderr, the baseline file and the results cache: none may
contain any 12-character piece of a planted secret.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.api import BASE32_UPPER, fake_pem, fake_token
from scanner.cli import main

PIECE = 12

KEY_IDS = [fake_token("AKIA", 16, BASE32_UPPER, seed=s) for s in (201, 202, 203, 204, 205)]
SECRETS = [fake_token("", 40, seed=s) for s in (301, 302, 303, 304, 305, 306)]
PEM = fake_pem("RSA PRIVATE KEY", seed=401)
PEM_ESCAPED = fake_pem("PRIVATE KEY", seed=402).replace("\n", "\\n")
MINIFIED_PAIRS = [(fake_token("AKIA", 16, BASE32_UPPER, seed=500 + i),
                   fake_token("", 40, seed=600 + i)) for i in range(8)]

FILES = {
    # A complete key pair: the key id finding points at the secret as a related location.
    "config/credentials.ini": (
        "[default]\n"
        f"aws_access_key_id = {KEY_IDS[0]}\n"
        f"aws_secret_access_key = {SECRETS[0]}\n"
    ),
    # A secret access key on its own.
    ".env": f"REGION=eu-west-1\nAWS_SECRET_ACCESS_KEY={SECRETS[1]}\n",
    # Key id and secret on one line, so one snippet holds both.
    "config/aws.json": (
        f'{{"aws_access_key_id": "{KEY_IDS[1]}", "aws_secret_access_key": "{SECRETS[2]}"}}\n'
    ),
    "keys/server.pem": PEM + "\n",
    # A PEM key as a one-line escaped string in code.
    "app/settings.py": f'SIGNING_KEY = "{PEM_ESCAPED}"\nREGION = "eu-west-1"\n',
    # Suppressed findings, shown under --show-suppressed.
    "tests/fixture.env": (
        '# outlive: ignore[LLC-SRC-001] reason="fake key for the replay test"\n'
        f"AWS_ACCESS_KEY_ID={KEY_IDS[2]}\n"
        f"AWS_SECRET_ACCESS_KEY={SECRETS[3]}\n"
    ),
    # A minified line far longer than a snippet, with several pairs on it.
    "static/bundle.min.json": "{"
    + ",".join(
        f'"svc{i}":{{"aws_access_key_id":"{k}","aws_secret_access_key":"{s}","pad":"{"p" * 90}"}}'
        for i, (k, s) in enumerate(MINIFIED_PAIRS)
    )
    + "}\n",
    # A malformed workflow whose broken line holds a key: the parse error must not quote it.
    ".github/workflows/deploy.yml": (
        "jobs:\n  deploy:\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n"
        f"        with: {{aws-access-key-id: {KEY_IDS[3]}, aws-secret-access-key: {SECRETS[4]}\n"
    ),
    # A long line where a key sits past the snippet cut.
    "docs/notes.md": (
        "x" * 300 + f" {KEY_IDS[4]} " + "y" * 300 + f" aws_secret_access_key={SECRETS[5]}\n"
    ),
}


def secret_bodies() -> list[str]:
    bodies = [k[4:] for k in KEY_IDS] + SECRETS
    bodies += [k[4:] for k, _ in MINIFIED_PAIRS] + [s for _, s in MINIFIED_PAIRS]
    for pem in (PEM, PEM_ESCAPED.replace("\\n", "\n")):
        bodies += [line for line in pem.splitlines() if not line.startswith("-----")]
    return bodies


def leaks(text: str) -> list[str]:
    """Planted secrets with any PIECE-character substring in ``text``."""
    grams = {text[i : i + PIECE] for i in range(len(text) - PIECE + 1)}
    return [
        body
        for body in secret_bodies()
        if any(body[i : i + PIECE] in grams for i in range(len(body) - PIECE + 1))
    ]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("redaction")
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def invoke(root: Path, *args: str):
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        mp.undo()


def test_the_planted_secrets_are_found(tree):
    """Without findings, the leak checks below would prove nothing."""
    res = invoke(tree, "scan", "--no-cache", "--format", "json", "--show-suppressed", ".")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    by_path: dict[str, set[str]] = {}
    for f in data["findings"]:
        by_path.setdefault(f["location"]["path"], set()).add(f["rule"])
    assert "LLC-SRC-001" in by_path["config/credentials.ini"]
    assert "LLC-SRC-001" in by_path[".env"]
    assert "LLC-SRC-001" in by_path["config/aws.json"]
    assert "LLC-SRC-007" in by_path["keys/server.pem"]
    assert "LLC-SRC-007" in by_path["app/settings.py"]
    assert "LLC-SRC-001" in by_path["tests/fixture.env"]
    assert "LLC-SRC-001" in by_path["docs/notes.md"]
    assert "LLC-SRC-001" in by_path[".github/workflows/deploy.yml"]
    minified = [f for f in data["findings"] if f["location"]["path"] == "static/bundle.min.json"]
    assert len(minified) >= len(MINIFIED_PAIRS)
    assert all(len(f["snippet"]) <= 170 for f in minified)
    assert any(f["suppression"] for f in data["findings"])
    assert data["errors"], "the malformed workflow must give a scan error"


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "text"),
        ("--format", "text", "--show-suppressed"),
        ("--format", "json", "--show-suppressed"),
        ("--format", "github"),
        ("--format", "sarif", "--show-suppressed"),
        ("--format", "sarif", "--sarif-absolute"),
    ],
    ids=["text", "text-suppressed", "json", "github", "sarif", "sarif-absolute"],
)
def test_no_secret_in_output(tree, args):
    res = invoke(tree, "scan", "--no-cache", *args, ".")
    assert res.exit_code == 1
    assert res.stdout
    assert leaks(res.stdout) == []
    assert leaks(res.stderr) == []


def test_no_secret_in_output_file(tree, tmp_path):
    out = tmp_path / "report.sarif"
    res = invoke(tree, "scan", "--no-cache", "--format", "sarif", "--show-suppressed",
                 "--output", str(out), ".")
    assert res.exit_code == 1
    assert leaks(out.read_text(encoding="utf-8")) == []
    assert leaks(res.stderr) == []


def test_no_secret_in_baseline(tree, tmp_path):
    baseline = tmp_path / "baseline.json"
    res = invoke(tree, "baseline", "create", "--output", str(baseline), ".")
    assert res.exit_code == 0, res.stderr
    text = baseline.read_text(encoding="utf-8")
    assert len(json.loads(text)["results"]) >= 10
    assert leaks(text) == []
    assert leaks(res.stdout + res.stderr) == []
    # Scanning against it hides everything it recorded, and still leaks nothing.
    res = invoke(tree, "scan", "--no-cache", "--baseline", str(baseline), "--show-suppressed",
                 "--format", "json", ".")
    assert leaks(res.stdout) == []


def test_no_secret_in_cache(tmp_path, monkeypatch):
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OUTLIVE_CACHE_DIR", str(tmp_path.parent / f"{tmp_path.name}-cache"))
    first = CliRunner().invoke(main, ["scan", "--format", "json", "."], catch_exceptions=False)
    second = CliRunner().invoke(main, ["scan", "--format", "json", "."], catch_exceptions=False)
    assert first.stdout == second.stdout
    cache_files = list((tmp_path.parent / f"{tmp_path.name}-cache").glob("*/results-*.json"))
    assert cache_files
    for path in cache_files:
        assert leaks(path.read_text(encoding="utf-8", errors="replace")) == [], path


def test_leak_check_works():
    """Negative control: the checker does see a piece of a secret."""
    assert leaks(f"prefix {SECRETS[0][5:5 + PIECE]} suffix") == [SECRETS[0]]
    assert leaks(f"{KEY_IDS[0][:4]}…") == []
