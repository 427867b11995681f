"""The fake-session rule base (rules.md 2.2): what the FS rules share on top of the analysis.

The analysis itself (sinks, keep-alive chains, credential sources) lives in
``scanner.documents.python``; this is the rule side: the gate that runs it only when a call
could be a sink, and the messages, severities and related locations the FS rules report with.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import libcst as cst

from scanner.api.rule import PythonRule, RuleContext
from scanner.documents.python.document import PythonDocument
from scanner.documents.python.keepalive import Analysis, KeepAlive, Reach, analyse, loop_head
from scanner.documents.python.libraries.model import Sink, SinkKind
from scanner.documents.python.libraries.sinks import MINT_TRIGGERS, ROWS, find_sink, might_be_sink
from scanner.documents.python.sources import CredentialClass, CredentialSource
from scanner.findings import Lifetime, Severity

#: The refresh-token grants of rules.md 2.2 A that FS-001 reports (Google and MSAL have their
#: own rules, FS-005 and FS-006).
FS001_KINDS = frozenset({SinkKind.REFRESH_GRANT, SinkKind.OAUTH_REFRESH, SinkKind.SLACK_REFRESH})
#: Clients that refresh themselves from a stored refresh token (Dropbox, Box): FS-004.
AUTO_SESSION_KINDS = frozenset({SinkKind.AUTO_SESSION})

_HIGH = frozenset(
    {
        SinkKind.REFRESH_GRANT,
        SinkKind.OAUTH_REFRESH,
        SinkKind.SLACK_REFRESH,
        SinkKind.GOOGLE_REFRESH,
        SinkKind.MSAL_REFRESH,
        SinkKind.STS_KEY,
        SinkKind.VAULT_RENEW,
        SinkKind.AUTO_SESSION,
        SinkKind.KUBE_CREDENTIAL,
    }
)
#: Keys that sign their own assertions: low, as for a GitHub App (rules.md FS-002).
_LOW = frozenset({SinkKind.GITHUB_APP, SinkKind.JWT_BEARER, SinkKind.CERTIFICATE_KEY})


def severity_of(kinds: set[SinkKind]) -> Severity:
    """rules.md FS-002: high for a refresh token or IAM-user key, medium for a client secret
    or password, low for a private-key JWT."""
    if kinds & _HIGH:
        return Severity.HIGH
    if kinds - _LOW:
        return Severity.MEDIUM
    return Severity.LOW


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
        head = loop_head(keep.loop) if keep.loop is not None else None
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
    what = sink.minted or "a fresh token"
    return f"{what} is minted from the {sink.kind.label} here"


def minted_clause(sinks: list[Sink]) -> str:
    """``; each cycle mints a GitHub App installation token (PT1H)``: what a finding's sinks
    hand out and for how long, from their ``SINKS`` rows (empty when none says)."""
    minted = list(dict.fromkeys(s.minted for s in sinks if s.minted))
    if not minted:
        return ""
    return "; it mints " + " and ".join(minted[:2])


def auto_session(doc: PythonDocument, call: cst.Call) -> Sink | None:
    """``call`` builds a client that refreshes itself from a stored refresh token (a ``SINKS``
    row of kind ``AUTO_SESSION``: Dropbox, Box), if it does."""
    if not might_be_sink(doc, call):
        return None
    sink = find_sink(doc, call)
    return sink if sink is not None and sink.kind in AUTO_SESSION_KINDS else None


def describe(keep: KeepAlive) -> str:
    """``keep.how`` as the start of a sentence."""
    return keep.how[:1].upper() + keep.how[1:]


#: A name rather than a value: ``"refresh_token"``, ``"client-secret"``, ``"MY_API_KEY"``.
_IDENTIFIER = re.compile(r"^(?:[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$")


def is_placeholder_literal(source: CredentialSource, is_placeholder: Callable[[str], bool]) -> bool:
    """A literal that is empty, a placeholder (rules.md 0.4), a few characters long or an
    identifier (a test fixture's ``"foo"`` or ``"refresh_token"`` refresh token) is not a
    credential."""
    if source.kind is not CredentialClass.LITERAL:
        return False
    value = (source.value or "").strip()
    return len(value) < 8 or is_placeholder(value) or _IDENTIFIER.match(value) is not None


__all__ = [
    "AUTO_SESSION_KINDS",
    "FS001_KINDS",
    "MINT_TRIGGERS",
    "ROWS",
    "Analysis",
    "KeepAlive",
    "Reach",
    "Sink",
    "SinkGatedRule",
    "SinkKind",
    "analyse",
    "auto_session",
    "credential_note",
    "describe",
    "is_placeholder_literal",
    "minted_clause",
    "related",
    "severity_of",
]
