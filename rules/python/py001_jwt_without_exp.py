"""LLC-PY-001: a JWT minted without an ``exp`` claim."""

from __future__ import annotations

import libcst as cst

from scanner.api import (
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    Valid,
)


class JwtWithoutExp(PythonRule):
    """## What it does
    Flags `jwt.encode(...)` (PyJWT), `jose.jwt.encode(...)` (python-jose) and authlib's
    `jwt.encode(header, payload, key)` when the claims are a dict, built in one literal or over
    several statements, that has no `exp` key by the time of the call. Imports under any alias
    are followed; a payload that cannot be resolved (a parameter, a `**spread`, several
    assignments) is left alone.

    ## Why is this bad?
    A JWT without `exp` never expires: whoever copies it from a log, a proxy or a browser keeps
    the access for ever, and nothing but rotating the signing key can revoke it (OWASP NHI7
    Long-Lived Secrets, NHI1 Improper Offboarding).

    ## Example
    ```python
    import jwt

    token = jwt.encode({"sub": "ci-bot", "scope": "deploy"}, KEY, algorithm="HS256")
    ```

    Use instead:
    ```python
    from datetime import datetime, timedelta, timezone
    import jwt

    now = datetime.now(timezone.utc)
    token = jwt.encode(
        {"sub": "ci-bot", "scope": "deploy", "iat": now, "exp": now + timedelta(minutes=15)},
        KEY,
        algorithm="HS256",
    )
    ```

    ## References
    - RFC 7519 section 4.1.4, the `exp` claim: https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4
    - PyJWT usage, expiration time: https://pyjwt.readthedocs.io/en/stable/usage.html
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-001",
        name="jwt-without-exp",
        summary="JWT minted without an expiry claim",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Set `exp` (with `iat`) sized to the task, minutes for machine calls, or use a "
        "platform-issued short-lived token (OIDC, STS, workload identity).",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("jwt", "jose"),
    )

    VALID = [
        Valid(
            "from datetime import datetime, timedelta, timezone\n"
            "import jwt\n"
            'token = jwt.encode({"sub": "ci-bot", "exp": datetime.now(timezone.utc)'
            ' + timedelta(minutes=15)}, KEY, algorithm="HS256")\n'
        ),
        # The claims gain `exp` in a later statement before the call.
        Valid(
            "import jwt as pyjwt\n"
            "def mint(key, now):\n"
            '    claims = {"sub": "worker"}\n'
            '    claims["exp"] = now + 300\n'
            "    return pyjwt.encode(claims, key)\n"
        ),
        Valid(
            "from jose import jwt\n"
            "def mint(key, ttl):\n"
            '    claims = dict(sub="svc")\n'
            '    claims.update({"exp": ttl})\n'
            "    return jwt.encode(claims, key)\n"
        ),
        # Unresolvable payloads stay quiet: a parameter, a spread, a reassigned name.
        Valid("import jwt\ndef mint(payload, key):\n    return jwt.encode(payload, key)\n"),
        Valid('import jwt\nbase = {"exp": 5}\ntoken = jwt.encode({**base, "sub": "x"}, KEY)\n'),
        Valid(
            "import jwt\n"
            'claims = {"sub": "a"}\n'
            "if FLAG:\n"
            '    claims = {"sub": "a", "exp": EXP}\n'
            "token = jwt.encode(claims, KEY)\n"
        ),
        # Look-alikes: decoding, and an unrelated `encode`.
        Valid('import jwt\nclaims = jwt.decode(token, KEY, algorithms=["HS256"])\n'),
        Valid('import base64\nbase64.encode({"sub": "x"}, out)\n"jwt".encode()\n'),
    ]
    INVALID = [
        Invalid(
            "import jwt\n"
            'token = jwt.encode({"sub": "ci-bot", "scope": "deploy"}, KEY, algorithm="HS256")'
            "  # expect: LLC-PY-001\n"
        ),
        Invalid(
            "from jwt import encode as sign\n"
            "def mint(key):\n"
            '    claims = {"sub": "deploy-bot"}\n'
            '    claims["scope"] = "deploy"\n'
            "    return sign(claims, key)  # expect: LLC-PY-001\n"
        ),
        Invalid(
            "def mint(key):\n"
            "    from jose import jwt as jt\n"
            '    return jt.encode(claims=dict(sub="svc", aud="api"), key=key)'
            "  # expect: LLC-PY-001\n"
        ),
        Invalid(
            "from authlib.jose import jwt\n"
            'header = {"alg": "RS256"}\n'
            'token = jwt.encode(header, {"iss": "ci", "sub": "bot"}, KEY)  # expect: LLC-PY-001\n'
        ),
        Invalid(
            "from authlib.jose import JsonWebToken\n"
            'signer = JsonWebToken(["HS256"])\n'
            'token = signer.encode({"alg": "HS256"}, {"sub": "bot"}, KEY)  # expect: LLC-PY-001\n'
        ),
        # The `exp` is added only after the token was minted.
        Invalid(
            "import jwt\n"
            'payload = {"sub": "svc"}\n'
            "token = jwt.encode(payload, KEY)  # expect: LLC-PY-001\n"
            'payload["exp"] = 1\n'
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        claims = self.doc.jwt_claims(node)
        if claims is None:
            return
        keys = self.doc.dict_keys(claims, node)
        if keys is None or "exp" in keys:
            return
        self.report(
            node,
            "JWT minted without `exp`: the token never expires, so anyone who obtains it keeps "
            "the access until the signing key is rotated.",
            lifetime=Lifetime.never(),
        )
