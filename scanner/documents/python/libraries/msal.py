"""MSAL: refresh-token redemption and confidential clients holding a secret or key."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind, constructor, receiver_of
from scanner.documents.python.syntax import call_argument
from scanner.documents.python.view import DocumentView

CONFIDENTIAL_CLIENTS = frozenset(
    {"msal.ConfidentialClientApplication", "msal.application.ConfidentialClientApplication"}
)


def refresh_token_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``app.acquire_token_by_refresh_token(rt, scopes)``: a stored Microsoft refresh token."""
    return Sink(call, SinkKind.MSAL_REFRESH, call_argument(call, 0, "refresh_token"), call)


def client_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``acquire_token_for_client`` on an app holding a secret or a certificate key."""
    receiver = receiver_of(call)
    ctor = constructor(doc, receiver, call)
    if ctor is None or not doc.qualified_names(ctor.func) & CONFIDENTIAL_CLIENTS:
        return None
    credential = call_argument(ctor, 1, "client_credential")
    if credential is None:
        return None
    keys = doc.dict_keys(credential, ctor)
    if keys is not None:
        if "client_assertion" in keys or "private_key" not in keys:
            return None
        key = doc.dict_value(credential, "private_key", ctor)
        return Sink(call, SinkKind.MSAL_CLIENT, key, ctor)
    return Sink(call, SinkKind.MSAL_CLIENT, credential, ctor)


def username_password_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``app.acquire_token_by_username_password(user, password, scopes)``: ROPC with a
    person's password kept by a machine."""
    ctor = constructor(doc, receiver_of(call), call)
    if ctor is not None:
        if not any(n.startswith("msal.") for n in doc.qualified_names(ctor.func)):
            return None
    elif not doc.imports_from("msal"):
        return None
    password = call_argument(call, 1, "password")
    return Sink(call, SinkKind.PASSWORD, password, call) if password is not None else None
