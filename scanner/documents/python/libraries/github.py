"""GitHub App installation tokens, minted from the App's private key."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind, constructor, receiver_of
from scanner.documents.python.syntax import call_argument, string_value
from scanner.documents.python.view import DocumentView

#: PyJWT's encoders, with which an App signs its RS256 JWT.
_APP_JWT = frozenset({"jwt.encode", "jwt.api_jwt.encode"})
_INTEGRATION = frozenset({"github.GithubIntegration"})


_ASYMMETRIC = ("RS", "ES", "PS")


def signing_key(
    doc: DocumentView, call: cst.Call
) -> tuple[cst.BaseExpression | None, cst.Call] | None:
    """The private key of an asymmetric ``jwt.encode`` near ``call`` (its function, and the
    functions it calls): an App JWT or an RFC 7523 assertion signed with a stored key."""
    scope: cst.CSTNode = doc.enclosing_function(call) or doc.module
    for other in doc.reachable_calls(scope, depth=1):
        if not doc.qualified_names(other.func) & _APP_JWT:
            continue
        algorithm = call_argument(other, 2, "algorithm")
        name = string_value(doc.resolve(algorithm, other)) if algorithm is not None else None
        if name is not None and name.startswith(_ASYMMETRIC):
            return call_argument(other, 1, "key"), other
    return None


def app_token_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """POST to ``/app/installations/{id}/access_tokens`` with an RS256 App JWT."""
    url = call_argument(call, 0, "url")
    if url is None:
        return None
    text = "".join(doc.strings(url, call))
    if "/access_tokens" not in text or "installations" not in text:
        return None
    signed = signing_key(doc, call)
    if signed is None:
        return None
    return Sink(call, SinkKind.GITHUB_APP, signed[0], signed[1])


_APP_AUTH = frozenset({"github.Auth.AppAuth", "github.Auth.AppAuth.AppAuth"})


def _app_auth_key(
    doc: DocumentView, expr: cst.BaseExpression | None, at: cst.CSTNode
) -> tuple[cst.BaseExpression, cst.Call] | None:
    """The private key of a PyGithub ``Auth.AppAuth(app_id, private_key)`` behind ``expr``."""
    if expr is None:
        return None
    auth = constructor(doc, expr, at)
    if auth is None or not any(n.endswith("Auth.AppAuth") for n in doc.qualified_names(auth.func)):
        return None
    key = call_argument(auth, 1, "private_key")
    return (key, auth) if key is not None else None


def integration_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """PyGithub ``GithubIntegration(app_id, private_key).get_access_token(...)``, or with
    ``auth=Auth.AppAuth(app_id, private_key)``."""
    ctor = constructor(doc, receiver_of(call), call)
    if ctor is not None and doc.qualified_names(ctor.func) & _INTEGRATION:
        via_auth = _app_auth_key(doc, call_argument(ctor, None, "auth"), ctor)
        if via_auth is not None:
            return Sink(call, SinkKind.GITHUB_APP, via_auth[0], via_auth[1])
        key = call_argument(ctor, 1, "private_key")
        return Sink(call, SinkKind.GITHUB_APP, key, ctor) if key is not None else None
    return None


def installation_auth_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """PyGithub ``Auth.AppAuth(app_id, key).get_installation_auth(installation_id)``: an auth
    that mints installation tokens from the App key whenever the last one expires."""
    found = _app_auth_key(doc, receiver_of(call), call)
    return Sink(call, SinkKind.GITHUB_APP, found[0], found[1]) if found is not None else None


def githubkit_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """githubkit ``GitHub(AppAuthStrategy(app_id, key)).rest.apps
    .create_installation_access_token(id)``."""
    base = receiver_of(call)
    while isinstance(base, cst.Attribute):
        base = base.value
    client = constructor(doc, base, call)
    if client is None or not any(
        n.startswith("githubkit.") for n in doc.qualified_names(client.func)
    ):
        return None
    strategy_expr = call_argument(client, 0, "auth")
    strategy = constructor(doc, strategy_expr, client) if strategy_expr is not None else None
    if strategy is None or not any(
        n.startswith("githubkit.")
        and n.endswith(("AppAuthStrategy", "AppInstallationAuthStrategy"))
        for n in doc.qualified_names(strategy.func)
    ):
        return None
    key = call_argument(strategy, 1, "private_key")
    return Sink(call, SinkKind.GITHUB_APP, key, strategy) if key is not None else None
