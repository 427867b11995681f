"""Tests for the auth middleware. Every credential here is fake or a placeholder."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from app.auth import decode_token, login

# Ten minutes of validity, expired in 2023: the middleware must reject it.
EXPIRED_JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtcmVwb3J0aW5nIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDA2MDB9.Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHkxMjM0NTY"
# Ten minutes of validity in the far future, for clock-skew tests.
SHORT_JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtcmVwb3J0aW5nIiwiaWF0Ijo0MTAyNDQ0ODAwLCJleHAiOjQxMDI0NDU0MDB9.Tm90QVJlYWxTaWduYXR1cmVGb3JUZXN0c09ubHk5ODc"
UNSIGNED_JWT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdmMtcmVwb3J0aW5nIn0."
FAKE_GITHUB_TOKEN = "ghp_" + "x" * 36
REQUEST_ID = str(uuid.uuid4())
TENANT = "0f8fad5b-d9cb-469f-a165-70867728950e"
DIGEST = hashlib.sha256(b"payload").hexdigest()
KNOWN_DIGEST = "239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5"
PASSWORD_FIELD = "password"
PASSWORD_HASH = "argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$ZmFrZWhhc2hmYWtlaGFzaA"


@pytest.fixture
def credentials() -> dict[str, str]:
    return {"username": "alice", "password": "correct horse battery staple"}


def test_login(client, credentials) -> None:
    response = login(client, **credentials)
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_rejects_placeholder_secret(client) -> None:
    response = login(client, username="svc", password="changeme")
    assert response.status_code == 401


def test_expired(client) -> None:
    with pytest.raises(ValueError, match="expired"):
        decode_token(EXPIRED_JWT, key="test-signing-key")


def test_mask() -> None:
    assert mask("s3cr3t-value") == "s3***"
    assert mask(f"https://svc:{'*' * 8}@db.internal/app") == "https://svc:***@db.internal/app"
    assert mask(FAKE_GITHUB_TOKEN).startswith("ghp_")
