"""LLC-SRC-014: a literal secret assigned to a credential-named key (low confidence)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    CODE_SUFFIXES,
    CREDENTIAL_KEYWORDS,
    ENCRYPTED_CONTEXT,
    Category,
    Invalid,
    Lifetime,
    Precision,
    RuleMeta,
    Severity,
    Span,
    TextDocument,
    TextRule,
    Valid,
    assignment_pattern,
    bare_value_ends,
    code_lines,
    compile_pattern,
    credential_value,
    fake_token,
    is_password_key,
    password_value,
    path_class,
)

# key (ending in a credential word), an optional closing quote or bracket, an optional type
# annotation, the operator, then a quoted value or a bare one (bare only outside code).
_ASSIGNMENT = compile_pattern(assignment_pattern(CREDENTIAL_KEYWORDS))
# ~/.netrc and _netrc: whitespace-separated `machine HOST login USER password SECRET`.
_NETRC_NAMES = frozenset({".netrc", "_netrc"})
_NETRC_PASSWORD = re.compile(r"(?:^|\s)password\s+(\S+)")
_MAX_LINE = 1000  # minified or generated lines: not where people assign secrets by hand


_TOKEN = fake_token("", 24, ALNUM, seed=501)
_PASSWORD = fake_token("", 14, ALNUM + "!#%+", seed=502)
_HEX_KEY = fake_token("", 32, "0123456789abcdef", seed=503)


def _ejson(seed: int) -> str:
    """Shopify ejson ciphertext: ``EJ[1:<public key>:<nonce>:<box>]``, each part base64."""
    parts = (fake_token("", n, ALNUM + "+/", seed=seed + n) for n in (43, 32, 76))
    return "EJ[1:" + ":".join(f"{part}=" if len(part) == 43 else part for part in parts) + "]"


class GenericSecretAssignment(TextRule):
    """## What it does
    Finds a literal assigned to a key or variable named like a credential, in any file:
    `INTERNAL_API_TOKEN = "..."`, `"client_secret": "..."`, `apiKey: "..."`,
    `token: str = "..."`, in code and config of every language (the key forms are shared with
    LLC-SRC-023). The key must end in a credential word (`secret`, `api_key`, `token`,
    `access_token`, `client_secret`, `private_key`, `credentials`, ...); keys named like a
    password are LLC-SRC-023's, which judges them as passwords. The value must be a literal of
    at least 16 characters with no spaces, that looks generated rather than typed. These never
    fire: references and env reads (`${X}`, `$X`, `{{ x }}`, `os.environ[...]`,
    `process.env.X`, `settings.X`, `op://`, ARNs), ciphertext (`!vault`, SOPS `ENC[...]`,
    Jasypt `ENC(...)`, ejson `EJ[1:...]`, KMS blobs `AQICAH...`, age and PGP armour,
    Jenkins `{AQAAAB...}`, a value under `secure:`), placeholders, booleans, numbers, UUIDs, file
    paths, URLs (LLC-SRC-013 handles credentials in URLs), function calls, environment variable
    names, words and camelCase names, sequential strings (`abc123def456`), hashes
    (`sha256:...`), publishable and test keys (`pk_live_`, `sk_test_`), JWTs (LLC-SRC-012
    judges them), pagination, CSRF and tokenizer tokens, keys that name a reference
    (`token_url`, `secret_name`), typed strings (two keyboard runs such as `asd`, `sdf`;
    base64 of prose), URL query parameters (`?pwd=`), and lines longer than 1000 characters
    (minified or generated). Shannon entropy (3.5 bits per character, 3.0 for hex) breaks the
    tie for what is left. In code files only quoted values count: a bare right-hand side is
    an expression. A more specific rule on the same value replaces this finding, and one value
    found at several places of a file is one finding with the copies as related locations.

    Noise policy: in tests, fixtures, examples and documentation (`tests/`, `test_*.py`,
    `*.spec.ts`, `examples/`, `.env.example`, `docs/`, `*.md`, `*.rst`) a finding is graded
    `info`: hidden unless `--show-info`, never failing a run; the provider-format rules keep
    their full severity there. In prose files only fenced or indented code blocks and whole
    `key = value` lines count. The rule is its own small matcher rather than detect-secrets'
    `KeywordDetector`, which works line by line without columns and needs these same filters
    on top.

    ## Why is this bad?
    A secret in a file is shared with everyone who can read the repository, its forks and its
    history, and it keeps working until someone rotates it, which for a hand-made secret is
    usually never (OWASP NHI2 Secret Leakage, NHI7 Long-Lived Secrets).

    ## Example
    ```python
    INTERNAL_API_TOKEN = "q8Zt…"  # a random 24-character literal
    ```

    Use instead:
    ```python
    # read it at run time from a secret manager, or better, use a credential the platform
    # issues per task (workload identity, OIDC)
    INTERNAL_API_TOKEN = os.environ["INTERNAL_API_TOKEN"]
    ```

    ## References
    - detect-secrets KeywordDetector (the prior art): https://github.com/Yelp/detect-secrets/blob/master/detect_secrets/plugins/keyword.py
    - OWASP Secrets Management Cheat Sheet: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
    """

    META = RuleMeta(
        id="LLC-SRC-014",
        name="generic-secret-assignment",
        summary="Literal secret assigned to a credential-named key (low confidence)",
        category=Category.STATIC_SECRET,
        severity=Severity.MEDIUM,
        precision=Precision.LOW,
        owasp=("NHI2", "NHI7"),
        fix="Move the value to a secret manager, rotate it, and prefer a credential the "
        "platform issues per task (workload identity, OIDC federation).",
        kinds=ALL_KINDS,
        triggers=("passw", "pwd", "secret", "token", "apikey", "api_key", "api-key", "accesskey",
                  "access_key", "access-key", "privatekey", "private_key", "private-key",
                  "credential"),
    )

    VALID = [
        # A digest of a secret is no secret: detect-secrets' own baseline file, a stored hash.
        Valid('{"results": {"app.py": [{"type": "Secret Keyword", "hashed_secret": '
              '"3f786850e387550fdab836ed7e6dc881de23001b", "line_number": 3}]}}\n'
              'password_hash = "9a0364b9e99bb480dd25e1f0284c8555b2a3c1f7"\n',
              path=".secrets.baseline"),
        Valid("machine ci.acmecorp.io\n  login deploy\n  password changeme\n", path=".netrc"),
        Valid('INTERNAL_API_TOKEN = "changeme"\nTOKEN_HEADER = "Authorization"\n'
              'password = os.environ["DB_PASSWORD"]\napi_key = settings.API_KEY\n'
              'SECRET_KEY = get_random_secret_key()\n', path="app/settings.py"),
        Valid("DB_PASSWORD=${DB_PASSWORD}\nAPI_KEY=<your-api-key>\nCLIENT_SECRET=***\n"
              "STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxx\nACCESS_TOKEN=your_access_token\n",
              path=".env.example"),
        Valid("auth:\n  password: '{{ vault_db_password }}'\n  token_file: /var/run/secrets/token\n"
              "  client_secret: !vault |\n  api_key: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n"
              "  secret_name: prod-db-credentials\n  max_tokens: 4096\n", path="config.yaml"),
        Valid('{\n  "tokenizer": "gpt2",\n  "pad_token": "<|endoftext|>",\n'
              '  "csrf_token": "a8f5f167f44f4964e6c998dee827110c",\n'
              '  "publishable_key": "pk_live_51Hx",\n  "password": "abc123def456ghi789"\n}\n',
              path="data/settings.json"),
        Valid('if token == "eyJhbGciOiJIUzI1NiJ9":\n    pass\n'
              'SECRET_KEY = "django-insecure-2k!v0q^x8z#h@r5w(1s3p$e6m*9t_u"\n'
              "password_hash = 'pbkdf2_sha256$260000$Xq3s$Yt7w'\n", path="app/checks.py"),
        Valid("    >>> oauth_session.fetch_access_token(access_token_url)\n"
              "    {'oauth_token': 'sdf0o9823sjdfsdf',\n"
              "     'oauth_token_secret': '2kjshdfp92i34asdasd'}\n"
              "    password: 'bm90IG15IHJlYWwgcGFzc3dvcmQ='\n"
              "- Where: [Zoom](https://zoom.us/j/95228013874?pwd=Ep7HIx2vQkJm3pUCSqoKKb5x0aZ)\n",
              path="docs/usage.md"),
        Valid(f'API_TOKEN = "{_TOKEN}"\n', path="tests/conftest.py"),
        # Ciphertext only the deploy host's key opens: ejson, SOPS in a dotenv file, KMS.
        Valid(f'{{\n  "_public_key": "{_HEX_KEY}{_HEX_KEY}",\n'
              f'  "fastly_api_key": "{_ejson(510)}",\n'
              f'  "github_secret": "{_ejson(520)}",\n'
              f'  "rubygems_proxy_token": "{_ejson(530)}"\n}}\n',
              path="config/deploy/production/secrets.ejson"),
        Valid("WEBHOOK_SECRET=ENC[AES256_GCM,data:" + _TOKEN + ",iv:" + _TOKEN[:16]
              + ",tag:" + _TOKEN[8:24] + ",type:str]\n"
              "BILLING_API_TOKEN=AQICAHh" + _TOKEN + _TOKEN[:12] + "\n",
              path="deploy/prod.env"),
    ]
    INVALID = [
        Invalid(f"machine ci.acmecorp.io login deploy password {_PASSWORD}\n", path=".netrc",
                lines=(1,)),
        Invalid(f'INTERNAL_API_TOKEN = "{_TOKEN}"  # expect: LLC-SRC-014\n', path="app/config.py"),
        Invalid(f"DB_HOST=db.internal\nWEBHOOK_SECRET={_TOKEN}  # expect: LLC-SRC-014\n",
                path="deploy/prod.env"),
        Invalid(f'{{\n  "client_id": "reporting",\n  "client_secret": "{_TOKEN}"\n}}\n',
                path="config/oauth.json", lines=(3,)),
        Invalid(f"integrations:\n  apiKey: {_HEX_KEY}  # expect: LLC-SRC-014\n",
                path="config/integrations.yaml"),
        Invalid(f'class Settings:\n    api_token: str = "{_TOKEN}"  # expect: LLC-SRC-014\n',
                path="app/models.py"),
    ]

    def check(self, doc: TextDocument) -> None:
        # Noise policy (README "Tests, fixtures, examples and docs"): sample paths are graded
        # info, prose counts only in its code; provider-format rules keep full severity there.
        severity = Severity.INFO if path_class(doc.path) is not None else None
        counts = code_lines(doc.text, doc.path)
        suffix = PurePosixPath(doc.path.lower()).suffix
        code = suffix in CODE_SUFFIXES
        text = doc.text
        if PurePosixPath(doc.path).name.lower() in _NETRC_NAMES:
            for entry in _NETRC_PASSWORD.finditer(text):
                if password_value(entry.group(1), self.context.is_placeholder):
                    self.report(
                        Span(entry.start(1), entry.end(1)),
                        "Literal password in a netrc file: every tool that reads it logs in "
                        "as that user until the password is changed.",
                        lifetime=Lifetime.unknown(),
                        value=entry.group(1),
                        severity=severity,
                    )
            return
        for match in _ASSIGNMENT.finditer(text):
            key, op = match.group(1), match.group(2)
            group = next((g for g in (3, 4, 5, 6) if match.group(g) is not None), 0)
            if not group or op == "==" or (group == 6 and code):
                continue
            if group == 6 and not bare_value_ends(text, match.end(6)):
                continue  # the first word of a sentence (a UI string), not a value
            if is_password_key(key):
                continue  # passwords are LLC-SRC-023's, with a password's gate
            if match.start(1) > 0 and text[match.start(1) - 1] in "?&":
                continue  # a URL query parameter, not an assignment
            value = match.group(group)
            start = match.start(group)
            if not credential_value(key, value, self.context.is_placeholder):
                continue
            line = doc.position(start)[0]
            if counts(line) and self._line_ok(doc, line):
                self.report(
                    Span(start, match.end(group)),
                    f"Literal secret assigned to `{key[:60]}`: it is shared with everyone who "
                    "reads the file and works until someone rotates it.",
                    lifetime=Lifetime.unknown(),
                    value=value,
                    severity=severity,
                )

    @staticmethod
    def _line_ok(doc: TextDocument, line: int) -> bool:
        """Not minified, and not ciphertext (``secure:``, ``!vault``) on the line or above."""
        text = doc.line_text(line)
        if len(text) > _MAX_LINE or ENCRYPTED_CONTEXT.search(text):
            return False
        return line == 1 or not ENCRYPTED_CONTEXT.search(doc.line_text(line - 1))
