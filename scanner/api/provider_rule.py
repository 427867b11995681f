"""The rule side of the provider table: one base for the SRC rules that are only rows.

A provider family rule (LLC-SRC-015 cloud, -016 CI/CD, ...) holds no pattern of its own: its
rows are ``catalogue.formats(rule_id)``, its prefilter triggers ``catalogue.triggers(rule_id)``,
and each row says its label, lifetime, severity and fix. ``report_rows`` is also what code
rules with special checks (SRC-005, SRC-006) call for the rows they were given in the table,
so a format moved to a row is reported the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import ahocorasick_rs

from scanner.api.rule import Invalid, RuleMeta, TextRule
from scanner.documents.text import Span, TextDocument
from scanner.filekinds import ALL_KINDS
from scanner.findings import Category, Precision, Severity
from scanner.secrets import catalogue, table
from scanner.secrets.formats import Format
from scanner.secrets.patterns import TOKEN_CHARS, Match, standalone

#: The trigger of a family rule with no rows yet: a string no file holds, so the prefilter
#: never runs the rule (an empty trigger tuple would mean "run on every file").
NO_ROWS = "\x00outlive-provider-rule-without-rows"
#: Characters after which a context row's value starts (assignment, quotes, blanks).
_VALUE_START = " \t\"'`=>"


def provider_meta(rule_id: str, name: str, summary: str, fix: str,
                  severity: Severity = Severity.HIGH) -> RuleMeta:
    """The META of a family rule: triggers from its rows; medium precision if any row needs
    a nearby keyword (a context row), high when every row has a unique prefix."""
    rows = [c.format for c in catalogue.formats(rule_id)]
    precision = Precision.MEDIUM if any(r.context for r in rows) else Precision.HIGH
    return RuleMeta(
        id=rule_id, name=name, summary=summary, category=Category.STATIC_SECRET,
        severity=severity, precision=precision, owasp=("NHI2", "NHI7"), fix=fix,
        kinds=ALL_KINDS, triggers=catalogue.triggers(rule_id) or (NO_ROWS,),
    )


def row_examples(rule_id: str, limit: int = 3) -> list[Invalid]:
    """INVALID examples built from the first rows' samples (for families whose rows another
    table file brings), as a ``.env`` line each."""
    out = []
    for compiled in catalogue.formats(rule_id)[:limit]:
        row = compiled.format
        line = table.expand(row.sample, row.id)
        out.append(Invalid(f"{line}  # expect: {rule_id}\n", path=".env"))
    return out


class ProviderRule(TextRule):
    """A rule whose formats are all rows of the provider table."""

    def check(self, doc: TextDocument) -> None:
        report_rows(self, doc, self.META.id)


def report_rows(rule: TextRule, doc: TextDocument, rule_id: str,
                skip: Sequence[tuple[int, int]] = ()) -> None:
    """Report every match of ``rule_id``'s rows in ``doc`` (one finding per place).

    A match must stand alone (no token characters glued to it), not be a placeholder, and
    its random part (group 1) must fit the row's charset, length and validator. A context
    row reports the value only (group 1 to the match's end), not the keyword before it.
    """
    text = doc.text
    present = _anchors_in(text, rule_id)  # the prefilter's pass, or one for all the anchors
    taken: list[tuple[int, int]] = list(skip)
    for compiled in catalogue.formats(rule_id):
        row = compiled.format
        if present.isdisjoint(row.anchors):
            continue  # a row whose anchors are absent costs no regex pass
        if compiled.needle and compiled.needle not in text:
            continue
        for match in compiled.pattern.finditer(text):
            start, end = _span(row, match)
            if any(s < end and start < e for s, e in taken):
                continue
            if not _bounded(row, text, start, end) or _in_blob(text, start, end):
                continue
            token = text[start:end]
            if rule.context.is_placeholder(token) or not table.accepts(row, _body(match)):
                continue
            if row.quiet and _quiet(text, start, row.quiet):
                continue
            taken.append((start, end))
            rule.report(Span(start, end), f"{row.label} committed to a file: {row.why}.",
                        lifetime=row.lifetime, value=token, severity=row.severity,
                        fix=row.fix)


@cache
def _automaton() -> tuple[ahocorasick_rs.BytesAhoCorasick, tuple[str, ...]]:
    """One automaton for the anchors of every row of every rule."""
    anchors = tuple(dict.fromkeys(a for row in catalogue.all_formats() for a in row.anchors))
    # The DFA implementation: three times faster than the default NFA on this many patterns
    # (bench/provider_table.py), at a build cost paid once per process.
    automaton = ahocorasick_rs.BytesAhoCorasick(
        [a.encode("utf-8") for a in anchors], implementation=ahocorasick_rs.Implementation.DFA)
    return automaton, anchors


#: The text last searched and the anchors found in it: the family rules run one after the
#: other on the same document, so one pass serves them all.
_LAST: list[tuple[str, frozenset[str]]] = []


#: (text, hits, triggers) of the file the engine is scanning: the prefilter's hits are the
#: anchors present wherever every anchor of a rule's rows is a prefilter trigger.
_SHARED: list[tuple[str, frozenset[str], frozenset[str]]] = []


def share_hits(text: str, hits: frozenset[str], triggers: frozenset[str]) -> None:
    """The engine hands over what its prefilter found in ``text`` (same bytes, lower-cased),
    so the family rules need no second automaton pass over the file."""
    _SHARED[:] = [(text, hits, triggers)]


@cache
def _rule_anchors(rule_id: str) -> frozenset[str]:
    return frozenset(catalogue.triggers(rule_id))


def _anchors_in(text: str, rule_id: str = "") -> frozenset[str]:
    """The table's anchors that occur in ``text`` (lower-cased ASCII, as the prefilter does):
    the prefilter's hits when the engine shared them for this very text and they cover the
    rule's anchors (a decoded blob or another rule's rows are searched here)."""
    if _SHARED and _SHARED[0][0] is text and rule_id and _rule_anchors(rule_id) <= _SHARED[0][2]:
        return _SHARED[0][1]
    if _LAST and _LAST[0][0] is text:
        return _LAST[0][1]
    automaton, anchors = _automaton()
    lowered = text.encode("utf-8", "surrogatepass").lower()
    found = automaton.find_matches_as_indexes(lowered, overlapping=True)
    present = frozenset(anchors[index] for index, _, _ in found)
    _LAST[:] = [(text, present)]
    return present


def _bounded(row: Format, text: str, start: int, end: int) -> bool:
    """Not glued to more token characters. A context row's keyword and assignment already
    bound its left side (its group 1 may follow a fixed ``live_`` or UUID head), so only its
    right side is checked."""
    if row.context:
        return end >= len(text) or text[end] not in TOKEN_CHARS
    return standalone(text, start, end)


_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
#: Base64 characters beyond a match, on one side, that make it part of an encoded blob.
_BLOB_MARGIN = 24


def _in_blob(text: str, start: int, end: int) -> bool:
    """Whether the match is a slice of a longer base64 run (a ``data:`` image, an embedded
    certificate): ``EAA...`` or ``AKIA...`` inside one is chance, not a token. The run must
    reach ``_BLOB_MARGIN`` characters past the match through ``+`` or ``/``, which tokens
    do not hold, so a token followed by ordinary text is never dropped."""
    left = start
    while left > 0 and start - left <= _BLOB_MARGIN and text[left - 1] in _BASE64:
        left -= 1
    right = end
    while right < len(text) and right - end <= _BLOB_MARGIN and text[right] in _BASE64:
        right += 1
    before, after = text[left:start], text[end:right]
    return (len(before) > _BLOB_MARGIN and ("+" in before or "/" in before)) or (
        len(after) > _BLOB_MARGIN and ("+" in after or "/" in after)
    )


def _quiet(text: str, start: int, words: Sequence[str]) -> bool:
    """Whether the match's line holds one of the row's public-use words."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end != -1 else len(text)].lower()
    return any(word in line for word in words)


def _span(row: Format, match: Match) -> tuple[int, int]:
    """The credential: all of the match; for a context row, the value after the keyword and
    its assignment (from the last quote, space or ``=`` before group 1), so a fixed head such
    as Asana's ``2/<ids>:`` is redacted with the secret after it."""
    if row.context:
        head = match.group()[: match.start(1) - match.start()]
        cut = max(head.rfind(c) for c in _VALUE_START)
        return match.start() + cut + 1, match.end()
    return match.start(), match.end()


def _body(match: Match) -> str:
    try:
        return match.group(1) or ""
    except IndexError:
        return match.group()
