"""google-auth user credentials: a stored user refresh token redeemed by ``refresh()``."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind, constructor, receiver_of
from scanner.documents.python.sources import CredentialClass, CredentialSource
from scanner.documents.python.syntax import call_argument
from scanner.documents.python.view import DocumentView

#: google-auth's user credentials, which hold a refresh token: FS-002 and FS-005.
GOOGLE_USER_CREDENTIALS = "google.oauth2.credentials.Credentials"


def refresh_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    receiver = receiver_of(call)
    ctor = constructor(doc, receiver, call)
    if ctor is None:
        return None
    names = doc.qualified_names(ctor.func)
    if GOOGLE_USER_CREDENTIALS in names:
        refresh = call_argument(ctor, 1, "refresh_token")
        return Sink(call, SinkKind.GOOGLE_REFRESH, refresh, ctor) if refresh is not None else None
    if GOOGLE_USER_CREDENTIALS + ".from_authorized_user_info" in names:
        info = call_argument(ctor, 0, "info")
        if info is None:
            return None
        inner = doc.dict_value(info, "refresh_token", ctor)
        return Sink(call, SinkKind.GOOGLE_REFRESH, inner if inner is not None else info, ctor)
    if GOOGLE_USER_CREDENTIALS + ".from_authorized_user_file" in names:
        fixed = authorized_user_file(doc, ctor)
        return Sink(call, SinkKind.GOOGLE_REFRESH, None, ctor, fixed) if fixed else None
    return None


def authorized_user_file(doc: DocumentView, ctor: cst.Call) -> CredentialSource | None:
    """``Credentials.from_authorized_user_file(path)``: the file holds the refresh token."""
    path = call_argument(ctor, 0, "filename")
    if path is None:
        return None
    source = doc.credential_source(path, ctor)
    if source.kind is CredentialClass.LITERAL:
        where = f"the authorized-user file `{source.value}`"
        return CredentialSource(CredentialClass.STATIC_CONFIG, ctor, where)
    if source.kind is CredentialClass.STATIC_CONFIG:
        where = f"the authorized-user file named by {source.description}"
        return CredentialSource(CredentialClass.STATIC_CONFIG, ctor, where)
    return None
