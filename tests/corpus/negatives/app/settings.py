"""Settings read from the environment at start-up; nothing secret lives in this file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from app.secrets import read_secret


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"{name} is not set")
    return value


SECRET_KEY = os.environ["SECRET_KEY"]
DATABASE_URL = os.getenv("DATABASE_URL", "postgres://app@localhost:5432/app")
API_TOKEN = _env("API_TOKEN")
JWT_SECRET = read_secret("jwt-secret")
PASSWORD_MIN_LENGTH = 12
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
TOKEN_HEADER = "Authorization"
TOKEN_PREFIX = "Bearer"
ACCESS_TOKEN_LIFETIME_SECONDS = 900
REFRESH_TOKEN_COOKIE = "refresh_token"
CSRF_TOKEN_HEADER = "X-CSRF-Token"
SECRET_NAME = "projects/acme-prod/secrets/api-token/versions/latest"
AWS_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-AbCdEf"
OAUTH_TOKEN_URL = "https://login.example.com/oauth2/v2.0/token"


@dataclass(frozen=True)
class Database:
    host: str = field(default_factory=lambda: _env("DB_HOST", "localhost"))
    user: str = "app"
    password: str = field(default_factory=lambda: _env("DB_PASSWORD"))
    password_file: str = "/run/secrets/db_password"

    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}:{self.password}@{self.host}:5432/app"


def redis_url(password: str, host: str = "cache") -> str:
    return "redis://:%s@%s:6379/0" % (password, host)


LOGGING = {
    "version": 1,
    "filters": {"redact": {"()": "app.logging.RedactSecrets", "patterns": ["password", "token"]}},
}
