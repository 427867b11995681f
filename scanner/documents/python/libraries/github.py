"""GitHub App installation tokens, minted from the App's private key."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind, constructor, receiver_of
from scanner.documents.python.syntax import call_argument, string_value
from scanner.documents.python.view import DocumentView

#: PyJWT's encoders, with which an App signs its RS256 JWT.
_APP_JWT = frozenset({"jwt.encode", "jwt.api_jwt.encode"})
_INTEGRATION = frozenset({"github.GithubIntegration"})


def app_token_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """POST to ``/app/installations/{id}/access_tokens`` with an RS256 App JWT."""
    url = call_argument(call, 0, "url")
    if url is None:
        return None
    text = "".join(doc.strings(url, call))
    if "/access_tokens" not in text or "installations" not in text:
        return None
    scope: cst.CSTNode = doc.enclosing_function(call) or doc.module
    for other in doc.reachable_calls(scope, depth=1):
        if not doc.qualified_names(other.func) & _APP_JWT:
            continue
        algorithm = call_argument(other, 2, "algorithm")
        if algorithm is not None and string_value(doc.resolve(algorithm, other)) == "RS256":
            return Sink(call, SinkKind.GITHUB_APP, call_argument(other, 1, "key"), other)
    return None


def integration_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """PyGithub ``GithubIntegration(app_id, private_key).get_access_token(...)``."""
    ctor = constructor(doc, receiver_of(call), call)
    if ctor is not None and doc.qualified_names(ctor.func) & _INTEGRATION:
        key = call_argument(ctor, 1, "private_key")
        return Sink(call, SinkKind.GITHUB_APP, key, ctor)
    return None
