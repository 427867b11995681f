"""LLC-SRC-006: Google API keys and Google credential files (service-account keys, user ADC)."""

from __future__ import annotations

import re

from scanner.api import (
    ALL_KINDS,
    BASE64,
    Category,
    Evidence,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    catalogue,
    compile_pattern,
    fake_pem,
    fake_token,
    is_known_example,
    looks_fake,
    report_rows,
    sample_severity,
    shannon_entropy,
    standalone,
)

_RULE = "LLC-SRC-006"
_API_KEY = compile_pattern(r"AIza[A-Za-z0-9_-]{35}")
# JSON keys, also inside a JSON document embedded in a string (escaped quotes).
_Q = r'\\*"'
_TYPE = compile_pattern(_Q + r"type" + _Q + r"\s*:\s*" + _Q
                        + r"(?P<type>service_account|authorized_user)" + _Q)
_KEY_ID = compile_pattern(_Q + r"private_key_id" + _Q + r"\s*:\s*" + _Q
                          + r"(?P<id>[0-9a-f]{40})" + _Q)
_PRIVATE_KEY = compile_pattern(_Q + r"private_key" + _Q + r"\s*:\s*" + _Q
                               + r"-----BEGIN (?:RSA )?PRIVATE KEY-----")
_EMAIL = compile_pattern(_Q + r"client_email" + _Q + r"\s*:\s*" + _Q
                         + r"(?P<email>[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+)" + _Q)
_REFRESH = compile_pattern(_Q + r"refresh_token" + _Q + r"\s*:\s*" + _Q
                           + r"(?P<token>[A-Za-z0-9/_.-]{20,512})" + _Q)
_CLIENT_SECRET = compile_pattern(_Q + r"client_secret" + _Q + r"\s*:")
_ESCAPES = re.compile(r"\\+[nrt]")
_BASE64_CHARS = re.compile(r"[A-Za-z0-9+/=]")
_WINDOW = 6000  # characters around "type" in which the rest of the same JSON object sits
_MIN_PEM_BODY = 64  # base64 characters: fewer is an elided sample ("MIIE...")
_MIN_ENTROPY = 3.5
# Keys meant to be public: Firebase client configs and mobile app config files. Their API keys
# are restricted by app and referrer, not secret (reported at info).
_PUBLIC_CONTEXT = compile_pattern(
    r"(?i)firebase|authDomain|messagingSenderId|measurementId|current_key|GoogleService-Info"
)
_PUBLIC_FILES = ("google-services.json", "googleservice-info.plist")
_PUBLIC_LINES = 4  # lines around an API key searched for a public-client context

_KEY = fake_token("AIza", 35, BASE64.replace("+", "-").replace("/", "_"), seed=71)
_KEY_2 = fake_token("AIza", 35, seed=72)
_KEY_ID_HEX = fake_token("", 40, "0123456789abcdef", seed=73)
_PEM_JSON = fake_pem("PRIVATE KEY", seed=74).replace("\n", "\\n") + "\\n"
_REFRESH_TOKEN = "1//0" + fake_token("", 100, BASE64.replace("+", "-").replace("/", "_"), seed=75)
_CLIENT_SECRET_VALUE = "GOCSPX-" + fake_token("", 28, seed=76)
_REFRESH_2 = "1//0" + fake_token("", 100, seed=77)


def _sa_json(key_id: str = _KEY_ID_HEX, pem: str = _PEM_JSON) -> str:
    return (
        "{\n"
        '  "type": "service_account",\n'
        '  "project_id": "prod-123",\n'
        f'  "private_key_id": "{key_id}",\n'
        f'  "private_key": "{pem}",\n'
        '  "client_email": "deploy@prod-123.iam.gserviceaccount.com",\n'
        '  "token_uri": "https://oauth2.googleapis.com/token"\n'
        "}\n"
    )


class GoogleApiOrServiceAccountKey(TextRule):
    """## What it does
    Finds Google API keys (`AIza` and 35 characters) and Google credential files in any text
    file: a JSON object with `"type": "service_account"` and a real `private_key` (a
    user-managed service-account key, also when the JSON sits inside a string in YAML or
    `.env`), and `"type": "authorized_user"` application-default credentials holding a
    refresh token. The finding for a service-account key is on its `private_key_id`, so it
    stays separate from LLC-SRC-007, which reports the PEM block inside the same file.
    OAuth client secrets (`GOCSPX-`, no expiry) and OAuth refresh tokens (`1//0`, no expiry)
    are reported wherever they appear; they are rows of the provider table.

    Workload Identity Federation configs (`"type": "external_account"`) hold no secret and are
    never reported. API keys in Firebase configs and mobile app config files
    (`google-services.json`, `GoogleService-Info.plist`) are public client identifiers by
    design and are reported at `info` only; they still deserve API restrictions, since an
    unrestricted key can call any API enabled in its project (Gemini included). So are the
    public keys that open-source projects ship and other scanners allowlist. An API key has
    no checksum, so in tests, fixtures, examples and documentation it is graded `low` (the
    noise policy); service-account key files keep their severity there.

    ## Why is this bad?
    A user-managed service-account key never expires unless an organisation policy sets a
    key expiry: whoever copies the JSON acts as the service account until the key is deleted.
    A user's refresh token acts as that person until revoked, and an API key works until
    someone deletes or restricts it (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```json
    {"type": "service_account", "private_key_id": "…",
     "private_key": "-----BEGIN PRIVATE KEY-----\\n…"}
    ```

    Use instead:
    ```yaml
    # GitHub Actions: Workload Identity Federation, no key file
    - uses: google-github-actions/auth@v2
      with:
        workload_identity_provider: ${{ vars.WIF_PROVIDER }}  # projects/…/providers/github
        service_account: deploy@prod-123.iam.gserviceaccount.com
    ```

    ## References
    - Service-account keys and their risks: https://cloud.google.com/iam/docs/service-account-creds#user-managed-keys
    - Disable key creation (`iam.disableServiceAccountKeyCreation`): https://cloud.google.com/resource-manager/docs/organization-policy/restricting-service-accounts
    - API keys and restrictions: https://cloud.google.com/docs/authentication/api-keys
    - Firebase API keys are not secret: https://firebase.google.com/docs/projects/api-keys
    - gitleaks `gcp-api-key`
    """

    META = RuleMeta(
        id=_RULE,
        name="google-api-or-service-account-key",
        summary="Google API key, service-account key or user credentials in a file",
        category=Category.STATIC_SECRET,
        severity=Severity.HIGH,
        precision=Precision.VERY_HIGH,
        owasp=("NHI2", "NHI7"),
        fix="Delete the key (gcloud iam service-accounts keys delete), enforce "
        "iam.disableServiceAccountKeyCreation, and authenticate with Workload Identity "
        "Federation or an attached service account.",
        kinds=ALL_KINDS,
        # The OAuth client secret (GOCSPX-) and refresh token (1//0) formats are table rows.
        triggers=("aiza", "service_account", "authorized_user", *catalogue.triggers(_RULE)),
    )

    VALID = [
        Valid('{\n  "type": "external_account",\n  "audience": "//iam.googleapis.com/projects/1/'
              'locations/global/workloadIdentityPools/ci/providers/gh",\n'
              '  "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",\n'
              '  "credential_source": { "file": "/var/run/token" }\n}\n', path="gcp/wif.json"),
        # A Firebase web config: public by design (info only).
        Valid("const firebaseConfig = {\n"
              f'  apiKey: "{_KEY}",\n'
              '  authDomain: "shop-1.firebaseapp.com",\n  projectId: "shop-1",\n};\n',
              path="web/src/firebase.js"),
        Valid("GOOGLE_API_KEY=${GOOGLE_API_KEY}\nMAPS_KEY=AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n",
              path=".env.example"),
        # Documentation with an elided key, and code that reads the type.
        Valid(_sa_json("0123456789abcdef0123456789abcdef01234567",
                       "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg...\\n"
                       "-----END PRIVATE KEY-----\\n"), path="docs/credentials.md"),
        Valid(f"GOOGLE_CLIENT_SECRET=GOCSPX-{'x' * 28}\nREFRESH=1//0<refresh-token>\n",
              path=".env.example"),
        Valid('if info.get("type") == "service_account":\n'
              '    creds = Credentials.from_service_account_info(info)\n', path="app/gcp.py"),
    ]
    INVALID = [
        Invalid(f'const MAPS_KEY = "{_KEY_2}"; // expect: LLC-SRC-006\n', path="web/src/maps.js"),
        Invalid(_sa_json(), path="deploy/sa-key.json", lines=(4,)),
        Invalid(
            "env:\n  GOOGLE_CREDENTIALS: '"
            + _sa_json().replace("\n", " ")
            + "'  # expect: LLC-SRC-006\n",
            path=".github/workflows/deploy.yml",
        ),
        Invalid(
            '{\n  "client_id": "7648-abc.apps.googleusercontent.com",\n'
            '  "client_secret": "<the gcloud client secret>",\n'
            f'  "refresh_token": "{_REFRESH_TOKEN}",\n  "type": "authorized_user"\n}}\n',
            path="home/.config/gcloud/application_default_credentials.json",
            lines=(4,),
        ),
        Invalid(f"GOOGLE_CLIENT_SECRET={_CLIENT_SECRET_VALUE}  # expect: LLC-SRC-006\n"
                f"GOOGLE_REFRESH_TOKEN={_REFRESH_2}  # expect: LLC-SRC-006\n", path=".env"),
    ]

    def check(self, doc: TextDocument) -> None:
        # Cheap substring guards first: the patterns below start with no literal RE2 can skip to.
        if "AIza" in doc.text:
            self._api_keys(doc)
        if "service_account" in doc.text or "authorized_user" in doc.text:
            self._credential_files(doc)
        # Table rows last, away from what a credential file already reported.
        done = [(r.target.start, r.target.end) for r in self.reports
                if isinstance(r.target, Span)]
        report_rows(self, doc, _RULE, skip=done)

    def _api_keys(self, doc: TextDocument) -> None:
        text = doc.text
        public_file = doc.path.lower().rsplit("/", 1)[-1] in _PUBLIC_FILES
        for match in _API_KEY.finditer(text):
            start, end = match.start(), match.end()
            key = match.group()
            if (not standalone(text, start, end) or self.context.is_placeholder(key)
                    or looks_fake(key[4:])):
                continue
            if is_known_example(key):
                self.report(Span(start, end), "Well-known public Google API key shipped in "
                            "open-source code (not a secret of this repository).",
                            lifetime=Lifetime.static(), value=key, severity=Severity.INFO)
                continue
            line = doc.position(start)[0]
            nearby = "\n".join(doc.line_text(n) for n in range(line - _PUBLIC_LINES,
                                                               line + _PUBLIC_LINES + 1))
            if public_file or _PUBLIC_CONTEXT.search(nearby):
                self.report(Span(start, end),
                            "Google API key in a Firebase or mobile app config: a public "
                            "client identifier, safe only with API and app restrictions.",
                            lifetime=Lifetime.static(), value=key, severity=Severity.INFO)
                continue
            # Noise policy: an AIza key carries no checksum, so in tests, fixtures, examples
            # and docs it is graded low.
            self.report(Span(start, end),
                        "Google API key committed to a file: it does not expire and works "
                        "for every API its restrictions allow until it is deleted.",
                        lifetime=Lifetime.static(), value=key,
                        severity=sample_severity(doc.path, Evidence.SHAPE))

    def _credential_files(self, doc: TextDocument) -> None:
        text = doc.text
        for match in _TYPE.finditer(text):
            lo = max(0, match.start() - _WINDOW)
            window = text[lo : match.end() + _WINDOW]
            if match.group("type") == "service_account":
                self._service_account(lo, window)
            else:
                self._authorized_user(lo, window)

    def _service_account(self, lo: int, window: str) -> None:
        pem = _PRIVATE_KEY.search(window)
        block = _pem_block(window, pem.end()) if pem is not None else None
        if block is None:
            return
        email = _EMAIL.search(window)
        who = f" for {email.group('email')}" if email else ""
        message = (f"Google Cloud service-account key{who} committed to a file: user-managed "
                   "keys never expire unless an organisation policy sets a key expiry.")
        key_id = _KEY_ID.search(window)
        if key_id is not None and not looks_fake(key_id.group(1)):
            span = Span(lo + key_id.start(1), lo + key_id.end(1))
            self.report(span, message, lifetime=Lifetime.static(), value=key_id.group(1),
                        severity=Severity.CRITICAL, secrets=[block])
            return
        type_match = _TYPE.search(window)
        if type_match is not None:
            span = Span(lo + type_match.start(), lo + type_match.end())
            self.report(span, message, lifetime=Lifetime.static(), severity=Severity.CRITICAL,
                        secrets=[block])

    def _authorized_user(self, lo: int, window: str) -> None:
        token = _REFRESH.search(window)
        if token is None or _CLIENT_SECRET.search(window) is None:
            return
        value = token.group("token")
        if self.context.is_placeholder(value) or looks_fake(value.lstrip("1/")):
            return
        self.report(
            Span(lo + token.start(1), lo + token.end(1)),
            "Google user credentials (application-default login) with a refresh token "
            "committed to a file: it acts as that person and does not expire until revoked.",
            lifetime=Lifetime.never(),
            value=value,
        )


def _pem_block(window: str, body_start: int) -> str | None:
    """The PEM block (BEGIN to END marker) whose body starts at ``body_start``, if it is real.

    Real means long and random enough, with an END marker: documentation elides the body.
    The block is handed to the engine as a secret, so no snippet shows it.
    """
    end = window.find("-----END", body_start, body_start + 16384)
    close = window.find("-----", end + 8) if end != -1 else -1
    if close == -1:
        return None
    raw = window[body_start:end]
    if "..." in raw or "…" in raw:
        return None  # base64 has no dots: an elided documentation sample
    body = "".join(_BASE64_CHARS.findall(_ESCAPES.sub("\n", raw)))
    if len(body) < _MIN_PEM_BODY or shannon_entropy(body) < _MIN_ENTROPY:
        return None
    return window[window.rfind("-----BEGIN", 0, body_start) : close + 5]
