"""Example tests of engine rules not covered by the case file, each naming its citation."""

from __future__ import annotations

from typing import Any

import pytest

import exportctl
from exportctl import ContradictoryFacts, FactError

REGS = exportctl.regulations("2025-10-01")
RULES = exportctl.load_ruleset()
EAR_OK = {"excluded_by_734_3_b": False}


def decide(**facts: Any) -> exportctl.Decision:
    return exportctl.classify(
        exportctl.facts_from_mapping({"item_id": "T", **facts}, RULES), REGS, RULES
    )


def test_technology_paragraph_is_read_as_enumerated() -> None:
    # 9E610.b.4 is technology; its "specially designed" qualifies the commodities the technology
    # is for (Supp. No. 4 to part 774, (a)(5)) — the technology is not caught or released.
    d = decide(
        item_kind="technical_data",
        usml_candidates="none",
        eccn_candidates=["9E610.b.4"],
        answers=EAR_OK,
    )
    assert d.jurisdiction == "EAR" and d.classification is not None and (
        d.classification.reference == "9E610.b.4"
    )


def test_technology_only_in_product_group_e() -> None:
    with pytest.raises(ContradictoryFacts, match="product group E"):
        decide(
            item_kind="part", usml_candidates="none", eccn_candidates=["9E610.b.4"], answers=EAR_OK
        )


def test_itar_placeholder_eccn_is_rejected() -> None:
    # 0A002: "These items are 'subject to the ITAR.'" — never an EAR classification.  The
    # placeholder entries are in the CCL edition of 2026-07-23 (not in the 2025 capture).
    facts = {"item_kind": "equipment", "usml_candidates": "none", "eccn_candidates": ["0A002"]}
    with pytest.raises(FactError, match="placeholder"):
        exportctl.classify(
            exportctl.facts_from_mapping({"item_id": "T", **facts, "answers": EAR_OK}, RULES),
            exportctl.law("2026-08-01"),
        )


def test_made_up_item_paragraph_is_rejected() -> None:
    with pytest.raises(FactError, match="not an item paragraph"):
        decide(
            item_kind="equipment",
            usml_candidates="none",
            eccn_candidates=["3A001.q.9"],
            answers=EAR_OK,
        )


def test_x_paragraph_is_not_a_classification() -> None:
    # 22 CFR 121.1, (x) paragraphs: EAR items licensed with defense articles, not a USML entry.
    with pytest.raises(FactError, match=r"\(x\)"):
        decide(usml_candidates=["VIII(x)"])


def test_reserved_paragraph_is_rejected() -> None:
    with pytest.raises(FactError, match="Reserved") as info:
        decide(usml_candidates=["I(f)"])  # Cat. I(f) [Reserved]
    assert info.value.field == "usml_candidates"
    with pytest.raises(FactError, match=r"\(x\)") as x_info:
        decide(cj_jurisdiction="ITAR", cj_classification="VIII(x)")
    assert x_info.value.field == "cj_classification"


def test_same_facts_same_record_and_id() -> None:
    a = decide(usml_candidates=["IV(h)(12)"])
    b = decide(usml_candidates=["IV(h)(12)"])
    assert a == b and a.decision_id == b.decision_id
    other = exportctl.classify(
        exportctl.facts_from_mapping({"item_id": "U", "usml_candidates": ["IV(h)(12)"]}, RULES),
        REGS,
        RULES,
    )
    assert other.decision_id != a.decision_id and other.classification == a.classification


def test_parts_therefor_reach_depends_on_kind() -> None:
    # VIII(h)(3) "Tail boom folding systems … and specially designed parts and components
    # therefor": the system is enumerated; a part needs the 120.41 analysis.
    system = decide(item_kind="system", usml_candidates=["VIII(h)(3)"])
    assert system.classification is not None and system.classification.reference == "VIII(h)(3)"
    part = decide(item_kind="part", usml_candidates=["VIII(h)(3)"])
    assert part.jurisdiction == "undetermined"
    assert "itar_for_use_in_defense_article" in [q.id for q in part.open_questions]


# --------------------------------------------------------------------------------------------
# Contradictions: only facts that cannot all be true (issue 7, item 6).  Each kept conflict
# quotes its justification in data/rulesets/baseline.json; a CJ prevails over a review.

KEPT_CONFLICTS = {
    "a2-catch-for-non-part",
    "b4-and-b5",
    "cj-itar-not-usml",
    "kind-vs-paragraph",
    "kind-vs-product-group",
}


def test_every_rule_set_conflict_quotes_its_justification() -> None:
    assert {c.id for c in RULES.conflicts} <= KEPT_CONFLICTS
    for c in RULES.conflicts:
        assert c.justification.strip() and c.citation.strip(), c.id


@pytest.mark.parametrize("review", ["none", ["XI(a)(1)"], ["VIII(h)(1)", "XI(c)(1)"]])
@pytest.mark.parametrize("named", [None, "XXI(a)", "XI(a)(3)(xviii)"])
def test_cj_itar_prevails_over_any_review(review: Any, named: str | None) -> None:
    # 22 CFR 120.12(a): the CJ determines "whether a particular article or service is covered
    # by the U.S. Munitions List"; (c): Category XXI holds articles no paragraph enumerates.
    facts: dict[str, Any] = {"cj_jurisdiction": "ITAR", "usml_candidates": review}
    if named:
        facts["cj_classification"] = named
    d = decide(item_kind="equipment", **facts)
    assert d.jurisdiction == "ITAR"
    assert (d.classification.reference if d.classification else None) == named
    assert "22 CFR 120.4(a)" in d.rules_fired
    if review == "none" or named not in review:
        step = next(s for s in d.trace if s.outcome == "prevails")
        assert step.rule == "22 CFR 120.4(a)" and "usml_candidates" in step.facts
        assert any("prevails" in w for w in d.warnings)
    if review == "none":
        assert "Category XXI" in next(s.detail for s in d.trace if s.outcome == "prevails")


def test_cj_itar_sets_aside_eccn_candidates_and_ccats() -> None:
    d = decide(
        cj_jurisdiction="ITAR",
        usml_candidates="none",
        eccn_candidates=["9A610.x"],
        ccats_classification="EAR99",
    )
    assert d.jurisdiction == "ITAR" and d.classification is None
    step = next(s for s in d.trace if s.outcome == "prevails")
    assert {"usml_candidates", "eccn_candidates", "ccats_classification"} <= set(step.facts)


def test_cj_ear_prevails_over_usml_candidates() -> None:
    d = decide(
        cj_jurisdiction="EAR",
        cj_classification="EAR99",
        usml_candidates=["VIII(h)(1)"],
        item_kind="part",
    )
    assert d.jurisdiction == "EAR" and d.classification is not None and (
        d.classification.reference == "EAR99"
    )
    step = next(s for s in d.trace if s.outcome == "prevails")
    assert step.facts["usml_candidates"] == ["VIII(h)(1)"]


RELEASE_CLAIMS = [
    {"fastener_class": True},  # (b)(2)
    {  # (b)(3)
        "same_function_form_fit_as_peer": True,
        "peer_in_production": True,
        "itar_peer_not_enumerated_usml": True,
    },
    {"developed_general_purpose": True, "development_documents": True},  # (b)(5)
    {"itar_developed_for_both": True, "development_documents": True},  # (b)(4)
]


@pytest.mark.parametrize("kind", ["end_item", "system", "equipment", "material"])
@pytest.mark.parametrize("answers", RELEASE_CLAIMS, ids=["b2", "b3", "b5", "b4"])
def test_a_release_claimed_for_a_non_part_is_not_applied_nor_a_conflict(
    kind: str, answers: dict[str, bool]
) -> None:
    # 22 CFR 120.41(b): "a part, component, accessory, attachment, or software is not
    # specially designed if it: …" — the facts are possible for any commodity ((b)(5) "a
    # general purpose commodity"; (b)(2) "wire, or solder"); the release is not applicable.
    d = decide(
        item_kind=kind,
        usml_candidates=["VIII(h)(1)"],
        answers={**answers, "itar_peculiarly_responsible": True},
    )
    assert d.jurisdiction == "ITAR" and d.classification is not None and (
        not any(s.outcome == "releases" for s in d.trace)
    )
    assert any(s.rule == "22 CFR 120.41(b)" and s.outcome == "not applicable" for s in d.trace)
    assert any("120.41(b)" in w for w in d.warnings)


def test_equipment_is_caught_by_a2() -> None:
    # 22 CFR 120.40(i): "Equipment that does not meet the definition of an end-item is a
    # component, accessory, attachment, firmware, or software": (a)(2) reads it.
    d = decide(
        item_kind="equipment",
        usml_candidates=["VIII(h)(1)"],
        answers={"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": True},
    )
    assert d.jurisdiction == "ITAR" and d.classification is not None and (
        "22 CFR 120.41(a)(2)" in d.rules_fired
    )


@pytest.mark.parametrize("kind", ["end_item", "system", "material"])
def test_a2_answer_for_an_end_item_is_still_a_conflict(kind: str) -> None:
    with pytest.raises(ContradictoryFacts) as info:
        decide(
            item_kind=kind,
            usml_candidates=["VIII(h)(1)"],
            answers={"itar_for_use_in_defense_article": True},
        )
    assert info.value.conflict == "a2-catch-for-non-part" and "120.40" in info.value.citation


@pytest.mark.parametrize("ref", ["XIII(i)(5)", "XIII(i)(11)", "XVII(a)"])
def test_technical_data_named_outside_the_technical_data_paragraph(ref: str) -> None:
    # XIII(i) "Signature reduction software, and technical data as follows"; XVII(a) "All
    # articles, and technical data … relating thereto, that are classified".
    d = decide(item_kind="technical_data", usml_candidates=[ref])
    assert d.jurisdiction == "ITAR" and d.classification is not None and (
        d.classification.reference == ref
    )


def test_technical_data_in_a_commodity_paragraph_is_still_a_conflict() -> None:
    with pytest.raises(ContradictoryFacts, match="technical data"):
        decide(item_kind="technical_data", usml_candidates=["XI(a)(3)(xviii)"])
    with pytest.raises(ContradictoryFacts, match="technical data"):
        decide(item_kind="part", usml_candidates=["XI(d)"])


# --------------------------------------------------------------------------------------------
# The "specially designed" analysis, step by step (gaps found by `nox -s mutants`)

SD_PART = {"item_kind": "part", "usml_candidates": ["VIII(h)(1)"]}


def _steps(d: exportctl.Decision, rule_prefix: str) -> list[tuple[str, str]]:
    return [(s.rule, s.outcome) for s in d.trace if s.rule.startswith(rule_prefix)]


def test_not_caught_names_every_catch_paragraph_it_read() -> None:
    # 22 CFR 120.41(a): neither (a)(1) nor (a)(2) catches the part: both fired as "not caught".
    d = decide(
        **SD_PART,
        answers={"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": False},
    )
    assert "22 CFR 120.41(a)(1)" in d.rules_fired and "22 CFR 120.41(a)(2)" in d.rules_fired
    # an end item: (a)(2) does not apply to it, so only (a)(1) decided
    e = decide(
        item_kind="end_item",
        usml_candidates=["VIII(h)(1)"],
        answers={"itar_peculiarly_responsible": False},
    )
    assert "22 CFR 120.41(a)(1)" in e.rules_fired
    assert "22 CFR 120.41(a)(2)" not in e.rules_fired
    assert ("22 CFR 120.41(a)(2)", "not applicable") in _steps(e, "22 CFR 120.41(a)")
    step = next(s for s in e.trace if s.rule == "22 CFR 120.41(a)(2)")
    assert step.facts == {"item_kind": "end_item"}


def test_open_questions_name_both_catch_and_release_facts() -> None:
    # Caught unknown and a release unknown: every fact still needed is asked, catch first.
    d = decide(**SD_PART, answers={"itar_peculiarly_responsible": False})
    asked = [q.id for q in d.open_questions]
    assert asked[0] == "itar_for_use_in_defense_article"
    assert {"fastener_class", "same_function_form_fit_as_peer", "developed_general_purpose"} <= set(
        asked
    )


def test_a_release_that_holds_ends_the_trace_of_releases_there() -> None:
    # (b)(2) holds: (b)(1) and (b)(2) are in the trace, (b)(3)-(b)(5) are not read.
    d = decide(**SD_PART, answers={"fastener_class": True})
    releases = _steps(d, "22 CFR 120.41(b)(")
    assert releases == [
        ("22 CFR 120.41(b)(1)", "does not release"),
        ("22 CFR 120.41(b)(2)", "releases"),
    ]
    step = next(s for s in d.trace if s.rule == "22 CFR 120.41(b)(2)")
    assert step.facts == {"fastener_class": True}
    assert "VIII(h)(1)" in step.detail


def test_unknown_kind_asks_for_it_at_the_first_catch() -> None:
    d = decide(usml_candidates=["VIII(h)(1)"])
    assert [q.id for q in d.open_questions] == ["item_kind"]
    step = next(s for s in d.trace if s.outcome == "unknown")
    assert step.rule.startswith("22 CFR 120.41(a)(1)") or step.rule == "22 CFR 120.11(b)(1)"


def test_releases_not_applicable_to_an_end_item_that_is_caught() -> None:
    d = decide(
        item_kind="end_item",
        usml_candidates=["VIII(h)(1)"],
        answers={"itar_peculiarly_responsible": True},
    )
    assert d.jurisdiction == "ITAR"
    step = next(s for s in d.trace if s.rule == "22 CFR 120.41(b)")
    assert step.outcome == "not applicable" and step.facts == {"item_kind": "end_item"}
    assert "part, component, accessory, attachment, or software" in step.detail


# --------------------------------------------------------------------------------------------
# The classification record and the errors, field by field (gaps found by `nox -s mutants`)


def test_enumerated_entry_preferred_and_the_other_paragraph_recorded() -> None:
    # 22 CFR 120.11(b)(2): VIII(h)(4) "Wing folding systems …" (enumerated for a system) over
    # the catch-all VIII(h)(1); the record names the other paragraph, not the chosen one.
    d = decide(
        item_kind="system",
        usml_candidates=["VIII(h)(1)", "VIII(h)(4)"],
        answers={"itar_peculiarly_responsible": True},
    )
    assert d.classification is not None and d.classification.reference == "VIII(h)(4)"
    assert d.classification.also_described_in == ("VIII(h)(1)",)
    assert d.classification.regime == "USML"
    assert d.classification.citation == "22 CFR 121.1, Category VIII(h)(4)"
    assert "22 CFR 120.11(b)(2)" in d.rules_fired


def test_a_catch_all_is_described_by_120_11_a_2_and_a_specially_designed_entry_by_b_1() -> None:
    answers = {"itar_peculiarly_responsible": True}
    catch_all = decide(item_kind="end_item", usml_candidates=["VIII(h)(1)"], answers=answers)
    assert "22 CFR 120.11(a)(2)" in catch_all.rules_fired
    entry = decide(item_kind="system", usml_candidates=["IV(h)(1)"], answers=answers)
    assert entry.classification is not None and entry.classification.reference == "IV(h)(1)"
    assert "22 CFR 120.11(b)(1)" in entry.rules_fired
    assert "22 CFR 120.11(a)(2)" not in entry.rules_fired


def test_a_ccl_classification_carries_its_reasons_for_control() -> None:
    # Supp. No. 1 to part 774: ECCN 3A001 "Reason for Control: NS, RS, MT, NP, AT"; 9A610
    # "NS, RS, MT, AT, UN".
    c = decide(ccats_classification="3A001.a.1", usml_candidates="none", answers=EAR_OK)
    assert c.classification is not None and (
        c.classification.regime == "CCL" and "ECCN 3A001" in c.classification.citation
    )
    assert set(c.classification.reasons_for_control) == {"NS", "RS", "MT", "NP", "AT"}
    # ... but a classification carries the reasons that apply to its own paragraph: 9A610's
    # License Requirements say "MT applies to 9A610.t, .u, .v, and .w", so 9A610.x has no MT,
    # while 9A610.t keeps it.
    d = decide(cj_jurisdiction="EAR", cj_classification="9A610.x")
    assert d.classification is not None and (
        set(d.classification.reasons_for_control) == {"NS", "RS", "AT", "UN"}
    )
    t = decide(cj_jurisdiction="EAR", cj_classification="9A610.t")
    assert t.classification is not None and (
        set(t.classification.reasons_for_control) == {"NS", "RS", "MT", "AT", "UN"}
    )


def test_several_ccl_paragraphs_of_one_tier_recorded() -> None:
    d = decide(
        item_kind="equipment",
        usml_candidates="none",
        eccn_candidates=["3A001.a.1", "3A001.a.2"],
        answers=EAR_OK,
    )
    assert d.classification is not None and d.classification.reference in ("3A001.a.1", "3A001.a.2")
    chosen = d.classification.reference
    assert d.classification.also_described_in == tuple(
        r for r in ("3A001.a.1", "3A001.a.2") if r != chosen
    )


@pytest.mark.parametrize(
    ("field", "facts"),
    [
        ("usml_candidates", {"usml_candidates": ["XI(a)(3)(xl)"]}),
        ("cj_classification", {"cj_jurisdiction": "ITAR", "cj_classification": "IV(z)"}),
        ("eccn_candidates", {"usml_candidates": "none", "eccn_candidates": ["3A001.q.9"]}),
        ("ccats_classification", {"usml_candidates": "none", "ccats_classification": "3A001.q.9"}),
    ],
)
def test_a_reference_that_does_not_exist_names_its_field(field: str, facts: Any) -> None:
    with pytest.raises(FactError) as info:
        decide(item_kind="equipment", answers=EAR_OK, **facts)
    assert info.value.field == field and info.value.reason


def test_a_cj_that_agrees_with_the_review_sets_nothing_aside() -> None:
    d = decide(
        cj_jurisdiction="ITAR",
        cj_classification="XI(a)(3)(xviii)",
        usml_candidates=["XI(a)(3)(xviii)"],
    )
    assert not any(s.outcome == "prevails" for s in d.trace)
    assert not [w for w in d.warnings if w not in REGS.warnings]  # only the data's age


def test_what_a_cj_sets_aside_is_named_with_its_values() -> None:
    d = decide(
        cj_jurisdiction="ITAR",
        cj_classification="XI(a)(3)(xviii)",
        usml_candidates=["XI(a)(1)"],
        eccn_candidates=["3A001.a.1"],
        ccats_classification="EAR99",
    )
    step = next(s for s in d.trace if s.outcome == "prevails")
    assert step.facts == {
        "cj_jurisdiction": "ITAR",
        "usml_candidates": ["XI(a)(1)"],
        "eccn_candidates": ["3A001.a.1"],
        "ccats_classification": "EAR99",
    }
    assert "usml_candidates, eccn_candidates, ccats_classification" in step.detail
    assert "are set aside" in step.detail and "Category XXI" not in step.detail
    one = decide(cj_jurisdiction="ITAR", usml_candidates="none")
    detail = next(s.detail for s in one.trace if s.outcome == "prevails")
    assert "usml_candidates, which is set aside" in detail and "(22 CFR 120.12(c))" in detail


@pytest.mark.parametrize(
    ("facts", "rule", "field"),
    [
        (
            {"cj_jurisdiction": "EAR", "cj_classification": "EAR99"},
            "22 CFR 120.4(a)",
            "cj_classification",
        ),
        (
            {"ccats_classification": "EAR99", "answers": EAR_OK},
            "15 CFR 748.3(e)",
            "ccats_classification",
        ),
    ],
)
def test_a_determination_naming_ear99_is_traced(facts: Any, rule: str, field: str) -> None:
    d = decide(usml_candidates="none", **facts)
    assert d.classification is not None and d.classification.reference == "EAR99"
    step = d.trace[-1]
    assert (step.rule, step.outcome, step.facts) == (rule, "EAR99", {field: "EAR99"})
    assert "EAR99" in step.detail and rule in d.rules_fired


def test_parts_therefor_with_an_unknown_kind_asks_the_kind() -> None:
    # VIII(h)(3) enumerates tail boom folding systems and reaches "specially designed parts and
    # components therefor": whether the item is the system or a part decides which applies.
    usml = decide(usml_candidates=["VIII(h)(3)"])
    assert usml.jurisdiction == "undetermined"
    assert [q.id for q in usml.open_questions] == ["item_kind"]
    step = next(s for s in usml.trace if s.outcome == "unknown")
    assert step.rule == "22 CFR 120.11(b)(1)" and step.facts["item_kind"] is None
    # 1A005.a "Soft body armor … and 'specially designed' 'components' therefor": the same on
    # the CCL (Supp. No. 4 (a)(5)); the classification stays open, never EAR99.
    ccl = decide(usml_candidates="none", eccn_candidates=["1A005.a"], answers=EAR_OK)
    assert ccl.jurisdiction == "EAR" and ccl.classification is None
    assert [q.id for q in ccl.open_questions] == ["item_kind"]
    step = next(s for s in ccl.trace if s.outcome == "unknown")
    assert step.facts == {"eccn_candidate": "1A005.a", "item_kind": None}
    armor = decide(
        item_kind="end_item", usml_candidates="none", eccn_candidates=["1A005.a"], answers=EAR_OK
    )
    assert armor.classification is not None and armor.classification.reference == "1A005.a"
