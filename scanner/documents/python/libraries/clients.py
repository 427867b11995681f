"""Sink finders for SDK clients that hold a root credential: one factory, many rows.

Most identity SDKs take the long-lived credential in a constructor (``GetToken(domain, id,
client_secret=...)``) or in the minting call (``refresh_token(rt)``); ``client_sink`` builds the
finder of such a row from the classes, the argument and the kind, so a new SDK is one row in
``sinks.SINKS`` and no new code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import libcst as cst

from scanner.documents.python.libraries.model import (
    Sink,
    SinkFinder,
    SinkKind,
    constructor,
    receiver_of,
)
from scanner.documents.python.sources import CredentialClass, CredentialSource
from scanner.documents.python.syntax import call_argument
from scanner.documents.python.view import DocumentView

#: Where a row's credential is: an argument of the receiver's constructor, of the minting call
#: itself, or (a constructor row, the call *is* the client) of the call.
Where = Literal["ctor", "call", "self"]


def is_class(doc: DocumentView, call: cst.Call, classes: frozenset[tuple[str, str]]) -> bool:
    """``call`` builds one of ``classes``: (package, class) pairs, matched on the qualified
    name's first segment and last one, so re-exports (``auth0.authentication.GetToken`` and
    ``auth0.authentication.get_token.GetToken``) both count."""
    for name in doc.qualified_names(call.func):
        head, _, _ = name.partition(".")
        last = name.rsplit(".", 1)[-1]
        if (head, last) in classes:
            return True
    return False


def classes_of(*names: str) -> frozenset[tuple[str, str]]:
    """``"auth0.GetToken"`` -> ``("auth0", "GetToken")``."""
    out = set()
    for name in names:
        head, _, _ = name.partition(".")
        out.add((head, name.rsplit(".", 1)[-1]))
    return frozenset(out)


def client_sink(
    classes: Iterable[str],
    kind: SinkKind,
    where: Where,
    arguments: tuple[tuple[int | None, str | None], ...],
    *,
    unless: tuple[str, ...] = (),
    file: str = "",
) -> SinkFinder:
    """The finder of a row whose client is one of ``classes``; the credential is the first of
    ``arguments`` (position, keyword) present at ``where``. A keyword of ``unless`` on the
    client (``client_assertion``, ``client_assertion_signing_key``) means a signed assertion
    or a federated source, not a stored secret: no sink. With ``file`` (what the file holds),
    the argument is a path, and the credential is the file it names."""
    wanted = classes_of(*classes)

    def find(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
        if where == "self":
            ctor: cst.Call | None = call
        else:
            ctor = constructor(doc, receiver_of(call), call)
        if ctor is None or not is_class(doc, ctor, wanted):
            return None
        if any(call_argument(ctor, None, k) is not None for k in unless):
            return None
        holder = call if where == "call" else ctor
        for position, keyword in arguments:
            credential = call_argument(holder, position, keyword)
            if credential is None or _is_none(credential):
                continue
            if file and keyword is not None and keyword.endswith("_path"):
                fixed = _stored_file(doc, credential, holder, file)
                return Sink(call, kind, None, holder, fixed) if fixed is not None else None
            return Sink(call, kind, credential, holder)
        return None

    return find


def _stored_file(
    doc: DocumentView, path: cst.BaseExpression, at: cst.CSTNode, holds: str
) -> CredentialSource | None:
    """A key file named by a literal or by configuration is stored; a path from elsewhere
    (a parameter, a projected volume the caller names) is not known to be."""
    source = doc.credential_source(path, at)
    if source.kind is CredentialClass.LITERAL:
        return CredentialSource(CredentialClass.STATIC_CONFIG, at, f"the {holds} `{source.value}`")
    if source.kind is CredentialClass.STATIC_CONFIG:
        where = f"the {holds} named by {source.description}"
        return CredentialSource(CredentialClass.STATIC_CONFIG, at, where)
    return None


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"
