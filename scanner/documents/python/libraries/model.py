"""The shared model of a token sink: what a library call redeems, and how rules name it.

A *sink* turns a credential into fresh tokens (rules.md 2.2 A). Each library module finds its
own sinks; ``sinks.SINKS`` lists them in one table.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from scanner.documents.python.sources import CredentialSource
from scanner.documents.python.view import DocumentView


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
    JWT_BEARER = enum.auto()  # grant_type jwt-bearer: an assertion signed with a stored key
    GOOGLE_SA_KEY = enum.auto()  # a service-account key file or dict
    CERTIFICATE_KEY = enum.auto()  # a client certificate's private key (azure-identity, msal)
    AUTO_SESSION = enum.auto()  # a client that refreshes itself from a stored refresh token
    KUBE_CREDENTIAL = enum.auto()  # a kubeconfig or static bearer token minting SA tokens

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
    SinkKind.JWT_BEARER: "assertion signing key",
    SinkKind.GOOGLE_SA_KEY: "Google service-account key",
    SinkKind.CERTIFICATE_KEY: "client certificate key",
    SinkKind.AUTO_SESSION: "refresh token",
    SinkKind.KUBE_CREDENTIAL: "kubeconfig credential",
}


@dataclass(frozen=True, slots=True)
class Sink:
    """A call that mints tokens from ``expr`` (classified at ``at``), or from ``fixed``."""

    call: cst.Call
    kind: SinkKind
    expr: cst.BaseExpression | None
    at: cst.CSTNode
    fixed: CredentialSource | None = None
    via: str = ""  # how the credential reaches the sink, when it is not passed directly
    #: What the call mints and for how long (ISO 8601), from its ``SINKS`` row or, for an
    #: HTTP grant, from the token endpoint its URL names; filled in by ``sinks.find_sink``.
    issued: str = ""
    lifetime: str = ""
    row: str = ""

    @property
    def minted(self) -> str:
        """``an OAuth access token (PT1H)``, for messages; empty when nothing is known."""
        if not self.issued:
            return ""
        return f"{self.issued} ({self.lifetime})" if self.lifetime else self.issued


#: Finds the sink of one call: ``(doc, call, method)``, ``method`` the called attribute's name
#: (or, for a bare function, the one it was imported as), None when there is none.
SinkFinder = Callable[[DocumentView, cst.Call, "str | None"], "Sink | None"]


@dataclass(frozen=True, slots=True)
class SinkSpec:
    """One row of the ``SINKS`` table: a library call that mints tokens from a credential.

    ``methods`` are the called names the row answers for (they also gate the analysis, which
    runs only on files calling one; a constructor row names its class); ``mints`` the kinds of
    root credential it can redeem (``consumes`` in words), ``issues`` what it hands out and
    ``lifetime`` for how long (ISO 8601, the provider's default; ``grant`` says how, for the
    table's readers). ``rule`` is the FS rule that owns a finding on it (LLC-FS-002 for rows
    reported only inside a perpetual trigger), and ``triggers`` are words the file must
    contain: they gate LibCST, so they name the operation, never a library alone. A ``body``
    row reads an HTTP request's payload: its finder runs on every call, and a call it does not
    claim goes on to the method rows; several method rows may share a method, and the first
    that claims a call wins.
    """

    id: str
    library: str
    methods: frozenset[str]
    mints: frozenset[SinkKind]
    grant: str
    find: SinkFinder
    issues: str
    lifetime: str
    consumes: str
    rule: str
    triggers: tuple[str, ...]
    body: bool = False


def receiver_of(call: cst.Call) -> cst.BaseExpression:
    """The object a method is called on (method rows only ever see ``x.method(...)``)."""
    func = call.func
    return func.value if isinstance(func, cst.Attribute) else func


def constructor(doc: DocumentView, expr: cst.BaseExpression, at: cst.CSTNode) -> cst.Call | None:
    """The call that built the object behind ``expr`` (a client, a session), if one."""
    value = doc.value_of(expr, at)
    return value if isinstance(value, cst.Call) else None
