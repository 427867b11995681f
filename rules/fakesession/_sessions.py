"""What the fake-session rules share: refresh sinks (rules.md 2.2 A) and keep-alive chains.

A *sink* turns a credential into fresh tokens. A *keep-alive* is an unbounded loop, a loop
written as recursion, or a scheduling construct (2.2 C) that reaches sinks (2.2 D) whose
credential is stored (2.2 B: literal, static config, rotating chain). The analysis runs once
per file and is shared by every FS rule through a per-document cache; the building blocks
themselves (credential sources, loops, schedules) live in ``PythonDocument``.
"""

from __future__ import annotations

import enum
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from scanner.api import (
    CredentialClass,
    CredentialSource,
    Lifetime,
    PythonDocument,
    PythonRule,
    RuleContext,
    Severity,
    call_argument,
    dotted_name,
    string_value,
)


class SinkKind(enum.Enum):
    """What a sink redeems; ``label`` names the long-lived credential in messages."""

    REFRESH_GRANT = enum.auto()  # HTTP POST grant_type=refresh_token
    OAUTH_REFRESH = enum.auto()  # requests-oauthlib / authlib refresh_token(), fetch_token
    SLACK_REFRESH = enum.auto()
    GOOGLE_REFRESH = enum.auto()
    MSAL_REFRESH = enum.auto()
    CLIENT_SECRET = enum.auto()
    MSAL_CLIENT = enum.auto()
    PASSWORD = enum.auto()
    STS_KEY = enum.auto()
    VAULT_RENEW = enum.auto()
    VAULT_LOGIN = enum.auto()
    GITHUB_APP = enum.auto()

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SinkKind.REFRESH_GRANT: "refresh token",
    SinkKind.OAUTH_REFRESH: "refresh token",
    SinkKind.SLACK_REFRESH: "Slack refresh token",
    SinkKind.GOOGLE_REFRESH: "Google user refresh token",
    SinkKind.MSAL_REFRESH: "Microsoft refresh token",
    SinkKind.CLIENT_SECRET: "client secret",
    SinkKind.MSAL_CLIENT: "client credential",
    SinkKind.PASSWORD: "password",
    SinkKind.STS_KEY: "IAM user access key",
    SinkKind.VAULT_RENEW: "Vault token",
    SinkKind.VAULT_LOGIN: "Vault login secret",
    SinkKind.GITHUB_APP: "GitHub App private key",
}

#: The refresh-token grants of rules.md 2.2 A that FS-001 reports (Google and MSAL have their
#: own rules, FS-005 and FS-006).
FS001_KINDS = frozenset({SinkKind.REFRESH_GRANT, SinkKind.OAUTH_REFRESH, SinkKind.SLACK_REFRESH})

_HIGH = frozenset(
    {
        SinkKind.REFRESH_GRANT,
        SinkKind.OAUTH_REFRESH,
        SinkKind.SLACK_REFRESH,
        SinkKind.GOOGLE_REFRESH,
        SinkKind.MSAL_REFRESH,
        SinkKind.STS_KEY,
        SinkKind.VAULT_RENEW,
    }
)


def severity_of(kinds: set[SinkKind]) -> Severity:
    """rules.md FS-002: high for a refresh token or IAM-user key, medium for a client secret
    or password, low for a private-key JWT."""
    if kinds & _HIGH:
        return Severity.HIGH
    if kinds - {SinkKind.GITHUB_APP}:
        return Severity.MEDIUM
    return Severity.LOW


@dataclass(frozen=True, slots=True)
class Sink:
    """A call that mints tokens from ``expr`` (classified at ``at``), or from ``fixed``."""

    call: cst.Call
    kind: SinkKind
    expr: cst.BaseExpression | None
    at: cst.CSTNode
    fixed: CredentialSource | None = None
    via: str = ""  # how the credential reaches the sink, when it is not passed directly


@dataclass(frozen=True, slots=True)
class Reach:
    sink: Sink
    source: CredentialSource


@dataclass(slots=True)
class KeepAlive:
    """Something that runs forever and reaches stored sinks.

    ``anchor`` is what a rule reports: the loop, the recursive call, or the scheduling call
    site. ``loop`` is the repeating code itself (a loop, or the recursive function), None for
    a construct that repeats by itself (a timer, an interval job) around a loop-free target.
    """

    anchor: cst.CSTNode
    how: str
    loop: cst.CSTNode | None
    reaches: list[Reach]
    scheduled: bool
    covered: bool = False

    def kinds(self) -> set[SinkKind]:
        return {r.sink.kind for r in self.reaches}

    @property
    def target(self) -> cst.CSTNode:
        """What to report: a loop's header (stable fingerprints), else the anchor itself."""
        return _loop_head(self.anchor)


@dataclass(slots=True)
class Analysis:
    sinks: list[Sink] = field(default_factory=list)
    keep_alives: list[KeepAlive] = field(default_factory=list)

    def keep_alive_for(self, call: cst.Call) -> KeepAlive | None:
        """The reported keep-alive (loop or schedule) that reaches ``call``, if any."""
        for keep in self.keep_alives:
            if not keep.covered and any(r.sink.call is call for r in keep.reaches):
                return keep
        return None


_CACHE: weakref.WeakKeyDictionary[PythonDocument, dict[int | None, Analysis]] = (
    weakref.WeakKeyDictionary()
)


class SinkGatedRule(PythonRule):
    """Base of the FS rules built on the shared analysis: it runs ``check`` at the end of the
    module, and only when some call's method name is a sink's (most files have none, and the
    analysis needs the module's full name index)."""

    def __init__(self, context: RuleContext, doc: PythonDocument) -> None:
        super().__init__(context, doc)
        self._maybe_sink = False

    def visit_Call(self, node: cst.Call) -> None:
        if not self._maybe_sink and might_be_sink(self.doc, node):
            self._maybe_sink = True

    def leave_Module(self, original_node: cst.Module) -> None:
        if self._maybe_sink:
            limit = self.context.thresholds.refresh_token_max_lifetime
            self.check(analyse(self.doc, limit))

    def check(self, analysis: Analysis) -> None:
        raise NotImplementedError

    def live_reaches(self, keep: KeepAlive, *, vault: bool) -> list[Reach]:
        """The stored credentials a keep-alive re-mints from (Vault renewals, or every other
        sink), leaving out placeholders."""
        return [
            r
            for r in keep.reaches
            if (r.sink.kind is SinkKind.VAULT_RENEW) == vault
            and not is_placeholder_literal(r.source, self.context.is_placeholder)
        ]

    def report_keep_alive(
        self, keep: KeepAlive, reaches: list[Reach], message: str, severity: Severity | None
    ) -> None:
        """One finding on the loop or schedule, pointing at the credential and the sinks."""
        self.report(
            keep.target,
            message,
            lifetime=Lifetime.never(),
            severity=Severity.INFO if self.doc.is_test_code else severity,
            related=related(reaches, keep, keep.target),
            secrets=[r.source.value for r in reaches if r.source.value],
        )


def analyse(doc: PythonDocument, deadline_limit: int | None) -> Analysis:
    """Sinks and keep-alive chains of one document, computed once for all FS rules."""
    per_doc = _CACHE.setdefault(doc, {})
    if deadline_limit not in per_doc:
        per_doc[deadline_limit] = _analyse(doc, deadline_limit)
    return per_doc[deadline_limit]


def sink_source(doc: PythonDocument, sink: Sink, within: cst.CSTNode | None) -> CredentialSource:
    if sink.fixed is not None:
        return sink.fixed
    if sink.expr is None:
        return CredentialSource(CredentialClass.UNKNOWN)
    return doc.credential_source(sink.expr, sink.at, within=within)


# -- keep-alives (rules.md 2.2 C + D) --------------------------------------------------------


def _analyse(doc: PythonDocument, deadline_limit: int | None) -> Analysis:
    sinks = [s for s in (_sink(doc, c) for c in doc.calls() if might_be_sink(doc, c)) if s]
    result = Analysis(sinks=sinks)
    if not sinks:
        return result
    by_call = {s.call: s for s in sinks}

    def reaches(calls: list[cst.Call], within: cst.CSTNode) -> list[Reach]:
        out = []
        for call in calls:
            sink = by_call.get(call)
            if sink is None:
                continue
            source = sink_source(doc, sink, within)
            if source.stored:
                out.append(Reach(sink, source))
        return out

    loops: list[tuple[KeepAlive, list[cst.CSTNode]]] = []
    for node in doc.unbounded_loops(deadline_limit):
        calls = doc.reachable_calls(node)
        found = reaches(calls, node)
        if found and doc.first_wait(calls) is not None:
            keep = KeepAlive(node, _describe_loop(doc, node), node, found, scheduled=False)
            loops.append((keep, _defs_reached(doc, node)))
    for func, call in doc.recursions():
        calls = doc.reachable_calls(func)
        found = reaches(calls, func)
        if found and doc.first_wait(calls) is not None:
            how = f"the self-calling function `{func.name.value}`"
            keep = KeepAlive(call, how, func, found, scheduled=False)
            loops.append((keep, _defs_reached(doc, func)))

    # A loop that only runs another endless loop is not a second session: keep the inner one.
    for keep, defs in loops:
        inner = [
            other
            for other, _ in loops
            if other is not keep
            and other.loop is not None
            and keep.loop is not None
            and other.loop is not keep.loop
            and any(doc.inside(other.loop, d) for d in defs)
        ]
        calls_inner = {r.sink.call for other in inner for r in other.reaches}
        if inner and all(r.sink.call in calls_inner for r in keep.reaches):
            keep.covered = True

    schedules: list[KeepAlive] = []
    for schedule in doc.schedules():
        defs = _defs_reached(doc, schedule.target)
        inner_loops = [
            keep
            for keep, _ in loops
            if keep.loop is not None and any(doc.inside(keep.loop, d) for d in defs)
        ]
        if schedule.periodic:
            found = reaches(doc.reachable_calls(schedule.target), schedule.target)
        else:
            found = [r for keep in inner_loops for r in keep.reaches]
        if not found:
            continue
        for keep in inner_loops:
            keep.covered = True
        inner_loop = next((k.loop for k in inner_loops if not k.scheduled), None)
        schedules.append(KeepAlive(schedule.site, schedule.description, inner_loop, found, True))
    result.keep_alives = [keep for keep, _ in loops] + schedules
    return result


def _defs_reached(doc: PythonDocument, root: cst.CSTNode) -> list[cst.CSTNode]:
    """``root`` and this module's functions it calls (two levels), where a loop may sit."""
    out: list[cst.CSTNode] = [root]
    for call in doc.reachable_calls(root):
        target = doc.callable_def(call.func, call)
        if target is not None and target not in out:
            out.append(target)
    return out


def _describe_loop(doc: PythonDocument, loop: cst.CSTNode) -> str:
    if isinstance(loop, cst.While):
        test = doc.code(loop.test).strip()
        return f"a `while {test if len(test) <= 40 else test[:37] + '...'}` loop"
    if isinstance(loop, cst.For):
        return f"a `for` loop over `{doc.code(loop.iter).strip()[:40]}`"
    return "a loop"


# -- sinks (rules.md 2.2 A) ------------------------------------------------------------------

_GRANT_KINDS = {
    "refresh_token": (SinkKind.REFRESH_GRANT, "refresh_token"),
    "client_credentials": (SinkKind.CLIENT_SECRET, "client_secret"),
    "password": (SinkKind.PASSWORD, "password"),
}
_PAYLOAD_KEYWORDS = ("data", "json", "body", "fields", "content", "params")
_HTTP_FUNCTIONS = frozenset(
    {"requests.post", "requests.request", "httpx.post", "httpx.request", "requests.api.post"}
)
_OAUTH_SESSIONS = ("OAuth2Session", "OAuth2Client", "AsyncOAuth2Client")
_GOOGLE_CREDENTIALS = "google.oauth2.credentials.Credentials"
_MSAL_CONFIDENTIAL = frozenset(
    {"msal.ConfidentialClientApplication", "msal.application.ConfidentialClientApplication"}
)
_HVAC_CLIENTS = frozenset({"hvac.Client", "hvac.v1.Client"})
_PLATFORM_AUTH = frozenset(
    {"kubernetes", "jwt", "oidc", "aws", "iam", "gcp", "azure", "cert", "alicloud"}
)
_PASSWORD_AUTH = frozenset({"userpass", "ldap", "okta", "radius"})


#: Method names of every sink of this module: a file none of whose calls uses one has no sink,
#: and the analysis (which needs the full name index) is skipped.
_SINK_METHODS = frozenset(
    {
        "post",
        "request",
        "Request",
        "urlopen",
        "refresh_token",
        "fetch_token",
        "fetch_access_token",
        "refresh",
        "acquire_token_by_refresh_token",
        "acquire_token_for_client",
        "get_session_token",
        "get_federation_token",
        "assume_role",
        "renew_self",
        "renew_self_token",
        "renew_token",
        "renew",
        "login",
        "auth_approle",
        "auth_userpass",
        "oauth_v2_access",
        "tooling_tokens_rotate",
        "get_access_token",
    }
)


def might_be_sink(doc: PythonDocument, call: cst.Call) -> bool:
    """A cheap test on the method name (imports only, no name index) before the analysis."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value in _SINK_METHODS
    return any(n.rsplit(".", 1)[-1] in _SINK_METHODS for n in doc.qualified_names(func))


def _sink(doc: PythonDocument, call: cst.Call) -> Sink | None:
    func = call.func
    method = func.attr.value if isinstance(func, cst.Attribute) else None
    if method is None:  # ``from requests import post``
        names = doc.qualified_names(func)
        if names & _HTTP_FUNCTIONS:
            method = "post" if any(n.endswith(".post") for n in names) else "request"
    grant = _http_grant(doc, call, method)
    if grant is not None:
        return grant
    if method is None or not isinstance(func, cst.Attribute):
        return None
    receiver = func.value
    if method in ("refresh_token", "fetch_token", "fetch_access_token"):
        return _oauth_session_sink(doc, call, method, receiver)
    if method == "refresh":
        return _google_refresh(doc, call, receiver)
    if method == "acquire_token_by_refresh_token":
        return Sink(call, SinkKind.MSAL_REFRESH, call_argument(call, 0, "refresh_token"), call)
    if method == "acquire_token_for_client":
        return _msal_client(doc, call, receiver)
    if method in ("get_session_token", "get_federation_token", "assume_role"):
        return _sts(doc, call, receiver)
    if method in ("renew_self", "renew_self_token", "renew_token") or (
        method == "renew" and (dotted_name(receiver) or "").endswith("auth.token")
    ):
        return _vault_renew(doc, call, receiver)
    if method in ("login", "auth_approle", "auth_userpass"):
        return _vault_login(doc, call, method, receiver)
    if method == "oauth_v2_access":
        grant_type = call_argument(call, None, "grant_type")
        if grant_type is not None and string_value(doc.resolve(grant_type)) == "refresh_token":
            refresh = call_argument(call, None, "refresh_token")
            return Sink(call, SinkKind.SLACK_REFRESH, refresh, call)
        return None
    if method == "tooling_tokens_rotate":
        return Sink(call, SinkKind.SLACK_REFRESH, call_argument(call, None, "refresh_token"), call)
    if method == "get_access_token":
        ctor = _constructor(doc, receiver, call)
        if ctor is not None and doc.qualified_names(ctor.func) & {"github.GithubIntegration"}:
            key = call_argument(ctor, 1, "private_key")
            return Sink(call, SinkKind.GITHUB_APP, key, ctor)
    return None


def _constructor(
    doc: PythonDocument, expr: cst.BaseExpression, at: cst.CSTNode
) -> cst.Call | None:
    value = doc.value_of(expr, at)
    return value if isinstance(value, cst.Call) else None


def _unwrap_payload(
    doc: PythonDocument, expr: cst.BaseExpression, at: cst.CSTNode
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


def _http_grant(doc: PythonDocument, call: cst.Call, method: str | None) -> Sink | None:
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
        body = _unwrap_payload(doc, payload, call)
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
            credential = _basic_auth_secret(doc, call)
        return Sink(call, kind, credential, call)
    if method == "post":
        return _github_app(doc, call)
    return None


def _basic_auth_secret(doc: PythonDocument, call: cst.Call) -> cst.BaseExpression | None:
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


def _github_app(doc: PythonDocument, call: cst.Call) -> Sink | None:
    """POST to ``/app/installations/{id}/access_tokens`` with an RS256 App JWT."""
    url = call_argument(call, 0, "url")
    if url is None:
        return None
    text = "".join(doc.strings(url, call))
    if "/access_tokens" not in text or "installations" not in text:
        return None
    scope: cst.CSTNode = doc.enclosing_function(call) or doc.module
    for other in doc.reachable_calls(scope, depth=1):
        if not doc.qualified_names(other.func) & {"jwt.encode", "jwt.api_jwt.encode"}:
            continue
        algorithm = call_argument(other, 2, "algorithm")
        if algorithm is not None and string_value(doc.resolve(algorithm, other)) == "RS256":
            return Sink(call, SinkKind.GITHUB_APP, call_argument(other, 1, "key"), other)
    return None


def _is_oauth_session(doc: PythonDocument, ctor: cst.Call) -> bool:
    return any(
        (n.startswith(("requests_oauthlib.", "authlib.")) and n.endswith(_OAUTH_SESSIONS))
        for n in doc.qualified_names(ctor.func)
    )


def _imports_oauth(doc: PythonDocument) -> bool:
    return doc.imports_from("requests_oauthlib", "authlib")


def _oauth_session_sink(
    doc: PythonDocument, call: cst.Call, method: str, receiver: cst.BaseExpression
) -> Sink | None:
    """requests-oauthlib / authlib ``refresh_token(url, refresh_token=...)``, ``fetch_token``."""
    ctor = _constructor(doc, receiver, call)
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


def _seeded_refresh(doc: PythonDocument, call: cst.Call, ctor: cst.Call | None) -> Sink | None:
    """The refresh token of the token dict a session was created with."""
    if ctor is None:
        return None
    token = call_argument(ctor, None, "token")
    if token is None:
        return None
    inner = doc.dict_value(token, "refresh_token", ctor)
    return Sink(call, SinkKind.OAUTH_REFRESH, inner if inner is not None else token, ctor)


def _google_refresh(
    doc: PythonDocument, call: cst.Call, receiver: cst.BaseExpression
) -> Sink | None:
    ctor = _constructor(doc, receiver, call)
    if ctor is None:
        return None
    names = doc.qualified_names(ctor.func)
    if _GOOGLE_CREDENTIALS in names:
        refresh = call_argument(ctor, 1, "refresh_token")
        return Sink(call, SinkKind.GOOGLE_REFRESH, refresh, ctor) if refresh is not None else None
    if _GOOGLE_CREDENTIALS + ".from_authorized_user_info" in names:
        info = call_argument(ctor, 0, "info")
        if info is None:
            return None
        inner = doc.dict_value(info, "refresh_token", ctor)
        return Sink(call, SinkKind.GOOGLE_REFRESH, inner if inner is not None else info, ctor)
    if _GOOGLE_CREDENTIALS + ".from_authorized_user_file" in names:
        fixed = authorized_user_file(doc, ctor)
        return Sink(call, SinkKind.GOOGLE_REFRESH, None, ctor, fixed) if fixed else None
    return None


def authorized_user_file(doc: PythonDocument, ctor: cst.Call) -> CredentialSource | None:
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


def _msal_client(
    doc: PythonDocument, call: cst.Call, receiver: cst.BaseExpression
) -> Sink | None:
    """``acquire_token_for_client`` on an app holding a secret or a certificate key."""
    ctor = _constructor(doc, receiver, call)
    if ctor is None or not doc.qualified_names(ctor.func) & _MSAL_CONFIDENTIAL:
        return None
    credential = call_argument(ctor, 1, "client_credential")
    if credential is None:
        return None
    keys = doc.dict_keys(credential, ctor)
    if keys is not None:
        if "client_assertion" in keys or "private_key" not in keys:
            return None
        key = doc.dict_value(credential, "private_key", ctor)
        return Sink(call, SinkKind.MSAL_CLIENT, key, ctor)
    return Sink(call, SinkKind.MSAL_CLIENT, credential, ctor)


def _sts(doc: PythonDocument, call: cst.Call, receiver: cst.BaseExpression) -> Sink | None:
    """STS on a client built from explicit (IAM user) keys; the default chain is fine."""
    ctor = _constructor(doc, receiver, call)
    if ctor is None:
        return None
    names = doc.qualified_names(ctor.func)
    keyed = ctor
    if not names & {"boto3.client", "boto3.session.Session.client"}:
        if not (isinstance(ctor.func, cst.Attribute) and ctor.func.attr.value == "client"):
            return None
        session = _constructor(doc, ctor.func.value, ctor)
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


def _vault_client(
    doc: PythonDocument, receiver: cst.BaseExpression, at: cst.CSTNode
) -> tuple[cst.BaseExpression, cst.Call] | None:
    """Strip ``.auth.token``/``.auth.approle`` off a receiver; the hvac client behind it."""
    base = receiver
    while isinstance(base, cst.Attribute) and base.attr.value in (
        "token",
        "auth",
        "approle",
        "userpass",
        "ldap",
        "okta",
        "radius",
    ):
        base = base.value
    ctor = _constructor(doc, base, at)
    if ctor is None or not doc.qualified_names(ctor.func) & _HVAC_CLIENTS:
        return None
    return base, ctor


def _vault_renew(
    doc: PythonDocument, call: cst.Call, receiver: cst.BaseExpression
) -> Sink | None:
    found = _vault_client(doc, receiver, call)
    if found is None:
        return None
    base, ctor = found
    token = call_argument(ctor, 1, "token")
    if token is not None:
        return Sink(call, SinkKind.VAULT_RENEW, token, ctor)
    if isinstance(base, cst.Name):
        writes = doc.attribute_writes(base.value, "token", call)
        if len(writes) == 1:
            return Sink(call, SinkKind.VAULT_RENEW, writes[0], writes[0])
        if writes:
            return None
    login = _vault_logins(doc, base)
    if login is None:
        return None
    if login is _NO_LOGIN:
        fixed = CredentialSource(
            CredentialClass.STATIC_CONFIG,
            ctor,
            "the `VAULT_TOKEN` environment variable, which hvac reads by default",
        )
        return Sink(call, SinkKind.VAULT_RENEW, None, ctor, fixed)
    via = "a login whose secret comes from "
    return Sink(call, SinkKind.VAULT_RENEW, login[0], login[1], via=via)


_NO_LOGIN: tuple[cst.BaseExpression, cst.CSTNode] = (cst.Name("None"), cst.Name("None"))


def _vault_logins(
    doc: PythonDocument, base: cst.BaseExpression
) -> tuple[cst.BaseExpression, cst.CSTNode] | None:
    """How a client without a ``token=`` got its token: a platform login (None: federated),
    a login with a stored secret (that secret), or no login at all (``_NO_LOGIN``: hvac then
    reads ``VAULT_TOKEN``)."""
    prefix = dotted_name(base)
    if prefix is None:
        return None
    secrets: list[tuple[cst.BaseExpression, cst.CSTNode]] = []
    for call in doc.calls():
        name = dotted_name(call.func) or ""
        if not name.startswith(prefix + ".auth"):
            continue
        rest = name[len(prefix) + len(".auth") :].lstrip("._").split(".")
        method = rest[0] if rest else ""
        if method == "token":
            continue  # token operations (renew, lookup), not a login
        if method in _PLATFORM_AUTH or method == "login":
            return None
        if method == "approle":
            secret = call_argument(call, 1, "secret_id")
        elif method in _PASSWORD_AUTH:
            secret = call_argument(call, 1, "password")
        else:
            return None
        if secret is None:
            return None
        secrets.append((secret, call))
    if not secrets:
        return _NO_LOGIN
    return secrets[0] if len(secrets) == 1 else None


def _vault_login(
    doc: PythonDocument, call: cst.Call, method: str, receiver: cst.BaseExpression
) -> Sink | None:
    """``client.auth.approle.login(role_id, secret_id)`` and the userpass-like logins."""
    if method == "login":
        if not isinstance(receiver, cst.Attribute):
            return None
        auth = receiver.attr.value
    else:
        auth = method[len("auth_") :]
    found = _vault_client(doc, receiver, call)
    if found is None:
        return None
    if auth == "approle":
        return Sink(call, SinkKind.VAULT_LOGIN, call_argument(call, 1, "secret_id"), call)
    if auth in _PASSWORD_AUTH:
        return Sink(call, SinkKind.VAULT_LOGIN, call_argument(call, 1, "password"), call)
    return None


# -- what the rules say ----------------------------------------------------------------------


def credential_note(source: CredentialSource, label: str, via: str = "") -> str:
    """The related-location message for where a stored credential is read or written."""
    if source.kind is CredentialClass.ROTATING_CHAIN:
        return f"the {label} chain starts here ({source.description})"
    if via:
        return f"the {label} is obtained with a stored secret read here ({source.description})"
    return f"the stored {label} comes from here ({source.description})"


def related(
    reaches: list[Reach], keep: KeepAlive | None, target: cst.CSTNode, *, sinks: bool = True
) -> list[tuple[cst.CSTNode, str]]:
    """Related locations of a finding on ``target``: each stored credential, the loop and the
    scheduling site of ``keep`` (unless that is ``target``), and the sinks."""
    out: list[tuple[cst.CSTNode, str]] = []
    seen: set[cst.CSTNode] = {target}
    for reach in reaches:
        node = reach.source.node
        if node is not None and node not in seen:
            seen.add(node)
            out.append((node, credential_note(reach.source, reach.sink.kind.label, reach.sink.via)))
    if keep is not None:
        head = _loop_head(keep.loop) if keep.loop is not None else None
        if head is not None and head is not target and keep.loop is not target:
            out.append((head, "the loop that re-mints tokens forever"))
        anchor = keep.target
        if anchor is not target and anchor is not head:
            out.append((anchor, f"{keep.how} keeps this running forever"))
    if sinks:
        for reach in reaches:
            call = reach.sink.call
            if call not in seen:
                seen.add(call)
                out.append((call, _sink_note(reach.sink)))
    return out


def _sink_note(sink: Sink) -> str:
    if sink.kind is SinkKind.VAULT_RENEW:
        return "the Vault token is renewed here"
    return f"a fresh token is minted from the {sink.kind.label} here"


def describe(keep: KeepAlive) -> str:
    """``keep.how`` as the start of a sentence."""
    return keep.how[:1].upper() + keep.how[1:]


def _loop_head(loop: cst.CSTNode) -> cst.CSTNode:
    """Point at a loop's header rather than its whole body."""
    if isinstance(loop, cst.While):
        return loop.test
    if isinstance(loop, cst.For):
        return loop.iter
    if isinstance(loop, cst.FunctionDef):
        return loop.name
    return loop


def is_placeholder_literal(source: CredentialSource, is_placeholder: Callable[[str], bool]) -> bool:
    """A literal that is empty or a placeholder (rules.md 0.4) is not a credential."""
    if source.kind is not CredentialClass.LITERAL:
        return False
    value = source.value or ""
    return not value.strip() or is_placeholder(value)
