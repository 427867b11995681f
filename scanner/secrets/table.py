"""The provider table: ``providers.toml`` read into ``Format`` rows, on first use.

Provider formats are data (one ``[[format]]`` table per credential format; the keys are
described at the top of ``providers.toml``) so that adding a provider is one row and its two
examples, checked by ``tests/test_provider_table.py``. The file is parsed once, when a rule
first asks the catalogue for rows (``rows()`` is cached), never when this module is imported.

This module also owns what the row fields mean at run time: ``accepts`` checks a random part
against the row's charset, length and named validator, and ``expand`` turns a row's ``sample``
or ``decoy`` template (``{alnum:32}``) into text for tests and docs.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from scanner.durations import parse_duration
from scanner.findings import Lifetime, Severity
from scanner.secrets.checksums import has_crc32_base62
from scanner.secrets.filters import looks_fake
from scanner.secrets.formats import Format

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

HERE = Path(__file__).parent
TABLE = HERE / "providers.toml"

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"
#: The alphabets a row's ``charset`` and a template's ``{name:n}`` may name.
CHARSETS: Mapping[str, str] = {
    "alnum": _UPPER + _LOWER + _DIGITS,
    "hex": _DIGITS + "abcdef",
    "HEX": _DIGITS + "ABCDEF",
    "base64": _UPPER + _LOWER + _DIGITS + "+/",
    "base64url": _UPPER + _LOWER + _DIGITS + "_-",
    "base32": _UPPER + "234567",
    "digits": _DIGITS,
    "lower-alnum": _LOWER + _DIGITS,
    "upper-alnum": _UPPER + _DIGITS,
    "lower": _LOWER,
    "upper": _UPPER,
}
#: Named structural checks a row may ask for (the rule may add its own on top).
VALIDATORS = frozenset({
    "", "crc32-base62", "base32", "jwt", "jwt-shape", "not-filler", "mixed-case",
    "random-body", "pypi-macaroon", "cargo-context",
})
FAMILIES = frozenset({
    "cloud", "vcs", "ci", "chat", "payments", "email-sms", "observability", "database", "ai",
    "registry", "identity", "feature-flags", "maps", "social", "secret-manager", "devtools",
    "commerce", "crypto", "other",
})
REQUIRED: Mapping[str, type | tuple[type, ...]] = {
    "id": str, "provider": str, "family": str, "label": str, "rule": str, "anchors": list,
    "pattern": str, "context": bool, "charset": str, "length": list, "validator": str,
    "lifetime": str, "severity": str, "owasp": list, "fix": str, "why": str, "source": str,
    "sample": str, "decoy": str,
}
OPTIONAL: Mapping[str, type | tuple[type, ...]] = {
    "needle": str, "mixed": int, "mixed_below": int, "seconds": int, "quiet": list,
}


def table_files() -> tuple[Path, ...]:
    """The table's files: ``providers.toml`` alone (a tuple, so a split stays one change)."""
    return (TABLE,)


@cache
def rows() -> tuple[Format, ...]:
    """Every row of every table file, in file order (rules try their rows in this order)."""
    out: list[Format] = []
    for path in table_files():
        out.extend(load(path))
    return tuple(out)


def load(path: Path) -> list[Format]:
    """The rows of one table file (``ValueError`` naming the row for a malformed one)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [to_format(raw, f"{path.name}[{i}]") for i, raw in enumerate(data.get("format", []))]


def parse_lifetime(text: str) -> Lifetime:
    """``static``, ``none``, ``unknown`` or an ISO 8601 duration (``PT1H``, ``P90D``)."""
    if text in ("static", "none", "unknown"):
        return Lifetime(text)
    seconds = parse_duration(text) if text.startswith("P") else None
    if seconds is None:
        raise ValueError(f"lifetime {text!r} is not static, none, unknown or an ISO duration")
    return Lifetime.seconds(seconds)


def to_format(raw: Mapping[str, Any], where: str = "row") -> Format:
    """One ``[[format]]`` table as a ``Format``; checks key presence and types only."""
    for key, kind in REQUIRED.items():
        if not isinstance(raw.get(key), kind):
            raise ValueError(f"{where}: key {key!r} missing or not {kind}")
    for key, kind in OPTIONAL.items():
        if key in raw and not isinstance(raw[key], kind):
            raise ValueError(f"{where}: key {key!r} is not {kind}")
    length = raw["length"]
    if len(length) != 2 or not all(isinstance(n, int) for n in length):
        raise ValueError(f"{where}: length must be [min, max]")
    return Format(
        id=raw["id"], provider=raw["provider"], label=raw["label"],
        anchors=tuple(raw["anchors"]), pattern=raw["pattern"],
        lifetime=parse_lifetime(raw["lifetime"]), owasp=tuple(raw["owasp"]),
        severity=Severity(raw["severity"]), fix=raw["fix"], rule=raw["rule"], why=raw["why"],
        seconds=raw.get("seconds"), needle=raw.get("needle", ""), validator=raw["validator"],
        mixed=raw.get("mixed", 0), mixed_below=raw.get("mixed_below", 0),
        source=raw["source"], family=raw["family"], context=raw["context"],
        charset=raw["charset"], length=(length[0], length[1]), sample=raw["sample"],
        decoy=raw["decoy"], quiet=tuple(raw.get("quiet", ())),
    )


def accepts(row: Format, body: str) -> bool:
    """Whether a match's random part fits the row: charset, length, then its validator.

    The patterns already say most of this; the check is what keeps a loose pattern (a context
    row's ``[A-Za-z0-9]{32}``) from passing filler, identifiers or the wrong alphabet.
    """
    low, high = row.length
    if high and not low <= len(body) <= high:
        return False
    alphabet = CHARSETS.get(row.charset)
    if alphabet is not None and not set(body) <= set(alphabet):
        return False
    return _validate(row.validator, body)


def _validate(name: str, body: str) -> bool:
    if name in ("", "random-body", "pypi-macaroon", "cargo-context", "jwt-shape"):
        return not looks_fake(body) if name else True
    if name == "not-filler":
        parts = body.replace("-", "_").split("_")
        return not any(looks_fake(part) for part in parts if len(part) >= 8)
    if name == "crc32-base62":
        return has_crc32_base62(body)
    if name == "mixed-case":
        return _mixed(body)
    if name == "base32":
        return set(body) <= set(CHARSETS["base32"])
    if name == "jwt":
        return body.count(".") == 2 and body.startswith("eyJ")
    return True


def _mixed(body: str) -> bool:
    """Upper case, lower case and digits all present: generated, not a word or filler."""
    kinds = (str.isupper, str.islower, str.isdigit)
    return all(any(test(c) for c in body) for test in kinds) and not looks_fake(body)


def _pseudo_random(length: int, alphabet: str, seed: int) -> str:
    """``length`` characters of ``alphabet`` from a fixed LCG (test data, not secrets)."""
    state = (seed * 2654435761 + 12345) & 0xFFFFFFFF
    chars = []
    for _ in range(length):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        chars.append(alphabet[(state >> 8) % len(alphabet)])
    return "".join(chars)


def _crc_body(length: int, seed: int) -> str:
    """``length`` base62 characters and their CRC32 checksum (GitHub and npm tokens)."""
    from scanner.secrets.checksums import crc32_base62

    body = _pseudo_random(length, CHARSETS["alnum"], seed)
    return body + crc32_base62(body)


def expand(template: str, seed: str = "") -> str:
    """A ``sample``/``decoy`` template with every ``{name:n}`` replaced.

    ``name`` is a charset of ``CHARSETS``, ``x`` (n times ``x``), ``crc32`` (n base62
    characters and their 6-character checksum) or ``[chars]`` (a literal alphabet). Built at
    test time so that no whole token sits in the repository.
    """
    out: list[str] = []
    base = zlib.crc32(seed.encode())
    i = 0
    count = 0
    while i < len(template):
        char = template[i]
        close = template.find("}", i)
        colon = template.find(":", i)
        if char == "{" and 0 < colon < close:
            name, digits = template[i + 1 : colon], template[colon + 1 : close]
            if digits.isdigit():
                out.append(_chars(name, int(digits), base + count))
                count += 1
                i = close + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _chars(name: str, length: int, seed: int) -> str:
    if name == "x":
        return "x" * length
    if name == "crc32":
        return _crc_body(length, seed)
    if name.startswith("[") and name.endswith("]"):
        return _pseudo_random(length, name[1:-1], seed)
    if name not in CHARSETS:
        raise ValueError(f"unknown template charset {name!r}")
    return _pseudo_random(length, CHARSETS[name], seed)


def families(formats: Iterable[Format]) -> dict[str, list[Format]]:
    """Rows grouped by rule id, in table order (for docs)."""
    out: dict[str, list[Format]] = {}
    for row in formats:
        out.setdefault(row.rule, []).append(row)
    return out
