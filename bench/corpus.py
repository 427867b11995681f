"""Deterministic synthetic corpus for benchmarks: realistic mix, a few planted findings.

Mostly look-alike-free application code, YAML, HCL, JSON and Dockerfiles (as a real tree is),
with one planted finding per ~50 files so the scan has real work on the slow path too.
Secrets are built at run time, never stored in this file.
"""

from __future__ import annotations

import random
from pathlib import Path

_PY = '''"""Module {n}: order handling."""
import json
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Order{n}:
    order_id: str
    amount: int
    currency: str = "EUR"

    def to_json(self) -> str:
        return json.dumps({{"id": self.order_id, "amount": self.amount, "currency": self.currency}})


def total(orders: list[Order{n}]) -> int:
    value = 0
    for order in orders:
        if order.amount < 0:
            log.warning("negative amount in %s", order.order_id)
            continue
        value += order.amount
    return value
'''
_PY_JWT = '''import jwt
from datetime import datetime, timedelta, timezone


def token_{n}(key: str) -> str:
    claims = {{"sub": "svc-{n}", "aud": "api"}}
    return jwt.encode(claims, key, algorithm="HS256")


def good_{n}(key: str) -> str:
    now = datetime.now(timezone.utc)
    return jwt.encode({{"sub": "svc", "exp": now + timedelta(minutes=5)}}, key)
'''
_YAML = """name: build-{n}
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install -e . && pytest -q
"""
_YAML_BAD = """name: deploy-{n}
on: [push]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: ${{{{ secrets.AWS_ACCESS_KEY_ID }}}}
          aws-secret-access-key: ${{{{ secrets.AWS_SECRET_ACCESS_KEY }}}}
          aws-region: eu-west-1
"""
_HCL = """resource "aws_s3_bucket" "b{n}" {{
  bucket = "corp-data-{n}"
  tags = {{
    Team = "data"
    Env  = var.env
  }}
}}

resource "aws_iam_role" "r{n}" {{
  name               = "role-{n}"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}
"""
_HCL_BAD = """resource "aws_iam_user" "u{n}" {{
  name = "legacy-{n}"
}}

resource "aws_iam_access_key" "k{n}" {{
  user = aws_iam_user.u{n}.name
}}
"""
_JSON = """{{
  "name": "package-{n}",
  "version": "1.{n}.0",
  "dependencies": {{"left-pad": "^1.3.0", "lodash": "^4.17.21"}},
  "integrity": "sha512-{h}"
}}
"""
_DOCKER = """FROM python:3.12-slim@sha256:{h64}
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "-m", "app"]
"""


def build(target: Path, megabytes: float, seed: int = 7) -> tuple[int, int]:
    """Write about ``megabytes`` of files under ``target``; returns (files, bytes)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    target.mkdir(parents=True, exist_ok=True)
    budget = int(megabytes * 1024 * 1024)
    written = files = n = 0
    alphabet = "abcdef0123456789"
    aws_id = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    while written < budget:
        n += 1
        planted = n % 50 == 0
        h = "".join(rng.choice(alphabet) for _ in range(86))
        h64 = "".join(rng.choice(alphabet) for _ in range(64))
        choice = n % 10
        if choice < 5:
            rel = f"src/pkg{n % 40}/mod_{n}.py"
            text = (_PY_JWT if planted else _PY).format(n=n)
            if planted and n % 100 == 0:
                text += f'\nLEGACY_KEY = "{aws_id}"\n'
        elif choice < 7:
            rel = f".github/workflows/wf_{n}.yml" if n % 20 < 2 else f"deploy/cfg_{n}.yaml"
            text = (_YAML_BAD if planted else _YAML).format(n=n)
        elif choice < 8:
            rel = f"infra/mod{n % 20}/main_{n}.tf"
            text = (_HCL_BAD if planted else _HCL).format(n=n)
        elif choice < 9:
            rel = f"web/pkg_{n}/package.json"
            text = _JSON.format(n=n, h=h)
        else:
            rel = f"services/svc_{n}/Dockerfile"
            text = _DOCKER.format(h64=h64)
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        path.write_bytes(data)
        written += len(data)
        files += 1
    return files, written
