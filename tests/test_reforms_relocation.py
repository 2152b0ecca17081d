"""How the engine reads a USML paragraph a reform moved to the CCL (engine/relocation.py), on both
sides: under the bundled law the paragraph classifies on the USML; under the reform it never does,
what it describes is described in the target ECCN paragraph, and nothing becomes EAR99, "not
subject" or an input error because of the move.

The scenario is the bundled ``xix-engine-parts-to-ccl``: XIX(f)(3) to 9A619.d, XIX(f)(4) to
9A619.e, XIX(f)(5) to 9A619.f.  XIX(f)(5) reads "Engine monitoring systems (i.e., prognostics,
diagnostics, and health) specially designed for gas turbine engines and components controlled in
this category"; 9A619.f "Engine monitoring systems (i.e., those that conduct prognostics,
diagnostics, and monitor health) "specially designed" for gas turbine engines and components
controlled in this ECCN".  ECCN 9A619's reasons for control in the bundled CCL: NS, RS, AT, UN.
"""

from __future__ import annotations

from typing import Any

import pytest

import exportctl
from exportctl.corpus.reforms import bundled_reform
from exportctl.engine.decision import Decision

TODAY = exportctl.law("2026-01-15")
REFORM = bundled_reform("xix-engine-parts-to-ccl", TODAY)
MOVED = REFORM.apply(TODAY)
RULE_5 = "reform xix-engine-parts-to-ccl: USML XIX(f)(5) moved to ECCN 9A619.f"


def facts(**fields: Any) -> exportctl.ItemFacts:
    answers = fields.pop("answers", {})
    raw = {"item_id": "ENG", "item_kind": "system", "usml_candidates": ["XIX(f)(5)"], **fields}
    raw["answers"] = {"itar_peculiarly_responsible": True, "excluded_by_734_3_b": False, **answers}
    return exportctl.facts_from_mapping(raw, TODAY.ruleset)


def both(f: exportctl.ItemFacts) -> tuple[Decision, Decision]:
    return exportctl.classify(f, TODAY), exportctl.classify(f, MOVED)


def reference(d: Decision) -> str | None:
    return d.classification.reference if d.classification else None


def test_described_in_the_moved_paragraph_is_described_in_the_target() -> None:
    before, after = both(facts(eccn_candidates=[]))
    assert (before.jurisdiction, reference(before)) == ("ITAR", "XIX(f)(5)")
    assert (after.jurisdiction, reference(after)) == ("EAR", "9A619.f")
    assert after.classification is not None and (
        after.classification.reasons_for_control == ("NS", "RS", "AT", "UN")
    )
    assert RULE_5 in after.rules_fired
    # the order of review: Step 3 (a 600-series paragraph other than a catch-all)
    assert "15 CFR part 774, Supp. No. 4, (a)(3)" in after.rules_fired
    moved = next(s for s in after.trace if s.rule == RULE_5)
    assert moved.outcome == "moved to the CCL"
    assert moved.facts == {"usml_candidate": "XIX(f)(5)", "eccn": "9A619.f"}


def test_the_move_is_read_with_the_paragraphs_own_questions_open() -> None:
    """Whether XIX(f)(5) describes the item turns on "specially designed" (22 CFR 120.41): with
    the catch unknown, the USML review is open, and so is the target — never EAR99."""
    f = facts(eccn_candidates=[], answers={"itar_peculiarly_responsible": None})
    before, after = both(f)
    assert before.jurisdiction == "undetermined"
    assert after.jurisdiction == "EAR" and after.classification is None
    assert {q.id for q in after.open_questions} == {q.id for q in before.open_questions}
    assert "itar_peculiarly_responsible" in {q.id for q in after.open_questions}


def test_not_described_in_the_moved_paragraph_is_as_before() -> None:
    """A system not peculiarly responsible for controlled performance is not specially designed
    (120.41(a)(1)): not described on the USML before, nor in the target after."""
    f = facts(eccn_candidates=[], answers={"itar_peculiarly_responsible": False})
    before, after = both(f)
    assert (before.jurisdiction, reference(before)) == ("EAR", "EAR99")
    assert (after.jurisdiction, reference(after)) == ("EAR", "EAR99")


def test_a_734_3_b_yes_is_not_applied_to_a_moved_item() -> None:
    """An item on the USML is not subject to the EAR (15 CFR 734.3(b)(1)); after the move the
    answer may no longer hold, so it is not applied: subject to the EAR, with a warning —
    never "not subject" because of the move."""
    f = facts(eccn_candidates=[], answers={"excluded_by_734_3_b": True})
    before, after = both(f)
    assert before.jurisdiction == "ITAR"
    assert after.jurisdiction == "EAR" and reference(after) == "9A619.f"
    assert any("734.3(b)(1)" in w for w in after.warnings)
    step = next(s for s in after.trace if s.outcome == "not applied")
    assert step.rule == "15 CFR 734.3(b)"


def test_a_734_3_b_yes_still_applies_when_the_moved_paragraph_does_not_describe() -> None:
    f = facts(
        eccn_candidates=[],
        answers={"excluded_by_734_3_b": True, "itar_peculiarly_responsible": False},
    )
    assert exportctl.classify(f, MOVED).jurisdiction == "not_subject"


def test_a_missing_734_3_b_answer_is_asked() -> None:
    f = facts(eccn_candidates=[], answers={"excluded_by_734_3_b": None})
    before, after = both(f)
    assert before.jurisdiction == "ITAR"
    assert after.jurisdiction == "undetermined"
    assert [q.id for q in after.open_questions] == ["excluded_by_734_3_b"]


def test_unknown_eccn_candidates_leave_the_classification_open() -> None:
    """The jurisdiction is decided (EAR) but another ECCN might come first in the order of review:
    the classification waits for the candidates (fail closed)."""
    f = facts()
    before, after = both(f)
    assert before.jurisdiction == "ITAR"
    assert after.jurisdiction == "EAR" and after.classification is None
    assert [q.id for q in after.open_questions] == ["eccn_candidates"]


def test_a_candidate_still_on_the_usml_keeps_the_item_on_it() -> None:
    """XIX(f)(2) (hot section parts, SME) is not moved: an item it describes stays ITAR."""
    f = exportctl.facts_from_mapping(
        {
            "item_id": "BLADE",
            "item_kind": "part",
            "usml_candidates": ["XIX(f)(2)", "XIX(f)(3)"],
            "answers": {
                "itar_peculiarly_responsible": True,
                "itar_for_use_in_defense_article": False,
                "fastener_class": False,
                "same_function_form_fit_as_peer": False,
                "itar_developed_for_both": False,
                "developed_general_purpose": False,
            },
        },
        TODAY.ruleset,
    )
    before, after = both(f)
    assert (before.jurisdiction, reference(before)) == ("ITAR", "XIX(f)(2)")
    assert (after.jurisdiction, reference(after)) == ("ITAR", "XIX(f)(2)")
    assert before.classification is not None and after.classification is not None and (
        before.classification.also_described_in == ("XIX(f)(3)",)
    )
    assert after.classification.also_described_in == ()
    assert (
        "reform xix-engine-parts-to-ccl: USML XIX(f)(3) moved to ECCN 9A619.d" in after.rules_fired
    )


def test_a_target_before_a_listed_catch_all_in_the_order_of_review() -> None:
    """9A619.e (Step 3, a 600-series paragraph other than a catch-all) comes before the listed
    9A619.x (Step 4, the catch-all)."""
    f = exportctl.facts_from_mapping(
        {
            "item_id": "DOME",
            "item_kind": "part",
            "usml_candidates": ["XIX(f)(4)"],
            "eccn_candidates": ["9A619.x"],
            "answers": {
                "itar_peculiarly_responsible": True,
                "itar_for_use_in_defense_article": False,
                "fastener_class": False,
                "same_function_form_fit_as_peer": False,
                "itar_developed_for_both": False,
                "developed_general_purpose": False,
                "excluded_by_734_3_b": False,
                "ear_peculiarly_responsible": True,
            },
        },
        TODAY.ruleset,
    )
    before, after = both(f)
    assert (before.jurisdiction, reference(before)) == ("ITAR", "XIX(f)(4)")
    assert (after.jurisdiction, reference(after)) == ("EAR", "9A619.e")


def test_a_listed_target_is_read_on_its_own_text_when_the_move_is_open() -> None:
    """With XIX(f)(5) open, a listed 9A619.f is reviewed on its own words (15 CFR 772.1): caught
    there, it classifies the item."""
    f = facts(
        eccn_candidates=["9A619.f"],
        answers={"itar_peculiarly_responsible": None, "ear_peculiarly_responsible": True},
    )
    after = exportctl.classify(f, MOVED)
    assert (after.jurisdiction, reference(after)) == ("EAR", "9A619.f")


def test_a_cj_naming_the_moved_paragraph_still_decides_with_a_warning() -> None:
    f = facts(cj_jurisdiction="ITAR", cj_classification="XIX(f)(5)", cj_reference="CJ 1-25")
    before, after = both(f)
    assert (before.jurisdiction, reference(before)) == ("ITAR", "XIX(f)(5)")
    assert (after.jurisdiction, reference(after)) == ("ITAR", "XIX(f)(5)")
    assert any("predates the reform" in w for w in after.warnings)
    assert not any("predates the reform" in w for w in before.warnings)


def test_a_transfer_naming_the_moved_paragraph_is_no_input_error() -> None:
    raw = {
        "transfer_id": "T-MOVED",
        "activity": "export",
        "transfer_kind": "article",
        "usml_classification": "XIX(f)(5)",
        "from_country": "US",
        "to_country": "AU",
    }
    transfer = exportctl.transfer_from_mapping(raw, MOVED)
    assert exportctl.authorize(transfer, MOVED).outcome == "undetermined"


@pytest.mark.parametrize("candidate", ["XIX(f)(3)", "XIX(f)(4)", "XIX(f)(5)"])
@pytest.mark.parametrize("catch", [True, False, None])
@pytest.mark.parametrize("excluded", [True, False, None])
@pytest.mark.parametrize("eccns", [None, [], ["9A619.x"]])
def test_a_moved_item_is_never_ear99_or_not_subject_when_the_usml_held_it(
    candidate: str, catch: bool | None, excluded: bool | None, eccns: list[str] | None
) -> None:
    """Both sides, every combination: when the bundled law holds the item on the USML (ITAR) or
    cannot yet tell (undetermined), the reform never releases it to EAR99 or "not subject"."""
    f = exportctl.facts_from_mapping(
        {
            "item_id": "X",
            "item_kind": "system",
            "usml_candidates": [candidate],
            "eccn_candidates": eccns,
            "answers": {"itar_peculiarly_responsible": catch, "excluded_by_734_3_b": excluded},
        },
        TODAY.ruleset,
    )
    before, after = both(f)
    if before.jurisdiction in ("ITAR", "undetermined"):
        assert reference(after) != "EAR99"
        assert after.jurisdiction != "not_subject"
    if before.jurisdiction == "ITAR":
        assert after.jurisdiction in ("EAR", "undetermined")


def test_a_target_missing_from_the_ccl_in_force_is_an_error_naming_the_field() -> None:
    """A reform checked against one edition of the CCL and applied on a date of another whose
    target ECCN is gone: the row is an input error naming usml_candidates, never a guess."""
    from exportctl.corpus.law import Component, Relocation

    moved = {"XIX(f)(5)": Relocation("XIX(f)(5)", "9A999.a", "elsewhere")}
    law = exportctl.Law(
        TODAY.as_of,
        TODAY.statutes.replace(
            "elsewhere: relocate USML XIX(f)(5) to ECCN 9A999.a",
            components={"relocations": Component("relocations", "test", lambda: moved)},
        ),
    )
    with pytest.raises(exportctl.FactError) as info:
        exportctl.classify(facts(eccn_candidates=[]), law)
    assert info.value.field == "usml_candidates"
    assert "ECCN 9A999 is not in the CCL in force on 2026-01-15" in str(info.value)


def test_a_yes_to_734_3_b_stays_open_while_a_moved_paragraph_may_describe_the_item() -> None:
    """15 CFR 734.3(b) answered yes, USML I(c) moved to ECCN 0A602.a, the item's kind unknown:
    if I(c) does not describe the item the yes stands (not subject to the EAR), if it does the
    item is subject to the EAR — undetermined, asking the kind (found by the testing kit's
    "no reform turns unknown into a release")."""
    from exportctl.corpus import reforms as R
    from exportctl.inputs.items import facts_from_mapping

    law = exportctl.law("2026-01-15")
    rules = exportctl.load_ruleset()
    answers = {q: False for q in rules.answer_facts}
    answers["excluded_by_734_3_b"] = True
    raw = {"item_id": "P-0", "usml_candidates": "I(c)", "eccn_candidates": "none"}
    move = R.RelocateUSML(line=None, lines={}, quote="", note="", paragraph="I(c)", to="0A602.a")
    source = R.Source(document="test", page="-", quote="", source="", section="", note="")
    reformed = R.Reform(
        name="t", title="t", source=source, operations=(move,), illustrative=True, note="", file=""
    ).apply(law)
    unknown = exportctl.classify(facts_from_mapping({**raw, "answers": answers}, rules), reformed)
    assert unknown.jurisdiction == "undetermined"
    assert [q.id for q in unknown.open_questions] == ["item_kind"]
    known = facts_from_mapping({**raw, "item_kind": "equipment", "answers": answers}, rules)
    assert exportctl.classify(known, reformed).jurisdiction == "not_subject"
