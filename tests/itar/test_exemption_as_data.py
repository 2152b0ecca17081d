"""An exemption is one data file: the law finds it, authorize decides it, the batch columns show
it — without touching any module (issue 8, "exemptions found through the law")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import exportctl
from exportctl.engine.batch import authorize_columns, authorize_row, authorize_transfers
from exportctl.engine.exemptions import load_exemption
from exportctl.inputs.readers import read_jsonl_rows

THROWAWAY = Path(__file__).parent / "data" / "throwaway_exemption.json"
LAW = exportctl.law("2026-01-15")
TO_CANADA = {
    "transfer_id": "T-CA",
    "activity": "export",
    "transfer_kind": "article",
    "usml_classification": "XI(c)(4)",
    "from_country": "US",
    "to_country": "CA",
    "transit_countries": [],
    "parties": [
        {"role": "transferor", "country": "US", "kind": "us_person"},
        {"role": "recipient", "country": "CA", "kind": "other"},
    ],
    "answers": {"classified": False},
}


def test_the_bundled_law_holds_its_exemptions_in_the_cfrs_order() -> None:
    # § 125.4(b)(1)-(11), (b)(13), (c) and § 126.4 joined § 126.5 and § 126.7 in issue 11
    paragraphs_b = [f"125.4(b)({n})" for n in range(1, 14) if n != 12]
    assert [e.key for e in LAW.exemptions] == [*paragraphs_b, "125.4(c)", "126.4", "126.5", "126.7"]
    assert sorted(LAW.exemptions.groups) == ["120.15", "125.1(b)", "125.4(a)"]


def test_a_new_exemption_is_one_data_file() -> None:
    law = LAW.with_exemption(load_exemption(THROWAWAY))
    assert law.id != LAW.id and "999.1" in law.exemptions.keys
    transfer = exportctl.transfer_from_mapping(TO_CANADA, law)
    decided = exportctl.authorize(transfer, law)
    result = decided.result("999.1")
    assert result is not None and result.status == "eligible"
    assert [r.id for r in result.requirements] == [
        "TEST 999.1(a)",
        "TEST 999.1(a)",
        "TEST 999.1(b)",
        "TEST 999.1(c)",
    ]
    assert decided.outcome == "exempt" and "999.1" in decided.eligible
    # the batch output has its column, found in the law
    assert "test_999_1" in authorize_columns(law) and "test_999_1" not in authorize_columns(LAW)
    rows = list(
        authorize_transfers(read_jsonl_rows([json.dumps(TO_CANADA) + "\n"]), law, csv_form=False)
    )
    assert authorize_row(rows[0], law)["test_999_1"] == "eligible"
    # before its first version takes effect it is not in force
    earlier = law.at("2024-12-31")
    assert exportctl.authorize(transfer, earlier).result("999.1").status == "not_in_force"  # type: ignore[union-attr]


def test_a_decision_under_the_new_law_has_another_id() -> None:
    law = LAW.with_exemption(load_exemption(THROWAWAY))
    transfer = exportctl.transfer_from_mapping(TO_CANADA, LAW)
    assert (
        exportctl.authorize(transfer, law).decision_id
        != exportctl.authorize(transfer, LAW).decision_id
    )


def test_an_exemption_file_naming_an_unknown_test_is_refused() -> None:
    raw = {
        "kind": "exemption",
        "key": "999.2",
        "column": "x",
        "citation": "TEST 999.2",
        "title": "t",
        "versions": [
            {"id": "v", "effective_from": None, "requirements": [{"id": "r", "test": "magic"}]}
        ],
    }
    with pytest.raises(ValueError, match="unknown test 'magic'"):
        load_exemption(raw)
