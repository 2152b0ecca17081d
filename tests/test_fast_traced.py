"""A traced run other than the slow reference reads what is kept of the law (issue 13).

``classify_keyed(facts, law, True)`` (a screened row written as a JSON record) and a trace read
later from a fast decision run the order of review in tracing mode with the paragraphs and
ECCN entries found before, the references' texts, the classifications, the conflicts and
release claims of the item's kind and the steps of Supp. No. 4 kept between runs; only
``classify_traced`` looks every one up.  Each test compares the two, decision, id and trace,
on facts neither chose: the example parts lists, the benchmark's distinct rows (under two
laws in turn, one reference object for both), the testing kit's facts and rows, and items
under a reform that moves a candidate to the CCL.  Never a speed assertion.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from tests.test_fast_classify import FACTS, LAW, SOME, facts_of, outcome, same
from tests.test_fast_paths import _reformed
from tools import bench

import exportctl
from exportctl.core.provenance import canonical_json
from exportctl.engine import classify as engine
from exportctl.inputs.items import ItemFacts

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _traced_keyed(facts: ItemFacts, law: Any) -> Any:
    """``classify_keyed``'s traced decision, made afresh (the memo off: no decision kept by an
    earlier test is handed back), its facts' JSON checked on the way."""
    saved = engine._MEMO_ON
    engine._MEMO_ON = False
    try:
        made, facts_key = engine.classify_keyed(facts, law, True)
    finally:
        engine._MEMO_ON = saved
    assert facts_key == canonical_json(facts.known())
    assert made.trace_read  # built as it went, not computed later
    return made


def _both(facts: ItemFacts, law: Any = LAW) -> None:
    """The keyed traced run and the reference, every field (an error and its words too)."""
    keyed = outcome(lambda f, _: _traced_keyed(f, law), facts)
    reference = outcome(lambda f, _: engine.classify_traced(f, law), facts)
    same(keyed, reference, lazy=False)


def _example_facts() -> Iterator[ItemFacts]:
    for name in ("parts_list.csv", "relocation_parts.csv"):
        with (EXAMPLES / name).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                facts = facts_of(row)
                if facts is not None:
                    yield facts


def test_the_examples_traced_from_what_is_kept_are_the_reference() -> None:
    seen = 0
    for facts in _example_facts():
        seen += 1
        _both(facts)
    assert seen > 10


@pytest.mark.parametrize("seed", [61, 67])
def test_distinct_rows_traced_under_two_laws_in_turn_are_each_laws_reference(seed: int) -> None:
    """The benchmark's distinct rows (determinations, CCATS, candidates of every tier), each
    traced under two laws and back (one reference object for both: nothing kept for one law's
    paragraph may be read for the other's)."""
    laws = (exportctl.law("2025-06-01"), exportctl.law("2026-08-01"))
    seen = 0
    for row in bench.distinct_parts(300, seed=seed, as_of="2025-06-01"):
        facts = facts_of(row)
        if facts is None:
            continue
        seen += 1
        for law in (*laws, *laws[::-1]):
            _both(facts, law)
    assert seen > 250


@SOME
@given(FACTS)
def test_any_facts_traced_from_what_is_kept_are_the_reference(facts: ItemFacts) -> None:
    _both(facts)


@SOME
@given(_reformed())
def test_a_reformed_law_traced_from_what_is_kept_is_the_reference(
    case: tuple[exportctl.Law, ItemFacts],
) -> None:
    law, facts = case
    _both(facts, law)
