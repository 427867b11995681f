"""Checksums some providers put inside their tokens: a failed checksum means "not issued".

detect-secrets is not used for the provider formats: its plugins are looser regexes of the same
prefixes (``GitHubTokenDetector`` takes any 36 ``[A-Za-z0-9_]``, ``StripeDetector`` exactly 24
characters, ``NpmDetector`` only ``.npmrc`` lines), run line by line with Python ``re`` and
carry no lifetime. The catalogue is stricter (checksums, exact shapes, test-data filters) and
runs on RE2, so delegating would lose precision and speed for no recall.
"""

from __future__ import annotations

import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_INDEX = {c: i for i, c in enumerate(BASE62)}


def crc32_base62(payload: str, width: int = 6) -> str:
    """CRC32 of ``payload`` in base62 (0-9A-Za-z), left-padded with ``0`` to ``width``.

    GitHub (``ghp_`` and siblings) and npm (``npm_``) end their tokens with this checksum of the
    30 random characters before it (github.blog, 2021-04-05, "Behind GitHub's new authentication
    token formats"; npm's 2021 token format announcement).
    """
    number = zlib.crc32(payload.encode("ascii", "replace"))
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")


def has_crc32_base62(body: str, width: int = 6) -> bool:
    """True when the last ``width`` characters of ``body`` are the CRC32 of the rest in base62.

    Compared as numbers, so a checksum written without its zero padding still matches.
    """
    if len(body) <= width:
        return False
    number = 0
    for char in body[-width:]:
        index = _BASE62_INDEX.get(char)
        if index is None:
            return False
        number = number * 62 + index
    return number == zlib.crc32(body[:-width].encode("ascii", "replace"))
