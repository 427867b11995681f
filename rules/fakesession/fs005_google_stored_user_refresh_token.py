"""LLC-FS-005: Google user credentials rebuilt from a stored refresh token."""

from __future__ import annotations

import libcst as cst

from scanner.api import (
    ALNUM,
    GOOGLE_USER_CREDENTIALS,
    Category,
    CredentialSource,
    FileKind,
    Invalid,
    KeepAlive,
    Lifetime,
    Precision,
    PythonDocument,
    PythonRule,
    Reach,
    RuleContext,
    RuleMeta,
    Severity,
    Sink,
    SinkKind,
    Valid,
    analyse,
    authorized_user_file,
    call_argument,
    fake_token,
    is_placeholder_literal,
    related,
)

_CREDENTIALS = GOOGLE_USER_CREDENTIALS
_FROM_FILE = _CREDENTIALS + ".from_authorized_user_file"
_FROM_INFO = _CREDENTIALS + ".from_authorized_user_info"
_INTERACTIVE = frozenset({"run_local_server", "run_console", "authorization_url"})

_RT = "1//0e" + fake_token("", 60, ALNUM + "-_", seed=31)


class GoogleStoredUserRefreshToken(PythonRule):
    """## What it does
    Flags `google.oauth2.credentials.Credentials(..., refresh_token=R, ...)` when `R` is a
    literal or static configuration (a constant, the environment, settings, a file, the
    keyring), and `Credentials.from_authorized_user_file(path)` /
    `Credentials.from_authorized_user_info(info)` with a path or info the code stores, in a
    module with no interactive sign-in (`google_auth_oauthlib`'s `InstalledAppFlow`/`Flow`,
    `run_local_server`, `authorization_url`). Service-account credentials and
    `google.auth.default()` are not user credentials and are not reported.

    ## Why is this bad?
    These are a person's OAuth user credentials. Copied into a cron job or a service, the
    refresh token becomes the machine's standing credential: Google user refresh tokens do
    not expire by time, so whoever copies the file or variable keeps the person's access
    until someone revokes the grant (OWASP NHI7 Long-Lived Secrets, NHI10 Human Use of NHI).

    ## Example
    ```python
    from google.oauth2.credentials import Credentials

    creds = Credentials.from_authorized_user_file("token.json", SCOPES)  # in a cron job
    ```

    Use instead:
    ```python
    import google.auth

    # A service account through workload identity (GKE, Workload Identity Federation);
    # for user data, domain-wide delegation through an impersonated service account.
    creds, _ = google.auth.default(scopes=SCOPES)
    ```

    ## References
    - Google Identity, refresh token expiration: https://developers.google.com/identity/protocols/oauth2#expiration
    - Google Cloud, workload identity federation: https://cloud.google.com/iam/docs/workload-identity-federation
    - OWASP NHI7:2025 Long-Lived Secrets; NHI10:2025 Human Use of NHI
    """

    META = RuleMeta(
        id="LLC-FS-005",
        name="google-stored-user-refresh-token",
        summary="Google user credentials rebuilt from a stored refresh token",
        category=Category.FAKE_SESSION,
        severity=Severity.MEDIUM,
        precision=Precision.HIGH,
        owasp=("NHI7", "NHI10"),
        fix="Use a service account through workload identity (GKE Workload Identity, Workload "
        "Identity Federation) and, for user data, domain-wide delegation through an impersonated "
        "service account, not a copied user refresh token.",
        kinds=frozenset({FileKind.PYTHON}),
        triggers=("google.oauth2",),
    )

    VALID = [
        # The catalogue's negative and rules.md 2.3.3: the default (workload) credentials.
        Valid(
            "import google.auth\n"
            "from google.oauth2 import service_account\n"
            "creds, _ = google.auth.default(scopes=SCOPES)\n"
        ),
        # Google's desktop quickstart: an interactive sign-in lives in the same module.
        Valid(
            "import os\n"
            "from google.auth.transport.requests import Request\n"
            "from google.oauth2.credentials import Credentials\n"
            "from google_auth_oauthlib.flow import InstalledAppFlow\n"
            "creds = None\n"
            'if os.path.exists("token.json"):\n'
            '    creds = Credentials.from_authorized_user_file("token.json", SCOPES)\n'
            "if not creds or not creds.valid:\n"
            "    if creds and creds.expired and creds.refresh_token:\n"
            "        creds.refresh(Request())\n"
            "    else:\n"
            '        flow = InstalledAppFlow.from_client_secrets_file("credentials.json", SCOPES)\n'
            "        creds = flow.run_local_server(port=0)\n"
        ),
        # An access token alone (no refresh), a spread we cannot see into, and library code
        # whose user info is a parameter.
        Valid(
            "from google.oauth2.credentials import Credentials\n"
            "short = Credentials(token=ACCESS_TOKEN)\n"
            "spread = Credentials(**INFO)\n"
            "def for_user(user):\n"
            "    return Credentials.from_authorized_user_info(user.google_token, SCOPES)\n"
        ),
        # rules.md 2.3.4: a web app rebuilding the signed-in user's credentials from the session.
        Valid(
            "import flask\n"
            "from google.oauth2 import credentials\n"
            "def drive_files():\n"
            '    creds = credentials.Credentials(**flask.session["credentials"])\n'
            '    rt = flask.session["credentials"]["refresh_token"]\n'
            "    return credentials.Credentials(None, refresh_token=rt, token_uri=URI)\n"
        ),
    ]
    INVALID = [
        Invalid(
            "from google.oauth2.credentials import Credentials\n"
            'creds = Credentials.from_authorized_user_file("token.json", SCOPES)  '
            "# expect: LLC-FS-005\n"
        ),
        # Aliased module import, the refresh token from the environment.
        Invalid(
            "import os\n"
            "from google.oauth2 import credentials as gcreds\n"
            "creds = gcreds.Credentials(  # expect: LLC-FS-005\n"
            "    None,\n"
            '    refresh_token=os.environ["GOOGLE_REFRESH_TOKEN"],\n'
            '    token_uri="https://oauth2.googleapis.com/token",\n'
            "    client_id=CID, client_secret=CS)\n"
        ),
        # The whole authorized-user JSON in an environment variable.
        Invalid(
            "import json, os\n"
            "from google.oauth2.credentials import Credentials\n"
            'info = json.loads(os.environ["GOOGLE_AUTHORIZED_USER"])\n'
            "creds = Credentials.from_authorized_user_info(info, SCOPES)  # expect: LLC-FS-005\n"
        ),
        # A literal refresh token in a module constant, passed positionally.
        Invalid(
            "import google.oauth2.credentials\n"
            f'REFRESH = "{_RT}"\n'
            "creds = google.oauth2.credentials.Credentials(None, REFRESH, None, URI, CID, CS)  "
            "# expect: LLC-FS-005\n"
        ),
        # The file path comes from the environment; the loop makes it worse (LLC-FS-002).
        Invalid(
            "import os, time\n"
            "from google.auth.transport.requests import Request\n"
            "from google.oauth2.credentials import Credentials\n"
            'creds = Credentials.from_authorized_user_file(os.environ["TOKEN_FILE"])  '
            "# expect: LLC-FS-005\n"
            "while True:\n"
            "    creds.refresh(Request())\n"
            "    time.sleep(1800)\n"
        ),
    ]

    def __init__(self, context: RuleContext, doc: PythonDocument) -> None:
        super().__init__(context, doc)
        self._interactive: bool | None = None

    def visit_Call(self, node: cst.Call) -> None:
        names = self.doc.qualified_names(node.func)
        source: CredentialSource | None = None
        if _CREDENTIALS in names:
            refresh = call_argument(node, 1, "refresh_token")
            if refresh is not None and not _is_none(refresh):
                source = self.doc.credential_source(refresh, node)
        elif names & {_FROM_FILE, _FROM_INFO} and not self._has_interactive_flow():
            if _FROM_FILE in names:
                source = authorized_user_file(self.doc, node)
            else:
                info = call_argument(node, 0, "info")
                if info is not None:
                    inner = self.doc.dict_value(info, "refresh_token", node)
                    target = inner if inner is not None else info
                    source = self.doc.credential_source(target, node)
        if source is None or not source.stored:
            return
        if is_placeholder_literal(source, self.context.is_placeholder):
            return
        limit = self.context.thresholds.refresh_token_max_lifetime
        keep = next(
            (
                k
                for k in analyse(self.doc, limit).keep_alives
                if not k.covered
                and any(r.sink.at is node for r in k.reaches)
            ),
            None,
        )
        message = (
            "Google user credentials rebuilt from a stored refresh token "
            f"({source.description}): "
            "a person's grant becomes the workload's standing credential, and Google user "
            "refresh tokens do not expire by time"
            + (f"; {keep.how} refreshes it for ever." if keep is not None else ".")
        )
        self.report(
            node,
            message,
            lifetime=Lifetime.never() if keep is not None else Lifetime.unknown(),
            severity=Severity.INFO if self.doc.is_test_code else None,
            related=_related(source, keep, node),
            secrets=[source.value] if source.value else [],
        )

    def _has_interactive_flow(self) -> bool:
        if self._interactive is None:
            self._interactive = self.doc.imports_from("google_auth_oauthlib") or any(
                isinstance(c.func, cst.Attribute) and c.func.attr.value in _INTERACTIVE
                for c in self.doc.calls()
            )
        return self._interactive


def _related(
    source: CredentialSource, keep: KeepAlive | None, node: cst.Call
) -> list[tuple[cst.CSTNode, str]]:
    reach = Reach(Sink(node, SinkKind.GOOGLE_REFRESH, None, node, source), source)
    return related([reach], keep, node, sinks=False)


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"
