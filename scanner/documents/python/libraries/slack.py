"""Slack token rotation: ``oauth.v2.access`` with a refresh grant, ``tooling.tokens.rotate``."""

from __future__ import annotations

import libcst as cst

from scanner.documents.python.libraries.model import Sink, SinkKind
from scanner.documents.python.syntax import call_argument, string_value
from scanner.documents.python.view import DocumentView


def oauth_v2_access_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``client.oauth_v2_access(grant_type="refresh_token", refresh_token=...)``."""
    grant_type = call_argument(call, None, "grant_type")
    if grant_type is not None and string_value(doc.resolve(grant_type)) == "refresh_token":
        refresh = call_argument(call, None, "refresh_token")
        return Sink(call, SinkKind.SLACK_REFRESH, refresh, call)
    return None


def tokens_rotate_sink(doc: DocumentView, call: cst.Call, method: str | None) -> Sink | None:
    """``client.tooling_tokens_rotate(refresh_token=...)``: a configuration refresh token."""
    return Sink(call, SinkKind.SLACK_REFRESH, call_argument(call, None, "refresh_token"), call)
