"""Reading a CSV row by its columns (the fast path of inputs/items.py) gives what the general
reading gives: the same facts (every field, the answers in the same order, the same class built
the same way) or the same error, on cells as users write them — yes/no in any case, padded,
1/0, blank, missing, words that are no answer.  Never a speed assertion."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import exportctl
from exportctl.core.facts import FactError
from exportctl.inputs.items import ItemFacts, facts_from_csv_row, facts_from_mapping

RULES = exportctl.law("2025-11-01").ruleset
QUESTIONS = sorted(RULES.answer_facts)
CELLS = st.sampled_from(
    ["", "", "yes", "no", "Yes", "NO", " yes ", "y", "N", "true", "False", "1", "0", "maybe", None]
)


def outcome(read: Any, row: dict[str, Any]) -> Any:
    try:
        return read(row, RULES)
    except FactError as exc:
        return ("FactError", str(exc))


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "item_id": draw(st.sampled_from(["P-1", " P-2 ", "", None])),
        "description": draw(st.sampled_from(["", " a part ", None])),
        "item_kind": draw(st.sampled_from(["", "part", "End-Item", "widget", None])),
        "usml_candidates": draw(st.sampled_from(["", "none", "VIII(h)(1)", "XI(a)(3)(i);IV(h)"])),
        "eccn_candidates": draw(st.sampled_from(["", "none", "9A610.x", "3A001.a.1;9A610.y"])),
        "cj_jurisdiction": draw(st.sampled_from(["", "itar", "EAR", "none", "USML"])),
        "cj_classification": draw(st.sampled_from(["", "VIII(h)(1)", "EAR99"])),
        "cj_reference": draw(st.sampled_from(["", " CJ-1 "])),
        "ccats_classification": draw(st.sampled_from(["", "EAR99"])),
    }
    for q in draw(st.permutations(QUESTIONS)):
        row[q] = draw(CELLS)
    return row


@settings(max_examples=400, deadline=None)
@given(rows())
def test_a_row_read_by_its_columns_is_the_general_reading(row: dict[str, Any]) -> None:
    for _ in range(2):  # the first row sets the columns' plan, the second reads by it
        fast = outcome(facts_from_csv_row, row)
    general = outcome(facts_from_mapping, row)
    assert fast == general
    if isinstance(fast, ItemFacts):
        assert type(fast) is ItemFacts
        assert list(fast.answers.items()) == list(general.answers.items())
        assert all(type(v) is bool for v in fast.answers.values())
        assert repr(fast) == repr(general)
        assert attrs.asdict(fast) == attrs.asdict(general)
        # each field where the row put it (the text fields as written, without padding)
        for name in ("item_id", "cj_classification", "cj_reference", "ccats_classification"):
            assert getattr(fast, name) == ((row[name] or "").strip() or None)
        assert fast.description == (row["description"] or "").strip()
        assert fast.item_kind == ((row["item_kind"] or "").lower().replace("-", "_") or None)
        assert [str(r) for r in fast.usml_candidates or ()] == [
            t for t in (row["usml_candidates"] or "").split(";") if t and t != "none"
        ]
        assert [str(r) for r in fast.eccn_candidates or ()] == [
            t for t in (row["eccn_candidates"] or "").split(";") if t and t != "none"
        ]
        assert fast.cj_jurisdiction == {"itar": "ITAR", "EAR": "EAR"}.get(row["cj_jurisdiction"])
        assert set(fast.answers) <= set(QUESTIONS)
