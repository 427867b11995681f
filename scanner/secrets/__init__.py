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
    is_known_example,
    is_placeholder,
    looks_fake,
    shannon_entropy,
)
from scanner.secrets.generic import CREDENTIAL_KEYWORDS, NOT_CREDENTIAL_KEY, generated_secret
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
    "CREDENTIAL_KEYWORDS",
    "NOT_CREDENTIAL_KEY",
    "TOKEN_CHARS",
    "Match",
    "Pattern",
    "compile_pattern",
    "crc32_base62",
    "credential_format",
    "credential_shaped",
    "generated_secret",
    "has_crc32_base62",
    "is_known_example",
    "is_placeholder",
    "literal_prefix",
    "looks_fake",
    "shannon_entropy",
    "standalone",
]
