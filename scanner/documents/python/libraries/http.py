"""OAuth grants POSTed by hand: requests, httpx and urllib with a ``grant_type`` body."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries import github
from scanner.documents.python.libraries.model import Sink, SinkKind
from scanner.documents.python.syntax import call_argument, string_value
from scanner.documents.python.view import DocumentView

_GRANT_KINDS = {
    "refresh_token": (SinkKind.REFRESH_GRANT, "refresh_token"),
    "client_credentials": (SinkKind.CLIENT_SECRET, "client_secret"),
    "password": (SinkKind.PASSWORD, "password"),
}

_PAYLOAD_KEYWORDS = ("data", "json", "body", "fields", "content", "params")


_HTTP_FUNCTIONS = frozenset(
    {"requests.post", "requests.request", "httpx.post", "httpx.request", "requests.api.post"}
)


def method_of(doc: DocumentView, call: cst.Call) -> str | None:
    """The called method's name; for ``from requests import post``, the HTTP verb imported."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    names = doc.qualified_names(func)
    if names & _HTTP_FUNCTIONS:
        return "post" if any(n.endswith(".post") for n in names) else "request"
    return None


def unwrap_payload(
    doc: DocumentView, expr: cst.BaseExpression, at: cst.CSTNode
) -> cst.BaseExpression:
    """``urlencode({...}).encode()``, ``json.dumps(payload)``: the dict inside."""
    for _ in range(6):
        if isinstance(expr, cst.Name):
            resolved = doc.resolve(expr, at)
            if resolved is expr or not isinstance(resolved, cst.Call):
                break
            expr = resolved
        if not isinstance(expr, cst.Call):
            break
        if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "encode":
            expr = expr.func.value
            continue
        names = doc.qualified_names(expr.func)
        if names & {"urllib.parse.urlencode", "json.dumps"} and expr.args:
            expr = expr.args[0].value
            continue
        break
    return expr


def grant_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """An HTTP POST whose form or JSON body names an OAuth grant (refresh, client, password)."""
    names = doc.qualified_names(call.func)
    is_urllib = bool(names & {"urllib.request.Request", "urllib.request.urlopen"})
    if method not in ("post", "request") and not is_urllib:
        return None
    payloads = [call_argument(call, None, k) for k in _PAYLOAD_KEYWORDS]
    if method == "post" or is_urllib:
        payloads.append(call_argument(call, 1, None))
    for payload in payloads:
        if payload is None:
            continue
        body = unwrap_payload(doc, payload, call)
        grant = doc.dict_value(body, "grant_type", call)
        if grant is None:
            continue
        grant_type = string_value(doc.resolve(grant, call))
        if grant_type not in _GRANT_KINDS:
            return None
        kind, key = _GRANT_KINDS[grant_type]
        keys = doc.dict_keys(body, call) or frozenset()
        if "client_assertion" in keys:
            return None  # private-key JWT or a federated assertion, not a stored secret
        credential = doc.dict_value(body, key, call)
        if credential is None and kind is SinkKind.CLIENT_SECRET:
            credential = basic_auth_secret(doc, call)
        return Sink(call, kind, credential, call)
    if method == "post":
        return github.app_token_sink(doc, call, method)
    return None


def basic_auth_secret(doc: DocumentView, call: cst.Call) -> cst.BaseExpression | None:
    auth = call_argument(call, None, "auth")
    if auth is None:
        return None
    auth = doc.resolve(auth, call)
    if isinstance(auth, cst.Tuple) and len(auth.elements) == 2:
        return auth.elements[1].value
    if isinstance(auth, cst.Call) and any(
        n.endswith("BasicAuth") for n in doc.qualified_names(auth.func)
    ):
        return call_argument(auth, 1, "password")
    return None
