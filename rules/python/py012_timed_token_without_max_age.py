"""LLC-PY-012: itsdangerous timed tokens verified without ``max_age``."""

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

_TIMED = frozenset(
    {
        "itsdangerous.URLSafeTimedSerializer",
        "itsdangerous.TimedSerializer",
        "itsdangerous.TimestampSigner",
        "itsdangerous.url_safe.URLSafeTimedSerializer",
        "itsdangerous.timed.TimedSerializer",
        "itsdangerous.timed.TimestampSigner",
    }
)
#: Verifying methods; ``max_age`` is their second parameter.
_METHODS = frozenset({"loads", "unsign", "validate", "loads_unsafe"})


class TimedTokenWithoutMaxAge(PythonRule):
    """## What it does
    Flags `.loads(...)`, `.unsign(...)`, `.validate(...)` and `.loads_unsafe(...)` on an
    itsdangerous `URLSafeTimedSerializer`, `TimedSerializer` or `TimestampSigner` (built in
    place or bound to a name, under any import alias) called without `max_age`, or with
    `max_age=None`. A `max_age` that cannot be resolved, or an object whose class cannot be
    told, is left alone.

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
        triggers=("itsdangerous",),
    )

    VALID = [
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
            "import itsdangerous\n"
            "def check(serializer, tok):\n"
            "    return serializer.loads(tok)\n"
        ),
    ]
    INVALID = [
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

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _METHODS:
            return
        if not self.doc.imports_from("itsdangerous"):
            return
        if self.doc.constructed_by(func.value, _TIMED, node) is None:
            return
        max_age = self.doc.argument(node, "max_age", 1)
        if max_age is None:
            if self.doc.has_argument(node, "max_age", 1) is not False:
                return  # passed, but hidden behind *args/**kwargs
        elif not _is_none(self.doc.resolve(max_age, node)):
            return
        self.report(
            node,
            f"Timed token checked with `{func.attr.value}` but no `max_age`: its timestamp is "
            "never checked, so the token never expires.",
            lifetime=Lifetime.never(),
        )


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"
