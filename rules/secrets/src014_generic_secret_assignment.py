"""LLC-SRC-014: a literal secret assigned to a credential-named key (low confidence)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from scanner.api import (
    ALL_KINDS,
    ALNUM,
    CREDENTIAL_KEYWORDS,
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
    compile_pattern,
    fake_token,
    generated_secret,
)

# key (ending in a credential word), an optional closing quote or bracket, an optional type
# annotation, the operator, then a quoted value or a bare one (bare only outside code).
_ASSIGNMENT = compile_pattern(
    r"(?i)(?:^|[^A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,48}?(?:" + CREDENTIAL_KEYWORDS + r"))[\"'\]]?"
    r"[ \t]*(:[ \t]*[A-Za-z_][\w.\[\]|, ]{0,40}?[ \t]*=|:=|=>|==?|:)[ \t]*"
    r"(?:\"([^\"\n\\]{1,300})\"|'([^'\n\\]{1,300})'|`([^`\n\\]{1,300})`"
    r"|([^\s\"'`,;#&|<>(){}\[\]\\]{1,300}))"
)
# Files whose assignments are code: a bare right-hand side there is an expression.
_CODE_SUFFIXES = frozenset(
    {
        ".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".go", ".java", ".kt",
        ".kts", ".scala", ".rb", ".php", ".cs", ".rs", ".c", ".h", ".cc", ".cpp", ".hpp",
        ".swift", ".m", ".dart", ".lua", ".pl", ".r", ".groovy", ".vue", ".svelte", ".ex",
        ".exs", ".clj", ".tf", ".hcl", ".sql", ".html", ".htm", ".css", ".scss", ".jinja",
        ".j2", ".tpl",
    }
)
# ~/.netrc and _netrc: whitespace-separated `machine HOST login USER password SECRET`.
_NETRC_NAMES = frozenset({".netrc", "_netrc"})
_NETRC_PASSWORD = re.compile(r"(?:^|\s)password\s+(\S+)")
_MAX_LINE = 1000  # minified or generated lines: not where people assign secrets by hand

# Tests, fixtures, examples and templates: generic matches there are sample data. Provider
# formats (LLC-SRC-001 to 013) are still found in these paths.
_SAMPLE_PATH = re.compile(
    r"(?i)(?:^|/)(?:tests?|testing|__tests__|specs?|fixtures?|testdata|test_data|mocks?|"
    r"examples?|samples?)(?:/|$)|(?:^|/)(?:test_[^/]*|[^/]*_test\.[^/]*|[^/]*\.(?:test|spec)\.[^/]*|"
    r"conftest\.py|[^/]*examples?[^/]*|[^/]*samples?[^/]*)$"
)


_TOKEN = fake_token("", 24, ALNUM, seed=501)
_PASSWORD = fake_token("", 14, ALNUM + "!#%+", seed=502)
_HEX_KEY = fake_token("", 32, "0123456789abcdef", seed=503)


class GenericSecretAssignment(TextRule):
    """## What it does
    Finds a literal assigned to a key or variable named like a credential, in any file:
    `INTERNAL_API_TOKEN = "..."`, `password: ...`, `"client_secret": "..."`, `DB_PASSWORD=...`,
    `apiKey: "..."`, `token: str = "..."`. The key must end in a credential word (`password`,
    `passwd`, `pwd`, `secret`, `api_key`, `token`, `access_token`, `client_secret`,
    `private_key`, `credentials`, ...). The value must be a literal of at least 16 characters
    (12 for passwords) with no spaces, that looks generated rather than typed. These never fire:
    references (`${X}`, `$X`, `{{ x }}`, `os.environ[...]`, `settings.X`, `op://`, ARNs, `!vault`),
    placeholders, booleans, numbers, UUIDs, file paths, URLs (LLC-SRC-013 handles credentials
    in URLs), function calls, environment variable names, words and camelCase names,
    sequential strings (`abc123def456`), hashes (`sha256:...`), publishable and test keys
    (`pk_live_`, `sk_test_`), JWTs (LLC-SRC-012 judges them), pagination, CSRF and tokenizer
    tokens, typed strings (two keyboard runs such as `asd`, `sdf`; base64 of prose), URL
    query parameters (`?pwd=`), and lines longer than 1000 characters (minified or
    generated). Test, fixture, example and sample paths (`tests/`, `test_*.py`, `*.spec.ts`,
    `examples/`, `.env.example`) are skipped: generic matches there are sample data, while the
    provider-format rules still cover them. Shannon entropy (3.5 bits per character, 3.0 for
    hex) breaks the tie for what is left. In code files only quoted values count: a bare
    right-hand side is an expression. A more specific rule on the same value replaces this
    finding. The rule is its own small matcher rather than detect-secrets' `KeywordDetector`,
    which works line by line without columns and needs these same filters on top.

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
    ]
    INVALID = [
        Invalid(f"machine ci.acmecorp.io login deploy password {_PASSWORD}\n", path=".netrc",
                lines=(1,)),
        Invalid(f'INTERNAL_API_TOKEN = "{_TOKEN}"  # expect: LLC-SRC-014\n', path="app/config.py"),
        Invalid(f"DB_HOST=db.internal\nDB_PASSWORD={_PASSWORD}  # expect: LLC-SRC-014\n",
                path="deploy/prod.env"),
        Invalid(f'{{\n  "client_id": "reporting",\n  "client_secret": "{_TOKEN}"\n}}\n',
                path="config/oauth.json", lines=(3,)),
        Invalid(f"integrations:\n  apiKey: {_HEX_KEY}  # expect: LLC-SRC-014\n",
                path="config/integrations.yaml"),
        Invalid(f'class Settings:\n    api_token: str = "{_TOKEN}"  # expect: LLC-SRC-014\n',
                path="app/models.py"),
    ]

    def check(self, doc: TextDocument) -> None:
        if _SAMPLE_PATH.search(doc.path):
            return
        suffix = PurePosixPath(doc.path.lower()).suffix
        code = suffix in _CODE_SUFFIXES
        text = doc.text
        if PurePosixPath(doc.path).name.lower() in _NETRC_NAMES:
            for match in _NETRC_PASSWORD.finditer(text):
                if self._secret("password", match.group(1)):
                    self.report(
                        Span(match.start(1), match.end(1)),
                        "Literal password in a netrc file: every tool that reads it logs in "
                        "as that user until the password is changed.",
                        lifetime=Lifetime.unknown(),
                        value=match.group(1),
                    )
            return
        for match in _ASSIGNMENT.finditer(text):
            key, op = match.group(1), match.group(2)
            group = next((g for g in (3, 4, 5, 6) if match.group(g) is not None), 0)
            if not group or op == "==" or (group == 6 and code):
                continue
            if match.start(1) > 0 and text[match.start(1) - 1] in "?&":
                continue  # a URL query parameter, not an assignment
            value = match.group(group)
            start = match.start(group)
            if self._secret(key, value) and self._line_ok(doc, start):
                self.report(
                    Span(start, match.end(group)),
                    f"Literal secret assigned to `{key[:60]}`: it is shared with everyone who "
                    "reads the file and works until someone rotates it.",
                    lifetime=Lifetime.unknown(),
                    value=value,
                )

    @staticmethod
    def _line_ok(doc: TextDocument, offset: int) -> bool:
        return len(doc.line_text(doc.position(offset)[0])) <= _MAX_LINE

    def _secret(self, key: str, value: str) -> bool:
        """A literal that looks generated, not a reference, name, placeholder or sample."""
        return generated_secret(key, value, self.context.is_placeholder)
