"""The DIB's "NATO Alliance" recommendation as a change of the law's data
(``exportctl.engine.agreements.nato_alliance``), and plans under today's rules and the reform
side by side.  The scenario's wording is data/reforms/nato-alliance.json, as bundled."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import exportctl
from exportctl.engine.agreements import AgreementPlan, compare, nato_alliance

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = json.loads((ROOT / "data" / "reforms" / "nato-alliance.json").read_text("utf-8"))


def test_the_reform_is_a_change_of_the_law(law25: exportctl.Law) -> None:
    reformed = nato_alliance(law25)
    assert reformed.id != law25.id and reformed.as_of == law25.as_of
    assert len(reformed.reforms) == 1 and reformed.reforms[0].startswith("reform nato-alliance (")
    (selection,) = reformed.agreement_rules.selections
    change = next(c for c in SCENARIO["changes"] if c["op"] == "allow_territory_selection")
    assert (selection.name, selection.country_set) == ("NATO Alliance", "nato")
    assert selection.kinds == tuple(SCENARIO["applies_to"]["kinds"]) == ("TAA",)
    assert selection.resolved_through == change["resolved_through"] == "22 CFR 120.23(a)"
    assert selection.amendment_on_accession is False
    assert selection.quote == change["quote"]
    assert law25.agreement_rules.selections == ()  # today's law is untouched
    assert nato_alliance(reformed) is reformed  # applying it twice changes nothing
    assert nato_alliance(law25).id == reformed.id  # the same content, the same id


def test_under_the_reform_a_taa_is_written_nato_alliance_without_amendments(
    planned: Callable[..., AgreementPlan], law25: exportctl.Law
) -> None:
    reformed = nato_alliance(law25)
    p = planned(reformed, territory=["nato", "AU"], start_date="2022-06-01", duration="P10Y")
    assert p.territory is not None and p.territory.written == ("NATO Alliance", "Australia (AU)")
    assert p.amendments == ()
    assert [c.split(" joins")[0] for c in p.covered_without_amendment] == [
        "Finland (FI)",
        "Sweden (SE)",
    ]
    assert p.reforms == reformed.reforms
    assert p.item("DDTC practice: no NATO Alliance selection").status == "not_required"


def test_the_reform_names_tass_only(
    planned: Callable[..., AgreementPlan], law25: exportctl.Law
) -> None:
    reformed = nato_alliance(law25)
    mla = planned(
        reformed, kind="MLA", territory=["nato"], start_date="2022-06-01", duration="P10Y"
    )
    assert mla.territory is not None and mla.territory.selection is None
    assert [m.country for m in mla.amendments] == ["FI", "SE"]


def test_compare_side_by_side(make: Callable[..., object], law25: exportctl.Law) -> None:
    agreement = make(territory=["nato"], start_date="2022-06-01", duration="P10Y", classified=True)
    c = compare(agreement, law25, nato_alliance(law25))  # type: ignore[arg-type]
    rows = {r["aspect"]: r for r in c.rows}
    assert len(rows["territory as written"]["today"]) == 30
    assert rows["territory as written"]["reform"] == ["NATO Alliance"]
    assert rows["amendments over the term"]["today"] == [
        "Finland (FI) 2023-04-04, 22 CFR 124.1(c)",
        "Sweden (SE) 2024-03-07, 22 CFR 124.1(c)",
    ]
    assert rows["signatures"]["today"] == rows["signatures"]["reform"]
    assert rows["government signatures required"]["today"].startswith(
        "1 required (the government of Germany (DE)), for 32 countries"
    )
    assert c.today.amendments and not c.reform.amendments
    assert c.today.differences == ()  # today's plan is not the reform's


def test_where_the_report_differs_from_part_124_the_plan_says_so(
    planned: Callable[..., AgreementPlan], law25: exportctl.Law
) -> None:
    p = planned(nato_alliance(law25), territory=["nato"])
    topics = {d.topic: d for d in p.differences}
    expected = {d["topic"] for d in SCENARIO["differs_from_part_124"]}
    assert set(topics) == expected and "signatures" in topics
    signatures = topics["signatures"]
    assert signatures.claim == "This requires an execution signature from each nation"
    assert any("signed by the applicant and the foreign party" in r for r in signatures.regulation)
    assert "does not model the claim" in signatures.finding
    # and the claim is not modelled: no signature of any government is required
    assert not [
        s for s in p.signatures if s.signer == "foreign_government" and s.status == "required"
    ]


def test_reform_and_today_agree_on_everything_but_the_territory(
    planned: Callable[..., AgreementPlan], law25: exportctl.Law
) -> None:
    today = planned(territory=["nato"], start_date="2022-06-01", duration="P10Y")
    reform = planned(
        nato_alliance(law25), territory=["nato"], start_date="2022-06-01", duration="P10Y"
    )
    assert [(i.rule, i.status) for i in today.items if "NATO Alliance" not in i.rule] == [
        (i.rule, i.status) for i in reform.items if "NATO Alliance" not in i.rule
    ]
    assert today.signatures == reform.signatures
    assert today.proscribed == reform.proscribed == ()
    assert today.status == reform.status == "complete"
    assert dt.date(2023, 4, 4) in {m.date for m in today.amendments}
