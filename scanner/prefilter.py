"""Decide, in one native pass over a file's bytes, which rules can possibly fire on it.

Every rule declares the literal strings without which it cannot match (its triggers). They are
compiled into one Aho-Corasick automaton; a file is lower-cased once (ASCII, in C) and scanned
once. A rule whose triggers do not occur is not run, and a Python file no Python rule can fire
on is never handed to LibCST. Python ``re`` alternations run about 30x slower (design.md 6).
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick_rs

from scanner.rulemeta import RuleSpec

#: Bytes searched before the DFA automaton replaces the default one: it finds the same
#: matches two to three times faster, but takes 2-15 ms to build (bench/provider_table.py),
#: which a scan of a few small files (a pre-commit hook) would not earn back.
DFA_AFTER = 2_000_000


class Prefilter:
    """The triggers of a set of rules, compiled once per scan (and once per worker)."""

    def __init__(self, rules: Iterable[RuleSpec]) -> None:
        triggers = sorted({t for rule in rules for t in (*rule.META.triggers, *rule.META.requires)})
        self.triggers = frozenset(triggers)
        self._patterns = [t.encode("utf-8") for t in triggers]
        self._automaton = (
            ahocorasick_rs.BytesAhoCorasick(self._patterns) if self._patterns else None
        )
        self._searched = 0  # bytes, until the DFA is built

    def hits(self, lowered: bytes) -> frozenset[str]:
        """The triggers that occur in ``lowered`` (the file's bytes, ASCII lower-cased)."""
        if self._automaton is None:
            return frozenset()
        if self._searched < DFA_AFTER:
            self._searched += len(lowered)
            if self._searched >= DFA_AFTER:
                self._automaton = ahocorasick_rs.BytesAhoCorasick(
                    self._patterns, implementation=ahocorasick_rs.Implementation.DFA
                )
        found = {
            index
            for index, _, _ in self._automaton.find_matches_as_indexes(lowered, overlapping=True)
        }
        return frozenset(self._patterns[i].decode("utf-8") for i in found)

    @staticmethod
    def can_fire(rule: RuleSpec, hits: frozenset[str]) -> bool:
        meta = rule.META
        if not meta.triggers:
            return True
        if hits.isdisjoint(meta.triggers):
            return False
        return not meta.requires or not hits.isdisjoint(meta.requires)
