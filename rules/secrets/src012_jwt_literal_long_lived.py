"""LLC-SRC-012: a JWT literal that never expires or lives far beyond its purpose."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import re
from typing import Any

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    Category,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    compile_pattern,
    fake_token,
)

# header.payload.signature, base64url without padding; the header is always a JSON object.
_JWT = compile_pattern(
    r"(?:^|[^A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})"
)
_MAX_PART = 16 * 1024  # bigger headers or payloads are not tokens anyone pastes
_MONTH = 30 * 86400
_ISSUER = re.compile(r"^[\w.:/@+-]{1,80}$")  # named in messages only when it is a plain name
#: Claims that make a JSON object a credential: who it is, who issued it, when it is valid.
_CREDENTIAL_CLAIMS = frozenset(
    {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "client_id", "cid", "appid",
        "role", "roles", "scope", "scp", "email", "username", "preferred_username", "user_id",
        "uid", "tid", "oid",
    }
)
# The jwt.io debugger's sample and its kin: documentation, not credentials.
_SAMPLE_SUBJECTS = frozenset({"1234567890"})
_SAMPLE_NAMES = frozenset({"john doe", "jane doe", "john smith"})
# Supabase's anon key is a JWT meant for browsers (row-level security guards the data).
_PUBLIC_ROLES = frozenset({"anon"})


def _decode(part: str) -> dict[str, Any] | None:
    """A base64url JSON object, or None for anything else (garbage is common: never raise)."""
    if len(part) > _MAX_PART:
        return None
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        value = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


#: Claims are clamped to the calendar's ends (year 1 to 9999): JSON allows `1e999`, `NaN` and
#: 400-digit integers, and an `exp` beyond the calendar is still "far too long", not an error.
_LATEST = 253402300799.0  # 9999-12-31T23:59:59Z
_EARLIEST = -62135596800.0  # 0001-01-01T00:00:00Z


def _number(value: object) -> float | None:
    """A numeric claim as a timestamp within the calendar; None for NaN and negative infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        number = math.inf if value > 0 else -math.inf
    if math.isnan(number) or number == -math.inf:
        return None
    return min(max(number, _EARLIEST), _LATEST)


def _date(seconds: float) -> str:
    try:
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return "a date beyond the calendar"


def _span(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / 3600:.0f} hours"


def _jwt(payload: dict[str, object], seed: int) -> str:
    def part(obj: dict[str, object]) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    return f"{header}.{part(payload)}.{fake_token('', 43, ALNUM + '-_', seed=seed)}"


_IAT = 1_700_000_000
_NO_EXP = _jwt({"sub": "ci-bot", "iss": "https://auth.internal", "scope": "deploy"}, 301)
_FIFTY_YEARS = _jwt({"iss": "supabase", "ref": "qwhk", "role": "service_role", "iat": _IAT,
                     "exp": _IAT + 50 * 365 * 86400}, 302)
_WEEK = _jwt({"sub": "svc-report", "iat": 4_000_000_000, "exp": 4_000_000_000 + 7 * 86400}, 303)
_FAR_NO_IAT = _jwt({"sub": "svc-sync", "exp": 4_102_444_800}, 304)
_SHORT = _jwt({"sub": "svc-report", "iat": 4_000_000_000, "exp": 4_000_000_000 + 600}, 305)
_EXPIRED = _jwt({"sub": "svc-old", "iat": _IAT, "exp": _IAT + 600}, 306)
_SAMPLE = _jwt({"sub": "1234567890", "name": "John Doe", "iat": 1516239022}, 307)
_ANON = _jwt({"iss": "supabase", "ref": "qwhk", "role": "anon", "iat": _IAT,
              "exp": _IAT + 3650 * 86400}, 308)
_NOT_A_CLAIM_SET = _jwt({"some": "payload"}, 309)


class JwtLiteralLongLived(TextRule):
    """## What it does
    Finds JSON Web Tokens (`eyJ...`.`eyJ...`.`signature`) in any text file and decodes their
    header and payload offline. A token without an `exp` claim is high. Otherwise its lifetime
    is `exp` minus `iat` (or `nbf`): above `thresholds.jwt_max_lifetime` (24 hours) it is
    medium, above 30 days high, and within the threshold it is not reported. Without `iat`
    the finding reports the expiry date, with an unknown lifetime, judged by the time left.
    An already-expired token is info only (its claims are still disclosed). Sample tokens are
    skipped: the jwt.io debugger's (`sub` 1234567890, `name` John Doe), payloads holding
    placeholders, payloads without any credential claim (`{"some": "payload"}`), unsigned
    (`alg: none`) tokens and Supabase `anon` keys, which are public by design.

    ## Why is this bad?
    A bearer token is accepted by anyone who holds it. Without `exp` it is valid until its
    signing key is rotated, which may be never; a token minted for years is a standing
    credential that nobody can revoke individually (OWASP NHI2 Secret Leakage, NHI7
    Long-Lived Secrets).

    ## Example
    ```bash
    # a service-role token minted for ten years, committed to the deploy script
    export API_TOKEN=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwiZXhwIjo...
    ```

    Use instead:
    ```python
    # mint a short-lived token at run time, from the workload's own identity
    token = jwt.encode({"sub": "report-job", "iat": now, "exp": now + 600}, key, "ES256")
    ```

    ## References
    - RFC 7519, JSON Web Token (`exp`, `iat`, `nbf`): https://www.rfc-editor.org/rfc/rfc7519
    - RFC 8725, JWT best current practices: https://www.rfc-editor.org/rfc/rfc8725
    - gitleaks `jwt`: https://github.com/gitleaks/gitleaks/blob/master/config/gitleaks.toml
    """

    META = RuleMeta(
        id="LLC-SRC-012",
        name="jwt-literal-long-lived",
        summary="JWT literal with no expiry or an expiry far beyond the maximum lifetime",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Revoke the token (rotate its signing key if it cannot be revoked) and mint "
        "short-lived tokens at run time from the workload's identity.",
        kinds=ALL_KINDS,
        triggers=("eyj",),
    )

    VALID = [
        Valid(f'TOKEN = "{_SHORT}"  # ten minutes\n', path="tests/test_api.py"),
        Valid(f"Authorization: Bearer {_SAMPLE}\n", path="docs/auth.md"),
        Valid(f'NEXT_PUBLIC_SUPABASE_ANON_KEY="{_ANON}"\n', path=".env.local"),
        Valid(f"token: {_NOT_A_CLAIM_SET}\njwt: ${{JWT}}\nbearer: eyJhbGciOi...\n",
              path="config.yaml"),
        Valid(f"{{\n  \"token\": \"{_EXPIRED}\"\n}}\n", path="tests/fixtures/expired.json"),
    ]
    INVALID = [
        Invalid(f"export API_TOKEN={_NO_EXP}  # expect: LLC-SRC-012\n", path="scripts/ci.sh"),
        Invalid(f'SUPABASE_SERVICE_KEY = "{_FIFTY_YEARS}"  # expect: LLC-SRC-012\n',
                path="app/settings.py"),
        Invalid(f"headers:\n  Authorization: Bearer {_WEEK}  # expect: LLC-SRC-012\n",
                path="deploy/values.yaml"),
        Invalid(f'{{\n  "token": "{_FAR_NO_IAT}"\n}}\n', path="config/sync.json", lines=(2,)),
    ]

    def check(self, doc: TextDocument) -> None:
        now = self.context.now
        limit = self.context.thresholds.jwt_max_lifetime
        for match in _JWT.finditer(doc.text):
            token = match.group(1)
            header_part, payload_part, _ = token.split(".", 2)
            header = _decode(header_part)
            payload = _decode(payload_part)
            if header is None or payload is None or not self._credential(header, payload):
                continue
            span = Span(match.start(1), match.end(1))
            issuer = payload.get("iss")
            plain_issuer = isinstance(issuer, str) and _ISSUER.match(issuer) is not None
            who = f"JWT issued by {issuer}" if plain_issuer else "JWT"
            exp = _number(payload.get("exp"))
            if "exp" not in payload:
                self.report(span, f"{who} with no `exp` claim: it is valid until its signing "
                            "key is rotated, which may be never.", lifetime=Lifetime.never(),
                            value=token)
                continue
            if exp is None:
                continue
            start = _number(payload.get("iat"))
            if start is None:
                start = _number(payload.get("nbf"))
            if exp <= now:
                lifetime = Lifetime.seconds(int(exp - start)) if start is not None and \
                    exp > start else Lifetime.unknown()
                self.report(span, f"{who} that expired on {_date(exp)}: it no longer works, "
                            "but its claims are disclosed.", lifetime=lifetime, value=token,
                            severity=Severity.INFO)
                continue
            if start is not None:
                seconds = exp - start
                lifetime = Lifetime.seconds(int(seconds))
                what = f"valid for {_span(seconds)} (`exp` minus `iat`, until {_date(exp)})"
            else:
                seconds = exp - now
                lifetime = Lifetime.unknown()
                what = f"valid until {_date(exp)} (no `iat`; {_span(seconds)} from now)"
            if seconds <= limit:
                continue
            severity = Severity.HIGH if seconds > _MONTH else Severity.MEDIUM
            self.report(span, f"{who} {what}, beyond the {_span(limit)} maximum: a standing "
                        "bearer credential.", lifetime=lifetime, value=token, severity=severity)

    def _credential(self, header: dict[str, Any], payload: dict[str, Any]) -> bool:
        """A signed token with credential claims that is not a documentation sample."""
        alg = header.get("alg")
        if not isinstance(alg, str) or alg.lower() == "none":
            return False
        if not _CREDENTIAL_CLAIMS.intersection(payload):
            return False
        if str(payload.get("sub")) in _SAMPLE_SUBJECTS:
            return False
        name = payload.get("name")
        if isinstance(name, str) and name.lower() in _SAMPLE_NAMES:
            return False
        if payload.get("role") in _PUBLIC_ROLES:
            return False
        return not any(
            isinstance(value, str) and value and self.context.is_placeholder(value)
            for value in payload.values()
        )
