"""LLC-PY-012: itsdangerous timed tokens verified without ``max_age``."""

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
    issuer_of,
    issuers_of,
    methods_of,
    slot_value,
)

#: Rows of the issuer table: itsdangerous timed serializers and signers, Django's
#: ``signing.loads`` and ``TimestampSigner``; ``max_age`` is the lifetime.
_ROWS = issuers_of("LLC-PY-012")
_METHODS = methods_of("LLC-PY-012")


class TimedTokenWithoutMaxAge(PythonRule):
    """## What it does
    Flags `.loads(...)`, `.unsign(...)`, `.validate(...)` and `.loads_unsafe(...)` on an
    itsdangerous `URLSafeTimedSerializer`, `TimedSerializer` or `TimestampSigner` (built in
    place or bound to a name, under any import alias) called without `max_age`, or with
    `max_age=None`, Django's `TimestampSigner().unsign(...)` / `unsign_object(...)` likewise,
    and Django's `signing.loads(..., max_age=None)` (without `max_age` it is mostly used for
    signed data that is no credential, such as session data). A `max_age` that cannot be
    resolved, or an object whose class cannot be told, is left alone. The signers are rows of
    the issuer table (`scanner/documents/python/libraries/issuers/`).

    ## Why is this bad?
    The timed serializers sign a timestamp into the token but only check it when `max_age` is
    given. Without it, a password-reset link, an e-mail confirmation or an API token minted
    years ago still verifies (OWASP NHI7 Long-Lived Secrets, NHI4 Insecure Authentication).

    ## Example
    ```python
    data = URLSafeTimedSerializer(SECRET).loads(token)
    ```

    Use instead:
    ```python
    data = URLSafeTimedSerializer(SECRET).loads(token, max_age=900)
    ```

    ## References
    - itsdangerous timed serializers: https://itsdangerous.palletsprojects.com/en/stable/timed/
    - Django cryptographic signing: https://docs.djangoproject.com/en/stable/topics/signing/
    - OWASP NHI7:2025 Long-Lived Secrets
    """

    META = RuleMeta(
        id="LLC-PY-012",
        name="timed-token-without-max-age",
        summary="Timed signed token verified without `max_age`",
        category=Category.NON_EXPIRING_TOKEN,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI4"),
        fix="Always pass `max_age` sized to the task (minutes for links and machine tokens).",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("itsdangerous", "core.signing", "import signing", "timestampsigner"),
    )

    VALID = [
        # Django: `signing.loads` without `max_age` is mostly signed data, not a token.
        Valid(
            "from django.core import signing\n"
            "from django.core.signing import TimestampSigner\n"
            "state = signing.loads(request_state)\n"
            "uid = TimestampSigner().unsign(tok, max_age=600)\n"
        ),
        Valid(
            "from itsdangerous import URLSafeTimedSerializer\n"
            "data = URLSafeTimedSerializer(SECRET).loads(tok, max_age=900)\n"
        ),
        # Positional max_age, a max_age from config, an untimed serializer.
        Valid(
            "import itsdangerous\n"
            "signer = itsdangerous.TimestampSigner(SECRET)\n"
            "def check(tok, max_age):\n"
            "    signer.unsign(tok, 600)\n"
            "    return signer.unsign(tok, max_age=max_age)\n"
        ),
        Valid(
            "from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer\n"
            "plain = URLSafeSerializer(SECRET)\n"
            "data = plain.loads(tok)\n"
            'OPTS = {"max_age": 300}\n'
            "timed = URLSafeTimedSerializer(SECRET)\n"
            "data = timed.loads(tok, **OPTS)\n"
        ),
        # A serializer whose class cannot be known: a parameter.
        Valid(
            "import itsdangerous\ndef check(serializer, tok):\n    return serializer.loads(tok)\n"
        ),
    ]
    INVALID = [
        Invalid(
            "from django.core import signing\n"
            "signer = signing.TimestampSigner()\n"
            "uid = signer.unsign(tok)  # expect: LLC-PY-012\n"
            "data = signing.loads(tok, max_age=None)  # expect: LLC-PY-012\n"
        ),
        Invalid(
            "from itsdangerous import URLSafeTimedSerializer\n"
            "data = URLSafeTimedSerializer(SECRET).loads(tok)  # expect: LLC-PY-012\n"
        ),
        # Aliases, a module-level serializer used in a function, a function-level import.
        Invalid(
            "from itsdangerous import URLSafeTimedSerializer as Ser\n"
            'SERIALIZER = Ser(SECRET, salt="api-token")\n'
            "def user_id(tok):\n"
            '    return SERIALIZER.loads(tok)["uid"]  # expect: LLC-PY-012\n'
        ),
        Invalid(
            "def confirm(tok):\n"
            "    import itsdangerous as its\n"
            "    signer = its.TimestampSigner(KEY)\n"
            "    return signer.unsign(tok, max_age=None)  # expect: LLC-PY-012\n"
        ),
        Invalid(
            "from itsdangerous.timed import TimedSerializer\n"
            "s = TimedSerializer(KEY)\n"
            "ok, payload = s.loads_unsafe(tok)  # expect: LLC-PY-012\n"
        ),
    ]

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.doc.is_test_code:  # test code (rules.md 2.3.5): informational only
            self.reports[:] = [replace(r, severity=Severity.INFO) for r in self.reports]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else None
        if name is not None and name not in _METHODS:
            return
        row = issuer_of(self.doc, node, self.META.id)
        if row is None or row.lifetime is None:
            return
        passed, max_age = slot_value(self.doc, node, row.lifetime)
        if max_age is None:
            if passed is not False or row.explicit:
                return  # passed behind *args/**kwargs, or absence is no evidence
        elif not _is_none(self.doc.resolve(max_age, node)):
            return
        called = name or "loads"
        self.report(
            node,
            f"{row.library} {row.issues} checked with `{called}` but no `max_age`: the "
            "timestamp is never checked, so the token never expires.",
            lifetime=Lifetime.never(),
        )


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
