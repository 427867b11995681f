"""requests-oauthlib and authlib sessions: ``refresh_token()`` and ``fetch_token()`` grants."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import (
    Sink,
    SinkFinder,
    SinkKind,
    constructor,
    receiver_of,
)
from scanner.documents.python.syntax import call_argument, string_value
from scanner.documents.python.view import DocumentView

#: Session classes of authlib (and requests-oauthlib's OAuth2Session): FS-001 and FS-004.
OAUTH_SESSION_CLASSES = ("OAuth2Session", "OAuth2Client", "AsyncOAuth2Client")


def _is_oauth_session(doc: DocumentView, ctor: cst.Call) -> bool:
    return any(
        (n.startswith(("requests_oauthlib.", "authlib.")) and n.endswith(OAUTH_SESSION_CLASSES))
        for n in doc.qualified_names(ctor.func)
    )


def _imports_oauth(doc: DocumentView) -> bool:
    return doc.imports_from("requests_oauthlib", "authlib")


def session_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """requests-oauthlib / authlib ``refresh_token(url, refresh_token=...)``, ``fetch_token``."""
    receiver = receiver_of(call)
    ctor = constructor(doc, receiver, call)
    if ctor is not None and not _is_oauth_session(doc, ctor):
        return None
    if ctor is None and not _imports_oauth(doc):
        return None
    if method == "refresh_token":
        explicit = call_argument(call, 1, "refresh_token")
        if explicit is not None:
            return Sink(call, SinkKind.OAUTH_REFRESH, explicit, call)
        return _seeded_refresh(doc, call, ctor)
    if call_argument(call, None, "code") or call_argument(call, None, "authorization_response"):
        return None  # the interactive authorization-code flow
    grant_type = call_argument(call, None, "grant_type")
    grant = string_value(doc.resolve(grant_type, call)) if grant_type is not None else None
    if grant == "refresh_token":
        explicit = call_argument(call, None, "refresh_token")
        if explicit is not None:
            return Sink(call, SinkKind.OAUTH_REFRESH, explicit, call)
        return _seeded_refresh(doc, call, ctor)
    password = call_argument(call, None, "password")
    if password is not None:
        return Sink(call, SinkKind.PASSWORD, password, call)
    secret = call_argument(call, None, "client_secret")
    if secret is not None:
        return Sink(call, SinkKind.CLIENT_SECRET, secret, call)
    if ctor is not None:
        secret = call_argument(ctor, 1, "client_secret")
        if secret is not None and any(
            n.startswith("authlib.") for n in doc.qualified_names(ctor.func)
        ):
            return Sink(call, SinkKind.CLIENT_SECRET, secret, ctor)
    return None


def _seeded_refresh(doc: DocumentView, call: cst.Call, ctor: cst.Call | None) -> Sink | None:
    """The refresh token of the token dict a session was created with."""
    if ctor is None:
        return None
    token = call_argument(ctor, None, "token")
    if token is None:
        return None
    inner = doc.dict_value(token, "refresh_token", ctor)
    return Sink(call, SinkKind.OAUTH_REFRESH, inner if inner is not None else token, ctor)


def _family_of(doc: DocumentView, call: cst.Call) -> str | None:
    """``requests_oauthlib`` or ``authlib``: whose session ``call`` is made on."""
    ctor = constructor(doc, receiver_of(call), call)
    names = doc.qualified_names(ctor.func) if ctor is not None else frozenset()
    for family in ("requests_oauthlib", "authlib"):
        if any(n.startswith(family + ".") for n in names):
            return family
    if ctor is None:
        if doc.imports_from("authlib") and not doc.imports_from("requests_oauthlib"):
            return "authlib"
        if doc.imports_from("requests_oauthlib"):
            return "requests_oauthlib"
    return None


def session_sink_of(family: str) -> SinkFinder:
    """``session_sink`` for one library's sessions (a row each in ``SINKS``)."""

    def find(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
        if _family_of(doc, call) != family:
            return None
        return session_sink(doc, call, method)

    return find


def ensure_active_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """authlib ``session.ensure_active_token(token)``: refreshes the seeded token's refresh
    token whenever the access token has expired."""
    if _family_of(doc, call) != "authlib":
        return None
    ctor = constructor(doc, receiver_of(call), call)
    explicit = call_argument(call, 0, "token")
    if explicit is not None:
        inner = doc.dict_value(explicit, "refresh_token", call)
        return Sink(call, SinkKind.OAUTH_REFRESH, inner if inner is not None else explicit, call)
    return _seeded_refresh(doc, call, ctor)
