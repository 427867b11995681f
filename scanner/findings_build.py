"""Build a finding's parts from a rule's report: location, fingerprint, snippet, masked text.

The engine orchestrates (documents, rules, suppression, merge); this module is what it calls
to turn each raw report into a ``Finding`` and to mask the file's secrets in what findings
quote. It needs no document parser or rule runner, only the text document and the reports.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

import ahocorasick_rs as ahocorasick

from scanner.api.rule import Report, Rule
from scanner.documents.text import TextDocument
from scanner.findings import (
    Category,
    Finding,
    Location,
    RelatedLocation,
    SecretMasker,
    fingerprint,
    redact,
)

#: Turns whatever a rule reported (a node, a span) into a location, per document type.
Locator = Callable[[Any], Location]

SNIPPET_MAX = 160


def build_finding(
    rule_cls: type[Rule],
    report: Report,
    locate: Locator,
    text_doc: TextDocument,
) -> Finding:
    """The finding a rule's report stands for, its snippet still empty and its text unmasked."""
    meta = rule_cls.META
    location = locate(report.target)
    if report.value is not None:
        print_fp = fingerprint(report.value)
    else:
        print_fp = fingerprint(" ".join(_slice(text_doc, location).split()))
    message = report.message  # masked in Engine._suppress, which knows every secret of the file
    related = tuple(RelatedLocation(locate(target), note) for target, note in report.related)
    return Finding(
        location=location,
        rule_id=meta.id,
        rule_name=meta.name,
        category=meta.category,
        severity=report.severity or meta.severity,
        precision=meta.precision,
        message=message,
        snippet="",  # filled by redact_snippets, which knows every secret of the file
        fingerprint=print_fp,
        owasp=meta.owasp,
        lifetime=report.lifetime,
        fix=report.fix or meta.fix,
        related=related,
    )


def mask_finding(finding: Finding, masker: SecretMasker) -> Finding:
    """Rule-built text masked for the file's secrets; a reason, quoted whole from the file,
    also for key-like runs no rule matched."""
    related = tuple(replace(r, message=masker.mask(r.message)) for r in finding.related)
    suppression = finding.suppression
    if suppression is not None:
        suppression = replace(
            suppression, justification=masker.mask_quoted(suppression.justification)
        )
    message, fix = masker.mask(finding.message), masker.mask(finding.fix)
    notes = tuple(masker.mask(n) for n in finding.notes)
    if (message, fix, related, notes, suppression) == (
        finding.message, finding.fix, finding.related, finding.notes, finding.suppression
    ):
        return finding
    return replace(
        finding, message=message, fix=fix, related=related, notes=notes, suppression=suppression
    )


def _slice(doc: TextDocument, loc: Location) -> str:
    start = doc.offset(loc.line, loc.column)
    end = doc.offset(loc.end_line, loc.end_column)
    return doc.text[start:end]


def redact_snippets(
    findings: list[Finding],
    reports: list[tuple[type[Rule], Report, Locator]],
    doc: TextDocument,
) -> list[Finding]:
    """Every secret any rule found in the file is masked in every snippet of the file.

    The secrets are searched once per line that has a finding (one Aho-Corasick pass), not once
    per finding: checking every secret against every finding took half a minute on a file of
    ten thousand keys. Each snippet is then masked from its own line's hits only.
    """
    secrets = sorted(
        {s for _, r, _ in reports for s in (r.value, *r.secrets) if s and len(s) >= 4},
        key=len,
        reverse=True,
    )
    pieces: list[str] = []
    for secret in secrets:
        first = secret.splitlines()[0] if "\n" in secret else secret
        pieces.extend(p for p in dict.fromkeys((secret, first)) if len(p) >= 4)
    widest = max((len(p) for p in pieces), default=0)
    index = _LineHits(doc, pieces)
    out = []
    for finding in findings:
        line = finding.location.line
        if not 1 <= line <= doc.line_count:
            out.append(replace(finding, snippet=""))
            continue
        start, end = index.bounds(line)
        wanted = _line_columns(finding.location, end - start)
        if end - start > LONG_LINE:
            snippet, span = _long_line_snippet(
                doc.text, start, end, finding.location.column, index.hits(line), widest, wanted
            )
            out.append(replace(finding, snippet=snippet, snippet_span=span))
            continue
        snippet, lows, highs = _masked_line(doc.text[start:end], index.pieces_on(line))
        span = _span_of(lows, highs, *wanted)
        if len(snippet) > SNIPPET_MAX:
            # The window follows the finding in the masked line, where the caret will be.
            col = max(0, span[0] - 40)
            lead = 1 if col else 0
            snippet = ("…" if col else "") + snippet[col : col + SNIPPET_MAX] + "…"
            span = (span[0] - col + lead, min(span[1] - col, SNIPPET_MAX) + lead)
        snippet = snippet.rstrip()
        out.append(replace(finding, snippet=snippet, snippet_span=_clip_span(span, snippet)))
    return out


def _line_columns(loc: Location, length: int) -> tuple[int, int]:
    """The location's part of its first line, 0-based and end-exclusive: to the end of the
    line when it goes on below (a PEM block, a call over several lines)."""
    first = max(0, min(loc.column - 1, length))
    last = loc.end_column - 1 if loc.end_line == loc.line else length
    return first, max(first, min(last, length))


def _masked_line(text: str, pieces: list[str]) -> tuple[str, list[int], list[int]]:
    """``text`` with each piece replaced by ``redact(piece)`` in turn (as ``str.replace``
    does), and for each character of the result the span of ``text`` it stands for: a masked
    secret's characters all stand for the whole secret. The text format draws its carets from
    these spans, since masking moves and shrinks what a location's columns point at."""
    lows = list(range(len(text)))
    highs = [i + 1 for i in lows]
    for piece in pieces:
        if piece not in text:
            continue
        mask = redact(piece)
        parts: list[str] = []
        new_lows: list[int] = []
        new_highs: list[int] = []
        pos = 0
        at = text.find(piece)
        while at >= 0:
            parts.append(text[pos:at])
            new_lows.extend(lows[pos:at])
            new_highs.extend(highs[pos:at])
            parts.append(mask)
            new_lows.extend([lows[at]] * len(mask))
            new_highs.extend([highs[at + len(piece) - 1]] * len(mask))
            pos = at + len(piece)
            at = text.find(piece, pos)
        parts.append(text[pos:])
        new_lows.extend(lows[pos:])
        new_highs.extend(highs[pos:])
        text, lows, highs = "".join(parts), new_lows, new_highs
    return text, lows, highs


def _span_of(lows: list[int], highs: list[int], first: int, last: int) -> tuple[int, int]:
    """The characters of the masked line that stand for original columns ``[first, last)``
    (at least one: an empty region gets one caret where it starts)."""
    last = max(last, first + 1)
    pairs = enumerate(zip(lows, highs, strict=True))
    hit = [i for i, (lo, hi) in pairs if lo < last and hi > first]
    if hit:
        return hit[0], hit[-1] + 1
    at = next((i for i, lo in enumerate(lows) if lo >= first), len(lows))
    return at, at + 1


def _clip_span(span: tuple[int, int], snippet: str) -> tuple[int, int]:
    """``span`` kept within the (right-stripped) snippet, one character wide at least."""
    start = max(0, min(span[0], len(snippet)))
    return start, max(start + 1, min(span[1], len(snippet)))


#: Lines longer than this (minified files) are never copied whole: one copy per finding of a
#: 2 MB line with thousands of findings took gigabytes.
LONG_LINE = 1024

#: One secret hit on a line: (start, end) relative to the line start, and the secret.
_Hit = tuple[int, int, str]


class _LineHits:
    """Where each secret occurs, per line, computed on first use of a line.

    ``pieces_on`` keeps the masking order (longest secret first) so snippets stay byte-identical
    to masking with every secret in turn. A secret absent from a line can only appear there after
    an earlier replacement if it contains the ``…`` that replacement inserts (the rest of the
    masked text was already on the line), so such secrets are always tried.
    """

    def __init__(self, doc: TextDocument, pieces: list[str]) -> None:
        self._doc = doc
        self._pieces = pieces
        self._ranks: dict[str, list[int]] = {}
        for rank, piece in enumerate(pieces):
            self._ranks.setdefault(piece, []).append(rank)
        self._patterns = list(self._ranks)
        self._always = [p for p in self._patterns if "…" in p]
        self._automaton = (
            ahocorasick.AhoCorasick(self._patterns, matchkind=ahocorasick.MatchKind.Standard)
            if pieces
            else None
        )
        self._hits: dict[int, list[_Hit]] = {}
        self._order: dict[int, list[str]] = {}

    def bounds(self, line: int) -> tuple[int, int]:
        """Offsets of the line's text in the document, without its line break."""
        doc = self._doc
        start = doc.offset(line, 1)
        end = doc.offset(line + 1, 1) if line < doc.line_count else len(doc.text)
        while end > start and doc.text[end - 1] in "\r\n":
            end -= 1
        return start, end

    def hits(self, line: int) -> list[_Hit]:
        """Every occurrence of every secret on the line, overlapping ones included, sorted by
        start and, at one start, longest first."""
        cached = self._hits.get(line)
        if cached is not None:
            return cached
        found: list[_Hit] = []
        if self._automaton is not None:
            start, end = self.bounds(line)
            patterns = self._patterns
            found = [
                (first, last, patterns[which])
                for which, first, last in self._automaton.find_matches_as_indexes(
                    self._doc.text[start:end], overlapping=True
                )
            ]
            found.sort(key=lambda h: (h[0], h[0] - h[1]))
        self._hits[line] = found
        return found

    def pieces_on(self, line: int) -> list[str]:
        """The secrets to try on the line, in masking order (a repeated one as often)."""
        cached = self._order.get(line)
        if cached is None:
            present = {piece for _, _, piece in self.hits(line)}
            present.update(self._always)
            ranks = sorted(rank for piece in present for rank in self._ranks[piece])
            cached = self._order[line] = [self._pieces[rank] for rank in ranks]
        return cached


def _long_line_snippet(
    text: str,
    start: int,
    end: int,
    column: int,
    hits: list[_Hit],
    widest: int,
    wanted: tuple[int, int] = (0, 0),
) -> tuple[str, tuple[int, int]]:
    """SNIPPET_MAX characters of ``text[start:end]`` around ``column``, secrets masked, and
    where the line's columns ``wanted`` fall in it (see ``_masked_line``).

    ``hits`` are the line's secret occurrences (sorted by start); one that starts before the
    cut or runs past it is still masked whole. Only hits starting within ``widest`` (the
    longest secret) before the shown part can reach into it, so the scan starts there.
    """
    length = end - start
    shown_start = max(0, min(column - 1, length) - 40)
    shown_end = min(length, shown_start + SNIPPET_MAX)
    first_col, last_col = wanted[0], max(wanted[1], wanted[0] + 1)
    out = ["…"] if shown_start else []
    lows = [0] * len(out)
    highs = [shown_start] * len(out)

    def plain(a: int, b: int) -> None:
        out.append(text[start + a : start + b])
        lows.extend(range(a, b))
        highs.extend(range(a + 1, b + 1))

    pos = shown_start
    for at in range(bisect.bisect_left(hits, (shown_start - widest,)), len(hits)):
        first, last, piece = hits[at]
        if first >= shown_end:
            break
        if last <= pos:
            continue
        if first > pos:
            plain(pos, first)
        mask = redact(piece)
        out.append(mask)
        lows.extend([first] * len(mask))
        highs.extend([last] * len(mask))
        pos = last
    if pos < shown_end:
        plain(pos, shown_end)
    if shown_end < length:
        out.append("…")
        lows.append(shown_end)
        highs.append(length)
    snippet = "".join(out).rstrip()
    return snippet, _clip_span(_span_of(lows, highs, first_col, last_col), snippet)


def specificity(rule_id: str) -> int:
    """rules.md 10.1: specific rules > SRC provider formats > SRC-013 URLs > SRC-023
    passwords > SRC-014 generic secrets. The higher wins when two rules report one value."""
    if not rule_id.startswith("LLC-SRC-"):
        return 4
    return {"LLC-SRC-013": 2, "LLC-SRC-023": 1, "LLC-SRC-014": 0}.get(rule_id, 3)


#: Copies listed on the one finding of a credential; a generated file may repeat a value
#: thousands of times, and the first few say where it is.
MAX_COPIES = 20
COPY_NOTE = "the same credential again (one credential, reported once)"


def _canonical(value: str) -> str:
    """One spelling of a value for its JSON (``\\/``) and query-string (``%2B``) copies."""
    return unquote(value.replace("\\/", "/")).strip()


def one_credential_once(
    findings: list[Finding], reports: Sequence[tuple[type[Rule], Report, Locator]]
) -> list[Finding]:
    """Every place of one file that holds the same credential is one finding.

    Static-secret findings whose values are the same credential (after undoing JSON and URL
    escapes) merge: the most specific rule wins (``specificity``), then the higher severity,
    then the first place; the other places become related locations of the winner. Only
    findings of the same suppression state merge, so an ``outlive: ignore`` on one copy never
    hides another. Findings of other categories (a CI job that reads a stored secret twice)
    stand apart: each place is its own problem there.
    """
    keys: dict[str, str] = {}
    for _, report, _ in reports:
        if report.value:
            keys.setdefault(fingerprint(report.value), fingerprint(_canonical(report.value)))
    groups: dict[tuple[str, bool], list[int]] = {}
    for index, finding in enumerate(findings):
        key = keys.get(finding.fingerprint)
        if key is None or finding.category is not Category.STATIC_SECRET:
            continue
        groups.setdefault((key, finding.suppression is None), []).append(index)
    drop: set[int] = set()
    winners: dict[int, Finding] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        ranked = sorted(
            members,
            key=lambda i: (
                -specificity(findings[i].rule_id),
                -findings[i].severity.rank,
                findings[i].sort_key,
            ),
        )
        best = findings[ranked[0]]
        explained = {r.location.line for r in best.related}  # "the literal is defined here"
        places = sorted(
            {findings[i].location for i in ranked[1:]} - {best.location},
            key=lambda loc: (loc.line, loc.column),
        )
        places = [loc for loc in places if loc.line not in explained]
        copies = tuple(RelatedLocation(loc, COPY_NOTE) for loc in places[:MAX_COPIES])
        best = replace(best, related=(*best.related, *copies))
        for i in ranked[1:]:  # a line the winner already points at: say who matched it there
            other = findings[i]
            if other.location.line in explained and other.rule_id != best.rule_id:
                best = _with_match(best, other)
        winners[ranked[0]] = best
        drop.update(ranked[1:])
    if not drop:
        return findings
    return [winners.get(i, f) for i, f in enumerate(findings) if i not in drop]


def fold_covered(
    findings: list[Finding],
    built: Sequence[Finding],
    reports: Sequence[tuple[type[Rule], Report, Locator]],
) -> list[Finding]:
    """A value a more specific finding already names among its secrets is one credential,
    reported once (issue 13): the literal refresh token an FS finding redeems, the client
    secret a PY finding sees passed to an SDK, the secret key of a reported AWS key pair.

    The finding that carries the lifetime and the fix (FS, PY, AGT: ``specificity`` 4) wins;
    the provider-format or generic SRC finding on the same value becomes a related location
    of it, saying which rule matched it and as what (its message's first clause names the
    provider). Where the winner already points at that line (``the stored refresh token comes
    from here``), the note is added to that related location instead of a second one.
    """
    covering: dict[Finding, tuple[str, ...]] = {}
    for finding, (_, report, _) in zip(built, reports, strict=True):
        if report.secrets:
            covering[finding] = tuple(fingerprint(s) for s in report.secrets if s)
    if not covering:
        return findings
    by_secret: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        for secret in covering.get(finding, ()):
            by_secret.setdefault(secret, []).append(index)
    if not by_secret:
        return findings
    notes: dict[int, list[Finding]] = {}
    drop: set[int] = set()
    for index, finding in enumerate(findings):
        holders = [h for h in by_secret.get(finding.fingerprint, ()) if h != index]
        if not holders or finding in covering:
            continue
        top = max(specificity(findings[h].rule_id) for h in holders)
        if specificity(finding.rule_id) > top:
            continue
        drop.add(index)
        for holder in holders:
            if specificity(findings[holder].rule_id) == top:
                notes.setdefault(holder, []).append(finding)
    out: list[Finding] = []
    for index, finding in enumerate(findings):
        if index in drop:
            continue
        for covered in notes.get(index, ()):
            finding = _with_match(finding, covered)
        out.append(finding)
    return out


def _with_match(winner: Finding, covered: Finding) -> Finding:
    """``winner`` with a note that ``covered``'s rule matched the same value where it sits."""
    head = covered.message.split(":", 1)[0].strip().rstrip(".")
    note = f"{covered.rule_id} matches the same credential here ({head})"
    related = list(winner.related)
    for at, place in enumerate(related):
        if place.location.path == covered.location.path and (
            place.location.line == covered.location.line
        ):
            related[at] = RelatedLocation(place.location, f"{place.message}; {note}")
            return replace(winner, related=tuple(related))
    if covered.location == winner.location:
        return replace(winner, notes=(*winner.notes, note))
    return replace(winner, related=(*related, RelatedLocation(covered.location, note)))
