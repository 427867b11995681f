"""hvac (HashiCorp Vault): clients, token renewal and the logins that hand out a token.

Shared by PY-009 (tokens created without an end) and FS-007 (a renew loop on a stored token).
"""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import (
    Sink,
    SinkFinder,
    SinkKind,
    constructor,
    receiver_of,
)
from scanner.documents.python.sources import CredentialClass, CredentialSource
from scanner.documents.python.syntax import call_argument, dotted_name
from scanner.documents.python.view import DocumentView

#: The hvac client (``hvac.Client`` re-exports ``hvac.v1.Client``): PY-009 and FS-007 both use it.
HVAC_CLIENTS = frozenset({"hvac.Client", "hvac.v1.Client"})

_PLATFORM_AUTH = frozenset(
    {"kubernetes", "jwt", "oidc", "aws", "iam", "gcp", "azure", "cert", "alicloud"}
)

_PASSWORD_AUTH = frozenset({"userpass", "ldap", "okta", "radius"})


def _vault_client(
    doc: DocumentView, receiver: cst.BaseExpression, at: cst.CSTNode
) -> tuple[cst.BaseExpression, cst.Call] | None:
    """Strip ``.auth.token``/``.auth.approle`` off a receiver; the hvac client behind it."""
    base = receiver
    while isinstance(base, cst.Attribute) and base.attr.value in (
        "token",
        "auth",
        "approle",
        "userpass",
        "ldap",
        "okta",
        "radius",
    ):
        base = base.value
    ctor = constructor(doc, base, at)
    if ctor is None or not doc.qualified_names(ctor.func) & HVAC_CLIENTS:
        return None
    return base, ctor


def renew_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``client.auth.token.renew_self()`` and friends; a bare ``renew`` only on ``auth.token``."""
    receiver = receiver_of(call)
    if method == "renew" and not (dotted_name(receiver) or "").endswith("auth.token"):
        return None
    found = _vault_client(doc, receiver, call)
    if found is None:
        return None
    base, ctor = found
    token = call_argument(ctor, 1, "token")
    if token is not None:
        return Sink(call, SinkKind.VAULT_RENEW, token, ctor)
    if isinstance(base, cst.Name):
        writes = doc.attribute_writes(base.value, "token", call)
        if len(writes) == 1:
            return Sink(call, SinkKind.VAULT_RENEW, writes[0], writes[0])
        if writes:
            return None
    login = _logins(doc, base)
    if login is None:
        return None
    if login is _NO_LOGIN:
        fixed = CredentialSource(
            CredentialClass.STATIC_CONFIG,
            ctor,
            "the `VAULT_TOKEN` environment variable, which hvac reads by default",
        )
        return Sink(call, SinkKind.VAULT_RENEW, None, ctor, fixed)
    via = "a login whose secret comes from "
    return Sink(call, SinkKind.VAULT_RENEW, login[0], login[1], via=via)


_NO_LOGIN: tuple[cst.BaseExpression, cst.CSTNode] = (cst.Name("None"), cst.Name("None"))


def _logins(
    doc: DocumentView, base: cst.BaseExpression
) -> tuple[cst.BaseExpression, cst.CSTNode] | None:
    """How a client without a ``token=`` got its token: a platform login (None: federated),
    a login with a stored secret (that secret), or no login at all (``_NO_LOGIN``: hvac then
    reads ``VAULT_TOKEN``)."""
    prefix = dotted_name(base)
    if prefix is None:
        return None
    secrets: list[tuple[cst.BaseExpression, cst.CSTNode]] = []
    for call in doc.calls():
        name = dotted_name(call.func) or ""
        if not name.startswith(prefix + ".auth"):
            continue
        rest = name[len(prefix) + len(".auth") :].lstrip("._").split(".")
        method = rest[0] if rest else ""
        if method == "token":
            continue  # token operations (renew, lookup), not a login
        if method in _PLATFORM_AUTH or method == "login":
            return None
        if method == "approle":
            secret = call_argument(call, 1, "secret_id")
        elif method in _PASSWORD_AUTH:
            secret = call_argument(call, 1, "password")
        else:
            return None
        if secret is None:
            return None
        secrets.append((secret, call))
    if not secrets:
        return _NO_LOGIN
    return secrets[0] if len(secrets) == 1 else None


def login_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``client.auth.approle.login(role_id, secret_id)`` and the userpass-like logins."""
    receiver = receiver_of(call)
    if method == "login":
        if not isinstance(receiver, cst.Attribute):
            return None
        auth = receiver.attr.value
    elif method is not None:
        auth = method[len("auth_") :]  # auth_approle, auth_userpass
    else:
        return None
    found = _vault_client(doc, receiver, call)
    if found is None:
        return None
    if auth == "approle":
        return Sink(call, SinkKind.VAULT_LOGIN, call_argument(call, 1, "secret_id"), call)
    if auth in _PASSWORD_AUTH:
        return Sink(call, SinkKind.VAULT_LOGIN, call_argument(call, 1, "password"), call)
    return None


def login_sink_of(*auths: str) -> SinkFinder:
    """``login_sink`` for some auth methods only (one ``SINKS`` row each)."""

    def find(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
        receiver = receiver_of(call)
        if method == "login":
            auth = receiver.attr.value if isinstance(receiver, cst.Attribute) else ""
        else:
            auth = (method or "")[len("auth_") :]
        if auth not in auths:
            return None
        return login_sink(doc, call, method)

    return find
