"""boto3 STS: which calls mint sessions, and which need an IAM user's long-term key.

Shared by PY-008 (session length, IAM-user calls) and the fake-session analysis (a keep-alive
that re-mints STS sessions from an explicit key).
"""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind, constructor, receiver_of
from scanner.documents.python.syntax import call_argument, string_value
from scanner.documents.python.view import DocumentView

#: ``AssumeRole*``: a role session, as long as ``DurationSeconds`` asks.
STS_ASSUME_METHODS = frozenset(
    {"assume_role", "assume_role_with_web_identity", "assume_role_with_saml"}
)
#: Calls that only work with an IAM user's long-term access key.
STS_USER_KEY_METHODS = frozenset({"get_session_token", "get_federation_token"})
#: Client factories; aioboto3's session client is the async twin of boto3's.
BOTO3_CLIENT_FACTORIES = frozenset({"boto3.client", "boto3.session.Session.client"})
AIOBOTO3_CLIENT_FACTORIES = frozenset({"aioboto3.Session.client"})
BOTO3_SESSIONS = frozenset({"boto3.Session", "boto3.session.Session"})


def sts_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """STS on a client built from explicit (IAM user) keys; the default chain is fine."""
    receiver = receiver_of(call)
    ctor = constructor(doc, receiver, call)
    if ctor is None:
        return None
    names = doc.qualified_names(ctor.func)
    keyed = ctor
    if not names & BOTO3_CLIENT_FACTORIES:
        if not (isinstance(ctor.func, cst.Attribute) and ctor.func.attr.value == "client"):
            return None
        session = constructor(doc, ctor.func.value, ctor)
        if session is None or not doc.qualified_names(session.func) & {
            "boto3.Session",
            "boto3.session.Session",
        }:
            return None
        keyed = session
    service = call_argument(ctor, 0, "service_name")
    if service is None or string_value(doc.resolve(service, ctor)) != "sts":
        return None
    secret = call_argument(keyed, None, "aws_secret_access_key")
    return Sink(call, SinkKind.STS_KEY, secret, keyed) if secret is not None else None
