"""Secret values: patterns, checksums, filters, value checks and the provider catalogue.

This package is the only place allowed to import ``detect_secrets`` (ruff bans it elsewhere), so
its offline settings and the decision of what to take from it live in one place. Modules:
``patterns`` (RE2 compilation, boundaries), ``checksums`` (CRC32 in base62), ``filters``
(placeholders, filler, published samples, entropy), ``values`` (does a value have a provider
format, could it be a credential), ``formats/`` (provider formats as data rows) and
``catalogue`` (the rows compiled once, with ``find``, ``classify`` and ``triggers``). The names
below are the ones the rest of the scanner imported from the former ``scanner/secrets.py``.
"""

from scanner.secrets.checksums import BASE62, crc32_base62, has_crc32_base62
from scanner.secrets.filters import (
    ENCRYPTED_CONTEXT,
    WEAK_PASSWORDS,
    is_encrypted_value,
    is_known_example,
    is_placeholder,
    is_reference_value,
    looks_fake,
    shannon_entropy,
)
from scanner.secrets.generic import (
    CODE_SUFFIXES,
    CREDENTIAL_KEYWORDS,
    NOT_CREDENTIAL_KEY,
    PASSWORD_KEYWORDS,
    assignment_pattern,
    bare_value_ends,
    credential_value,
    generated_secret,
    is_password_key,
    is_reference_key,
    password_value,
)
from scanner.secrets.paths import (
    Evidence,
    PathClass,
    code_lines,
    is_prose,
    path_class,
    sample_severity,
)
from scanner.secrets.patterns import (
    TOKEN_CHARS,
    Match,
    Pattern,
    compile_pattern,
    literal_prefix,
    standalone,
)
from scanner.secrets.values import credential_format, credential_shaped

__all__ = [
    "BASE62",
    "CODE_SUFFIXES",
    "CREDENTIAL_KEYWORDS",
    "ENCRYPTED_CONTEXT",
    "NOT_CREDENTIAL_KEY",
    "PASSWORD_KEYWORDS",
    "TOKEN_CHARS",
    "WEAK_PASSWORDS",
    "Evidence",
    "Match",
    "PathClass",
    "Pattern",
    "assignment_pattern",
    "bare_value_ends",
    "code_lines",
    "compile_pattern",
    "crc32_base62",
    "credential_format",
    "credential_shaped",
    "credential_value",
    "generated_secret",
    "has_crc32_base62",
    "is_encrypted_value",
    "is_known_example",
    "is_password_key",
    "is_placeholder",
    "is_prose",
    "is_reference_key",
    "is_reference_value",
    "literal_prefix",
    "looks_fake",
    "password_value",
    "path_class",
    "sample_severity",
    "shannon_entropy",
    "standalone",
]
