"""LLC-PY-007: a static bearer token or API key written into an HTTP client call."""

from __future__ import annotations

import base64
import binascii
import re

import libcst as cst

from scanner.api import (
    CREDENTIAL_HEADERS,
    Category,
    Evidence,
    FileKind,
    Invalid,
    Lifetime,
    Precision,
    PythonDocument,
    PythonRule,
    RuleContext,
    RuleMeta,
    Severity,
    SlotForm,
    Valid,
    credential_format,
    credential_shaped,
    fake_token,
    is_known_example,
    password_value,
    sample_severity,
    slot_calls,
    slot_methods,
    slot_params,
    string_value,
)

# HTTP clients, basic-auth classes and credential headers: the CREDENTIAL_SLOTS registry.
_RULE = "LLC-PY-007"
#: Call -> {"headers": position, "auth": position} of each HTTP call or client.
_HTTP_PARAMS = slot_params(_RULE, SlotForm.HTTP)
_HTTP_CALLS = frozenset(_HTTP_PARAMS)
#: Methods of session and client objects whose receiver we may not be able to resolve.
_METHODS = slot_methods(_RULE, SlotForm.HTTP)
_BASIC_AUTH = slot_calls(_RULE, SlotForm.BASIC_AUTH)
_SCHEME = re.compile(r"(?i)^(?:bearer|token|basic|bot|sso-key)\s+(\S{16,})$")
_KEY_HEADERS = CREDENTIAL_HEADERS - {"authorization"}
_MIN_PASSWORD = 12
_BASIC = re.compile(r"(?i)^basic\s")
#: Rule examples pretend to sit in ``app/example.py``, an example path (``sample_severity``).
_APP = "app/client.py"

_BEARER = fake_token("", 40, seed=21)
_GITHUB = fake_token("ghp_", 36, seed=22)
_API_KEY = fake_token("", 32, seed=23)
_PASSWORD = fake_token("", 20, seed=24)
_BASIC_DEPLOY = base64.b64encode(f"deploy:{_PASSWORD}".encode()).decode()


class StaticBearerToken(PythonRule):
    """## What it does
    Flags a fixed credential written into an HTTP call with `requests`, `httpx`, `aiohttp`,
    `urllib` or `urllib3`:
    - a `headers` dict (inline, a module constant, or a session's `headers.update(...)` /
      `headers[...] = ...`) with `Authorization: Bearer|Token|Basic <literal>`, or an API-key
      header (`X-API-Key`, `PRIVATE-TOKEN`, `X-Vault-Token`, ...) holding a random-looking
      literal;
    - `auth=("user", "<literal password>")` or `HTTPBasicAuth("user", "<literal>")`.

    Values built at run time (`f"Bearer {get_token()}"`, environment reads, parameters),
    placeholders, published samples (RFC 7617's `Aladdin:open sesame`, RFC 2617's Mufasa),
    passwords the shared password gate rejects (words, common passwords; a `Basic` header is
    decoded and its password judged the same way), and calls by path on an object that is not
    known to be an HTTP client (a test client calling `client.get("/api/me", ...)`) are not
    reported. A value found by the header or parameter it sits in, not by a provider format,
    is reported at `info` in tests, fixtures, examples and docs, as LLC-SRC-014 does there; a
    provider-format token (`ghp_...`) keeps its severity wherever it is.

    ## Why is this bad?
    A token pasted into code never changes: it is in every clone and image, it has to stay
    valid for the code to work, so it is minted without expiry or renewed for ever (OWASP NHI2
    Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```python
    requests.get(url, headers={"Authorization": "Bearer eyJhbGciOi..."})
    ```

    Use instead:
    ```python
    token = token_client.fetch(audience=API)  # OIDC / STS / Vault, minutes of validity
    requests.get(url, headers={"Authorization": f"Bearer {token}"})
    ```

    ## References
    - RFC 6750, bearer token usage: https://www.rfc-editor.org/rfc/rfc6750
    - OWASP NHI2:2025 Secret Leakage
    """

    META = RuleMeta(
        id="LLC-PY-007",
        name="static-bearer-token",
        summary="Static bearer or API token in an HTTP client",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Fetch the bearer token per task from a token service (OIDC with workload "
        "attestation, STS, Vault with a short TTL) and never embed it in code.",
        kinds=frozenset({FileKind.PYTHON}),
        # Import statements, not the bare words ("requests" is in most docstrings).
        triggers=(
            "import requests",
            "from requests",
            ", requests",
            "import httpx",
            "from httpx",
            ", httpx",
            "aiohttp",
            "urllib.request",
            "urllib import request",
            "urllib3",
        ),
        # An Authorization or API-key header, or an auth= pair, must be spelled somewhere.
        requires=(
            "authorization",
            "token",
            "api-key",
            "api_key",
            "apikey",
            "auth",
            "secret",
            "passw",
        ),
    )

    VALID = [
        Valid(
            "import requests\n"
            'r = requests.get(url, headers={"Authorization": f"Bearer {get_token()}"})\n',
            path=_APP,
        ),
        # Environment reads, parameters, placeholders and short values.
        Valid(
            "import os, httpx\n"
            'TOKEN = os.environ["API_TOKEN"]\n'
            'client = httpx.Client(headers={"Authorization": "Bearer " + TOKEN})\n'
            "def call(token):\n"
            '    return httpx.get(URL, headers={"X-API-Key": token})\n',
            path=_APP,
        ),
        Valid(
            "import requests\n"
            'HEADERS = {"Authorization": "Bearer <YOUR_TOKEN_HERE>", "Accept": "text/plain"}\n'
            "r = requests.get(url, headers=HEADERS)\n"
            'r = requests.get(url, auth=("admin", "admin"))\n',
            path=_APP,
        ),
        # A test client calling the app under test by path.
        Valid(
            "import httpx\n"
            "def test_me(client):\n"
            f'    r = client.get("/api/me", headers={{"Authorization": "Bearer {_BEARER}"}})\n',
            path=_APP,
        ),
        # Published samples (RFC 2617 digest, RFC 7617 basic) and typed words as passwords.
        Valid(
            "import httpx\n"
            'auth = httpx.DigestAuth(username="Mufasa", password="CircleOfLife")\n'
            'r = httpx.get(url, headers={"Authorization": "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="})\n'
            'r = httpx.get(url, auth=("deploy", "DeploymentUser"))\n',
            path=_APP,
        ),
        # A value found by its parameter alone, in a test: informational (LLC-SRC-014's policy).
        Valid(
            "import httpx\n"
            "def test_digest(server):\n"
            f'    auth = httpx.DigestAuth(username="bot", password="{_PASSWORD}")\n'
            f'    r = httpx.get(server.url, headers={{"X-API-Key": "{_API_KEY}"}}, auth=auth)\n',
            path="tests/test_auth.py",
        ),
        # A header that is not a credential; the same literal outside any HTTP call.
        Valid(
            "import requests\n"
            'r = requests.post(url, headers={"Content-Type": "application/json",'
            ' "User-Agent": "deploy-bot/1.0 (build-2024)"})\n'
            f'EXAMPLE = {{"Authorization": "Bearer {_BEARER}"}}\n',
            path=_APP,
        ),
    ]
    INVALID = [
        Invalid(
            "import requests\n"
            f'r = requests.get(url, headers={{"Authorization": "Bearer {_BEARER}"}})'
            "  # expect: LLC-PY-007\n",
            path=_APP,
        ),
        # Through a module constant, an aliased import and a session object.
        Invalid(
            "import httpx as h\n"
            f'HEADERS = {{"authorization": "token {_GITHUB}"}}  # expect: LLC-PY-007\n'
            "def client():\n"
            "    return h.Client(base_url=API, headers=HEADERS)\n",
            path=_APP,
        ),
        Invalid(
            "def fetch(url):\n"
            "    import requests as rq\n"
            "    s = rq.Session()\n"
            f'    s.headers.update({{"X-API-Key": "{_API_KEY}"}})  # expect: LLC-PY-007\n'
            "    return s.get(url)\n",
            path=_APP,
        ),
        Invalid(
            "from requests.auth import HTTPBasicAuth as Basic\n"
            "import requests\n"
            f'r = requests.get(url, auth=Basic("deploy", "{_PASSWORD}"))  # expect: LLC-PY-007\n'
            f'r = requests.get(url, auth=("deploy", "{_PASSWORD}x"))  # expect: LLC-PY-007\n',
            path=_APP,
        ),
        Invalid(
            "import aiohttp\n"
            "from urllib.request import Request\n"
            "async def main(url):\n"
            "    async with aiohttp.ClientSession() as session:\n"
            f'        await session.get(url, headers={{"PRIVATE-TOKEN": "{_API_KEY}"}})'
            "  # expect: LLC-PY-007\n"
            f'req = Request(URL, headers={{"Authorization": "Bearer {_BEARER}"}})'
            "  # expect: LLC-PY-007\n",
            path=_APP,
        ),
        # A provider-format token keeps its severity in a test; a Basic header's password.
        Invalid(
            "import httpx\n"
            "def test_repos():\n"
            f'    r = httpx.get(API, headers={{"Authorization": "token {_GITHUB}"}})'
            "  # expect: LLC-PY-007\n",
            path="tests/test_github.py",
        ),
        Invalid(
            "import requests\n"
            f'r = requests.get(url, headers={{"Authorization": "Basic {_BASIC_DEPLOY}"}})'
            "  # expect: LLC-PY-007\n",
            path=_APP,
        ),
    ]

    def __init__(self, context: RuleContext, doc: PythonDocument) -> None:
        super().__init__(context, doc)
        self._reported: set[tuple[int, str]] = set()  # a constant used by several calls

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        names = self.doc.qualified_names(func)
        is_http = not names.isdisjoint(_HTTP_CALLS)
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        if is_http or (method in _METHODS and not names and not self._relative_url(node)):
            row = next((_HTTP_PARAMS[n] for n in names if n in _HTTP_PARAMS), {})
            position = row.get("headers")
            headers = self.doc.argument(node, "headers", position)
            if headers is not None:
                self._headers(headers, node)
            auth = self.doc.argument(node, "auth")
            if auth is not None:
                self._auth_tuple(auth)
        elif not names.isdisjoint(_BASIC_AUTH):
            password = self.doc.argument(node, "password", 1)
            if password is not None:
                self._password(password)
        elif method == "update" and _is_headers(func):
            if node.args and not node.args[0].keyword:
                self._headers(node.args[0].value, node)
        elif method in ("add_header", "putheader") and len(node.args) == 2:
            key = self.doc.literal_string(node.args[0].value)
            if key is not None:
                self._header(key[0], node.args[1].value)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``session.headers["Authorization"] = "Bearer ..."``."""
        for target in node.targets:
            sub = target.target
            if (
                isinstance(sub, cst.Subscript)
                and _is_headers(sub.value)
                and len(sub.slice) == 1
                and isinstance(sub.slice[0].slice, cst.Index)
            ):
                key = string_value(sub.slice[0].slice.value)
                if key is not None:
                    self._header(key, node.value)

    # -- checks -----------------------------------------------------------------------------

    def _relative_url(self, node: cst.Call) -> bool:
        """``client.get("/api/me", ...)``: a test client or an app-relative call, not a remote."""
        if not node.args or node.args[0].keyword is not None:
            return False
        url = string_value(node.args[0].value)
        return url is not None and not url.lower().startswith(("http://", "https://", "ws"))

    def _headers(self, headers: cst.BaseExpression, at: cst.CSTNode) -> None:
        keys = self.doc.dict_keys(headers, at)
        if keys is None:
            literal = self.doc.resolve(headers, at)
            if not isinstance(literal, cst.Dict):
                return
            keys = frozenset(
                k
                for e in literal.elements
                if isinstance(e, cst.DictElement) and (k := string_value(e.key)) is not None
            )
        for key in keys:
            if key.lower() == "authorization" or key.lower() in _KEY_HEADERS:
                value = self.doc.dict_value(headers, key, at)
                if value is not None:
                    self._header(key, value)

    def _header(self, key: str, value: cst.BaseExpression) -> None:
        found = self.doc.literal_string(value)
        if found is None:
            return
        text, literal = found
        lowered = key.lower()
        if lowered == "authorization":
            match = _SCHEME.match(text.strip())
            if match is not None and _BASIC.match(text.strip()):
                password = _basic_password(match.group(1))
                if password is None and credential_shaped(match.group(1)):
                    self._report(literal, match.group(1), f"the `{key}` header")
                elif password is not None and self._password_gate(password):
                    self._report(literal, match.group(1), f"the `{key}` header (basic auth)")
            elif match is not None and credential_shaped(match.group(1)):
                self._report(literal, match.group(1), f"the `{key}` header")
            elif match is None and credential_shaped(text, random=True):
                self._report(literal, text, f"the `{key}` header")
        elif lowered in _KEY_HEADERS and credential_shaped(text, random=True):
            self._report(literal, text, f"the `{key}` header")

    def _auth_tuple(self, auth: cst.BaseExpression) -> None:
        value = self.doc.resolve(auth, auth)
        if isinstance(value, cst.Tuple) and len(value.elements) == 2:
            self._password(value.elements[1].value)

    def _password(self, password: cst.BaseExpression) -> None:
        found = self.doc.literal_string(password)
        if found is not None and self._password_gate(found[0]):
            self._report(found[1], found[0], "a basic-auth password")

    def _password_gate(self, value: str) -> bool:
        """The shared password judgement (SRC-023's), at this rule's minimum length: a word,
        a common password or a published sample is not a credential."""
        if credential_format(value) is not None:
            return True
        return len(value) >= _MIN_PASSWORD and password_value(value, self.context.is_placeholder)

    def _report(self, literal: cst.BaseExpression, value: str, where: str) -> None:
        if (
            self.context.is_placeholder(value)
            or is_known_example(value)
            or (id(literal), value) in self._reported
        ):
            return
        self._reported.add((id(literal), value))
        label = credential_format(value)
        # Found by where it sits, not by its format: sample data in tests, fixtures, examples
        # and docs (README "Tests, fixtures, examples and docs", graded as SRC-014 does).
        sample = None if label else sample_severity(self.doc.path, Evidence.NAME)
        self.report(
            literal,
            f"Static {label or 'credential'} as {where} of an HTTP client: it never changes, "
            "so it must never expire; fetch a short-lived token per task instead.",
            lifetime=Lifetime.static(),
            value=value,
            severity=Severity.CRITICAL if label else sample,
        )


def _basic_password(credentials: str) -> str | None:
    """The password of a ``Basic`` header's ``base64(user:password)``, or None if it is not one."""
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    _user, colon, password = decoded.partition(":")
    return password if colon and decoded.isprintable() else None


def _is_headers(node: cst.BaseExpression) -> bool:
    """``<anything>.headers``: a session's or client's default headers."""
    target = node.value if isinstance(node, cst.Attribute) and node.attr.value == "update" else node
    return isinstance(target, cst.Attribute) and target.attr.value == "headers"
