"""The sink screens read from the issuer, verifier and mint tables (``sinkscreen``'s
``SCREENS`` holds them beside its own).

Each screen asks whether a call that a rule's rows recognise can occur in the file, the way
the rule's own matcher does (``issuer_of``, LLC-PY-003's ``_row``, ``might_be_sink``), so a
new row gates itself. Apart from ``sinkscreen`` only to keep modules small; like it, no LibCST.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from typing import TYPE_CHECKING, Protocol

from scanner.documents.python.crossmodule import mint_helper
from scanner.documents.python.libraries.caches import Cache, CacheForm, cache_rows
from scanner.documents.python.libraries.issuers.table import issuers_of, settings_of
from scanner.documents.python.libraries.verifiers import VERIFIERS
from scanner.documents.python.textscreen import PY011_CREDENTIAL_KEY as PY011_KEY
from scanner.documents.python.textscreen import constant_text

if TYPE_CHECKING:
    from scanner.documents.python.sinkscreen import Facts


class _Row(Protocol):
    """What a screen reads of an issuer or verifier row: how a call is recognised."""

    @property
    def calls(self) -> frozenset[str]: ...

    @property
    def methods(self) -> frozenset[str]: ...

    @property
    def receivers(self) -> frozenset[str]: ...


def _gates(row: object) -> tuple[str, ...]:
    gate = getattr(row, "gate", ())
    return tuple(g for g in ((gate,) if isinstance(gate, str) else gate) if g)


def _rows_may_match(facts: Facts, rows: tuple[_Row, ...]) -> bool:
    """Whether a call may match one of ``rows`` as ``issuer_of`` and LLC-PY-003's ``_row``
    match them: a function or class by qualified name, or a method on an attribute, in a
    file that imports the row's gate, on a receiver one of its classes builds (a call that
    resolves through the imports, as ``constructed_by`` asks)."""
    for row in rows:
        if not _explicit_slot_passed(facts, row):
            continue
        if not row.calls.isdisjoint(facts.called):
            return True
        if row.methods.isdisjoint(facts.methods):
            continue
        gates = _gates(row)
        if gates and not any(facts.may_import(g) for g in gates):
            continue
        if row.receivers and row.receivers.isdisjoint(facts.called):
            continue
        return True
    return False


def _explicit_slot_passed(facts: Facts, row: object) -> bool:
    """An ``explicit`` issuer row reports only a "no expiry" value passed by keyword: the
    keyword, or a ``**{...}`` key of that name, must occur."""
    slot = getattr(row, "lifetime", None)
    if not getattr(row, "explicit", False) or slot is None or slot.position is not None:
        return True
    return slot.keyword in facts.keywords or slot.keyword in facts.strings


#: The rows of LLC-PY-001 and LLC-PY-002 (both mint through ``jwt_issue``: the PY-001 rows).
PY001_ROWS = issuers_of("LLC-PY-001")
#: LLC-PY-003's ``VERIFIERS`` (its option rows and its validate rows).
PY003_ROWS = VERIFIERS


def py001(facts: Facts) -> bool:
    """A JWT minted by a row of the issuer table (``jwt_issue``)."""
    return _rows_may_match(facts, PY001_ROWS)


def py003(facts: Facts) -> bool:
    """A JWT decoded by a row of the ``VERIFIERS`` table."""
    return _rows_may_match(facts, PY003_ROWS)


#: LLC-PY-004's rows, its settings keys, and the copies of its own constants
#: (``tests/test_ast_prescreen.py`` holds them equal).
PY004_ROWS = issuers_of("LLC-PY-004")
PY004_SETTINGS = frozenset(settings_of("LLC-PY-004"))
PY004_DRF = frozenset(
    {"rest_framework.authentication.TokenAuthentication", "rest_framework.authtoken"}
)
PY004_COOKIE_NAME = re.compile(r"(?i)token|session|auth|jwt")
#: The keywords of ``set_cookie`` that give a lifetime.
PY004_COOKIE_AGES = frozenset({"max_age", "expires"})


def py004(facts: Facts) -> bool:
    """A settings key of the issuer table written (a name, an attribute, a key or a keyword),
    DRF's token authentication named, a token cookie given an age, or an issuer call."""
    if not PY004_SETTINGS.isdisjoint(facts.assigned_names | facts.assigned_attributes):
        return True
    if not PY004_SETTINGS.isdisjoint(facts.strings) or not PY004_DRF.isdisjoint(facts.strings):
        return True
    if not PY004_SETTINGS.isdisjoint(facts.keywords):
        return True
    if facts.token_cookie:
        return True
    return _rows_may_match(facts, PY004_ROWS)


#: LLC-PY-008's rows: STS methods (on a client whose service name is the literal ``"sts"``)
#: and Google's ``generate_access_token``.
PY008_ROWS = issuers_of("LLC-PY-008")
PY008_STS_METHODS = frozenset(
    m for row in PY008_ROWS if row.key.startswith("sts.") for m in row.methods
)


def py008(facts: Facts) -> bool:
    """An STS session call on a client made for ``"sts"``, or an IAM Credentials call."""
    if not PY008_STS_METHODS.isdisjoint(facts.methods) and "sts" in facts.strings:
        return True
    return _rows_may_match(facts, tuple(r for r in PY008_ROWS if not r.key.startswith("sts.")))


#: LLC-PY-012's rows (itsdangerous and Django signers).
PY012_ROWS = issuers_of("LLC-PY-012")


def py012(facts: Facts) -> bool:
    """A timed signer's check (``loads``/``unsign``) by a row of the issuer table."""
    return _rows_may_match(facts, PY012_ROWS)


def sink_gated(facts: Facts) -> bool:
    """``SinkGatedRule``'s own gate (``might_be_sink``): a call whose method, or whose
    qualified name's last part, is a mint sink's, or a bare call to a helper named for minting."""
    sink_methods = _sink_tables()[0]
    if not sink_methods.isdisjoint(facts.methods):
        return True
    if any(mint_helper(name) for name in facts.bare_called):
        return True
    return any(n.rsplit(".", 1)[-1] in sink_methods for n in facts.called)


@cache
def _sink_tables() -> tuple[frozenset[str], frozenset[str]]:
    """The mint table's methods, and those of its self-refreshing clients (LLC-FS-004): read
    on the first FS screen, since the table's finders import LibCST (a file no FS rule's
    trigger occurs in never asks)."""
    from scanner.documents.python.libraries.model import SinkKind
    from scanner.documents.python.libraries.sinks import SINK_METHODS, SINKS

    auto = frozenset(
        m for spec in SINKS if SinkKind.AUTO_SESSION in spec.mints for m in spec.methods
    )
    return SINK_METHODS, auto


#: LLC-FS-004's sessions: the ``SINKS`` rows of clients that refresh themselves (their
#: methods or classes, ``_sink_tables``), requests-oauthlib's ``OAuth2Session`` (the rule's
#: ``_REQUESTS_OAUTHLIB``) and authlib's session classes (``oauth.OAUTH_SESSION_CLASSES``;
#: tests/test_ast_prescreen.py holds the copies equal).
OAUTH_SESSION_CLASSES = ("OAuth2Session", "OAuth2Client", "AsyncOAuth2Client")
FS004_REQUESTS_OAUTHLIB = frozenset(
    {"requests_oauthlib.OAuth2Session", "requests_oauthlib.oauth2_session.OAuth2Session"}
)


def fs004(facts: Facts) -> bool:
    """A self-refreshing SDK client, or an OAuth2 session class called (``auto_session``
    finds the first by its method or class name, the rule the others by qualified name)."""
    names = facts.methods | facts.bare_called | {n.rsplit(".", 1)[-1] for n in facts.called}
    if not _sink_tables()[1].isdisjoint(names):
        return True
    if not FS004_REQUESTS_OAUTHLIB.isdisjoint(facts.called):
        return True
    return any(
        n.startswith("authlib.") and n.endswith(OAUTH_SESSION_CLASSES) for n in facts.called
    )


#: String constants the screens ask about by value (exact, case-sensitive, as the rules ask).
WATCHED = (
    PY004_SETTINGS
    | PY004_DRF
    | PY004_COOKIE_AGES
    | {"sts", "aws_access_key_id", "aws_secret_access_key"}  # PY-008's service, PY-006's pair
    | {
        row.lifetime.keyword
        for row in (*PY004_ROWS, *PY008_ROWS, *PY012_ROWS, *PY001_ROWS)
        if row.explicit and row.lifetime is not None
    }
)


def may_name_a_token_cookie(call: ast.Call, assigned: set[str]) -> bool:
    """LLC-PY-004's ``_cookie``: the first argument in the source names the cookie, and
    ``literal_string`` reads a string constant, an assigned name (a parameter or an attribute
    is no literal) or a ``+`` of those; a constant must name a token, session or auth cookie."""
    first: list[ast.expr] = []
    if call.args:
        first.append(call.args[0])
    if call.keywords:
        first.append(call.keywords[0].value)
    if not first:
        return False
    name = min(first, key=lambda n: (n.lineno, n.col_offset))
    return _may_be_token_name(name, assigned)


def _may_be_token_name(node: ast.expr, assigned: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and PY004_COOKIE_NAME.search(node.value) is not None
    if isinstance(node, ast.Name):
        return node.id in assigned
    # "access_" + KIND: the joined literal may name a token
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)


#: LLC-PY-011's stores (Django's cache, redis); its ``_CREDENTIAL_KEY`` is ``PY011_KEY``.
PY011_STORES: tuple[Cache, ...] = cache_rows(CacheForm.STORE)
PY011_STORE_METHODS = frozenset(m for store in PY011_STORES for m in store.methods)


def _credential_key(node: ast.expr) -> bool:
    """LLC-PY-011's ``_credential_key``: a name's own spelling, a literal's text (a ``+`` of
    pieces may join into one), or an f-string's literal parts."""
    if isinstance(node, ast.Name):
        return PY011_KEY.search(node.id) is not None
    if isinstance(node, ast.Constant):
        text = constant_text(node)
        return text is not None and PY011_KEY.search(text) is not None
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return PY011_KEY.search(text) is not None
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)


def _passed(call: ast.Call, keyword: str, position: int | None) -> ast.expr | bool | None:
    """The value passed as ``keyword`` or at ``position``; True when a ``*``/``**`` may pass
    it unseen, None when it is surely not passed."""
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
        if k.arg is None:
            return True
    if position is not None:
        if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
            return True
        if position < len(call.args):
            return call.args[position]
    return None


def may_store_forever(call: ast.Call, method: str) -> bool:
    """LLC-PY-011's store writes (``_timeout``, ``_expiry``): a key named for a credential
    among the first arguments, and for Django a ``timeout`` that may be None, for redis no
    expiry argument passed. Whether the receiver is the store is the rule's to tell."""
    keys = [*call.args[:2], *(k.value for k in call.keywords if k.arg is not None)]
    if not any(_credential_key(k) for k in keys):
        return False
    for store in PY011_STORES:
        if method not in store.methods:
            continue
        if store.never:
            if store.ttl is None:
                continue
            ttl = _passed(call, *store.ttl)
            if ttl is True or isinstance(ttl, ast.Name) or (
                isinstance(ttl, ast.Constant) and ttl.value is None
            ):
                return True
        else:
            slots = [store.ttl] if store.ttl else []
            slots += [(kw, None) for kw in store.expiry]
            if method not in store.expiry_methods or all(
                _passed(call, kw, pos) is None for kw, pos in slots
            ):
                return True
    return False
