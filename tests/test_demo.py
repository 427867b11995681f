"""The demo's secrets are fake by construction, and none is in a provider's token format.

``fixtures/demo-repo`` must hold credential-shaped values written whole (a clone is scanned as
is), so they are chosen to be harmless: the private key's body is the base64 of an English
sentence, the JWT's signature decodes to one, and no value matches a provider format that
GitHub push protection blocks (those are only ever built at run time, with ``fake_token``).
What outlive reports on the demo is pinned in ``test_fixture_expectations.py``.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path

import pytest

from scanner.api import ALNUM, BASE32_UPPER, fake_token

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

_PEM = re.compile(r"-----BEGIN ([A-Z ]*PRIVATE KEY)-----\n(.*?)\n-----END \1-----", re.S)
_JWT = re.compile(r"eyJ[\w-]{10,}\.ey[\w-]{10,}\.([\w-]{16,})")
# Provider formats GitHub push protection blocks by default (its "provider patterns"), as
# loosely as a reader would recognise them: a fixture must never contain one. AWS's own
# documentation key id is allowed (AWS publishes it; it is reported at info), and so is an
# id filled with `X`, a placeholder.
_PROVIDER_FORMATS = {
    "AWS access key id": r"\b(?:AKIA|ASIA|ABIA|ACCA)(?!IOSFODNN7EXAMPLE\b|X{16}\b)[A-Z2-7]{16}\b",
    "GitHub token": r"\bgh[opusr]_[A-Za-z0-9]{30,}|\bgithub_pat_\w{20,}",
    "GitLab token": r"\bgl(?:pat|dt|rt|ptt|cbt|oas|soat)-[\w-]{20,}",
    "Slack token or webhook": r"\bxox[abposr]-[\w-]{10,}|hooks\.slack\.com/(?:services|workflows)/",
    "Stripe live key": r"\b[rs]k_live_[A-Za-z0-9]{10,}",
    "Google API key": r"\bAIza[\w-]{35}",
    "npm or PyPI token": r"\bnpm_[A-Za-z0-9]{36}|\bpypi-AgE[\w-]{20,}",
    "Vault or DigitalOcean token": r"\bhv[sbr]\.[\w-]{20,}|\bdo[por]_v1_[a-f0-9]{64}",
    "AI platform key": r"\bsk-(?:ant-|proj-|svcacct-|admin-)[\w-]{20,}|\bhf_[A-Za-z]{30,}",
    "Azure key or SAS": r"AccountKey=[A-Za-z0-9+/]{40,}|\bsig=[A-Za-z0-9%+/]{20,}",
}


def _files() -> list[Path]:
    return [p for p in sorted(FIXTURES.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts]


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


def _prose(data: bytes) -> str | None:
    """``data`` as text when it is a readable sentence, else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    words = re.findall(r"[A-Za-z]{2,}", text)
    return text if text.isprintable() and len(words) >= 5 else None


def test_private_keys_are_base64_of_a_sentence() -> None:
    blocks = [
        (path, m)
        for path in _files()
        for m in _PEM.finditer(_text(path))
        # An elided documentation sample ("MIIE..."), which outlive leaves alone too.
        if "..." not in m.group(2) and "…" not in m.group(2)
    ]
    assert blocks, "the demo shows LLC-SRC-007: it needs a private key block"
    for path, match in blocks:
        body = "".join(match.group(2).split())
        try:
            decoded = base64.b64decode(body, validate=True)
        except binascii.Error:
            pytest.fail(f"{path.relative_to(ROOT)}: the key body is not base64")
        text = _prose(decoded)
        assert text is not None, f"{path.relative_to(ROOT)}: the key body is not a sentence"
        assert "not a private key" in text


def test_jwt_signatures_decode_to_a_sentence() -> None:
    tokens = [(path, m) for path in _files() for m in _JWT.finditer(_text(path))]
    assert tokens, "the demo shows LLC-SRC-012: it needs a JWT literal"
    for path, match in tokens:
        signature = match.group(1)
        decoded = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        assert _prose(decoded) is not None, (
            f"{path.relative_to(ROOT)}: a JWT signature must decode to a sentence, not bytes"
        )


@pytest.mark.parametrize("name", sorted(_PROVIDER_FORMATS))
def test_no_provider_token_format_in_fixtures(name: str) -> None:
    pattern = re.compile(_PROVIDER_FORMATS[name])
    hits = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files()
        for number, line in enumerate(_text(path).splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not hits, f"{name} in a committed fixture (build it at run time instead): {hits}"


@pytest.mark.parametrize(
    ("name", "sample"),
    [
        ("AWS access key id", fake_token("AKIA", 16, BASE32_UPPER, seed=91)),
        ("GitHub token", fake_token("ghp_", 36, ALNUM, seed=92)),
        ("Slack token or webhook", "https://hooks.slack.com/services/" + "T0" * 5),
        ("Stripe live key", fake_token("sk_live_", 24, ALNUM, seed=93)),
        ("Google API key", fake_token("AIza", 35, ALNUM, seed=94)),
    ],
)
def test_provider_patterns_catch_runtime_fakes(name: str, sample: str) -> None:
    """Negative control: the guard above really recognises the formats it names."""
    assert re.search(_PROVIDER_FORMATS[name], f"KEY={sample}\n")


def test_aws_documentation_key_and_placeholder_are_allowed() -> None:
    aws = re.compile(_PROVIDER_FORMATS["AWS access key id"])
    assert not aws.search("AKIAIOSFODNN7EXAMPLE")
    assert not aws.search("AKIA" + "X" * 16)
