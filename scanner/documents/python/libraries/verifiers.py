"""The ``VERIFIERS`` table: JWT decode calls, and what turns their expiry check off.

One row per library API that accepts a JWT: the functions (qualified names) or the methods on
an object its classes build, where the options dict goes, which option keys and which keyword
flags turn verification off when False, the leeway keyword, and where the key goes (a decode
without a key reads claims, it does not accept a token). ``check="validate"`` rows (authlib)
verify nothing in ``decode``: the claims must be validated afterwards. LLC-PY-003 reads the
table; each row has an INVALID and a VALID example in ``tests/test_python_registries.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: ``Verifier.check``: options and flags on the call, or a ``claims.validate()`` afterwards.
OPTIONS, VALIDATE = "options", "validate"


@dataclass(frozen=True, slots=True)
class Verifier:
    """One JWT-accepting API and the arguments that decide whether it checks ``exp``."""

    key: str
    library: str
    check: str = OPTIONS
    calls: frozenset[str] = frozenset()  # qualified names of the decode function
    methods: frozenset[str] = frozenset()  # methods on an object built by ``receivers``
    receivers: frozenset[str] = frozenset()
    gate: str = ""  # the module a file must import for the method form
    options: tuple[str, int | None] | None = None  # the options dict argument
    off: tuple[str, ...] = ()  # option keys that turn the check off when False (first wins)
    flags: tuple[str, ...] = ()  # keywords that turn every check off when False
    leeway: str = ""  # keyword of a grace period after ``exp``
    key_param: tuple[str, int | None] = ("key", 1)
    source: str = ""


_PYJWT_OFF = ("verify_signature", "verify_exp")
_PYJWT = "https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode"

VERIFIERS: tuple[Verifier, ...] = (
    Verifier(
        "pyjwt", "PyJWT",
        calls=frozenset({"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode",
                         "jwt.api_jwt.decode_complete"}),
        options=("options", 3), off=_PYJWT_OFF, flags=("verify",), leeway="leeway",
        source=_PYJWT,
    ),
    Verifier(
        "pyjwt.PyJWT", "PyJWT",
        methods=frozenset({"decode", "decode_complete"}),
        receivers=frozenset({"jwt.PyJWT", "jwt.api_jwt.PyJWT"}), gate="jwt",
        options=("options", 3), off=_PYJWT_OFF, flags=("verify",), leeway="leeway",
        source=_PYJWT,
    ),
    Verifier(
        "python-jose", "python-jose",
        calls=frozenset({"jose.jwt.decode"}),
        options=("options", 3), off=_PYJWT_OFF, flags=("verify",), leeway="leeway",
        source="https://python-jose.readthedocs.io/en/latest/jwt/api.html",
    ),
    Verifier(
        "jwcrypto", "jwcrypto",
        calls=frozenset({"jwcrypto.jwt.JWT"}), flags=("check_claims",), key_param=("key", 3),
        source="https://jwcrypto.readthedocs.io/en/latest/jwt.html",
    ),
    Verifier(
        "authlib", "authlib", check=VALIDATE,
        calls=frozenset({"authlib.jose.jwt.decode"}),
        source="https://docs.authlib.org/en/latest/jose/jwt.html",
    ),
    Verifier(
        "authlib.JsonWebToken", "authlib", check=VALIDATE,
        methods=frozenset({"decode"}), receivers=frozenset({"authlib.jose.JsonWebToken"}),
        gate="authlib", source="https://docs.authlib.org/en/latest/jose/jwt.html",
    ),
)
