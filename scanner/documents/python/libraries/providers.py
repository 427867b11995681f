"""Identity-provider SDKs whose mint call needs more than one argument looked at."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.clients import classes_of, is_class
from scanner.documents.python.libraries.model import Sink, SinkKind, constructor, receiver_of
from scanner.documents.python.syntax import call_argument
from scanner.documents.python.view import DocumentView

_KEYCLOAK = classes_of("keycloak.KeycloakOpenID")


def keycloak_token_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """python-keycloak ``KeycloakOpenID(...).token(user, password)`` (a password grant), or
    ``token(grant_type="client_credentials")`` on a client built with ``client_secret_key``."""
    ctor = constructor(doc, receiver_of(call), call)
    if ctor is None or not is_class(doc, ctor, _KEYCLOAK):
        return None
    password = call_argument(call, 1, "password")
    if password is not None and not (
        isinstance(password, cst.SimpleString) and password.raw_value == ""
    ):
        return Sink(call, SinkKind.PASSWORD, password, call)
    grant = call_argument(call, None, "grant_type")
    grants = doc.strings(grant, call) if grant is not None else []
    if "client_credentials" in grants:
        secret = call_argument(ctor, None, "client_secret_key")
        if secret is not None:
            return Sink(call, SinkKind.CLIENT_SECRET, secret, ctor)
    return None
