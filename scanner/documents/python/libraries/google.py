"""google-auth: a stored user refresh token, or a service-account key, redeemed by ``refresh()``."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind, constructor, receiver_of
from scanner.documents.python.sources import CredentialClass, CredentialSource
from scanner.documents.python.syntax import call_argument
from scanner.documents.python.view import DocumentView

#: google-auth's user credentials, which hold a refresh token: FS-002 and FS-005.
GOOGLE_USER_CREDENTIALS = "google.oauth2.credentials.Credentials"
#: A service-account key's factories: each ``refresh()`` signs a JWT with the stored key.
SERVICE_ACCOUNT_FACTORIES = frozenset(
    {
        "google.oauth2.service_account.Credentials.from_service_account_file",
        "google.oauth2.service_account.Credentials.from_service_account_info",
    }
)


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


def service_account_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``service_account.Credentials.from_service_account_file(path).refresh(request)``: a
    service-account key, which never expires unless rotated, minting one-hour tokens."""
    ctor = constructor(doc, receiver_of(call), call)
    if ctor is None:
        return None
    names = doc.qualified_names(ctor.func)
    if not names & SERVICE_ACCOUNT_FACTORIES:
        return None
    arg = call_argument(ctor, 0, "filename") or call_argument(ctor, 0, "info")
    if arg is None:
        return None
    if any(n.endswith("_file") for n in names):
        source = doc.credential_source(arg, ctor)
        if source.kind in (CredentialClass.LITERAL, CredentialClass.STATIC_CONFIG):
            what = f"`{source.value}`" if source.value else f"named by {source.description}"
            fixed = CredentialSource(
                CredentialClass.STATIC_CONFIG, ctor, f"the service-account key file {what}"
            )
            return Sink(call, SinkKind.GOOGLE_SA_KEY, None, ctor, fixed)
        return None
    return Sink(call, SinkKind.GOOGLE_SA_KEY, arg, ctor)


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
