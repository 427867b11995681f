"""Parse the duration spellings configs and code use: seconds, Go, ISO 8601, ``30d``."""

from __future__ import annotations

import math
import re

#: The longest duration outlive reasons about: ``timedelta.max`` in whole days (999,999,999
#: days, Python's own "forever"). Longer values, and the infinities and thousand-digit literals
#: a hostile file can hold, are clamped to it, so a rule compares "far beyond any threshold"
#: instead of overflowing a float or an int conversion.
MAX_SECONDS = 999_999_999 * 86400
#: Digit strings longer than this are beyond ``MAX_SECONDS`` whatever their value; they are not
#: converted (``int()`` refuses more than 4,300 digits, ``float()`` overflows).
_MAX_DIGITS = 15

_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "y": 31536000,
}
_GO = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)")
_ISO = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def clamp_seconds(value: float) -> int | None:
    """``value`` as whole seconds, capped at ``MAX_SECONDS``; None when it means nothing.

    NaN and values at or below ``-MAX_SECONDS`` (negative infinity, a minus sign on a huge
    literal) are ignored rather than guessed at; ``+inf`` and huge values become the cap, which
    is longer than any threshold, so they still give a finding.
    """
    if isinstance(value, float) and math.isnan(value):
        return None
    if value >= MAX_SECONDS:
        return MAX_SECONDS
    if value <= -MAX_SECONDS:
        return None
    return int(value)


def _digits(text: str) -> float:
    """A decimal number as a float, without ``int()``'s digit limit (huge ones are ``inf``)."""
    whole = text.split(".", 1)[0].lstrip("0")
    return math.inf if len(whole) > _MAX_DIGITS else float(text)


def parse_duration(value: str | int | float) -> int | None:
    """Seconds in ``value``, or None if it is not a duration we understand.

    Accepts plain seconds (``3600``, ``"3600"``), Go/Vault style (``"8760h"``, ``"1h30m"``,
    ``"30d"``) and ISO 8601 (``"P1Y"``, ``"PT15M"``; a year is 365 days, a month 30). Values
    beyond ``MAX_SECONDS`` are clamped to it; NaN and negative values are not durations.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        return clamp_seconds(value) if value >= 0 else None
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return clamp_seconds(_digits(text))
    iso = _ISO.match(text.upper())
    if iso and any(iso.groupdict().values()):
        parts = {k: _digits(v) for k, v in iso.groupdict().items() if v}
        return clamp_seconds(
            parts.get("y", 0) * 31536000
            + parts.get("mo", 0) * 2592000
            + parts.get("w", 0) * 604800
            + parts.get("d", 0) * 86400
            + parts.get("h", 0) * 3600
            + parts.get("mi", 0) * 60
            + parts.get("s", 0)
        )
    pos = 0
    total = 0.0
    for match in _GO.finditer(text):
        if match.start() != pos:
            return None
        total += _digits(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos != len(text) or pos == 0:
        return None
    return clamp_seconds(total)


def describe_duration(seconds: int) -> str:
    """A duration for a message, in its largest sensible unit ("3650 days", "1 hour")."""
    if seconds >= 999_999 * 86400:  # timedelta.max, and anything clamped to MAX_SECONDS
        return "practically forever"
    if seconds >= 2 * 365 * 86400:
        return f"{seconds // (365 * 86400)} years ({seconds // 86400} days)"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size or (seconds >= size and seconds % size == 0):
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"
