"""The gate for a secret found by its key's name alone (``password: ...``, ``api_key = ...``).

LLC-SRC-014 finds such assignments in raw text; the IaC rules (LLC-IAC-010) meet the same
key/value pairs already parsed. Both ask ``generated_secret`` so that one judgement decides
what a hand-typed word, a reference, a path or a placeholder is, whichever rule met the value.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from itertools import pairwise

from scanner.secrets.filters import (
    WEAK_PASSWORDS,
    is_encrypted_value,
    is_reference_value,
    looks_fake,
    shannon_entropy,
)

#: The credential words a key ends in (SRC-014's matcher builds its key pattern from it).
CREDENTIAL_KEYWORDS = (
    r"api[_-]?key|api[_-]?token|access[_-]?token|auth[_-]?token|refresh[_-]?token|"
    r"bearer[_-]?token|secret[_-]?key|secret[_-]?access[_-]?key|client[_-]?secret|"
    r"app[_-]?secret|private[_-]?key|access[_-]?key|passwd|password|pwd|secret|token|"
    r"credentials?"
)
_PASSWORD_KEY = re.compile(r"(?i)(?:passwd|password|pwd)$")
#: Keys named like credentials that hold something else: pagination and CSRF tokens,
#: tokenizer special tokens, counters.
NOT_CREDENTIAL_KEY = re.compile(
    r"(?i)(?:csrf|xsrf|page|next|prev|previous|continuation|sync|cancel|cancellation|"
    r"pagination|bos|eos|pad|unk|sep|cls|mask|max|min|num|total|prompt|completion|input|"
    r"output|special|start|end|reset|verification|test|example|fake|dummy|mock|sample)"
    r"[_.-]?(?:token|secret|password|key|api[_-]?key)$"
    # A digest of a secret is no secret (detect-secrets' ``hashed_secret``, ``password_hash``).
    r"|(?:hash|hashed|digest|sha1|sha256|checksum)[_.-]?(?:token|secret|password|key)s?$"
    r"|(?:token|secret|password|key)[_.-]?(?:hash|hashed|digest|sha1|sha256|checksum)$"
)
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
#: Keys that hold a digest of a password or secret, not the secret.
_DIGEST_KEY = re.compile(r"(?i)hash|digest|checksum|sha(?:1|256|512)|bcrypt|argon2|crypt(?:ed)?_")
#: crypt(3)-style password hashes: ``$2b$12$...`` (bcrypt), ``$6$`` (SHA-512), ``$argon2id$``,
#: Apache's ``$apr1$`` and LDAP's ``{SSHA}``, bare or as an htpasswd line's ``user:<hash>``.
_CRYPT_HASH = re.compile(
    r"^(?:[^:\s$]{1,64}:)?(?:\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|argon2(?:id|i|d)|pbkdf2[-\w]*|"
    r"scrypt)\$|\{(?:S?SHA(?:256|512)?|S?MD5|CRYPT|PBKDF2[-\w]*|ARGON2)\})",
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
_BASE64 = re.compile(r"^[A-Za-z0-9+/]{8,}={0,2}$")


def _typed(value: str) -> bool:
    lowered = value.lower()
    hits = sum(1 for i in range(len(lowered) - 2) if lowered[i : i + 3] in _TRIGRAMS)
    return hits >= 2


def _sequential(value: str) -> bool:
    """Keyboard and counting runs (abcdef, 123456, abc123def456): typed, not generated."""
    steps = sum(1 for a, b in pairwise(value) if ord(b) - ord(a) in (1, 0))
    return steps >= 0.4 * (len(value) - 1)


def _decoded(value: str) -> str | None:
    """The text a base64 value encodes, when it encodes printable text (docs encode prose)."""
    if len(value) % 4 or not _BASE64.match(value):
        return None
    try:
        text = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    text = text.strip()  # `echo ... | base64` encodes the trailing newline too
    return text if text.isprintable() else None


def generated_secret(key: str, value: str, is_placeholder: Callable[[str], bool]) -> bool:
    """A literal under a credential-named ``key`` that looks generated, not typed or a name.

    Not a reference, a name, a path, a number, a UUID, a hash, a publishable or test key, a
    placeholder (``is_placeholder``: the rule context's, so the configured words count) or a
    sample; at least 16 characters (12 under a password key), no blanks, and random enough
    (3.5 bits per character, 3.0 for hex).
    """
    if NOT_CREDENTIAL_KEY.search(key):
        return False
    minimum = _MIN_PASSWORD_LENGTH if _PASSWORD_KEY.search(key) else _MIN_LENGTH
    if not minimum <= len(value) <= 256 or " " in value or "\t" in value:
        return False
    if (
        _REFERENCE.search(value)
        or is_reference_value(value)
        or is_encrypted_value(value)
        or _DOTTED.match(value)
        or _ENV_NAME.match(value)
        or _WORDS.match(value)
        or _UUID.match(value)
        or _NUMBER.match(value)
        or _PATH.search(value)
        or _WORD_PATH.match(value)
        or _NOT_SECRET_PREFIX.search(value)
        or _CREDENTIAL_WORDS.search(value)
        or is_placeholder(value)
    ):
        return False
    if len(set(value)) < 8 or _sequential(value) or _typed(value) or looks_fake(value):
        return False
    decoded = _decoded(value)
    if decoded is not None and (
        " " in decoded or _CREDENTIAL_WORDS.search(decoded) or is_placeholder(decoded)
    ):
        return False  # base64 of "not my real password" and the like
    has_digit = any(c.isdigit() for c in value)
    mixed_case = any(c.islower() for c in value) and any(c.isupper() for c in value)
    if not (has_digit or mixed_case):
        return False
    entropy = shannon_entropy(value)
    return entropy >= (_MIN_HEX_ENTROPY if _HEX.match(value) else _MIN_ENTROPY)


#: The password words a key ends in: LLC-SRC-023 owns these keys, LLC-SRC-014 the others.
#: Spellings seen in real code: pswd, psswd, paswd, pasword, pswrd, ..., and keys ending in
#: ``pass`` (``MYSQLPASS``, ``db_pass``) or a separate ``pw`` (``my_pw``, ``PW``).
PASSWORD_KEYWORDS = r"pa?s{1,2}w(?:o?r)?d|passphrase|passcode|pwd|pass|pw"  # noqa: S105
PASSWORD_KEY = re.compile(
    r"(?i)(?:pa?s{1,2}w(?:o?r)?d|passphrase|passcode|pwd|"
    r"(?<!by)(?<!com)(?<!sur)(?<!tres)(?<!proxy_)(?<!proxy)(?<!fast)(?<!upstream_)pass|"
    r"(?:^|[_.-])pw)$"
)
#: Keys that name a reference to a secret, or a fact about it, rather than hold one:
#: ``password_file``, ``token_url``, ``secret_name``, ``passwordPolicy``, ``apiKeyHeader``.
_REFERENCE_KEY = re.compile(
    r"(?i)(?:passw(?:or)?d|pwd|secret|token|key|credentials?|pass)[_.-]?(?:file|files|path|dir|"
    r"url|uri|endpoint|name|names|ref|arn|policy|policies|length|len|min|max|type|field|"
    r"param|header|env|var|variable|hash|hashed|digest|salt|prompt|label|hint|placeholder|regex|"
    r"pattern|reset|expiry|expires|expiration|ttl|lifetime|mode|enabled|required|strength|"
    r"validator|validation|confirm|confirmation|command|cmd|helper|source|store|provider|"
    r"location|secret[_.-]?ref|key[_.-]?ref|selector|format|encoding|algorithm|version|count|"
    r"size|age|rotation|chars|char|input|widget|form|error|message|text|title|column|prefix)$"
)
#: Words in any script, joined by separators: ``Contraseña``, ``Palavra-passe`` (UI strings).
_ANY_WORDS = re.compile(r"^[^\W\d_]+(?:[-_.'][^\W\d_]+)*$")
#: ``package.module:function``: a console-script entry point (``kolla-genpwd = "..."``).
_ENTRY_POINT = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")
_HEX_NUMBER = re.compile(r"^0x[0-9a-f]+$", re.I)
_HASH_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
_AFFIX = re.compile(r"^[^a-z]*([a-z]+?)[^a-z]*$")
_MIN_PASSWORD = 8
_MIN_PASSWORD_ENTROPY = 2.75


def is_reference_key(key: str) -> bool:
    """A key that names where a secret is, or a property of it, not the secret itself."""
    return bool(_REFERENCE_KEY.search(key.strip("\"'`$:[]")))


def is_password_key(key: str) -> bool:
    """A key whose value is a password (``DB_PASSWORD``, ``passwd``, ``$pwd``, ``db.pass``),
    not its digest (``password_hash``, ``hashed_password``)."""
    stripped = key.strip("\"'`$:[]")
    return bool(PASSWORD_KEY.search(stripped)) and not _DIGEST_KEY.search(stripped)


def password_value(value: str, is_placeholder: Callable[[str], bool]) -> bool:
    """A literal that could be a real password someone chose or generated.

    Passwords are typed, so the gate is lower than ``generated_secret``'s: eight characters,
    two kinds of character, six distinct ones, 2.75 bits each. What stays out: references and
    env reads, templating, ciphertext (``ENC(...)``, ``!vault``, ``{cipher}``), placeholders,
    common and default passwords (``password123``, ``admin``, ``changeit``), a word with
    digits or symbols around it (``Secret123!``), hashes and UUIDs, paths, names, numbers,
    keyboard and counting runs.
    """
    if not _MIN_PASSWORD <= len(value) <= 128 or any(c.isspace() for c in value):
        return False
    if is_reference_value(value) or is_encrypted_value(value) or is_placeholder(value):
        return False
    lowered = value.lower()
    core = _AFFIX.match(lowered)
    if lowered in WEAK_PASSWORDS or (core is not None and core.group(1) in WEAK_PASSWORDS):
        return False
    if not value.isascii():
        return False  # a word of a translation file, not a password a system is set up with
    if (
        _ANY_WORDS.match(value)
        or _CREDENTIAL_WORDS.search(value)
        or _DOTTED.match(value)
        or _ENV_NAME.match(value)
        or _WORDS.match(value)
        or _UUID.match(value)
        or _NUMBER.match(value)
        or _PATH.search(value)
        or _WORD_PATH.match(value)
        or _NOT_SECRET_PREFIX.search(value)
        or _CRYPT_HASH.match(value)
        or (_HEX.match(value) and len(value) in _HASH_LENGTHS)
        or _ENTRY_POINT.match(value)
        or _HEX_NUMBER.match(value)
        or "://" in value
        or "(" in value
        or "[" in value
    ):
        return False
    if len(set(value)) < 6 or _sequential(value) or _typed(value) or looks_fake(value):
        return False
    classes = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )
    return classes >= 2 and shannon_entropy(value) >= _MIN_PASSWORD_ENTROPY


def credential_value(key: str, value: str, is_placeholder: Callable[[str], bool]) -> bool:
    """One judgement for a literal under a credential-named key, whatever rule met it.

    A password key gets the password gate, any other credential key the generated-secret
    gate; a key naming a reference (``password_file``) or a non-credential token never counts.
    """
    if is_reference_key(key) or NOT_CREDENTIAL_KEY.search(key):
        return False
    if is_password_key(key):
        return password_value(value, is_placeholder)
    return generated_secret(key, value, is_placeholder)


def assignment_pattern(keywords: str) -> str:
    """The regex source of ``key <op> value`` for keys ending in one of ``keywords``.

    Groups: 1 the key, 2 the operator (``=``, ``:``, ``:=``, ``=>``, a typed ``: str =``),
    3 to 5 a double-, single- or back-quoted value, 6 a bare one. One copy for LLC-SRC-014
    and LLC-SRC-023, so Python, JS/TS, Go, Java/Kotlin, C#, PHP, Ruby, shell, YAML, JSON,
    TOML, INI, ``.properties``, HCL and XML attributes are read the same way by both.
    """
    return (
        r"(?i)(?:^|[^A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,48}?(?:" + keywords + r"))[\"'\]]?"
        r"[ \t]*(:[ \t]*[A-Za-z_][\w.\[\]|, ]{0,40}?[ \t]*=|:=|=>|==?|:)[ \t]*"
        r"(?:\"([^\"\n\\]{1,300})\"|'([^'\n\\]{1,300})'|`([^`\n\\]{1,300})`"
        r"|([^\s\"'`,;#&|<>(){}\[\]\\]{1,300}))"
    )


#: Files whose assignments are code: a bare right-hand side there is an expression.
CODE_SUFFIXES = frozenset(
    {
        ".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".go", ".java", ".kt",
        ".kts", ".scala", ".rb", ".php", ".cs", ".rs", ".c", ".h", ".cc", ".cpp", ".hpp",
        ".swift", ".m", ".dart", ".lua", ".pl", ".r", ".groovy", ".vue", ".svelte", ".ex",
        ".exs", ".clj", ".tf", ".hcl", ".sql", ".html", ".htm", ".css", ".scss", ".jinja",
        ".j2", ".tpl", ".gradle", ".ps1", ".vb", ".fs",
    }
)


_AFTER_BARE = ("#", ";", "//", ",", "}", "]", ")", "&", "|", "<", "--", "/*")


def bare_value_ends(text: str, end: int) -> bool:
    """An unquoted value ending at ``end`` is the whole right-hand side of its line.

    ``reset_password=Reset your password`` in a translation file, or ``password: see the
    vault`` in YAML, is a sentence whose first word merely looks like a value; a value
    followed by a comment, a separator or the end of the line is a value. Inside a Go, Helm
    or Jinja template action (``{{- range $user, $password := .Values.users }}``) a bare
    right-hand side is an expression, never a literal.
    """
    stop = text.find("\n", end)
    rest = text[end : len(text) if stop == -1 else stop].strip()
    if in_template_action(text, end):
        return False
    return not rest or rest.startswith(_AFTER_BARE)


def in_template_action(text: str, offset: int) -> bool:
    """``offset`` sits inside a ``{{ ... }}`` (or ``{% ... %}``) action opened on its line."""
    start = text.rfind("\n", 0, offset) + 1
    before = text[start:offset]
    return before.rfind("{{") > before.rfind("}}") or before.rfind("{%") > before.rfind("%}")
