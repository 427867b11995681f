"""JWT libraries: which calls mint a token and where their claims argument sits.

The facts are rows of ``issuers.ISSUERS``; this module reads them into the shapes the claims
lookup needs, so a new JWT library is one row there.
"""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.issuers import (
    APNS_CLAIMS,
    Issuer,
    IssuerDoc,
    issuer_of,
    issuers_of,
)

_ROWS = tuple(row for row in issuers_of("LLC-PY-001") if row.lifetime is not None)

# JWT encode functions and where their claims argument sits: (position, keyword).
JWT_ENCODERS: dict[str, tuple[int, str]] = {
    name: (row.lifetime.position or 0, row.lifetime.keyword)
    for row in _ROWS
    if row.lifetime is not None
    for name in row.calls
}
AUTHLIB_JWT = "authlib.jose.JsonWebToken"


def jwt_issue(doc: IssuerDoc, call: cst.Call) -> tuple[Issuer, cst.BaseExpression] | None:
    """The issuer row of a call that mints a JWT and its claims argument, or None.

    Functions (``jwt.encode``), constructors (jwcrypto ``JWT(claims=...)``) and methods of a
    built encoder (``JsonWebToken(...).encode``, ``PyJWT().encode``) under any alias; claims
    given as ``json.dumps({...})`` are the dict inside.
    """
    row = issuer_of(doc, call, "LLC-PY-001")
    if row is None or row.lifetime is None:
        return None
    slot = row.lifetime
    claims = doc.argument(call, slot.keyword, slot.position)
    if claims is None:
        return None
    value = doc.resolve(claims, call)
    if (
        isinstance(value, cst.Call)
        and "json.dumps" in doc.qualified_names(value.func)
        and value.args
        and value.args[0].keyword is None
    ):
        claims = value.args[0].value
    return row, claims


def is_apns_token(doc: IssuerDoc, call: cst.Call, claims: cst.BaseExpression) -> bool:
    """An APNs provider token: only ``iss`` and ``iat``, ES256, a ``kid`` header.

    Such a token has no ``exp`` by design; Apple rejects one whose ``iat`` is over an hour old.
    """
    keys = doc.dict_keys(claims, call)
    if keys is None or keys != APNS_CLAIMS:
        return False
    algorithm = doc.argument(call, "algorithm", 2)
    resolved = doc.resolve(algorithm, call) if algorithm is not None else None
    if not isinstance(resolved, cst.SimpleString) or resolved.evaluated_value != "ES256":
        return False
    headers = doc.argument(call, "headers")
    return headers is not None and "kid" in (doc.dict_keys(headers, call) or ())


def sets_exp_elsewhere(doc: IssuerDoc, row: Issuer, call: cst.Call) -> bool | None:
    """Whether an argument other than the claims sets ``exp`` (python_jwt ``lifetime=``).

    None when a ``*args``/``**kwargs`` could; an argument passed as ``None`` sets nothing.
    """
    unsure = False
    for slot in row.also:
        value = doc.argument(call, slot.keyword, slot.position)
        if value is not None:
            resolved = doc.resolve(value, call)
            if not (isinstance(resolved, cst.Name) and resolved.value == "None"):
                return True
            continue
        if doc.has_argument(call, slot.keyword, slot.position) is None:
            unsure = True
    return None if unsure else False
