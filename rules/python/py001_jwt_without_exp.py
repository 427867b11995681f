"""LLC-PY-001: a JWT minted without an ``exp`` claim."""

from __future__ import annotations

from dataclasses import replace

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
    in_rejection_test,
    is_apns_token,
    jwt_issue,
    sets_exp_elsewhere,
)


class JwtWithoutExp(PythonRule):
    """## What it does
    Flags a JWT minted with claims that have no `exp` by the time of the call: PyJWT
    `jwt.encode` / `PyJWT().encode`, python-jose `jwt.encode`, authlib `jwt.encode(header,
    payload, key)` and `JsonWebToken(...).encode`, jwcrypto `JWT(claims=...)`, python_jwt
    `generate_jwt(claims, ...)` without `lifetime`/`expires`, and the GehirnInc `jwt`
    package's `JWT().encode`. The issuers are rows of the issuer table
    (`scanner/documents/python/libraries/issuers/`). The claims may be built in one literal
    or over several statements; imports under any alias are followed; a payload that cannot be
    resolved (a parameter, a `**spread`, several assignments) is left alone.

    Quiet by design: APNs provider tokens (only `iss` and `iat`, ES256, a `kid` header) have
    no `exp` because Apple's servers reject any whose `iat` is more than an hour old, and
    Firebase `create_custom_token` fixes the lifetime at one hour. In test code findings are
    informational (rules.md 2.3.5), and a test that builds a token without `exp` to check that
    it is rejected (`pytest.raises`, a 401) is not reported at all.

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

    ## Fix
    `outlive fix` adds `"exp": datetime.now(timezone.utc) + timedelta(...)` to the claims
    (the dict literal or `dict(...)` in the call, or the one assignment of the name passed),
    sized by the `jwt_max_lifetime` threshold, and imports what it uses from `datetime`
    (PyJWT, python-jose and authlib; other libraries are listed as having no automatic fix).

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
        # An APNs provider token: no `exp` by design, Apple rejects it after an hour.
        Valid(
            "import time, jwt\n"
            'tok = jwt.encode({"iss": TEAM_ID, "iat": int(time.time())}, P8_KEY,\n'
            '                 algorithm="ES256", headers={"kid": KEY_ID})\n'
        ),
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
            "from jwcrypto import jwt\n"
            'tok = jwt.JWT(header={"alg": "RS256"}, claims={"sub": "bot"})  # expect: LLC-PY-001\n'
        ),
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

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_Call(self, node: cst.Call) -> None:
        found = jwt_issue(self.doc, node)
        if found is None or in_rejection_test(self.doc, node):
            return
        row, claims = found
        keys = self.doc.dict_keys(claims, node)
        if keys is None or "exp" in keys:
            return
        if row.also and sets_exp_elsewhere(self.doc, row, node) is not False:
            return
        if is_apns_token(self.doc, node, claims):
            return
        self.report(
            node,
            "JWT minted without `exp`: the token never expires, so anyone who obtains it keeps "
            "the access until the signing key is rotated.",
            lifetime=Lifetime.never(),
        )
