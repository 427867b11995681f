"""Secret-value helpers shared by the secret-format rules: patterns, placeholders, entropy.

This is the only module allowed to import ``detect_secrets`` (ruff bans it elsewhere), so its
offline settings and the decision of what to take from it live in one place. Patterns compile
with RE2 (linear time: no hostile file can make a pattern backtrack for minutes) and fall back to
``re`` only for a construct RE2 lacks, such as a look-around.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Protocol

import re2


class Match(Protocol):
    def start(self, group: int | str = 0) -> int: ...
    def end(self, group: int | str = 0) -> int: ...
    def group(self, group: int | str = 0) -> str: ...


class Pattern(Protocol):
    """The part of the ``re`` pattern API that both ``re`` and RE2 objects offer."""

    def finditer(self, text: str) -> Iterator[Match]: ...
    def search(self, text: str) -> Match | None: ...


def compile_pattern(pattern: str) -> Pattern:
    """RE2 where it can, ``re`` where it must (look-arounds, backreferences)."""
    try:
        compiled: Pattern = re2.compile(pattern)
    except re2.error:
        compiled = re.compile(pattern)
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


def is_placeholder(value: str, extra_words: Iterable[str] = ()) -> bool:
    """True for values that stand in for a credential instead of being one."""
    if _PLACEHOLDER_PATTERNS.search(value):
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
