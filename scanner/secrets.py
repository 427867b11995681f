"""Secret-value helpers shared by the secret-format rules: patterns, placeholders, entropy.

This is the only module allowed to import ``detect_secrets`` (ruff bans it elsewhere), so its
offline settings and the decision of what to take from it live in one place. Patterns compile
with RE2 (linear time: no hostile file can make a pattern backtrack for minutes) and fall back to
``re`` only for a construct RE2 lacks, such as a look-around.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Protocol, cast

import re2


class Match(Protocol):
    def start(self, group: int | str = 0, /) -> int: ...
    def end(self, group: int | str = 0, /) -> int: ...
    def group(self, group: int | str = 0, /) -> str: ...


class Pattern(Protocol):
    """The part of the ``re`` pattern API that both ``re`` and RE2 objects offer."""

    def finditer(self, string: str, /) -> Iterator[Match]: ...
    def search(self, string: str, /) -> Match | None: ...


def compile_pattern(pattern: str) -> Pattern:
    """RE2 where it can, ``re`` where it must (look-arounds, backreferences)."""
    options = re2.Options()
    options.log_errors = False  # a pattern RE2 rejects falls back quietly, not with a log line
    try:
        compiled: Pattern = re2.compile(pattern, options=options)
    except re2.error:
        compiled = cast(Pattern, re.compile(pattern))  # same duck type as RE2
    return compiled


# Catalogue 0.4: values that are clearly not real credentials.
_PLACEHOLDER_WORDS = (
    "example",
    "dummy",
    "changeme",
    "change-me",
    "change_me",
    "placeholder",
    "redacted",
    "fake",
    "test",
    "sample",
    "notreal",
    "not-a-real",
    "insert",
    "replace",
)
_PLACEHOLDER_PATTERNS = re.compile(
    r"""(?ix)
      ^\s*$                                   # empty
    | <[^<>]*>                                # <your-key>
    | \$\{[^}]*\} | \$\([^)]*\) | \{\{.*?\}\}  # ${VAR} $(cmd) {{ var }}
    | ^\$[A-Za-z_][A-Za-z0-9_]*$              # $VAR
    | ^%[A-Za-z_][A-Za-z0-9_]*%$              # %VAR%
    | %\([a-z_]+\)s                           # %(name)s
    | xxxx | \*\*\* | \.\.\. | …
    | your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret|password)
    | ^(?:none|null|nil|true|false|password|secret|token)$
    """
)


# Example credentials printed in specifications, copied into library docstrings and tests:
# RFC 6749 (OAuth 2.0) sections 4.1 to 6 and RFC 5849 (OAuth 1.0) section 1.2.
_DOCUMENTED_SAMPLES = frozenset(
    {
        "2YotnFZFEjr1zCsicMWpAA",
        "tGzv3JOkF0XG5Qx2TlKWIA",
        "SplxlOBeZQQYbYS6WxSbIA",
        "8xLOxBtZp8",
        "ad180jjd733klru7",
        "hh5s93j4hdidpola",
        "hdk48Djdsa",
        "nnch734d00sl2jdk",
        "pfkkdhi9sl3r4s00",
        "kd94hf93k423kf44",
        "dh893hdasih9",
    }
)


def is_placeholder(value: str, extra_words: Iterable[str] = ()) -> bool:
    """True for values that stand in for a credential instead of being one."""
    if value in _DOCUMENTED_SAMPLES or _PLACEHOLDER_PATTERNS.search(value):
        return True
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    return any(word.lower() in lowered for word in extra_words if word)


def shannon_entropy(value: str) -> float:
    """Bits per character; used only as a tie-breaker, never as the sole evidence."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


# -- Provider token helpers (SRC-002..009) -------------------------------------------------
#
# detect-secrets is not used for the provider formats: its plugins are looser regexes of the same
# prefixes (``GitHubTokenDetector`` takes any 36 ``[A-Za-z0-9_]``, ``StripeDetector`` exactly 24
# characters, ``NpmDetector`` only ``.npmrc`` lines), run line by line with Python ``re`` and
# carry no lifetime. The rules below are stricter (checksums, exact shapes, test-data filters)
# and run on RE2, so delegating would lose precision and speed for no recall.

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_INDEX = {c: i for i, c in enumerate(BASE62)}
#: Characters that continue a token: a match glued to one of them is part of a longer string.
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


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


def standalone(text: str, start: int, end: int, chars: frozenset[str] = TOKEN_CHARS) -> bool:
    """True when ``text[start:end]`` is not glued to more token characters on either side.

    Patterns are written without boundaries (RE2 has no look-around, and a consumed boundary
    would hide a second token right after the first); this check replaces them. A ``\\n``,
    ``\\r`` or ``\\t`` escape just before the match (JSON, ``.env``) counts as a boundary.
    """
    if end < len(text) and text[end] in chars:
        return False
    if start > 0 and text[start - 1] in chars:
        escaped = text[start - 1] in "nrt" and start > 1 and text[start - 2] == "\\"
        if not escaped:
            return False
    return True


_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
)
_FAKE_RUN = 6  # characters: a random body of a token almost never holds 6 in sequence


def looks_fake(body: str) -> bool:
    """A token body no generator would emit, as hand-written test data and docs use.

    True for bodies with few distinct characters (``aaaa…``, ``abab…``), a run of one character,
    an alphabet or digit sequence of six or more (``abcdef``, ``123456``, ``987654``), or a short
    unit repeated (``abc123abc123…``). Random bodies of the lengths tokens use pass these tests
    with a probability far above 99.9 %; call it on the random part, not on a fixed prefix.
    """
    n = len(body)
    if n == 0:
        return True
    if len(set(body)) <= max(3, min(10, n // 4)):
        return True
    for unit in range(1, min(8, n // 2) + 1):
        if body == (body[:unit] * (n // unit + 1))[:n]:
            return True
    same = 1
    for previous, char in itertools.pairwise(body):
        same = same + 1 if char == previous else 1
        if same >= _FAKE_RUN:
            return True
    for alphabet in _RUNS:
        for sequence in (alphabet, alphabet[::-1]):
            for i in range(len(sequence) - _FAKE_RUN + 1):
                if sequence[i : i + _FAKE_RUN] in body:
                    return True
    return False


#: SHA-256 of token values that are published examples or public keys copied into countless
#: repositories, stored hashed so no token literal sits in the source. Rules report them at
#: info at most. Sources: gitleaks' `gcp-api-key` allowlist (public Google API keys shipped in
#: open-source code), Slack's oauth.v2.access documentation response.
_KNOWN_EXAMPLES = frozenset({
    # gitleaks gcp-api-key allowlist
    "f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c",
    "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
    "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
    "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
    "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
    "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
    "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
    "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
    "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
    "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
    "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
    "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
    "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
    "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
    "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
    "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
    # Slack documentation, oauth.v2.access response (bot token)
    "2ddc147f3a3b5a1722b8ed6be3c45c49a7156b17fca5d11410137a6d04def6eb",
})


def is_known_example(value: str) -> bool:
    """A published example or well-known public key (see ``_KNOWN_EXAMPLES``)."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() in _KNOWN_EXAMPLES


_META = frozenset("\\[](){}.*+?|^$")


def literal_prefix(pattern: str) -> str:
    """The literal text every match of ``pattern`` starts with (up to its first metacharacter).

    Rules with many formats test ``prefix in text`` before running a format's pattern, so a
    format absent from the file costs one C-speed substring search instead of a regex pass.
    An empty result means "no cheap guard".
    """
    out = []
    for char in pattern:
        if char in _META:
            break
        out.append(char)
    return "".join(out)


# -- Credential-looking values (Python rules: PY-005, PY-007) ------------------------------

#: Well-known credential shapes, whole-value matches: (pattern, what it is). Enough to name the
#: provider in a message and raise severity; the SRC rules remain the authority on formats.
_CREDENTIAL_FORMATS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), label)
    for pattern, label in (
        (r"(?:AKIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}", "long-term AWS access key id"),
        (r"gh[pousr]_[A-Za-z0-9]{36,}", "GitHub token"),
        (r"github_pat_[A-Za-z0-9_]{22,}", "GitHub fine-grained token"),
        (r"gl(?:pat|dt|ptt|rt|oas|cbt)-[A-Za-z0-9_-]{20,}", "GitLab token"),
        (r"xox[abposr]-[A-Za-z0-9-]{10,}", "Slack token"),
        (r"(?:sk|rk)_live_[A-Za-z0-9]{20,}", "Stripe live key"),
        (r"sk-ant-[a-z]+\d*-[A-Za-z0-9_-]{20,}", "Anthropic API key"),
        (r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", "OpenAI API key"),
        (r"AIza[0-9A-Za-z_-]{35}", "Google API key"),
        (r"hv[sbr]\.[A-Za-z0-9_-]{24,}", "Vault token"),
        (r"hf_[A-Za-z0-9]{34,}", "Hugging Face token"),
        (r"npm_[A-Za-z0-9]{36}", "npm token"),
        (r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", "PyPI token"),
        (r"(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.+", "private key"),
        (r"(?s).*AccountKey=[A-Za-z0-9+/=]{40,}.*", "Azure storage account key"),
    )
)


def credential_format(value: str) -> str | None:
    """The provider format ``value`` has (``"GitHub token"``), or None for anything else."""
    stripped = value.strip()
    for pattern, label in _CREDENTIAL_FORMATS:
        if pattern.fullmatch(stripped):
            return label
    return None


#: Values that name something instead of being a secret: ``no-key-required``, ``OPENAI_API_KEY``
#: (an environment variable's name passed by mistake), paths and URLs.
_NOT_A_SECRET = re.compile(
    r"^(?:[a-z]+(?:[-_.][a-z]+)*|[A-Z]+(?:[-_.][A-Z]+)*)$|://|^[/~.]"
)


def credential_shaped(value: str, min_length: int = 16, *, random: bool = False) -> bool:
    """Could ``value`` be a credential: long enough, one word, not a placeholder.

    Words joined by dashes or underscores in one case (``no-key-required``, ``OPENAI_API_KEY``),
    paths and URLs are names, not secrets. ``random=True`` adds the entropy gate for values
    found by name alone (a keyword such as ``api_key=``): letters and digits mixed, at least 3
    bits of entropy per character, and not obviously hand-made (``looks_fake``). A known
    provider format always passes.
    """
    if credential_format(value) is not None:
        return True
    if len(value) < min_length or any(c.isspace() for c in value) or is_placeholder(value):
        return False
    if _NOT_A_SECRET.search(value):
        return False
    if not random:
        return True
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and shannon_entropy(value) >= 3.0 and not looks_fake(value)
