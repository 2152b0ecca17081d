"""22 CFR 120.11(a)(1) and 120.41(b): a paragraph that enumerates an article and reaches only its
parts by "specially designed" ("… and specially designed parts and components therefor").

A release of § 120.41(b) frees a *part* the paragraph catches by "specially designed"; it never
frees the enumerated article itself, which may well be a component of something larger (III(d)(11)
"Safing, arming, and fuzing components … for the ammunition in this category and specially designed
parts therefor"). Until the item is known not to be the enumerated article, a release stays open
(fail closed); known to be it, the item is described as enumerated (§ 120.11(a)(1)). The same holds
on the CCL (15 CFR 772.1 "specially designed" (b)).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import exportctl
from exportctl import Decision, facts_from_mapping

LAW = exportctl.law("2026-01-15")

#: 22 CFR 121.1, Category III(d)(11), as bundled.
FUZE = "III(d)(11)"
#: § 120.41(a)(1)-(2) catch the part; § 120.41(b)(3) (same function, form and fit as a peer in
#: production that is not enumerated on the USML) releases it.
CAUGHT_AND_RELEASED_B3 = {
    "itar_peculiarly_responsible": "yes",
    "itar_for_use_in_defense_article": "yes",
    "fastener_class": "no",
    "same_function_form_fit_as_peer": "yes",
    "peer_in_production": "yes",
    "itar_peer_not_enumerated_usml": "yes",
}


def decide(**fields: Any) -> Decision:
    row = {"item_id": "F-1", "item_kind": "component", "usml_candidates": FUZE, **fields}
    return exportctl.classify(facts_from_mapping(row, LAW.ruleset), LAW)


def test_the_paragraph_enumerates_and_reaches_parts_by_specially_designed() -> None:
    p = LAW.usml.get(FUZE)
    assert p.text.startswith("Safing, arming, and fuzing components")
    assert "and specially designed parts therefor" in p.text
    assert p.specially_designed_scope == "parts"


def test_a_release_is_open_until_the_item_is_known_not_to_be_the_enumerated_article() -> None:
    d = decide(**CAUGHT_AND_RELEASED_B3)
    assert d.jurisdiction == "undetermined" and d.classification is None
    assert [q.id for q in d.open_questions] == ["itar_enumerated_article"]
    assert "22 CFR 120.11(a)(1)" in d.open_questions[0].citation


def test_the_enumerated_article_itself_is_controlled_as_enumerated() -> None:
    d = decide(**CAUGHT_AND_RELEASED_B3, itar_enumerated_article="yes")
    assert d.jurisdiction == "ITAR"
    assert d.classification is not None and d.classification.reference == FUZE
    assert "22 CFR 120.11(a)(1)" in d.rules_fired
    step = next(s for s in d.trace if s.facts.get("itar_enumerated_article") is True)
    assert step.rule == "22 CFR 120.11(a)(1)" and step.outcome == "described"


def test_a_part_of_it_is_released_as_before() -> None:
    d = decide(**CAUGHT_AND_RELEASED_B3, itar_enumerated_article="no")
    assert d.jurisdiction != "ITAR"
    assert "22 CFR 120.41(b)(3)" in d.rules_fired
    assert "22 CFR 120.11(a)(1)" not in d.rules_fired


def test_the_question_is_not_asked_when_the_part_is_caught() -> None:
    # Not released: (b)(3) fails because the peer is enumerated on the USML.
    caught = {**CAUGHT_AND_RELEASED_B3, "itar_peer_not_enumerated_usml": "no"}
    caught |= {"itar_developed_for_both": "no", "developed_general_purpose": "no"}
    d = decide(**caught)
    assert "itar_enumerated_article" not in [q.id for q in d.open_questions]


def test_an_end_item_is_never_asked() -> None:
    # An end item is not a release kind: the paragraph describes it as enumerated.
    d = decide(item_kind="end_item")
    assert d.jurisdiction == "ITAR" and "itar_enumerated_article" not in [
        q.id for q in d.open_questions
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={k: st.sampled_from(["yes", "no"]) for k in CAUGHT_AND_RELEASED_B3},
    ),
    st.sampled_from(["component", "part", "accessory", "attachment"]),
)
@example(CAUGHT_AND_RELEASED_B3, "component")
def test_no_release_of_a_parts_paragraph_without_the_answer(
    answers: dict[str, str], kind: str
) -> None:
    """Whatever else is answered, a release kind under a parts-scope paragraph never leaves the
    USML while "is it the enumerated article?" is unanswered."""
    # The EAR side fully answered (no ECCN, not excluded by § 734.3(b)): a release would give
    # EAR99.
    d = decide(item_kind=kind, eccn_candidates="none", excluded_by_734_3_b="no", **answers)
    assert d.jurisdiction in ("ITAR", "undetermined")
    assert d.classification is None or d.classification.regime == "USML"


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_the_question_is_a_bool_of_the_rule_set(answer: str) -> None:
    q = LAW.ruleset.question("itar_enumerated_article")
    assert q.type == "bool"
    d = decide(**CAUGHT_AND_RELEASED_B3, itar_enumerated_article=answer)
    assert "itar_enumerated_article" not in [q.id for q in d.open_questions]
