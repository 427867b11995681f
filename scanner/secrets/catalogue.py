"""Every provider format of the provider table (``providers.toml``), compiled once, and the
queries on it.

Rules ask the catalogue instead of keeping their own copies of prefixes and lifetimes:
``formats(rule)`` gives a rule its rows with compiled patterns and cheap guards,
``triggers(rule)`` the prefilter literals those rows need, ``find(text, rule)`` the matches of
a rule's rows as one alternation (tried in row order, as the rule's single regex used to be),
and ``classify(value)`` / ``prefixed(value)`` the row a value belongs to, for rules that meet a
token in a URL, an MCP config or a Python literal and want its provider's lifetime.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from scanner.secrets import table
from scanner.secrets.formats import Format
from scanner.secrets.patterns import Match, Pattern, compile_pattern, literal_prefix


def all_formats() -> tuple[Format, ...]:
    """All rows, in the order rules try them (the table is read on the first call)."""
    return table.rows()


@dataclass(frozen=True, slots=True)
class Compiled:
    """A row with its compiled pattern and the literal to test with ``in`` first."""

    format: Format
    needle: str
    pattern: Pattern


@cache
def _by_id() -> dict[str, Format]:
    return {row.id: row for row in all_formats()}


@cache
def _prefixes() -> list[tuple[str, Format]]:
    """Literal prefixes, longest first, so ``github_pat_`` wins over a shorter one."""
    return sorted(
        ((p, row) for row in all_formats() if (p := literal_prefix(row.pattern))),
        key=lambda item: -len(item[0]),
    )


def get(format_id: str) -> Format:
    """The row with this id (``KeyError`` for an unknown one: ids are fixed in code)."""
    return _by_id()[format_id]


def formats(rule: str) -> tuple[Compiled, ...]:
    """The rows a rule reports, compiled, in catalogue order."""
    return _for_rule(rule)


@cache
def _for_rule(rule: str) -> tuple[Compiled, ...]:
    # Compiled on a rule's first use, not at import: a start that scans no file of the rule's
    # kind (``outlive --version``, a scan of Python files only) compiles none of its rows.
    return tuple(
        Compiled(row, row.needle or literal_prefix(row.pattern), compile_pattern(row.pattern))
        for row in all_formats()
        if row.rule == rule
    )


def triggers(rule: str) -> tuple[str, ...]:
    """The prefilter literals of a rule's rows: their anchors, first occurrence first."""
    rows = all_formats()
    return tuple(dict.fromkeys(a for row in rows if row.rule == rule for a in row.anchors))


@cache
def _alternation(rule: str) -> Pattern:
    rows = _for_rule(rule)
    return compile_pattern("|".join(f"(?:{c.format.pattern})" for c in rows))


def find(text: str, rule: str) -> Iterator[tuple[Format, Match]]:
    """Non-overlapping matches of a rule's rows in ``text``, leftmost first.

    One pass of one alternation without capture groups (RE2's fast path), so a file costs one
    scan whatever the number of rows. The row of a match is the first whose pattern matches
    all of it: the alternation prefers earlier rows at the same start, so no earlier row can.
    """
    rows = _for_rule(rule)
    for match in _alternation(rule).finditer(text):
        token = match.group()
        for compiled in rows:
            if _whole_pattern(compiled.format).search(token) is not None:
                yield compiled.format, match
                break


def classify(value: str) -> Format | None:
    """The first row whose pattern matches all of ``value`` (stripped), or None."""
    stripped = value.strip()
    for row in all_formats():
        if _whole_pattern(row).search(stripped) is not None:
            return row
    return None


def prefixed(value: str) -> Format | None:
    """The row whose literal prefix ``value`` starts with (longest prefix first), or None.

    For values already known to be tokens (a URL's password, an MCP env value), where the
    prefix names the kind and the rest need not be checked again.
    """
    candidates = [row for prefix, row in _prefixes() if value.startswith(prefix)]
    if len(candidates) > 1:  # rows sharing a prefix (ghs_ and the stateless ghs_<id>_<JWT>)
        shaped = [row for row in candidates if _whole_pattern(row).search(value.strip())]
        candidates = shaped or candidates
    return candidates[0] if candidates else None


@cache
def _whole_pattern(row: Format) -> Pattern:
    """The row's pattern anchored at both ends, compiled on first use (few rules classify)."""
    return compile_pattern(r"^(?:" + row.pattern + r")$")


def __getattr__(name: str) -> tuple[Format, ...]:
    """``catalogue.FORMATS``: every row, read from the table on first access (PEP 562)."""
    if name == "FORMATS":
        return all_formats()
    raise AttributeError(name)
