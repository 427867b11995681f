"""LLC-PY-002: a JWT whose ``exp`` lies far in the future."""

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
    Slot,
    Valid,
    describe_duration,
    in_rejection_test,
    jwt_issue,
)

_HIGH_ABOVE = 30 * 86400


class JwtFarExpiry(PythonRule):
    """## What it does
    Flags `jwt.encode(...)` (PyJWT), `jose.jwt.encode(...)` (python-jose) and authlib's
    `jwt.encode(header, payload, key)` when the `exp` claim is set further ahead than
    `thresholds.jwt_max_lifetime` (24 hours by default): `now + <duration>` with `now` from
    `datetime.now()`, `datetime.utcnow()`, `time.time()` or `int(time.time())`, a constant
    date such as `datetime(2099, 1, 1)` or `datetime.max`, or a Unix timestamp. Durations are
    folded through `timedelta`, `relativedelta`, arithmetic and module constants under any
    import alias. The JWT issuers are rows of the issuer table (jwcrypto `JWT(claims=...)`,
    python_jwt `generate_jwt(..., lifetime=...)` too). An expiry that cannot be computed (a
    parameter, a setting) is left alone.

    ## Why is this bad?
    The expiry is the only thing that ends a self-contained token. A JWT valid for months or
    years is a long-lived credential in disguise: once copied from a log or a browser it keeps
    working long after the task it was minted for (OWASP NHI7 Long-Lived Secrets, NHI1 Improper
    Offboarding). Medium above the threshold, high above 30 days.

    ## Example
    ```python
    from datetime import datetime, timedelta, timezone
    import jwt

    EXPIRY = timedelta(days=3650)
    token = jwt.encode({"sub": "svc", "exp": datetime.now(timezone.utc) + EXPIRY}, KEY)
    ```

    Use instead:
    ```python
    token = jwt.encode(
        {"sub": "svc", "exp": datetime.now(timezone.utc) + timedelta(minutes=10)}, KEY
    )
    ```

    ## References
    - RFC 7519 section 4.1.4, the `exp` claim: https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4
    - RFC 8725 (JWT best current practices): https://www.rfc-editor.org/rfc/rfc8725
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-002",
        name="jwt-far-expiry",
        summary="JWT expiry set far in the future",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI1"),
        fix="Shorten `exp` to the task (minutes for machine calls) and re-issue on demand from "
        "a workload-attested source instead of extending the lifetime.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("jwt", "jose"),
    )

    VALID = [
        Valid(
            "from datetime import datetime, timedelta\n"
            "import jwt\n"
            'token = jwt.encode({"sub": "svc", "exp": datetime.utcnow() + timedelta(minutes=10)},'
            " KEY)\n"
        ),
        # Exactly the threshold is allowed; a day in seconds through constants.
        Valid(
            "import time\n"
            "import jwt as pyjwt\n"
            "DAY = 60 * 60 * 24\n"
            'token = pyjwt.encode({"sub": "svc", "exp": int(time.time()) + DAY}, KEY)\n'
        ),
        # Unresolvable lifetimes: a parameter, a setting, a reassigned constant.
        Valid(
            "from datetime import datetime, timedelta\n"
            "import jwt\n"
            "def mint(ttl):\n"
            '    return jwt.encode({"sub": "x", "exp": datetime.utcnow() + ttl}, KEY)\n'
        ),
        Valid(
            "from datetime import datetime, timedelta\n"
            "from django.conf import settings\n"
            "import jwt\n"
            "exp = datetime.utcnow() + timedelta(seconds=settings.JWT_TTL)\n"
            'token = jwt.encode({"sub": "x", "exp": exp}, KEY)\n'
        ),
        Valid(
            "import jwt, time\n"
            "TTL = 60\n"
            "if DEBUG:\n"
            "    TTL = 86400 * 365\n"
            'token = jwt.encode({"sub": "x", "exp": time.time() + TTL}, KEY)\n'
        ),
        # A far-off `nbf` or `iat` is not an expiry; decoding is not minting.
        Valid(
            "from datetime import datetime, timedelta\n"
            "import jwt\n"
            'token = jwt.encode({"sub": "x", "nbf": datetime(2099, 1, 1),'
            ' "exp": datetime.utcnow() + timedelta(hours=1)}, KEY)\n'
            'claims = jwt.decode(token, KEY, algorithms=["HS256"])\n'
        ),
    ]
    INVALID = [
        Invalid(
            "from datetime import datetime, timedelta\n"
            "import jwt\n"
            'token = jwt.encode({"sub": "svc", "exp": datetime.utcnow() + timedelta(days=3650)},'
            " KEY)  # expect: LLC-PY-002\n"
        ),
        # Through a module constant, an aliased `timedelta` and a function-level import.
        Invalid(
            "import datetime as dt\n"
            "from datetime import timedelta as td\n"
            "EXPIRY = td(weeks=52)\n"
            "def mint(key):\n"
            "    from jose import jwt as jt\n"
            "    now = dt.datetime.now(dt.timezone.utc)\n"
            '    claims = {"sub": "deploy-bot"}\n'
            '    claims["exp"] = now + EXPIRY\n'
            "    return jt.encode(claims, key)  # expect: LLC-PY-002\n"
        ),
        # Two days: above the 24 h threshold (medium).
        Invalid(
            "import time\n"
            "from jwt import encode as sign\n"
            "LIFETIME = 2 * 24 * 3600\n"
            'token = sign({"sub": "x", "exp": int(time.time()) + LIFETIME}, KEY)'
            "  # expect: LLC-PY-002\n"
        ),
        # A constant date far ahead.
        Invalid(
            "from datetime import datetime\n"
            "from authlib.jose import jwt\n"
            'token = jwt.encode({"alg": "RS256"}, {"sub": "bot", "exp": datetime(2099, 1, 1)},'
            " KEY)  # expect: LLC-PY-002\n"
        ),
        Invalid(
            "import datetime\n"
            "import jwt\n"
            'token = jwt.encode(payload={"sub": "x", "exp": datetime.datetime.max}, key=KEY)'
            "  # expect: LLC-PY-002\n"
        ),
        Invalid(
            "from dateutil.relativedelta import relativedelta\n"
            "from datetime import datetime, timezone\n"
            "from authlib.jose import JsonWebToken\n"
            'signer = JsonWebToken(["HS256"])\n'
            "exp = (datetime.now(timezone.utc) + relativedelta(years=5)).timestamp()\n"
            'token = signer.encode({"alg": "HS256"}, {"sub": "bot", "exp": exp}, KEY)'
            "  # expect: LLC-PY-002\n"
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
        seconds = self._lifetime_argument(row.also, node)
        exp = self.doc.dict_value(claims, "exp", node)
        if seconds is None and exp is not None:
            seconds = self.doc.fold_deadline(exp, exp, epoch=True)
        limit = self.context.thresholds.jwt_max_lifetime
        if seconds is None or seconds <= limit:
            return
        severity = Severity.HIGH if seconds > _HIGH_ABOVE else Severity.MEDIUM
        self.report(
            node,
            f"JWT minted with `exp` {describe_duration(seconds)} ahead, more than the allowed "
            f"{describe_duration(limit)}: a copied token keeps working for that long.",
            lifetime=Lifetime.seconds(seconds),
            severity=severity,
        )

    def _lifetime_argument(self, slots: tuple[Slot, ...], node: cst.Call) -> int | None:
        """python_jwt's ``lifetime=`` (a timedelta) or ``expires=`` (an instant)."""
        for slot in slots:
            value = self.doc.argument(node, slot.keyword, slot.position)
            if value is None:
                continue
            if slot.form == "deadline":
                return self.doc.fold_deadline(value, node)
            return self.doc.fold_seconds(value, node)
        return None
