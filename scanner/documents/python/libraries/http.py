"""OAuth grants POSTed by hand: requests, httpx, aiohttp, urllib and urllib3 with a
``grant_type`` body (a dict, a variable, ``json=``, ``data=`` or an urlencoded string), and the
token endpoint the URL names (``endpoints``), which says what is minted and for how long."""

from __future__ import annotations

import re
from dataclasses import replace

import libcst as cst

from scanner.documents.python.libraries import github
from scanner.documents.python.libraries.endpoints import token_endpoint
from scanner.documents.python.libraries.model import Sink, SinkKind
from scanner.documents.python.syntax import call_argument, string_value
from scanner.documents.python.view import DocumentView

_GRANT_KINDS = {
    "refresh_token": (SinkKind.REFRESH_GRANT, "refresh_token"),
    "client_credentials": (SinkKind.CLIENT_SECRET, "client_secret"),
    "password": (SinkKind.PASSWORD, "password"),
    "urn:ietf:params:oauth:grant-type:jwt-bearer": (SinkKind.JWT_BEARER, "assertion"),
}

#: What a grant hands out when the URL names no provider we know.
_DEFAULT_ISSUED = "an OAuth access token"

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
            if resolved is expr:  # a parameter: what its only call site passes, if one
                passed = doc.value_of(expr, at)
                if passed is not expr and isinstance(passed, cst.Dict | cst.Call):
                    expr = passed
                    continue
                break
            if not isinstance(resolved, cst.Call):
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
    """An HTTP POST whose form or JSON body names an OAuth grant (refresh, client, password,
    JWT bearer), graded by the token endpoint its URL names."""
    names = doc.qualified_names(call.func)
    is_urllib = bool(names & {"urllib.request.Request", "urllib.request.urlopen"})
    if method not in ("post", "request") and not is_urllib:
        return None
    # ``doc.argument`` sees into ``**opts`` spreads as well as plain keywords.
    payloads = [doc.argument(call, k) for k in _PAYLOAD_KEYWORDS]
    if method == "post" or is_urllib:
        payloads.append(call_argument(call, 1, None))
    for payload in payloads:
        if payload is None:
            continue
        found = _grant_of(doc, call, payload)
        if found is None:
            continue
        if found is _NOT_A_GRANT:
            return None
        return _graded(doc, call, method, found)
    if method == "post":
        return github.app_token_sink(doc, call, method)
    return None


_NOT_A_GRANT = Sink(cst.Call(cst.Name("_")), SinkKind.PASSWORD, None, cst.Name("_"))


def _grant_of(doc: DocumentView, call: cst.Call, payload: cst.BaseExpression) -> Sink | None:
    """The grant a payload names: None when it names none, ``_NOT_A_GRANT`` when it names one
    that mints from no stored secret (an authorization code, a client assertion)."""
    body = unwrap_payload(doc, payload, call)
    form = _form_string(doc, body, call)
    grant_type: str | None
    fields: dict[str, cst.BaseExpression] = {}
    if form is not None:
        grant_type, fields = form
    else:
        grant = doc.dict_value(body, "grant_type", call)
        if grant is None:
            return None
        grant_type = string_value(doc.resolve(grant, call))
    if grant_type not in _GRANT_KINDS:
        return _NOT_A_GRANT
    kind, key = _GRANT_KINDS[grant_type]
    keys = frozenset(fields) if form is not None else doc.dict_keys(body, call) or frozenset()
    if "client_assertion" in keys:
        return _NOT_A_GRANT  # private-key JWT or a federated assertion, not a stored secret
    credential = fields.get(key) if form is not None else doc.dict_value(body, key, call)
    if kind is SinkKind.JWT_BEARER:
        signed = github.signing_key(doc, call)
        if signed is None:
            return _NOT_A_GRANT
        return Sink(call, kind, signed[0], signed[1])
    if credential is None and kind is SinkKind.CLIENT_SECRET:
        credential = basic_auth_secret(doc, call)
    return Sink(call, kind, credential, call)


def _graded(doc: DocumentView, call: cst.Call, method: str | None, sink: Sink) -> Sink:
    """``sink`` with what it mints: the provider's access token its URL names, if known."""
    url = doc.argument(call, "url", 1 if method == "request" else 0)
    endpoint = token_endpoint(doc.strings(url, call)) if url is not None else None
    if endpoint is None or not endpoint.lifetime:
        return replace(sink, issued=_DEFAULT_ISSUED)
    article = "an" if endpoint.provider[0] in "AEIOUX" else "a"
    issued = f"{article} {endpoint.provider} access token"
    return replace(sink, issued=issued, lifetime=endpoint.lifetime)


def _form_string(
    doc: DocumentView, expr: cst.BaseExpression, at: cst.CSTNode
) -> tuple[str, dict[str, cst.BaseExpression]] | None:
    """An urlencoded body written as a string: ``f"grant_type=refresh_token&refresh_token={rt}"``
    or ``"grant_type=refresh_token&refresh_token=" + rt``. The grant, and the value of each
    field set from an expression."""
    parts: list[str | cst.BaseExpression] = []
    _flatten(doc, at, doc.resolve(expr, at), parts)
    text = "".join(p for p in parts if isinstance(p, str))
    if "grant_type=" not in text:
        return None
    grant = text.split("grant_type=", 1)[1].split("&", 1)[0]
    fields: dict[str, cst.BaseExpression] = {}
    pending = ""
    for part in parts:
        if isinstance(part, str):
            pending = part
            continue
        if pending.endswith("="):
            fields[pending.rsplit("&", 1)[-1].rstrip("=")] = part
        pending = ""
    return grant.replace("%3A", ":").replace("%3a", ":"), fields


def _flatten(
    doc: DocumentView,
    at: cst.CSTNode,
    expr: cst.BaseExpression,
    out: list[str | cst.BaseExpression],
) -> None:
    template = _template(doc, at, expr)
    if template is not None:  # "...&refresh_token={}".format(rt), "...=%s" % rt
        out.extend(template)
        return
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        _flatten(doc, at, expr.left, out)
        _flatten(doc, at, expr.right, out)
    elif isinstance(expr, cst.FormattedString):
        for piece in expr.parts:
            if isinstance(piece, cst.FormattedStringText):
                out.append(piece.value)
            elif isinstance(piece, cst.FormattedStringExpression):
                out.append(piece.expression)
    elif isinstance(expr, cst.ConcatenatedString):
        _flatten(doc, at, expr.left, out)
        _flatten(doc, at, expr.right, out)
    elif isinstance(expr, cst.SimpleString):
        out.append(expr.evaluated_value if isinstance(expr.evaluated_value, str) else "")
    else:
        out.append(expr)


_FORMAT_FIELD = re.compile(r"\{([A-Za-z_0-9]*)(?:![rsa])?(?::[^{}]*)?\}")
_PERCENT_FIELD = re.compile(r"%(?:\(([A-Za-z_0-9]+)\))?[-#0 +]*\d*(?:\.\d+)?[sdr]")


def _template(
    doc: DocumentView, at: cst.CSTNode, expr: cst.BaseExpression
) -> list[str | cst.BaseExpression] | None:
    """A body built with ``str.format`` or ``%``: its text pieces and the expressions that
    fill each field, in order (positional, numbered and named fields alike)."""
    if (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value == "format"
    ):
        text = string_value(doc.resolve(expr.func.value, at))  # BODY.format(rt)
        if text is None:
            return None
        positional = [a.value for a in expr.args if a.keyword is None and not a.star]
        named = {a.keyword.value: a.value for a in expr.args if a.keyword is not None}
        return _fill(text, _FORMAT_FIELD, positional, named)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo):
        text = string_value(doc.resolve(expr.left, at))
        if text is None:
            return None
        right = expr.right
        if isinstance(right, cst.Tuple):
            return _fill(text, _PERCENT_FIELD, [e.value for e in right.elements], {})
        if isinstance(right, cst.Dict):
            named = {
                key: e.value
                for e in right.elements
                if isinstance(e, cst.DictElement) and (key := string_value(e.key)) is not None
            }
            return _fill(text, _PERCENT_FIELD, [], named)
        return _fill(text, _PERCENT_FIELD, [right], {})
    return None


def _fill(
    text: str,
    field: re.Pattern[str],
    positional: list[cst.BaseExpression],
    named: dict[str, cst.BaseExpression],
) -> list[str | cst.BaseExpression]:
    out: list[str | cst.BaseExpression] = []
    pos, auto = 0, 0
    for match in field.finditer(text):
        out.append(text[pos : match.start()])
        key = match.group(1) or ""
        value: cst.BaseExpression | None
        if key.isdigit():
            value = positional[int(key)] if int(key) < len(positional) else None
        elif key:
            value = named.get(key)
        else:
            value = positional[auto] if auto < len(positional) else None
            auto += 1
        out.append(value if value is not None else cst.Name("_"))
        pos = match.end()
    out.append(text[pos:])
    return out


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
