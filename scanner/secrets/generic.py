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

from scanner.secrets.filters import looks_fake, shannon_entropy

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
