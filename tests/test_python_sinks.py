"""The SINKS table and the layering of ``scanner/documents/python/`` (issue 10, step 1).

The table replaced a hand-kept ladder of method names and a hand-kept gate list: these tests pin
that the gate still covers exactly the old names and that each method has one row.
"""

from __future__ import annotations

import ast
from pathlib import Path

from scanner.documents.python import PythonDocument
from scanner.documents.python.libraries.model import SinkKind
from scanner.documents.python.libraries.sinks import SINK_METHODS, SINKS, find_sink

_UPWARD = ("scanner.api", "scanner.engine", "scanner.registry", "outlive_rules")
PACKAGE = Path(__file__).resolve().parent.parent / "scanner" / "documents" / "python"

#: The gate as it was hand-kept in rules/fakesession/_sessions.py before the table.
OLD_GATE = {
    "post", "request", "Request", "urlopen", "refresh_token", "fetch_token",
    "fetch_access_token", "refresh", "acquire_token_by_refresh_token",
    "acquire_token_for_client", "get_session_token", "get_federation_token", "assume_role",
    "renew_self", "renew_self_token", "renew_token", "renew", "login", "auth_approle",
    "auth_userpass", "oauth_v2_access", "tooling_tokens_rotate", "get_access_token",
}  # fmt: skip


def test_the_gate_is_the_union_of_the_rows_and_keeps_the_old_names() -> None:
    assert {m for spec in SINKS for m in spec.methods} == SINK_METHODS
    assert OLD_GATE <= SINK_METHODS


def test_rows_have_unique_ids_and_a_grade() -> None:
    """Every row says what it mints, for how long, from what, and which rule owns it."""
    ids = [spec.id for spec in SINKS]
    assert len(ids) == len(set(ids))
    assert len(SINKS) >= 30
    for spec in SINKS:
        assert spec.issues, spec.id
        assert spec.lifetime, spec.id
        assert spec.consumes, spec.id
        assert spec.rule.startswith("LLC-FS-00"), spec.id
        assert spec.triggers, spec.id


def test_every_sink_kind_is_minted_by_some_row() -> None:
    assert set(SinkKind) == {kind for spec in SINKS for kind in spec.mints}


def _sinks(code: str) -> list[tuple[str, SinkKind]]:
    doc = PythonDocument("app.py", code, now=0.0)
    out = []
    for call in doc.calls():
        found = find_sink(doc, call)
        if found is not None:
            out.append((doc.code(found.call.func), found.kind))
    return out


def test_rows_find_their_sinks() -> None:
    code = (
        "import requests, hvac, msal\n"
        "from github import GithubIntegration\n"
        "requests.post(URL, data={'grant_type': 'refresh_token', 'refresh_token': RT})\n"
        "GithubIntegration(1, KEY).get_access_token(2)\n"
        "client = hvac.Client(url=U, token=T)\n"
        "client.auth.token.renew_self()\n"
        "client.renew()\n"  # a bare renew counts only on auth.token
        "msal.PublicClientApplication(C).acquire_token_by_refresh_token(RT, S)\n"
    )
    assert _sinks(code) == [
        ("requests.post", SinkKind.REFRESH_GRANT),
        ("GithubIntegration(1, KEY).get_access_token", SinkKind.GITHUB_APP),
        ("client.auth.token.renew_self", SinkKind.VAULT_RENEW),
        (
            "msal.PublicClientApplication(C).acquire_token_by_refresh_token",
            SinkKind.MSAL_REFRESH,
        ),
    ]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_analysis_imports_the_document_class() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "document.py" or (path.name == "__init__.py" and path.parent == PACKAGE):
            continue  # the document, and the package's exports, put the floors together
        imports = _imports(path)
        assert "scanner.documents.python.document" not in imports, path
        assert "scanner.documents.python.PythonDocument" not in imports, path
        upward = {i for i in imports if i.startswith(_UPWARD)}
        assert not upward, (path, upward)


def test_modules_stay_under_600_lines() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path
