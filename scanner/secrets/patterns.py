"""Pattern compilation and match boundaries shared by every secret format.

Patterns compile with RE2 (linear time: no hostile file can make a pattern backtrack for
minutes) and fall back to ``re`` only for a construct RE2 lacks, such as a look-around.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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


#: Characters that continue a token: a match glued to one of them is part of a longer string.
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


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
