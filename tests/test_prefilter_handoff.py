"""The speed paths of the prefilter give the answers of the slow ones.

The prefilter switches to the DFA automaton after ``DFA_AFTER`` bytes, and the provider-table
rules take the prefilter's hits instead of searching the text again: both must find exactly
what the plain paths find.
"""

from __future__ import annotations

import pytest

from scanner import prefilter
from scanner.api import provider_rule
from scanner.prefilter import Prefilter
from scanner.registry import select_infos
from scanner.secrets import catalogue, table

TEXTS = [
    b"nothing to see here",
    b"token = 'xoxb-' and en-us and api-key and api-0 and ghp_ and akia and -us7",
    b"".join(row.anchors[0].encode() + b" filler " for row in catalogue.all_formats()),
]


@pytest.mark.parametrize("text", TEXTS)
def test_dfa_and_default_automata_find_the_same_triggers(
    text: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = select_infos()
    plain = Prefilter(rules).hits(text)
    monkeypatch.setattr(prefilter, "DFA_AFTER", 1)
    fast = Prefilter(rules)
    fast.hits(b"x")  # the DFA is built once this many bytes were searched
    assert fast.hits(text) == plain


def test_shared_hits_are_the_anchors_the_rule_would_find() -> None:
    rules = select_infos(select=("LLC-SRC",))
    pre = Prefilter(rules)
    samples = " ".join(table.expand(row.sample, row.id) for row in catalogue.all_formats())
    text = f"{samples} en-us api-version"
    hits = pre.hits(text.encode("utf-8").lower())
    provider_rule.share_hits(text, hits, pre.triggers)
    rule_ids = {row.rule for row in catalogue.all_formats()}
    for rule_id in sorted(rule_ids):
        shared = provider_rule._anchors_in(text, rule_id)
        provider_rule._SHARED.clear()
        searched = provider_rule._anchors_in(text, rule_id)
        provider_rule.share_hits(text, hits, pre.triggers)
        anchors = set(catalogue.triggers(rule_id))
        assert shared & anchors == searched & anchors, rule_id
    provider_rule._SHARED.clear()
