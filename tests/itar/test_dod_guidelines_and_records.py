"""Issue 11, items 3 and 4: organisation guidelines applied at run time on top of the
regulation's conditions (decisions name the file and its SHA-256), and the certification record
an official signs (Markdown and JSON) with the marking § 120.15(f) requires."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from tests.itar.dod_cases import A1, LAW, example, make, raw

from exportctl.corpus.guidelines import (
    GuidelinesInvalid,
    apply_guidelines,
    load_guidelines,
    offered_facts,
    read_guidelines,
)
from exportctl.engine.certification import RECORD_FORMAT, certification_record, record_markdown
from exportctl.engine.exemptions import checklist, decide
from exportctl.inputs.transfers import transfer_from_mapping

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guidelines" / "dod-component-example.toml"
GUIDED = apply_guidelines(LAW, load_guidelines(EXAMPLE, LAW))

#: The example's questions for § 125.4(b)(1), each answered yes.
B1_YES = {
    "certifier-responsible-for-program": True,
    "certification-letter": True,
    "government-program": True,
    "b1-explicit-written-authorization": True,
    "b1-not-a-contract-claim": True,
}


def guided(*layers: dict[str, Any], **kw: Any) -> Any:
    return transfer_from_mapping(raw(*layers, **kw), GUIDED)


# ----------------------------------------------------------------------------------------------
# Guidelines


def test_applied_guidelines_change_the_law_and_are_named_with_their_hash() -> None:
    sha = hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert GUIDED.id != LAW.id
    assert GUIDED.reforms == (f"guidelines dod-component-example (sha256 {sha})",)
    result = decide("125.4(b)(1)", guided(example("125.4(b)(1)"), answers=B1_YES), GUIDED)
    assert result.status == "eligible"
    assert result.guidelines is not None and (result.guidelines.id, result.guidelines.sha256) == (
        "dod-component-example",
        sha,
    )
    assert result.guidelines.file == str(EXAMPLE) and result.guidelines.illustrative
    assert decide("125.4(b)(1)", make(example("125.4(b)(1)")), LAW).guidelines is None


def test_a_guideline_question_on_both_sides() -> None:
    """A yes/no question: met when answered yes, failing when no, open (asked) while unknown."""
    for answer, status in ((True, "eligible"), (False, "not_eligible"), (None, "undetermined")):
        answers = {**B1_YES, "certification-letter": answer}
        result = decide("125.4(b)(1)", guided(example("125.4(b)(1)"), answers=answers), GUIDED)
        assert result.status == status, answer
        (row,) = [c for c in result.conditions if c.name == "certification-letter"]
        assert row.group == "guidelines dod-component-example"
        assert row.paragraph == "guidelines dod-component-example: certification-letter"
        assert row.confirmed_by == "dod_official" and "GAO-07-1103" in row.source
    unanswered = decide("125.4(b)(1)", guided(example("125.4(b)(1)")), GUIDED)
    assert {q.id for q in unanswered.open_questions} == set(B1_YES)
    assert all(q.citation.startswith("dod-component-example:") for q in unanswered.open_questions)


def test_a_guideline_on_a_fact_is_stricter_than_the_regulation() -> None:
    """§ 125.1(b) allows foreign production or technical assistance with DDTC's approval; the
    example's 'no-technical-assistance' does not."""
    approved = {
        "for_foreign_production_or_technical_assistance": True,
        "ddtc_approval_125_1_b": True,
    }
    plain = decide("125.4(b)(1)", make(example("125.4(b)(1)"), answers=approved), LAW)
    assert plain.status == "eligible"
    answers = {**B1_YES, **approved}
    strict = decide("125.4(b)(1)", guided(example("125.4(b)(1)"), answers=answers), GUIDED)
    assert strict.status == "not_eligible"
    assert {c.name for c in strict.conditions if c.status == "fail"} == {"no-technical-assistance"}


def test_a_guideline_for_a_branch_applies_to_that_way_only() -> None:
    """'b2-service-validation' applies to 126.4(b)(2): not to a transfer under (a)(1)."""
    dod_yes = {
        k: True
        for k in ("certifier-responsible-for-program", "certification-letter", "government-program")
    }
    a1 = decide("126.4", guided(A1, answers=dod_yes), GUIDED)
    assert (a1.status, a1.branch) == ("eligible", "126.4(a)(1)")
    assert "b2-service-validation" not in {c.name for c in a1.conditions}
    items = checklist(GUIDED.exemptions.get("126.4"), GUIDED, "126.4(b)(2)")
    (b2,) = [i for i in items if i.name == "b2-service-validation"]
    assert b2.branch == "126.4(b)(2)" and b2.confirmed_by == "dod_official"
    assert "b2-service-validation" not in {
        i.name for i in checklist(GUIDED.exemptions.get("126.4"), GUIDED, "126.4(a)(1)")
    }


def test_guidelines_never_lift_a_condition_of_the_regulation() -> None:
    """A transfer the regulation bars stays barred whatever the guidelines answer."""
    barred = {**B1_YES, "dod_official_written_request_or_directive": False}
    result = decide("125.4(b)(1)", guided(example("125.4(b)(1)"), answers=barred), GUIDED)
    assert result.status == "not_eligible"


def test_the_loader_names_the_line_of_each_error(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    bad = text.replace('confirmed_by = "exporter"', 'confirmed_by = "contractor"', 1)
    line = bad.splitlines().index('confirmed_by = "contractor"') + 1
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(GuidelinesInvalid) as caught:
        load_guidelines(path, LAW)
    assert f"{path}:line {line}: condition 'no-technical-assistance'.confirmed_by" in str(
        caught.value
    )
    assert [e.line for e in caught.value.errors] == [line]


def test_a_condition_id_may_not_be_a_fact_of_the_law() -> None:
    """A question is answered under its condition's id: it may not take a fact's id."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'id = "b3-contract-active"', 'id = "classified"'
    )
    with pytest.raises(GuidelinesInvalid, match="is the id of a fact of the law"):
        read_guidelines(text, LAW)


def test_guidelines_may_name_every_exemption_and_branch_of_the_law() -> None:
    offered = offered_facts(LAW)
    assert {e.key for e in LAW.exemptions} | set(LAW.exemptions.get("126.4").branch_keys()) == set(
        offered
    )
    # the facts of the groups an exemption carries are offered with its own
    assert "for_foreign_production_or_technical_assistance" in offered["125.4(b)(1)"]
    assert "for_foreign_production_or_technical_assistance" not in offered["126.4"]


# ----------------------------------------------------------------------------------------------
# The certification record


def test_the_record_holds_the_checklist_law_guidelines_and_marking() -> None:
    transfer = guided(example("125.4(b)(1)"), answers=B1_YES)
    result = decide("125.4(b)(1)", transfer, GUIDED)
    record = certification_record(result, transfer, GUIDED)
    assert record["format"] == RECORD_FORMAT and record["status"] == "eligible"
    assert record["law"] == {
        "id": GUIDED.id,
        "as_of": "2025-11-01",
        "reforms": list(GUIDED.reforms),
    }
    assert record["guidelines"]["sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    # § 120.15(f): "… clearly marking the package or letter containing the technical data
    # '22 CFR [insert ITAR exemption] applicable.'"
    assert record["marking"]["text"] == "22 CFR 125.4(b)(1) applicable"
    assert record["marking"]["required"] is True
    assert record["marking"]["citation"] == "22 CFR 120.15(f)"
    assert len(record["conditions"]) == len(result.conditions)
    assert {c["status"] for c in record["conditions"]} == {"pass"}
    assert record["facts_relied_on"]["dod_official_written_request_or_directive"] is True
    roles = {s["role"]: s["confirms"] for s in record["signatures"]}
    assert "dod_written_request" in roles["dod_official"]
    assert "certification-letter" in roles["dod_official"]
    assert "technical_data" in roles["exporter"]
    assert [o["paragraph"] for o in record["obligations"]] == [
        "22 CFR 120.15(e)",
        "22 CFR 120.15(f)",
    ]
    json.dumps(record)  # a JSON value


def test_the_record_in_markdown_can_be_signed() -> None:
    transfer = guided(example("125.4(b)(1)"), answers=B1_YES)
    record = certification_record(decide("125.4(b)(1)", transfer, GUIDED), transfer, GUIDED)
    text = record_markdown(record)
    assert text.startswith("# Certification record: 22 CFR 125.4(b)(1)\n")
    assert "**Marking (22 CFR 120.15(f)):** “22 CFR 125.4(b)(1) applicable”" in text
    assert f"**Law:** {GUIDED.id} as of 2025-11-01" in text
    assert "ILLUSTRATIVE, not a real issuance" in text
    assert (
        "pursuant to an official written request or directive from the U.S. Department of Defense"
        in text
    )
    assert text.count("Signature: ______") == 2
    assert "not a substitute for" in text


def test_a_126_4_record_marks_the_branch_it_qualifies_under() -> None:
    transfer = make(A1)
    for key, marking in (
        ("126.4", "22 CFR 126.4(a)(1) applicable"),
        ("126.4(a)(1)", "22 CFR 126.4(a)(1) applicable"),
    ):
        record = certification_record(decide(key, transfer, LAW), transfer, LAW)
        assert record["marking"]["text"] == marking
        # § 120.15(f) marks technical data: this transfer is an article
        assert record["marking"]["required"] is False
    assert (
        certification_record(decide("126.4", transfer, LAW), transfer, LAW)["exemption"]["branch"]
        == "126.4(a)(1)"
    )


def test_an_open_record_lists_its_questions_and_says_not_to_certify() -> None:
    transfer = make(example("125.4(b)(1)"), answers={"disclosure_within_dod_request": None})
    record = certification_record(decide("125.4(b)(1)", transfer, LAW), transfer, LAW)
    assert record["status"] == "undetermined"
    assert [q["fact"] for q in record["open_questions"]] == ["disclosure_within_dod_request"]
    text = record_markdown(record)
    assert "answer the questions before certifying" in text and "## Open questions" in text
    assert "? open" in text
