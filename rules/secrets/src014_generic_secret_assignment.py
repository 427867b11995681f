"""LLC-SRC-014: a literal secret assigned to a credential-named key (low confidence)."""

from __future__ import annotations

import base64
import binascii
import re
from itertools import pairwise
from pathlib import PurePosixPath

from scanner.api import (
    ALL_KINDS,
    ALNUM,
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
    looks_fake,
    shannon_entropy,
)

_KEYWORDS = (
    r"api[_-]?key|api[_-]?token|access[_-]?token|auth[_-]?token|refresh[_-]?token|"
    r"bearer[_-]?token|secret[_-]?key|secret[_-]?access[_-]?key|client[_-]?secret|"
    r"app[_-]?secret|private[_-]?key|access[_-]?key|passwd|password|pwd|secret|token|"
    r"credentials?"
)
# key (ending in a credential word), an optional closing quote or bracket, an optional type
# annotation, the operator, then a quoted value or a bare one (bare only outside code).
_ASSIGNMENT = compile_pattern(
    r"(?i)(?:^|[^A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,48}?(?:" + _KEYWORDS + r"))[\"'\]]?"
    r"[ \t]*(:[ \t]*[A-Za-z_][\w.\[\]|, ]{0,40}?[ \t]*=|:=|=>|==?|:)[ \t]*"
    r"(?:\"([^\"\n\\]{1,300})\"|'([^'\n\\]{1,300})'|`([^`\n\\]{1,300})`"
    r"|([^\s\"'`,;#&|<>(){}\[\]\\]{1,300}))"
)
_PASSWORD_KEY = re.compile(r"(?i)(?:passwd|password|pwd)$")
# Keys named like credentials that hold something else: pagination and CSRF tokens,
# tokenizer special tokens, counters.
_NOT_CREDENTIAL_KEY = re.compile(
    r"(?i)(?:csrf|xsrf|page|next|prev|previous|continuation|sync|cancel|cancellation|"
    r"pagination|bos|eos|pad|unk|sep|cls|mask|max|min|num|total|prompt|completion|input|"
    r"output|special|start|end|reset|verification|test|example|fake|dummy|mock|sample)"
    r"[_.-]?(?:token|secret|password|key|api[_-]?key)$"
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
_REFERENCE = re.compile(
    r"^(?:[$!@%&*]|#\{|ENC\[|vault:|op://|secret://|sm://|arn:|projects/|env[.:]|"
    r"process\.env|os\.environ|keyvault|akv:|ref\+|file:|data:|https?:)|[${}<>]|://",
    re.I,
)
_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_WORDS = re.compile(r"^[a-z]+(?:[_.-][a-z]+)*$|^[A-Za-z][a-z]+(?:[A-Z][a-z]+)+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_HEX = re.compile(r"^[0-9a-f]+$|^[0-9A-F]+$")
_NUMBER = re.compile(r"^[+-]?\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?$", re.I)
_PATH = re.compile(
    r"^(?:\.{0,2}/|~[/\\]|[A-Za-z]:\\)|\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|env|"
    r"cfg|conf|ini|toml|pub|gpg|asc|sh|py|js|ts|html?)$",
    re.I,
)
_WORD_PATH = re.compile(r"^[a-z0-9_.-]+(?:/[a-z0-9_.-]+)+$")
# Values that are something else than a secret, by their prefix: hashes, publishable and test
# keys, Django's self-declared insecure development key, a JWT (LLC-SRC-012 judges those).
_NOT_SECRET_PREFIX = re.compile(
    r"^(?:sha1|sha224|sha256|sha384|sha512|md5|pbkdf2|argon2|bcrypt|scrypt)[:$_-]|"
    r"^(?:pk_(?:live|test)_|sk_test_|rk_test_|pub_|public[_-]|django-insecure-)|^eyJ[\w-]+\.",
    re.I,
)
_CREDENTIAL_WORDS = re.compile(
    r"(?i)passw|secret|token|api[_-]?key|credential|private|sample|placeholder|default|"
    r"dummy|mock|foo|bar|qwerty|asdf|lorem|hunter"
)
_MIN_LENGTH = 16
_MIN_PASSWORD_LENGTH = 12
_MIN_ENTROPY = 3.5  # bits per character, base64-like values
_MIN_HEX_ENTROPY = 3.0


# Keyboard trigrams: two of them in one value means a person typed it (asdasd, sdfsdf, qwe...).
_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_TRIGRAMS = frozenset(row[i : i + 3] for row in _KEYBOARD for i in range(len(row) - 2))
# Tests, fixtures, examples and templates: generic matches there are sample data. Provider
# formats (LLC-SRC-001 to 013) are still found in these paths.
_SAMPLE_PATH = re.compile(
    r"(?i)(?:^|/)(?:tests?|testing|__tests__|specs?|fixtures?|testdata|test_data|mocks?|"
    r"examples?|samples?)(?:/|$)|(?:^|/)(?:test_[^/]*|[^/]*_test\.[^/]*|[^/]*\.(?:test|spec)\.[^/]*|"
    r"conftest\.py|[^/]*examples?[^/]*|[^/]*samples?[^/]*)$"
)


def _typed(value: str) -> bool:
    lowered = value.lower()
    hits = sum(1 for i in range(len(lowered) - 2) if lowered[i : i + 3] in _TRIGRAMS)
    return hits >= 2


def _sequential(value: str) -> bool:
    """Keyboard and counting runs (abcdef, 123456, abc123def456): typed, not generated."""
    steps = sum(1 for a, b in pairwise(value) if ord(b) - ord(a) in (1, 0))
    return steps >= 0.4 * (len(value) - 1)


def _unescape_ok(value: str) -> bool:
    return " " not in value and "\t" not in value


_BASE64 = re.compile(r"^[A-Za-z0-9+/]{8,}={0,2}$")


def _decoded(value: str) -> str | None:
    """The text a base64 value encodes, when it encodes printable text (docs encode prose)."""
    if len(value) % 4 or not _BASE64.match(value):
        return None
    try:
        text = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return text if text.isprintable() else None


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
        if _NOT_CREDENTIAL_KEY.search(key):
            return False
        minimum = _MIN_PASSWORD_LENGTH if _PASSWORD_KEY.search(key) else _MIN_LENGTH
        if not minimum <= len(value) <= 256 or not _unescape_ok(value):
            return False
        if (
            _REFERENCE.search(value)
            or _DOTTED.match(value)
            or _ENV_NAME.match(value)
            or _WORDS.match(value)
            or _UUID.match(value)
            or _NUMBER.match(value)
            or _PATH.search(value)
            or _WORD_PATH.match(value)
            or _NOT_SECRET_PREFIX.search(value)
            or _CREDENTIAL_WORDS.search(value)
            or self.context.is_placeholder(value)
        ):
            return False
        if len(set(value)) < 8 or _sequential(value) or _typed(value) or looks_fake(value):
            return False
        decoded = _decoded(value)
        if decoded is not None and (
            " " in decoded
            or _CREDENTIAL_WORDS.search(decoded)
            or self.context.is_placeholder(decoded)
        ):
            return False  # base64 of "not my real password" and the like
        has_digit = any(c.isdigit() for c in value)
        mixed_case = any(c.islower() for c in value) and any(c.isupper() for c in value)
        if not (has_digit or mixed_case):
            return False
        entropy = shannon_entropy(value)
        return entropy >= (_MIN_HEX_ENTROPY if _HEX.match(value) else _MIN_ENTROPY)
