"""LLC-PY-003: a JWT decoded with its expiry check turned off."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from scanner.api import (
    VERIFIERS,
    Category,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonRule,
    RuleMeta,
    Severity,
    Valid,
    Verifier,
    describe_duration,
    string_value,
)

#: The decode calls and the arguments that turn their checks off: the VERIFIERS registry.
_OPTION_ROWS = tuple(v for v in VERIFIERS if v.check == "options")
_VALIDATE_ROWS = tuple(v for v in VERIFIERS if v.check == "validate")
_MAX_LEEWAY = 86400
_OFF_REASONS = {
    "verify_signature": "JWT decoded with `verify_signature` off, which also skips the `exp` "
    "check: any token, expired or forged, is accepted.",
    "verify_exp": "JWT decoded with `{key}` off: expired tokens are accepted, so every token "
    "ever issued works for ever.",
}
_FLAG_REASONS = {
    "verify": "JWT decoded with `verify=False` (PyJWT 1.x): neither the signature nor `exp` "
    "is checked.",
    "check_claims": "JWT decoded with `{flag}=False` ({library}): the signature is checked but "
    "`exp` is not, so every token ever issued works for ever.",
}


class JwtExpiryVerificationDisabled(PythonRule):
    """## What it does
    Flags JWT decoding that does not enforce `exp`:
    - PyJWT `jwt.decode(...)`, `jwt.decode_complete(...)` or `PyJWT().decode(...)`, and
      python-jose `jwt.decode(...)`, with `options` holding `"verify_exp": False` or
      `"verify_signature": False` (which turns off every claim check), with the PyJWT 1.x
      `verify=False`, or with a `leeway` of more than a day;
    - jwcrypto `jwt.JWT(jwt=tok, key=key, check_claims=False)`, which checks the signature
      but no claim, so not `exp`;
    - authlib `claims = jwt.decode(...)` whose result is read in the same function without
      `claims.validate()` (authlib checks `exp` only in `validate`) and is not handed on.

    The decode APIs and their switches are the `VERIFIERS` registry
    (`scanner/documents/python/libraries/verifiers.py`). The options may be a dict literal, a
    module constant or a `**kwargs` dict; anything that cannot be resolved is left alone.
    Deliberate cases are not reported: a decode with no key (reading claims, not accepting a
    token), one inside `except ExpiredSignatureError` (logout and revocation paths), and
    functions that read the `exp` claim to check it themselves. In test code (`tests/`,
    `test_*.py`, `conftest.py`) findings are informational: a test decoding the token it just
    minted under a mocked clock accepts no one's token.

    ## Why is this bad?
    A token whose expiry is not checked never expires for this service: any token ever issued,
    leaked or revoked by time, is accepted for ever (OWASP NHI4 Insecure Authentication, NHI7
    Long-Lived Secrets). Without the signature check, anyone can mint their own.

    ## Example
    ```python
    claims = jwt.decode(tok, KEY, algorithms=["HS256"], options={"verify_exp": False})
    ```

    Use instead:
    ```python
    claims = jwt.decode(tok, KEY, algorithms=["HS256"], options={"require": ["exp", "iat"]})
    ```

    ## References
    - PyJWT usage and options: https://pyjwt.readthedocs.io/en/stable/usage.html
    - authlib JWT claims validation: https://docs.authlib.org/en/latest/jose/jwt.html
    - OWASP NHI4:2025 Insecure Authentication
    """

    META = RuleMeta(
        id="LLC-PY-003",
        name="jwt-expiry-verification-disabled",
        summary="JWT expiry verification disabled",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI4", "NHI7"),
        fix='Keep `verify_exp` and the signature check on and add `options={"require": '
        '["exp"]}` so tokens without an expiry are rejected; call `claims.validate()` in authlib.',
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("jwt", "jose", "jwcrypto"),
    )

    VALID = [
        # Test code (rules.md 2.3.5): a test reading back a token minted under a frozen clock.
        Valid(
            "import jwt\n"
            "def test_create_jwt(frozen_clock):\n"
            '    claims = jwt.decode(make_token(), PUBLIC_KEY, algorithms=["RS256"],\n'
            '                        options={"verify_exp": False})\n'
            '    assert claims == {"iat": 1, "exp": 601, "iss": "app"}\n',
            path="tests/test_auth.py",
        ),
        Valid(
            "import jwt\n"
            'claims = jwt.decode(tok, KEY, algorithms=["HS256"],'
            ' options={"require": ["exp", "iat"]})\n'
        ),
        # Verification explicitly on, a small leeway, options that cannot be resolved.
        Valid(
            "import jwt as pyjwt\n"
            'OPTIONS = {"verify_exp": True, "verify_signature": True}\n'
            'claims = pyjwt.decode(tok, KEY, algorithms=["RS256"], options=OPTIONS, leeway=30)\n'
        ),
        Valid(
            "from jose import jwt\n"
            "def check(tok, key, options):\n"
            '    return jwt.decode(tok, key, algorithms=["HS256"], options=options)\n'
        ),
        # authlib with validate(), or claims handed back to a caller that validates them.
        Valid(
            "from authlib.jose import jwt\n"
            "def check(tok, key):\n"
            "    claims = jwt.decode(tok, key)\n"
            "    claims.validate()\n"
            '    return claims["sub"]\n'
        ),
        Valid(
            "from authlib.jose import jwt\n"
            "def parse(tok, key):\n"
            "    claims = jwt.decode(tok, key)\n"
            "    return claims\n"
        ),
        # Reading claims without a key; a revocation path; expiry checked by hand.
        Valid(
            "import jwt\n"
            "def user_id(id_token):\n"
            '    return jwt.decode(id_token, options={"verify_signature": False})["uid"]\n'
            "def revoke(tok):\n"
            "    try:\n"
            '        jwt.decode(tok, KEY, algorithms=["HS256"])\n'
            "    except jwt.ExpiredSignatureError:\n"
            '        claims = jwt.decode(tok, KEY, algorithms=["HS256"],'
            ' options={"verify_exp": False})\n'
            '        deny(claims["jti"])\n'
            "def refresh(tok):\n"
            '    claims = jwt.decode(tok, KEY, algorithms=["HS256"],'
            ' options={"verify_exp": False})\n'
            '    if claims["exp"] < time.time() - GRACE:\n'
            "        raise Expired()\n"
        ),
        # A different library's `decode` with the same option name.
        Valid('import base64\ndata = base64.decode(src, dst, options={"verify_exp": False})\n'),
    ]
    INVALID = [
        Invalid(
            "import jwt\n"
            'claims = jwt.decode(tok, KEY, algorithms=["HS256"], options={"verify_exp": False})'
            "  # expect: LLC-PY-003\n"
        ),
        # Aliased import, options through a module constant and a `**kwargs` dict.
        Invalid(
            "from jwt import decode as read_token\n"
            'NO_EXPIRY = {"verify_signature": False}\n'
            'KWARGS = {"key": KEY, "options": NO_EXPIRY, "algorithms": ["HS256"]}\n'
            "def user(tok):\n"
            '    return read_token(tok, **KWARGS)["sub"]  # expect: LLC-PY-003\n'
        ),
        Invalid(
            "def user(tok, key):\n"
            "    from jose import jwt as jt\n"
            '    return jt.decode(tok, key, options={"verify_exp": False})  # expect: LLC-PY-003\n'
        ),
        # PyJWT 1.x `verify=False`, and a leeway of a week.
        Invalid(
            "import jwt\n"
            "from datetime import timedelta\n"
            "a = jwt.decode(tok, KEY, verify=False)  # expect: LLC-PY-003\n"
            'b = jwt.PyJWT().decode(tok, KEY, algorithms=["HS256"],'
            " leeway=timedelta(weeks=1))  # expect: LLC-PY-003\n"
        ),
        Invalid(
            "from authlib.jose import JsonWebToken\n"
            'reader = JsonWebToken(["RS256"])\n'
            "def user(tok, key):\n"
            "    claims = reader.decode(tok, key)  # expect: LLC-PY-003\n"
            '    return claims["sub"]\n'
        ),
    ]

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_Call(self, node: cst.Call) -> None:
        row = self._row(node, _OPTION_ROWS)
        if row is None:
            return
        reason = self._disabled(node, row)
        if reason is not None and not self._handles_expiry(node):
            self.report(node, reason, lifetime=Lifetime.never())

    def visit_Assign(self, node: cst.Assign) -> None:
        """authlib: ``claims = jwt.decode(...)`` read without ``claims.validate()``."""
        value = node.value
        if not (
            isinstance(value, cst.Call)
            and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
            and self._row(value, _VALIDATE_ROWS) is not None
        ):
            return
        name = node.targets[0].target.value
        scope = self.doc.scope_of(node)
        if isinstance(scope, cst.Module | cst.ClassDef):
            return  # module-level claims: usage is too far-flung to judge
        if any(m.startswith("validate") for m, _ in self.doc.calls_on(name, node)):
            return
        if _escapes(scope, name):
            return
        self.report(
            value,
            "authlib `jwt.decode()` result used without `claims.validate()`: authlib checks "
            "`exp` only in `validate`, so expired tokens are accepted.",
            lifetime=Lifetime.never(),
        )

    def _row(self, node: cst.Call, rows: tuple[Verifier, ...]) -> Verifier | None:
        """The registry row whose decode function, or method on an object built by one of its
        classes, ``node`` calls."""
        names = self.doc.qualified_names(node.func)
        func = node.func
        for row in rows:
            if not names.isdisjoint(row.calls):
                return row
            if (
                row.methods
                and isinstance(func, cst.Attribute)
                and func.attr.value in row.methods
                and self.doc.imports_from(row.gate)
                and self.doc.constructed_by(func.value, row.receivers, node) is not None
            ):
                return row
        return None

    def _disabled(self, node: cst.Call, row: Verifier) -> str | None:
        if self.doc.has_argument(node, *row.key_param) is False and (
            row.options is None or self.doc.argument(node, *row.options) is not None
        ):
            return None  # no key at all: reading a token's claims, not accepting it
        options = self.doc.argument(node, *row.options) if row.options is not None else None
        if options is not None:
            for key in row.off:
                if self._is_false(self.doc.dict_value(options, key, node)):
                    return _OFF_REASONS.get(key, _OFF_REASONS["verify_exp"]).format(key=key)
        for flag in row.flags:
            if self._is_false(self.doc.argument(node, flag)):
                return _FLAG_REASONS.get(flag, _FLAG_REASONS["verify"]).format(
                    flag=flag, library=row.library
                )
        leeway = self.doc.argument(node, row.leeway) if row.leeway else None
        if leeway is not None:
            seconds = self.doc.fold_seconds(leeway, node)
            if seconds is not None and seconds > _MAX_LEEWAY:
                return (
                    f"JWT decoded with a leeway of {describe_duration(seconds)}: tokens are "
                    "accepted that long after they expired."
                )
        return None

    def _handles_expiry(self, call: cst.Call) -> bool:
        """The function deals with expiry itself, so the missing check is deliberate.

        True when the decode sits in an ``except ExpiredSignatureError`` handler (a logout or
        revocation path reading an expired token's ``jti``), or when the function reads the
        ``exp`` claim (``claims["exp"]``, ``claims.get("exp")``) to check or store it.
        """
        scope = self.doc.scope_of(call)
        if not isinstance(scope, cst.FunctionDef):
            return False
        stack: list[tuple[cst.CSTNode, bool]] = [(scope.body, False)]
        while stack:
            node, in_handler = stack.pop()
            if node is call and in_handler:
                return True
            if _reads_exp(node):
                return True
            if (
                isinstance(node, cst.ExceptHandler)
                and node.type is not None
                and "ExpiredSignature" in self.doc.code(node.type)
            ):
                in_handler = True
            stack.extend((child, in_handler) for child in node.children)
        return False

    def _is_false(self, expr: cst.BaseExpression | None) -> bool:
        if expr is None:
            return False
        value = self.doc.resolve(expr, expr)
        if isinstance(value, cst.Name):
            return value.value == "False"
        return isinstance(value, cst.Integer) and _is_zero(value.value)


def _is_zero(literal: str) -> bool:
    """``0``, ``0x0``, ``0_0``: read from the text, as ``evaluated_value`` raises on a literal
    of more than 4,300 digits."""
    digits = literal.lower().replace("_", "")
    if digits[:2] in ("0x", "0o", "0b"):
        digits = digits[2:]
    return digits.strip("0") == ""


def _reads_exp(node: cst.CSTNode) -> bool:
    """``x["exp"]`` or ``x.get("exp")``."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and string_value(index.value) == "exp"
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and node.args
    ):
        return string_value(node.args[0].value) == "exp"
    return False


def _escapes(scope: cst.CSTNode, name: str) -> bool:
    """The name is returned, yielded or passed to a call: someone else may validate it."""
    stack: list[cst.CSTNode] = [scope]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Return | cst.Yield) and node.value is not None:
            if _mentions(node.value, name):
                return True
        elif isinstance(node, cst.Arg) and _mentions_bare(node.value, name):
            return True
        stack.extend(node.children)
    return False


def _mentions(node: cst.CSTNode, name: str) -> bool:
    """The object itself is in ``node``; ``claims["sub"]`` and ``claims.get(...)`` are reads."""
    if isinstance(node, cst.Name):
        return node.value == name
    if isinstance(node, cst.Subscript | cst.Attribute) and isinstance(node.value, cst.Name):
        rest = node.slice if isinstance(node, cst.Subscript) else ()
        return any(_mentions(child, name) for child in rest)
    return any(_mentions(child, name) for child in node.children)


def _mentions_bare(node: cst.BaseExpression, name: str) -> bool:
    """``f(claims)`` or ``f(**claims)`` hand the object on; ``f(claims["sub"])`` does not."""
    return isinstance(node, cst.Name) and node.value == name
