"""Fake credentials of realistic shape, built at run time for examples and tests.

Source files never hold a whole token-shaped literal, so push protection and other scanners stay
quiet on outlive's own repository; the values are deterministic, so tests are too.
"""

from __future__ import annotations

import string

BASE32_UPPER = string.ascii_uppercase + "234567"
ALNUM = string.ascii_letters + string.digits
BASE64 = ALNUM + "+/"


def fake_token(prefix: str, length: int, alphabet: str = ALNUM, seed: int = 1) -> str:
    """``prefix`` then ``length`` pseudo-random characters of ``alphabet`` (a fixed LCG)."""
    state = (seed * 2654435761 + 12345) & 0xFFFFFFFF
    chars = []
    for _ in range(length):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        chars.append(alphabet[(state >> 8) % len(alphabet)])
    return prefix + "".join(chars)


def fake_pem(label: str = "RSA PRIVATE KEY", lines: int = 6, seed: int = 7) -> str:
    """A PEM block with a random-looking base64 body (not a key: it decodes to noise)."""
    body = "\n".join(fake_token("", 64, BASE64, seed + i) for i in range(lines))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"
